//! The transactional outbox (Richardson, "Microservices Patterns", 2018,
//! §3.3.7), with at-least-once delivery and an idempotent consumer.
//!
//! Four nodes: 0 the service, 1 the relay, 2 the broker, 3 the consumer.
//!
//! 1. A client request at the service is a state change: in ONE local
//!    transaction (one `Persist`) it counts the change and appends an outbox
//!    row with the change's id.
//! 2. The relay polls the service for unsent rows on a timer, publishes each
//!    to the broker, and once the broker has stored it tells the service to
//!    mark the row sent. A relay that crashes between publishing and marking
//!    publishes the row again: at least once.
//! 3. The broker keeps its queue durably and delivers the head to the
//!    consumer until acknowledged.
//! 4. The consumer applies a message and records its id in the same local
//!    transaction; a repeated id is acknowledged and skipped.
//!
//! The event log follows each change: committed with its row, stored by
//! the broker as the relay publishes it, applied by the consumer (a skipped
//! duplicate is a notice), its row marked sent. Polls and acknowledgements
//! are not logged. A step's line goes after its other commands, so a
//! `crash-mid-step` after k commands cuts where it did before the lines.
//! The relay's publishing is often a single send, and a line there would
//! make it a step a crash can cut (new states for a model checker); the
//! broker's line names the relay instead.

use crate::bug::OutboxBug;
use protocol::flat::FlatSet;
use protocol::{Level, Message, NodeId, Tick, Timer};
use serde::Serialize;

pub const SERVICE: NodeId = 0;
pub const RELAY: NodeId = 1;
pub const BROKER: NodeId = 2;
pub const CONSUMER: NodeId = 3;
pub const NODES: u32 = 4;
/// Most rows an outbox or a queue holds; beyond it a request (or a publish)
/// is refused and retried later.
pub const MAX_ROWS: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct OutboxConfig {
    /// How often the relay polls the service.
    pub poll_ms: Tick,
    /// How often the broker re-delivers an unacknowledged message.
    pub redeliver_ms: Tick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<OutboxBug>,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self { poll_ms: 100, redeliver_ms: 150, bug: None }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum OutboxMsg {
    /// Relay → service: which rows are unsent?
    Poll,
    /// Service → relay: the unsent rows (the first few).
    Rows { ids: Vec<u64> },
    /// Relay (or, with the bug, the service) → broker.
    Publish { id: u64 },
    /// Broker → relay: stored.
    Stored { id: u64 },
    /// Relay → service: the row was published.
    MarkSent { id: u64 },
    /// Broker → consumer.
    Deliver { id: u64 },
    /// Consumer → broker.
    Ack { id: u64 },
}

impl Message for OutboxMsg {
    fn kind(&self) -> &'static str {
        match self {
            OutboxMsg::Poll => "Poll",
            OutboxMsg::Rows { .. } => "Rows",
            OutboxMsg::Publish { .. } => "Publish",
            OutboxMsg::Stored { .. } => "Stored",
            OutboxMsg::MarkSent { .. } => "MarkSent",
            OutboxMsg::Deliver { .. } => "Deliver",
            OutboxMsg::Ack { .. } => "Ack",
        }
    }
    fn label(&self) -> String {
        match self {
            OutboxMsg::Poll => "poll".to_string(),
            OutboxMsg::Rows { ids } => format!("rows {}", ids.len()),
            OutboxMsg::Publish { id } => format!("pub {id}"),
            OutboxMsg::Stored { id } => format!("stored {id}"),
            OutboxMsg::MarkSent { id } => format!("sent {id}"),
            OutboxMsg::Deliver { id } => format!("msg {id}"),
            OutboxMsg::Ack { id } => format!("ack {id}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum OutboxTimer {
    Poll,
    Redeliver,
}

impl Timer for OutboxTimer {
    fn name(&self) -> &'static str {
        match self {
            OutboxTimer::Poll => "poll",
            OutboxTimer::Redeliver => "redeliver",
        }
    }
}

/// A set of ids that stays small when ids arrive roughly in order: every id
/// below `below` is in, and the few above it are listed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IdSet {
    below: u64,
    above: FlatSet<u64>,
}

impl IdSet {
    pub fn contains(&self, id: u64) -> bool {
        (1..self.below).contains(&id) || self.above.contains(&id)
    }
    pub fn insert(&mut self, id: u64) {
        if self.contains(id) {
            return;
        }
        self.below = self.below.max(1);
        self.above.insert(id);
        while self.above.remove(&self.below) {
            self.below += 1;
        }
    }
    pub fn len(&self) -> u64 {
        self.below.saturating_sub(1) + self.above.len() as u64
    }
    /// The highest id in the set.
    pub fn max(&self) -> Option<u64> {
        self.above.last().copied().or(self.below.checked_sub(1).filter(|&m| m > 0))
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The ids as a short text: `1..=41, 43`.
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        match self.below {
            0 | 1 => {}
            2 => parts.push("1".to_string()),
            b => parts.push(format!("1..={}", b - 1)),
        }
        parts.extend(self.above.iter().take(8).map(u64::to_string));
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    }
    /// Every id in the set, the listed ones after the run below (for views).
    pub fn ids(&self) -> impl Iterator<Item = u64> + '_ {
        (1..self.below).chain(self.above.iter().copied())
    }
}

