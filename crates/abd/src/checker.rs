//! ABD's safety property: the clients' history is linearizable.
//!
//! The checker watches the clients' states step by step: an operation
//! appears in a client's `current` (invoked), then in its `done` list
//! (completed), or vanishes when the client crashes (unknown outcome). It
//! feeds each key's [`KeyWindow`], which linearizes an operation when it
//! completes and then forgets it, so the work of a step does not grow with
//! the run: it depends on how many operations overlap. Event times are the checker's own count of invocations and
//! completions, which keeps their real-time order.

use crate::message::key_name;
use crate::{client::Kind, Abd};
use protocol::linearizable::{Entry, KeyWindow, RegOp, Verdict};
use protocol::{Checker, NodeId, NodeRef, Status, Violation};
use std::collections::{BTreeMap, BTreeSet};

/// Every read returns the value of the latest write in some order of the
/// operations that respects real time.
pub const LINEARIZABILITY: &str = "Linearizability";
/// The history stayed within the checker's bounds, so the verdict above
/// means something (see [`protocol::linearizable::MAX_WINDOW`]).
pub const DECIDABLE: &str = "LinearizabilityDecidable";

/// An operation the checker saw invoked and not yet completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Open {
    seq: u64,
    key: u8,
    index: usize,
}

#[derive(Clone, Debug, Default, Hash)]
pub struct AbdChecker {
    clock: u64,
    keys: BTreeMap<u8, KeyWindow>,
    open: BTreeMap<NodeId, Open>,
    /// Per client, the operations it has started, as last seen.
    seen: BTreeMap<NodeId, u64>,
    /// Keys the checker gave up on (reported once as [`DECIDABLE`]).
    undecided: BTreeSet<u8>,
}

impl Checker<Abd> for AbdChecker {
    const PROPERTIES: &'static [&'static str] = &[LINEARIZABILITY, DECIDABLE];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Abd>]) -> Option<Violation> {
        self.check_changed(nodes, None)
    }

    fn check_changed(&mut self, nodes: &[NodeRef<'_, Abd>], changed: Option<NodeId>) -> Option<Violation> {
        let mut first = None;
        for n in nodes.iter().filter(|n| changed.is_none_or(|c| c == n.id)) {
            if let Some(v) = self.observe(n) {
                first.get_or_insert(v);
            }
        }
        first
    }
}

impl AbdChecker {
    /// The operations of `key` since its last quiescent point.
    pub fn window(&self, key: u8) -> Option<&KeyWindow> {
        self.keys.get(&key)
    }

    fn observe(&mut self, n: &NodeRef<'_, Abd>) -> Option<Violation> {
        let client = n.state.client()?;
        let mut verdict = None;
        if let Some(open) = self.open.get(&n.id).copied() {
            let finished = client.done.iter().rev().find(|d| d.seq == open.seq);
            let still = client.current.as_ref().is_some_and(|c| c.seq == open.seq);
            let window = self.keys.entry(open.key).or_default();
            if let Some(d) = finished {
                self.clock += 1;
                let op = match d.kind {
                    Kind::Read => RegOp::Read(d.value),
                    Kind::Write(v) => RegOp::Write(v),
                };
                verdict = Some((open.key, window.complete(open.index, op, self.clock)));
                self.open.remove(&n.id);
            } else if !still || n.status == Status::Crashed {
                verdict = Some((open.key, window.lose(open.index)));
                self.open.remove(&n.id);
            }
        }
        let violation = verdict.and_then(|(key, verdict)| self.judge(key, verdict));
        let seen = self.seen.entry(n.id).or_insert(0);
        if let Some(c) = client.current.as_ref().filter(|c| c.seq >= *seen && n.status != Status::Crashed) {
            *seen = c.seq + 1;
            if self.undecided.contains(&c.key) {
                return violation;
            }
            self.clock += 1;
            let op = match c.kind {
                Kind::Read => RegOp::Read(None),
                Kind::Write(v) => RegOp::Write(v),
            };
            let index = self.keys.entry(c.key).or_default().invoke(n.id, op, self.clock);
            self.open.insert(n.id, Open { seq: c.seq, key: c.key, index });
        }
        violation
    }

    fn judge(&mut self, key: u8, verdict: Verdict) -> Option<Violation> {
        match (key, verdict) {
            (_, Verdict::Linearizable { .. }) => None,
            (key, Verdict::Violated { witness }) => Some(Violation::new(
                LINEARIZABILITY,
                format!(
                    "register {}: no order of these operations explains what the reads returned: {} (times are the order of invocations and completions)",
                    key_name(key),
                    witness.iter().map(Entry::to_string).collect::<Vec<_>>().join("; ")
                ),
                witness.iter().map(|e| e.process),
            )),
            (key, Verdict::Undecided { reason }) => {
                // Give the key up, so the checker stays bounded; the
                // violation says it did.
                let nodes: Vec<NodeId> = self.open.iter().filter(|(_, o)| o.key == key).map(|(n, _)| *n).collect();
                self.keys.remove(&key);
                self.undecided.insert(key);
                self.open.retain(|_, o| o.key != key);
                Some(Violation::new(
                    DECIDABLE,
                    format!("register {}: cannot decide linearizability: {reason}", key_name(key)),
                    nodes,
                ))
            }
        }
    }
}
