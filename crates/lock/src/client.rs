//! A lock client for `lock-lease`, `lock-fenced` and `redlock`.
//!
//! It loops through the steps of the Redis "Redlock" description, which with
//! one server is the plain `SET NX PX` lease:
//!
//! 1. After a back-off it takes a fresh lock value and the time on its own
//!    clock, and asks every lock server at once.
//! 2. Once a majority granted (one of one, or three of five), the lock is
//!    valid for `ttl − elapsed − drift allowance`, measured on its clock. If
//!    that is positive it holds the lock, and arms its `lease` timer for it.
//! 3. If so many servers refuse that no majority can form, or the answers
//!    are late, or the grants came too late to leave any validity, it
//!    releases on every server that did not refuse and backs off.
//! 4. Holding, it works (the `work` timer), then writes to the storage with
//!    its token (`lock-lease`, `lock-fenced`; Redlock has none).
//! 5. When the storage answers, it releases on every server and starts over.
//!
//! The client believes it holds the lock until its `lease` timer fires, and
//! writes only while it believes so. Both its timers run on its local clock:
//! a clock that runs slow makes it believe too long. A paused client's timers
//! fire while it is frozen and are handled in order when it wakes, so its
//! work finishes and the write goes out before it learns that the lease ran
//! out: the process pause of Kleppmann's "How to do distributed locking"
//! (2016). Reading the clock just before writing would not save it either,
//! since the pause can fall between the check and the write.

use crate::config::{Layout, LockConfig, Variant};
use crate::message::{LockTimer, Msg};
use crate::ops::AttemptOps;
use protocol::flat::{FlatMap, FlatSet};
use protocol::{Input, Level, NodeId, Out, Tick};
use serde::Serialize;
use std::ops::Range;

type LockOut = Out<Msg, LockTimer, crate::Durable>;

/// Where a client is in its loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Backing off; the `retry` timer is armed.
    Idle,
    /// Waiting for the servers' answers.
    Acquiring,
    /// Holding the lock and working.
    Holding,
    /// The write is out; waiting for the storage.
    Writing,
}

/// The lock as its holder believes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Held {
    /// The fencing token, if the algorithm has one.
    pub token: Option<u64>,
    /// When the lock stops being valid, on the holder's clock.
    pub valid_until: Tick,
    /// When the holder came to believe it holds the lock, on its clock
    /// (where the app starts the countdown). Not part of any view.
    #[serde(skip)]
    pub since: Tick,
}

/// What a client keeps across a crash: its last lock value, so that it
/// never uses one twice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClientDurable {
    pub attempt: u64,
}

/// One client of `lock-lease`, `lock-fenced` or `redlock`.
#[derive(Clone, Debug, Hash)]
pub struct LeaseClient {
    // Configuration.
    id: NodeId,
    servers: Range<NodeId>,
    storage: NodeId,
    majority: usize,
    /// Whether a grant's number is a token the client writes with.
    tokens: bool,
    config: LockConfig,

    // Persistent state.
    attempt: u64,

    // Volatile state.
    phase: Phase,
    /// When the current attempt started, on the client's clock.
    started_at: Tick,
    /// Servers that granted the current attempt, with their numbers.
    granted: FlatMap<NodeId, u64>,
    /// Servers that refused the current attempt.
    refused: FlatSet<NodeId>,
    lock: Option<Held>,
    /// The client's clock when it last ran.
    local_time: Tick,
}

