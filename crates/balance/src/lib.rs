//! Load balancing: a request stream over servers with queues.
//!
//! | node   | role                                                        |
//! |--------|-------------------------------------------------------------|
//! | 0      | load generator and balancer: a request every `interval_ms`  |
//! | 1..n   | servers: one request in service, a FIFO queue of `max_queue` |
//!
//! Drive a node this way:
//!
//! 1. `Balance::new(id, &cluster, &config, None)` (nothing is persisted:
//!    a crashed server loses its queue, and the balancer times those out).
//! 2. `step(now, Input::Start, &mut out)` arms the balancer's arrival and
//!    sample timers.
//! 3. Each arrival picks a server by [`Strategy`]: round robin, least
//!    outstanding requests, the key's owner on a consistent-hash ring (the
//!    `ring` crate's [`ring::Ring`]), or the better of two choices drawn
//!    from a hash of the request id. A server's service time is a fixed
//!    function of the request id and the server ([`service_time`]), slower
//!    on the `slow` server; no node draws a random number.
//! 4. [`BalanceChecker`] checks [`NO_REQUEST_LOST`] and [`QUEUE_BOUNDS`].

pub mod balancer;
pub mod checker;
pub mod config;
pub mod message;
pub mod present;
pub mod server;

pub use balancer::{percentile, Balancer, Sample};
pub use checker::{BalanceChecker, NO_REQUEST_LOST, QUEUE_BOUNDS};
pub use config::{mix, service_time, BalanceBug, BalanceConfig, Strategy, BUGS};
pub use message::{BalanceMsg, BalanceTimer};
pub use server::Server;

use protocol::{Cluster, Input, Look, NodeId, NodeRef, OutOf, Panel, Picture, Protocol, Tick};
use serde::Serialize;

/// The balancer's node id.
pub const BALANCER: NodeId = 0;
/// Most nodes: the balancer and 15 servers.
pub const MAX_NODES: u32 = 16;

pub(crate) type Out = protocol::Out<BalanceMsg, BalanceTimer, ()>;

#[derive(Clone, Debug, Hash)]
pub enum Node {
    Balancer(Balancer),
    Server(Server),
}

/// `balance`: one node of the world.
#[derive(Clone, Debug, Hash)]
pub struct Balance {
    pub id: NodeId,
    pub node: Node,
}

impl Balance {
    pub fn balancer(&self) -> Option<&Balancer> {
        match &self.node {
            Node::Balancer(b) => Some(b),
            Node::Server(_) => None,
        }
    }
    pub fn server(&self) -> Option<&Server> {
        match &self.node {
            Node::Server(s) => Some(s),
            Node::Balancer(_) => None,
        }
    }
}

/// A node in the trace.
#[derive(Clone, Debug, PartialEq, Serialize, Hash)]
#[serde(untagged)]
pub enum BalanceView {
    Balancer {
        id: NodeId,
        up: bool,
        kind: &'static str,
        strategy: &'static str,
        sent: u64,
        answered: u64,
        rejected: u64,
        timed_out: u64,
        outstanding: Vec<u32>,
        p50_ms: Tick,
        p99_ms: Tick,
    },
    Server {
        id: NodeId,
        up: bool,
        kind: &'static str,
        slow: bool,
        queue: usize,
        served: u64,
        rejected: u64,
    },
}

impl Protocol for Balance {
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
    const NAME: &'static str = "balance";
    const CLIENT_OPS: &'static [protocol::OpFn] = &[protocol::OpFn::Read];
    type Config = BalanceConfig;
    type Msg = BalanceMsg;
    type Timer = BalanceTimer;
    type Durable = ();
    type View = BalanceView;
    type Checker = BalanceChecker;

    fn new(id: NodeId, cluster: &Cluster, config: &BalanceConfig, _durable: Option<&()>) -> Self {
        let node = if id == BALANCER {
            Node::Balancer(Balancer::new(cluster.nodes.saturating_sub(1).max(1), config))
        } else {
            Node::Server(Server::new(id, config))
        };
        Self { id, node }
    }

    fn step(&mut self, now: Tick, input: Input<BalanceMsg, BalanceTimer>, out: &mut OutOf<Self>) {
        match &mut self.node {
            Node::Balancer(b) => b.step(now, input, out),
            Node::Server(s) => s.step(input, out),
        }
    }

    fn view(&self, up: bool) -> BalanceView {
        let id = self.id;
        match &self.node {
            Node::Balancer(b) => BalanceView::Balancer {
                id,
                up,
                kind: "balancer",
                strategy: b.config.strategy.name(),
                sent: b.sent,
                answered: b.answered,
                rejected: b.rejected,
                timed_out: b.timed_out,
                outstanding: b.outstanding.clone(),
                p50_ms: b.p50,
                p99_ms: b.p99,
            },
            Node::Server(s) => BalanceView::Server {
                id,
                up,
                kind: "server",
                slow: s.slow(),
                queue: s.queue.len(),
                served: s.served,
                rejected: s.rejected,
            },
        }
    }

    fn look(&self) -> Look {
        present::look(&self.node)
    }

    fn inspect(&self, _up: bool) -> Vec<Panel> {
        present::inspect(self.id, &self.node)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], config: &BalanceConfig) -> Picture {
        present::picture(nodes, config)
    }
}
