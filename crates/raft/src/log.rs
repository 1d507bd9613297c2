//! The replicated log, indexed from 1 as in the paper (index 0 = empty log).
//!
//! Entries live in shared chunks ([`crate::chunked`]), so copying a log for
//! a `Persist`, a trace view or a snapshot costs no entries. Each position
//! also keeps a digest of the whole prefix up to it (`h_i = mix(h_{i-1},
//! term_i, hash(cmd_i))`, `h_0 = 0`): two logs hold the same entries up to
//! `i` exactly when (barring a 64-bit collision) their digests at `i` are
//! equal, which lets the checker compare prefixes in O(1). The digest uses a
//! fixed, portable hash (FNV-1a and a murmur3 finalizer), so it is the same
//! on every machine and every run. Digests are never serialized.

use crate::chunked::Chunked;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// One log entry: the term it was created in and the client's command.
///
/// Commands are shared (`Arc<str>`): copies of an entry on every node point at
/// one allocation, which makes persisting and comparing logs cheap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Entry {
    pub term: u64,
    pub cmd: Arc<str>,
}

impl Entry {
    pub fn new(term: u64, cmd: &str) -> Self {
        Self { term, cmd: Arc::from(cmd) }
    }

    /// Equality that first tries the shared allocation.
    pub fn same(&self, other: &Entry) -> bool {
        self.term == other.term && (Arc::ptr_eq(&self.cmd, &other.cmd) || self.cmd == other.cmd)
    }
}

/// An entry and the digest of the log up to and including it.
#[derive(Clone, Debug, Hash)]
struct Slot {
    entry: Entry,
    digest: u64,
}

/// A log of entries with 1-based indexes.
#[derive(Clone, Debug, Default)]
pub struct Log {
    slots: Chunked<Slot>,
}

/// FNV-1a over the command's bytes.
fn hash_cmd(cmd: &str) -> u64 {
    cmd.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

/// murmur3's 64-bit finalizer: every input bit flips about half the output bits.
fn fmix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The prefix digest after appending `entry` to a prefix with digest `prev`.
fn chain(prev: u64, entry: &Entry) -> u64 {
    fmix(prev.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ fmix(entry.term ^ hash_cmd(&entry.cmd).rotate_left(29)))
}

impl Log {
    pub fn last_index(&self) -> u64 {
        self.slots.len() as u64
    }
    pub fn last_term(&self) -> u64 {
        self.slots.last().map_or(0, |s| s.entry.term)
    }
    pub fn is_empty(&self) -> bool {
        self.slots.len() == 0
    }
    /// The term of the entry at `index`; 0 for index 0; `None` past the end.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == 0 {
            Some(0)
        } else {
            self.get(index).map(|e| e.term)
        }
    }
    pub fn get(&self, index: u64) -> Option<&Entry> {
        index.checked_sub(1).and_then(|i| self.slots.get(i as usize)).map(|s| &s.entry)
    }
    /// The digest of entries `1..=index`: 0 for index 0, `None` past the end.
    /// Equal digests at an index mean equal logs up to it.
    pub fn digest_at(&self, index: u64) -> Option<u64> {
        match index.checked_sub(1) {
            None => Some(0),
            Some(i) => self.slots.get(i as usize).map(|s| s.digest),
        }
    }
    /// Every entry, from index 1.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.iter_from(1)
    }
    /// The entries from `index` on.
    pub fn iter_from(&self, index: u64) -> impl Iterator<Item = &Entry> + '_ {
        self.slots.iter_from((index.max(1) - 1) as usize).map(|s| &s.entry)
    }
    /// Entries from `index` on, at most `max` of them, shared by every copy
    /// of the message that carries them.
    pub fn slice_from(&self, index: u64, max: usize) -> Arc<[Entry]> {
        let count = (self.last_index() + 1).saturating_sub(index.max(1)).min(max as u64) as usize;
        if count == 0 {
            // Heartbeats are most AppendEntries: they share one empty list.
            thread_local!(static NO_ENTRIES: Arc<[Entry]> = Arc::from([]));
            return NO_ENTRIES.with(Arc::clone);
        }
        let mut entries = Vec::with_capacity(count);
        entries.extend(self.iter_from(index).take(count).cloned());
        entries.into()
    }
    pub fn push(&mut self, entry: Entry) {
        let digest = chain(self.digest_at(self.last_index()).expect("the last index exists"), &entry);
        self.slots.push(Slot { entry, digest });
    }
    /// Keep the entries up to `index` and delete the rest.
    pub fn truncate(&mut self, index: u64) {
        self.slots.truncate(index as usize);
    }
    /// Merge entries that follow `prev_index` (§5.3): an existing entry that
    /// conflicts with a new one (same index, other term) is deleted with all
    /// that follow it; entries already present are kept. Returns whether the
    /// log changed.
    pub fn merge(&mut self, prev_index: u64, new: &[Entry]) -> bool {
        let mut changed = false;
        for (k, entry) in new.iter().enumerate() {
            let index = prev_index + 1 + k as u64;
            match self.term_at(index) {
                Some(term) if term == entry.term => continue,
                Some(_) => {
                    self.truncate(index - 1);
                    self.push(entry.clone());
                }
                None => self.push(entry.clone()),
            }
            changed = true;
        }
        changed
    }
}

