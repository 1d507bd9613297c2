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
//!
//! **What the checker keeps, and what a step costs.** Every acknowledged
//! key with its version and one *witness*, a node last seen holding it
//! (bounded by the keys the run writes, like the stores themselves); per
//! node, how many of its acknowledgements it has read and the generation
//! of its disk it last looked at; and the keys that lost every holder. A
//! node's disk changes only in a step that bumps its generation, so after
//! an event only the node that handled it is looked at, and only if its
//! generation moved: then its new acknowledgements are read and the keys it
//! witnessed are checked again. Placement is judged over every key only
//! when the cluster is at rest and some node's disk changed since the last
//! time it was judged there. A step that changes no disk (gossip that
//! teaches nothing, a refused request) costs O(nodes).

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
#[derive(Clone, Debug, Hash)]
struct Watch {
    version: Version,
    witness: Option<NodeId>,
}

#[derive(Clone, Debug, Default, Hash)]
pub struct KvChecker {
    started: bool,
    /// Every acknowledged key, at its highest acknowledged version. Bounded
    /// by the keys the run writes (each put adds at most one key). Shared
    /// with the world's snapshots until it next changes, which is rare:
    /// a snapshot costs a reference count.
    acked: Arc<BTreeMap<Arc<str>, Watch>>,
    /// Acknowledged keys with no witness: new ones, and lost ones.
    orphans: BTreeSet<Arc<str>>,
    /// Per node, how many of its acknowledgements have been read.
    seen: Vec<u64>,
    /// Per node, the generation of its disk the checker last looked at.
    looked_at: Vec<u64>,
    /// The nodes' generations when placement was last found to hold at rest;
    /// nothing changed since means nothing to check again.
    rest_checked: Option<Vec<u64>>,
}

impl Checker<KvNode> for KvChecker {
    const PROPERTIES: &'static [&'static str] = &[DURABILITY, PLACEMENT];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, KvNode>]) -> Option<Violation> {
        self.check_changed(nodes, None)
    }

    fn check_changed(&mut self, nodes: &[NodeRef<'_, KvNode>], changed: Option<NodeId>) -> Option<Violation> {
        if !self.started {
            self.start(nodes);
        }
        match changed {
            Some(id) if (id as usize) < nodes.len() => self.look_at(&nodes[id as usize]),
            _ => nodes.iter().for_each(|n| self.look_at(n)),
        }
        self.durability(nodes).or_else(|| self.placement(nodes))
    }
}

