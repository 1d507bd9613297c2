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
//! | raft, 3, max_entries_per_append=1 | commit-past-match | node 0 commits `x=1` everywhere, then alone appends `y=2`; node 1 commits `z=3` in term 2 and crashes; node 2 leads term 3; heal | 70 | depth 7, dups 1 | State Machine Safety | 6 | 15,029 |
//! | kv-raft, 5 | stale-read | no actions: the workload's own writes and reads | 530 | depth 6 | Linearizability | 5 | 16,582 |
//!
//! Raft `commit-past-match` needs an AppendEntries whose new entries end
//! before a follower's stale tail while the leader's commit index is past
//! it. An AppendEntries carries every entry from `next_index` up to
//! `max_entries_per_append`, so with the default 64 the one that reaches
//! back far enough also carries the leader's entry at the stale index,
//! which replaces it: from the same run and budgets the variant breaks
//! nothing. With one entry per AppendEntries, a duplicated refusal drops
//! `next_index` one entry too far and the checker finds it in 6 choices.
//!
//! The lock family and ABD, from runs with paused clients and restarted
//! storages, are in `from_run_locks.rs`; the helpers in `common/from_run.rs`.

use crate::common;

use check::Budgets;
use common::from_run::{explore, found_from, Scene};
use common::{options, setup};

#[test]
fn raft_vote_without_log_check_elects_a_node_missing_a_committed_entry() {
    // §5.4.1: node 1 holds the committed x=1 and must refuse node 2, whose
    // log is empty; with the bug it votes for it.
    let scene = Scene {
        algo: "raft",
        nodes: 3,
        options: &[],
        actions: r#"[{"step":0,"do":"crash","node":2},{"step":15,"do":"request","node":0,"cmd":"x=1"},
                     {"step":30,"do":"restart","node":2}]"#,
        step: 30,
    };
    let budgets = Budgets { depth: 5, ..Budgets::default() };
    let e = found_from(&scene, "vote-without-log-check", budgets, &[], "Leader Completeness", 4);
    assert_eq!(e.report.unique, 569);
}

#[test]
fn raft_skip_consistency_check_appends_after_a_prefix_that_differs() {
    // §5.3: node 0's x=1 (term 1) sits at index 1 where the leader of term
    // 3 has y=2 (term 2); the AppendEntries carrying z=3 after index 1
    // must be refused.
    let scene = Scene {
        algo: "raft",
        nodes: 3,
        options: &[],
        actions: r#"[{"step":15,"do":"partition","groups":[[0],[1,2]]},{"step":15,"do":"request","node":0,"cmd":"x=1"},
                     {"step":24,"do":"request","node":1,"cmd":"y=2"},{"step":35,"do":"crash","node":1},
                     {"step":36,"do":"restart","node":1},{"step":46,"do":"heal"}]"#,
        step: 46,
    };
    let budgets = Budgets { depth: 4, requests: 1, ..Budgets::default() };
    let e = found_from(&scene, "skip-consistency-check", budgets, &["z=3"], "Log Matching", 2);
    assert_eq!(e.report.unique, 40);
}

#[test]
fn raft_commit_previous_terms_loses_an_entry_it_counted_as_committed() {
    // §5.4.2 and Figure 8 on three nodes: node 0 (term 5) counts its
    // term-1 entry x=1 on a majority and commits it; node 1, whose y=2 is
    // of term 2, later wins an election and lacks it.
    let scene = Scene {
        algo: "raft",
        nodes: 3,
        options: &[],
        actions: r#"[{"step":15,"do":"partition","groups":[[0],[1,2]]},{"step":15,"do":"request","node":0,"cmd":"x=1"},
                     {"step":23,"do":"cut","from":1,"to":2},{"step":23,"do":"request","node":1,"cmd":"y=2"},
                     {"step":26,"do":"crash","node":1},{"step":26,"do":"heal"},{"step":61,"do":"restart","node":1}]"#,
        step: 61,
    };
    let budgets = Budgets { depth: 5, ..Budgets::default() };
    let e = found_from(&scene, "commit-previous-terms", budgets, &[], "Leader Completeness", 4);
    assert_eq!(e.report.unique, 436);
}

/// Node 0 leads term 1 and commits x=1 everywhere, then is cut off and
/// appends y=2 (term 1) alone: a stale tail at index 2. Node 1 leads term
/// 2 and commits z=3 at index 2 with node 2, crashes and restarts; node 2
/// wins term 3 with commit index 2 and `next_index[0]` = 3. Heal at 70.
/// One entry per AppendEntries.
const COMMIT_PAST_MATCH: Scene = Scene {
    algo: "raft",
    nodes: 3,
    options: &[("max_entries_per_append", "1")],
    actions: r#"[{"step":10,"do":"request","node":0,"cmd":"x=1"},{"step":30,"do":"partition","groups":[[0],[1,2]]},
                 {"step":30,"do":"request","node":0,"cmd":"y=2"},{"step":41,"do":"request","node":1,"cmd":"z=3"},
                 {"step":56,"do":"crash","node":1},{"step":57,"do":"restart","node":1},{"step":70,"do":"heal"}]"#,
    step: 70,
};

#[test]
fn raft_commit_past_match_commits_a_stale_tail_after_a_duplicated_refusal() {
    // Figure 2, AppendEntries rule 5: commitIndex = min(leaderCommit, index
    // of last new entry). Node 2's heartbeat (prev 2, term 2) is refused by
    // node 0, whose index 2 is y=2 of term 1; the refusal is duplicated, so
    // next_index[0] drops twice, to 1, and the AppendEntries carrying x=1
    // alone (prev 0, leader commit 2) arrives first. Node 0 matches up to
    // index 1 only, but with the bug it commits up to its log's end: y=2,
    // where the others committed z=3.
    let budgets = Budgets { depth: 7, dups: 1, ..Budgets::default() };
    let e = found_from(&COMMIT_PAST_MATCH, "commit-past-match", budgets.clone(), &[], "State Machine Safety", 6);
    assert_eq!(e.report.unique, 15_029);
    let choices = &e.report.violation.as_ref().unwrap().actions;
    assert_eq!(choices.iter().filter(|a| matches!(a.action, sim::Action::Duplicate { .. })).count(), 1, "{choices:?}");
    // With 64 entries per AppendEntries (the default) the one carrying x=1
    // carries z=3 too, which replaces y=2: the variant breaks nothing.
    let s = Scene { options: &[], ..COMMIT_PAST_MATCH }.setup("commit-past-match");
    let default = explore(&s, 70, Budgets { depth: 6, ..budgets }, &[]);
    assert_eq!((default.report.violation, default.report.unique), (None, 15_029));
}

#[test]
fn kv_raft_stale_read_is_found_from_deep_in_a_run() {
    // The workload's own run (seed 1, 3 servers and 2 clients) at step
    // 530: writes are committed, and a follower answering a read from its
    // own state machine can return a value older than one acknowledged.
    let scene = Scene { algo: "kv-raft", nodes: 5, options: &[], actions: "[]", step: 530 };
    let budgets = Budgets { depth: 6, ..Budgets::default() };
    let e = found_from(&scene, "stale-read", budgets, &[], "Linearizability", 5);
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
