//! A linearizability checker for registers: the Wing & Gong search (1993)
//! with the memoization of Lowe (2017), one key at a time (Horn &
//! Kroening's P-compositionality: a history of independent registers is
//! linearizable iff each key's sub-history is).
//!
//! A history is a list of [`Entry`]s: who did what, between which two
//! instants. The search builds a sequential order one operation at a time:
//! an operation may go next if no other operation still to place completed
//! before it was invoked (real-time order), and only if the register allows
//! it (a read returns the value last written). A state of the search is the
//! set of operations placed (a bitset) and the register's value; a state
//! seen once is never explored again, which keeps the search polynomial in
//! practice.
//!
//! Bounds, and what happens past them (the checker never passes silently):
//! - at most [`MAX_WINDOW`] operations per key in one search (a `u64`
//!   bitset); past that the verdict is [`Verdict::Undecided`];
//! - at most [`MAX_STATES`] search states; past that, also `Undecided`.
//!
//! [`KeyWindow`] checks a key live: it keeps only the operations since the
//! last *quiescent* point (no operation in progress), where it replaces
//! them by the set of values the register can hold there. So the work per
//! completed operation depends on the concurrency, not on the run's length.
//! An operation whose outcome is unknown (Jepsen's `:info`, e.g. its client
//! crashed) may take effect at any later time or never: a write of unknown
//! outcome stays in the window for good (a read of unknown outcome
//! constrains nothing and is left out).

use std::collections::{BTreeSet, HashSet};
use std::fmt;

/// A register's value; `None` before the first write (Jepsen's `nil`).
pub type Value = Option<u64>;

/// Most operations of one key in one search.
pub const MAX_WINDOW: usize = 64;
/// Most search states visited for one verdict.
pub const MAX_STATES: usize = 200_000;

/// A register operation, with what a read returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegOp {
    Read(Value),
    Write(u64),
}

/// One operation of a history: `process` invoked it at `invoke` and it
/// completed at `complete` (`None`: unknown outcome, it may take effect at
/// any time after `invoke`, or never). Times are any increasing counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub process: u32,
    pub op: RegOp,
    pub invoke: u64,
    pub complete: Option<u64>,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: Value| v.map_or("nil".to_string(), |v| v.to_string());
        match self.op {
            RegOp::Read(v) => write!(f, "client {} read {}", self.process, show(v))?,
            RegOp::Write(v) => write!(f, "client {} write {v}", self.process)?,
        }
        match self.complete {
            Some(c) => write!(f, " [{}..{c}]", self.invoke),
            None => write!(f, " [{}..?]", self.invoke),
        }
    }
}

/// The outcome of a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some sequential order explains every operation; the register may
    /// end with any of `finals` (ascending, `None` first).
    Linearizable { finals: Vec<Value> },
    /// No order does. `witness` is a smallest-found sub-history that is
    /// already not linearizable, in invocation order.
    Violated { witness: Vec<Entry> },
    /// Too many operations or states to decide; says which bound.
    Undecided { reason: String },
}

/// Whether `ops`, started from any of the values `start`, is linearizable.
/// On a violation the witness is shrunk: operations are left out one by
/// one while the rest stays non-linearizable.
pub fn check(start: &[Value], ops: &[Entry]) -> Verdict {
    match search(start, ops) {
        Search::Ok(finals) => Verdict::Linearizable { finals },
        Search::Undecided(reason) => Verdict::Undecided { reason },
        Search::Violated => Verdict::Violated { witness: shrink(start, ops) },
    }
}

enum Search {
    Ok(Vec<Value>),
    Violated,
    Undecided(String),
}

