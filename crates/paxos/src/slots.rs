//! A table from slot number to a value, kept in fixed-size chunks that
//! copies share (`Arc`), so that a copy costs one pointer per 64 slots and a
//! write copies at most one chunk.
//!
//! Multi-Paxos numbers its slots densely from 0 and keeps every accepted
//! and chosen value, so an acceptor's table and a learner's table grow with
//! the run. Each step persists them (`Command::Persist` carries the durable
//! state) and each snapshot of the world copies every node: with a plain map
//! both costs grew with the number of slots.
//!
//! A chunk is only as long as its highest filled slot: single-decree Paxos
//! uses slot 0 alone, and a full-length chunk made every copy-on-write of
//! it copy 64 entries and every hash of a node walk them (a model checker
//! does both for every state).
//!
//! A chunk also keeps its hash once asked for, until it is written: a
//! model checker hashes the same shared chunks (the checker's slot records
//! above all) in state after state, and a table's hash is then one word
//! per chunk.

use protocol::cached::{nonzero, Cached};
use protocol::Fingerprint;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// Slots per chunk.
const CHUNK: usize = 64;

/// At most `CHUNK` entries, the last one filled (or none), and their hash
/// once computed. Read through `Deref`; written only through
/// [`Chunk::entries_mut`], which forgets the hash.
#[derive(Clone)]
struct Chunk<T> {
    entries: Vec<Option<T>>,
    /// The hash of the filled entries ([`Chunk::fingerprint`]).
    hash: Cached,
}

impl<T> Deref for Chunk<T> {
    type Target = Vec<Option<T>>;
    fn deref(&self) -> &Self::Target {
        &self.entries
    }
}

impl<T> Chunk<T> {
    fn new() -> Self {
        Self { entries: Vec::new(), hash: Cached::default() }
    }

    /// The entries for writing: the kept hash is forgotten.
    fn entries_mut(&mut self) -> &mut Vec<Option<T>> {
        self.hash.forget();
        &mut self.entries
    }
}

impl<T: Hash> Chunk<T> {
    /// The hash of the filled entries with their places in the chunk
    /// (never 0), computed once and kept until the chunk is written.
    fn fingerprint(&self) -> u64 {
        self.hash.get_or(|| {
            let mut h = Fingerprint::default();
            for (i, value) in self.entries.iter().enumerate() {
                if let Some(value) = value {
                    h.write_usize(i);
                    value.hash(&mut h);
                }
            }
            nonzero(h.finish())
        })
    }
}

pub struct Slots<T> {
    chunks: Vec<Arc<Chunk<T>>>,
    /// Slots that hold a value.
    len: usize,
}

impl<T> Clone for Slots<T> {
    fn clone(&self) -> Self {
        Self { chunks: self.chunks.clone(), len: self.len }
    }

    /// Into this table's list of chunks (the model checker copies each
    /// successor into the world it dropped last). A chunk already shared
    /// with the source, as most are, is left as it is: no counts change.
    fn clone_from(&mut self, source: &Self) {
        self.chunks.truncate(source.chunks.len());
        for (i, chunk) in source.chunks.iter().enumerate() {
            match self.chunks.get_mut(i) {
                Some(mine) => protocol::shared::share(mine, chunk),
                None => self.chunks.push(Arc::clone(chunk)),
            }
        }
        self.len = source.len;
    }
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Self { chunks: Vec::new(), len: 0 }
    }
}

fn split(slot: u64) -> (usize, usize) {
    let slot = usize::try_from(slot).expect("slot numbers fit in memory");
    (slot / CHUNK, slot % CHUNK)
}

