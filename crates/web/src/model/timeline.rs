//! The timeline under the canvas: a slider over the steps seen so far, with
//! marks where something happened (a scheduled fault or request, the first
//! violation, a fork), and the branches a fork left behind, kept so the user
//! can go back to them.

use sim::{Scheduled, Session};

/// Branches kept: the most recent ones.
pub const MAX_BRANCHES: usize = 5;

/// What a mark on the timeline stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A scheduled action: a fault, a heal, a request.
    Action,
    /// The run's first safety violation.
    Violation,
    /// Where the user changed the past and left a branch.
    Fork,
    /// Something the protocol called notable: a leader elected, a value
    /// chosen, a lock granted, a crash noticed.
    Notable,
}

impl MarkKind {
    /// The CSS class of the mark.
    pub fn class(self) -> &'static str {
        match self {
            MarkKind::Action => "mark-action",
            MarkKind::Violation => "mark-violation",
            MarkKind::Fork => "mark-fork",
            MarkKind::Notable => "mark-notable",
        }
    }
}

/// A moment marked on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub step: u64,
    pub kind: MarkKind,
    /// What it was, for the mark's tooltip and the screen reader.
    pub label: String,
}

/// A run the user left by acting at an earlier step: its actions and the
/// furthest step it had reached. The rest of its setup is the current one's
/// (changing the setup opens a new run and forgets the branches).
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub actions: Vec<Scheduled>,
    pub furthest: u64,
    /// The step where the current run left it.
    pub forked_at: u64,
}

impl Branch {
    /// What the branch had that the current run does not: its actions after
    /// the fork.
    pub fn dropped(&self) -> usize {
        self.actions.iter().filter(|a| a.step >= self.forked_at).count()
    }

    /// How a button offering to go back to it reads.
    pub fn label(&self) -> String {
        let n = self.dropped();
        let actions = match n {
            0 => String::new(),
            1 => ", 1 action after it".to_string(),
            n => format!(", {n} actions after it"),
        };
        format!("the run before the fork at step {} (to step {}{actions})", self.forked_at, self.furthest)
    }
}

/// Most notable events marked: the latest ones.
pub const MAX_NOTABLE_MARKS: usize = 60;

/// The marks of the run `session` shows, in step order, up to `end`, with
/// the protocol's `notable` lines (step, text) among them.
pub fn marks<'a>(
    session: &dyn Session,
    branches: &[Branch],
    end: u64,
    notable: impl DoubleEndedIterator<Item = (u64, &'a str)>,
) -> Vec<Mark> {
    let mut out: Vec<Mark> = session
        .actions()
        .iter()
        .filter(|a| a.step <= end)
        .map(|a| Mark { step: a.step, kind: MarkKind::Action, label: format!("step {}: {}", a.step, a.action.verb()) })
        .collect();
    if let Some(v) = session.first_violation().filter(|v| v.step <= end) {
        out.push(Mark {
            step: v.step,
            kind: MarkKind::Violation,
            label: format!("step {}: {} broken", v.step, v.property),
        });
    }
    for b in branches.iter().filter(|b| b.forked_at <= end) {
        out.push(Mark { step: b.forked_at, kind: MarkKind::Fork, label: format!("step {}: forked", b.forked_at) });
    }
    let notable: Vec<(u64, &str)> = notable.rev().filter(|(step, _)| *step <= end).take(MAX_NOTABLE_MARKS).collect();
    out.extend(notable.into_iter().map(|(step, text)| Mark {
        step,
        kind: MarkKind::Notable,
        label: format!("step {step}: {text}"),
    }));
    protocol::sort::sort_by_key(&mut out, |m| m.step);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_show_actions_the_first_violation_and_forks_in_order() {
        let mut setup = lab::Setup { seed: 2, ..lab::Setup::default() };
        setup.actions =
            sim::parse_actions(r#"[{"step":300,"do":"crash","node":0},{"step":80,"do":"heal"}]"#, 5).unwrap();
        let mut session = lab::open(&setup).unwrap();
        session.seek(200);
        let branch = Branch { actions: setup.actions.clone(), furthest: 400, forked_at: 150 };
        let notable = [(20, "node 3 is leader of term 1"), (120, "node 1 is leader of term 2"), (260, "later")];
        let marks = marks(session.as_ref(), std::slice::from_ref(&branch), 200, notable.into_iter());
        let got: Vec<(u64, MarkKind)> = marks.iter().map(|m| (m.step, m.kind)).collect();
        assert_eq!(
            got,
            [(20, MarkKind::Notable), (80, MarkKind::Action), (120, MarkKind::Notable), (150, MarkKind::Fork)],
            "the crash at 300 and the line at 260 are past the end"
        );
        assert_eq!(marks[2].label, "step 120: node 1 is leader of term 2");
        assert_eq!(marks[1].label, "step 80: heal");
        assert_eq!(branch.dropped(), 1);
        assert_eq!(branch.label(), "the run before the fork at step 150 (to step 400, 1 action after it)");
    }

    #[test]
    fn the_first_violation_is_marked() {
        // The first scenario of the catalog that breaks a property.
        let mut session = lab::presets::PRESETS
            .iter()
            .map(|p| {
                let mut s = lab::open(&p.load().setup).unwrap();
                s.seek(2_000);
                s
            })
            .find(|s| s.first_violation().is_some())
            .expect("the catalog shows a violation");
        session.seek(2_000);
        let v = session.first_violation().unwrap().clone();
        let marks = marks(session.as_ref(), &[], 2_000, std::iter::empty());
        let mark = marks.iter().find(|m| m.kind == MarkKind::Violation).expect("marked");
        assert_eq!(mark.step, v.step);
        assert_eq!(mark.label, format!("step {}: {} broken", v.step, v.property));
        assert!(marks.windows(2).all(|w| w[0].step <= w[1].step));
    }
}
