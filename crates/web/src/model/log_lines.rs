//! The event log as the page lists it: runs of routine lines that say the
//! same thing about different messages ("AppendEntries 689 0→2 receiver is
//! down", "... 696 0→2 ...") fold into one line with a count, so a crash or
//! a partition does not push "node 4 is leader of term 2" out of view; and
//! the reader may keep only the notable lines.

use protocol::Level;
use sim::LogEntry;

/// One line of the listed log: the newest entry of a run of alike lines.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    pub entry: &'a LogEntry,
    /// How many alike lines this one stands for (1: not folded).
    pub count: usize,
    /// The step of the first of them.
    pub first_step: u64,
}

/// Lines alike: the same routine level and the same words once every number
/// is taken out (message ids, times, node ids).
fn alike(a: &LogEntry, b: &LogEntry) -> bool {
    fn words(t: &str) -> impl Iterator<Item = &str> {
        t.split(|c: char| c.is_ascii_digit()).filter(|w| !w.is_empty())
    }
    a.level == Level::Info && b.level == Level::Info && words(&a.text).eq(words(&b.text))
}

/// Fold consecutive alike routine lines; with `notable_only`, keep only
/// notices and warnings (leader changes, crashes, violations).
pub fn fold(log: &[LogEntry], notable_only: bool) -> Vec<Line<'_>> {
    let mut out: Vec<Line<'_>> = Vec::new();
    for entry in log.iter().filter(|e| !notable_only || e.level != Level::Info) {
        match out.last_mut() {
            Some(last) if alike(last.entry, entry) => {
                last.entry = entry;
                last.count += 1;
            }
            _ => out.push(Line { entry, count: 1, first_step: entry.step }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(step: u64, level: Level, text: &str) -> LogEntry {
        LogEntry { step, time: step * 10, node: None, level, text: text.to_string() }
    }

    #[test]
    fn runs_of_alike_routine_lines_fold_with_a_count() {
        let log = vec![
            entry(1, Level::Notice, "node 4 is leader of term 2"),
            entry(2, Level::Info, "AppendEntries 689 0→2 receiver is down"),
            entry(3, Level::Info, "AppendEntries 696 0→3 receiver is down"),
            entry(4, Level::Info, "AppendEntries 703 0→2 receiver is down"),
            entry(5, Level::Info, "RequestVote 704 1→2 link is cut"),
            entry(6, Level::Notice, "node 1 crashed"),
            entry(7, Level::Notice, "node 2 crashed"),
        ];
        let lines = fold(&log, false);
        let shown: Vec<(u64, usize, u64)> = lines.iter().map(|l| (l.entry.step, l.count, l.first_step)).collect();
        assert_eq!(shown, [(1, 1, 1), (4, 3, 2), (5, 1, 5), (6, 1, 6), (7, 1, 7)], "notices never fold");
        let notable: Vec<u64> = fold(&log, true).iter().map(|l| l.entry.step).collect();
        assert_eq!(notable, [1, 6, 7]);
    }

    #[test]
    fn different_words_do_not_fold() {
        let log = vec![entry(1, Level::Info, "node 1 votes for 2"), entry(2, Level::Info, "node 1 rejects 2")];
        assert_eq!(fold(&log, false).len(), 2);
    }
}
