//! Model checking from where a run is: the checker (crate `check`)
//! explores every choice from a run's world at one of its steps. `cli
//! check` (from a fresh world, or `--from RUN.json`) and the app's check
//! panel both come here, so they explore the same states.
//!
//! 1. [`root_setup`] puts the run on the checker's network (no chance
//!    drops or duplicates: the checker makes those choices) and keeps the
//!    actions up to the step.
//! 2. [`check_run`] replays it to the step and explores from there.
//! 3. A counterexample is [`Explored::counterexample`]: the run's own
//!    actions followed by the choices found, which replays from the fresh
//!    world (`cli run --actions`, the app's `&actions=`).
//!
//! The app's checker runs in a Web Worker on a module of its own (crate
//! `checker`): the page sends it a [`Request`] as JSON, the worker
//! [`explore`]s it and answers with [`outcome_json`].

use crate::{Setup, SetupError, Visit};
use check::{Hooks, Options, Report};
use serde::{Deserialize, Serialize};
use sim::{Run, Scheduled, World};

/// What the app's checker worker is asked: the run to start from (a run
/// file: setup, actions and step) and the budgets, checked by the page's
/// panel before they are sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub run: String,
    pub depth: u32,
    pub crashes: u32,
    pub drops: u32,
    pub dups: u32,
    pub requests: u32,
    pub max_states: u64,
    pub memory_mb: Option<u64>,
    pub strategy: String,
    pub walks: u64,
    pub walk_seed: u64,
    pub commands: Vec<String>,
    /// Also crash a node in the middle of a step ([`check::Budgets::crash_mid_step`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub crash_mid_step: bool,
    /// Symmetry reduction ([`check::Options::symmetry`]); an error for an
    /// algorithm without interchangeable nodes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub symmetry: bool,
    /// Test hook (`window.clusterscope.__checkPanicForTest()`): the worker
    /// panics, to show the error in the panel.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub panic_for_test: bool,
}

impl Request {
    /// The checker's options (one thread: a worker is one thread).
    pub fn options(&self) -> Options {
        // The panel accepted only a known name.
        let strategy =
            check::Strategy::named(&self.strategy, self.walk_seed, self.walks).unwrap_or(check::Strategy::Bfs);
        Options {
            budgets: check::Budgets {
                depth: self.depth,
                crashes: self.crashes,
                drops: self.drops,
                dups: self.dups,
                requests: self.requests,
                max_states: self.max_states,
                memory_cap_mb: self.memory_mb,
                crash_mid_step: self.crash_mid_step,
            },
            strategy,
            threads: 1,
            commands: self.commands.clone(),
            symmetry: self.symmetry,
        }
    }
}

/// The report of exploring `request`, the counterexample's run file when
/// a violation was found, and the step explored from. An error says why
/// the run cannot be read or checked.
pub fn explore(request: &Request, hooks: &Hooks<'_>) -> Result<(Report, Option<String>, u64), String> {
    let opened = crate::file::open(&request.run).map_err(|e| e.to_string())?;
    let run = opened.run();
    let explored = check_run(&run.setup, run.step, &request.options(), hooks).map_err(|e| e.to_string())?;
    let counterexample = explored.counterexample().map(|actions| {
        let step = explored.report.violation.as_ref().map_or(0, |f| f.step);
        crate::file::write_run(&Setup { actions, ..run.setup.clone() }, step)
    });
    Ok((explored.report, counterexample, run.step))
}

