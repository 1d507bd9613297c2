//! Single-decree Paxos, as in Lamport's "Paxos Made Simple" (2001), §2.
//!
//! A proposer picks a ballot higher than any it has seen and sends prepare
//! requests to the acceptors (phase 1a). An acceptor promises not to accept
//! anything lower and reports the highest-numbered proposal it has accepted
//! (1b). With promises from a majority, the proposer asks the acceptors to
//! accept the value of the highest-numbered reported proposal, or its own
//! value if none was reported (2a). An acceptor accepts unless it promised a
//! higher ballot (2b) and tells every learner; a learner knows a value is
//! chosen once a majority accepted it in one ballot (§2.3). A preempted
//! proposer (an acceptor answered with a higher promise) or one whose phase
//! timed out retries with a higher ballot: at once, or after a random
//! back-off when `backoff` is on. Without back-off two proposers whose
//! phases interleave preempt each other forever (§2.4).

use crate::ballot::Ballot;
use crate::config::PaxosConfig;
use crate::message::{Msg, SlotValue, Value};
use crate::observe::Observable;
use crate::roles::Roles;
use crate::view::PaxosView;
use crate::{Durable, PaxosTimer};
use protocol::flat::FlatMap;
use protocol::{Cluster, Input, Level, Look, NodeId, NodeRef, Out, Panel, Picture, Protocol, Tick};

/// Where a proposer is in its current attempt.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Nothing to propose.
    Idle,
    /// Phase 1: waiting for promises.
    Preparing { ballot: Ballot, promises: FlatMap<NodeId, Option<SlotValue>> },
    /// Phase 2: waiting for the value to be chosen.
    Accepting { ballot: Ballot, value: Value },
    /// Preempted; waiting out a back-off before the next ballot.
    BackingOff,
    /// A value was chosen.
    Done,
}

/// One node of single-decree Paxos; it plays the roles the config gives it.
#[derive(Debug, Hash)]
pub struct Paxos {
    roles: Roles,
    /// The client's value this proposer wants chosen.
    value: Option<Value>,
    phase: Phase,
}

impl Clone for Paxos {
    fn clone(&self) -> Self {
        Self { roles: self.roles.clone(), value: self.value.clone(), phase: self.phase.clone() }
    }

    /// Into this node's allocations: a model checker copies the node each
    /// step changes into a node its world no longer uses.
    fn clone_from(&mut self, source: &Self) {
        let Self { roles, value, phase } = self;
        roles.clone_from(&source.roles);
        value.clone_from(&source.value);
        match (phase, &source.phase) {
            (
                Phase::Preparing { ballot, promises },
                Phase::Preparing { ballot: source_ballot, promises: source_promises },
            ) => {
                *ballot = *source_ballot;
                promises.clone_from(source_promises);
            }
            (phase, source) => *phase = source.clone(),
        }
    }
}

type PaxosOut = Out<Msg, PaxosTimer, Durable>;

impl Paxos {
    /// What a `Persist` saves: the acceptor's promise and acceptances.
    pub fn durable(&self) -> Durable {
        self.roles.durable()
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }
    pub fn chosen(&self) -> Option<&Value> {
        self.roles.learner.chosen.get(0)
    }
    pub fn round(&self) -> u64 {
        self.roles.round
    }

    fn ballot(&self) -> Option<Ballot> {
        match &self.phase {
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => Some(*ballot),
            _ => None,
        }
    }

    /// Phase 1a with a ballot higher than any seen.
    fn start_ballot(&mut self, out: &mut PaxosOut) {
        self.roles.round += 1;
        let ballot = Ballot(self.roles.round, self.roles.id);
        out.persist(self.roles.durable());
        self.phase = Phase::Preparing { ballot, promises: FlatMap::new() };
        out.emit(Level::Info, format_args!("proposer {} prepares ballot {ballot}", self.roles.id));
        for &a in self.roles.acceptors.iter() {
            out.send(a, Msg::Prepare { ballot, from_slot: 0 });
        }
        let [lo, hi] = self.roles.config.retry_ms;
        out.set_timer(PaxosTimer::Retry, lo, hi);
    }

