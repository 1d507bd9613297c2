//! Ordered maps and sets in one sorted `Vec`: [`FlatMap`] and [`FlatSet`].
//!
//! Protocol state holds many small ordered maps (promises per node, votes
//! per slot, keys of a store, sessions of a client). `BTreeMap` is right
//! for them in every way but one: the app compiles its B-tree code (node
//! splits, merges, steals, a clone per subtree) once per key and value
//! type, about 4 KB each, 48 types in all. A sorted `Vec` does the same
//! job in a binary search and a `memmove`, faster at the sizes here (tens
//! of entries; inserting in order, as terms, slots and ids grow, is a
//! push), at a fraction of the code.
//!
//! The simulator's event queue and index of messages in flight use a
//! sibling, `sim::sorted::SortedMap`, sorted the same way in a ring buffer:
//! a queue takes its first entry every step, O(1) there and a `memmove`
//! here. Protocol state is mostly read and copied, where the plain `Vec` is
//! the cheaper of the two (one slice to walk, no wrap-around to index):
//! with these maps in a ring buffer too, the Paxos model cost 2% more
//! instructions.
//!
//! They behave as `BTreeMap` and `BTreeSet` do wherever the two meet: the
//! same iteration order, the same `Debug` text, the same serde form (a map,
//! a sequence), the same `Hash` words (so state fingerprints are
//! unchanged), and `FromIterator` keeps the last value of a repeated key.
//! Inserting in the middle is `O(len)`: use a `BTreeMap` for a collection
//! that grows large in random order.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Bound, RangeBounds};

/// An ordered map in a sorted `Vec` of pairs. See the [module](self).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub struct FlatMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K: Clone, V: Clone> Clone for FlatMap<K, V> {
    fn clone(&self) -> Self {
        Self { entries: self.entries.clone() }
    }

    /// Into this map's buffer: a model checker copies protocol state into
    /// state its world no longer uses.
    fn clone_from(&mut self, source: &Self) {
        self.entries.clone_from(&source.entries);
    }
}

impl<K, V> Default for FlatMap<K, V> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<K: Ord, V> FlatMap<K, V> {
    pub const fn new() -> Self {
        Self { entries: Vec::new() }
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Insert or replace; returns the value replaced. A key above every
    /// other (the usual case: terms, slots, ids) is a push.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, value));
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

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(index) => Entry::Vacant(VacantEntry { map: self, index, key }),
        }
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.entries.is_empty()).then(|| self.entries.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    /// The entries with keys in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let (from, to) = bounds(&self.entries, |(k, _)| k.borrow(), &range);
        Iter(self.entries[from..to].iter())
    }
}

/// The index range of the sorted `items` whose keys are in `range`.
fn bounds<T, Q: Ord + ?Sized>(items: &[T], key: impl Fn(&T) -> &Q, range: &impl RangeBounds<Q>) -> (usize, usize) {
    let from = match range.start_bound() {
        Bound::Included(b) => items.partition_point(|t| key(t) < b),
        Bound::Excluded(b) => items.partition_point(|t| key(t) <= b),
        Bound::Unbounded => 0,
    };
    let to = match range.end_bound() {
        Bound::Included(b) => items.partition_point(|t| key(t) <= b),
        Bound::Excluded(b) => items.partition_point(|t| key(t) < b),
        Bound::Unbounded => items.len(),
    };
    (from, to.max(from))
}

/// A map's entries in order, as `(&K, &V)`.
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// A map's entries in order, as `(&K, &mut V)`.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

/// A place in a map for a key, as `BTreeMap::entry` gives.
pub enum Entry<'a, K, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut FlatMap<K, V>,
    index: usize,
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut FlatMap<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert(self, default: V) -> &'a mut V {
        self.or_insert_with(|| default)
    }

    pub fn or_insert_with(self, default: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default()),
        }
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.map.entries[self.index].0
    }
    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    pub fn remove(self) -> V {
        self.map.entries.remove(self.index).1
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }
    pub fn insert(self, value: V) -> &'a mut V {
        self.map.entries.insert(self.index, (self.key, value));
        &mut self.map.entries[self.index].1
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for FlatMap<K, V> {
    /// Sorted by key; of a repeated key, the last value stays (as in
    /// `BTreeMap`). Inserted one by one: an entry above the last is a push,
    /// and no sort routine is compiled per type (the collections here are
    /// small).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Self::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for FlatMap<K, V> {
    fn from(items: [(K, V); N]) -> Self {
        items.into_iter().collect()
    }
}

impl<K: Ord, V> Extend<(K, V)> for FlatMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for FlatMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a FlatMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a mut FlatMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for FlatMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for FlatMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(k, v)| (k, v))).finish()
    }
}

/// The words `BTreeMap` hashes: its length, then each key and value.
impl<K: Hash, V: Hash> Hash for FlatMap<K, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.entries.len());
        for (k, v) in &self.entries {
            k.hash(state);
            v.hash(state);
        }
    }
}

impl<K: Serialize, V: Serialize> Serialize for FlatMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for FlatMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = FlatMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = FlatMap::new();
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

/// An ordered set in a sorted `Vec`. See the [module](self).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlatSet<T> {
    items: Vec<T>,
}

impl<T> Default for FlatSet<T> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<T: Ord> FlatSet<T> {
    pub const fn new() -> Self {
        Self { items: Vec::new() }
    }

    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(value))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    /// Whether `value` was new.
    pub fn insert(&mut self, value: T) -> bool {
        if self.items.last().is_none_or(|last| *last < value) {
            self.items.push(value);
            return true;
        }
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    /// Whether `value` was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).map(|i| self.items.remove(i)).is_ok()
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The items in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        let (from, to) = bounds(&self.items, |t| t.borrow(), &range);
        self.items[from..to].iter()
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.items.iter().all(|t| other.contains(t))
    }
}

