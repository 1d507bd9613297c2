//! Settings shared by every node of the key-value store.

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KvConfig {
    /// Virtual nodes per node.
    pub vnodes: u32,
    /// Copies of each key: its preference list is this long (Dynamo's N).
    pub replicas: u32,
    /// Keys loaded into the store at start (`k0`, `k1`, ... with values `v0`, ...).
    pub keys: u32,
    /// Nodes `0..members` start in the ring, the rest stand by to join;
    /// `None` means all but one.
    pub members: Option<u32>,
    /// How long a node waits before sending again what was not confirmed.
    pub retry_ms: Tick,
    /// About how often a node gossips its view to a peer (±20%).
    pub gossip_ms: Tick,
    /// A deliberately broken variant, for tests only.
    #[cfg(feature = "broken")]
    #[serde(skip)]
    pub broken: Option<Broken>,
}

/// Ways to break the store on purpose, so tests can show the checker catches them.
#[cfg(feature = "broken")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broken {
    /// A node hands off a key and deletes it at once, without waiting for
    /// the new owner's confirmation: a key is then only on the wire, and a
    /// crash of the receiver loses it.
    HandoffWithoutConfirm,
    /// A node keeps the keys it handed off: after the change completes a key
    /// lives on more nodes than its preference list.
    KeepHandedOff,
}

impl Default for KvConfig {
    fn default() -> Self {
        Self {
            vnodes: 100,
            replicas: 2,
            keys: 200,
            members: None,
            retry_ms: 300,
            gossip_ms: 1_000,
            #[cfg(feature = "broken")]
            broken: None,
        }
    }
}

impl KvConfig {
    /// How many nodes start in the ring in a cluster of `nodes`.
    pub fn initial_members(&self, nodes: u32) -> u32 {
        self.members.unwrap_or(nodes.saturating_sub(1)).clamp(1, nodes.max(1))
    }
}
