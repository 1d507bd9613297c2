//! A client of `lock-zk`, running the ZooKeeper lock recipe (see
//! [`crate::coordinator`] for the recipe's steps) in a loop:
//!
//! 1. Connect: open a session, then send a heartbeat every `heartbeat_ms`.
//! 2. After a back-off, create an entry named with a fresh lock value (the
//!    recipe's GUID); a create that times out is sent again with the same
//!    value, so it finds the entry it may already have made.
//! 3. If the entry is the lowest, hold the lock; otherwise wait for the
//!    watch on the predecessor, then list the children again. A lost watch
//!    notification is covered by listing again after a session timeout.
//! 4. Holding, work, then write to the storage with the entry's sequence
//!    number as the fencing token.
//! 5. Once the storage answers, delete the entry (again until the
//!    coordinator confirms) and go to 2.
//!
//! The client counts its session alive until a session timeout after the
//! latest heartbeat that was answered, measured from when that heartbeat was
//! sent, on its own clock. When that runs out, or the coordinator says the
//! session expired, it drops the lock and connects again. A client whose
//! clock runs slow, or that was paused, can believe in a session the
//! coordinator already expired; the fencing token is what keeps the storage
//! safe from it (Kleppmann, "How to do distributed locking", 2016).

use crate::client::{ClientDurable, Held};
use crate::config::{Layout, LockConfig};
use crate::message::{LockTimer, Msg};
use crate::ops::AttemptOps;
use protocol::{Input, Level, NodeId, Out, Tick};
use serde::Serialize;

type LockOut = Out<Msg, LockTimer, crate::Durable>;

/// Where a `lock-zk` client is in its loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ZkPhase {
    /// Waiting for a session.
    Connecting,
    /// Backing off; the `retry` timer is armed.
    Idle,
    /// Waiting for its entry to be created.
    Creating,
    /// Its entry has a predecessor: waiting for the watch to fire.
    Waiting,
    /// Listing the children again.
    Checking,
    /// Its entry is the lowest: it holds the lock and works.
    Holding,
    /// The write is out; waiting for the storage.
    Writing,
    /// Deleting its entry.
    Releasing,
}

/// One client of `lock-zk`.
#[derive(Clone, Debug, Hash)]
pub struct ZkClient {
    // Configuration.
    id: NodeId,
    coordinator: NodeId,
    storage: NodeId,
    config: LockConfig,

    // Persistent state.
    attempt: u64,

    // Volatile state.
    phase: ZkPhase,
    session: Option<u64>,
    /// Its entry, once created.
    seq: Option<u64>,
    lock: Option<Held>,
    /// Until when its session is alive as far as it can tell, on its clock.
    session_until: Tick,
    /// When it first asked for the current session, on its clock.
    connect_sent_at: Tick,
    /// The client's clock when it last ran.
    local_time: Tick,
}

impl ZkClient {
    pub fn new(id: NodeId, layout: &Layout, config: &LockConfig, durable: Option<&ClientDurable>) -> Self {
        Self {
            id,
            coordinator: layout.servers().start,
            storage: layout.storage(),
            config: config.clone(),
            attempt: durable.map_or(0, |d| d.attempt),
            phase: ZkPhase::Connecting,
            session: None,
            seq: None,
            lock: None,
            session_until: 0,
            connect_sent_at: 0,
            local_time: 0,
        }
    }

    pub fn phase(&self) -> ZkPhase {
        self.phase
    }
    pub fn session(&self) -> Option<u64> {
        self.session
    }
    /// Its entry's sequence number, once created.
    pub fn seq(&self) -> Option<u64> {
        self.seq
    }
    pub fn attempt(&self) -> u64 {
        self.attempt
    }
    /// The lock, while the client believes it holds it.
    pub fn lock(&self) -> Option<&Held> {
        self.lock.as_ref()
    }
    /// Until when it believes its session alive, on its clock.
    pub fn session_until(&self) -> Tick {
        self.session_until
    }
    pub fn local_time(&self) -> Tick {
        self.local_time
    }
    /// The Jepsen operations of the current attempt ([`crate::ops`]).
    fn ops(&self) -> AttemptOps {
        AttemptOps { attempt: self.attempt }
    }

    /// The client no longer believes it holds the lock.
    fn let_go(&mut self, out: &mut LockOut) {
        if let Some(held) = self.lock.take() {
            self.ops().released(held.token, out);
        }
    }

    pub fn durable(&self) -> ClientDurable {
        ClientDurable { attempt: self.attempt }
    }

