//! Paxos and Multi-Paxos in the app: each acceptor's promised and accepted
//! pair on the canvas, the chosen value with the majority of acceptors that
//! chose it (Paxos Made Simple, §2.3: a value is chosen once a majority of
//! acceptors accepted it in one ballot), and Multi-Paxos's per-slot log of
//! every replica as a DOM grid.
//!
//! Everything is read from the nodes' trace views
//! (`{"id","up","roles","promised","accepted","chosen","applied"}`), so this
//! module knows the protocol only through its public format.

use super::scene::Scene;
use protocol::NodeId;
use serde_json::Value;
use sim::Session;

/// Most slots shown in the grid: the latest ones, so a long run stays light.
pub const GRID_SLOTS: u64 = 200;

/// A ballot `(round, proposer)`.
pub type Ballot = (u64, u64);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub slot: u64,
    pub ballot: Ballot,
    pub value: String,
}

/// One node's Paxos state, from its trace view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaxosNode {
    pub id: NodeId,
    pub up: bool,
    pub acceptor: bool,
    pub promised: Option<Ballot>,
    pub accepted: Vec<Accepted>,
    pub chosen: Vec<(u64, String)>,
    /// Multi-Paxos: how many slots, from 0, are applied.
    pub applied: Option<u64>,
}

/// The value chosen in a slot and the acceptors that chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quorum {
    pub slot: u64,
    pub value: String,
    pub ballot: Ballot,
    pub acceptors: Vec<NodeId>,
}

pub fn is_paxos(algo: &str) -> bool {
    algo == "paxos" || algo == "multipaxos"
}

fn ballot(v: &Value) -> Option<Ballot> {
    let a = v.as_array()?;
    Some((a.first()?.as_u64()?, a.get(1)?.as_u64()?))
}

fn value_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

pub fn ballot_text((round, proposer): Ballot) -> String {
    format!("{round}.{proposer}")
}

/// Parse a node view; `None` when it is not a Paxos node.
pub fn parse(v: &Value) -> Option<PaxosNode> {
    let roles = v.get("roles")?.as_array()?;
    let list = |key: &str| v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    Some(PaxosNode {
        id: v.get("id")?.as_u64()? as NodeId,
        up: v.get("up").and_then(Value::as_bool).unwrap_or(true),
        acceptor: roles.iter().any(|r| r.as_str() == Some("acceptor")),
        promised: v.get("promised").and_then(ballot),
        accepted: list("accepted")
            .iter()
            .filter_map(|a| {
                Some(Accepted {
                    slot: a.get("slot")?.as_u64()?,
                    ballot: ballot(a.get("ballot")?)?,
                    value: value_text(a.get("value")?),
                })
            })
            .collect(),
        chosen: list("chosen")
            .iter()
            .filter_map(|c| Some((c.get("slot")?.as_u64()?, value_text(c.get("value")?))))
            .collect(),
        applied: v.get("applied").and_then(Value::as_u64),
    })
}

/// Every node's Paxos state (empty for other algorithms).
pub fn nodes(session: &dyn Session) -> Vec<PaxosNode> {
    if !is_paxos(session.algo()) {
        return Vec::new();
    }
    (0..session.node_count())
        .filter_map(|id| serde_json::from_str::<Value>(&session.node_json(id)).ok().as_ref().and_then(parse))
        .collect()
}

/// The value chosen in `slot`, as any learner knows it, with the acceptors
/// that chose it: those that accepted that value in the highest ballot in
/// which a majority of all acceptors did (or, when a crash or a later
/// ballot hides that majority, in the highest ballot that any did).
pub fn quorum(nodes: &[PaxosNode], slot: u64) -> Option<Quorum> {
    let value = nodes.iter().find_map(|n| n.chosen.iter().find(|(s, _)| *s == slot).map(|(_, v)| v.clone()))?;
    let majority = nodes.iter().filter(|n| n.acceptor).count() / 2 + 1;
    let mut by_ballot: Vec<(Ballot, Vec<NodeId>)> = Vec::new();
    for n in nodes.iter().filter(|n| n.acceptor) {
        if let Some(a) = n.accepted.iter().find(|a| a.slot == slot && a.value == value) {
            match by_ballot.iter_mut().find(|(b, _)| *b == a.ballot) {
                Some((_, ids)) => ids.push(n.id),
                None => by_ballot.push((a.ballot, vec![n.id])),
            }
        }
    }
    by_ballot.sort_by_key(|(b, _)| std::cmp::Reverse(*b));
    let (ballot, acceptors) = by_ballot
        .iter()
        .find(|(_, ids)| ids.len() >= majority)
        .or_else(|| by_ballot.first())
        .cloned()
        .unwrap_or(((0, 0), Vec::new()));
    Some(Quorum { slot, value, ballot, acceptors })
}

