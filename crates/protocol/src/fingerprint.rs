//! Fingerprints: 64-bit hashes of states, for a model checker that
//! deduplicates the states it reaches (crate `check`).
//!
//! A fingerprint must be *sound*: two states that can behave differently
//! must (but for a hash collision) hash differently, so it covers every field
//! that decides what a node does next. The simplest complete description of
//! a state is its derived `Debug` output, which names every field; [`debug`]
//! hashes that text without building it. A protocol may hash its state in a
//! faster way (a derived `Hash`) as long as nothing that matters is left out.
//!
//! The hasher is a small multiply-xorshift hash over 64-bit words, written
//! here so that it is the same everywhere: the same input gives the same
//! value in every run, natively and in wasm (it computes in `u64` only, and
//! [`Fingerprint`] writes a `usize`, such as the length prefix of a slice,
//! as a `u64`). It is not DoS-resistant, which a fingerprint need not be;
//! SipHash took a third of the model checker's time hashing `Debug` text.
//! State counts never depend on the values anyway, only on which states
//! are equal (barring a 64-bit collision).

use std::fmt::{self, Debug, Write as _};
use std::hash::Hasher;

/// A deterministic, portable 64-bit hasher (see the module's documentation).
#[derive(Clone, Debug, Default, Hash)]
pub struct Fingerprint {
    state: u64,
    /// Bytes not yet folded in (fewer than 8), little-endian, and how many.
    tail: u64,
    tail_len: u32,
}

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Fingerprint {
    #[inline]
    fn fold(&mut self, word: u64) {
        let x = (self.state ^ word ^ 0x2545_f491_4f6c_dd1d).wrapping_mul(K);
        self.state = x ^ (x >> 29);
    }
}

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        // splitmix64's finalizer over the state, the pending bytes and
        // their count, so that every input bit reaches every output bit.
        let mut z = self.state ^ self.tail.wrapping_mul(K).rotate_left(17) ^ u64::from(self.tail_len) << 59;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, mut bytes: &[u8]) {
        // Whole words at once while nothing is pending: the same value as
        // byte by byte, in an eighth of the loop.
        while self.tail_len == 0 && bytes.len() >= 8 {
            let (word, rest) = bytes.split_at(8);
            self.fold(u64::from_le_bytes(word.try_into().expect("8 bytes")));
            bytes = rest;
        }
        for &b in bytes {
            self.tail |= u64::from(b) << (8 * self.tail_len);
            self.tail_len += 1;
            if self.tail_len == 8 {
                let word = self.tail;
                self.fold(word);
                self.tail = 0;
                self.tail_len = 0;
            }
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write(&[n]);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n) | 1 << 32);
    }
    fn write_u64(&mut self, n: u64) {
        // Whole words go straight in, after any pending bytes.
        if self.tail_len > 0 {
            let pending = self.tail | 1 << 63;
            self.fold(pending);
            self.tail = 0;
            self.tail_len = 0;
        }
        self.fold(n);
    }
    /// As a `u64`, so that 32-bit wasm and 64-bit hosts agree.
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as i64 as u64);
    }
}

impl fmt::Write for Fingerprint {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

/// Hash `value` by its `Debug` text, streamed into the hasher (no string
/// is built). Sound when the `Debug` impl shows every field, as a derived
/// one does; a closing marker keeps `debug(a); debug(b)` apart from other
/// splits of the same text.
pub fn debug<T: Debug + ?Sized>(value: &T, h: &mut Fingerprint) {
    let _ = write!(h, "{value:?}");
    h.write_u8(0xff);
}

/// The fingerprint of `value` alone, by [`debug`].
pub fn of_debug<T: Debug + ?Sized>(value: &T) -> u64 {
    let mut h = Fingerprint::default();
    debug(value, &mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Hash)]
    #[allow(dead_code)]
    struct Node {
        term: u64,
        voted_for: Option<u32>,
        log: Vec<&'static str>,
    }

    #[test]
    fn equal_states_agree_and_a_changed_field_shows() {
        let a = Node { term: 3, voted_for: Some(1), log: vec!["x=1"] };
        let b = Node { term: 3, voted_for: Some(1), log: vec!["x=1"] };
        assert_eq!(of_debug(&a), of_debug(&b));
        for c in [
            Node { term: 4, voted_for: Some(1), log: vec!["x=1"] },
            Node { term: 3, voted_for: None, log: vec!["x=1"] },
            Node { term: 3, voted_for: Some(1), log: vec!["x=1", "y=2"] },
        ] {
            assert_ne!(of_debug(&a), of_debug(&c), "{c:?}");
        }
    }

    #[test]
    fn the_value_is_pinned_and_usize_is_written_as_u64() {
        // Pinned so that a change of hasher is a visible decision; the
        // same value is expected in wasm (usize as u64).
        let mut h = Fingerprint::default();
        h.write_usize(7);
        let mut g = Fingerprint::default();
        g.write_u64(7);
        assert_eq!(h.finish(), g.finish());
        assert_eq!(of_debug(&Some(3u8)), of_debug(&Some(3u8)));
        assert_ne!(of_debug("ab"), of_debug("a"));
        // Pinned: a change of hash function is a visible decision.
        assert_eq!(of_debug(&(1u8, "x")), of_debug(&(1u8, "x")));
        let mut h = Fingerprint::default();
        h.write(b"clusterscope");
        assert_eq!(h.finish(), PINNED);
    }

    const PINNED: u64 = 5_445_749_480_485_173_543;

    #[test]
    fn every_byte_and_the_length_count() {
        let mut seen = std::collections::BTreeSet::new();
        for len in 0..20usize {
            for pos in 0..len {
                let mut bytes = vec![0u8; len];
                bytes[pos] = 1;
                let mut h = Fingerprint::default();
                h.write(&bytes);
                assert!(seen.insert(h.finish()), "len {len} pos {pos}");
            }
            let mut h = Fingerprint::default();
            h.write(&vec![0u8; len]);
            assert!(seen.insert(h.finish()), "zeros of len {len}");
        }
    }
}
