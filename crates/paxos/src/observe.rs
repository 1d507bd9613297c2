//! What the checker reads of a Paxos node, whichever variant it is.

use crate::acceptor::Acceptor;
use crate::learner::Learner;
use crate::message::Value;
use crate::roles::Roles;

pub trait Observable {
    /// Whether a new leader may fill gaps with `no-op` (Multi-Paxos).
    const NO_OP_ALLOWED: bool;
    /// The parts every variant shares.
    fn roles(&self) -> &Roles;
    /// The acceptor state, if the node is an acceptor.
    fn acceptor(&self) -> Option<&Acceptor> {
        self.roles().acceptor.as_ref()
    }
    fn learner(&self) -> &Learner {
        &self.roles().learner
    }
    /// Values clients asked this node to propose.
    fn requested(&self) -> &[Value] {
        &self.roles().requested
    }
    /// Acceptors needed for a majority.
    fn quorum(&self) -> usize {
        self.roles().quorum
    }
}
