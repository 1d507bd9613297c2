//! Three ways to place keys on nodes, behind one trait, so their loads and
//! the keys they move can be compared on the same keys:
//!
//! - [`Ring`]: consistent hashing with virtual nodes (Karger et al., 1997).
//! - [`Modulo`]: `hash mod N`, the naive scheme consistent hashing replaces:
//!   changing `N` moves almost every key.
//! - [`Rendezvous`]: highest random weight (Thaler & Ravishankar, 1998):
//!   each key goes to the node with the highest `hash(key, node)`. It moves
//!   the ideal `1/(N+1)` of the keys without virtual nodes, at the price of
//!   `N` hashes per lookup.

use crate::hash::{rendezvous_score, Position};
use crate::ring::Ring;
use protocol::NodeId;

/// A rule that maps a key's position to the nodes that store it.
pub trait Placement {
    /// The scheme's short name: `"ring"`, `"modulo"`, `"rendezvous"`.
    fn name(&self) -> &'static str;
    /// The nodes it places on, in id order.
    fn nodes(&self) -> Vec<NodeId>;
    /// Where a key at `key_position` lives: its owner first, then up to
    /// `replicas - 1` further distinct nodes.
    fn placement(&self, key_position: Position, replicas: u32) -> Vec<NodeId>;
    /// The key's owner (primary).
    fn owner(&self, key_position: Position) -> Option<NodeId> {
        self.placement(key_position, 1).first().copied()
    }
}

impl Placement for Ring {
    fn name(&self) -> &'static str {
        "ring"
    }
    fn nodes(&self) -> Vec<NodeId> {
        Ring::nodes(self).collect()
    }
    fn placement(&self, key_position: Position, replicas: u32) -> Vec<NodeId> {
        self.preference_list(key_position, replicas)
    }
    fn owner(&self, key_position: Position) -> Option<NodeId> {
        Ring::owner(self, key_position)
    }
}

/// `hash mod N` over the nodes sorted by id; replicas are the next nodes in
/// that order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Modulo {
    nodes: Vec<NodeId>,
}

impl Modulo {
    pub fn new(nodes: impl IntoIterator<Item = NodeId>) -> Self {
        let mut nodes: Vec<NodeId> = nodes.into_iter().collect();
        protocol::sort::sort(&mut nodes);
        nodes.dedup();
        Self { nodes }
    }
}

impl Placement for Modulo {
    fn name(&self) -> &'static str {
        "modulo"
    }
    fn nodes(&self) -> Vec<NodeId> {
        self.nodes.clone()
    }
    fn placement(&self, key_position: Position, replicas: u32) -> Vec<NodeId> {
        let n = self.nodes.len() as u64;
        if n == 0 {
            return Vec::new();
        }
        let first = key_position % n;
        (0..u64::from(replicas).min(n)).map(|i| self.nodes[((first + i) % n) as usize]).collect()
    }
}

/// Rendezvous hashing: the nodes ranked by [`rendezvous_score`], highest first.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rendezvous {
    nodes: Vec<NodeId>,
    salt: u64,
}

impl Rendezvous {
    pub fn new(nodes: impl IntoIterator<Item = NodeId>, salt: u64) -> Self {
        let mut nodes: Vec<NodeId> = nodes.into_iter().collect();
        protocol::sort::sort(&mut nodes);
        nodes.dedup();
        Self { nodes, salt }
    }
}

impl Placement for Rendezvous {
    fn name(&self) -> &'static str {
        "rendezvous"
    }
    fn nodes(&self) -> Vec<NodeId> {
        self.nodes.clone()
    }
    fn placement(&self, key_position: Position, replicas: u32) -> Vec<NodeId> {
        if replicas == 1 {
            return self.owner(key_position).into_iter().collect();
        }
        let mut scored: Vec<(u64, NodeId)> =
            self.nodes.iter().map(|&n| (rendezvous_score(key_position, n, self.salt), n)).collect();
        // Highest score first; ties (never seen in practice) go to the lower id.
        protocol::sort::sort_by(&mut scored, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(replicas as usize).map(|(_, n)| n).collect()
    }
    fn owner(&self, key_position: Position) -> Option<NodeId> {
        self.nodes
            .iter()
            .map(|&n| (rendezvous_score(key_position, n, self.salt), n))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulo_takes_the_remainder_and_the_next_nodes() {
        let m = Modulo::new([7, 3, 5]);
        assert_eq!(m.placement(4, 2), vec![5, 7]);
        assert_eq!(m.placement(5, 3), vec![7, 3, 5]);
        assert_eq!(m.owner(6), Some(3));
        assert_eq!(Modulo::new([]).owner(1), None);
    }

    #[test]
    fn rendezvous_owner_is_the_first_of_its_ranking() {
        let r = Rendezvous::new(0..7, 11);
        for p in [0u64, 1, 99, u64::MAX, 1 << 40] {
            let list = r.placement(p, 7);
            assert_eq!(r.owner(p), Some(list[0]));
            let mut sorted = list.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..7).collect::<Vec<_>>());
        }
    }
}
