//! The store's messages. Transfers list every key they carry, so the canvas
//! and the trace show exactly what moves.

use super::membership::{Status, View};
use protocol::{Message, NodeId};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A write's version: a Lamport counter, then the coordinator's id to break
/// ties. Later writes get higher versions; a replica keeps the highest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Version {
    pub counter: u64,
    pub node: NodeId,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.counter, self.node)
    }
}

/// A key with its value and version, as it travels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Item {
    pub key: Arc<str>,
    pub value: Arc<str>,
    pub version: Version,
}

/// "I hold `key` at `version` (or newer) and it is mine to keep."
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Held {
    pub key: Arc<str>,
    pub version: Version,
}

/// A range of the ring, positions in `(start, end]`, wrapping when `start >= end`.
pub type Range = [u64; 2];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum Msg {
    /// The sender's own membership entry changed (it joins, became a member, leaves, left).
    Announce {
        status: Status,
        inc: u32,
    },
    AnnounceAck {
        inc: u32,
    },
    /// The sender's view, sent now and then to one peer; answered with the
    /// receiver's own if it knows something the sender does not.
    Gossip {
        view: View,
    },
    /// A joining node asks an old owner for the ranges it now owns.
    Pull {
        inc: u32,
        ranges: Vec<Range>,
    },
    /// The answer to a pull: the keys of those ranges. The sender keeps a
    /// copy of `copies` (it is still on their preference lists) and gives
    /// `handoffs` away.
    Transfer {
        round: u32,
        copies: Vec<Item>,
        handoffs: Vec<Item>,
    },
    /// Copies of keys the sender is responsible for, to the rest of their
    /// preference lists: a put's replication, or a resend.
    Replicate {
        round: u32,
        items: Vec<Item>,
    },
    /// Keys the sender is no longer responsible for, to their new owners
    /// (a leaving node's data). Carries the sender's entry so the receiver
    /// knows why.
    Handoff {
        round: u32,
        status: Status,
        inc: u32,
        items: Vec<Item>,
    },
    /// The receiver of a transfer, replication or hand-off now holds these
    /// keys and is responsible for them. `round` echoes the request's, so a
    /// confirmation from before the sender's view last changed is ignored.
    Confirm {
        round: u32,
        held: Vec<Held>,
    },
    /// The receiver is not responsible for these keys; here is its view.
    Refuse {
        keys: Vec<Arc<str>>,
        view: View,
    },
    /// A client's put on its way to the key's owner.
    Put {
        req: u64,
        client: NodeId,
        key: Arc<str>,
        value: Arc<str>,
        hops: u8,
    },
    /// The put is stored on every node of the key's preference list.
    PutOk {
        req: u64,
        key: Arc<str>,
        version: Version,
    },
    /// A client's get on its way to the key's owner.
    Get {
        req: u64,
        client: NodeId,
        key: Arc<str>,
        hops: u8,
    },
    GetReply {
        req: u64,
        key: Arc<str>,
        value: Option<Arc<str>>,
        version: Option<Version>,
    },
    /// A put or get that could not be served.
    Failed {
        req: u64,
        key: Arc<str>,
        reason: String,
    },
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Announce { .. } => "Announce",
            Msg::AnnounceAck { .. } => "AnnounceAck",
            Msg::Gossip { .. } => "Gossip",
            Msg::Pull { .. } => "Pull",
            Msg::Transfer { .. } => "Transfer",
            Msg::Replicate { .. } => "Replicate",
            Msg::Handoff { .. } => "Handoff",
            Msg::Confirm { .. } => "Confirm",
            Msg::Refuse { .. } => "Refuse",
            Msg::Put { .. } => "Put",
            Msg::PutOk { .. } => "PutOk",
            Msg::Get { .. } => "Get",
            Msg::GetReply { .. } => "GetReply",
            Msg::Failed { .. } => "Failed",
        }
    }

    fn label(&self) -> String {
        match self {
            Msg::Announce { status, .. } => status.name().to_string(),
            Msg::AnnounceAck { .. } => "ack".into(),
            Msg::Gossip { .. } => "view".into(),
            Msg::Pull { ranges, .. } => format!("pull {}", ranges.len()),
            Msg::Transfer { copies, handoffs, .. } => {
                let n = copies.len() + handoffs.len();
                format!("{n} key{}", protocol::plural(n as u64))
            }
            Msg::Replicate { items, .. } if items.len() == 1 => format!("rep {}", items[0].key),
            Msg::Replicate { items, .. } => format!("rep {}", items.len()),
            Msg::Handoff { items, .. } => format!("hand {}", items.len()),
            Msg::Confirm { held, .. } => format!("✓ {}", held.len()),
            Msg::Refuse { keys, .. } => format!("✗ {}", keys.len()),
            Msg::Put { key, .. } => format!("put {key}"),
            Msg::PutOk { key, .. } => format!("ok {key}"),
            Msg::Get { key, .. } => format!("get {key}"),
            Msg::GetReply { value: Some(v), .. } => format!("= {v}"),
            Msg::GetReply { .. } => "none".into(),
            Msg::Failed { .. } => "failed".into(),
        }
    }
}
