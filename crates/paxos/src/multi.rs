//! Multi-Paxos with a distinguished leader, as in "Paxos Made Simple" §3.
//!
//! A proposer that hears no leader for a while runs phase 1 once, for every
//! slot from the first it does not know to be chosen on. With promises from
//! a majority it becomes the leader: it re-proposes, in each open slot, the
//! value of the highest-numbered proposal the acceptors reported (or the
//! value it knows was chosen there), fills gaps with no-ops, and then runs
//! only phase 2 for each new client command, one slot each. Learners count
//! acceptances per slot; replicas apply chosen commands in slot order. The
//! leader's heartbeats keep other proposers quiet, carry how many slots are
//! chosen (so a lagging learner asks to catch up) and retry lost accepts.

use crate::ballot::Ballot;
use crate::clients::Clients;
use crate::config::PaxosConfig;
use crate::message::{Chosen, Msg, SlotValue, Value, NO_OP};
use crate::observe::Observable;
use crate::roles::Roles;
use crate::slots::Slots;
use crate::view::PaxosView;
use crate::{Durable, PaxosTimer};
use protocol::flat::FlatMap;
use protocol::{ClientOp, Cluster, Input, Level, Look, NodeId, NodeRef, Out, Panel, Picture, Protocol, Tick};

/// Client commands a candidate holds until it leads.
const MAX_QUEUED: usize = 64;
/// Chosen values sent in one catch-up reply.
const MAX_DECIDED: usize = 32;

/// A proposer's part in leadership.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Lead {
    Follower,
    /// Running phase 1 for every slot from `from_slot` on.
    Candidate {
        ballot: Ballot,
        from_slot: u64,
        promises: FlatMap<NodeId, Vec<SlotValue>>,
    },
    /// Phase 1 done: one phase-2 round per slot. `pending` maps each open
    /// slot to its value and the heartbeats it has waited.
    Leader {
        ballot: Ballot,
        next_slot: u64,
        pending: FlatMap<u64, (Value, u32)>,
    },
}

/// One replica of Multi-Paxos.
#[derive(Debug, Hash)]
pub struct MultiPaxos {
    roles: Roles,
    /// The highest ballot seen from a leader or a promise.
    max_seen: Option<Ballot>,
    /// The leader this node believes in, for redirecting clients.
    leader: Option<NodeId>,
    lead: Lead,
    /// Client commands held until phase 1 ends, with their operations.
    queue: Vec<(Value, ClientOp)>,
    /// The clients' operations this replica reported and has not completed.
    clients: Clients,
}

impl Clone for MultiPaxos {
    fn clone(&self) -> Self {
        Self {
            roles: self.roles.clone(),
            max_seen: self.max_seen,
            leader: self.leader,
            lead: self.lead.clone(),
            queue: self.queue.clone(),
            clients: self.clients.clone(),
        }
    }

    /// Into this replica's allocations, as `Paxos`'s `clone_from` does.
    fn clone_from(&mut self, source: &Self) {
        let Self { roles, max_seen, leader, lead, queue, clients } = self;
        roles.clone_from(&source.roles);
        *max_seen = source.max_seen;
        *leader = source.leader;
        match (lead, &source.lead) {
            (
                Lead::Candidate { ballot, from_slot, promises },
                Lead::Candidate { ballot: b, from_slot: f, promises: p },
            ) => {
                (*ballot, *from_slot) = (*b, *f);
                promises.clone_from(p);
            }
            (Lead::Leader { ballot, next_slot, pending }, Lead::Leader { ballot: b, next_slot: n, pending: p }) => {
                (*ballot, *next_slot) = (*b, *n);
                pending.clone_from(p);
            }
            (lead, source) => *lead = source.clone(),
        }
        queue.clone_from(&source.queue);
        clients.clone_from(&source.clients);
    }
}

type MultiOut = Out<Msg, PaxosTimer, Durable>;

impl MultiPaxos {
    /// What a `Persist` saves: the acceptor's promise and acceptances.
    pub fn durable(&self) -> Durable {
        self.roles.durable()
    }

    pub fn lead(&self) -> &Lead {
        &self.lead
    }
    pub fn is_leader(&self) -> bool {
        matches!(self.lead, Lead::Leader { .. })
    }
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    pub fn chosen(&self) -> &Slots<Value> {
        &self.roles.learner.chosen
    }
    /// Client requests proposed or held, waiting to learn their fate.
    pub fn client_ops_waiting(&self) -> usize {
        self.clients.waiting() + self.queue.len()
    }
    /// Slots applied to the state machine, in order.
    pub fn applied(&self) -> u64 {
        self.roles.learner.first_unchosen()
    }

