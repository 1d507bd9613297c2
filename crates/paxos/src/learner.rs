//! The learner (Paxos Made Simple §2.3): a value is chosen once a majority
//! of acceptors accepted it in one ballot; each acceptor tells every learner.

use crate::ballot::Ballot;
use crate::message::{Chosen, Value};
use protocol::NodeId;
use std::collections::{BTreeMap, BTreeSet};

/// Tallies kept at most, oldest slots dropped first.
const MAX_TALLIES: usize = 1024;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Learner {
    /// Chosen values by slot. Kept on stable storage.
    pub chosen: BTreeMap<u64, Value>,
    /// (slot, ballot) → the value and the acceptors that accepted it.
    tallies: BTreeMap<(u64, Ballot), (Value, BTreeSet<NodeId>)>,
}

impl Learner {
    pub fn from_chosen(chosen: BTreeMap<u64, Value>) -> Self {
        Self { chosen, tallies: BTreeMap::new() }
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
        if self.chosen.contains_key(&slot) {
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
        if self.chosen.contains_key(&slot) {
            return false;
        }
        self.chosen.insert(slot, value);
        self.tallies.retain(|(s, _), _| *s != slot);
        true
    }

    /// The first slot not known to be chosen: everything before it can be applied.
    pub fn first_unchosen(&self) -> u64 {
        let mut next = 0;
        for &slot in self.chosen.keys() {
            if slot != next {
                break;
            }
            next += 1;
        }
        next
    }

    pub fn chosen_list(&self) -> Vec<Chosen> {
        self.chosen.iter().map(|(&slot, v)| Chosen { slot, value: v.clone() }).collect()
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
