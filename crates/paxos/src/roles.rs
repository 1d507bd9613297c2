//! What every Paxos node has, whichever variant it runs: its place in the
//! cluster, its acceptor and learner halves, and its proposer's round.

use crate::acceptor::Acceptor;
use crate::ballot::Ballot;
use crate::bug::{Bug, MADE_UP};
use crate::config::PaxosConfig;
use crate::journal::Journal;
use crate::learner::Learner;
use crate::message::{Msg, Value};
use crate::shared::Shared;
use crate::view::PaxosView;
use crate::{Durable, PaxosTimer};
use protocol::shared::share;
use protocol::{Cluster, NodeId, Out};
use std::sync::Arc;

/// Proposals the journal keeps: a new Multi-Paxos leader proposes its whole
/// queue (at most 64 commands) in one step, and the checker looks after
/// every step.
pub(crate) const PROPOSALS: usize = 128;

#[derive(Debug)]
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
    /// Present when the node is an acceptor. Shared, as the learner is,
    /// between copies of the node until one of them changes it
    /// (`Arc::make_mut`): a model checker copies a node for every step it
    /// takes, and a step changes one role at most.
    pub acceptor: Option<Shared<Acceptor>>,
    /// Every node learns.
    pub learner: Shared<Learner>,
    /// The highest round this node's proposer has used or seen; persisted so
    /// a restarted proposer never reuses a ballot.
    pub round: u64,
    /// The latest client values this node proposed, each with the slot it
    /// went to (for Validity). Only a journal: the checker keeps what it needs.
    pub proposals: Journal<(u64, Value), PROPOSALS>,
}

impl Clone for Roles {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            nodes: self.nodes,
            config: self.config.clone(),
            acceptors: self.acceptors.clone(),
            quorum: self.quorum,
            proposer: self.proposer,
            acceptor: self.acceptor.clone(),
            learner: self.learner.clone(),
            round: self.round,
            proposals: self.proposals.clone(),
        }
    }

    /// Field by field, so the journal keeps its buffer (see `Paxos`'s
    /// `clone_from`).
    fn clone_from(&mut self, source: &Self) {
        let Self { id, nodes, config, acceptors, quorum, proposer, acceptor, learner, round, proposals } = self;
        *id = source.id;
        *nodes = source.nodes;
        config.clone_from(&source.config);
        share(acceptors, &source.acceptors);
        *quorum = source.quorum;
        *proposer = source.proposer;
        acceptor.clone_from(&source.acceptor);
        learner.clone_from(&source.learner);
        *round = source.round;
        proposals.clone_from(&source.proposals);
    }
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
            acceptor: config.is_acceptor(id, nodes).then(|| {
                Shared::new(Acceptor { promised: durable.promised, accepted: durable.accepted, ..Acceptor::default() })
            }),
            learner: Shared::new(Learner::from_chosen(durable.chosen)),
            round: durable.round,
            proposals: Journal::default(),
        }
    }

    /// The learner, for changing: copied first if a copy of the node
    /// shares it.
    pub fn learner_mut(&mut self) -> &mut Learner {
        self.learner.make_mut()
    }

    /// Count an acceptance at this node's learner: [`Learner::on_accepted`]
    /// with this cluster's quorum. An acceptance for a slot already chosen
    /// changes nothing, and leaves a shared learner shared.
    pub fn on_accepted(&mut self, from: NodeId, ballot: Ballot, slot: u64, value: &Value) -> Option<Value> {
        if self.learner.chosen.contains_key(slot) {
            return None;
        }
        let quorum = self.quorum;
        self.learner_mut().on_accepted(from, ballot, slot, value, quorum)
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
            // A refusal or a repeated prepare changes nothing: answered by
            // the acceptor as it is, still shared with the node's copies.
            let (reply, changed) = if acceptor.changes_on_prepare(ballot) {
                acceptor.make_mut().on_prepare(ballot, from_slot)
            } else {
                (acceptor.prepare_reply(ballot, from_slot), false)
            };
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
        if let Some(nack) = acceptor.accept_refusal(ballot) {
            out.send(from, nack);
            return;
        }
        match acceptor.make_mut().on_accept(ballot, slot, &value) {
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
            accepted: self.acceptor.as_deref().map(Acceptor::accepted_list).unwrap_or_default(),
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
