//! Paxos, after Leslie Lamport's "Paxos Made Simple" (2001).
//!
//! Two protocols share acceptors, learners, ballots, messages and checker:
//!
//! - [`Paxos`] (`--algo paxos`): single-decree Paxos with proposers,
//!   acceptors and learners placed on nodes by [`PaxosConfig`] (default:
//!   two proposers, three acceptors, every node a learner). Two proposers can
//!   duel forever unless they back off (`backoff`).
//! - [`MultiPaxos`] (`--algo multipaxos`): a distinguished leader runs phase 1
//!   once for all future slots, then one phase-2 round per client command; a
//!   new leader adopts what acceptors accepted in open slots and fills gaps
//!   with no-ops.
//!
//! Drive a node through [`protocol::Protocol`]: build it with `new` (from the
//! [`Durable`] state after a crash: a proposer's round, an acceptor's promise
//! and accepted proposals, a learner's chosen values), feed it `Start`, client
//! requests (a value to propose), messages and timers, and carry out its
//! commands. [`PaxosChecker`] checks Agreement, Validity, Promise Integrity
//! and Stability after every step.

mod acceptor;
mod any;
mod ballot;
mod bug;
mod checker;
mod clients;
mod config;
mod journal;
mod learner;
mod message;
mod multi;
mod observe;
pub mod present;
mod roles;
mod shared;
mod single;
mod slots;
mod symmetry;
mod view;

pub use acceptor::Acceptor;
pub use any::{AnyPaxos, AnyPaxosConfig};
pub use ballot::Ballot;
pub use bug::{Bug, BUGS, MADE_UP};
pub use checker::{PaxosChecker, AGREEMENT, PROMISE_INTEGRITY, STABILITY, VALIDITY};
pub use config::{PaxosConfig, Placement, MAX_NODES};
pub use journal::Journal;
pub use learner::{Decision, Learner, DECISIONS};
pub use message::{Chosen, Msg, SlotValue, Value, NO_OP};
pub use multi::{Lead, MultiPaxos};
pub use observe::Observable;
pub use roles::Roles;
pub use single::{Paxos, Phase};
pub use slots::Slots;
pub use view::PaxosView;

use serde::Serialize;

/// Paxos timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum PaxosTimer {
    /// A proposer's phase took too long, or its back-off ended: next ballot.
    Retry,
    /// Multi-Paxos: no leader heard from; try to lead.
    LeaderTimeout,
    /// Multi-Paxos: the leader's heartbeat.
    Heartbeat,
}

impl protocol::Timer for PaxosTimer {
    fn name(&self) -> &'static str {
        match self {
            PaxosTimer::Retry => "retry",
            PaxosTimer::LeaderTimeout => "leader_timeout",
            PaxosTimer::Heartbeat => "heartbeat",
        }
    }
}

/// What a Paxos node keeps on stable storage.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// A proposer's highest round, so it never reuses a ballot.
    pub round: u64,
    /// An acceptor's promise.
    pub promised: Option<Ballot>,
    /// An acceptor's accepted proposals by slot (shared with the acceptor
    /// chunk by chunk, so a persist copies no values).
    pub accepted: Slots<(Ballot, Value)>,
    /// A learner's chosen values by slot (shared likewise).
    pub chosen: Slots<Value>,
}

impl Clone for Durable {
    fn clone(&self) -> Self {
        Self {
            round: self.round,
            promised: self.promised,
            accepted: self.accepted.clone(),
            chosen: self.chosen.clone(),
        }
    }

    /// Into this copy's chunk lists (see `Paxos`'s `clone_from`).
    fn clone_from(&mut self, source: &Self) {
        let Self { round, promised, accepted, chosen } = self;
        *round = source.round;
        *promised = source.promised;
        accepted.clone_from(&source.accepted);
        chosen.clone_from(&source.chosen);
    }
}