/// The outcome as the app's panel reads it and as
/// `window.clusterscope.check()` resolves: the summary fields of `cli
/// check --json` plus the counterexample, the step explored from, the time
/// and the worker's memory.
pub fn outcome_json(
    report: &Report,
    counterexample: Option<String>,
    from_step: u64,
    seconds: f64,
    memory_mb: f64,
) -> String {
    let per_second = if seconds > 0.0 { report.unique as f64 / seconds } else { 0.0 };
    serde_json::json!({
        "unique": report.unique,
        "generated": report.generated,
        "depth": report.depth,
        "stop": report.stop,
        "violation": report.violation,
        "counterexample": counterexample,
        "from_step": from_step,
        "seconds": seconds,
        "unique_per_second": per_second,
        "memory_mb": memory_mb,
        "symmetry": report.symmetry.is_some(),
        "interchangeable": report.symmetry.as_ref().map(|r| r.interchangeable),
        "symmetry_groups": report.symmetry.as_ref().map(|r| &r.groups),
        "idle_root": report.idle_root,
    })
    .to_string()
}

/// The world the checker starts from: `setup`'s run, on a network that
/// neither loses nor duplicates by chance, with the actions up to `step`
/// (those after it are not the run's yet). Says what was changed about the
/// network, if anything.
pub fn root_setup(setup: &Setup, step: u64) -> (Setup, Option<String>) {
    let mut root = setup.clone();
    root.actions.retain(|a| a.step <= step);
    let sim = &setup.sim;
    let changed = root.for_checking();
    let note = changed.then(|| {
        let chance: Vec<String> = [(sim.drop, "drops"), (sim.dup, "duplicates")]
            .into_iter()
            .filter(|(p, _)| *p > 0.0)
            .map(|(p, what)| format!("{}% chance {what}", p * 100.0))
            .collect();
        let with = if chance.is_empty() { String::new() } else { format!(" with {}", chance.join(" and ")) };
        format!(
            "Explored on a lossy network with no chance drops or duplicates (the checker chooses them), \
             not the run's {} network{with}: the counterexample opens on the checker's network.",
            sim.network.name()
        )
    });
    (root, note)
}

/// What [`check_run`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Explored {
    pub report: Report,
    /// The step the exploration started from (the run's, or less when the
    /// run ends before it).
    pub from_step: u64,
    /// The run's actions (up to the step explored from), for
    /// [`Explored::counterexample`].
    pub prefix: Vec<Scheduled>,
}

impl Explored {
    /// The violation's actions from the fresh world: the run's own, then
    /// the choices found. `None` without a violation.
    pub fn counterexample(&self) -> Option<Vec<Scheduled>> {
        let found = self.report.violation.as_ref()?;
        Some(self.prefix.iter().chain(&found.actions).cloned().collect())
    }
}

/// Replay `setup` (from [`root_setup`]) to `step` and explore from there
/// as `options` say. A violation's `step` counts from the fresh world, and
/// one the run already shows at the start is the run's own, at its step.
pub fn check_run(setup: &Setup, step: u64, options: &Options, hooks: &Hooks<'_>) -> Result<Explored, SetupError> {
    struct Explore<'a, 'h> {
        step: u64,
        options: &'a Options,
        hooks: &'a Hooks<'h>,
    }
    impl Visit for Explore<'_, '_> {
        type Out = Result<(Report, u64), SetupError>;
        fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> Self::Out
        where
            World<P>: Send + Sync,
        {
            let mut run = Run::<P>::new(setup.sim, config, setup.seed, setup.actions);
            run.seek(self.step);
            let root = run.world().clone().unrecorded();
            if self.options.symmetry {
                check::reduction(&root).map_err(|e| SetupError::new("symmetry", e.to_string()))?;
            }
            let mut report = check::check(&root, self.options, self.hooks);
            // Broken before any choice: the violation is the run's own, at
            // its own step (the checker counts from the root).
            if let (Some(found), Some(first)) = (report.violation.as_mut(), root.first_violation()) {
                if found.actions.is_empty() {
                    found.step = first.step;
                }
            }
            Ok((report, root.steps()))
        }
    }
    let (report, from_step) = crate::with_protocol(setup, Explore { step, options, hooks })??;
    let prefix = setup.actions.iter().filter(|a| a.step <= from_step).cloned().collect();
    Ok(Explored { report, from_step, prefix })
}
