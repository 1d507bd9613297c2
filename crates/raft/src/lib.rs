//! Raft consensus as a pure state machine.
//!
//! Follows Figure 2 of Ongaro & Ousterhout, "In Search of an Understandable
//! Consensus Algorithm (Extended Version)", 2014: leader election with
//! randomized timeouts (§5.2), log replication with the consistency check
//! and conflict repair (§5.3), the election restriction and the rule that a
//! leader commits only entries of its own term by counting replicas (§5.4).
//!
//! Drive a [`Raft`] node through the [`protocol::Protocol`] trait:
//!
//! 1. `Raft::new(id, &cluster, &config, durable)` builds a follower, from
//!    scratch or from the [`Durable`] state a crashed node persisted.
//! 2. `step(now, Input::Start, &mut out)` arms its election timer.
//! 3. Feed it delivered [`Msg`]s, fired [`RaftTimer`]s and client requests;
//!    carry out what it pushes into `out`: persist `current_term`,
//!    `voted_for` and the log *before* sending what depends on them.
//! 4. [`RaftChecker`] checks the five safety properties of the paper's
//!    Figure 3 across all nodes, at a cost per step that does not grow with
//!    the logs or the run.
//! 5. Each client request is reported as a Jepsen operation
//!    ([`protocol::Out::op`]): `:fail` at a server that is not the leader,
//!    `:ok` or `:fail` once its index commits (see `clients.rs`).
//! 6. To see the checker fail, set [`RaftConfig::bug`] to one of the
//!    deliberately broken variants in [`BUGS`] (option `bug=NAME`).
//!
//! The node never reads a clock or draws a random number: election timeouts
//! are asked for as a range and the world picks the value.

mod bug;
mod checker;
mod chunked;
mod clients;
mod config;
mod log;
mod message;
mod present;
mod raft;

pub use bug::{Bug, BUGS};
pub use checker::{
    RaftChecker, ELECTION_SAFETY, LEADER_APPEND_ONLY, LEADER_COMPLETENESS, LOG_MATCHING, STATE_MACHINE_SAFETY,
};
pub use clients::MAX_WAITING_OPS;
pub use config::{RaftConfig, MAX_NODES};
pub use log::{Entry, Log};
pub use message::Msg;
pub use present::{GRID_COLUMNS, INSPECT_ENTRIES};
pub use raft::{Durable, Raft, RaftTimer, RaftView, Role};
