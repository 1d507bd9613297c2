//! The safety properties of Paxos, checked over all nodes after every step.
//!
//! The checker keeps its own record of every acceptance it has seen, so it
//! knows which values were truly chosen (accepted by a majority of acceptors
//! in one ballot, Paxos Made Simple §2.2) whatever the learners believe.
//!
//! - **Agreement**: at most one value is chosen per slot, and every learner
//!   learns only that value (one ballot also never carries two values).
//! - **Validity**: a chosen value was proposed by a client (or is a no-op a
//!   Multi-Paxos leader used to fill a gap).
//! - **Promise Integrity**: an acceptor's promise never goes down, across
//!   restarts too, and it never accepts a ballot below its promise (P1a).
//! - **Stability**: a chosen value stays chosen: every acceptance of a higher
//!   ballot in that slot carries the same value (P2b), and no learner ever
//!   changes or forgets what it learned.

use crate::ballot::Ballot;
use crate::message::{Value, NO_OP};
use crate::multi::MultiPaxos;
use crate::observe::Observable;
use crate::single::Paxos;
use protocol::{Checker, NodeId, NodeRef, Violation};
use std::collections::{BTreeMap, BTreeSet};

pub const AGREEMENT: &str = "Agreement";
pub const VALIDITY: &str = "Validity";
pub const PROMISE_INTEGRITY: &str = "Promise Integrity";
pub const STABILITY: &str = "Stability";

const PROPERTIES: &[&str] = &[AGREEMENT, VALIDITY, PROMISE_INTEGRITY, STABILITY];

#[derive(Clone, Debug, Default)]
pub struct PaxosChecker {
    /// Every value a client asked a node to propose.
    proposed: BTreeSet<Value>,
    /// (slot, ballot) → its value and every acceptor seen accepting it.
    votes: BTreeMap<(u64, Ballot), (Value, BTreeSet<NodeId>)>,
    /// slot → the lowest ballot in which a majority accepted, and the value.
    chosen: BTreeMap<u64, (Ballot, Value)>,
    /// acceptor → the highest promise seen.
    promised: BTreeMap<NodeId, Ballot>,
    /// (acceptor, slot) → the ballot it had accepted at the last check.
    accepted: BTreeMap<(NodeId, u64), Ballot>,
    /// (learner, slot) → what it learned.
    learned: BTreeMap<(NodeId, u64), Value>,
    /// Whether no-ops are legitimate values (Multi-Paxos).
    no_op_allowed: bool,
}

