//! How Paxos and Multi-Paxos present themselves: each acceptor's promised
//! and accepted ballots under it, the chosen value with the majority of
//! acceptors that chose it (Paxos Made Simple §2.3: a value is chosen once a
//! majority of acceptors accepted it in one ballot), and Multi-Paxos's slots
//! of every replica as a grid.
//!
//! The reasoning works on the nodes' typed states, including crashed
//! acceptors: what an acceptor accepted is on its stable storage, so a
//! crash does not hide it from the quorum.

use crate::ballot::Ballot;
use crate::message::Value;
use crate::multi::{Lead, MultiPaxos};
use crate::observe::Observable;
use crate::single::{Paxos, Phase};
use protocol::present::{Body, Cell, Fact, Grid, GridRow, LegendItem, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Status, Tone};

/// Most slots the Multi-Paxos grid shows: the newest ones, so a long run
/// stays light.
pub const GRID_SLOTS: u64 = 200;

/// The slot grid's text while no replica has accepted or chosen a slot.
const SLOTS_EMPTY: &str =
    "No slot is in use yet: no client command. Select a node and send it one, or choose a scenario.";

/// A role's colour, as the app has always drawn it.
pub fn role_tone(role: &str) -> Tone {
    match role {
        "leader" => Tone::GREEN,
        "candidate" => Tone::ORANGE,
        "acceptor" => Tone::AMBER,
        "proposer" => Tone::PURPLE,
        "learner" => Tone::CYAN,
        other => Tone::of_role(other),
    }
}

/// A role's shape: proposers are diamonds, acceptors squares, learners dots.
pub fn role_shape(role: &str) -> Shape {
    match role {
        "proposer" => Shape::Diamond,
        "acceptor" => Shape::Square,
        "learner" => Shape::Dot,
        _ => Shape::Circle,
    }
}

pub(crate) fn look(role: &'static str, badge: String, note: String, ring: Option<&'static str>) -> Look {
    Look { role, tone: role_tone(role), shape: role_shape(role), badge, note, ring: ring.map(Countdown::Timer) }
}

/// The value chosen in a slot, the ballot a majority accepted it in, and
/// that majority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quorum {
    pub slot: u64,
    pub value: Value,
    /// `None` when no majority of one ballot can be seen any more (learned
    /// from another learner, and the acceptors have since moved on).
    pub ballot: Option<Ballot>,
    /// The acceptors that chose it, in id order; empty with `ballot: None`.
    pub acceptors: Vec<NodeId>,
}

