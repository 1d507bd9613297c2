//! Settings shared by every node of a Raft cluster.

use protocol::Tick;
use serde::Serialize;

/// Raft's timing and limits. Defaults follow the paper's suggestion of
/// election timeouts of 150–300 ms (§5.6), with a heartbeat well below them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaftConfig {
    /// Election timeout, drawn by the world from `[min, max]` ms.
    pub election_timeout_ms: [Tick; 2],
    /// How often a leader sends AppendEntries when idle.
    pub heartbeat_ms: Tick,
    /// Most entries in one AppendEntries.
    pub max_entries_per_append: usize,
    /// A deliberately broken variant, for tests only.
    #[cfg(feature = "broken")]
    #[serde(skip)]
    pub broken: Option<Broken>,
}

/// Ways to break Raft on purpose, so tests can show the checker catches them.
#[cfg(feature = "broken")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broken {
    /// Commit an entry from a previous term once a majority stores it: the
    /// mistake §5.4.2 and Figure 8 warn against.
    CommitPreviousTerms,
}

impl Default for RaftConfig {
    fn default() -> Self {
        Self {
            election_timeout_ms: [150, 300],
            heartbeat_ms: 50,
            max_entries_per_append: 64,
            #[cfg(feature = "broken")]
            broken: None,
        }
    }
}

/// Most nodes a Raft cluster may have in this lab.
pub const MAX_NODES: u32 = 9;
