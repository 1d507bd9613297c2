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

use super::bug::Bug;
use super::clients::Asked;
use super::config::KvConfig;
use super::membership::{bit, Entry, NodeSet, Status, View};
use super::message::{Held, Item, Msg, Range, Version};
use crate::hash::{key_position, Position};
use crate::ring::Ring;
use protocol::{ClientOp, Cluster, Command, Input, Level, Look, NodeId, NodeRef, Out, Panel, Picture, Protocol, Tick};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
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
    pull_plan: BTreeMap<NodeId, Vec<Range>>,
    /// Old owners that have not answered a pull yet.
    pulls: BTreeSet<NodeId>,
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

    fn me(&self) -> NodeSet {
        bit(self.id)
    }
    fn others(&self) -> NodeSet {
        ((1u64 << self.disk.view.len()) - 1) as NodeSet & !self.me()
    }
    fn replicas(&self) -> u32 {
        self.config.replicas
    }

    fn has_bug(&self, bug: Bug) -> bool {
        self.config.bug == Some(bug)
    }

    /// Rebuild what depends on the view: rings, preference lists, the pull plan.
    fn view_changed(&mut self, fx: &mut Fx) {
        let view = &self.disk.view;
        let owns = view.set_of(Status::owns);
        let holds = view.set_of(Status::holds);
        let before = self.ring_new.nodes().fold(0, |set, n| set | bit(n));
        if before != owns {
            self.last_change = Some(RingChange { before, after: owns });
        }
        self.ring_new = Arc::new(self.universe.subset(|n| owns & bit(n) != 0));
        self.ring_old = Arc::new(self.universe.subset(|n| holds & bit(n) != 0));
        self.disk.round += 1;
        fx.dirty = true;
        let replicas = self.replicas();
        for s in Arc::make_mut(&mut self.disk.store).values_mut() {
            let pref = pref_set(&self.ring_new, s.position, replicas);
            if pref != s.pref {
                s.pref = pref;
                s.confirmed = 0;
            }
        }
        if self.status() == Status::Joining {
            self.replan_pulls(fx);
        }
        let keys: Vec<Arc<str>> = self.disk.store.keys().cloned().collect();
        for key in keys {
            self.settle(&key, fx);
        }
    }

    /// Change this node's own status and tell every peer.
    fn set_status(&mut self, status: Status, fx: &mut Fx) {
        let inc = self.disk.view.get(self.id).inc + 1;
        self.disk.view.set(self.id, Entry { status, inc });
        fx.dirty = true;
        self.unacked = self.others();
        for peer in members_of(self.unacked) {
            fx.send(peer, Msg::Announce { status, inc });
        }
        self.view_changed(fx);
    }

    /// The ranges this node owns in the new ring, by the old owner to pull
    /// each from. The ring is cut at every token of both rings, so each
    /// piece has one preference list in each.
    fn plan_pulls(&self) -> BTreeMap<NodeId, Vec<Range>> {
        let mut points: Vec<Position> =
            self.ring_new.tokens().iter().chain(self.ring_old.tokens()).map(|t| t.position).collect();
        points.sort_unstable();
        points.dedup();
        let mut plan: BTreeMap<NodeId, Vec<Range>> = BTreeMap::new();
        let n = points.len();
        for i in 0..n {
            let (start, end) = (points[(i + n - 1) % n], points[i]);
            if pref_set(&self.ring_new, end, self.replicas()) & self.me() == 0 {
                continue;
            }
            let sources = pref_set(&self.ring_old, end, self.replicas()) & !self.me();
            for source in members_of(sources) {
                let ranges = plan.entry(source).or_default();
                match ranges.last_mut() {
                    Some(last) if last[1] == start => last[1] = end,
                    _ => ranges.push([start, end]),
                }
            }
        }
        plan
    }

    /// Pull from every old owner whose ranges are new or changed.
    fn replan_pulls(&mut self, fx: &mut Fx) {
        let plan = self.plan_pulls();
        self.pulls.retain(|s| plan.contains_key(s));
        let inc = self.disk.view.get(self.id).inc;
        for (source, ranges) in &plan {
            if self.pull_plan.get(source) != Some(ranges) {
                self.pulls.insert(*source);
                fx.send(*source, Msg::Pull { inc, ranges: ranges.clone() });
            }
        }
        self.pull_plan = plan;
        if self.pulls.is_empty() {
            self.finish_join(fx);
        }
    }

    fn finish_join(&mut self, fx: &mut Fx) {
        if self.status() != Status::Joining {
            return;
        }
        fx.note(Level::Notice, format!("node {} has its ranges and is a member", self.id));
        self.pull_plan.clear();
        self.set_status(Status::Member, fx);
        for w in std::mem::take(&mut self.waiting) {
            match w {
                Waiting::Put { req, client, key, value } => self.route_put(req, client, key, value, 0, fx),
                Waiting::Get { req, client, key } => self.route_get(req, client, key, 0, fx),
            }
        }
    }

    /// A joining node serves its ranges only once it has pulled them.
    fn still_pulling(&self) -> bool {
        self.status() == Status::Joining && !self.pulls.is_empty()
    }

    fn fail(&mut self, client: NodeId, req: u64, key: Arc<str>, reason: String, fx: &mut Fx) {
        if client == self.id {
            fx.ops.extend(self.asked.answer(req, &key, Err(())));
            fx.note(Level::Warn, format!("request for {key} failed: {reason}"));
        } else {
            fx.send(client, Msg::Failed { req, key, reason });
        }
    }

    fn route_put(&mut self, req: u64, client: NodeId, key: Arc<str>, value: Arc<str>, hops: u8, fx: &mut Fx) {
        match self.ring_new.owner(key_position(&key)) {
            None => self.fail(client, req, key, "no node is in the ring".into(), fx),
            Some(owner) if owner != self.id => {
                if hops < MAX_HOPS {
                    fx.send(owner, Msg::Put { req, client, key, value, hops: hops + 1 });
                } else {
                    self.fail(client, req, key, format!("no owner found in {MAX_HOPS} hops"), fx);
                }
            }
            Some(_) if self.still_pulling() => {
                if self.waiting.len() < MAX_WAITING {
                    self.waiting.push_back(Waiting::Put { req, client, key, value });
                } else {
                    self.fail(client, req, key, "too many requests wait for the join".into(), fx);
                }
            }
            Some(_) => self.coordinate_put(req, client, key, value, fx),
        }
    }

    fn coordinate_put(&mut self, req: u64, client: NodeId, key: Arc<str>, value: Arc<str>, fx: &mut Fx) {
        if self.pending_puts.len() >= MAX_PENDING_PUTS {
            return self.fail(client, req, key, "too many puts in flight".into(), fx);
        }
        let position = key_position(&key);
        let current = self.disk.store.get(&key).map_or(0, |s| s.version.counter);
        let counter = self.disk.clock.max(current) + 1;
        self.disk.clock = counter;
        let version = Version { counter, node: self.id };
        let pref = pref_set(&self.ring_new, position, self.replicas());
        let stored = Stored { value: value.clone(), version, position, pref, confirmed: 0 };
        Arc::make_mut(&mut self.disk.store).insert(key.clone(), stored);
        fx.dirty = true;
        self.pending_puts.push(PendingPut { key: key.clone(), version, client, req });
        let item = Item { key: key.clone(), value, version };
        for peer in members_of(pref & !self.me()) {
            fx.send(peer, Msg::Replicate { round: self.disk.round, items: vec![item.clone()] });
        }
        self.settle(&key, fx);
    }

    fn route_get(&mut self, req: u64, client: NodeId, key: Arc<str>, hops: u8, fx: &mut Fx) {
        match self.ring_new.owner(key_position(&key)) {
            None => self.fail(client, req, key, "no node is in the ring".into(), fx),
            Some(owner) if owner != self.id => {
                if hops < MAX_HOPS {
                    fx.send(owner, Msg::Get { req, client, key, hops: hops + 1 });
                } else {
                    self.fail(client, req, key, format!("no owner found in {MAX_HOPS} hops"), fx);
                }
            }
            Some(_) if self.still_pulling() => {
                if self.waiting.len() < MAX_WAITING {
                    self.waiting.push_back(Waiting::Get { req, client, key });
                } else {
                    self.fail(client, req, key, "too many requests wait for the join".into(), fx);
                }
            }
            Some(_) => {
                let found = self.disk.store.get(&key);
                let (value, version) = (found.map(|s| s.value.clone()), found.map(|s| s.version));
                if client == self.id {
                    fx.ops.extend(self.asked.answer(req, &key, Ok(value.as_ref())));
                    fx.note(Level::Info, show_get(&key, &value, &version));
                } else {
                    fx.send(client, Msg::GetReply { req, key, value, version });
                }
            }
        }
    }

    /// If every other node of the key's list has confirmed: acknowledge the
    /// puts of it this node coordinated, and drop the copy if this node is
    /// not on the list.
    fn settle(&mut self, key: &Arc<str>, fx: &mut Fx) {
        let me = self.id;
        let Some(s) = self.disk.store.get(key) else { return };
        if s.pref == 0 || s.awaiting(me) {
            return;
        }
        let version = s.version;
        let drop = s.pref & bit(me) == 0;
        let mut i = 0;
        while i < self.pending_puts.len() {
            let p = &self.pending_puts[i];
            if p.key == *key && p.version <= version {
                let p = self.pending_puts.swap_remove(i);
                self.acknowledge(p, fx);
            } else {
                i += 1;
            }
        }
        if drop && self.has_bug(Bug::KeepHandedOff) {
            return;
        }
        if drop {
            Arc::make_mut(&mut self.disk.store).remove(key);
            fx.dirty = true;
        }
    }

    fn acknowledge(&mut self, p: PendingPut, fx: &mut Fx) {
        self.disk.acked.push(Held { key: p.key.clone(), version: p.version });
        fx.dirty = true;
        if p.client == self.id {
            fx.ops.extend(self.asked.answer(p.req, &p.key, Ok(None)));
            fx.note(Level::Info, format!("put {} acknowledged at {}", p.key, p.version));
        } else {
            fx.send(p.client, Msg::PutOk { req: p.req, key: p.key, version: p.version });
        }
    }

    /// Send every key still waiting for a confirmation to the nodes of its
    /// list that have not confirmed: a replication if this node is on the
    /// list, a hand-off if not.
    fn send_unconfirmed(&mut self, fx: &mut Fx) {
        let me = self.id;
        let mut batches: BTreeMap<(NodeId, bool), Vec<Item>> = BTreeMap::new();
        for (key, s) in self.disk.store.iter() {
            if s.pref == 0 || !s.awaiting(me) {
                continue;
            }
            let handoff = s.pref & bit(me) == 0;
            for peer in members_of(s.pref & !bit(me) & !s.confirmed) {
                let item = Item { key: key.clone(), value: s.value.clone(), version: s.version };
                batches.entry((peer, handoff)).or_default().push(item);
            }
        }
        let entry = self.disk.view.get(me);
        for ((peer, handoff), items) in batches {
            for chunk in items.chunks(MAX_BATCH) {
                let round = self.disk.round;
                let items = chunk.to_vec();
                if handoff {
                    fx.send(peer, Msg::Handoff { round, status: entry.status, inc: entry.inc, items });
                } else {
                    fx.send(peer, Msg::Replicate { round, items });
                }
            }
            if handoff && self.has_bug(Bug::HandoffWithoutConfirm) {
                for item in &items {
                    Arc::make_mut(&mut self.disk.store).remove(&item.key);
                }
                fx.dirty = true;
            }
        }
    }

    /// Take copies sent by `from`. `kept` marks items the sender keeps and
    /// is responsible for: that is a confirmation from it.
    fn receive_items(&mut self, from: NodeId, round: u32, items: Vec<(Item, bool)>, fx: &mut Fx) {
        let me = self.me();
        let mut held = Vec::new();
        let mut refused = Vec::new();
        for (item, kept) in items {
            let position = key_position(&item.key);
            let pref = pref_set(&self.ring_new, position, self.replicas());
            if pref & me == 0 {
                refused.push(item.key);
                continue;
            }
            self.disk.clock = self.disk.clock.max(item.version.counter);
            let newer = match self.disk.store.get(&item.key) {
                Some(s) => item.version > s.version,
                None => true,
            };
            if newer {
                let stored = Stored { value: item.value, version: item.version, position, pref, confirmed: 0 };
                Arc::make_mut(&mut self.disk.store).insert(item.key.clone(), stored);
                fx.dirty = true;
            }
            let s = self.disk.store.get(&item.key).expect("just stored");
            let version = s.version;
            if kept && version == item.version && s.pref & bit(from) != 0 && s.confirmed & bit(from) == 0 {
                Arc::make_mut(&mut self.disk.store).get_mut(&item.key).expect("just stored").confirmed |= bit(from);
                fx.dirty = true;
            }
            held.push(Held { key: item.key, version });
        }
        for h in &held {
            self.settle(&h.key, fx);
        }
        if !held.is_empty() {
            fx.send(from, Msg::Confirm { round, held });
        }
        if !refused.is_empty() {
            fx.send(from, Msg::Refuse { keys: refused, view: self.disk.view.clone() });
        }
    }

    fn on_confirm(&mut self, from: NodeId, round: u32, held: Vec<Held>, fx: &mut Fx) {
        if round != self.disk.round {
            return; // From before this node's view last changed: it may no longer hold.
        }
        for h in held {
            let Some(s) = self.disk.store.get(&h.key) else { continue };
            if h.version >= s.version && s.pref & bit(from) != 0 && s.confirmed & bit(from) == 0 {
                Arc::make_mut(&mut self.disk.store).get_mut(&h.key).expect("held").confirmed |= bit(from);
                fx.dirty = true;
                self.settle(&h.key, fx);
            }
        }
    }

    fn on_pull(&mut self, from: NodeId, inc: u32, ranges: Vec<Range>, fx: &mut Fx) {
        if self.disk.view.merge_entry(from, Entry { status: Status::Joining, inc }) {
            self.view_changed(fx);
        }
        let (mut copies, mut handoffs) = (Vec::new(), Vec::new());
        for (key, s) in self.disk.store.iter() {
            if ranges.iter().any(|r| in_range(r, s.position)) {
                let item = Item { key: key.clone(), value: s.value.clone(), version: s.version };
                if s.pref & self.me() != 0 {
                    copies.push(item);
                } else {
                    handoffs.push(item);
                }
            }
        }
        if self.has_bug(Bug::HandoffWithoutConfirm) {
            for item in &handoffs {
                Arc::make_mut(&mut self.disk.store).remove(&item.key);
                fx.dirty = true;
            }
        }
        fx.send(from, Msg::Transfer { round: self.disk.round, copies, handoffs });
    }

    fn on_request(&mut self, cmd: &str, fx: &mut Fx) {
        let id = self.id;
        match parse(cmd) {
            Err(reason) => fx.note(Level::Warn, format!("node {id}: {reason}")),
            Ok(Cmd::Join) => {
                if self.status() != Status::Standby {
                    return fx.note(Level::Warn, format!("node {id} cannot join: it is {}", self.status().name()));
                }
                self.set_status(Status::Joining, fx);
                let sources: Vec<String> = self.pull_plan.keys().map(|s| s.to_string()).collect();
                let ranges: usize = self.pull_plan.values().map(Vec::len).sum();
                fx.note(
                    Level::Notice,
                    format!("node {id} joins: pulls {ranges} ranges from nodes {}", sources.join(", ")),
                );
            }
            Ok(Cmd::Leave) => {
                if self.status() != Status::Member {
                    return fx.note(Level::Warn, format!("node {id} cannot leave: it is {}", self.status().name()));
                }
                if self.disk.view.set_of(Status::owns) & !self.me() == 0 {
                    return fx.note(Level::Warn, format!("node {id} cannot leave: it is the last member"));
                }
                self.set_status(Status::Leaving, fx);
                fx.note(Level::Notice, format!("node {id} leaves: hands off {} keys", self.disk.store.len()));
                self.send_unconfirmed(fx);
            }
            Ok(Cmd::Put(key, value)) => {
                self.next_req += 1;
                let (invoke, info) = self.asked.invoke(self.next_req, &key, Some(&value));
                fx.ops.extend([invoke].into_iter().chain(info));
                self.route_put(self.next_req, id, key, value, 0, fx);
            }
            Ok(Cmd::Get(key)) => {
                self.next_req += 1;
                let (invoke, info) = self.asked.invoke(self.next_req, &key, None);
                fx.ops.extend([invoke].into_iter().chain(info));
                self.route_get(self.next_req, id, key, 0, fx);
            }
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::Announce { status, inc } => {
                if self.disk.view.merge_entry(from, Entry { status, inc }) {
                    self.view_changed(fx);
                }
                fx.send(from, Msg::AnnounceAck { inc });
            }
            Msg::AnnounceAck { inc } => {
                if inc == self.disk.view.get(self.id).inc {
                    self.unacked &= !bit(from);
                }
            }
            Msg::Pull { inc, ranges } => self.on_pull(from, inc, ranges, fx),
            Msg::Transfer { round, copies, handoffs } => {
                let items = copies.into_iter().map(|i| (i, true)).chain(handoffs.into_iter().map(|i| (i, false)));
                self.receive_items(from, round, items.collect(), fx);
                if self.pulls.remove(&from) && self.pulls.is_empty() {
                    self.finish_join(fx);
                }
            }
            Msg::Replicate { round, items } => {
                self.receive_items(from, round, items.into_iter().map(|i| (i, true)).collect(), fx)
            }
            Msg::Handoff { round, status, inc, items } => {
                if self.disk.view.merge_entry(from, Entry { status, inc }) {
                    self.view_changed(fx);
                }
                self.receive_items(from, round, items.into_iter().map(|i| (i, false)).collect(), fx)
            }
            Msg::Confirm { round, held } => self.on_confirm(from, round, held, fx),
            Msg::Gossip { view } => {
                if self.disk.view.merge(&view) {
                    self.view_changed(fx);
                }
                if self.disk.view != view {
                    let mut theirs = view;
                    if theirs.merge(&self.disk.view) {
                        fx.send(from, Msg::Gossip { view: self.disk.view.clone() });
                    }
                }
            }
            Msg::Refuse { view, .. } => {
                if self.disk.view.merge(&view) {
                    self.view_changed(fx);
                }
            }
            Msg::Put { req, client, key, value, hops } => self.route_put(req, client, key, value, hops, fx),
            Msg::Get { req, client, key, hops } => self.route_get(req, client, key, hops, fx),
            Msg::PutOk { req, key, version } => {
                fx.ops.extend(self.asked.answer(req, &key, Ok(None)));
                fx.note(Level::Info, format!("put {key} acknowledged at {version}"));
            }
            Msg::GetReply { req, key, value, version } => {
                fx.ops.extend(self.asked.answer(req, &key, Ok(value.as_ref())));
                fx.note(Level::Info, show_get(&key, &value, &version))
            }
            Msg::Failed { req, key, reason } => {
                fx.ops.extend(self.asked.answer(req, &key, Err(())));
                fx.note(Level::Warn, format!("request for {key} failed: {reason}"))
            }
        }
    }

    fn on_retry(&mut self, fx: &mut Fx) {
        self.retry_armed = false;
        let entry = self.disk.view.get(self.id);
        for peer in members_of(self.unacked) {
            fx.send(peer, Msg::Announce { status: entry.status, inc: entry.inc });
        }
        for source in &self.pulls {
            let ranges = self.pull_plan.get(source).cloned().unwrap_or_default();
            fx.send(*source, Msg::Pull { inc: entry.inc, ranges });
        }
        self.send_unconfirmed(fx);
    }

    fn on_gossip_timer(&mut self, fx: &mut Fx) {
        let n = self.disk.view.len();
        if n > 1 {
            self.gossip_to = (self.gossip_to + 1) % n;
            if self.gossip_to == self.id {
                self.gossip_to = (self.gossip_to + 1) % n;
            }
            fx.send(self.gossip_to, Msg::Gossip { view: self.disk.view.clone() });
        }
        self.arm_gossip(fx);
    }

    fn arm_gossip(&self, fx: &mut Fx) {
        let ms = self.config.gossip_ms;
        fx.cmds.push(Command::SetTimer { timer: RingTimer::Gossip, after_min: ms - ms / 5, after_max: ms + ms / 5 });
    }

    fn on_start(&mut self, fx: &mut Fx) {
        self.arm_gossip(fx);
        if !self.restarted {
            return;
        }
        let entry = self.disk.view.get(self.id);
        fx.note(
            Level::Info,
            format!("node {} is back as {} with {} keys on disk", self.id, entry.status.name(), self.disk.store.len()),
        );
        if entry.inc > 0 {
            self.unacked = self.others();
            for peer in members_of(self.unacked) {
                fx.send(peer, Msg::Announce { status: entry.status, inc: entry.inc });
            }
        }
        if entry.status == Status::Joining {
            self.replan_pulls(fx);
        }
    }

    /// End of a step: a leaving node with nothing left becomes standby; then
    /// persist, then speak, then keep the retry timer armed while busy.
    fn finish(&mut self, mut fx: Fx, out: &mut Out<Msg, RingTimer, Durable>) {
        if self.status() == Status::Leaving && self.disk.store.is_empty() {
            fx.note(Level::Notice, format!("node {} handed off every key and left the ring", self.id));
            self.set_status(Status::Standby, &mut fx);
        }
        if fx.dirty {
            self.awaiting = count_awaiting(&self.disk.store, self.id);
            self.disk.generation += 1;
            out.persist(self.disk.clone());
        }
        for cmd in fx.cmds {
            match cmd {
                Command::Send { to, msg } => out.send(to, msg),
                Command::Emit(note) => out.emit(note.level, note.text),
                Command::Persist(d) => out.persist(d),
                Command::SetTimer { timer, after_min, after_max } => out.set_timer(timer, after_min, after_max),
                Command::CancelTimer { timer } => out.cancel_timer(timer),
            }
        }
        for op in fx.ops {
            out.op(op);
        }
        if !self.retry_armed && !self.idle() {
            out.set_timer(RingTimer::Retry, self.config.retry_ms, self.config.retry_ms);
            self.retry_armed = true;
        }
    }
}

