//! How the outbox presents itself: service, relay, broker and consumer in a
//! row; the service's unsent rows, the broker's queue and the consumer's
//! processed ids as side panels, so a row can be followed from the
//! service's transaction to its single application.

use crate::outbox::OutboxNode;
use crate::Outbox;
use protocol::present::{Arrangement, Body, Fact, LegendItem, Row, Shape};
use protocol::{plural, Countdown, Look, NodeId, NodeRef, Panel, Picture, Tone};

/// A node kind's name, colour and shape.
pub fn kind(node: &OutboxNode) -> (&'static str, Tone, Shape) {
    match node {
        OutboxNode::Service { .. } => ("service", Tone::OLIVE, Shape::Square),
        OutboxNode::Relay { .. } => ("relay", Tone::CYAN, Shape::Circle),
        OutboxNode::Broker { .. } => ("broker", Tone::PURPLE, Shape::Hexagon),
        OutboxNode::Consumer { .. } => ("consumer", Tone::GREEN, Shape::Diamond),
    }
}

pub(crate) fn look(node: &OutboxNode) -> Look {
    let (role, tone, shape) = kind(node);
    let (badge, ring) = match node {
        OutboxNode::Service { changes, outbox, .. } => {
            (format!("{changes} change{} · {} unsent", plural(*changes), outbox.len()), None)
        }
        OutboxNode::Relay { .. } => ("polls".to_string(), Some(Countdown::Timer("poll"))),
        OutboxNode::Broker { queue, .. } => (format!("{} queued", queue.len()), None),
        OutboxNode::Consumer { processed, applied, .. } => {
            (format!("{applied} applied · {} id{}", processed.len(), plural(processed.len())), None)
        }
    };
    Look { role, tone, shape, badge, note: String::new(), ring }
}

fn ids(v: &[u64]) -> String {
    if v.is_empty() {
        "none".to_string()
    } else {
        v.iter().take(16).map(u64::to_string).collect::<Vec<_>>().join(", ")
    }
}

pub(crate) fn inspect(id: NodeId, node: &OutboxNode) -> Vec<Panel> {
    let (role, ..) = kind(node);
    let mut facts = vec![Fact::new("Role", role)];
    match node {
        OutboxNode::Service { changes, outbox, .. } => {
            facts.push(Fact::new("Changes committed", changes.to_string()));
            facts.push(Fact::new("Outbox (unsent rows)", ids(outbox)));
        }
        OutboxNode::Relay { publishing, .. } => facts.push(Fact::new("Rows being published", publishing.to_string())),
        OutboxNode::Broker { queue, .. } => facts.push(Fact::new("Queue", ids(queue))),
        OutboxNode::Consumer { processed, applied, .. } => {
            facts.push(Fact::new("Processed ids", processed.text()));
            facts.push(Fact::new("Applied", applied.to_string()));
        }
    }
    vec![Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } }]
}

fn table(id: &'static str, title: &str, note: String, rows: Vec<Row>, empty: &'static str) -> Panel {
    Panel { id, title: title.to_string(), note: Some(note), body: Body::Table { columns: vec!["id"], rows, empty } }
}

fn rows(v: &[u64], verdict: Option<bool>) -> Vec<Row> {
    v.iter().take(50).map(|id| Row { cells: vec![id.to_string()], verdict }).collect()
}

pub(crate) fn picture(nodes: &[NodeRef<'_, Outbox>]) -> Picture {
    let mut panels = Vec::new();
    let mut legend = Vec::new();
    for n in nodes {
        let (label, tone, shape) = kind(&n.state.node);
        legend.push(LegendItem::Role { label, tone, shape });
        match &n.state.node {
            OutboxNode::Service { changes, outbox, .. } => panels.push(table(
                "outbox-rows",
                "Service outbox",
                format!("{changes} change{} committed; unsent rows below", plural(*changes)),
                rows(outbox, None),
                "Every row sent.",
            )),
            OutboxNode::Broker { queue, .. } => panels.push(table(
                "broker-queue",
                "Broker queue",
                "Delivered head first until acknowledged (at least once)".to_string(),
                rows(queue, None),
                "Empty.",
            )),
            OutboxNode::Consumer { processed, applied, applied_twice, .. } => panels.push(Panel {
                id: "consumer-processed",
                title: "Consumer: processed ids".to_string(),
                note: Some("A repeated id is acknowledged and skipped".to_string()),
                body: Body::Facts {
                    facts: vec![
                        Fact::new("Processed", processed.text()),
                        Fact::new("Applied", applied.to_string()),
                        Fact::new("Applied twice", applied_twice.to_string()),
                    ],
                },
            }),
            OutboxNode::Relay { .. } => {}
        }
    }
    // Until a client asks, the relay only polls an empty outbox: say how to start.
    let idle = nodes.iter().any(|n| matches!(n.state.node, OutboxNode::Service { changes: 0, .. }));
    let banner = idle.then(|| "no change yet: send the service (node 0) a client request (Send, or q)".to_string());
    Picture { arrangement: Arrangement::Circle, legend, panels, banner, awaits_client: idle, ..Picture::default() }
}
