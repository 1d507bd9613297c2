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

use crate::acceptor::Acceptor;
use crate::ballot::Ballot;
use crate::config::PaxosConfig;
use crate::learner::Learner;
use crate::message::{Msg, SlotValue, Value};
use crate::observe::Observable;
use crate::view::PaxosView;
use crate::{Durable, PaxosTimer};
use protocol::{Cluster, Input, Level, Look, NodeId, Out, Protocol, Tick};
use std::collections::BTreeMap;

/// Where a proposer is in its current attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing to propose.
    Idle,
    /// Phase 1: waiting for promises.
    Preparing { ballot: Ballot, promises: BTreeMap<NodeId, Option<SlotValue>> },
    /// Phase 2: waiting for the value to be chosen.
    Accepting { ballot: Ballot, value: Value },
    /// Preempted; waiting out a back-off before the next ballot.
    BackingOff,
    /// A value was chosen.
    Done,
}

/// One node of single-decree Paxos; it plays the roles the config gives it.
#[derive(Clone, Debug)]
pub struct Paxos {
    id: NodeId,
    nodes: u32,
    config: PaxosConfig,
    acceptors: Vec<NodeId>,
    quorum: usize,
    proposer: bool,

    acceptor: Option<Acceptor>,
    learner: Learner,
    /// The highest round this proposer has used or seen (persisted, so a
    /// restarted proposer never reuses a ballot).
    round: u64,
    /// The client's value this proposer wants chosen.
    value: Option<Value>,
    /// Every value clients asked this node to propose.
    requested: Vec<Value>,
    phase: Phase,
}

type PaxosOut = Out<Msg, PaxosTimer>;

impl Paxos {
    pub fn phase(&self) -> &Phase {
        &self.phase
    }
    pub fn chosen(&self) -> Option<&Value> {
        self.learner.chosen.get(&0)
    }
    pub fn round(&self) -> u64 {
        self.round
    }

    fn ballot(&self) -> Option<Ballot> {
        match &self.phase {
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => Some(*ballot),
            _ => None,
        }
    }

    /// Phase 1a with a ballot higher than any seen.
    fn start_ballot(&mut self, out: &mut PaxosOut) {
        self.round += 1;
        let ballot = Ballot(self.round, self.id);
        out.persist();
        self.phase = Phase::Preparing { ballot, promises: BTreeMap::new() };
        out.emit(Level::Info, format!("proposer {} prepares ballot {ballot}", self.id));
        for &a in &self.acceptors {
            out.send(a, Msg::Prepare { ballot, from_slot: 0 });
        }
        let [lo, hi] = self.config.retry_ms;
        out.set_timer(PaxosTimer::Retry, lo, hi);
    }

    /// Give up the current ballot (preempted, or the phase timed out): retry
    /// at once, or after a random back-off.
    fn give_up(&mut self, out: &mut PaxosOut) {
        if self.config.backoff {
            self.phase = Phase::BackingOff;
            let [lo, hi] = self.config.backoff_ms;
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
        if promises.len() < self.quorum {
            return;
        }
        // P2c: the value of the highest-numbered proposal reported, if any.
        let reported = promises.values().flatten().max_by_key(|a| a.ballot).map(|a| a.value.clone());
        let own = self.value.clone().expect("a proposer only prepares with a value");
        let value = if self.ignores_reported_values() { own } else { reported.unwrap_or(own) };
        self.phase = Phase::Accepting { ballot, value: value.clone() };
        out.emit(
            Level::Info,
            format!("proposer {} has a majority of promises for {ballot}; proposes {value:?}", self.id),
        );
        for &a in &self.acceptors {
            out.send(a, Msg::Accept { ballot, slot: 0, value: value.clone() });
        }
        let [lo, hi] = self.config.retry_ms;
        out.set_timer(PaxosTimer::Retry, lo, hi);
    }

    fn on_accepted(&mut self, from: NodeId, ballot: Ballot, value: Value, out: &mut PaxosOut) {
        self.round = self.round.max(ballot.round());
        if let Some(v) = self.learner.on_accepted(from, ballot, 0, &value, self.quorum) {
            out.persist();
            out.emit(Level::Notice, format!("node {} learns {v:?} is chosen (ballot {ballot})", self.id));
            if self.proposer {
                self.phase = Phase::Done;
                out.cancel_timer(PaxosTimer::Retry);
            }
        }
    }

    fn on_request(&mut self, cmd: String, out: &mut PaxosOut) {
        if !self.proposer {
            out.emit(Level::Warn, format!("node {} is not a proposer; {cmd:?} dropped", self.id));
            return;
        }
        let value: Value = cmd.as_str().into();
        self.requested.push(value.clone());
        if let Some(chosen) = self.chosen() {
            out.emit(Level::Warn, format!("node {}: {chosen:?} is already chosen; {cmd:?} is too late", self.id));
            return;
        }
        if self.value.is_some() {
            out.emit(Level::Info, format!("proposer {} keeps proposing its first value; {cmd:?} ignored", self.id));
            return;
        }
        self.value = Some(value);
        self.start_ballot(out);
    }

    #[cfg(feature = "broken")]
    fn ignores_reported_values(&self) -> bool {
        self.config.is_broken(crate::config::Broken::IgnorePromisedValues)
    }
    #[cfg(not(feature = "broken"))]
    fn ignores_reported_values(&self) -> bool {
        false
    }
}

impl Protocol for Paxos {
    const NAME: &'static str = "paxos";
    type Config = PaxosConfig;
    type Msg = Msg;
    type Timer = PaxosTimer;
    type Durable = Durable;
    type View = PaxosView;
    type Checker = crate::checker::PaxosChecker;

