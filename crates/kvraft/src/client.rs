//! A key-value client, shared by the CP store (kv-raft) and the AP store
//! (kv-lww) so that the two are compared on identical clients.
//!
//! A client runs one operation at a time, a read or a write of one of the
//! keys `x`, `y`, `z`; each write writes a value no other write writes
//! (`(op + 1) * 100 + client id`), so a read names the write it saw. It
//! sends its [`ClientMsg::Request`] to one server and waits:
//!
//! - [`ClientMsg::Reply`] `Ok`: the operation took effect; `:ok`.
//! - `Refused`: that server did not take it (a Raft follower); the client
//!   tries the leader it names at once, or the next server after
//!   `resend_ms`.
//! - no answer within `resend_ms`: it re-sends to the next server (the
//!   server deduplicates by `(client, op)`, so a write applies once).
//!
//! After `attempts` tries it gives up: a read with `:fail` if every try
//! was refused, anything else with `:info` (outcome unknown: a try may have
//! been taken, and even a refused write may be, later, from a copy of its
//! request the network duplicated). A partitioned minority therefore
//! answers `fail` or `info`, never an old value.
//!
//! After a write of unknown outcome, and after a restart, the workload
//! reads before it writes again: the first answered operation tells the
//! client that the store applied or dropped for good everything it sent
//! before (kv-raft's sessions apply a client's operations in order). So at
//! most one write of each client is ever in doubt, which keeps the live
//! linearizability check bounded on long faulty runs.

use protocol::linearizable::Value;
use protocol::{ClientOp, Input, Level, Message, NodeId, OpFn, OpKind, OpValue, Out, Tick, Timer};
use serde::Serialize;
use std::collections::VecDeque;

/// The last finished operations a client remembers (history panel).
pub const DONE_KEPT: usize = 16;
/// The first finished operations a client remembers (the verdict panel
/// judges the run's prefix they cover: see [`crate::verdict`]).
pub const FIRST_KEPT: usize = 32;
/// Key names: key 0 is `x`.
pub const KEYS: [&str; 3] = ["x", "y", "z"];

pub fn key_name(key: u8) -> &'static str {
    KEYS.get(usize::from(key)).copied().unwrap_or("?")
}

pub fn show(v: Value) -> String {
    protocol::linearizable::Shown(v).to_string()
}

/// A read, or a write of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Read,
    Write(u64),
}

/// What a client and a server say to each other. `op` is the client's
/// operation number: a reply to an older one is stale and ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum ClientMsg {
    Request {
        op: u64,
        key: u8,
        kind: Kind,
    },
    /// `Some(value)`: done, a read's value (a write echoes what it wrote).
    /// `None`: refused, `leader` is whom to ask instead if known.
    Reply {
        op: u64,
        done: Option<Value>,
        leader: Option<NodeId>,
    },
}

impl Message for ClientMsg {
    fn kind(&self) -> &'static str {
        match self {
            ClientMsg::Request { .. } => "Request",
            ClientMsg::Reply { .. } => "Reply",
        }
    }
    fn label(&self) -> String {
        match self {
            ClientMsg::Request { key, kind: Kind::Read, .. } => format!("read {}", key_name(*key)),
            ClientMsg::Request { key, kind: Kind::Write(v), .. } => format!("{}={v}", key_name(*key)),
            ClientMsg::Reply { done: Some(v), .. } => format!("ok {}", show(*v)),
            ClientMsg::Reply { leader: Some(l), .. } => format!("✗ try {l}"),
            ClientMsg::Reply { .. } => "✗".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ClientTimer {
    /// Think time over: start the next operation of the workload.
    Next,
    /// No answer: try again.
    Resend,
}

impl Timer for ClientTimer {
    fn name(&self) -> &'static str {
        match self {
            ClientTimer::Next => "next",
            ClientTimer::Resend => "resend",
        }
    }
}

/// The clients' settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct ClientConfig {
    /// Servers are nodes `0..servers`; clients the rest.
    pub servers: u32,
    /// Keys `x`, `y`, `z` (1..=3).
    pub keys: u32,
    /// Pause between operations, MIN..MAX ms.
    pub think_ms: [Tick; 2],
    /// How long a client waits for an answer before trying again.
    pub resend_ms: Tick,
    /// Tries before it gives up on an operation.
    pub attempts: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self { servers: 3, keys: 2, think_ms: [20, 80], resend_ms: 100, attempts: 10 }
    }
}

