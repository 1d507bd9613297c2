//! Code generic over the protocol, run for a setup's algorithm: the one
//! place that maps an [`Algo`] to its protocol type and typed config.
//! [`crate::open`] opens a run through it; the model checker (`cli check`)
//! explores a world through it.

use crate::{options, Algo, Setup, SetupError};

/// Something to do with the protocol type of a setup and its typed config.
pub trait Visit {
    type Out;
    fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> Self::Out
    where
        sim::World<P>: Send + Sync;
}

/// Validate `setup`, then call `visitor` with its protocol type and config.
pub fn with_protocol<V: Visit>(setup: &Setup, visitor: V) -> Result<V::Out, SetupError> {
    setup.validate()?;
    let setup = setup.clone();
    let (algo, nodes, options) = (setup.algo, setup.sim.nodes, setup.options.clone());
    Ok(match algo {
        Algo::Raft => visitor.visit::<raft::Raft>(setup, options::raft_config(&options)?),
        // One type for single-decree Paxos and Multi-Paxos, as for the locks.
        Algo::Paxos | Algo::MultiPaxos => {
            let settings = options::paxos_config(algo, &options)?;
            let config = paxos::AnyPaxosConfig { multi: algo == Algo::MultiPaxos, settings };
            visitor.visit::<paxos::AnyPaxos>(setup, config)
        }
        // One type for the four lock algorithms (the config names the
        // variant), so the app carries one copy of the simulator for them.
        Algo::LockLease | Algo::LockFenced | Algo::Redlock | Algo::LockZk => {
            let variant = match algo {
                Algo::LockFenced => lock::Variant::Fenced,
                Algo::Redlock => lock::Variant::Redlock,
                Algo::LockZk => lock::Variant::Zk,
                _ => lock::Variant::Lease,
            };
            let config = lock::ChosenConfig { variant, settings: options::lock_config(algo, &options)? };
            visitor.visit::<lock::Lock>(setup, config)
        }
        Algo::Ring => visitor.visit::<ring::KvNode>(setup, options::ring_config_for(&options, nodes)?),
        // One type for 2PC and 3PC, as for the locks.
        Algo::TwoPc | Algo::ThreePc => {
            let settings = options::commit_config(algo, &options, nodes)?;
            let config = txn::ChosenConfig { three_phase: algo == Algo::ThreePc, settings };
            visitor.visit::<txn::Commit>(setup, config)
        }
        Algo::Saga => visitor.visit::<txn::Saga>(setup, options::saga_config(&options, nodes)?),
        Algo::Outbox => visitor.visit::<txn::Outbox>(setup, options::outbox_config(&options)?),
        Algo::Abd => visitor.visit::<abd::Abd>(setup, options::abd_config(&options, nodes)?),
        Algo::PrimaryBackup => visitor.visit::<pb::PrimaryBackup>(setup, options::pb_config(&options, nodes)?),
        Algo::Balance => visitor.visit::<balance::Balance>(setup, options::balance_config(&options, nodes)?),
        Algo::KvRaft => visitor.visit::<kvraft::KvRaft>(setup, options::kv_raft_config(&options, nodes)?),
        Algo::KvLww => visitor.visit::<kvlww::Lww>(setup, options::kv_lww_config(&options, nodes)?),
    })
}
