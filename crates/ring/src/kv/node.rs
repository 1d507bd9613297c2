//! One node of a key-value store on a consistent-hash ring, after Dynamo
//! (DeCandia et al., 2007, §4.2–4.3 and §4.9): a key lives on its
//! preference list, the first `R` distinct nodes clockwise from it.
//!
//! - **Responsibility.** A node is responsible for a key when it is on the
//!   key's preference list in the ring of *owning* nodes (members and joining
//!   nodes) of its own view. Only a responsible node stores a copy it is sent.
//! - **Puts** go to the key's first owner, which gives the write a version
//!   higher than any it has seen (a Lamport counter), stores it, sends it to
//!   the rest of the preference list, and acknowledges the put once every one
//!   of them has confirmed holding it.
//! - **Every copy is looked after by its holder.** For each key it holds, a
//!   node waits until every other node of the key's preference list has
//!   confirmed holding that version or a newer one; if it is not on the list
//!   itself, it then deletes its copy. Confirmations are given only by
//!   responsible nodes, and a node forgets the ones it has when the key's
//!   preference list changes in its view, so a copy is deleted only once
//!   another node has taken it over: a key never exists only on the wire.
//! - **Join.** A standby node announces itself as joining, computes exactly
//!   the ranges of the ring it now owns (as first owner or replica) and, for
//!   each, the old owners (the preference list among members and leaving
//!   nodes); it pulls the ranges from them and becomes a member once every
//!   old owner has answered. Old owners then drop what they no longer own.
//! - **Leave.** A member announces itself as leaving: it is out of the owning
//!   ring at once, so it hands every key to the key's new preference list and
//!   becomes standby once its store is empty.
//! - **Membership** is a view of every node's entry, each written only by its
//!   node and merged by incarnation; a node resends its announcement until
//!   every peer acknowledged it. Everything a node stores, and its view, is
//!   persisted before any message that depends on it; a crash loses only the
//!   bookkeeping of pulls, announcements and client requests in progress.
//!
//! Unconfirmed copies, pulls and announcements are sent again every
//! `retry_ms` while there are any. Every `gossip_ms` or so a node also sends
//! its view to the next peer in id order, which answers with its own if it
//! knows more: views converge even past a lost announcement.

mod data;
mod handlers;
mod join;
mod simulated;

use super::bug::Bug;
use super::clients::Asked;
use super::config::KvConfig;
use super::membership::{bit, Entry, NodeSet, Status, View};
use super::message::{Held, Item, Msg, Range, Version};
use crate::hash::{key_position, Position};
use crate::ring::Ring;
use protocol::{ClientOp, Cluster, Command, Input, Level, Look, NodeId, NodeRef, Out, Panel, Picture, Protocol, Tick};
use protocol::{FlatMap, FlatSet};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::ops::ControlFlow;
use std::sync::Arc;

/// Hops a client request may take to reach the key's owner.
const MAX_HOPS: u8 = 3;
/// Client requests a joining node holds until it has its ranges.
const MAX_WAITING: usize = 64;
/// Puts a coordinator tracks until they are acknowledged.
const MAX_PENDING_PUTS: usize = 64;
/// Acknowledged puts kept in the log the checker reads. At least as many as
/// one step can acknowledge (every pending put at once).
pub const ACK_LOG: usize = 2 * MAX_PENDING_PUTS;
/// Most keys in one message.
const MAX_BATCH: usize = 512;

/// The store's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum RingTimer {
    /// Send again what is unconfirmed; armed only while there is any.
    Retry,
    /// Send the view to the next peer (Dynamo §4.8.1's gossip), always armed.
    Gossip,
}

impl protocol::Timer for RingTimer {
    fn name(&self) -> &'static str {
        match self {
            RingTimer::Retry => "retry",
            RingTimer::Gossip => "gossip",
        }
    }
}

/// A key as a node stores it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stored {
    pub value: Arc<str>,
    pub version: Version,
    pub position: Position,
    /// The key's preference list in this node's view, as a set.
    pub pref: NodeSet,
    /// Nodes of `pref` that confirmed holding `version` or newer since
    /// `pref` last changed.
    pub confirmed: NodeSet,
}

impl Stored {
    /// Still waiting for a confirmation from some other node of its list.
    fn awaiting(&self, me: NodeId) -> bool {
        self.pref & !bit(me) & !self.confirmed != 0
    }
}

/// The last acknowledged puts of a coordinator, for the checker. Shared
/// between the node and its persisted copies until the next put: a
/// `Persist` or a snapshot costs a reference count, not a copy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AckLog {
    total: u64,
    recent: Arc<VecDeque<Held>>,
}

impl AckLog {
    fn push(&mut self, held: Held) {
        let recent = Arc::make_mut(&mut self.recent);
        if recent.len() == ACK_LOG {
            recent.pop_front();
        }
        recent.push_back(held);
        self.total += 1;
    }
    /// Puts acknowledged since this node first started.
    pub fn total(&self) -> u64 {
        self.total
    }
    /// The last acknowledged puts, oldest first (at most [`ACK_LOG`]).
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &Held> + ExactSizeIterator {
        self.recent.iter()
    }
}