/// How an operation ended: Jepsen's `:ok` (with a read's value), `:fail`, `:info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok(Value),
    Fail,
    Info,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Current {
    pub seq: u64,
    pub key: u8,
    pub kind: Kind,
    pub invoked_at: Tick,
    pub attempts: u32,
    /// Some try went unanswered: it may have been taken.
    pub unknown: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Done {
    pub seq: u64,
    pub key: u8,
    pub kind: Kind,
    pub outcome: Outcome,
    pub invoked_at: Tick,
    pub completed_at: Tick,
}

/// What a client pushes: requests to servers, its timers, its op counter.
pub type ClientOut = Out<ClientMsg, ClientTimer, u64>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KvClient {
    pub id: NodeId,
    /// Operations started (persisted before each starts).
    pub ops: u64,
    pub current: Option<Current>,
    /// The last [`DONE_KEPT`] finished operations, oldest first.
    pub done: VecDeque<Done>,
    /// The first [`FIRST_KEPT`] finished operations since the client
    /// (re)started, for the verdict.
    pub first: Vec<Done>,
    /// The server it asks next.
    pub target: NodeId,
    /// A write of its may still take effect: read before writing again.
    pub unresolved: bool,
}

impl KvClient {
    /// Client `id` starts with the server `(id - servers) % servers`.
    pub fn new(id: NodeId, servers: u32, ops: u64) -> Self {
        let target = id.saturating_sub(servers) % servers.max(1);
        Self { id, ops, current: None, done: VecDeque::new(), first: Vec::new(), target, unresolved: ops > 0 }
    }

    pub fn step(
        &mut self,
        now: Tick,
        input: Input<ClientMsg, ClientTimer>,
        out: &mut ClientOut,
        config: &ClientConfig,
    ) {
        match input {
            Input::Start => out.set_timer(ClientTimer::Next, config.think_ms[0], config.think_ms[1]),
            Input::Timer(ClientTimer::Next) => {
                if self.current.is_none() {
                    let (key, kind) = self.workload(config);
                    self.start(now, key, kind, out, config);
                }
            }
            Input::Timer(ClientTimer::Resend) => {
                let Some(c) = self.current.as_mut() else { return };
                c.unknown = true;
                self.target = (self.target + 1) % config.servers;
                self.retry(now, out, config);
            }
            Input::Request { cmd } => match parse_request(&cmd, config.keys) {
                Err(e) => out.emit(Level::Notice, format_args!("client {}: {e}", self.id)),
                Ok(_) if self.current.is_some() => {
                    out.emit(Level::Notice, format_args!("client {} is busy with an operation; try later", self.id))
                }
                Ok((key, kind)) => {
                    out.cancel_timer(ClientTimer::Next);
                    self.start(now, key, kind, out, config);
                }
            },
            Input::Message { from, msg: ClientMsg::Reply { op, done, leader } } => {
                if self.current.as_ref().is_none_or(|c| c.seq != op) {
                    return;
                }
                match done {
                    Some(value) => self.finish(now, Outcome::Ok(value), out, config),
                    None => {
                        let hint = leader.filter(|&l| l < config.servers && l != from);
                        self.target = hint.unwrap_or((from + 1) % config.servers);
                        if hint.is_some() {
                            self.retry(now, out, config);
                        }
                    }
                }
            }
            Input::Message { .. } => {}
        }
    }

    /// Reads and writes interleaved, the key turning over the keys, as ABD's clients.
    fn workload(&self, config: &ClientConfig) -> (u8, Kind) {
        let seq = self.ops;
        let key = ((seq / 2 + u64::from(self.id)) % u64::from(config.keys)) as u8;
        let write = (seq + u64::from(self.id)) % 3 == 0 && !self.unresolved;
        (key, if write { Kind::Write((seq + 1) * 100 + u64::from(self.id)) } else { Kind::Read })
    }

    fn start(&mut self, now: Tick, key: u8, kind: Kind, out: &mut ClientOut, config: &ClientConfig) {
        let seq = self.ops;
        self.ops += 1;
        out.persist(self.ops);
        out.op(ClientOp::invoke(seq, op_fn(kind), op_value(key, kind, None)));
        self.current = Some(Current { seq, key, kind, invoked_at: now, attempts: 1, unknown: false });
        out.send(self.target, ClientMsg::Request { op: seq, key, kind });
        out.set_timer(ClientTimer::Resend, config.resend_ms, config.resend_ms);
    }

    /// Try again at `target`, or give up after `attempts` tries.
    fn retry(&mut self, now: Tick, out: &mut ClientOut, config: &ClientConfig) {
        let Some(c) = self.current.as_mut() else { return };
        if c.attempts >= config.attempts {
            // A refused write may still be taken later: the network can
            // deliver a duplicate of a try to a server that leads by then.
            let outcome = if c.unknown || matches!(c.kind, Kind::Write(_)) { Outcome::Info } else { Outcome::Fail };
            self.finish(now, outcome, out, config);
            return;
        }
        c.attempts += 1;
        out.send(self.target, ClientMsg::Request { op: c.seq, key: c.key, kind: c.kind });
        out.set_timer(ClientTimer::Resend, config.resend_ms, config.resend_ms);
    }

    fn finish(&mut self, now: Tick, outcome: Outcome, out: &mut ClientOut, config: &ClientConfig) {
        let Some(c) = self.current.take() else { return };
        match (outcome, c.kind) {
            (Outcome::Ok(_), _) => self.unresolved = false,
            (Outcome::Info, Kind::Write(_)) => self.unresolved = true,
            _ => {}
        }
        let (kind, read) = match outcome {
            Outcome::Ok(v) => (OpKind::Ok, v),
            Outcome::Fail => (OpKind::Fail, None),
            Outcome::Info => (OpKind::Info, None),
        };
        let invoke = ClientOp::invoke(c.seq, op_fn(c.kind), op_value(c.key, c.kind, None));
        out.op(invoke.complete(kind, op_value(c.key, c.kind, read)));
        if kind != OpKind::Ok {
            out.emit(
                Level::Notice,
                format_args!("client {} gives up on {} ({})", self.id, describe(c.key, c.kind), kind.name()),
            );
        }
        out.cancel_timer(ClientTimer::Resend);
        out.set_timer(ClientTimer::Next, config.think_ms[0], config.think_ms[1]);
        let done = Done { seq: c.seq, key: c.key, kind: c.kind, outcome, invoked_at: c.invoked_at, completed_at: now };
        if self.first.len() < FIRST_KEPT {
            self.first.push(done.clone());
        }
        if self.done.len() == DONE_KEPT {
            self.done.pop_front();
        }
        self.done.push_back(done);
    }
}

fn op_fn(kind: Kind) -> OpFn {
    match kind {
        Kind::Read => OpFn::Read,
        Kind::Write(_) => OpFn::Write,
    }
}

/// A write's value at once, a read's once known.
fn op_value(key: u8, kind: Kind, read: Value) -> OpValue {
    let value = match kind {
        Kind::Read => read,
        Kind::Write(v) => Some(v),
    };
    OpValue::Keyed { key: key_name(key).into(), value: value.map(|v| v.to_string().into()) }
}

/// `read x` or `x=305`.
pub fn describe(key: u8, kind: Kind) -> String {
    match kind {
        Kind::Read => format!("read {}", key_name(key)),
        Kind::Write(v) => format!("write {}={v}", key_name(key)),
    }
}

/// A client request: `read x`, `write x 5` or `x=5`.
pub fn parse_request(cmd: &str, keys: u32) -> Result<(u8, Kind), String> {
    let keys = &KEYS[..(keys as usize).min(KEYS.len())];
    let words: Vec<&str> = cmd.split(|c: char| c.is_whitespace() || c == '=').filter(|w| !w.is_empty()).collect();
    let key_of = |k: &str| {
        keys.iter()
            .position(|n| *n == k)
            .map(|i| i as u8)
            .ok_or_else(|| format!("no key {k:?}; keys: {}", keys.join(", ")))
    };
    let value_of = |v: &str| v.parse::<u64>().map_err(|_| format!("{v:?} is not a number"));
    match words.as_slice() {
        ["read", k] => Ok((key_of(k)?, Kind::Read)),
        ["write", k, v] => Ok((key_of(k)?, Kind::Write(value_of(v)?))),
        [k, v] if cmd.contains('=') => Ok((key_of(k)?, Kind::Write(value_of(v)?))),
        _ => Err(format!("expected `read x`, `write x 5` or `x=5`, got {cmd:?}")),
    }
}
