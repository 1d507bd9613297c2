//! What the latest step did, in the order it happened: which node handled
//! which input, the messages it sent, losses, crashes, pauses and the client
//! operations nodes reported.
//!
//! The exports (ShiViz, trace events, Jepsen histories; [`crate::export`])
//! replay a run built with [`crate::Run::with_journal`] and read this after
//! every step. Only such a world keeps a journal (any other pays one branch
//! where it would record), and only the current step's entries: they are
//! cleared when the next step starts, so it never grows with the run. It is
//! not part of the trace.

use crate::action::MsgId;
use crate::world::LossReason;
use protocol::{ClientOp, Level, NodeId};

/// The input a node handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handled {
    /// It booted or restarted.
    Start,
    /// Message `msg` was delivered to it.
    Message(MsgId),
    /// Its timer of this name fired.
    Timer(&'static str),
    /// A client request reached it.
    Request,
}

impl Handled {
    /// The message delivered, if this is a delivery.
    pub fn message(&self) -> Option<MsgId> {
        match self {
            Handled::Message(id) => Some(*id),
            _ => None,
        }
    }
}

/// One thing that happened during a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Happening {
    /// `node` handled `input`; the sends and operations that follow, up to
    /// the next `Ran`, are its.
    Ran {
        node: NodeId,
        input: Handled,
    },
    /// A message went on the wire (a network duplicate is a second `Sent`,
    /// with `dup` set).
    Sent {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        kind: &'static str,
        dup: bool,
    },
    /// The user duplicated message `msg` as `copy`.
    Copied {
        msg: MsgId,
        copy: MsgId,
    },
    /// Message `msg` was lost, as it was sent or on its way.
    Lost {
        msg: MsgId,
        reason: LossReason,
    },
    /// `node` reported a client operation.
    Op {
        node: NodeId,
        op: ClientOp,
    },
    Crashed {
        node: NodeId,
    },
    Paused {
        node: NodeId,
    },
    Resumed {
        node: NodeId,
    },
    /// `node` wrote a notable line to the event log (a notice or warning:
    /// became leader, chose a value, granted a lock).
    Noted {
        node: NodeId,
        level: Level,
        text: String,
    },
}