    fn ballot(&self) -> Option<Ballot> {
        match &self.lead {
            Lead::Candidate { ballot, .. } | Lead::Leader { ballot, .. } => Some(*ballot),
            Lead::Follower => None,
        }
    }

    fn arm_leader_timeout(&self, out: &mut MultiOut) {
        let [lo, hi] = self.roles.config.leader_timeout_ms;
        out.set_timer(PaxosTimer::LeaderTimeout, lo, hi);
    }

    fn see(&mut self, ballot: Ballot) {
        self.roles.round = self.roles.round.max(ballot.round());
        self.max_seen = self.max_seen.max(Some(ballot));
    }

    /// Phase 1a for all slots from the first one not known to be chosen.
    fn campaign(&mut self, out: &mut MultiOut) {
        self.roles.round += 1;
        let ballot = Ballot(self.roles.round, self.roles.id);
        self.see(ballot);
        out.persist(self.roles.durable());
        let from_slot = self.roles.learner.first_unchosen();
        self.lead = Lead::Candidate { ballot, from_slot, promises: FlatMap::new() };
        self.leader = None;
        out.emit(
            Level::Info,
            format_args!("node {} runs phase 1 with ballot {ballot} from slot {from_slot}", self.roles.id),
        );
        for &a in self.roles.acceptors.iter() {
            out.send(a, Msg::Prepare { ballot, from_slot });
        }
        self.arm_leader_timeout(out);
    }

    fn step_down(&mut self, out: &mut MultiOut) {
        if self.ballot().is_some() {
            out.cancel_timer(PaxosTimer::Heartbeat);
            out.emit(Level::Notice, format_args!("node {} stops leading", self.roles.id));
        }
        self.lead = Lead::Follower;
        if self.roles.proposer {
            self.arm_leader_timeout(out);
        }
    }

    fn on_promise(&mut self, from: NodeId, ballot: Ballot, accepted: Vec<SlotValue>, out: &mut MultiOut) {
        let Lead::Candidate { ballot: mine, promises, .. } = &mut self.lead else { return };
        if *mine != ballot {
            return;
        }
        promises.insert(from, accepted);
        if promises.len() >= self.roles.quorum {
            self.become_leader(out);
        }
    }

    fn become_leader(&mut self, out: &mut MultiOut) {
        let Lead::Candidate { ballot, from_slot, promises } = std::mem::replace(&mut self.lead, Lead::Follower) else {
            unreachable!("only a candidate becomes leader")
        };
        // Per open slot, the highest-numbered proposal any promise reported.
        let mut reported: FlatMap<u64, SlotValue> = FlatMap::new();
        for sv in promises.into_values().flatten() {
            if reported.get(&sv.slot).is_none_or(|r| r.ballot < sv.ballot) {
                reported.insert(sv.slot, sv);
            }
        }
        let last =
            reported.keys().copied().chain(self.roles.learner.chosen.last_key().filter(|&s| s >= from_slot)).max();
        let mut pending = FlatMap::new();
        if let Some(last) = last {
            // Slots learned meanwhile (even during phase 1) need no proposal:
            // learners that missed them catch up from the heartbeats.
            for slot in (from_slot..=last).filter(|s| !self.roles.learner.chosen.contains_key(*s)) {
                let value: Value = match reported.get(&slot) {
                    Some(r) if !self.roles.ignores_reported_values() => r.value.clone(),
                    _ => NO_OP.into(),
                };
                pending.insert(slot, (value, 0));
            }
        }
        let next_slot = last.map_or(from_slot, |l| l + 1);
        let (id, open) = (self.roles.id, pending.len());
        match open {
            0 => out.emit(Level::Notice, format_args!("node {id} leads with ballot {ballot}; no open slot")),
            1 => out.emit(Level::Notice, format_args!("node {id} leads with ballot {ballot}; re-proposes 1 open slot")),
            _ => out.emit(
                Level::Notice,
                format_args!("node {id} leads with ballot {ballot}; re-proposes {open} open slots"),
            ),
        }
        for (&slot, (value, _)) in &pending {
            for &a in self.roles.acceptors.iter() {
                out.send(a, Msg::Accept { ballot, slot, value: value.clone() });
            }
        }
        self.lead = Lead::Leader { ballot, next_slot, pending };
        self.leader = Some(self.roles.id);
        out.cancel_timer(PaxosTimer::LeaderTimeout);
        self.heartbeat(out);
        for (value, op) in std::mem::take(&mut self.queue) {
            self.propose(value, op, out);
        }
    }

