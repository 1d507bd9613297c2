//! One Raft server, following Figure 2 of "In Search of an Understandable
//! Consensus Algorithm (Extended Version)", Ongaro & Ousterhout, 2014.
//!
//! A follower that hears nothing for an election timeout becomes a candidate,
//! votes for itself and asks every peer for a vote (§5.2). A peer grants at
//! most one vote per term, and only to a candidate whose log is at least as
//! up to date as its own (§5.4.1). A candidate with votes from a majority
//! becomes leader and sends AppendEntries: heartbeats when idle, entries when
//! clients ask. A follower accepts entries only if its log holds the entry
//! just before them (the consistency check, §5.3) and otherwise makes the
//! leader back up until the logs match. A leader commits an entry of its own
//! term once a majority stores it, and with it everything before (§5.4.2).
//! Any message with a higher term turns its receiver into a follower of that
//! term (§5.1).

use crate::config::RaftConfig;
use crate::log::{Entry, Log};
use crate::message::Msg;
use protocol::{Cluster, Input, Level, Look, NodeId, Out, Protocol, Tick};
use serde::Serialize;
use std::collections::BTreeSet;

/// A server's role (§5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// Raft's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RaftTimer {
    /// Followers and candidates start an election when it fires.
    Election,
    /// Leaders send AppendEntries to every peer when it fires.
    Heartbeat,
}

impl protocol::Timer for RaftTimer {
    fn name(&self) -> &'static str {
        match self {
            RaftTimer::Election => "election",
            RaftTimer::Heartbeat => "heartbeat",
        }
    }
}

/// The state a server keeps on stable storage (Figure 2, "Persistent state").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Durable {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: Log,
}

/// A node as the trace shows it. Field names and order are a public format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaftView {
    pub id: NodeId,
    pub up: bool,
    pub role: Role,
    pub term: u64,
    pub voted_for: Option<NodeId>,
    /// Number of committed entries (0 = none).
    pub commit_index: u64,
    pub log: Log,
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Raft {
    // Configuration: never changes.
    id: NodeId,
    cluster: Cluster,
    config: RaftConfig,

    // Persistent state on all servers.
    current_term: u64,
    voted_for: Option<NodeId>,
    log: Log,

    // Volatile state on all servers.
    role: Role,
    commit_index: u64,
    last_applied: u64,
    /// The leader of `current_term`, once known (to redirect clients).
    leader_id: Option<NodeId>,

    // Volatile state on candidates.
    votes: BTreeSet<NodeId>,

    // Volatile state on leaders, indexed by node id.
    next_index: Vec<u64>,
    match_index: Vec<u64>,
}

type RaftOut = Out<Msg, RaftTimer, Durable>;

impl Raft {
    pub fn id(&self) -> NodeId {
        self.id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn current_term(&self) -> u64 {
        self.current_term
    }
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    pub fn log(&self) -> &Log {
        &self.log
    }
    pub fn commit_index(&self) -> u64 {
        self.commit_index
    }
    pub fn last_applied(&self) -> u64 {
        self.last_applied
    }
    pub fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }

    fn reset_election_timer(&self, out: &mut RaftOut) {
        let [lo, hi] = self.config.election_timeout_ms;
        out.set_timer(RaftTimer::Election, lo, hi);
    }

    /// §5.1: a higher term seen anywhere makes this server a follower of it.
    fn observe_term(&mut self, term: u64, out: &mut RaftOut) {
        if term > self.current_term {
            let was_leader = self.role == Role::Leader;
            self.current_term = term;
            self.voted_for = None;
            self.role = Role::Follower;
            self.leader_id = None;
            out.persist(self.durable());
            if was_leader {
                out.cancel_timer(RaftTimer::Heartbeat);
                self.reset_election_timer(out);
                out.emit(Level::Notice, format!("node {} steps down: saw term {term}", self.id));
            }
        }
    }

    /// §5.2: start an election.
    fn start_election(&mut self, out: &mut RaftOut) {
        self.current_term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.id);
        self.leader_id = None;
        self.votes = BTreeSet::from([self.id]);
        out.persist(self.durable());
        out.emit(Level::Info, format!("node {} starts an election for term {}", self.id, self.current_term));
        self.reset_election_timer(out);
        if self.votes.len() >= self.cluster.majority() {
            self.become_leader(out);
            return;
        }
        let msg = Msg::RequestVote {
            term: self.current_term,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        for peer in self.cluster.peers(self.id) {
            out.send(peer, msg.clone());
        }
    }

