//! Atomic commit: two-phase commit (`2pc`) and three-phase commit (`3pc`).
//!
//! Node 0 is the coordinator (the transaction manager of Gray & Lamport,
//! "Consensus on Transaction Commit", 2006), nodes `1..n` the participants
//! (resource managers). A client request at the coordinator starts a
//! transaction `tx`:
//!
//! 1. The coordinator logs the transaction and sends `Prepare`.
//! 2. A participant that can commit logs *prepared* and votes yes; one set
//!    to refuse logs *aborted* and votes no. From a yes vote on it may not
//!    decide alone: it is in doubt.
//! 3. 2PC: with every yes the coordinator logs *commit*, with a no or a
//!    timeout *abort*, and sends the decision until every participant has
//!    acknowledged it. Presumed abort: a coordinator that restarts without
//!    a logged decision aborts.
//! 4. 3PC (Skeen, "Nonblocking Commit Protocols", 1981) puts a
//!    *pre-commit* round between the votes and the commit: no participant
//!    commits before every live one is pre-committed, so a participant that
//!    loses the coordinator can decide with the others (the termination
//!    protocol): anyone committed or pre-committed means commit, else abort.
//!
//! Every node writes its log (`out.persist`) before the message that depends
//! on it. A participant in doubt asks the coordinator for the outcome on a
//! timer (and, with `cooperative`, the other participants: Gray & Lamport's
//! cooperative termination, which helps only when someone knows).

use crate::bug::CommitBug;
use protocol::{Level, Message, NodeId, OpKind, OpValue, Tick, Timer};
use serde::Serialize;

/// The coordinator's id.
pub const COORDINATOR: NodeId = 0;
/// Most nodes of a commit world: the coordinator and up to 15 participants.
pub const MAX_NODES: u32 = 16;

/// What the coordinator decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Commit,
    Abort,
}

/// A participant's state for its current transaction, as it logged it
/// (`Working` is the state before any log record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum TxState {
    Working,
    Prepared,
    #[serde(rename = "precommitted")]
    PreCommitted,
    Committed,
    Aborted,
}

impl TxState {
    pub fn name(self) -> &'static str {
        match self {
            TxState::Working => "working",
            TxState::Prepared => "prepared",
            TxState::PreCommitted => "precommitted",
            TxState::Committed => "committed",
            TxState::Aborted => "aborted",
        }
    }
    /// Voted yes and not yet told the outcome.
    pub fn in_doubt(self) -> bool {
        matches!(self, TxState::Prepared | TxState::PreCommitted)
    }
    pub fn outcome(self) -> Option<Decision> {
        match self {
            TxState::Committed => Some(Decision::Commit),
            TxState::Aborted => Some(Decision::Abort),
            _ => None,
        }
    }
    fn of(d: Decision) -> TxState {
        match d {
            Decision::Commit => TxState::Committed,
            Decision::Abort => TxState::Aborted,
        }
    }
}

/// Settings shared by every node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct CommitConfig {
    /// Participants that vote no.
    pub vote_no: Vec<NodeId>,
    /// An in-doubt participant also asks the other participants.
    pub cooperative: bool,
    /// How long the coordinator waits for votes (and 3PC pre-commit acks).
    pub vote_timeout_ms: Tick,
    /// How long a participant waits for the outcome before it asks (2PC) or
    /// runs the termination protocol (3PC), `[min, max]`.
    pub decision_timeout_ms: [Tick; 2],
    /// How often a decision or a question is sent again.
    pub resend_ms: Tick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<CommitBug>,
}

impl Default for CommitConfig {
    fn default() -> Self {
        Self {
            vote_no: Vec::new(),
            cooperative: false,
            vote_timeout_ms: 200,
            decision_timeout_ms: [300, 400],
            resend_ms: 200,
            bug: None,
        }
    }
}

/// What one node needs of the config in its handlers (the world hands the
/// config to `new` only): small and `Copy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Settings {
    /// This participant votes no.
    pub vote_no: bool,
    pub cooperative: bool,
    pub vote_timeout_ms: Tick,
    pub decision_timeout_ms: [Tick; 2],
    pub resend_ms: Tick,
    pub bug: Option<CommitBug>,
}

