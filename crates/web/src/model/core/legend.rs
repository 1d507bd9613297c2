//! The message kinds the legend lists: every kind this run has shown in
//! flight, not only those flying now. Listing only the kinds in flight made
//! the legend jump every few frames (a quorum register's went from one kind to four and
//! back, moving "cut link" and "lost message" with it), so a reader could
//! not read it while the run played.

use super::Core;
use sim::MsgInfo;

/// The kinds seen so far, sorted by name, with their palette slots: the
/// run's own and, side by side, the other world's.
#[derive(Default)]
pub struct Kinds {
    own: Vec<(&'static str, usize)>,
    beside: Vec<(&'static str, usize)>,
    /// The messages in flight, read into one buffer frame after frame.
    scratch: Vec<MsgInfo>,
}

impl Kinds {
    /// Both worlds' kinds, sorted, each (kind, tone) once.
    pub fn seen(&self) -> Vec<(&'static str, usize)> {
        let mut all = self.own.clone();
        all.extend(self.beside.iter().filter(|k| !self.own.contains(k)));
        protocol::sort::sort(&mut all);
        all
    }
}

/// Add the kinds of `session`'s messages in flight now to `seen`. Bounded by
/// the messages in flight, whatever the run's length.
fn note(seen: &mut Vec<(&'static str, usize)>, scratch: &mut Vec<MsgInfo>, session: &dyn sim::Session) {
    session.messages_into(scratch);
    for m in scratch.iter() {
        if !seen.contains(&(m.kind, m.tone.slot())) {
            seen.push((m.kind, m.tone.slot()));
        }
    }
}

impl Core {
    /// Note the message kinds in flight for the legend (after a change), in
    /// the world beside the run too: the legend explains both canvases.
    pub(super) fn note_kinds(&mut self) {
        let Kinds { own, beside, scratch } = &mut self.kinds;
        note(own, scratch, self.session.as_ref());
        if let Some(twin) = self.compare.as_ref() {
            note(beside, scratch, twin.session());
        }
    }

    /// Forget the kinds of a run of another setup.
    pub(super) fn forget_kinds(&mut self) {
        self.kinds.own.clear();
        self.kinds.beside.clear();
    }

    /// Forget the other world's kinds (it closed, or another opened).
    pub(super) fn forget_kinds_beside(&mut self) {
        self.kinds.beside.clear();
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
            let seen = &core.kinds.seen();
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

    /// Side by side, the legend explains the other world's messages too;
    /// the run alone again, only its own.
    #[test]
    fn beside_another_world_the_legend_has_its_kinds_too() {
        let kinds = |core: &Core| core.kinds.seen().iter().map(|(k, _)| *k).collect::<Vec<_>>();
        let mut alone = Core::new(Setup::new(Algo::Raft), None);
        alone.apply(Cmd::Step(200)).unwrap();
        let mut beside = Core::new(Setup::new(Algo::Raft), None);
        beside.apply(Cmd::Compare(Some(lab::compare::Against::new(Algo::MultiPaxos)))).unwrap();
        beside.apply(Cmd::Step(200)).unwrap();
        let (own, both) = (kinds(&alone), kinds(&beside));
        assert!(own.iter().all(|k| both.contains(k)), "{own:?} in {both:?}");
        assert!(both.len() > own.len(), "Multi-Paxos's kinds added: {both:?}");
        beside.apply(Cmd::Compare(None)).unwrap();
        assert_eq!(kinds(&beside), own, "the run alone: its kinds only");
    }
}