/// The keys a node stores. Shared between the node, what it persisted and
/// the world's snapshots: persisting or cloning a node costs a reference
/// count, and the first change after a `Persist` copies the map once
/// (`Arc::make_mut`), which the old per-`Persist` clone did every time.
pub type Store = Arc<BTreeMap<Arc<str>, Stored>>;

/// What a node keeps on disk.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Durable {
    pub view: View,
    pub store: Store,
    /// Highest version counter seen.
    pub clock: u64,
    /// Bumped whenever the view changes; confirmations must echo it.
    pub round: u32,
    pub acked: AckLog,
    /// Bumped on every change to this state.
    pub generation: u64,
}

/// A node as the trace shows it. The first four fields are a public format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct KvView {
    pub id: NodeId,
    pub up: bool,
    pub vnodes: u32,
    pub keys: u32,
    pub status: Status,
    /// Keys waiting for a confirmation from their preference list.
    pub pending: u32,
}

/// A client request waiting at a joining node.
#[derive(Clone, Debug, Hash)]
enum Waiting {
    Put { req: u64, client: NodeId, key: Arc<str>, value: Arc<str> },
    Get { req: u64, client: NodeId, key: Arc<str> },
}

#[derive(Clone, Debug, Hash)]
struct PendingPut {
    key: Arc<str>,
    version: Version,
    client: NodeId,
    req: u64,
}

/// One node of the store.
#[derive(Clone, Debug, Hash)]
pub struct KvNode {
    // Configuration: never changes.
    id: NodeId,
    config: KvConfig,
    /// Every node's virtual nodes; the rings below are subsets of it.
    universe: Arc<Ring>,

    // Persistent state.
    disk: Durable,

    // Derived from the view.
    /// Members and joining nodes: who is responsible.
    ring_new: Arc<Ring>,
    /// Members and leaving nodes: who held the data before the change.
    ring_old: Arc<Ring>,

    // Volatile state.
    restarted: bool,
    /// Peers that have not acknowledged this node's latest announcement.
    unacked: NodeSet,
    /// While joining: the ranges to pull from each old owner.
    pull_plan: FlatMap<NodeId, Vec<Range>>,
    /// Old owners that have not answered a pull yet.
    pulls: FlatSet<NodeId>,
    waiting: VecDeque<Waiting>,
    pending_puts: Vec<PendingPut>,
    next_req: u64,
    /// The requests this node's clients asked and are waiting for.
    asked: Asked,
    retry_armed: bool,
    /// The peer the next gossip goes to.
    gossip_to: NodeId,
    /// Keys of the store waiting for a confirmation, counted again at the
    /// end of every step that changed the store (only such a step can
    /// change it), so that `idle()` is O(1) for the checker and `finish`.
    awaiting: usize,
    /// The latest change of the owning ring this node saw (volatile: what
    /// the app shows as the last membership change).
    last_change: Option<RingChange>,
}

/// A change of the ring of owning nodes (members and joining nodes), as
/// one node saw its view change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RingChange {
    pub before: NodeSet,
    pub after: NodeSet,
}

/// Commands of one step, held back so `Persist` can go first.
#[derive(Default)]
struct Fx {
    cmds: Vec<Command<Msg, RingTimer, Durable>>,
    ops: Vec<ClientOp>,
    dirty: bool,
}

impl Fx {
    fn send(&mut self, to: NodeId, msg: Msg) {
        self.cmds.push(Command::Send { to, msg });
    }
    fn note(&mut self, level: Level, text: String) {
        self.cmds.push(Command::Emit(protocol::Note { level, text }));
    }
}

/// The preference list of `position` in `ring`, as a set.
pub fn pref_set(ring: &Ring, position: Position, replicas: u32) -> NodeSet {
    let mut set = 0;
    ring.walk_preference(position, replicas, |n| {
        set |= bit(n);
        ControlFlow::Continue(())
    });
    set
}

/// Every node's virtual nodes for `vnodes` per node and `nodes` nodes. The
/// same for every node of a world and for every restart, and costly to
/// build (a hash per virtual node, then a sort), so the last one built on
/// this thread is kept and shared. A pure function of its arguments: the
/// cache changes only how often it is computed.
fn universe_of(vnodes: u32, nodes: u32) -> Arc<Ring> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(u32, u32, Arc<Ring>)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((v, n, ring)) if *v == vnodes && *n == nodes => ring.clone(),
            _ => {
                let ring = Arc::new(Ring::of(vnodes, 0, 0..nodes));
                *last = Some((vnodes, nodes, ring.clone()));
                ring
            }
        }
    })
}

