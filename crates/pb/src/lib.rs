//! Failure detection in front of primary-backup replication.
//!
//! | node | role                                                        |
//! |------|-------------------------------------------------------------|
//! | 0    | the client: writes every `write_ms` to the primary it knows |
//! | 1    | replica, primary of epoch 1                                 |
//! | 2    | replica, backup; promotes itself when it suspects 1         |
//! | 3..  | with `topology=chain`: more replicas down the chain         |
//!
//! Drive a node this way:
//!
//! 1. `PrimaryBackup::new(id, &cluster, &config, durable)`: a replica comes
//!    back from a crash with its epoch, role and log.
//! 2. `step(now, Input::Start, &mut out)` arms the heartbeat (replicas) or
//!    the write timer (client).
//! 3. Feed delivered messages and fired timers; carry out the commands in
//!    order (a replica persists an accepted write before it answers).
//! 4. [`PbChecker`] checks [`ONE_PRIMARY_PER_EPOCH`] after every step.
//!
//! The detector ([`detector`]) is a fixed timeout or phi accrual
//! (`PbConfig::detector`); fencing ([`replica`]) is by epoch or none
//! (`PbConfig::fencing`). No node reads a clock or draws a random number.

pub mod checker;
pub mod client;
pub mod config;
pub mod detector;
pub mod message;
pub mod present;
pub mod replica;

pub use checker::{PbChecker, EPOCHS_REMEMBERED, ONE_PRIMARY_PER_EPOCH};
pub use client::Client;
pub use config::{Detector, Fencing, PbBug, PbConfig, Topology, BUGS};
pub use message::{Entry, PbMsg, PbTimer};
pub use replica::{owner, Log, Replica, LOG_KEEP, MAX_PENDING};

use protocol::{Cluster, Input, Look, NodeId, NodeRef, OpFn, OutOf, Panel, Picture, Protocol, Tick};
use serde::Serialize;

/// The client's node id.
pub const CLIENT: NodeId = 0;
/// Nodes of a pair world: the client and two replicas (nodes `1..=2`).
pub const NODES: u32 = 3;
/// Most nodes of a chain world: the client and five replicas.
pub const MAX_NODES: u32 = 6;

pub(crate) type Out = protocol::Out<PbMsg, PbTimer, PbDurable>;

/// What a node persists.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PbDurable {
    Replica { epoch: u64, primary: bool, log: Log, accepted: Option<(u64, u64)>, view: Vec<NodeId> },
    Client { last_id: u64 },
}

#[derive(Clone, Debug, Hash)]
pub enum Node {
    Client(Client),
    Replica(Replica),
}

/// `primary-backup`: one node of the world.
#[derive(Clone, Debug, Hash)]
pub struct PrimaryBackup {
    pub id: NodeId,
    pub node: Node,
}

impl PrimaryBackup {
    pub fn replica(&self) -> Option<&Replica> {
        match &self.node {
            Node::Replica(r) => Some(r),
            Node::Client(_) => None,
        }
    }
    pub fn client(&self) -> Option<&Client> {
        match &self.node {
            Node::Client(c) => Some(c),
            Node::Replica(_) => None,
        }
    }
}

/// A node in the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PbView {
    Client {
        id: NodeId,
        up: bool,
        kind: &'static str,
        primary: NodeId,
        ok: u64,
        failed: u64,
        unknown: u64,
    },
    Replica {
        id: NodeId,
        up: bool,
        kind: &'static str,
        role: &'static str,
        epoch: u64,
        view: Vec<NodeId>,
        log_len: u64,
        log: Vec<u64>,
        accepted_epoch: Option<u64>,
        suspicion: f64,
        suspects: bool,
    },
}

impl Protocol for PrimaryBackup {
    /// Every field of the node's state by its derived `Hash` (see
    /// `protocol::fingerprint`), and so its messages, what it persisted and
    /// its timers: several times cheaper than their `Debug` text.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }
    fn fingerprint_msg(msg: &Self::Msg, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(msg, h);
    }
    fn fingerprint_durable(durable: &Self::Durable, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(durable, h);
    }
    fn fingerprint_timer(timer: &Self::Timer, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(timer, h);
    }
    const NAME: &'static str = "primary-backup";
    type Config = PbConfig;
    type Msg = PbMsg;
    type Timer = PbTimer;
    type Durable = PbDurable;
    type View = PbView;
    type Checker = PbChecker;
    const CLIENT_OPS: &'static [OpFn] = &[OpFn::Write];

    fn new(id: NodeId, cluster: &Cluster, config: &PbConfig, durable: Option<&PbDurable>) -> Self {
        let replicas = cluster.nodes.saturating_sub(1).max(1);
        let node = if id == CLIENT {
            Node::Client(Client::new(replicas, config, durable))
        } else {
            Node::Replica(Replica::new(id, replicas, config, durable))
        };
        Self { id, node }
    }

    fn step(&mut self, now: Tick, input: Input<PbMsg, PbTimer>, out: &mut OutOf<Self>) {
        match &mut self.node {
            Node::Client(c) => c.step(input, out),
            Node::Replica(r) => r.step(now, input, out),
        }
    }

    fn view(&self, up: bool) -> PbView {
        let id = self.id;
        match &self.node {
            Node::Client(c) => PbView::Client {
                id,
                up,
                kind: "client",
                primary: c.primary,
                ok: c.ok,
                failed: c.failed,
                unknown: c.unknown,
            },
            Node::Replica(r) => PbView::Replica {
                id,
                up,
                kind: "replica",
                role: if r.primary { "primary" } else { "backup" },
                epoch: r.epoch,
                view: r.view.clone(),
                log_len: r.log.len,
                log: r.log.entries.iter().map(|e| e.id).collect(),
                accepted_epoch: r.accepted.map(|(e, _)| e),
                // Rounded so that the trace does not depend on the last bits of a float.
                suspicion: if up { (r.verdict.level * 100.0).round() / 100.0 } else { 0.0 },
                suspects: up && r.verdict.suspect,
            },
        }
    }

    fn look(&self) -> Look {
        present::look(&self.node)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        present::inspect(self.id, &self.node, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], config: &PbConfig) -> Picture {
        present::picture(nodes, config)
    }
}
