//! The part of a world that does not depend on its protocol: the clock, the
//! event queue, the random stream, the links, each node's liveness and local
//! clock, the event log, the lost messages and the violations.
//!
//! [`World`](crate::World) is generic over the protocol, and the app holds one
//! copy of its code per algorithm; everything here is compiled once. The
//! generic world keeps only what names the protocol's types (node states and
//! what they persisted, the messages' payloads, armed timers, what waits for a
//! paused node) and calls in here for the rest, without indirection: `Base`
//! is a plain field of the world and its methods are ordinary calls.

use crate::action::{Action, MsgId};
use crate::config::SimConfig;
use crate::event_log::EventLog;
use crate::journal::{Handled, Happening};
use crate::record::{FirstViolation, LogEntry};
use crate::sorted::SortedMap;
use crate::world::{LossReason, Lost};
use protocol::{line, ClientOp, Cluster, Level, NodeId, Status, Tick, Violation};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// Most messages in flight at once; a send beyond it is lost ("network full").
pub const MAX_IN_FLIGHT: usize = 100_000;
/// Recently lost messages kept for the canvas.
pub const DROPS_CAPACITY: usize = 256;

/// Room made per node, when a world is built, in the queues that grow with
/// the traffic (events queued, messages in flight), so that a run does not
/// spend its first steps growing them from nothing: with single-decree
/// Paxos, whose runs are over in about 25 events, making this room (and
/// the event log's) cut 5% of the simulator's instructions. Eight per node
/// holds a broadcast round from every node with room to spare.
pub(crate) const ROOM_PER_NODE: usize = 8;

/// A queue key: the event's time, then the order it was queued in.
pub(crate) type Key = (Tick, u64);

/// A queued event. A timer event names only its node: the timer that fires
/// is the node's armed timer with the event's key, so the queue's type does
/// not depend on the protocol's timers.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    Deliver(MsgId),
    Timer { node: NodeId },
    Resume { node: NodeId },
}

/// A node's local clock. It runs at `rate` times real time from the moment
/// `(base_global, base_local)` on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    pub rate: f64,
    base_global: Tick,
    base_local: Tick,
}

impl Clock {
    pub fn exact() -> Self {
        Self { rate: 1.0, base_global: 0, base_local: 0 }
    }
    pub fn local(&self, global: Tick) -> Tick {
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
    pub fn global(&self, local: Tick) -> Tick {
        let convert = |d: Tick| if self.rate == 1.0 { d } else { (d as f64 / self.rate).ceil() as Tick };
        if local >= self.base_local {
            self.base_global + convert(local - self.base_local)
        } else {
            self.base_global.saturating_sub(convert(self.base_local - local))
        }
    }
    /// Real ticks until `local` ticks have passed on this clock (at least 1).
    pub fn global_delay(&self, local: Tick) -> Tick {
        let d = if self.rate == 1.0 { local } else { (local as f64 / self.rate).ceil() as Tick };
        d.max(1)
    }
}

/// What the world knows of a node apart from its protocol state. `Copy`,
/// so that the model checker's copy of a world's node table is a `memcpy`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeMeta {
    pub status: Status,
    pub clock: Clock,
    /// Queue key of the scheduled end of a `pause ... for`.
    pub wake: Option<Key>,
    /// A `crash-mid-step` waiting for the node's next step: crash after
    /// carrying out this many of its commands.
    pub crash_after: Option<u32>,
}

/// The world apart from its protocol (see the module's documentation).
#[derive(Debug)]
pub(crate) struct Base {
    pub cluster: Cluster,
    pub config: SimConfig,
    rng: ChaCha8Rng,
    pub now: Tick,
    pub steps: u64,
    seq: u64,
    next_msg: MsgId,
    pub queue: SortedMap<Key, Event>,
    pub nodes: Vec<NodeMeta>,
    /// Bit `from * n + to` (word `i / 64`, bit `i % 64`): the link from
    /// `from` to `to` is down. Packed, so that a model checker's
    /// fingerprint hashes a state's cut links as one word for up to eight
    /// nodes rather than packing `n * n` flags for every state.
    cut: Vec<u64>,
    /// The violation found by the latest check, if any.
    pub violation: Option<Violation>,
    pub first_violation: Option<FirstViolation>,
    pub log: EventLog,
    pub lost: VecDeque<Lost>,
    /// What the current step did (cleared when the next one starts), kept
    /// only when `journaling` (a replay for an export): otherwise a run
    /// pays one branch for it.
    pub journal: Vec<Happening>,
    pub journaling: bool,
    /// Send order per link, on a reliable network (see [`crate::network`]).
    pub links: crate::network::Links,
    /// The queued event a `deliver` or `fire` action put first: the next
    /// step processes it, whatever its time (see [`Base::pop`]).
    pub forced: Option<Key>,
    /// Whether the event log, the lost messages and the last event are
    /// kept: a model checker's worlds keep none (they only record what
    /// happened, and copying them with every state would dominate its time).
    pub recording: bool,
    /// The groups of interchangeable nodes whose renamings the world's
    /// fingerprint merges, when symmetry reduction is on (see
    /// `world/symmetry.rs`); shared by every copy of the world.
    pub symmetry: Option<std::sync::Arc<[Vec<NodeId>]>>,
}

