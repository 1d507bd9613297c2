//! How primary-backup presents itself: the client on the left, the pair
//! beside it; each replica's role and epoch, the detector's suspicion of its
//! peer as a fact and a bar (its level against the threshold), and the write
//! log of each replica side by side, coloured by the epoch that ordered it.

use crate::config::{Detector, Fencing, PbConfig};
use crate::replica::{Replica, LOG_KEEP};
use crate::{Node, PrimaryBackup};
use protocol::present::{Arrangement, Bar, Body, Cell, Fact, Grid, GridRow, Lead, LegendItem, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

pub const PRIMARY_TONE: Tone = Tone::GREEN;
pub const BACKUP_TONE: Tone = Tone::BLUE;
pub const SUSPECTING_TONE: Tone = Tone::ORANGE;
pub const CLIENT_TONE: Tone = Tone::OLIVE;

/// The detector's level against its threshold, in words.
pub fn suspicion(r: &Replica) -> String {
    let v = r.verdict;
    if v.threshold == 0.0 {
        // Not judged since it (re)started: a crashed replica holds only what it persisted.
        return String::new();
    }
    let level = match r.config.detector {
        Detector::Timeout => format!("silent {:.0} ms of {:.0}", v.level, v.threshold),
        Detector::Phi => format!("φ {:.2} of {:.1}", v.level, v.threshold),
    };
    if v.suspect {
        format!("{level}: suspects")
    } else {
        level
    }
}

fn epoch_badge(r: &Replica) -> String {
    match r.config.fencing {
        Fencing::Epoch => format!("e{}", r.epoch),
        Fencing::None => "no epoch".to_string(),
    }
}

fn role(r: &Replica) -> (&'static str, Tone, Shape) {
    if r.primary {
        ("primary", PRIMARY_TONE, Shape::Diamond)
    } else if r.verdict.suspect {
        ("backup (suspects primary)", SUSPECTING_TONE, Shape::Circle)
    } else {
        ("backup", BACKUP_TONE, Shape::Circle)
    }
}

pub(crate) fn look(node: &Node) -> Look {
    match node {
        Node::Client(c) => Look {
            role: "client",
            tone: CLIENT_TONE,
            shape: Shape::Square,
            badge: format!("→ {}", c.primary),
            note: format!("ok {} · ✗ {} · ? {}", c.ok, c.failed, c.unknown),
            ring: c.outstanding.map(|_| Countdown::Timer("reply")),
        },
        Node::Replica(r) => {
            let (role, tone, shape) = role(r);
            Look {
                role,
                tone,
                shape,
                badge: epoch_badge(r),
                note: suspicion(r),
                ring: Some(Countdown::Timer("heartbeat")),
            }
        }
    }
}

pub(crate) fn inspect(id: NodeId, node: &Node, up: bool) -> Vec<Panel> {
    let facts = match node {
        Node::Client(c) => vec![
            Fact::new("Role", "client"),
            Fact::new("Believed primary", format!("replica {}", c.primary)),
            Fact::new("Waiting for", c.outstanding.map_or("nothing".to_string(), |id| format!("w{id}"))),
            Fact::new("Writes ok / refused / unknown", format!("{} / {} / {}", c.ok, c.failed, c.unknown)),
        ],
        Node::Replica(r) => {
            let watched = &r.beats[(r.watched() - 1) as usize];
            let (mean, std) = watched.mean_std(r.config.heartbeat_ms);
            let mut facts = vec![
                Fact::new("Role", role(r).0),
                Fact::new("Epoch", epoch_badge(r)),
                Fact::new(
                    "Accepted writes in",
                    r.accepted.map_or("no epoch yet".to_string(), |(e, n)| {
                        format!("epoch {e} ({n} write{})", protocol::plural(n))
                    }),
                ),
                Fact::new("Log length", r.log.len.to_string()),
            ];
            if up {
                facts.push(Fact::new("Suspicion of replica", format!("{}: {}", r.watched(), suspicion(r))));
                facts.push(Fact::new(
                    "Last heartbeat heard",
                    watched.last.map_or("never".to_string(), |t| format!("t={t} (now t={})", r.now)),
                ));
                if r.config.detector == Detector::Phi {
                    facts.push(Fact::new("Inter-arrival mean ± std", format!("{mean:.1} ± {std:.1} ms")));
                }
                if r.primary {
                    facts.push(Fact::new("Backup in view", if r.has_backup() { "yes" } else { "no" }));
                    facts.push(Fact::new("Waiting for the backup", r.pending.len().to_string()));
                }
            }
            facts
        }
    };
    vec![Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } }]
}

