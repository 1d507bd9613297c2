//! The protected resource: a storage node the clients write to while they
//! believe they hold the lock.
//!
//! Under `lock-lease` and `redlock` it accepts every write. Under
//! `lock-fenced` and `lock-zk` it checks the fencing token as in Kleppmann's
//! "How to do distributed locking" (2016): a write whose token is lower than
//! the highest it has seen is rejected; the highest token is persisted with
//! the data, so a restart does not forget it.
//!
//! Every write, accepted or rejected, is logged with the writer, the token,
//! the verdict and the storage's clock; the last [`WRITES_KEPT`] are kept.

use crate::bug::Bug;
use crate::config::{LockConfig, Variant, WRITES_KEPT};
use crate::message::{LockTimer, Msg};
use protocol::{Input, Level, NodeId, Out, Tick};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Arc;

type LockOut = Out<Msg, LockTimer, crate::Durable>;

/// One write as the storage logged it. The first four fields are its view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct WriteRecord {
    pub client: NodeId,
    pub token: Option<u64>,
    pub accepted: bool,
    /// The storage's clock when the write arrived.
    pub time: Tick,
    /// The writer's lock value, for the checker.
    #[serde(skip)]
    pub attempt: u64,
    /// Position in the log since the beginning (0 = the first write ever).
    #[serde(skip)]
    pub index: u64,
}

/// The storage's log of writes, shared between the node, what it persisted
/// and the world's snapshots: persisting or cloning costs a reference count;
/// the next write copies it once (`Arc::make_mut`), at most [`WRITES_KEPT`].
pub type WriteLog = Arc<VecDeque<WriteRecord>>;

/// What the storage keeps across a crash: its data, which here is the log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StorageDurable {
    pub highest_token: Option<u64>,
    pub writes: WriteLog,
    pub total: u64,
    pub rejected: u64,
}

/// The storage node.
#[derive(Clone, Debug, Hash)]
pub struct Storage {
    // Configuration.
    id: NodeId,
    fencing: bool,
    /// Persist the highest token (every correct storage does).
    keeps_highest: bool,

    // Persistent state.
    highest_token: Option<u64>,
    writes: WriteLog,
    /// Writes received since the beginning.
    total: u64,
    /// Writes rejected since the beginning.
    rejected: u64,
}

impl Storage {
    pub fn new(id: NodeId, variant: Variant, config: &LockConfig, durable: Option<&StorageDurable>) -> Self {
        let fencing = variant.fencing() && !config.has_bug(Bug::NoFencing);
        let keeps_highest = !config.has_bug(Bug::StorageForgetsHighest);
        let d = durable.cloned().unwrap_or_default();
        Self {
            id,
            fencing,
            keeps_highest,
            highest_token: d.highest_token,
            writes: d.writes,
            total: d.total,
            rejected: d.rejected,
        }
    }

    pub fn fencing(&self) -> bool {
        self.fencing
    }
    /// The highest token accepted so far (fencing only).
    pub fn highest_token(&self) -> Option<u64> {
        self.highest_token
    }
    /// The latest writes, oldest first.
    pub fn writes(&self) -> &VecDeque<WriteRecord> {
        &self.writes
    }
    /// Writes received since the beginning, including those no longer kept.
    pub fn total(&self) -> u64 {
        self.total
    }
    /// Writes rejected since the beginning.
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    pub fn durable(&self) -> StorageDurable {
        StorageDurable {
            highest_token: if self.keeps_highest { self.highest_token } else { None },
            writes: self.writes.clone(),
            total: self.total,
            rejected: self.rejected,
        }
    }

    pub fn step(&mut self, now: Tick, input: Input<Msg, LockTimer>, out: &mut LockOut) {
        if let Input::Message { from, msg: Msg::Write { attempt, token } } = input {
            self.on_write(now, from, attempt, token, out);
        }
    }

    fn on_write(&mut self, now: Tick, from: NodeId, attempt: u64, token: Option<u64>, out: &mut LockOut) {
        let accepted = match (self.fencing, token, self.highest_token) {
            (false, _, _) => true,
            // Kleppmann's rule: reject a token lower than the highest seen.
            (true, Some(t), Some(highest)) => t >= highest,
            (true, Some(_), None) => true,
            (true, None, _) => false,
        };
        if accepted && self.fencing {
            self.highest_token = self.highest_token.max(token);
        }
        let writes = Arc::make_mut(&mut self.writes);
        if writes.len() == WRITES_KEPT {
            writes.pop_front();
        }
        writes.push_back(WriteRecord { client: from, token, accepted, time: now, attempt, index: self.total });
        self.total += 1;
        self.rejected += u64::from(!accepted);
        // The write is durable before the client hears it landed.
        out.persist(self.durable());
        out.send(from, Msg::WriteAck { attempt, accepted });
        let with = crate::message::WithToken(token);
        if accepted {
            out.emit(Level::Info, format_args!("storage {} accepts the write of client {from}{with}", self.id));
        } else {
            let highest = self.highest_token.map_or("a token".to_string(), |h| format!("token {h}"));
            out.emit(
                Level::Notice,
                format_args!("storage {} rejects the write of client {from}{with}: it has seen {highest}", self.id),
            );
        }
    }
}
