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
struct Open {
    node: NodeId,
    process: u64,
    invoke: ClientOp,
}

/// Operations in progress and free process numbers are few, so plain
/// vectors serve (a map type of its own would cost the app's bundle its code).
pub(crate) struct Edn {
    /// Open operations, in the order they were invoked.
    open: Vec<Open>,
    /// Process numbers free again, after an `:ok` or a `:fail`, largest first.
    free: Vec<u64>,
    next_process: u64,
    next_index: u64,
}

impl Edn {
    pub fn start(_out: &mut dyn Write, _head: &Head) -> io::Result<Self> {
        Ok(Self { open: Vec::new(), free: Vec::new(), next_process: 0, next_index: 0 })
    }

    fn line(
        &mut self,
        out: &mut dyn Write,
        op: &ClientOp,
        process: u64,
        node: NodeId,
        at: (u64, Tick),
    ) -> io::Result<()> {
        let (step, time) = at;
        let index = self.next_index;
        self.next_index += 1;
        writeln!(
            out,
            "{{:type :{}, :f :{}, :value {}, :process {process}, :time {}, :index {index}, :node {node}, :step {step}}}",
            op.kind.name(),
            op.f.name(),
            Value(&op.value),
            time.saturating_mul(1_000_000),
        )
    }

    /// Take the open operation `id` of `node`, if there is one.
    fn take(&mut self, node: NodeId, id: u64) -> Option<Open> {
        let i = self.open.iter().position(|o| o.node == node && o.invoke.id == id)?;
        Some(self.open.remove(i))
    }

    fn op(&mut self, out: &mut dyn Write, node: NodeId, op: &ClientOp, at: (u64, Tick)) -> io::Result<()> {
        if op.kind == OpKind::Invoke {
            // The same id again while open: the node lost track of the first.
            if let Some(stale) = self.take(node, op.id) {
                self.close_info(out, stale, at)?;
            }
            let process = self.free.pop().unwrap_or_else(|| {
                self.next_process += 1;
                self.next_process - 1
            });
            self.line(out, op, process, node, at)?;
            self.open.push(Open { node, process, invoke: op.clone() });
            return Ok(());
        }
        // A completion of nothing open (its node crashed since) is no news.
        let Some(open) = self.take(node, op.id) else { return Ok(()) };
        self.line(out, op, open.process, node, at)?;
        if op.kind != OpKind::Info {
            let i = self.free.partition_point(|&p| p > open.process);
            self.free.insert(i, open.process);
        }
        Ok(())
    }

    /// Close an operation nobody will complete: `:info`, its process retired.
    fn close_info(&mut self, out: &mut dyn Write, open: Open, at: (u64, Tick)) -> io::Result<()> {
        let info = open.invoke.complete(OpKind::Info, open.invoke.value.clone());
        self.line(out, &info, open.process, open.node, at)
    }
}

impl Writer for Edn {
    fn step(&mut self, out: &mut dyn Write, step: &StepRef<'_>) -> io::Result<()> {
        let at = (step.step, step.time);
        for happening in step.journal {
            match happening {
                Happening::Op { node, op } => self.op(out, *node, op, at)?,
                Happening::Crashed { node } => {
                    let (forgotten, kept) = std::mem::take(&mut self.open).into_iter().partition(|o| o.node == *node);
                    self.open = kept;
                    for open in forgotten {
                        self.close_info(out, open, at)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, step: u64, time: Tick) -> io::Result<()> {
        for open in std::mem::take(&mut self.open) {
            self.close_info(out, open, (step, time))?;
        }
        Ok(())
    }
}