impl Settings {
    pub fn of(config: &CommitConfig, id: NodeId) -> Self {
        Self {
            vote_no: config.vote_no.contains(&id),
            cooperative: config.cooperative,
            vote_timeout_ms: config.vote_timeout_ms,
            decision_timeout_ms: config.decision_timeout_ms,
            resend_ms: config.resend_ms,
            bug: config.bug,
        }
    }
}

/// Messages, in the words of the papers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum CommitMsg {
    Prepare {
        tx: u64,
    },
    Vote {
        tx: u64,
        yes: bool,
    },
    PreCommit {
        tx: u64,
    },
    PreAck {
        tx: u64,
    },
    Decision {
        tx: u64,
        decision: Decision,
    },
    Ack {
        tx: u64,
    },
    /// "What happened to `tx`?" (a participant in doubt, a restarted
    /// coordinator, the termination protocol).
    Query {
        tx: u64,
    },
    /// The answer: the sender's state for `tx`.
    State {
        tx: u64,
        state: TxState,
    },
}

impl Message for CommitMsg {
    fn kind(&self) -> &'static str {
        match self {
            CommitMsg::Prepare { .. } => "Prepare",
            CommitMsg::Vote { .. } => "Vote",
            CommitMsg::PreCommit { .. } => "PreCommit",
            CommitMsg::PreAck { .. } => "PreAck",
            CommitMsg::Decision { .. } => "Decision",
            CommitMsg::Ack { .. } => "Ack",
            CommitMsg::Query { .. } => "Query",
            CommitMsg::State { .. } => "State",
        }
    }
    fn label(&self) -> String {
        match self {
            CommitMsg::Prepare { tx } => format!("prep {tx}"),
            CommitMsg::Vote { tx, yes } => format!("{} {tx}", if *yes { "yes" } else { "no" }),
            CommitMsg::PreCommit { tx } => format!("pre {tx}"),
            CommitMsg::PreAck { tx } => format!("pre-ack {tx}"),
            CommitMsg::Decision { tx, decision: Decision::Commit } => format!("commit {tx}"),
            CommitMsg::Decision { tx, decision: Decision::Abort } => format!("abort {tx}"),
            CommitMsg::Ack { tx } => format!("ack {tx}"),
            CommitMsg::Query { tx } => format!("? {tx}"),
            CommitMsg::State { tx, state } => format!("{} {tx}", state.name()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum CommitTimer {
    /// Coordinator: the votes (or 3PC pre-commit acks) are late.
    Votes,
    /// Coordinator: send the decision (or the question) again.
    Resend,
    /// Participant: the outcome is late.
    Outcome,
    /// Participant (3PC): the termination protocol's answers are in.
    Collect,
}

impl Timer for CommitTimer {
    fn name(&self) -> &'static str {
        match self {
            CommitTimer::Votes => "votes",
            CommitTimer::Resend => "resend",
            CommitTimer::Outcome => "outcome",
            CommitTimer::Collect => "collect",
        }
    }
}

/// What a node logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitDurable {
    /// The coordinator: its transaction and the decision, once made.
    Coordinator { tx: u64, decision: Option<Decision> },
    /// A participant: its transaction and its state in it.
    Participant { tx: u64, state: TxState },
}

pub(crate) type Out = protocol::Out<CommitMsg, CommitTimer, CommitDurable>;

/// The coordinator's phase (volatile; rebuilt from the log on restart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Idle,
    Voting,
    PreCommitting,
    /// Decided; sending the decision until every participant acknowledged.
    Deciding,
    /// 3PC, restarted without a decision: asking the participants.
    Recovering,
    Done,
}

/// Node 0.
#[derive(Clone, Debug, Hash)]
pub struct Coordinator {
    nodes: u32,
    three: bool,
    pub(crate) tx: u64,
    pub(crate) decision: Option<Decision>,
    pub(crate) phase: Phase,
    /// Participants that voted yes (bit per id), then that acknowledged.
    pub(crate) yes: u32,
    pub(crate) acks: u32,
}

fn all(nodes: u32) -> u32 {
    ((1u64 << nodes) - 2) as u32
}

impl Coordinator {
    fn new(nodes: u32, three: bool, durable: Option<&CommitDurable>) -> Self {
        let (tx, decision) = match durable {
            Some(&CommitDurable::Coordinator { tx, decision }) => (tx, decision),
            _ => (0, None),
        };
        Self { nodes, three, tx, decision, phase: Phase::Idle, yes: 0, acks: 0 }
    }

