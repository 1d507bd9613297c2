//! The world: nodes, a logical clock, an event queue, a seeded network.
//!
//! One step pops the earliest event (ordered by time, then by the sequence
//! number it was queued with) and hands it to its node. Everything random
//! (latency, loss, duplication, timer delays) is drawn from one ChaCha8 stream
//! seeded by the run's seed, in the order the protocol's commands ask, so a
//! world is a pure function of (protocol, config, seed, actions).

use crate::action::{Action, ActionError, MsgId};
use crate::base::{Base, Event, Key};
use crate::config::SimConfig;
use crate::in_flight::InFlight;
use crate::journal::{Handled, Happening};
use crate::network::Network;
use crate::record::{EventRecord, FirstViolation, LogEntry, MsgRecord};
use protocol::cached::Cached;
use protocol::{Checker, Command, Input, Message, NodeId, NodeRef, OutOf, Protocol, Status, Tick, Timer, Violation};
use std::sync::Arc;

pub use crate::base::{DROPS_CAPACITY, MAX_IN_FLIGHT};
pub use crate::event_log::LOG_CAPACITY;

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossReason {
    Network,
    LinkCut,
    NodeDown,
    User,
    Full,
}

impl LossReason {
    pub fn text(self) -> &'static str {
        match self {
            LossReason::Network => "lost by the network",
            LossReason::LinkCut => "link is cut",
            LossReason::NodeDown => "receiver is down",
            LossReason::User => "dropped by the user",
            LossReason::Full => "network queue full",
        }
    }
}

/// A message on the wire.
#[derive(Clone, Debug)]
pub struct Envelope<M> {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Tick,
    pub deliver_at: Tick,
    pub msg: M,
    /// Arrived while the receiver was paused; waits for it to resume.
    pub held: bool,
}

/// A message that was lost, kept briefly so the canvas can show it.
#[derive(Clone, Debug)]
pub struct Lost {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub sent_at: Tick,
    /// When it was lost.
    pub at: Tick,
    pub reason: LossReason,
}

/// Something that reached a paused node and waits for it.
#[derive(Clone, Debug)]
enum Held<T> {
    Deliver(MsgId),
    Timer(T),
    Request(String),
}

#[derive(Clone, Debug)]
struct ArmedTimer {
    key: Key,
    set_at: Tick,
}

/// A node's armed timers, sorted by timer: a node has a handful, so a
/// sorted vector does what a map would with less code and cheaper clones,
/// and keeps the map's order (re-arming after a drift goes in that order).
type Timers<T> = Vec<(T, ArmedTimer)>;

/// Arm `timer`; returns what it replaces.
fn arm<T: Ord>(timers: &mut Timers<T>, timer: T, armed: ArmedTimer) -> Option<ArmedTimer> {
    match timers.binary_search_by(|(t, _)| t.cmp(&timer)) {
        Ok(i) => Some(std::mem::replace(&mut timers[i].1, armed)),
        Err(i) => {
            timers.insert(i, (timer, armed));
            None
        }
    }
}

/// Disarm `timer`, if it is armed.
fn disarm<T: Ord>(timers: &mut Timers<T>, timer: &T) -> Option<ArmedTimer> {
    let i = timers.binary_search_by(|(t, _)| t.cmp(timer)).ok()?;
    Some(timers.remove(i).1)
}

/// What an action can change of what a checker sees (each node's state and
/// status), so the check after it looks only there.
enum Touched {
    /// No node: the network, a link, a clock's rate, or which event comes
    /// next. The last check's result stands: a checker sees only nodes.
    Nothing,
    /// One node's state: a client request runs only that node.
    Node(NodeId),
    /// Any node, to be safe: crashes, restarts, pauses and resumes.
    Any,
}

// Not inlined: `World::apply` is compiled for every simulator type, and
// this match in each copy was 0.3 KiB of the app's gzipped bundle.
#[inline(never)]
fn touched(action: &Action) -> Touched {
    match action {
        Action::Deliver { .. }
        | Action::Fire { .. }
        | Action::Drop { .. }
        | Action::Duplicate { .. }
        | Action::Delay { .. }
        | Action::Drift { .. }
        | Action::CrashMidStep { .. }
        | Action::Partition { .. }
        | Action::Heal
        | Action::Cut { .. }
        | Action::Uncut { .. } => Touched::Nothing,
        Action::Request { node, .. } => Touched::Node(*node),
        Action::Crash { .. } | Action::Restart { .. } | Action::Pause { .. } | Action::Resume { .. } => Touched::Any,
    }
}

/// Node `id` for changing, copied first if a copy of the world shares it:
/// into `spare`, a node this world no longer uses, when it has one (see
/// `World::clone_from`), so the copy reuses its allocations. Its cached
/// fingerprint is forgotten: this is the one way to change a node in place.
fn node_mut<'a, P: Protocol>(
    nodes: &'a mut [Arc<Node<P>>],
    spare: &mut Option<Arc<Node<P>>>,
    id: usize,
) -> &'a mut Node<P> {
    let node = &mut nodes[id];
    if Arc::get_mut(node).is_none() {
        unshare(node, spare);
    }
    let node = Arc::get_mut(node).expect("a node just copied is not shared");
    node.fingerprint.forget();
    node
}

