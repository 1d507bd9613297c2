//! [`AnyPaxos`]: single-decree Paxos or Multi-Paxos, as its config says.
//!
//! The two share messages, timers, what a node persists, its view and the
//! checker; only their proposers differ. The lab's catalog runs both as
//! this one type, so the app carries one instance of the generic simulator
//! (and model checker) for the pair instead of two, as the lock and commit
//! crates do for their variants. A world of this type behaves, traces and
//! fingerprints exactly as a world of [`Paxos`] or [`MultiPaxos`] with the
//! same settings: every method hands the call to the variant's node.

use crate::{Durable, Msg, MultiPaxos, Observable, Paxos, PaxosChecker, PaxosConfig, PaxosTimer, PaxosView, Roles};
use protocol::{
    Cluster, Fingerprint, Input, Look, NodeId, NodeRef, OpFn, Panel, Picture, Protocol, Renaming, Symmetric, Symmetry,
    Tick,
};
use serde::Serialize;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The config of an [`AnyPaxos`] world: which protocol it runs, and the
/// settings. Serialized as its settings alone, as a [`Paxos`] or
/// [`MultiPaxos`] world's config is: a trace names its algorithm apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(transparent)]
pub struct AnyPaxosConfig {
    /// Multi-Paxos (`multipaxos`) rather than single-decree (`paxos`).
    #[serde(skip)]
    pub multi: bool,
    pub settings: PaxosConfig,
}

/// One node of single-decree Paxos or of Multi-Paxos. Its `Debug` text and
/// `Hash` are the variant's own.
#[derive(Clone)]
pub enum AnyPaxos {
    Single(Paxos),
    Multi(MultiPaxos),
}

impl fmt::Debug for AnyPaxos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Single(p) => p.fmt(f),
            Self::Multi(m) => m.fmt(f),
        }
    }
}

impl Hash for AnyPaxos {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            Self::Single(p) => p.hash(h),
            Self::Multi(m) => m.hash(h),
        }
    }
}

impl Observable for AnyPaxos {
    fn no_op_allowed(&self) -> bool {
        matches!(self, Self::Multi(_))
    }
    fn roles(&self) -> &Roles {
        match self {
            Self::Single(p) => p.roles(),
            Self::Multi(m) => m.roles(),
        }
    }
}

impl Protocol for AnyPaxos {
    const NAME: &'static str = Paxos::NAME;
    type Config = AnyPaxosConfig;
    type Msg = Msg;
    type Timer = PaxosTimer;
    type Durable = Durable;
    type View = PaxosView;
    type Checker = PaxosChecker;

    fn name(config: &AnyPaxosConfig) -> &'static str {
        if config.multi {
            MultiPaxos::NAME
        } else {
            Paxos::NAME
        }
    }

    fn client_ops(config: &AnyPaxosConfig) -> &'static [OpFn] {
        if config.multi {
            MultiPaxos::CLIENT_OPS
        } else {
            Paxos::CLIENT_OPS
        }
    }

    fn new(id: NodeId, cluster: &Cluster, config: &AnyPaxosConfig, durable: Option<&Durable>) -> Self {
        if config.multi {
            Self::Multi(MultiPaxos::new(id, cluster, &config.settings, durable))
        } else {
            Self::Single(Paxos::new(id, cluster, &config.settings, durable))
        }
    }

    fn step(&mut self, now: Tick, input: Input<Msg, PaxosTimer>, out: &mut protocol::OutOf<Self>) {
        match self {
            Self::Single(p) => p.step(now, input, out),
            Self::Multi(m) => m.step(now, input, out),
        }
    }

    fn view(&self, up: bool) -> PaxosView {
        match self {
            Self::Single(p) => p.view(up),
            Self::Multi(m) => m.view(up),
        }
    }

    fn look(&self) -> Look {
        match self {
            Self::Single(p) => p.look(),
            Self::Multi(m) => m.look(),
        }
    }

    fn client_request(&self, n: u64) -> Option<String> {
        match self {
            Self::Single(p) => p.client_request(n),
            Self::Multi(m) => m.client_request(n),
        }
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        match self {
            Self::Single(p) => p.inspect(up),
            Self::Multi(m) => m.inspect(up),
        }
    }

    fn picture(nodes: &[NodeRef<'_, Self>], config: &AnyPaxosConfig) -> Picture {
        if config.multi {
            MultiPaxos::picture(
                &protocol::narrow(nodes, |n| if let Self::Multi(m) = n { Some(m) } else { None }),
                &config.settings,
            )
        } else {
            Paxos::picture(
                &protocol::narrow(nodes, |n| if let Self::Single(p) = n { Some(p) } else { None }),
                &config.settings,
            )
        }
    }

    fn fingerprint(&self, h: &mut Fingerprint) {
        self.hash(h);
    }
    fn fingerprint_msg(msg: &Msg, h: &mut Fingerprint) {
        msg.hash(h);
    }
    fn fingerprint_durable(durable: &Durable, h: &mut Fingerprint) {
        durable.hash(h);
    }
    fn fingerprint_timer(timer: &PaxosTimer, h: &mut Fingerprint) {
        timer.hash(h);
    }

    /// Single-decree Paxos's acceptors and learners are interchangeable;
    /// Multi-Paxos has no symmetry.
    fn symmetry(config: &AnyPaxosConfig) -> Option<Symmetry<Self>> {
        (!config.multi).then(Symmetry::of)
    }
}

