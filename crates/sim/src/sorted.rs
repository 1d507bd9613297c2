//! A small ordered map: entries in key order in one ring buffer.
//!
//! The world's event queue and its index of messages in flight were
//! `BTreeMap`s. Both are small (a few dozen entries in every scenario the
//! app and the benchmarks run) and both are copied with every state a model
//! checker reaches: a B-tree copies node by node, with an allocation each,
//! and its smallest node holds room for eleven entries. Here a copy is one
//! allocation and one `memcpy`.
//!
//! Both are mostly used at their ends: the queue takes its earliest event
//! and queues new ones at a later time, message ids only grow. Taking the
//! first entry and adding one after the last are O(1); any other insertion
//! or removal shifts the entries on its shorter side. With the most
//! messages a world allows in flight (`MAX_IN_FLIGHT`, 100,000) that is a
//! `memmove` of up to 1.6 MB, slower than a B-tree but bounded; no scenario
//! comes near it. Protocol state uses `protocol::FlatMap`, the same idea
//! in a plain `Vec` (see there why not one type).

use std::collections::VecDeque;

/// Free entries a copy starts with.
const HEADROOM: usize = 4;

#[derive(Debug)]
pub(crate) struct SortedMap<K, V> {
    entries: VecDeque<(K, V)>,
}

impl<K: Clone, V: Clone> Clone for SortedMap<K, V> {
    /// With room for a few more entries: a copy is made to go on (a model
    /// checker's successor, a run forked from a snapshot), and an exact fit
    /// grew, with a copy of every entry, at its first insertion (2PC's model
    /// at depth 9: 21,234 times, 1.0% of its instructions).
    fn clone(&self) -> Self {
        let mut entries = VecDeque::with_capacity(self.entries.len() + HEADROOM);
        entries.extend(self.entries.iter().cloned());
        Self { entries }
    }

    /// Into the target's buffer (see `Base`'s `clone_from`), by slices:
    /// `VecDeque::clone_from` pushes entry by entry (about 100 instructions
    /// per map copied in 2PC's model check, 6.6% of them), where a `Vec`'s
    /// `extend_from_slice` copies plain entries as one block. The buffer
    /// changes hands between the two types without a copy or allocation.
    fn clone_from(&mut self, source: &Self) {
        // Emptied first, the buffer starts at its allocation's start, so
        // taking it as a `Vec` moves nothing.
        self.entries.clear();
        let mut buffer = Vec::from(std::mem::take(&mut self.entries));
        let (front, back) = source.entries.as_slices();
        buffer.extend_from_slice(front);
        buffer.extend_from_slice(back);
        self.entries = VecDeque::from(buffer);
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self { entries: VecDeque::new() }
    }
}

impl<K: Ord + Copy, V> SortedMap<K, V> {
    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Self { entries: VecDeque::with_capacity(n) }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        // Lookups are mostly near the front (the next events, the oldest
        // messages): a binary search is a handful of probes either way.
        self.entries.binary_search_by(|(k, _)| k.cmp(key))
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Insert or replace; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if self.entries.back().is_none_or(|(last, _)| *last < key) {
            self.entries.push_back((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove_entry(&mut self, key: &K) -> Option<(K, V)> {
        let i = self.find(key).ok()?;
        self.entries.remove(i)
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.remove_entry(key).map(|(_, v)| v)
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        self.entries.pop_front()
    }

    pub fn first_key(&self) -> Option<&K> {
        self.entries.front().map(|(k, _)| k)
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Clone, Debug)]
    enum Op {
        Insert(u8, u32),
        Remove(u8),
        PopFirst,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (any::<u8>(), any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
            2 => any::<u8>().prop_map(Op::Remove),
            1 => Just(Op::PopFirst),
        ]
    }

    proptest! {
        /// Every operation agrees with a `BTreeMap`'s, and so does the
        /// order of the entries after each.
        #[test]
        fn behaves_as_a_btree_map(ops in proptest::collection::vec(op(), 0..200)) {
            let mut model = BTreeMap::new();
            let mut map = SortedMap::default();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(map.insert(k, v), model.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(map.remove_entry(&k), model.remove_entry(&k)),
                    Op::PopFirst => prop_assert_eq!(map.pop_first(), model.pop_first()),
                }
                prop_assert_eq!(map.len(), model.len());
                prop_assert_eq!(map.first_key(), model.keys().next());
                prop_assert!(map.iter().eq(model.iter()));
                for k in [0u8, 7, 128, 255] {
                    prop_assert_eq!(map.get(&k), model.get(&k));
                    prop_assert_eq!(map.contains_key(&k), model.contains_key(&k));
                }
            }
        }
    }

    fn built(ops: &[Op]) -> SortedMap<u8, u32> {
        let mut map = SortedMap::default();
        for op in ops {
            match *op {
                Op::Insert(k, v) => {
                    map.insert(k, v);
                }
                Op::Remove(k) => {
                    map.remove(&k);
                }
                Op::PopFirst => {
                    map.pop_first();
                }
            }
        }
        map
    }

    proptest! {
        /// A copy into a map that held other entries (its ring buffer
        /// wrapped or not) holds the source's, in order, and goes on as
        /// the source does.
        #[test]
        fn clone_from_copies_into_any_map(
            source in proptest::collection::vec(op(), 0..120),
            target in proptest::collection::vec(op(), 0..120),
            after in proptest::collection::vec(op(), 0..40),
        ) {
            let mut source = built(&source);
            let mut copy = built(&target);
            copy.clone_from(&source);
            prop_assert!(copy.iter().eq(source.iter()));
            for op in after {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(copy.insert(k, v), source.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(copy.remove_entry(&k), source.remove_entry(&k)),
                    Op::PopFirst => prop_assert_eq!(copy.pop_first(), source.pop_first()),
                }
            }
            prop_assert!(copy.iter().eq(source.iter()));
        }
    }

    #[test]
    fn values_mut_changes_in_place() {
        let mut map = SortedMap::default();
        for k in [5u64, 1, 3] {
            map.insert(k, k * 10);
        }
        for v in map.values_mut() {
            *v += 1;
        }
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [11, 31, 51]);
        assert_eq!(map.remove(&3), Some(31));
        assert_eq!(map.remove(&3), None);
    }
}
