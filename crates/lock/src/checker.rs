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
//!
//! # What the checker keeps, and its one approximation
//!
//! A write is judged by its grant's place in issue order against the
//! newest grant written so far, so the checker needs the issue order of
//! every grant that may still be written. It keeps the last
//! [`GRANTS_REMEMBERED`] grants, in issue order, in a flat queue (cheap to
//! clone with the world's snapshots), plus per client the highest lock
//! value of a grant that left the queue. That is exact for every write
//! whose grant is still in the queue, and for one whose grant left it once
//! the newest written grant is still in it (its grant is then older: a
//! violation). The one case it cannot decide is a write whose grant left
//! the queue while the newest written grant had left it too: more than
//! [`GRANTS_REMEMBERED`] grants were issued without a write accepted in
//! between. The checker then **reports** the write rather than let it pass
//! unjudged, saying why; a false alarm needs a storage that accepts nothing
//! through four thousand grants, a missed corruption would be silent.
//!
//! Cost per event: nothing for a client's step; for a lock server's, one
//! look at the lock servers (a new grant is recognized as new without a
//! search when its lock value is the client's highest yet, as it always is
//! in a correct run); for the storage's, only the writes logged since the
//! last check, each found by a search from the newest grant backwards.

use crate::config::{Choice, Layout, Variant, MAX_NODES};
use crate::storage::WriteRecord;
use crate::{Lock, Node};
use protocol::{Checker, NodeId, NodeRef, Status, Violation};
use std::collections::VecDeque;

pub const STORAGE_MUTUAL_EXCLUSION: &str = "Storage Mutual Exclusion";

/// Grants remembered in issue order; older ones are forgotten, keeping only,
/// per client, the highest lock value forgotten.
pub const GRANTS_REMEMBERED: usize = 4096;

/// A grant: `(client, lock value, token)`.
type Grant = (NodeId, u64, Option<u64>);

/// One `u64` per possible client id, for the per-client summaries.
const CLIENTS: usize = MAX_NODES as usize;

#[derive(Clone, Debug, Default, Hash)]
pub struct LockChecker {
    /// The last [`GRANTS_REMEMBERED`] grants in issue order: `window[i]` is
    /// grant number `first + i` (numbered from 1).
    window: VecDeque<Grant>,
    first: u64,
    /// Per client, the highest lock value of any grant recorded, so that a
    /// grant whose value is higher is known to be new without a search.
    highest_granted: [u64; CLIENTS],
    /// Per client, `1 +` the highest lock value of a grant that left the
    /// window (0: none did).
    forgotten: [u64; CLIENTS],
    /// The grant the lock service showed as current after the last look:
    /// the lease of `lock-lease` and `lock-fenced`, the lowest live entry of
    /// `lock-zk`, the value a majority of live servers hold under `redlock`.
    current: Option<Grant>,
    /// How many of the storage's writes have been judged.
    checked: u64,
    /// The latest grant, in issue order, with an accepted write.
    newest_written: Option<(u64, Grant)>,
    broken: Option<Violation>,
}

