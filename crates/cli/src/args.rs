//! The command line, and parsing it at the edge into typed values.
//!
//! clap checks the syntax and the ranges it can know on its own (a
//! probability, a latency range); [`RunArgs::setup`] then fills a
//! [`lab::Setup`] from the algorithm's defaults and validates it, so every
//! error names the flag it came from and exits with code 2.

use crate::report::Until;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueHint};
use lab::{Algo, Setup, SetupError};
use protocol::Tick;
use sim::{Export, SimConfig};
use std::fmt;
use std::path::{Path, PathBuf};

/// Steps a run takes when `--steps` is not given.
pub const DEFAULT_STEPS: u64 = 1000;

const ABOUT: &str = "Clusterscope: run distributed algorithms in a deterministic simulator";

const LONG_ABOUT: &str = "\
Clusterscope: run distributed algorithms in a deterministic simulator.

The same simulator runs in the browser app. A run is a pure function of the
algorithm, the world's settings, the seed and the scheduled actions: the same
command line gives the same summary and a byte-identical trace, on every
machine and in the browser.";

const AFTER_HELP: &str = "\
Examples:
  cli run --algo raft --nodes 5 --seed 42 --steps 5000
  cli run --seed 7 --drop 0.05 --dup 0.01 --actions faults.json --trace out.json
  cli algos
  cli bench";

const RUN_LONG_ABOUT: &str = "\
Run a scenario: simulate STEPS events, print a summary, check every safety
property after every step, and optionally write the trace as JSON and the
run for other tools: a ShiViz log (--shiviz), trace-event JSON for Perfetto
(--perfetto), the clients' operations as a Jepsen EDN history (--edn).

Every default is the app's, so a link to the app with the same parameters
shows the same run.";

const RUN_AFTER_SHORT_HELP: &str = "\
Exit status: 0 ok, 1 safety violated, 2 bad input, 3 a scheduled action failed,
4 writing the trace or an export failed. '--help' shows the actions format and examples.";

