//! Raft's broken variants (see the table in `bugs.rs`): each is found with
//! a shortest counterexample that replays to the same step.
//!
//! `vote-before-persist` (the grant is sent before `voted_for` is saved)
//! is wrong only if the voter crashes between those two commands of one
//! step: found with `crash_mid_step` in `mid_step.rs` (depth 7); without
//! it, depth 9 and one crash passed 1.7 M states with no violation.
//!
//! Not found from a fresh world, and why:
//! - `skip-consistency-check` and `commit-past-match` need two logs that
//!   differ at an index, so two leaders in two terms each appending an
//!   entry one follower keeps, then a third AppendEntries: deeper than the
//!   budgets reach. Raft 2 nodes, two requests (`x=1`): depth 10 is
//!   exhausted at 184,558 states with no violation; commit-past-match at
//!   depth 12 with one drop passed 1.2 M states without one.
//! - `vote-without-log-check` and `commit-previous-terms` (Figure 8) need
//!   an entry stored by a majority and then an election won by a node
//!   without it, several terms deep: Raft 2 nodes, one request, one crash,
//!   depth 10 ends at about 316,000 states with no violation for each
//!   (three nodes were not tried for want of time).
//!
//! From a run's state (`from_run.rs`: a scripted run prefix, then a small
//! budget) all four are found in 2 to 6 choices and replay from the fresh
//! world; `commit-past-match` needs `max_entries_per_append=1` (with the
//! default 64 the same search finds nothing; why is written there).

use crate::common;

use common::bugs::{found_and_replayed, recipe_case};

#[test]
fn raft_forget_vote_elects_two_leaders_in_one_term() {
    found_and_replayed(&recipe_case("raft", "forget-vote", "Election Safety", 8));
}

#[test]
fn raft_leader_overwriting_its_own_entry_is_not_append_only() {
    found_and_replayed(&recipe_case("raft", "overwrite-own-entry", "Leader Append-Only", 5));
}

#[test]
fn raft_follower_truncating_always_loses_a_committed_entry_to_a_duplicate() {
    // The variant is described as breaking Leader Completeness; on two
    // nodes the shortest path the duplicate opens breaks State Machine
    // Safety first, and the checker names the first property broken.
    found_and_replayed(&recipe_case("raft", "truncate-always", "State Machine Safety", 9));
}