impl<V: Choice> Checker<Lock<V>> for LockChecker {
    const PROPERTIES: &'static [&'static str] = &[STORAGE_MUTUAL_EXCLUSION];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Lock<V>>]) -> Option<Violation> {
        self.check_changed(nodes, None)
    }

    /// Only a lock server's step can issue a grant and only the storage's
    /// can accept a write; a client's step changes neither. A user action
    /// (`None`: a crash can end a Redlock majority) looks at everything.
    fn check_changed(&mut self, nodes: &[NodeRef<'_, Lock<V>>], changed: Option<NodeId>) -> Option<Violation> {
        // Every node of a world runs the same variant.
        if let (None, Some(first)) = (&self.broken, nodes.first()) {
            let variant = first.state.variant();
            let node = changed.and_then(|id| nodes.get(id as usize)).map(|n| n.state.node());
            let (servers, storage) = match node {
                None => (true, true),
                Some(Node::Server(_) | Node::Coordinator(_)) => (true, false),
                Some(Node::Storage(_)) => (false, true),
                Some(Node::Client(_) | Node::ZkClient(_)) => (false, false),
            };
            if servers {
                self.record_grants(variant, nodes);
            }
            if storage {
                self.broken = self.check_writes(variant, nodes);
            }
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
        self.first + self.window.len() as u64
    }

    /// The grant the lock service shows as current, if any.
    fn current_grant<V: Choice>(variant: Variant, nodes: &[NodeRef<'_, Lock<V>>]) -> Option<Grant> {
        let live = nodes.iter().filter(|n| n.status != Status::Crashed);
        if variant == Variant::Redlock {
            // At most one value can be held by a strict majority at once.
            let majority = Layout::new(variant, nodes.len() as u32).majority();
            let mut held: [(Grant, usize); crate::REDLOCK_SERVERS as usize] = Default::default();
            let mut distinct = 0;
            for n in live {
                if let Node::Server(s) = n.state.node() {
                    if let Some(l) = s.lease() {
                        let grant = (l.client, l.attempt, None);
                        if let Some((_, count)) = held[..distinct].iter_mut().find(|(g, _)| *g == grant) {
                            *count += 1;
                        } else if distinct < held.len() {
                            held[distinct] = (grant, 1);
                            distinct += 1;
                        }
                    }
                }
            }
            held[..distinct].iter().find(|(_, count)| *count >= majority).map(|(g, _)| *g)
        } else {
            live.filter_map(|n| match n.state.node() {
                Node::Server(s) => s.lease().map(|l| (l.client, l.attempt, Some(l.token))),
                Node::Coordinator(c) => c.holder().map(|e| (e.client, e.attempt, Some(e.seq))),
                _ => None,
            })
            .next()
        }
    }

    fn record_grants<V: Choice>(&mut self, variant: Variant, nodes: &[NodeRef<'_, Lock<V>>]) {
        let current = Self::current_grant(variant, nodes);
        if current != self.current {
            self.current = current;
            if let Some(grant) = current {
                self.record(grant);
            }
        }
    }

    /// Number a grant the lock service shows, unless it was numbered when
    /// it first appeared (a Redlock value can lose and regain its majority;
    /// a grant is issued once, at the first moment).
    fn record(&mut self, grant: Grant) {
        let client = grant.0 as usize % CLIENTS;
        if grant.1 <= self.highest_granted[client] {
            if self.find(&grant).is_some() {
                return;
            }
            if grant.1 < self.forgotten[client] {
                // Maybe issued before the window: leave it unknown, so that
                // a write of it is reported rather than renumbered as new.
                return;
            }
        }
        self.highest_granted[client] = self.highest_granted[client].max(grant.1);
        self.window.push_back(grant);
        if self.window.len() > GRANTS_REMEMBERED {
            let (c, value, _) = self.window.pop_front().expect("not empty");
            self.first += 1;
            let f = &mut self.forgotten[c as usize % CLIENTS];
            *f = (*f).max(value + 1);
        }
    }

    /// The issue number of a remembered grant, searching from the newest.
    fn find(&self, grant: &Grant) -> Option<u64> {
        self.window.iter().rposition(|g| g == grant).map(|i| self.first + 1 + i as u64)
    }

    fn check_writes<V: Choice>(&mut self, variant: Variant, nodes: &[NodeRef<'_, Lock<V>>]) -> Option<Violation> {
        let (at, storage) = nodes.iter().rev().find_map(|n| Some((n.id, n.state.storage()?)))?;
        let writes = storage.writes();
        // Writes logged since the last check; those that scrolled out of the
        // log unseen (more than WRITES_KEPT in one step) cannot be judged.
        let new = (storage.total().saturating_sub(self.checked) as usize).min(writes.len());
        self.checked = storage.total();
        writes.range(writes.len() - new..).filter(|w| w.accepted).find_map(|w| self.judge(variant, at, w))
    }

    fn judge(&mut self, variant: Variant, storage: NodeId, w: &WriteRecord) -> Option<Violation> {
        let grant: Grant = (w.client, w.attempt, w.token);
        let at = format!("at {} on the storage's clock", w.time);
        let overtaken = |newer: &Grant| {
            Violation::new(
                STORAGE_MUTUAL_EXCLUSION,
                format!(
                    "the storage accepted a write of {} {at}, after a write of {}, which got the lock later",
                    show(&grant),
                    show(newer)
                ),
                [storage, w.client, newer.0],
            )
        };
        let Some(order) = self.find(&grant) else {
            let client = w.client as usize % CLIENTS;
            if w.attempt < self.forgotten[client] {
                // Issued before every remembered grant, if at all.
                return Some(match self.newest_written {
                    // The newest written grant is remembered, so it is newer.
                    Some((n, newer)) if n > self.first => overtaken(&newer),
                    _ => Violation::new(
                        STORAGE_MUTUAL_EXCLUSION,
                        format!(
                            "the storage accepted a write of {} {at}, whose grant, if any, is older than the last \
                             {GRANTS_REMEMBERED} grants, with no write accepted since: the checker can no longer \
                             place it in issue order, and reports it rather than let it pass",
                            show(&grant)
                        ),
                        [storage, w.client],
                    ),
                });
            }
            let how = if variant == Variant::Redlock {
                "no majority of the servers ever held its lock value at once"
            } else {
                "the lock service never granted it that lock"
            };
            return Some(Violation::new(
                STORAGE_MUTUAL_EXCLUSION,
                format!("the storage accepted a write of {} {at}, but {how}", show(&grant)),
                [storage, w.client],
            ));
        };
        if let Some((newest, newer)) = self.newest_written {
            if order < newest {
                return Some(overtaken(&newer));
            }
        }
        self.newest_written = Some((order, grant));
        None
    }
}

/// The checker on hand-built worlds: a lock server and a storage driven one
/// message at a time, the checker told which node changed, as the world
/// tells it. `lock-lease`'s storage accepts every write, so what the storage
/// accepts is up to the test.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, LockConfig, Msg};
    use protocol::{Cluster, Input, Out, Protocol};

    /// Server 0, clients 1 and 2, storage 3.
    struct Bench<V: Algorithm> {
        nodes: Vec<Lock<V>>,
        checker: LockChecker,
        now: u64,
    }

    impl<V: Algorithm> Bench<V> {
        fn new() -> Self {
            let cluster = Cluster { nodes: 4 };
            let config = LockConfig::default();
            let nodes = (0..4).map(|id| Lock::<V>::new(id, &cluster, &config, None)).collect();
            Self { nodes, checker: LockChecker::default(), now: 0 }
        }

        fn deliver(&mut self, to: NodeId, from: NodeId, msg: Msg) -> Option<Violation> {
            self.now += 1;
            let mut out = Out::default();
            self.nodes[to as usize].step(self.now, Input::Message { from, msg }, &mut out);
            let refs: Vec<NodeRef<'_, Lock<V>>> = self
                .nodes
                .iter()
                .enumerate()
                .map(|(id, state)| NodeRef { id: id as NodeId, status: Status::Up, state })
                .collect();
            self.checker.check_changed(&refs, Some(to))
        }

        /// The server grants `client` the lock with value `attempt`, and it
        /// is released at once: one grant issued.
        fn grant(&mut self, client: NodeId, attempt: u64) {
            assert_eq!(self.deliver(0, client, Msg::Acquire { attempt, ttl_ms: 1000 }), None);
            assert_eq!(self.deliver(0, client, Msg::Release { attempt }), None);
        }

        /// `client` writes with the grant of lock value `attempt`, and the
        /// token it was issued (grants are numbered as tokens are, from 1).
        fn write(&mut self, client: NodeId, attempt: u64) -> Option<Violation> {
            let token = self.token_of(client, attempt);
            self.deliver(3, client, Msg::Write { attempt, token: Some(token) })
        }

        fn token_of(&self, client: NodeId, attempt: u64) -> u64 {
            let i = self.checker.window.iter().position(|g| g.0 == client && g.1 == attempt);
            i.map_or(0, |i| self.checker.first + 1 + i as u64)
        }
    }

    /// Kleppmann's correct order: each holder writes while its grant is the
    /// newest, and a holder may write again with the same grant.
    #[test]
    fn writes_in_grant_order_hold() {
        let mut b = Bench::<crate::variant::Lease>::new();
        b.grant(1, 1);
        assert_eq!(b.write(1, 1), None);
        assert_eq!(b.write(1, 1), None);
        b.grant(2, 1);
        b.grant(1, 2);
        // Client 2's lease ended and client 1 got the lock again, but client
        // 1 has not written yet: to the storage it is as if 2 wrote in time.
        assert_eq!(b.write(2, 1), None);
        assert_eq!(b.write(1, 2), None);
        assert_eq!(b.checker.issued(), 3);
    }

    /// Kleppmann's figure: client 1's write lands after client 2, which got
    /// the lock later, has written.
    #[test]
    fn a_write_after_a_later_holders_write_fails() {
        let mut b = Bench::<crate::variant::Lease>::new();
        b.grant(1, 1);
        b.grant(2, 1);
        assert_eq!(b.write(2, 1), None);
        let v = b.write(1, 1).expect("caught");
        assert_eq!(v.property, STORAGE_MUTUAL_EXCLUSION);
        assert_eq!(
            v.detail,
            "the storage accepted a write of client 1 with token 1 at 6 on the storage's clock, after a write of \
             client 2 with token 2, which got the lock later"
        );
        // Once broken it stays broken, whatever changes next.
        assert_eq!(b.deliver(0, 1, Msg::Acquire { attempt: 2, ttl_ms: 1000 }), Some(v));
    }

    #[test]
    fn a_write_without_a_grant_fails() {
        let mut b = Bench::<crate::variant::Lease>::new();
        b.grant(1, 1);
        let v = b.deliver(3, 2, Msg::Write { attempt: 7, token: None }).expect("caught");
        assert_eq!(
            v.detail,
            "the storage accepted a write of client 2 (lock value 7) at 3 on the storage's clock, but the lock \
             service never granted it that lock"
        );
    }

    /// A rejected write changes nothing, so it breaks nothing.
    #[test]
    fn a_rejected_stale_write_holds() {
        let mut b = Bench::<crate::variant::Fenced>::new();
        b.grant(1, 1);
        b.grant(2, 1);
        assert_eq!(b.deliver(3, 2, Msg::Write { attempt: 1, token: Some(2) }), None);
        assert_eq!(b.deliver(3, 1, Msg::Write { attempt: 1, token: Some(1) }), None);
        let s = b.nodes[3].storage().unwrap();
        assert_eq!((s.total(), s.rejected()), (2, 1));
    }

    /// The false negative of the old checker: client 2 writes with a grant
    /// issued after client 1's; then more than `GRANTS_REMEMBERED` grants
    /// are issued with no write, so both grants leave the window. The old
    /// checker let client 1's stale write pass, because the newest written
    /// grant was forgotten too. Now it is reported.
    #[test]
    fn a_stale_write_older_than_the_window_is_not_passed_silently() {
        let mut b = Bench::<crate::variant::Lease>::new();
        b.grant(1, 1);
        b.grant(2, 1);
        assert_eq!(b.write(2, 1), None);
        for attempt in 2..=GRANTS_REMEMBERED as u64 + 1 {
            b.grant(2, attempt);
        }
        assert_eq!(b.checker.window.len(), GRANTS_REMEMBERED);
        assert_eq!(b.checker.first, 2, "both written grants left the window");
        let v = b.deliver(3, 1, Msg::Write { attempt: 1, token: Some(1) }).expect("caught");
        assert_eq!(v.property, STORAGE_MUTUAL_EXCLUSION);
        assert!(v.detail.contains("reports it rather than let it pass"), "{}", v.detail);
    }

    /// A grant older than the window, while the newest written grant is in
    /// it, is known to be older: the exact verdict.
    #[test]
    fn a_write_older_than_the_window_after_a_remembered_write_is_overtaken() {
        let mut b = Bench::<crate::variant::Lease>::new();
        b.grant(1, 1);
        for attempt in 1..=GRANTS_REMEMBERED as u64 {
            b.grant(2, attempt);
        }
        assert_eq!(b.deliver(3, 2, Msg::Write { attempt: 4096, token: Some(4097) }), None);
        let v = b.deliver(3, 1, Msg::Write { attempt: 1, token: Some(1) }).expect("caught");
        assert!(
            v.detail.ends_with("after a write of client 2 with token 4097, which got the lock later"),
            "{}",
            v.detail
        );
    }

    /// The history is bounded: a long run keeps `GRANTS_REMEMBERED` grants
    /// and two per-client summaries, and a clone copies only that.
    #[test]
    fn history_is_bounded_and_a_grant_seen_twice_is_one_grant() {
        let mut b = Bench::<crate::variant::Lease>::new();
        for attempt in 1..=3 * GRANTS_REMEMBERED as u64 {
            b.grant(1 + (attempt % 2) as NodeId, attempt);
        }
        assert_eq!(b.checker.window.len(), GRANTS_REMEMBERED);
        assert_eq!(b.checker.issued(), 3 * GRANTS_REMEMBERED as u64);
        // A duplicated Acquire answered again from the lease is no new grant.
        let before = b.checker.issued();
        assert_eq!(b.deliver(0, 1, Msg::Acquire { attempt: 99_999, ttl_ms: 1000 }), None);
        assert_eq!(b.deliver(0, 1, Msg::Acquire { attempt: 99_999, ttl_ms: 1000 }), None);
        assert_eq!(b.checker.issued(), before + 1);
    }
}