/// `node`, shared with a copy of the world, replaced by a copy of it of
/// its own: in `spare` when there is one. Out of line: the app calls
/// [`node_mut`] in a dozen places for each of its protocols.
///
/// Natively only: in the app, the copy into a spare (a second copy of every
/// protocol's clone code) cost 3.4 KiB of bundle for its model checker, and
/// a world there never keeps a spare (`World::clone_from`).
#[inline(never)]
fn unshare<P: Protocol>(node: &mut Arc<Node<P>>, spare: &mut Option<Arc<Node<P>>>) {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(mut into) = spare.take() {
        Arc::get_mut(&mut into).expect("a spare node is not shared").clone_from(node);
        *node = into;
        return;
    }
    let _ = spare;
    *node = Arc::new(Node::clone(node));
}

/// The protocol's side of a node; its liveness and clock are in [`Base`].
#[derive(Debug)]
struct Node<P: Protocol> {
    state: P,
    durable: Option<P::Durable>,
    timers: Timers<P::Timer>,
    held: Vec<Held<P::Timer>>,
    /// The fingerprint of `state`, `durable` and `timers`, computed when a
    /// model checker first asks and kept until the node changes
    /// ([`node_mut`]): a successor changes one node, and its copies share
    /// the others with their fingerprints (see `world/explore.rs`).
    fingerprint: Cached,
}

impl<P: Protocol> Clone for Node<P> {
    fn clone(&self) -> Self {
        Self {
            state: self.state.clone(),
            durable: self.durable.clone(),
            timers: self.timers.clone(),
            held: self.held.clone(),
            fingerprint: self.fingerprint.clone(),
        }
    }

    /// Field by field, into the target's allocations: how a spare node
    /// becomes a copy of the node a step changes ([`node_mut`]).
    fn clone_from(&mut self, source: &Self) {
        let Self { state, durable, timers, held, fingerprint } = self;
        state.clone_from(&source.state);
        durable.clone_from(&source.durable);
        timers.clone_from(&source.timers);
        held.clone_from(&source.held);
        fingerprint.clone_from(&source.fingerprint);
    }
}

/// A node as the canvas sees it.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub id: NodeId,
    pub status: Status,
    pub look: protocol::Look,
    /// The ring's `(set_at, fires_at)` in world time: `look.ring` resolved
    /// (see [`World::countdown`]).
    pub ring: Option<(Tick, Tick)>,
    pub local_time: Tick,
    pub clock_rate: f64,
}

/// A message in flight as the canvas sees it.
#[derive(Clone, Debug)]
pub struct MsgInfo {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Tick,
    pub deliver_at: Tick,
    pub kind: &'static str,
    /// Its colour, from [`Message::tone`].
    pub tone: protocol::Tone,
    pub held: bool,
}

/// The simulated world for protocol `P`.
///
/// What does not depend on `P` lives in its [`Base`], compiled once for
/// every protocol; this holds the protocol's own state.
#[derive(Debug)]
pub struct World<P: Protocol> {
    base: Base,
    protocol_config: P::Config,
    in_flight: InFlight<P::Msg>,
    /// Shared with the world's copies until one changes a node: a model
    /// checker's successor copies the one node its choice touches.
    nodes: Vec<Arc<Node<P>>>,
    /// A node this world held alone and replaced when it became a copy of
    /// another world: the next node a step changes is copied into it
    /// ([`node_mut`]). Not part of the state, nor copied.
    spare: Option<Arc<Node<P>>>,
    checker: P::Checker,
    last_event: Option<EventRecord<P::Msg>>,
    /// The command buffer, reused by every step (empty between steps).
    out: OutOf<P>,
    /// The allocation of the node list the checker sees, kept empty between
    /// checks so that checking allocates nothing (see [`World::check`]).
    refs: RefsBuf<P>,
    /// The message being delivered, for the journal's [`Handled::Message`].
    delivering: MsgId,
    /// The node the last step or action fed an input, and how many
    /// commands it produced (see [`World::last_commands`]).
    last_commands: Option<(NodeId, u32)>,
}

impl<P: Protocol> Clone for World<P> {
    fn clone(&self) -> Self {
        Self {
            base: self.base.clone(),
            protocol_config: self.protocol_config.clone(),
            in_flight: self.in_flight.clone(),
            nodes: self.nodes.clone(),
            spare: None,
            checker: self.checker.clone(),
            last_event: self.last_event.clone(),
            out: self.out.clone(),
            refs: self.refs.clone(),
            delivering: self.delivering,
            last_commands: self.last_commands,
        }
    }

