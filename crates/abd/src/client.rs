//! An ABD client (Attiya, Bar-Noy & Dolev 1995, §3; multi-writer as in
//! Lynch & Shvartsman 1997). Every operation takes two round trips to a
//! majority of the servers:
//!
//! 1. Query: ask every server for its (timestamp, value) of the key; wait
//!    for a majority; keep the highest.
//! 2. Update: a write sends (highest counter + 1, its id) with its value; a
//!    read writes back the highest (timestamp, value) it saw, so that no
//!    later read can find an older one. Wait for a majority to acknowledge.
//!
//! A writer that crashes and restarts keeps its identity, which the
//! crash-stop original does not consider: a write lost in its update phase
//! may sit on a minority with `(k, id)` while the next write's query meets
//! only `k - 1` and would pick `(k, id)` again for another value, so that
//! servers disagree on one timestamp's value and reads flip between them
//! (the soak found it: seed 5762). So a writer persists each counter it
//! writes with before sending it, and never goes below it: the counter is
//! one more than the highest of what the query met and what it last used.
//!
//! Two majorities always share a server, so an operation's query sees
//! every operation that completed before it began. The broken variant
//! `no-write-back` returns a read after phase 1: a read can then return a
//! value a later read does not see (a new-old inversion).

use crate::message::{key_name, AbdMsg, AbdTimer, Stored, Ts};
use crate::present::{self, Held, OpText};
use crate::{AbdBug, AbdConfig, AbdOut};
use protocol::linearizable::Shown;
use protocol::linearizable::Value;
use protocol::{ClientOp, Input, Level, NodeId, OpFn, OpKind, OpValue, Tick};
use serde::Serialize;
use std::collections::VecDeque;

/// How many finished operations a client remembers, for the history panel.
pub const DONE_KEPT: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Query,
    Update,
}

/// What an operation does: a read, or a write of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Read,
    Write(u64),
}

/// The operation a client has in progress.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Current {
    /// The client's operation number (also its Jepsen id).
    pub seq: u64,
    pub key: u8,
    pub kind: Kind,
    pub phase: Phase,
    /// Servers that answered this phase, as a bitset of server ids.
    pub answered: u128,
    /// The highest register seen in phase 1; in phase 2, what is written.
    pub best: Stored,
    pub invoked_at: Tick,
}

/// A finished operation: a read with what it returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Done {
    pub seq: u64,
    pub key: u8,
    pub kind: Kind,
    /// What a read returned or a write wrote.
    pub value: Value,
    pub invoked_at: Tick,
    pub completed_at: Tick,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Client {
    pub(crate) id: NodeId,
    pub(crate) servers: u32,
    /// Operations started so far (persisted before each starts).
    pub ops: u64,
    /// The highest timestamp counter it has written with (persisted before
    /// the update that carries it is sent).
    pub counter: u64,
    pub current: Option<Current>,
    /// The last [`DONE_KEPT`] finished operations, oldest first.
    pub done: VecDeque<Done>,
}

impl Client {
    pub fn new(id: NodeId, servers: u32, ops: u64, counter: u64) -> Self {
        Self { id, servers, ops, counter, current: None, done: VecDeque::new() }
    }

    fn majority(&self) -> u32 {
        self.servers / 2 + 1
    }

    pub fn step(&mut self, now: Tick, input: Input<AbdMsg, AbdTimer>, out: &mut AbdOut, config: &AbdConfig) {
        match input {
            Input::Start => out.set_timer(AbdTimer::Next, config.think_ms[0], config.think_ms[1]),
            Input::Timer(AbdTimer::Next) => {
                if self.current.is_none() {
                    let (key, kind) = self.workload(config);
                    self.start(now, key, kind, out, config);
                }
            }
            Input::Timer(AbdTimer::Resend) => self.resend(out, config),
            Input::Request { cmd } => match parse_request(&cmd, config.keys) {
                Err(e) => out.emit(Level::Notice, format_args!("client {}: {e}", self.id)),
                Ok(_) if self.current.is_some() => {
                    out.emit(Level::Notice, format_args!("client {} is busy with an operation; try later", self.id))
                }
                Ok((key, kind)) => {
                    out.cancel_timer(AbdTimer::Next);
                    self.start(now, key, kind, out, config);
                }
            },
            Input::Message { from, msg } => self.on_message(now, from, msg, out, config),
        }
    }

