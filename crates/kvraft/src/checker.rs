//! kv-raft's safety properties: Raft's five (Figure 3), checked by the
//! `raft` crate's own checker over the servers, and Linearizability of the
//! clients' history.
//!
//! [`HistoryChecker`] watches each client's state step by step, as ABD's
//! checker does: an operation appears in `current` (invoked), then in
//! `done` with its outcome, or vanishes when the client crashes. Each key
//! has a [`KeyWindow`] (Lowe's just-in-time search): an `:ok` is linearized
//! and forgotten, a `:fail` is dropped from every configuration (it never
//! happened), an `:info` write stays open (it may still take effect). The
//! work of a step depends on how many operations overlap, at most
//! [`protocol::linearizable::MAX_WINDOW`] per key, never on the run's
//! length; past that bound the key is given up and reported as
//! [`DECIDABLE`]. Times are the checker's count of invocations and
//! completions, so real-time order is the world's order of steps.
//!
//! A write of unknown outcome (`:info`, or its client crashed) is retired
//! once a later operation of the same client completes `:ok`: the store's
//! sessions apply a client's operations in order and skip any older than
//! the last applied, so it took effect by then or never will. Without that
//! (Jepsen's checkers cannot know it) every such write would stay open for
//! good and long faulty runs would outgrow the search.

use crate::client::{key_name, Kind, KvClient, Outcome};
use crate::KvRaft;
use protocol::flat::{FlatMap, FlatSet};
use protocol::linearizable::{Entry, KeyWindow, RegOp, Verdict};
use protocol::{Checker, NodeId, NodeRef, Status, Violation};
use raft::{Raft, RaftChecker};
use std::sync::Arc;

/// Every read returns the value of the latest write in some order of the
/// operations that respects real time.
pub const LINEARIZABILITY: &str = "Linearizability";
/// The history stayed within the checker's bounds.
pub const DECIDABLE: &str = "LinearizabilityDecidable";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Open {
    seq: u64,
    key: u8,
    slot: usize,
    /// The operation as invoked (a write, or a read of unknown value).
    write: Option<RegOp>,
}

/// Linearizability of the clients' history, checked live.
#[derive(Clone, Debug, Default, Hash)]
pub struct HistoryChecker {
    clock: u64,
    /// Shared with the checker's copies until one changes the window (see
    /// ABD's checker): most steps are Raft's own and change no window.
    keys: FlatMap<u8, Arc<KeyWindow>>,
    open: FlatMap<NodeId, Open>,
    /// Per client, the operations seen started.
    seen: FlatMap<NodeId, u64>,
    undecided: FlatSet<u8>,
    /// Per client, its writes of unknown outcome still open: (key, slot).
    limbo: FlatMap<NodeId, Vec<(u8, usize)>>,
    /// Operations completed and judged.
    pub judged: u64,
}

impl HistoryChecker {
    /// Look at client `id` after a step; a violation if its history broke.
    pub fn observe(&mut self, id: NodeId, status: Status, client: &KvClient) -> Option<Violation> {
        let mut verdict = None;
        if let Some(open) = self.open.get(&id).copied() {
            let finished = client.done.iter().rev().find(|d| d.seq == open.seq);
            let still = client.current.as_ref().is_some_and(|c| c.seq == open.seq);
            if let Some(d) = finished {
                let key = open.key;
                self.clock += 1;
                self.judged += 1;
                let window = KeyWindow::make_mut(self.keys.entry(key).or_default());
                verdict = Some((
                    key,
                    match (d.outcome, d.kind) {
                        (Outcome::Ok(v), Kind::Read) => window.complete(open.slot, RegOp::Read(v), self.clock),
                        (Outcome::Ok(_), Kind::Write(w)) => window.complete(open.slot, RegOp::Write(w), self.clock),
                        (Outcome::Fail, _) => window.fail(open.slot),
                        (Outcome::Info, _) => window.lose(open.slot),
                    },
                ));
                self.open.remove(&id);
                match d.outcome {
                    Outcome::Info if open.write.is_some() => self.limbo.entry(id).or_default().push((key, open.slot)),
                    Outcome::Ok(_) => self.retire(id),
                    _ => {}
                }
            } else if !still || status == Status::Crashed {
                if let Some(RegOp::Write(_)) = open.write {
                    self.limbo.entry(id).or_default().push((open.key, open.slot));
                }
                let window = KeyWindow::make_mut(self.keys.entry(open.key).or_default());
                verdict = Some((open.key, window.lose(open.slot)));
                self.open.remove(&id);
            }
        }
        let violation = verdict.and_then(|(key, v)| self.judge(key, v));
        let seen = self.seen.entry(id).or_insert(0);
        if let Some(c) = client.current.as_ref().filter(|c| c.seq >= *seen && status != Status::Crashed) {
            *seen = c.seq + 1;
            if !self.undecided.contains(&c.key) {
                self.clock += 1;
                let op = match c.kind {
                    Kind::Read => RegOp::Read(None),
                    Kind::Write(v) => RegOp::Write(v),
                };
                let slot = KeyWindow::make_mut(self.keys.entry(c.key).or_default()).invoke(id, op, self.clock);
                let write = matches!(op, RegOp::Write(_)).then_some(op);
                self.open.insert(id, Open { seq: c.seq, key: c.key, slot, write });
            }
        }
        violation
    }

