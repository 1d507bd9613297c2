//! The lock's safety property, as the storage sees it.
//!
//! # Storage Mutual Exclusion
//!
//! The issue states it as: every accepted write comes from a client that
//! held the lock at that moment, and no later holder's write was accepted
//! before it. The storage has no clock shared with the lock service; all it
//! has is the order in which it accepts writes. So "at that moment" is read
//! in that order, and the property is made exact with *grants*:
//!
//! - A **grant** is one lock handed to one client, identified by the client,
//!   its lock value and (where the algorithm has one) its token. Grants are
//!   numbered in the order the lock service issued them, observed from the
//!   servers' states after every step:
//!   - `lock-lease`, `lock-fenced`: the moment the server's lease becomes
//!     `(client, value, token)`;
//!   - `lock-zk`: the moment the client's entry becomes the lowest live
//!     entry (token = its sequence number);
//!   - `redlock`: the first moment a majority of the servers that are not
//!     crashed hold the client's lock value at once (no token).
//!
//!   A lock server expires a lease with its own timer, so its state changes
//!   exactly when the lease ends on its clock.
//! - A write belongs to the grant its writer names: its client, lock value
//!   and token.
//!
//! Then the property holds when, for every write the storage **accepts**
//! (rejected writes change nothing):
//!
//! 1. **the writer held the lock:** the write's grant was issued, to that
//!    client, before the storage accepted the write; and
//! 2. **no later holder wrote first:** no write of a grant issued after the
//!    write's grant had been accepted before it. Equivalently, the grants of
//!    the accepted writes, in the order the storage accepted them, never go
//!    back in issue order.
//!
//! Together: the storage's accepted writes are exactly what it would have
//! seen had each write happened while its grant was the current one. A write
//! that arrives after its lease ended but before any later holder wrote is
//! indistinguishable, to the storage, from one that arrived just in time; a
//! write that arrives after a later holder's write is the corruption of
//! Kleppmann's figure ("How to do distributed locking", 2016).
//!
//! `lock-fenced` and `lock-zk` keep it by construction: tokens grow with
//! issue order (a persisted counter; the holder is always the lowest live
//! sequence number), every write carries its grant's token, and the storage
//! accepts only tokens at least as high as any it accepted (persisted with
//! its data). `lock-lease` and `redlock` break it when a holder pauses, its
//! clock runs slow, a server's clock runs fast or a server restarts.
//!
//! Once broken it stays broken: the storage's data is corrupted from then
//! on, so every later check reports the first violation again.

use crate::config::{Algorithm, Layout, Variant};
use crate::storage::WriteRecord;
use crate::{Lock, Node};
use protocol::{Checker, NodeId, NodeRef, Status, Violation};
use std::collections::BTreeMap;

pub const STORAGE_MUTUAL_EXCLUSION: &str = "Storage Mutual Exclusion";

/// Grants remembered; older ones are forgotten, keeping only, per client,
/// the highest lock value forgotten.
pub const GRANTS_REMEMBERED: usize = 4096;

/// A grant: `(client, lock value, token)`.
type Grant = (NodeId, u64, Option<u64>);

#[derive(Clone, Debug, Default)]
pub struct LockChecker {
    /// Remembered grants and their place in issue order.
    grants: BTreeMap<Grant, u64>,
    by_order: BTreeMap<u64, Grant>,
    issued: u64,
    /// Per client, the highest lock value of a forgotten grant.
    forgotten: BTreeMap<NodeId, u64>,
    /// Storage writes checked so far.
    checked: u64,
    /// The latest grant, in issue order, with an accepted write.
    newest_written: Option<(u64, Grant)>,
    broken: Option<Violation>,
}

impl<V: Algorithm> Checker<Lock<V>> for LockChecker {
    const PROPERTIES: &'static [&'static str] = &[STORAGE_MUTUAL_EXCLUSION];

    fn check(&mut self, nodes: &[NodeRef<'_, Lock<V>>]) -> Option<Violation> {
        if self.broken.is_none() {
            self.record_grants(V::VARIANT, nodes);
            self.broken = self.check_writes(V::VARIANT, nodes);
        }
        self.broken.clone()
    }
}