    /// Phase 2a for a client command in the next free slot; its operation
    /// waits for that slot.
    fn propose(&mut self, value: Value, op: ClientOp, out: &mut MultiOut) {
        let Lead::Leader { ballot, next_slot, pending } = &mut self.lead else {
            self.clients.reject(&op, out);
            return;
        };
        let slot = *next_slot;
        *next_slot += 1;
        self.roles.proposals.record((slot, value.clone()));
        let value = self.roles.own_proposal(value);
        pending.insert(slot, (value.clone(), 0));
        out.emit(Level::Info, format_args!("leader {} proposes {value:?} for slot {slot}", self.roles.id));
        for &a in self.roles.acceptors.iter() {
            out.send(a, Msg::Accept { ballot: *ballot, slot, value: value.clone() });
        }
        self.clients.proposed(op, slot, value, out);
    }

    fn heartbeat(&mut self, out: &mut MultiOut) {
        let chosen_upto = self.roles.learner.first_unchosen();
        let Lead::Leader { ballot, pending, .. } = &mut self.lead else { return };
        pending.retain(|slot, _| !self.roles.learner.chosen.contains_key(*slot));
        for peer in (0..self.roles.nodes).filter(|&n| n != self.roles.id) {
            out.send(peer, Msg::Heartbeat { ballot: *ballot, chosen_upto });
        }
        // Retry accepts that have waited two heartbeats: they or their answers were lost.
        for (&slot, (value, age)) in pending.iter_mut() {
            *age += 1;
            if *age >= 3 {
                *age = 1;
                for &a in self.roles.acceptors.iter() {
                    out.send(a, Msg::Accept { ballot: *ballot, slot, value: value.clone() });
                }
            }
        }
        out.set_timer(PaxosTimer::Heartbeat, self.roles.config.heartbeat_ms, self.roles.config.heartbeat_ms);
    }

    fn on_heartbeat(&mut self, from: NodeId, ballot: Ballot, chosen_upto: u64, out: &mut MultiOut) {
        if Some(ballot) < self.max_seen {
            return; // a deposed leader
        }
        self.see(ballot);
        self.leader = Some(from);
        if self.ballot().is_some_and(|mine| mine < ballot) {
            self.step_down(out);
        } else if self.roles.proposer {
            self.arm_leader_timeout(out);
        }
        let have = self.roles.learner.first_unchosen();
        if have < chosen_upto {
            out.send(from, Msg::CatchUp { from_slot: have });
        }
    }

    /// A value was just learned for `slot`; `applied_before` is what was
    /// applied before it.
    fn learned(&mut self, slot: u64, value: Value, applied_before: u64, out: &mut MultiOut) {
        out.persist(self.roles.durable());
        if let Lead::Leader { pending, .. } = &mut self.lead {
            pending.remove(&slot);
        }
        self.clients.learned(slot, &value, out);
        let applied = self.roles.learner.first_unchosen();
        if applied > applied_before {
            out.emit(
                Level::Info,
                format_args!(
                    "node {} learns slot {slot} = {value:?}; applied through slot {}",
                    self.roles.id,
                    applied - 1
                ),
            );
        } else {
            out.emit(
                Level::Info,
                format_args!("node {} learns slot {slot} = {value:?} (waits for earlier slots)", self.roles.id),
            );
        }
    }

    fn on_request(&mut self, cmd: String, out: &mut MultiOut) {
        let value: Value = cmd.as_str().into();
        let op = self.clients.invoke(&cmd, out);
        match (&self.lead, self.leader) {
            (Lead::Leader { .. }, _) => {
                self.propose(value, op, out);
            }
            (Lead::Candidate { .. }, _) if self.queue.len() < MAX_QUEUED => {
                out.emit(Level::Info, format_args!("node {} holds {cmd:?} until phase 1 ends", self.roles.id));
                self.queue.push((value, op));
            }
            (_, Some(leader)) if leader != self.roles.id => {
                out.emit(
                    Level::Warn,
                    format_args!("node {} is not the leader; {cmd:?} should go to node {leader}", self.roles.id),
                );
                self.clients.reject(&op, out);
            }
            _ => {
                out.emit(Level::Warn, format_args!("node {} knows no leader; {cmd:?} dropped", self.roles.id));
                self.clients.reject(&op, out);
            }
        }
    }
}

impl Protocol for MultiPaxos {
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
    const NAME: &'static str = "multipaxos";
    const CLIENT_OPS: &'static [protocol::OpFn] = &[protocol::OpFn::Write];
    type Config = PaxosConfig;
    type Msg = Msg;
    type Timer = PaxosTimer;
    type Durable = Durable;
    type View = PaxosView;
    type Checker = crate::checker::PaxosChecker;