    fn become_leader(&mut self, out: &mut RaftOut) {
        self.role = Role::Leader;
        self.leader_id = Some(self.id);
        let n = self.cluster.nodes as usize;
        self.next_index = vec![self.log.last_index() + 1; n];
        self.match_index = vec![0; n];
        self.match_index[self.id as usize] = self.log.last_index();
        out.cancel_timer(RaftTimer::Election);
        out.emit(Level::Notice, format!("node {} is leader of term {}", self.id, self.current_term));
        self.broadcast_append(out);
        // A cluster of one commits on its own.
        self.advance_commit(out);
    }

    fn broadcast_append(&mut self, out: &mut RaftOut) {
        for peer in self.cluster.peers(self.id) {
            self.send_append(peer, out);
        }
        out.set_timer(RaftTimer::Heartbeat, self.config.heartbeat_ms, self.config.heartbeat_ms);
    }

    fn send_append(&self, peer: NodeId, out: &mut RaftOut) {
        let next = self.next_index[peer as usize];
        let prev_log_index = next - 1;
        let msg = Msg::AppendEntries {
            term: self.current_term,
            prev_log_index,
            prev_log_term: self.log.term_at(prev_log_index).expect("next_index <= last_index + 1"),
            entries: self.log.slice_from(next, self.config.max_entries_per_append),
            leader_commit: self.commit_index,
        };
        out.send(peer, msg);
    }

    /// §5.3, §5.4.2: commit the highest index stored on a majority whose
    /// entry is from the current term; everything before it commits with it.
    fn advance_commit(&mut self, out: &mut RaftOut) {
        let majority = self.cluster.majority();
        let mut index = self.log.last_index();
        while index > self.commit_index {
            let term_ok = self.log.term_at(index) == Some(self.current_term) || self.commits_previous_terms();
            if term_ok && self.match_index.iter().filter(|&&m| m >= index).count() >= majority {
                self.commit_index = index;
                out.emit(Level::Info, format!("leader {} commits through index {index}", self.id));
                break;
            }
            index -= 1;
        }
        self.apply_committed();
    }

    #[cfg(feature = "broken")]
    fn commits_previous_terms(&self) -> bool {
        self.config.broken == Some(crate::config::Broken::CommitPreviousTerms)
    }
    #[cfg(not(feature = "broken"))]
    fn commits_previous_terms(&self) -> bool {
        false
    }

    /// Apply committed entries in order (Figure 2, "Rules for Servers").
    fn apply_committed(&mut self) {
        self.last_applied = self.last_applied.max(self.commit_index);
    }

    fn on_request_vote(&mut self, from: NodeId, term: u64, last_log_index: u64, last_log_term: u64, out: &mut RaftOut) {
        // §5.4.1: the candidate's log is at least as up to date as ours.
        let up_to_date = (last_log_term, last_log_index) >= (self.log.last_term(), self.log.last_index());
        let free = self.voted_for.is_none() || self.voted_for == Some(from);
        let vote_granted = term == self.current_term && free && up_to_date;
        if vote_granted {
            self.voted_for = Some(from);
            out.persist(self.durable());
            self.reset_election_timer(out);
        }
        out.send(from, Msg::RequestVoteReply { term: self.current_term, vote_granted });
    }

    fn on_vote_reply(&mut self, from: NodeId, term: u64, vote_granted: bool, out: &mut RaftOut) {
        if self.role != Role::Candidate || term != self.current_term || !vote_granted {
            return;
        }
        self.votes.insert(from);
        if self.votes.len() >= self.cluster.majority() {
            self.become_leader(out);
        }
    }

    /// AppendEntries receiver implementation (Figure 2).
    fn on_append_entries(&mut self, from: NodeId, msg: Msg, out: &mut RaftOut) {
        let Msg::AppendEntries { term, prev_log_index, prev_log_term, entries, leader_commit } = msg else {
            unreachable!("called for AppendEntries only")
        };
        let term_now = self.current_term;
        let reply = |success, match_index, last_log_index| Msg::AppendEntriesReply {
            term: term_now,
            success,
            match_index,
            last_log_index,
        };
        if term < self.current_term {
            out.send(from, reply(false, 0, self.log.last_index()));
            return;
        }
        // A current-term AppendEntries comes from the one leader of the term.
        if self.role != Role::Follower {
            self.role = Role::Follower;
            out.emit(Level::Info, format!("node {} follows leader {from} in term {term}", self.id));
        }
        self.leader_id = Some(from);
        self.reset_election_timer(out);

        if self.log.term_at(prev_log_index) != Some(prev_log_term) {
            out.send(from, reply(false, 0, self.log.last_index()));
            return;
        }
        let last_new = prev_log_index + entries.len() as u64;
        if self.log.merge(prev_log_index, &entries) {
            out.persist(self.durable());
        }
        // Only entries known to match the leader's log can be committed here;
        // a late, stale AppendEntries never lowers the commit index.
        let commit = leader_commit.min(last_new);
        if commit > self.commit_index {
            self.commit_index = commit;
            self.apply_committed();
        }
        out.send(from, reply(true, last_new, self.log.last_index()));
    }

