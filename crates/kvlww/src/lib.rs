//! kv-lww: last-writer-wins replicas, the AP store of the CAP comparison
//! (kv-raft is the CP one).
//!
//! Nodes `0..servers` are replicas (see [`replica`]); the rest are the same
//! key-value clients as kv-raft's ([`kvraft::client`]). Drive a node
//! through [`protocol::Protocol`]:
//!
//! 1. `Lww::new(id, &cluster, &config, durable)`: a replica restarts with
//!    the versions it persisted, a client with its op counter.
//! 2. `step(now, Input::Start, &mut out)`: replicas arm anti-entropy,
//!    clients their next operation; `read x` or `x=5` at an idle client
//!    starts one at once.
//! 3. A replica answers every request at once from its own versions, on
//!    either side of a partition; a write is stamped `(now, replica id)`.
//!    Every `gossip_ms` a replica sends its versions to the others, which
//!    keep the newest; acknowledged writes lost that way are counted.
//! 4. [`LwwChecker`] checks what an AP store does guarantee:
//!    [`TIMESTAMPS_ONLY_GROW`] and [`ONE_VALUE_PER_TIMESTAMP`].
//!    Linearizability is *not* among them; the picture shows the
//!    linearizability verdict of the clients' history instead (it fails
//!    under a partition, and says why).

pub mod checker;
pub mod present;
pub mod replica;

pub use checker::{LwwChecker, ONE_VALUE_PER_TIMESTAMP, TIMESTAMPS_ONLY_GROW};
pub use replica::{Lost, Replica, Ts, Version};

use kvraft::client::{self, ClientConfig, ClientMsg, ClientTimer, KvClient};
use protocol::flat::FlatMap;
use protocol::{
    BugSpec, Bugs, Cluster, Input, Look, Message, NodeId, NodeRef, OpFn, OutOf, Panel, Picture, Protocol, Tick, Tone,
};
use serde::Serialize;
use std::collections::VecDeque;

/// Most nodes of a kv-lww world.
pub const MAX_NODES: u32 = 16;

pub(crate) type LwwOut = OutOf<Lww>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum LwwBug {
    LastArrivalWins,
    ClockOnlyTimestamps,
}

pub const BUGS: &[BugSpec] = &[
    BugSpec {
        name: "last-arrival-wins",
        breaks: TIMESTAMPS_ONLY_GROW,
        what: "A replica keeps whatever version arrives last by anti-entropy, not the newest: an old version delivered late replaces a newer one.",
    },
    BugSpec {
        name: "clock-only-timestamps",
        breaks: ONE_VALUE_PER_TIMESTAMP,
        what: "Timestamps are the clock alone, without the replica id: two writes taken in the same millisecond on two replicas tie, each keeps its own, and they never converge.",
    },
];

impl Bugs for LwwBug {
    const ALL: &'static [LwwBug] = &[LwwBug::LastArrivalWins, LwwBug::ClockOnlyTimestamps];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "kv-lww";
}

