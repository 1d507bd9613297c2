//! Clusterscope on the command line: the same simulator the browser app
//! runs, for long runs, trace exports and quick speed checks.
//!
//! The binary `cli` has five subcommands:
//!
//! 1. `cli run --algo raft --nodes 5 --seed 42 --steps 5000 [--drop P] [--dup P]
//!    [--latency MIN..MAX] [--actions FILE] [--trace FILE] [--shiviz FILE]
//!    [--perfetto FILE] [--edn FILE]` parses its flags
//!    at the edge into a [`lab::Setup`] ([`args::RunArgs::setup`]), opens a
//!    [`sim::Session`] with [`lab::open`], steps it ([`report::Tally::run`]),
//!    writes the trace with [`sim::Session::write_trace`] (the bytes the app's
//!    `traceText()` gives for the same inputs) and the exports with
//!    [`sim::Session::write_export`], prints a summary
//!    ([`report::summary`]) and exits with a code that says whether safety
//!    held and every scheduled action applied ([`report::Verdict`], [`Exit`]).
//! 2. `cli algos` lists the algorithms, their cluster sizes and the safety
//!    properties checked after every step.
//! 3. `cli bench` runs the benchmark scenario ([`scenario`]) and prints
//!    events per second, without criterion (`cargo bench -p cli` measures the
//!    same scenario with criterion).
//! 4. `cli ring --nodes 10 --vnodes 100 --replicas 1 --keys 100000 --seed 1
//!    --add 1 [--remove ID] [--json]` prints [`::ring::report`]: the keys a
//!    membership change moves and the load per node, for consistent hashing,
//!    `hash mod N` and rendezvous hashing ([`ring`]).
//! 5. `cli soak [--algo A|--all] [--seeds N] [--from SEED] [--steps N]
//!    [--threads N] [--set k=v] [--json]` runs seeds × steps under the
//!    shared fault driver ([`lab::chaos`]) over the cores and reports
//!    violations with replay command lines ([`soak`]).

pub mod args;
pub mod check;
pub mod check_progress;
pub mod report;
pub mod ring;
pub mod soak;

/// The benchmark scenario, shared with the app's simulator benchmark.
pub use lab::scenario;

use std::process::ExitCode;

/// The process exit codes. Scripts depend on them; the README lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The run finished, every safety property held and every scheduled
    /// action applied.
    Ok = 0,
    /// A safety property was violated (stderr names it and the step).
    Violation = 1,
    /// Bad input: a flag, the actions file, an unwritable trace or export
    /// path, two outputs to `-`, `--edn` for an algorithm without clients.
    /// clap's own usage errors use 2 as well.
    BadInput = 2,
    /// Safety held, but a scheduled action could not be applied when its
    /// step came (stderr names it: `actions[3] at step 80: ...`).
    ActionFailed = 3,
    /// Writing the trace or an export failed part way (disk full, closed pipe).
    Io = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}