fn id_list(ids: &[NodeId]) -> String {
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

/// `chosen “v1” — ballot 3.1 by acceptors 2, 3, 4`.
pub fn chosen_text(q: &Quorum) -> String {
    if q.acceptors.is_empty() {
        format!("chosen “{}”", q.value)
    } else {
        format!("chosen “{}” — ballot {} by acceptors {}", q.value, ballot_text(q.ballot), id_list(&q.acceptors))
    }
}

/// An acceptor's pair under it: `p 3.1 · a 3.1=v1` (Multi-Paxos: the latest
/// slot it accepted, `a s4 2.1=c`).
pub fn acceptor_note(n: &PaxosNode, multi: bool) -> String {
    let promised = n.promised.map_or("—".to_string(), ballot_text);
    let accepted = match n.accepted.iter().max_by_key(|a| a.slot) {
        Some(a) if multi => format!("s{} {}={}", a.slot, ballot_text(a.ballot), a.value),
        Some(a) => format!("{}={}", ballot_text(a.ballot), a.value),
        None => "—".to_string(),
    };
    format!("p {promised} · a {accepted}")
}

/// Add the Paxos marks to a scene just rebuilt from `session`.
pub fn decorate(session: &dyn Session, scene: &mut Scene) {
    let nodes = nodes(session);
    if nodes.is_empty() {
        return;
    }
    let multi = session.algo() == "multipaxos";
    for n in nodes.iter().filter(|n| n.acceptor) {
        if let Some(d) = scene.nodes.get_mut(n.id as usize) {
            d.note = acceptor_note(n, multi);
        }
    }
    if multi {
        return;
    }
    if let Some(q) = quorum(&nodes, 0) {
        for &id in &q.acceptors {
            if let Some(d) = scene.nodes.get_mut(id as usize) {
                d.halo = true;
            }
        }
        scene.banner = Some(chosen_text(&q));
    }
}

/// What one replica knows of one slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Accepted(Ballot, String),
    Chosen(String),
    Applied(String),
}

pub fn cell(n: &PaxosNode, slot: u64) -> Cell {
    if let Some((_, v)) = n.chosen.iter().find(|(s, _)| *s == slot) {
        return if n.applied.is_some_and(|a| slot < a) { Cell::Applied(v.clone()) } else { Cell::Chosen(v.clone()) };
    }
    match n.accepted.iter().find(|a| a.slot == slot) {
        Some(a) => Cell::Accepted(a.ballot, a.value.clone()),
        None => Cell::Empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: &str) -> PaxosNode {
        parse(&serde_json::from_str(json).unwrap()).unwrap()
    }

    #[test]
    fn quorum_is_the_majority_of_the_highest_ballot() {
        // Paxos Made Simple §2.2: chosen = accepted by a majority in one ballot.
        let nodes = [
            node(
                r#"{"id":0,"up":true,"roles":["proposer","learner"],"promised":null,"accepted":[],"chosen":[{"slot":0,"value":"b"}]}"#,
            ),
            node(
                r#"{"id":2,"up":true,"roles":["acceptor","learner"],"promised":[4,1],"accepted":[{"slot":0,"ballot":[3,1],"value":"b"}],"chosen":[]}"#,
            ),
            node(
                r#"{"id":3,"up":true,"roles":["acceptor","learner"],"promised":[4,1],"accepted":[{"slot":0,"ballot":[3,1],"value":"b"}],"chosen":[]}"#,
            ),
            node(
                r#"{"id":4,"up":true,"roles":["acceptor","learner"],"promised":[4,1],"accepted":[{"slot":0,"ballot":[4,1],"value":"b"}],"chosen":[]}"#,
            ),
        ];
        let q = quorum(&nodes, 0).unwrap();
        assert_eq!((q.ballot, q.acceptors.clone()), ((3, 1), vec![2, 3]));
        assert_eq!(chosen_text(&q), "chosen “b” — ballot 3.1 by acceptors 2, 3");
        assert_eq!(acceptor_note(&nodes[1], false), "p 4.1 · a 3.1=b");
        assert_eq!(acceptor_note(&nodes[0], false), "p — · a —");
        assert!(quorum(&nodes, 1).is_none());
    }

    #[test]
    fn cells_say_accepted_chosen_or_applied() {
        let n = node(
            r#"{"id":1,"up":true,"roles":["proposer","acceptor","learner"],"promised":[2,0],
            "accepted":[{"slot":0,"ballot":[1,0],"value":"a"},{"slot":1,"ballot":[2,0],"value":"no-op"},{"slot":2,"ballot":[2,0],"value":"c"}],
            "chosen":[{"slot":0,"value":"a"},{"slot":1,"value":"no-op"}],"applied":1}"#,
        );
        assert_eq!(cell(&n, 0), Cell::Applied("a".into()));
        assert_eq!(cell(&n, 1), Cell::Chosen("no-op".into()));
        assert_eq!(cell(&n, 2), Cell::Accepted((2, 0), "c".into()));
        assert_eq!(cell(&n, 3), Cell::Empty);
        assert_eq!(acceptor_note(&n, true), "p 2.0 · a s2 2.0=c");
    }

    #[test]
    fn the_dueling_preset_ends_chosen_with_back_off() {
        let mut q = lab::presets::Preset::find("dueling-proposers").unwrap().load();
        q.setup.options.remove("backoff");
        let mut s = lab::open(&q.setup).unwrap();
        for _ in 0..2_000 {
            if !s.step() {
                break;
            }
        }
        let nodes = nodes(s.as_ref());
        let q = quorum(&nodes, 0).expect("back-off ends the duel");
        assert!(q.acceptors.len() >= 2, "{q:?}");
        let mut scene = Scene::default();
        scene.rebuild(s.as_ref());
        decorate(s.as_ref(), &mut scene);
        assert_eq!(scene.banner.as_deref(), Some(chosen_text(&q).as_str()));
        assert!(q.acceptors.iter().all(|&a| scene.nodes[a as usize].halo));
    }
}
