//! Paxos messages (Paxos Made Simple §2.2–§3). Single-decree Paxos uses
//! slot 0 only; Multi-Paxos adds heartbeats and catch-up.

use crate::ballot::Ballot;
use protocol::Message;
use serde::Serialize;
use std::sync::Arc;

/// A proposal value: a client's command, or `no-op` to fill a gap.
pub type Value = Arc<str>;

/// The no-op a new Multi-Paxos leader proposes for a slot with nothing accepted.
pub const NO_OP: &str = "no-op";

/// An acceptor's accepted proposal for one slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct SlotValue {
    pub slot: u64,
    pub ballot: Ballot,
    pub value: Value,
}

/// A chosen value for one slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Chosen {
    pub slot: u64,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum Msg {
    /// Phase 1a: "a prepare request with number n", for every slot from `from_slot` on.
    Prepare { ballot: Ballot, from_slot: u64 },
    /// Phase 1b: the promise, with the highest-numbered proposal accepted in each slot.
    Promise { ballot: Ballot, accepted: Vec<SlotValue> },
    /// Phase 2a: "an accept request ... with number n and value v".
    Accept { ballot: Ballot, slot: u64, value: Value },
    /// Phase 2b: an acceptor tells the learners it accepted (§2.3).
    Accepted { ballot: Ballot, slot: u64, value: Value },
    /// The acceptor has promised a higher ballot: give up this one.
    Nack { ballot: Ballot, promised: Ballot },
    /// Multi-Paxos: the leader is alive; `chosen_upto` slots are chosen.
    Heartbeat { ballot: Ballot, chosen_upto: u64 },
    /// Multi-Paxos: a learner missed chosen values from `from_slot` on.
    CatchUp { from_slot: u64 },
    /// Multi-Paxos: chosen values, for a learner catching up.
    Decided { chosen: Vec<Chosen> },
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Prepare { .. } => "Prepare",
            Msg::Promise { .. } => "Promise",
            Msg::Accept { .. } => "Accept",
            Msg::Accepted { .. } => "Accepted",
            Msg::Nack { .. } => "Nack",
            Msg::Heartbeat { .. } => "Heartbeat",
            Msg::CatchUp { .. } => "CatchUp",
            Msg::Decided { .. } => "Decided",
        }
    }

    fn label(&self) -> String {
        match self {
            Msg::Prepare { ballot, .. } => format!("prep {ballot}"),
            Msg::Promise { ballot, accepted } => match accepted.iter().max_by_key(|a| a.ballot) {
                Some(a) => format!("prom {ballot} ({}:{})", a.ballot, a.value),
                None => format!("prom {ballot}"),
            },
            Msg::Accept { ballot, value, .. } => format!("acc {ballot} {value}"),
            Msg::Accepted { ballot, value, .. } => format!("ok {ballot} {value}"),
            Msg::Nack { promised, .. } => format!("nack {promised}"),
            Msg::Heartbeat { ballot, .. } => format!("♥ {ballot}"),
            Msg::CatchUp { from_slot } => format!("catch-up {from_slot}"),
            Msg::Decided { chosen } => format!("decided +{}", chosen.len()),
        }
    }
}