/// `clone_from` copies into the buffers the target already has: a model
/// checker makes each successor in the world it dropped last (most
/// successors are states seen before), so its queue, node table and links
/// are not allocated again for every state.
impl Clone for Base {
    fn clone(&self) -> Self {
        Self {
            cluster: self.cluster.clone(),
            config: self.config.clone(),
            rng: self.rng.clone(),
            now: self.now,
            steps: self.steps,
            seq: self.seq,
            next_msg: self.next_msg,
            queue: self.queue.clone(),
            nodes: self.nodes.clone(),
            cut: self.cut.clone(),
            violation: self.violation.clone(),
            first_violation: self.first_violation.clone(),
            log: self.log.clone(),
            lost: self.lost.clone(),
            journal: self.journal.clone(),
            journaling: self.journaling,
            links: self.links.clone(),
            forced: self.forced,
            recording: self.recording,
            symmetry: self.symmetry.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        // Every field by name, so that a new one cannot be forgotten.
        let Self {
            cluster,
            config,
            rng,
            now,
            steps,
            seq,
            next_msg,
            queue,
            nodes,
            cut,
            violation,
            first_violation,
            log,
            lost,
            journal,
            journaling,
            links,
            forced,
            recording,
            symmetry,
        } = self;
        cluster.clone_from(&source.cluster);
        config.clone_from(&source.config);
        rng.clone_from(&source.rng);
        *now = source.now;
        *steps = source.steps;
        *seq = source.seq;
        *next_msg = source.next_msg;
        queue.clone_from(&source.queue);
        nodes.clone_from(&source.nodes);
        cut.clone_from(&source.cut);
        violation.clone_from(&source.violation);
        first_violation.clone_from(&source.first_violation);
        // Empty in a model checker's worlds, which record nothing (and the
        // links, on any network but the reliable one): a copy of an empty
        // buffer into an empty one still cleared and extended it, and
        // these copies were 2.5% of a check's instructions. The log and
        // the links skip it themselves; here the standard buffers.
        log.clone_from(&source.log);
        if !(lost.is_empty() && source.lost.is_empty()) {
            lost.clone_from(&source.lost);
        }
        if !(journal.is_empty() && source.journal.is_empty()) {
            journal.clone_from(&source.journal);
        }
        *journaling = source.journaling;
        links.clone_from(&source.links);
        *forced = source.forced;
        *recording = source.recording;
        symmetry.clone_from(&source.symmetry);
    }
}

impl Base {
    /// Time 0, every node up on an exact clock, nothing queued.
    pub fn new(config: SimConfig, seed: u64) -> Self {
        let n = config.nodes as usize;
        let meta = NodeMeta { status: Status::Up, clock: Clock::exact(), wake: None, crash_after: None };
        Self {
            cluster: Cluster { nodes: config.nodes },
            config,
            rng: ChaCha8Rng::seed_from_u64(seed),
            now: 0,
            steps: 0,
            seq: 0,
            next_msg: 0,
            queue: SortedMap::with_capacity(ROOM_PER_NODE * n),
            nodes: vec![meta; n],
            cut: vec![0; (n * n).div_ceil(64)],
            violation: None,
            first_violation: None,
            log: EventLog::default(),
            lost: VecDeque::new(),
            journal: Vec::new(),
            journaling: false,
            links: crate::network::Links::default(),
            forced: None,
            recording: true,
            symmetry: None,
        }
    }

    pub fn status(&self, id: NodeId) -> Status {
        self.nodes[id as usize].status
    }

    /// Every link's state as bits, 64 to a word: bit `from * nodes + to`
    /// set when that link is cut.
    pub fn cuts(&self) -> &[u64] {
        &self.cut
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        let (word, bit) = self.cut_bit(from, to);
        self.cut[word] & bit != 0
    }

    fn set_cut(&mut self, from: NodeId, to: NodeId, down: bool) {
        let (word, bit) = self.cut_bit(from, to);
        if down {
            self.cut[word] |= bit;
        } else {
            self.cut[word] &= !bit;
        }
    }

