//! Exploring from a run's state (`lab::explore::check_run`, `cli check
//! --from RUN.json`, the app's check panel): Raft bugs too deep to reach
//! from a fresh world are found from a deterministic run prefix, a run
//! whose scripted actions (partitions, cuts, crashes, client requests; seed
//! 1, no chance faults) set the scene, and a small budget from there. Each
//! counterexample is the run's own actions followed by the choices, and
//! replays from the fresh world to the same property at the same step; the
//! correct protocol, from the same run and within the same budgets, breaks
//! nothing.
//!
//! | algorithm | bug | the run (seed 1) | from step | budgets | property | choices | unique |
//! | --- | --- | --- | --- | --- | --- | --- | --- |
//! | raft, 3 | vote-without-log-check | node 2 down while node 0 commits `x=1` with node 1, back at 30 | 30 | depth 5 | Leader Completeness | 4 | 569 |
//! | raft, 3 | skip-consistency-check | node 0 (term 1) appends `x=1` alone; node 1 leads term 2 with `y=2`, then term 3 after a crash; heal | 46 | depth 4, requests 1 (`z=3`) | Log Matching | 2 | 40 |
//! | raft, 3 | commit-previous-terms | as above, but `y=2` stays on node 1, which crashes; node 0 wins term 5 and commits its term-1 entry; node 1 back at 61 | 61 | depth 5 | Leader Completeness | 4 | 436 |
//! | kv-raft, 5 | stale-read | no actions: the workload's own writes and reads | 530 | depth 6 | Linearizability | 5 | 16,582 |
//!
//! Not found: Raft `commit-past-match`. The follower must hold, after
//! entries that match the leader's, a stale tail entry at an index the
//! leader has committed, and receive an AppendEntries whose new entries end
//! before that index. But an AppendEntries carries every entry from
//! `next_index` to the leader's last (up to `max_entries_per_append`, 64
//! by default), and the leader's commit index never passes its last entry,
//! so with the default the bug cannot show in a small model at all (the
//! leader would need more than 64 entries past the follower's
//! `next_index`). It needs `max_entries_per_append=1`, which the catalog does
//! not offer as an option (Raft's are `election_timeout_ms` and
//! `heartbeat_ms`), and then a stale refusal: a duplicated refusal drops
//! `next_index` below an entry the follower holds, and the AppendEntries
//! carrying only that entry, with the leader's commit index past the
//! follower's stale tail, arrives first. From a fresh world, depth 12 with
//! one drop passed 1.2 M states without a violation (`bugs_raft.rs`).

mod common;

use check::{Budgets, Hooks, Stop};
use common::{options, setup};
use lab::explore::{check_run, root_setup, Explored};
use lab::Setup;

/// `algo` on `nodes` with `bug` (none when empty) and the run's `actions`
/// (JSON, as `cli run --actions` reads them).
fn run(algo: &str, nodes: u32, bug: &str, actions: &str) -> Setup {
    let mut s = if bug.is_empty() { setup(algo, nodes, &[]) } else { setup(algo, nodes, &[("bug", bug)]) };
    s.actions = sim::parse_actions(actions, nodes).unwrap();
    s
}

fn explore(s: &Setup, step: u64, budgets: Budgets, commands: &[&str]) -> Explored {
    let (root, note) = root_setup(s, step);
    assert_eq!(note, None, "already the checker's network");
    let mut o = options(budgets, commands);
    o.threads = 2;
    check_run(&root, step, &o, &Hooks::default()).unwrap()
}

/// Replay the counterexample from the fresh world (the run's actions,
/// then the choices) through an ordinary run: its first violation.
fn replay(s: &Setup, explored: &Explored) -> Option<(&'static str, u64)> {
    let found = explored.report.violation.as_ref().expect("a violation");
    let actions = explored.counterexample().unwrap();
    assert!(actions.starts_with(&s.actions), "the run's own actions first");
    let json = serde_json::to_string(&actions).unwrap();
    let mut replayed = s.clone();
    replayed.actions = sim::parse_actions(&json, s.sim.nodes).unwrap();
    let mut session = lab::open(&replayed).unwrap();
    session.seek(found.step);
    assert_eq!(session.steps(), found.step);
    assert!(session.action_errors().is_empty(), "{:?}", session.action_errors());
    session.first_violation().map(|v| (v.property, v.step))
}

