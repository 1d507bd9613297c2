//! The coordination node of `lock-zk`: a one-node ZooKeeper with what the
//! lock recipe needs (Hunt et al., "ZooKeeper: Wait-free coordination for
//! Internet-scale systems", 2010; "ZooKeeper Recipes and Solutions", Locks).
//!
//! The recipe, as a client runs it:
//!
//! 1. Create an ephemeral, sequential child of the lock node, named with a
//!    GUID so that a retried create finds the child it already made.
//! 2. List the children. If yours has the lowest sequence number, you hold
//!    the lock.
//! 3. Otherwise watch the child just below yours, and only it: a release then
//!    wakes one client, not the whole herd.
//! 4. When the watch fires, go to 2.
//!
//! Releasing is deleting your child. A client keeps its session alive with
//! heartbeats; a session that hears nothing for its timeout expires, and
//! its ephemeral children are deleted with it, which fires the watches on
//! them. Here the node answers `Create` and `GetChildren` with the child's
//! predecessor and sets the watch in the same step: steps 2 and 3 in one
//! round trip.
//!
//! The node persists its tree, its sessions and its watches. After a crash
//! it restarts every session's timeout from zero, as ZooKeeper does when a
//! new leader takes over.
//!
//! The sequence number is the fencing token. The holder is the lowest live
//! child, and every child below it is gone for good, so each new holder has
//! a higher number than every earlier one.

use crate::config::LockConfig;
use crate::message::{LockTimer, Msg};
use protocol::flat::{FlatMap, FlatSet};
use protocol::{Input, Level, NodeId, Out, Tick};
use serde::Serialize;

type LockOut = Out<Msg, LockTimer, crate::Durable>;

/// An ephemeral sequential child of the lock node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Entry {
    pub seq: u64,
    pub client: NodeId,
    /// The session it lives and dies with.
    #[serde(skip)]
    pub session: u64,
    /// The GUID in its name: the client's lock value.
    #[serde(skip)]
    pub attempt: u64,
}

/// A client session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Session {
    pub session: u64,
    pub client: NodeId,
    /// When it expires unless a heartbeat comes, on the node's clock.
    pub expires_at: Tick,
}

/// What the coordination node keeps across a crash: everything but the
/// sessions' deadlines, which restart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CoordinatorDurable {
    pub next_session: u64,
    pub next_seq: u64,
    pub sessions: FlatMap<u64, NodeId>,
    pub entries: FlatMap<u64, Entry>,
    pub watches: FlatSet<(u64, u64)>,
    pub last_token: Option<u64>,
}

/// The coordination node.
#[derive(Clone, Debug, Hash)]
pub struct Coordinator {
    // Configuration.
    id: NodeId,
    session_timeout_ms: Tick,

    // Persistent state.
    next_session: u64,
    next_seq: u64,
    sessions: FlatMap<u64, Session>,
    /// The children of the lock node, by sequence number.
    entries: FlatMap<u64, Entry>,
    /// `(watched, watcher)`: the entry `watcher` waits for `watched` to go.
    watches: FlatSet<(u64, u64)>,
    /// The sequence number of the current or latest holder.
    last_token: Option<u64>,
}

impl Coordinator {
    pub fn new(id: NodeId, config: &LockConfig, durable: Option<&CoordinatorDurable>) -> Self {
        let d = durable.cloned().unwrap_or(CoordinatorDurable { next_seq: config.first_token, ..Default::default() });
        Self {
            id,
            session_timeout_ms: config.session_timeout_ms,
            next_session: d.next_session,
            next_seq: d.next_seq,
            // Deadlines are set when the node starts.
            sessions: sessions_of(&d.sessions),
            entries: d.entries,
            watches: d.watches,
            last_token: d.last_token,
        }
    }

