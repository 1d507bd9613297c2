//! How evenly a placement spreads keys, and how many keys a change moves.
//!
//! The keys are generated, never drawn: key `i` of seed `s` is named
//! `k{s}-{i}` ([`stat_keys`]), so the same seed gives the same keys on every
//! platform and no random number generator is needed.

use crate::hash::{key_position, Position};
use crate::schemes::Placement;
use protocol::FlatMap;
use protocol::NodeId;
use serde::Serialize;

/// Most keys one statistic may cover. Keeps memory bounded.
pub const MAX_STAT_KEYS: u32 = 10_000_000;

/// The name of key `index` of `seed`.
pub fn stat_key(seed: u64, index: u32) -> String {
    format!("k{seed}-{index}")
}

/// The positions of the first `count` keys of `seed`.
pub fn stat_keys(seed: u64, count: u32) -> Vec<Position> {
    (0..count.min(MAX_STAT_KEYS)).map(|i| key_position(&stat_key(seed, i))).collect()
}

/// One node's share of the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Load {
    pub node: NodeId,
    /// Keys it owns (it is first in their placement).
    pub primary: u64,
    /// Keys it stores as a further replica.
    pub replica: u64,
}

/// Each node's load (in id order) over `keys`, with `replicas` copies per key.
pub fn loads(placement: &impl Placement, keys: &[Position], replicas: u32) -> Vec<Load> {
    // Inserted one by one rather than collected: collecting sorts, and a
    // copy of the sort for each placement type is code the app carries.
    let mut by_node: FlatMap<NodeId, Load> = FlatMap::new();
    for node in placement.nodes() {
        by_node.insert(node, Load { node, primary: 0, replica: 0 });
    }
    for &key in keys {
        for (rank, node) in placement.placement(key, replicas.max(1)).into_iter().enumerate() {
            let load = by_node.get_mut(&node).expect("a placement names only its nodes");
            if rank == 0 {
                load.primary += 1;
            } else {
                load.replica += 1;
            }
        }
    }
    by_node.into_values().collect()
}

/// Population standard deviation of the counts (0 for none).
pub fn stddev(counts: &[u64]) -> f64 {
    if counts.is_empty() {
        return 0.0;
    }
    let n = counts.len() as f64;
    let mean = counts.iter().map(|&c| c as f64).sum::<f64>() / n;
    (counts.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// The largest count over the mean (1 is perfect balance; 0 for no keys).
pub fn max_over_mean(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let mean = total as f64 / counts.len() as f64;
    *counts.iter().max().expect("not empty when the total is positive") as f64 / mean
}

/// The fraction of keys whose owner differs between `before` and `after`.
pub fn moved_fraction(before: &impl Placement, after: &impl Placement, keys: &[Position]) -> f64 {
    if keys.is_empty() {
        return 0.0;
    }
    let moved = keys.iter().filter(|&&k| before.owner(k) != after.owner(k)).count();
    moved as f64 / keys.len() as f64
}

/// The fraction of the copies `after` stores (`replicas` per key) that sit
/// on a node that did not hold that key `before`: the data a change copies.
pub fn copies_moved_fraction(before: &impl Placement, after: &impl Placement, keys: &[Position], replicas: u32) -> f64 {
    let (mut new, mut total) = (0u64, 0u64);
    for &k in keys {
        let old = before.placement(k, replicas);
        for node in after.placement(k, replicas) {
            total += 1;
            if !old.contains(&node) {
                new += 1;
            }
        }
    }
    if total == 0 {
        0.0
    } else {
        new as f64 / total as f64
    }
}

/// One key that changes owner in a membership change, for animating it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Move {
    /// Index of the key in the list given.
    pub key: u32,
    pub position: Position,
    pub from: Option<NodeId>,
    pub to: Option<NodeId>,
}

/// Every key of `keys` whose owner differs between `before` and `after`, in order.
pub fn moves(before: &impl Placement, after: &impl Placement, keys: &[Position]) -> Vec<Move> {
    keys.iter()
        .enumerate()
        .filter_map(|(i, &position)| {
            let (from, to) = (before.owner(position), after.owner(position));
            (from != to).then_some(Move { key: i as u32, position, from, to })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemes::Modulo;
    use crate::Ring;

    #[test]
    fn spread_figures() {
        assert_eq!(stddev(&[2, 4, 4, 4, 5, 5, 7, 9]), 2.0);
        assert_eq!(stddev(&[]), 0.0);
        assert_eq!(max_over_mean(&[1, 1, 4]), 2.0);
        assert_eq!(max_over_mean(&[0, 0]), 0.0);
    }

    #[test]
    fn loads_count_every_copy_once() {
        let ring = Ring::of(20, 1, 0..5);
        let keys = stat_keys(1, 1000);
        let loads = loads(&ring, &keys, 3);
        assert_eq!(loads.iter().map(|l| l.primary).sum::<u64>(), 1000);
        assert_eq!(loads.iter().map(|l| l.replica).sum::<u64>(), 2000);
        assert_eq!(loads.iter().map(|l| l.node).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn moves_list_exactly_the_keys_that_change_owner() {
        let before = Modulo::new(0..4);
        let after = Modulo::new(0..5);
        let keys = stat_keys(3, 500);
        let moves = moves(&before, &after, &keys);
        assert_eq!(moves.len() as f64 / 500.0, moved_fraction(&before, &after, &keys));
        assert!(moves.iter().all(|m| m.from != m.to && after.owner(m.position) == m.to));
        assert_eq!(stat_key(7, 3), "k7-3");
    }
}
