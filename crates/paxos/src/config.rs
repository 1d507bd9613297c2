//! Settings shared by every node, and which roles each node plays.

use crate::bug::Bug;
use protocol::{NodeId, Tick};
use serde::Serialize;

/// How roles are placed on nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// The first `proposers` nodes propose, the last `acceptors` nodes
    /// accept (the two sets overlap when they add up to more than the
    /// cluster); every node learns.
    Split,
    /// Every node plays every role.
    All,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct PaxosConfig {
    pub placement: Placement,
    pub proposers: u32,
    pub acceptors: u32,
    /// Randomized back-off before a proposer retries. Without it two
    /// proposers can preempt each other forever (§2.4).
    pub backoff: bool,
    /// How long a proposer waits for a phase to finish before retrying.
    pub retry_ms: [Tick; 2],
    /// The back-off range a retry waits, when `backoff` is on.
    pub backoff_ms: [Tick; 2],
    /// Multi-Paxos: how often the leader sends heartbeats (and retries).
    pub heartbeat_ms: Tick,
    /// Multi-Paxos: silence after which a proposer tries to lead.
    pub leader_timeout_ms: [Tick; 2],
    /// A deliberately broken variant (option `bug=NAME`). Left out of the
    /// trace when off, so traces of correct runs do not change. Keep it last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<Bug>,
}

impl Default for PaxosConfig {
    fn default() -> Self {
        Self {
            placement: Placement::Split,
            proposers: 2,
            acceptors: 3,
            backoff: true,
            retry_ms: [200, 200],
            backoff_ms: [20, 300],
            heartbeat_ms: 50,
            leader_timeout_ms: [200, 400],
            bug: None,
        }
    }
}

impl PaxosConfig {
    /// Multi-Paxos defaults: every node a full replica.
    pub fn multi() -> Self {
        Self { placement: Placement::All, ..Self::default() }
    }

    pub fn is_proposer(&self, id: NodeId, nodes: u32) -> bool {
        match self.placement {
            Placement::All => true,
            Placement::Split => id < self.proposers.min(nodes),
        }
    }

    pub fn is_acceptor(&self, id: NodeId, nodes: u32) -> bool {
        match self.placement {
            Placement::All => true,
            Placement::Split => id >= nodes - self.acceptors.min(nodes),
        }
    }

    /// The acceptors, in id order.
    pub fn acceptors(&self, nodes: u32) -> Vec<NodeId> {
        (0..nodes).filter(|&id| self.is_acceptor(id, nodes)).collect()
    }

    /// Acceptors needed for a majority.
    pub fn quorum(&self, nodes: u32) -> usize {
        self.acceptors(nodes).len() / 2 + 1
    }

    /// Role names of a node, as the trace lists them.
    pub fn roles(&self, id: NodeId, nodes: u32) -> Vec<&'static str> {
        let mut roles = Vec::with_capacity(3);
        if self.is_proposer(id, nodes) {
            roles.push("proposer");
        }
        if self.is_acceptor(id, nodes) {
            roles.push("acceptor");
        }
        roles.push("learner");
        roles
    }

    /// Whether the deliberately broken variant `bug` is switched on.
    pub(crate) fn has_bug(&self, bug: Bug) -> bool {
        self.bug == Some(bug)
    }
}

/// Most nodes a Paxos cluster may have in this lab.
pub const MAX_NODES: u32 = 9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_placement_puts_proposers_first_and_acceptors_last() {
        let c = PaxosConfig::default();
        assert_eq!(c.acceptors(5), vec![2, 3, 4]);
        assert_eq!(c.roles(0, 5), ["proposer", "learner"]);
        assert_eq!(c.roles(3, 5), ["acceptor", "learner"]);
        assert_eq!(c.quorum(5), 2);
        // Three nodes: the sets overlap.
        assert_eq!(c.acceptors(3), vec![0, 1, 2]);
        assert_eq!(c.roles(1, 3), ["proposer", "acceptor", "learner"]);
        assert_eq!(PaxosConfig::multi().roles(4, 5), ["proposer", "acceptor", "learner"]);
    }
}