fn show(grant: &Grant) -> String {
    match grant {
        (client, _, Some(token)) => format!("client {client} with token {token}"),
        (client, value, None) => format!("client {client} (lock value {value})"),
    }
}

impl LockChecker {
    /// Grants issued in this order so far.
    pub fn issued(&self) -> u64 {
        self.issued
    }

    fn record_grants<V: Algorithm>(&mut self, variant: Variant, nodes: &[NodeRef<'_, Lock<V>>]) {
        let live = nodes.iter().filter(|n| n.status != Status::Crashed);
        if variant == Variant::Redlock {
            let mut held: BTreeMap<Grant, usize> = BTreeMap::new();
            for n in live {
                if let Node::Server(s) = n.state.node() {
                    if let Some(l) = s.lease() {
                        *held.entry((l.client, l.attempt, None)).or_default() += 1;
                    }
                }
            }
            let majority = Layout::new(variant, nodes.len() as u32).majority();
            for (grant, count) in held {
                if count >= majority {
                    self.record(grant);
                }
            }
        } else {
            for n in live {
                match n.state.node() {
                    Node::Server(s) => {
                        if let Some(l) = s.lease() {
                            self.record((l.client, l.attempt, Some(l.token)));
                        }
                    }
                    Node::Coordinator(c) => {
                        if let Some(e) = c.holder() {
                            self.record((e.client, e.attempt, Some(e.seq)));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn record(&mut self, grant: Grant) {
        if self.grants.contains_key(&grant) {
            return;
        }
        self.issued += 1;
        self.grants.insert(grant, self.issued);
        self.by_order.insert(self.issued, grant);
        while self.grants.len() > GRANTS_REMEMBERED {
            let (_, old) = self.by_order.pop_first().expect("not empty");
            self.grants.remove(&old);
            let f = self.forgotten.entry(old.0).or_default();
            *f = (*f).max(old.1);
        }
    }

    fn check_writes<V: Algorithm>(&mut self, variant: Variant, nodes: &[NodeRef<'_, Lock<V>>]) -> Option<Violation> {
        let storage = nodes.iter().find_map(|n| match n.state.node() {
            Node::Storage(s) => Some(s),
            _ => None,
        })?;
        let new: Vec<&WriteRecord> = storage.writes().iter().filter(|w| w.index >= self.checked).collect();
        self.checked = self.checked.max(storage.total());
        for w in new {
            if w.accepted {
                if let Some(v) = self.judge(variant, w) {
                    return Some(v);
                }
            }
        }
        None
    }

    fn judge(&mut self, variant: Variant, w: &WriteRecord) -> Option<Violation> {
        let grant: Grant = (w.client, w.attempt, w.token);
        let at = format!("at {} on the storage's clock", w.time);
        let order = match self.grants.get(&grant) {
            Some(&order) => order,
            None if self.forgotten.get(&w.client).is_some_and(|&f| w.attempt <= f) => {
                // Issued before every remembered grant: it is older than the
                // newest written one if that one is still remembered.
                let oldest_remembered = self.by_order.keys().next().copied().unwrap_or(u64::MAX);
                return match self.newest_written {
                    Some((n, newer)) if n >= oldest_remembered => Some(Violation {
                        property: STORAGE_MUTUAL_EXCLUSION,
                        detail: format!(
                            "the storage accepted a write of {} {at}, after a write of {}, which got the lock later",
                            show(&grant),
                            show(&newer)
                        ),
                    }),
                    _ => None,
                };
            }
            None => {
                let how = if variant == Variant::Redlock {
                    "no majority of the servers ever held its lock value at once"
                } else {
                    "the lock service never granted it that lock"
                };
                return Some(Violation {
                    property: STORAGE_MUTUAL_EXCLUSION,
                    detail: format!("the storage accepted a write of {} {at}, but {how}", show(&grant)),
                });
            }
        };
        if let Some((newest, newer)) = self.newest_written {
            if order < newest {
                return Some(Violation {
                    property: STORAGE_MUTUAL_EXCLUSION,
                    detail: format!(
                        "the storage accepted a write of {} {at}, after a write of {}, which got the lock later",
                        show(&grant),
                        show(&newer)
                    ),
                });
            }
        }
        self.newest_written = Some((order, grant));
        None
    }
}