const RUN_AFTER_HELP: &str = "\
Actions file: a JSON array of actions, each applied when the world has
processed exactly `step` events, e.g.
  [{\"step\":120,\"do\":\"crash\",\"node\":2},
   {\"step\":300,\"do\":\"restart\",\"node\":2},
   {\"step\":400,\"do\":\"partition\",\"groups\":[[0,1],[2,3,4]]},
   {\"step\":600,\"do\":\"heal\"},
   {\"step\":50,\"do\":\"request\",\"node\":0,\"cmd\":\"x=1\"}]
Verbs: crash, restart, pause (optional \"for\" ms), resume, drift (\"rate\"),
partition, heal, cut/uncut (one way, \"from\"/\"to\"), drop, duplicate,
delay (\"msg\", \"by\" ms), request, deliver (\"msg\" next, out of time order),
fire (\"node\", \"timer\" next). The README documents each one and the trace format.

Exit status:
  0  the run finished, every safety property held, every action applied
  1  a safety property was violated (stderr: violation: PROPERTY at step N: ...)
  2  bad input: a flag, the actions file, an unwritable trace or export path,
     two outputs to '-', --edn for an algorithm without clients
  3  safety held but a scheduled action failed (stderr: actions[i] at step N: ...)
  4  writing the trace or an export failed part way

Examples:
  cli run --algo raft --nodes 5 --seed 42 --steps 5000
  cli run --seed 42 --steps 5000 --drop 0.05 --dup 0.01 --latency 10..40 \\
          --actions actions.json --trace out.json
  cli run --seed 3 --steps 2000 --trace - | jq '.steps[-1].nodes'
  cli run --seed 7 --actions actions.json --shiviz run.log --perfetto run.json --edn history.edn
  cli run --set election_timeout_ms=300..600 --set heartbeat_ms=100";

/// The `cli` command line.
#[derive(Debug, Parser)]
#[command(name = "cli", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
#[command(propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario, print a summary, check safety, write the trace
    #[command(long_about = RUN_LONG_ABOUT, after_help = RUN_AFTER_SHORT_HELP, after_long_help = RUN_AFTER_HELP)]
    Run(RunArgs),
    /// List the algorithms with their cluster sizes and safety properties
    Algos,
    /// Measure simulator speed in events per second (a quick look; `cargo bench -p cli` for criterion)
    Bench(BenchArgs),
    /// Measure a consistent-hash ring: keys moved by adding or removing nodes, load per node,
    /// against hash mod N and rendezvous hashing
    Ring(crate::ring::RingArgs),
    /// Soak: many seeds × steps per algorithm under every fault its model allows, spread over
    /// the cores; violations with a replay command line (exit 1 on any)
    Soak(crate::soak::SoakArgs),
    /// Model-check: explore every interleaving of a small world within budgets
    #[command(after_help = crate::check::CHECK_AFTER_HELP)]
    Check(crate::check::CheckArgs),
}

/// The flags of `cli run`. Optional ones default to the algorithm's and the
/// simulator's defaults ([`lab::Setup::new`], [`sim::SimConfig::default`]).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Algorithm to run (`cli algos` lists them)
    #[arg(long, value_name = "NAME", default_value = "raft", value_parser = algo_parser())]
    pub algo: Algo,

    #[arg(long, value_name = "N", help = nodes_help(), allow_negative_numbers = true)]
    pub nodes: Option<u32>,

    /// Seed of the simulator's random stream (latency, loss, duplication, timeouts)
    #[arg(long, value_name = "SEED", default_value_t = Setup::default().seed, allow_negative_numbers = true)]
    pub seed: u64,

    /// Events to process; the run stops earlier only if nothing is left to happen
    /// [default: 1000, or the step a --run-file shows]
    #[arg(long, value_name = "STEPS", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(0..=sim::run::MAX_STEPS))]
    pub steps: Option<u64>,

    /// Probability that the network loses a message, in [0, 1]
    #[arg(long, value_name = "P", default_value_t = SimConfig::default().drop, value_parser = probability,
          allow_negative_numbers = true)]
    pub drop: f64,

    /// Probability that the network delivers a message twice, in [0, 1]
    #[arg(long, value_name = "P", default_value_t = SimConfig::default().dup, value_parser = probability,
          allow_negative_numbers = true)]
    pub dup: f64,

    /// Channel semantics: reliable (TCP-like: FIFO per link, no loss or duplication, retransmission
    /// across cuts), lossy (UDP-like, the default: --drop and --dup as given, a cut link loses) or
    /// at-least-once (a message queue: what is lost is redelivered later; duplicates still happen)
    #[arg(long, value_name = "MODE", default_value_t = SimConfig::default().network, value_parser = network)]
    pub network: sim::Network,

    /// One-way message latency in ms, drawn uniformly from MIN..=MAX (a single number for a fixed latency)
    #[arg(long, value_name = "MIN..MAX", default_value_t = Latency(SimConfig::default().latency_ms),
          value_parser = latency)]
    pub latency: Latency,

    /// A protocol setting, like `--set heartbeat_ms=30` (repeatable; `cli algos` lists each algorithm's)
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = option_pair)]
    pub set: Vec<(String, String)>,

    /// JSON file of scheduled actions (`-` reads standard input)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub actions: Option<PathBuf>,

    /// Run the run file the app's "save run" wrote, or the inputs of a trace, up to its step
    /// (`-` reads standard input); the flags that describe a run cannot be given with it
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath,
          conflicts_with_all = ["algo", "nodes", "seed", "drop", "dup", "network", "latency", "set", "actions"])]
    pub run_file: Option<PathBuf>,

    /// Write the trace JSON here (`-` for standard output; the summary then goes to standard error)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub trace: Option<PathBuf>,

    /// Write a ShiViz log here: events with vector clocks (`-` for standard output)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub shiviz: Option<PathBuf>,

    /// Write Chrome trace-event JSON here, for ui.perfetto.dev or chrome://tracing (`-` for standard output)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub perfetto: Option<PathBuf>,

    /// Write the clients' operations as a Jepsen EDN history here, for Knossos or Elle (`-` for standard output)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub edn: Option<PathBuf>,
}

/// A file a run writes: the trace or an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Trace,
    Export(Export),
}

impl Output {
    pub const ALL: [Output; 4] =
        [Output::Trace, Output::Export(Export::ShiViz), Output::Export(Export::Perfetto), Output::Export(Export::Edn)];

    /// The flag that names its file: `--trace`.
    pub fn flag(self) -> &'static str {
        match self {
            Output::Trace => "--trace",
            Output::Export(Export::ShiViz) => "--shiviz",
            Output::Export(Export::Perfetto) => "--perfetto",
            Output::Export(Export::Edn) => "--edn",
        }
    }

    /// What the summary calls it: `trace`, `shiviz`.
    pub fn name(self) -> &'static str {
        match self {
            Output::Trace => "trace",
            Output::Export(export) => export.name(),
        }
    }
}