    fn on_append_reply(
        &mut self,
        from: NodeId,
        term: u64,
        success: bool,
        match_index: u64,
        last_log_index: u64,
        out: &mut RaftOut,
    ) {
        if self.role != Role::Leader || term != self.current_term {
            return;
        }
        let peer = from as usize;
        if success {
            if match_index > self.match_index[peer] {
                self.match_index[peer] = match_index;
                self.advance_commit(out);
            }
            self.next_index[peer] = self.next_index[peer].max(match_index + 1);
            if self.next_index[peer] <= self.log.last_index() {
                self.send_append(from, out);
            }
        } else {
            // Back up and retry (§5.3), skipping past the end of the follower's log.
            let next = self.next_index[peer].saturating_sub(1).min(last_log_index + 1).max(1);
            self.next_index[peer] = next.max(self.match_index[peer] + 1);
            self.send_append(from, out);
        }
    }

    fn on_client_request(&mut self, cmd: String, out: &mut RaftOut) {
        match (self.role, self.leader_id) {
            (Role::Leader, _) => {
                self.log.push(Entry::new(self.current_term, &cmd));
                let index = self.log.last_index();
                self.match_index[self.id as usize] = index;
                out.persist(self.durable());
                out.emit(Level::Info, format!("leader {} appends {cmd:?} at index {index}", self.id));
                for peer in self.cluster.peers(self.id) {
                    if self.next_index[peer as usize] == index {
                        self.send_append(peer, out);
                    }
                }
                self.advance_commit(out);
            }
            (_, Some(leader)) => {
                out.emit(Level::Warn, format!("node {} rejects {cmd:?}: not the leader; try node {leader}", self.id))
            }
            (_, None) => out.emit(
                Level::Warn,
                format!("node {} drops {cmd:?}: no leader known in term {}", self.id, self.current_term),
            ),
        }
    }
}

impl Protocol for Raft {
    const NAME: &'static str = "raft";
    type Config = RaftConfig;
    type Msg = Msg;
    type Timer = RaftTimer;
    type Durable = Durable;
    type View = RaftView;
    type Checker = crate::checker::RaftChecker;

    fn new(id: NodeId, cluster: &Cluster, config: &RaftConfig, durable: Option<&Durable>) -> Self {
        let durable = durable.cloned().unwrap_or_default();
        Self {
            id,
            cluster: cluster.clone(),
            config: config.clone(),
            current_term: durable.current_term,
            voted_for: durable.voted_for,
            log: durable.log,
            role: Role::Follower,
            commit_index: 0,
            last_applied: 0,
            leader_id: None,
            votes: BTreeSet::new(),
            next_index: Vec::new(),
            match_index: Vec::new(),
        }
    }

    fn step(&mut self, _now: Tick, input: Input<Msg, RaftTimer>, out: &mut RaftOut) {
        match input {
            Input::Start => self.reset_election_timer(out),
            Input::Timer(RaftTimer::Election) => {
                if self.role != Role::Leader {
                    self.start_election(out);
                }
            }
            Input::Timer(RaftTimer::Heartbeat) => {
                if self.role == Role::Leader {
                    self.broadcast_append(out);
                }
            }
            Input::Request { cmd } => self.on_client_request(cmd, out),
            Input::Message { from, msg } => {
                self.observe_term(msg.term(), out);
                match msg {
                    Msg::RequestVote { term, last_log_index, last_log_term } => {
                        self.on_request_vote(from, term, last_log_index, last_log_term, out)
                    }
                    Msg::RequestVoteReply { term, vote_granted } => self.on_vote_reply(from, term, vote_granted, out),
                    msg @ Msg::AppendEntries { .. } => self.on_append_entries(from, msg, out),
                    Msg::AppendEntriesReply { term, success, match_index, last_log_index } => {
                        self.on_append_reply(from, term, success, match_index, last_log_index, out)
                    }
                }
            }
        }
    }

    fn view(&self, up: bool) -> RaftView {
        RaftView {
            id: self.id,
            up,
            role: self.role,
            term: self.current_term,
            voted_for: self.voted_for,
            commit_index: self.commit_index,
            log: self.log.clone(),
        }
    }

    fn look(&self) -> Look {
        Look {
            role: self.role.name(),
            badge: format!("T{}", self.current_term),
            ring_timer: (self.role != Role::Leader).then_some("election"),
        }
    }
}

impl Raft {
    /// What a `Persist` saves: the state that survives a crash.
    pub fn durable(&self) -> Durable {
        Durable { current_term: self.current_term, voted_for: self.voted_for, log: self.log.clone() }
    }
}