    /// The client's own workload: reads and writes interleaved, the key
    /// turning over the registers. Writes write `(op + 1) * 100 + id`, a
    /// value no other write writes (for clients below 100).
    fn workload(&self, config: &AbdConfig) -> (u8, Kind) {
        let seq = self.ops;
        let key = ((seq / 2 + u64::from(self.id)) % u64::from(config.keys)) as u8;
        let write = (seq + u64::from(self.id)) % 3 == 0;
        (key, if write { Kind::Write((seq + 1) * 100 + u64::from(self.id)) } else { Kind::Read })
    }

    fn start(&mut self, now: Tick, key: u8, kind: Kind, out: &mut AbdOut, config: &AbdConfig) {
        let seq = self.ops;
        self.ops += 1;
        out.persist(crate::AbdDurable::Client { ops: self.ops, counter: self.counter });
        let (f, value) = op_of(key, kind, None);
        out.op(ClientOp::invoke(seq, f, value));
        self.current = Some(Current {
            seq,
            key,
            kind,
            phase: Phase::Query,
            answered: 0,
            best: Stored::default(),
            invoked_at: now,
        });
        for s in 0..self.servers {
            out.send(s, AbdMsg::Query { op: seq, key });
        }
        out.set_timer(AbdTimer::Resend, config.resend_ms, config.resend_ms);
        // A step's line goes after its other commands, so a
        // `crash-mid-step` after k commands cuts where it always did.
        out.emit(Level::Info, format_args!("client {} starts {}: queries the servers", self.id, OpText(key, kind)));
    }

    fn resend(&mut self, out: &mut AbdOut, config: &AbdConfig) {
        let Some(c) = &self.current else { return };
        let silent = self.servers - c.answered.count_ones();
        let servers = if silent == 1 { "server" } else { "servers" };
        for s in (0..self.servers).filter(|s| c.answered & (1 << s) == 0) {
            out.send(s, phase_msg(c));
        }
        out.set_timer(AbdTimer::Resend, config.resend_ms, config.resend_ms);
        out.emit(
            Level::Info,
            format_args!("client {} re-sends its {} to {silent} {servers}", self.id, present::phase_name(c)),
        );
    }

    fn on_message(&mut self, now: Tick, from: NodeId, msg: AbdMsg, out: &mut AbdOut, config: &AbdConfig) {
        let majority = self.majority();
        let Some(c) = self.current.as_mut() else { return };
        if from >= self.servers || c.answered & (1 << from) != 0 {
            return;
        }
        match (msg, c.phase) {
            (AbdMsg::QueryReply { op, stored, .. }, Phase::Query) if op == c.seq => {
                c.answered |= 1 << from;
                if stored.ts > c.best.ts {
                    c.best = stored;
                }
            }
            (AbdMsg::UpdateAck { op, .. }, Phase::Update) if op == c.seq => c.answered |= 1 << from,
            _ => return,
        }
        if c.answered.count_ones() < majority {
            return;
        }
        let (id, found) = (self.id, Held(c.key, c.best));
        match (c.phase, c.kind) {
            (Phase::Query, Kind::Read) if config.bug == Some(AbdBug::NoWriteBack) => {
                self.finish(now, out, config);
                // BUG no-write-back: the point of the broken variant, so a notice.
                out.emit(Level::Notice, format_args!("client {id} returned {found} without a write-back"));
            }
            (Phase::Query, kind) => {
                let write = if let Kind::Write(v) = kind {
                    let counter = c.best.ts.counter.max(self.counter) + 1;
                    c.best = Stored { ts: Ts { counter, writer: self.id }, value: Some(v) };
                    self.counter = counter;
                    out.persist(crate::AbdDurable::Client { ops: self.ops, counter });
                    Some(Held(c.key, c.best))
                } else {
                    None
                };
                c.phase = Phase::Update;
                c.answered = 0;
                for s in 0..self.servers {
                    out.send(s, phase_msg(c));
                }
                out.set_timer(AbdTimer::Resend, config.resend_ms, config.resend_ms);
                match write {
                    Some(new) => out.emit(Level::Info, format_args!("client {id} found {found}; writes {new}")),
                    None => out.emit(Level::Info, format_args!("client {id} found {found}; writes it back")),
                }
            }
            (Phase::Update, _) => self.finish(now, out, config),
        }
    }