impl Symmetric for AnyPaxos {
    fn interchangeable(cluster: &Cluster, config: &AnyPaxosConfig) -> Vec<Vec<NodeId>> {
        if config.multi {
            Vec::new()
        } else {
            Paxos::interchangeable(cluster, &config.settings)
        }
    }

    /// Only a single-decree world is ever renamed ([`Protocol::symmetry`]
    /// is `None` for Multi-Paxos), so a Multi-Paxos node is left as it is.
    fn rename(&mut self, renaming: &Renaming) {
        if let Self::Single(p) = self {
            Symmetric::rename(p, renaming);
        }
    }

    fn rename_msg(msg: &mut Msg, renaming: &Renaming) {
        Paxos::rename_msg(msg, renaming);
    }

    fn rename_durable(durable: &mut Durable, renaming: &Renaming) {
        Paxos::rename_durable(durable, renaming);
    }

    fn rename_checker(checker: &mut PaxosChecker, renaming: &Renaming) {
        Paxos::rename_checker(checker, renaming);
    }

    const MSGS_NAME_NODES: bool = Paxos::MSGS_NAME_NODES;
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{Cluster, Protocol};

    fn config(multi: bool) -> AnyPaxosConfig {
        let settings = if multi { PaxosConfig::multi() } else { PaxosConfig::default() };
        AnyPaxosConfig { multi, settings }
    }

    #[test]
    fn the_config_names_the_algorithm_and_its_clients() {
        assert_eq!(AnyPaxos::name(&config(false)), "paxos");
        assert_eq!(AnyPaxos::name(&config(true)), "multipaxos");
        assert!(AnyPaxos::client_ops(&config(false)).is_empty());
        assert_eq!(AnyPaxos::client_ops(&config(true)), MultiPaxos::CLIENT_OPS);
        assert!(AnyPaxos::symmetry(&config(false)).is_some());
        assert!(AnyPaxos::symmetry(&config(true)).is_none());
    }

    #[test]
    fn a_node_shows_and_hashes_as_its_variant() {
        let cluster = Cluster { nodes: 5 };
        for multi in [false, true] {
            let any = AnyPaxos::new(2, &cluster, &config(multi), None);
            let (text, plain) = if multi {
                let m = MultiPaxos::new(2, &cluster, &config(true).settings, None);
                (format!("{m:?}"), fingerprint_of(&m))
            } else {
                let p = Paxos::new(2, &cluster, &config(false).settings, None);
                (format!("{p:?}"), fingerprint_of(&p))
            };
            assert_eq!(format!("{any:?}"), text);
            assert_eq!(fingerprint_of(&any), plain);
            assert_eq!(any.no_op_allowed(), multi);
        }
    }

    fn fingerprint_of<P: Protocol>(node: &P) -> u64 {
        let mut h = Fingerprint::default();
        node.fingerprint(&mut h);
        h.finish()
    }

    #[test]
    fn the_config_serializes_as_its_settings() {
        let any = serde_json::to_string(&config(true)).unwrap();
        assert_eq!(any, serde_json::to_string(&PaxosConfig::multi()).unwrap());
    }
}