impl std::str::FromStr for LwwBug {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct LwwConfig {
    /// Replicas are nodes `0..clients.servers`.
    #[serde(flatten)]
    pub clients: ClientConfig,
    /// How often a replica sends its versions to the others.
    pub gossip_ms: Tick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<LwwBug>,
}

impl Default for LwwConfig {
    fn default() -> Self {
        Self { clients: ClientConfig::default(), gossip_ms: 50, bug: None }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum LwwMsg {
    Client(ClientMsg),
    Gossip { versions: Vec<(u8, Version)> },
}

impl Message for LwwMsg {
    fn kind(&self) -> &'static str {
        match self {
            LwwMsg::Client(m) => m.kind(),
            LwwMsg::Gossip { .. } => "Gossip",
        }
    }
    fn label(&self) -> String {
        match self {
            LwwMsg::Client(m) => m.label(),
            LwwMsg::Gossip { versions } => versions
                .iter()
                .map(|(k, v)| format!("{}={}", client::key_name(*k), v.value))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
    fn tone(&self) -> Tone {
        match self {
            LwwMsg::Client(m) => m.tone(),
            LwwMsg::Gossip { .. } => Tone::GREEN,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(untagged)]
pub enum LwwTimer {
    Client(ClientTimer),
    Replica(ReplicaTimer),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ReplicaTimer {
    /// Send every version to the other replicas.
    AntiEntropy,
}

impl protocol::Timer for LwwTimer {
    fn name(&self) -> &'static str {
        match self {
            LwwTimer::Client(t) => t.name(),
            LwwTimer::Replica(ReplicaTimer::AntiEntropy) => "anti-entropy",
        }
    }
}

/// A replica's versions and lost writes survive a crash (a store on disk).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReplicaDurable {
    pub store: FlatMap<u8, Version>,
    pub lost: u64,
    pub recent_lost: VecDeque<Lost>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LwwDurable {
    Replica(ReplicaDurable),
    Client { ops: u64 },
}

impl From<ReplicaDurable> for LwwDurable {
    fn from(d: ReplicaDurable) -> Self {
        LwwDurable::Replica(d)
    }
}

#[derive(Clone, Debug, Hash)]
pub enum Node {
    Replica(Replica),
    Client(KvClient),
}

#[derive(Clone, Debug, Hash)]
pub struct Lww {
    pub id: NodeId,
    pub node: Node,
    config: LwwConfig,
}

impl Lww {
    pub fn replica(&self) -> Option<&Replica> {
        match &self.node {
            Node::Replica(r) => Some(r),
            Node::Client(_) => None,
        }
    }
    pub fn client(&self) -> Option<&KvClient> {
        match &self.node {
            Node::Client(c) => Some(c),
            Node::Replica(_) => None,
        }
    }
}

/// A node in the trace: a replica's versions (key → value, timestamp,
/// and what its writer had seen) and lost-update count, or a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum LwwView {
    Replica { id: NodeId, up: bool, kind: &'static str, store: FlatMap<&'static str, Version>, lost: u64 },
    Client { id: NodeId, up: bool, kind: &'static str, ops: u64, op: Option<String> },
}

/// Where a client is in its operations, to tell after a step what it did:
/// the shared client of [`kvraft::client`] notes only giving up, so kv-lww
/// narrates its clients' milestones here, from their state.
#[derive(Clone, Copy)]
struct Milestones {
    /// The operation in progress and its try.
    current: Option<(u64, u32)>,
    /// The last finished operation.
    done: Option<u64>,
}

impl Milestones {
    fn of(c: &KvClient) -> Self {
        Self { current: c.current.as_ref().map(|o| (o.seq, o.attempts)), done: c.done.back().map(|d| d.seq) }
    }
}

/// The log lines of a client's step: an operation started, tried again at
/// another replica, or finished with a replica's answer (`from`). Giving up
/// is the shared client's own line.
fn narrate(id: NodeId, c: &KvClient, before: Milestones, from: Option<NodeId>, out: &mut LwwOut) {
    use protocol::Level;
    let after = Milestones::of(c);
    if let (Some(d), Some(from)) = (c.done.back().filter(|_| after.done != before.done), from) {
        let ms = d.completed_at.saturating_sub(d.invoked_at);
        match (d.kind, d.outcome) {
            (client::Kind::Read, client::Outcome::Ok(v)) => out.emit(
                Level::Info,
                format_args!(
                    "client {id} finishes read {}: {} from replica {from} ({ms} ms)",
                    client::key_name(d.key),
                    protocol::linearizable::Shown(v)
                ),
            ),
            (client::Kind::Write(_), client::Outcome::Ok(_)) => out.emit(
                Level::Info,
                format_args!(
                    "client {id} finishes {}: acked by replica {from} ({ms} ms)",
                    present::OpText(d.key, d.kind)
                ),
            ),
            _ => {}
        }
    }
    let (Some(op), Some((seq, attempts))) = (c.current.as_ref(), after.current) else { return };
    let at = c.target;
    if before.current.is_none_or(|(s, _)| s != seq) {
        out.emit(Level::Info, format_args!("client {id} starts {} at replica {at}", present::OpText(op.key, op.kind)));
    } else if before.current.is_some_and(|(_, a)| a < attempts) {
        out.emit(
            Level::Info,
            format_args!("client {id} retries {} at replica {at} (try {attempts})", present::OpText(op.key, op.kind)),
        );
    }
}

impl Protocol for Lww {
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
    const NAME: &'static str = "kv-lww";
    type Config = LwwConfig;
    type Msg = LwwMsg;
    type Timer = LwwTimer;
    type Durable = LwwDurable;
    type View = LwwView;
    type Checker = LwwChecker;
    const CLIENT_OPS: &'static [OpFn] = &[OpFn::Read, OpFn::Write];

    fn new(id: NodeId, _cluster: &Cluster, config: &LwwConfig, durable: Option<&LwwDurable>) -> Self {
        let node = if id < config.clients.servers {
            let d = match durable {
                Some(LwwDurable::Replica(d)) => Some(d),
                _ => None,
            };
            Node::Replica(Replica::from_durable(d))
        } else {
            let ops = match durable {
                Some(LwwDurable::Client { ops }) => *ops,
                _ => 0,
            };
            Node::Client(KvClient::new(id, config.clients.servers, ops))
        };
        Self { id, node, config: config.clone() }
    }

    fn step(&mut self, now: Tick, input: Input<LwwMsg, LwwTimer>, out: &mut OutOf<Self>) {
        match &mut self.node {
            Node::Replica(r) => r.step(self.id, now, input, out, &self.config),
            Node::Client(c) => {
                let msg = |m| match m {
                    LwwMsg::Client(m) => Some(m),
                    LwwMsg::Gossip { .. } => None,
                };
                let timer = |t| match t {
                    LwwTimer::Client(t) => Some(t),
                    LwwTimer::Replica(_) => None,
                };
                let Some(input) = kvraft::client_input(input, msg, timer) else { return };
                let from = match &input {
                    Input::Message { from, .. } => Some(*from),
                    _ => None,
                };
                let before = Milestones::of(c);
                let mut inner: client::ClientOut = out.inner();
                c.step(now, input, &mut inner, &self.config.clients);
                out.forward(&mut inner, LwwMsg::Client, LwwTimer::Client, |ops| LwwDurable::Client { ops });
                narrate(self.id, c, before, from, out);
            }
        }
    }

    fn view(&self, up: bool) -> LwwView {
        let id = self.id;
        match &self.node {
            Node::Replica(r) => LwwView::Replica {
                id,
                up,
                kind: "replica",
                store: r.store.iter().map(|(k, v)| (client::key_name(*k), *v)).collect(),
                lost: r.lost,
            },
            Node::Client(c) => LwwView::Client {
                id,
                up,
                kind: "client",
                ops: c.ops,
                op: c.current.as_ref().filter(|_| up).map(|o| client::describe(o.key, o.kind)),
            },
        }
    }

    /// An idle client writes a register (a busy one says to try later); a
    /// replica takes no requests.
    fn client_request(&self, n: u64) -> Option<String> {
        matches!(&self.node, Node::Client(c) if c.current.is_none()).then(|| format!("x={n}"))
    }

    fn look(&self) -> Look {
        present::look(self)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        present::inspect(self, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], config: &LwwConfig) -> Picture {
        present::picture(nodes, config)
    }
}
