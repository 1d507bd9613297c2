//! The store's two safety properties, checked over all nodes after every step.
//!
//! **No acknowledged put lost** ([`DURABILITY`]). Every put a coordinator
//! acknowledged, and every key of the initial load, is at every step held
//! at the acknowledged version or a newer one by at least one node that is
//! not standby in its own view. "Held" means in the node's store as it
//! survives a crash: a node writes its store to disk before it acknowledges,
//! confirms or forwards anything, and a crashed node counts with what it
//! persisted. A copy that exists only in a message on the wire does not
//! count, since the network may lose it. A standby node's copy does not
//! count either: it serves nothing. The checker learns of acknowledgements
//! from each coordinator's log of acknowledged puts ([`super::AckLog`]).
//!
//! **Keys on their preference lists** ([`PLACEMENT`]). Whenever the cluster
//! is *at rest* — every node up, every node's membership view identical,
//! nobody joining or leaving in it, and every node idle (no pull,
//! announcement or client request outstanding, and no key waiting for a
//! confirmation from its preference list) — every key held by any node, and
//! every acknowledged key, is held by exactly the nodes of its preference
//! list in that view (the first `min(R, members)` distinct members clockwise
//! from the key's position; Dynamo §4.3), all at the same version. That is
//! the end of every membership change: nothing left behind on a node that
//! gave a range away, nothing missing on a node that took one over.

use super::membership::{bit, NodeSet, Status};
use super::message::Version;
use super::node::{pref_set, KvNode};
use crate::hash::key_position;
use protocol::{Checker, NodeId, NodeRef, Violation};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const DURABILITY: &str = "No acknowledged put lost";
pub const PLACEMENT: &str = "Keys on their preference lists";

/// An acknowledged key and the node last seen holding it.
#[derive(Clone, Debug)]
struct Watch {
    version: Version,
    witness: Option<NodeId>,
}

#[derive(Clone, Debug, Default)]
pub struct KvChecker {
    started: bool,
    /// Every acknowledged key, at its highest acknowledged version. Bounded
    /// by the keys the run writes (each put adds at most one key).
    acked: BTreeMap<Arc<str>, Watch>,
    /// Per node, how many of its acknowledgements have been read.
    seen: Vec<u64>,
    /// The nodes' generations when placement was last found to hold at rest;
    /// nothing changed since means nothing to check again.
    rest_checked: Option<Vec<u64>>,
}

impl Checker<KvNode> for KvChecker {
    const PROPERTIES: &'static [&'static str] = &[DURABILITY, PLACEMENT];

    fn check(&mut self, nodes: &[NodeRef<'_, KvNode>]) -> Option<Violation> {
        self.read_acks(nodes);
        self.durability(nodes).or_else(|| self.placement(nodes))
    }
}

/// Whether the cluster is at rest (see the module docs).
pub fn at_rest(nodes: &[NodeRef<'_, KvNode>]) -> bool {
    let Some(first) = nodes.first() else { return false };
    let view = first.state.membership();
    !view.changing()
        && nodes.iter().all(|n| n.status == protocol::Status::Up && n.state.membership() == view && n.state.idle())
}

fn holds(node: &NodeRef<'_, KvNode>, key: &str, version: Version) -> bool {
    node.state.status() != Status::Standby && node.state.get(key).is_some_and(|s| s.version >= version)
}

fn show_set(set: NodeSet) -> String {
    let ids: Vec<String> = (0..32).filter(|i| set & (1 << i) != 0).map(|i: u32| i.to_string()).collect();
    format!("{{{}}}", ids.join(", "))
}

impl KvChecker {
    fn watch(&mut self, key: &Arc<str>, version: Version) {
        match self.acked.get_mut(key) {
            Some(w) if w.version >= version => {}
            Some(w) => *w = Watch { version, witness: None },
            None => {
                self.acked.insert(key.clone(), Watch { version, witness: None });
            }
        }
    }

    fn read_acks(&mut self, nodes: &[NodeRef<'_, KvNode>]) {
        if !self.started {
            // The initial load counts as acknowledged.
            self.started = true;
            self.seen = vec![0; nodes.len()];
            for n in nodes {
                for (key, s) in n.state.store() {
                    self.watch(key, s.version);
                }
            }
        }
        for (i, n) in nodes.iter().enumerate() {
            let log = n.state.acked();
            let fresh = log.total().saturating_sub(self.seen[i]);
            let fresh = (fresh as usize).min(log.recent().len());
            let acks: Vec<_> = log.recent().skip(log.recent().len() - fresh).cloned().collect();
            for h in acks {
                self.watch(&h.key, h.version);
            }
            self.seen[i] = log.total();
        }
    }

    fn durability(&mut self, nodes: &[NodeRef<'_, KvNode>]) -> Option<Violation> {
        for (key, w) in self.acked.iter_mut() {
            if let Some(n) = w.witness {
                if holds(&nodes[n as usize], key, w.version) {
                    continue;
                }
            }
            w.witness = nodes.iter().find(|n| holds(n, key, w.version)).map(|n| n.id);
            if w.witness.is_none() {
                let older: Vec<String> = nodes
                    .iter()
                    .filter_map(|n| n.state.get(key).map(|s| format!("node {} has {}", n.id, s.version)))
                    .collect();
                return Some(Violation {
                    property: DURABILITY,
                    detail: format!(
                        "put {key} was acknowledged at version {} but no node holds it{}",
                        w.version,
                        if older.is_empty() { String::new() } else { format!(" ({})", older.join(", ")) }
                    ),
                });
            }
        }
        None
    }

    fn placement(&mut self, nodes: &[NodeRef<'_, KvNode>]) -> Option<Violation> {
        if !at_rest(nodes) {
            return None;
        }
        let generations: Vec<u64> = nodes.iter().map(|n| n.state.generation()).collect();
        if self.rest_checked.as_ref() == Some(&generations) {
            return None;
        }
        let ring = nodes[0].state.ring();
        let replicas = nodes[0].state.config().replicas;
        let mut keys: BTreeSet<&Arc<str>> = self.acked.keys().collect();
        for n in nodes {
            keys.extend(n.state.store().keys());
        }
        for key in keys {
            let pref = pref_set(ring, key_position(key), replicas);
            let mut holders: NodeSet = 0;
            let mut versions: Vec<(NodeId, Version)> = Vec::new();
            for n in nodes {
                if let Some(s) = n.state.get(key) {
                    holders |= bit(n.id);
                    versions.push((n.id, s.version));
                }
            }
            if holders != pref {
                return Some(Violation {
                    property: PLACEMENT,
                    detail: format!(
                        "the cluster is at rest but key {key} is on nodes {} and its preference list is {}",
                        show_set(holders),
                        show_set(pref)
                    ),
                });
            }
            if let Some((a, b)) = versions.iter().zip(versions.iter().skip(1)).find(|(a, b)| a.1 != b.1) {
                return Some(Violation {
                    property: PLACEMENT,
                    detail: format!(
                        "the cluster is at rest but key {key} is at version {} on node {} and {} on node {}",
                        a.1, a.0, b.1, b.0
                    ),
                });
            }
        }
        self.rest_checked = Some(generations);
        None
    }
}
