//! How the key-value store on a hash ring presents itself: each node in
//! its own colour (that of its virtual nodes, ranges and keys on the ring
//! the app draws), the keys each node stores, and the figures of the last
//! membership change.
//!
//! **One moved fraction.** The app used to show two figures for one join
//! (0.1200 and 0.1701, say). They were two measurements of two things: the
//! share of the store's couple of hundred keys whose owner changed, on the
//! simulator's ring (a small sample, so it scatters), and a what-if report
//! (`ring::report`) on 100,000 synthetic keys on a ring whose virtual nodes
//! were salted with the run's seed, while the simulator places them with
//! salt 0: a different ring altogether. For the default ring of five
//! members and one join under seed 1, the salted what-if says 0.1701; the
//! run's own ring moves exactly 0.1870 of the circle (100,000 keys on it:
//! 0.1880). The figure here is that exact share, the run's own: the part
//! of the hash circle whose owner changed between the ring before and after
//! the change ([`Ring::moved_share`]), which any large enough set of evenly
//! spread keys converges to.

use super::membership::{bit, NodeSet};
use super::node::{KvNode, RingChange};
use crate::hash::key_position;
use crate::ring::Ring;
use protocol::present::{Arrangement, Bar, Body, Fact, LegendItem, Shape};
use protocol::{Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

/// A node's own colour: its virtual nodes, ranges and keys on the ring.
pub fn node_tone(id: NodeId) -> Tone {
    Tone::cycle(u64::from(id))
}

pub(crate) fn look(n: &KvNode) -> Look {
    let keys = n.store().len();
    Look {
        role: n.status().name(),
        tone: node_tone(n.id()),
        shape: Shape::Circle,
        badge: format!("{keys} key{}", protocol::plural(keys as u64)),
        note: String::new(),
        ring: None,
    }
}

pub(crate) fn inspect(n: &KvNode, _up: bool) -> Vec<Panel> {
    let pulls: Vec<String> = n.pulls().map(|p| p.to_string()).collect();
    let facts = vec![
        Fact::new("Status", n.status().name()),
        Fact::new("Keys stored", n.store().len().to_string()),
        Fact::new("Keys awaiting confirmation", n.pending_keys().to_string()),
        Fact::new("Virtual nodes", n.universe().vnodes_of(n.id()).to_string()),
        Fact::new("Owning ring", ids(n.ring().nodes())),
        Fact::new("Pulling from", if pulls.is_empty() { "nobody".to_string() } else { pulls.join(", ") }),
    ];
    vec![Panel { id: "facts", title: format!("Node {}", n.id()), note: None, body: Body::Facts { facts } }]
}

fn ids(nodes: impl Iterator<Item = NodeId>) -> String {
    let list: Vec<String> = nodes.map(|n| n.to_string()).collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

fn members(set: NodeSet) -> impl Iterator<Item = NodeId> {
    (0..NodeSet::BITS).filter(move |&n| set & bit(n) != 0)
}

/// The last membership change and its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeFigures {
    pub joined: Vec<NodeId>,
    pub left: Vec<NodeId>,
    /// Owning nodes before and after.
    pub before: u32,
    pub after: u32,
    /// The share of the circle whose owner changed.
    pub moved_fraction: f64,
    /// `k/(N+k)` for `k` joins to `N` nodes, `1/N` for one leave of `N`
    /// (Karger et al., 1997); `None` for a mixed change.
    pub expected: Option<f64>,
}

pub fn figures(universe: &Ring, change: RingChange) -> ChangeFigures {
    let RingChange { before, after } = change;
    let joined: Vec<NodeId> = members(after & !before).collect();
    let left: Vec<NodeId> = members(before & !after).collect();
    let (b, a) = (before.count_ones(), after.count_ones());
    let expected = match (joined.len() as u32, left.len()) {
        (k, 0) if k > 0 => Some(f64::from(k) / f64::from(b + k)),
        (0, 1) if b > 0 => Some(1.0 / f64::from(b)),
        _ => None,
    };
    let moved_fraction = universe.moved_share(|n| before & bit(n) != 0, |n| after & bit(n) != 0);
    ChangeFigures { joined, left, before: b, after: a, moved_fraction, expected }
}

/// The change to show: the latest one an up node saw whose outcome is the
/// owning ring the nodes' own statuses make now (the lowest such id, so
/// the choice is stable), else the lowest up node's latest.
fn last_change(nodes: &[NodeRef<'_, KvNode>]) -> Option<RingChange> {
    let now: NodeSet = nodes.iter().filter(|n| n.state.status().owns()).fold(0, |s, n| s | bit(n.id));
    let seen = || nodes.iter().filter(|n| n.status != Status::Crashed).filter_map(|n| n.state.last_change());
    seen().find(|c| c.after == now).or_else(|| seen().next())
}

/// The keys `node` stores, and how many of them it owns by its view of
/// the ring (the rest it holds as a replica, or still hands over).
pub(crate) fn load(id: NodeId, node: &KvNode) -> (usize, usize) {
    let ring = node.ring();
    let owned = node.store().keys().filter(|key| ring.owner(key_position(key)) == Some(id)).count();
    (node.store().len(), owned)
}

pub(crate) fn picture(nodes: &[NodeRef<'_, KvNode>]) -> Picture {
    let bars = nodes
        .iter()
        .map(|n| {
            let (stored, owned) = load(n.id, n.state);
            Bar {
                label: format!("node {} ({})", n.id, n.state.status().name()),
                value: stored as f64,
                tone: node_tone(n.id),
                part: Some(owned as f64),
            }
        })
        .collect();
    let load = Panel {
        id: "ring-load",
        title: "Keys per node".to_string(),
        note: Some(
            "The copies each node stores: those it owns (it is first on the key's preference list, by its view \
             of the ring), then those it holds as a replica"
                .to_string(),
        ),
        body: Body::Bars { bars, unit: "keys", parts: Some(["owned", "replica"]), full: None },
    };
    let change = match (last_change(nodes), nodes.first()) {
        (Some(c), Some(any)) => {
            let f = figures(any.state.universe(), c);
            let what = match (f.joined.as_slice(), f.left.as_slice()) {
                (j, []) => format!("{} joined ({} → {} nodes)", node_list(j), f.before, f.after),
                ([], l) => format!("{} left ({} → {} nodes)", node_list(l), f.before, f.after),
                (j, l) => format!("{} joined, {} left", node_list(j), node_list(l)),
            };
            let mut facts =
                vec![Fact::new("Change", what), Fact::new("Moved fraction", format!("{:.4}", f.moved_fraction))];
            if let Some(x) = f.expected {
                let label = if f.left.is_empty() { "Expected, k/(N+k)" } else { "Expected, 1/N" };
                facts.push(Fact::new(label, format!("{x:.4}")));
            }
            Panel {
                id: "ring-change",
                title: "Last membership change".to_string(),
                note: Some("Moved fraction: the share of the ring whose owner changed, the fraction of evenly spread keys that move".to_string()),
                body: Body::Facts { facts },
            }
        }
        _ => Panel {
            id: "ring-change",
            title: "Last membership change".to_string(),
            note: Some("Add or remove a node to see how many keys move.".to_string()),
            body: Body::Facts { facts: Vec::new() },
        },
    };
    Picture {
        arrangement: Arrangement::Ring,
        legend: vec![LegendItem::Text {
            label: "node colour = its virtual nodes, ranges and keys · faded: standby · dashed: joining or leaving",
        }],
        panels: vec![load, change],
        ..Picture::default()
    }
}

fn node_list(nodes: &[NodeId]) -> String {
    nodes.iter().map(|n| format!("node {n}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::KvConfig;
    use protocol::{Cluster, Protocol};

    fn refs(nodes: &[KvNode]) -> Vec<NodeRef<'_, KvNode>> {
        nodes.iter().enumerate().map(|(id, state)| NodeRef { id: id as NodeId, status: Status::Up, state }).collect()
    }

    #[test]
    fn one_join_has_one_moved_fraction_near_one_over_n_plus_one() {
        let universe = Ring::of(100, 0, 0..6);
        let f = figures(&universe, RingChange { before: 0b1_1111, after: 0b11_1111 });
        assert_eq!((f.joined.as_slice(), f.left.is_empty(), f.before, f.after), (&[5][..], true, 5, 6));
        assert_eq!(f.expected, Some(1.0 / 6.0));
        let own: f64 = universe.shares().iter().find(|(n, _)| *n == 5).map(|(_, s)| *s).unwrap();
        assert!((f.moved_fraction - own).abs() < 1e-12, "a join moves exactly the arcs the new node now owns");
        let leave = figures(&universe, RingChange { before: 0b11_1111, after: 0b11_1011 });
        assert_eq!((leave.left.as_slice(), leave.expected), (&[2][..], Some(1.0 / 6.0)));
    }

    #[test]
    fn the_picture_shows_load_and_the_change_the_nodes_made() {
        let config = KvConfig { keys: 40, ..KvConfig::default() };
        let cluster = Cluster { nodes: 4 };
        let mut nodes: Vec<KvNode> = (0..4).map(|id| KvNode::new(id, &cluster, &config, None)).collect();
        let p = KvNode::picture(&refs(&nodes), &config);
        assert_eq!(p.arrangement, Arrangement::Ring);
        let Body::Bars { bars, .. } = &p.panels[0].body else { panic!("bars") };
        let stored: usize = nodes.iter().map(|n| n.store().len()).sum();
        assert_eq!(bars.iter().map(|b| b.value).sum::<f64>(), stored as f64);
        assert_eq!(bars[3].value, 0.0, "node 3 is standby");
        let owned: f64 = bars.iter().map(|b| b.part.expect("owned keys")).sum();
        assert_eq!(owned, 40.0, "each key is owned by one member, the rest are replicas");
        assert!(bars.iter().all(|b| b.part.unwrap() <= b.value));
        let Body::Facts { facts } = &p.panels[1].body else { panic!("facts") };
        assert!(facts.is_empty(), "no change yet");
        // Node 3 joins: on its own step, it sees the owning ring grow.
        let mut out = protocol::Out::default();
        nodes[3].step(0, protocol::Input::Request { cmd: "join".into() }, &mut out);
        assert_eq!(nodes[3].last_change(), Some(RingChange { before: 0b111, after: 0b1111 }));
        let p = KvNode::picture(&refs(&nodes), &config);
        let Body::Facts { facts } = &p.panels[1].body else { panic!("facts") };
        assert_eq!(facts[0].value, "node 3 joined (3 → 4 nodes)");
        assert_eq!(facts.iter().filter(|f| f.label.starts_with("Moved")).count(), 1);
        assert_eq!(nodes[3].look().tone, Tone(3));
    }
}
