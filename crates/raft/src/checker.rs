//! Raft's safety properties (Figure 3 of the paper), checked over all nodes
//! after every step, incrementally.
//!
//! The work per check does not grow with the length of the logs or of the
//! run: after an event only the node that handled it is looked at (after a
//! user action, every node), and logs are compared through their prefix
//! digests ([`Log::digest_at`]), so "equal up to index i" is one comparison.
//! What the checker remembers is bounded:
//!
//! - the leader of each of the last [`TERMS_REMEMBERED`] terms;
//! - per node, its log as last checked (a shared copy, no entries copied)
//!   and, while it leads, its term, length and digest;
//! - the committed log as a chain of prefix digests, one `u64` per committed
//!   index, kept in shared chunks so that cloning the checker with a world
//!   snapshot is cheap. It grows with the committed log, that is with the
//!   protocol's own state, not with the number of steps;
//! - for the last [`TERMS_REMEMBERED`] terms, the highest index seen
//!   committed by a node of that term.

use crate::chunked::Chunked;
use crate::log::{Entry, Log};
use crate::raft::{Raft, Role};
use protocol::flat::FlatMap;
use protocol::{Checker, NodeId, NodeRef, Status, Violation};
use std::ops::Bound;
use std::sync::Arc;

pub const ELECTION_SAFETY: &str = "Election Safety";
pub const LEADER_APPEND_ONLY: &str = "Leader Append-Only";
pub const LOG_MATCHING: &str = "Log Matching";
pub const LEADER_COMPLETENESS: &str = "Leader Completeness";
pub const STATE_MACHINE_SAFETY: &str = "State Machine Safety";

/// Terms remembered for Election Safety and Leader Completeness; older ones
/// are forgotten.
const TERMS_REMEMBERED: usize = 4096;

/// A leader's log at the last check: it may only grow while the term lasts.
#[derive(Clone, Debug, Hash)]
struct LeaderLog {
    term: u64,
    len: u64,
    digest: u64,
}

/// What the checker remembers of one node.
#[derive(Clone, Debug, Default, Hash)]
struct Seen {
    /// The log at the last check; what changed since is what Log Matching
    /// compares.
    log: Log,
    /// Set while the node is a running leader.
    leader: Option<LeaderLog>,
}

#[derive(Clone, Debug, Default, Hash)]
pub struct RaftChecker {
    /// term → the node seen as its leader. Shared with the checker's clones
    /// in world snapshots and copied only when a new leader is seen.
    leaders: Arc<FlatMap<u64, NodeId>>,
    /// Indexed by node id.
    seen: Vec<Seen>,
    /// Position `i`: the digest of the committed log up to index `i + 1`.
    committed: Chunked<u64>,
    /// term → the highest index seen committed by a node in that term. Kept
    /// increasing in both (an entry no later term beats is dropped), so the
    /// highest index committed before term T is one lookup. Shared like
    /// `leaders`.
    committed_in: Arc<FlatMap<u64, u64>>,
}

impl Checker<Raft> for RaftChecker {
    const PROPERTIES: &'static [&'static str] =
        &[ELECTION_SAFETY, LEADER_APPEND_ONLY, LOG_MATCHING, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        self.check_changed(nodes, None)
    }

    fn check_changed(&mut self, nodes: &[NodeRef<'_, Raft>], changed: Option<NodeId>) -> Option<Violation> {
        if self.seen.len() < nodes.len() {
            self.seen.resize_with(nodes.len(), Seen::default);
        }
        let range = match changed {
            Some(id) => id as usize..id as usize + 1,
            None => 0..nodes.len(),
        };
        let changed = &nodes[range];
        changed
            .iter()
            .find_map(|n| self.election_safety(n))
            .or_else(|| changed.iter().find_map(|n| self.leader_append_only(n)))
            .or_else(|| changed.iter().find_map(|n| self.log_matching(n, nodes)))
            .or_else(|| changed.iter().find_map(|n| self.state_machine_safety(n, nodes)))
            .or_else(|| self.leader_completeness(nodes))
    }
}

fn is_leader(n: &NodeRef<'_, Raft>) -> bool {
    n.status != Status::Crashed && n.state.role() == Role::Leader
}

fn violation<const N: usize>(property: &'static str, nodes: [NodeId; N], detail: String) -> Option<Violation> {
    Some(Violation::new(property, detail, nodes))
}

