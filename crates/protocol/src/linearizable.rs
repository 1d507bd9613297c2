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
//! [`check`] searches a whole history; bounds, and what happens past them
//! (it never passes silently): at most [`MAX_WINDOW`] operations per key
//! (a `u64` bitset) and [`MAX_STATES`] search states; past either the
//! verdict is [`Verdict::Undecided`].
//!
//! [`KeyWindow`] checks a key live, "just in time" (Lowe 2017): it keeps the
//! set of configurations the register can be in over the operations still
//! open, and linearizes an operation in every configuration when it
//! completes, then forgets it. So the work per completed operation depends
//! on how many operations overlap, not on the run's length: at most
//! [`MAX_WINDOW`] open at once and [`MAX_STATES`] configurations, past
//! which the verdict is `Undecided`. An operation whose outcome is unknown
//! (Jepsen's `:info`, e.g. its client crashed) may take effect at any
//! later time or never: a write of unknown outcome stays open for good (a
//! read of unknown outcome constrains nothing and is forgotten). On a
//! violation the [`RECENT`] last completed operations and the open ones
//! are searched with [`check`] for a small witness.

use crate::FlatSet;
use std::collections::{BTreeSet, HashSet};
use std::fmt;

/// A register's value; `None` before the first write (Jepsen's `nil`).
pub type Value = Option<u64>;

/// A register's value as the canvases and logs write it: the number, or
/// `nil` before any write. Written by `Display`, so a log line formats it
/// only when the world keeps notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown(pub Value);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) => write!(f, "{v}"),
            None => f.write_str("nil"),
        }
    }
}

/// Most operations of one key in one search.
pub const MAX_WINDOW: usize = 64;
/// Most search states visited for one verdict.
pub const MAX_STATES: usize = 200_000;

/// A register operation, with what a read returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegOp {
    Read(Value),
    Write(u64),
}

/// One operation of a history: `process` invoked it at `invoke` and it
/// completed at `complete` (`None`: unknown outcome, it may take effect at
/// any time after `invoke`, or never). Times are any increasing counter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub process: u32,
    pub op: RegOp,
    pub invoke: u64,
    pub complete: Option<u64>,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            RegOp::Read(v) => write!(f, "client {} read {}", self.process, Shown(v))?,
            RegOp::Write(v) => write!(f, "client {} write {v}", self.process)?,
        }
        match self.complete {
            Some(c) => write!(f, " [{}..{c}]", self.invoke),
            None => write!(f, " [{}..?]", self.invoke),
        }
    }
}

/// The outcome of a search.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
        Search::Violated => Verdict::Violated { witness: shrink(start, ops, start) },
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
    // Few distinct values: a sorted list, not one more B-tree type in the app.
    let mut finals: FlatSet<Value> = FlatSet::new();
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

/// `set` with `item` in it: a set built by inserts rather than `collect`,
/// which sorts its items first with a standard sort compiled for each item
/// type (two more copies of it in the app).
fn inserted<T: Ord>(mut set: BTreeSet<T>, item: T) -> BTreeSet<T> {
    set.insert(item);
    set
}

/// Sort operations by when they were invoked, stably: one function, so the
/// app compiles one copy of the sort for the three places that need it.
fn by_invoke(entries: &mut [Entry]) {
    crate::sort::sort_by_key(entries, |e| e.invoke);
}

/// Leave operations out while the rest stays non-linearizable from
/// `start`, keeping for every read a write of its value unless `explained`
/// holds it (a read of a value nobody writes is a witness of nothing).
fn shrink(start: &[Value], ops: &[Entry], explained: &[Value]) -> Vec<Entry> {
    let mut kept: Vec<Entry> = ops.to_vec();
    let mut i = 0;
    while i < kept.len() {
        let mut without = kept.clone();
        without.remove(i);
        // A read of a value nobody left writes would be a witness of
        // nothing: keep the writes the reads saw.
        let explained = without.iter().all(|e| match e.op {
            RegOp::Read(v) => {
                explained.contains(&v) || v.is_some_and(|v| without.iter().any(|w| w.op == RegOp::Write(v)))
            }
            RegOp::Write(_) => true,
        });
        if explained && matches!(search(start, &without), Search::Violated) {
            kept = without;
        } else {
            i += 1;
        }
    }
    by_invoke(&mut kept);
    kept
}

/// Completed operations a [`KeyWindow`] keeps to explain a violation.
pub const RECENT: usize = 32;

/// A configuration of the live search: which open operations are already
/// linearized, the register's value, and what each read linearized early
/// saw (by slot, ascending).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Config {
    placed: u64,
    value: Value,
    seen: Vec<(u8, Value)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Slot {
    entry: Entry,
    /// Its client crashed: it never completes.
    lost: bool,
}

