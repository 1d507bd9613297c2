//! The catalog of algorithms, and the one way to open a run of any of them.
//!
//! The app and the command line both describe a run as a [`Setup`]
//! (algorithm, world config, seed, actions) and open it with [`open`], which
//! returns a [`sim::Session`]. The defaults here are the defaults of both, so
//! a link and a command line agree. [`query`] reads and writes a setup as
//! URL query parameters.

pub mod any;
pub mod chaos;
pub mod compare;
pub mod decimal;
pub mod dispatch;
pub mod explore;
pub mod file;
pub mod options;
pub mod presets;
pub mod query;
pub mod recipes;
pub mod scenario;
pub mod tour;

pub use dispatch::{typed, with_protocol, Typed, Visit};
pub use options::{OptionSpec, Options};
use serde::Serialize;
use sim::{Scheduled, Session, SimConfig};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// An algorithm the lab can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    Raft,
    Paxos,
    MultiPaxos,
    #[serde(rename = "lock-lease")]
    LockLease,
    #[serde(rename = "lock-fenced")]
    LockFenced,
    Redlock,
    #[serde(rename = "lock-zk")]
    LockZk,
    Ring,
    #[serde(rename = "2pc")]
    TwoPc,
    #[serde(rename = "3pc")]
    ThreePc,
    Saga,
    Outbox,
    Abd,
    #[serde(rename = "primary-backup")]
    PrimaryBackup,
    Balance,
    #[serde(rename = "kv-raft")]
    KvRaft,
    #[serde(rename = "kv-lww")]
    KvLww,
}

/// What the catalog says about an algorithm.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct AlgoInfo {
    pub algo: Algo,
    /// The `--algo` name.
    pub name: &'static str,
    pub title: &'static str,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub default_nodes: u32,
    /// Safety properties the simulator checks after every step.
    pub properties: &'static [&'static str],
    /// Settings of the protocol a user may change (`--set name=value`,
    /// `&name=value` in a link).
    pub options: &'static [OptionSpec],
    /// Deliberately broken variants, switched on with the option
    /// `bug=NAME`; listed by `cli algos`, never offered in the app's menus.
    pub bugs: &'static [protocol::BugSpec],
}

