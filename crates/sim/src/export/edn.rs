//! A Jepsen history of the clients' operations, in EDN, one operation map
//! per line (as Jepsen's `history.edn`), for Knossos or Elle:
//!
//! ```text
//! {:type :invoke, :f :write, :value ["x" "1"], :process 0, :time 50000000, :index 0, :node 0, :step 50}
//! {:type :ok, :f :write, :value ["x" "1"], :process 0, :time 81000000, :index 1, :node 0, :step 63}
//! ```
//!
//! `:time` is model time in nanoseconds; `:node` and `:step` say where and
//! when in the run. Processes follow Jepsen's rules: a process runs one
//! operation at a time; after `:ok` or `:fail` its number is free again
//! (the smallest free one is taken), after `:info` never. An operation
//! whose node crashes is closed with `:info` at the crash (the node forgot
//! it); one still open when the run ends is closed with `:info` then.

use super::{Head, StepRef, Writer};
use crate::journal::Happening;
use protocol::{ClientOp, NodeId, OpKind, OpValue, Tick};
use std::fmt;
use std::io::{self, Write};

/// An operation value as EDN: `nil`, `3`, `"text"`, `["k" "v"]`.
pub(crate) struct Value<'a>(pub &'a OpValue);

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            OpValue::None => f.write_str("nil"),
            OpValue::Int(n) => write!(f, "{n}"),
            OpValue::Text(text) => write!(f, "{}", Str(text)),
            OpValue::Keyed { key, value: Some(value) } => write!(f, "[{} {}]", Str(key), Str(value)),
            OpValue::Keyed { key, value: None } => write!(f, "[{} nil]", Str(key)),
        }
    }
}

/// An EDN string: quotes, backslashes and control characters escaped, so a
/// value always stays on its line.
struct Str<'a>(&'a str);

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

/// An operation in progress.
#[derive(Clone, Debug)]
struct Open {
    node: NodeId,
    process: u64,
    invoke: ClientOp,
}

/// One operation event of a Jepsen history, its process assigned.
pub(crate) struct Record<'a> {
    pub op: &'a ClientOp,
    pub process: u64,
    pub node: NodeId,
    pub step: u64,
    pub time: Tick,
}

/// Jepsen's process bookkeeping over the journal's client operations: a
/// process runs one operation at a time; after `:ok` or `:fail` its number
/// is free again (the smallest free one is taken), after `:info` never; an
/// operation whose node crashes is closed with `:info`. Shared by the EDN
/// export and the trace's `history`. Operations in progress and free
/// process numbers are few, so plain vectors serve (a map type of its own
/// would cost the app's bundle its code).
#[derive(Clone, Debug, Default)]
pub(crate) struct Processes {
    /// Open operations, in the order they were invoked.
    open: Vec<Open>,
    /// Process numbers free again, after an `:ok` or a `:fail`, largest first.
    free: Vec<u64>,
    next_process: u64,
}

type Emit<'e> = dyn FnMut(Record<'_>) -> io::Result<()> + 'e;

impl Processes {
    /// Take the open operation `id` of `node`, if there is one.
    fn take(&mut self, node: NodeId, id: u64) -> Option<Open> {
        let i = self.open.iter().position(|o| o.node == node && o.invoke.id == id)?;
        Some(self.open.remove(i))
    }

    fn op(&mut self, node: NodeId, op: &ClientOp, at: (u64, Tick), emit: &mut Emit<'_>) -> io::Result<()> {
        let (step, time) = at;
        if op.kind == OpKind::Invoke {
            // The same id again while open: the node lost track of the first.
            if let Some(stale) = self.take(node, op.id) {
                Self::close_info(stale, at, emit)?;
            }
            let process = self.free.pop().unwrap_or_else(|| {
                self.next_process += 1;
                self.next_process - 1
            });
            emit(Record { op, process, node, step, time })?;
            self.open.push(Open { node, process, invoke: op.clone() });
            return Ok(());
        }
        // A completion of nothing open (its node crashed since) is no news.
        let Some(open) = self.take(node, op.id) else { return Ok(()) };
        emit(Record { op, process: open.process, node, step, time })?;
        if op.kind != OpKind::Info {
            let i = self.free.partition_point(|&p| p > open.process);
            self.free.insert(i, open.process);
        }
        Ok(())
    }

    /// Close an operation nobody will complete: `:info`, its process retired.
    fn close_info(open: Open, at: (u64, Tick), emit: &mut Emit<'_>) -> io::Result<()> {
        let info = open.invoke.complete(OpKind::Info, open.invoke.value.clone());
        emit(Record { op: &info, process: open.process, node: open.node, step: at.0, time: at.1 })
    }

    /// The operations of one step's journal, in order.
    pub fn step(&mut self, step: &StepRef<'_>, emit: &mut Emit<'_>) -> io::Result<()> {
        let at = (step.step, step.time);
        for happening in step.journal {
            match happening {
                Happening::Op { node, op } => self.op(*node, op, at, emit)?,
                Happening::Crashed { node } => {
                    let (forgotten, kept) = std::mem::take(&mut self.open).into_iter().partition(|o| o.node == *node);
                    self.open = kept;
                    for open in forgotten {
                        Self::close_info(open, at, emit)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Close what is still open when the run ends, at `step` and `time`.
    pub fn finish(&mut self, step: u64, time: Tick, emit: &mut Emit<'_>) -> io::Result<()> {
        for open in std::mem::take(&mut self.open) {
            Self::close_info(open, (step, time), emit)?;
        }
        Ok(())
    }
}

pub(crate) struct Edn {
    processes: Processes,
    next_index: u64,
}

impl Edn {
    pub fn start(_out: &mut dyn Write, _head: &Head) -> io::Result<Self> {
        Ok(Self { processes: Processes::default(), next_index: 0 })
    }

    fn line(out: &mut dyn Write, index: &mut u64, r: Record<'_>) -> io::Result<()> {
        let i = *index;
        *index += 1;
        writeln!(
            out,
            "{{:type :{}, :f :{}, :value {}, :process {}, :time {}, :index {i}, :node {}, :step {}}}",
            r.op.kind.name(),
            r.op.f.name(),
            Value(&r.op.value),
            r.process,
            r.time.saturating_mul(1_000_000),
            r.node,
            r.step,
        )
    }
}

impl Writer for Edn {
    fn step(&mut self, out: &mut dyn Write, step: &StepRef<'_>) -> io::Result<()> {
        let index = &mut self.next_index;
        self.processes.step(step, &mut |r| Self::line(out, index, r))
    }

    fn finish(&mut self, out: &mut dyn Write, step: u64, time: Tick) -> io::Result<()> {
        let index = &mut self.next_index;
        self.processes.finish(step, time, &mut |r| Self::line(out, index, r))
    }
}
