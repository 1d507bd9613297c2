//! The world: nodes, a logical clock, an event queue, a seeded network.
//!
//! One step pops the earliest event (ordered by time, then by the sequence
//! number it was queued with) and hands it to its node. Everything random
//! (latency, loss, duplication, timer delays) is drawn from one ChaCha8 stream
//! seeded by the run's seed, in the order the protocol's commands ask, so a
//! world is a pure function of (protocol, config, seed, actions).

use crate::action::{Action, ActionError, MsgId};
use crate::config::SimConfig;
use crate::event_log::EventLog;
use crate::record::{EventRecord, FirstViolation, LogEntry, MsgRecord};
use protocol::{
    Checker, Cluster, Command, Input, Level, Message, NodeId, NodeRef, OutOf, Protocol, Status, Tick, Timer, Violation,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, VecDeque};

/// Most messages in flight at once; a send beyond it is lost ("network full").
pub const MAX_IN_FLIGHT: usize = 100_000;
pub use crate::event_log::LOG_CAPACITY;
/// Recently lost messages kept for the canvas.
pub const DROPS_CAPACITY: usize = 256;

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

#[derive(Clone, Debug)]
enum Event<T> {
    Deliver(MsgId),
    Timer { node: NodeId, timer: T },
    Resume { node: NodeId },
}

/// Something that reached a paused node and waits for it.
#[derive(Clone, Debug)]
enum Held<T> {
    Deliver(MsgId),
    Timer(T),
    Request(String),
}

/// A node's local clock. It runs at `rate` times real time from the moment
/// `(base_global, base_local)` on.
#[derive(Clone, Debug)]
struct Clock {
    rate: f64,
    base_global: Tick,
    base_local: Tick,
}

impl Clock {
    fn exact() -> Self {
        Self { rate: 1.0, base_global: 0, base_local: 0 }
    }
    fn local(&self, global: Tick) -> Tick {
        let elapsed = global.saturating_sub(self.base_global);
        if self.rate == 1.0 {
            self.base_local + elapsed
        } else {
            self.base_local + (elapsed as f64 * self.rate).floor() as Tick
        }
    }
    /// The world time at which this clock reads `local`. Times before the
    /// clock's last rate change are extrapolated at the current rate: the
    /// exact past is not kept, and a countdown only needs to look right.
    fn global(&self, local: Tick) -> Tick {
        let convert = |d: Tick| if self.rate == 1.0 { d } else { (d as f64 / self.rate).ceil() as Tick };
        if local >= self.base_local {
            self.base_global + convert(local - self.base_local)
        } else {
            self.base_global.saturating_sub(convert(self.base_local - local))
        }
    }
    /// Real ticks until `local` ticks have passed on this clock (at least 1).
    fn global_delay(&self, local: Tick) -> Tick {
        let d = if self.rate == 1.0 { local } else { (local as f64 / self.rate).ceil() as Tick };
        d.max(1)
    }
}

#[derive(Clone, Debug)]
struct ArmedTimer {
    key: (Tick, u64),
    set_at: Tick,
}

