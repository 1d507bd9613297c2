//! How 2PC and 3PC present themselves: the coordinator on the left, the
//! participants beside it coloured by their state; an in-doubt participant
//! says how long it has been blocked; each node's durable log in its
//! inspector; a table of every participant's state and a banner that says
//! whether the transaction is decided, blocked or (3PC under a partition)
//! split.

use crate::commit::{CommitNode, Coordinator, Decision, Participant, Phase, TxState};
use crate::{Commit, Phases};
use protocol::present::{Arrangement, Body, Fact, LegendItem, Row, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

pub const COORDINATOR_TONE: Tone = Tone::OLIVE;

/// A participant state's colour.
pub fn state_tone(s: TxState) -> Tone {
    match s {
        TxState::Working => Tone::CYAN,
        TxState::Prepared => Tone::AMBER,
        TxState::PreCommitted => Tone::BLUE,
        TxState::Committed => Tone::GREEN,
        TxState::Aborted => Tone::PINK,
    }
}

fn decision_word(d: Option<Decision>) -> &'static str {
    match d {
        Some(Decision::Commit) => "commit",
        Some(Decision::Abort) => "abort",
        None => "undecided",
    }
}

fn phase_word(c: &Coordinator) -> &'static str {
    match c.phase {
        Phase::Idle if c.tx == 0 => "idle",
        Phase::Idle | Phase::Done | Phase::Deciding => decision_word(c.decision),
        Phase::Voting => "voting",
        Phase::PreCommitting => "pre-commit",
        Phase::Recovering => "asking",
    }
}

/// Since when a blocked participant has waited (its clock: a node learns
/// the time only when it steps, so a duration would be stale between its
/// steps), as its note says it.
pub fn blocked_note(p: &Participant) -> String {
    match p.blocked_since {
        Some(since) => format!("blocked since {since} ms"),
        None => String::new(),
    }
}

pub(crate) fn look(_id: NodeId, node: &CommitNode) -> Look {
    match node {
        CommitNode::Coordinator(c) => Look {
            role: "coordinator",
            tone: COORDINATOR_TONE,
            shape: Shape::Diamond,
            badge: if c.tx == 0 { "idle".to_string() } else { format!("tx {} · {}", c.tx, phase_word(c)) },
            note: match c.decision {
                Some(d) => format!("log: {}", decision_word(Some(d))),
                None => String::new(),
            },
            ring: match c.phase {
                Phase::Voting | Phase::PreCommitting => Some(Countdown::Timer("votes")),
                _ => None,
            },
        },
        CommitNode::Participant(p) => Look {
            role: "participant",
            tone: state_tone(p.state),
            shape: Shape::Circle,
            badge: if p.tx == 0 { "working".to_string() } else { format!("tx {} · {}", p.tx, p.state.name()) },
            note: blocked_note(p),
            ring: p.state.in_doubt().then_some(Countdown::Timer("outcome")),
        },
    }
}

pub(crate) fn inspect(id: NodeId, node: &CommitNode, up: bool) -> Vec<Panel> {
    let (facts, log) = match node {
        CommitNode::Coordinator(c) => (
            vec![
                Fact::new("Role", "coordinator"),
                Fact::new("Transaction", c.tx.to_string()),
                Fact::new("Phase", if up { phase_word(c) } else { "crashed" }),
                Fact::new("Yes votes", c.yes.count_ones().to_string()),
                Fact::new("Acknowledged", c.acks.count_ones().to_string()),
            ],
            vec![log_row("tx", c.tx.to_string()), log_row("decision", decision_word(c.decision).to_string())],
        ),
        CommitNode::Participant(p) => (
            vec![
                Fact::new("Role", "participant"),
                Fact::new("Transaction", p.tx.to_string()),
                Fact::new("State", p.state.name()),
                Fact::new("In doubt", if p.state.in_doubt() { "yes" } else { "no" }),
                Fact::new("Blocked", if up && p.blocked_since.is_some() { blocked_note(p) } else { "no".to_string() }),
            ],
            vec![log_row("tx", p.tx.to_string()), log_row("state", p.state.name().to_string())],
        ),
    };
    vec![
        Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } },
        Panel {
            id: "txn-log",
            title: "Durable log".to_string(),
            note: Some("What survives a crash: written before every message that depends on it".to_string()),
            body: Body::Table { columns: vec!["record", "value"], rows: log, empty: "Nothing logged yet." },
        },
    ]
}

fn log_row(k: &str, v: String) -> Row {
    Row { cells: vec![k.to_string(), v], verdict: None }
}

pub(crate) fn picture<K: Phases>(nodes: &[NodeRef<'_, Commit<K>>]) -> Picture {
    let mut legend = vec![LegendItem::Role { label: "coordinator", tone: COORDINATOR_TONE, shape: Shape::Diamond }];
    // Every node of a world runs the same protocol.
    let three = nodes.first().is_some_and(|n| n.state.three_phase());
    let states: &[TxState] = if three {
        &[TxState::Working, TxState::Prepared, TxState::PreCommitted, TxState::Committed, TxState::Aborted]
    } else {
        &[TxState::Working, TxState::Prepared, TxState::Committed, TxState::Aborted]
    };
    for &s in states {
        legend.push(LegendItem::Role { label: s.name(), tone: state_tone(s), shape: Shape::Circle });
    }
    legend.push(LegendItem::Ring { label: "waiting for votes / for the outcome", outer: false });
    let mut rows = Vec::with_capacity(nodes.len());
    let (mut committed, mut aborted, mut doubt, mut blocked, mut tx) = (0, 0, 0, 0, 0);
    for n in nodes {
        let CommitNode::Participant(p) = &n.state.node else {
            tx = n.state.tx();
            continue;
        };
        let down = n.status == Status::Crashed;
        if p.tx == tx {
            match p.state {
                TxState::Committed => committed += 1,
                TxState::Aborted => aborted += 1,
                s if s.in_doubt() => doubt += 1,
                _ => {}
            }
        }
        if p.blocked_since.is_some() && !down {
            blocked += 1;
        }
        rows.push(Row {
            cells: vec![
                n.id.to_string(),
                p.tx.to_string(),
                if down { format!("{} (down)", p.state.name()) } else { p.state.name().to_string() },
                if down { String::new() } else { blocked_note(p) },
            ],
            verdict: p.state.outcome().map(|d| d == Decision::Commit),
        });
    }
    let total = nodes.len().saturating_sub(1);
    let banner = (tx > 0).then(|| {
        if committed > 0 && aborted > 0 {
            format!("tx {tx}: split! {committed} committed, {aborted} aborted")
        } else if blocked > 0 {
            format!("tx {tx}: {blocked} of {total} in doubt and blocked")
        } else if committed == total {
            format!("tx {tx}: committed everywhere")
        } else if aborted == total {
            format!("tx {tx}: aborted everywhere")
        } else {
            format!("tx {tx}: {committed} committed, {aborted} aborted, {doubt} in doubt of {total}")
        }
    });
    Picture {
        arrangement: Arrangement::Columns { servers: 1, clients: total as u32 },
        legend,
        banner,
        panels: vec![Panel {
            id: "txn-participants",
            title: "Participants".to_string(),
            note: Some(format!("Transaction {tx}")),
            body: Body::Table { columns: vec!["node", "tx", "state", "blocked"], rows, empty: "No participant." },
        }],
        ..Picture::default()
    }
}