impl<T: Ord> FromIterator<T> for FlatSet<T> {
    /// As [`FlatMap`]'s: inserted one by one, an item above the last a push.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::new();
        set.extend(iter);
        set
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for FlatSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Ord> Extend<T> for FlatSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for t in iter {
            self.insert(t);
        }
    }
}

impl<T> IntoIterator for FlatSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a FlatSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for FlatSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.items).finish()
    }
}

/// The words `BTreeSet` hashes: its length, then each item.
impl<T: Hash> Hash for FlatSet<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.items.len());
        for t in &self.items {
            t.hash(state);
        }
    }
}

impl<T: Serialize> Serialize for FlatSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for t in &self.items {
            seq.serialize_element(t)?;
        }
        seq.end()
    }
}

impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for FlatSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<T>::deserialize(deserializer)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::hash::DefaultHasher;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        Entry(u8, u16),
        PopFirst,
        PopLast,
        Retain(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k % 40, v)),
            any::<u8>().prop_map(|k| Op::Remove(k % 40)),
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Entry(k % 40, v)),
            Just(Op::PopFirst),
            Just(Op::PopLast),
            any::<u8>().prop_map(|m| Op::Retain(m % 5 + 2)),
        ]
    }

    fn hash(value: &impl Hash) -> u64 {
        let mut h = DefaultHasher::new();
        value.hash(&mut h);
        h.finish()
    }

    proptest! {
        #[test]
        fn a_flat_map_behaves_as_a_btree_map(ops in prop::collection::vec(op(), 0..120), lo in 0u8..40, hi in 0u8..40) {
            let mut flat = FlatMap::new();
            let mut tree = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(flat.insert(k, v), tree.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(flat.remove(&k), tree.remove(&k)),
                    Op::Entry(k, v) => {
                        // Wrapping: a drawn value may be u16::MAX, and an overflow
                        // here is the test's arithmetic, not the map's.
                        let x = flat.entry(k).and_modify(|x: &mut u16| *x = x.wrapping_add(v)).or_insert(v);
                        *x = x.wrapping_add(1);
                        let x = tree.entry(k).and_modify(|x: &mut u16| *x = x.wrapping_add(v)).or_insert(v);
                        *x = x.wrapping_add(1);
                    }
                    Op::PopFirst => prop_assert_eq!(flat.pop_first(), tree.pop_first()),
                    Op::PopLast => prop_assert_eq!(flat.pop_last(), tree.pop_last()),
                    Op::Retain(m) => {
                        flat.retain(|k, _| k % m != 0);
                        tree.retain(|k, _| k % m != 0);
                    }
                }
                prop_assert_eq!(flat.len(), tree.len());
            }
            prop_assert!(flat.iter().eq(tree.iter()));
            prop_assert!(flat.range(lo..hi.max(lo)).eq(tree.range(lo..hi.max(lo))));
            prop_assert!(flat.range(lo..=hi.max(lo)).eq(tree.range(lo..=hi.max(lo))));
            prop_assert!(flat.range(..hi).eq(tree.range(..hi)));
            prop_assert_eq!(flat.first_key_value(), tree.first_key_value());
            prop_assert_eq!(flat.last_key_value(), tree.last_key_value());
            prop_assert_eq!(format!("{flat:?}"), format!("{tree:?}"));
            prop_assert_eq!(hash(&flat), hash(&tree));
            prop_assert_eq!(serde_json::to_string(&flat).unwrap(), serde_json::to_string(&tree).unwrap());
            let back: FlatMap<u8, u16> = serde_json::from_str(&serde_json::to_string(&flat).unwrap()).unwrap();
            prop_assert!(back == flat);
            let rebuilt: FlatMap<u8, u16> = tree.iter().rev().map(|(&k, &v)| (k, v)).collect();
            prop_assert!(rebuilt == flat);
        }

        #[test]
        fn a_flat_set_behaves_as_a_btree_set(ops in prop::collection::vec((any::<bool>(), 0u8..40), 0..120), lo in 0u8..40) {
            let mut flat = FlatSet::new();
            let mut tree = BTreeSet::new();
            for (add, x) in ops {
                if add {
                    prop_assert_eq!(flat.insert(x), tree.insert(x));
                } else {
                    prop_assert_eq!(flat.remove(&x), tree.remove(&x));
                }
            }
            prop_assert!(flat.iter().eq(tree.iter()));
            prop_assert!(flat.range(lo..).eq(tree.range(lo..)));
            prop_assert_eq!(flat.first(), tree.first());
            prop_assert_eq!(flat.last(), tree.last());
            prop_assert_eq!(format!("{flat:?}"), format!("{tree:?}"));
            prop_assert_eq!(hash(&flat), hash(&tree));
            prop_assert_eq!(serde_json::to_string(&flat).unwrap(), serde_json::to_string(&tree).unwrap());
            let collected: FlatSet<u8> = tree.iter().rev().chain(tree.iter()).copied().collect();
            prop_assert!(collected == flat);
        }
    }

    #[test]
    fn from_iter_keeps_the_last_value_of_a_repeated_key() {
        let flat: FlatMap<u8, &str> = [(2, "a"), (1, "b"), (2, "c")].into_iter().collect();
        let tree: BTreeMap<u8, &str> = [(2, "a"), (1, "b"), (2, "c")].into_iter().collect();
        assert!(flat.iter().eq(tree.iter()));
        assert_eq!(flat[&2], "c");
    }
}