#[derive(Clone, Debug)]
struct Node<P: Protocol> {
    state: P,
    status: Status,
    durable: Option<P::Durable>,
    timers: BTreeMap<P::Timer, ArmedTimer>,
    clock: Clock,
    held: Vec<Held<P::Timer>>,
    /// Queue key of the scheduled end of a `pause ... for`.
    wake: Option<(Tick, u64)>,
    /// A `crash-mid-step` waiting for the node's next step: crash after
    /// carrying out this many of its commands.
    crash_after: Option<u32>,
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
#[derive(Clone, Debug)]
pub struct World<P: Protocol> {
    cluster: Cluster,
    config: SimConfig,
    protocol_config: P::Config,
    rng: ChaCha8Rng,
    now: Tick,
    steps: u64,
    seq: u64,
    next_msg: MsgId,
    queue: BTreeMap<(Tick, u64), Event<P::Timer>>,
    in_flight: BTreeMap<MsgId, Envelope<P::Msg>>,
    nodes: Vec<Node<P>>,
    /// `cut[from * n + to]`: the link from `from` to `to` is down.
    cut: Vec<bool>,
    checker: P::Checker,
    /// The violation found by the latest check, if any.
    violation: Option<Violation>,
    first_violation: Option<FirstViolation>,
    last_event: Option<EventRecord<P::Msg>>,
    log: EventLog,
    lost: VecDeque<Lost>,
    /// The command buffer, reused by every step (empty between steps).
    out: OutOf<P>,
    /// The allocation of the node list the checker sees, kept empty between
    /// checks so that checking allocates nothing (see [`World::check`]).
    refs: RefsBuf<P>,
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

impl<P: Protocol> World<P> {
    /// Boot every node (in id order) at time 0. `config` must be valid.
    pub fn new(config: SimConfig, protocol_config: P::Config, seed: u64) -> Self {
        let cluster = Cluster { nodes: config.nodes };
        let n = config.nodes as usize;
        let nodes = (0..config.nodes)
            .map(|id| Node {
                state: P::new(id, &cluster, &protocol_config, None),
                status: Status::Up,
                durable: None,
                timers: BTreeMap::new(),
                clock: Clock::exact(),
                held: Vec::new(),
                wake: None,
                crash_after: None,
            })
            .collect();
        let mut world = Self {
            cluster,
            config,
            protocol_config,
            rng: ChaCha8Rng::seed_from_u64(seed),
            now: 0,
            steps: 0,
            seq: 0,
            next_msg: 0,
            queue: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            nodes,
            cut: vec![false; n * n],
            checker: Default::default(),
            violation: None,
            first_violation: None,
            last_event: None,
            log: EventLog::default(),
            lost: VecDeque::new(),
            out: OutOf::<P>::default(),
            refs: RefsBuf(Vec::new()),
        };
        for id in 0..world.cluster.nodes {
            world.run_node(id, Input::Start);
        }
        world.check(None);
        world
    }

    // ---- reading ----------------------------------------------------------

