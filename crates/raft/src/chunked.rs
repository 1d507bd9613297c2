//! A vector that is cheap to clone: full chunks are sealed and shared.
//!
//! Every `Persist`, every trace view and every snapshot of the world copies
//! a node's log, and the checker keeps its own copies too. With a plain
//! `Vec` each copy costs the whole log; here a clone costs two reference
//! counts, and the first write after a clone copies at most one chunk (the
//! open tail) plus, when a chunk is sealed, the list of chunk pointers.

use std::sync::Arc;

/// Items per sealed chunk. A write after a clone copies the open tail
/// (half a chunk on average) and sealing copies the list of chunk pointers;
/// 32 keeps both small for logs of some 10,000 entries.
pub(crate) const CHUNK: usize = 32;

#[derive(Clone, Debug, Hash)]
pub(crate) struct Chunked<T> {
    /// Full chunks of exactly [`CHUNK`] items, never changed once sealed.
    sealed: Arc<Vec<Arc<[T]>>>,
    /// The open chunk: fewer than [`CHUNK`] items.
    tail: Arc<Vec<T>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self { sealed: Arc::default(), tail: Arc::default() }
    }
}

impl<T: Clone> Chunked<T> {
    pub(crate) fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }

    /// The item at 0-based position `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        let chunk = i / CHUNK;
        if chunk < self.sealed.len() {
            Some(&self.sealed[chunk][i % CHUNK])
        } else {
            self.tail.get(i - self.sealed.len() * CHUNK)
        }
    }

    pub(crate) fn last(&self) -> Option<&T> {
        self.tail.last().or_else(|| self.sealed.last().and_then(|c| c.last()))
    }

    pub(crate) fn push(&mut self, item: T) {
        let tail = Arc::make_mut(&mut self.tail);
        tail.push(item);
        if tail.len() == CHUNK {
            let full: Arc<[T]> = std::mem::take(tail).into();
            Arc::make_mut(&mut self.sealed).push(full);
        }
    }

    /// Keep the first `len` items.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let chunk = len / CHUNK;
        if chunk >= self.sealed.len() {
            Arc::make_mut(&mut self.tail).truncate(len - chunk * CHUNK);
        } else {
            // The cut falls in a sealed chunk: its kept part becomes the tail.
            let cut = Arc::clone(&self.sealed[chunk]);
            Arc::make_mut(&mut self.sealed).truncate(chunk);
            self.tail = Arc::new(cut[..len % CHUNK].to_vec());
        }
    }

    /// Items from 0-based position `start` on.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> + '_ {
        let first = (start / CHUNK).min(self.sealed.len());
        let in_sealed = if first < self.sealed.len() { start % CHUNK } else { 0 };
        let in_tail = start.saturating_sub(self.sealed.len() * CHUNK);
        let sealed = self.sealed[first..].iter().flat_map(|c| c.iter());
        sealed.skip(in_sealed).chain(self.tail.iter().skip(in_tail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_truncate_across_chunks() {
        let mut v = Chunked::default();
        for i in 0..200 {
            v.push(i);
        }
        let copy = v.clone();
        assert_eq!(v.len(), 200);
        assert_eq!(v.get(130), Some(&130));
        assert_eq!(v.last(), Some(&199));
        assert_eq!(v.iter_from(190).copied().collect::<Vec<_>>(), (190..200).collect::<Vec<_>>());
        assert_eq!(v.iter_from(60).count(), 140);
        v.truncate(70);
        assert_eq!((v.len(), v.last()), (70, Some(&69)));
        assert_eq!(v.iter_from(0).copied().collect::<Vec<_>>(), (0..70).collect::<Vec<_>>());
        v.truncate(64);
        assert_eq!((v.len(), v.last()), (64, Some(&63)));
        v.push(7);
        assert_eq!(v.get(64), Some(&7));
        // The clone taken before is untouched by every write since.
        assert_eq!(copy.iter_from(0).copied().collect::<Vec<_>>(), (0..200).collect::<Vec<_>>());
        assert_eq!(copy.iter_from(250).count(), 0);
    }
}
