//! The message kinds the legend lists: every kind this run has shown in
//! flight, not only those flying now. Listing only the kinds in flight made
//! the legend jump every few frames (ABD's went from one kind to four and
//! back, moving "cut link" and "lost message" with it), so a reader could
//! not read it while the run played.

use super::Core;
use sim::MsgInfo;

/// The kinds seen so far, sorted by name, with their palette slots.
#[derive(Default)]
pub struct Kinds {
    seen: Vec<(&'static str, usize)>,
    /// The messages in flight, read into one buffer frame after frame.
    scratch: Vec<MsgInfo>,
}

impl Kinds {
    pub fn seen(&self) -> &[(&'static str, usize)] {
        &self.seen
    }

    /// Add the kinds of the messages in flight now. Bounded by the messages
    /// in flight, whatever the run's length.
    fn note(&mut self, session: &dyn sim::Session) {
        session.messages_into(&mut self.scratch);
        let before = self.seen.len();
        for m in &self.scratch {
            if !self.seen.iter().any(|(k, _)| *k == m.kind) {
                self.seen.push((m.kind, m.tone.slot()));
            }
        }
        if self.seen.len() > before {
            protocol::sort::sort(&mut self.seen);
        }
    }
}

impl Core {
    /// Note the message kinds in flight for the legend (after a change).
    pub(super) fn note_kinds(&mut self) {
        self.kinds.note(self.session.as_ref());
    }

    /// Forget the kinds of a run of another setup.
    pub(super) fn forget_kinds(&mut self) {
        self.kinds.seen.clear();
    }
}

#[cfg(test)]
mod tests {
    use crate::model::cmd::Cmd;
    use crate::model::core::Core;
    use lab::{Algo, Setup};

    #[test]
    fn the_legend_keeps_every_kind_the_run_has_flown_sorted() {
        let mut core = Core::new(Setup::new(Algo::Abd), None);
        core.apply(Cmd::ClientRequest(None)).unwrap();
        let mut counts = Vec::new();
        for _ in 0..60 {
            core.apply(Cmd::Step(1)).unwrap();
            let seen = core.kinds.seen();
            assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "sorted, once each: {seen:?}");
            let mut msgs = Vec::new();
            core.session.messages_into(&mut msgs);
            assert!(msgs.iter().all(|m| seen.contains(&(m.kind, m.tone.slot()))), "every kind in flight");
            counts.push(seen.len());
        }
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "never shrinks while the run goes on: {counts:?}");
        assert!(*counts.last().unwrap() >= 3, "a read's phases: {:?}", core.kinds.seen());
        // Going back keeps them (the same run); another algorithm forgets them.
        core.apply(Cmd::Seek(0)).unwrap();
        assert_eq!(core.kinds.seen().len(), *counts.last().unwrap());
        core.apply(Cmd::Open(Setup::new(Algo::Raft))).unwrap();
        assert!(core.kinds.seen().is_empty(), "{:?}", core.kinds.seen());
    }
}
