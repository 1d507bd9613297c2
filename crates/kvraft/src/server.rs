//! A kv-raft server: a Raft node of the `raft` crate (reused, not copied)
//! plus the state machine its committed log drives.
//!
//! Client requests become log entries at the leader; once an entry commits
//! the server that appended it applies it and answers the client with the
//! result, so reads are linearizable too (they take a slot in the log and
//! see every write committed before it). A server that is not the leader
//! refuses and names the leader it knows: a partitioned minority, which
//! cannot commit, never answers, and never answers with an old value.
//!
//! The state machine is volatile: after a crash Raft restarts with its
//! persisted log and a commit index of 0, and the store is rebuilt as the
//! commit index advances again.

use crate::client::{ClientMsg, Kind};
use crate::store::{Command, Store};
use crate::{KvDurable, KvMsg, KvOut, KvRaftBug, KvRaftConfig, KvTimer};
use protocol::flat::FlatMap;
use protocol::{Cluster, Input, Level, NodeId, Protocol, Tick};
use raft::{Raft, Role};

#[derive(Clone, Debug, Hash)]
pub struct KvServer {
    pub raft: Raft,
    pub store: Store,
    /// Entries applied to `store` (Figure 2's `lastApplied`).
    pub applied: u64,
    /// Per client, the operation this server appended and its index: the
    /// client is answered when that index is applied.
    pending: FlatMap<NodeId, (u64, u64)>,
}

impl KvServer {
    pub fn new(id: NodeId, config: &KvRaftConfig, durable: Option<&raft::Durable>) -> Self {
        let cluster = Cluster { nodes: config.clients.servers };
        let raft = Raft::new(id, &cluster, &config.raft, durable);
        Self { raft, store: Store::default(), applied: 0, pending: FlatMap::new() }
    }

