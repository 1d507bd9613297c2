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
    /// Which entry of its step the first of them is (0 for the first): with
    /// `first_step`, the line's identity while the log scrolls, so the page
    /// adds and drops lines instead of rewriting every one.
    pub first_ordinal: u32,
}

impl Line<'_> {
    /// The line's key in the listed log: stable while lines are added,
    /// folded into and scroll away.
    pub fn key(&self) -> String {
        format!("{}.{}", self.first_step, self.first_ordinal)
    }
}

/// Lines alike: the same routine level, from the same node, and the same
/// words once every number is taken out (message ids, times, terms). The
/// simulator's own lines (a message lost to a crash or a cut link) belong to
/// no node, so they fold whatever their endpoints; a node's own narration
/// folds only with that node's ("node 3 starts an election for term 4 ×2"
/// is node 3 twice, never node 3 and node 4).
fn alike(a: &LogEntry, b: &LogEntry) -> bool {
    fn words(t: &str) -> impl Iterator<Item = &str> {
        t.split(|c: char| c.is_ascii_digit()).filter(|w| !w.is_empty())
    }
    a.level == Level::Info && b.level == Level::Info && a.node == b.node && words(&a.text).eq(words(&b.text))
}

/// Fold alike routine lines; with `notable_only`, keep only notices and
/// warnings (leader changes, crashes, violations). A routine line folds
/// into the last line, or into the one before it when the last is routine
/// too, so two interleaved runs (a write committed, a heartbeat lost, a
/// write committed...) fold into two lines instead of listing every pair;
/// the line folded into moves last, so lines stay in the order of their
/// newest entries. A notable line never folds, and nothing folds across it.
pub fn fold(log: &[LogEntry], notable_only: bool) -> Vec<Line<'_>> {
    let mut out: Vec<Line<'_>> = Vec::new();
    let mut ordinal = (u64::MAX, 0u32);
    for entry in log {
        ordinal = if entry.step == ordinal.0 { (entry.step, ordinal.1 + 1) } else { (entry.step, 0) };
        if notable_only && entry.level == Level::Info {
            continue;
        }
        let n = out.len();
        let into = if n >= 1 && alike(out[n - 1].entry, entry) {
            Some(n - 1)
        } else if n >= 2 && out[n - 1].entry.level == Level::Info && alike(out[n - 2].entry, entry) {
            Some(n - 2)
        } else {
            None
        };
        match into {
            Some(i) => {
                out[i].entry = entry;
                out[i].count += 1;
                if i + 1 < n {
                    out.swap(i, n - 1);
                }
            }
            None => out.push(Line { entry, count: 1, first_step: entry.step, first_ordinal: ordinal.1 }),
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

    /// A write committed and a heartbeat lost, over and over (primary-backup
    /// with a replica down): two lines with counts, not one per entry.
    #[test]
    fn two_interleaved_runs_fold_into_two_lines_in_order() {
        let mut log = vec![entry(1, Level::Notice, "replica 3 promotes itself")];
        for i in 0..10 {
            log.push(entry(10 + 2 * i, Level::Info, &format!("primary 3 commits w{i}")));
            log.push(entry(11 + 2 * i, Level::Info, &format!("Heartbeat {i} 3→1 receiver is down")));
        }
        let shown: Vec<(u64, usize, u64)> =
            fold(&log, false).iter().map(|l| (l.entry.step, l.count, l.first_step)).collect();
        assert_eq!(shown, [(1, 1, 1), (28, 10, 10), (29, 10, 11)]);
        // A notable line between them is a wall: nothing folds across it.
        log.push(entry(30, Level::Notice, "node 1 crashed"));
        log.push(entry(31, Level::Info, "primary 3 commits w10"));
        let steps: Vec<u64> = fold(&log, false).iter().map(|l| l.entry.step).collect();
        assert_eq!(steps, [1, 28, 29, 30, 31]);
        // Three interleaved runs fold only in pairs: lookback is one line.
        let three: Vec<LogEntry> =
            (0..6).map(|i| entry(i, Level::Info, ["a 1", "b 1", "c 1"][i as usize % 3])).collect();
        assert_eq!(fold(&three, false).len(), 6);
    }

    /// Two candidates for one term were listed as "node 3 starts an
    /// election for term 3 ×2", as if node 4 had not stood.
    #[test]
    fn a_nodes_narration_folds_only_with_its_own() {
        let by = |step: u64, node: u32, text: &str| LogEntry { node: Some(node), ..entry(step, Level::Info, text) };
        let log = vec![
            by(1, 4, "node 4 starts an election for term 3"),
            by(2, 3, "node 3 starts an election for term 3"),
            by(3, 3, "node 3 starts an election for term 4"),
            entry(4, Level::Info, "RequestVote 93 3→2 link is cut"),
            entry(5, Level::Info, "RequestVote 94 4→1 link is cut"),
        ];
        let shown: Vec<(u64, usize)> = fold(&log, false).iter().map(|l| (l.entry.step, l.count)).collect();
        assert_eq!(shown, [(1, 1), (3, 2), (5, 2)]);
    }

    /// The page lists lines by key: a new line, a fold and the oldest line
    /// scrolling away keep every other line's key, so only they change.
    #[test]
    fn keys_are_unique_and_stay_with_their_line_as_the_log_scrolls() {
        let mut log = vec![
            entry(1, Level::Notice, "node 0 is leader of term 1"),
            entry(1, Level::Notice, "node 0 sends x=1"),
            entry(2, Level::Info, "x 1 lost"),
            entry(2, Level::Notice, "node 1 crashed"),
        ];
        let keys = |log: &[LogEntry], notable| fold(log, notable).iter().map(Line::key).collect::<Vec<_>>();
        assert_eq!(keys(&log, false), ["1.0", "1.1", "2.0", "2.1"]);
        assert_eq!(keys(&log, true), ["1.0", "1.1", "2.1"], "the same keys with routine lines hidden");
        log.push(entry(3, Level::Info, "y 2 lost"));
        log.push(entry(4, Level::Info, "y 3 lost"));
        assert_eq!(keys(&log, false), ["1.0", "1.1", "2.0", "2.1", "3.0"], "a fold keeps its first line's key");
        log.remove(0);
        assert_eq!(
            keys(&log, false),
            ["1.0", "2.0", "2.1", "3.0"],
            "the rest of a step scrolling away renumbers only it"
        );
    }

    #[test]
    fn different_words_do_not_fold() {
        let log = vec![entry(1, Level::Info, "node 1 votes for 2"), entry(2, Level::Info, "node 1 rejects 2")];
        assert_eq!(fold(&log, false).len(), 2);
    }
}
