//! Distributed transactions as pure state machines.
//!
//! | `--algo` | type        | nodes                                         |
//! |----------|-------------|-----------------------------------------------|
//! | `2pc`    | [`TwoPc`]   | coordinator 0, participants `1..n`            |
//! | `3pc`    | [`ThreePc`] | coordinator 0, participants `1..n`            |
//! | `outbox` | [`Outbox`]  | service 0, relay 1, broker 2, consumer 3       |
//! | `saga`   | [`Saga`]    | orchestrator 0, services `1..n` (step `k` on service `k`) |
//!
//! [`Commit`] (the default `Commit<phases::Chosen>`) runs either 2PC or 3PC,
//! as its [`ChosenConfig`] says: the lab's catalog uses it, so the app holds
//! one copy of the generic simulator for both (see [`Phases`]).
//!
//! Drive a node this way:
//!
//! 1. `TwoPc::new(id, &cluster, &config, durable)` builds the node its id
//!    calls for (node 0 coordinates), fresh or from its log after a crash.
//! 2. `step(now, Input::Start, &mut out)`: a restarted coordinator re-sends
//!    its logged decision; a restarted participant in doubt asks for it.
//! 3. A client request at node 0 starts a transaction; feed delivered
//!    messages and fired timers and carry out the commands in order (every
//!    `Persist` comes before the `Send` that depends on it).
//! 4. [`CommitChecker`] checks [`ATOMICITY`] and [`DECISION_DURABILITY`];
//!    [`SagaChecker`] checks [`SAGA_COMPLETION`] and [`COMPENSATE_ONCE`];
//!    [`OutboxChecker`] checks [`EXACTLY_ONCE`] and [`NO_PHANTOM`].
//!
//! No node reads a clock or draws a random number: timeouts are timer
//! ranges the world draws from.

mod bug;
mod checker;
pub mod commit;
pub mod commit_present;
pub mod outbox;
pub mod outbox_present;
pub mod saga;
pub mod saga_present;
mod symmetry;

pub use bug::{CommitBug, OutboxBug, SagaBug, COMMIT_BUGS, OUTBOX_BUGS, SAGA_BUGS};
pub use checker::{
    CommitChecker, OutboxChecker, SagaChecker, ATOMICITY, COMPENSATE_ONCE, DECISION_DURABILITY, EXACTLY_ONCE,
    NO_PHANTOM, SAGA_COMPLETION, TXS_REMEMBERED,
};
pub use commit::{
    CommitConfig, CommitDurable, CommitMsg, CommitNode, CommitTimer, Decision, Settings, TxState, COORDINATOR,
    MAX_NODES,
};
pub use outbox::{IdSet, OutboxConfig, OutboxDurable, OutboxMsg, OutboxNode, OutboxTimer};
pub use saga::{SagaConfig, SagaDurable, SagaMsg, SagaNode, SagaState, SagaTimer};

use protocol::{
    ClientOp, Cluster, Input, Look, NodeId, NodeRef, OpFn, OpKind, OpValue, OutOf, Panel, Picture, Protocol, Tick,
};
use serde::Serialize;
use std::marker::PhantomData;

/// `2pc`: two-phase commit with presumed abort.
pub type TwoPc = Commit<phases::Two>;
/// `3pc`: three-phase commit with the termination protocol.
pub type ThreePc = Commit<phases::Three>;

/// How the type of a commit world picks two or three phases: fixed by a
/// marker ([`TwoPc`], [`ThreePc`], whose config is a [`CommitConfig`]), or
/// read at run time from a [`ChosenConfig`] ([`phases::Chosen`], what the
/// lab's catalog runs, so that 2PC and 3PC share one copy of the
/// simulator's code).
pub trait Phases: Clone + Copy + std::fmt::Debug + std::hash::Hash + Default + Send + Sync + 'static {
    /// The `NAME` of [`Protocol`] for `Commit<Self>`.
    const NAME: &'static str;
    /// The protocol's config.
    type Config: Clone + std::fmt::Debug + Default + Serialize;
    /// Whether a world of this type with `config` runs 3PC.
    fn three(config: &Self::Config) -> bool;
    /// The settings every node shares.
    fn settings(config: &Self::Config) -> &CommitConfig;
}

