//! The learner (Paxos Made Simple §2.3): a value is chosen once a majority
//! of acceptors accepted it in one ballot; each acceptor tells every learner.

use crate::ballot::Ballot;
use crate::journal::Journal;
use crate::message::{Chosen, Value};
use crate::slots::Slots;
use protocol::flat::{FlatMap, FlatSet};
use protocol::NodeId;
use std::collections::VecDeque;

/// Tallies kept at most, oldest slots dropped first.
const MAX_TALLIES: usize = 1024;
/// Learned slots the journal keeps: more than one step can learn (a
/// catch-up reply carries at most 32).
const JOURNAL: usize = 64;
/// Decisions remembered with their ballot and quorum: the newest slots.
pub const DECISIONS: usize = 64;

/// How this learner saw a slot chosen: the ballot in which a majority
/// accepted it and that majority (Paxos Made Simple §2.3). Only a slot
/// learned from `Accepted` messages has one; one learned from another
/// learner (`Decided`) or from stable storage does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decision {
    pub slot: u64,
    pub ballot: Ballot,
    /// Bit `i` set: acceptor `i` is in the quorum (ids are below 128).
    pub voters: u128,
}

impl Decision {
    /// The quorum's acceptors, in id order.
    pub fn acceptors(&self) -> Vec<NodeId> {
        voter_ids(self.voters).collect()
    }
}

/// The acceptors of a voter bit set (bit `i`: acceptor `i`), in id order.
pub(crate) fn voter_ids(bits: u128) -> impl Iterator<Item = NodeId> {
    (0..128).filter(move |i| bits & (1u128 << i) != 0)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Learner {
    /// Chosen values by slot. Kept on stable storage.
    pub chosen: Slots<Value>,
    /// (slot, ballot) → the value and the acceptors that accepted it.
    tallies: FlatMap<(u64, Ballot), (Value, FlatSet<NodeId>)>,
    /// The first slot not known to be chosen, kept up to date rather than
    /// found by a scan on every message.
    first_unchosen: u64,
    /// The slots learned since this node came up, for the checker.
    pub journal: Journal<u64, JOURNAL>,
    /// The newest [`DECISIONS`] slots this learner saw chosen, oldest first.
    /// Volatile: what the app shows as "the quorum that chose", so that it
    /// names the ballot the log names, even after the acceptors moved on to
    /// a later ballot with the same value.
    decisions: VecDeque<Decision>,
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
        let (_, voters) = self.tallies.entry((slot, ballot)).or_insert_with(|| (value.clone(), FlatSet::new()));
        voters.insert(acceptor);
        if voters.len() < quorum {
            while self.tallies.len() > MAX_TALLIES {
                self.tallies.pop_first();
            }
            return None;
        }
        let voters = voters.iter().fold(0u128, |mask, &id| mask | 1u128.checked_shl(id).unwrap_or(0));
        if self.decisions.len() == DECISIONS {
            self.decisions.pop_front();
        }
        self.decisions.push_back(Decision { slot, ballot, voters });
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
    /// How this learner saw `slot` chosen, if it counted the votes itself
    /// and the slot is among the newest [`DECISIONS`] it learned.
    pub fn decision(&self, slot: u64) -> Option<&Decision> {
        self.decisions.iter().rev().find(|d| d.slot == slot)
    }

    /// Rename the acceptors in its tallies and decisions (`symmetry.rs`).
    pub(crate) fn rename(&mut self, renaming: &protocol::Renaming) {
        for (_, voters) in self.tallies.values_mut() {
            *voters = voters.iter().map(|&id| renaming.id(id)).collect();
        }
        for d in &mut self.decisions {
            d.voters = renaming.bits(d.voters);
        }
    }

    pub fn first_unchosen(&self) -> u64 {
        self.first_unchosen
    }

    pub fn chosen_list(&self) -> Vec<Chosen> {
        self.chosen.iter().map(|(slot, v)| Chosen { slot, value: v.clone() }).collect()
    }

    /// The acceptors whose acceptances this learner has counted for `slot`
    /// at `ballot` (for showing the quorum).
    pub fn voters(&self, slot: u64, ballot: Ballot) -> Option<&FlatSet<NodeId>> {
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
        let d = l.decision(0).expect("counted here");
        assert_eq!((d.ballot, d.acceptors()), (Ballot(1, 0), vec![2, 3]));
        assert_eq!(l.first_unchosen(), 1);
        l.learn(2, "c".into());
        assert_eq!(l.first_unchosen(), 1, "slot 1 is a gap");
    }
}
