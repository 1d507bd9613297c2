//! Nodes as the trace shows them. Field names and order are a public format:
//!
//! ```json
//! {"id":0,"up":true,"kind":"lock_server","holder":3,"token":34,"expires_at":1200}
//! {"id":3,"up":true,"kind":"client","holds":true,"token":34,"local_time":1180,"valid_until":1950}
//! {"id":7,"up":true,"kind":"storage","writes":[{"client":3,"token":34,"accepted":true,"time":1190}],"highest_token":34}
//! ```
//!
//! Fields after the documented ones are additions: a client's `valid_until`,
//! the storage's `highest_token`, and the coordination node's `queue` and
//! `sessions` (`lock-zk` only). All times are on the node's own clock.

use crate::coordinator::{Entry, Session};
use crate::storage::WriteRecord;
use protocol::{NodeId, Tick};
use serde::Serialize;

/// A node's view: one shape per kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum View {
    LockServer(ServerView),
    Client(ClientView),
    Storage(StorageView),
}

/// A lock server, or the coordination node of `lock-zk`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerView {
    pub id: NodeId,
    pub up: bool,
    /// `"lock_server"`.
    pub kind: &'static str,
    /// The client the server believes holds the lock (for `lock-zk`, the
    /// owner of the lowest entry).
    pub holder: Option<NodeId>,
    /// The token of the current or latest grant; `null` before the first.
    pub token: Option<u64>,
    /// When the holder's lease (for `lock-zk`, its session) runs out on the
    /// server's clock, if someone holds the lock.
    pub expires_at: Option<Tick>,
    /// `lock-zk`: the entries under the lock node, lowest (the holder) first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<Vec<Entry>>,
    /// `lock-zk`: the open sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<Vec<Session>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientView {
    pub id: NodeId,
    pub up: bool,
    /// `"client"`.
    pub kind: &'static str,
    /// Whether the client believes it holds the lock.
    pub holds: bool,
    /// The fencing token it holds the lock with (`null` when it does not
    /// hold it, and always under `redlock`, which has none).
    pub token: Option<u64>,
    /// The client's clock when it last ran (it stands still while the client
    /// is paused or idle; the world's node info has the running clock).
    pub local_time: Tick,
    /// When it believes the lock stops being valid, on its clock.
    pub valid_until: Option<Tick>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StorageView {
    pub id: NodeId,
    pub up: bool,
    /// `"storage"`.
    pub kind: &'static str,
    /// The latest writes, oldest first, accepted or rejected.
    pub writes: Vec<WriteRecord>,
    /// The highest token it accepted (`lock-fenced`, `lock-zk`).
    pub highest_token: Option<u64>,
}