/// The initial load, `k0 = v0` to `k{keys-1}`, with each key's position:
/// the same for every node of a world, so built once per thread and size
/// and shared (a format and a hash per key saved on every node).
type Load = Arc<[(Arc<str>, Arc<str>, Position)]>;

fn initial_load(keys: u32) -> Load {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(u32, Load)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((k, load)) if *k == keys => load.clone(),
            _ => {
                let load: Load = (0..keys)
                    .map(|i| {
                        let key: Arc<str> = format!("k{i}").into();
                        let position = key_position(&key);
                        (key, format!("v{i}").into(), position)
                    })
                    .collect();
                *last = Some((keys, load.clone()));
                load
            }
        }
    })
}

/// Keys of `store` still waiting for a confirmation from another node.
fn count_awaiting(store: &BTreeMap<Arc<str>, Stored>, me: NodeId) -> usize {
    store.values().filter(|s| s.awaiting(me)).count()
}

fn members_of(set: NodeSet) -> impl Iterator<Item = NodeId> {
    (0..32).filter(move |i| set & (1 << i) != 0)
}

/// Whether `position` lies in `(start, end]`, wrapping.
pub fn in_range(range: &Range, position: Position) -> bool {
    let [start, end] = *range;
    if start < end {
        start < position && position <= end
    } else {
        position > start || position <= end
    }
}

/// A client command, parsed.
enum Cmd {
    Join,
    Leave,
    Put(Arc<str>, Arc<str>),
    Get(Arc<str>),
}

fn parse(cmd: &str) -> Result<Cmd, String> {
    let cmd = cmd.trim();
    let key_ok = |k: &str| !k.is_empty() && !k.contains(char::is_whitespace);
    match cmd {
        "join" => return Ok(Cmd::Join),
        "leave" => return Ok(Cmd::Leave),
        _ => {}
    }
    if let Some(key) = cmd.strip_prefix("get ") {
        let key = key.trim();
        return if key_ok(key) { Ok(Cmd::Get(key.into())) } else { Err(format!("bad key {key:?}")) };
    }
    let body = cmd.strip_prefix("put ").unwrap_or(cmd);
    match body.split_once('=') {
        Some((k, v)) if key_ok(k.trim()) => Ok(Cmd::Put(k.trim().into(), v.trim().into())),
        _ => Err(format!("unknown command {cmd:?}: try \"put k=v\", \"get k\", \"join\" or \"leave\"")),
    }
}

impl KvNode {
    pub fn id(&self) -> NodeId {
        self.id
    }
    pub fn config(&self) -> &KvConfig {
        &self.config
    }
    /// This node's status, in its own view.
    pub fn status(&self) -> Status {
        self.disk.view.get(self.id).status
    }
    /// Every node's entry, as this node sees it.
    pub fn membership(&self) -> &View {
        &self.disk.view
    }
    /// The ring of owning nodes (members and joining nodes) in this node's view.
    pub fn ring(&self) -> &Ring {
        &self.ring_new
    }
    /// The ring of holding nodes (members and leaving nodes) in this node's view.
    pub fn ring_old(&self) -> &Ring {
        &self.ring_old
    }
    /// Every node's virtual nodes, whether in the ring or not.
    pub fn universe(&self) -> &Arc<Ring> {
        &self.universe
    }
    pub fn store(&self) -> &BTreeMap<Arc<str>, Stored> {
        &self.disk.store
    }
    pub fn get(&self, key: &str) -> Option<&Stored> {
        self.disk.store.get(key)
    }
    pub fn acked(&self) -> &AckLog {
        &self.disk.acked
    }
    pub fn generation(&self) -> u64 {
        self.disk.generation
    }
    /// Keys waiting for a confirmation from their preference list.
    pub fn pending_keys(&self) -> usize {
        self.awaiting
    }
    /// Nothing in progress: no pull, announcement, waiting request, or key
    /// waiting for a confirmation.
    pub fn idle(&self) -> bool {
        self.unacked == 0 && self.pulls.is_empty() && self.waiting.is_empty() && self.awaiting == 0
    }
    /// The latest change of the owning ring this node saw since it came up.
    pub fn last_change(&self) -> Option<RingChange> {
        self.last_change
    }
    /// Old owners a joining node still waits for.
    pub fn pulls(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.pulls.iter().copied()
    }

    pub(super) fn me(&self) -> NodeSet {
        bit(self.id)
    }
    pub(super) fn others(&self) -> NodeSet {
        ((1u64 << self.disk.view.len()) - 1) as NodeSet & !self.me()
    }
    pub(super) fn replicas(&self) -> u32 {
        self.config.replicas
    }

    pub(super) fn has_bug(&self, bug: Bug) -> bool {
        self.config.bug == Some(bug)
    }
}

fn show_get(key: &str, value: &Option<Arc<str>>, version: &Option<Version>) -> String {
    match (value, version) {
        (Some(v), Some(ver)) => format!("get {key} = {v} (version {ver})"),
        _ => format!("get {key}: not found"),
    }
}