    /// Client requests this server waits to answer.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    pub fn step(&mut self, now: Tick, input: Input<KvMsg, KvTimer>, out: &mut KvOut, config: &KvRaftConfig) {
        match input {
            Input::Start => self.raft_step(now, Input::Start, out),
            Input::Timer(KvTimer::Raft(t)) => self.raft_step(now, Input::Timer(t), out),
            Input::Message { from, msg: KvMsg::Raft(msg) } => self.raft_step(now, Input::Message { from, msg }, out),
            Input::Message { from, msg: KvMsg::Client(ClientMsg::Request { op, key, kind }) } => {
                self.on_request(now, from, op, key, kind, out, config)
            }
            Input::Request { .. } => out.emit(
                Level::Notice,
                format_args!("server {} takes no requests: ask a client (`read x`, `x=5`)", self.raft.id()),
            ),
            Input::Timer(KvTimer::Client(_)) | Input::Message { .. } => {}
        }
    }

    /// Step the Raft node and carry out what it asks, then apply what it
    /// committed. Raft's own client operations are the servers', not the
    /// clients': the clients report theirs.
    fn raft_step(&mut self, now: Tick, input: Input<raft::Msg, raft::RaftTimer>, out: &mut KvOut) {
        let mut inner = out.inner();
        self.raft.step(now, input, &mut inner);
        inner.drain_ops().for_each(drop);
        out.forward(&mut inner, KvMsg::Raft, KvTimer::Raft, KvDurable::Server);
        self.apply(out);
    }

    #[allow(clippy::too_many_arguments)]
    fn on_request(
        &mut self,
        now: Tick,
        from: NodeId,
        op: u64,
        key: u8,
        kind: Kind,
        out: &mut KvOut,
        config: &KvRaftConfig,
    ) {
        let reply = |done, leader| KvMsg::Client(ClientMsg::Reply { op, done, leader });
        // BUG stale-read: any server answers a read from its own state
        // machine, which may lag the leader's or sit in a minority.
        if kind == Kind::Read && config.bug == Some(KvRaftBug::StaleRead) {
            out.send(from, reply(Some(self.store.get(key)), None));
            return;
        }
        if let Some(value) = self.store.answered(from, op) {
            out.send(from, reply(Some(value), None));
            return;
        }
        if self.raft.role() != Role::Leader {
            out.send(from, reply(None, self.raft.leader_id()));
            return;
        }
        // A retry of what this leader appended and has not applied yet waits
        // for that entry rather than appending it again.
        if let Some(&(pending_op, index)) = self.pending.get(&from) {
            let ours = self.raft.log().get(index).and_then(|e| Command::decode(&e.cmd));
            if pending_op == op && ours.is_some_and(|c| c.client == from && c.op == op) {
                return;
            }
        }
        // Wait for the index the leader appends at (a cluster of one
        // commits and applies it within this very step).
        let cmd = Command { client: from, op, key, kind }.encode();
        let index = self.raft.log().last_index() + 1;
        self.pending.insert(from, (op, index));
        self.raft_step(now, Input::Request { cmd: cmd.clone() }, out);
        let appended = self.raft.log().get(index).is_some_and(|e| *e.cmd == *cmd);
        if !appended && self.pending.get(&from) == Some(&(op, index)) {
            self.pending.remove(&from);
        }
    }

    /// Apply the entries committed since the last step, in order, and
    /// answer the clients this server appended them for.
    fn apply(&mut self, out: &mut KvOut) {
        while self.applied < self.raft.commit_index() {
            self.applied += 1;
            let Some(entry) = self.raft.log().get(self.applied) else { break };
            if let Some(c) = Command::decode(&entry.cmd) {
                let result = self.store.apply(c);
                if self.pending.get(&c.client).is_some_and(|&(op, _)| op == c.op) {
                    self.pending.remove(&c.client);
                    out.send(c.client, KvMsg::Client(ClientMsg::Reply { op: c.op, done: Some(result), leader: None }));
                }
            }
            // Another entry took the index of a request: the client retries.
            let applied = self.applied;
            self.pending.retain(|_, &mut (_, index)| index > applied);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::Command as Cmd;

    fn leader(config: &KvRaftConfig) -> (KvServer, KvOut) {
        // A cluster of one server elects itself and commits alone.
        let config =
            KvRaftConfig { clients: crate::ClientConfig { servers: 1, ..config.clients.clone() }, ..config.clone() };
        let mut s = KvServer::new(0, &config, None);
        let mut out = KvOut::default();
        s.step(0, Input::Timer(KvTimer::Raft(raft::RaftTimer::Election)), &mut out, &config);
        assert_eq!(s.raft.role(), Role::Leader);
        out.take();
        (s, out)
    }

    fn replies(out: &KvOut) -> Vec<(NodeId, ClientMsg)> {
        out.commands()
            .iter()
            .filter_map(|c| match c {
                Cmd::Send { to, msg: KvMsg::Client(m) } => Some((*to, m.clone())),
                _ => None,
            })
            .collect()
    }

    /// Figure 2: a command is applied once committed, and its result goes
    /// back to the client; reads take a slot in the log too.
    #[test]
    fn a_leader_answers_once_the_entry_is_committed_and_applied() {
        let config = KvRaftConfig::default();
        let (mut s, mut out) = leader(&config);
        s.step(
            1,
            Input::Message {
                from: 3,
                msg: KvMsg::Client(ClientMsg::Request { op: 0, key: 0, kind: Kind::Write(103) }),
            },
            &mut out,
            &config,
        );
        s.step(
            2,
            Input::Message { from: 4, msg: KvMsg::Client(ClientMsg::Request { op: 0, key: 0, kind: Kind::Read }) },
            &mut out,
            &config,
        );
        assert_eq!(
            replies(&out),
            [
                (3, ClientMsg::Reply { op: 0, done: Some(Some(103)), leader: None }),
                (4, ClientMsg::Reply { op: 0, done: Some(Some(103)), leader: None })
            ]
        );
        assert_eq!((s.applied, s.raft.log().last_index()), (2, 2));
        assert_eq!(&*s.raft.log().get(2).unwrap().cmd, "c4#0 read x");
        assert!(out.ops().is_empty(), "the server reports no client operation of its own");
    }

    /// §8 and dissertation §6.3: a retried write already applied is answered
    /// from the session, not appended again.
    #[test]
    fn a_retry_of_an_applied_write_is_answered_without_a_new_entry() {
        let config = KvRaftConfig::default();
        let (mut s, mut out) = leader(&config);
        let req = || KvMsg::Client(ClientMsg::Request { op: 5, key: 1, kind: Kind::Write(603) });
        s.step(1, Input::Message { from: 3, msg: req() }, &mut out, &config);
        s.step(2, Input::Message { from: 3, msg: req() }, &mut out, &config);
        assert_eq!(s.raft.log().last_index(), 1);
        assert_eq!(replies(&out).len(), 2);
    }

    #[test]
    fn a_follower_refuses_and_names_no_leader_it_does_not_know() {
        let config = KvRaftConfig::default();
        let mut s = KvServer::new(1, &config, None);
        let mut out = KvOut::default();
        s.step(
            0,
            Input::Message { from: 3, msg: KvMsg::Client(ClientMsg::Request { op: 0, key: 0, kind: Kind::Read }) },
            &mut out,
            &config,
        );
        assert_eq!(replies(&out), [(3, ClientMsg::Reply { op: 0, done: None, leader: None })]);
        assert_eq!(s.raft.log().last_index(), 0);
    }

    #[test]
    fn stale_read_answers_from_the_local_store_on_any_server() {
        let config = KvRaftConfig { bug: Some(KvRaftBug::StaleRead), ..KvRaftConfig::default() };
        let mut s = KvServer::new(2, &config, None);
        let mut out = KvOut::default();
        s.step(
            0,
            Input::Message { from: 3, msg: KvMsg::Client(ClientMsg::Request { op: 0, key: 0, kind: Kind::Read }) },
            &mut out,
            &config,
        );
        assert_eq!(replies(&out), [(3, ClientMsg::Reply { op: 0, done: Some(None), leader: None })]);
    }
}
