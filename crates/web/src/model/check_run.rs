//! What the checker's worker does with a [`Request`]: replay the run file
//! to its step, explore from there ([`lab::explore`], which `cli check
//! --from` shares), and write the outcome (with the counterexample as a run
//! file) as JSON. Pure, so the host tests compare it with `check` itself;
//! the worker's edge (`host::check_worker`) lends it the progress callback
//! and the memory probe.

use super::check::Request;
use check::{Hooks, Report};

/// The report of exploring `request`, and the counterexample's run file
/// when a violation was found. An error says why the run cannot be read.
pub fn explore(request: &Request, hooks: &Hooks<'_>) -> Result<(Report, Option<String>, u64), String> {
    let opened = lab::file::open(&request.run).map_err(|e| e.to_string())?;
    let run = opened.run();
    let explored =
        lab::explore::check_run(&run.setup, run.step, &request.options(), hooks).map_err(|e| e.to_string())?;
    let counterexample = explored.counterexample().map(|actions| {
        let step = explored.report.violation.as_ref().map_or(0, |f| f.step);
        lab::file::write_run(&lab::Setup { actions, ..run.setup.clone() }, step)
    });
    Ok((explored.report, counterexample, run.step))
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
        "symmetry": report.symmetry.is_some(),
        "interchangeable": report.symmetry.as_ref().map(|r| r.interchangeable),
        "symmetry_groups": report.symmetry.as_ref().map(|r| &r.groups),
    })
    .to_string()
}
