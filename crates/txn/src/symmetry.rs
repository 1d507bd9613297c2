//! Two- and three-phase commit's interchangeable nodes, for the model
//! checker's symmetry reduction ([`protocol::Symmetric`]).
//!
//! The coordinator (node 0) is fixed; the participants are interchangeable
//! among those that vote alike (option `vote_no` splits them in two
//! groups), as Stateright's `2pc check-sym` treats its resource managers.
//!
//! Why renaming participants commutes with every step (the precondition):
//!
//! - The coordinator sends to every participant (a set every renaming
//!   maps onto itself), answers the sender, and keeps the votes and acks as
//!   bit sets compared with "all of them": renamed bit by bit.
//! - A participant talks to the coordinator, to the sender, or (asking in
//!   doubt, Skeen's termination protocol) to every other participant: the
//!   same set after renaming it with the others. What it votes depends only
//!   on `vote_no`, which a renaming keeps (groups never mix the two). Its
//!   own id appears in its state only to name it in the log.
//! - Messages, timers and what a node logs name transactions, votes and
//!   decisions, never a node.
//! - The checker's last logged decision per node moves with its node, and
//!   the participant that first reached an outcome is renamed; Atomicity
//!   and Decision Durability compare decisions, not ids.

use crate::commit::{CommitDurable, CommitMsg, COORDINATOR};
use crate::{Commit, CommitChecker, Phases};
use protocol::{Cluster, NodeId, Renaming, Symmetric};

impl<K: Phases> Symmetric for Commit<K> {
    fn interchangeable(cluster: &Cluster, config: &K::Config) -> Vec<Vec<NodeId>> {
        let vote_no = &K::settings(config).vote_no;
        let participants = (0..cluster.nodes).filter(|&id| id != COORDINATOR);
        let (no, yes): (Vec<NodeId>, Vec<NodeId>) = participants.partition(|id| vote_no.contains(id));
        [yes, no].into_iter().filter(|g| g.len() > 1).collect()
    }

    fn rename(&mut self, renaming: &Renaming) {
        self.id = renaming.id(self.id);
        self.node.rename(renaming);
    }

    fn rename_msg(_msg: &mut CommitMsg, _renaming: &Renaming) {}

    fn rename_durable(_durable: &mut CommitDurable, _renaming: &Renaming) {}

    fn rename_checker(checker: &mut CommitChecker, renaming: &Renaming) {
        checker.rename(renaming);
    }

    const MSGS_NAME_NODES: bool = false;
}
