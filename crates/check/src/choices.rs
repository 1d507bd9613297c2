//! The choices a world offers, applying one, and the path back to the root.

use crate::state::State;
use crate::{Budgets, Found};
use protocol::NodeId;
use sim::{Action, Scheduled};

/// The fault budgets a path has spent: part of a state, since what is
/// left decides what can happen next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Used {
    pub crashes: u32,
    pub drops: u32,
    pub dups: u32,
    pub requests: u32,
}

impl Used {
    /// The budgets after `action`.
    pub(crate) fn after(mut self, action: &Action) -> Self {
        match action {
            Action::Crash { .. } | Action::CrashMidStep { .. } => self.crashes += 1,
            Action::Drop { .. } => self.drops += 1,
            Action::Duplicate { .. } => self.dups += 1,
            Action::Request { .. } => self.requests += 1,
            _ => {}
        }
        self
    }
}

/// Buffers reused from one expansion to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    pub messages: Vec<u64>,
    pub choices: Vec<Action>,
}

/// The crashes in the middle of the step `action` just ran that a choice
/// may add, when they are on and the crash budget allows: the node that
/// ran and the `after` values, 1 to one less than the commands it
/// produced (crashing after none or all of them is an ordinary crash
/// before or after the step). Not generic, so the app carries one copy.
pub(crate) fn mid_step(
    budgets: &Budgets,
    used: Used,
    action: &Action,
    ran: Option<(NodeId, u32)>,
) -> Option<(NodeId, std::ops::Range<u32>)> {
    let steps = matches!(action, Action::Deliver { .. } | Action::Fire { .. } | Action::Request { .. });
    let (node, n) = ran?;
    (budgets.crash_mid_step && steps && used.crashes < budgets.crashes && n >= 2).then_some((node, 1..n))
}

/// The actions a choice records, all at `step`: the mid-step crash first
/// when there is one.
pub(crate) fn recorded(step: u64, action: &Action, crash: Option<(NodeId, u32)>) -> Vec<Scheduled> {
    let crash = crash.map(|(node, after)| Scheduled { step, action: Action::CrashMidStep { node, after } });
    crash.into_iter().chain([Scheduled { step, action: action.clone() }]).collect()
}

/// Record a kept choice after the link `parent`; returns its link.
pub(crate) fn push_link(
    links: &mut Vec<Link>,
    parent: u32,
    step: u64,
    action: Action,
    crash: Option<(NodeId, u32)>,
) -> u32 {
    let mut parent = parent;
    if let Some((node, after)) = crash {
        links.push(Link { parent, step, action: Action::CrashMidStep { node, after } });
        parent = (links.len() - 1) as u32;
    }
    links.push(Link { parent, step, action });
    (links.len() - 1) as u32
}

/// The successor by `action` of the world `next` is a copy of, with the
/// node of `crash`, if any, crashing after that many of the commands the
/// step produces. The same choice applied to a copy of the same world
/// makes the same world: breadth-first search keeps only the choice on its
/// frontier and makes the world again this way.
pub(crate) fn successor(
    mut next: Box<dyn State>,
    used: Used,
    action: &Action,
    crash: Option<(NodeId, u32)>,
) -> (Box<dyn State>, Used, u64) {
    let mut used = used;
    if let Some((node, after)) = crash {
        next.crash_mid_step(node, after);
        used = used.after(&Action::CrashMidStep { node, after });
    }
    let step = next.apply_choice(action);
    (next, used.after(action), step)
}

/// Worlds a search dropped (every successor once its id is taken, unless
/// it shows a violation; a parent once its last child on the frontier is
/// remade), to make the next successors in: a copy into a world's buffers
/// allocates little (see `World::clone_from`), where a fresh copy
/// allocates every buffer again. Breadth-first search keeps no successor's
/// world (its frontier keeps parents and choices), so a few spares serve
/// a whole level.
#[derive(Default)]
pub(crate) struct Spare(Vec<Box<dyn State>>);

/// Worlds kept at most: enough for the new states one expansion finds.
const SPARES: usize = 8;

