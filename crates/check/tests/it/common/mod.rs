//! Shared by the checker's tests: open a world of any algorithm through
//! the lab's catalog, check it, and replay a counterexample the way
//! `cli run --actions` does.

#![allow(dead_code)]

pub mod bugs;
pub mod from_run;

use check::{Budgets, Hooks, Options, Report, Strategy};
use lab::{Algo, Setup, Visit};
use sim::{Network, World};

/// A setup for the checker: `algo` on `nodes` nodes with `options`, on a
/// network that neither loses nor duplicates by chance.
pub fn setup(algo: &str, nodes: u32, options: &[(&str, &str)]) -> Setup {
    let mut setup = Setup::new(algo.parse::<Algo>().unwrap());
    setup.sim.nodes = nodes;
    setup.sim.drop = 0.0;
    setup.sim.dup = 0.0;
    setup.sim.network = Network::Lossy;
    for (k, v) in options {
        setup.options.insert(k.to_string(), v.to_string());
    }
    setup
}

struct Explore<'a>(&'a Options, &'a Hooks<'a>);

impl Visit for Explore<'_> {
    type Out = Report;
    fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> Report
    where
        World<P>: Send + Sync,
    {
        let world = World::<P>::new(setup.sim, config, setup.seed).unrecorded();
        check::check(&world, self.0, self.1)
    }
}

pub fn explore(setup: &Setup, options: &Options) -> Report {
    explore_with(setup, options, &Hooks::default())
}

/// As [`explore`], lending the checker `hooks`.
pub fn explore_with(setup: &Setup, options: &Options, hooks: &Hooks<'_>) -> Report {
    lab::with_protocol(setup, Explore(options, hooks)).unwrap()
}

pub fn options(budgets: Budgets, commands: &[&str]) -> Options {
    Options {
        budgets,
        strategy: Strategy::Bfs,
        threads: 1,
        commands: commands.iter().map(|c| c.to_string()).collect(),
        symmetry: false,
    }
}

/// Replay the report's counterexample through an ordinary run: its
/// first violation, as (property, step), after `step` steps.
pub fn replay(setup: &Setup, report: &Report) -> Option<(&'static str, u64)> {
    let found = report.violation.as_ref().expect("a violation");
    // Through the JSON a user would save and load.
    let json = serde_json::to_string(&found.actions).unwrap();
    let mut setup = setup.clone();
    setup.actions = sim::parse_actions(&json, setup.sim.nodes).unwrap();
    let mut run = lab::open(&setup).unwrap();
    run.seek(found.step);
    assert_eq!(run.steps(), found.step, "the replay reaches the violation's step");
    assert!(run.action_errors().is_empty(), "every choice applies on replay: {:?}", run.action_errors());
    run.first_violation().map(|v| (v.property, v.step))
}