/// Every algorithm, in menu order.
pub const ALGOS: &[AlgoInfo] = &[
    AlgoInfo {
        algo: Algo::Raft,
        name: "raft",
        title: "Raft",
        min_nodes: 1,
        max_nodes: raft::MAX_NODES,
        default_nodes: 5,
        properties: <raft::RaftChecker as protocol::Checker<raft::Raft>>::PROPERTIES,
        options: options::RAFT,
        bugs: raft::BUGS,
    },
    AlgoInfo {
        algo: Algo::Paxos,
        name: "paxos",
        title: "Paxos (single-decree)",
        min_nodes: 1,
        max_nodes: paxos::MAX_NODES,
        default_nodes: 5,
        properties: <paxos::PaxosChecker as protocol::Checker<paxos::Paxos>>::PROPERTIES,
        options: options::PAXOS,
        bugs: paxos::BUGS,
    },
    AlgoInfo {
        algo: Algo::MultiPaxos,
        name: "multipaxos",
        title: "Multi-Paxos",
        min_nodes: 1,
        max_nodes: paxos::MAX_NODES,
        default_nodes: 5,
        properties: <paxos::PaxosChecker as protocol::Checker<paxos::MultiPaxos>>::PROPERTIES,
        options: options::MULTIPAXOS,
        bugs: paxos::BUGS,
    },
    AlgoInfo {
        algo: Algo::LockLease,
        name: lock::Variant::Lease.name(),
        title: "Lock: lease (SET NX PX)",
        min_nodes: lock::Variant::Lease.min_nodes(),
        max_nodes: lock::MAX_NODES,
        default_nodes: 4,
        properties: <lock::LockChecker as protocol::Checker<lock::LockLease>>::PROPERTIES,
        options: options::LOCK_LEASE,
        // No fencing token to break: the storage's two broken variants
        // would be this algorithm itself, so `bug=` is refused.
        bugs: &[],
    },
    AlgoInfo {
        algo: Algo::LockFenced,
        name: lock::Variant::Fenced.name(),
        title: "Lock: lease + fencing token",
        min_nodes: lock::Variant::Fenced.min_nodes(),
        max_nodes: lock::MAX_NODES,
        default_nodes: 4,
        properties: <lock::LockChecker as protocol::Checker<lock::LockFenced>>::PROPERTIES,
        options: options::LOCK_LEASE,
        bugs: lock::BUGS,
    },
    AlgoInfo {
        algo: Algo::Redlock,
        name: lock::Variant::Redlock.name(),
        title: "Redlock (five servers)",
        min_nodes: lock::Variant::Redlock.min_nodes(),
        max_nodes: lock::MAX_NODES,
        default_nodes: 8,
        properties: <lock::LockChecker as protocol::Checker<lock::Redlock>>::PROPERTIES,
        options: options::LOCK_LEASE,
        // No fencing token to break: the storage's two broken variants
        // would be this algorithm itself, so `bug=` is refused.
        bugs: &[],
    },
    AlgoInfo {
        algo: Algo::LockZk,
        name: lock::Variant::Zk.name(),
        title: "Lock: ZooKeeper recipe",
        min_nodes: lock::Variant::Zk.min_nodes(),
        max_nodes: lock::MAX_NODES,
        default_nodes: 5,
        properties: <lock::LockChecker as protocol::Checker<lock::LockZk>>::PROPERTIES,
        options: options::LOCK_ZK,
        bugs: lock::BUGS,
    },
    AlgoInfo {
        algo: Algo::Ring,
        name: "ring",
        title: "Consistent-hash ring",
        min_nodes: 2,
        max_nodes: ring::kv::MAX_NODES,
        // Four members and two nodes standing by, to add one after another.
        default_nodes: 6,
        properties: <ring::KvChecker as protocol::Checker<ring::KvNode>>::PROPERTIES,
        options: options::RING,
        bugs: ring::kv::BUGS,
    },
    AlgoInfo {
        algo: Algo::TwoPc,
        name: "2pc",
        title: "Two-phase commit",
        min_nodes: 2,
        max_nodes: txn::MAX_NODES,
        default_nodes: 4,
        properties: <txn::CommitChecker as protocol::Checker<txn::TwoPc>>::PROPERTIES,
        options: options::TWO_PC,
        bugs: txn::COMMIT_BUGS,
    },
    AlgoInfo {
        algo: Algo::ThreePc,
        name: "3pc",
        title: "Three-phase commit",
        min_nodes: 2,
        max_nodes: txn::MAX_NODES,
        default_nodes: 4,
        properties: <txn::CommitChecker as protocol::Checker<txn::ThreePc>>::PROPERTIES,
        options: options::THREE_PC,
        bugs: txn::COMMIT_BUGS,
    },
    AlgoInfo {
        algo: Algo::Saga,
        name: "saga",
        title: "Saga (orchestrated)",
        min_nodes: 2,
        max_nodes: txn::saga::MAX_NODES,
        default_nodes: 5,
        properties: <txn::SagaChecker as protocol::Checker<txn::Saga>>::PROPERTIES,
        options: options::SAGA,
        bugs: txn::SAGA_BUGS,
    },
    AlgoInfo {
        algo: Algo::Outbox,
        name: "outbox",
        title: "Transactional outbox",
        min_nodes: txn::outbox::NODES,
        max_nodes: txn::outbox::NODES,
        default_nodes: txn::outbox::NODES,
        properties: <txn::OutboxChecker as protocol::Checker<txn::Outbox>>::PROPERTIES,
        options: options::OUTBOX,
        bugs: txn::OUTBOX_BUGS,
    },
    AlgoInfo {
        algo: Algo::Abd,
        name: "abd",
        title: "ABD quorum register",
        min_nodes: 2,
        max_nodes: abd::MAX_NODES,
        // Three servers and three clients.
        default_nodes: 6,
        properties: <abd::AbdChecker as protocol::Checker<abd::Abd>>::PROPERTIES,
        options: options::ABD,
        bugs: abd::BUGS,
    },
    AlgoInfo {
        algo: Algo::PrimaryBackup,
        name: "primary-backup",
        title: "Primary-backup + failure detector",
        min_nodes: pb::NODES,
        max_nodes: pb::MAX_NODES,
        default_nodes: pb::NODES,
        properties: <pb::PbChecker as protocol::Checker<pb::PrimaryBackup>>::PROPERTIES,
        options: options::PRIMARY_BACKUP,
        bugs: pb::BUGS,
    },
    AlgoInfo {
        algo: Algo::Balance,
        name: "balance",
        title: "Load balancing",
        min_nodes: 2,
        max_nodes: balance::MAX_NODES,
        default_nodes: 5,
        properties: <balance::BalanceChecker as protocol::Checker<balance::Balance>>::PROPERTIES,
        options: options::BALANCE,
        bugs: balance::BUGS,
    },
    AlgoInfo {
        algo: Algo::KvRaft,
        name: "kv-raft",
        title: "CP key-value store (Raft)",
        min_nodes: 2,
        max_nodes: kvraft::MAX_NODES,
        // Three servers and two clients, as kv-lww, for the side-by-side view.
        default_nodes: 5,
        properties: <kvraft::KvRaftChecker as protocol::Checker<kvraft::KvRaft>>::PROPERTIES,
        options: options::KV_RAFT,
        bugs: kvraft::BUGS,
    },
    AlgoInfo {
        algo: Algo::KvLww,
        name: "kv-lww",
        title: "AP key-value store (last writer wins)",
        min_nodes: 2,
        max_nodes: kvlww::MAX_NODES,
        default_nodes: 5,
        properties: <kvlww::LwwChecker as protocol::Checker<kvlww::Lww>>::PROPERTIES,
        options: options::KV_LWW,
        bugs: kvlww::BUGS,
    },
];

