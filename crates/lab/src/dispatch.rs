//! Code generic over the protocol, run for a setup's algorithm: the one
//! place that maps an [`Algo`] to its protocol type and typed config
//! ([`typed`]). [`with_protocol`] hands code generic over the protocol each
//! protocol's own type: the model checker (`cli check`, the app's worker)
//! explores through it, and natively [`crate::open`] opens runs through it;
//! in the browser [`crate::open_wrapped`] opens Raft's type or the catalog
//! type [`crate::any::Any`] from [`typed`].

use crate::any::AnyConfig;
use crate::{options, Algo, Setup, SetupError};

/// Something to do with the protocol type of a setup and its typed config.
pub trait Visit {
    type Out;
    fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> Self::Out
    where
        sim::World<P>: Send + Sync;
}

/// A setup's algorithm as its protocol's typed config: Raft's, or the
/// variant of [`AnyConfig`] that names the protocol.
pub enum Typed {
    Raft(raft::RaftConfig),
    Other(AnyConfig),
}

/// Validate `setup` and read its options into its protocol's typed config:
/// the one place that maps an [`Algo`] to its protocol.
pub fn typed(setup: &Setup) -> Result<Typed, SetupError> {
    setup.validate()?;
    let (algo, nodes, options) = (setup.algo, setup.sim.nodes, &setup.options);
    Ok(Typed::Other(match algo {
        Algo::Raft => return Ok(Typed::Raft(options::raft_config(options)?)),
        // One type for single-decree Paxos and Multi-Paxos, as for the locks.
        Algo::Paxos | Algo::MultiPaxos => {
            let settings = options::paxos_config(algo, options)?;
            AnyConfig::Paxos(paxos::AnyPaxosConfig { multi: algo == Algo::MultiPaxos, settings })
        }
        // One type for the four lock algorithms (the config names the
        // variant).
        Algo::LockLease | Algo::LockFenced | Algo::Redlock | Algo::LockZk => {
            let variant = match algo {
                Algo::LockFenced => lock::Variant::Fenced,
                Algo::Redlock => lock::Variant::Redlock,
                Algo::LockZk => lock::Variant::Zk,
                _ => lock::Variant::Lease,
            };
            AnyConfig::Lock(lock::ChosenConfig { variant, settings: options::lock_config(algo, options)? })
        }
        Algo::Ring => AnyConfig::Ring(options::ring_config_for(options, nodes)?),
        // One type for 2PC and 3PC, as for the locks.
        Algo::TwoPc | Algo::ThreePc => {
            let settings = options::commit_config(algo, options, nodes)?;
            AnyConfig::Commit(txn::ChosenConfig { three_phase: algo == Algo::ThreePc, settings })
        }
        Algo::Saga => AnyConfig::Saga(options::saga_config(options, nodes)?),
        Algo::Outbox => AnyConfig::Outbox(options::outbox_config(options)?),
        Algo::Abd => AnyConfig::Abd(options::abd_config(options, nodes)?),
        Algo::PrimaryBackup => AnyConfig::PrimaryBackup(options::pb_config(options, nodes)?),
        Algo::Balance => AnyConfig::Balance(options::balance_config(options, nodes)?),
        Algo::KvRaft => AnyConfig::KvRaft(options::kv_raft_config(options, nodes)?),
        Algo::KvLww => AnyConfig::KvLww(options::kv_lww_config(options, nodes)?),
    }))
}

/// Validate `setup`, then call `visitor` with its protocol's own type and
/// config (never [`crate::any::Any`]: the model checker needs each
/// protocol's own symmetry).
pub fn with_protocol<V: Visit>(setup: &Setup, visitor: V) -> Result<V::Out, SetupError> {
    let typed = typed(setup)?;
    let setup = setup.clone();
    Ok(match typed {
        Typed::Raft(config) => visitor.visit::<raft::Raft>(setup, config),
        Typed::Other(config) => crate::any::visit(config, setup, visitor),
    })
}