    fn log(&self) -> CommitDurable {
        CommitDurable::Coordinator { tx: self.tx, decision: self.decision }
    }

    fn participants(&self) -> std::ops::Range<NodeId> {
        1..self.nodes
    }

    fn start(&mut self, out: &mut Out, cfg: &Settings) {
        match (self.tx, self.decision) {
            (0, _) => self.phase = Phase::Idle,
            (_, Some(d)) => {
                out.emit(
                    Level::Notice,
                    format_args!("coordinator restarts: re-sends its logged decision {d:?} for tx {}", self.tx),
                );
                self.phase = Phase::Deciding;
                self.send_decision(out, cfg);
            }
            (tx, None) if self.three => {
                out.emit(
                    Level::Notice,
                    format_args!("coordinator restarts without a decision for tx {tx}: asks the participants"),
                );
                self.phase = Phase::Recovering;
                for p in self.participants() {
                    out.send(p, CommitMsg::Query { tx });
                }
                out.set_timer(CommitTimer::Resend, cfg.resend_ms, cfg.resend_ms);
            }
            (tx, None) => {
                out.emit(
                    Level::Notice,
                    format_args!("coordinator restarts without a decision for tx {tx}: presumed abort"),
                );
                self.decide(Decision::Abort, out, cfg);
            }
        }
    }

    /// Whether a client request would begin a transaction now.
    pub(crate) fn idle(&self) -> bool {
        matches!(self.phase, Phase::Idle | Phase::Done)
    }

    fn request(&mut self, out: &mut Out, cfg: &Settings) {
        if !self.idle() {
            out.emit(Level::Notice, format_args!("coordinator is busy with tx {}: request refused", self.tx));
            crate::refuse_txn(self.tx + 1, out);
            return;
        }
        self.tx += 1;
        out.op(crate::txn_op(self.tx));
        self.decision = None;
        self.phase = Phase::Voting;
        self.yes = 0;
        self.acks = 0;
        out.persist(self.log());
        out.emit(Level::Info, format_args!("tx {} begins: prepare", self.tx));
        for p in self.participants() {
            out.send(p, CommitMsg::Prepare { tx: self.tx });
        }
        out.set_timer(CommitTimer::Votes, cfg.vote_timeout_ms, cfg.vote_timeout_ms);
    }

    /// Log the decision, then tell everyone.
    fn decide(&mut self, d: Decision, out: &mut Out, cfg: &Settings) {
        self.decision = Some(d);
        self.phase = Phase::Deciding;
        self.acks = 0;
        out.persist(self.log());
        out.cancel_timer(CommitTimer::Votes);
        out.emit(Level::Notice, format_args!("coordinator decides {d:?} for tx {}", self.tx));
        // The client hears the decision once it is logged.
        let kind = if d == Decision::Commit { OpKind::Ok } else { OpKind::Fail };
        out.op(crate::txn_op(self.tx).complete(kind, OpValue::Int(self.tx)));
        self.send_decision(out, cfg);
    }

    fn send_decision(&mut self, out: &mut Out, cfg: &Settings) {
        let Some(decision) = self.decision else { return };
        for p in self.participants() {
            if self.acks & (1 << p) == 0 {
                out.send(p, CommitMsg::Decision { tx: self.tx, decision });
            }
        }
        out.set_timer(CommitTimer::Resend, cfg.resend_ms, cfg.resend_ms);
    }

