//! Messages between clients, lock servers, the coordination node and the
//! storage, and the timers every kind of node sets.
//!
//! `attempt` is the client's lock value: a number it never uses twice (it
//! persists its counter), standing for the random value of the Redis
//! description ("a random value unique across all clients and all lock
//! requests") and the GUID of the ZooKeeper recipe. It makes a release safe
//! (only the owner's value frees the lock) and a retried create idempotent.

use protocol::{Message, NodeId, Tick};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum Msg {
    // ---- lease servers: `lock-lease`, `lock-fenced`, `redlock` ----------
    /// `SET lock attempt NX PX ttl_ms`.
    Acquire {
        attempt: u64,
        ttl_ms: Tick,
    },
    /// The lock is the client's for `ttl_ms` of the server's clock. `token`
    /// numbers the server's grants; only `lock-fenced` uses it as a fencing token.
    Granted {
        attempt: u64,
        token: u64,
    },
    /// Someone else holds the lock.
    Refused {
        attempt: u64,
        holder: NodeId,
    },
    /// Delete the lock if it still holds `attempt` (the Redis release script).
    Release {
        attempt: u64,
    },

    // ---- the storage ----------------------------------------------------
    /// Write to the protected resource, with the fencing token if the
    /// algorithm has one.
    Write {
        attempt: u64,
        token: Option<u64>,
    },
    WriteAck {
        attempt: u64,
        accepted: bool,
    },

    // ---- the coordination node: `lock-zk` -------------------------------
    /// Open a session.
    Connect,
    Connected {
        session: u64,
    },
    /// A heartbeat; `sent_at` is the client's clock, echoed back.
    Ping {
        session: u64,
        sent_at: Tick,
    },
    Pong {
        session: u64,
        sent_at: Tick,
    },
    /// The session is gone, and its ephemeral entries with it.
    SessionExpired {
        session: u64,
    },
    /// Create an ephemeral sequential entry under the lock node.
    Create {
        session: u64,
        attempt: u64,
    },
    /// The entry `seq`, and the entry just below it, which the coordination
    /// node now watches for the client (`None`: it is the lowest: the lock).
    Created {
        attempt: u64,
        seq: u64,
        predecessor: Option<u64>,
    },
    /// List the entries again (after a watch fired, or to poll).
    GetChildren {
        session: u64,
        seq: u64,
    },
    Children {
        seq: u64,
        predecessor: Option<u64>,
    },
    /// The client's entry no longer exists.
    Gone {
        seq: u64,
    },
    /// The watched entry `deleted` is gone.
    WatchFired {
        deleted: u64,
    },
    /// Delete the client's entry: release the lock or leave the queue.
    Delete {
        session: u64,
        seq: u64,
    },
    Deleted {
        seq: u64,
    },
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Acquire { .. } => "Acquire",
            Msg::Granted { .. } => "Granted",
            Msg::Refused { .. } => "Refused",
            Msg::Release { .. } => "Release",
            Msg::Write { .. } => "Write",
            Msg::WriteAck { .. } => "WriteAck",
            Msg::Connect => "Connect",
            Msg::Connected { .. } => "Connected",
            Msg::Ping { .. } => "Ping",
            Msg::Pong { .. } => "Pong",
            Msg::SessionExpired { .. } => "SessionExpired",
            Msg::Create { .. } => "Create",
            Msg::Created { .. } => "Created",
            Msg::GetChildren { .. } => "GetChildren",
            Msg::Children { .. } => "Children",
            Msg::Gone { .. } => "Gone",
            Msg::WatchFired { .. } => "WatchFired",
            Msg::Delete { .. } => "Delete",
            Msg::Deleted { .. } => "Deleted",
        }
    }

    fn label(&self) -> String {
        let place = |seq: &u64, predecessor: &Option<u64>| match predecessor {
            None => format!("seq {seq} ✓"),
            Some(p) => format!("seq {seq} · wait {p}"),
        };
        match self {
            Msg::Acquire { .. } => "acquire".into(),
            Msg::Granted { token, .. } => format!("grant {token}"),
            Msg::Refused { .. } => "busy".into(),
            Msg::Release { .. } => "release".into(),
            Msg::Write { token: Some(t), .. } => format!("write {t}"),
            Msg::Write { token: None, .. } => "write".into(),
            Msg::WriteAck { accepted: true, .. } => "ok".into(),
            Msg::WriteAck { accepted: false, .. } => "rejected".into(),
            Msg::Connect => "connect".into(),
            Msg::Connected { session } => format!("session {session}"),
            Msg::Ping { .. } => "ping".into(),
            Msg::Pong { .. } => "pong".into(),
            Msg::SessionExpired { .. } => "expired".into(),
            Msg::Create { .. } => "create".into(),
            Msg::Created { seq, predecessor, .. } | Msg::Children { seq, predecessor } => place(seq, predecessor),
            Msg::GetChildren { .. } => "children?".into(),
            Msg::Gone { seq } => format!("gone {seq}"),
            Msg::WatchFired { deleted } => format!("watch {deleted}"),
            Msg::Delete { seq, .. } => format!("delete {seq}"),
            Msg::Deleted { seq } => format!("deleted {seq}"),
        }
    }
}

/// Every timer of every kind of node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum LockTimer {
    /// Lock server: the lease runs out on the server's clock.
    Expire,
    /// Client: the back-off before it tries (or connects) again.
    Retry,
    /// Client: an answer it waits for is late.
    Timeout,
    /// Client: its lease runs out on its own clock; it no longer holds the lock.
    Lease,
    /// Client: the work done while holding the lock is finished; write.
    Work,
    /// `lock-zk` client: send a heartbeat.
    Ping,
    /// `lock-zk` client: no heartbeat answered for a session timeout by its
    /// clock, so it must assume its session (and its lock) gone.
    SessionLost,
    /// `lock-zk` coordination node: a session's timeout, re-armed by every
    /// heartbeat.
    Session(u64),
}

impl protocol::Timer for LockTimer {
    fn name(&self) -> &'static str {
        match self {
            LockTimer::Expire => "expire",
            LockTimer::Retry => "retry",
            LockTimer::Timeout => "timeout",
            LockTimer::Lease => "lease",
            LockTimer::Work => "work",
            LockTimer::Ping => "ping",
            LockTimer::SessionLost | LockTimer::Session(_) => "session",
        }
    }
}

/// " with token 7" for a write that carries one, nothing for one that does
/// not: part of a note, formatted only when the note is kept.
pub(crate) struct WithToken(pub Option<u64>);

impl std::fmt::Display for WithToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(t) => write!(f, " with token {t}"),
            None => Ok(()),
        }
    }
}
