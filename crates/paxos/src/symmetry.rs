//! Single-decree Paxos's interchangeable nodes, for the model checker's
//! symmetry reduction ([`protocol::Symmetric`]).
//!
//! Proposers are never interchangeable: a ballot is `(round, proposer)` and
//! two ballots of one round are ordered by their proposers' ids, so
//! renaming two proposers changes which one preempts the other. The nodes
//! that propose nothing are, split into acceptors and pure learners (a
//! renaming must keep each node's roles): with the checker's model of
//! 2 proposers and 3 acceptors on 5 nodes, the acceptors 2, 3 and 4.
//!
//! Why renaming them commutes with every step (the precondition):
//!
//! - An acceptor's answers depend only on ballots and its own promise and
//!   acceptances (§2.2); it answers the sender (renamed with it) and tells
//!   every node, a set every renaming maps onto itself. A request to a
//!   node that does not propose is dropped whoever it is.
//! - A proposer counts promises from a set of acceptors (the keys are
//!   renamed) and adopts the value of the highest ballot reported; two
//!   acceptors reporting one ballot report one value, since a proposer
//!   sends one value per ballot, so which of them is "last" never matters.
//!   A learner counts how many acceptors accepted a ballot, not which.
//! - Messages name only ballots, and so only proposers: their payloads are
//!   unchanged ([`Symmetric::MSGS_NAME_NODES`] is false), as is what a node
//!   persists (its round, promise, acceptances and chosen value).
//! - The checker's per-node records move with their node, and a tally's
//!   voters are renamed; every property counts a majority or compares
//!   ballots and values, never asks which acceptor it was. Which node a
//!   violation names may change; whether there is one does not.

use crate::{Durable, Msg, Paxos, PaxosChecker};
use protocol::{Cluster, NodeId, Renaming, Symmetric};

impl Symmetric for Paxos {
    fn interchangeable(cluster: &Cluster, config: &Self::Config) -> Vec<Vec<NodeId>> {
        let n = cluster.nodes;
        let others = (0..n).filter(|&id| !config.is_proposer(id, n));
        let (acceptors, learners): (Vec<NodeId>, Vec<NodeId>) = others.partition(|&id| config.is_acceptor(id, n));
        [acceptors, learners].into_iter().filter(|g| g.len() > 1).collect()
    }

    fn rename(&mut self, renaming: &Renaming) {
        Paxos::rename(self, renaming);
    }

    fn rename_msg(_msg: &mut Msg, _renaming: &Renaming) {}

    fn rename_durable(_durable: &mut Durable, _renaming: &Renaming) {}

    fn rename_checker(checker: &mut PaxosChecker, renaming: &Renaming) {
        checker.rename(renaming);
    }

    const MSGS_NAME_NODES: bool = false;
}