/// The flags of `cli bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Cluster sizes to measure
    #[arg(long, value_name = "N", num_args = 1.., default_values_t = [5u32, 9])]
    pub nodes: Vec<u32>,

    /// Events to process per cluster size, in one run (logs grow all along)
    #[arg(long, value_name = "STEPS", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u64).range(1..=50_000_000))]
    pub steps: u64,

    /// Events in the first and last windows whose speeds are compared
    #[arg(long, value_name = "STEPS", default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..=50_000_000))]
    pub window: u64,

    /// Seed of the run
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    pub seed: u64,
}

/// A latency range in ms, shown and parsed as `MIN..MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency(pub [Tick; 2]);

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.0[0], self.0[1])
    }
}

/// "Number of nodes [default: the algorithm's: raft 5 (1..=9)]", from the catalog.
pub(crate) fn nodes_help() -> String {
    let sizes: Vec<String> = lab::ALGOS
        .iter()
        .map(|i| format!("{} {} ({}..={})", i.name, i.default_nodes, i.min_nodes, i.max_nodes))
        .collect();
    format!("Number of nodes [default: the algorithm's: {}]", sizes.join(", "))
}

pub(crate) fn algo_parser() -> impl TypedValueParser<Value = Algo> {
    PossibleValuesParser::new(lab::ALGOS.iter().map(|info| info.name))
        .map(|name| name.parse::<Algo>().expect("every listed name parses"))
}

fn network(text: &str) -> Result<sim::Network, String> {
    text.parse()
}

fn probability(text: &str) -> Result<f64, String> {
    let p: f64 = text.trim().parse().map_err(|_| format!("expected a probability in [0, 1], got {text:?}"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("must be a probability in [0, 1], got {p}"))
    }
}

/// `NAME=VALUE`; the value is checked against the algorithm's options when
/// the setup is validated.
pub(crate) fn option_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_string(), value.trim().to_string())),
        _ => Err(format!("expected NAME=VALUE, like heartbeat_ms=30, got {text:?}")),
    }
}

/// Parse with the simulator's own parser, then check the range the same way
/// the simulator does, so clap names `--latency` in the message.
pub(crate) fn latency(text: &str) -> Result<Latency, String> {
    let latency_ms = sim::parse_latency(text).map_err(|e| e.reason)?;
    SimConfig { latency_ms, ..SimConfig::default() }.validate(protocol::MAX_NODES).map_err(|e| e.reason)?;
    Ok(Latency(latency_ms))
}

/// A flag whose value cannot be used. Shown as
/// `error: invalid value for '--nodes': must be between 1 and 9, got 1000`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub flag: &'static str,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid value for '{}': {}", self.flag, self.message)
    }
}

impl std::error::Error for InputError {}

impl InputError {
    pub fn new(flag: &'static str, message: impl Into<String>) -> Self {
        Self { flag, message: message.into() }
    }

    /// The flag a setup field comes from.
    pub(crate) fn from_setup(e: SetupError) -> Self {
        let flag = match e.field {
            "algo" => "--algo",
            "nodes" => "--nodes",
            "seed" => "--seed",
            "drop" => "--drop",
            "dup" => "--dup",
            "network" => "--network",
            "latency" => "--latency",
            "actions" => "--actions",
            // Everything else is about a protocol option: "options" for an
            // unknown name, the option's own name for a bad value.
            "options" => return Self::new("--set", e.reason),
            option => return Self::new("--set", format!("{option}: {}", e.reason)),
        };
        Self::new(flag, e.reason)
    }
}

