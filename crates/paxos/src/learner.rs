//! The learner (Paxos Made Simple §2.3): a value is chosen once a majority
//! of acceptors accepted it in one ballot; each acceptor tells every learner.

use crate::ballot::Ballot;
use crate::journal::Journal;
use crate::message::{Chosen, Value};
use crate::slots::Slots;
use protocol::NodeId;
use std::collections::{BTreeMap, BTreeSet};

/// Tallies kept at most, oldest slots dropped first.
const MAX_TALLIES: usize = 1024;
/// Learned slots the journal keeps: more than one step can learn (a
/// catch-up reply carries at most 32).
const JOURNAL: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Learner {
    /// Chosen values by slot. Kept on stable storage.
    pub chosen: Slots<Value>,
    /// (slot, ballot) → the value and the acceptors that accepted it.
    tallies: BTreeMap<(u64, Ballot), (Value, BTreeSet<NodeId>)>,
    /// The first slot not known to be chosen, kept up to date rather than
    /// found by a scan on every message.
    first_unchosen: u64,
    /// The slots learned since this node came up, for the checker.
    pub journal: Journal<u64, JOURNAL>,
}

impl Learner {
    pub fn from_chosen(chosen: Slots<Value>) -> Self {
        let mut learner = Self { chosen, ..Self::default() };
        learner.advance();
        learner
    }

    fn advance(&mut self) {
        while self.chosen.contains_key(self.first_unchosen) {
            self.first_unchosen += 1;
        }
    }

    /// Count an acceptance; returns the newly chosen value, if this one
    /// completes a majority.
    pub fn on_accepted(
        &mut self,
        acceptor: NodeId,
        ballot: Ballot,
        slot: u64,
        value: &Value,
        quorum: usize,
    ) -> Option<Value> {
        if self.chosen.contains_key(slot) {
            return None;
        }
        let (_, voters) = self.tallies.entry((slot, ballot)).or_insert_with(|| (value.clone(), BTreeSet::new()));
        voters.insert(acceptor);
        if voters.len() < quorum {
            while self.tallies.len() > MAX_TALLIES {
                self.tallies.pop_first();
            }
            return None;
        }
        self.learn(slot, value.clone());
        Some(value.clone())
    }

    /// Record a value known to be chosen; returns whether it is news.
    pub fn learn(&mut self, slot: u64, value: Value) -> bool {
        if self.chosen.contains_key(slot) {
            return false;
        }
        self.chosen.insert(slot, value);
        self.journal.record(slot);
        self.advance();
        // The slot's tallies are of no use any more.
        let done: Vec<(u64, Ballot)> =
            self.tallies.range((slot, Ballot(0, 0))..=(slot, Ballot(u64::MAX, NodeId::MAX))).map(|(k, _)| *k).collect();
        for key in done {
            self.tallies.remove(&key);
        }
        true
    }

    /// The first slot not known to be chosen: everything before it can be applied.
    pub fn first_unchosen(&self) -> u64 {
        self.first_unchosen
    }

    pub fn chosen_list(&self) -> Vec<Chosen> {
        self.chosen.iter().map(|(slot, v)| Chosen { slot, value: v.clone() }).collect()
    }

    /// The acceptors whose acceptances this learner has counted for `slot`
    /// at `ballot` (for showing the quorum).
    pub fn voters(&self, slot: u64, ballot: Ballot) -> Option<&BTreeSet<NodeId>> {
        self.tallies.get(&(slot, ballot)).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_majority_in_one_ballot_chooses() {
        let mut l = Learner::default();
        let v: Value = "a".into();
        assert_eq!(l.on_accepted(2, Ballot(1, 0), 0, &v, 2), None);
        assert_eq!(l.on_accepted(2, Ballot(1, 0), 0, &v, 2), None, "a duplicate counts once");
        assert_eq!(l.on_accepted(3, Ballot(2, 1), 0, &v, 2), None, "other ballots do not add up");
        assert_eq!(l.on_accepted(3, Ballot(1, 0), 0, &v, 2), Some(v.clone()));
        assert_eq!(l.first_unchosen(), 1);
        l.learn(2, "c".into());
        assert_eq!(l.first_unchosen(), 1, "slot 1 is a gap");
    }
}