impl<T: Clone> Slots<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, slot: u64) -> Option<&T> {
        let (c, i) = split(slot);
        self.chunks.get(c)?.get(i)?.as_ref()
    }

    pub fn contains_key(&self, slot: u64) -> bool {
        self.get(slot).is_some()
    }

    /// The value in `slot`, for changing it in place (copies its chunk if
    /// another copy shares it).
    pub fn get_mut(&mut self, slot: u64) -> Option<&mut T> {
        let (c, i) = split(slot);
        // Only a filled slot's chunk is worth copying.
        self.chunks.get(c)?.get(i)?.as_ref()?;
        Arc::make_mut(&mut self.chunks[c]).entries_mut()[i].as_mut()
    }

    /// The value in `slot`, put there by `make` if the slot is empty.
    pub fn get_or_insert_with(&mut self, slot: u64, make: impl FnOnce() -> T) -> &mut T {
        let entry = entry(&mut self.chunks, slot);
        if entry.is_none() {
            self.len += 1;
        }
        entry.get_or_insert_with(make)
    }

    /// Put `value` in `slot`; returns what was there.
    pub fn insert(&mut self, slot: u64, value: T) -> Option<T> {
        let old = entry(&mut self.chunks, slot).replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }
}

/// `slot`'s entry for writing: its chunk copied if shared, and made long
/// enough to hold it.
fn entry<T: Clone>(chunks: &mut Vec<Arc<Chunk<T>>>, slot: u64) -> &mut Option<T> {
    let (c, i) = split(slot);
    while chunks.len() <= c {
        chunks.push(Arc::new(Chunk::new()));
    }
    let chunk = Arc::make_mut(&mut chunks[c]).entries_mut();
    if chunk.len() <= i {
        chunk.resize_with(i + 1, || None);
    }
    &mut chunk[i]
}

impl<T> Slots<T> {
    /// How many slots hold a value.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Filled slots from `from` on, in order.
    pub fn range(&self, from: u64) -> impl Iterator<Item = (u64, &T)> {
        let (c, i) = usize::try_from(from).map_or((self.chunks.len(), 0), |f| (f / CHUNK, f % CHUNK));
        self.chunks.iter().enumerate().skip(c).flat_map(move |(ci, chunk)| {
            let skip = if ci == c { i } else { 0 };
            chunk.iter().enumerate().skip(skip).filter_map(move |(k, v)| Some(((ci * CHUNK + k) as u64, v.as_ref()?)))
        })
    }

    /// Filled slots, in order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &T)> {
        self.range(0)
    }

    pub fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.iter().map(|(s, _)| s)
    }

    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.iter().map(|(_, v)| v)
    }

    /// The highest filled slot.
    pub fn last_key(&self) -> Option<u64> {
        self.chunks
            .iter()
            .enumerate()
            .rev()
            .find_map(|(ci, chunk)| chunk.iter().rposition(Option::is_some).map(|k| (ci * CHUNK + k) as u64))
    }
}

impl<T: PartialEq> PartialEq for Slots<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Slots<T> {}

/// The filled slots with their numbers, then how many (chunk boundaries,
/// lengths and sharing are not part of the value): per chunk that holds a
/// value, its number and its kept hash ([`Chunk::fingerprint`]).
impl<T: Hash> Hash for Slots<T> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for (c, chunk) in self.chunks.iter().enumerate() {
            // A chunk is empty or ends in a filled slot (slots are filled,
            // never emptied, and a chunk grows only to the slot written).
            if !chunk.is_empty() {
                h.write_usize(c);
                h.write_u64(chunk.fingerprint());
            }
        }
        self.len.hash(h);
    }
}

