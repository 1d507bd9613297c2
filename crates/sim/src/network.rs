//! Channel semantics: what the network promises the protocol, per run.
//!
//! - [`Network::Lossy`] (the default, UDP-like): random loss and
//!   duplication, reordering by random latency, a message sent across a cut
//!   link is lost. Byte for byte the world's original behaviour.
//! - [`Network::Reliable`] (TCP-like): FIFO per ordered link, no random loss
//!   or duplication (neither is drawn). A message that meets a cut link is
//!   retransmitted below the protocol (sent again after a fresh latency)
//!   until the link heals. A crash of the receiver resets the connection:
//!   what was in flight to it is lost, recorded as "receiver is down". The
//!   user's `drop` and `duplicate` are refused (no such thing happens on
//!   this network); `delay` holds back the messages behind it on its link.
//! - [`Network::AtLeastOnce`] (a message queue): a message lost at send
//!   (random loss or a cut link) or meeting a cut link on arrival is
//!   redelivered after a redelivery delay the world draws, until it is
//!   delivered; duplicates still happen. Only a crashed receiver loses a
//!   message for good. The user's `drop` is refused.
//!
//! Every draw is a fixed-width `u64` range or an `f64` probability, so the
//! stream is the same natively and in wasm.

use crate::action::MsgId;
use crate::base::Base;
use crate::world::LossReason;
use protocol::{NodeId, Status, Tick};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

/// A run's channel semantics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    Reliable,
    #[default]
    Lossy,
    AtLeastOnce,
}

impl Network {
    pub const ALL: [Network; 3] = [Network::Reliable, Network::Lossy, Network::AtLeastOnce];

