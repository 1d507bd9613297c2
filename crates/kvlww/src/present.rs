//! How kv-lww presents itself: replicas in a column with their versions and
//! lost updates, the clients in another, the clients' history, and the
//! linearizability verdict with the lost updates that explain it.

use crate::{Lost, Lww, LwwConfig, Node, Version};
use kvraft::client::{key_name, Kind};
use kvraft::present::{client_facts, client_look, clients, store_text};
use kvraft::verdict::{history_panel, judge, verdict_panel, Finding};
use protocol::present::{Arrangement, Body, Fact, LegendItem, Row, Shape};
use protocol::{Look, NodeRef, Panel, Picture, Status, Tone};

pub const REPLICA_TONE: Tone = Tone::BLUE;
pub const LOSING_TONE: Tone = Tone::PINK;

/// A key's version as the replicas table and the log show it:
/// `x=103 @120.0`. Written by `Display`, so a log line formats it only when
/// the world keeps notes.
pub struct At(pub u8, pub Version);

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={} @{}", key_name(self.0), self.1.value, self.1.ts)
    }
}

/// An operation as the clients' badges name it: `read x` or `write x=103`.
pub struct OpText(pub u8, pub Kind);

impl std::fmt::Display for OpText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            Kind::Read => write!(f, "read {}", key_name(self.0)),
            Kind::Write(v) => write!(f, "write {}={v}", key_name(self.0)),
        }
    }
}

/// `x=103 @120.0 (replica 0) lost to x=104 @130.2 (replica 2, written
/// without seeing it)`.
pub fn describe_lost(l: &Lost) -> String {
    format!(
        "{} (replica {}) lost to {} (replica {}, written without seeing it)",
        At(l.key, l.write),
        l.write.origin,
        At(l.key, l.to),
        l.to.origin
    )
}

pub(crate) fn look(n: &Lww) -> Look {
    match &n.node {
        Node::Replica(r) => Look {
            role: "replica",
            tone: if r.lost > 0 { LOSING_TONE } else { REPLICA_TONE },
            shape: Shape::Square,
            badge: store_text(|k| r.store.get(&k).map(|v| v.value), n.config.clients.keys),
            note: if r.lost > 0 { format!("{} lost", r.lost) } else { String::new() },
            ring: None,
        },
        Node::Client(c) => client_look(c),
    }
}

pub(crate) fn inspect(n: &Lww, up: bool) -> Vec<Panel> {
    match &n.node {
        Node::Replica(r) => {
            let mut facts = vec![Fact::new("Role", "replica: accepts reads and writes whatever the network")];
            facts.extend(r.store.iter().map(|(k, v)| {
                Fact::new(
                    key_name(*k),
                    format!("{} @{} (taken by replica {}, which held @{})", v.value, v.ts, v.origin, v.seen),
                )
            }));
            facts.push(Fact::new("Lost updates", r.lost.to_string()));
            facts.extend(r.recent_lost.iter().map(|l| Fact::new("Lost", describe_lost(l))));
            vec![Panel { id: "facts", title: format!("Node {}", n.id), note: None, body: Body::Facts { facts } }]
        }
        Node::Client(c) => vec![client_facts(n.id, c, up)],
    }
}

fn replicas_panel(nodes: &[NodeRef<'_, Lww>], keys: u32) -> Panel {
    let mut columns = vec!["replica"];
    columns.extend(kvraft::client::KEYS.iter().take(keys as usize).copied());
    columns.push("lost");
    let rows = nodes
        .iter()
        .filter_map(|n| n.state.replica().map(|r| (n, r)))
        .map(|(n, r)| {
            let mut cells = vec![n.id.to_string()];
            cells.extend(
                (0..keys as u8)
                    .map(|k| r.store.get(&k).map_or("nil".to_string(), |v| format!("{} @{}", v.value, v.ts))),
            );
            cells.push(r.lost.to_string());
            Row { cells, verdict: (n.status != Status::Crashed).then_some(r.lost == 0) }
        })
        .collect();
    Panel {
        id: "lww-replicas",
        title: "Replicas".to_string(),
        note: Some("Each replica's value @ timestamp (its clock in ms . replica id) per key; the highest timestamp wins on merge.".to_string()),
        body: Body::Table { columns, rows, empty: "No replica." },
    }
}

pub(crate) fn picture(nodes: &[NodeRef<'_, Lww>], config: &LwwConfig) -> Picture {
    let replicas = nodes.iter().filter(|n| n.state.replica().is_some()).count() as u32;
    let clients = clients(nodes, Lww::client);
    let judgement = judge(&clients);
    let lost: u64 = nodes.iter().filter_map(|n| n.state.replica()).map(|r| r.lost).sum();
    let mut extra = vec![Fact::new("Lost updates", lost.to_string())];
    extra.extend(
        nodes
            .iter()
            .filter_map(|n| n.state.replica())
            .flat_map(|r| r.recent_lost.iter())
            .map(|l| Fact::new("Lost", describe_lost(l))),
    );
    let updates = if lost == 1 { "update" } else { "updates" };
    let role = |label, tone, shape| LegendItem::Role { label, tone, shape };
    Picture {
        arrangement: Arrangement::Columns { servers: replicas, clients: nodes.len() as u32 - replicas },
        legend: vec![
            role("replica: value @ timestamp", REPLICA_TONE, Shape::Square),
            role("replica that lost an acknowledged write", LOSING_TONE, Shape::Square),
            role("client: waiting", kvraft::present::WAITING_TONE, Shape::Circle),
            role("client: idle", kvraft::present::IDLE_TONE, Shape::Circle),
        ],
        banner: Some(format!("{} · {lost} {updates} lost", judgement.short())),
        banner_alarm: lost > 0 || matches!(judgement.finding, Finding::No { .. }),
        marked: match &judgement.finding {
            Finding::No { clients, .. } => clients.clone(),
            _ => Vec::new(),
        },
        panels: vec![
            verdict_panel(&judgement, extra),
            replicas_panel(nodes, config.clients.keys),
            history_panel(&clients),
        ],
        ..Picture::default()
    }
}
