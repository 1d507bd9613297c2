//! ABD's interchangeable nodes, for the model checker's symmetry reduction
//! ([`protocol::Symmetric`]): the server replicas, nodes `0..servers`.
//! Clients are not: each one's workload (which key, read or write) and the
//! timestamps it writes with are drawn from its id.
//!
//! Why renaming servers commutes with every step (the precondition):
//!
//! - A server answers the sender and keeps its registers; it never names
//!   another server, and what it persists is its registers.
//! - A client sends each phase to every server (a set every renaming maps
//!   onto itself), re-sends to those that have not answered, and counts a
//!   majority of answers in a bit set of server ids, renamed bit by bit. It
//!   keeps the highest timestamp reported; equal timestamps carry equal
//!   values (a timestamp is a counter and its writer, one write each), so
//!   which server reported it first never matters.
//! - Messages, timers and registers name operations, keys and timestamps
//!   (whose writer is a client, never renamed), not servers.
//! - The checker watches the clients' operations only.

use crate::{Abd, AbdChecker, AbdDurable, AbdMsg, Node};
use protocol::{Cluster, NodeId, Renaming, Symmetric};

impl Symmetric for Abd {
    fn interchangeable(cluster: &Cluster, config: &Self::Config) -> Vec<Vec<NodeId>> {
        let servers: Vec<NodeId> = (0..config.servers.min(cluster.nodes)).collect();
        if servers.len() > 1 {
            vec![servers]
        } else {
            Vec::new()
        }
    }

    fn rename(&mut self, renaming: &Renaming) {
        self.id = renaming.id(self.id);
        if let Node::Client(c) = &mut self.node {
            if let Some(current) = &mut c.current {
                current.answered = renaming.bits(current.answered);
            }
        }
    }

    fn rename_msg(_msg: &mut AbdMsg, _renaming: &Renaming) {}

    fn rename_durable(_durable: &mut AbdDurable, _renaming: &Renaming) {}

    fn rename_checker(_checker: &mut AbdChecker, _renaming: &Renaming) {}

    const MSGS_NAME_NODES: bool = false;
}
