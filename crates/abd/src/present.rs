//! How ABD presents itself: server replicas in a column with the
//! (timestamp, value) they hold, clients in another with the phase of their
//! operation, and a panel with the clients' recent history.

use crate::client::{Current, Done, Kind, Phase};
use crate::message::{key_name, Stored};
use crate::{Abd, AbdConfig, Node};
use protocol::linearizable::{Shown, Value};
use protocol::present::{Arrangement, Body, Fact, LegendItem, Row, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

pub const SERVER_TONE: Tone = Tone::BLUE;
pub const QUERY_TONE: Tone = Tone::AMBER;
pub const UPDATE_TONE: Tone = Tone::PURPLE;
pub const IDLE_TONE: Tone = Tone::CYAN;
/// Rows of the history panel.
pub const HISTORY_ROWS: usize = 12;

fn show(v: Value) -> String {
    Shown(v).to_string()
}

/// An operation as the canvas and the log name it: `read x` or
/// `write x=305`. Written by `Display`, so a log line formats it only when
/// the world keeps notes.
pub struct OpText(pub u8, pub Kind);

impl std::fmt::Display for OpText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            Kind::Read => write!(f, "read {}", key_name(self.0)),
            Kind::Write(v) => write!(f, "write {}={v}", key_name(self.0)),
        }
    }
}

/// A register as a server's badge and the log show it: `x=305 @3.5`.
pub struct Held(pub u8, pub Stored);

impl std::fmt::Display for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={} @{}", key_name(self.0), Shown(self.1.value), self.1.ts)
    }
}

/// `read x` or `write x=305`.
pub fn describe(c: &Current) -> String {
    OpText(c.key, c.kind).to_string()
}

pub(crate) fn look(node: &Node, keys: u32) -> Look {
    match node {
        Node::Server(s) => Look {
            role: "server",
            tone: SERVER_TONE,
            shape: Shape::Square,
            badge: (0..keys as u8).map(|k| Held(k, s.get(k)).to_string()).collect::<Vec<_>>().join(" "),
            note: String::new(),
            ring: None,
        },
        Node::Client(c) => match &c.current {
            None => Look {
                role: "client",
                tone: IDLE_TONE,
                shape: Shape::Circle,
                badge: "idle".to_string(),
                note: String::new(),
                ring: Some(Countdown::Timer("next")),
            },
            Some(op) => Look {
                role: "client",
                tone: if op.phase == Phase::Query { QUERY_TONE } else { UPDATE_TONE },
                shape: Shape::Circle,
                badge: format!("{} · {}", describe(op), phase_name(op)),
                note: format!("{} of {} answered", op.answered.count_ones(), c.servers),
                ring: Some(Countdown::Timer("resend")),
            },
        },
    }
}

/// The phase as the canvas names it: `query`, `update` or `write-back`.
pub(crate) fn phase_name(op: &Current) -> &'static str {
    match (op.phase, op.kind) {
        (Phase::Query, _) => "query",
        (Phase::Update, Kind::Read) => "write-back",
        (Phase::Update, Kind::Write(_)) => "update",
    }
}

pub(crate) fn inspect(id: NodeId, node: &Node, up: bool) -> Vec<Panel> {
    let facts =
        match node {
            Node::Server(s) => {
                let mut facts = vec![Fact::new("Role", "server replica")];
                facts.extend(s.registers.iter().map(|(k, r)| {
                    Fact::new(key_name(*k), format!("{} (timestamp {}, persisted)", show(r.value), r.ts))
                }));
                if s.registers.is_empty() {
                    facts.push(Fact::new("Registers", "none written yet"));
                }
                facts
            }
            Node::Client(c) => vec![
                Fact::new("Role", "client"),
                Fact::new("Operations started", c.ops.to_string()),
                Fact::new(
                    "Operation",
                    c.current
                        .as_ref()
                        .filter(|_| up)
                        .map_or("none".to_string(), |op| format!("{} ({})", describe(op), phase_name(op))),
                ),
                Fact::new(
                    "Highest seen",
                    c.current
                        .as_ref()
                        .filter(|_| up)
                        .map_or("—".to_string(), |op| format!("{} @{}", show(op.best.value), op.best.ts)),
                ),
            ],
        };
    vec![Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } }]
}

fn done_row(client: NodeId, d: &Done) -> (u64, Row) {
    let (f, value) = match d.kind {
        Kind::Read => ("read", show(d.value)),
        Kind::Write(v) => ("write", v.to_string()),
    };
    let cells = vec![
        client.to_string(),
        f.to_string(),
        key_name(d.key).to_string(),
        value,
        d.invoked_at.to_string(),
        d.completed_at.to_string(),
    ];
    (d.invoked_at, Row { cells, verdict: None })
}

/// The clients' recent operations, oldest first: each client's last
/// finished ones and the one in progress. Times are the client's clock.
pub fn history_panel(nodes: &[NodeRef<'_, Abd>]) -> Panel {
    let mut rows: Vec<(u64, Row)> = Vec::new();
    for n in nodes {
        let Some(c) = n.state.client() else { continue };
        rows.extend(c.done.iter().map(|d| done_row(n.id, d)));
        if let Some(op) = c.current.as_ref().filter(|_| n.status != Status::Crashed) {
            let (f, value) = match op.kind {
                Kind::Read => ("read", "?".to_string()),
                Kind::Write(v) => ("write", v.to_string()),
            };
            let cells = vec![
                n.id.to_string(),
                f.to_string(),
                key_name(op.key).to_string(),
                value,
                op.invoked_at.to_string(),
                format!("… {}", phase_name(op)),
            ];
            rows.push((op.invoked_at, Row { cells, verdict: None }));
        }
    }
    protocol::sort::sort_by_key(&mut rows, |(at, _)| *at);
    let skip = rows.len().saturating_sub(HISTORY_ROWS);
    Panel {
        id: "abd-history",
        title: "Client history".to_string(),
        note: Some(
            "Each operation from invocation to completion (client clocks, ms). The simulator checks Linearizability \
             over every operation as it completes; a violation shows in the invariants with its operations."
                .to_string(),
        ),
        body: Body::Table {
            columns: vec!["client", "f", "key", "value", "invoked", "completed"],
            rows: rows.into_iter().skip(skip).map(|(_, r)| r).collect(),
            empty: "No operation yet.",
        },
    }
}

pub(crate) fn picture(nodes: &[NodeRef<'_, Abd>], config: &AbdConfig) -> Picture {
    let servers = config.servers.min(nodes.len() as u32);
    let role = |label, tone, shape| LegendItem::Role { label, tone, shape };
    let busy = nodes
        .iter()
        .filter(|n| n.status != Status::Crashed)
        .filter_map(|n| n.state.client().and_then(|c| c.current.as_ref()).map(|op| (n.id, op)))
        .map(|(id, op)| format!("client {id}: {} ({})", describe(op), phase_name(op)))
        .collect::<Vec<_>>();
    Picture {
        arrangement: Arrangement::Columns { servers, clients: nodes.len() as u32 - servers },
        legend: vec![
            role("server: (value @ timestamp)", SERVER_TONE, Shape::Square),
            role("client: query phase", QUERY_TONE, Shape::Circle),
            role("client: update / write-back", UPDATE_TONE, Shape::Circle),
            role("client: idle", IDLE_TONE, Shape::Circle),
        ],
        banner: (!busy.is_empty()).then(|| busy.join(" · ")),
        panels: vec![history_panel(nodes)],
        ..Picture::default()
    }
}