    /// A copy of `source` in this world's buffers: what a model checker
    /// makes each successor in, reusing the world it just dropped (most
    /// successors are states seen before).
    fn clone_from(&mut self, source: &Self) {
        // Every field by name, so that a new one cannot be forgotten.
        let Self {
            base,
            protocol_config,
            in_flight,
            nodes,
            spare,
            checker,
            last_event,
            out,
            refs,
            delivering,
            last_commands,
        } = self;
        base.clone_from(&source.base);
        protocol_config.clone_from(&source.protocol_config);
        in_flight.clone_from(&source.in_flight);
        // The source's nodes, shared. A node only this world held (the
        // one its last step changed) is kept as the spare, so the next
        // step's copy of a node reuses its allocations (natively: see
        // `unshare`).
        nodes.truncate(source.nodes.len());
        for (i, node) in source.nodes.iter().enumerate() {
            match nodes.get_mut(i) {
                Some(mine) if Arc::ptr_eq(mine, node) => {}
                Some(mine) => {
                    let old = std::mem::replace(mine, Arc::clone(node));
                    let keep = cfg!(not(target_arch = "wasm32")) && spare.is_none();
                    if keep && Arc::strong_count(&old) == 1 && Arc::weak_count(&old) == 0 {
                        *spare = Some(old);
                    }
                }
                None => nodes.push(Arc::clone(node)),
            }
        }
        checker.clone_from(&source.checker);
        last_event.clone_from(&source.last_event);
        // Buffers, empty between steps: the target keeps its own, with
        // their allocations (a copy would be a new, empty one).
        let _ = (out, refs);
        *delivering = source.delivering;
        *last_commands = source.last_commands;
    }
}

/// An empty vector's allocation as a vector of another type of the same
/// layout (the same references with another lifetime): collecting an empty
/// `vec::IntoIter` in place keeps its buffer.
fn recycle<T, U>(empty: Vec<T>) -> Vec<U> {
    debug_assert!(empty.is_empty());
    empty.into_iter().map(|_| unreachable!("the vector is empty")).collect()
}

/// An empty buffer for the checker's node list; a copy of the world starts
/// its own.
#[derive(Debug)]
struct RefsBuf<P: 'static>(Vec<NodeRef<'static, P>>);

impl<P> Clone for RefsBuf<P> {
    fn clone(&self) -> Self {
        Self(Vec::new())
    }
}

mod explore;
mod network;
mod rename;
mod symmetry;

pub use symmetry::NoSymmetry;

impl<P: Protocol> World<P> {
    /// Boot every node (in id order) at time 0. `config` must be valid.
    pub fn new(config: SimConfig, protocol_config: P::Config, seed: u64) -> Self {
        Self::build(config, protocol_config, seed, false)
    }

    /// [`World::new`], keeping a [journal](crate::journal) of every step
    /// when `journaling` (from the start-up on).
    pub fn build(config: SimConfig, protocol_config: P::Config, seed: u64, journaling: bool) -> Self {
        let mut base = Base::new(config, seed);
        base.journaling = journaling;
        let n = base.cluster.nodes as usize;
        let nodes = (0..base.cluster.nodes)
            .map(|id| {
                Arc::new(Node {
                    state: P::new(id, &base.cluster, &protocol_config, None),
                    durable: None,
                    timers: Vec::new(),
                    held: Vec::new(),
                    fingerprint: Cached::default(),
                })
            })
            .collect();
        let mut world = Self {
            base,
            protocol_config,
            in_flight: InFlight::with_capacity(crate::base::ROOM_PER_NODE * n),
            nodes,
            spare: None,
            checker: Default::default(),
            last_event: None,
            out: OutOf::<P>::default(),
            refs: RefsBuf(Vec::new()),
            delivering: 0,
            last_commands: None,
        };
        for id in 0..world.base.cluster.nodes {
            world.run_node(id, Input::Start);
        }
        world.check(None);
        world
    }

    // ---- reading ----------------------------------------------------------