/// The value chosen in `slot` and the quorum that chose it.
///
/// The ballot is the one in which the value was first chosen: the lowest
/// ballot any learner counted a majority in (what the event log says,
/// "learns … is chosen (ballot 11.1)"). A later proposer that finds the
/// value and proposes it again gets it accepted in a later ballot too, and
/// acceptors keep only their latest acceptance, so reading the acceptors
/// alone would name that later ballot. Only when no learner counted the
/// votes itself (it was told, or it restarted) does it fall back to the
/// acceptors' states: the ballot in which a majority of all acceptors,
/// crashed ones included, holds the value.
pub fn quorum<P: Observable>(nodes: &[NodeRef<'_, P>], slot: u64) -> Option<Quorum> {
    let value = nodes.iter().find_map(|n| n.state.learner().chosen.get(slot).cloned())?;
    if let Some(d) = nodes.iter().filter_map(|n| n.state.learner().decision(slot)).min_by_key(|d| d.ballot) {
        return Some(Quorum { slot, value, ballot: Some(d.ballot), acceptors: d.acceptors() });
    }
    let majority = nodes.first().map_or(usize::MAX, |n| n.state.quorum());
    let mut by_ballot: Vec<(Ballot, Vec<NodeId>)> = Vec::new();
    for n in nodes {
        let Some((ballot, v)) = n.state.acceptor().and_then(|a| a.accepted.get(slot)) else { continue };
        if *v != value {
            continue;
        }
        match by_ballot.iter_mut().find(|(b, _)| b == ballot) {
            Some((_, ids)) => ids.push(n.id),
            None => by_ballot.push((*ballot, vec![n.id])),
        }
    }
    // Each acceptor holds one acceptance per slot, so at most one ballot
    // can have a majority.
    match by_ballot.into_iter().find(|(_, ids)| ids.len() >= majority) {
        Some((ballot, acceptors)) => Some(Quorum { slot, value, ballot: Some(ballot), acceptors }),
        None => Some(Quorum { slot, value, ballot: None, acceptors: Vec::new() }),
    }
}

fn id_list(ids: &[NodeId]) -> String {
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

/// `chosen “v1” — ballot 3.1 by acceptors 2, 3, 4`.
pub fn chosen_text(q: &Quorum) -> String {
    match q.ballot {
        Some(b) => format!("chosen “{}” — ballot {b} by acceptors {}", q.value, id_list(&q.acceptors)),
        None => format!("chosen “{}”", q.value),
    }
}

/// An acceptor's pair under it: `p 3.1 · a 3.1=v1` (Multi-Paxos: the latest
/// slot it accepted, `a s4 2.1=c`); empty for a node that is no acceptor.
///
/// Written into one string: every look of every node asks for it (each
/// frame of the app, each of the benchmark's leader searches); assembled
/// from three strings it took 7% of Multi-Paxos's instructions in the loop
/// of `cargo bench -p lab`, and writing it once cut that loop's by 3.5%.
pub fn acceptor_note<P: Observable>(node: &P, multi: bool) -> String {
    use std::fmt::Write;
    let Some(a) = node.acceptor() else { return String::new() };
    let mut note = String::with_capacity(32);
    match a.promised {
        Some(b) => write!(note, "p {b} · a "),
        None => write!(note, "p — · a "),
    }
    .expect("writing to a String cannot fail");
    let latest = a.accepted.last_key().and_then(|s| a.accepted.get(s).map(|x| (s, x)));
    match latest {
        Some((s, (b, v))) if multi => write!(note, "s{s} {b}={v}"),
        Some((_, (b, v))) => write!(note, "{b}={v}"),
        None => write!(note, "—"),
    }
    .expect("writing to a String cannot fail");
    note
}

/// The roles on screen, each once, in node order: the legend's roles.
fn legend_roles(looks: impl Iterator<Item = &'static str>) -> Vec<LegendItem> {
    let mut seen: Vec<&'static str> = Vec::new();
    for role in looks {
        if !seen.contains(&role) {
            seen.push(role);
        }
    }
    seen.into_iter().map(|label| LegendItem::Role { label, tone: role_tone(label), shape: role_shape(label) }).collect()
}

fn role_names<P: Observable>(node: &P) -> String {
    let r = node.roles();
    r.config.roles(r.id, r.nodes).join(", ")
}

/// Facts every Paxos node has: roles, promise, proposer's round.
fn common_facts<P: Observable>(node: &P) -> Vec<Fact> {
    let mut facts = vec![Fact::new("Roles", role_names(node))];
    if let Some(a) = node.acceptor() {
        facts.push(Fact::new("Promised", a.promised.map_or("nothing".to_string(), |b| b.to_string())));
    }
    if node.roles().proposer {
        facts.push(Fact::new("Round", node.roles().round.to_string()));
    }
    facts
}

fn facts_panel(id: NodeId, facts: Vec<Fact>) -> Panel {
    Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } }
}

// ---- single-decree Paxos ----------------------------------------------------

