//! The world's side of the channel semantics: [`Base`](crate::base::Base)
//! decides (compiled once), this carries the decisions out on the
//! protocol's messages.

use super::{Envelope, World};
use crate::action::MsgId;
use crate::base::Event;
use crate::network::Network;
use crate::record::EventRecord;
use crate::world::LossReason;
use protocol::{NodeId, Protocol, Status};

impl<P: Protocol> World<P> {
    /// Whether a copy being sent is lost, and why; otherwise it may arrive
    /// later than drawn (`env.deliver_at` moves).
    pub(super) fn loss_on_send(&mut self, env: &mut Envelope<P::Msg>) -> Option<LossReason> {
        match self.base.network_send(env.from, env.to, env.id, env.deliver_at, self.in_flight.len()) {
            Ok(at) => {
                env.deliver_at = at;
                None
            }
            Err(reason) => Some(reason),
        }
    }

    /// A delivery the network holds back, as a `held` step (see
    /// [`Base::network_hold`](crate::base::Base)).
    pub(super) fn network_holds(
        &mut self,
        id: MsgId,
        from: NodeId,
        to: NodeId,
        status: Status,
    ) -> Option<EventRecord<P::Msg>> {
        let in_flight = &self.in_flight;
        let (at, what) =
            self.base.network_hold(id, from, to, status, &|head| in_flight.get(head).map(|e| e.deliver_at))?;
        if let Some(env) = self.in_flight.get_mut(id) {
            env.deliver_at = at;
        }
        self.base.schedule(at, Event::Deliver(id));
        Some(EventRecord::Held { node: to, what })
    }

    /// On a reliable network a crash resets the node's connections: what
    /// is on its way to it is lost ("receiver is down"), even if it comes
    /// back before it would have arrived.
    pub(super) fn reset_connections(&mut self, node: NodeId) {
        if self.base.config.network != Network::Reliable {
            return;
        }
        let nodes = self.base.cluster.nodes;
        let doomed: Vec<MsgId> = self.in_flight.values().filter(|e| e.to == node && !e.held).map(|e| e.id).collect();
        for id in doomed {
            if let Some(env) = self.in_flight.remove(id) {
                self.base.unqueue_delivery(id);
                self.base.links.done(env.from, env.to, nodes, id);
                self.record_loss(&env, LossReason::NodeDown);
            }
        }
    }
}