    pub fn now(&self) -> Tick {
        self.base.now
    }
    /// Events processed so far.
    pub fn steps(&self) -> u64 {
        self.base.steps
    }
    pub fn config(&self) -> &SimConfig {
        &self.base.config
    }
    pub fn protocol_config(&self) -> &P::Config {
        &self.protocol_config
    }
    pub fn node_count(&self) -> u32 {
        self.base.cluster.nodes
    }
    pub fn node(&self, id: NodeId) -> &P {
        &self.nodes[id as usize].state
    }
    pub fn status(&self, id: NodeId) -> Status {
        self.base.status(id)
    }
    /// When the next event happens, if any is queued.
    pub fn next_event_time(&self) -> Option<Tick> {
        self.base.next_event_time()
    }
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.base.is_cut(from, to)
    }
    /// The violation found by the latest check (`None` when all hold now).
    pub fn violation(&self) -> Option<&Violation> {
        self.base.violation.as_ref()
    }
    pub fn first_violation(&self) -> Option<&FirstViolation> {
        self.base.first_violation.as_ref()
    }
    /// What the latest step did, in order (at step 0: the nodes' start-up
    /// and the actions of step 0). See [`crate::journal`].
    pub fn journal(&self) -> &[Happening] {
        &self.base.journal
    }
    /// Whether this world keeps a journal ([`World::build`]).
    pub fn journaling(&self) -> bool {
        self.base.journaling
    }
    /// The event of the latest step (`None` before the first).
    pub fn last_event(&self) -> Option<&EventRecord<P::Msg>> {
        self.last_event.as_ref()
    }
    /// The event log's lines in view, oldest first.
    pub fn log(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.base.log.iter()
    }
    pub fn log_len(&self) -> usize {
        self.base.log.len()
    }
    pub fn lost(&self) -> impl DoubleEndedIterator<Item = &Lost> {
        self.base.lost.iter()
    }
    pub fn in_flight(&self) -> impl Iterator<Item = &Envelope<P::Msg>> {
        self.in_flight.values()
    }
    pub fn message(&self, id: MsgId) -> Option<&Envelope<P::Msg>> {
        self.in_flight.get(id)
    }
    pub fn messages_into(&self, out: &mut Vec<MsgInfo>) {
        out.clear();
        out.extend(self.in_flight.values().map(|e| MsgInfo {
            id: e.id,
            from: e.from,
            to: e.to,
            sent_at: e.sent_at,
            deliver_at: e.deliver_at,
            kind: e.msg.kind(),
            tone: e.msg.tone(),
            held: e.held,
        }));
    }
    pub fn node_info(&self, id: NodeId) -> NodeInfo {
        let meta = &self.base.nodes[id as usize];
        let look = self.nodes[id as usize].state.look();
        let ring = look.ring.and_then(|c| self.countdown(id, c));
        NodeInfo {
            id,
            status: meta.status,
            look,
            ring,
            local_time: meta.clock.local(self.base.now),
            clock_rate: meta.clock.rate,
        }
    }
    /// A countdown of `node`'s look as `(start, end)` in world time, or
    /// `None` when there is nothing to count down (the timer is not armed).
    /// [`Countdown::Local`] is converted from the node's clock to world time
    /// with its rate, so a slow clock's lease visibly outlives the server's.
    pub fn countdown(&self, node: NodeId, countdown: protocol::Countdown) -> Option<(Tick, Tick)> {
        let armed = |id: NodeId, name: &str| {
            let n = self.nodes.get(id as usize)?;
            n.timers.iter().find(|(t, _)| t.name() == name).map(|(_, armed)| (armed.set_at, armed.key.0))
        };
        match countdown {
            protocol::Countdown::Timer(name) => armed(node, name),
            protocol::Countdown::TimerOf { node, timer } => armed(node, timer),
            protocol::Countdown::Local { since, until } => {
                let clock = &self.base.nodes.get(node as usize)?.clock;
                if clock.rate <= 0.0 {
                    return None;
                }
                Some((clock.global(since), clock.global(until)))
            }
        }
    }
    /// What the whole cluster means now ([`Protocol::picture`]).
    pub fn picture(&self) -> protocol::Picture {
        P::picture(&self.node_refs(), &self.protocol_config)
    }
    /// A client request numbered `n` ([`Protocol::client_request`]) and the
    /// running node to send it to: `node` if it takes requests, else the
    /// first that does among the holders of the picture's lead role (Raft's
    /// leader), then among all nodes. `None` when no running node takes
    /// requests (`node` not among them if given).
    pub fn client_request(&self, node: Option<NodeId>, n: u64) -> Option<(NodeId, String)> {
        let offer = |id: NodeId| {
            let up = self.base.nodes.get(id as usize)?.status == Status::Up;
            up.then(|| self.nodes[id as usize].state.client_request(n)).flatten().map(|cmd| (id, cmd))
        };
        if let Some(id) = node {
            return offer(id);
        }
        let lead = self.picture().lead.map(|lead| lead.holders).unwrap_or_default();
        lead.iter().find_map(|&(id, _)| offer(id)).or_else(|| (0..self.node_count()).find_map(offer))
    }
    /// What the inspector shows of node `id` ([`Protocol::inspect`]).
    pub fn inspect(&self, id: NodeId) -> Vec<protocol::Panel> {
        self.nodes[id as usize].state.inspect(self.status(id) != Status::Crashed)
    }
    pub fn node_refs(&self) -> Vec<NodeRef<'_, P>> {
        self.nodes
            .iter()
            .zip(&self.base.nodes)
            .enumerate()
            .map(|(id, (n, meta))| NodeRef { id: id as NodeId, status: meta.status, state: &n.state })
            .collect()
    }
    pub fn views(&self) -> Vec<P::View> {
        self.nodes.iter().zip(&self.base.nodes).map(|(n, meta)| n.state.view(meta.status != Status::Crashed)).collect()
    }

    // ---- stepping ---------------------------------------------------------

    /// Process the next event. Returns `false` when nothing is queued.
    pub fn step(&mut self) -> bool {
        self.last_commands = None;
        let Some((key, event)) = self.base.pop() else {
            return false;
        };
        self.base.new_step();
        let record = match event {
            Event::Deliver(id) => self.deliver(id),
            Event::Timer { node } => {
                let n = node_mut(&mut self.nodes, &mut self.spare, node as usize);
                let i = n.timers.iter().position(|(_, armed)| armed.key == key).expect("a queued timer is armed");
                let (timer, _) = n.timers.remove(i);
                if self.base.status(node) == Status::Paused {
                    n.held.push(Held::Timer(timer));
                    EventRecord::Held { node, what: timer.name().to_string() }
                } else {
                    self.run_node(node, Input::Timer(timer));
                    EventRecord::Timer { node, timer: timer.name() }
                }
            }
            Event::Resume { node } => {
                self.base.nodes[node as usize].wake = None;
                self.resume(node);
                EventRecord::Resume { node }
            }
        };
        // Only the node that handled the event can have changed.
        let changed = match &record {
            EventRecord::Idle => unreachable!("idle steps are not queued events"),
            EventRecord::Deliver { msg } | EventRecord::Lost { msg, .. } => msg.to,
            EventRecord::Timer { node, .. } | EventRecord::Held { node, .. } | EventRecord::Resume { node } => *node,
        };
        // A model checker's copies keep no records (see `Base::recording`):
        // copying the last message with every state would cost an
        // allocation for a payload that owns one.
        self.last_event = self.base.recording.then_some(record);
        self.check(Some(changed));
        true
    }

    /// Count one step in which nothing happens: the world has no event
    /// queued but the run still has actions scheduled, so it waits for them
    /// one step at a time (time does not move). No node changes, so there is
    /// nothing to check.
    pub fn idle(&mut self) {
        self.base.steps += 1;
        self.base.new_step();
        self.last_event = self.base.recording.then_some(EventRecord::Idle);
    }

    fn deliver(&mut self, id: MsgId) -> EventRecord<P::Msg> {
        let env = self.in_flight.get(id).expect("queued message is in flight");
        let (from, to) = (env.from, env.to);
        let status = self.base.status(to);
        if let Some(record) = self.network_holds(id, from, to, status) {
            return record;
        }
        if status == Status::Crashed || self.base.is_cut(from, to) {
            let env = self.in_flight.remove(id).expect("in flight");
            let reason = if status == Status::Crashed { LossReason::NodeDown } else { LossReason::LinkCut };
            self.record_loss(&env, reason);
            return EventRecord::Lost { msg: MsgRecord::of(&env), reason: reason.text() };
        }
        if status == Status::Paused {
            let env = self.in_flight.get_mut(id).expect("in flight");
            env.held = true;
            node_mut(&mut self.nodes, &mut self.spare, to as usize).held.push(Held::Deliver(id));
            return EventRecord::Held { node: to, what: format!("message {id}") };
        }
        let env = self.in_flight.remove(id).expect("in flight");
        let record = MsgRecord::of(&env);
        self.delivering = id;
        self.run_node(to, Input::Message { from, msg: env.msg });
        EventRecord::Deliver { msg: record }
    }

    /// Feed one input to a node and carry out its commands in order. A
    /// pending `crash-mid-step` cuts the list short: the node crashes after
    /// the commands it allows, and the rest never happen.
    fn run_node(&mut self, id: NodeId, input: protocol::InputOf<P>) {
        if self.base.journaling {
            let handled = match &input {
                Input::Start => Handled::Start,
                Input::Message { .. } => Handled::Message(self.delivering),
                Input::Timer(timer) => Handled::Timer(timer.name()),
                Input::Request { .. } => Handled::Request,
            };
            self.base.ran(id, handled);
        }
        let mut out = std::mem::take(&mut self.out);
        // A world that keeps no log never formats a note's text.
        out.keep_notes(self.base.recording);
        let meta = &mut self.base.nodes[id as usize];
        let local = meta.clock.local(self.base.now);
        let crash_after = meta.crash_after.take();
        node_mut(&mut self.nodes, &mut self.spare, id as usize).state.step(local, input, &mut out);
        let total = out.len();
        self.last_commands = Some((id, total as u32));
        let mut carried = 0;
        for command in out.drain() {
            if crash_after.is_some_and(|k| carried >= k as usize) {
                break;
            }
            self.carry_out(id, command);
            carried += 1;
        }
        // Operations are what the node reported, whether or not a crash cut
        // its commands short.
        if !out.ops().is_empty() {
            self.base.reported(id, out.drain_ops());
        }
        // Put the buffer back. What it replaces is the empty default `take`
        // left, which holds no allocation: forgetting it frees nothing and
        // spares every step a call to drop it.
        std::mem::forget(std::mem::replace(&mut self.out, out));
        if crash_after.is_some() {
            self.crash(id);
            self.base.log_crash_mid_step(id, carried, total);
        }
    }

    fn carry_out(&mut self, id: NodeId, command: protocol::CommandOf<P>) {
        match command {
            Command::Persist(durable) => {
                node_mut(&mut self.nodes, &mut self.spare, id as usize).durable = Some(durable)
            }
            Command::Send { to, msg } => self.send(id, to, msg),
            Command::SetTimer { timer, after_min, after_max } => {
                let local_delay = self.base.timer_delay(after_min, after_max);
                self.arm_timer(id, timer, local_delay);
            }
            Command::CancelTimer { timer } => {
                if let Some(armed) = disarm(&mut node_mut(&mut self.nodes, &mut self.spare, id as usize).timers, &timer)
                {
                    self.base.unschedule(armed.key);
                }
            }
            Command::Emit(note) => self.base.push_log(Some(id), note.level, note.text),
        }
    }

    fn arm_timer(&mut self, id: NodeId, timer: P::Timer, local_delay: Tick) {
        let delay = self.base.nodes[id as usize].clock.global_delay(local_delay);
        let set_at = self.base.now;
        let key = self.base.schedule(set_at + delay, Event::Timer { node: id });
        if let Some(old) =
            arm(&mut node_mut(&mut self.nodes, &mut self.spare, id as usize).timers, timer, ArmedTimer { key, set_at })
        {
            self.base.unschedule(old.key);
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        debug_assert!(to < self.base.cluster.nodes, "node {from} sent to unknown node {to}");
        if to >= self.base.cluster.nodes {
            return;
        }
        // A reliable network never duplicates, so it draws no duplicate.
        let copies = if self.base.config.network == Network::Reliable { 1 } else { self.base.copies() };
        for copy in 0..copies {
            let id = self.base.next_msg_id();
            let latency = self.base.latency();
            let now = self.base.now;
            let mut env =
                Envelope { id, from, to, sent_at: now, deliver_at: now + latency, msg: msg.clone(), held: false };
            if self.base.journaling {
                self.base.note(Happening::Sent { msg: id, from, to, kind: env.msg.kind(), dup: copy > 0 });
            }
            match self.loss_on_send(&mut env) {
                Some(reason) => self.record_loss(&env, reason),
                None => {
                    self.base.schedule(env.deliver_at, Event::Deliver(id));
                    self.in_flight.insert(env);
                }
            }
        }
    }

    fn record_loss(&mut self, env: &Envelope<P::Msg>, reason: LossReason) {
        let (id, from, to, sent_at, at) = (env.id, env.from, env.to, env.sent_at, self.base.now);
        self.base.lose(Lost { id, from, to, kind: env.msg.kind(), sent_at, at, reason });
    }

    #[inline(never)]
    fn check(&mut self, changed: Option<NodeId>) {
        // The empty buffer is re-typed to this borrow's lifetime and back;
        // collecting an empty vec::IntoIter in place keeps its allocation,
        // so after the first check no step allocates here.
        let mut refs: Vec<NodeRef<'_, P>> = recycle(std::mem::take(&mut self.refs.0));
        refs.extend(self.nodes.iter().zip(&self.base.nodes).enumerate().map(|(id, (n, meta))| NodeRef {
            id: id as NodeId,
            status: meta.status,
            state: &n.state,
        }));
        let violation = self.checker.check_changed(&refs, changed);
        refs.clear();
        self.refs.0 = recycle(refs);
        self.base.record_check(violation);
    }

    // ---- actions ----------------------------------------------------------

    /// Apply a user action now. On error nothing changes.
    pub fn apply(&mut self, action: &Action) -> Result<(), ActionError> {
        self.last_commands = None;
        action.validate(self.base.cluster.nodes)?;
        if let Some(reason) = self.base.refusal(action) {
            return Err(ActionError::new(action, reason));
        }
        if !self.base.apply(action) {
            self.apply_to_nodes(action)?;
        }
        // One call site: `check` is compiled into every simulator type.
        let changed = match touched(action) {
            Touched::Nothing => return Ok(()),
            Touched::Node(node) => Some(node),
            Touched::Any => None,
        };
        self.check(changed);
        Ok(())
    }

    /// The actions that touch the protocol's side of the world.
    fn apply_to_nodes(&mut self, action: &Action) -> Result<(), ActionError> {
        let not_in_flight = |msg: &MsgId| Err(ActionError::new(action, format!("message {msg} is not in flight")));
        match action {
            Action::Crash { node } => self.crash(*node),
            Action::Restart { node } => {
                let n = node_mut(&mut self.nodes, &mut self.spare, *node as usize);
                n.state = P::new(*node, &self.base.cluster, &self.protocol_config, n.durable.as_ref());
                self.base.restarted(*node);
                self.run_node(*node, Input::Start);
            }
            Action::Resume { node } => {
                self.base.cancel_wake(*node);
                self.resume(*node);
            }
            Action::Drift { node, rate } => self.set_drift(*node, *rate),
            Action::Drop { msg } => {
                let Some(env) = self.in_flight.remove(*msg) else {
                    return not_in_flight(msg);
                };
                self.unqueue_delivery(&env);
                self.record_loss(&env, LossReason::User);
            }
            Action::Duplicate { msg } => {
                let Some(env) = self.in_flight.get(*msg) else {
                    return not_in_flight(msg);
                };
                let mut copy = env.clone();
                copy.id = self.base.next_msg_id();
                copy.held = false;
                let latency = self.base.latency();
                copy.sent_at = self.base.now;
                copy.deliver_at = self.base.now + latency;
                self.base.schedule(copy.deliver_at, Event::Deliver(copy.id));
                let (kind, id) = (copy.msg.kind(), copy.id);
                self.in_flight.insert(copy);
                self.base.note(Happening::Copied { msg: *msg, copy: id });
                self.base.log_duplicate(kind, *msg, id);
            }
            Action::Delay { msg, by } => {
                let Some(env) = self.in_flight.get(*msg) else {
                    return not_in_flight(msg);
                };
                if env.held {
                    let reason = format!("message {msg} has arrived and waits for its paused receiver");
                    return Err(ActionError::new(action, reason));
                }
                let env = env.clone();
                self.unqueue_delivery(&env);
                let deliver_at = env.deliver_at + by;
                self.base.schedule(deliver_at, Event::Deliver(*msg));
                self.in_flight.get_mut(*msg).expect("in flight").deliver_at = deliver_at;
                self.base.log_delay(env.msg.kind(), *msg, *by);
            }
            Action::Deliver { msg } => self.force_delivery(action, *msg)?,
            Action::Fire { node, timer } => self.force_timer(action, *node, timer)?,
            Action::Request { node, cmd } => match self.base.log_request(*node, cmd) {
                Status::Crashed => {}
                Status::Paused => {
                    node_mut(&mut self.nodes, &mut self.spare, *node as usize).held.push(Held::Request(cmd.clone()))
                }
                Status::Up => self.run_node(*node, Input::Request { cmd: cmd.clone() }),
            },
            // The world's own (links, pauses, a pending mid-step crash).
            Action::CrashMidStep { .. }
            | Action::Pause { .. }
            | Action::Partition { .. }
            | Action::Heal
            | Action::Cut { .. }
            | Action::Uncut { .. } => unreachable!("applied by the base"),
        }
        Ok(())
    }

    fn unqueue_delivery(&mut self, env: &Envelope<P::Msg>) {
        if env.held {
            node_mut(&mut self.nodes, &mut self.spare, env.to as usize)
                .held
                .retain(|h| !matches!(h, Held::Deliver(id) if *id == env.id));
        } else {
            self.base.unqueue_delivery(env.id);
        }
    }

    fn crash(&mut self, id: NodeId) {
        let n = node_mut(&mut self.nodes, &mut self.spare, id as usize);
        let timers = std::mem::take(&mut n.timers);
        let held = std::mem::take(&mut n.held);
        n.state = P::new(id, &self.base.cluster, &self.protocol_config, n.durable.as_ref());
        for (_, armed) in timers {
            self.base.unschedule(armed.key);
        }
        for h in held {
            if let Held::Deliver(mid) = h {
                if let Some(env) = self.in_flight.remove(mid) {
                    self.record_loss(&env, LossReason::NodeDown);
                }
            }
        }
        self.reset_connections(id);
        self.base.crashed(id);
    }

    fn resume(&mut self, id: NodeId) {
        let held = std::mem::take(&mut node_mut(&mut self.nodes, &mut self.spare, id as usize).held);
        self.base.resumed(id, held.len());
        for h in held {
            match h {
                Held::Deliver(mid) => {
                    if let Some(env) = self.in_flight.get_mut(mid) {
                        env.held = false;
                        env.deliver_at = self.base.now;
                        self.base.schedule(self.base.now, Event::Deliver(mid));
                    }
                }
                Held::Timer(timer) => {
                    let set_at = self.base.now;
                    let key = self.base.schedule(set_at, Event::Timer { node: id });
                    if let Some(old) = arm(
                        &mut node_mut(&mut self.nodes, &mut self.spare, id as usize).timers,
                        timer,
                        ArmedTimer { key, set_at },
                    ) {
                        self.base.unschedule(old.key);
                    }
                }
                Held::Request(cmd) => {
                    if self.base.status(id) == Status::Up {
                        self.run_node(id, Input::Request { cmd });
                    }
                }
            }
        }
    }

    fn set_drift(&mut self, id: NodeId, rate: f64) {
        let now = self.base.now;
        let old_rate = self.base.set_rate(id, rate);
        // A timer is a local duration: what remains of it now runs on the new clock.
        let rearm = std::mem::take(&mut node_mut(&mut self.nodes, &mut self.spare, id as usize).timers);
        for (timer, armed) in rearm {
            self.base.unschedule(armed.key);
            let remaining_local = ((armed.key.0.saturating_sub(now)) as f64 * old_rate).round() as Tick;
            self.arm_timer(id, timer, remaining_local);
            let timers = &mut node_mut(&mut self.nodes, &mut self.spare, id as usize).timers;
            let i = timers.binary_search_by(|(t, _)| t.cmp(&timer)).expect("armed");
            timers[i].1.set_at = armed.set_at;
        }
        self.base.log_drift(id, rate);
    }
}

