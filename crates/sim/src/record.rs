//! What the world records of a step: the event, log lines, violations.
//! These serialize straight into the trace JSON.

use crate::action::MsgId;
use crate::world::Envelope;
use protocol::{Level, NodeId, Tick};
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
