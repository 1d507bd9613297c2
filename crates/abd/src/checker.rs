//! ABD's safety property: the clients' history is linearizable.
//!
//! The checker watches the clients' states step by step: an operation
//! appears in a client's `current` (invoked), then in its `done` list
//! (completed), or vanishes when the client crashes (unknown outcome). It
//! feeds each key's [`KeyWindow`], which linearizes an operation when it
//! completes and then forgets it, so the work of a step does not grow with
//! the run: it depends on how many operations overlap. Event times are the checker's own count of invocations and
//! completions, which keeps their real-time order.
//!
//! A write whose client crashed has an unknown outcome, and ABD has no
//! sessions to say when it can no longer take effect, so without more
//! knowledge every such write would stay open for good and a long faulty
//! run would outgrow the search (the soak found it: `LinearizabilityDecidable`
//! after about 7,000 steps at 26 of 10,000 seeds). The checker uses a fact
//! of the protocol, whose phases and servers it watches:
//!
//! - A lost write's timestamp `t` is the one the checker saw it in its
//!   update phase with, or else at most `(c, writer)` where `c` is the
//!   highest counter its client persisted (the client's state after the
//!   crash): a writer persists its counter before it sends an update that
//!   carries it. A write lost in its query phase never took a timestamp
//!   and never will; the bound covers it, and also a crash that came
//!   inside the very step that began the update.
//! - A lost write is retired once
//!   a write with a higher timestamp `t'` has completed **and** every
//!   operation of the key open at that moment has ended. The completed
//!   write left `t'` or higher on a majority (servers keep the highest), so
//!   every query that begins later, a read's or a write's, meets a server
//!   of that majority and never returns `t`; the operations already open
//!   might have queried before, hence the wait. From then on no read can
//!   return the lost write, which is what [`KeyWindow::retire`] needs. This
//!   holds in the `no-write-back` variant too (its writes and queries
//!   are intact), so retiring never hides its new-old inversions.

use crate::client::Phase;
use crate::message::{key_name, Ts};
use crate::{client::Kind, Abd};
use protocol::flat::{FlatMap, FlatSet};
use protocol::linearizable::{Entry, KeyWindow, RegOp, Verdict};
use protocol::{Checker, NodeId, NodeRef, Status, Violation};
use std::sync::Arc;

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
    write: bool,
    /// A write's timestamp, once it is in its update phase.
    ts: Option<Ts>,
}

/// A write of unknown outcome in its key's window, with its timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Lost {
    key: u8,
    index: usize,
    ts: Ts,
}

/// Lost writes a higher write has overtaken, retired once the operations
/// open at that moment (client, operation number) have all ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Overtaken {
    key: u8,
    indices: Vec<usize>,
    waiting: Vec<(NodeId, u64)>,
}

#[derive(Clone, Debug, Default, Hash)]
pub struct AbdChecker {
    clock: u64,
    /// Shared with the checker's copies until one changes the window: a
    /// model checker copies the checker with every successor, and most
    /// steps (messages between servers) change no window.
    keys: FlatMap<u8, Arc<KeyWindow>>,
    open: FlatMap<NodeId, Open>,
    /// Per client, the operations it has started, as last seen.
    seen: FlatMap<NodeId, u64>,
    /// Keys the checker gave up on (reported once as [`DECIDABLE`]).
    undecided: FlatSet<u8>,
    /// Writes lost with their client, not yet overtaken (at most one
    /// window's worth per key).
    lost: Vec<Lost>,
    /// Overtaken lost writes waiting to be retired.
    overtaken: Vec<Overtaken>,
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
        self.keys.get(&key).map(|w| &**w)
    }

    fn observe(&mut self, n: &NodeRef<'_, Abd>) -> Option<Violation> {
        let client = n.state.client()?;
        let mut verdicts = Vec::new();
        if let Some(open) = self.open.get(&n.id).copied() {
            let finished = client.done.iter().rev().find(|d| d.seq == open.seq);
            let current = client.current.as_ref().filter(|c| c.seq == open.seq);
            if let Some(d) = finished {
                self.clock += 1;
                let op = match d.kind {
                    Kind::Read => RegOp::Read(d.value),
                    Kind::Write(v) => RegOp::Write(v),
                };
                let window = KeyWindow::make_mut(self.keys.entry(open.key).or_default());
                verdicts.push((open.key, window.complete(open.index, op, self.clock)));
                self.open.remove(&n.id);
                if let (Kind::Write(_), Some(ts)) = (d.kind, open.ts) {
                    self.overtake(open.key, ts);
                }
            } else if current.is_none() || n.status == Status::Crashed {
                if open.write {
                    let bound = Ts { counter: client.counter, writer: n.id };
                    self.lost.push(Lost { key: open.key, index: open.index, ts: open.ts.unwrap_or(bound) });
                }
                let window = KeyWindow::make_mut(self.keys.entry(open.key).or_default());
                verdicts.push((open.key, window.lose(open.index)));
                self.open.remove(&n.id);
            } else if let Some(c) = current.filter(|c| c.phase == Phase::Update && matches!(c.kind, Kind::Write(_))) {
                if let Some(o) = self.open.get_mut(&n.id) {
                    o.ts = Some(c.best.ts);
                }
            }
        }
        verdicts.extend(self.retire_overtaken());
        let mut violation = None;
        for (key, verdict) in verdicts {
            if let Some(v) = self.judge(key, verdict) {
                violation.get_or_insert(v);
            }
        }
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
            let index = KeyWindow::make_mut(self.keys.entry(c.key).or_default()).invoke(n.id, op, self.clock);
            let ts = (c.phase == Phase::Update && matches!(c.kind, Kind::Write(_))).then_some(c.best.ts);
            self.open.insert(n.id, Open { seq: c.seq, key: c.key, index, write: matches!(c.kind, Kind::Write(_)), ts });
        }
        violation
    }

    /// A write with timestamp `ts` completed on `key`: the lost writes of
    /// `key` below it are overtaken, to be retired once the operations open
    /// now have ended (the module's doc).
    fn overtake(&mut self, key: u8, ts: Ts) {
        let (below, rest): (Vec<Lost>, Vec<Lost>) =
            std::mem::take(&mut self.lost).into_iter().partition(|l| l.key == key && l.ts < ts);
        self.lost = rest;
        if below.is_empty() {
            return;
        }
        let waiting = self.open.iter().filter(|(_, o)| o.key == key).map(|(&id, o)| (id, o.seq)).collect();
        self.overtaken.push(Overtaken { key, indices: below.iter().map(|l| l.index).collect(), waiting });
    }

    /// Retire the overtaken writes whose wait is over.
    fn retire_overtaken(&mut self) -> Vec<(u8, Verdict)> {
        let open = &self.open;
        let mut verdicts = Vec::new();
        self.overtaken.retain_mut(|o| {
            o.waiting.retain(|(id, seq)| open.get(id).is_some_and(|x| x.seq == *seq));
            if !o.waiting.is_empty() {
                return true;
            }
            if let Some(window) = self.keys.get_mut(&o.key).map(KeyWindow::make_mut) {
                for &index in &o.indices {
                    verdicts.push((o.key, window.retire(index)));
                }
            }
            false
        });
        verdicts
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
                self.lost.retain(|l| l.key != key);
                self.overtaken.retain(|o| o.key != key);
                Some(Violation::new(
                    DECIDABLE,
                    format!("register {}: cannot decide linearizability: {reason}", key_name(key)),
                    nodes,
                ))
            }
        }
    }
}
