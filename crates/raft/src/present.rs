//! How Raft presents itself: roles in the app's long-standing colours, the
//! election timeout as a ring, the inspector's facts and log, and every
//! server's log side by side (RaftScope's log picture), so a reader sees
//! at a glance where logs diverge, what is committed where, and how far the
//! leader believes each follower has caught up (`nextIndex`, `matchIndex`).
//!
//! Everything here does bounded work however long the run: the grid and the
//! inspector's table read only the newest entries, through the chunked log's
//! constant-time seek, never the whole log.

use crate::log::Log;
use crate::raft::{Raft, Role};
use protocol::present::{Body, Cell, Fact, Grid, GridRow, Lead, LegendItem, Row, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

/// Most log positions the `raft-logs` grid shows: the newest ones, up to the
/// longest log. Enough to see divergence and catch-up, readable at 9 nodes.
pub const GRID_COLUMNS: u64 = 40;
/// Most entries the inspector's log table lists: the newest ones.
pub const INSPECT_ENTRIES: u64 = 200;

/// A role's colour: leader green, candidate orange, follower blue.
pub fn role_tone(role: Role) -> Tone {
    match role {
        Role::Leader => Tone::GREEN,
        Role::Candidate => Tone::ORANGE,
        Role::Follower => Tone::BLUE,
    }
}

pub(crate) fn look(r: &Raft) -> Look {
    Look {
        role: r.role().name(),
        tone: role_tone(r.role()),
        shape: Shape::Circle,
        badge: format!("T{}", r.current_term()),
        note: String::new(),
        // A leader does not time out; everyone else counts down to an election.
        ring: (r.role() != Role::Leader).then_some(Countdown::Timer("election")),
    }
}

pub(crate) fn inspect(r: &Raft, _up: bool) -> Vec<Panel> {
    let log = r.log();
    let facts = vec![
        Fact::new("Role", r.role().name()),
        Fact::new("Term", r.current_term().to_string()),
        Fact::new("Voted for", r.voted_for().map_or("nobody".to_string(), |v| format!("node {v}"))),
        Fact::new("Commit index", r.commit_index().to_string()),
        Fact::new("Log length", log.last_index().to_string()),
    ];
    vec![
        Panel { id: "facts", title: format!("Node {}", r.id()), note: None, body: Body::Facts { facts } },
        log_table(log, r.commit_index()),
    ]
}

/// The newest [`INSPECT_ENTRIES`] entries of `log`, oldest of them first.
fn log_table(log: &Log, commit_index: u64) -> Panel {
    let last = log.last_index();
    let first = last.saturating_sub(INSPECT_ENTRIES - 1).max(1);
    let rows = (first..)
        .zip(log.iter_from(first))
        .map(|(index, entry)| {
            let committed = index <= commit_index;
            Row {
                cells: vec![
                    index.to_string(),
                    format!("T{}", entry.term),
                    entry.cmd.to_string(),
                    if committed { "✓ committed" } else { "pending" }.to_string(),
                ],
                verdict: committed.then_some(true),
            }
        })
        .collect();
    let note = (first > 1).then(|| format!("The newest {} of {last} entries", last - first + 1));
    Panel {
        id: "log",
        title: "Log".to_string(),
        note,
        body: Body::Table { columns: vec!["index", "term", "command", "state"], rows, empty: "Empty log." },
    }
}

pub(crate) fn picture(nodes: &[NodeRef<'_, Raft>]) -> Picture {
    let legend = [Role::Leader, Role::Candidate, Role::Follower]
        .into_iter()
        .map(|role| LegendItem::Role { label: role.name(), tone: role_tone(role), shape: Shape::Circle })
        .chain([LegendItem::Ring { label: "election timeout", outer: false }])
        .collect();
    let grid = log_grid(nodes);
    // An empty grid says why itself: the key would be noise.
    let note = (grid.columns > 0)
        .then(|| "A row per server; solid = committed on that server; ▏ = its commit index".to_string());
    Picture {
        legend,
        panels: vec![Panel { id: "raft-logs", title: "Logs".to_string(), note, body: Body::Grid(grid) }],
        lead: Some(Lead {
            role: Role::Leader.name(),
            holders: nodes
                .iter()
                .filter(|n| n.status == Status::Up && n.state.role() == Role::Leader)
                .map(|n| (n.id, format!("leader of term {}", n.state.current_term())))
                .collect(),
        }),
        ..Picture::default()
    }
}

/// The leader whose `nextIndex`/`matchIndex` the grid shows: the up leader
/// of the highest term (an old leader cut off by a partition may still
/// think it leads).
fn current_leader<'a>(nodes: &[NodeRef<'a, Raft>]) -> Option<&'a Raft> {
    nodes
        .iter()
        .filter(|n| n.status != Status::Crashed && n.state.role() == Role::Leader)
        .max_by_key(|n| (n.state.current_term(), std::cmp::Reverse(n.id)))
        .map(|n| n.state)
}

