//! Unique state counts, and the counterexample found, are the same from
//! run to run and whatever the number of threads; depth-first search and
//! random walks find a bug too, and what they find replays.

use crate::common;

use check::{Budgets, Hooks, Progress, Stop, Strategy};
use common::{explore, explore_with, options, replay, setup};
use std::sync::Mutex;

fn paxos_budgets() -> Budgets {
    Budgets { depth: 6, requests: 2, ..Budgets::default() }
}

#[test]
fn counts_do_not_depend_on_threads_or_the_run() {
    let s = setup("paxos", 3, &[]);
    let mut reports = Vec::new();
    for threads in [1, 2, 3, 1] {
        let mut o = options(paxos_budgets(), &["x", "y"]);
        o.threads = threads;
        reports.push(explore(&s, &o));
    }
    let first = &reports[0];
    assert_eq!(first.stop, Stop::Depth);
    assert!(first.unique > 1_000, "a real state space: {}", first.unique);
    assert!(first.generated > first.unique, "some states are met twice");
    for r in &reports[1..] {
        assert_eq!(r, first);
    }
}

#[test]
fn the_counterexample_does_not_depend_on_threads() {
    let s = setup(
        "paxos",
        3,
        &[("roles", "split"), ("proposers", "2"), ("acceptors", "1"), ("bug", "ignore-promised-values")],
    );
    let base = explore(&s, &options(Budgets { depth: 12, requests: 2, ..Budgets::default() }, &["x", "y"]));
    assert!(base.violation.is_some());
    let mut o = options(Budgets { depth: 12, requests: 2, ..Budgets::default() }, &["x", "y"]);
    o.threads = 4;
    assert_eq!(explore(&s, &o), base);
}

#[test]
fn a_finished_state_space_says_so_and_budgets_bound_it() {
    // Without requests single-decree Paxos has nothing to do.
    let s = setup("paxos", 3, &[]);
    let r = explore(&s, &options(Budgets { depth: 5, ..Budgets::default() }, &[]));
    assert_eq!((r.unique, r.stop), (1, Stop::Exhausted));
    // The state cap stops a search cleanly, between levels.
    let r = explore(&s, &options(Budgets { depth: 20, requests: 2, max_states: 50, ..Budgets::default() }, &["x"]));
    assert_eq!(r.stop, Stop::MaxStates);
    assert!(r.unique >= 50 && r.violation.is_none());
}

/// A search over its memory cap stops within the level it was expanding,
/// says so with the figure read, and counts none of that level's states;
/// one thread and several stop alike.
#[test]
fn the_memory_cap_stops_a_level_on_any_threads() {
    let s = setup("paxos", 3, &[]);
    let budgets = Budgets { depth: 8, requests: 2, memory_cap_mb: Some(100), ..Budgets::default() };
    let full = explore(&s, &options(Budgets { memory_cap_mb: None, ..budgets.clone() }, &["x", "y"]));
    let mut reports = Vec::new();
    for threads in [1, 2] {
        // The probe reads 64 MiB until the search has finished level 5,
        // then 700: the first probe in level 6 aborts it.
        let depth = Mutex::new(0);
        let progress = |p: Progress| *depth.lock().unwrap() = p.depth;
        let memory = || if *depth.lock().unwrap() >= 5 { 700 } else { 64 };
        let hooks = Hooks { progress: Some(&progress), memory_mb: Some(&memory) };
        let mut o = options(budgets.clone(), &["x", "y"]);
        o.threads = threads;
        let r = explore_with(&s, &o, &hooks);
        assert_eq!(r.stop, Stop::MemoryCap { used_mb: 700 }, "{threads} threads");
        assert_eq!(r.depth, 5, "{threads} threads: level 6 is not counted");
        assert!(r.unique < full.unique && r.violation.is_none(), "{threads} threads: {r:?}");
        reports.push(r);
    }
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn depth_first_and_random_walks_find_a_bug_that_replays() {
    let s = setup("paxos", 3, &[("bug", "accept-unproposed")]);
    let mut o = options(Budgets { depth: 10, requests: 1, ..Budgets::default() }, &["x"]);
    o.strategy = Strategy::Dfs;
    let dfs = explore(&s, &o);
    assert_eq!(dfs.violation.as_ref().map(|f| f.property), Some("Validity"));
    assert!(dfs.violation.as_ref().unwrap().actions.len() >= 7, "never shorter than the shortest");
    assert_eq!(replay(&s, &dfs).map(|v| v.0), Some("Validity"));

    o.strategy = Strategy::Random { seed: 3, walks: 5_000 };
    let walk = explore(&s, &o);
    assert_eq!(walk.violation.as_ref().map(|f| f.property), Some("Validity"), "{walk:?}");
    assert_eq!(replay(&s, &walk).map(|v| v.0), Some("Validity"));
    assert_eq!(explore(&s, &o), walk, "walks are drawn from their seed");
}
