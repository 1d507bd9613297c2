//! Distributed locks as pure state machines, and what goes wrong with them.
//!
//! Four algorithms, each its own [`protocol::Protocol`]:
//!
//! | `--algo`      | type           | lock service                             | storage checks tokens |
//! |---------------|----------------|------------------------------------------|-----------------------|
//! | `lock-lease`  | [`LockLease`]  | one server, leases with a TTL (`SET NX PX`) | no                 |
//! | `lock-fenced` | [`LockFenced`] | the same, every grant numbered           | yes                   |
//! | `redlock`     | [`Redlock`]    | five servers, a majority within validity | no                    |
//! | `lock-zk`     | [`LockZk`]     | sessions, sequential entries, watches    | yes (sequence number) |
//!
//! [`Lock`] (the default `Lock<variant::Chosen>`) runs any of the four, the
//! one its [`ChosenConfig`] names: the lab's catalog uses it, so the app
//! holds one copy of the generic simulator for all four (see [`Choice`]).
//!
//! Following Kleppmann, "How to do distributed locking" (2016); the Redis
//! descriptions of `SET key value NX PX` and of Redlock; and the lock recipe
//! of "ZooKeeper Recipes and Solutions". Leases expire on the server's clock
//! and are judged valid on the client's, and the two can disagree: a client
//! that pauses or whose clock runs slow writes after its lease ended. Only a
//! fencing token checked by the storage makes that harmless.
//!
//! The layout of a world is fixed ([`Layout`]): the lock servers first (one;
//! five for Redlock; the coordination node for `lock-zk`), then the clients,
//! then exactly one storage node, the last id. Drive a node this way:
//!
//! 1. `Lock::<V>::new(id, &cluster, &config, durable)` builds the node its
//!    id calls for, fresh or from what it persisted before a crash.
//! 2. `step(now, Input::Start, &mut out)` starts it: a client arms its first
//!    back-off (or, under `lock-zk`, connects); servers and storage wait.
//! 3. Feed it delivered [`Msg`]s and fired [`LockTimer`]s with its *local*
//!    clock as `now`, and carry out its commands in order. Clients loop on
//!    their own: acquire, hold while working, write to the storage, release,
//!    back off; a client request is ignored.
//! 4. Clients report their operations for a Jepsen history (`ops.rs`):
//!    `:acquire` and `:release` of the lock as a mutex, `:write` of the
//!    storage with the token.
//! 5. [`LockChecker`] checks [`STORAGE_MUTUAL_EXCLUSION`] after every step.
//!
//! No node reads a clock or draws a random number: hold times and back-offs
//! are timer ranges the world draws from. [`presets`] holds Kleppmann's
//! figure as data.

mod bug;
mod checker;
mod client;
mod config;
mod coordinator;
mod message;
mod ops;
pub mod present;
pub mod presets;
mod server;
mod storage;
mod view;
mod zk_client;

pub use bug::{Bug, BUGS};
pub use checker::{LockChecker, GRANTS_REMEMBERED, STORAGE_MUTUAL_EXCLUSION};
pub use client::{ClientDurable, Held, LeaseClient, Phase};
pub use config::{
    variant, Algorithm, Choice, ChosenConfig, Kind, Layout, LockConfig, Variant, MAX_NODES, REDLOCK_SERVERS,
    WRITES_KEPT,
};
pub use coordinator::{Coordinator, CoordinatorDurable, Entry, Session};
pub use message::{LockTimer, Msg};
pub use server::{Lease, LockServer, ServerDurable};
pub use storage::{Storage, StorageDurable, WriteLog, WriteRecord};
pub use view::{ClientView, ServerView, StorageView, View};
pub use zk_client::{ZkClient, ZkPhase};

use protocol::{Cluster, Input, Level, Look, NodeId, NodeRef, Out, Panel, Picture, Protocol, Tick};
use std::marker::PhantomData;

/// `lock-lease`: a lease, no fencing.
pub type LockLease = Lock<variant::Lease>;
/// `lock-fenced`: a lease and a fencing token the storage checks.
pub type LockFenced = Lock<variant::Fenced>;
/// `redlock`: five servers, a majority within the validity time.
pub type Redlock = Lock<variant::Redlock>;
/// `lock-zk`: the ZooKeeper lock recipe, fenced by the sequence number.
pub type LockZk = Lock<variant::Zk>;

/// What one node is: the part its id gives it in the layout.
#[derive(Clone, Debug, Hash)]
pub enum Node {
    /// A lease server (`lock-lease`, `lock-fenced`, `redlock`).
    Server(LockServer),
    /// The coordination node of `lock-zk`.
    Coordinator(Coordinator),
    /// A client of `lock-lease`, `lock-fenced` or `redlock`.
    Client(LeaseClient),
    /// A client of `lock-zk`.
    ZkClient(ZkClient),
    Storage(Storage),
}

/// What a node persists, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Durable {
    Server(ServerDurable),
    Coordinator(CoordinatorDurable),
    Client(ClientDurable),
    Storage(StorageDurable),
}

impl From<ServerDurable> for Durable {
    fn from(d: ServerDurable) -> Self {
        Durable::Server(d)
    }
}
impl From<CoordinatorDurable> for Durable {
    fn from(d: CoordinatorDurable) -> Self {
        Durable::Coordinator(d)
    }
}
impl From<ClientDurable> for Durable {
    fn from(d: ClientDurable) -> Self {
        Durable::Client(d)
    }
}
impl From<StorageDurable> for Durable {
    fn from(d: StorageDurable) -> Self {
        Durable::Storage(d)
    }
}

/// One node of a lock world; `V` says which variant it runs (by default,
/// the one its config names: see [`Choice`]).
#[derive(Clone, Debug, Hash)]
pub struct Lock<V = variant::Chosen> {
    id: NodeId,
    variant: Variant,
    node: Node,
    _variant: PhantomData<V>,
}