impl Checker<Paxos> for PaxosChecker {
    const PROPERTIES: &'static [&'static str] = PROPERTIES;
    fn check(&mut self, nodes: &[NodeRef<'_, Paxos>]) -> Option<Violation> {
        self.check_nodes(nodes, None)
    }
    fn check_changed(&mut self, nodes: &[NodeRef<'_, Paxos>], changed: Option<NodeId>) -> Option<Violation> {
        self.check_nodes(nodes, changed)
    }
}

impl Checker<MultiPaxos> for PaxosChecker {
    const PROPERTIES: &'static [&'static str] = PROPERTIES;
    fn check(&mut self, nodes: &[NodeRef<'_, MultiPaxos>]) -> Option<Violation> {
        self.check_nodes(nodes, None)
    }
    fn check_changed(&mut self, nodes: &[NodeRef<'_, MultiPaxos>], changed: Option<NodeId>) -> Option<Violation> {
        self.check_nodes(nodes, changed)
    }
}

fn violation(property: &'static str, detail: String) -> Option<Violation> {
    Some(Violation { property, detail })
}

fn show(b: Option<Ballot>) -> String {
    b.map_or("none".to_string(), |b| b.to_string())
}

impl PaxosChecker {
    /// All the history is kept per node, so after an event only the node
    /// that handled it needs a look (`changed`); after an action, all do.
    fn check_nodes<P: Observable>(&mut self, nodes: &[NodeRef<'_, P>], changed: Option<NodeId>) -> Option<Violation> {
        let quorum = nodes.first()?.state.quorum();
        self.no_op_allowed = P::NO_OP_ALLOWED;
        let look: Vec<&NodeRef<'_, P>> = nodes.iter().filter(|n| changed.is_none_or(|c| c == n.id)).collect();
        for n in &look {
            self.proposed.extend(n.state.requested().iter().cloned());
        }
        for n in &look {
            if let Some(v) = self.acceptor(n.id, n.state, quorum) {
                return Some(v);
            }
        }
        for n in &look {
            if let Some(v) = self.learner(n.id, n.state) {
                return Some(v);
            }
        }
        for n in &look {
            let chosen = &n.state.learner().chosen;
            for (&(_, slot), _) in self.learned.range((n.id, 0)..=(n.id, u64::MAX)) {
                if !chosen.contains_key(&slot) {
                    return violation(STABILITY, format!("node {} forgot the value it learned for slot {slot}", n.id));
                }
            }
        }
        None
    }

    fn acceptor<P: Observable>(&mut self, id: NodeId, node: &P, quorum: usize) -> Option<Violation> {
        let acceptor = node.acceptor()?;
        let before = self.promised.get(&id).copied();
        if acceptor.promised < before {
            return violation(
                PROMISE_INTEGRITY,
                format!("acceptor {id}'s promise went down from {} to {}", show(before), show(acceptor.promised)),
            );
        }
        for (&slot, (ballot, value)) in &acceptor.accepted {
            if self.accepted.get(&(id, slot)) == Some(ballot) {
                continue;
            }
            if Some(*ballot) < before {
                return violation(
                    PROMISE_INTEGRITY,
                    format!("acceptor {id} accepted ballot {ballot} in slot {slot} below its promise {}", show(before)),
                );
            }
            self.accepted.insert((id, slot), *ballot);
            if let Some(v) = self.vote(id, slot, *ballot, value, quorum) {
                return Some(v);
            }
        }
        if let Some(p) = acceptor.promised {
            self.promised.insert(id, p);
        }
        None
    }

    /// Record that `acceptor` accepted `value` at `ballot` in `slot`.
    fn vote(&mut self, acceptor: NodeId, slot: u64, ballot: Ballot, value: &Value, quorum: usize) -> Option<Violation> {
        let (ballot_value, voters) =
            self.votes.entry((slot, ballot)).or_insert_with(|| (value.clone(), BTreeSet::new()));
        if ballot_value != value {
            return violation(
                AGREEMENT,
                format!("ballot {ballot} carried two values in slot {slot}: {ballot_value:?} and {value:?}"),
            );
        }
        voters.insert(acceptor);
        let majority = voters.len() >= quorum;
        if let Some((chosen_ballot, chosen)) = self.chosen.get(&slot) {
            if ballot > *chosen_ballot && value != chosen {
                return violation(
                    STABILITY,
                    format!(
                        "{chosen:?} was chosen in slot {slot} at ballot {chosen_ballot}, but acceptor {acceptor} \
                         accepted {value:?} at the higher ballot {ballot}"
                    ),
                );
            }
            if majority && value != chosen {
                return violation(
                    AGREEMENT,
                    format!("two values chosen in slot {slot}: {chosen:?} (ballot {chosen_ballot}) and {value:?} (ballot {ballot})"),
                );
            }
            return None;
        }
        if !majority {
            return None;
        }
        self.chosen.insert(slot, (ballot, value.clone()));
        if !self.is_valid(value) {
            return violation(VALIDITY, format!("{value:?} was chosen in slot {slot} but no client proposed it"));
        }
        // Acceptances already seen at higher ballots must carry the chosen value.
        let higher = self.votes.range((slot, ballot)..=(slot, Ballot(u64::MAX, NodeId::MAX))).skip(1);
        for ((_, b), (v, who)) in higher {
            if v != value {
                let a = who.first().copied().unwrap_or_default();
                return violation(
                    STABILITY,
                    format!(
                        "{value:?} is chosen in slot {slot} at ballot {ballot}, but acceptor {a} accepted {v:?} at {b}"
                    ),
                );
            }
        }
        None
    }

    fn is_valid(&self, value: &Value) -> bool {
        self.proposed.contains(value) || (&**value == NO_OP && self.no_op_allowed)
    }

    fn learner<P: Observable>(&mut self, id: NodeId, node: &P) -> Option<Violation> {
        for (&slot, value) in &node.learner().chosen {
            match self.learned.get(&(id, slot)) {
                Some(before) if before == value => continue,
                Some(before) => {
                    return violation(
                        STABILITY,
                        format!("node {id} learned {before:?} for slot {slot}, then {value:?}"),
                    )
                }
                None => {}
            }
            match self.chosen.get(&slot) {
                Some((_, chosen)) if chosen != value => {
                    return violation(
                        AGREEMENT,
                        format!("node {id} learned {value:?} for slot {slot}, but {chosen:?} was chosen"),
                    )
                }
                Some(_) => {}
                None => {
                    return violation(
                        AGREEMENT,
                        format!("node {id} learned {value:?} for slot {slot}, which no majority accepted"),
                    )
                }
            }
            if !self.is_valid(value) {
                return violation(VALIDITY, format!("node {id} learned {value:?}, which no client proposed"));
            }
            self.learned.insert((id, slot), value.clone());
        }
        None
    }
}
