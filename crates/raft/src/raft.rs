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

use crate::bug::Bug;
use crate::clients::Clients;
use crate::config::RaftConfig;
use crate::log::{Entry, Log};
use crate::message::Msg;
use protocol::{Cluster, Input, Level, Look, NodeId, NodeRef, Out, Panel, Picture, Protocol, Tick};
use serde::Serialize;

/// A server's role (§5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: Log,
}

/// A node as the trace shows it. Field names and order are a public format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
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
#[derive(Clone, Debug, Hash)]
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

    // Volatile state on candidates: bit `i` set = node `i` voted for us.
    // Node ids are below `protocol::MAX_NODES` = 128.
    votes: u128,

    // Volatile state on leaders, indexed by node id.
    next_index: Vec<u64>,
    match_index: Vec<u64>,

    /// Client requests this server reported and has not completed.
    clients: Clients,
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
    /// A leader's `nextIndex` for `peer` (Figure 2): the next entry it
    /// will send there. `None` unless this node leads.
    pub fn next_index(&self, peer: NodeId) -> Option<u64> {
        (self.role == Role::Leader).then(|| self.next_index.get(peer as usize).copied()).flatten()
    }
    /// A leader's `matchIndex` for `peer`: the highest entry known to be
    /// replicated there. `None` unless this node leads.
    pub fn match_index(&self, peer: NodeId) -> Option<u64> {
        (self.role == Role::Leader).then(|| self.match_index.get(peer as usize).copied()).flatten()
    }

    /// Whether this node runs with the deliberately broken variant `bug`.
    fn has(&self, bug: Bug) -> bool {
        self.config.bug == Some(bug)
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
                out.emit(Level::Notice, format_args!("node {} steps down: saw term {term}", self.id));
            }
        }
    }

    /// §5.2: start an election.
    fn start_election(&mut self, out: &mut RaftOut) {
        self.current_term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.id);
        self.leader_id = None;
        self.votes = 1 << self.id;
        out.persist(self.durable());
        out.emit(Level::Info, format_args!("node {} starts an election for term {}", self.id, self.current_term));
        self.reset_election_timer(out);
        if self.votes.count_ones() as usize >= self.cluster.majority() {
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
        out.emit(Level::Notice, format_args!("node {} is leader of term {}", self.id, self.current_term));
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
    ///
    /// The highest index stored on a majority is the majority-th largest
    /// `match_index`. Terms never decrease along a log, so if that entry is
    /// not of the current term, no lower one is either: one look suffices.
    fn advance_commit(&mut self, out: &mut RaftOut) {
        let mut matched = [0u64; protocol::MAX_NODES as usize];
        let matched = &mut matched[..self.match_index.len()];
        matched.copy_from_slice(&self.match_index);
        matched.sort_unstable_by(|a, b| b.cmp(a));
        let index = matched[self.cluster.majority() - 1];
        // BUG commit-previous-terms: counting replicas is enough for any term.
        let term_ok = self.log.term_at(index) == Some(self.current_term) || self.has(Bug::CommitPreviousTerms);
        if index > self.commit_index && term_ok {
            self.commit_index = index;
            out.emit(Level::Info, format_args!("leader {} commits through index {index}", self.id));
        }
        self.apply_committed(out);
    }

    /// Apply committed entries in order (Figure 2, "Rules for Servers"),
    /// and tell the clients waiting for them.
    fn apply_committed(&mut self, out: &mut RaftOut) {
        self.last_applied = self.last_applied.max(self.commit_index);
        self.clients.committed(self.commit_index, &self.log, out);
    }

    fn on_request_vote(&mut self, from: NodeId, term: u64, last_log_index: u64, last_log_term: u64, out: &mut RaftOut) {
        // §5.4.1: the candidate's log is at least as up to date as ours.
        // BUG vote-without-log-check: skip that restriction.
        let up_to_date = (last_log_term, last_log_index) >= (self.log.last_term(), self.log.last_index())
            || self.has(Bug::VoteWithoutLogCheck);
        let free = self.voted_for.is_none() || self.voted_for == Some(from);
        let vote_granted = term == self.current_term && free && up_to_date;
        let reply = Msg::RequestVoteReply { term: self.current_term, vote_granted };
        if vote_granted && self.has(Bug::VoteBeforePersist) {
            // BUG vote-before-persist: the grant leaves before the vote is
            // saved; a crash right after the send forgets the vote.
            self.voted_for = Some(from);
            out.send(from, reply);
            out.persist(self.durable());
            self.reset_election_timer(out);
            return;
        }
        if vote_granted {
            self.voted_for = Some(from);
            out.persist(self.durable());
            self.reset_election_timer(out);
        }
        out.send(from, reply);
    }

    fn on_vote_reply(&mut self, from: NodeId, term: u64, vote_granted: bool, out: &mut RaftOut) {
        if self.role != Role::Candidate || term != self.current_term || !vote_granted {
            return;
        }
        self.votes |= 1 << from;
        if self.votes.count_ones() as usize >= self.cluster.majority() {
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
            out.emit(Level::Info, format_args!("node {} follows leader {from} in term {term}", self.id));
        }
        self.leader_id = Some(from);
        self.reset_election_timer(out);

        // BUG skip-consistency-check: an entry at prev_log_index of another
        // term does not stop the append (§5.3), so the new entries land after
        // a prefix that differs from the leader's. A log too short to hold
        // prev_log_index still refuses: there is nowhere to put them.
        let skip_check = self.has(Bug::SkipConsistencyCheck) && self.log.term_at(prev_log_index).is_some();
        if self.log.term_at(prev_log_index) != Some(prev_log_term) && !skip_check {
            out.send(from, reply(false, 0, self.log.last_index()));
            return;
        }
        let last_new = prev_log_index + entries.len() as u64;
        // BUG truncate-always: drop everything after prev_log_index, even
        // entries that match, so a late duplicate shortens the log.
        let truncated = self.has(Bug::TruncateAlways) && self.log.last_index() > prev_log_index;
        if truncated {
            self.log.truncate(prev_log_index);
        }
        if self.log.merge(prev_log_index, &entries) || truncated {
            out.persist(self.durable());
        }
        // Only entries known to match the leader's log can be committed here;
        // a late, stale AppendEntries never lowers the commit index.
        // BUG commit-past-match: clamp only to the log's length, so a stale
        // tail after the last new entry, never checked against the leader's
        // log, is committed too (Figure 2, AppendEntries rule 5).
        let commit = if self.has(Bug::CommitPastMatch) {
            leader_commit.min(self.log.last_index())
        } else {
            leader_commit.min(last_new)
        };
        if commit > self.commit_index {
            self.commit_index = commit;
            self.apply_committed(out);
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
        let op = self.clients.invoke(&cmd, out);
        if self.role != Role::Leader {
            self.clients.reject(&op, out);
        }
        match (self.role, self.leader_id) {
            (Role::Leader, _) => {
                // BUG overwrite-own-entry: an uncommitted entry of this term
                // at the end of the log is replaced, not appended after.
                let last = self.log.last_index();
                if self.has(Bug::OverwriteOwnEntry)
                    && self.log.last_term() == self.current_term
                    && last > self.commit_index
                {
                    self.log.truncate(last - 1);
                }
                self.log.push(Entry::new(self.current_term, &cmd));
                let index = self.log.last_index();
                self.match_index[self.id as usize] = index;
                self.clients.appended(op, index, self.current_term, out);
                out.persist(self.durable());
                out.emit(Level::Info, format_args!("leader {} appends {cmd:?} at index {index}", self.id));
                for peer in self.cluster.peers(self.id) {
                    if self.next_index[peer as usize] == index {
                        self.send_append(peer, out);
                    }
                }
                self.advance_commit(out);
            }
            (_, Some(leader)) => out
                .emit(Level::Warn, format_args!("node {} rejects {cmd:?}: not the leader; try node {leader}", self.id)),
            (_, None) => out.emit(
                Level::Warn,
                format_args!("node {} drops {cmd:?}: no leader known in term {}", self.id, self.current_term),
            ),
        }
    }
}

impl Protocol for Raft {
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
    const NAME: &'static str = "raft";
    type Config = RaftConfig;
    type Msg = Msg;
    type Timer = RaftTimer;
    type Durable = Durable;
    type View = RaftView;
    type Checker = crate::checker::RaftChecker;
    const CLIENT_OPS: &'static [protocol::OpFn] = &[protocol::OpFn::Write];

    fn new(id: NodeId, cluster: &Cluster, config: &RaftConfig, durable: Option<&Durable>) -> Self {
        let durable = durable.cloned().unwrap_or_default();
        Self {
            id,
            cluster: cluster.clone(),
            config: config.clone(),
            current_term: durable.current_term,
            // BUG forget-vote: the vote of the current term is not restored.
            voted_for: if config.bug == Some(Bug::ForgetVote) { None } else { durable.voted_for },
            log: durable.log,
            role: Role::Follower,
            commit_index: 0,
            last_applied: 0,
            leader_id: None,
            votes: 0,
            next_index: Vec::new(),
            match_index: Vec::new(),
            clients: Clients::default(),
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

    /// The leader appends it; any other node rejects it (naming the leader
    /// it knows, if any).
    fn client_request(&self, n: u64) -> Option<String> {
        (self.role == Role::Leader).then(|| format!("x={n}"))
    }

    fn look(&self) -> Look {
        crate::present::look(self)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        crate::present::inspect(self, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &RaftConfig) -> Picture {
        crate::present::picture(nodes)
    }
}

impl Raft {
    /// What a `Persist` saves: the state that survives a crash.
    pub fn durable(&self) -> Durable {
        Durable { current_term: self.current_term, voted_for: self.voted_for, log: self.log.clone() }
    }
}

#[cfg(test)]
impl Raft {
    /// Set the volatile state a test of the checker needs, without driving
    /// the node through an election.
    pub(crate) fn set_volatile_for_test(&mut self, role: Role, commit_index: u64) {
        self.role = role;
        self.commit_index = commit_index;
        self.last_applied = commit_index;
    }

    /// Make this node the leader with the given `nextIndex`/`matchIndex`.
    pub(crate) fn set_leader_for_test(&mut self, next_index: Vec<u64>, match_index: Vec<u64>) {
        self.role = Role::Leader;
        self.next_index = next_index;
        self.match_index = match_index;
    }
}
