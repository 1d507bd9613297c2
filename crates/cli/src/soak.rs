//! `cli soak`: many seeds × many steps per algorithm under the shared fault
//! driver ([`lab::chaos`]) on a lossy, duplicating network, spread over the
//! cores, reporting violations with a command line that replays each one.
//!
//! Seeds are handed out one at a time from a shared counter to
//! `--threads` workers (`std::thread::scope`); each seed is a pure function
//! of (algorithm, options, seed, steps), so the report does not depend on
//! the thread count and `--from SEED --seeds 1` replays a seed alone. A
//! progress bar (indicatif) is drawn on a terminal only.

use crate::Exit;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use lab::chaos::soak;
use lab::{Algo, Options, ALGOS};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Violations listed per algorithm (all are counted).
pub const SHOWN: usize = 5;

/// The flags of `cli soak`.
#[derive(Debug, Args)]
pub struct SoakArgs {
    /// Algorithm to soak (`cli algos` lists them)
    #[arg(long, value_name = "NAME", value_parser = algo, conflicts_with = "all", required_unless_present = "all")]
    pub algo: Option<Algo>,
    /// Soak every algorithm of the catalog, one after another
    #[arg(long)]
    pub all: bool,
    /// Seeds per algorithm
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub seeds: u64,
    /// First seed
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    pub from: u64,
    /// Events per seed (a run stops earlier at its first violation)
    #[arg(long, value_name = "STEPS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=sim::run::MAX_STEPS))]
    pub steps: u64,
    /// Worker threads [default: the cores available]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// A protocol setting, like `--set bug=stale-read` (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = pair)]
    pub set: Vec<(String, String)>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

fn algo(text: &str) -> Result<Algo, String> {
    text.parse::<Algo>().map_err(|e| e.reason)
}

fn pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_string(), value.trim().to_string())),
        _ => Err(format!("expected NAME=VALUE, like bug=stale-read, got {text:?}")),
    }
}

/// One violation: the seed, and what broke where.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Found {
    pub seed: u64,
    pub property: &'static str,
    pub step: u64,
    pub detail: String,
    /// The command line that reruns this seed alone.
    pub replay: String,
}

/// What a soak of one algorithm found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub algo: &'static str,
    pub seeds: u64,
    pub steps: u64,
    pub events: u64,
    pub violations: u64,
    /// The first [`SHOWN`] by seed.
    pub found: Vec<Found>,
    pub seconds: f64,
    pub events_per_second: f64,
    /// Peak resident memory (VmHWM) during this algorithm's soak, in KiB:
    /// the high-water mark is reset when the soak starts (see
    /// [`reset_peak_memory`]), so with `--all` each algorithm reports its
    /// own peak, not the largest so far. `None` where /proc/self/status
    /// does not say.
    pub peak_memory_kib: Option<u64>,
}

/// VmHWM from /proc/self/status, in KiB.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the process's resident-memory high-water mark (Linux's
/// `/proc/self/clear_refs`, value 5), so that the next [`peak_memory_kib`]
/// reads the peak since now. Where that is not allowed, the peak stays the
/// process's so far.
pub fn reset_peak_memory() {
    // Best effort: an older kernel or a sandbox may refuse, which only makes
    // the reported peak an over-estimate.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn replay_line(algo: Algo, options: &Options, seed: u64, steps: u64) -> String {
    let sets: String = options.iter().map(|(k, v)| format!(" --set {k}={v}")).collect();
    format!("cli soak --algo {algo}{sets} --from {seed} --seeds 1 --steps {steps}")
}

/// Soak `algo` over `args.seeds` seeds.
pub fn soak_algo(algo: Algo, options: &Options, args: &SoakArgs, threads: u32, bar: &ProgressBar) -> Report {
    let next = AtomicU64::new(0);
    let events = AtomicU64::new(0);
    let found: Mutex<Vec<Found>> = Mutex::new(Vec::new());
    reset_peak_memory();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= args.seeds {
                    break;
                }
                let seed = args.from + i;
                let r = soak(algo, options, seed, args.steps).expect("the options were checked");
                events.fetch_add(r.steps, Ordering::Relaxed);
                if let Some((property, step, detail)) = r.violation {
                    let replay = replay_line(algo, options, seed, args.steps);
                    found.lock().expect("no worker panics").push(Found { seed, property, step, detail, replay });
                }
                bar.inc(1);
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let events = events.into_inner();
    let mut found = found.into_inner().expect("no worker panics");
    found.sort_by_key(|f| f.seed);
    let violations = found.len() as u64;
    found.truncate(SHOWN);
    Report {
        algo: algo.name(),
        seeds: args.seeds,
        steps: args.steps,
        events,
        violations,
        found,
        seconds,
        events_per_second: events as f64 / seconds.max(1e-9),
        peak_memory_kib: peak_memory_kib(),
    }
}

/// The report as text, a paragraph per algorithm.
pub fn text(r: &Report) -> String {
    let memory = r.peak_memory_kib.map_or("unknown".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    let mut out = format!(
        "{}: {} seeds × {} steps: {} events, {} violation{}, {:.1} s, {:.2}M events/s, peak memory {memory}\n",
        r.algo,
        r.seeds,
        r.steps,
        r.events,
        r.violations,
        protocol::plural(r.violations),
        r.seconds,
        r.events_per_second / 1e6
    );
    for f in &r.found {
        out +=
            &format!("  seed {}: {} at step {}: {}\n    replay: {}\n", f.seed, f.property, f.step, f.detail, f.replay);
    }
    out
}

/// Run the soak; exit 1 on any violation, 2 on bad options.
pub fn run(args: &SoakArgs) -> Exit {
    let algos: Vec<Algo> = match args.algo {
        Some(a) => vec![a],
        None => ALGOS.iter().map(|i| i.algo).collect(),
    };
    let options: Options = args.set.iter().cloned().collect();
    for &a in &algos {
        if let Err(e) = lab::options::check(a, &options, a.info().default_nodes) {
            eprintln!("error: --set for {a}: {e}");
            return Exit::BadInput;
        }
    }
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get() as u32));
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(args.seeds * algos.len() as u64);
        let style = ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} seeds, {elapsed} (eta {eta})")
            .expect("a valid template")
            .progress_chars("=> ");
        bar.set_style(style);
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut reports = Vec::new();
    for &a in &algos {
        bar.set_message(a.name());
        let r = soak_algo(a, &options, args, threads, &bar);
        if !args.json {
            bar.suspend(|| print!("{}", text(&r)));
        }
        reports.push(r);
    }
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports).expect("a report serializes"));
    }
    if reports.iter().any(|r| r.violations > 0) {
        Exit::Violation
    } else {
        Exit::Ok
    }
}
