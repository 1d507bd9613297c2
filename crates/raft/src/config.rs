//! Settings shared by every node of a Raft cluster.

use crate::bug::Bug;
use protocol::Tick;
use serde::Serialize;

/// Raft's timing and limits. Defaults follow the paper's suggestion of
/// election timeouts of 150–300 ms (§5.6), with a heartbeat well below them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct RaftConfig {
    /// Election timeout, drawn by the world from `[min, max]` ms.
    pub election_timeout_ms: [Tick; 2],
    /// How often a leader sends AppendEntries when idle.
    pub heartbeat_ms: Tick,
    /// Most entries in one AppendEntries.
    pub max_entries_per_append: usize,
    /// A deliberately broken variant (option `bug=NAME`). Left out of the
    /// trace when `None`, so traces of correct runs do not change. Last, so
    /// a broken run's trace shows it after the settings it shares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<Bug>,
}

impl Default for RaftConfig {
    fn default() -> Self {
        Self { election_timeout_ms: [150, 300], heartbeat_ms: 50, max_entries_per_append: 64, bug: None }
    }
}

/// Most nodes a Raft cluster may have in this lab.
pub const MAX_NODES: u32 = 9;

#[cfg(test)]
mod tests {
    use super::*;

    /// The trace's protocol config of a correct run is a public format.
    #[test]
    fn a_correct_config_serializes_as_before() {
        let json = serde_json::to_string(&RaftConfig::default()).unwrap();
        assert_eq!(json, r#"{"election_timeout_ms":[150,300],"heartbeat_ms":50,"max_entries_per_append":64}"#);
        let broken = RaftConfig { bug: Some(Bug::ForgetVote), ..RaftConfig::default() };
        assert!(serde_json::to_string(&broken).unwrap().ends_with(r#","bug":"forget-vote"}"#));
    }
}
