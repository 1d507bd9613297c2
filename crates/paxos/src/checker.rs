//! The safety properties of Paxos, checked over all nodes after every step.
//!
//! The checker keeps its own count of acceptances, so it knows which values
//! were truly chosen (accepted by a majority of acceptors in one ballot,
//! Paxos Made Simple §2.2) whatever the learners believe.
//!
//! - **Agreement**: at most one value is chosen per slot, and every learner
//!   learns only that value (one ballot also never carries two values).
//! - **Validity**: a chosen value was proposed by a client for its slot (or
//!   is a no-op a Multi-Paxos leader used to fill a gap).
//! - **Promise Integrity**: an acceptor's promise never goes down, across
//!   restarts too, and it never accepts a ballot below its promise (P1a).
//! - **Stability**: a chosen value stays chosen: every acceptance of a higher
//!   ballot in that slot carries the same value (P2b), and no learner ever
//!   forgets what it learned.
//!
//! The checker is cloned with every snapshot of the world, so it summarizes
//! rather than accumulates. Per node it keeps the promise it last saw and how
//! far it has read the node's journals (acceptances, learned slots, client
//! proposals): after an event it reads only the changed node's new entries,
//! and rescans a node's tables only when the node went down or came back up
//! (its state was rebuilt from what it persisted) or a journal overflowed.
//! Per slot it keeps the chosen value once a majority is seen and, while the
//! slot is open, a few tallies and the client values proposed for it. The
//! slots it tracks are the slots the acceptors hold (one per Multi-Paxos
//! command), shared chunk by chunk between copies ([`Slots`]).

use crate::ballot::Ballot;
use crate::learner::voter_ids;
use crate::message::{Value, NO_OP};
use crate::observe::Observable;
use crate::slots::Slots;
use protocol::{Checker, NodeId, NodeRef, Status, Violation};

pub const AGREEMENT: &str = "Agreement";
pub const VALIDITY: &str = "Validity";
pub const PROMISE_INTEGRITY: &str = "Promise Integrity";
pub const STABILITY: &str = "Stability";

const PROPERTIES: &[&str] = &[AGREEMENT, VALIDITY, PROMISE_INTEGRITY, STABILITY];

/// Ballots counted per slot. In an open slot every new ballot adds one; past
/// this the lowest is dropped, so a majority that forms in a ballot this far
/// below the newest of its slot goes unseen. Once a value is chosen only
/// lower ballots with another value are kept (a majority there would be a
/// second choice).
const MAX_TALLIES_PER_SLOT: usize = 32;
/// Distinct client values remembered per open slot (one per proposer
/// incarnation or leadership that proposed there). Past this, Validity is
/// not checked in that slot rather than raise a false alarm.
const MAX_REQUESTED_PER_SLOT: usize = 32;

/// The acceptances of one ballot in one slot.
#[derive(Clone, Debug, Hash)]
struct Tally {
    ballot: Ballot,
    value: Value,
    /// One bit per acceptor id (`MAX_NODES` is 128).
    voters: u128,
}

#[derive(Clone, Debug, Default, Hash)]
struct SlotRecord {
    /// The lowest ballot in which a majority was seen accepting, and its value.
    chosen: Option<(Ballot, Value)>,
    tallies: Vec<Tally>,
    /// Client values proposed for the slot; emptied once it is chosen.
    requested: Vec<Value>,
    requested_overflow: bool,
}

impl NodeRecord {
    /// The record of `node` after a check that found nothing wrong: the
    /// promise never went down, so the highest seen is the current one, and
    /// every journal was read to its end.
    fn of<P: Observable>(node: &P, down: bool) -> Self {
        let learner = node.learner();
        Self {
            promised: node.acceptor().and_then(|a| a.promised),
            accepts_seen: node.acceptor().map_or(0, |a| a.journal.count()),
            learned_seen: learner.journal.count(),
            proposals_seen: node.proposals().count(),
            learned: learner.chosen.len(),
            down,
        }
    }
}