/// One key checked live, "just in time" (Lowe 2017): the set of
/// configurations the register can be in, over the operations still open.
/// A completed operation is linearized in every configuration and then
/// forgotten, so the state is bounded by how many operations overlap (at
/// most [`MAX_WINDOW`] open at once, writes of unknown outcome included),
/// never by the length of the run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyWindow {
    slots: Vec<Option<Slot>>,
    configs: BTreeSet<Config>,
    /// The last [`RECENT`] completed operations.
    recent: std::collections::VecDeque<Entry>,
    /// Set once more than [`MAX_WINDOW`] operations were open at once.
    overflow: bool,
}

impl Default for KeyWindow {
    fn default() -> Self {
        let start = Config { placed: 0, value: None, seen: Vec::new() };
        Self {
            slots: Vec::new(),
            configs: inserted(BTreeSet::new(), start),
            recent: Default::default(),
            overflow: false,
        }
    }
}

impl KeyWindow {
    /// A window shared between a checker's copies (`Arc`), for changing:
    /// copied first if another copy holds it. One function for every
    /// checker that shares its windows, so the app carries one copy of it.
    #[inline(never)]
    pub fn make_mut(window: &mut std::sync::Arc<KeyWindow>) -> &mut KeyWindow {
        std::sync::Arc::make_mut(window)
    }

    /// `process` invoked `op` at `time`; returns its slot for
    /// [`KeyWindow::complete`] or [`KeyWindow::lose`]. A read's value is
    /// filled in on completion.
    pub fn invoke(&mut self, process: u32, op: RegOp, time: u64) -> usize {
        let entry = Entry { process, op, invoke: time, complete: None };
        let slot = Slot { entry, lost: false };
        match self.slots.iter().position(Option::is_none) {
            Some(i) => {
                self.slots[i] = Some(slot);
                i
            }
            None if self.slots.len() < MAX_WINDOW => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
            None => {
                self.overflow = true;
                usize::MAX
            }
        }
    }

    /// The operation in `slot` completed at `time` as `op` (a read with the
    /// value it returned): every configuration must linearize it by now.
    pub fn complete(&mut self, slot: usize, op: RegOp, time: u64) -> Verdict {
        if self.overflow {
            return Verdict::Undecided { reason: format!("more than {MAX_WINDOW} operations open at once") };
        }
        let Some(Some(s)) = self.slots.get_mut(slot) else { return self.verdict() };
        s.entry.op = op;
        s.entry.complete = Some(time);
        let done = s.entry.clone();
        let closed = match self.closure() {
            Ok(c) => c,
            Err(reason) => return Verdict::Undecided { reason },
        };
        let bit = 1u64 << slot;
        let next: BTreeSet<Config> = closed
            .into_iter()
            .filter(|c| c.placed & bit != 0)
            .filter(|c| match op {
                RegOp::Read(v) => c.seen.iter().any(|&(i, seen)| usize::from(i) == slot && seen == v),
                RegOp::Write(_) => true,
            })
            .map(|mut c| {
                c.placed &= !bit;
                c.seen.retain(|&(i, _)| usize::from(i) != slot);
                c
            })
            .fold(BTreeSet::new(), inserted);
        if next.is_empty() {
            return Verdict::Violated { witness: self.witness(&done) };
        }
        self.configs = next;
        self.slots[slot] = None;
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(done);
        self.verdict()
    }

    /// The operation in `slot`, of unknown outcome, can no longer take
    /// effect: it did already, or it never will (a store that applies a
    /// client's operations in order, with sessions, says so once the
    /// client's next operation has taken effect). Every configuration goes
    /// on with it forgotten, whether linearized or not.
    pub fn retire(&mut self, slot: usize) -> Verdict {
        if !matches!(self.slots.get(slot), Some(Some(_))) {
            return self.verdict();
        }
        // The configurations are kept lazily (an open operation is placed
        // only when another completes): place it wherever it could go now,
        // then forget it, placed or not.
        let closed = match self.closure() {
            Ok(c) => c,
            Err(reason) => return Verdict::Undecided { reason },
        };
        let bit = 1u64 << slot;
        self.configs = closed
            .into_iter()
            .map(|mut c| {
                c.placed &= !bit;
                c.seen.retain(|&(i, _)| usize::from(i) != slot);
                c
            })
            .fold(BTreeSet::new(), inserted);
        self.slots[slot] = None;
        self.verdict()
    }

