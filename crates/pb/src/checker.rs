//! The safety property, checked by the world after every step at a cost
//! that does not grow with the run.
//!
//! [`ONE_PRIMARY_PER_EPOCH`]: in any epoch, at most one replica accepts
//! writes as primary (answers `Written`). Each replica records the last
//! epoch it accepted writes in; the checker remembers which replica first
//! accepted in each of the last [`EPOCHS_REMEMBERED`] epochs. With
//! `fencing=none` there is one epoch for the whole run, so a promoted backup
//! that accepts a write breaks it: the checker calls that split brain, as it
//! is when the old primary was only slow.

use crate::{Node, PrimaryBackup};
use protocol::{Checker, NodeId, NodeRef, Violation};
use std::collections::VecDeque;

pub const ONE_PRIMARY_PER_EPOCH: &str = "At most one primary per epoch accepts writes";

/// Epochs whose accepting replica the checker remembers.
pub const EPOCHS_REMEMBERED: usize = 64;

#[derive(Clone, Debug, Default, Hash)]
pub struct PbChecker {
    /// The first replica that accepted writes, per recent epoch.
    firsts: VecDeque<(u64, NodeId)>,
}

impl PbChecker {
    fn saw(&mut self, id: NodeId, epoch: u64) -> Option<Violation> {
        match self.firsts.iter().find(|(e, _)| *e == epoch) {
            Some(&(_, first)) if first != id => Some(Violation::new(
                ONE_PRIMARY_PER_EPOCH,
                format!("replicas {first} and {id} both accepted writes as primary in epoch {epoch}: split brain"),
                [first, id],
            )),
            Some(_) => None,
            None => {
                if self.firsts.len() == EPOCHS_REMEMBERED {
                    self.firsts.pop_front();
                }
                self.firsts.push_back((epoch, id));
                None
            }
        }
    }
}

impl Checker<PrimaryBackup> for PbChecker {
    const PROPERTIES: &'static [&'static str] = &[ONE_PRIMARY_PER_EPOCH];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, PrimaryBackup>]) -> Option<Violation> {
        nodes.iter().find_map(|n| match &n.state.node {
            Node::Replica(r) => r.accepted.and_then(|(epoch, _)| self.saw(n.id, epoch)),
            Node::Client(_) => None,
        })
    }
}