/// The integration tests' toy protocol, for the unit tests below.
#[cfg(test)]
#[path = "../tests/it/toy/mod.rs"]
mod toy_protocol;

#[cfg(test)]
mod tests {
    use super::*;

    use toy_protocol as toy;

    #[test]
    fn a_check_follows_an_action_only_where_it_can_change_a_node() {
        let mut world: World<toy::Toy> =
            World::new(SimConfig { nodes: 3, ..SimConfig::default() }, Default::default(), 1);
        while world.in_flight.len() == 0 {
            world.step();
        }
        let msg = world.in_flight.values().next().expect("a message in flight").id;
        let after = |world: &mut World<toy::Toy>, action: Action| {
            let before = world.checker.checks;
            world.apply(&action).unwrap();
            (world.checker.checks - before, world.checker.last_changed)
        };
        for action in [
            Action::Delay { msg, by: 5 },
            Action::Duplicate { msg },
            Action::Cut { from: 0, to: 1 },
            Action::Uncut { from: 0, to: 1 },
            Action::Partition { groups: vec![vec![0], vec![1, 2]] },
            Action::Heal,
            Action::Drift { node: 2, rate: 2.0 },
            Action::CrashMidStep { node: 2, after: 1 },
            Action::Deliver { msg },
        ] {
            let checks = after(&mut world, action.clone()).0;
            assert_eq!(checks, 0, "{action:?} changes no node, so no check follows it");
        }
        world.step();
        let request = Action::Request { node: 1, cmd: "w".to_string() };
        assert_eq!(after(&mut world, request), (1, Some(Some(1))), "a request changes the node it ran");
        assert_eq!(after(&mut world, Action::Crash { node: 0 }), (1, Some(None)));
        assert_eq!(after(&mut world, Action::Restart { node: 0 }), (1, Some(None)));
    }