impl Algo {
    pub fn info(self) -> &'static AlgoInfo {
        ALGOS.iter().find(|i| i.algo == self).expect("every algo is in the catalog")
    }
    pub fn name(self) -> &'static str {
        self.info().name
    }
}

impl fmt::Display for Algo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algo {
    type Err = SetupError;
    fn from_str(s: &str) -> Result<Self, SetupError> {
        ALGOS.iter().find(|i| i.name == s).map(|i| i.algo).ok_or_else(|| {
            let known: Vec<_> = ALGOS.iter().map(|i| i.name).collect();
            SetupError::new("algo", format!("unknown algorithm {s:?}; known: {}", known.join(", ")))
        })
    }
}

/// Everything that determines a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub algo: Algo,
    pub sim: SimConfig,
    pub seed: u64,
    pub actions: Vec<Scheduled>,
    /// Protocol settings by name; absent ones take their defaults.
    pub options: Options,
}

impl Default for Setup {
    fn default() -> Self {
        Self::new(Algo::Raft)
    }
}

impl Setup {
    /// The default run of `algo`: default config, seed 1, no actions.
    pub fn new(algo: Algo) -> Self {
        Self {
            algo,
            sim: SimConfig { nodes: algo.info().default_nodes, ..SimConfig::default() },
            seed: 1,
            actions: Vec::new(),
            options: Options::new(),
        }
    }

    /// Make this the world a model checker explores: a network that
    /// neither loses nor duplicates by chance (the checker makes those
    /// choices) and keeps today's channel semantics (`lossy`). Whether that
    /// changed anything, so a caller can say so.
    pub fn for_checking(&mut self) -> bool {
        let sim = &mut self.sim;
        let changed = sim.network != sim::Network::Lossy || sim.drop > 0.0 || sim.dup > 0.0;
        sim.network = sim::Network::Lossy;
        sim.drop = 0.0;
        sim.dup = 0.0;
        changed
    }

    /// The deliberately broken variant this run switches on (`bug=NAME`),
    /// as the catalog describes it: what it breaks and how. `None` without
    /// one, or with a name the algorithm does not have (which
    /// [`validate`](Self::validate) refuses).
    pub fn bug(&self) -> Option<&'static protocol::BugSpec> {
        let name = self.options.get(options::BUG)?.trim();
        self.algo.info().bugs.iter().find(|b| b.name == name)
    }

    /// Check the config against the algorithm's limits and the actions
    /// against the cluster size.
    pub fn validate(&self) -> Result<(), SetupError> {
        let info = self.algo.info();
        if self.sim.nodes < info.min_nodes {
            return Err(SetupError::new(
                "nodes",
                format!(
                    "{} needs at least {} node{}, got {}",
                    info.title,
                    info.min_nodes,
                    protocol::plural(info.min_nodes as u64),
                    self.sim.nodes
                ),
            ));
        }
        self.sim.validate(info.max_nodes).map_err(|e| SetupError::new(e.field, e.reason))?;
        options::check(self.algo, &self.options, self.sim.nodes)?;
        for (index, a) in self.actions.iter().enumerate() {
            a.action
                .validate(self.sim.nodes)
                .map_err(|e| SetupError::new("actions", format!("actions[{index}]: {e}")))?;
        }
        Ok(())
    }
}

