//! The four variants, the layout of nodes, and the settings every node shares.

use crate::bug::Bug;
use protocol::{NodeId, Tick};
use serde::Serialize;
use std::fmt::Debug;
use std::ops::Range;

/// Most nodes a lock world may have in this lab (Redlock's five servers,
/// up to ten clients, and the storage).
pub const MAX_NODES: u32 = 16;
/// Lock servers of Redlock: "N = 5" in the Redis description.
pub const REDLOCK_SERVERS: u32 = 5;
/// Writes the storage keeps in its log; older ones scroll away while the
/// count goes on.
pub const WRITES_KEPT: usize = 64;

/// Which lock algorithm a world runs. Every node of a world plays the same one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
pub enum Variant {
    /// One server granting leases with a TTL (`SET key value NX PX ttl`);
    /// the storage accepts every write.
    #[default]
    Lease,
    /// The same lease, and the storage rejects a fencing token lower than the
    /// highest it has seen (Kleppmann, "How to do distributed locking", 2016).
    Fenced,
    /// Five independent servers; a client holds the lock when a majority
    /// granted it within the validity time (the Redis "Redlock" description).
    Redlock,
    /// A coordination service with sessions, ephemeral sequential entries and
    /// watches on the predecessor (the ZooKeeper lock recipe), fenced by the
    /// entry's sequence number.
    Zk,
}

impl Variant {
    pub const ALL: [Variant; 4] = [Variant::Lease, Variant::Fenced, Variant::Redlock, Variant::Zk];

    /// The `--algo` name.
    pub const fn name(self) -> &'static str {
        match self {
            Variant::Lease => "lock-lease",
            Variant::Fenced => "lock-fenced",
            Variant::Redlock => "redlock",
            Variant::Zk => "lock-zk",
        }
    }

    /// How many lock servers (or coordination nodes) lead the layout.
    pub const fn servers(self) -> u32 {
        match self {
            Variant::Redlock => REDLOCK_SERVERS,
            _ => 1,
        }
    }

    /// Whether the storage checks fencing tokens.
    pub const fn fencing(self) -> bool {
        matches!(self, Variant::Fenced | Variant::Zk)
    }

    /// The smallest world: the servers, one client and the storage.
    pub const fn min_nodes(self) -> u32 {
        self.servers() + 2
    }
}

/// A variant as a type, so that each algorithm is its own [`protocol::Protocol`]
/// with its own `NAME` (see [`crate::Lock`]).
pub trait Algorithm: Clone + Copy + Debug + std::hash::Hash + Default + Send + Sync + 'static {
    const VARIANT: Variant;
}

/// How the type of a lock world picks its variant: fixed by a marker type
/// (every [`Algorithm`], whose config is a [`LockConfig`]), or read at run
/// time from a [`ChosenConfig`] ([`variant::Chosen`], what the lab's catalog
/// runs, so that the four algorithms share one copy of the simulator's code).
pub trait Choice: Clone + Copy + Debug + std::hash::Hash + Default + Send + Sync + 'static {
    /// The `NAME` of [`protocol::Protocol`] for `Lock<Self>`.
    const NAME: &'static str;
    /// The protocol's config.
    type Config: Clone + Debug + Default + Serialize;
    /// The variant a world of this type runs with `config`.
    fn variant(config: &Self::Config) -> Variant;
    /// The settings every node shares.
    fn settings(config: &Self::Config) -> &LockConfig;
}

impl<V: Algorithm> Choice for V {
    const NAME: &'static str = V::VARIANT.name();
    type Config = LockConfig;
    fn variant(_config: &LockConfig) -> Variant {
        V::VARIANT
    }
    fn settings(config: &LockConfig) -> &LockConfig {
        config
    }
}

/// The config of a [`crate::Lock`] world: which variant it runs, and the
/// settings. Serialized as its settings alone, as a marker-typed world's
/// config is: a trace names its algorithm apart from its config.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(transparent)]
pub struct ChosenConfig {
    #[serde(skip)]
    pub variant: Variant,
    pub settings: LockConfig,
}

/// The marker types of the four variants, and the one that leaves the
/// choice to the config.
pub mod variant {
    use super::{Algorithm, Choice, ChosenConfig, LockConfig, Variant};

    /// Any of the four, as its [`ChosenConfig`] says: one type, and so one
    /// instance of the generic simulator, for every lock algorithm.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Chosen;

    impl Choice for Chosen {
        const NAME: &'static str = "lock";
        type Config = ChosenConfig;
        fn variant(config: &ChosenConfig) -> Variant {
            config.variant
        }
        fn settings(config: &ChosenConfig) -> &LockConfig {
            &config.settings
        }
    }

    /// `lock-lease`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Lease;
    /// `lock-fenced`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Fenced;
    /// `redlock`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Redlock;
    /// `lock-zk`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Zk;