impl LeaseClient {
    pub fn new(
        id: NodeId,
        layout: &Layout,
        variant: Variant,
        config: &LockConfig,
        durable: Option<&ClientDurable>,
    ) -> Self {
        Self {
            id,
            servers: layout.servers(),
            storage: layout.storage(),
            majority: layout.majority(),
            tokens: variant != Variant::Redlock,
            config: config.clone(),
            attempt: durable.map_or(0, |d| d.attempt),
            phase: Phase::Idle,
            started_at: 0,
            granted: FlatMap::new(),
            refused: FlatSet::new(),
            lock: None,
            local_time: 0,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }
    /// The current (or last) lock value.
    pub fn attempt(&self) -> u64 {
        self.attempt
    }
    /// The lock, while the client believes it holds it.
    pub fn lock(&self) -> Option<&Held> {
        self.lock.as_ref()
    }
    pub fn local_time(&self) -> Tick {
        self.local_time
    }
    pub fn durable(&self) -> ClientDurable {
        ClientDurable { attempt: self.attempt }
    }

    /// The Jepsen operations of the current attempt ([`crate::ops`]).
    fn ops(&self) -> AttemptOps {
        AttemptOps { attempt: self.attempt }
    }

    /// The current attempt's fencing token: the first granting server's
    /// number, when the algorithm has tokens.
    fn token(&self) -> Option<u64> {
        if self.tokens {
            self.granted.values().next().copied()
        } else {
            None
        }
    }

    pub fn step(&mut self, now: Tick, input: Input<Msg, LockTimer>, out: &mut LockOut) {
        self.local_time = now;
        match input {
            Input::Start => self.back_off(out),
            Input::Timer(LockTimer::Retry) => self.on_retry(now, out),
            Input::Timer(LockTimer::Timeout) => self.on_timeout(out),
            Input::Timer(LockTimer::Lease) => self.on_lease_end(out),
            Input::Timer(LockTimer::Work) => self.on_work_done(out),
            Input::Message { from, msg: Msg::Granted { attempt, token } } => {
                self.on_granted(now, from, attempt, token, out)
            }
            Input::Message { from, msg: Msg::Refused { attempt, .. } } => self.on_refused(from, attempt, out),
            Input::Message { msg: Msg::WriteAck { attempt, accepted }, .. } => {
                self.on_write_ack(attempt, accepted, out)
            }
            Input::Timer(_) | Input::Message { .. } | Input::Request { .. } => {}
        }
    }

    fn back_off(&mut self, out: &mut LockOut) {
        self.phase = Phase::Idle;
        let [lo, hi] = self.config.backoff_ms;
        out.set_timer(LockTimer::Retry, lo, hi);
    }

    /// Step 1: a fresh lock value, the start time, and a request to every server.
    fn on_retry(&mut self, now: Tick, out: &mut LockOut) {
        if self.phase != Phase::Idle {
            return;
        }
        self.attempt += 1;
        self.ops().acquire(out);
        self.phase = Phase::Acquiring;
        self.started_at = now;
        self.granted.clear();
        self.refused.clear();
        // Never reuse a lock value, even after a crash.
        out.persist(self.durable());
        for server in self.servers.clone() {
            out.send(server, Msg::Acquire { attempt: self.attempt, ttl_ms: self.config.ttl_ms });
        }
        out.set_timer(LockTimer::Timeout, self.config.request_timeout_ms, self.config.request_timeout_ms);
    }

    fn on_granted(&mut self, now: Tick, from: NodeId, attempt: u64, token: u64, out: &mut LockOut) {
        if attempt != self.attempt || self.phase == Phase::Idle {
            // A grant for an attempt given up: free it rather than wait for its TTL.
            out.send(from, Msg::Release { attempt });
            return;
        }
        self.granted.insert(from, token);
        if self.phase == Phase::Acquiring && self.granted.len() >= self.majority {
            self.decide(now, out);
        }
    }

    fn on_refused(&mut self, from: NodeId, attempt: u64, out: &mut LockOut) {
        if attempt != self.attempt || self.phase != Phase::Acquiring {
            return;
        }
        self.refused.insert(from);
        if self.servers.len() - self.refused.len() < self.majority {
            if self.granted.is_empty() {
                // The lock is busy: the everyday case, not worth a log line.
                self.ops().not_acquired(out);
                self.release(out);
                out.cancel_timer(LockTimer::Timeout);
                self.back_off(out);
            } else {
                let reason = format!("refused by {} of {} servers", self.refused.len(), self.servers.len());
                self.give_up(&reason, out);
            }
        }
    }

    /// Step 2: the lock is valid for what is left of the TTL, less the drift allowance.
    fn decide(&mut self, now: Tick, out: &mut LockOut) {
        let elapsed = now - self.started_at;
        let validity = self.config.ttl_ms as i64 - elapsed as i64 - self.config.drift_allowance_ms as i64;
        if validity <= 0 {
            self.give_up(&format!("granted after {elapsed} ms, too late to be valid"), out);
            return;
        }
        let validity = validity as Tick;
        let token = self.token();
        self.ops().acquired(token, out);
        self.phase = Phase::Holding;
        self.lock = Some(Held { token, valid_until: now + validity, since: now });
        out.cancel_timer(LockTimer::Timeout);
        out.set_timer(LockTimer::Lease, validity, validity);
        let [lo, hi] = self.config.hold_ms;
        out.set_timer(LockTimer::Work, lo, hi);
        let what = match token {
            Some(t) => format!("token {t}"),
            None => format!("{} of {} servers", self.granted.len(), self.servers.len()),
        };
        out.emit(
            Level::Notice,
            format_args!("client {} holds the lock ({what}) for {validity} ms by its clock", self.id),
        );
    }

    /// Step 3: release everywhere it may have been granted, and back off.
    fn give_up(&mut self, reason: &str, out: &mut LockOut) {
        out.emit(Level::Info, format_args!("client {} gives up: {reason}", self.id));
        self.ops().not_acquired(out);
        self.release(out);
        out.cancel_timer(LockTimer::Timeout);
        self.back_off(out);
    }

    /// Every server that did not refuse may hold the lock value: free it there.
    fn release(&mut self, out: &mut LockOut) {
        self.let_go(out);
        for server in self.servers.clone() {
            if !self.refused.contains(&server) {
                out.send(server, Msg::Release { attempt: self.attempt });
            }
        }
    }

    fn on_timeout(&mut self, out: &mut LockOut) {
        match self.phase {
            Phase::Acquiring => self.give_up("no majority in time", out),
            Phase::Writing => {
                out.emit(Level::Info, format_args!("client {}: the storage did not answer", self.id));
                self.ops().written(self.token(), None, out);
                self.finish(out);
            }
            Phase::Idle | Phase::Holding => {}
        }
    }

    /// The lease ran out on the client's clock: it no longer holds the lock.
    fn on_lease_end(&mut self, out: &mut LockOut) {
        if self.lock.is_none() {
            return;
        }
        match self.phase {
            Phase::Holding => {
                out.emit(Level::Notice, format_args!("client {}: its lease ran out before the work was done", self.id));
                out.cancel_timer(LockTimer::Work);
                self.release(out);
                self.back_off(out);
            }
            _ => {
                self.let_go(out);
                out.emit(Level::Notice, format_args!("client {}: its lease ran out while its write is out", self.id));
            }
        }
    }

    /// Step 4: the work is done; write, as long as it believes it holds the lock.
    fn on_work_done(&mut self, out: &mut LockOut) {
        let Some(lock) = &self.lock else { return };
        if self.phase != Phase::Holding {
            return;
        }
        let token = lock.token;
        self.phase = Phase::Writing;
        self.ops().write(token, out);
        out.send(self.storage, Msg::Write { attempt: self.attempt, token });
        out.set_timer(LockTimer::Timeout, self.config.request_timeout_ms, self.config.request_timeout_ms);
        let with = crate::message::WithToken(token);
        out.emit(Level::Info, format_args!("client {} writes{with}", self.id));
    }

    fn on_write_ack(&mut self, attempt: u64, accepted: bool, out: &mut LockOut) {
        if attempt != self.attempt || self.phase != Phase::Writing {
            return;
        }
        if !accepted {
            out.emit(Level::Notice, format_args!("client {}: the storage rejected its write", self.id));
        }
        self.ops().written(self.token(), Some(accepted), out);
        self.finish(out);
    }

    /// The client no longer believes it holds the lock.
    fn let_go(&mut self, out: &mut LockOut) {
        if let Some(held) = self.lock.take() {
            self.ops().released(held.token, out);
        }
    }

    /// Step 5: release on every server and start over.
    fn finish(&mut self, out: &mut LockOut) {
        out.cancel_timer(LockTimer::Timeout);
        out.cancel_timer(LockTimer::Lease);
        self.release(out);
        self.back_off(out);
    }
}
