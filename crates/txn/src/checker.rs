//! The safety properties, checked by the world after every step at a cost
//! that does not grow with the run.
//!
//! Atomic commit (Gray & Lamport 2006, §2: "Stability" and "Consistency"):
//! no participant commits a transaction another aborts ([`ATOMICITY`]), and
//! a decision once logged never changes ([`DECISION_DURABILITY`]). The
//! checker keeps the outcome of the last [`TXS_REMEMBERED`] transactions
//! and the last logged decision of each node: bounded, cheap to clone.

use crate::commit::{CommitNode, Decision};
use crate::outbox::OutboxNode;
use crate::saga::{Orchestrator, SagaNode, SagaState, Service};
use crate::{Commit, Outbox, Phases, Saga};
use protocol::cached::{nonzero, Cached};
use protocol::{Checker, Fingerprint, NodeId, NodeRef, Violation};
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

pub const ATOMICITY: &str = "Atomicity";
pub const DECISION_DURABILITY: &str = "Decision Durability";

/// Transactions whose outcome the atomicity check remembers.
pub const TXS_REMEMBERED: usize = 64;

#[derive(Default)]
pub struct CommitChecker {
    /// The first outcome a participant reached, per recent transaction.
    outcomes: VecDeque<(u64, Decision, NodeId)>,
    /// Per node, the last decision it logged.
    logged: Vec<Option<(u64, Decision)>>,
    /// The fingerprint of the two above, kept until either changes: a
    /// model checker fingerprints every state, and most steps log nothing
    /// new (2PC at depth 9: 3.3% of its time went to hashing them again).
    kept: Cached,
}

impl Clone for CommitChecker {
    fn clone(&self) -> Self {
        Self { outcomes: self.outcomes.clone(), logged: self.logged.clone(), kept: self.kept.clone() }
    }

    /// Into the target's buffers: a model checker copies the checker into
    /// the world of each successor, which the derived `clone_from` did by
    /// two fresh allocations and two frees.
    fn clone_from(&mut self, source: &Self) {
        self.outcomes.clone_from(&source.outcomes);
        self.logged.clone_from(&source.logged);
        self.kept = source.kept.clone();
    }
}

/// What it remembers; the kept fingerprint is not part of it.
impl std::fmt::Debug for CommitChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommitChecker").field("outcomes", &self.outcomes).field("logged", &self.logged).finish()
    }
}

impl CommitChecker {
    /// Rename the nodes it remembers (see `symmetry.rs`): each node's
    /// logged decision moves with it, and so does who reached an outcome.
    pub(crate) fn rename(&mut self, renaming: &protocol::Renaming) {
        self.kept.forget();
        self.logged = renaming.permute(&self.logged);
        // The table grows to a node's id when it first logs, so it never
        // ends in a gap: trimmed alike, a renaming back is the original.
        while self.logged.last() == Some(&None) {
            self.logged.pop();
        }
        self.outcomes.iter_mut().for_each(|(_, _, by)| *by = renaming.id(*by));
    }

    fn look(&mut self, id: NodeId, node: &CommitNode) -> Option<Violation> {
        let (tx, outcome, participant) = match node {
            CommitNode::Coordinator(c) => (c.tx, c.decision, false),
            CommitNode::Participant(p) => (p.tx, p.state.outcome(), true),
        };
        let d = outcome?;
        let i = id as usize;
        if self.logged.len() <= i {
            self.logged.resize(i + 1, None);
        }
        if let Some((was_tx, was)) = self.logged[i] {
            if was_tx == tx && was != d {
                return Some(Violation::new(
                    DECISION_DURABILITY,
                    format!("node {id} logged {was:?} for tx {tx}, now {d:?}"),
                    [id],
                ));
            }
        }
        if self.logged[i] != Some((tx, d)) {
            self.kept.forget();
            self.logged[i] = Some((tx, d));
        }
        if !participant {
            return None;
        }
        match self.outcomes.iter().find(|(t, ..)| *t == tx) {
            Some(&(_, first, by)) if first != d => Some(Violation::new(
                ATOMICITY,
                format!("tx {tx}: participant {by} {}, participant {id} {}", past(first), past(d)),
                [by, id],
            )),
            Some(_) => None,
            None => {
                self.kept.forget();
                if self.outcomes.len() == TXS_REMEMBERED {
                    self.outcomes.pop_front();
                }
                self.outcomes.push_back((tx, d, id));
                None
            }
        }
    }
}