    /// Link `from → to`'s word in [`Base::cuts`] and its bit there.
    fn cut_bit(&self, from: NodeId, to: NodeId) -> (usize, u64) {
        let i = (from * self.cluster.nodes + to) as usize;
        (i / 64, 1 << (i % 64))
    }

    /// The cut links as [`Base::cuts`] lists them (from by to) once the
    /// nodes are renamed by the permutation whose inverse is `back`.
    pub(crate) fn cuts_renamed(&self, back: &protocol::Renaming) -> Vec<u64> {
        let n = self.cluster.nodes;
        let mut words = vec![0u64; self.cut.len()];
        for (from, to) in (0..n).flat_map(|from| (0..n).map(move |to| (from, to))) {
            if self.is_cut(back.id(from), back.id(to)) {
                let (word, bit) = self.cut_bit(from, to);
                words[word] |= bit;
            }
        }
        words
    }

    /// Move node `i`'s liveness, clock, links and queued timer and resume
    /// events to node `renaming.id(i)` (a permutation), for
    /// [`World::renamed`](crate::World::renamed).
    pub(crate) fn rename_nodes(&mut self, renaming: &protocol::Renaming) {
        let n = self.cluster.nodes;
        let back = renaming.inverse();
        self.nodes = (0..n).map(|slot| self.nodes[back.id(slot) as usize]).collect();
        self.cut = self.cuts_renamed(&back);
        for event in self.queue.values_mut() {
            match event {
                Event::Timer { node } | Event::Resume { node } => *node = renaming.id(*node),
                Event::Deliver(_) => {}
            }
        }
    }

    // ---- the queue -----------------------------------------------------

    /// Take the earliest event and move the clock to it; one more step.
    ///
    /// An event put first by a `deliver` or `fire` action goes before the
    /// others (if it is still queued). Time never runs backwards: the clock
    /// moves to the event's time if that is later, and an event due earlier
    /// (passed over by a forced one) happens now, late.
    pub fn pop(&mut self) -> Option<(Key, Event)> {
        let forced = self.forced.take().and_then(|key| self.queue.remove_entry(&key));
        let (key, event) = match forced {
            Some(entry) => entry,
            None => self.queue.pop_first()?,
        };
        self.now = self.now.max(key.0);
        self.steps += 1;
        Some((key, event))
    }

    /// Queue `event` at time `at`, after everything queued for `at` so far.
    pub fn schedule(&mut self, at: Tick, event: Event) -> Key {
        self.seq += 1;
        let key = (at, self.seq);
        self.queue.insert(key, event);
        key
    }

    pub fn unschedule(&mut self, key: Key) {
        self.queue.remove(&key);
    }

    /// The queue key of message `id`'s delivery, if it is queued.
    pub fn queued_delivery(&self, id: MsgId) -> Option<Key> {
        self.queue.iter().find(|(_, e)| matches!(e, Event::Deliver(m) if *m == id)).map(|(k, _)| *k)
    }

    /// When the next step happens: the forced event's time (or now, if that
    /// has passed), else the earliest queued.
    pub fn next_event_time(&self) -> Option<Tick> {
        match self.forced.filter(|key| self.queue.contains_key(key)) {
            Some((at, _)) => Some(at.max(self.now)),
            None => self.queue.first_key().map(|&(t, _)| t.max(self.now)),
        }
    }

    /// Take message `id`'s delivery off the queue.
    pub fn unqueue_delivery(&mut self, id: MsgId) {
        let key = self.queued_delivery(id);
        if let Some(key) = key {
            self.queue.remove(&key);
        }
    }

    // ---- the network's draws, in the order a send makes them --------------

    pub fn next_msg_id(&mut self) -> MsgId {
        let id = self.next_msg;
        self.next_msg += 1;
        id
    }

    /// How many copies of a sent message go on the wire (a duplicate is
    /// drawn only when duplication is on).
    pub fn copies(&mut self) -> u32 {
        if self.config.dup > 0.0 && self.rng.gen_bool(self.config.dup) {
            2
        } else {
            1
        }
    }

    /// One message's latency.
    pub fn latency(&mut self) -> Tick {
        self.rng.gen_range(self.config.latency_ms[0]..=self.config.latency_ms[1])
    }

    /// How long an at-least-once network waits before it delivers a lost
    /// message again: one to four of the longest latencies.
    pub fn redelivery(&mut self) -> Tick {
        let max = self.config.latency_ms[1];
        self.rng.gen_range(max..=4 * max)
    }