    /// The operation in `slot` certainly did not take effect (Jepsen's
    /// `:fail`, e.g. every server refused it): only the configurations in
    /// which it is not linearized go on, then it is forgotten. If none is
    /// left, a read already linearized saw it: not linearizable.
    pub fn fail(&mut self, slot: usize) -> Verdict {
        let Some(Some(s)) = self.slots.get(slot) else { return self.verdict() };
        let failed = s.entry.clone();
        let bit = 1u64 << slot;
        let kept: BTreeSet<Config> = self
            .configs
            .iter()
            .filter(|c| c.placed & bit == 0)
            .map(|c| {
                let mut c = c.clone();
                c.seen.retain(|&(i, _)| usize::from(i) != slot);
                c
            })
            .fold(BTreeSet::new(), inserted);
        if kept.is_empty() {
            let mut witness: Vec<Entry> = self.recent.iter().cloned().collect();
            witness.extend(self.slots.iter().flatten().map(|s| s.entry.clone()));
            witness.retain(|e| *e != failed);
            witness.push(failed);
            by_invoke(&mut witness);
            return Verdict::Violated { witness };
        }
        self.configs = kept;
        self.slots[slot] = None;
        self.verdict()
    }

    /// The operation in `slot` will never complete (its client crashed):
    /// its outcome is unknown. A read is forgotten; a write stays open for
    /// good, since it may still take effect.
    pub fn lose(&mut self, slot: usize) -> Verdict {
        let Some(Some(s)) = self.slots.get_mut(slot) else { return self.verdict() };
        if matches!(s.entry.op, RegOp::Read(_)) {
            self.slots[slot] = None;
            let bit = 1u64 << slot;
            self.configs = std::mem::take(&mut self.configs)
                .into_iter()
                .map(|mut c| {
                    c.placed &= !bit;
                    c.seen.retain(|&(i, _)| usize::from(i) != slot);
                    c
                })
                .fold(BTreeSet::new(), inserted);
        } else {
            s.lost = true;
        }
        self.verdict()
    }

    /// Operations open (in progress, or writes of unknown outcome).
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values the register may hold now, before any open operation.
    pub fn values(&self) -> Vec<Value> {
        let set: FlatSet<Value> = self.configs.iter().map(|c| c.value).collect();
        set.into_iter().collect()
    }

    fn verdict(&self) -> Verdict {
        Verdict::Linearizable { finals: self.values() }
    }

    /// Every configuration reachable by linearizing more open operations.
    fn closure(&self) -> Result<BTreeSet<Config>, String> {
        let mut seen: BTreeSet<Config> = BTreeSet::new();
        let mut stack: Vec<Config> = self.configs.iter().cloned().collect();
        while let Some(c) = stack.pop() {
            if seen.contains(&c) {
                continue;
            }
            for (i, s) in self.slots.iter().enumerate() {
                let Some(s) = s else { continue };
                if c.placed & (1 << i) != 0 {
                    continue;
                }
                let mut next = c.clone();
                next.placed |= 1 << i;
                match s.entry.op {
                    RegOp::Write(v) => next.value = Some(v),
                    RegOp::Read(_) => {
                        let at = next.seen.partition_point(|&(j, _)| usize::from(j) < i);
                        next.seen.insert(at, (i as u8, c.value));
                    }
                }
                stack.push(next);
            }
            seen.insert(c);
            if seen.len() > MAX_STATES {
                return Err(format!("more than {MAX_STATES} configurations"));
            }
        }
        Ok(seen)
    }

    /// The operations that cannot be ordered, shrunk: the shortest run of
    /// the latest operations (with every write still open, which may take
    /// effect anywhere) that no order explains from *any* starting value,
    /// so what came before cannot matter; if none is found, the recent and
    /// open operations as they are.
    fn witness(&self, done: &Entry) -> Vec<Entry> {
        let mut ops: Vec<Entry> = self.recent.iter().cloned().collect();
        ops.extend(self.slots.iter().flatten().filter(|s| s.entry != *done).map(|s| s.entry.clone()));
        ops.push(done.clone());
        by_invoke(&mut ops);
        let mut any: FlatSet<Value> = FlatSet::from([None]);
        any.extend(ops.iter().map(|e| match e.op {
            RegOp::Write(v) => Some(v),
            RegOp::Read(v) => v,
        }));
        let any: Vec<Value> = any.into_iter().collect();
        for from in (0..ops.len()).rev() {
            let first = ops[from].invoke;
            let tail: Vec<Entry> = ops.iter().filter(|e| e.invoke >= first || e.complete.is_none()).cloned().collect();
            if matches!(search(&any, &tail), Search::Violated) {
                return shrink(&any, &tail, &[None]);
            }
        }
        ops
    }
}