/// Each replica's log, aligned by position, the newest [`LOG_KEEP`]
/// positions up to the longest log; a cell's colour is the epoch that
/// ordered the write.
pub fn logs_grid(nodes: &[NodeRef<'_, PrimaryBackup>]) -> Grid {
    let replicas: Vec<(&NodeRef<'_, PrimaryBackup>, &Replica)> =
        nodes.iter().filter_map(|n| n.state.replica().map(|r| (n, r))).collect();
    let longest = replicas.iter().map(|(_, r)| r.log.len).max().unwrap_or(0);
    let first = longest.saturating_sub(LOG_KEEP as u64) + 1;
    let columns = (longest + 1).saturating_sub(first);
    let rows = replicas
        .iter()
        .map(|(n, r)| {
            let start = r.log.len - r.log.entries.len() as u64 + 1;
            let cells = (first..=longest)
                .map(|pos| {
                    let e = r.log.entries.get(pos.checked_sub(start)? as usize)?;
                    Some(Cell {
                        text: format!("w{}", e.id),
                        tone: Tone::cycle(e.epoch),
                        strong: true,
                        title: format!("position {pos}: write w{} = {}, ordered in epoch {}", e.id, e.value, e.epoch),
                    })
                })
                .collect();
            GridRow {
                node: n.id,
                down: n.status == Status::Crashed,
                cells,
                mark: None,
                tail: format!("{} · {}", if r.primary { "primary" } else { "backup" }, epoch_badge(r)),
            }
        })
        .collect();
    Grid {
        axis: "position",
        first,
        columns: columns as u32,
        rows,
        key: "colour = epoch that ordered the write",
        empty: "No write ordered yet.",
    }
}

/// A bar per replica: its suspicion of its peer, as a share of the threshold (100 = suspects).
pub fn suspicion_bars(nodes: &[NodeRef<'_, PrimaryBackup>]) -> Vec<Bar> {
    nodes
        .iter()
        .filter_map(|n| {
            let r = n.state.replica()?;
            let v = r.verdict;
            let share = if n.status == Status::Up && v.threshold > 0.0 { v.level / v.threshold * 100.0 } else { 0.0 };
            Some(Bar {
                label: format!("{} → {}", n.id, r.watched()),
                value: (share.min(200.0) * 10.0).round() / 10.0,
                tone: if v.suspect { SUSPECTING_TONE } else { BACKUP_TONE },
                part: None,
            })
        })
        .collect()
}

pub(crate) fn picture(nodes: &[NodeRef<'_, PrimaryBackup>], config: &PbConfig) -> Picture {
    let primaries: Vec<(NodeId, u64)> = nodes
        .iter()
        .filter(|n| n.status != Status::Crashed)
        .filter_map(|n| n.state.replica().filter(|r| r.primary).map(|r| (n.id, r.epoch)))
        .collect();
    let banner = match primaries.as_slice() {
        [] => "no primary".to_string(),
        [(id, epoch)] => format!("primary: replica {id} (epoch {epoch})"),
        [(a, ea), (b, eb), ..] if ea == eb => format!("two primaries in epoch {ea}: replicas {a} and {b}"),
        [(a, ea), (b, eb), ..] => {
            format!("two replicas believe they are primary: {a} (epoch {ea}) and {b} (epoch {eb})")
        }
    };
    let marked = nodes
        .iter()
        .filter_map(|n| n.state.replica().filter(|r| n.status == Status::Up && r.verdict.suspect).map(|r| r.watched()))
        .collect();
    let role = |label, tone, shape| LegendItem::Role { label, tone, shape };
    let threshold = match config.detector {
        Detector::Timeout => format!("100 = {} ms of silence (timeout detector)", config.timeout_ms),
        Detector::Phi => format!("100 = φ {} (phi-accrual detector)", config.phi_threshold),
    };
    Picture {
        arrangement: Arrangement::Columns { servers: 1, clients: nodes.len().saturating_sub(1) as u32 },
        legend: vec![
            role("client", CLIENT_TONE, Shape::Square),
            role("primary", PRIMARY_TONE, Shape::Diamond),
            role("backup", BACKUP_TONE, Shape::Circle),
            role("backup (suspects primary)", SUSPECTING_TONE, Shape::Circle),
            LegendItem::Ring { label: "next heartbeat", outer: false },
            LegendItem::Marked { label: "suspected by its peer" },
        ],
        banner: Some(banner),
        banner_alarm: primaries.len() > 1,
        marked,
        lead: Some(Lead {
            role: "primary",
            holders: primaries.iter().map(|&(id, e)| (id, format!("primary of epoch {e}"))).collect(),
        }),
        panels: vec![
            Panel {
                id: "pb-suspicion",
                title: "Suspicion".to_string(),
                note: Some(threshold),
                body: Body::Bars {
                    bars: suspicion_bars(nodes),
                    unit: "% of threshold",
                    parts: None,
                    full: Some(100.0),
                },
            },
            Panel {
                id: "pb-logs",
                title: "Write log per replica".to_string(),
                note: Some(format!("fencing: {}", config.fencing.name())),
                body: Body::Grid(logs_grid(nodes)),
            },
        ],
        ..Picture::default()
    }
}
