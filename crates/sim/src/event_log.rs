//! The event log: the newest [`LOG_CAPACITY`] lines, cheap to clone.
//!
//! Every snapshot of the world clones the log, so a plain deque of strings
//! would copy hundreds of strings each time. Lines are kept in sealed,
//! shared chunks of [`CHUNK`] plus a short tail: a clone copies a few
//! pointers and at most one chunk's worth of lines.

use crate::record::LogEntry;
use std::collections::VecDeque;
use std::sync::Arc;

/// Event-log lines kept (older ones scroll away).
pub const LOG_CAPACITY: usize = 400;
/// Lines per shared chunk. The capacity is a whole number of chunks, so the
/// lines out of view all sit in the oldest chunk.
const CHUNK: usize = 16;
const _: () = assert!(LOG_CAPACITY % CHUNK == 0);

#[derive(Debug)]
pub struct EventLog {
    sealed: VecDeque<Arc<[LogEntry]>>,
    tail: Vec<LogEntry>,
}

impl Clone for EventLog {
    fn clone(&self) -> Self {
        Self { sealed: self.sealed.clone(), tail: self.tail.clone() }
    }

    /// Into the target's buffers: a model checker copies every successor's
    /// world, whose log is empty, into the world it dropped last.
    fn clone_from(&mut self, source: &Self) {
        if self.is_empty() && source.is_empty() {
            return;
        }
        self.sealed.clone_from(&source.sealed);
        self.tail.clone_from(&source.tail);
    }
}

impl Default for EventLog {
    /// Empty, with room for a full log's chunks and one chunk of lines: a
    /// short run (a single-decree Paxos run is over in about 25 events)
    /// would otherwise spend its first lines growing both.
    fn default() -> Self {
        Self { sealed: VecDeque::with_capacity(LOG_CAPACITY / CHUNK + 1), tail: Vec::with_capacity(CHUNK) }
    }
}

impl EventLog {
    pub fn push(&mut self, entry: LogEntry) {
        self.tail.push(entry);
        if self.tail.len() == CHUNK {
            // Moved into the chunk's one allocation; the tail keeps its own.
            self.sealed.push_back(self.tail.drain(..).collect());
            // Keep whole chunks only while they hold lines still in view.
            while (self.sealed.len() - 1) * CHUNK >= LOG_CAPACITY {
                self.sealed.pop_front();
            }
        }
    }

    /// Lines in view: at most [`LOG_CAPACITY`].
    pub fn len(&self) -> usize {
        self.stored().min(LOG_CAPACITY)
    }

    pub fn is_empty(&self) -> bool {
        self.tail.is_empty() && self.sealed.is_empty()
    }

    /// The lines in view, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        // Lines stored but scrolled out of view all sit in the oldest chunk.
        let hidden = self.stored() - self.len();
        self.sealed
            .iter()
            .enumerate()
            .flat_map(move |(i, chunk)| chunk[if i == 0 { hidden } else { 0 }..].iter())
            .chain(self.tail.iter())
    }

    fn stored(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::Level;

    fn line(i: usize) -> LogEntry {
        LogEntry { step: i as u64, time: 0, node: None, level: Level::Info, text: format!("line {i}") }
    }

    #[test]
    fn keeps_exactly_the_newest_lines_in_order() {
        let mut log = EventLog::default();
        for n in 0..1000 {
            assert_eq!(log.len(), n.min(LOG_CAPACITY));
            let steps: Vec<u64> = log.iter().map(|e| e.step).collect();
            let first = n.saturating_sub(LOG_CAPACITY) as u64;
            assert_eq!(steps, (first..n as u64).collect::<Vec<_>>(), "after {n} lines");
            assert_eq!(log.iter().next_back().map(|e| e.step), n.checked_sub(1).map(|s| s as u64));
            log.push(line(n));
        }
        assert!(log.sealed.len() * CHUNK <= LOG_CAPACITY + CHUNK, "old chunks are dropped");
    }
}