    /// `id`'s operation just completed `:ok`: its writes of unknown outcome
    /// took effect by now or never will (the module's doc).
    fn retire(&mut self, id: NodeId) {
        for (key, slot) in self.limbo.remove(&id).unwrap_or_default() {
            if let Some(w) = self.keys.get_mut(&key) {
                KeyWindow::make_mut(w).retire(slot);
            }
        }
    }

    fn judge(&mut self, key: u8, verdict: Verdict) -> Option<Violation> {
        match verdict {
            Verdict::Linearizable { .. } => None,
            Verdict::Violated { witness } => Some(Violation::new(
                LINEARIZABILITY,
                format!(
                    "key {}: no order of these operations explains what the reads returned: {} (times are the order of invocations and completions)",
                    key_name(key),
                    witness.iter().map(Entry::to_string).collect::<Vec<_>>().join("; ")
                ),
                witness.iter().map(|e| e.process),
            )),
            Verdict::Undecided { reason } => {
                let nodes: Vec<NodeId> = self.open.iter().filter(|(_, o)| o.key == key).map(|(n, _)| *n).collect();
                self.keys.remove(&key);
                self.undecided.insert(key);
                self.open.retain(|_, o| o.key != key);
                for slots in self.limbo.values_mut() {
                    slots.retain(|(k, _)| *k != key);
                }
                Some(Violation::new(DECIDABLE, format!("key {}: cannot decide linearizability: {reason}", key_name(key)), nodes))
            }
        }
    }
}

/// Raft's checker over the servers, the history checker over the clients.
#[derive(Clone, Debug, Default, Hash)]
pub struct KvRaftChecker {
    raft: RaftChecker,
    pub history: HistoryChecker,
}

impl Checker<KvRaft> for KvRaftChecker {
    const PROPERTIES: &'static [&'static str] = &[
        raft::ELECTION_SAFETY,
        raft::LEADER_APPEND_ONLY,
        raft::LOG_MATCHING,
        raft::LEADER_COMPLETENESS,
        raft::STATE_MACHINE_SAFETY,
        LINEARIZABILITY,
        DECIDABLE,
    ];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, KvRaft>]) -> Option<Violation> {
        self.check_changed(nodes, None)
    }

    fn check_changed(&mut self, nodes: &[NodeRef<'_, KvRaft>], changed: Option<NodeId>) -> Option<Violation> {
        // Servers are nodes 0..servers, so Raft's checker sees its own ids.
        let servers: Vec<NodeRef<'_, Raft>> =
            nodes.iter().map_while(|n| n.part(|k| k.server().map(|s| &s.raft))).collect();
        let raft_changed = changed.is_none_or(|c| (c as usize) < servers.len());
        if raft_changed {
            if let Some(v) = self.raft.check_changed(&servers, changed) {
                return Some(v);
            }
        }
        let mut first = None;
        for n in nodes.iter().filter(|n| changed.is_none_or(|c| c == n.id)) {
            if let Some(c) = n.state.client() {
                if let Some(v) = self.history.observe(n.id, n.status, c) {
                    first.get_or_insert(v);
                }
            }
        }
        first
    }
}
