//! What every Paxos node has, whichever variant it runs: its place in the
//! cluster, its acceptor and learner halves, and its proposer's round.

use crate::acceptor::Acceptor;
use crate::ballot::Ballot;
use crate::bug::{Bug, MADE_UP};
use crate::config::PaxosConfig;
use crate::journal::Journal;
use crate::learner::Learner;
use crate::message::{Msg, Value};
use crate::view::PaxosView;
use crate::{Durable, PaxosTimer};
use protocol::{Cluster, NodeId, Out};
use std::sync::Arc;

/// Proposals the journal keeps: a new Multi-Paxos leader proposes its whole
/// queue (at most 64 commands) in one step, and the checker looks after
/// every step.
pub(crate) const PROPOSALS: usize = 128;

#[derive(Clone, Debug)]
pub struct Roles {
    pub id: NodeId,
    pub nodes: u32,
    pub config: PaxosConfig,
    /// The acceptors, in id order. Shared: every node of a world and every
    /// copy of it (snapshots, restarts) holds the same list.
    pub acceptors: Arc<[NodeId]>,
    /// Acceptors in a majority.
    pub quorum: usize,
    pub proposer: bool,
    /// Present when the node is an acceptor.
    pub acceptor: Option<Acceptor>,
    /// Every node learns.
    pub learner: Learner,
    /// The highest round this node's proposer has used or seen; persisted so
    /// a restarted proposer never reuses a ballot.
    pub round: u64,
    /// The latest client values this node proposed, each with the slot it
    /// went to (for Validity). Only a journal: the checker keeps what it needs.
    pub proposals: Journal<(u64, Value), PROPOSALS>,
}

/// By what can change: the cluster size, config, acceptor list, quorum and
/// whether the node proposes are fixed for the whole run by the config and
/// the node's id, and a fingerprint (`Protocol::fingerprint`, this hash's
/// use) only compares states of one run. Hashing them was a third of this.
impl std::hash::Hash for Roles {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let Self { id, nodes: _, config: _, acceptors: _, quorum: _, proposer: _, acceptor, learner, round, proposals } =
            self;
        id.hash(h);
        acceptor.hash(h);
        learner.hash(h);
        round.hash(h);
        proposals.hash(h);
    }
}

impl Roles {
    pub fn new(id: NodeId, cluster: &Cluster, config: &PaxosConfig, durable: Option<&Durable>) -> Self {
        let nodes = cluster.nodes;
        let durable = durable.cloned().unwrap_or_default();
        let acceptors: Arc<[NodeId]> = config.acceptors(nodes).into();
        Self {
            id,
            nodes,
            config: config.clone(),
            quorum: acceptors.len() / 2 + 1,
            acceptors,
            proposer: config.is_proposer(id, nodes),
            acceptor: config.is_acceptor(id, nodes).then(|| Acceptor {
                promised: durable.promised,
                accepted: durable.accepted,
                ..Acceptor::default()
            }),
            learner: Learner::from_chosen(durable.chosen),
            round: durable.round,
            proposals: Journal::default(),
        }
    }

    /// Phase 1b, if this node is an acceptor: persist a new promise, then answer.
    pub fn on_prepare(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        from_slot: u64,
        out: &mut Out<Msg, PaxosTimer, Durable>,
    ) {
        if let Some(acceptor) = &mut self.acceptor {
            let (reply, changed) = acceptor.on_prepare(ballot, from_slot);
            if changed {
                out.persist(self.durable());
            }
            out.send(from, reply);
        }
    }

    /// Phase 2b, if this node is an acceptor: persist and tell every learner,
    /// or refuse with the higher promise.
    pub fn on_accept(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        slot: u64,
        value: Value,
        out: &mut Out<Msg, PaxosTimer, Durable>,
    ) {
        let Some(acceptor) = &mut self.acceptor else { return };
        match acceptor.on_accept(ballot, slot, &value) {
            Ok(()) => {
                out.persist(self.durable());
                for learner in 0..self.nodes {
                    out.send(learner, Msg::Accepted { ballot, slot, value: value.clone() });
                }
            }
            Err(nack) => out.send(from, nack),
        }
    }

    pub fn durable(&self) -> Durable {
        let durable = Durable {
            round: self.round,
            promised: self.acceptor.as_ref().and_then(|a| a.promised),
            accepted: self.acceptor.as_ref().map(|a| a.accepted.clone()).unwrap_or_default(),
            chosen: self.learner.chosen.clone(),
        };
        if self.config.has_bug(Bug::ForgetPromise) {
            return Durable { promised: None, ..durable };
        }
        durable
    }

    pub fn view(&self, up: bool, applied: Option<u64>) -> PaxosView {
        PaxosView {
            id: self.id,
            up,
            roles: self.config.roles(self.id, self.nodes),
            promised: self.acceptor.as_ref().and_then(|a| a.promised),
            accepted: self.acceptor.as_ref().map(Acceptor::accepted_list).unwrap_or_default(),
            chosen: self.learner.chosen_list(),
            applied,
        }
    }

    /// The broken variant that proposes its own value whatever promises report.
    pub fn ignores_reported_values(&self) -> bool {
        self.config.has_bug(Bug::IgnorePromisedValues)
    }

    /// Note that this proposer takes on a client's `value` for `slot`.
    pub fn record_proposal(&mut self, slot: u64, value: Value) {
        self.proposals.record((slot, value));
    }

    /// What this proposer proposes for its client's `value` when no
    /// promise reported one to adopt: the value itself, or, in the broken
    /// variant, one nobody asked for.
    pub fn own_proposal(&self, value: Value) -> Value {
        if self.config.has_bug(Bug::AcceptUnproposed) {
            MADE_UP.into()
        } else {
            value
        }
    }
}
