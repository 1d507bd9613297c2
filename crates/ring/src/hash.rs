//! Positions on the ring: 64-bit xxh3 hashes, the same on every platform.
//!
//! The ring is the circle of `u64` values, `0` following `u64::MAX`. A key's
//! position is `xxh3_64(key)`, whatever ring it is looked up in, so a key sits
//! at the same place in every view. A virtual node's position is the xxh3
//! hash of its name `n{node}-v{index}`, seeded with the ring's salt: salt 0
//! (the simulator's) gives every node the same tokens in every run, another
//! salt gives another, independent placement (the statistics use the seed).

use protocol::NodeId;
use std::fmt::Write;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// A point on the ring.
pub type Position = u64;

/// Where `key` sits on the ring.
pub fn key_position(key: &str) -> Position {
    xxh3_64(key.as_bytes())
}

/// Where virtual node `index` of `node` sits on a ring salted with `salt`.
pub fn vnode_position(node: NodeId, index: u32, salt: u64) -> Position {
    let mut name = String::with_capacity(16);
    write!(name, "n{node}-v{index}").expect("writing to a String cannot fail");
    xxh3_64_with_seed(name.as_bytes(), salt)
}

/// Rendezvous (highest-random-weight) score of `node` for a key at
/// `key_position`: the xxh3 hash of the key's position and the node id,
/// seeded with the salt. The node with the highest score owns the key.
pub fn rendezvous_score(key_position: Position, node: NodeId, salt: u64) -> u64 {
    let mut bytes = [0u8; 12];
    bytes[..8].copy_from_slice(&key_position.to_le_bytes());
    bytes[8..].copy_from_slice(&node.to_le_bytes());
    xxh3_64_with_seed(&bytes, salt)
}

/// A position as a fraction of the circle, in `[0, 1)`: multiply by 2π for
/// an angle. Positions are spread evenly, so this is what a drawing needs.
pub fn fraction(position: Position) -> f64 {
    position as f64 / 18_446_744_073_709_551_616.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash is part of the format: links, traces and the CLI's numbers
    /// depend on it. These values are xxh3's reference outputs, so a change
    /// of crate or version that moved them would fail here, not in the field.
    #[test]
    fn positions_are_stable() {
        assert_eq!(key_position(""), 0x2d06_8005_38d3_94c2);
        assert_eq!(xxh3_64_with_seed(b"", 0), key_position(""));
        assert_ne!(vnode_position(0, 0, 0), vnode_position(0, 1, 0));
        assert_ne!(vnode_position(0, 0, 0), vnode_position(0, 0, 1));
        assert_eq!(vnode_position(3, 17, 5), xxh3_64_with_seed(b"n3-v17", 5));
    }

    #[test]
    fn fraction_spans_the_circle() {
        assert_eq!(fraction(0), 0.0);
        assert_eq!(fraction(1 << 63), 0.5);
        assert!(fraction(u64::MAX) <= 1.0);
    }
}
