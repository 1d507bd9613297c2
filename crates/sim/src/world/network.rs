//! The world's side of the channel semantics ([`crate::network`]): what a
//! send, a delivery and a crash do on each [`Network`].

use super::{Envelope, World};
use crate::action::MsgId;
use crate::base::Event;
use crate::network::Network;
use crate::record::EventRecord;
use crate::world::LossReason;
use protocol::{NodeId, Protocol, Status, Tick};

impl<P: Protocol> World<P> {
    /// Whether a copy being sent is lost, and why; on the other networks
    /// it may arrive later instead (`env.deliver_at` moves).
    pub(super) fn loss_on_send(&mut self, env: &mut Envelope<P::Msg>) -> Option<LossReason> {
        let (from, to, in_flight) = (env.from, env.to, self.in_flight.len());
        match self.base.config.network {
            // Today's network, draw for draw.
            Network::Lossy => self.base.loss_on_send(from, to, in_flight),
            _ if self.base.full(in_flight) => Some(LossReason::Full),
            Network::Reliable => {
                let nodes = self.base.cluster.nodes;
                env.deliver_at = self.links.send(from, to, nodes, env.id, env.deliver_at);
                None
            }
            Network::AtLeastOnce => {
                if self.base.is_cut(from, to) || self.base.lost_at_random() {
                    env.deliver_at += self.base.redelivery();
                }
                None
            }
        }
    }

    /// On a reliable or at-least-once network, a message that meets a cut
    /// link is sent again later, and on a reliable one a message waits for
    /// the one ahead of it on its link: the step shows it as `held`. `None`
    /// when the delivery goes ahead (to a crashed receiver: lost).
    pub(super) fn network_holds(
        &mut self,
        id: MsgId,
        from: NodeId,
        to: NodeId,
        status: Status,
    ) -> Option<EventRecord<P::Msg>> {
        let network = self.base.config.network;
        let reliable = network == Network::Reliable;
        let nodes = self.base.cluster.nodes;
        if network == Network::Lossy {
            return None;
        }
        if status == Status::Crashed {
            if reliable {
                self.links.done(from, to, nodes, id);
            }
            return None;
        }
        let now = self.base.now;
        if self.base.is_cut(from, to) {
            let at = if reliable {
                let at = now + self.base.latency();
                self.links.resend(from, to, nodes, at)
            } else {
                now + self.base.redelivery()
            };
            self.reschedule(id, at);
            let what = format!("message {id}: link is cut, sent again to arrive at {at}");
            return Some(EventRecord::Held { node: to, what });
        }
        if reliable {
            match self.links.head(from, to, nodes) {
                Some(head) if head != id => {
                    let at = self.in_flight.get(head).map_or(now, |e| e.deliver_at).max(now);
                    self.reschedule(id, at);
                    let what = format!("message {id} waits for message {head}, ahead of it on its link");
                    return Some(EventRecord::Held { node: to, what });
                }
                _ => self.links.done(from, to, nodes, id),
            }
        }
        None
    }

    fn reschedule(&mut self, id: MsgId, at: Tick) {
        if let Some(env) = self.in_flight.get_mut(id) {
            env.deliver_at = at;
        }
        self.base.schedule(at, Event::Deliver(id));
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
                self.links.done(env.from, env.to, nodes, id);
                self.record_loss(&env, LossReason::NodeDown);
            }
        }
    }
}
