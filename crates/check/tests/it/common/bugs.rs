//! The bug-finding cases of `bugs*.rs`: a broken variant, the smallest
//! world and budgets that catch it, and what the catch must look like.

use super::{explore, options, replay, setup};
use check::{Budgets, Stop};

pub struct Case {
    pub algo: &'static str,
    pub nodes: u32,
    pub options: &'static [(&'static str, &'static str)],
    pub bug: &'static str,
    pub budgets: Budgets,
    pub commands: &'static [&'static str],
    pub property: &'static str,
    pub shortest: usize,
}

/// The case of `bug` in `algo` with the world and budgets of its recipe
/// (`lab::recipes`, which the app and `cli algos` offer for it), and what
/// the catch must look like.
pub fn recipe_case(algo: &str, bug: &str, property: &'static str, shortest: usize) -> Case {
    let r = lab::recipes::find(algo.parse().unwrap(), bug).unwrap_or_else(|| panic!("no recipe for {algo} {bug}"));
    Case {
        algo: r.algo.name(),
        nodes: r.nodes,
        options: r.options,
        bug: r.bug,
        budgets: Budgets { crash_mid_step: r.crash_mid_step, ..budgets(r.depth, r.crashes, r.dups, r.requests) },
        commands: r.commands,
        property,
        shortest,
    }
}

pub fn budgets(depth: u32, crashes: u32, dups: u32, requests: u32) -> Budgets {
    Budgets { depth, crashes, dups, requests, ..Budgets::default() }
}

pub fn found_and_replayed(case: &Case) {
    let mut opts: Vec<(&str, &str)> = case.options.to_vec();
    opts.push(("bug", case.bug));
    let s = setup(case.algo, case.nodes, &opts);
    let report = explore(&s, &options(case.budgets.clone(), case.commands));
    let found =
        report.violation.as_ref().unwrap_or_else(|| panic!("{} {}: not found: {report:?}", case.algo, case.bug));
    assert_eq!(report.stop, Stop::Violation);
    assert_eq!(found.property, case.property, "{} {}", case.algo, case.bug);
    assert_eq!(found.actions.len(), case.shortest, "{} {}: {:?}", case.algo, case.bug, found.actions);
    assert_eq!(replay(&s, &report), Some((case.property, found.step)), "{} {}", case.algo, case.bug);
    // The correct protocol, within the same budgets, breaks nothing.
    if case.budgets.depth <= 10 && report.unique < 20_000 {
        let correct = setup(case.algo, case.nodes, case.options);
        let mut b = case.budgets.clone();
        b.depth = case.shortest as u32;
        let report = explore(&correct, &options(b, case.commands));
        assert_eq!(report.violation, None, "{} without a bug", case.algo);
    }
}
