//! The safety properties, checked by the world after every step at a cost
//! that does not grow with the run (a few counters per node).
//!
//! - [`NO_REQUEST_LOST`]: every request the balancer sent is answered,
//!   refused, given up on after its timeout, or still awaited; every
//!   request a server took is served or still in its queue. A request the
//!   network loses is given up on (counted), never silently gone.
//! - [`QUEUE_BOUNDS`]: no server holds more than `max_queue` requests.

use crate::{Balance, Node};
use protocol::{Checker, NodeRef, Violation};

pub const NO_REQUEST_LOST: &str = "No request lost";
pub const QUEUE_BOUNDS: &str = "Queue bounds respected";

#[derive(Clone, Debug, Default, Hash)]
pub struct BalanceChecker;

impl Checker<Balance> for BalanceChecker {
    const PROPERTIES: &'static [&'static str] = &[NO_REQUEST_LOST, QUEUE_BOUNDS];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Balance>]) -> Option<Violation> {
        nodes.iter().find_map(|n| match &n.state.node {
            Node::Balancer(b) => {
                let accounted = b.answered + b.rejected + b.timed_out + b.in_flight.len() as u64;
                let owed: u64 = b.outstanding.iter().map(|&o| u64::from(o)).sum();
                (accounted != b.sent || owed != b.in_flight.len() as u64).then(|| {
                    Violation::new(
                        NO_REQUEST_LOST,
                        format!(
                            "the balancer sent {} requests but accounts for {accounted} ({} answered, {} refused, {} timed out, {} awaited; {owed} outstanding)",
                            b.sent, b.answered, b.rejected, b.timed_out, b.in_flight.len()
                        ),
                        [n.id],
                    )
                })
            }
            Node::Server(s) => {
                let held = s.queue.len() as u64;
                if s.accepted != s.served + held {
                    return Some(Violation::new(
                        NO_REQUEST_LOST,
                        format!(
                            "server {} took {} requests, served {} and holds {held}: {} vanished unanswered",
                            n.id,
                            s.accepted,
                            s.served,
                            s.accepted - s.served - held
                        ),
                        [n.id],
                    ));
                }
                (held > u64::from(s.config.max_queue)).then(|| {
                    Violation::new(
                        QUEUE_BOUNDS,
                        format!("server {} holds {held} requests, more than max_queue {}", n.id, s.config.max_queue),
                        [n.id],
                    )
                })
            }
        })
    }
}