/// Every server's log side by side: the newest [`GRID_COLUMNS`] positions up
/// to the longest log.
pub(crate) fn log_grid(nodes: &[NodeRef<'_, Raft>]) -> Grid {
    let longest = nodes.iter().map(|n| n.state.log().last_index()).max().unwrap_or(0);
    let first = longest.saturating_sub(GRID_COLUMNS - 1).max(1);
    let columns = (longest + 1).saturating_sub(first);
    let leader = current_leader(nodes);
    let rows = nodes
        .iter()
        .map(|n| {
            let r = n.state;
            let commit = r.commit_index();
            let mut cells: Vec<Option<Cell>> = (first..)
                .zip(r.log().iter_from(first))
                .take(columns as usize)
                .map(|(index, e)| {
                    Some(Cell {
                        text: e.term.to_string(),
                        tone: Tone::cycle(e.term),
                        strong: index <= commit,
                        title: format!("index {index}, term {}: {}", e.term, e.cmd),
                    })
                })
                .collect();
            cells.resize(columns as usize, None);
            GridRow {
                node: n.id,
                down: n.status == Status::Crashed,
                cells,
                mark: (commit > 0).then_some(commit),
                tail: tail(leader, n.id),
            }
        })
        .collect();
    Grid {
        axis: "index",
        first,
        columns: columns as u32,
        rows,
        key: "number and colour = term",
        empty: "Every log is empty: no client command yet. Select a node and send it one, or choose a scenario.",
    }
}

/// What the current leader believes of `node`'s log.
fn tail(leader: Option<&Raft>, node: NodeId) -> String {
    match leader {
        Some(l) if l.id() == node => format!("leader of term {}", l.current_term()),
        Some(l) => match (l.next_index(node), l.match_index(node)) {
            (Some(next), Some(matched)) => format!("next {next} · match {matched}"),
            _ => String::new(),
        },
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RaftConfig;
    use crate::log::Entry;
    use crate::raft::Durable;
    use crate::Msg;
    use protocol::{Cluster, Message, Protocol};

    fn server(id: NodeId, n: u32, term: u64, terms: &[u64]) -> Raft {
        let mut log = Log::default();
        for (i, t) in terms.iter().enumerate() {
            log.push(Entry::new(*t, &format!("x={}", i + 1)));
        }
        let durable = Durable { current_term: term, voted_for: None, log };
        Raft::new(id, &Cluster { nodes: n }, &RaftConfig::default(), Some(&durable))
    }

    fn refs(nodes: &[Raft]) -> Vec<NodeRef<'_, Raft>> {
        nodes.iter().enumerate().map(|(id, s)| NodeRef { id: id as NodeId, status: Status::Up, state: s }).collect()
    }

    fn grid(picture: &Picture) -> &Grid {
        match &picture.panels.iter().find(|p| p.id == "raft-logs").expect("raft-logs panel").body {
            Body::Grid(g) => g,
            other => panic!("not a grid: {other:?}"),
        }
    }

    #[test]
    fn looks_keep_the_apps_colours_and_rings() {
        let mut s = server(0, 3, 2, &[1]);
        assert_eq!(s.look().tone, Tone::BLUE);
        assert_eq!(s.look().ring, Some(Countdown::Timer("election")));
        assert_eq!(s.look().badge, "T2");
        s.set_leader_for_test(vec![2; 3], vec![1; 3]);
        assert_eq!((s.look().role, s.look().tone, s.look().ring), ("leader", Tone::GREEN, None));
        let kinds = [
            (Msg::RequestVote { term: 1, last_log_index: 0, last_log_term: 0 }, Tone(1)),
            (Msg::RequestVoteReply { term: 1, vote_granted: true }, Tone(5)),
            (Msg::AppendEntriesReply { term: 1, success: true, match_index: 0, last_log_index: 0 }, Tone(4)),
        ];
        for (m, tone) in kinds {
            assert_eq!(m.tone(), tone, "{}", m.kind());
        }
    }

    #[test]
    fn grid_shows_terms_commit_marks_and_the_leaders_next_and_match() {
        // Figure 7-like: the leader (0) of term 3, a follower behind (1) and a
        // follower with an uncommitted entry of an old term (2).
        let mut leader = server(0, 3, 3, &[1, 1, 3]);
        leader.set_volatile_for_test(Role::Leader, 2);
        leader.set_leader_for_test(vec![4, 3, 2], vec![3, 2, 1]);
        let mut behind = server(1, 3, 3, &[1, 1]);
        behind.set_volatile_for_test(Role::Follower, 2);
        let stale = server(2, 3, 2, &[1, 2]);
        let nodes = [leader, behind, stale];
        let picture = Raft::picture(&refs(&nodes), &RaftConfig::default());
        let lead = picture.lead.as_ref().expect("Raft has a leading role");
        assert_eq!((lead.role, lead.holders.clone()), ("leader", vec![(0, "leader of term 3".to_string())]));
        let g = grid(&picture);
        assert_eq!((g.first, g.columns, g.axis), (1, 3, "index"));
        let texts: Vec<Vec<String>> = g
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.as_ref().map_or("-".into(), |c| c.text.clone())).collect())
            .collect();
        assert_eq!(texts, [vec!["1", "1", "3"], vec!["1", "1", "-"], vec!["1", "2", "-"]]);
        let strong: Vec<bool> = g.rows[0].cells.iter().map(|c| c.as_ref().unwrap().strong).collect();
        assert_eq!(strong, [true, true, false]);
        assert_eq!(g.rows[0].cells[2].as_ref().unwrap().tone, Tone::cycle(3));
        assert_eq!(g.rows.iter().map(|r| r.mark).collect::<Vec<_>>(), [Some(2), Some(2), None]);
        assert_eq!(g.rows[0].tail, "leader of term 3");
        assert_eq!(g.rows[1].tail, "next 3 · match 2");
        assert_eq!(g.rows[2].tail, "next 2 · match 1");
        assert_eq!(picture.legend.len(), 4);
    }

    #[test]
    fn grid_shows_only_the_newest_window_up_to_the_longest_log() {
        let long: Vec<u64> = (1..=500).map(|i| i / 100 + 1).collect();
        let nodes = [server(0, 3, 6, &long), server(1, 3, 6, &long[..450]), server(2, 3, 6, &[])];
        let picture = Raft::picture(&refs(&nodes), &RaftConfig::default());
        let g = grid(&picture);
        assert_eq!((g.first, g.columns), (500 - GRID_COLUMNS + 1, GRID_COLUMNS as u32));
        assert!(g.rows.iter().all(|r| r.cells.len() == GRID_COLUMNS as usize));
        assert_eq!(g.rows[0].cells[GRID_COLUMNS as usize - 1].as_ref().unwrap().title, "index 500, term 6: x=500");
        assert!(g.rows[1].cells.iter().all(Option::is_none), "node 1 ends before the window");
        assert!(g.rows.iter().all(|r| r.tail.is_empty()), "no leader, no next/match");
        // An empty cluster has an empty grid.
        let fresh = [server(0, 1, 0, &[])];
        let g = log_grid(&refs(&fresh));
        assert_eq!((g.first, g.columns), (1, 0));
    }

    #[test]
    fn a_crashed_leader_and_a_stale_leader_do_not_count() {
        let mut old = server(0, 3, 2, &[1]);
        old.set_leader_for_test(vec![2; 3], vec![1; 3]);
        let mut new = server(1, 3, 4, &[1]);
        new.set_leader_for_test(vec![9, 2, 2], vec![0, 1, 1]);
        let nodes = [old, new, server(2, 3, 4, &[1])];
        let mut r = refs(&nodes);
        assert_eq!(log_grid(&r).rows[0].tail, "next 9 · match 0");
        r[1].status = Status::Crashed;
        let g = log_grid(&r);
        assert!(g.rows[1].down);
        assert_eq!(g.rows[1].tail, "next 2 · match 1", "the stale leader of term 2 is all that is left");
    }

    #[test]
    fn inspector_lists_facts_and_the_newest_entries() {
        let terms: Vec<u64> = vec![1; 250];
        let mut s = server(4, 5, 1, &terms);
        s.set_volatile_for_test(Role::Follower, 240);
        let panels = s.inspect(true);
        let Body::Facts { facts } = &panels[0].body else { panic!("facts first") };
        let value = |label| facts.iter().find(|f| f.label == label).unwrap().value.clone();
        assert_eq!(
            (value("Role"), value("Commit index"), value("Log length")),
            ("follower".into(), "240".into(), "250".into())
        );
        assert_eq!(value("Voted for"), "nobody");
        let Body::Table { rows, .. } = &panels[1].body else { panic!("log table second") };
        assert_eq!(rows.len(), INSPECT_ENTRIES as usize);
        assert_eq!(rows[0].cells[0], "51");
        assert_eq!(rows.last().unwrap().cells, ["250", "T1", "x=250", "pending"]);
        assert_eq!(rows[189].verdict, Some(true));
        assert_eq!(panels[1].note.as_deref(), Some("The newest 200 of 250 entries"));
        let short = server(0, 1, 1, &[1, 1]).inspect(false);
        assert_eq!(short[1].note, None);
    }
}
