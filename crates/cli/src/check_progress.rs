//! `cli check`'s live progress line and its summary, as text and JSON.

use crate::check::stop_text;
use check::{Options, Progress, Report, Strategy};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lab::Setup;
use std::time::Duration;

/// A spinner on standard error (only made when it is a terminal).
pub fn bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"));
    bar
}

pub fn show(bar: &ProgressBar, p: Progress, elapsed: Duration, memory_mb: u64) {
    let rate = per_second(p.unique, elapsed);
    bar.set_message(format!(
        "states {}  unique {}  depth {}  {rate:.0} unique/s  memory {memory_mb} MiB",
        p.generated, p.unique, p.depth
    ));
    bar.tick();
}

fn per_second(n: u64, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64().max(1e-9)
}

fn strategy_name(s: Strategy) -> &'static str {
    match s {
        Strategy::Bfs => "bfs",
        Strategy::Dfs => "dfs",
        Strategy::Random { .. } => "random",
    }
}

/// The flags of the `cli run` that replays the counterexample.
fn replay_command(setup: &Setup, step: u64) -> String {
    let mut cmd = format!("cli run --algo {} --nodes {} --seed {}", setup.algo, setup.sim.nodes, setup.seed);
    let [lo, hi] = setup.sim.latency_ms;
    if setup.sim.latency_ms != sim::SimConfig::default().latency_ms {
        cmd += &format!(" --latency {lo}..{hi}");
    }
    cmd += " --drop 0 --dup 0";
    for (k, v) in &setup.options {
        cmd += &format!(" --set {k}={v}");
    }
    cmd + &format!(" --actions ce.json --steps {step}")
}

pub fn summary_text(setup: &Setup, from_step: u64, options: &Options, report: &Report, elapsed: Duration) -> String {
    let b = &options.budgets;
    let mid = if b.crash_mid_step { " (also mid-step)" } else { "" };
    let mut s = format!(
        "check {} on {} nodes: depth <= {}, crashes <= {}{mid}, drops <= {}, dups <= {}, requests <= {} ({}, {} threads)\n",
        setup.algo,
        setup.sim.nodes,
        b.depth,
        b.crashes,
        b.drops,
        b.dups,
        b.requests,
        strategy_name(options.strategy),
        options.threads
    );
    if from_step > 0 || !setup.actions.is_empty() {
        s += &format!("from            the run at step {from_step} ({} actions)\n", setup.actions.len());
    }
    if let Some(r) = &report.symmetry {
        s += &format!("symmetry        on, {} interchangeable nodes {:?}\n", r.interchangeable, r.groups);
    }
    s += &format!("unique states   {}\n", report.unique);
    s += &format!("states          {} generated\n", report.generated);
    s += &format!("depth reached   {}\n", report.depth);
    s += &format!("time            {:.3} s\n", elapsed.as_secs_f64());
    s += &format!("unique/s        {:.0}\n", per_second(report.unique, elapsed));
    s += &format!("stopped         {}\n", stop_text(report.stop, b));
    match &report.violation {
        None => {
            s += "result: no violation within budgets\n";
            if check::waits_for_client(report.idle_root, b) {
                s += &format!(
                    "note: nothing is scheduled at step {from_step}: {} waits for a client, and --requests 0 \
                     allowed none, so no client operation could start; try --requests 1\n",
                    setup.algo
                );
            }
        }
        Some(found) => {
            s += &format!("violation: {} at step {}: {}\n", found.property, found.step, found.detail);
            s += &format!(
                "counterexample ({} actions; save as ce.json and replay with: {}):\n",
                found.actions.len(),
                replay_command(setup, found.step)
            );
            s += &serde_json::to_string_pretty(&found.actions).expect("actions serialize");
            s += "\n";
        }
    }
    s
}

pub fn summary_json(setup: &Setup, from_step: u64, options: &Options, report: &Report, elapsed: Duration) -> String {
    let b = &options.budgets;
    let summary = serde_json::json!({
        "algo": setup.algo.name(),
        "nodes": setup.sim.nodes,
        "seed": setup.seed,
        "options": setup.options,
        "strategy": strategy_name(options.strategy),
        "threads": options.threads,
        "budgets": {
            "depth": b.depth, "crashes": b.crashes, "drops": b.drops, "dups": b.dups,
            "requests": b.requests, "max_states": b.max_states, "memory_cap_mb": b.memory_cap_mb,
            "crash_mid_step": b.crash_mid_step,
        },
        "from_step": from_step,
        "unique": report.unique,
        "generated": report.generated,
        "depth": report.depth,
        "seconds": elapsed.as_secs_f64(),
        "unique_per_second": per_second(report.unique, elapsed),
        "stop": report.stop,
        "violation": report.violation,
        "replay": report.violation.as_ref().map(|f| replay_command(setup, f.step)),
        "symmetry": options.symmetry,
        "interchangeable": report.symmetry.as_ref().map(|r| r.interchangeable),
        "symmetry_groups": report.symmetry.as_ref().map(|r| &r.groups),
        "waits_for_client": check::waits_for_client(report.idle_root, b),
    });
    serde_json::to_string(&summary).expect("the summary serializes")
}