    fn finish(&mut self, now: Tick, out: &mut AbdOut, config: &AbdConfig) {
        let Some(c) = self.current.take() else { return };
        let value = match c.kind {
            Kind::Read => c.best.value,
            Kind::Write(v) => Some(v),
        };
        let (f, invoked) = op_of(c.key, c.kind, None);
        out.op(ClientOp::invoke(c.seq, f, invoked).complete(OpKind::Ok, op_of(c.key, c.kind, value).1));
        out.cancel_timer(AbdTimer::Resend);
        out.set_timer(AbdTimer::Next, config.think_ms[0], config.think_ms[1]);
        let (id, ms) = (self.id, now.saturating_sub(c.invoked_at));
        match c.kind {
            Kind::Read => out.emit(
                Level::Info,
                format_args!(
                    "client {id} finishes read {}: {} @{} ({ms} ms)",
                    key_name(c.key),
                    Shown(value),
                    c.best.ts
                ),
            ),
            Kind::Write(_) => {
                out.emit(Level::Info, format_args!("client {id} finishes write {} ({ms} ms)", Held(c.key, c.best)))
            }
        }
        if self.done.len() == DONE_KEPT {
            self.done.pop_front();
        }
        self.done.push_back(Done {
            seq: c.seq,
            key: c.key,
            kind: c.kind,
            value,
            invoked_at: c.invoked_at,
            completed_at: now,
        });
    }
}

fn phase_msg(c: &Current) -> AbdMsg {
    match c.phase {
        Phase::Query => AbdMsg::Query { op: c.seq, key: c.key },
        Phase::Update => AbdMsg::Update { op: c.seq, key: c.key, stored: c.best },
    }
}

/// The Jepsen function and value of an operation: a write's value at once,
/// a read's once known (`read` is what it returned).
fn op_of(key: u8, kind: Kind, read: Value) -> (OpFn, OpValue) {
    let (f, value) = match kind {
        Kind::Read => (OpFn::Read, read),
        Kind::Write(v) => (OpFn::Write, Some(v)),
    };
    (f, OpValue::Keyed { key: key_name(key).into(), value: value.map(|v| v.to_string().into()) })
}

/// A client request: `read x`, `write x 5` or `x=5`.
pub fn parse_request(cmd: &str, keys: u32) -> Result<(u8, Kind), String> {
    let words: Vec<&str> = cmd.split(|c: char| c.is_whitespace() || c == '=').filter(|w| !w.is_empty()).collect();
    let key_of = |k: &str| {
        crate::message::KEYS[..keys as usize].iter().position(|n| *n == k).map(|i| i as u8).ok_or_else(|| {
            format!("no register {k:?}; registers: {}", crate::message::KEYS[..keys as usize].join(", "))
        })
    };
    let value_of = |v: &str| v.parse::<u64>().map_err(|_| format!("{v:?} is not a number"));
    match words.as_slice() {
        ["read", k] => Ok((key_of(k)?, Kind::Read)),
        ["write", k, v] => Ok((key_of(k)?, Kind::Write(value_of(v)?))),
        [k, v] if cmd.contains('=') => Ok((key_of(k)?, Kind::Write(value_of(v)?))),
        _ => Err(format!("expected `read x`, `write x 5` or `x=5`, got {cmd:?}")),
    }
}
