//! ABD's messages, timers, timestamps and what a node keeps across a crash.

use protocol::flat::FlatMap;
use protocol::linearizable::Value;
use protocol::{Message, NodeId, Timer};
use serde::Serialize;

/// A write's timestamp: a counter, ties broken by the writer's id, so two
/// writers that read the same maximum still write distinct timestamps
/// (the multi-writer extension of ABD, Lynch & Shvartsman 1997).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
pub struct Ts {
    pub counter: u64,
    pub writer: NodeId,
}

impl std::fmt::Display for Ts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.counter, self.writer)
    }
}

/// A register as a server holds it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Hash)]
pub struct Stored {
    pub ts: Ts,
    pub value: Value,
}

/// Register names: key 0 is `x`.
pub const KEYS: [&str; 3] = ["x", "y", "z"];

pub fn key_name(key: u8) -> &'static str {
    KEYS.get(usize::from(key)).copied().unwrap_or("?")
}

/// `op` is the client's operation number: replies to an older operation
/// are stale and ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum AbdMsg {
    /// Phase 1: what do you hold for `key`?
    Query {
        op: u64,
        key: u8,
    },
    QueryReply {
        op: u64,
        key: u8,
        stored: Stored,
    },
    /// Phase 2: store this if it is newer than what you hold.
    Update {
        op: u64,
        key: u8,
        stored: Stored,
    },
    UpdateAck {
        op: u64,
        key: u8,
    },
}

impl Message for AbdMsg {
    fn kind(&self) -> &'static str {
        match self {
            AbdMsg::Query { .. } => "Query",
            AbdMsg::QueryReply { .. } => "QueryReply",
            AbdMsg::Update { .. } => "Update",
            AbdMsg::UpdateAck { .. } => "UpdateAck",
        }
    }
    fn label(&self) -> String {
        use protocol::linearizable::Shown;
        match self {
            AbdMsg::Query { key, .. } => format!("Q {}", key_name(*key)),
            AbdMsg::QueryReply { stored, .. } => format!("{} @{}", Shown(stored.value), stored.ts),
            AbdMsg::Update { key, stored, .. } => {
                format!("U {}={} @{}", key_name(*key), Shown(stored.value), stored.ts)
            }
            AbdMsg::UpdateAck { .. } => "ack".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum AbdTimer {
    /// A client's think time is over: start the next operation.
    Next,
    /// A client re-sends its phase's message to the servers that have not
    /// answered (the network may lose it).
    Resend,
}

impl Timer for AbdTimer {
    fn name(&self) -> &'static str {
        match self {
            AbdTimer::Next => "next",
            AbdTimer::Resend => "resend",
        }
    }
}

/// What survives a crash: a server's registers (an update is acknowledged
/// only once stored), a client's operation counter (so a reply to an
/// operation from before the crash is never taken for a new one's) and the
/// highest timestamp counter it has written with (so a restarted writer
/// never writes a second value under a timestamp it used before).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AbdDurable {
    Server(FlatMap<u8, Stored>),
    Client { ops: u64, counter: u64 },
}