/// A setup that cannot be opened; names the bad field.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{field}: {reason}")]
pub struct SetupError {
    pub field: &'static str,
    pub reason: String,
}

impl SetupError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }
}

/// Open a run of the setup's algorithm. In the browser every protocol but
/// Raft runs as the one simulator type [`any::Any`] ([`open_wrapped`]), so
/// that the page carries two copies of the generic simulator instead of
/// twelve; natively each runs as its own type ([`open_own`]), as wrapped
/// it steps 21% to 40% slower. The two give the same runs, byte for byte (the
/// `any` module's tests, and the browser tests that compare the app's
/// traces with the command line's).
pub fn open(setup: &Setup) -> Result<Box<dyn Session>, SetupError> {
    #[cfg(target_arch = "wasm32")]
    return open_wrapped(setup);
    #[cfg(not(target_arch = "wasm32"))]
    return open_own(setup);
}

/// Open a run of the setup's algorithm as its protocol's own type.
pub fn open_own(setup: &Setup) -> Result<Box<dyn Session>, SetupError> {
    struct Open;
    impl Visit for Open {
        type Out = Box<dyn Session>;
        fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> Box<dyn Session>
        where
            sim::World<P>: Send + Sync,
        {
            let Setup { sim, seed, actions, options, .. } = setup;
            // The run records the settings as written, so its trace
            // reopens as the same run (`file::open`).
            Box::new(sim::Run::<P>::new(sim, config, seed, actions).with_options(options))
        }
    }
    with_protocol(setup, Open)
}

/// Open a run of the setup's algorithm as Raft's own type or as
/// [`any::Any`] (see [`open`]).
pub fn open_wrapped(setup: &Setup) -> Result<Box<dyn Session>, SetupError> {
    let typed = typed(setup)?;
    let Setup { sim, seed, actions, options, .. } = setup.clone();
    Ok(match typed {
        Typed::Raft(config) => Box::new(sim::Run::<raft::Raft>::new(sim, config, seed, actions).with_options(options)),
        Typed::Other(config) => Box::new(sim::Run::<any::Any>::new(sim, config, seed, actions).with_options(options)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_algorithm_names_the_known_ones() {
        let err = "paxsos".parse::<Algo>().unwrap_err();
        assert_eq!(err.field, "algo");
        assert!(err.reason.contains("known: raft"), "{err}");
    }

    #[test]
    fn raft_limits_cluster_size() {
        let mut setup = Setup::default();
        setup.sim.nodes = 10;
        assert_eq!(open(&setup).err().unwrap().field, "nodes");
        setup.sim.nodes = 9;
        assert!(open(&setup).is_ok());
        setup.sim.nodes = 0;
        assert_eq!(setup.validate().unwrap_err().reason, "Raft needs at least 1 node, got 0");
    }

    #[test]
    fn a_setup_names_its_bug_from_the_catalog() {
        let mut setup = Setup::new(Algo::Paxos);
        assert_eq!(setup.bug(), None);
        setup.options.insert("bug".into(), " accept-unproposed ".into());
        let bug = setup.bug().expect("a bug of Paxos");
        assert_eq!((bug.name, bug.breaks), ("accept-unproposed", "Validity"));
        setup.options.insert("bug".into(), "nope".into());
        assert_eq!(setup.bug(), None);
        // The same name on an algorithm that lacks it is not its bug.
        let mut raft = Setup::new(Algo::Raft);
        raft.options.insert("bug".into(), "accept-unproposed".into());
        assert_eq!(raft.bug(), None);
    }

    /// A bad option's value is quoted and the option named, then its help.
    #[test]
    fn a_bad_option_value_names_the_option() {
        let mut setup = Setup::new(Algo::Ring);
        setup.options.insert("keys".into(), "abc".into());
        let err = open(&setup).err().unwrap();
        assert_eq!(err.field, "keys");
        assert!(err.reason.starts_with("invalid value \"abc\" for keys: "), "{err}");
    }
}
