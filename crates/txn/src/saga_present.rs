//! How a saga presents itself: the orchestrator on the left, the services
//! beside it; a strip of the saga's steps that fills with `T1..Tn` and, when
//! a step fails, unwinds into `Cn..C1` (Garcia-Molina & Salem's backward
//! recovery); each node's log in its inspector.

use crate::saga::{SagaNode, SagaState};
use crate::Saga;
use protocol::present::{Arrangement, Body, Cell, Fact, Grid, GridRow, LegendItem, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

pub const ORCHESTRATOR_TONE: Tone = Tone::OLIVE;
pub const DONE_TONE: Tone = Tone::GREEN;
pub const COMPENSATED_TONE: Tone = Tone::PINK;
pub const FAILED_TONE: Tone = Tone::ORANGE;
pub const IDLE_TONE: Tone = Tone::CYAN;

pub(crate) fn look(node: &SagaNode) -> Look {
    match node {
        SagaNode::Orchestrator(o) => Look {
            role: "orchestrator",
            tone: ORCHESTRATOR_TONE,
            shape: Shape::Diamond,
            badge: if o.saga == 0 { "idle".to_string() } else { format!("saga {} · {}", o.saga, o.state.name()) },
            note: match o.state {
                SagaState::Running => format!("{} of {} steps", o.step, o.steps),
                SagaState::Compensating => format!("{} to undo", o.step),
                _ => String::new(),
            },
            ring: (!o.state.finished()).then_some(Countdown::Timer("retry")),
        },
        SagaNode::Service(s) => {
            let (tone, badge) = if s.compensated {
                (COMPENSATED_TONE, "compensated")
            } else if s.done {
                (DONE_TONE, "done")
            } else if s.failed {
                (FAILED_TONE, "failed")
            } else {
                (IDLE_TONE, "idle")
            };
            Look {
                role: "service",
                tone,
                shape: Shape::Circle,
                badge: badge.to_string(),
                note: String::new(),
                ring: None,
            }
        }
    }
}

pub(crate) fn inspect(id: NodeId, node: &SagaNode) -> Vec<Panel> {
    let facts = match node {
        SagaNode::Orchestrator(o) => vec![
            Fact::new("Role", "orchestrator"),
            Fact::new("Saga", o.saga.to_string()),
            Fact::new("State (logged)", o.state.name()),
            Fact::new("Step (logged)", o.step.to_string()),
            Fact::new("Failed step", o.failed.map_or("none".to_string(), |f| format!("T{f}"))),
        ],
        SagaNode::Service(s) => vec![
            Fact::new("Role", "service"),
            Fact::new("Saga", s.saga.to_string()),
            Fact::new("Step done", if s.done { "yes" } else { "no" }),
            Fact::new("Compensated", if s.compensated { "yes" } else { "no" }),
            Fact::new("Compensations applied", s.compensations.to_string()),
        ],
    };
    vec![Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } }]
}

/// The strip of steps: `T_k` green once done, `C_k` pink once compensated,
/// `✗` where the step failed.
pub fn steps_grid(nodes: &[NodeRef<'_, Saga>]) -> Grid {
    let saga = match nodes.first().map(|n| &n.state.node) {
        Some(SagaNode::Orchestrator(o)) => o.saga,
        _ => 0,
    };
    let cells = nodes[1..]
        .iter()
        .map(|n| {
            let SagaNode::Service(s) = &n.state.node else { return None };
            let k = n.id;
            if s.saga != saga || saga == 0 {
                return None;
            }
            let (text, tone, title) = if s.compensated {
                (format!("C{k}"), COMPENSATED_TONE, format!("T{k} done, then compensated by C{k}"))
            } else if s.done {
                (format!("T{k}"), DONE_TONE, format!("T{k} done on service {k}"))
            } else if s.failed {
                ("✗".to_string(), FAILED_TONE, format!("T{k} failed on service {k}"))
            } else {
                return None;
            };
            Some(Cell { text, tone, strong: n.status != Status::Crashed, title })
        })
        .collect();
    let mark = match nodes.first().map(|n| &n.state.node) {
        Some(SagaNode::Orchestrator(o)) if saga > 0 => Some(u64::from(o.step)),
        _ => None,
    };
    Grid {
        axis: "step",
        first: 1,
        columns: nodes.len().saturating_sub(1) as u32,
        rows: vec![GridRow { node: 0, down: false, cells, mark, tail: format!("saga {saga}") }],
        key: "green = T done · pink = compensated · orange = failed",
        empty: "No service to call.",
    }
}

pub(crate) fn picture(nodes: &[NodeRef<'_, Saga>]) -> Picture {
    let services = nodes.len().saturating_sub(1) as u32;
    let banner = match nodes.first().map(|n| &n.state.node) {
        Some(SagaNode::Orchestrator(o)) if o.saga > 0 => Some(match o.state {
            SagaState::Running => format!("saga {}: {} of {} steps done", o.saga, o.step, o.steps),
            SagaState::Compensating => format!(
                "saga {}: compensating, {} step{} still to undo",
                o.saga,
                o.step,
                protocol::plural(o.step as u64)
            ),
            SagaState::Done => format!("saga {}: every step done", o.saga),
            SagaState::Compensated => format!("saga {}: every done step compensated", o.saga),
        }),
        _ => None,
    };
    let role = |label, tone, shape| LegendItem::Role { label, tone, shape };
    Picture {
        arrangement: Arrangement::Columns { servers: 1, clients: services },
        legend: vec![
            role("orchestrator", ORCHESTRATOR_TONE, Shape::Diamond),
            role("service: done", DONE_TONE, Shape::Circle),
            role("service: compensated", COMPENSATED_TONE, Shape::Circle),
            role("service: failed", FAILED_TONE, Shape::Circle),
            role("service: idle", IDLE_TONE, Shape::Circle),
        ],
        banner,
        panels: vec![Panel {
            id: "saga-steps",
            title: "Saga steps".to_string(),
            note: Some("Fills with T1..Tn; a failure unwinds it into compensations, last first".to_string()),
            body: Body::Grid(steps_grid(nodes)),
        }],
        ..Picture::default()
    }
}
