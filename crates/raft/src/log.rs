//! The replicated log, indexed from 1 as in the paper (index 0 = empty log).

use serde::Serialize;
use std::rc::Rc;

/// One log entry: the term it was created in and the client's command.
///
/// Commands are shared (`Rc<str>`): copies of an entry on every node point at
/// one allocation, which makes persisting and comparing logs cheap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub term: u64,
    pub cmd: Rc<str>,
}

impl Entry {
    pub fn new(term: u64, cmd: &str) -> Self {
        Self { term, cmd: Rc::from(cmd) }
    }

    /// Equality that first tries the shared allocation.
    pub fn same(&self, other: &Entry) -> bool {
        self.term == other.term && (Rc::ptr_eq(&self.cmd, &other.cmd) || self.cmd == other.cmd)
    }
}

/// A log of entries with 1-based indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Log {
    entries: Vec<Entry>,
}

impl Log {
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
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
        index.checked_sub(1).and_then(|i| self.entries.get(i as usize))
    }
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
    /// Entries from `index` on, at most `max` of them.
    pub fn slice_from(&self, index: u64, max: usize) -> Vec<Entry> {
        let start = (index.max(1) - 1) as usize;
        self.entries.iter().skip(start).take(max).cloned().collect()
    }
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
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
                    self.entries.truncate((index - 1) as usize);
                    self.entries.push(entry.clone());
                }
                None => self.entries.push(entry.clone()),
            }
            changed = true;
        }
        changed
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
        assert_eq!(l.entries().iter().map(|e| e.term).collect::<Vec<_>>(), vec![1, 1, 3]);

        // A duplicate, older AppendEntries must not truncate newer entries.
        let mut l = log(&[1, 1, 2, 2]);
        let same = l.entries()[2].clone();
        assert!(!l.merge(2, &[same]));
        assert_eq!(l.last_index(), 4);
    }
}
