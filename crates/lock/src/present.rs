//! How the lock algorithms present themselves: lock servers, clients and
//! the storage in three columns; every node's local clock; each lease
//! twice, as its holder believes it (on the holder's clock) and as the
//! server sees it (the server's expiry timer, drawn around the client it
//! believes holds the lock): they differ when a clock drifts or a client
//! pauses (Kleppmann, "How to do distributed locking", 2016); and the
//! storage's write log, where fencing tokens show their worth.

use crate::client::{Held, Phase};
use crate::config::{Choice, Kind, Layout};
use crate::storage::Storage;
use crate::zk_client::ZkPhase;
use crate::{Lock, Node};
use protocol::present::{Arrangement, Body, Fact, LegendItem, OuterRing, Row, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

/// Most writes the storage panel lists: the newest ones.
pub const WRITE_ROWS: usize = 100;

/// A kind's colour and shape, as the app has always drawn them.
pub fn kind_tone(kind: Kind) -> (Tone, Shape) {
    match kind {
        Kind::LockServer => (Tone::OLIVE, Shape::Square),
        Kind::Client => (Tone::CYAN, Shape::Circle),
        Kind::Storage => (Tone::PURPLE, Shape::Hexagon),
    }
}

/// The lease as its holder believes it: from the moment it got the lock to
/// `valid_until`, both on its own clock.
fn believed(held: Option<&Held>) -> Option<Countdown> {
    held.map(|h| Countdown::Local { since: h.since, until: h.valid_until })
}

impl<V: Choice> Lock<V> {
    pub(crate) fn present_look(&self) -> Look {
        let kind = self.kind();
        let (tone, shape) = kind_tone(kind);
        let (badge, ring) = match &self.node {
            Node::Server(s) => {
                let badge = match s.lease() {
                    Some(l) => format!("tok {} → {}", l.token, l.client),
                    None => "free".to_string(),
                };
                (badge, Some(Countdown::Timer("expire")))
            }
            Node::Coordinator(c) => {
                let waiting = c.entries().count().saturating_sub(1);
                let badge = match c.holder() {
                    Some(e) if waiting > 0 => format!("tok {} → {} · {waiting} wait", e.seq, e.client),
                    Some(e) => format!("tok {} → {}", e.seq, e.client),
                    None => "free".to_string(),
                };
                (badge, None)
            }
            Node::Client(c) => {
                let badge = match (c.lock(), c.phase()) {
                    (Some(Held { token: Some(t), .. }), _) => format!("holds {t}"),
                    (Some(_), _) => "holds".to_string(),
                    (None, Phase::Acquiring) => "asks".to_string(),
                    (None, Phase::Writing) => "writes, expired".to_string(),
                    (None, _) => "idle".to_string(),
                };
                (badge, believed(c.lock()))
            }
            Node::ZkClient(c) => {
                let badge = match (c.lock(), c.phase(), c.seq()) {
                    (Some(Held { token: Some(t), .. }), _, _) => format!("holds {t}"),
                    (_, ZkPhase::Waiting | ZkPhase::Checking, Some(seq)) => format!("queued {seq}"),
                    (_, ZkPhase::Connecting, _) => "connects".to_string(),
                    (None, ZkPhase::Writing, _) => "writes, lost".to_string(),
                    _ => "idle".to_string(),
                };
                // Not holding, it still counts down its session.
                (badge, believed(c.lock()).or(Some(Countdown::Timer("session"))))
            }
            Node::Storage(s) => {
                let writes = format!("{} write{}", s.total(), protocol::plural(s.total()));
                let badge = match s.rejected() {
                    0 => writes,
                    r => format!("{writes} · {r} rejected"),
                };
                (badge, None)
            }
        };
        Look { role: kind.name(), tone, shape, badge, note: String::new(), ring }
    }

    pub(crate) fn present_inspect(&self) -> Vec<Panel> {
        let opt = |v: Option<u64>| v.map_or("none".to_string(), |t| t.to_string());
        let node = |n: Option<NodeId>| n.map_or("nobody".to_string(), |n| format!("node {n}"));
        let holds = |h: Option<&Held>| match h {
            Some(h) => match h.token {
                Some(t) => format!("yes, token {t}, until t={}", h.valid_until),
                None => format!("yes, until t={}", h.valid_until),
            },
            None => "no".to_string(),
        };
        let facts = match &self.node {
            Node::Server(s) => vec![
                Fact::new("Holder", node(s.lease().map(|l| l.client))),
                Fact::new("Token", opt(s.lease().map(|l| l.token))),
                Fact::new("Expires at", s.lease().map_or("—".to_string(), |l| format!("t={}", l.expires_at))),
                Fact::new("Last token", opt(s.last_token())),
            ],
            Node::Coordinator(c) => vec![
                Fact::new("Holder", node(c.holder().map(|e| e.client))),
                Fact::new(
                    "Queue",
                    c.entries().map(|e| format!("{}→{}", e.seq, e.client)).collect::<Vec<_>>().join(", "),
                ),
                Fact::new("Sessions", c.sessions().count().to_string()),
                Fact::new("Last token", opt(c.last_token())),
            ],
            Node::Client(c) => vec![
                Fact::new("Phase", phase_name(c.phase())),
                Fact::new("Holds the lock", holds(c.lock())),
                Fact::new("Attempt", c.attempt().to_string()),
                Fact::new("Local time", format!("t={}", c.local_time())),
            ],
            Node::ZkClient(c) => vec![
                Fact::new("Phase", zk_phase_name(c.phase())),
                Fact::new("Session", opt(c.session())),
                Fact::new("Entry", opt(c.seq())),
                Fact::new("Holds the lock", holds(c.lock())),
                Fact::new("Session until", format!("t={}", c.session_until())),
                Fact::new("Local time", format!("t={}", c.local_time())),
            ],
            Node::Storage(s) => vec![
                Fact::new("Writes", s.total().to_string()),
                Fact::new("Rejected", s.rejected().to_string()),
                Fact::new("Checks tokens", if s.fencing() { "yes" } else { "no" }),
                Fact::new("Highest token", opt(s.highest_token())),
            ],
        };
        vec![Panel { id: "facts", title: format!("Node {}", self.id), note: None, body: Body::Facts { facts } }]
    }

    pub(crate) fn present_picture(nodes: &[NodeRef<'_, Self>]) -> Picture {
        let Some(variant) = nodes.first().map(|n| n.state.variant) else {
            return Picture::default();
        };
        let layout = Layout::new(variant, nodes.len() as u32);
        let role = |kind: Kind| {
            let (tone, shape) = kind_tone(kind);
            LegendItem::Role { label: kind.name(), tone, shape }
        };
        let legend = vec![
            role(Kind::LockServer),
            role(Kind::Client),
            role(Kind::Storage),
            LegendItem::Ring { label: "lease as its holder believes", outer: false },
            LegendItem::Ring { label: "lease as the server sees it", outer: true },
            LegendItem::Text { label: "t= local clock ×rate" },
        ];
        // Each server's own view of its lease, around the client it believes
        // holds it (Redlock: one ring per server that granted). The ZooKeeper
        // coordinator's sessions are not one timer per holder, so it has none.
        let outer_rings = nodes
            .iter()
            .filter(|n| n.status != Status::Crashed)
            .filter_map(|n| match &n.state.node {
                Node::Server(s) => s.lease().map(|l| OuterRing {
                    around: l.client,
                    countdown: Countdown::TimerOf { node: n.id, timer: "expire" },
                }),
                _ => None,
            })
            .collect();
        let panels =
            nodes.iter().rev().find_map(|n| n.state.storage().map(|s| writes_panel(n.id, s))).into_iter().collect();
        Picture {
            arrangement: Arrangement::Columns {
                servers: layout.servers().len() as u32,
                clients: layout.clients().len() as u32,
            },
            legend,
            outer_rings,
            clocks: true,
            panels,
            ..Picture::default()
        }
    }
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Idle => "idle",
        Phase::Acquiring => "acquiring",
        Phase::Holding => "holding",
        Phase::Writing => "writing",
    }
}

fn zk_phase_name(p: ZkPhase) -> &'static str {
    match p {
        ZkPhase::Connecting => "connecting",
        ZkPhase::Idle => "idle",
        ZkPhase::Creating => "creating",
        ZkPhase::Waiting => "waiting",
        ZkPhase::Checking => "checking",
        ZkPhase::Holding => "holding",
        ZkPhase::Writing => "writing",
        ZkPhase::Releasing => "releasing",
    }
}

/// The storage's write log, newest first, at most [`WRITE_ROWS`] rows.
pub fn writes_panel(id: NodeId, s: &Storage) -> Panel {
    let note = match (s.fencing(), s.highest_token()) {
        (_, Some(t)) => format!("Highest token accepted: {t}"),
        (true, None) => "No token accepted yet".to_string(),
        (false, None) => "No token checked (this storage accepts every write)".to_string(),
    };
    let rows = s
        .writes()
        .iter()
        .rev()
        .take(WRITE_ROWS)
        .map(|w| Row {
            cells: vec![
                w.client.to_string(),
                w.token.map_or("—".to_string(), |t| t.to_string()),
                if w.accepted { "✓ accepted" } else { "✗ rejected" }.to_string(),
                w.time.to_string(),
            ],
            verdict: Some(w.accepted),
        })
        .collect();
    Panel {
        id: "writes",
        title: format!("Storage writes (node {id})"),
        note: Some(note),
        body: Body::Table { columns: vec!["client", "token", "result", "time"], rows, empty: "No write yet." },
    }
}