fn past(d: Decision) -> &'static str {
    match d {
        Decision::Commit => "committed",
        Decision::Abort => "aborted",
    }
}

impl<K: Phases> Checker<Commit<K>> for CommitChecker {
    const PROPERTIES: &'static [&'static str] = &[ATOMICITY, DECISION_DURABILITY];
    /// What it remembers, hashed once and kept until it changes.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        h.write_u64(self.kept.get_or(|| {
            let mut f = Fingerprint::default();
            self.outcomes.hash(&mut f);
            self.logged.hash(&mut f);
            nonzero(f.finish())
        }));
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Commit<K>>]) -> Option<Violation> {
        nodes.iter().find_map(|n| self.look(n.id, &n.state.node))
    }

    fn check_changed(&mut self, nodes: &[NodeRef<'_, Commit<K>>], changed: Option<NodeId>) -> Option<Violation> {
        match changed {
            Some(id) => nodes.get(id as usize).and_then(|n| self.look(n.id, &n.state.node)),
            None => self.check(nodes),
        }
    }
}

pub const SAGA_COMPLETION: &str = "Saga Completion";
pub const COMPENSATE_ONCE: &str = "Compensation At Most Once";

/// Garcia-Molina & Salem §3: a finished saga has run either every step
/// (`done`) or, for every step it ran, the compensation (`compensated`);
/// and no compensation runs twice. Needs no history: each check compares
/// a service's record with the orchestrator's log.
#[derive(Clone, Debug, Default, Hash)]
pub struct SagaChecker;

impl SagaChecker {
    fn service(o: &Orchestrator, id: NodeId, s: &Service) -> Option<Violation> {
        if s.compensations > 1 {
            return Some(Violation::new(
                COMPENSATE_ONCE,
                format!("service {id} compensated step {id} of saga {} {} times", s.saga, s.compensations),
                [id],
            ));
        }
        if o.saga == 0 || s.saga != o.saga || !o.state.finished() {
            return None;
        }
        let bad = match o.state {
            SagaState::Done => !s.done || s.compensated,
            _ => s.done && !s.compensated,
        };
        bad.then(|| {
            Violation::new(
                SAGA_COMPLETION,
                format!(
                    "saga {} is {} but service {id} has done={} compensated={}",
                    o.saga,
                    o.state.name(),
                    s.done,
                    s.compensated
                ),
                // The orchestrator is node 0.
                [0, id],
            )
        })
    }
}

impl Checker<Saga> for SagaChecker {
    const PROPERTIES: &'static [&'static str] = &[SAGA_COMPLETION, COMPENSATE_ONCE];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Saga>]) -> Option<Violation> {
        self.check_changed(nodes, None)
    }

    fn check_changed(&mut self, nodes: &[NodeRef<'_, Saga>], changed: Option<NodeId>) -> Option<Violation> {
        let SagaNode::Orchestrator(o) = &nodes.first()?.state.node else { return None };
        let one = |n: &NodeRef<'_, Saga>| match &n.state.node {
            SagaNode::Service(s) => Self::service(o, n.id, s),
            SagaNode::Orchestrator(_) => None,
        };
        match changed {
            Some(id) if id != 0 => nodes.get(id as usize).and_then(one),
            _ => nodes.iter().find_map(one),
        }
    }
}

pub const EXACTLY_ONCE: &str = "Exactly Once";
pub const NO_PHANTOM: &str = "No Message Without Commit";

/// The outbox's promise: no message is applied for a change the service did
/// not commit ([`NO_PHANTOM`]); no message is applied twice, and once the
/// run is quiet (the outbox and the broker's queue empty) every committed
/// change has been applied ([`EXACTLY_ONCE`]). Compares the four nodes'
/// current states; keeps nothing.
#[derive(Clone, Debug, Default, Hash)]
pub struct OutboxChecker;