    pub fn step(&mut self, now: Tick, input: Input<Msg, LockTimer>, out: &mut LockOut) {
        self.local_time = now;
        match input {
            Input::Start => self.connect(now, out),
            Input::Timer(LockTimer::Retry) => self.on_retry(now, out),
            Input::Timer(LockTimer::Timeout) => self.on_timeout(out),
            Input::Timer(LockTimer::Ping) => self.on_ping_timer(now, out),
            Input::Timer(LockTimer::SessionLost) => {
                if self.session.is_some() {
                    let t = self.config.session_timeout_ms;
                    self.lose_session(&format!("no heartbeat answered within {t} ms by its clock"), out);
                }
            }
            Input::Timer(LockTimer::Work) => self.on_work_done(out),
            Input::Message { msg, .. } => match msg {
                Msg::Connected { session } => self.on_connected(now, session, out),
                Msg::Pong { session, sent_at } => self.on_pong(now, session, sent_at, out),
                Msg::SessionExpired { session } if self.session == Some(session) => {
                    self.lose_session("the coordinator expired its session", out)
                }
                Msg::Created { attempt, seq, predecessor } => self.on_created(attempt, seq, predecessor, out),
                Msg::Children { seq, predecessor } if self.phase == ZkPhase::Checking && self.seq == Some(seq) => {
                    out.cancel_timer(LockTimer::Timeout);
                    self.place(predecessor, out);
                }
                Msg::Gone { seq }
                    if self.seq == Some(seq) && matches!(self.phase, ZkPhase::Waiting | ZkPhase::Checking) =>
                {
                    self.ops().not_acquired(out);
                    out.cancel_timer(LockTimer::Timeout);
                    self.seq = None;
                    self.back_off(out);
                }
                Msg::WatchFired { .. } if self.phase == ZkPhase::Waiting => self.list_children(out),
                Msg::WriteAck { attempt, accepted } if self.phase == ZkPhase::Writing && attempt == self.attempt => {
                    self.ops().written(self.seq, Some(accepted), out);
                    self.release(out)
                }
                Msg::Deleted { seq } if self.phase == ZkPhase::Releasing && self.seq == Some(seq) => {
                    out.cancel_timer(LockTimer::Timeout);
                    self.seq = None;
                    self.back_off(out);
                }
                _ => {}
            },
            Input::Timer(_) | Input::Request { .. } => {}
        }
    }

    fn back_off(&mut self, out: &mut LockOut) {
        self.phase = ZkPhase::Idle;
        let [lo, hi] = self.config.backoff_ms;
        out.set_timer(LockTimer::Retry, lo, hi);
    }

    fn request_timer(&self, out: &mut LockOut) {
        out.set_timer(LockTimer::Timeout, self.config.request_timeout_ms, self.config.request_timeout_ms);
    }

    /// Step 1: ask for a session.
    fn connect(&mut self, now: Tick, out: &mut LockOut) {
        self.phase = ZkPhase::Connecting;
        self.connect_sent_at = now;
        out.send(self.coordinator, Msg::Connect);
        self.request_timer(out);
    }

    fn on_connected(&mut self, now: Tick, session: u64, out: &mut LockOut) {
        if self.phase != ZkPhase::Connecting {
            // A late answer to a repeated connect: that session expires unused.
            return;
        }
        self.session = Some(session);
        // The session's timeout started no earlier than the request left.
        self.session_until = self.connect_sent_at + self.config.session_timeout_ms;
        let rest = self.session_until.saturating_sub(now).max(1);
        out.cancel_timer(LockTimer::Timeout);
        out.set_timer(LockTimer::SessionLost, rest, rest);
        out.set_timer(LockTimer::Ping, self.config.heartbeat_ms, self.config.heartbeat_ms);
        self.back_off(out);
    }

    fn on_ping_timer(&mut self, now: Tick, out: &mut LockOut) {
        if let Some(session) = self.session {
            out.send(self.coordinator, Msg::Ping { session, sent_at: now });
            out.set_timer(LockTimer::Ping, self.config.heartbeat_ms, self.config.heartbeat_ms);
        }
    }

    /// An answered heartbeat keeps the session alive for a timeout after it was sent.
    fn on_pong(&mut self, now: Tick, session: u64, sent_at: Tick, out: &mut LockOut) {
        if self.session != Some(session) {
            return;
        }
        let until = sent_at + self.config.session_timeout_ms;
        if until > self.session_until && until > now {
            self.session_until = until;
            out.set_timer(LockTimer::SessionLost, until - now, until - now);
            if let Some(lock) = &mut self.lock {
                lock.valid_until = until;
            }
        }
    }

    fn on_retry(&mut self, now: Tick, out: &mut LockOut) {
        if self.phase != ZkPhase::Idle {
            return;
        }
        let Some(session) = self.session else {
            self.connect(now, out);
            return;
        };
        // Step 2: an entry named with a lock value never used before.
        self.attempt += 1;
        self.ops().acquire(out);
        self.phase = ZkPhase::Creating;
        self.seq = None;
        out.persist(self.durable());
        out.send(self.coordinator, Msg::Create { session, attempt: self.attempt });
        self.request_timer(out);
    }

