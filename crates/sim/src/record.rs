//! What the world records of a step: the event, log lines, violations.
//! These serialize straight into the trace JSON.

use crate::action::MsgId;
use crate::world::Envelope;
use protocol::{Level, Message, NodeId, Tick};
use serde::Serialize;

/// A message as the trace shows it: the envelope's fields, then the
/// protocol's own (`"type":"RequestVote","term":3,...`).
#[derive(Clone, Debug, Serialize)]
pub struct MsgRecord<M> {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Tick,
    pub deliver_at: Tick,
    #[serde(flatten)]
    pub msg: M,
}

impl<M: Clone> MsgRecord<M> {
    pub fn of(env: &Envelope<M>) -> Self {
        Self {
            id: env.id,
            from: env.from,
            to: env.to,
            sent_at: env.sent_at,
            deliver_at: env.deliver_at,
            msg: env.msg.clone(),
        }
    }
}

/// The event one step processed.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum EventRecord<M> {
    /// A message reached its receiver and was handled.
    Deliver { msg: MsgRecord<M> },
    /// A message reached a crashed node or a cut link and was lost.
    Lost { msg: MsgRecord<M>, reason: &'static str },
    /// A timer fired.
    Timer { node: NodeId, timer: &'static str },
    /// A message or timer reached a paused node and waits for it.
    Held { node: NodeId, what: String },
    /// A `pause ... for` ended.
    Resume { node: NodeId },
    /// Nothing was queued, but actions were still scheduled: the world
    /// waited one step for them.
    Idle,
}

impl<M: Message> EventRecord<M> {
    /// What words need of this event, without the protocol's types.
    pub fn info(&self) -> EventInfo {
        let brief =
            |m: &MsgRecord<M>| MsgBrief { id: m.id, from: m.from, to: m.to, kind: m.msg.kind(), term: m.msg.term() };
        match self {
            EventRecord::Deliver { msg } => EventInfo::Deliver(brief(msg)),
            EventRecord::Lost { msg, reason } => EventInfo::Lost(brief(msg), reason),
            EventRecord::Timer { node, timer } => EventInfo::Timer { node: *node, timer },
            EventRecord::Held { node, what } => EventInfo::Held { node: *node, what: what.clone() },
            EventRecord::Resume { node } => EventInfo::Resume { node: *node },
            EventRecord::Idle => EventInfo::Idle,
        }
    }
}

/// The event of a step as a sentence about it needs it (the app's caption),
/// the same for every protocol: [`EventRecord`] without its message's
/// payload, read without serializing the step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventInfo {
    Deliver(MsgBrief),
    /// A message lost, and why.
    Lost(MsgBrief, &'static str),
    Timer {
        node: NodeId,
        timer: &'static str,
    },
    Held {
        node: NodeId,
        what: String,
    },
    Resume {
        node: NodeId,
    },
    Idle,
}

/// A message as [`EventInfo`] names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsgBrief {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    /// [`Message::kind`].
    pub kind: &'static str,
    /// [`Message::term`].
    pub term: Option<u64>,
}

/// A line of the event log.
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub step: u64,
    pub time: Tick,
    pub node: Option<NodeId>,
    pub level: Level,
    pub text: String,
}

/// The first broken safety property of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirstViolation {
    pub step: u64,
    pub property: &'static str,
    pub detail: String,
}