    /// Give up the current ballot (preempted, or the phase timed out): retry
    /// at once, or after a random back-off.
    fn give_up(&mut self, out: &mut PaxosOut) {
        if self.roles.config.backoff {
            self.phase = Phase::BackingOff;
            let [lo, hi] = self.roles.config.backoff_ms;
            out.set_timer(PaxosTimer::Retry, lo, hi);
        } else {
            self.start_ballot(out);
        }
    }

    fn on_promise(&mut self, from: NodeId, ballot: Ballot, accepted: Vec<SlotValue>, out: &mut PaxosOut) {
        let Phase::Preparing { ballot: mine, promises } = &mut self.phase else { return };
        if *mine != ballot {
            return;
        }
        promises.insert(from, accepted.into_iter().find(|a| a.slot == 0));
        if promises.len() < self.roles.quorum {
            return;
        }
        // P2c: the value of the highest-numbered proposal reported, if any.
        let reported = promises.values().flatten().max_by_key(|a| a.ballot).map(|a| a.value.clone());
        let own = self.roles.own_proposal(self.value.clone().expect("a proposer only prepares with a value"));
        let value = if self.roles.ignores_reported_values() { own } else { reported.unwrap_or(own) };
        self.phase = Phase::Accepting { ballot, value: value.clone() };
        out.emit(
            Level::Info,
            format_args!("proposer {} has a majority of promises for {ballot}; proposes {value:?}", self.roles.id),
        );
        for &a in self.roles.acceptors.iter() {
            out.send(a, Msg::Accept { ballot, slot: 0, value: value.clone() });
        }
        let [lo, hi] = self.roles.config.retry_ms;
        out.set_timer(PaxosTimer::Retry, lo, hi);
    }

    fn on_accepted(&mut self, from: NodeId, ballot: Ballot, value: Value, out: &mut PaxosOut) {
        self.roles.round = self.roles.round.max(ballot.round());
        if let Some(v) = self.roles.on_accepted(from, ballot, 0, &value) {
            out.persist(self.roles.durable());
            out.emit(Level::Notice, format_args!("node {} learns {v:?} is chosen (ballot {ballot})", self.roles.id));
            if self.roles.proposer {
                self.phase = Phase::Done;
                out.cancel_timer(PaxosTimer::Retry);
            }
        }
    }

    fn on_request(&mut self, cmd: String, out: &mut PaxosOut) {
        if !self.roles.proposer {
            out.emit(Level::Warn, format_args!("node {} is not a proposer; {cmd:?} dropped", self.roles.id));
            return;
        }
        let value: Value = cmd.as_str().into();
        if let Some(chosen) = self.chosen() {
            out.emit(
                Level::Warn,
                format_args!("node {}: {chosen:?} is already chosen; {cmd:?} is too late", self.roles.id),
            );
            return;
        }
        if self.value.is_some() {
            out.emit(
                Level::Info,
                format_args!("proposer {} keeps proposing its first value; {cmd:?} ignored", self.roles.id),
            );
            return;
        }
        self.roles.record_proposal(0, value.clone());
        self.value = Some(value);
        self.start_ballot(out);
    }
}

impl Protocol for Paxos {
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
    const NAME: &'static str = "paxos";
    type Config = PaxosConfig;
    type Msg = Msg;
    type Timer = PaxosTimer;
    type Durable = Durable;
    type View = PaxosView;
    type Checker = crate::checker::PaxosChecker;

    fn new(id: NodeId, cluster: &Cluster, config: &PaxosConfig, durable: Option<&Durable>) -> Self {
        Self { roles: Roles::new(id, cluster, config, durable), value: None, phase: Phase::Idle }
    }