    /// The lowest live entry: the lock's holder.
    pub fn holder(&self) -> Option<&Entry> {
        self.entries.values().next()
    }
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }
    pub fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.values()
    }
    pub fn session(&self, session: u64) -> Option<&Session> {
        self.sessions.get(&session)
    }
    /// The token of the current or latest holder.
    pub fn last_token(&self) -> Option<u64> {
        self.last_token
    }
    /// Who waits for whom: `(watched, watcher)` sequence numbers.
    pub fn watches(&self) -> &FlatSet<(u64, u64)> {
        &self.watches
    }

    pub fn durable(&self) -> CoordinatorDurable {
        CoordinatorDurable {
            next_session: self.next_session,
            next_seq: self.next_seq,
            sessions: clients_of(&self.sessions),
            entries: self.entries.clone(),
            watches: self.watches.clone(),
            last_token: self.last_token,
        }
    }

    pub fn step(&mut self, now: Tick, input: Input<Msg, LockTimer>, out: &mut LockOut) {
        match input {
            Input::Start => self.on_start(now, out),
            Input::Timer(LockTimer::Session(session)) => self.on_session_timeout(now, session, out),
            Input::Message { from, msg } => match msg {
                Msg::Connect => self.on_connect(now, from, out),
                Msg::Ping { session, sent_at } => self.on_ping(now, from, session, sent_at, out),
                Msg::Create { session, attempt } => self.on_create(from, session, attempt, out),
                Msg::GetChildren { session, seq } => self.on_get_children(from, session, seq, out),
                Msg::Delete { session, seq } => self.on_delete(from, session, seq, out),
                _ => {}
            },
            Input::Timer(_) | Input::Request { .. } => {}
        }
    }

    /// Every session's timeout starts again from now.
    fn on_start(&mut self, now: Tick, out: &mut LockOut) {
        let t = self.session_timeout_ms;
        for s in self.sessions.values_mut() {
            s.expires_at = now + t;
            out.set_timer(LockTimer::Session(s.session), t, t);
        }
    }

    fn on_connect(&mut self, now: Tick, from: NodeId, out: &mut LockOut) {
        self.next_session += 1;
        let session = self.next_session;
        let t = self.session_timeout_ms;
        self.sessions.insert(session, Session { session, client: from, expires_at: now + t });
        out.persist(self.durable());
        out.set_timer(LockTimer::Session(session), t, t);
        out.send(from, Msg::Connected { session });
        out.emit(Level::Info, format_args!("coordinator {} opens session {session} for client {from}", self.id));
    }

    fn on_ping(&mut self, now: Tick, from: NodeId, session: u64, sent_at: Tick, out: &mut LockOut) {
        let t = self.session_timeout_ms;
        match self.sessions.get_mut(&session) {
            Some(s) => {
                s.expires_at = now + t;
                out.set_timer(LockTimer::Session(session), t, t);
                out.send(from, Msg::Pong { session, sent_at });
            }
            None => out.send(from, Msg::SessionExpired { session }),
        }
    }

    /// Step 1 and, in the same round trip, steps 2 and 3.
    fn on_create(&mut self, from: NodeId, session: u64, attempt: u64, out: &mut LockOut) {
        if !self.sessions.contains_key(&session) {
            out.send(from, Msg::SessionExpired { session });
            return;
        }
        let existing = self.entries.values().find(|e| e.session == session && e.attempt == attempt).map(|e| e.seq);
        let seq = match existing {
            Some(seq) => seq,
            None => {
                let seq = self.next_seq;
                self.next_seq += 1;
                let before = self.holder().map(|e| e.seq);
                self.entries.insert(seq, Entry { seq, client: from, session, attempt });
                self.note_holder(before, out);
                seq
            }
        };
        let predecessor = self.watch_predecessor(seq);
        out.persist(self.durable());
        out.send(from, Msg::Created { attempt, seq, predecessor });
    }

    /// Steps 2 and 3 again, after a watch fired (or to poll).
    fn on_get_children(&mut self, from: NodeId, session: u64, seq: u64, out: &mut LockOut) {
        if !self.sessions.contains_key(&session) {
            out.send(from, Msg::SessionExpired { session });
            return;
        }
        if !self.entries.contains_key(&seq) {
            out.send(from, Msg::Gone { seq });
            return;
        }
        let predecessor = self.watch_predecessor(seq);
        out.persist(self.durable());
        out.send(from, Msg::Children { seq, predecessor });
    }

    /// The entry just below `seq`, now watched for it; `None` if `seq` is the lowest.
    fn watch_predecessor(&mut self, seq: u64) -> Option<u64> {
        let predecessor = self.entries.range(..seq).next_back().map(|(&p, _)| p);
        if let Some(p) = predecessor {
            self.watches.insert((p, seq));
        }
        predecessor
    }

    fn on_delete(&mut self, from: NodeId, session: u64, seq: u64, out: &mut LockOut) {
        if self.entries.get(&seq).is_some_and(|e| e.session == session) {
            let before = self.holder().map(|e| e.seq);
            let fired = self.delete_entry(seq);
            self.note_holder(before, out);
            out.persist(self.durable());
            self.notify(fired, out);
        }
        // Deleting what is already gone succeeds too: the client retries deletes.
        out.send(from, Msg::Deleted { seq });
    }

    fn on_session_timeout(&mut self, now: Tick, session: u64, out: &mut LockOut) {
        let Some(s) = self.sessions.get(&session) else { return };
        if now < s.expires_at {
            // A drifting clock can round a timer a tick short: wait out the rest.
            let rest = s.expires_at - now;
            out.set_timer(LockTimer::Session(session), rest, rest);
            return;
        }
        let client = s.client;
        self.sessions.remove(&session);
        let before = self.holder().map(|e| e.seq);
        let doomed: Vec<u64> = self.entries.values().filter(|e| e.session == session).map(|e| e.seq).collect();
        let mut fired = Vec::new();
        for &seq in &doomed {
            fired.extend(self.delete_entry(seq));
        }
        let gone = match doomed.as_slice() {
            [] => String::new(),
            seqs => format!(": entry {} deleted", seqs.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")),
        };
        out.emit(
            Level::Notice,
            format_args!("coordinator {}: session {session} of client {client} expired{gone}", self.id),
        );
        self.note_holder(before, out);
        out.persist(self.durable());
        self.notify(fired, out);
    }

    /// Remove an entry and the watches it set; return the watch notifications
    /// its deletion fires, as `(client, deleted)`.
    fn delete_entry(&mut self, seq: u64) -> Vec<(NodeId, u64)> {
        self.entries.remove(&seq);
        self.watches.retain(|&(_, watcher)| watcher != seq);
        let watchers: Vec<u64> = self.watches.range((seq, 0)..=(seq, u64::MAX)).map(|&(_, w)| w).collect();
        let mut fired = Vec::new();
        for w in watchers {
            // Watches are one-shot.
            self.watches.remove(&(seq, w));
            if let Some(e) = self.entries.get(&w) {
                fired.push((e.client, seq));
            }
        }
        fired
    }

    fn notify(&self, fired: Vec<(NodeId, u64)>, out: &mut LockOut) {
        for (client, deleted) in fired {
            out.send(client, Msg::WatchFired { deleted });
        }
    }

    /// Log a change of holder, and remember the new holder's token.
    fn note_holder(&mut self, before: Option<u64>, out: &mut LockOut) {
        let Some(holder) = self.holder().cloned() else { return };
        if Some(holder.seq) != before {
            self.last_token = Some(holder.seq);
            out.emit(
                Level::Notice,
                format_args!(
                    "coordinator {}: entry {} of client {} is the lowest: it holds the lock",
                    self.id, holder.seq, holder.client
                ),
            );
        }
    }
}

// The two conversions between a coordinator's sessions and what it
// persists insert one by one rather than collect: collecting sorts (the
// maps are sorted already), and each sort is a copy of code in the app.

/// Sessions restored from what was persisted, deadlines unset.
fn sessions_of(clients: &FlatMap<u64, NodeId>) -> FlatMap<u64, Session> {
    let mut sessions = FlatMap::new();
    for (&session, &client) in clients {
        sessions.insert(session, Session { session, client, expires_at: 0 });
    }
    sessions
}

/// What is persisted of the sessions: whose each is.
fn clients_of(sessions: &FlatMap<u64, Session>) -> FlatMap<u64, NodeId> {
    let mut clients = FlatMap::new();
    for (&session, info) in sessions {
        clients.insert(session, info.client);
    }
    clients
}
