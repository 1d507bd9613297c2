//! What the checker reads of a Paxos node, whichever variant it is.

use crate::acceptor::Acceptor;
use crate::learner::Learner;
use crate::message::Value;

pub trait Observable {
    /// Whether a new leader may fill gaps with `no-op` (Multi-Paxos).
    const NO_OP_ALLOWED: bool;
    /// The acceptor state, if the node is an acceptor.
    fn acceptor(&self) -> Option<&Acceptor>;
    fn learner(&self) -> &Learner;
    /// Values clients asked this node to propose.
    fn requested(&self) -> &[Value];
    /// Acceptors needed for a majority.
    fn quorum(&self) -> usize;
}
