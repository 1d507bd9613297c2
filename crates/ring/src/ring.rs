//! The ring: virtual-node tokens sorted by position, looked up by binary search.
//!
//! Karger et al. (1997) map keys and caches onto the same circle and give
//! each key to the first cache clockwise from it; each cache is placed at
//! several points ("virtual nodes") so that loads even out. Dynamo
//! (DeCandia et al., 2007, §4.2–4.3) stores a key on the first `R` distinct
//! physical nodes clockwise from it, its *preference list*, skipping further
//! virtual nodes of a node already chosen.

use crate::hash::{vnode_position, Position};
use protocol::FlatMap;
use protocol::NodeId;
use serde::Serialize;
use std::ops::ControlFlow;

/// Most virtual nodes one physical node may own. Keeps a ring bounded.
pub const MAX_VNODES: u32 = 100_000;

/// One virtual node: a point on the ring owned by a physical node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Token {
    pub position: Position,
    pub node: NodeId,
    /// Which of the node's virtual nodes this is, `0..vnodes`.
    pub index: u32,
}

/// The arc of the ring owned by one virtual node: positions in
/// `(start, end]`, going clockwise and wrapping past `u64::MAX` when
/// `start >= end`. With a single token the arc is the whole circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Span {
    /// Exclusive: the previous token's position.
    pub start: Position,
    /// Inclusive: the owning token's position.
    pub end: Position,
    pub node: NodeId,
}

impl Span {
    /// Whether `position` lies in the arc.
    pub fn contains(&self, position: Position) -> bool {
        if self.start < self.end {
            self.start < position && position <= self.end
        } else {
            position > self.start || position <= self.end
        }
    }

    /// The arc's length as a fraction of the circle.
    pub fn fraction(&self) -> f64 {
        let len = self.end.wrapping_sub(self.start);
        if len == 0 {
            1.0
        } else {
            crate::hash::fraction(len)
        }
    }
}

/// A consistent-hash ring of physical nodes, each with its virtual nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ring {
    salt: u64,
    /// Virtual nodes a node gets when added with weight 1.
    vnodes: u32,
    /// Physical node → its number of virtual nodes.
    nodes: FlatMap<NodeId, u32>,
    /// Every token, sorted by (position, node, index).
    tokens: Vec<Token>,
}

impl Ring {
    /// An empty ring whose nodes get `vnodes` virtual nodes each, at the
    /// positions of salt 0 (the simulator's).
    pub fn new(vnodes: u32) -> Self {
        Self::with_salt(vnodes, 0)
    }

    /// An empty ring whose virtual nodes are placed with `salt`.
    pub fn with_salt(vnodes: u32, salt: u64) -> Self {
        Self { salt, vnodes: vnodes.clamp(1, MAX_VNODES), nodes: FlatMap::new(), tokens: Vec::new() }
    }

    /// A ring holding `nodes`, each with the default number of virtual nodes.
    pub fn of(vnodes: u32, salt: u64, nodes: impl IntoIterator<Item = NodeId>) -> Self {
        let mut ring = Self::with_salt(vnodes, salt);
        let mut tokens = Vec::new();
        for node in nodes {
            if ring.nodes.insert(node, ring.vnodes).is_none() {
                tokens.extend((0..ring.vnodes).map(|index| Token {
                    position: vnode_position(node, index, salt),
                    node,
                    index,
                }));
            }
        }
        protocol::sort::sort(&mut tokens);
        ring.tokens = tokens;
        ring
    }

