//! What the client and the replicas say to each other, and their timers.

use protocol::{Message, NodeId, Timer};
use serde::Serialize;

/// One write in a replica's log: the client's write `id`, its value, and
/// the epoch of the primary that ordered it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Entry {
    pub epoch: u64,
    pub id: u64,
    pub value: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum PbMsg {
    /// "I am alive, in `epoch`, as primary (with its view) or backup (an empty view)."
    Heartbeat { epoch: u64, primary: bool, view: Vec<NodeId> },
    /// Client to the replica it believes is primary.
    // `write`, not `id`: a message's fields sit beside its envelope's (id,
    // from, to) in traces, and a second `id` would be a duplicate key.
    Write {
        #[serde(rename = "write")]
        id: u64,
        value: u64,
    },
    /// Primary to backup: append this write, ordered in `epoch`.
    Replicate { epoch: u64, entry: Entry },
    /// Backup to primary: appended.
    Ack {
        epoch: u64,
        #[serde(rename = "write")]
        id: u64,
    },
    /// Backup to a deposed primary: your epoch is over, this is the current one.
    Stale { epoch: u64 },
    /// Primary to client: the write is accepted (on every replica of its view).
    Written {
        #[serde(rename = "write")]
        id: u64,
        epoch: u64,
    },
    /// A replica that is not primary (any more) to the client.
    NotPrimary {
        #[serde(rename = "write")]
        id: u64,
        epoch: u64,
    },
    /// A primary to a backup rejoining its epoch: the log to take over.
    Sync { epoch: u64, log: Vec<Entry>, len: u64 },
}

impl Message for PbMsg {
    fn kind(&self) -> &'static str {
        match self {
            PbMsg::Heartbeat { .. } => "Heartbeat",
            PbMsg::Write { .. } => "Write",
            PbMsg::Replicate { .. } => "Replicate",
            PbMsg::Ack { .. } => "Ack",
            PbMsg::Stale { .. } => "Stale",
            PbMsg::Written { .. } => "Written",
            PbMsg::NotPrimary { .. } => "NotPrimary",
            PbMsg::Sync { .. } => "Sync",
        }
    }

    fn label(&self) -> String {
        match self {
            PbMsg::Heartbeat { epoch, primary, .. } => format!("♥ e{epoch}{}", if *primary { " P" } else { "" }),
            PbMsg::Write { id, .. } => format!("w{id}"),
            PbMsg::Replicate { epoch, entry } => format!("rep w{} e{epoch}", entry.id),
            PbMsg::Ack { id, .. } => format!("ack w{id}"),
            PbMsg::Stale { epoch } => format!("stale < e{epoch}"),
            PbMsg::Written { id, epoch } => format!("ok w{id} e{epoch}"),
            PbMsg::NotPrimary { id, .. } => format!("not primary w{id}"),
            PbMsg::Sync { epoch, len, .. } => format!("sync e{epoch} ({len})"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum PbTimer {
    /// A replica's beat: send a heartbeat, look at the detector, re-send pending replication.
    Heartbeat,
    /// The client's next write.
    Write,
    /// The client has waited long enough for an answer.
    Reply,
}

impl Timer for PbTimer {
    fn name(&self) -> &'static str {
        match self {
            PbTimer::Heartbeat => "heartbeat",
            PbTimer::Write => "write",
            PbTimer::Reply => "reply",
        }
    }
}