impl Spare {
    /// A copy of `world`, in a spare world when there is one.
    pub fn copy(&mut self, world: &dyn State) -> Box<dyn State> {
        match self.0.pop() {
            Some(mut spare) => {
                world.copy_into(&mut *spare);
                spare
            }
            None => world.boxed(),
        }
    }

    /// Keep `world` for a later copy, unless enough are kept.
    pub fn give_back(&mut self, world: Box<dyn State>) {
        if self.0.len() < SPARES {
            self.0.push(world);
        }
    }
}

/// How a state was first reached: its parent's link and the choice.
pub(crate) struct Link {
    pub parent: u32,
    pub step: u64,
    pub action: Action,
}

/// The root's parent.
pub(crate) const ROOT: u32 = u32::MAX;

/// The actions from the root to the state at `link`, then `last`.
pub(crate) fn path(links: &[Link], mut link: u32, last: Vec<Scheduled>) -> Vec<Scheduled> {
    let mut actions: Vec<Scheduled> = last.into_iter().rev().collect();
    while link != ROOT {
        let l = &links[link as usize];
        actions.push(Scheduled { step: l.step, action: l.action.clone() });
        link = l.parent;
    }
    actions.reverse();
    actions
}

/// The violation `world` shows, with the path that led there (built only
/// when there is one: most states show none).
pub(crate) fn found(world: &dyn State, actions: impl FnOnce() -> Vec<Scheduled>) -> Option<Found> {
    let (property, detail, step) = world.broken()?;
    Some(Found { property, detail: detail.to_string(), step, actions: actions() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(crashes: u32) -> Budgets {
        Budgets { crashes, crash_mid_step: true, ..Budgets::default() }
    }

    #[test]
    fn a_step_of_n_commands_may_be_cut_after_1_to_n_minus_1() {
        let deliver = Action::Deliver { msg: 4 };
        assert_eq!(mid_step(&on(1), Used::default(), &deliver, Some((2, 4))), Some((2, 1..4)));
        let fire = Action::Fire { node: 1, timer: "election".into() };
        assert_eq!(mid_step(&on(1), Used::default(), &fire, Some((1, 2))), Some((1, 1..2)));
        let request = Action::Request { node: 0, cmd: "x=1".into() };
        assert_eq!(mid_step(&on(1), Used::default(), &request, Some((0, 3))), Some((0, 1..3)));
    }

    #[test]
    fn nothing_to_cut_without_the_option_a_crash_left_or_two_commands() {
        let deliver = Action::Deliver { msg: 4 };
        let off = Budgets { crashes: 1, ..Budgets::default() };
        assert_eq!(mid_step(&off, Used::default(), &deliver, Some((2, 4))), None);
        let spent = Used { crashes: 1, ..Used::default() };
        assert_eq!(mid_step(&on(1), spent, &deliver, Some((2, 4))), None);
        assert_eq!(mid_step(&on(1), Used::default(), &deliver, Some((2, 1))), None);
        // A message lost to a down node ran nothing.
        assert_eq!(mid_step(&on(1), Used::default(), &deliver, None), None);
        // A restart runs the node's start, but is not a step to cut short.
        let restart = Action::Restart { node: 2 };
        assert_eq!(mid_step(&on(1), Used::default(), &restart, Some((2, 3))), None);
    }

    #[test]
    fn a_mid_step_crash_spends_a_crash_and_is_recorded_before_its_step() {
        let crash = Action::CrashMidStep { node: 1, after: 2 };
        assert_eq!(Used::default().after(&crash).crashes, 1);
        let deliver = Action::Deliver { msg: 7 };
        let recorded = recorded(5, &deliver, Some((1, 2)));
        assert_eq!(
            recorded,
            vec![Scheduled { step: 5, action: crash }, Scheduled { step: 5, action: deliver.clone() }]
        );
        let mut links = Vec::new();
        let link = push_link(&mut links, ROOT, 5, deliver.clone(), Some((1, 2)));
        assert_eq!(path(&links, link, Vec::new()), recorded);
        assert_eq!(path(&links, link, recorded.clone()).len(), 4);
    }
}