    fn message(&mut self, from: NodeId, msg: CommitMsg, out: &mut Out, cfg: &Settings) {
        let bit = 1u32 << from;
        match msg {
            CommitMsg::Vote { tx, yes } if tx == self.tx && self.phase == Phase::Voting => {
                if !yes {
                    out.emit(Level::Notice, format_args!("participant {from} votes no on tx {tx}"));
                    self.decide(Decision::Abort, out, cfg);
                    return;
                }
                self.yes |= bit;
                if self.yes == all(self.nodes) {
                    if self.three {
                        self.phase = Phase::PreCommitting;
                        self.acks = 0;
                        for p in self.participants() {
                            out.send(p, CommitMsg::PreCommit { tx });
                        }
                        out.set_timer(CommitTimer::Votes, cfg.vote_timeout_ms, cfg.vote_timeout_ms);
                        // Lines go after a step's other commands, so a
                        // `crash-mid-step` after k commands means what it did.
                        out.emit(Level::Info, format_args!("every participant votes yes on tx {tx}: pre-commit"));
                    } else {
                        self.decide(Decision::Commit, out, cfg);
                    }
                }
            }
            CommitMsg::PreAck { tx } if tx == self.tx && self.phase == Phase::PreCommitting => {
                self.acks |= bit;
                if self.acks == all(self.nodes) {
                    self.decide(Decision::Commit, out, cfg);
                }
            }
            CommitMsg::Ack { tx } if tx == self.tx && self.phase == Phase::Deciding => {
                self.acks |= bit;
                if self.acks == all(self.nodes) {
                    self.phase = Phase::Done;
                    out.cancel_timer(CommitTimer::Resend);
                    out.emit(Level::Info, format_args!("tx {tx} done: every participant acknowledged"));
                }
            }
            CommitMsg::Query { tx } if tx == self.tx => {
                if let Some(decision) = self.decision {
                    out.send(from, CommitMsg::Decision { tx, decision });
                }
            }
            // A participant decided in the termination protocol (3PC) while
            // this coordinator was away, or aborted before voting.
            CommitMsg::State { tx, state } if tx == self.tx && self.decision.is_none() => match (self.phase, state) {
                (Phase::Recovering, TxState::Committed) => self.decide(Decision::Commit, out, cfg),
                (Phase::Recovering | Phase::Voting, TxState::Aborted) => self.decide(Decision::Abort, out, cfg),
                _ => {}
            },
            _ => {}
        }
    }

    fn timer(&mut self, t: CommitTimer, out: &mut Out, cfg: &Settings) {
        match (t, self.phase) {
            (CommitTimer::Votes, Phase::Voting) => {
                out.emit(Level::Notice, format_args!("votes on tx {} are late: abort", self.tx));
                self.decide(Decision::Abort, out, cfg);
            }
            // Skeen: a coordinator whose pre-commit acks are late commits;
            // the silent participants learn the outcome when they recover.
            (CommitTimer::Votes, Phase::PreCommitting) => self.decide(Decision::Commit, out, cfg),
            (CommitTimer::Resend, Phase::Deciding) => self.send_decision(out, cfg),
            (CommitTimer::Resend, Phase::Recovering) => {
                for p in self.participants() {
                    out.send(p, CommitMsg::Query { tx: self.tx });
                }
                out.set_timer(CommitTimer::Resend, cfg.resend_ms, cfg.resend_ms);
            }
            _ => {}
        }
    }
}

/// Nodes `1..n`.
#[derive(Clone, Debug, Hash)]
pub struct Participant {
    id: NodeId,
    nodes: u32,
    three: bool,
    pub(crate) tx: u64,
    pub(crate) state: TxState,
    /// When it found itself in doubt past its timeout (local ticks).
    pub(crate) blocked_since: Option<Tick>,
    /// Restarted in doubt: it only asks, and never decides by itself
    /// (Skeen: a recovering site must learn the outcome from others).
    recovered: bool,
    /// 3PC termination protocol: running, and what the others said.
    terminating: bool,
    heard: Heard,
}

/// What the termination protocol heard: an outcome ends it at once (the
/// participant adopts it), so only a pre-committed answer is remembered.
#[derive(Clone, Copy, Debug, Default, Hash)]
struct Heard {
    precommit: bool,
}

impl Participant {
    fn new(id: NodeId, nodes: u32, three: bool, durable: Option<&CommitDurable>) -> Self {
        let (tx, state) = match durable {
            Some(&CommitDurable::Participant { tx, state }) => (tx, state),
            _ => (0, TxState::Working),
        };
        Self {
            id,
            nodes,
            three,
            tx,
            state,
            blocked_since: None,
            recovered: false,
            terminating: false,
            heard: Heard::default(),
        }
    }

    fn log(&self) -> CommitDurable {
        CommitDurable::Participant { tx: self.tx, state: self.state }
    }

    fn others(&self) -> impl Iterator<Item = NodeId> {
        let me = self.id;
        (1..self.nodes).filter(move |&p| p != me)
    }