impl Checker<Outbox> for OutboxChecker {
    const PROPERTIES: &'static [&'static str] = &[EXACTLY_ONCE, NO_PHANTOM];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Outbox>]) -> Option<Violation> {
        let (mut changes, mut outbox_empty, mut queue_empty, mut service) = (0, true, true, 0);
        let mut consumer = None;
        for n in nodes {
            match &n.state.node {
                OutboxNode::Service { changes: c, outbox, .. } => {
                    service = n.id;
                    changes = *c;
                    outbox_empty = outbox.is_empty();
                }
                OutboxNode::Broker { queue, .. } => queue_empty = queue.is_empty(),
                OutboxNode::Consumer { processed, applied_twice, .. } => {
                    consumer = Some((n.id, processed, *applied_twice))
                }
                OutboxNode::Relay { .. } => {}
            }
        }
        let (at, processed, twice) = consumer?;
        if twice > 0 {
            return Some(Violation::new(
                EXACTLY_ONCE,
                format!("the consumer applied {twice} message(s) a second time"),
                [at],
            ));
        }
        if let Some(id) = processed.max().filter(|&id| id > changes) {
            return Some(Violation::new(
                NO_PHANTOM,
                format!(
                    "the consumer applied message {id}, but the service committed only {changes} change{}",
                    protocol::plural(changes)
                ),
                [service, at],
            ));
        }
        (outbox_empty && queue_empty && processed.len() != changes).then(|| {
            Violation::new(
                EXACTLY_ONCE,
                format!(
                    "quiet (outbox and queue empty), yet the consumer applied {} of {changes} committed changes",
                    processed.len()
                ),
                [service, at],
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy into a checker that remembered other things is the source,
    /// field for field (a model checker copies into the checker of the world
    /// it dropped last).
    #[test]
    fn clone_from_copies_what_the_source_remembers() {
        let source = CommitChecker {
            outcomes: VecDeque::from([(1, Decision::Commit, 2), (2, Decision::Abort, 1)]),
            logged: vec![None, Some((2, Decision::Abort)), Some((1, Decision::Commit))],
            kept: Cached::default(),
        };
        let mut target = CommitChecker {
            outcomes: VecDeque::from([(7, Decision::Abort, 0); 5]),
            logged: vec![Some((7, Decision::Abort)); 4],
            kept: Cached::default(),
        };
        target.clone_from(&source);
        assert_eq!(format!("{target:?}"), format!("{source:?}"));
        let mut empty = CommitChecker::default();
        empty.clone_from(&source);
        assert_eq!(format!("{empty:?}"), format!("{:?}", source.clone()));
        target.clone_from(&CommitChecker::default());
        assert_eq!(format!("{target:?}"), format!("{:?}", CommitChecker::default()));
    }

    fn fingerprint(c: &CommitChecker) -> u64 {
        let mut h = Fingerprint::default();
        Checker::<crate::TwoPc>::fingerprint(c, &mut h);
        h.finish()
    }

    /// Its fingerprint computed afresh, by a copy that kept none.
    fn afresh(c: &CommitChecker) -> u64 {
        let mut copy = c.clone();
        copy.kept.forget();
        fingerprint(&copy)
    }

    /// The kept fingerprint is forgotten whenever what the checker
    /// remembers changes (a decision logged, an outcome reached, a
    /// renaming), and kept when a look changes nothing.
    #[test]
    fn the_kept_fingerprint_is_what_it_remembers() {
        use crate::commit::{CommitDurable, TxState};
        let participant =
            |id, tx, state| CommitNode::new(id, 3, false, Some(&CommitDurable::Participant { tx, state }));
        let mut c = CommitChecker::default();
        let mut seen = vec![fingerprint(&c)];
        let coordinator =
            CommitNode::new(0, 3, false, Some(&CommitDurable::Coordinator { tx: 1, decision: Some(Decision::Commit) }));
        let looks = [
            (0, coordinator),
            (1, participant(1, 1, TxState::Committed)),
            (1, participant(1, 1, TxState::Committed)),
            (2, participant(2, 1, TxState::Prepared)),
            (2, participant(2, 1, TxState::Committed)),
            (2, participant(2, 2, TxState::Aborted)),
        ];
        for (id, node) in &looks {
            assert_eq!(c.look(*id, node), None);
            let kept = fingerprint(&c);
            assert_eq!(kept, afresh(&c), "after node {id} showed {node:?}");
            seen.push(kept);
        }
        // Changed, changed, unchanged, unchanged (in doubt), changed, changed.
        let changes: Vec<bool> = seen.windows(2).map(|w| w[0] != w[1]).collect();
        assert_eq!(changes, [true, true, false, false, true, true]);
        c.rename(&protocol::Renaming::new(vec![0, 2, 1]));
        assert_eq!(fingerprint(&c), afresh(&c), "after a renaming");
        assert_ne!(fingerprint(&c), seen[6]);
    }
}