    pub fn now(&self) -> Tick {
        self.now
    }
    /// Events processed so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    pub fn protocol_config(&self) -> &P::Config {
        &self.protocol_config
    }
    pub fn node_count(&self) -> u32 {
        self.cluster.nodes
    }
    pub fn node(&self, id: NodeId) -> &P {
        &self.nodes[id as usize].state
    }
    pub fn status(&self, id: NodeId) -> Status {
        self.nodes[id as usize].status
    }
    /// When the next event happens, if any is queued.
    pub fn next_event_time(&self) -> Option<Tick> {
        self.queue.keys().next().map(|&(t, _)| t)
    }
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut[(from * self.cluster.nodes + to) as usize]
    }
    /// The violation found by the latest check (`None` when all hold now).
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }
    pub fn first_violation(&self) -> Option<&FirstViolation> {
        self.first_violation.as_ref()
    }
    /// The event of the latest step (`None` before the first).
    pub fn last_event(&self) -> Option<&EventRecord<P::Msg>> {
        self.last_event.as_ref()
    }
    /// The event log's lines in view, oldest first.
    pub fn log(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.log.iter()
    }
    pub fn log_len(&self) -> usize {
        self.log.len()
    }
    pub fn lost(&self) -> impl DoubleEndedIterator<Item = &Lost> {
        self.lost.iter()
    }
    pub fn in_flight(&self) -> impl Iterator<Item = &Envelope<P::Msg>> {
        self.in_flight.values()
    }
    pub fn message(&self, id: MsgId) -> Option<&Envelope<P::Msg>> {
        self.in_flight.get(&id)
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
        let node = &self.nodes[id as usize];
        let look = node.state.look();
        let ring = look.ring.and_then(|c| self.countdown(id, c));
        NodeInfo {
            id,
            status: node.status,
            look,
            ring,
            local_time: node.clock.local(self.now),
            clock_rate: node.clock.rate,
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
                let clock = &self.nodes.get(node as usize)?.clock;
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
    /// What the inspector shows of node `id` ([`Protocol::inspect`]).
    pub fn inspect(&self, id: NodeId) -> Vec<protocol::Panel> {
        let node = &self.nodes[id as usize];
        node.state.inspect(node.status != Status::Crashed)
    }
    pub fn node_refs(&self) -> Vec<NodeRef<'_, P>> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(id, n)| NodeRef { id: id as NodeId, status: n.status, state: &n.state })
            .collect()
    }
    pub fn views(&self) -> Vec<P::View> {
        self.nodes.iter().map(|n| n.state.view(n.status != Status::Crashed)).collect()
    }

    // ---- stepping ---------------------------------------------------------

    /// Process the next event. Returns `false` when nothing is queued.
    pub fn step(&mut self) -> bool {
        let Some(((time, _), event)) = self.queue.pop_first() else {
            return false;
        };
        debug_assert!(time >= self.now, "an event at {time} is queued in the past of {}", self.now);
        self.now = time;
        self.steps += 1;
        let record = match event {
            Event::Deliver(id) => self.deliver(id),
            Event::Timer { node, timer } => {
                let n = &mut self.nodes[node as usize];
                n.timers.remove(&timer);
                if n.status == Status::Paused {
                    n.held.push(Held::Timer(timer));
                    EventRecord::Held { node, what: timer.name().to_string() }
                } else {
                    self.run_node(node, Input::Timer(timer));
                    EventRecord::Timer { node, timer: timer.name() }
                }
            }
            Event::Resume { node } => {
                self.nodes[node as usize].wake = None;
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
        self.last_event = Some(record);
        self.check(Some(changed));
        true
    }

    /// Count one step in which nothing happens: the world has no event
    /// queued but the run still has actions scheduled, so it waits for them
    /// one step at a time (time does not move). No node changes, so there is
    /// nothing to check.
    pub fn idle(&mut self) {
        self.steps += 1;
        self.last_event = Some(EventRecord::Idle);
    }

    fn deliver(&mut self, id: MsgId) -> EventRecord<P::Msg> {
        let env = self.in_flight.get(&id).expect("queued message is in flight");
        let (from, to) = (env.from, env.to);
        let status = self.nodes[to as usize].status;
        if status == Status::Crashed || self.is_cut(from, to) {
            let env = self.in_flight.remove(&id).expect("in flight");
            let reason = if status == Status::Crashed { LossReason::NodeDown } else { LossReason::LinkCut };
            self.record_loss(&env, reason);
            return EventRecord::Lost { msg: MsgRecord::of(&env), reason: reason.text() };
        }
        if status == Status::Paused {
            let env = self.in_flight.get_mut(&id).expect("in flight");
            env.held = true;
            self.nodes[to as usize].held.push(Held::Deliver(id));
            return EventRecord::Held { node: to, what: format!("message {id}") };
        }
        let env = self.in_flight.remove(&id).expect("in flight");
        let record = MsgRecord::of(&env);
        self.run_node(to, Input::Message { from, msg: env.msg });
        EventRecord::Deliver { msg: record }
    }

    /// Feed one input to a node and carry out its commands in order. A
    /// pending `crash-mid-step` cuts the list short: the node crashes after
    /// the commands it allows, and the rest never happen.
    fn run_node(&mut self, id: NodeId, input: protocol::InputOf<P>) {
        let mut out = std::mem::take(&mut self.out);
        let node = &mut self.nodes[id as usize];
        let local = node.clock.local(self.now);
        node.state.step(local, input, &mut out);
        let crash_after = node.crash_after.take();
        let total = out.len();
        let mut carried = 0;
        for command in out.drain() {
            if crash_after.is_some_and(|k| carried >= k as usize) {
                break;
            }
            self.carry_out(id, command);
            carried += 1;
        }
        self.out = out;
        if crash_after.is_some() {
            self.crash(id);
            let text = format!("node {id} crashed in the middle of a step, after {carried} of its {total} commands");
            self.push_log(Some(id), Level::Warn, text);
        }
    }

    fn carry_out(&mut self, id: NodeId, command: protocol::CommandOf<P>) {
        match command {
            Command::Persist(durable) => self.nodes[id as usize].durable = Some(durable),
            Command::Send { to, msg } => self.send(id, to, msg),
            Command::SetTimer { timer, after_min, after_max } => {
                let local_delay =
                    if after_min >= after_max { after_min } else { self.rng.gen_range(after_min..=after_max) };
                self.arm_timer(id, timer, local_delay);
            }
            Command::CancelTimer { timer } => {
                if let Some(armed) = self.nodes[id as usize].timers.remove(&timer) {
                    self.queue.remove(&armed.key);
                }
            }
            Command::Emit(note) => self.push_log(Some(id), note.level, note.text),
        }
    }

    fn arm_timer(&mut self, id: NodeId, timer: P::Timer, local_delay: Tick) {
        let delay = self.nodes[id as usize].clock.global_delay(local_delay);
        let key = self.next_key(self.now + delay);
        let node = &mut self.nodes[id as usize];
        if let Some(old) = node.timers.insert(timer, ArmedTimer { key, set_at: self.now }) {
            self.queue.remove(&old.key);
        }
        self.queue.insert(key, Event::Timer { node: id, timer });
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        debug_assert!(to < self.cluster.nodes, "node {from} sent to unknown node {to}");
        if to >= self.cluster.nodes {
            return;
        }
        let copies = if self.config.dup > 0.0 && self.rng.gen_bool(self.config.dup) { 2 } else { 1 };
        for _ in 0..copies {
            let id = self.next_msg;
            self.next_msg += 1;
            let latency = self.rng.gen_range(self.config.latency_ms[0]..=self.config.latency_ms[1]);
            let env = Envelope {
                id,
                from,
                to,
                sent_at: self.now,
                deliver_at: self.now + latency,
                msg: msg.clone(),
                held: false,
            };
            let loss = if self.is_cut(from, to) {
                Some(LossReason::LinkCut)
            } else if self.config.drop > 0.0 && self.rng.gen_bool(self.config.drop) {
                Some(LossReason::Network)
            } else if self.in_flight.len() >= MAX_IN_FLIGHT {
                Some(LossReason::Full)
            } else {
                None
            };
            match loss {
                Some(reason) => self.record_loss(&env, reason),
                None => {
                    let key = self.next_key(env.deliver_at);
                    self.queue.insert(key, Event::Deliver(id));
                    self.in_flight.insert(id, env);
                }
            }
        }
    }

    fn next_key(&mut self, at: Tick) -> (Tick, u64) {
        self.seq += 1;
        (at, self.seq)
    }

    fn record_loss(&mut self, env: &Envelope<P::Msg>, reason: LossReason) {
        if self.lost.len() == DROPS_CAPACITY {
            self.lost.pop_front();
        }
        self.lost.push_back(Lost {
            id: env.id,
            from: env.from,
            to: env.to,
            kind: env.msg.kind(),
            sent_at: env.sent_at,
            at: self.now,
            reason,
        });
        if reason != LossReason::Network {
            let text = format!("{} {} {}→{} {}", env.msg.kind(), env.id, env.from, env.to, reason.text());
            self.push_log(None, Level::Info, text);
        }
    }

    pub(crate) fn push_log(&mut self, node: Option<NodeId>, level: Level, text: String) {
        self.log.push(LogEntry { step: self.steps, time: self.now, node, level, text });
    }

    fn check(&mut self, changed: Option<NodeId>) {
        // The empty buffer is re-typed to this borrow's lifetime and back;
        // collecting an empty vec::IntoIter in place keeps its allocation,
        // so after the first check no step allocates here.
        let mut refs: Vec<NodeRef<'_, P>> = recycle(std::mem::take(&mut self.refs.0));
        refs.extend(self.nodes.iter().enumerate().map(|(id, n)| NodeRef {
            id: id as NodeId,
            status: n.status,
            state: &n.state,
        }));
        let violation = self.checker.check_changed(&refs, changed);
        refs.clear();
        self.refs.0 = recycle(refs);
        if let Some(v) = &violation {
            if self.first_violation.is_none() {
                self.first_violation =
                    Some(FirstViolation { step: self.steps, property: v.property, detail: v.detail.clone() });
                let text = format!("{} violated: {}", v.property, v.detail);
                self.push_log(None, Level::Warn, text);
            }
        }
        self.violation = violation;
    }

    // ---- actions ----------------------------------------------------------

    /// Apply a user action now. On error nothing changes.
    pub fn apply(&mut self, action: &Action) -> Result<(), ActionError> {
        action.validate(self.cluster.nodes)?;
        let fail = |reason: String| Err(ActionError::new(action, reason));
        match action {
            Action::Crash { node } => {
                if self.status(*node) == Status::Crashed {
                    return fail(format!("node {node} is already down"));
                }
                self.crash(*node);
            }
            Action::CrashMidStep { node, after } => {
                if self.status(*node) == Status::Crashed {
                    return fail(format!("node {node} is already down"));
                }
                self.nodes[*node as usize].crash_after = Some(*after);
                let text = format!("node {node} will crash during its next step, after {after} of its commands");
                self.push_log(Some(*node), Level::Notice, text);
            }
            Action::Restart { node } => {
                if self.status(*node) != Status::Crashed {
                    return fail(format!("node {node} is not down"));
                }
                let n = &mut self.nodes[*node as usize];
                n.state = P::new(*node, &self.cluster, &self.protocol_config, n.durable.as_ref());
                n.status = Status::Up;
                self.push_log(Some(*node), Level::Notice, format!("node {node} restarted"));
                self.run_node(*node, Input::Start);
            }
            Action::Pause { node, for_ms } => {
                if self.status(*node) != Status::Up {
                    return fail(format!("node {node} is not running"));
                }
                self.nodes[*node as usize].status = Status::Paused;
                if let Some(ms) = for_ms {
                    let key = self.next_key(self.now + ms);
                    self.queue.insert(key, Event::Resume { node: *node });
                    self.nodes[*node as usize].wake = Some(key);
                }
                let text = match for_ms {
                    Some(ms) => format!("node {node} paused for {ms} ms"),
                    None => format!("node {node} paused"),
                };
                self.push_log(Some(*node), Level::Notice, text);
            }
            Action::Resume { node } => {
                if self.status(*node) != Status::Paused {
                    return fail(format!("node {node} is not paused"));
                }
                if let Some(key) = self.nodes[*node as usize].wake.take() {
                    self.queue.remove(&key);
                }
                self.resume(*node);
            }
            Action::Drift { node, rate } => self.set_drift(*node, *rate),
            Action::Partition { groups } => {
                let n = self.cluster.nodes;
                let mut group_of = vec![groups.len(); n as usize];
                for (g, members) in groups.iter().enumerate() {
                    for &id in members {
                        group_of[id as usize] = g;
                    }
                }
                for from in 0..n {
                    for to in 0..n {
                        self.cut[(from * n + to) as usize] = group_of[from as usize] != group_of[to as usize];
                    }
                }
                let text = format!("partition {}", describe_groups(groups, &group_of));
                self.push_log(None, Level::Notice, text);
            }
            Action::Heal => {
                self.cut.fill(false);
                self.push_log(None, Level::Notice, "network healed".to_string());
            }
            Action::Cut { from, to } | Action::Uncut { from, to } => {
                let down = matches!(action, Action::Cut { .. });
                self.cut[(from * self.cluster.nodes + to) as usize] = down;
                let verb = if down { "cut" } else { "restored" };
                self.push_log(None, Level::Notice, format!("link {from}→{to} {verb}"));
            }
            Action::Drop { msg } => {
                let Some(env) = self.in_flight.remove(msg) else {
                    return fail(format!("message {msg} is not in flight"));
                };
                self.unqueue_delivery(&env);
                self.record_loss(&env, LossReason::User);
            }
            Action::Duplicate { msg } => {
                let Some(env) = self.in_flight.get(msg) else {
                    return fail(format!("message {msg} is not in flight"));
                };
                let mut copy = env.clone();
                copy.id = self.next_msg;
                self.next_msg += 1;
                copy.held = false;
                let latency = self.rng.gen_range(self.config.latency_ms[0]..=self.config.latency_ms[1]);
                copy.sent_at = self.now;
                copy.deliver_at = self.now + latency;
                let key = self.next_key(copy.deliver_at);
                self.queue.insert(key, Event::Deliver(copy.id));
                let text = format!("{} {} duplicated as {}", copy.msg.kind(), msg, copy.id);
                self.in_flight.insert(copy.id, copy);
                self.push_log(None, Level::Info, text);
            }
            Action::Delay { msg, by } => {
                let Some(env) = self.in_flight.get(msg) else {
                    return fail(format!("message {msg} is not in flight"));
                };
                if env.held {
                    return fail(format!("message {msg} has arrived and waits for its paused receiver"));
                }
                let env = env.clone();
                self.unqueue_delivery(&env);
                let deliver_at = env.deliver_at + by;
                let key = self.next_key(deliver_at);
                self.queue.insert(key, Event::Deliver(*msg));
                self.in_flight.get_mut(msg).expect("in flight").deliver_at = deliver_at;
                self.push_log(None, Level::Info, format!("{} {} delayed by {by} ms", env.msg.kind(), msg));
            }
            Action::Request { node, cmd } => match self.status(*node) {
                Status::Crashed => {
                    self.push_log(Some(*node), Level::Warn, format!("request {cmd:?} failed: node {node} is down"));
                }
                Status::Paused => {
                    self.nodes[*node as usize].held.push(Held::Request(cmd.clone()));
                    self.push_log(Some(*node), Level::Info, format!("request {cmd:?} waits: node {node} is paused"));
                }
                Status::Up => {
                    self.push_log(Some(*node), Level::Info, format!("client request {cmd:?} to node {node}"));
                    self.run_node(*node, Input::Request { cmd: cmd.clone() });
                }
            },
        }
        self.check(None);
        Ok(())
    }

    fn unqueue_delivery(&mut self, env: &Envelope<P::Msg>) {
        if env.held {
            self.nodes[env.to as usize].held.retain(|h| !matches!(h, Held::Deliver(id) if *id == env.id));
        } else {
            let key =
                self.queue.iter().find(|(_, e)| matches!(e, Event::Deliver(id) if *id == env.id)).map(|(k, _)| *k);
            if let Some(key) = key {
                self.queue.remove(&key);
            }
        }
    }

    fn crash(&mut self, id: NodeId) {
        let n = &mut self.nodes[id as usize];
        let timers: Vec<_> = std::mem::take(&mut n.timers).into_values().map(|t| t.key).collect();
        let wake = n.wake.take();
        n.crash_after = None;
        let held = std::mem::take(&mut n.held);
        n.state = P::new(id, &self.cluster, &self.protocol_config, n.durable.as_ref());
        n.status = Status::Crashed;
        for key in timers.into_iter().chain(wake) {
            self.queue.remove(&key);
        }
        for h in held {
            if let Held::Deliver(mid) = h {
                if let Some(env) = self.in_flight.remove(&mid) {
                    self.record_loss(&env, LossReason::NodeDown);
                }
            }
        }
        self.push_log(Some(id), Level::Notice, format!("node {id} crashed"));
    }

    fn resume(&mut self, id: NodeId) {
        let n = &mut self.nodes[id as usize];
        n.status = Status::Up;
        let held = std::mem::take(&mut n.held);
        self.push_log(Some(id), Level::Notice, format!("node {id} resumed ({} waiting)", held.len()));
        for h in held {
            match h {
                Held::Deliver(mid) => {
                    if let Some(env) = self.in_flight.get_mut(&mid) {
                        env.held = false;
                        env.deliver_at = self.now;
                        let key = self.next_key(self.now);
                        self.queue.insert(key, Event::Deliver(mid));
                    }
                }
                Held::Timer(timer) => {
                    let key = self.next_key(self.now);
                    let set_at = self.now;
                    if let Some(old) = self.nodes[id as usize].timers.insert(timer, ArmedTimer { key, set_at }) {
                        self.queue.remove(&old.key);
                    }
                    self.queue.insert(key, Event::Timer { node: id, timer });
                }
                Held::Request(cmd) => {
                    if self.nodes[id as usize].status == Status::Up {
                        self.run_node(id, Input::Request { cmd });
                    }
                }
            }
        }
    }

    fn set_drift(&mut self, id: NodeId, rate: f64) {
        let now = self.now;
        let n = &mut self.nodes[id as usize];
        let local_now = n.clock.local(now);
        let old_rate = n.clock.rate;
        n.clock = Clock { rate, base_global: now, base_local: local_now };
        // A timer is a local duration: what remains of it now runs on the new clock.
        let rearm: Vec<(P::Timer, ArmedTimer)> = std::mem::take(&mut n.timers).into_iter().collect();
        for (timer, armed) in rearm {
            self.queue.remove(&armed.key);
            let remaining_local = ((armed.key.0.saturating_sub(now)) as f64 * old_rate).round() as Tick;
            self.arm_timer(id, timer, remaining_local);
            self.nodes[id as usize].timers.get_mut(&timer).expect("armed").set_at = armed.set_at;
        }
        self.push_log(Some(id), Level::Notice, format!("node {id} clock now runs at {rate}× real time"));
    }
}

fn describe_groups(groups: &[Vec<NodeId>], group_of: &[usize]) -> String {
    let mut parts: Vec<String> = groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| format!("{{{}}}", g.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",")))
        .collect();
    let rest: Vec<String> =
        (0..group_of.len()).filter(|&i| group_of[i] == groups.len()).map(|i| i.to_string()).collect();
    if !rest.is_empty() {
        parts.push(format!("{{{}}}", rest.join(",")));
    }
    parts.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recycled_buffer_keeps_its_allocation() {
        let values = [1u32, 2, 3];
        let mut refs: Vec<&u32> = Vec::with_capacity(8);
        refs.extend(values.iter());
        refs.clear();
        let kept: Vec<&'static u32> = recycle(refs);
        assert!(kept.capacity() >= 8, "the check allocates per step again: {}", kept.capacity());
    }

    #[test]
    fn clock_drift_arithmetic() {
        let c = Clock { rate: 0.5, base_global: 100, base_local: 100 };
        assert_eq!(c.local(300), 200);
        assert_eq!(c.global_delay(50), 100);
        let c = Clock { rate: 2.0, base_global: 0, base_local: 0 };
        assert_eq!(c.local(10), 20);
        assert_eq!(c.global_delay(5), 3);
        assert_eq!(Clock::exact().global_delay(0), 1);
    }

    /// A lease believed on a drifting clock, in world time: the inverse of
    /// `local`, extrapolated at the current rate before the last change.
    #[test]
    fn local_times_convert_back_to_world_time() {
        let c = Clock { rate: 0.5, base_global: 100, base_local: 100 };
        assert_eq!(c.global(200), 300);
        assert_eq!(c.local(c.global(180)), 180);
        assert_eq!(c.global(60), 20, "before the rate changed");
        assert_eq!(c.global(0), 0, "never before the world began");
        let c = Clock { rate: 2.0, base_global: 10, base_local: 30 };
        assert_eq!(c.global(35), 13);
        assert_eq!(Clock::exact().global(42), 42);
    }
}