impl<V: Choice> Lock<V> {
    /// What a `Persist` saves: the durable part of whichever role the node plays.
    pub fn durable(&self) -> Durable {
        match &self.node {
            Node::Server(n) => n.durable().into(),
            Node::Coordinator(n) => n.durable().into(),
            Node::Client(n) => n.durable().into(),
            Node::ZkClient(n) => n.durable().into(),
            Node::Storage(n) => n.durable().into(),
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The algorithm this node's world runs.
    pub fn variant(&self) -> Variant {
        self.variant
    }
    pub fn node(&self) -> &Node {
        &self.node
    }
    pub fn kind(&self) -> Kind {
        match self.node {
            Node::Server(_) | Node::Coordinator(_) => Kind::LockServer,
            Node::Client(_) | Node::ZkClient(_) => Kind::Client,
            Node::Storage(_) => Kind::Storage,
        }
    }
    /// The lock as this node believes it held: `Some` for a client that
    /// believes it holds the lock.
    pub fn held(&self) -> Option<&Held> {
        match &self.node {
            Node::Client(c) => c.lock(),
            Node::ZkClient(c) => c.lock(),
            _ => None,
        }
    }
    pub fn storage(&self) -> Option<&Storage> {
        match &self.node {
            Node::Storage(s) => Some(s),
            _ => None,
        }
    }
}

impl<V: Choice> Protocol for Lock<V> {
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
    const NAME: &'static str = V::NAME;
    type Config = V::Config;
    type Msg = Msg;
    type Timer = LockTimer;
    type Durable = Durable;
    type View = View;
    type Checker = LockChecker;
    const CLIENT_OPS: &'static [protocol::OpFn] =
        &[protocol::OpFn::Acquire, protocol::OpFn::Release, protocol::OpFn::Write];

    fn new(id: NodeId, cluster: &Cluster, config: &V::Config, durable: Option<&Durable>) -> Self {
        let variant = V::variant(config);
        let config = V::settings(config);
        let layout = Layout::new(variant, cluster.nodes);
        let node = match (layout.kind(id), variant) {
            (Kind::LockServer, Variant::Zk) => Node::Coordinator(Coordinator::new(
                id,
                config,
                match durable {
                    Some(Durable::Coordinator(d)) => Some(d),
                    _ => None,
                },
            )),
            (Kind::LockServer, _) => Node::Server(LockServer::new(
                id,
                config,
                match durable {
                    Some(Durable::Server(d)) => Some(d),
                    _ => None,
                },
            )),
            (Kind::Client, v) => {
                let d = match durable {
                    Some(Durable::Client(d)) => Some(d),
                    _ => None,
                };
                if v == Variant::Zk {
                    Node::ZkClient(ZkClient::new(id, &layout, config, d))
                } else {
                    Node::Client(LeaseClient::new(id, &layout, v, config, d))
                }
            }
            (Kind::Storage, v) => Node::Storage(Storage::new(
                id,
                v,
                config,
                match durable {
                    Some(Durable::Storage(d)) => Some(d),
                    _ => None,
                },
            )),
        };
        Self { id, variant, node, _variant: PhantomData }
    }

    fn step(&mut self, now: Tick, input: Input<Msg, LockTimer>, out: &mut Out<Msg, LockTimer, Durable>) {
        if let Input::Request { .. } = input {
            out.emit(
                Level::Info,
                format_args!("node {} ignores requests: clients take the lock on their own", self.id),
            );
            return;
        }
        match &mut self.node {
            Node::Server(n) => n.step(now, input, out),
            Node::Coordinator(n) => n.step(now, input, out),
            Node::Client(n) => n.step(now, input, out),
            Node::ZkClient(n) => n.step(now, input, out),
            Node::Storage(n) => n.step(now, input, out),
        }
    }

    fn view(&self, up: bool) -> View {
        let id = self.id;
        let client = |holds: Option<&Held>, local_time| {
            View::Client(ClientView {
                id,
                up,
                kind: Kind::Client.name(),
                holds: holds.is_some(),
                token: holds.and_then(|h| h.token),
                local_time,
                valid_until: holds.map(|h| h.valid_until),
            })
        };
        match &self.node {
            Node::Server(s) => View::LockServer(ServerView {
                id,
                up,
                kind: Kind::LockServer.name(),
                holder: s.lease().map(|l| l.client),
                token: s.last_token(),
                expires_at: s.lease().map(|l| l.expires_at),
                queue: None,
                sessions: None,
            }),
            Node::Coordinator(c) => {
                let holder = c.holder();
                View::LockServer(ServerView {
                    id,
                    up,
                    kind: Kind::LockServer.name(),
                    holder: holder.map(|e| e.client),
                    token: c.last_token(),
                    expires_at: holder.and_then(|e| c.session(e.session)).map(|s| s.expires_at),
                    queue: Some(c.entries().cloned().collect()),
                    sessions: Some(c.sessions().cloned().collect()),
                })
            }
            Node::Client(c) => client(c.lock(), c.local_time()),
            Node::ZkClient(c) => client(c.lock(), c.local_time()),
            Node::Storage(s) => View::Storage(StorageView {
                id,
                up,
                kind: Kind::Storage.name(),
                writes: s.writes().iter().cloned().collect(),
                highest_token: s.highest_token(),
            }),
        }
    }

    fn look(&self) -> Look {
        self.present_look()
    }

    fn inspect(&self, _up: bool) -> Vec<Panel> {
        self.present_inspect()
    }

    fn name(config: &V::Config) -> &'static str {
        V::variant(config).name()
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &V::Config) -> Picture {
        Self::present_picture(nodes)
    }
}