impl SlotRecord {
    /// Whether counting `acceptor`'s acceptance of `value` at `ballot` would
    /// change nothing: the value is the one chosen, or the acceptance is
    /// already in its ballot's tally.
    fn counted(&self, acceptor: NodeId, ballot: Ballot, value: &Value) -> bool {
        if let Some((_, chosen)) = &self.chosen {
            if value == chosen {
                return true;
            }
        }
        self.tallies.iter().any(|t| t.ballot == ballot && t.value == *value && t.voters & (1 << acceptor) != 0)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct NodeRecord {
    /// The highest promise seen from this acceptor.
    promised: Option<Ballot>,
    /// Journal entries already read.
    accepts_seen: u64,
    learned_seen: u64,
    proposals_seen: u64,
    /// Slots the node knew to be chosen at the last check.
    learned: usize,
    /// Whether the node was down at the last check.
    down: bool,
}

#[derive(Debug, Default)]
pub struct PaxosChecker {
    slots: Slots<SlotRecord>,
    nodes: Vec<NodeRecord>,
    /// Whether no-ops are legitimate values (Multi-Paxos).
    no_op_allowed: bool,
    /// A node proposed more values between two checks than its journal
    /// holds (a paused node resumed with a flood of held requests): from
    /// then on Validity is not checked, rather than raise false alarms.
    proposals_missed: bool,
}

/// By what it remembers that its nodes do not show. After a check that
/// found nothing wrong, each node's record is read off the node itself
/// ([`NodeRecord::of`]: its promise, how far its journals go, how many
/// slots it knows chosen, whether it is down), and the node is part of the
/// state's fingerprint already, so hashing the records again told no two
/// states apart (the same counts with and without them, crashes, drops and
/// duplicates included) and cost 2.6% of a model check's instructions.
/// `check_nodes` asserts the records are what the nodes show. After a
/// failed check they may not be (it stops reading at the failure), which is
/// why a model checker's state id also says whether a property failed.
impl std::hash::Hash for PaxosChecker {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let Self { slots, nodes: _, no_op_allowed, proposals_missed } = self;
        slots.hash(h);
        no_op_allowed.hash(h);
        proposals_missed.hash(h);
    }
}

impl Clone for PaxosChecker {
    fn clone(&self) -> Self {
        Self {
            slots: self.slots.clone(),
            nodes: self.nodes.clone(),
            no_op_allowed: self.no_op_allowed,
            proposals_missed: self.proposals_missed,
        }
    }

