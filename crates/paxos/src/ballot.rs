//! Proposal numbers (Paxos Made Simple §2.2): "different proposals have
//! different numbers". A ballot is a round and the proposer's id, ordered by
//! round first, so two proposers never share one.

use protocol::NodeId;
use serde::Serialize;
use std::fmt;

/// `(round, proposer)`, serialized as `[round, proposer]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Ballot(pub u64, pub NodeId);

impl Ballot {
    pub fn round(self) -> u64 {
        self.0
    }
    pub fn proposer(self) -> NodeId {
        self.1
    }
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_order_first_then_proposers() {
        assert!(Ballot(2, 0) > Ballot(1, 4));
        assert!(Ballot(1, 1) > Ballot(1, 0));
        assert!(Some(Ballot(1, 0)) > None);
        assert_eq!(serde_json::to_string(&Ballot(3, 1)).unwrap(), "[3,1]");
    }
}