/// What each node logs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OutboxDurable {
    /// The service's state and its outbox, written in one transaction.
    Service {
        changes: u64,
        outbox: Vec<u64>,
    },
    Broker {
        queue: Vec<u64>,
    },
    /// The consumer's processed ids; `applied` and `applied_twice` stand for
    /// the effects on its database, committed with them.
    Consumer {
        processed: IdSet,
        applied: u64,
        applied_twice: u64,
    },
}

pub(crate) type Out = protocol::Out<OutboxMsg, OutboxTimer, OutboxDurable>;

#[derive(Clone, Debug, Hash)]
pub enum OutboxNode {
    Service { changes: u64, outbox: Vec<u64>, bug: Option<OutboxBug> },
    Relay { poll_ms: Tick, publishing: u32 },
    Broker { queue: Vec<u64>, redeliver_ms: Tick },
    Consumer { processed: IdSet, applied: u64, applied_twice: u64, bug: Option<OutboxBug> },
}

impl OutboxNode {
    pub(crate) fn new(id: NodeId, config: &OutboxConfig, durable: Option<&OutboxDurable>) -> Self {
        match (id, durable) {
            (SERVICE, Some(OutboxDurable::Service { changes, outbox })) => {
                OutboxNode::Service { changes: *changes, outbox: outbox.clone(), bug: config.bug }
            }
            (SERVICE, _) => OutboxNode::Service { changes: 0, outbox: Vec::new(), bug: config.bug },
            (RELAY, _) => OutboxNode::Relay { poll_ms: config.poll_ms, publishing: 0 },
            (BROKER, Some(OutboxDurable::Broker { queue })) => {
                OutboxNode::Broker { queue: queue.clone(), redeliver_ms: config.redeliver_ms }
            }
            (BROKER, _) => OutboxNode::Broker { queue: Vec::new(), redeliver_ms: config.redeliver_ms },
            (_, Some(OutboxDurable::Consumer { processed, applied, applied_twice })) => OutboxNode::Consumer {
                processed: processed.clone(),
                applied: *applied,
                applied_twice: *applied_twice,
                bug: config.bug,
            },
            _ => OutboxNode::Consumer { processed: IdSet::default(), applied: 0, applied_twice: 0, bug: config.bug },
        }
    }