    fn step(&mut self, _now: Tick, input: Input<Msg, PaxosTimer>, out: &mut PaxosOut) {
        match input {
            Input::Start => {
                if self.roles.proposer && self.chosen().is_some() {
                    self.phase = Phase::Done;
                }
            }
            Input::Request { cmd } => self.on_request(cmd, out),
            Input::Timer(PaxosTimer::Retry) => match self.phase {
                Phase::BackingOff => self.start_ballot(out),
                Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => {
                    out.emit(
                        Level::Info,
                        format_args!("proposer {} gives up ballot {ballot}: timed out", self.roles.id),
                    );
                    self.give_up(out);
                }
                Phase::Idle | Phase::Done => {}
            },
            Input::Timer(PaxosTimer::LeaderTimeout | PaxosTimer::Heartbeat) => {}
            Input::Message { from, msg } => match msg {
                Msg::Prepare { ballot, from_slot } => self.roles.on_prepare(from, ballot, from_slot, out),
                Msg::Accept { ballot, slot, value } => self.roles.on_accept(from, ballot, slot, value, out),
                Msg::Promise { ballot, accepted } => self.on_promise(from, ballot, accepted, out),
                Msg::Accepted { ballot, value, .. } => self.on_accepted(from, ballot, value, out),
                Msg::Nack { ballot, promised } => {
                    if self.ballot() == Some(ballot) {
                        out.emit(
                            Level::Info,
                            format_args!("proposer {} preempted: {promised} > {ballot}", self.roles.id),
                        );
                        self.roles.round = self.roles.round.max(promised.round());
                        self.give_up(out);
                    }
                }
                Msg::Heartbeat { .. } | Msg::CatchUp { .. } | Msg::Decided { .. } => {}
            },
        }
    }

    fn view(&self, up: bool) -> PaxosView {
        self.roles.view(up, None)
    }

    /// A proposer with no value yet proposes it; an acceptor or learner drops
    /// it, and so does a proposer once it has a value or one is chosen.
    fn client_request(&self, n: u64) -> Option<String> {
        (self.roles.proposer && self.value.is_none() && self.chosen().is_none()).then(|| format!("x={n}"))
    }

    fn look(&self) -> Look {
        let role = if self.roles.proposer {
            "proposer"
        } else if self.roles.acceptor.is_some() {
            "acceptor"
        } else {
            "learner"
        };
        let badge = match (&self.phase, &self.roles.acceptor, self.chosen()) {
            (_, _, Some(v)) if !self.roles.proposer || matches!(self.phase, Phase::Done) => format!("✓ {v}"),
            (Phase::Preparing { ballot, .. }, _, _) => format!("1a {ballot}"),
            (Phase::Accepting { ballot, .. }, _, _) => format!("2a {ballot}"),
            (Phase::BackingOff, _, _) => "back-off".to_string(),
            (_, Some(a), _) => match (a.promised, a.accepted.get(0)) {
                (Some(p), Some((b, v))) => format!("p{p} a{b}={v}"),
                (Some(p), None) => format!("p{p}"),
                _ => "—".to_string(),
            },
            _ => "idle".to_string(),
        };
        let note = crate::present::acceptor_note(self, false);
        crate::present::look(role, badge, note, self.roles.proposer.then_some("retry"))
    }

    fn inspect(&self, _up: bool) -> Vec<Panel> {
        crate::present::paxos_inspect(self)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &PaxosConfig) -> Picture {
        crate::present::paxos_picture(nodes)
    }
}

impl Paxos {
    /// Rename the node ids in this node's state (see `symmetry.rs`): its
    /// own id, the acceptors it holds promises from, its learner's voters.
    /// The acceptor list is left as it is: a renaming of interchangeable
    /// nodes maps it onto itself. Ballots name proposers, never renamed.
    pub(crate) fn rename(&mut self, renaming: &protocol::Renaming) {
        self.roles.id = renaming.id(self.roles.id);
        self.roles.learner_mut().rename(renaming);
        if let Phase::Preparing { promises, .. } = &mut self.phase {
            *promises = std::mem::take(promises).into_iter().map(|(id, p)| (renaming.id(id), p)).collect();
        }
    }
}

#[cfg(test)]
impl Paxos {
    pub(crate) fn roles_mut_for_test(&mut self) -> &mut Roles {
        &mut self.roles
    }
}

impl Observable for Paxos {
    fn no_op_allowed(&self) -> bool {
        false
    }
    fn roles(&self) -> &Roles {
        &self.roles
    }
}