    fn new(id: NodeId, cluster: &Cluster, config: &PaxosConfig, durable: Option<&Durable>) -> Self {
        Self {
            roles: Roles::new(id, cluster, config, durable),
            max_seen: None,
            leader: None,
            lead: Lead::Follower,
            queue: Vec::new(),
            clients: Clients::default(),
        }
    }

    fn step(&mut self, _now: Tick, input: Input<Msg, PaxosTimer>, out: &mut MultiOut) {
        match input {
            Input::Start => {
                if self.roles.proposer {
                    self.arm_leader_timeout(out);
                }
            }
            Input::Request { cmd } => self.on_request(cmd, out),
            Input::Timer(PaxosTimer::LeaderTimeout) => {
                if self.roles.proposer && !self.is_leader() {
                    self.campaign(out);
                }
            }
            Input::Timer(PaxosTimer::Heartbeat) => self.heartbeat(out),
            Input::Timer(PaxosTimer::Retry) => {}
            Input::Message { from, msg } => match msg {
                Msg::Prepare { ballot, from_slot } => {
                    if self.roles.acceptor.is_some() {
                        self.see(ballot);
                    }
                    self.roles.on_prepare(from, ballot, from_slot, out);
                }
                Msg::Accept { ballot, slot, value } => self.roles.on_accept(from, ballot, slot, value, out),
                Msg::Promise { ballot, accepted } => self.on_promise(from, ballot, accepted, out),
                Msg::Accepted { ballot, slot, value } => {
                    let before = self.roles.learner.first_unchosen();
                    if self.roles.on_accepted(from, ballot, slot, &value).is_some() {
                        self.learned(slot, value, before, out);
                    }
                }
                Msg::Nack { ballot, promised } => {
                    self.see(promised);
                    if self.ballot() == Some(ballot) {
                        out.emit(Level::Info, format_args!("node {} preempted: {promised} > {ballot}", self.roles.id));
                        self.leader = None;
                        self.step_down(out);
                    }
                }
                Msg::Heartbeat { ballot, chosen_upto } => self.on_heartbeat(from, ballot, chosen_upto, out),
                Msg::CatchUp { from_slot } => {
                    let chosen: Vec<Chosen> = self
                        .roles
                        .learner
                        .chosen
                        .range(from_slot)
                        .take(MAX_DECIDED)
                        .map(|(slot, v)| Chosen { slot, value: v.clone() })
                        .collect();
                    if !chosen.is_empty() {
                        out.send(from, Msg::Decided { chosen });
                    }
                }
                Msg::Decided { chosen } => {
                    for c in chosen {
                        let before = self.roles.learner.first_unchosen();
                        if self.roles.learner_mut().learn(c.slot, c.value.clone()) {
                            self.learned(c.slot, c.value, before, out);
                        }
                    }
                }
            },
        }
    }

    fn view(&self, up: bool) -> PaxosView {
        self.roles.view(up, Some(self.applied()))
    }

    /// The leader proposes it, a candidate holds it until its phase 1 ends;
    /// any other node rejects it.
    fn client_request(&self, n: u64) -> Option<String> {
        let takes = match self.lead {
            Lead::Leader { .. } => true,
            Lead::Candidate { .. } => self.queue.len() < MAX_QUEUED,
            _ => false,
        };
        takes.then(|| format!("x={n}"))
    }

    fn look(&self) -> Look {
        let (role, badge) = match &self.lead {
            Lead::Leader { ballot, next_slot, .. } => {
                ("leader", format!("L {ballot} · {next_slot} slot{}", protocol::plural(*next_slot)))
            }
            Lead::Candidate { ballot, .. } => ("candidate", format!("1a {ballot}")),
            Lead::Follower => {
                let role = if self.roles.proposer {
                    "replica"
                } else if self.roles.acceptor.is_some() {
                    "acceptor"
                } else {
                    "learner"
                };
                (role, format!("{} applied", self.applied()))
            }
        };
        let note = crate::present::acceptor_note(self, true);
        let ring = (self.roles.proposer && !self.is_leader()).then_some("leader_timeout");
        crate::present::look(role, badge, note, ring)
    }

    fn inspect(&self, _up: bool) -> Vec<Panel> {
        crate::present::multi_inspect(self)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &PaxosConfig) -> Picture {
        crate::present::multi_picture(nodes)
    }
}

impl Observable for MultiPaxos {
    fn no_op_allowed(&self) -> bool {
        true
    }
    fn roles(&self) -> &Roles {
        &self.roles
    }
}
