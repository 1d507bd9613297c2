//! kv-raft: a key-value map replicated by Raft, the CP store of the CAP
//! comparison (kv-lww is the AP one).
//!
//! Nodes `0..servers` are Raft servers (the `raft` crate's node, wrapped:
//! see [`server`]); the rest are clients (see [`client`]). Drive a node
//! through [`protocol::Protocol`]:
//!
//! 1. `KvRaft::new(id, &cluster, &config, durable)`: a server restarts with
//!    Raft's persisted term, vote and log; a client with its op counter.
//! 2. `step(now, Input::Start, &mut out)`: servers arm the election timer,
//!    clients the timer of their next operation (reads and writes of
//!    `x`, `y`, `z`); a request `read x` or `x=5` at an idle client starts
//!    one at once.
//! 3. A client's request becomes a log entry at the leader; once committed
//!    and applied, the leader answers with the result. Followers refuse, so
//!    a minority cut off from the leader gives its clients `fail` or `info`,
//!    never a stale value.
//! 4. [`KvRaftChecker`] checks Raft's five properties over the servers and
//!    Linearizability over the clients' history, live.
//! 5. `bug=stale-read` answers reads from any server's own state machine;
//!    the checker catches the stale read.

pub mod checker;
pub mod client;
pub mod present;
pub mod server;
pub mod store;
pub mod verdict;

pub use checker::{HistoryChecker, KvRaftChecker, DECIDABLE, LINEARIZABILITY};
pub use client::{ClientConfig, ClientMsg, ClientTimer, KvClient};
pub use server::KvServer;

use protocol::flat::FlatMap;
use protocol::{
    BugSpec, Bugs, Cluster, Input, Look, Message, NodeId, NodeRef, OpFn, OutOf, Panel, Picture, Protocol, Tick, Tone,
};
use raft::{RaftConfig, RaftTimer, Role};
use serde::Serialize;

/// Most nodes of a kv-raft world: Raft's 9 servers at most, and clients.
pub const MAX_NODES: u32 = 16;

pub(crate) type KvOut = OutOf<KvRaft>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum KvRaftBug {
    StaleRead,
}

pub const BUGS: &[BugSpec] = &[BugSpec {
    name: "stale-read",
    breaks: LINEARIZABILITY,
    what: "Any server answers a read from its own state machine without going through the log: a follower that lags, or a minority cut off from the leader, returns an old value.",
}];

impl Bugs for KvRaftBug {
    const ALL: &'static [KvRaftBug] = &[KvRaftBug::StaleRead];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "kv-raft";
}

impl std::str::FromStr for KvRaftBug {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Hash)]
pub struct KvRaftConfig {
    #[serde(flatten)]
    pub clients: ClientConfig,
    pub raft: RaftConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<KvRaftBug>,
}

/// Raft's messages between servers, requests and replies with clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum KvMsg {
    Raft(raft::Msg),
    Client(ClientMsg),
}

impl Message for KvMsg {
    fn term(&self) -> Option<u64> {
        match self {
            KvMsg::Raft(m) => Some(m.term()),
            KvMsg::Client(_) => None,
        }
    }
    fn kind(&self) -> &'static str {
        match self {
            KvMsg::Raft(m) => m.kind(),
            KvMsg::Client(m) => m.kind(),
        }
    }
    fn label(&self) -> String {
        match self {
            KvMsg::Raft(m) => m.label(),
            KvMsg::Client(m) => m.label(),
        }
    }
    fn tone(&self) -> Tone {
        match self {
            KvMsg::Raft(m) => m.tone(),
            KvMsg::Client(m) => m.tone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(untagged)]
pub enum KvTimer {
    Raft(RaftTimer),
    Client(ClientTimer),
}

impl protocol::Timer for KvTimer {
    fn name(&self) -> &'static str {
        match self {
            KvTimer::Raft(t) => t.name(),
            KvTimer::Client(t) => t.name(),
        }
    }
}

/// What survives a crash: a server's Raft state, a client's op counter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvDurable {
    Server(raft::Durable),
    Client { ops: u64 },
}

#[derive(Clone, Debug, Hash)]
pub enum Node {
    Server(Box<KvServer>),
    Client(KvClient),
}

#[derive(Clone, Debug, Hash)]
pub struct KvRaft {
    pub id: NodeId,
    pub node: Node,
    config: KvRaftConfig,
}