    fn new(id: NodeId, cluster: &Cluster, config: &PaxosConfig, durable: Option<&Durable>) -> Self {
        let nodes = cluster.nodes;
        let durable = durable.cloned().unwrap_or_default();
        let is_acceptor = config.is_acceptor(id, nodes);
        Self {
            id,
            nodes,
            config: config.clone(),
            acceptors: config.acceptors(nodes),
            quorum: config.quorum(nodes),
            proposer: config.is_proposer(id, nodes),
            acceptor: is_acceptor.then(|| Acceptor { promised: durable.promised, accepted: durable.accepted.clone() }),
            learner: Learner::from_chosen(durable.chosen),
            round: durable.round,
            value: None,
            requested: Vec::new(),
            phase: Phase::Idle,
        }
    }

    fn step(&mut self, _now: Tick, input: Input<Msg, PaxosTimer>, out: &mut PaxosOut) {
        match input {
            Input::Start => {
                if self.proposer && self.chosen().is_some() {
                    self.phase = Phase::Done;
                }
            }
            Input::Request { cmd } => self.on_request(cmd, out),
            Input::Timer(PaxosTimer::Retry) => match self.phase {
                Phase::BackingOff => self.start_ballot(out),
                Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => {
                    out.emit(Level::Info, format!("proposer {} gives up ballot {ballot}: timed out", self.id));
                    self.give_up(out);
                }
                Phase::Idle | Phase::Done => {}
            },
            Input::Timer(PaxosTimer::LeaderTimeout | PaxosTimer::Heartbeat) => {}
            Input::Message { from, msg } => match msg {
                Msg::Prepare { ballot, from_slot } => {
                    if let Some(acceptor) = &mut self.acceptor {
                        let (reply, changed) = acceptor.on_prepare(ballot, from_slot);
                        if changed {
                            out.persist();
                        }
                        out.send(from, reply);
                    }
                }
                Msg::Accept { ballot, slot, value } => {
                    if let Some(acceptor) = &mut self.acceptor {
                        match acceptor.on_accept(ballot, slot, &value) {
                            Ok(()) => {
                                out.persist();
                                for learner in 0..self.nodes {
                                    out.send(learner, Msg::Accepted { ballot, slot, value: value.clone() });
                                }
                            }
                            Err(nack) => out.send(from, nack),
                        }
                    }
                }
                Msg::Promise { ballot, accepted } => self.on_promise(from, ballot, accepted, out),
                Msg::Accepted { ballot, value, .. } => self.on_accepted(from, ballot, value, out),
                Msg::Nack { ballot, promised } => {
                    if self.ballot() == Some(ballot) {
                        out.emit(Level::Info, format!("proposer {} preempted: {promised} > {ballot}", self.id));
                        self.round = self.round.max(promised.round());
                        self.give_up(out);
                    }
                }
                Msg::Heartbeat { .. } | Msg::CatchUp { .. } | Msg::Decided { .. } => {}
            },
        }
    }

    fn durable(&self) -> Durable {
        let mut durable = Durable {
            round: self.round,
            promised: self.acceptor.as_ref().and_then(|a| a.promised),
            accepted: self.acceptor.as_ref().map(|a| a.accepted.clone()).unwrap_or_default(),
            chosen: self.learner.chosen.clone(),
        };
        crate::forget_promise_if_broken(&self.config, &mut durable);
        durable
    }

    fn view(&self, up: bool) -> PaxosView {
        PaxosView {
            id: self.id,
            up,
            roles: self.config.roles(self.id, self.nodes),
            promised: self.acceptor.as_ref().and_then(|a| a.promised),
            accepted: self.acceptor.as_ref().map(Acceptor::accepted_list).unwrap_or_default(),
            chosen: self.learner.chosen_list(),
            applied: None,
        }
    }

    fn look(&self) -> Look {
        let role = if self.proposer {
            "proposer"
        } else if self.acceptor.is_some() {
            "acceptor"
        } else {
            "learner"
        };
        let badge = match (&self.phase, &self.acceptor, self.chosen()) {
            (_, _, Some(v)) if !self.proposer || matches!(self.phase, Phase::Done) => format!("✓ {v}"),
            (Phase::Preparing { ballot, .. }, _, _) => format!("1a {ballot}"),
            (Phase::Accepting { ballot, .. }, _, _) => format!("2a {ballot}"),
            (Phase::BackingOff, _, _) => "back-off".to_string(),
            (_, Some(a), _) => match (a.promised, a.accepted.get(&0)) {
                (Some(p), Some((b, v))) => format!("p{p} a{b}={v}"),
                (Some(p), None) => format!("p{p}"),
                _ => "—".to_string(),
            },
            _ => "idle".to_string(),
        };
        Look { role, badge, ring_timer: self.proposer.then_some("retry") }
    }
}

impl Observable for Paxos {
    const NO_OP_ALLOWED: bool = false;
    fn acceptor(&self) -> Option<&Acceptor> {
        self.acceptor.as_ref()
    }
    fn learner(&self) -> &Learner {
        &self.learner
    }
    fn requested(&self) -> &[Value] {
        &self.requested
    }
    fn quorum(&self) -> usize {
        self.quorum
    }
}