    /// Its name in `--network`, `&network=` and traces.
    pub fn name(self) -> &'static str {
        match self {
            Network::Reliable => "reliable",
            Network::Lossy => "lossy",
            Network::AtLeastOnce => "at-least-once",
        }
    }

    /// What it promises, in a line (for `--help` and `cli algos`).
    pub fn help(self) -> &'static str {
        match self {
            Network::Reliable => {
                "TCP-like: FIFO per link, no loss or duplication; retransmits across cuts until healed"
            }
            Network::Lossy => "UDP-like (default): loss, duplication and reordering as drawn; a cut link loses",
            Network::AtLeastOnce => "a message queue: lost messages are redelivered later; duplicates still happen",
        }
    }

    /// The default, left out of links and traces.
    pub fn is_lossy(&self) -> bool {
        *self == Network::Lossy
    }

    /// Why the user's `action` (`drop`, `duplicate`) cannot happen here.
    pub fn refuses(self, action: &str) -> Option<String> {
        match (self, action) {
            (Network::Reliable, "drop" | "duplicate") | (Network::AtLeastOnce, "drop") => Some(format!(
                "the {} network does not {action} messages ({}); choose network=lossy to {action} one",
                self.name(),
                self.help()
            )),
            _ => None,
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Network {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Network::ALL.into_iter().find(|n| n.name() == s.trim()).ok_or_else(|| {
            let names: Vec<&str> = Network::ALL.iter().map(|n| n.name()).collect();
            format!("unknown network {s:?}; known: {}", names.join(", "))
        })
    }
}

/// The reliable network's per-link order: for each ordered link, the last
/// delivery time scheduled and the messages not yet handed to the receiver,
/// in send order. Empty (and never touched) on the other networks.
#[derive(Debug, Default)]
pub(crate) struct Links {
    nodes: u32,
    tail: Vec<Tick>,
    queue: Vec<VecDeque<MsgId>>,
}

impl Clone for Links {
    fn clone(&self) -> Self {
        Self { nodes: self.nodes, tail: self.tail.clone(), queue: self.queue.clone() }
    }

    /// Into the target's buffers (see `Base`'s `clone_from`); nothing to
    /// do when neither was ever sent on.
    fn clone_from(&mut self, source: &Self) {
        if self.is_unused() && source.is_unused() {
            return;
        }
        self.nodes = source.nodes;
        self.tail.clone_from(&source.tail);
        self.queue.clone_from(&source.queue);
    }
}

impl Links {
    /// Never sent on: the per-link state is only made by the first send
    /// on a reliable network.
    pub fn is_unused(&self) -> bool {
        self.tail.is_empty()
    }

    fn slot(&mut self, from: NodeId, to: NodeId, nodes: u32) -> usize {
        if self.nodes != nodes {
            let n = (nodes * nodes) as usize;
            self.nodes = nodes;
            self.tail = vec![0; n];
            self.queue = vec![VecDeque::new(); n];
        }
        (from * nodes + to) as usize
    }

    /// A message sent on `from → to` to arrive at `at` at the earliest:
    /// when it arrives, no earlier than the last one on its link.
    pub fn send(&mut self, from: NodeId, to: NodeId, nodes: u32, id: MsgId, at: Tick) -> Tick {
        let i = self.slot(from, to, nodes);
        let at = at.max(self.tail[i]);
        self.tail[i] = at;
        self.queue[i].push_back(id);
        at
    }

    /// The oldest message of its link not yet handed over.
    pub fn head(&mut self, from: NodeId, to: NodeId, nodes: u32) -> Option<MsgId> {
        let i = self.slot(from, to, nodes);
        self.queue[i].front().copied()
    }

    /// `id` was handed to its receiver or lost.
    pub fn done(&mut self, from: NodeId, to: NodeId, nodes: u32, id: MsgId) {
        let i = self.slot(from, to, nodes);
        if let Some(k) = self.queue[i].iter().position(|m| *m == id) {
            self.queue[i].remove(k);
        }
    }

    /// A message re-sent on its link at `at`: the link's tail moves with it.
    pub fn resend(&mut self, from: NodeId, to: NodeId, nodes: u32, at: Tick) -> Tick {
        let i = self.slot(from, to, nodes);
        let at = at.max(self.tail[i]);
        self.tail[i] = at;
        at
    }
}

/// The network's decisions, compiled once for every protocol (the world
/// carries them out on its messages).
impl Base {
    /// A copy from `from` to `to` going on the wire at `deliver_at` at the
    /// earliest: when it arrives, or why it is lost.
    pub(crate) fn network_send(
        &mut self,
        from: NodeId,
        to: NodeId,
        id: MsgId,
        deliver_at: Tick,
        in_flight: usize,
    ) -> Result<Tick, LossReason> {
        let network = self.config.network;
        match network {
            // Today's network, draw for draw.
            Network::Lossy => self.loss_on_send(from, to, in_flight).map_or(Ok(deliver_at), Err),
            _ if self.full(in_flight) => Err(LossReason::Full),
            Network::Reliable => {
                let nodes = self.cluster.nodes;
                Ok(self.links.send(from, to, nodes, id, deliver_at))
            }
            Network::AtLeastOnce => {
                let lost = self.is_cut(from, to) || self.lost_at_random();
                Ok(if lost { deliver_at + self.redelivery() } else { deliver_at })
            }
        }
    }

    /// Whether message `id` arriving now waits: on a reliable or
    /// at-least-once network a message that meets a cut link is sent again
    /// later, and on a reliable one a message waits for the one ahead of it
    /// on its link (`head_at` tells when a message in flight arrives).
    /// `Some((when, why))` to hold it; `None` when the delivery goes ahead
    /// (to a crashed receiver: lost).
    pub(crate) fn network_hold(
        &mut self,
        id: MsgId,
        from: NodeId,
        to: NodeId,
        status: Status,
        head_at: &dyn Fn(MsgId) -> Option<Tick>,
    ) -> Option<(Tick, String)> {
        let network = self.config.network;
        let reliable = network == Network::Reliable;
        let nodes = self.cluster.nodes;
        if network == Network::Lossy {
            return None;
        }
        if status == Status::Crashed {
            if reliable {
                self.links.done(from, to, nodes, id);
            }
            return None;
        }
        let now = self.now;
        if self.is_cut(from, to) {
            let at = if reliable {
                let at = now + self.latency();
                self.links.resend(from, to, nodes, at)
            } else {
                now + self.redelivery()
            };
            return Some((at, format!("message {id}: link is cut, sent again to arrive at {at}")));
        }
        if reliable {
            match self.links.head(from, to, nodes) {
                Some(head) if head != id => {
                    let at = head_at(head).unwrap_or(now).max(now);
                    return Some((at, format!("message {id} waits for message {head}, ahead of it on its link")));
                }
                _ => self.links.done(from, to, nodes, id),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_lossy_is_the_default() {
        for n in Network::ALL {
            assert_eq!(n.name().parse::<Network>().unwrap(), n);
            assert_eq!(serde_json::to_string(&n).unwrap(), format!("\"{}\"", n.name()));
        }
        assert_eq!(Network::default(), Network::Lossy);
        assert!("tcp".parse::<Network>().unwrap_err().contains("reliable, lossy, at-least-once"));
        assert!(Network::Reliable.refuses("drop").unwrap().contains("reliable"));
        assert!(Network::AtLeastOnce.refuses("duplicate").is_none());
        assert!(Network::Lossy.refuses("drop").is_none());
    }

    #[test]
    fn a_config_names_its_network_only_when_it_is_not_lossy() {
        let lossy = crate::SimConfig::default();
        let text = serde_json::to_string(&lossy).unwrap();
        assert!(!text.contains("network"), "{text}");
        let reliable = crate::SimConfig { network: Network::Reliable, ..lossy.clone() };
        let text = serde_json::to_string(&reliable).unwrap();
        assert!(text.ends_with(r#","network":"reliable"}"#), "{text}");
        assert_eq!(serde_json::from_str::<crate::SimConfig>(&text).unwrap(), reliable);
        let old = r#"{"nodes":5,"latency_ms":[10,40],"drop":0.0,"dup":0.0}"#;
        assert_eq!(serde_json::from_str::<crate::SimConfig>(old).unwrap(), lossy);
    }

    #[test]
    fn a_link_keeps_send_order() {
        let mut links = Links::default();
        assert_eq!(links.send(0, 1, 3, 7, 50), 50);
        assert_eq!(links.send(0, 1, 3, 8, 20), 50, "not before the message ahead of it");
        assert_eq!(links.send(1, 0, 3, 9, 20), 20, "another link is another order");
        assert_eq!(links.head(0, 1, 3), Some(7));
        links.done(0, 1, 3, 7);
        assert_eq!(links.head(0, 1, 3), Some(8));
    }
}
