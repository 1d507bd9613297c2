//! The latest changes to a table that only grows, so that a checker can
//! look at what one step changed without rescanning the whole table.

use std::collections::VecDeque;
use std::sync::Arc;

/// The last `N` entries recorded and how many were recorded in all. A node
/// rebuilt after a crash starts a fresh journal (its count goes back to 0).
///
/// The entries are shared between copies until one records: a model
/// checker copies a node for every step, and a step rarely records.
#[derive(Debug, PartialEq, Eq)]
pub struct Journal<T, const N: usize> {
    count: u64,
    recent: Arc<VecDeque<T>>,
}

impl<T, const N: usize> Clone for Journal<T, N> {
    fn clone(&self) -> Self {
        Self { count: self.count, recent: Arc::clone(&self.recent) }
    }

    /// Shares the source's entries; nothing to do when it already does.
    fn clone_from(&mut self, source: &Self) {
        self.count = source.count;
        protocol::shared::share(&mut self.recent, &source.recent);
    }
}

/// By its count alone. A state's hash is its fingerprint in the model
/// checker, and the checker reads every journal after every step: by then
/// the entries are history it has already taken into its own state (which
/// is fingerprinted too), and nothing reads them again. What still tells
/// two states apart is the count, which the checker compares with how far
/// it has read.
impl<T, const N: usize> std::hash::Hash for Journal<T, N> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.count.hash(h);
    }
}

impl<T, const N: usize> Default for Journal<T, N> {
    fn default() -> Self {
        Self { count: 0, recent: Arc::default() }
    }
}

impl<T, const N: usize> Journal<T, N> {
    pub fn record(&mut self, entry: T)
    where
        T: Clone,
    {
        let recent = Arc::make_mut(&mut self.recent);
        if recent.len() == N {
            recent.pop_front();
        }
        recent.push_back(entry);
        self.count += 1;
    }

    /// Entries recorded in all (in this incarnation).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The entries recorded after the first `seen`, or `None` when some of
    /// them have scrolled away or the journal restarted below `seen`.
    pub fn since(&self, seen: u64) -> Option<impl Iterator<Item = &T>> {
        let new = usize::try_from(self.count.checked_sub(seen)?).ok()?;
        (new <= self.recent.len()).then(|| self.recent.iter().skip(self.recent.len() - new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_gives_the_new_entries_or_says_some_were_missed() {
        let mut j: Journal<u32, 2> = Journal::default();
        assert_eq!(j.since(0).map(|i| i.count()), Some(0));
        j.record(1);
        j.record(2);
        assert_eq!(j.since(1).unwrap().collect::<Vec<_>>(), [&2]);
        j.record(3);
        assert_eq!(j.since(1).unwrap().collect::<Vec<_>>(), [&2, &3]);
        assert!(j.since(0).is_none(), "entry 1 scrolled away");
        assert!(j.since(4).is_none(), "a fresh journal after a restart");
    }

    #[test]
    fn hashes_by_count_only() {
        let hash = |entries: &[u32]| {
            let mut j: Journal<u32, 4> = Journal::default();
            entries.iter().for_each(|&e| j.record(e));
            let mut h = protocol::Fingerprint::default();
            std::hash::Hash::hash(&j, &mut h);
            std::hash::Hasher::finish(&h)
        };
        assert_eq!(hash(&[1, 2]), hash(&[3, 4]), "entries already read do not tell states apart");
        assert_ne!(hash(&[1, 2]), hash(&[1, 2, 3]), "how many there were does");
    }
}