    pub fn salt(&self) -> u64 {
        self.salt
    }
    /// Virtual nodes per node of weight 1.
    pub fn vnodes(&self) -> u32 {
        self.vnodes
    }
    /// The physical nodes, in id order.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        self.nodes.keys().copied()
    }
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    pub fn contains(&self, node: NodeId) -> bool {
        self.nodes.contains_key(&node)
    }
    /// How many virtual nodes `node` owns (0 when it is not in the ring).
    pub fn vnodes_of(&self, node: NodeId) -> u32 {
        self.nodes.get(&node).copied().unwrap_or(0)
    }
    /// Every virtual node, sorted clockwise from position 0: what a drawing
    /// of the ring needs (see [`crate::hash::fraction`] for the angle).
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Add `node` with the default number of virtual nodes. Returns `false`
    /// (and changes nothing) if it is already in the ring.
    pub fn add(&mut self, node: NodeId) -> bool {
        self.add_with_vnodes(node, self.vnodes)
    }

    /// Add `node` with `weight` times the default number of virtual nodes
    /// (rounded, at least one): a node twice as big gets twice the keys.
    pub fn add_weighted(&mut self, node: NodeId, weight: f64) -> bool {
        let scaled = (f64::from(self.vnodes) * weight).round();
        let count = if scaled.is_finite() { scaled.clamp(1.0, f64::from(MAX_VNODES)) as u32 } else { 1 };
        self.add_with_vnodes(node, count)
    }

    /// Add `node` with exactly `count` virtual nodes (clamped to `1..=MAX_VNODES`).
    pub fn add_with_vnodes(&mut self, node: NodeId, count: u32) -> bool {
        if self.nodes.contains_key(&node) {
            return false;
        }
        let count = count.clamp(1, MAX_VNODES);
        self.nodes.insert(node, count);
        self.tokens.reserve(count as usize);
        for index in 0..count {
            let token = Token { position: vnode_position(node, index, self.salt), node, index };
            let at = self.tokens.partition_point(|t| *t < token);
            self.tokens.insert(at, token);
        }
        true
    }

    /// Remove `node` and its virtual nodes. Returns `false` if it was absent.
    pub fn remove(&mut self, node: NodeId) -> bool {
        if self.nodes.remove(&node).is_none() {
            return false;
        }
        self.tokens.retain(|t| t.node != node);
        true
    }

    /// The ring restricted to the nodes `keep` accepts, with the same tokens:
    /// cheaper than building it again, since no position is hashed.
    pub fn subset(&self, keep: impl Fn(NodeId) -> bool) -> Self {
        self.subset_of(&keep)
    }

    /// [`Ring::subset`] with the filter behind a reference: one copy of the
    /// code for every caller's closure (a ring is rebuilt on membership
    /// changes, not per event).
    fn subset_of(&self, keep: &dyn Fn(NodeId) -> bool) -> Self {
        let mut nodes = self.nodes.clone();
        nodes.retain(|&n, _| keep(n));
        Self {
            salt: self.salt,
            vnodes: self.vnodes,
            nodes,
            tokens: self.tokens.iter().filter(|t| keep(t.node)).copied().collect(),
        }
    }

    /// Index in [`Ring::tokens`] of the first token clockwise from
    /// `position` (at it or after it, wrapping), by binary search.
    pub fn successor(&self, position: Position) -> Option<usize> {
        if self.tokens.is_empty() {
            return None;
        }
        let i = self.tokens.partition_point(|t| t.position < position);
        Some(if i == self.tokens.len() { 0 } else { i })
    }

    /// The node that owns `position`: the owner of the first virtual node
    /// clockwise from it.
    pub fn owner(&self, position: Position) -> Option<NodeId> {
        self.successor(position).map(|i| self.tokens[i].node)
    }

    /// The preference list of `position`: the first `replicas` distinct
    /// physical nodes clockwise from it, the owner first (Dynamo §4.3).
    /// Shorter when the ring has fewer nodes.
    pub fn preference_list(&self, position: Position, replicas: u32) -> Vec<NodeId> {
        let mut list = Vec::with_capacity(replicas as usize);
        self.walk_preference(position, replicas, |node| {
            list.push(node);
            ControlFlow::Continue(())
        });
        list
    }

    /// Call `visit` with each node of the preference list of `position`, in
    /// order, without allocating; `visit` may stop the walk early.
    pub fn walk_preference(&self, position: Position, replicas: u32, mut visit: impl FnMut(NodeId) -> ControlFlow<()>) {
        let want = (replicas as usize).min(self.nodes.len());
        let Some(start) = self.successor(position) else { return };
        let mut found: [NodeId; 8] = [0; 8];
        let mut more: Vec<NodeId> = Vec::new();
        let mut count = 0;
        let n = self.tokens.len();
        for step in 0..n {
            if count == want {
                break;
            }
            let node = self.tokens[(start + step) % n].node;
            let seen = if count <= found.len() {
                found[..count].contains(&node)
            } else {
                found.contains(&node) || more.contains(&node)
            };
            if seen {
                continue;
            }
            if count < found.len() {
                found[count] = node;
            } else {
                more.push(node);
            }
            count += 1;
            if visit(node).is_break() {
                return;
            }
        }
    }

    /// The arcs of the ring, one per token, clockwise from position 0.
    pub fn spans(&self) -> Vec<Span> {
        let n = self.tokens.len();
        (0..n)
            .map(|i| {
                let prev = self.tokens[(i + n - 1) % n];
                Span { start: prev.position, end: self.tokens[i].position, node: self.tokens[i].node }
            })
            .collect()
    }

    /// The share of the circle whose primary owner differs between the ring
    /// of the nodes `before` keeps and the ring of those `after` keeps (both
    /// subsets of this ring): exactly the fraction of keys such a change
    /// moves, for keys spread evenly over the circle, with no key sample to
    /// scatter it. One pass over the tokens, no allocation.
    pub fn moved_share(&self, before: impl Fn(NodeId) -> bool, after: impl Fn(NodeId) -> bool) -> f64 {
        let t = &self.tokens;
        let n = t.len();
        // The owner of the arc ending at token `i` is the first kept token
        // at or after `i`, clockwise: start from the one past the top.
        let first = |keep: &dyn Fn(NodeId) -> bool| t.iter().find(|x| keep(x.node)).map(|x| x.node);
        let (mut owner_before, mut owner_after) = (first(&before), first(&after));
        let mut moved: u128 = 0;
        for i in (0..n).rev() {
            let node = t[i].node;
            if before(node) {
                owner_before = Some(node);
            }
            if after(node) {
                owner_after = Some(node);
            }
            if owner_before != owner_after {
                let len = t[i].position.wrapping_sub(t[(i + n - 1) % n].position);
                // A lone token's arc is the whole circle.
                moved += if len == 0 { 1u128 << 64 } else { u128::from(len) };
            }
        }
        moved as f64 / 18_446_744_073_709_551_616.0
    }

    /// The fraction of the circle each node owns as primary, in id order.
    pub fn shares(&self) -> Vec<(NodeId, f64)> {
        let mut share: FlatMap<NodeId, f64> = self.nodes.keys().map(|&n| (n, 0.0)).collect();
        for span in self.spans() {
            *share.get_mut(&span.node).expect("every token's node is in the ring") += span.fraction();
        }
        share.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_share_is_the_arc_that_changed_owner() {
        // Karger et al. 1997: adding one node to N moves about 1/(N+1).
        let universe = Ring::of(200, 0, 0..6);
        let share = universe.moved_share(|n| n < 5, |_| true);
        let sampled =
            crate::stats::moved_fraction(&universe.subset(|n| n < 5), &universe, &crate::stats::stat_keys(7, 200_000));
        assert!((share - sampled).abs() < 0.005, "{share} vs {sampled}");
        assert!((share - 1.0 / 6.0).abs() < 0.03, "{share}");
        // Node 5's own arcs, exactly.
        let own: f64 = universe.shares().iter().filter(|(n, _)| *n == 5).map(|(_, s)| s).sum();
        assert!((share - own).abs() < 1e-12);
        assert_eq!(universe.moved_share(|_| true, |_| true), 0.0);
        assert_eq!(Ring::of(1, 0, [3]).moved_share(|_| false, |_| true), 1.0);
        assert_eq!(Ring::new(4).moved_share(|_| true, |_| true), 0.0);
    }

    #[test]
    fn add_and_remove_keep_tokens_sorted_and_counted() {
        let mut ring = Ring::new(10);
        assert!(ring.add(1) && ring.add(2) && !ring.add(1));
        assert!(ring.add_weighted(3, 2.5));
        assert_eq!(ring.vnodes_of(3), 25);
        assert_eq!(ring.tokens().len(), 45);
        assert!(ring.tokens().windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ring, Ring::of(10, 0, [1, 2]).tap_add(3, 25));
        assert!(ring.remove(2) && !ring.remove(2));
        assert_eq!(ring.tokens().len(), 35);
        assert!(ring.tokens().iter().all(|t| t.node != 2));
    }

    impl Ring {
        fn tap_add(mut self, node: NodeId, count: u32) -> Self {
            self.add_with_vnodes(node, count);
            self
        }
    }

    #[test]
    fn a_key_belongs_to_the_first_token_clockwise_and_wraps() {
        let ring = Ring::of(4, 0, [0, 1, 2]);
        let t = ring.tokens();
        assert_eq!(ring.owner(t[0].position), Some(t[0].node), "a token owns its own position");
        assert_eq!(ring.owner(t[0].position + 1), Some(t[1].node));
        assert_eq!(ring.owner(t[t.len() - 1].position + 1), Some(t[0].node), "past the last token wraps");
        assert_eq!(ring.owner(0), Some(t[0].node));
        assert_eq!(Ring::new(4).owner(7), None);
    }

    #[test]
    fn spans_tile_the_circle() {
        let ring = Ring::of(50, 9, [0, 1, 2, 3]);
        let total: f64 = ring.shares().iter().map(|(_, s)| s).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        for span in ring.spans() {
            assert!(span.contains(span.end) && !span.contains(span.start));
            assert_eq!(ring.owner(span.end), Some(span.node));
            assert_eq!(ring.owner(span.start.wrapping_add(1)), Some(span.node));
        }
        let one = Ring::of(1, 0, [5]);
        assert_eq!(one.spans()[0].fraction(), 1.0);
        assert!(one.spans()[0].contains(12345));
    }

    #[test]
    fn preference_lists_skip_a_node_already_chosen() {
        let ring = Ring::of(20, 3, 0..6);
        for t in ring.tokens() {
            let list = ring.preference_list(t.position, 3);
            assert_eq!(list.len(), 3);
            assert_eq!(list[0], t.node);
            assert!(list[0] != list[1] && list[1] != list[2] && list[0] != list[2]);
        }
        assert_eq!(ring.preference_list(42, 10).len(), 6, "capped at the node count");
        let big = Ring::of(5, 1, 0..20);
        let list = big.preference_list(7, 12);
        let mut sorted = list.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!((list.len(), sorted.len()), (12, 12), "more than the inline buffer holds");
    }

    #[test]
    fn subset_equals_a_ring_built_from_scratch() {
        let all = Ring::of(30, 4, 0..8);
        let some = all.subset(|n| n % 3 != 0);
        assert_eq!(some, Ring::of(30, 4, [1, 2, 4, 5, 7]));
    }
}
