//! What the checker's worker does with a [`Request`]: replay the run file
//! to its step, explore from there with the `check` crate, and write the
//! outcome (with the counterexample as a run file) as JSON. Pure, so the
//! host tests compare it with `check` itself; the worker's edge
//! (`host::check_worker`) lends it the progress callback and the memory
//! probe.

use super::check::Request;
use check::{Hooks, Report};
use lab::{Setup, Visit};
use sim::{Run, World};

/// The report of exploring `request`, and the counterexample's run file
/// when a violation was found. An error says why the run cannot be read.
pub fn explore(request: &Request, hooks: &Hooks<'_>) -> Result<(Report, Option<String>, u64), String> {
    let opened = lab::file::open(&request.run).map_err(|e| e.to_string())?;
    let run = opened.run().clone();
    let options = request.options();
    struct Explore<'a, 'h> {
        step: u64,
        options: &'a check::Options,
        hooks: &'a Hooks<'h>,
    }
    impl Visit for Explore<'_, '_> {
        type Out = Report;
        fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> Report
        where
            World<P>: Send + Sync,
        {
            let mut run = Run::<P>::new(setup.sim, config, setup.seed, setup.actions);
            run.seek(self.step);
            let root = run.world().clone().unrecorded();
            let mut report = check::check(&root, self.options, self.hooks);
            // Broken before any choice: the violation is the run's own, at
            // its own step (the checker counts from the root).
            if let (Some(found), Some(first)) = (report.violation.as_mut(), root.first_violation()) {
                if found.actions.is_empty() {
                    found.step = first.step;
                }
            }
            report
        }
    }
    let visitor = Explore { step: run.step, options: &options, hooks };
    let report = lab::with_protocol(&run.setup, visitor).map_err(|e| e.to_string())?;
    let counterexample = report.violation.as_ref().map(|found| {
        let mut setup = run.setup.clone();
        setup.actions.extend(found.actions.iter().cloned());
        lab::file::write_run(&setup, found.step)
    });
    Ok((report, counterexample, run.step))
}

/// The outcome as the panel reads it ([`super::check::Outcome`]) and as
/// `window.clusterscope.check()` resolves: the summary fields of
/// `cli check --json` plus the counterexample.
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
    })
    .to_string()
}