impl RunArgs {
    /// The run these flags describe and where it stops: the run file's run
    /// and step, or the algorithm's defaults overridden by the flags.
    pub fn input(&self) -> Result<(Setup, Until), InputError> {
        let (setup, file_step) = match &self.run_file {
            Some(path) => {
                let text = read_input(path).map_err(|e| InputError::new("--run-file", e))?;
                let run = lab::file::open(&text)
                    .map_err(|e| InputError::new("--run-file", format!("{}: {e}", path.display())))?;
                let run = run.run().clone();
                (run.setup, Some(run.step))
            }
            None => (self.setup()?, None),
        };
        let until = match (self.steps, file_step) {
            (Some(n), _) => Until::Steps(n),
            (None, Some(n)) => Until::Shown(n),
            (None, None) => Until::Steps(DEFAULT_STEPS),
        };
        let steps = until.steps();
        let outputs = self.outputs();
        if let Some((output, _)) = outputs.first().filter(|_| steps > sim::trace::MAX_TRACE_STEPS) {
            let what = if *output == Output::Trace { "a trace" } else { "an export" };
            return Err(InputError::new(
                "--steps",
                format!("{what} holds at most {} steps, got {}", sim::trace::MAX_TRACE_STEPS, steps),
            ));
        }
        let mut stdout = outputs.iter().filter(|(_, path)| *path == Path::new("-")).map(|(output, _)| output.flag());
        if let (Some(first), Some(second)) = (stdout.next(), stdout.next()) {
            return Err(InputError::new(
                second,
                format!("only one output can go to standard output ('-'), and {first} already does"),
            ));
        }
        Ok((setup, until))
    }

    /// The run the flags describe: the algorithm's defaults, overridden
    /// by the flags, with the actions file read and checked.
    pub fn setup(&self) -> Result<Setup, InputError> {
        let mut setup = Setup::new(self.algo);
        if let Some(nodes) = self.nodes {
            setup.sim.nodes = nodes;
        }
        setup.seed = self.seed;
        setup.sim.drop = self.drop;
        setup.sim.dup = self.dup;
        setup.sim.network = self.network;
        setup.sim.latency_ms = self.latency.0;
        // A later --set of the same name wins, as a later parameter does in a link.
        setup.options.extend(self.set.iter().cloned());
        // The cluster size first: the actions are checked against it.
        setup.validate().map_err(InputError::from_setup)?;
        if let Some(path) = &self.actions {
            let json = read_input(path).map_err(|e| InputError::new("--actions", e))?;
            setup.actions = sim::parse_actions(&json, setup.sim.nodes)
                .map_err(|e| InputError::new("--actions", format!("{}: {e}", path.display())))?;
        }
        setup.validate().map_err(InputError::from_setup)?;
        Ok(setup)
    }

    /// The files the run writes, with their paths, in the order of
    /// [`Output::ALL`].
    pub fn outputs(&self) -> Vec<(Output, &Path)> {
        let paths = [&self.trace, &self.shiviz, &self.perfetto, &self.edn];
        Output::ALL.into_iter().zip(paths).filter_map(|(output, path)| Some((output, path.as_deref()?))).collect()
    }
}

/// Read a file, or standard input for `-`; the error names the path.
pub(crate) fn read_input(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_are_the_apps() {
        let cli = Cli::try_parse_from(["cli", "run"]).unwrap();
        let Command::Run(args) = cli.command else { panic!("not run") };
        assert_eq!(args.setup().unwrap(), Setup::default());
        assert_eq!(args.input().unwrap().1, Until::Steps(DEFAULT_STEPS));
    }

    #[test]
    fn flags_override_defaults() {
        let cli = Cli::try_parse_from([
            "cli",
            "run",
            "--nodes",
            "7",
            "--seed",
            "42",
            "--drop",
            "0.05",
            "--dup",
            "0.01",
            "--latency",
            "5..20",
            "--network",
            "at-least-once",
        ])
        .unwrap();
        let Command::Run(args) = cli.command else { panic!("not run") };
        let setup = args.setup().unwrap();
        assert_eq!(
            setup.sim,
            SimConfig { nodes: 7, latency_ms: [5, 20], drop: 0.05, dup: 0.01, network: sim::Network::AtLeastOnce }
        );
        let err = Cli::try_parse_from(["cli", "run", "--network", "tcp"]).unwrap_err().to_string();
        assert!(err.contains("--network") && err.contains("reliable, lossy, at-least-once"), "{err}");
        assert_eq!(setup.seed, 42);
    }

    #[test]
    fn range_errors_name_the_flag() {
        let err = Cli::try_parse_from(["cli", "run", "--latency", "0..10"]).unwrap_err().to_string();
        assert!(err.contains("'--latency <MIN..MAX>'") && err.contains("1 <= MIN <= MAX"), "{err}");
        let err = Cli::try_parse_from(["cli", "run", "--dup", "-0.5"]).unwrap_err().to_string();
        assert!(err.contains("--dup"), "{err}");
        let cli = Cli::try_parse_from(["cli", "run", "--nodes", "0"]).unwrap();
        let Command::Run(args) = cli.command else { panic!("not run") };
        assert_eq!(args.setup().unwrap_err().flag, "--nodes");
    }
}
