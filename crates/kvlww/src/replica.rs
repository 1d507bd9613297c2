//! A last-writer-wins replica (the register of Cassandra and Dynamo-style
//! stores; Shapiro et al., "A comprehensive study of CRDTs", 2011, the LWW
//! register): it answers reads and takes writes on its own, whatever the
//! network, and reconciles with the other replicas by anti-entropy.
//!
//! Each write gets the timestamp `(now, replica id)`: the replica's clock
//! (handed to `step`, never read) and its id to break ties. A replica keeps
//! per key the version with the highest timestamp it has seen; every
//! `gossip_ms` it sends all its versions to every other replica, which keep
//! the newer of theirs and ours. Replicas that hear from each other end
//! with the same versions, whatever the order of delivery.
//!
//! **Lost update**, as counted here: an acknowledged write is lost when
//! its replica (the one that acknowledged it) replaces it, or declines to
//! store it, in favour of a version whose writer had not seen it. A version
//! records `seen`, the timestamp its replica held for the key when it took
//! the write; the newer version `v` had not seen the write `w` iff
//! `v.seen < w.ts`. Two cases: (1) after a partition heals, the side whose
//! clock ran ahead wins and the other side's acknowledged writes vanish;
//! (2) a replica whose clock lags takes a write whose timestamp is below
//! the version it holds: acknowledged, and lost at once. Counted once, at
//! the write's own replica, and persisted with the store.
//!
//! The log says, once each is persisted: a client's write stamped and
//! stored (or lost at once, a warning), and each version anti-entropy makes
//! a replica take (an acknowledged write lost that way, a warning). Gossip
//! that changes nothing, most of it, is no line.

use crate::present::At;
use crate::{LwwBug, LwwConfig, LwwMsg, LwwOut, LwwTimer, ReplicaDurable};
use kvraft::client::{ClientMsg, Kind};
use protocol::flat::FlatMap;
use protocol::{Input, Level, NodeId, Tick};
use serde::Serialize;
use std::collections::VecDeque;

/// Lost writes a replica lists (the count goes on).
pub const LOST_KEPT: usize = 8;

/// A write's timestamp: the replica's clock, ties broken by its id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
pub struct Ts {
    pub time: Tick,
    pub node: NodeId,
}

impl std::fmt::Display for Ts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.time, self.node)
    }
}

/// A key's value with its timestamp, the replica that took it, and the
/// timestamp that replica held for the key then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Version {
    pub value: u64,
    pub ts: Ts,
    pub origin: NodeId,
    pub seen: Ts,
}

/// An acknowledged write and the version it was lost to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Lost {
    pub key: u8,
    pub write: Version,
    pub to: Version,
}

/// A version a merge took in place of what the replica held, for the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub key: u8,
    pub held: Option<Version>,
    pub to: Version,
    /// `held` was an acknowledged write of this replica, now lost.
    pub lost: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Replica {
    pub store: FlatMap<u8, Version>,
    /// Acknowledged writes of this replica lost so far.
    pub lost: u64,
    /// The last [`LOST_KEPT`] of them.
    pub recent_lost: VecDeque<Lost>,
}

impl Replica {
    pub fn from_durable(d: Option<&ReplicaDurable>) -> Self {
        d.map(|d| Self { store: d.store.clone(), lost: d.lost, recent_lost: d.recent_lost.clone() }).unwrap_or_default()
    }

    fn durable(&self) -> ReplicaDurable {
        ReplicaDurable { store: self.store.clone(), lost: self.lost, recent_lost: self.recent_lost.clone() }
    }

    pub fn ts(&self, key: u8) -> Ts {
        self.store.get(&key).map_or(Ts::default(), |v| v.ts)
    }