/// Found from `step` of the buggy run, `choices` deep, replayed; and the
/// correct protocol from the same run within the same budgets breaks
/// nothing.
#[allow(clippy::too_many_arguments)]
fn found_from(
    algo: &str,
    nodes: u32,
    bug: &str,
    actions: &str,
    step: u64,
    budgets: Budgets,
    commands: &[&str],
    property: &str,
    choices: u32,
) -> Explored {
    let s = run(algo, nodes, bug, actions);
    let explored = explore(&s, step, budgets.clone(), commands);
    let found = explored.report.violation.as_ref().unwrap_or_else(|| panic!("{bug}: {:?}", explored.report));
    assert_eq!((found.property, explored.report.stop), (property, Stop::Violation), "{bug}");
    assert_eq!(explored.report.depth, choices, "{bug}: {:?}", found.actions);
    assert_eq!(explored.from_step, step);
    assert!(found.actions.iter().all(|a| a.step >= step), "the choices come after the run's step");
    assert_eq!(replay(&s, &explored), Some((property, found.step)), "{bug}");
    let correct = explore(&run(algo, nodes, "", actions), step, Budgets { depth: choices, ..budgets }, commands);
    assert_eq!(correct.report.violation, None, "{algo} without {bug}");
    explored
}

#[test]
fn raft_vote_without_log_check_elects_a_node_missing_a_committed_entry() {
    // §5.4.1: node 1 holds the committed x=1 and must refuse node 2, whose
    // log is empty; with the bug it votes for it.
    let actions = r#"[{"step":0,"do":"crash","node":2},{"step":15,"do":"request","node":0,"cmd":"x=1"},
                      {"step":30,"do":"restart","node":2}]"#;
    let e = found_from(
        "raft",
        3,
        "vote-without-log-check",
        actions,
        30,
        Budgets { depth: 5, ..Budgets::default() },
        &[],
        "Leader Completeness",
        4,
    );
    assert_eq!(e.report.unique, 569);
}

#[test]
fn raft_skip_consistency_check_appends_after_a_prefix_that_differs() {
    // §5.3: node 0's x=1 (term 1) sits at index 1 where the leader of term
    // 3 has y=2 (term 2); the AppendEntries carrying z=3 after index 1
    // must be refused.
    let actions = r#"[{"step":15,"do":"partition","groups":[[0],[1,2]]},{"step":15,"do":"request","node":0,"cmd":"x=1"},
                      {"step":24,"do":"request","node":1,"cmd":"y=2"},{"step":35,"do":"crash","node":1},
                      {"step":36,"do":"restart","node":1},{"step":46,"do":"heal"}]"#;
    let budgets = Budgets { depth: 4, requests: 1, ..Budgets::default() };
    let e = found_from("raft", 3, "skip-consistency-check", actions, 46, budgets, &["z=3"], "Log Matching", 2);
    assert_eq!(e.report.unique, 40);
}

#[test]
fn raft_commit_previous_terms_loses_an_entry_it_counted_as_committed() {
    // §5.4.2 and Figure 8 on three nodes: node 0 (term 5) counts its
    // term-1 entry x=1 on a majority and commits it; node 1, whose y=2 is
    // of term 2, later wins an election and lacks it.
    let actions = r#"[{"step":15,"do":"partition","groups":[[0],[1,2]]},{"step":15,"do":"request","node":0,"cmd":"x=1"},
                      {"step":23,"do":"cut","from":1,"to":2},{"step":23,"do":"request","node":1,"cmd":"y=2"},
                      {"step":26,"do":"crash","node":1},{"step":26,"do":"heal"},{"step":61,"do":"restart","node":1}]"#;
    let budgets = Budgets { depth: 5, ..Budgets::default() };
    let e = found_from("raft", 3, "commit-previous-terms", actions, 61, budgets, &[], "Leader Completeness", 4);
    assert_eq!(e.report.unique, 436);
}

#[test]
fn kv_raft_stale_read_is_found_from_deep_in_a_run() {
    // The workload's own run (seed 1, 3 servers and 2 clients) at step
    // 530: writes are committed, and a follower answering a read from its
    // own state machine can return a value older than one acknowledged.
    let budgets = Budgets { depth: 6, ..Budgets::default() };
    let e = found_from("kv-raft", 5, "stale-read", "[]", 530, budgets, &[], "Linearizability", 5);
    assert_eq!(e.report.unique, 16_582);
}

#[test]
fn from_step_zero_with_no_actions_is_the_fresh_world() {
    let s = setup("paxos", 3, &[("bug", "accept-unproposed")]);
    let b = Budgets { depth: 10, requests: 1, ..Budgets::default() };
    let fresh = common::explore(&s, &options(b.clone(), &["x"]));
    let from = explore(&s, 0, b, &["x"]);
    assert_eq!(from.report, fresh);
    assert_eq!(from.counterexample(), fresh.violation.map(|f| f.actions));
}