/// Logs are equal when they hold the same entries (digests follow from them).
impl PartialEq for Log {
    fn eq(&self, other: &Self) -> bool {
        self.last_index() == other.last_index() && self.iter().zip(other.iter()).all(|(a, b)| a.same(b))
    }
}
impl Eq for Log {}

/// As equality sees it: the entries, in order (digests follow from them).
impl std::hash::Hash for Log {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.last_index().hash(h);
        for entry in self.iter() {
            entry.hash(h);
        }
    }
}

/// A log is shown as the array of its entries: `[{"term":1,"cmd":"x=1"}]`.
impl Serialize for Log {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(terms: &[u64]) -> Log {
        let mut l = Log::default();
        for (i, t) in terms.iter().enumerate() {
            l.push(Entry::new(*t, &format!("c{i}")));
        }
        l
    }

    fn terms(l: &Log) -> Vec<u64> {
        l.iter().map(|e| e.term).collect()
    }

    #[test]
    fn indexes_start_at_one() {
        let l = log(&[1, 1, 2]);
        assert_eq!(l.last_index(), 3);
        assert_eq!(l.last_term(), 2);
        assert_eq!(l.term_at(0), Some(0));
        assert_eq!(l.term_at(3), Some(2));
        assert_eq!(l.term_at(4), None);
        assert_eq!(l.slice_from(2, 10).len(), 2);
    }

    /// §5.3: "If an existing entry conflicts with a new one (same index but
    /// different terms), delete the existing entry and all that follow it."
    #[test]
    fn merge_repairs_conflicts_and_keeps_matches() {
        let mut l = log(&[1, 1, 2, 2]);
        let changed = l.merge(2, &[Entry::new(3, "x")]);
        assert!(changed);
        assert_eq!(terms(&l), vec![1, 1, 3]);

        // A duplicate, older AppendEntries must not truncate newer entries.
        let mut l = log(&[1, 1, 2, 2]);
        let same = l.get(3).unwrap().clone();
        assert!(!l.merge(2, &[same]));
        assert_eq!(l.last_index(), 4);
    }

    /// The prefix digest is what the checker relies on: equal prefixes give
    /// equal digests, and any difference at or below an index (even one that
    /// keeps every term) changes the digest there and above, not below.
    #[test]
    fn prefix_digests_compare_whole_prefixes() {
        let a = log(&[1, 1, 2, 2, 3]);
        let mut b = log(&[1, 1, 2, 2, 3]);
        assert_eq!(a.digest_at(0), Some(0));
        assert_eq!(a.digest_at(5), b.digest_at(5));
        assert_eq!(a.digest_at(6), None);
        b.truncate(2);
        b.push(Entry::new(2, "other"));
        b.push(Entry::new(2, "c3"));
        b.push(Entry::new(3, "c4"));
        assert_eq!(terms(&a), terms(&b));
        assert_eq!(a.digest_at(2), b.digest_at(2));
        for i in 3..=5 {
            assert_ne!(a.digest_at(i), b.digest_at(i), "index {i}");
        }
        // The digest is a fixed function of the entries, the same on every machine.
        assert_eq!(log(&[1]).digest_at(1), Some(chain(0, &Entry::new(1, "c0"))));
        assert_eq!(chain(0, &Entry::new(1, "x=1")), 0xaaa3_a4ab_845e_f91c);
    }

    #[test]
    fn a_long_log_serializes_as_its_entries_and_clones_share_them() {
        let l = log(&[1; 150]);
        let copy = l.clone();
        let json = serde_json::to_string(&copy).unwrap();
        assert!(json.starts_with(r#"[{"term":1,"cmd":"c0"},{"term":1,"cmd":"c1"}"#), "{json}");
        assert_eq!(json.matches("term").count(), 150);
        assert!(Arc::ptr_eq(&l.get(100).unwrap().cmd, &copy.get(100).unwrap().cmd));
        assert_eq!(l, copy);
    }
}