    /// Into this checker's buffers: the model checker copies each successor
    /// into the world it dropped last, and a copy of the node records and
    /// the slot table then allocates nothing.
    fn clone_from(&mut self, source: &Self) {
        let Self { slots, nodes, no_op_allowed, proposals_missed } = self;
        slots.clone_from(&source.slots);
        nodes.clone_from(&source.nodes);
        *no_op_allowed = source.no_op_allowed;
        *proposals_missed = source.proposals_missed;
    }
}

/// One checker for every Paxos node type ([`crate::Paxos`], [`crate::MultiPaxos`],
/// [`crate::AnyPaxos`]): it reads what [`Observable`] shows of them.
impl<P: Observable> Checker<P> for PaxosChecker {
    const PROPERTIES: &'static [&'static str] = PROPERTIES;
    /// What it remembers, by its `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }
    fn check(&mut self, nodes: &[NodeRef<'_, P>]) -> Option<Violation> {
        self.check_nodes(nodes, None)
    }
    fn check_changed(&mut self, nodes: &[NodeRef<'_, P>], changed: Option<NodeId>) -> Option<Violation> {
        self.check_nodes(nodes, changed)
    }
}

fn violation(property: &'static str, nodes: impl IntoIterator<Item = NodeId>, detail: String) -> Option<Violation> {
    Some(Violation::new(property, detail, nodes))
}

fn show(b: Option<Ballot>) -> String {
    b.map_or("none".to_string(), |b| b.to_string())
}

impl PaxosChecker {
    /// Rename the acceptors it remembers (see `symmetry.rs`): the per-node
    /// records move with their node, each tally's voters are renamed.
    pub(crate) fn rename(&mut self, renaming: &protocol::Renaming) {
        self.nodes = renaming.permute(&self.nodes);
        let slots: Vec<u64> = self.slots.keys().collect();
        for slot in slots {
            if let Some(record) = self.slots.get_mut(slot) {
                record.tallies.iter_mut().for_each(|t| t.voters = renaming.bits(t.voters));
            }
        }
    }

    /// Only the node that handled an event can have changed (`changed`);
    /// after an action, any can.
    fn check_nodes<P: Observable>(&mut self, nodes: &[NodeRef<'_, P>], changed: Option<NodeId>) -> Option<Violation> {
        let first = nodes.first()?.state;
        let quorum = first.quorum();
        self.no_op_allowed = first.no_op_allowed();
        if self.nodes.len() < nodes.len() {
            self.nodes.resize_with(nodes.len(), NodeRecord::default);
        }
        let look = || nodes.iter().filter(|n| changed.is_none_or(|c| c == n.id));
        // A node whose record is what it shows has nothing new to read (no
        // journal went further, its promise and what it learned stayed put,
        // it neither went down nor came back): most steps change none of it.
        let fresh = |records: &[NodeRecord], n: &NodeRef<'_, P>| {
            records[n.id as usize] == NodeRecord::of(n.state, n.status == Status::Crashed)
        };
        for n in look() {
            if !fresh(&self.nodes, n) {
                self.proposals(n.id, n.state);
            }
        }
        for n in look() {
            if fresh(&self.nodes, n) {
                continue;
            }
            // A node that went down or came back was rebuilt from what it
            // persisted: its tables are rescanned, not read from its journals.
            let down = n.status == Status::Crashed;
            let rebuilt = down != self.nodes[n.id as usize].down;
            self.nodes[n.id as usize].down = down;
            if let Some(v) = self.acceptor(n.id, n.state, quorum, rebuilt) {
                return Some(v);
            }
            if let Some(v) = self.learner(n.id, n.state, rebuilt) {
                return Some(v);
            }
        }
        debug_assert!(
            look().all(|n| fresh(&self.nodes, n)),
            "the fingerprint leaves out node records, which must be what the nodes show"
        );
        None
    }

    /// Note the client values `node` proposed since the last check.
    fn proposals<P: Observable>(&mut self, id: NodeId, node: &P) {
        let journal = node.proposals();
        let seen = self.nodes[id as usize].proposals_seen;
        // A journal below what was read restarted with the node: all of it is new.
        let new = journal.since(seen).or_else(|| (journal.count() < seen).then(|| journal.since(0)).flatten());
        match new {
            Some(entries) => {
                for (slot, value) in entries {
                    let known = |record: &SlotRecord| record.chosen.is_some() || record.requested.contains(value);
                    // Read before writing: a write copies the slot's chunk.
                    if self.slots.get(*slot).is_some_and(known) {
                        continue;
                    }
                    let record = self.slots.get_or_insert_with(*slot, SlotRecord::default);
                    if record.requested.len() < MAX_REQUESTED_PER_SLOT {
                        record.requested.push(value.clone());
                    } else {
                        record.requested_overflow = true;
                    }
                }
            }
            None => self.proposals_missed = true,
        }
        self.nodes[id as usize].proposals_seen = journal.count();
    }

    fn acceptor<P: Observable>(&mut self, id: NodeId, node: &P, quorum: usize, rebuilt: bool) -> Option<Violation> {
        let acceptor = node.acceptor()?;
        let record = &self.nodes[id as usize];
        let before = record.promised;
        if acceptor.promised < before {
            return violation(
                PROMISE_INTEGRITY,
                [id],
                format!("acceptor {id}'s promise went down from {} to {}", show(before), show(acceptor.promised)),
            );
        }
        match acceptor.journal.since(record.accepts_seen).filter(|_| !rebuilt) {
            Some(new) => {
                for (slot, ballot, value) in new {
                    if Some(*ballot) < before {
                        return violation(
                            PROMISE_INTEGRITY,
                            [id],
                            format!(
                                "acceptor {id} accepted ballot {ballot} in slot {slot} below its promise {}",
                                show(before)
                            ),
                        );
                    }
                    if let Some(v) = self.vote(id, *slot, *ballot, value, quorum) {
                        return Some(v);
                    }
                }
            }
            // Counting an acceptance twice changes nothing, so a rescan
            // may revisit what was already counted.
            None => {
                for (slot, (ballot, value)) in acceptor.accepted.iter() {
                    if let Some(v) = self.vote(id, slot, *ballot, value, quorum) {
                        return Some(v);
                    }
                }
            }
        }
        let record = &mut self.nodes[id as usize];
        record.accepts_seen = acceptor.journal.count();
        record.promised = record.promised.max(acceptor.promised);
        None
    }

    /// Count that `acceptor` accepted `value` at `ballot` in `slot`.
    fn vote(&mut self, acceptor: NodeId, slot: u64, ballot: Ballot, value: &Value, quorum: usize) -> Option<Violation> {
        // Most acceptances of a chosen value, and every one a rescan counts
        // again, change nothing: they are told apart without writing, since
        // a write copies the slot's chunk the world's earlier copies share.
        if self.slots.get(slot).is_some_and(|record| record.counted(acceptor, ballot, value)) {
            return None;
        }
        let valid_anyway = self.proposals_missed || (&**value == NO_OP && self.no_op_allowed);
        let record = self.slots.get_or_insert_with(slot, SlotRecord::default);
        if let Some((chosen_ballot, chosen)) = &record.chosen {
            if value == chosen {
                return None;
            }
            if ballot > *chosen_ballot {
                return violation(
                    STABILITY,
                    [acceptor],
                    format!(
                        "{chosen:?} was chosen in slot {slot} at ballot {chosen_ballot}, but acceptor {acceptor} \
                         accepted {value:?} at the higher ballot {ballot}"
                    ),
                );
            }
        }
        let i = match record.tallies.iter().position(|t| t.ballot == ballot) {
            Some(i) => i,
            None => {
                if record.tallies.len() == MAX_TALLIES_PER_SLOT {
                    let lowest = (0..record.tallies.len()).min_by_key(|&i| record.tallies[i].ballot)?;
                    record.tallies.swap_remove(lowest);
                }
                record.tallies.push(Tally { ballot, value: value.clone(), voters: 0 });
                record.tallies.len() - 1
            }
        };
        let tally = &mut record.tallies[i];
        if tally.value != *value {
            return violation(
                AGREEMENT,
                voter_ids(tally.voters).chain([acceptor]),
                format!("ballot {ballot} carried two values in slot {slot}: {:?} and {value:?}", tally.value),
            );
        }
        tally.voters |= 1 << acceptor;
        if (tally.voters.count_ones() as usize) < quorum {
            return None;
        }
        if let Some((chosen_ballot, chosen)) = &record.chosen {
            return violation(
                AGREEMENT,
                voter_ids(tally.voters),
                format!("two values chosen in slot {slot}: {chosen:?} (ballot {chosen_ballot}) and {value:?} (ballot {ballot})"),
            );
        }
        record.chosen = Some((ballot, value.clone()));
        let valid = valid_anyway || record.requested_overflow || record.requested.contains(value);
        record.requested = Vec::new();
        if !valid {
            return violation(
                VALIDITY,
                voter_ids(record.tallies[i].voters),
                format!("{value:?} was chosen in slot {slot} but no client proposed it"),
            );
        }
        // Acceptances already seen at higher ballots must carry the chosen value.
        if let Some(t) =
            record.tallies.iter().filter(|t| t.ballot > ballot && t.value != *value).min_by_key(|t| t.ballot)
        {
            let a = t.voters.trailing_zeros();
            return violation(
                STABILITY,
                [a],
                format!(
                    "{value:?} is chosen in slot {slot} at ballot {ballot}, but acceptor {a} accepted {:?} at {}",
                    t.value, t.ballot
                ),
            );
        }
        record.tallies.retain(|t| t.ballot < ballot && t.value != *value);
        None
    }

    fn learner<P: Observable>(&mut self, id: NodeId, node: &P, rebuilt: bool) -> Option<Violation> {
        let learner = node.learner();
        let record = &self.nodes[id as usize];
        match learner.journal.since(record.learned_seen).filter(|_| !rebuilt) {
            Some(new) => {
                for &slot in new {
                    let value = learner.chosen.get(slot).expect("a learner keeps what it learned");
                    if let Some(v) = self.learned(id, slot, value) {
                        return Some(v);
                    }
                }
            }
            None => {
                if learner.chosen.len() < record.learned {
                    return violation(
                        STABILITY,
                        [id],
                        format!(
                            "node {id} forgot chosen values: it knew {} slot(s), now {}",
                            record.learned,
                            learner.chosen.len()
                        ),
                    );
                }
                for (slot, value) in learner.chosen.iter() {
                    if let Some(v) = self.learned(id, slot, value) {
                        return Some(v);
                    }
                }
            }
        }
        let record = &mut self.nodes[id as usize];
        record.learned_seen = learner.journal.count();
        record.learned = learner.chosen.len();
        None
    }

    /// Node `id` knows `value` is chosen in `slot`: it must be what was chosen.
    fn learned(&self, id: NodeId, slot: u64, value: &Value) -> Option<Violation> {
        match self.slots.get(slot).and_then(|r| r.chosen.as_ref()) {
            Some((_, chosen)) if chosen != value => violation(
                AGREEMENT,
                [id],
                format!("node {id} learned {value:?} for slot {slot}, but {chosen:?} was chosen"),
            ),
            Some(_) => None,
            None => violation(
                AGREEMENT,
                [id],
                format!("node {id} learned {value:?} for slot {slot}, which no majority accepted"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each property on hand-built states: three nodes playing every role
    //! (a majority is two), driven message by message.
    use super::*;
    use crate::{Durable, Msg, Paxos, PaxosConfig, Placement};
    use protocol::{Cluster, Input, Out, Protocol};

    fn cluster() -> Vec<Paxos> {
        let config = PaxosConfig { placement: Placement::All, ..PaxosConfig::default() };
        (0..3).map(|id| Paxos::new(id, &Cluster { nodes: 3 }, &config, None)).collect()
    }

    fn step(node: &mut Paxos, input: Input<Msg, crate::PaxosTimer>) {
        node.step(0, input, &mut Out::default());
    }

    fn accept(node: &mut Paxos, ballot: Ballot, value: &str) {
        step(
            node,
            Input::Message { from: ballot.proposer(), msg: Msg::Accept { ballot, slot: 0, value: value.into() } },
        );
    }

    fn check_as(
        c: &mut PaxosChecker,
        nodes: &[Paxos],
        status: &[Status],
        changed: Option<NodeId>,
    ) -> Option<&'static str> {
        let refs: Vec<NodeRef<'_, Paxos>> = nodes
            .iter()
            .zip(status)
            .enumerate()
            .map(|(id, (n, &s))| NodeRef { id: id as NodeId, status: s, state: n })
            .collect();
        <PaxosChecker as Checker<Paxos>>::check_changed(c, &refs, changed).map(|v| v.property)
    }

    fn check(c: &mut PaxosChecker, nodes: &[Paxos], changed: Option<NodeId>) -> Option<&'static str> {
        check_as(c, nodes, &[Status::Up; 3], changed)
    }

    /// "x" requested at node 0 and accepted by nodes 1 and 2 in ballot 1.0.
    fn chosen_x() -> (PaxosChecker, Vec<Paxos>) {
        let (mut c, mut n) = (PaxosChecker::default(), cluster());
        step(&mut n[0], Input::Request { cmd: "x".into() });
        assert_eq!(check(&mut c, &n, None), None);
        for id in [1, 2] {
            accept(&mut n[id], Ballot(1, 0), "x");
            assert_eq!(check(&mut c, &n, Some(id as NodeId)), None);
        }
        assert_eq!(c.slots.get(0).and_then(|s| s.chosen.clone()), Some((Ballot(1, 0), "x".into())));
        (c, n)
    }

    /// §2.1 "Only a value that has been proposed may be chosen."
    #[test]
    fn validity_holds_for_a_requested_value_and_fails_for_another() {
        chosen_x();
        let (mut c, mut n) = (PaxosChecker::default(), cluster());
        step(&mut n[0], Input::Request { cmd: "x".into() });
        accept(&mut n[1], Ballot(1, 0), "z");
        assert_eq!(check(&mut c, &n, Some(1)), None, "one acceptance chooses nothing");
        accept(&mut n[2], Ballot(1, 0), "z");
        assert_eq!(check(&mut c, &n, Some(2)), Some(VALIDITY));
    }

    /// §2.1 "Only a single value is chosen", and a learner learns only it.
    #[test]
    fn agreement_holds_for_the_chosen_value_and_fails_for_others() {
        let (mut c, mut n) = chosen_x();
        let ok = |_| Msg::Accepted { ballot: Ballot(1, 0), slot: 0, value: "x".into() };
        step(&mut n[0], Input::Message { from: 1, msg: ok(1) });
        step(&mut n[0], Input::Message { from: 2, msg: ok(2) });
        assert_eq!(n[0].chosen().map(|v| &**v), Some("x"));
        assert_eq!(check(&mut c, &n, Some(0)), None);

        // A learner told of a majority that never accepted.
        let (mut c, mut n) = (PaxosChecker::default(), cluster());
        let y = |_| Msg::Accepted { ballot: Ballot(1, 1), slot: 0, value: "y".into() };
        step(&mut n[0], Input::Message { from: 1, msg: y(1) });
        step(&mut n[0], Input::Message { from: 2, msg: y(2) });
        assert_eq!(check(&mut c, &n, Some(0)), Some(AGREEMENT));

        // One ballot carrying two values.
        let (mut c, mut n) = (PaxosChecker::default(), cluster());
        accept(&mut n[1], Ballot(1, 0), "x");
        accept(&mut n[2], Ballot(1, 0), "y");
        assert_eq!(check(&mut c, &n, None), Some(AGREEMENT));
    }

    /// §2.5: an acceptor remembers its promise across a restart.
    #[test]
    fn promise_integrity_holds_across_a_restart_and_fails_when_forgotten() {
        let (mut c, mut n) = (PaxosChecker::default(), cluster());
        step(&mut n[1], Input::Message { from: 0, msg: Msg::Prepare { ballot: Ballot(5, 0), from_slot: 0 } });
        assert_eq!(check(&mut c, &n, Some(1)), None);
        let config = PaxosConfig { placement: Placement::All, ..PaxosConfig::default() };
        let restart = |d: &Durable| Paxos::new(1, &Cluster { nodes: 3 }, &config, Some(d));
        let durable = n[1].durable();
        let mut kept = n.clone();
        kept[1] = restart(&durable);
        assert_eq!(check_as(&mut c.clone(), &kept, &[Status::Up, Status::Crashed, Status::Up], None), None);
        n[1] = restart(&Durable { promised: None, ..durable });
        assert_eq!(check_as(&mut c, &n, &[Status::Up, Status::Crashed, Status::Up], None), Some(PROMISE_INTEGRITY));
    }

    /// P2b (§2.2): once chosen, higher ballots carry the chosen value; and
    /// no learner forgets what it learned.
    #[test]
    fn stability_holds_for_the_same_value_and_fails_for_another_or_a_forgetful_learner() {
        let (mut c, mut n) = chosen_x();
        let mut same = n.clone();
        accept(&mut same[2], Ballot(2, 1), "x");
        assert_eq!(check(&mut c.clone(), &same, Some(2)), None);
        accept(&mut n[2], Ballot(2, 1), "y");
        assert_eq!(check(&mut c, &n, Some(2)), Some(STABILITY));

        let (mut c, mut n) = chosen_x();
        let ok = Msg::Accepted { ballot: Ballot(1, 0), slot: 0, value: "x".into() };
        step(&mut n[0], Input::Message { from: 1, msg: ok.clone() });
        step(&mut n[0], Input::Message { from: 2, msg: ok });
        assert_eq!(check(&mut c, &n, Some(0)), None);
        let config = PaxosConfig { placement: Placement::All, ..PaxosConfig::default() };
        let durable = Durable { chosen: Slots::new(), ..n[0].durable() };
        n[0] = Paxos::new(0, &Cluster { nodes: 3 }, &config, Some(&durable));
        assert_eq!(check_as(&mut c, &n, &[Status::Crashed, Status::Up, Status::Up], Some(0)), Some(STABILITY));
    }

    /// The checker's record of an open slot stays bounded however many
    /// ballots pass through it, and it reads only the node that changed.
    #[test]
    fn an_open_slot_keeps_a_bounded_record() {
        let (mut c, mut n) = (PaxosChecker::default(), cluster());
        for round in 1..=100 {
            accept(&mut n[1], Ballot(round, 0), "x");
            assert_eq!(check(&mut c, &n, Some(1)), None);
        }
        let slot = c.slots.get(0).unwrap();
        assert_eq!(slot.tallies.len(), MAX_TALLIES_PER_SLOT);
        assert_eq!(slot.tallies.iter().map(|t| t.ballot).min(), Some(Ballot(100 - MAX_TALLIES_PER_SLOT as u64 + 1, 0)));
        assert_eq!(c.nodes[1].accepts_seen, 100);
    }
}
