//! Client operations: what a protocol's clients asked for and what they
//! learned, in the shape of a Jepsen history (`:invoke`, then `:ok`,
//! `:fail` or `:info`), so that a checker such as Knossos or Elle can judge
//! the run.
//!
//! A protocol reports them through [`crate::Out::op`], the way it emits log
//! notes: an [`OpKind::Invoke`] when a client submits an operation, then at
//! most one completion with the same [`ClientOp::id`] from the same node:
//!
//! - [`OpKind::Ok`]: the operation took effect (a put acknowledged, a Raft
//!   command committed, a lock granted).
//! - [`OpKind::Fail`]: it certainly did not take effect (a request refused
//!   by a node that is not the leader; a committed entry at its index that
//!   is another one; a storage that rejected a stale token).
//! - [`OpKind::Info`]: nobody knows (a write whose reply never came).
//!
//! An operation whose node crashes before it completes is indeterminate:
//! the world, not the protocol, closes it with `:info` (the node forgot it).
//! Operations are observations only: they are no commands, take no part in
//! a `crash-mid-step` count and never reach the trace.

use std::sync::Arc;

/// What a client operation does: Jepsen's `:f`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OpFn {
    Read,
    Write,
    Acquire,
    Release,
    /// A whole transaction (Jepsen's `:txn`): a two- or three-phase commit,
    /// or a saga, `:ok` when it commits and `:fail` when it aborts.
    Txn,
}

impl OpFn {
    /// The keyword's name, without the colon: `"write"`.
    pub fn name(self) -> &'static str {
        match self {
            OpFn::Read => "read",
            OpFn::Write => "write",
            OpFn::Acquire => "acquire",
            OpFn::Release => "release",
            OpFn::Txn => "txn",
        }
    }
}

/// Where an operation is in its life: Jepsen's `:type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OpKind {
    Invoke,
    Ok,
    Fail,
    Info,
}

impl OpKind {
    /// The keyword's name, without the colon: `"invoke"`.
    pub fn name(self) -> &'static str {
        match self {
            OpKind::Invoke => "invoke",
            OpKind::Ok => "ok",
            OpKind::Fail => "fail",
            OpKind::Info => "info",
        }
    }

    /// Whether this ends the operation.
    pub fn completes(self) -> bool {
        self != OpKind::Invoke
    }
}

/// An operation's `:value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OpValue {
    /// Nothing known (`nil`): a read's invocation, a lock's request.
    None,
    /// A number: a fencing token.
    Int(u64),
    /// A key and its value, as Jepsen's independent keys write it:
    /// `["x" "1"]`, or `["x" nil]` for a read not answered yet or a key
    /// that holds nothing.
    Keyed { key: Arc<str>, value: Option<Arc<str>> },
    /// A command that is no key-value pair, as text.
    Text(Arc<str>),
}

impl OpValue {
    /// `"k=v"` as [`OpValue::Keyed`] (both trimmed, the key not empty);
    /// anything else as [`OpValue::Text`].
    pub fn of_command(cmd: &str) -> Self {
        match cmd.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                OpValue::Keyed { key: key.trim().into(), value: Some(value.trim().into()) }
            }
            _ => OpValue::Text(cmd.into()),
        }
    }
}

/// One client operation event, reported by the node that serves the client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientOp {
    /// Which operation: the same number for its invocation and its
    /// completion, unique among the node's operations in progress.
    pub id: u64,
    pub kind: OpKind,
    pub f: OpFn,
    pub value: OpValue,
}

impl ClientOp {
    pub fn invoke(id: u64, f: OpFn, value: OpValue) -> Self {
        Self { id, kind: OpKind::Invoke, f, value }
    }
    /// The completion of `self` (an invocation) as `kind`, with `value`.
    pub fn complete(&self, kind: OpKind, value: OpValue) -> Self {
        debug_assert!(kind.completes());
        Self { id: self.id, kind, f: self.f, value }
    }
}

/// Write operations a replica has taken from clients and not yet completed,
/// each waiting on a key `K` that says where its command went (Raft: the
/// log index and term it was appended at; Multi-Paxos: the slot and the
/// value proposed). Volatile: a crash loses them, and the world reports
/// each still open as `:info`. Bounded by [`Pending::MAX`]: beyond it a
/// request is reported `:info` at once (taken, its fate not followed).
#[derive(Clone, Debug, Hash)]
pub struct Pending<K> {
    next_id: u64,
    waiting: Vec<(K, ClientOp)>,
}

impl<K> Default for Pending<K> {
    fn default() -> Self {
        Self { next_id: 0, waiting: Vec::new() }
    }
}

impl<K> Pending<K> {
    /// Most operations kept waiting.
    pub const MAX: usize = 4096;

    /// A request for `cmd` arrives: report its invocation (a write) and
    /// return it.
    pub fn invoke<M, T, D>(&mut self, cmd: &str, out: &mut crate::Out<M, T, D>) -> ClientOp {
        let op = ClientOp::invoke(self.next_id, OpFn::Write, OpValue::of_command(cmd));
        self.next_id += 1;
        out.op(op.clone());
        op
    }

    /// The request was refused, its command never taken: it failed.
    pub fn reject<M, T, D>(&mut self, op: &ClientOp, out: &mut crate::Out<M, T, D>) {
        out.op(op.complete(OpKind::Fail, op.value.clone()));
    }

    /// The command was taken at `key`: wait for its fate.
    pub fn wait<M, T, D>(&mut self, op: ClientOp, key: K, out: &mut crate::Out<M, T, D>) {
        if self.waiting.len() >= Self::MAX {
            out.op(op.complete(OpKind::Info, op.value.clone()));
        } else {
            self.waiting.push((key, op));
        }
    }

    /// Complete, in the order they were taken, the operations whose fate
    /// `decide` knows (`Some(Ok | Fail)`); the others wait on.
    pub fn settle<M, T, D>(&mut self, out: &mut crate::Out<M, T, D>, mut decide: impl FnMut(&K) -> Option<OpKind>) {
        self.waiting.retain(|(key, op)| match decide(key) {
            Some(kind) => {
                out.op(op.complete(kind, op.value.clone()));
                false
            }
            None => true,
        });
    }

    /// Whether any operation waits on a key `keep` holds for.
    pub fn any(&self, mut keep: impl FnMut(&K) -> bool) -> bool {
        self.waiting.iter().any(|(k, _)| keep(k))
    }

    /// Operations waiting.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_reads_as_a_key_and_value_when_it_is_one() {
        assert_eq!(OpValue::of_command(" x = 1 "), OpValue::Keyed { key: "x".into(), value: Some("1".into()) });
        assert_eq!(OpValue::of_command("x="), OpValue::Keyed { key: "x".into(), value: Some("".into()) });
        assert_eq!(OpValue::of_command("=1"), OpValue::Text("=1".into()));
        assert_eq!(OpValue::of_command("noop"), OpValue::Text("noop".into()));
    }

    #[test]
    fn a_completion_keeps_the_invocations_id_and_function() {
        let invoke = ClientOp::invoke(7, OpFn::Read, OpValue::None);
        let ok = invoke.complete(OpKind::Ok, OpValue::Int(3));
        assert_eq!((ok.id, ok.f, ok.kind), (7, OpFn::Read, OpKind::Ok));
        assert!(ok.kind.completes() && !invoke.kind.completes());
        assert_eq!([OpKind::Invoke, OpKind::Info].map(OpKind::name), ["invoke", "info"]);
        assert_eq!(OpFn::Acquire.name(), "acquire");
    }
}
