//! Settings shared by every node of the key-value store.

use super::bug::Bug;
use protocol::Tick;
use serde::Serialize;

/// Most nodes a store may have: membership and replica sets are `u32` bit sets.
pub const MAX_NODES: u32 = 32;
/// Most virtual nodes per node in the simulator.
pub const MAX_SIM_VNODES: u32 = 1_000;
/// Most replicas per key.
pub const MAX_REPLICAS: u32 = 5;
/// Most keys loaded at start.
pub const MAX_KEYS: u32 = 10_000;

/// The store's settings. Defaults are the app's and the CLI's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct KvConfig {
    /// Virtual nodes per node.
    pub vnodes: u32,
    /// Copies of each key: its preference list is this long (Dynamo's N).
    pub replicas: u32,
    /// Keys loaded into the store at start (`k0`, `k1`, ... with values `v0`, ...).
    pub keys: u32,
    /// Nodes `0..members` start in the ring, the rest stand by to join;
    /// `None` means [`AUTO_MEMBERS`], or all but one in a smaller cluster,
    /// so that a default cluster has nodes left to add.
    pub members: Option<u32>,
    /// How long a node waits before sending again what was not confirmed.
    pub retry_ms: Tick,
    /// About how often a node gossips its view to a peer (±20%).
    pub gossip_ms: Tick,
    /// A deliberately broken variant (option `bug=NAME`), `None` in every
    /// correct run. Last, and left out when `None`, so that the config of a
    /// correct run serializes as it did before bugs were switches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<Bug>,
}

/// Members a ring starts with when the `members` option is `auto`.
pub const AUTO_MEMBERS: u32 = 4;

impl Default for KvConfig {
    fn default() -> Self {
        Self { vnodes: 100, replicas: 2, keys: 200, members: None, retry_ms: 300, gossip_ms: 1_000, bug: None }
    }
}

impl KvConfig {
    /// How many nodes start in the ring in a cluster of `nodes`.
    pub fn initial_members(&self, nodes: u32) -> u32 {
        self.members.unwrap_or(nodes.saturating_sub(1).min(AUTO_MEMBERS)).clamp(1, nodes.max(1))
    }
}