    fn on_created(&mut self, attempt: u64, seq: u64, predecessor: Option<u64>, out: &mut LockOut) {
        if self.phase == ZkPhase::Creating && attempt == self.attempt {
            out.cancel_timer(LockTimer::Timeout);
            self.seq = Some(seq);
            self.place(predecessor, out);
        } else if self.seq != Some(seq) {
            // An entry made by a repeated create after this client moved on:
            // delete it, or it would block the queue while the session lives.
            if let Some(session) = self.session {
                out.send(self.coordinator, Msg::Delete { session, seq });
            }
        }
    }

    /// Step 3: the lowest entry holds the lock; any other waits for its predecessor.
    fn place(&mut self, predecessor: Option<u64>, out: &mut LockOut) {
        let seq = self.seq.expect("placed after the entry exists");
        match predecessor {
            None => {
                self.ops().acquired(Some(seq), out);
                self.phase = ZkPhase::Holding;
                self.lock = Some(Held { token: Some(seq), valid_until: self.session_until, since: self.local_time });
                let [lo, hi] = self.config.hold_ms;
                out.set_timer(LockTimer::Work, lo, hi);
                out.emit(Level::Notice, format_args!("client {} holds the lock (entry {seq})", self.id));
            }
            Some(p) => {
                self.phase = ZkPhase::Waiting;
                // If the watch notification is lost, look again after a while.
                let t = self.config.session_timeout_ms;
                out.set_timer(LockTimer::Timeout, t, t);
                out.emit(Level::Info, format_args!("client {}: entry {seq} waits for entry {p}", self.id));
            }
        }
    }

    fn list_children(&mut self, out: &mut LockOut) {
        if let (Some(session), Some(seq)) = (self.session, self.seq) {
            self.phase = ZkPhase::Checking;
            out.send(self.coordinator, Msg::GetChildren { session, seq });
            self.request_timer(out);
        }
    }

    fn on_timeout(&mut self, out: &mut LockOut) {
        match self.phase {
            ZkPhase::Connecting => {
                out.send(self.coordinator, Msg::Connect);
                self.request_timer(out);
            }
            ZkPhase::Creating => {
                if let Some(session) = self.session {
                    out.send(self.coordinator, Msg::Create { session, attempt: self.attempt });
                    self.request_timer(out);
                }
            }
            ZkPhase::Waiting | ZkPhase::Checking => self.list_children(out),
            ZkPhase::Writing => {
                out.emit(Level::Info, format_args!("client {}: the storage did not answer", self.id));
                self.ops().written(self.seq, None, out);
                self.release(out);
            }
            ZkPhase::Releasing => self.send_delete(out),
            ZkPhase::Idle | ZkPhase::Holding => {}
        }
    }

    /// Step 4: the work is done; write with the entry's number as the token.
    fn on_work_done(&mut self, out: &mut LockOut) {
        let Some(lock) = &self.lock else { return };
        if self.phase != ZkPhase::Holding {
            return;
        }
        let token = lock.token;
        self.phase = ZkPhase::Writing;
        self.ops().write(token, out);
        out.send(self.storage, Msg::Write { attempt: self.attempt, token });
        self.request_timer(out);
        let with = crate::message::WithToken(token);
        out.emit(Level::Info, format_args!("client {} writes{with}", self.id));
    }

    /// Step 5: delete the entry, which hands the lock to its successor.
    fn release(&mut self, out: &mut LockOut) {
        self.let_go(out);
        self.phase = ZkPhase::Releasing;
        self.send_delete(out);
    }

    fn send_delete(&mut self, out: &mut LockOut) {
        if let (Some(session), Some(seq)) = (self.session, self.seq) {
            out.send(self.coordinator, Msg::Delete { session, seq });
            self.request_timer(out);
        }
    }

    /// The session is gone, and with it the entry and the lock.
    fn lose_session(&mut self, reason: &str, out: &mut LockOut) {
        let held = if self.lock.is_some() { " and the lock" } else { "" };
        out.emit(Level::Notice, format_args!("client {} loses its session{held}: {reason}", self.id));
        match self.phase {
            // The entry goes with the session: the lock was never had.
            ZkPhase::Creating | ZkPhase::Waiting | ZkPhase::Checking => self.ops().not_acquired(out),
            // The storage's answer is no longer awaited.
            ZkPhase::Writing => self.ops().written(self.seq, None, out),
            ZkPhase::Idle | ZkPhase::Connecting | ZkPhase::Holding | ZkPhase::Releasing => {}
        }
        self.let_go(out);
        self.session = None;
        self.seq = None;
        for timer in [LockTimer::Ping, LockTimer::SessionLost, LockTimer::Work, LockTimer::Timeout] {
            out.cancel_timer(timer);
        }
        self.back_off(out);
    }
}