    pub fn step(
        &mut self,
        id: NodeId,
        now: Tick,
        input: Input<LwwMsg, LwwTimer>,
        out: &mut LwwOut,
        config: &LwwConfig,
    ) {
        match input {
            Input::Start | Input::Timer(LwwTimer::Replica(crate::ReplicaTimer::AntiEntropy)) => {
                if matches!(input, Input::Timer(_)) {
                    let versions: Vec<(u8, Version)> = self.store.iter().map(|(k, v)| (*k, *v)).collect();
                    for peer in (0..config.clients.servers).filter(|&p| p != id) {
                        out.send(peer, LwwMsg::Gossip { versions: versions.clone() });
                    }
                }
                out.set_timer(LwwTimer::Replica(crate::ReplicaTimer::AntiEntropy), config.gossip_ms, config.gossip_ms);
            }
            Input::Message { from, msg: LwwMsg::Client(ClientMsg::Request { op, key, kind }) } => {
                let done = match kind {
                    Kind::Read => self.store.get(&key).map(|v| v.value),
                    Kind::Write(value) => {
                        let clock_only = config.bug == Some(LwwBug::ClockOnlyTimestamps);
                        let node = if clock_only { 0 } else { id };
                        let write = Version { value, ts: Ts { time: now, node }, origin: id, seen: self.ts(key) };
                        self.take(id, from, key, write, clock_only, out);
                        Some(value)
                    }
                };
                out.send(from, LwwMsg::Client(ClientMsg::Reply { op, done: Some(done), leader: None }));
            }
            Input::Message { from, msg: LwwMsg::Gossip { versions } } => {
                // Most gossip changes nothing: the list allocates only when
                // a version is taken.
                let mut changes: Vec<Change> = Vec::new();
                for (key, v) in versions {
                    changes.extend(self.merge(id, key, v, config));
                }
                if changes.is_empty() {
                    return;
                }
                out.persist(self.durable());
                for c in changes {
                    let (new, key) = (At(c.key, c.to), c.key);
                    match c.held {
                        Some(held) if c.lost => {
                            out.emit(Level::Warn, format_args!("replica {id} loses acked {} to {new}", At(key, held)))
                        }
                        // BUG last-arrival-wins: a version no newer replaces the held one.
                        Some(held) if c.to.ts <= held.ts => {
                            let older = if c.to.ts < held.ts { "older" } else { "tied" };
                            out.emit(
                                Level::Notice,
                                format_args!("replica {id} replaces {} by {older} {new}", At(key, held)),
                            )
                        }
                        _ => out.emit(Level::Info, format_args!("replica {id} takes {new} from replica {from}")),
                    }
                }
            }
            Input::Request { .. } => {
                out.emit(Level::Notice, format_args!("replica {id} takes no requests: ask a client (`read x`, `x=5`)"))
            }
            Input::Message { .. } | Input::Timer(_) => {}
        }
    }

    /// A client's write: stored if its timestamp is the newest, else
    /// acknowledged and lost at once. Persisted, then noted, before the
    /// reply. `clock_only` is the bug `clock-only-timestamps`.
    fn take(&mut self, id: NodeId, client: NodeId, key: u8, write: Version, clock_only: bool, out: &mut LwwOut) {
        let held = self.store.get(&key).copied().filter(|held| held.ts >= write.ts);
        match held {
            Some(held) => self.count_lost(key, write, held),
            None => {
                self.store.insert(key, write);
            }
        }
        out.persist(self.durable());
        let new = At(key, write);
        match held {
            Some(held) => out.emit(Level::Warn, format_args!("replica {id}: {new} loses at once to {}", At(key, held))),
            // BUG clock-only-timestamps: every stamp can tie another
            // replica's; the tie itself changes no value, so it is noted here.
            None if clock_only => {
                out.emit(Level::Notice, format_args!("replica {id} stores {new}, no id to break ties"))
            }
            None => out.emit(Level::Info, format_args!("replica {id} stores {new} from client {client}")),
        }
    }

    /// Keep the newer of ours and `incoming`; what changed, if ours did.
    pub fn merge(&mut self, id: NodeId, key: u8, incoming: Version, config: &LwwConfig) -> Option<Change> {
        let held = self.store.get(&key).copied();
        // BUG last-arrival-wins: whatever arrives replaces what is held.
        let newer = match held {
            None => true,
            Some(h) if config.bug == Some(LwwBug::LastArrivalWins) => h != incoming,
            Some(h) => incoming.ts > h.ts,
        };
        if !newer {
            return None;
        }
        let lost = held.filter(|h| h.origin == id && incoming.seen < h.ts && incoming.ts > h.ts);
        if let Some(h) = lost {
            self.count_lost(key, h, incoming);
        }
        self.store.insert(key, incoming);
        Some(Change { key, held, to: incoming, lost: lost.is_some() })
    }

    fn count_lost(&mut self, key: u8, write: Version, to: Version) {
        self.lost += 1;
        if self.recent_lost.len() == LOST_KEPT {
            self.recent_lost.pop_front();
        }
        self.recent_lost.push_back(Lost { key, write, to });
    }
}
