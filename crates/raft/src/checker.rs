//! Raft's safety properties (Figure 3 of the paper), checked over all nodes
//! after every step.
//!
//! Two of them are about history, so the checker remembers what it has seen:
//! the leader of each term, each leader's log, and every committed entry
//! with the term in which it was first seen committed.

use crate::log::Entry;
use crate::raft::{Raft, Role};
use protocol::{Checker, NodeId, NodeRef, Status, Violation};
use std::collections::BTreeMap;

pub const ELECTION_SAFETY: &str = "Election Safety";
pub const LEADER_APPEND_ONLY: &str = "Leader Append-Only";
pub const LOG_MATCHING: &str = "Log Matching";
pub const LEADER_COMPLETENESS: &str = "Leader Completeness";
pub const STATE_MACHINE_SAFETY: &str = "State Machine Safety";

/// Terms remembered for Election Safety; older ones are forgotten.
const TERMS_REMEMBERED: usize = 4096;

#[derive(Clone, Debug)]
struct Committed {
    entry: Entry,
    /// The lowest term of a node seen holding it committed.
    in_term: u64,
}

/// What a leader's log looked like at the last check.
#[derive(Clone, Debug)]
struct LeaderLog {
    term: u64,
    len: u64,
    last: Option<Entry>,
}

#[derive(Clone, Debug, Default)]
pub struct RaftChecker {
    /// term → the node seen as its leader.
    leaders: BTreeMap<u64, NodeId>,
    /// Per node, its log when last seen as leader.
    leader_logs: BTreeMap<NodeId, LeaderLog>,
    /// Committed entries by index (position 0 = index 1).
    committed: Vec<Committed>,
}

impl Checker<Raft> for RaftChecker {
    const PROPERTIES: &'static [&'static str] =
        &[ELECTION_SAFETY, LEADER_APPEND_ONLY, LOG_MATCHING, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY];

    fn check(&mut self, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        self.election_safety(nodes)
            .or_else(|| self.leader_append_only(nodes))
            .or_else(|| log_matching(nodes))
            .or_else(|| self.state_machine_safety(nodes))
            .or_else(|| self.leader_completeness(nodes))
    }
}

fn leaders<'a, 'b>(nodes: &'a [NodeRef<'b, Raft>]) -> impl Iterator<Item = &'a NodeRef<'b, Raft>> {
    nodes.iter().filter(|n| n.status != Status::Crashed && n.state.role() == Role::Leader)
}

fn violation(property: &'static str, detail: String) -> Option<Violation> {
    Some(Violation { property, detail })
}

fn show(e: &Entry) -> String {
    format!("(term {}, {:?})", e.term, &*e.cmd)
}

impl RaftChecker {
    /// §5.2: at most one leader can be elected in a given term.
    fn election_safety(&mut self, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        for n in leaders(nodes) {
            let term = n.state.current_term();
            let first = *self.leaders.entry(term).or_insert(n.id);
            if first != n.id {
                return violation(
                    ELECTION_SAFETY,
                    format!("nodes {first} and {} were both leader of term {term}", n.id),
                );
            }
        }
        while self.leaders.len() > TERMS_REMEMBERED {
            self.leaders.pop_first();
        }
        None
    }

    /// §5.3: a leader never overwrites or deletes entries in its log; it only appends.
    fn leader_append_only(&mut self, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        for n in nodes {
            let raft = n.state;
            if n.status == Status::Crashed || raft.role() != Role::Leader {
                self.leader_logs.remove(&n.id);
                continue;
            }
            let log = raft.log();
            let now =
                LeaderLog { term: raft.current_term(), len: log.last_index(), last: log.entries().last().cloned() };
            if let Some(before) = self.leader_logs.get(&n.id) {
                if before.term == now.term {
                    let kept = match &before.last {
                        None => true,
                        Some(e) => log.get(before.len).is_some_and(|x| x.same(e)),
                    };
                    if now.len < before.len || !kept {
                        return violation(
                            LEADER_APPEND_ONLY,
                            format!(
                                "leader {} of term {} changed its log: it had {} entries, now {}",
                                n.id, now.term, before.len, now.len
                            ),
                        );
                    }
                }
            }
            self.leader_logs.insert(n.id, now);
        }
        None
    }

    /// §5.4.3: if a server has applied an entry at an index, no other server
    /// ever applies a different entry there. Checked on every node's
    /// committed prefix, so a committed entry that changes is caught too.
    fn state_machine_safety(&mut self, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        for n in nodes {
            let raft = n.state;
            let log = raft.log();
            let upto = raft.commit_index().min(log.last_index());
            for index in 1..=upto {
                let entry = log.get(index).expect("index <= last_index");
                match self.committed.get((index - 1) as usize) {
                    Some(c) if c.entry.same(entry) => {}
                    Some(c) => {
                        return violation(
                            STATE_MACHINE_SAFETY,
                            format!(
                                "node {} has index {index} committed as {}, but it was committed as {}",
                                n.id,
                                show(entry),
                                show(&c.entry)
                            ),
                        )
                    }
                    None => self.committed.push(Committed { entry: entry.clone(), in_term: raft.current_term() }),
                }
            }
        }
        None
    }

    /// §5.4: an entry committed in a term is in the log of every leader of
    /// every later term.
    fn leader_completeness(&self, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        for n in leaders(nodes) {
            let term = n.state.current_term();
            let log = n.state.log();
            for (i, c) in self.committed.iter().enumerate() {
                let index = i as u64 + 1;
                if c.in_term >= term {
                    continue;
                }
                if !log.get(index).is_some_and(|e| e.same(&c.entry)) {
                    return violation(
                        LEADER_COMPLETENESS,
                        format!(
                            "leader {} of term {term} lacks index {index} {}, committed in term {}",
                            n.id,
                            show(&c.entry),
                            c.in_term
                        ),
                    );
                }
            }
        }
        None
    }
}

/// §5.3: if two logs contain an entry with the same index and term, the logs
/// are identical in all entries up through that index.
fn log_matching(nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
    for (i, a) in nodes.iter().enumerate() {
        for b in &nodes[i + 1..] {
            let (la, lb) = (a.state.log().entries(), b.state.log().entries());
            // The highest index where both logs have an entry of the same term.
            let common = la.len().min(lb.len());
            let Some(k) = (0..common).rev().find(|&k| la[k].term == lb[k].term) else {
                continue;
            };
            if let Some(j) = (0..=k).find(|&j| !la[j].same(&lb[j])) {
                return violation(
                    LOG_MATCHING,
                    format!(
                        "nodes {} and {} agree at index {} (term {}) but differ at index {}: {} vs {}",
                        a.id,
                        b.id,
                        k + 1,
                        la[k].term,
                        j + 1,
                        show(&la[j]),
                        show(&lb[j])
                    ),
                );
            }
        }
    }
    None
}
