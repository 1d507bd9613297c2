//! A fingerprint kept with what it describes, computed the first time a
//! model checker asks (`sim`'s world: its nodes and messages in flight;
//! Paxos's slot tables, chunk by chunk) and forgotten when that changes.
//! A state's successors copy it along with what they share, so each is
//! hashed once rather than once per state.

use std::sync::atomic::{AtomicU64, Ordering};

/// `0` stands for "not computed": the fingerprints kept here are never 0
/// (see [`nonzero`]). An atomic so that a world stays `Sync` for the
/// checker's threads; two threads that compute it at once store the same
/// value.
#[derive(Debug, Default)]
pub struct Cached(AtomicU64);

impl Clone for Cached {
    fn clone(&self) -> Self {
        Self(AtomicU64::new(self.0.load(Ordering::Relaxed)))
    }
}

impl Cached {
    /// The kept fingerprint, or `compute`'s, kept from now on. `compute`
    /// must return a [`nonzero`] fingerprint.
    pub fn get_or(&self, compute: impl FnOnce() -> u64) -> u64 {
        match self.0.load(Ordering::Relaxed) {
            0 => {
                let value = compute();
                debug_assert_ne!(value, 0, "a kept fingerprint is never 0");
                self.0.store(value, Ordering::Relaxed);
                value
            }
            kept => kept,
        }
    }

    /// What it described is changing: compute it again when next asked.
    pub fn forget(&mut self) {
        *self.0.get_mut() = 0;
    }
}

/// A fingerprint as kept: 0 is reserved, so a hash of 0 counts as 1 (two
/// states merged by it are as likely as any other 64-bit collision).
pub fn nonzero(fingerprint: u64) -> u64 {
    fingerprint.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_once_copied_with_its_owner_and_computed_again_once_forgotten() {
        let calls = std::cell::Cell::new(0);
        let compute = |v: u64| {
            calls.set(calls.get() + 1);
            v
        };
        let mut kept = Cached::default();
        assert_eq!(kept.get_or(|| compute(7)), 7);
        assert_eq!(kept.get_or(|| compute(8)), 7);
        assert_eq!(kept.clone().get_or(|| compute(9)), 7, "a copy keeps it");
        assert_eq!(calls.get(), 1);
        kept.forget();
        assert_eq!(kept.get_or(|| compute(8)), 8);
        assert_eq!(calls.get(), 2);
        assert_eq!(nonzero(0), 1);
        assert_eq!(nonzero(5), 5);
    }
}