    #[test]
    fn a_copy_made_in_a_used_world_steps_as_a_fresh_copy_does() {
        let mut parent: World<toy::Toy> =
            World::new(SimConfig { nodes: 3, ..SimConfig::default() }, Default::default(), 3);
        for _ in 0..20 {
            parent.step();
        }
        let nodes = |w: &World<toy::Toy>| {
            w.nodes
                .iter()
                .map(|n| format!("{:?} {:?} {:?} {:?}", n.state, n.durable, n.timers, n.held))
                .collect::<Vec<_>>()
        };
        let before = nodes(&parent);
        // The world a model checker copies each successor into: it took a
        // step of its own, so it holds the node that step changed alone.
        let mut used = parent.clone();
        used.step();
        for steps in 1..6 {
            used.clone_from(&parent);
            assert!(used.spare.is_some(), "the node the last step changed is kept as the spare");
            let mut fresh = parent.clone();
            for _ in 0..steps {
                fresh.step();
                used.step();
            }
            assert_eq!(nodes(&used), nodes(&fresh));
            assert_eq!(used.exact_fingerprint(), fresh.exact_fingerprint());
            assert!(used.spare.is_none(), "the spare became the changed node");
        }
        assert_eq!(nodes(&parent), before, "the parent was never written through a copy");
    }