impl<T: fmt::Debug> fmt::Debug for Slots<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<T: Clone> FromIterator<(u64, T)> for Slots<T> {
    fn from_iter<I: IntoIterator<Item = (u64, T)>>(iter: I) -> Self {
        let mut slots = Slots::new();
        for (slot, value) in iter {
            slots.insert(slot, value);
        }
        slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_chunks_until_written() {
        let mut a: Slots<u32> = [(0, 10), (3, 13), (130, 20)].into_iter().collect();
        assert_eq!(a.len(), 3);
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.chunks[0], &b.chunks[0]));
        a.insert(3, 99);
        assert!(!Arc::ptr_eq(&a.chunks[0], &b.chunks[0]), "the written chunk was copied");
        assert!(Arc::ptr_eq(&a.chunks[2], &b.chunks[2]), "the others are still shared");
        assert_eq!(b.get(3), Some(&13));
        assert_eq!(a.range(1).collect::<Vec<_>>(), vec![(3, &99), (130, &20)]);
        assert_eq!(a.range(131).count(), 0);
        assert_eq!(a.range(u64::MAX).count(), 0);
        assert_eq!(a.last_key(), Some(130));
        assert_eq!(a.len(), 3);
        assert_ne!(a, b);
        // Copied into a table of its own: into a longer, a shorter and a
        // partly shared one, the result is the source, sharing its chunks.
        let short: Slots<u32> = [(1, 1)].into_iter().collect();
        let long: Slots<u32> = [(0, 1), (200, 2), (300, 3)].into_iter().collect();
        for (mut into, from) in [(long.clone(), &b), (short.clone(), &b), (b.clone(), &a), (a.clone(), &short)] {
            into.clone_from(from);
            assert_eq!(&into, from);
            assert_eq!((into.len(), into.chunks.len()), (from.len(), from.chunks.len()));
            assert!(into.chunks.iter().zip(&from.chunks).all(|(x, y)| Arc::ptr_eq(x, y)));
        }
    }

    #[test]
    fn a_chunk_is_as_long_as_its_highest_filled_slot() {
        let mut a: Slots<u32> = [(0, 10)].into_iter().collect();
        assert_eq!(a.chunks[0].len(), 1, "slot 0 alone is one entry to copy and hash");
        a.insert(5, 15);
        assert_eq!(a.chunks[0].len(), 6);
        a.insert(2, 12);
        assert_eq!(a.chunks[0].len(), 6);
        a.insert(64 + 1, 1);
        assert_eq!((a.chunks[0].len(), a.chunks[1].len()), (6, 2));
        assert_eq!(a.get(6), None);
        assert_eq!(a.get(64), None);
        assert!(a.get_mut(7).is_none());
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![(0, &10), (2, &12), (5, &15), (65, &1)]);
        assert_eq!(a.last_key(), Some(65));
        // Equal whatever the chunks' lengths: the same filled slots.
        let b: Slots<u32> = [(65, 1), (5, 15), (2, 12), (0, 10)].into_iter().collect();
        assert_eq!(a, b);
        assert_eq!(protocol::fingerprint::of_debug(&a), protocol::fingerprint::of_debug(&b));
        assert_eq!(hash(&a), hash(&b));
    }

    fn hash(slots: &Slots<u32>) -> u64 {
        let mut h = Fingerprint::default();
        slots.hash(&mut h);
        h.finish()
    }

    #[test]
    fn a_kept_chunk_hash_is_forgotten_when_the_chunk_is_written() {
        let mut a: Slots<u32> = [(0, 10), (70, 20)].into_iter().collect();
        let before = hash(&a);
        let b = a.clone();
        assert_eq!(hash(&b), before, "a copy shares the kept hashes");
        *a.get_mut(0).unwrap() = 11;
        assert_ne!(hash(&a), before, "written through get_mut");
        assert_eq!(hash(&b), before, "the copy's chunk is its own again");
        *a.get_mut(0).unwrap() = 10;
        assert_eq!(hash(&a), before, "the same values hash the same");
        a.insert(71, 21);
        assert_ne!(hash(&a), before, "written through insert");
        let mut c = b.clone();
        *c.get_or_insert_with(70, || 0) = 5;
        assert_ne!(hash(&c), before, "written through get_or_insert_with");
        // Slots past an empty chunk: the empty chunk is not part of the hash.
        let d: Slots<u32> = [(130, 1)].into_iter().collect();
        let mut e: Slots<u32> = Slots::new();
        e.insert(130, 1);
        assert_eq!(hash(&d), hash(&e));
        assert_ne!(hash(&d), hash(&[(2, 1)].into_iter().collect()), "the slot number counts");
    }
}
