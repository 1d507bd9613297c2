//! A lock server in the style of Redis `SET lock value NX PX ttl`, for
//! `lock-lease`, `lock-fenced` and each of Redlock's five servers.
//!
//! The server holds at most one lease: the client, its lock value (the
//! attempt number), a token, and an expiry time on the server's own clock.
//! `Acquire` on a free lock grants it; on a held one it is refused. `Release`
//! frees the lock only if the value matches (the release script of the Redis
//! description), so a late release cannot free someone else's lock. The
//! server expires the lease with its own timer when its clock reaches the
//! expiry, so a server whose clock runs fast frees the lock early.
//!
//! Every grant takes the next number of a counter that the server persists
//! before it answers. Under `lock-fenced` that number is the fencing token
//! of Kleppmann's "How to do distributed locking" (2016): it only grows, even
//! across a crash. Under `lock-lease` and `redlock` it only names the grant:
//! nothing checks it. The lease itself is volatile, as in a Redis without an
//! fsync'd append-only file: a crash frees the lock.

use crate::config::LockConfig;
use crate::message::{LockTimer, Msg};
use protocol::{Input, Level, NodeId, Out, Tick};
use serde::Serialize;

type LockOut = Out<Msg, LockTimer, crate::Durable>;

/// The lock as the server grants it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Lease {
    pub client: NodeId,
    /// The client's lock value.
    pub attempt: u64,
    pub token: u64,
    /// When the lease runs out, on the server's clock.
    pub expires_at: Tick,
}

/// What a lock server keeps across a crash: the token counter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ServerDurable {
    pub last_token: Option<u64>,
}

/// One lock server.
#[derive(Clone, Debug, Hash)]
pub struct LockServer {
    // Configuration.
    id: NodeId,
    first_token: u64,

    // Persistent state.
    /// The token of the latest grant, `None` before the first.
    last_token: Option<u64>,

    // Volatile state.
    lease: Option<Lease>,
}

impl LockServer {
    pub fn new(id: NodeId, config: &LockConfig, durable: Option<&ServerDurable>) -> Self {
        Self { id, first_token: config.first_token, last_token: durable.and_then(|d| d.last_token), lease: None }
    }

    /// The lease the server believes in, if any.
    pub fn lease(&self) -> Option<&Lease> {
        self.lease.as_ref()
    }

    /// The token of the latest grant.
    pub fn last_token(&self) -> Option<u64> {
        self.last_token
    }

    pub fn durable(&self) -> ServerDurable {
        ServerDurable { last_token: self.last_token }
    }

    pub fn step(&mut self, now: Tick, input: Input<Msg, LockTimer>, out: &mut LockOut) {
        match input {
            Input::Message { from, msg: Msg::Acquire { attempt, ttl_ms } } => {
                self.on_acquire(now, from, attempt, ttl_ms, out)
            }
            Input::Message { from, msg: Msg::Release { attempt } } => self.on_release(from, attempt, out),
            Input::Timer(LockTimer::Expire) => self.on_expire(now, out),
            // Nothing else is addressed to a lock server.
            Input::Start | Input::Message { .. } | Input::Timer(_) | Input::Request { .. } => {}
        }
    }

    /// `SET lock attempt NX PX ttl_ms`: grant a free lock, refuse a held one.
    fn on_acquire(&mut self, now: Tick, from: NodeId, attempt: u64, ttl_ms: Tick, out: &mut LockOut) {
        // Redis also expires a key lazily when it is touched after its time.
        if self.lease.as_ref().is_some_and(|l| now >= l.expires_at) {
            out.cancel_timer(LockTimer::Expire);
            self.expire(out);
        }
        match &self.lease {
            None => {
                let token = self.last_token.map_or(self.first_token, |t| t + 1);
                self.last_token = Some(token);
                let expires_at = now + ttl_ms;
                self.lease = Some(Lease { client: from, attempt, token, expires_at });
                // The token must survive a crash before anyone learns it.
                out.persist(self.durable());
                out.set_timer(LockTimer::Expire, ttl_ms, ttl_ms);
                out.send(from, Msg::Granted { attempt, token });
                out.emit(
                    Level::Info,
                    format_args!("server {} grants the lock to client {from} with token {token}, until {expires_at} on its clock", self.id),
                );
            }
            // A duplicated request gets the same answer.
            Some(l) if l.client == from && l.attempt == attempt => {
                out.send(from, Msg::Granted { attempt, token: l.token });
            }
            Some(l) => out.send(from, Msg::Refused { attempt, holder: l.client }),
        }
    }

    /// Delete the lock only if it still holds the caller's value.
    fn on_release(&mut self, from: NodeId, attempt: u64, out: &mut LockOut) {
        if self.lease.as_ref().is_some_and(|l| l.client == from && l.attempt == attempt) {
            let lease = self.lease.take().expect("checked");
            out.cancel_timer(LockTimer::Expire);
            out.emit(
                Level::Info,
                format_args!("server {} frees the lock: client {from} released token {}", self.id, lease.token),
            );
        }
    }

    fn on_expire(&mut self, now: Tick, out: &mut LockOut) {
        match &self.lease {
            // A drifting clock can round a timer a tick short: wait out the rest.
            Some(l) if now < l.expires_at => out.set_timer(LockTimer::Expire, l.expires_at - now, l.expires_at - now),
            Some(_) => self.expire(out),
            None => {}
        }
    }

    fn expire(&mut self, out: &mut LockOut) {
        if let Some(l) = self.lease.take() {
            out.emit(
                Level::Notice,
                format_args!(
                    "server {}: the lease of client {} (token {}) expired on its clock",
                    self.id, l.client, l.token
                ),
            );
        }
    }
}