    pub(crate) fn step(&mut self, input: protocol::Input<OutboxMsg, OutboxTimer>, out: &mut Out) {
        use protocol::Input;
        match self {
            OutboxNode::Service { changes, outbox, bug } => match input {
                Input::Start if *changes == 0 => {
                    out.emit(Level::Info, "service: each request commits a change with its outbox row")
                }
                Input::Start => out.emit(
                    Level::Info,
                    format_args!(
                        "service restarts: {changes} change{} · {} unsent",
                        protocol::plural(*changes),
                        outbox.len()
                    ),
                ),
                Input::Request { .. } if outbox.len() >= MAX_ROWS => {
                    out.emit(Level::Notice, "the outbox is full: request refused");
                }
                Input::Request { .. } => {
                    let id = *changes + 1;
                    if *bug == Some(OutboxBug::PublishBeforeCommit) {
                        // The bug: the message leaves before the transaction commits.
                        out.send(BROKER, OutboxMsg::Publish { id });
                    }
                    *changes = id;
                    outbox.push(id);
                    out.persist(OutboxDurable::Service { changes: *changes, outbox: outbox.clone() });
                    out.emit(
                        Level::Info,
                        format_args!("service commits change {id} and outbox row {id} in one transaction"),
                    );
                    if *bug == Some(OutboxBug::PublishBeforeCommit) {
                        // After the step's other commands, so a crash-mid-step
                        // between the publish and the commit cuts where it did.
                        out.emit(Level::Warn, format_args!("service published change {id} before committing it"));
                    }
                }
                Input::Message { from, msg: OutboxMsg::Poll } => {
                    out.send(from, OutboxMsg::Rows { ids: outbox.iter().take(8).copied().collect() });
                }
                Input::Message { msg: OutboxMsg::MarkSent { id }, .. } => {
                    if let Some(i) = outbox.iter().position(|&r| r == id) {
                        outbox.remove(i);
                        out.persist(OutboxDurable::Service { changes: *changes, outbox: outbox.clone() });
                        out.emit(Level::Info, format_args!("service marks outbox row {id} sent"));
                    }
                }
                _ => {}
            },
            OutboxNode::Relay { poll_ms, publishing } => match input {
                Input::Start => {
                    out.send(SERVICE, OutboxMsg::Poll);
                    out.emit(Level::Info, format_args!("relay polls the service's outbox every {poll_ms} ms"));
                    out.set_timer(OutboxTimer::Poll, *poll_ms, *poll_ms);
                }
                Input::Timer(OutboxTimer::Poll) => {
                    out.send(SERVICE, OutboxMsg::Poll);
                    out.set_timer(OutboxTimer::Poll, *poll_ms, *poll_ms);
                }
                Input::Message { msg: OutboxMsg::Rows { ids }, .. } => {
                    // No line here: with one row this step is one command,
                    // and a line would give a crash inside it a place to
                    // cut it where there was none (the model checker would
                    // explore more states). The broker's line names the relay.
                    *publishing = ids.len() as u32;
                    for id in ids {
                        out.send(BROKER, OutboxMsg::Publish { id });
                    }
                }
                Input::Message { msg: OutboxMsg::Stored { id }, .. } => {
                    *publishing = publishing.saturating_sub(1);
                    out.send(SERVICE, OutboxMsg::MarkSent { id });
                }
                _ => {}
            },
            OutboxNode::Broker { queue, redeliver_ms } => match input {
                Input::Start if !queue.is_empty() => {
                    out.send(CONSUMER, OutboxMsg::Deliver { id: queue[0] });
                    out.emit(
                        Level::Info,
                        format_args!("broker restarts with {} queued, delivers message {}", queue.len(), queue[0]),
                    );
                    out.set_timer(OutboxTimer::Redeliver, *redeliver_ms, *redeliver_ms);
                }
                Input::Message { from, msg: OutboxMsg::Publish { id } } => {
                    if queue.len() >= MAX_ROWS {
                        out.emit(Level::Notice, format_args!("broker's queue is full: message {id} refused"));
                        return;
                    }
                    // Stored as sent: a republished row is queued again (at
                    // least once); the broker does not deduplicate.
                    queue.push(id);
                    out.persist(OutboxDurable::Broker { queue: queue.clone() });
                    let now = if queue.len() == 1 { ", delivers it" } else { "" };
                    let by = match from {
                        RELAY => " from the relay",
                        SERVICE => " from the service",
                        _ => "",
                    };
                    out.send(from, OutboxMsg::Stored { id });
                    if queue.len() == 1 {
                        out.send(CONSUMER, OutboxMsg::Deliver { id });
                        out.set_timer(OutboxTimer::Redeliver, *redeliver_ms, *redeliver_ms);
                    }
                    out.emit(Level::Info, format_args!("broker stores message {id}{by}{now}"));
                }
                Input::Message { msg: OutboxMsg::Ack { id }, .. } if queue.first() == Some(&id) => {
                    queue.remove(0);
                    out.persist(OutboxDurable::Broker { queue: queue.clone() });
                    match queue.first() {
                        Some(&next) => {
                            out.send(CONSUMER, OutboxMsg::Deliver { id: next });
                            out.set_timer(OutboxTimer::Redeliver, *redeliver_ms, *redeliver_ms);
                        }
                        None => out.cancel_timer(OutboxTimer::Redeliver),
                    }
                }
                Input::Timer(OutboxTimer::Redeliver) => {
                    if let Some(&id) = queue.first() {
                        out.send(CONSUMER, OutboxMsg::Deliver { id });
                        out.emit(Level::Info, format_args!("broker redelivers message {id}: no ack yet"));
                        out.set_timer(OutboxTimer::Redeliver, *redeliver_ms, *redeliver_ms);
                    }
                }
                _ => {}
            },
            OutboxNode::Consumer { processed, applied, applied_twice, bug } => {
                if let Input::Message { from, msg: OutboxMsg::Deliver { id } } = input {
                    let seen = processed.contains(id);
                    if !seen || *bug == Some(OutboxBug::NoDedup) {
                        *applied += 1;
                        if seen {
                            *applied_twice += 1;
                            out.emit(Level::Warn, format_args!("consumer applies message {id} again"));
                        }
                        processed.insert(id);
                        out.persist(OutboxDurable::Consumer {
                            processed: processed.clone(),
                            applied: *applied,
                            applied_twice: *applied_twice,
                        });
                        if !seen {
                            out.emit(Level::Info, format_args!("consumer applies message {id}, records its id"));
                        }
                    } else {
                        out.emit(Level::Notice, format_args!("consumer skips message {id}: already processed"));
                    }
                    out.send(from, OutboxMsg::Ack { id });
                }
            }
        }
    }
}