fn search(start: &[Value], ops: &[Entry]) -> Search {
    // A read whose outcome is unknown constrains nothing.
    let ops: Vec<&Entry> = ops.iter().filter(|e| !(e.complete.is_none() && matches!(e.op, RegOp::Read(_)))).collect();
    if ops.len() > MAX_WINDOW {
        return Search::Undecided(format!("{} operations at once, more than the {MAX_WINDOW} checked", ops.len()));
    }
    let must: u64 = ops.iter().enumerate().filter(|(_, e)| e.complete.is_some()).fold(0, |m, (i, _)| m | 1 << i);
    let mut seen: HashSet<(u64, Value)> = HashSet::new();
    let mut finals: BTreeSet<Value> = BTreeSet::new();
    let mut stack: Vec<(u64, Value)> = start.iter().map(|&v| (0, v)).collect();
    while let Some((placed, value)) = stack.pop() {
        if !seen.insert((placed, value)) {
            continue;
        }
        if seen.len() > MAX_STATES {
            return Search::Undecided(format!("more than {MAX_STATES} search states"));
        }
        if placed & must == must {
            finals.insert(value);
        }
        // The earliest completion among the operations still to place: an
        // operation invoked after it cannot go next.
        let horizon = (0..ops.len())
            .filter(|&i| placed & (1 << i) == 0)
            .filter_map(|i| ops[i].complete)
            .min()
            .unwrap_or(u64::MAX);
        for (i, e) in ops.iter().enumerate() {
            if placed & (1 << i) != 0 || e.invoke > horizon {
                continue;
            }
            let next = match e.op {
                RegOp::Read(v) if v == value => value,
                RegOp::Read(_) => continue,
                RegOp::Write(v) => Some(v),
            };
            stack.push((placed | 1 << i, next));
        }
    }
    if finals.is_empty() {
        Search::Violated
    } else {
        Search::Ok(finals.into_iter().collect())
    }
}

fn shrink(start: &[Value], ops: &[Entry]) -> Vec<Entry> {
    let mut kept: Vec<Entry> = ops.to_vec();
    let mut i = 0;
    while i < kept.len() {
        let mut without = kept.clone();
        without.remove(i);
        // A read of a value nobody left writes would be a witness of
        // nothing: keep the writes the reads saw.
        let explained = without.iter().all(|e| match e.op {
            RegOp::Read(v) => start.contains(&v) || v.is_some_and(|v| without.iter().any(|w| w.op == RegOp::Write(v))),
            RegOp::Write(_) => true,
        });
        if explained && matches!(search(start, &without), Search::Violated) {
            kept = without;
        } else {
            i += 1;
        }
    }
    kept.sort_by_key(|e| e.invoke);
    kept
}

/// One key checked live: the values the register may hold at the last
/// quiescent point, and the operations since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyWindow {
    start: Vec<Value>,
    ops: Vec<Entry>,
    /// Parallel to `ops`: still in progress (not completed, not lost).
    open: Vec<bool>,
}

impl Default for KeyWindow {
    fn default() -> Self {
        Self { start: vec![None], ops: Vec::new(), open: Vec::new() }
    }
}

impl KeyWindow {
    /// `process` invoked `op` at `time`; returns its index for
    /// [`KeyWindow::complete`] or [`KeyWindow::lose`], valid until then (an
    /// index moves only at a quiescent point, when no operation is open).
    /// A read's value is filled in on completion.
    pub fn invoke(&mut self, process: u32, op: RegOp, time: u64) -> usize {
        self.ops.push(Entry { process, op, invoke: time, complete: None });
        self.open.push(true);
        self.ops.len() - 1
    }

    /// The operation at `index` completed at `time` as `op` (a read with
    /// the value it returned). Checks the window; at a quiescent point
    /// keeps only what the register may hold.
    pub fn complete(&mut self, index: usize, op: RegOp, time: u64) -> Verdict {
        if let Some(e) = self.ops.get_mut(index) {
            e.op = op;
            e.complete = Some(time);
            self.open[index] = false;
        }
        self.settle()
    }

    /// The operation at `index` will never complete (its client crashed):
    /// its outcome is unknown.
    pub fn lose(&mut self, index: usize) -> Verdict {
        if let Some(open) = self.open.get_mut(index) {
            *open = false;
        }
        self.settle()
    }

    /// Operations in the window.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The operations since the last quiescent point.
    pub fn ops(&self) -> &[Entry] {
        &self.ops
    }

    /// The values the register may hold at the last quiescent point.
    pub fn start(&self) -> &[Value] {
        &self.start
    }

    fn settle(&mut self) -> Verdict {
        let verdict = check(&self.start, &self.ops);
        if let (Verdict::Linearizable { finals }, false) = (&verdict, self.open.contains(&true)) {
            self.start = finals.clone();
            // Writes of unknown outcome may still take effect later.
            self.ops.retain(|e| e.complete.is_none() && matches!(e.op, RegOp::Write(_)));
            self.open = vec![false; self.ops.len()];
        }
        verdict
    }
}