fn show(e: &Entry) -> String {
    format!("(term {}, {:?})", e.term, &*e.cmd)
}

/// The first index in `1..=upto` at which `log` differs from a log whose
/// prefix digests `digest(i)` gives, or `None` if they agree through
/// `upto`. Prefix digests agree up to some index and differ from there on,
/// so a binary search finds it in O(log n).
fn first_difference(log: &Log, upto: u64, digest: impl Fn(u64) -> u64) -> Option<u64> {
    let same = |i: u64| log.digest_at(i) == Some(digest(i));
    if same(upto) {
        return None;
    }
    let (mut lo, mut hi) = (0, upto); // same(lo), !same(hi)
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if same(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

impl RaftChecker {
    fn committed_digest(&self, index: u64) -> u64 {
        if index == 0 {
            0
        } else {
            *self.committed.get(index as usize - 1).expect("index is committed")
        }
    }

    /// The entry committed at `index`, from any node that holds the
    /// committed log through it (only to describe a violation).
    fn committed_entry(&self, index: u64, nodes: &[NodeRef<'_, Raft>]) -> String {
        let want = self.committed_digest(index);
        nodes
            .iter()
            .find(|n| n.state.log().digest_at(index) == Some(want))
            .and_then(|n| n.state.log().get(index))
            .map_or_else(|| "another entry".to_string(), show)
    }

    /// §5.2: at most one leader can be elected in a given term.
    fn election_safety(&mut self, n: &NodeRef<'_, Raft>) -> Option<Violation> {
        if !is_leader(n) {
            return None;
        }
        let term = n.state.current_term();
        let first = match self.leaders.get(&term) {
            Some(&first) => first,
            None => {
                let leaders = Arc::make_mut(&mut self.leaders);
                leaders.insert(term, n.id);
                while leaders.len() > TERMS_REMEMBERED {
                    leaders.pop_first();
                }
                n.id
            }
        };
        if first != n.id {
            return violation(
                ELECTION_SAFETY,
                [first, n.id],
                format!("nodes {first} and {} were both leader of term {term}", n.id),
            );
        }
        None
    }

    /// §5.3: a leader never overwrites or deletes entries in its log; it only
    /// appends. The digest at the length it had covers every entry, so an
    /// overwrite anywhere is caught, not only at the end.
    fn leader_append_only(&mut self, n: &NodeRef<'_, Raft>) -> Option<Violation> {
        let seen = &mut self.seen[n.id as usize];
        if !is_leader(n) {
            seen.leader = None;
            return None;
        }
        let (raft, log) = (n.state, n.state.log());
        let len = log.last_index();
        let now = LeaderLog { term: raft.current_term(), len, digest: log.digest_at(len).expect("len exists") };
        let before = seen.leader.replace(now);
        let before = before.filter(|b| b.term == raft.current_term())?;
        if len < before.len {
            return violation(
                LEADER_APPEND_ONLY,
                [n.id],
                format!(
                    "leader {} of term {} changed its log: it had {} entries, now {len}",
                    n.id, before.term, before.len
                ),
            );
        }
        if log.digest_at(before.len) != Some(before.digest) {
            let old = &seen.log;
            let index = first_difference(log, before.len, |i| old.digest_at(i).unwrap_or(!0)).unwrap_or(before.len);
            let was = old.get(index).map_or_else(|| "another entry".to_string(), show);
            let now = log.get(index).map_or_else(String::new, show);
            return violation(
                LEADER_APPEND_ONLY,
                [n.id],
                format!("leader {} of term {} overwrote index {index}: it held {was}, now {now}", n.id, before.term),
            );
        }
        None
    }

    /// §5.3: if two logs contain an entry with the same index and term, the
    /// logs are identical in all entries up through that index.
    ///
    /// Only the entries of `a` that changed since its last check can break
    /// it. For each other node, the highest changed index where both logs
    /// have the same term is found by scanning down the changed part; equal
    /// digests there mean equal logs through it, and so through every lower
    /// index of the same term. O(changed entries × nodes).
    fn log_matching(&mut self, a: &NodeRef<'_, Raft>, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        let la = a.state.log();
        let old = &self.seen[a.id as usize].log;
        let len = la.last_index();
        if old.last_index() == len && old.digest_at(len) == la.digest_at(len) {
            return None;
        }
        // The first index that differs from the log last checked.
        let common = old.last_index().min(len);
        let from = first_difference(la, common, |i| old.digest_at(i).expect("i <= common")).unwrap_or(common + 1);
        self.seen[a.id as usize].log = la.clone();
        for b in nodes.iter().filter(|b| b.id != a.id) {
            let lb = b.state.log();
            let upto = len.min(lb.last_index());
            let Some(k) = (from..=upto).rev().find(|&k| la.term_at(k) == lb.term_at(k)) else {
                continue;
            };
            if let Some(j) = first_difference(la, k, |i| lb.digest_at(i).expect("i <= k")) {
                let (x, y) = (a.id.min(b.id), a.id.max(b.id));
                let (lx, ly) = if a.id < b.id { (la, lb) } else { (lb, la) };
                let entry = |l: &Log, i| show(l.get(i).expect("i <= k"));
                return violation(
                    LOG_MATCHING,
                    [x, y],
                    format!(
                        "nodes {x} and {y} agree at index {k} (term {}) but differ at index {j}: {} vs {}",
                        la.term_at(k).expect("k <= len"),
                        entry(lx, j),
                        entry(ly, j)
                    ),
                );
            }
        }
        None
    }

    /// §5.4.3: if a server has applied an entry at an index, no other server
    /// ever applies a different entry there. A node's committed prefix must
    /// match the committed chain as far as both go, so a committed entry
    /// that changes later is caught too; one that goes missing is caught as
    /// a commit index beyond the end of the log.
    fn state_machine_safety(&mut self, n: &NodeRef<'_, Raft>, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        let (raft, log) = (n.state, n.state.log());
        let (commit, len) = (raft.commit_index(), log.last_index());
        if commit > len {
            return violation(
                STATE_MACHINE_SAFETY,
                [n.id],
                format!(
                    "node {} has commit_index {commit} but only {len} entr{}",
                    n.id,
                    if len == 1 { "y" } else { "ies" }
                ),
            );
        }
        let known = self.committed.len() as u64;
        let upto = commit.min(known);
        if let Some(index) = first_difference(log, upto, |i| self.committed_digest(i)) {
            return violation(
                STATE_MACHINE_SAFETY,
                [n.id],
                format!(
                    "node {} has index {index} committed as {}, but it was committed as {}",
                    n.id,
                    show(log.get(index).expect("index <= commit <= len")),
                    self.committed_entry(index, nodes)
                ),
            );
        }
        if commit > known {
            for i in known + 1..=commit {
                self.committed.push(log.digest_at(i).expect("i <= commit <= len"));
            }
            self.learn_committed(raft.current_term(), commit);
        }
        None
    }

    /// Remember that a node in `term` holds `index` committed.
    fn learn_committed(&mut self, term: u64, index: u64) {
        let below = self.committed_in.range(..=term).next_back();
        if below.is_some_and(|(_, &i)| i >= index) {
            return; // an earlier term already covers it
        }
        let committed_in = Arc::make_mut(&mut self.committed_in);
        committed_in.insert(term, index);
        // Later terms that cover no more are implied by this one.
        while let Some((&t, &i)) = committed_in.range((Bound::Excluded(term), Bound::Unbounded)).next() {
            if i > index {
                break;
            }
            committed_in.remove(&t);
        }
        while committed_in.len() > TERMS_REMEMBERED {
            committed_in.pop_first();
        }
    }

    /// §5.4: an entry committed in a term is in the log of every leader of
    /// every later term. Checked for each running leader on every check
    /// (it breaks when a node becomes leader, when a leader's log changes
    /// and when a commit of an earlier term is learned): one lookup of the
    /// highest index committed before its term, one digest comparison.
    fn leader_completeness(&self, nodes: &[NodeRef<'_, Raft>]) -> Option<Violation> {
        for n in nodes.iter().filter(|n| is_leader(n)) {
            let term = n.state.current_term();
            let Some((_, &upto)) = self.committed_in.range(..term).next_back() else {
                continue;
            };
            let log = n.state.log();
            let index = match first_difference(log, upto.min(log.last_index()), |i| self.committed_digest(i)) {
                Some(index) => index,
                None if log.last_index() < upto => log.last_index() + 1,
                None => continue,
            };
            let in_term = self.committed_in.iter().find(|(_, &i)| i >= index).map_or(0, |(&t, _)| t);
            return violation(
                LEADER_COMPLETENESS,
                [n.id],
                format!(
                    "leader {} of term {term} lacks index {index} {}, committed in term {in_term}",
                    n.id,
                    self.committed_entry(index, nodes)
                ),
            );
        }
        None
    }
}

#[cfg(test)]
mod tests {
    //! The checker on hand-built clusters: each property shown holding and
    //! failing, including the two cases the first checker missed.

    use super::*;
    use crate::raft::Durable;
    use crate::RaftConfig;
    use protocol::{Cluster, Protocol};

    /// A node whose log holds one entry per `(term, cmd)`.
    fn node(id: NodeId, term: u64, entries: &[(u64, &str)], role: Role, commit: u64) -> Raft {
        let mut log = Log::default();
        for &(t, cmd) in entries {
            log.push(Entry::new(t, cmd));
        }
        let durable = Durable { current_term: term, voted_for: None, log };
        let mut raft = Raft::new(id, &Cluster { nodes: 3 }, &RaftConfig::default(), Some(&durable));
        raft.set_volatile_for_test(role, commit);
        raft
    }

    fn check(checker: &mut RaftChecker, nodes: &[Raft], changed: Option<NodeId>) -> Option<Violation> {
        let refs: Vec<NodeRef<'_, Raft>> = nodes
            .iter()
            .enumerate()
            .map(|(id, state)| NodeRef { id: id as NodeId, status: Status::Up, state })
            .collect();
        checker.check_changed(&refs, changed)
    }

    fn property(v: Option<Violation>) -> Option<&'static str> {
        v.map(|v| v.property)
    }

    use Role::{Follower as F, Leader as L};

    /// §5.2, Figure 3 "Election Safety".
    #[test]
    fn two_leaders_of_one_term_break_election_safety() {
        let mut c = RaftChecker::default();
        let mut nodes = vec![node(0, 1, &[], L, 0), node(1, 1, &[], F, 0), node(2, 2, &[], L, 0)];
        assert_eq!(check(&mut c, &nodes, None), None, "leaders of different terms");
        nodes[1] = node(1, 1, &[], L, 0);
        let v = check(&mut c, &nodes, Some(1)).unwrap();
        assert_eq!((v.property, v.detail.as_str()), (ELECTION_SAFETY, "nodes 0 and 1 were both leader of term 1"));
    }

    /// §5.3, Figure 3 "Leader Append-Only": a leader that overwrites an
    /// earlier entry while keeping its length and its last entry (which the
    /// first checker, looking at the last entry only, missed).
    #[test]
    fn a_leader_overwriting_an_earlier_entry_breaks_append_only() {
        let mut c = RaftChecker::default();
        let mut nodes = vec![node(0, 2, &[(1, "a"), (2, "b"), (2, "c")], L, 0), node(1, 2, &[], F, 0)];
        assert_eq!(check(&mut c, &nodes, None), None);
        nodes[0] = node(0, 2, &[(1, "a"), (2, "b"), (2, "c"), (2, "d")], L, 0);
        assert_eq!(check(&mut c, &nodes, Some(0)), None, "appending is allowed");
        nodes[0] = node(0, 2, &[(1, "a"), (2, "X"), (2, "c"), (2, "d")], L, 0);
        let v = check(&mut c, &nodes, Some(0)).unwrap();
        assert_eq!(v.property, LEADER_APPEND_ONLY);
        assert_eq!(v.detail, r#"leader 0 of term 2 overwrote index 2: it held (term 2, "b"), now (term 2, "X")"#);
        // Deleting entries is caught too.
        let mut c = RaftChecker::default();
        let mut nodes = vec![node(0, 2, &[(1, "a"), (2, "b")], L, 0)];
        check(&mut c, &nodes, None);
        nodes[0] = node(0, 2, &[(1, "a")], L, 0);
        assert_eq!(property(check(&mut c, &nodes, Some(0))), Some(LEADER_APPEND_ONLY));
    }

    /// §5.3, Figure 3 "Log Matching": the same term at an index with a
    /// different entry below it.
    #[test]
    fn same_term_different_history_breaks_log_matching() {
        let mut c = RaftChecker::default();
        let mut nodes = vec![node(0, 3, &[(1, "a"), (1, "b"), (3, "c")], F, 0), node(1, 3, &[(1, "a")], F, 0)];
        assert_eq!(check(&mut c, &nodes, None), None);
        // Conflicting entries of different terms are allowed (§5.3 repairs them).
        nodes[1] = node(1, 3, &[(1, "a"), (2, "x"), (2, "y")], F, 0);
        assert_eq!(check(&mut c, &nodes, Some(1)), None);
        nodes[1] = node(1, 3, &[(1, "a"), (1, "x"), (3, "c")], F, 0);
        let v = check(&mut c, &nodes, Some(1)).unwrap();
        assert_eq!(v.property, LOG_MATCHING);
        assert_eq!(
            v.detail,
            r#"nodes 0 and 1 agree at index 3 (term 3) but differ at index 2: (term 1, "b") vs (term 1, "x")"#
        );
    }

    /// §5.4.3, Figure 3 "State Machine Safety": two entries committed at one
    /// index, and a node whose commit index runs past its log (it lost
    /// committed entries: the first checker clamped the index and missed it).
    #[test]
    fn committed_entries_must_never_change_or_vanish() {
        let mut c = RaftChecker::default();
        let mut nodes = vec![node(0, 1, &[(1, "a"), (1, "b")], F, 2), node(1, 1, &[(1, "a"), (1, "b")], F, 1)];
        assert_eq!(check(&mut c, &nodes, None), None);
        nodes[1] = node(1, 1, &[(1, "a")], F, 2);
        let v = check(&mut c, &nodes, Some(1)).unwrap();
        assert_eq!(
            (v.property, v.detail.as_str()),
            (STATE_MACHINE_SAFETY, "node 1 has commit_index 2 but only 1 entry")
        );

        let mut c = RaftChecker::default();
        let mut nodes = vec![node(0, 1, &[(1, "a"), (1, "b")], F, 2), node(1, 2, &[(1, "a")], F, 1)];
        assert_eq!(check(&mut c, &nodes, None), None);
        nodes[1] = node(1, 2, &[(1, "a"), (2, "z")], F, 2);
        let v = check(&mut c, &nodes, Some(1)).unwrap();
        assert_eq!(v.property, STATE_MACHINE_SAFETY);
        assert_eq!(v.detail, r#"node 1 has index 2 committed as (term 2, "z"), but it was committed as (term 1, "b")"#);
    }

    /// §5.4, Figure 3 "Leader Completeness": a leader of a later term must
    /// hold every entry committed in earlier terms.
    #[test]
    fn a_leader_lacking_an_earlier_commit_breaks_completeness() {
        let mut c = RaftChecker::default();
        let mut nodes = vec![
            node(0, 2, &[(1, "a"), (2, "b")], F, 2),
            node(1, 2, &[(1, "a"), (2, "b")], F, 0),
            node(2, 2, &[(1, "a")], F, 0),
        ];
        assert_eq!(check(&mut c, &nodes, None), None);
        // A leader of term 2 itself need not hold what term 2 committed.
        nodes[2] = node(2, 2, &[(1, "a")], L, 0);
        assert_eq!(check(&mut c, &nodes, Some(2)), None);
        nodes[1] = node(1, 3, &[(1, "a"), (2, "b")], L, 0);
        assert_eq!(check(&mut c, &nodes, Some(1)), None, "a complete leader of term 3");
        nodes[1] = node(1, 3, &[(1, "a"), (2, "b")], F, 0);
        nodes[2] = node(2, 4, &[(1, "a"), (3, "q")], L, 0);
        check(&mut c, &nodes, Some(1));
        let v = check(&mut c, &nodes, Some(2)).unwrap();
        assert_eq!(v.property, LEADER_COMPLETENESS);
        assert_eq!(v.detail, r#"leader 2 of term 4 lacks index 2 (term 2, "b"), committed in term 2"#);
    }

    /// The highest index committed before a term is a bounded, increasing
    /// summary.
    #[test]
    fn committed_in_keeps_only_what_later_terms_need() {
        let mut c = RaftChecker::default();
        c.learn_committed(3, 5);
        c.learn_committed(5, 4); // covered by term 3
        c.learn_committed(7, 9);
        c.learn_committed(2, 6); // makes term 3 redundant
        assert_eq!(c.committed_in.iter().map(|(&t, &i)| (t, i)).collect::<Vec<_>>(), vec![(2, 6), (7, 9)]);
    }
}