pub(crate) fn paxos_inspect(p: &Paxos) -> Vec<Panel> {
    let mut facts = common_facts(p);
    if p.roles().proposer {
        let phase = match p.phase() {
            Phase::Idle => "idle".to_string(),
            Phase::Preparing { ballot, promises } => format!("phase 1, ballot {ballot}: {} promises", promises.len()),
            Phase::Accepting { ballot, value } => format!("phase 2, ballot {ballot}: proposing “{value}”"),
            Phase::BackingOff => "backing off".to_string(),
            Phase::Done => "done".to_string(),
        };
        facts.push(Fact::new("Phase", phase));
    }
    if let Some(a) = p.acceptor() {
        let accepted = a.accepted.get(0).map_or("nothing".to_string(), |(b, v)| format!("“{v}” in ballot {b}"));
        facts.push(Fact::new("Accepted", accepted));
    }
    facts.push(Fact::new("Chosen", p.chosen().map_or("not yet known".to_string(), |v| format!("“{v}”"))));
    vec![facts_panel(p.roles().id, facts)]
}

pub(crate) fn paxos_picture(nodes: &[NodeRef<'_, Paxos>]) -> Picture {
    use protocol::Protocol;
    let mut legend = legend_roles(nodes.iter().map(|n| n.state.look().role));
    legend.extend([
        LegendItem::Ring { label: "proposer's retry timer", outer: false },
        LegendItem::Marked { label: "quorum that chose the value" },
        LegendItem::Text { label: "p promised · a accepted=value" },
    ]);
    let q = quorum(nodes, 0);
    let facts = match &q {
        Some(q) => {
            let mut facts = vec![Fact::new("Value", q.value.to_string())];
            if let Some(b) = q.ballot {
                facts.push(Fact::new("Ballot", b.to_string()));
                facts.push(Fact::new("Chosen by", format!("acceptors {}", id_list(&q.acceptors))));
            }
            facts
        }
        None => Vec::new(),
    };
    let decision = Panel {
        id: "decision",
        title: "Decision".to_string(),
        note: Some(q.as_ref().map_or("No value chosen yet.".to_string(), chosen_text)),
        body: Body::Facts { facts },
    };
    Picture {
        legend,
        banner: q.as_ref().map(chosen_text),
        marked: q.map(|q| q.acceptors).unwrap_or_default(),
        panels: vec![decision],
        ..Picture::default()
    }
}

// ---- Multi-Paxos ------------------------------------------------------------

pub(crate) fn multi_inspect(m: &MultiPaxos) -> Vec<Panel> {
    let mut facts = common_facts(m);
    let lead = match m.lead() {
        Lead::Leader { ballot, next_slot, pending } => {
            format!("leader in ballot {ballot}: next slot {next_slot}, {} open", pending.len())
        }
        Lead::Candidate { ballot, from_slot, promises } => {
            format!("candidate in ballot {ballot} from slot {from_slot}: {} promises", promises.len())
        }
        Lead::Follower => "follower".to_string(),
    };
    facts.push(Fact::new("Lead", lead));
    facts.push(Fact::new("Believed leader", m.leader().map_or("nobody".to_string(), |l| format!("node {l}"))));
    if let Some(a) = m.acceptor() {
        facts.push(Fact::new("Slots accepted", a.accepted.len().to_string()));
    }
    facts.push(Fact::new("Slots chosen", m.chosen().len().to_string()));
    facts.push(Fact::new("Applied", m.applied().to_string()));
    facts.push(Fact::new("Client requests waiting", m.client_ops_waiting().to_string()));
    vec![facts_panel(m.roles().id, facts)]
}

pub(crate) fn multi_picture(nodes: &[NodeRef<'_, MultiPaxos>]) -> Picture {
    use protocol::Protocol;
    let mut legend = legend_roles(nodes.iter().map(|n| n.state.look().role));
    legend.extend([
        LegendItem::Ring { label: "leader timeout", outer: false },
        LegendItem::Text { label: "p promised · a slot ballot=value" },
    ]);
    let grid = slot_grid(nodes);
    // An empty grid says why itself (SLOTS_EMPTY): the key would be noise.
    let note = match (grid.columns, grid.first) {
        (0, _) => None,
        (_, 0) => Some("solid = chosen · faint = accepted only · ▏ = applied up to".to_string()),
        (_, first) => {
            Some(format!("solid = chosen · faint = accepted only · ▏ = applied up to · slots before {first} not shown"))
        }
    };
    Picture {
        legend,
        panels: vec![Panel { id: "slots", title: "Slots per replica".to_string(), note, body: Body::Grid(grid) }],
        lead: Some(protocol::present::Lead {
            role: "leader",
            holders: nodes
                .iter()
                .filter(|n| n.status == Status::Up)
                .map(|n| (n.id, n.state.look()))
                .filter(|(_, look)| look.role == "leader")
                .map(|(id, look)| {
                    (id, if look.badge.is_empty() { "leader".to_string() } else { format!("leader ({})", look.badge) })
                })
                .collect(),
        }),
        ..Picture::default()
    }
}

/// What one replica knows of one slot: chosen (solid) or only accepted
/// (faint), coloured by the round of the ballot it accepted it in.
pub fn slot_cell(m: &MultiPaxos, slot: u64) -> Option<Cell> {
    let accepted = m.acceptor().and_then(|a| a.accepted.get(slot));
    let tone = accepted.map_or(Tone::GREEN, |(b, _)| Tone::cycle(b.round()));
    let id = m.roles().id;
    if let Some(v) = m.chosen().get(slot) {
        let applied = slot < m.applied();
        let title = format!("node {id}, slot {slot}: “{v}” chosen{}", if applied { " and applied" } else { "" });
        return Some(Cell { text: v.to_string(), tone, strong: true, title });
    }
    let (b, v) = accepted?;
    Some(Cell {
        text: v.to_string(),
        tone,
        strong: false,
        title: format!("node {id}, slot {slot}: accepted “{v}” in ballot {b}"),
    })
}

/// Every replica's slots side by side: the newest [`GRID_SLOTS`] up to the
/// highest slot any replica accepted or chose.
pub fn slot_grid(nodes: &[NodeRef<'_, MultiPaxos>]) -> Grid {
    let last = nodes
        .iter()
        .flat_map(|n| [n.state.chosen().last_key(), n.state.acceptor().and_then(|a| a.accepted.last_key())])
        .flatten()
        .max();
    let Some(last) = last else {
        return Grid { axis: "slot", key: "colour = ballot round", empty: SLOTS_EMPTY, ..Grid::default() };
    };
    let first = last.saturating_sub(GRID_SLOTS - 1);
    let rows = nodes
        .iter()
        .map(|n| {
            let m = n.state;
            let applied = m.applied();
            let tail = match m.lead() {
                Lead::Leader { ballot, .. } => format!("leader, ballot {ballot}"),
                _ => format!("applied {applied}"),
            };
            GridRow {
                node: n.id,
                down: n.status == Status::Crashed,
                cells: (first..=last).map(|slot| slot_cell(m, slot)).collect(),
                mark: applied.checked_sub(1),
                tail,
            }
        })
        .collect();
    Grid {
        axis: "slot",
        first,
        columns: (last - first + 1) as u32,
        rows,
        key: "colour = ballot round",
        empty: SLOTS_EMPTY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PaxosConfig;
    use crate::slots::Slots;
    use crate::Durable;
    use protocol::{Cluster, Protocol};

    /// Every node proposes, accepts and learns.
    fn every_role() -> PaxosConfig {
        PaxosConfig { placement: crate::Placement::All, ..PaxosConfig::default() }
    }

    /// A node of `n` built from what it persisted.
    fn paxos(id: NodeId, n: u32, promised: Option<Ballot>, accepted: Option<(Ballot, &str)>) -> Paxos {
        let mut slots = Slots::new();
        if let Some((b, v)) = accepted {
            slots.insert(0, (b, v.into()));
        }
        let durable = Durable { round: 0, promised, accepted: slots, chosen: Slots::new() };
        Paxos::new(id, &Cluster { nodes: n }, &every_role(), Some(&durable))
    }

    fn learned(mut p: Paxos, value: &str) -> Paxos {
        p.roles_mut_for_test().learner_mut().learn(0, value.into());
        p
    }

    fn refs<P>(nodes: &[P]) -> Vec<NodeRef<'_, P>> {
        nodes.iter().enumerate().map(|(id, s)| NodeRef { id: id as NodeId, status: Status::Up, state: s }).collect()
    }

    #[test]
    fn the_quorum_is_the_majority_of_one_ballot_even_with_a_crashed_acceptor() {
        // Paxos Made Simple §2.3. Five acceptors; 1, 2 and 4 accepted "b" in
        // 3.1, then 4 crashed (its acceptance is on its disk); 3 accepted
        // "b" again in 4.0 from a later proposer. No learner counted the
        // votes itself (node 0 was told), so the acceptors' states decide.
        let nodes = [
            learned(paxos(0, 5, None, None), "b"),
            paxos(1, 5, Some(Ballot(3, 1)), Some((Ballot(3, 1), "b"))),
            paxos(2, 5, Some(Ballot(4, 0)), Some((Ballot(3, 1), "b"))),
            paxos(3, 5, Some(Ballot(4, 0)), Some((Ballot(4, 0), "b"))),
            paxos(4, 5, Some(Ballot(3, 1)), Some((Ballot(3, 1), "b"))),
        ];
        let mut r = refs(&nodes);
        r[4].status = Status::Crashed;
        let q = quorum(&r, 0).unwrap();
        assert_eq!((q.ballot, q.acceptors.clone()), (Some(Ballot(3, 1)), vec![1, 2, 4]));
        assert_eq!(chosen_text(&q), "chosen “b” — ballot 3.1 by acceptors 1, 2, 4");
        let picture = Paxos::picture(&r, &every_role());
        assert_eq!(picture.marked, vec![1, 2, 4]);
        assert_eq!(picture.banner.as_deref(), Some("chosen “b” — ballot 3.1 by acceptors 1, 2, 4"));
        assert!(quorum(&r, 1).is_none());
        // Without a visible majority, the value is still shown, no quorum is.
        let few = [
            learned(paxos(0, 3, None, None), "b"),
            paxos(1, 3, None, Some((Ballot(1, 0), "b"))),
            paxos(2, 3, None, None),
        ];
        let q = quorum(&refs(&few), 0).unwrap();
        assert_eq!((q.ballot, q.acceptors.is_empty()), (None, true));
        assert_eq!(chosen_text(&q), "chosen “b”");
    }

    #[test]
    fn a_learners_count_wins_over_a_later_ballot_with_the_same_value() {
        // The dueling-proposers bug: "b" was chosen in 11.1 (the log says
        // so); proposer 0 then found "b" and got it accepted in 12.0 by a
        // majority too. The decision names 11.1 and its voters.
        let mut nodes = [
            paxos(0, 3, Some(Ballot(12, 0)), Some((Ballot(12, 0), "b"))),
            paxos(1, 3, Some(Ballot(12, 0)), Some((Ballot(12, 0), "b"))),
            paxos(2, 3, Some(Ballot(11, 1)), Some((Ballot(11, 1), "b"))),
        ];
        let learner = nodes[1].roles_mut_for_test().learner_mut();
        let v: Value = "b".into();
        assert_eq!(learner.on_accepted(1, Ballot(11, 1), 0, &v, 2), None);
        assert_eq!(learner.on_accepted(2, Ballot(11, 1), 0, &v, 2), Some(v.clone()));
        let q = quorum(&refs(&nodes), 0).unwrap();
        assert_eq!((q.ballot, q.acceptors), (Some(Ballot(11, 1)), vec![1, 2]));
    }

    #[test]
    fn looks_keep_the_apps_colours_shapes_and_acceptor_notes() {
        let config =
            PaxosConfig { placement: crate::Placement::Split, proposers: 1, acceptors: 3, ..PaxosConfig::default() };
        let cluster = Cluster { nodes: 5 };
        let looks: Vec<Look> = (0..5).map(|id| Paxos::new(id, &cluster, &config, None).look()).collect();
        let summary: Vec<(&str, Tone, Shape)> = looks.iter().map(|l| (l.role, l.tone, l.shape)).collect();
        assert_eq!(summary[0], ("proposer", Tone(5), Shape::Diamond));
        assert_eq!(summary[1], ("learner", Tone(4), Shape::Dot));
        assert_eq!(summary[4], ("acceptor", Tone(3), Shape::Square));
        assert_eq!(looks[0].ring, Some(Countdown::Timer("retry")));
        assert_eq!(looks[4].note, "p — · a —");
        let a = paxos(2, 3, Some(Ballot(4, 1)), Some((Ballot(3, 1), "b")));
        assert_eq!(a.look().note, "p 4.1 · a 3.1=b");
        assert_eq!(role_tone("replica"), Tone::of_role("replica"));
        let panels = a.inspect(true);
        let Body::Facts { facts } = &panels[0].body else { panic!() };
        assert!(facts.contains(&Fact::new("Accepted", "“b” in ballot 3.1")), "{facts:?}");
    }

    fn multi(id: NodeId, n: u32, accepted: &[(u64, Ballot, &str)], chosen: &[(u64, &str)]) -> MultiPaxos {
        let mut a = Slots::new();
        for &(s, b, v) in accepted {
            a.insert(s, (b, v.into()));
        }
        let mut c = Slots::new();
        for &(s, v) in chosen {
            c.insert(s, v.into());
        }
        let durable = Durable { round: 0, promised: None, accepted: a, chosen: c };
        MultiPaxos::new(id, &Cluster { nodes: n }, &PaxosConfig::default(), Some(&durable))
    }

    #[test]
    fn the_slot_grid_shows_chosen_accepted_and_applied() {
        let nodes = [
            multi(
                0,
                2,
                &[(0, Ballot(1, 0), "a"), (1, Ballot(2, 0), "no-op"), (2, Ballot(2, 0), "c")],
                &[(0, "a"), (1, "no-op")],
            ),
            multi(1, 2, &[], &[(0, "a")]),
        ];
        let picture = MultiPaxos::picture(&refs(&nodes), &PaxosConfig::default());
        let Body::Grid(g) = &picture.panels[0].body else { panic!() };
        assert_eq!((g.axis, g.first, g.columns), ("slot", 0, 3));
        let row = &g.rows[0];
        let cells: Vec<(String, bool)> =
            row.cells.iter().map(|c| c.as_ref().map(|c| (c.text.clone(), c.strong)).unwrap()).collect();
        assert_eq!(cells, [("a".into(), true), ("no-op".into(), true), ("c".into(), false)]);
        assert_eq!(row.cells[2].as_ref().unwrap().tone, Tone::cycle(2));
        assert_eq!(row.cells[1].as_ref().unwrap().title, "node 0, slot 1: “no-op” chosen and applied");
        assert_eq!((row.mark, row.tail.as_str()), (Some(1), "applied 2"));
        assert_eq!(g.rows[1].cells[0].as_ref().unwrap().tone, Tone::GREEN, "a learner knows no ballot");
        assert_eq!(g.rows[1].cells[1], None);
        assert_eq!(nodes[0].look().note, "p — · a s2 2.0=c");
    }

    #[test]
    fn the_slot_grid_keeps_only_the_newest_slots() {
        let accepted: Vec<(u64, Ballot, &str)> = (0..500).map(|s| (s, Ballot(1, 0), "x")).collect();
        let nodes = [multi(0, 1, &accepted, &[])];
        let g = slot_grid(&refs(&nodes));
        assert_eq!((g.first, g.columns), (500 - GRID_SLOTS, GRID_SLOTS as u32));
        assert_eq!(g.rows[0].cells.len(), GRID_SLOTS as usize);
        let empty = [multi(0, 1, &[], &[])];
        assert_eq!(slot_grid(&refs(&empty)).columns, 0);
    }
}