/// Whether the cluster is at rest (see the module docs).
pub fn at_rest(nodes: &[NodeRef<'_, KvNode>]) -> bool {
    let Some(first) = nodes.first() else { return false };
    let view = first.state.membership();
    !view.changing()
        && nodes.iter().all(|n| n.status == protocol::Status::Up && n.state.idle() && n.state.membership() == view)
}

fn holds(node: &NodeRef<'_, KvNode>, key: &str, version: Version) -> bool {
    node.state.status() != Status::Standby && node.state.get(key).is_some_and(|s| s.version >= version)
}

fn show_set(set: NodeSet) -> String {
    let ids: Vec<String> = (0..32).filter(|i| set & (1 << i) != 0).map(|i: u32| i.to_string()).collect();
    format!("{{{}}}", ids.join(", "))
}

impl KvChecker {
    /// The initial load counts as acknowledged.
    fn start(&mut self, nodes: &[NodeRef<'_, KvNode>]) {
        self.started = true;
        self.seen = vec![0; nodes.len()];
        // A generation no disk has, so every node is looked at once.
        self.looked_at = vec![u64::MAX; nodes.len()];
        for n in nodes {
            for (key, s) in n.state.store().iter() {
                self.watch(key, s.version);
            }
        }
    }

    fn watch(&mut self, key: &Arc<str>, version: Version) {
        if self.acked.get(key).is_some_and(|w| w.version >= version) {
            return;
        }
        match Arc::make_mut(&mut self.acked).get_mut(key) {
            Some(w) if w.version >= version => {}
            Some(w) => {
                *w = Watch { version, witness: None };
                self.orphans.insert(key.clone());
            }
            None => {
                Arc::make_mut(&mut self.acked).insert(key.clone(), Watch { version, witness: None });
                self.orphans.insert(key.clone());
            }
        }
    }

    /// If `node`'s disk changed since the checker last looked: read its new
    /// acknowledgements, and orphan the keys it witnessed but no longer holds.
    fn look_at(&mut self, node: &NodeRef<'_, KvNode>) {
        let i = node.id as usize;
        let generation = node.state.generation();
        if self.looked_at[i] == generation {
            return;
        }
        self.looked_at[i] = generation;
        let log = node.state.acked();
        let fresh = (log.total().saturating_sub(self.seen[i]) as usize).min(log.recent().len());
        self.seen[i] = log.total();
        for h in log.recent().skip(log.recent().len() - fresh) {
            self.watch(&h.key, h.version);
        }
        for (key, w) in self.acked.iter() {
            if w.witness == Some(node.id) && !holds(node, key, w.version) {
                // Left with the stale witness until `durability` finds a new one.
                self.orphans.insert(key.clone());
            }
        }
    }

    /// Find a holder for every orphan; the first left without one, in key
    /// order, is lost.
    fn durability(&mut self, nodes: &[NodeRef<'_, KvNode>]) -> Option<Violation> {
        if self.orphans.is_empty() {
            return None;
        }
        let mut lost = None;
        let acked = Arc::make_mut(&mut self.acked);
        self.orphans.retain(|key| {
            let w = acked.get_mut(key).expect("an orphan is acknowledged");
            w.witness = nodes.iter().find(|n| holds(n, key, w.version)).map(|n| n.id);
            if w.witness.is_none() && lost.is_none() {
                lost = Some((key.clone(), w.version));
            }
            w.witness.is_none()
        });
        let (key, version) = lost?;
        let older: Vec<(NodeId, String)> = nodes
            .iter()
            .filter_map(|n| n.state.get(&key).map(|s| (n.id, format!("node {} has {}", n.id, s.version))))
            .collect();
        let said: Vec<&str> = older.iter().map(|(_, s)| s.as_str()).collect();
        Some(Violation::new(
            DURABILITY,
            format!(
                "put {key} was acknowledged at version {version} but no node holds it{}",
                if said.is_empty() { String::new() } else { format!(" ({})", said.join(", ")) }
            ),
            older.iter().map(|&(id, _)| id),
        ))
    }

    fn placement(&mut self, nodes: &[NodeRef<'_, KvNode>]) -> Option<Violation> {
        // Placement depends on the disks alone (stores and views): if none
        // changed since it was found to hold at rest, it holds whenever the
        // cluster is at rest again, and `at_rest` need not even be asked.
        let unchanged = self
            .rest_checked
            .as_ref()
            .is_some_and(|g| g.len() == nodes.len() && g.iter().zip(nodes).all(|(&g, n)| g == n.state.generation()));
        if unchanged || !at_rest(nodes) {
            return None;
        }
        let ring = nodes[0].state.ring();
        let replicas = nodes[0].state.config().replicas;
        // Every key, once, in order: a sorted list (the app's one sort), not
        // a set of one more type whose B-tree code the app would carry.
        let mut keys: Vec<&Arc<str>> = self.acked.keys().collect();
        for n in nodes {
            keys.extend(n.state.store().keys());
        }
        protocol::sort::sort(&mut keys);
        keys.dedup();
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
                return Some(Violation::new(
                    PLACEMENT,
                    format!(
                        "the cluster is at rest but key {key} is on nodes {} and its preference list is {}",
                        show_set(holders),
                        show_set(pref)
                    ),
                    // Those that hold it but should not, and those that should but do not.
                    nodes.iter().map(|n| n.id).filter(|&id| (holders ^ pref) & bit(id) != 0),
                ));
            }
            if let Some((a, b)) = versions.iter().zip(versions.iter().skip(1)).find(|(a, b)| a.1 != b.1) {
                return Some(Violation::new(
                    PLACEMENT,
                    format!(
                        "the cluster is at rest but key {key} is at version {} on node {} and {} on node {}",
                        a.1, a.0, b.1, b.0
                    ),
                    [a.0, b.0],
                ));
            }
        }
        self.rest_checked = Some(nodes.iter().map(|n| n.state.generation()).collect());
        None
    }
}

/// Both properties on hand-built clusters: three members, one replica, six
/// keys loaded; a node's disk is replaced as a crash would restore it, and
/// the checker is told which node changed, as the world tells it.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{Durable, KvConfig, Stored, View};
    use protocol::{Cluster, Protocol, Status as Up};

    const NODES: u32 = 3;

    fn config() -> KvConfig {
        KvConfig { vnodes: 8, replicas: 1, keys: 6, members: Some(NODES), ..KvConfig::default() }
    }

    fn cluster() -> Vec<KvNode> {
        (0..NODES).map(|id| KvNode::new(id, &Cluster { nodes: NODES }, &config(), None)).collect()
    }

    fn check(checker: &mut KvChecker, nodes: &[KvNode], changed: Option<NodeId>) -> Option<Violation> {
        let refs: Vec<NodeRef<'_, KvNode>> =
            nodes.iter().map(|state| NodeRef { id: state.id(), status: Up::Up, state }).collect();
        checker.check_changed(&refs, changed)
    }

    /// `id`'s disk with `store` in place of its own, one generation on.
    fn with_store(nodes: &[KvNode], id: NodeId, store: BTreeMap<Arc<str>, Stored>) -> KvNode {
        let n = &nodes[id as usize];
        let disk = Durable {
            view: View::initial(NODES, NODES),
            store: Arc::new(store),
            clock: 0,
            round: 0,
            acked: n.acked().clone(),
            generation: n.generation() + 1,
        };
        KvNode::new(id, &Cluster { nodes: NODES }, &config(), Some(&disk))
    }

    #[test]
    fn a_fresh_cluster_holds_both_properties_at_rest() {
        let nodes = cluster();
        let mut checker = KvChecker::default();
        assert!(at_rest(
            &nodes.iter().map(|state| NodeRef { id: state.id(), status: Up::Up, state }).collect::<Vec<_>>()
        ));
        assert_eq!(check(&mut checker, &nodes, None), None);
        assert_eq!(checker.acked.len(), 6, "the initial load counts as acknowledged");
        // A step that changed no disk is not looked at again.
        assert_eq!(check(&mut checker, &nodes, Some(1)), None);
        assert!(checker.orphans.is_empty());
    }

    /// With one replica, a node whose disk lost its keys loses them for
    /// good: no acknowledged put may be lost.
    #[test]
    fn a_key_on_no_node_breaks_durability() {
        let mut nodes = cluster();
        let mut checker = KvChecker::default();
        assert_eq!(check(&mut checker, &nodes, None), None);
        let victim = (0..NODES).find(|&id| !nodes[id as usize].store().is_empty()).unwrap();
        let first: Arc<str> = nodes[victim as usize].store().keys().next().unwrap().clone();
        nodes[victim as usize] = with_store(&nodes, victim, BTreeMap::new());
        let v = check(&mut checker, &nodes, Some(victim)).expect("caught");
        assert_eq!(v.property, DURABILITY);
        assert_eq!(v.detail, format!("put {first} was acknowledged at version 0@0 but no node holds it"));
        // Still broken on the next step, whichever node it is about.
        assert_eq!(check(&mut checker, &nodes, Some((victim + 1) % NODES)), Some(v));
    }

    /// A copy left on a node off the key's preference list, once the
    /// cluster is at rest, breaks placement (Dynamo §4.3).
    #[test]
    fn a_copy_off_the_preference_list_at_rest_breaks_placement() {
        let mut nodes = cluster();
        let mut checker = KvChecker::default();
        assert_eq!(check(&mut checker, &nodes, None), None);
        let (key, owner) = (0..NODES)
            .find_map(|id| nodes[id as usize].store().iter().next().map(|(k, s)| ((k.clone(), s.clone()), id)))
            .unwrap();
        let other = (owner + 1) % NODES;
        let mut store = (*nodes[other as usize].store()).clone();
        // Confirmed by its list, so the node is idle and the cluster at rest.
        store.insert(key.0.clone(), Stored { confirmed: key.1.pref, ..key.1.clone() });
        nodes[other as usize] = with_store(&nodes, other, store);
        let v = check(&mut checker, &nodes, Some(other)).expect("caught");
        assert_eq!(v.property, PLACEMENT);
        let (a, b) = (owner.min(other), owner.max(other));
        assert_eq!(
            v.detail,
            format!(
                "the cluster is at rest but key {} is on nodes {{{a}, {b}}} and its preference list is {{{owner}}}",
                key.0
            )
        );
    }
}
