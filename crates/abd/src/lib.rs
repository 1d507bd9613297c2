//! The ABD quorum register (Attiya, Bar-Noy & Dolev, "Sharing memory
//! robustly in message-passing systems", JACM 1995), multi-writer, as a
//! pure state machine.
//!
//! Nodes `0..servers` are server replicas; the rest are clients. Drive a
//! node this way:
//!
//! 1. `Abd::new(id, &cluster, &config, durable)`: a server restarts with the
//!    registers it persisted, a client with its operation counter.
//! 2. `step(now, Input::Start, &mut out)`: a client arms its `next` timer;
//!    when it fires it starts an operation of its workload (reads and
//!    writes interleaved over [`AbdConfig::keys`] registers). A request
//!    `read x`, `write x 5` or `x=5` at an idle client starts one at once.
//! 3. Every operation is two majority round trips (see [`client`]); it is
//!    reported through `Out::op` as Jepsen operations.
//! 4. [`AbdChecker`] runs the linearizability checker of
//!    [`protocol::linearizable`] live over the clients' operations.

pub mod checker;
pub mod client;
pub mod message;
pub mod present;
pub mod server;
mod symmetry;

pub use checker::{AbdChecker, DECIDABLE, LINEARIZABILITY};
pub use client::{Client, Phase};
pub use message::{AbdDurable, AbdMsg, AbdTimer, Stored, Ts};
pub use server::Server;

use protocol::{BugSpec, Bugs, Cluster, Input, Look, NodeId, NodeRef, OpFn, OutOf, Panel, Picture, Protocol, Tick};
use serde::Serialize;

/// Most nodes of an ABD world (clients' writes encode their id below 100).
pub const MAX_NODES: u32 = 32;

pub(crate) type AbdOut = OutOf<Abd>;

/// A broken ABD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum AbdBug {
    /// Reads return after the query phase, without the write-back.
    NoWriteBack,
}

pub const BUGS: &[BugSpec] = &[BugSpec {
    name: "no-write-back",
    breaks: LINEARIZABILITY,
    what: "A read returns the highest value of its query phase without writing it back to a majority: a later read can still find the older value (a new-old inversion).",
}];

impl Bugs for AbdBug {
    const ALL: &'static [AbdBug] = &[AbdBug::NoWriteBack];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "abd";
}

impl std::str::FromStr for AbdBug {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct AbdConfig {
    /// Server replicas: nodes `0..servers`; the others are clients.
    pub servers: u32,
    /// Registers, named `x`, `y`, `z` (1..=3).
    pub keys: u32,
    /// A client's pause between operations, MIN..MAX ms.
    pub think_ms: [Tick; 2],
    /// How long a client waits before re-sending to the servers that have
    /// not answered its phase.
    pub resend_ms: Tick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<AbdBug>,
}

impl Default for AbdConfig {
    fn default() -> Self {
        Self { servers: 3, keys: 1, think_ms: [20, 80], resend_ms: 100, bug: None }
    }
}

#[derive(Clone, Debug, Hash)]
pub enum Node {
    Server(Server),
    Client(Client),
}

/// One node of an ABD world.
#[derive(Clone, Debug, Hash)]
pub struct Abd {
    pub id: NodeId,
    pub node: Node,
    config: AbdConfig,
}

impl Abd {
    pub fn client(&self) -> Option<&Client> {
        match &self.node {
            Node::Client(c) => Some(c),
            Node::Server(_) => None,
        }
    }
    pub fn server(&self) -> Option<&Server> {
        match &self.node {
            Node::Server(s) => Some(s),
            Node::Client(_) => None,
        }
    }
}

/// A node in the trace: a server's registers, a client's phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum AbdView {
    Server { id: NodeId, up: bool, kind: &'static str, registers: Vec<(&'static str, Ts, Option<u64>)> },
    Client { id: NodeId, up: bool, kind: &'static str, ops: u64, phase: Option<Phase>, op: Option<String> },
}

impl Protocol for Abd {
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
    fn symmetry(_config: &Self::Config) -> Option<protocol::Symmetry<Self>> {
        Some(protocol::Symmetry::of())
    }
    const NAME: &'static str = "abd";
    type Config = AbdConfig;
    type Msg = AbdMsg;
    type Timer = AbdTimer;
    type Durable = AbdDurable;
    type View = AbdView;
    type Checker = AbdChecker;
    const CLIENT_OPS: &'static [OpFn] = &[OpFn::Read, OpFn::Write];

    fn new(id: NodeId, _cluster: &Cluster, config: &AbdConfig, durable: Option<&AbdDurable>) -> Self {
        let node = if id < config.servers {
            let registers = match durable {
                Some(AbdDurable::Server(r)) => r.clone(),
                _ => Default::default(),
            };
            Node::Server(Server { registers })
        } else {
            let (ops, counter) = match durable {
                Some(AbdDurable::Client { ops, counter }) => (*ops, *counter),
                _ => (0, 0),
            };
            Node::Client(Client::new(id, config.servers, ops, counter))
        };
        Self { id, node, config: config.clone() }
    }

    fn step(&mut self, now: Tick, input: Input<AbdMsg, AbdTimer>, out: &mut OutOf<Self>) {
        match &mut self.node {
            Node::Server(s) => s.step(self.id, input, out),
            Node::Client(c) => c.step(now, input, out, &self.config),
        }
    }

    fn view(&self, up: bool) -> AbdView {
        let id = self.id;
        match &self.node {
            Node::Server(s) => AbdView::Server {
                id,
                up,
                kind: "server",
                registers: s.registers.iter().map(|(k, r)| (message::key_name(*k), r.ts, r.value)).collect(),
            },
            Node::Client(c) => AbdView::Client {
                id,
                up,
                kind: "client",
                ops: c.ops,
                phase: c.current.as_ref().filter(|_| up).map(|o| o.phase),
                op: c.current.as_ref().filter(|_| up).map(present::describe),
            },
        }
    }

    /// An idle client writes a register (a busy one says to try later); a
    /// server takes no requests.
    fn client_request(&self, n: u64) -> Option<String> {
        matches!(&self.node, Node::Client(c) if c.current.is_none()).then(|| format!("x={n}"))
    }

    fn look(&self) -> Look {
        present::look(&self.node, self.config.keys)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        present::inspect(self.id, &self.node, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], config: &AbdConfig) -> Picture {
        present::picture(nodes, config)
    }
}