    /// Whether the network loses this copy at random (drawn only when loss
    /// is on).
    pub fn lost_at_random(&mut self) -> bool {
        self.config.drop > 0.0 && self.rng.gen_bool(self.config.drop)
    }

    /// Whether the network's queue is full (`in_flight` messages).
    pub fn full(&self, in_flight: usize) -> bool {
        in_flight >= MAX_IN_FLIGHT
    }

    /// A timer's delay in local ticks, drawn from `min..=max`.
    pub fn timer_delay(&mut self, min: Tick, max: Tick) -> Tick {
        if min >= max {
            min
        } else {
            self.rng.gen_range(min..=max)
        }
    }

    /// Whether a copy from `from` to `to` is lost as it is sent, and why
    /// (a loss is drawn only when the link is up and loss is on).
    pub fn loss_on_send(&mut self, from: NodeId, to: NodeId, in_flight: usize) -> Option<LossReason> {
        if self.is_cut(from, to) {
            Some(LossReason::LinkCut)
        } else if self.config.drop > 0.0 && self.rng.gen_bool(self.config.drop) {
            Some(LossReason::Network)
        } else if in_flight >= MAX_IN_FLIGHT {
            Some(LossReason::Full)
        } else {
            None
        }
    }

    // ---- records -----------------------------------------------------------

    /// A new step begins: forget what the last one did.
    #[inline]
    pub fn new_step(&mut self) {
        if self.journaling {
            self.journal.clear();
        }
    }

    /// Record `happening` in the journal, if it is kept.
    #[inline]
    pub fn note(&mut self, happening: Happening) {
        if self.journaling {
            self.journal.push(happening);
        }
    }

    /// `node` handles `input` (journal; compiled once, not per protocol).
    pub fn ran(&mut self, node: NodeId, input: Handled) {
        self.note(Happening::Ran { node, input });
    }

    /// `node` reported these client operations.
    pub fn reported(&mut self, node: NodeId, ops: std::vec::Drain<'_, ClientOp>) {
        if self.journaling {
            self.journal.extend(ops.map(|op| Happening::Op { node, op }));
        }
    }

    pub fn push_log(&mut self, node: Option<NodeId>, level: Level, text: String) {
        if !self.recording {
            return;
        }
        if self.journaling && level != Level::Info {
            if let Some(node) = node {
                self.journal.push(Happening::Noted { node, level, text: text.clone() });
            }
        }
        self.log.push(LogEntry { step: self.steps, time: self.now, node, level, text });
    }

    /// Keep a lost message for the canvas; a loss that is not the network's
    /// own also goes to the log.
    pub fn lose(&mut self, lost: Lost) {
        if !self.recording {
            return;
        }
        if self.lost.len() == DROPS_CAPACITY {
            self.lost.pop_front();
        }
        self.note(Happening::Lost { msg: lost.id, reason: lost.reason });
        let text = (lost.reason != LossReason::Network)
            .then(|| line(format_args!("{} {} {}→{} {}", lost.kind, lost.id, lost.from, lost.to, lost.reason.text())));
        self.lost.push_back(lost);
        if let Some(text) = text {
            self.push_log(None, Level::Info, text);
        }
    }