    fn ask(&self, out: &mut Out, cfg: &Settings) {
        out.send(COORDINATOR, CommitMsg::Query { tx: self.tx });
        if cfg.cooperative || (self.three && self.recovered) {
            for p in self.others() {
                out.send(p, CommitMsg::Query { tx: self.tx });
            }
        }
    }

    fn start(&mut self, now: Tick, out: &mut Out, cfg: &Settings) {
        if self.state.in_doubt() {
            self.recovered = true;
            self.blocked_since = Some(now);
            out.emit(Level::Notice, format_args!("participant {} restarts in doubt on tx {}: asks", self.id, self.tx));
            self.ask(out, cfg);
            out.set_timer(CommitTimer::Outcome, cfg.resend_ms, cfg.resend_ms);
        }
    }

    /// Adopt an outcome: log it, stop waiting, acknowledge.
    fn learn(&mut self, tx: u64, d: Decision, out: &mut Out) {
        if tx < self.tx {
            return;
        }
        if tx == self.tx && self.state.outcome().is_some() {
            // Already decided (a duplicate, or the coordinator re-sending):
            // acknowledge again; a different outcome never overwrites the log.
            out.send(COORDINATOR, CommitMsg::Ack { tx });
            return;
        }
        self.tx = tx;
        self.state = TxState::of(d);
        self.blocked_since = None;
        self.terminating = false;
        out.persist(self.log());
        out.cancel_timer(CommitTimer::Outcome);
        out.cancel_timer(CommitTimer::Collect);
        out.send(COORDINATOR, CommitMsg::Ack { tx });
        let does = if d == Decision::Commit { "commits" } else { "aborts" };
        out.emit(Level::Info, format_args!("participant {} {does} tx {tx}", self.id));
    }

    fn message(&mut self, now: Tick, from: NodeId, msg: CommitMsg, out: &mut Out, cfg: &Settings) {
        match msg {
            CommitMsg::Prepare { tx } if tx > self.tx => {
                self.tx = tx;
                self.recovered = false;
                self.terminating = false;
                self.blocked_since = None;
                let yes = !cfg.vote_no;
                self.state = if yes { TxState::Prepared } else { TxState::Aborted };
                out.persist(self.log());
                out.send(COORDINATOR, CommitMsg::Vote { tx, yes });
                if yes {
                    out.set_timer(CommitTimer::Outcome, cfg.decision_timeout_ms[0], cfg.decision_timeout_ms[1]);
                    out.emit(Level::Info, format_args!("participant {} prepares tx {tx}: votes yes", self.id));
                } else {
                    out.emit(Level::Notice, format_args!("participant {} votes no on tx {tx}", self.id));
                }
            }
            CommitMsg::Prepare { tx } if tx == self.tx => {
                out.send(COORDINATOR, CommitMsg::Vote { tx, yes: self.state != TxState::Aborted });
            }
            CommitMsg::PreCommit { tx } if tx == self.tx => match self.state {
                TxState::Prepared => {
                    self.state = TxState::PreCommitted;
                    out.persist(self.log());
                    out.send(from, CommitMsg::PreAck { tx });
                    if !self.terminating {
                        out.set_timer(CommitTimer::Outcome, cfg.decision_timeout_ms[0], cfg.decision_timeout_ms[1]);
                    }
                    out.emit(Level::Info, format_args!("participant {} pre-commits tx {tx}", self.id));
                }
                TxState::PreCommitted | TxState::Committed => out.send(from, CommitMsg::PreAck { tx }),
                state => out.send(from, CommitMsg::State { tx, state }),
            },
            CommitMsg::Decision { tx, decision } => self.learn(tx, decision, out),
            CommitMsg::Query { tx } if tx == self.tx => out.send(from, CommitMsg::State { tx, state: self.state }),
            CommitMsg::Query { tx } if tx > self.tx => {
                // It never voted on `tx`: it may abort on its own, and says so.
                self.tx = tx;
                self.state = TxState::Aborted;
                out.persist(self.log());
                out.send(from, CommitMsg::State { tx, state: TxState::Aborted });
            }
            CommitMsg::State { tx, state } if tx == self.tx => match state.outcome() {
                Some(d) => {
                    if self.state.in_doubt() {
                        out.emit(
                            Level::Info,
                            format_args!("participant {} learns {d:?} on tx {tx} from node {from}", self.id),
                        );
                    }
                    self.learn(tx, d, out)
                }
                None => self.heard.precommit |= state == TxState::PreCommitted,
            },
            _ => {}
        }
        let _ = now;
    }