/// The config of a [`Commit`] world: two or three phases, and the settings.
/// Serialized as its settings alone, as a marker-typed world's config is: a
/// trace names its algorithm apart from its config.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(transparent)]
pub struct ChosenConfig {
    #[serde(skip)]
    pub three_phase: bool,
    pub settings: CommitConfig,
}

/// The markers of [`Phases`].
pub mod phases {
    use super::{ChosenConfig, CommitConfig, Phases};

    /// `2pc`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Two;
    /// `3pc`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Three;
    /// Either, as its [`ChosenConfig`] says.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Chosen;

    impl Phases for Two {
        const NAME: &'static str = "2pc";
        type Config = CommitConfig;
        fn three(_config: &CommitConfig) -> bool {
            false
        }
        fn settings(config: &CommitConfig) -> &CommitConfig {
            config
        }
    }
    impl Phases for Three {
        const NAME: &'static str = "3pc";
        type Config = CommitConfig;
        fn three(_config: &CommitConfig) -> bool {
            true
        }
        fn settings(config: &CommitConfig) -> &CommitConfig {
            config
        }
    }
    impl Phases for Chosen {
        const NAME: &'static str = "commit";
        type Config = ChosenConfig;
        fn three(config: &ChosenConfig) -> bool {
            config.three_phase
        }
        fn settings(config: &ChosenConfig) -> &CommitConfig {
            &config.settings
        }
    }
}

/// The `--algo` name of 2PC or 3PC.
fn commit_name(three: bool) -> &'static str {
    if three {
        "3pc"
    } else {
        "2pc"
    }
}

/// One node of a commit world; `K` picks 2PC or 3PC (by default, its
/// config does: see [`Phases`]).
#[derive(Clone, Debug, Hash)]
pub struct Commit<K = phases::Chosen> {
    id: NodeId,
    /// Three-phase commit.
    three: bool,
    pub(crate) node: CommitNode,
    settings: Settings,
    _phases: PhantomData<K>,
}

impl<K: Phases> Commit<K> {
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// Whether this node's world runs three-phase commit.
    pub fn three_phase(&self) -> bool {
        self.three
    }
    pub fn node(&self) -> &CommitNode {
        &self.node
    }
    /// The participant's state, `None` for the coordinator.
    pub fn state(&self) -> Option<TxState> {
        match &self.node {
            CommitNode::Participant(p) => Some(p.state),
            CommitNode::Coordinator(_) => None,
        }
    }
    /// The coordinator's decision on its current transaction.
    pub fn decision(&self) -> Option<Decision> {
        match &self.node {
            CommitNode::Coordinator(c) => c.decision,
            CommitNode::Participant(_) => None,
        }
    }
    /// The transaction the node is on.
    pub fn tx(&self) -> u64 {
        match &self.node {
            CommitNode::Coordinator(c) => c.tx,
            CommitNode::Participant(p) => p.tx,
        }
    }
    /// When a participant found itself blocked in doubt (its local clock).
    pub fn blocked_since(&self) -> Option<Tick> {
        match &self.node {
            CommitNode::Participant(p) => p.blocked_since,
            CommitNode::Coordinator(_) => None,
        }
    }
}

/// The invocation of transaction (or saga) `id` as its client sees it:
/// Jepsen's `:txn`, `:ok` when it commits and `:fail` when it aborts. The
/// coordinator reports it; a crash before the outcome leaves it `:info`.
pub(crate) fn txn_op(id: u64) -> ClientOp {
    ClientOp::invoke(id, OpFn::Txn, OpValue::Int(id))
}