impl KvRaft {
    pub fn server(&self) -> Option<&KvServer> {
        match &self.node {
            Node::Server(s) => Some(s),
            Node::Client(_) => None,
        }
    }
    pub fn client(&self) -> Option<&KvClient> {
        match &self.node {
            Node::Client(c) => Some(c),
            Node::Server(_) => None,
        }
    }
}

/// A node in the trace. Servers show Raft's role, term and commit index,
/// the log's length (not the log: traces stay small) and the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum KvRaftView {
    Server {
        id: NodeId,
        up: bool,
        kind: &'static str,
        role: Role,
        term: u64,
        commit_index: u64,
        log_length: u64,
        store: FlatMap<&'static str, u64>,
    },
    Client {
        id: NodeId,
        up: bool,
        kind: &'static str,
        ops: u64,
        op: Option<String>,
    },
}

/// A client's input, if it is one a client takes.
pub fn client_input<M, T>(
    input: Input<M, T>,
    msg: impl Fn(M) -> Option<ClientMsg>,
    timer: impl Fn(T) -> Option<ClientTimer>,
) -> Option<Input<ClientMsg, ClientTimer>> {
    Some(match input {
        Input::Start => Input::Start,
        Input::Request { cmd } => Input::Request { cmd },
        Input::Timer(t) => Input::Timer(timer(t)?),
        Input::Message { from, msg: m } => Input::Message { from, msg: msg(m)? },
    })
}

impl Protocol for KvRaft {
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
    const NAME: &'static str = "kv-raft";
    type Config = KvRaftConfig;
    type Msg = KvMsg;
    type Timer = KvTimer;
    type Durable = KvDurable;
    type View = KvRaftView;
    type Checker = KvRaftChecker;
    const CLIENT_OPS: &'static [OpFn] = &[OpFn::Read, OpFn::Write];

    fn new(id: NodeId, _cluster: &Cluster, config: &KvRaftConfig, durable: Option<&KvDurable>) -> Self {
        let node = if id < config.clients.servers {
            let durable = match durable {
                Some(KvDurable::Server(d)) => Some(d),
                _ => None,
            };
            Node::Server(Box::new(KvServer::new(id, config, durable)))
        } else {
            let ops = match durable {
                Some(KvDurable::Client { ops }) => *ops,
                _ => 0,
            };
            Node::Client(KvClient::new(id, config.clients.servers, ops))
        };
        Self { id, node, config: config.clone() }
    }

    fn step(&mut self, now: Tick, input: Input<KvMsg, KvTimer>, out: &mut OutOf<Self>) {
        match &mut self.node {
            Node::Server(s) => s.step(now, input, out, &self.config),
            Node::Client(c) => {
                let msg = |m| match m {
                    KvMsg::Client(m) => Some(m),
                    KvMsg::Raft(_) => None,
                };
                let timer = |t| match t {
                    KvTimer::Client(t) => Some(t),
                    KvTimer::Raft(_) => None,
                };
                let Some(input) = client_input(input, msg, timer) else { return };
                let mut inner: client::ClientOut = out.inner();
                c.step(now, input, &mut inner, &self.config.clients);
                out.forward(&mut inner, KvMsg::Client, KvTimer::Client, |ops| KvDurable::Client { ops });
            }
        }
    }

    fn view(&self, up: bool) -> KvRaftView {
        let id = self.id;
        match &self.node {
            Node::Server(s) => KvRaftView::Server {
                id,
                up,
                kind: "server",
                role: s.raft.role(),
                term: s.raft.current_term(),
                commit_index: s.raft.commit_index(),
                log_length: s.raft.log().last_index(),
                store: s.store.values().map(|(k, v)| (client::key_name(k), v)).collect(),
            },
            Node::Client(c) => KvRaftView::Client {
                id,
                up,
                kind: "client",
                ops: c.ops,
                op: c.current.as_ref().filter(|_| up).map(|o| client::describe(o.key, o.kind)),
            },
        }
    }

    /// An idle client writes a register (a busy one says to try later); a
    /// server takes no requests.
    fn client_request(&self, n: u64) -> Option<String> {
        matches!(&self.node, Node::Client(c) if c.current.is_none()).then(|| format!("x={n}"))
    }

    fn look(&self) -> Look {
        present::look(self)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        present::inspect(self, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], config: &KvRaftConfig) -> Picture {
        present::picture(nodes, config)
    }
}