    impl Algorithm for Lease {
        const VARIANT: Variant = Variant::Lease;
    }
    impl Algorithm for Fenced {
        const VARIANT: Variant = Variant::Fenced;
    }
    impl Algorithm for Redlock {
        const VARIANT: Variant = Variant::Redlock;
    }
    impl Algorithm for Zk {
        const VARIANT: Variant = Variant::Zk;
    }
}

/// What part a node plays. Its name is the `kind` of the node's view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A lock server, or the coordination node of `lock-zk`.
    LockServer,
    Client,
    /// The protected resource the clients write to.
    Storage,
}

impl Kind {
    pub const fn name(self) -> &'static str {
        match self {
            Kind::LockServer => "lock_server",
            Kind::Client => "client",
            Kind::Storage => "storage",
        }
    }
}

/// Which node plays which part: the lock servers first (`0..servers`), then
/// the clients, then exactly one storage node, the last id.
///
/// With 8 Redlock nodes: servers 0–4, clients 5 and 6, storage 7. With fewer
/// nodes than a variant needs, the storage still takes the last id and the
/// servers the first ones; the lab refuses such worlds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    nodes: u32,
    servers: u32,
}

impl Layout {
    pub fn new(variant: Variant, nodes: u32) -> Self {
        Self { nodes, servers: variant.servers().min(nodes.saturating_sub(1)) }
    }

    pub fn kind(&self, id: NodeId) -> Kind {
        if id + 1 == self.nodes {
            Kind::Storage
        } else if id < self.servers {
            Kind::LockServer
        } else {
            Kind::Client
        }
    }

    pub fn servers(&self) -> Range<NodeId> {
        0..self.servers
    }

    pub fn clients(&self) -> Range<NodeId> {
        self.servers..self.nodes.saturating_sub(1).max(self.servers)
    }

    pub fn storage(&self) -> NodeId {
        self.nodes.saturating_sub(1)
    }

    /// Servers that must grant a lock: a strict majority of them.
    pub fn majority(&self) -> usize {
        self.servers as usize / 2 + 1
    }
}

/// Settings shared by every node. Times are in the local ticks of the node
/// that uses them, so a node whose clock drifts measures them wrongly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct LockConfig {
    /// How long a lease lasts once granted (the `PX` of `SET ... NX PX`).
    pub ttl_ms: Tick,
    /// How long a client works while holding the lock before it writes,
    /// drawn by the world from `[min, max]` each time.
    pub hold_ms: [Tick; 2],
    /// How long a client waits before trying again (after a refusal, a
    /// failure, or its own release), drawn from `[min, max]`.
    pub backoff_ms: [Tick; 2],
    /// How long a client waits for an answer (grants, a write's
    /// acknowledgement, a coordination request) before giving up or asking again.
    pub request_timeout_ms: Tick,
    /// Subtracted from a lease's validity for clock drift: Redis suggests
    /// `ttl × 0.01 + 2` ms, 12 ms for the default TTL.
    pub drift_allowance_ms: Tick,
    /// `lock-zk`: a session without a heartbeat for this long expires, and
    /// its entries with it.
    pub session_timeout_ms: Tick,
    /// `lock-zk`: how often a client sends a heartbeat.
    pub heartbeat_ms: Tick,
    /// The first token a lock service issues (Kleppmann's figure starts at 33).
    pub first_token: u64,
    /// A deliberately broken variant (option `bug=NAME`), `None` in every
    /// correct run. Last, and left out when `None`, so that the config of a
    /// correct run serializes as it did before bugs were switches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<Bug>,
}

impl Default for LockConfig {
    fn default() -> Self {
        Self {
            ttl_ms: 1000,
            hold_ms: [200, 800],
            backoff_ms: [50, 250],
            request_timeout_ms: 200,
            drift_allowance_ms: 12,
            session_timeout_ms: 1000,
            heartbeat_ms: 250,
            first_token: 1,
            bug: None,
        }
    }
}

impl LockConfig {
    pub(crate) fn has_bug(&self, bug: Bug) -> bool {
        self.bug == Some(bug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_puts_servers_first_and_storage_last() {
        let l = Layout::new(Variant::Redlock, 8);
        let kinds: Vec<Kind> = (0..8).map(|id| l.kind(id)).collect();
        assert_eq!(&kinds[..5], &[Kind::LockServer; 5]);
        assert_eq!(&kinds[5..7], &[Kind::Client; 2]);
        assert_eq!(kinds[7], Kind::Storage);
        assert_eq!((l.servers(), l.clients(), l.storage(), l.majority()), (0..5, 5..7, 7, 3));
        let l = Layout::new(Variant::Fenced, 4);
        assert_eq!((l.servers(), l.clients(), l.storage(), l.majority()), (0..1, 1..3, 3, 1));
    }

    #[test]
    fn layout_of_too_small_worlds_is_total() {
        let l = Layout::new(Variant::Redlock, 3);
        assert_eq!((l.servers(), l.clients(), l.storage()), (0..2, 2..2, 2));
        let l = Layout::new(Variant::Lease, 1);
        assert_eq!((l.kind(0), l.servers(), l.clients()), (Kind::Storage, 0..0, 0..0));
    }
}
