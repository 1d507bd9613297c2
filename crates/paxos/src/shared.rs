//! A role (acceptor, learner) shared between the copies of a node until one
//! of them changes it, with its hash kept.
//!
//! A model checker copies a node for every step it takes and fingerprints
//! every copy; most steps leave both roles alone. Sharing them makes a
//! copy cheap (see `Roles`); keeping their hash makes the fingerprint of a
//! copy cheap too: each role is hashed once, not once per state.

use protocol::cached::{nonzero, Cached};
use protocol::shared::share;
use protocol::Fingerprint;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// Read through `Deref`; written only through [`Shared::make_mut`], which
/// forgets the kept hash.
pub struct Shared<T> {
    value: Arc<T>,
    hash: Cached,
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Self { value: Arc::new(value), hash: Cached::default() }
    }

    /// The value for changing, copied first if another node shares it.
    pub fn make_mut(&mut self) -> &mut T
    where
        T: Clone,
    {
        self.hash.forget();
        Arc::make_mut(&mut self.value)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self { value: Arc::clone(&self.value), hash: self.hash.clone() }
    }

    /// Shares the source's value; no counts change when it already does,
    /// as copies of one node mostly do.
    fn clone_from(&mut self, source: &Self) {
        share(&mut self.value, &source.value);
        self.hash = source.hash.clone();
    }
}

/// By the value's own hash, computed once (with [`Fingerprint`], whatever
/// the hasher) and kept until the value changes.
impl<T: Hash> Hash for Shared<T> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.hash.get_or(|| {
            let mut f = Fingerprint::default();
            self.value.hash(&mut f);
            nonzero(f.finish())
        }));
    }
}

/// As the value's.
impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash<T: Hash>(value: &T) -> u64 {
        let mut h = Fingerprint::default();
        value.hash(&mut h);
        h.finish()
    }

    #[test]
    fn copies_share_the_value_and_its_hash_until_one_changes_it() {
        let mut a = Shared::new(vec![1u32, 2]);
        let first = hash(&a);
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.value, &b.value));
        assert_eq!(hash(&b), first);
        a.make_mut().push(3);
        assert_eq!(*b, [1, 2], "the copy is unchanged");
        assert_ne!(hash(&a), first, "a changed value is hashed again");
        assert_eq!(hash(&a), hash(&Shared::new(vec![1u32, 2, 3])), "as a fresh one is");
        let mut c = Shared::new(vec![9u32]);
        c.clone_from(&b);
        assert!(Arc::ptr_eq(&c.value, &b.value));
        assert_eq!(hash(&c), first);
    }
}