    fn timer(&mut self, now: Tick, t: CommitTimer, out: &mut Out, cfg: &Settings) {
        if !self.state.in_doubt() {
            return;
        }
        match t {
            CommitTimer::Outcome if cfg.bug == Some(CommitBug::AbortAfterYes) => {
                self.state = TxState::Aborted;
                out.persist(self.log());
                out.emit(
                    Level::Warn,
                    format_args!("participant {} gives up waiting and aborts tx {} after voting yes", self.id, self.tx),
                );
            }
            CommitTimer::Outcome if self.three && !self.recovered => {
                // Skeen's termination protocol: ask every other participant.
                self.terminating = true;
                self.heard = Heard::default();
                out.emit(
                    Level::Notice,
                    format_args!(
                        "participant {} lost the coordinator: termination protocol for tx {}",
                        self.id, self.tx
                    ),
                );
                for p in self.others() {
                    out.send(p, CommitMsg::Query { tx: self.tx });
                }
                out.set_timer(CommitTimer::Collect, cfg.resend_ms / 2, cfg.resend_ms / 2);
            }
            CommitTimer::Outcome => {
                if self.blocked_since.is_none() {
                    self.blocked_since = Some(now);
                    out.emit(
                        Level::Notice,
                        format_args!("participant {} is in doubt on tx {}: blocked", self.id, self.tx),
                    );
                }
                self.ask(out, cfg);
                out.set_timer(CommitTimer::Outcome, cfg.resend_ms, cfg.resend_ms);
            }
            CommitTimer::Collect if self.terminating => {
                let h = self.heard;
                let d =
                    if h.precommit || self.state == TxState::PreCommitted { Decision::Commit } else { Decision::Abort };
                out.emit(
                    Level::Notice,
                    format_args!("participant {} decides {d:?} on tx {} by termination", self.id, self.tx),
                );
                let tx = self.tx;
                self.learn(tx, d, out);
                for p in self.others() {
                    out.send(p, CommitMsg::Decision { tx, decision: d });
                }
            }
            _ => {}
        }
    }
}

/// One node of a commit world: the coordinator or a participant.
#[derive(Clone, Debug, Hash)]
pub enum CommitNode {
    Coordinator(Coordinator),
    Participant(Participant),
}

impl CommitNode {
    /// Rename the node ids in this node's state (see `symmetry.rs`): a
    /// participant's own id, the coordinator's sets of votes and acks.
    pub(crate) fn rename(&mut self, renaming: &protocol::Renaming) {
        match self {
            CommitNode::Coordinator(c) => {
                c.yes = renaming.bits32(c.yes);
                c.acks = renaming.bits32(c.acks);
            }
            CommitNode::Participant(p) => p.id = renaming.id(p.id),
        }
    }

    pub(crate) fn new(id: NodeId, nodes: u32, three: bool, durable: Option<&CommitDurable>) -> Self {
        if id == COORDINATOR {
            CommitNode::Coordinator(Coordinator::new(nodes, three, durable))
        } else {
            CommitNode::Participant(Participant::new(id, nodes, three, durable))
        }
    }

    pub(crate) fn step(
        &mut self,
        now: Tick,
        input: protocol::Input<CommitMsg, CommitTimer>,
        out: &mut Out,
        cfg: &Settings,
    ) {
        use protocol::Input;
        match self {
            CommitNode::Coordinator(c) => match input {
                Input::Start => c.start(out, cfg),
                Input::Request { .. } => c.request(out, cfg),
                Input::Message { from, msg } => c.message(from, msg, out, cfg),
                Input::Timer(t) => c.timer(t, out, cfg),
            },
            CommitNode::Participant(p) => match input {
                Input::Start => p.start(now, out, cfg),
                Input::Request { .. } => out.emit(
                    Level::Info,
                    format_args!("participant {} ignores requests: send them to the coordinator (node 0)", p.id),
                ),
                Input::Message { from, msg } => p.message(now, from, msg, out, cfg),
                Input::Timer(t) => p.timer(now, t, out, cfg),
            },
        }
    }
}