    /// Keep the latest check's result; the first violation is also logged.
    pub fn record_check(&mut self, violation: Option<Violation>) {
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

    // ---- actions -------------------------------------------------------

    /// Why `action` cannot be applied to its node as it is now, if it
    /// cannot (a message action is judged by the world, which holds them).
    pub fn refusal(&self, action: &Action) -> Option<String> {
        let (node, wanted, reason) = match action {
            Action::Crash { node } | Action::CrashMidStep { node, .. } => {
                return (self.status(*node) == Status::Crashed).then(|| format!("node {node} is already down"));
            }
            Action::Restart { node } => (node, Status::Crashed, "is not down"),
            Action::Pause { node, .. } => (node, Status::Up, "is not running"),
            Action::Resume { node } => (node, Status::Paused, "is not paused"),
            Action::Drop { .. } => return self.config.network.refuses("drop"),
            Action::Duplicate { .. } => return self.config.network.refuses("duplicate"),
            _ => return None,
        };
        (self.status(*node) != wanted).then(|| format!("node {node} {reason}"))
    }

    /// Apply an action that only concerns the world's own state (links,
    /// pauses, a pending mid-step crash); `false` for any other action,
    /// which the world applies. The action is valid and not refused.
    pub fn apply(&mut self, action: &Action) -> bool {
        match action {
            Action::CrashMidStep { node, after } => {
                self.nodes[*node as usize].crash_after = Some(*after);
                let text = format!("node {node} will crash during its next step, after {after} of its commands");
                self.push_log(Some(*node), Level::Notice, text);
            }
            Action::Pause { node, for_ms } => {
                self.nodes[*node as usize].status = Status::Paused;
                self.note(Happening::Paused { node: *node });
                if let Some(ms) = for_ms {
                    let key = self.schedule(self.now + ms, Event::Resume { node: *node });
                    self.nodes[*node as usize].wake = Some(key);
                }
                let text = match for_ms {
                    Some(ms) => format!("node {node} paused for {ms} ms"),
                    None => format!("node {node} paused"),
                };
                self.push_log(Some(*node), Level::Notice, text);
            }
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
                        self.set_cut(from, to, group_of[from as usize] != group_of[to as usize]);
                    }
                }
                let text = format!("partition {}", describe_groups(groups, &group_of));
                self.push_log(None, Level::Notice, text);
            }
            Action::Heal => {
                self.cut.fill(0);
                self.push_log(None, Level::Notice, "network healed".to_string());
            }
            Action::Cut { from, to } | Action::Uncut { from, to } => {
                let down = matches!(action, Action::Cut { .. });
                self.set_cut(*from, *to, down);
                let verb = if down { "cut" } else { "restored" };
                self.push_log(None, Level::Notice, format!("link {from}→{to} {verb}"));
            }
            _ => return false,
        }
        true
    }

    /// A crashed node's liveness: down, no pending mid-step crash, no
    /// scheduled wake-up; logged.
    pub fn crashed(&mut self, id: NodeId) {
        let meta = &mut self.nodes[id as usize];
        meta.status = Status::Crashed;
        meta.crash_after = None;
        if let Some(key) = meta.wake.take() {
            self.queue.remove(&key);
        }
        self.note(Happening::Crashed { node: id });
        self.push_log(Some(id), Level::Notice, format!("node {id} crashed"));
    }

    /// The end of a step cut short by a `crash-mid-step`.
    pub fn log_crash_mid_step(&mut self, id: NodeId, carried: usize, total: usize) {
        let text = format!("node {id} crashed in the middle of a step, after {carried} of its {total} commands");
        self.push_log(Some(id), Level::Warn, text);
    }

    pub fn restarted(&mut self, id: NodeId) {
        self.nodes[id as usize].status = Status::Up;
        self.push_log(Some(id), Level::Notice, format!("node {id} restarted"));
    }

    /// Wake a paused node that has `waiting` inputs held for it; the user's
    /// `resume` also cancels a scheduled wake-up.
    pub fn resumed(&mut self, id: NodeId, waiting: usize) {
        self.nodes[id as usize].status = Status::Up;
        self.note(Happening::Resumed { node: id });
        self.push_log(Some(id), Level::Notice, format!("node {id} resumed ({waiting} waiting)"));
    }

    pub fn cancel_wake(&mut self, id: NodeId) {
        if let Some(key) = self.nodes[id as usize].wake.take() {
            self.queue.remove(&key);
        }
    }

    /// Set a node's clock rate from now on; returns the old rate.
    pub fn set_rate(&mut self, id: NodeId, rate: f64) -> f64 {
        let now = self.now;
        let clock = &mut self.nodes[id as usize].clock;
        let old_rate = clock.rate;
        *clock = Clock { rate, base_global: now, base_local: clock.local(now) };
        old_rate
    }

    pub fn log_drift(&mut self, id: NodeId, rate: f64) {
        self.push_log(Some(id), Level::Notice, format!("node {id} clock now runs at {rate}× real time"));
    }

    /// Log a client request to `node` as its status takes it; returns that
    /// status (a node that is up runs it, a paused one keeps it).
    pub fn log_request(&mut self, node: NodeId, cmd: &str) -> Status {
        let status = self.status(node);
        // A model checker's requests are many: no text for a log not kept.
        if !self.recording {
            return status;
        }
        let (level, text) = match status {
            Status::Crashed => (Level::Warn, line(format_args!("request {cmd:?} failed: node {node} is down"))),
            Status::Paused => (Level::Info, line(format_args!("request {cmd:?} waits: node {node} is paused"))),
            Status::Up => (Level::Info, line(format_args!("client request {cmd:?} to node {node}"))),
        };
        self.push_log(Some(node), level, text);
        status
    }

    pub fn log_duplicate(&mut self, kind: &str, msg: MsgId, copy: MsgId) {
        self.push_log(None, Level::Info, format!("{kind} {msg} duplicated as {copy}"));
    }

    pub fn log_delay(&mut self, kind: &str, msg: MsgId, by: Tick) {
        self.push_log(None, Level::Info, format!("{kind} {msg} delayed by {by} ms"));
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
