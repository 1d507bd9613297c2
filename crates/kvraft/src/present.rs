//! How kv-raft presents itself: Raft's own picture of the servers (roles,
//! terms, the log grid), laid out in a column with the clients in another,
//! plus each server's store, the clients' history and the verdict.

use crate::client::{describe, key_name, show, KvClient};
use crate::verdict::{history_panel, judge, verdict_panel, Finding};
use crate::{KvRaft, KvRaftConfig, Node};
use protocol::present::{Arrangement, Body, Fact, LegendItem, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Protocol, Status, Tone};
use raft::Raft;

pub const WAITING_TONE: Tone = Tone::AMBER;
pub const IDLE_TONE: Tone = Tone::CYAN;

/// A server's store: `x=103 y=nil`.
pub fn store_text(get: impl Fn(u8) -> protocol::linearizable::Value, keys: u32) -> String {
    (0..keys as u8).map(|k| format!("{}={}", key_name(k), show(get(k)))).collect::<Vec<_>>().join(" ")
}

/// A client as the canvas draws it (shared with kv-lww).
pub fn client_look(c: &KvClient) -> Look {
    match &c.current {
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
            tone: WAITING_TONE,
            shape: Shape::Circle,
            badge: describe(op.key, op.kind),
            note: format!("try {} at server {}", op.attempts, c.target),
            ring: Some(Countdown::Timer("resend")),
        },
    }
}

/// A client in the inspector (shared with kv-lww).
pub fn client_facts(id: NodeId, c: &KvClient, up: bool) -> Panel {
    let op = c.current.as_ref().filter(|_| up);
    let facts = vec![
        Fact::new("Role", "client"),
        Fact::new("Operations started", c.ops.to_string()),
        Fact::new(
            "Operation",
            op.map_or("none".to_string(), |o| format!("{} (try {})", describe(o.key, o.kind), o.attempts)),
        ),
        Fact::new("Asks", format!("server {}", c.target)),
    ];
    Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } }
}

pub(crate) fn look(n: &KvRaft) -> Look {
    match &n.node {
        Node::Server(s) => {
            let mut look = s.raft.look();
            look.note = store_text(|k| s.store.get(k), n.config.clients.keys);
            look
        }
        Node::Client(c) => client_look(c),
    }
}

pub(crate) fn inspect(n: &KvRaft, up: bool) -> Vec<Panel> {
    match &n.node {
        Node::Server(s) => {
            let mut panels = s.raft.inspect(up);
            if let Some(Panel { body: Body::Facts { facts }, .. }) = panels.first_mut() {
                facts.push(Fact::new(
                    "Applied",
                    format!("{} entries (volatile: rebuilt from the log after a crash)", s.applied),
                ));
                facts.push(Fact::new("Store", store_text(|k| s.store.get(k), n.config.clients.keys)));
                facts.push(Fact::new("Clients waiting", s.pending().to_string()));
            }
            panels
        }
        Node::Client(c) => vec![client_facts(n.id, c, up)],
    }
}

/// The clients of a world, with their ids (crashed ones left out: they
/// hold only their op counter).
pub fn clients<'a, P>(
    nodes: &'a [NodeRef<'a, P>],
    client: impl Fn(&'a P) -> Option<&'a KvClient>,
) -> Vec<(NodeId, &'a KvClient)> {
    nodes.iter().filter(|n| n.status != Status::Crashed).filter_map(|n| client(n.state).map(|c| (n.id, c))).collect()
}

pub(crate) fn picture(nodes: &[NodeRef<'_, KvRaft>], config: &KvRaftConfig) -> Picture {
    let servers: Vec<NodeRef<'_, Raft>> =
        nodes.iter().filter_map(|n| n.part(|k| k.server().map(|s| &s.raft))).collect();
    let mut picture = Raft::picture(&servers, &config.raft);
    let count = servers.len() as u32;
    picture.arrangement = Arrangement::Columns { servers: count, clients: nodes.len() as u32 - count };
    picture.legend.extend([
        LegendItem::Role { label: "client: waiting", tone: WAITING_TONE, shape: Shape::Circle },
        LegendItem::Role { label: "client: idle", tone: IDLE_TONE, shape: Shape::Circle },
    ]);
    let clients = clients(nodes, KvRaft::client);
    let judgement = judge(&clients);
    if let Finding::No { clients, .. } = &judgement.finding {
        picture.marked = clients.clone();
        picture.banner_alarm = true;
    }
    picture.banner = Some(judgement.short());
    let mut panels = vec![verdict_panel(&judgement, Vec::new()), history_panel(&clients)];
    panels.append(&mut picture.panels);
    picture.panels = panels;
    picture
}
