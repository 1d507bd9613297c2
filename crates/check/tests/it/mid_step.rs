//! Crashes inside a step (`Budgets::crash_mid_step`, `cli check
//! --crash-mid-step`): the two broken variants that are wrong only when a
//! node crashes between two commands of one step are found, shortest, and
//! replay through an ordinary run; the correct protocols within the same
//! budgets break nothing; counts do not depend on threads.
//!
//! | algorithm | nodes | bug | budgets | property | choices (actions) | unique |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | raft | 3 | vote-before-persist | depth 7, crashes 1, mid-step | Election Safety | 7 (8) | 254,325 |
//! | outbox | 4 | publish-before-commit | depth 12, crashes 1, requests 1, mid-step | No Message Without Commit | 3 (4) | 160 |
//!
//! Without the option neither is found: Raft at depth 9 with one crash
//! passed 1.7 M states, the outbox at depth 12 is exhausted at 34,041.

use crate::common;

use check::{Budgets, Report, Stop, Strategy};
use common::bugs::{budgets, found_and_replayed, recipe_case};
use common::{explore, options, replay, setup};
use sim::Action;

fn mid_step(b: Budgets) -> Budgets {
    Budgets { crash_mid_step: true, ..b }
}

/// The mid-step crashes of a counterexample, as (node, after).
fn crashes_mid_step(report: &Report) -> Vec<(u32, u32)> {
    let found = report.violation.as_ref().expect("a violation");
    let crashes = found.actions.iter().filter_map(|a| match a.action {
        Action::CrashMidStep { node, after } => Some((node, after)),
        _ => None,
    });
    crashes.collect()
}

#[test]
fn raft_vote_before_persist_is_found_by_crashing_the_voter_between_its_send_and_its_save() {
    // The recipe the app offers for the bug (`lab::recipes`).
    let case = recipe_case("raft", "vote-before-persist", "Election Safety", 8);
    assert!(case.budgets.crash_mid_step);
    let s = setup(case.algo, case.nodes, &[("bug", case.bug)]);
    let mut o = options(case.budgets.clone(), case.commands);
    o.threads = 2;
    let report = explore(&s, &o);
    let found = report.violation.as_ref().expect("found");
    assert_eq!((found.property, report.stop), ("Election Safety", Stop::Violation));
    // Seven choices, shortest (breadth-first): one of them is a crash
    // inside a step, recorded as two actions at one step.
    assert_eq!((report.depth, found.actions.len(), report.unique), (7, 8, 254_325));
    assert_eq!(replay(&s, &report), Some(("Election Safety", found.step)));
    // §5.1 / Figure 2: a server persists votedFor before it answers. The
    // voter crashed after the grant left and before the save, so it
    // restarts free to vote again in the same term.
    let crashes = crashes_mid_step(&report);
    assert_eq!(crashes.len(), 1, "{crashes:?}");
    let at = found.actions.iter().position(|a| matches!(a.action, Action::CrashMidStep { .. })).unwrap();
    assert_eq!(found.actions[at + 1].step, found.actions[at].step, "the crash and the step it cuts short");
    assert!(matches!(found.actions[at + 1].action, Action::Deliver { .. }));
    assert!(found.actions[at + 1..].iter().any(|a| a.action == Action::Restart { node: crashes[0].0 }));
    // The correct protocol, within the same budgets, breaks nothing.
    let report = explore(&setup("raft", 3, &[]), &o);
    assert_eq!((report.violation, report.stop), (None, Stop::Depth));
    assert_eq!(report.unique, 220_515);
}

#[test]
fn outbox_publish_before_commit_is_found_by_crashing_the_service_between_its_send_and_its_commit() {
    let case = recipe_case("outbox", "publish-before-commit", "No Message Without Commit", 4);
    found_and_replayed(&case);
    let s = setup("outbox", 4, &[("bug", "publish-before-commit")]);
    let report = explore(&s, &options(case.budgets.clone(), &["x=1"]));
    // The service (node 0) sent the publish and crashed before persisting.
    assert_eq!(crashes_mid_step(&report), vec![(0, 1)]);
    assert_eq!(report.unique, 160);
    // Without crashes inside a step the variant behaves as the correct
    // protocol: the same budgets finish with no violation.
    let report = explore(&s, &options(budgets(12, 1, 0, 1), &["x=1"]));
    assert_eq!((report.violation, report.stop, report.unique), (None, Stop::Depth, 34_041));
    // And the correct protocol with crashes inside a step breaks nothing.
    let report = explore(&setup("outbox", 4, &[]), &options(case.budgets, &["x=1"]));
    assert_eq!(report.violation, None);
}

#[test]
fn mid_step_counts_do_not_depend_on_threads_and_need_a_crash_left() {
    let s = setup("outbox", 4, &[]);
    let b = mid_step(budgets(8, 1, 0, 1));
    let first = explore(&s, &options(b.clone(), &["x=1"]));
    for threads in [2, 3] {
        let mut o = options(b.clone(), &["x=1"]);
        o.threads = threads;
        assert_eq!(explore(&s, &o), first);
    }
    let without = explore(&s, &options(budgets(8, 1, 0, 1), &["x=1"]));
    assert!(first.unique > without.unique, "{} > {}", first.unique, without.unique);
    // With no crash to spend, the option offers nothing more.
    let none = explore(&s, &options(mid_step(budgets(8, 0, 0, 1)), &["x=1"]));
    assert_eq!(none, explore(&s, &options(budgets(8, 0, 0, 1), &["x=1"])));
}

#[test]
fn depth_first_and_random_walks_crash_inside_a_step_too() {
    let s = setup("outbox", 4, &[("bug", "publish-before-commit")]);
    let mut o = options(mid_step(budgets(12, 1, 0, 1)), &["x=1"]);
    o.strategy = Strategy::Dfs;
    let dfs = explore(&s, &o);
    assert_eq!(crashes_mid_step(&dfs).len(), 1);
    let property = dfs.violation.as_ref().map(|f| (f.property, f.step));
    assert_eq!(replay(&s, &dfs), property);

    o.strategy = Strategy::Random { seed: 5, walks: 2_000 };
    let walk = explore(&s, &o);
    assert_eq!(crashes_mid_step(&walk).len(), 1);
    let property = walk.violation.as_ref().map(|f| (f.property, f.step));
    assert_eq!(replay(&s, &walk), property);
    assert_eq!(explore(&s, &o), walk, "walks are drawn from their seed");
}