/// A request refused by a busy coordinator: invoked and failed at once.
pub(crate) fn refuse_txn<M, T, D>(id: u64, out: &mut protocol::Out<M, T, D>) {
    let op = txn_op(id);
    out.op(op.clone());
    out.op(op.complete(OpKind::Fail, op.value.clone()));
}

/// A node of a commit world in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum CommitView {
    Coordinator { id: NodeId, up: bool, kind: &'static str, tx: u64, decision: Option<Decision> },
    Participant { id: NodeId, up: bool, kind: &'static str, tx: u64, state: TxState, blocked_since: Option<Tick> },
}

impl<K: Phases> Protocol for Commit<K> {
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
    const NAME: &'static str = K::NAME;
    const CLIENT_OPS: &'static [OpFn] = &[OpFn::Txn];
    type Config = K::Config;
    type Msg = CommitMsg;
    type Timer = CommitTimer;
    type Durable = CommitDurable;
    type View = CommitView;
    type Checker = CommitChecker;

    fn new(id: NodeId, cluster: &Cluster, config: &K::Config, durable: Option<&CommitDurable>) -> Self {
        let three = K::three(config);
        let node = CommitNode::new(id, cluster.nodes, three, durable);
        Self { id, three, node, settings: Settings::of(K::settings(config), id), _phases: PhantomData }
    }

    fn name(config: &K::Config) -> &'static str {
        commit_name(K::three(config))
    }

    fn step(&mut self, now: Tick, input: Input<CommitMsg, CommitTimer>, out: &mut OutOf<Self>) {
        self.node.step(now, input, out, &self.settings);
    }

    fn view(&self, up: bool) -> CommitView {
        let id = self.id;
        match &self.node {
            CommitNode::Coordinator(c) => {
                CommitView::Coordinator { id, up, kind: "coordinator", tx: c.tx, decision: c.decision }
            }
            CommitNode::Participant(p) => CommitView::Participant {
                id,
                up,
                kind: "participant",
                tx: p.tx,
                state: p.state,
                blocked_since: if up { p.blocked_since } else { None },
            },
        }
    }

    /// An idle coordinator begins a transaction (a busy one refuses it); a
    /// participant hears only the coordinator.
    fn client_request(&self, n: u64) -> Option<String> {
        matches!(&self.node, CommitNode::Coordinator(c) if c.idle()).then(|| format!("t{n}"))
    }

    fn look(&self) -> Look {
        commit_present::look(self.id, &self.node)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        commit_present::inspect(self.id, &self.node, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &K::Config) -> Picture {
        commit_present::picture(nodes)
    }
}

/// `saga`: an orchestrated saga with backward recovery.
#[derive(Clone, Debug, Hash)]
pub struct Saga {
    id: NodeId,
    pub(crate) node: SagaNode,
}

impl Saga {
    pub fn node(&self) -> &SagaNode {
        &self.node
    }
}

/// A node of a saga world in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum SagaView {
    Orchestrator { id: NodeId, up: bool, kind: &'static str, step: u32, state: SagaState },
    Service { id: NodeId, up: bool, kind: &'static str, done: bool, compensated: bool },
}

impl Protocol for Saga {
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
    const NAME: &'static str = "saga";
    const CLIENT_OPS: &'static [OpFn] = &[OpFn::Txn];
    type Config = SagaConfig;
    type Msg = SagaMsg;
    type Timer = SagaTimer;
    type Durable = SagaDurable;
    type View = SagaView;
    type Checker = SagaChecker;

    fn new(id: NodeId, cluster: &Cluster, config: &SagaConfig, durable: Option<&SagaDurable>) -> Self {
        Self { id, node: SagaNode::new(id, cluster.nodes, config, durable) }
    }

    fn step(&mut self, _now: Tick, input: Input<SagaMsg, SagaTimer>, out: &mut OutOf<Self>) {
        self.node.step(input, out);
    }

    fn view(&self, up: bool) -> SagaView {
        let id = self.id;
        match &self.node {
            SagaNode::Orchestrator(o) => {
                SagaView::Orchestrator { id, up, kind: "orchestrator", step: o.step, state: o.state }
            }
            SagaNode::Service(s) => {
                SagaView::Service { id, up, kind: "service", done: s.done, compensated: s.compensated }
            }
        }
    }

    /// An idle orchestrator begins a saga (it refuses one while another
    /// runs); a service hears only the orchestrator.
    fn client_request(&self, n: u64) -> Option<String> {
        matches!(&self.node, SagaNode::Orchestrator(o) if o.state.finished()).then(|| format!("order {n}"))
    }

    fn look(&self) -> Look {
        saga_present::look(&self.node)
    }

    fn inspect(&self, _up: bool) -> Vec<Panel> {
        saga_present::inspect(self.id, &self.node)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &SagaConfig) -> Picture {
        saga_present::picture(nodes)
    }
}

/// `outbox`: the transactional outbox, a relay, a broker and an idempotent consumer.
#[derive(Clone, Debug, Hash)]
pub struct Outbox {
    id: NodeId,
    pub(crate) node: OutboxNode,
}

impl Outbox {
    pub fn node(&self) -> &OutboxNode {
        &self.node
    }
}

/// A node of an outbox world in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum OutboxView {
    Service { id: NodeId, up: bool, kind: &'static str, changes: u64, outbox: Vec<u64> },
    Relay { id: NodeId, up: bool, kind: &'static str, publishing: u32 },
    Broker { id: NodeId, up: bool, kind: &'static str, queue: Vec<u64> },
    Consumer { id: NodeId, up: bool, kind: &'static str, processed: String, applied: u64 },
}

impl Protocol for Outbox {
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
    const NAME: &'static str = "outbox";
    type Config = OutboxConfig;
    type Msg = OutboxMsg;
    type Timer = OutboxTimer;
    type Durable = OutboxDurable;
    type View = OutboxView;
    type Checker = OutboxChecker;

    fn new(id: NodeId, _cluster: &Cluster, config: &OutboxConfig, durable: Option<&OutboxDurable>) -> Self {
        Self { id, node: OutboxNode::new(id, config, durable) }
    }

    fn step(&mut self, _now: Tick, input: Input<OutboxMsg, OutboxTimer>, out: &mut OutOf<Self>) {
        self.node.step(input, out);
    }

    fn view(&self, up: bool) -> OutboxView {
        let id = self.id;
        match &self.node {
            OutboxNode::Service { changes, outbox, .. } => {
                OutboxView::Service { id, up, kind: "service", changes: *changes, outbox: outbox.clone() }
            }
            OutboxNode::Relay { publishing, .. } => {
                OutboxView::Relay { id, up, kind: "relay", publishing: if up { *publishing } else { 0 } }
            }
            OutboxNode::Broker { queue, .. } => OutboxView::Broker { id, up, kind: "broker", queue: queue.clone() },
            OutboxNode::Consumer { processed, applied, .. } => {
                OutboxView::Consumer { id, up, kind: "consumer", processed: processed.text(), applied: *applied }
            }
        }
    }

    /// The service commits a change with its outbox row (unless the outbox
    /// is full); the relay, broker and consumer act on their own.
    fn client_request(&self, n: u64) -> Option<String> {
        matches!(&self.node, OutboxNode::Service { outbox, .. } if outbox.len() < outbox::MAX_ROWS)
            .then(|| format!("change {n}"))
    }

    fn look(&self) -> Look {
        outbox_present::look(&self.node)
    }

    fn inspect(&self, _up: bool) -> Vec<Panel> {
        outbox_present::inspect(self.id, &self.node)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &OutboxConfig) -> Picture {
        outbox_present::picture(nodes)
    }
}
