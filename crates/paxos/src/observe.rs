//! What the checker reads of a Paxos node, whichever variant it is.

use crate::acceptor::Acceptor;
use crate::journal::Journal;
use crate::learner::Learner;
use crate::message::Value;
use crate::roles::{Roles, PROPOSALS};

pub trait Observable {
    /// Whether a new leader may fill gaps with `no-op` (Multi-Paxos).
    fn no_op_allowed(&self) -> bool;
    /// The parts every variant shares.
    fn roles(&self) -> &Roles;
    /// The acceptor state, if the node is an acceptor.
    fn acceptor(&self) -> Option<&Acceptor> {
        self.roles().acceptor.as_deref()
    }
    fn learner(&self) -> &Learner {
        &self.roles().learner
    }
    /// The latest client values this node proposed, with their slots.
    fn proposals(&self) -> &Journal<(u64, Value), PROPOSALS> {
        &self.roles().proposals
    }
    /// Acceptors needed for a majority.
    fn quorum(&self) -> usize {
        self.roles().quorum
    }
}