fn show_get(key: &str, value: &Option<Arc<str>>, version: &Option<Version>) -> String {
    match (value, version) {
        (Some(v), Some(ver)) => format!("get {key} = {v} (version {ver})"),
        _ => format!("get {key}: not found"),
    }
}

impl Protocol for KvNode {
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
    const NAME: &'static str = "ring";
    type Config = KvConfig;
    type Msg = Msg;
    type Timer = RingTimer;
    type Durable = Durable;
    type View = KvView;
    type Checker = super::checker::KvChecker;
    const CLIENT_OPS: &'static [protocol::OpFn] = &[protocol::OpFn::Read, protocol::OpFn::Write];

    fn new(id: NodeId, cluster: &Cluster, config: &KvConfig, durable: Option<&Durable>) -> Self {
        let nodes = cluster.nodes.min(super::config::MAX_NODES);
        let universe = universe_of(config.vnodes, nodes);
        let restarted = durable.is_some();
        let disk = match durable {
            Some(d) => d.clone(),
            None => {
                let view = View::initial(nodes, config.initial_members(nodes));
                let owns = view.set_of(Status::owns);
                let ring = universe.subset(|n| owns & bit(n) != 0);
                let mut store = BTreeMap::new();
                for (key, value, position) in initial_load(config.keys.min(super::config::MAX_KEYS)).iter() {
                    let pref = pref_set(&ring, *position, config.replicas);
                    if pref & bit(id) != 0 {
                        let (value, position) = (value.clone(), *position);
                        let version = Version { counter: 0, node: 0 };
                        // The initial load is consistent by construction.
                        store
                            .insert(key.clone(), Stored { value, version, position, pref, confirmed: pref & !bit(id) });
                    }
                }
                Durable { view, store: Arc::new(store), clock: 0, round: 0, acked: AckLog::default(), generation: 0 }
            }
        };
        let owns = disk.view.set_of(Status::owns);
        let holds = disk.view.set_of(Status::holds);
        let awaiting = count_awaiting(&disk.store, id);
        Self {
            id,
            config: config.clone(),
            ring_new: Arc::new(universe.subset(|n| owns & bit(n) != 0)),
            ring_old: Arc::new(universe.subset(|n| holds & bit(n) != 0)),
            universe,
            disk,
            restarted,
            unacked: 0,
            pull_plan: BTreeMap::new(),
            pulls: BTreeSet::new(),
            waiting: VecDeque::new(),
            pending_puts: Vec::new(),
            next_req: 0,
            asked: Asked::default(),
            retry_armed: false,
            gossip_to: id,
            awaiting,
            last_change: None,
        }
    }

    fn step(&mut self, _now: Tick, input: Input<Msg, RingTimer>, out: &mut Out<Msg, RingTimer, Durable>) {
        let mut fx = Fx::default();
        match input {
            Input::Start => self.on_start(&mut fx),
            Input::Message { from, msg } => self.on_message(from, msg, &mut fx),
            Input::Timer(RingTimer::Retry) => self.on_retry(&mut fx),
            Input::Timer(RingTimer::Gossip) => self.on_gossip_timer(&mut fx),
            Input::Request { cmd } => self.on_request(&cmd, &mut fx),
        }
        self.finish(fx, out);
    }

    fn view(&self, up: bool) -> KvView {
        KvView {
            id: self.id,
            up,
            vnodes: self.universe.vnodes_of(self.id),
            keys: self.disk.store.len() as u32,
            status: self.status(),
            pending: self.pending_keys() as u32,
        }
    }

    fn look(&self) -> Look {
        super::present::look(self)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        super::present::inspect(self, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &KvConfig) -> Picture {
        super::present::picture(nodes)
    }
}