    #[test]
    fn a_copy_has_the_source_s_records_and_links_whichever_is_empty() {
        let world = |network, drop, seed| {
            let mut w: World<toy::Toy> =
                World::new(SimConfig { nodes: 3, drop, network, ..SimConfig::default() }, Default::default(), seed);
            for _ in 0..60 {
                w.step();
            }
            // A loss by hand is logged (the network's own are not).
            if network != Network::Reliable {
                let msg = w.in_flight.values().next().expect("a message in flight").id;
                w.apply(&Action::Drop { msg }).unwrap();
            }
            w
        };
        let records = |w: &World<toy::Toy>| {
            let log: Vec<_> = w.log().map(|e| (e.step, e.text.clone())).collect();
            (log, format!("{:?} {:?} {:?}", w.base.lost, w.base.journal, w.base.links))
        };
        let lossy = world(Network::Lossy, 0.3, 5);
        let reliable = world(Network::Reliable, 0.0, 6);
        assert!(!lossy.base.lost.is_empty() && !lossy.base.log.is_empty());
        assert!(!reliable.base.links.is_unused() && lossy.base.links.is_unused());
        let worlds = [lossy.clone(), lossy.clone().unrecorded(), reliable.clone(), reliable.unrecorded()];
        for into in &worlds {
            for from in &worlds {
                let mut copy = into.clone();
                copy.clone_from(from);
                assert_eq!(records(&copy), records(from));
            }
        }
    }

    #[test]
    fn a_recycled_buffer_keeps_its_allocation() {
        let values = [1u32, 2, 3];
        let mut refs: Vec<&u32> = Vec::with_capacity(8);
        refs.extend(values.iter());
        refs.clear();
        let kept: Vec<&'static u32> = recycle(refs);
        assert!(kept.capacity() >= 8, "the check allocates per step again: {}", kept.capacity());
    }
}
