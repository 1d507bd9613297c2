//! `cli check`: explore every interleaving of a small world within budgets
//! (crate `check`), print what was explored and either "no violation
//! within budgets" or the violated property with a counterexample as the
//! actions JSON that `cli run --actions` and the app's `&actions=` replay.

use crate::args::{algo_parser, latency, nodes_help, option_pair, InputError, Latency};
use crate::Exit;
use check::{Budgets, Hooks, Options, Progress, Report, Stop, Strategy};
use clap::builder::PossibleValuesParser;
use clap::Args;
use lab::{Algo, Setup, Visit};
use sim::{SimConfig, World};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub const CHECK_AFTER_HELP: &str = "\
Every choice the world can make is explored: which message in flight is
delivered next, which armed timer fires, dropping or duplicating a message,
crashing an up node or restarting a crashed one, client requests (each
--cmd to each up node), within the budgets. Breadth-first by default, so a
counterexample is a shortest one. Depth counts choices, one action each.

With --crash-mid-step, a node may also crash in the middle of a step: when
a delivery, timer or request makes it produce n >= 2 commands (persist,
send, set a timer...), it may carry out only the first k, 0 < k < n, and
crash. The counterexample records this as {\"do\":\"crash-mid-step\",
\"node\":N,\"after\":k} before the delivery, at the same step; it spends one
of --crashes and, with the step it cuts short, one choice of --depth.

With --from RUN.json (a run file, as the app's File menu saves it), the
search starts from that run at its step instead of a fresh world (on a
network without chance drops or duplicates, as always). The counterexample
printed, in --json and in --out is then the run file's own actions followed
by the choices found, so it replays from the fresh world like any other.

Exit status: 0 no violation within budgets, 1 a safety property was violated
(the counterexample is printed), 2 bad flags (--symmetry for an algorithm
without interchangeable nodes is one).

--symmetry merges states that differ only by a renaming of interchangeable
nodes (paxos: the nodes that do not propose; 2pc and 3pc: the participants
that vote alike; abd: the servers), so unique states count states up to that renaming; the
summary names the groups. The explored runs stay real: a counterexample
replays as it is, and breadth-first search still finds a shortest one.

Examples:
  cli check --algo paxos --nodes 3 --depth 30 --crashes 1 --drops 2 --requests 2
  cli check --algo raft --nodes 3 --set bug=forget-vote --depth 12 --crashes 1 --out ce.json
  cli run --algo raft --nodes 3 --set bug=forget-vote --actions ce.json --steps STEP
  cli check --algo raft --nodes 3 --set bug=vote-before-persist --depth 9 --crashes 1 --crash-mid-step
  cli check --from run.json --depth 8 --crashes 1
  cli check --algo 2pc --nodes 4 --requests 1 --depth 10 --symmetry";

/// The flags of `cli check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Algorithm to check (`cli algos` lists them)
    #[arg(long, value_name = "NAME", default_value = "raft", value_parser = algo_parser())]
    pub algo: Algo,

    #[arg(long, value_name = "N", help = nodes_help(), allow_negative_numbers = true)]
    pub nodes: Option<u32>,

    /// Seed of the simulator's stream (latencies and timer delays: the clock, not the choices)
    #[arg(long, value_name = "SEED", default_value_t = 1, allow_negative_numbers = true)]
    pub seed: u64,

    /// A protocol setting, like `--set bug=forget-vote` (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = option_pair)]
    pub set: Vec<(String, String)>,

    /// One-way message latency in ms (decides only the clock the nodes read)
    #[arg(long, value_name = "MIN..MAX", default_value_t = Latency(SimConfig::default().latency_ms),
          value_parser = latency)]
    pub latency: Latency,

    /// Most choices in a path
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub depth: u32,

    /// Crashes per path (restarting a crashed node is always a choice)
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub crashes: u32,

    /// Messages dropped per path
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub drops: u32,

    /// Messages duplicated per path
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub dups: u32,

    /// Client requests per path (each --cmd to each up node)
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub requests: u32,

    /// A client command a request may carry (repeatable) [default: x=1]
    #[arg(long = "cmd", value_name = "CMD")]
    pub cmds: Vec<String>,

    /// Stop after this many unique states (random: generated states)
    #[arg(long, value_name = "N", default_value_t = 10_000_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_states: u64,

    /// Stop cleanly when the process's resident memory exceeds this many MiB
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(1..))]
    pub memory_cap: Option<u64>,

    /// Search order: bfs (shortest counterexample), dfs, random (deep walks)
    #[arg(long, value_name = "ORDER", default_value = "bfs",
          value_parser = PossibleValuesParser::new(Strategy::NAMES))]
    pub strategy: String,

    /// Random walks to take (--strategy random)
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub walks: u64,

    /// Seed of the random walks (--strategy random)
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    pub walk_seed: u64,

    /// Threads for bfs [default: the available cores]; results do not depend on it
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,

    /// Print the summary as one JSON object on standard output
    #[arg(long)]
    pub json: bool,

    /// Write the counterexample's actions JSON here (when a violation is found)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Also crash a node in the middle of a step, after some of the commands it produced (one of --crashes each)
    #[arg(long)]
    pub crash_mid_step: bool,

    /// Explore from the run in this run file, at its step (`-` reads standard input); the flags that
    /// describe a world cannot be given with it
    #[arg(long, value_name = "RUN.json", conflicts_with_all = ["algo", "nodes", "seed", "set", "latency"])]
    pub from: Option<PathBuf>,

    /// Merge states that are renamings of each other over interchangeable
    /// nodes (symmetry reduction: paxos's non-proposers, 2pc/3pc's
    /// participants, abd's servers); an error for an algorithm without them
    #[arg(long)]
    pub symmetry: bool,
}

impl CheckArgs {
    /// The world to explore and the step to explore from: `--from`'s run at
    /// its step, or a fresh world. Says what was changed about the run's
    /// network, if anything.
    pub fn root(&self) -> Result<(Setup, u64, Option<String>), InputError> {
        let Some(path) = &self.from else {
            return Ok((self.setup()?, 0, None));
        };
        let text = crate::args::read_input(path).map_err(|e| InputError::new("--from", e))?;
        let opened =
            lab::file::open(&text).map_err(|e| InputError::new("--from", format!("{}: {e}", path.display())))?;
        let run = opened.run();
        let (setup, note) = lab::explore::root_setup(&run.setup, run.step);
        setup.validate().map_err(InputError::from_setup)?;
        Ok((setup, run.step, note))
    }

    /// The world to explore: the run's defaults, on a network that neither
    /// loses nor duplicates by chance (the checker makes those choices).
    pub fn setup(&self) -> Result<Setup, InputError> {
        let mut setup = Setup::new(self.algo);
        if let Some(nodes) = self.nodes {
            setup.sim.nodes = nodes;
        }
        setup.seed = self.seed;
        setup.for_checking();
        setup.sim.latency_ms = self.latency.0;
        setup.options.extend(self.set.iter().cloned());
        setup.validate().map_err(InputError::from_setup)?;
        Ok(setup)
    }

    pub fn options(&self) -> Options {
        let strategy = Strategy::named(&self.strategy, self.walk_seed, self.walks).expect("clap checked the name");
        let threads =
            self.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize);
        let commands = if self.cmds.is_empty() { vec!["x=1".to_string()] } else { self.cmds.clone() };
        Options {
            budgets: Budgets {
                depth: self.depth,
                crashes: self.crashes,
                drops: self.drops,
                dups: self.dups,
                requests: self.requests,
                max_states: self.max_states,
                memory_cap_mb: self.memory_cap,
                crash_mid_step: self.crash_mid_step,
            },
            strategy,
            threads,
            commands,
            symmetry: self.symmetry,
        }
    }
}

/// With `--symmetry`, whether `setup`'s algorithm supports symmetry
/// reduction (an error naming it if not).
pub fn symmetry_supported(setup: &Setup) -> Result<(), InputError> {
    struct Supported;
    impl Visit for Supported {
        type Out = Result<(), sim::NoSymmetry>;
        fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> Self::Out
        where
            World<P>: Send + Sync,
        {
            check::reduction(&World::<P>::new(setup.sim, config, setup.seed)).map(|_| ())
        }
    }
    lab::with_protocol(setup, Supported)
        .map_err(InputError::from_setup)?
        .map_err(|e| InputError::new("--symmetry", e.to_string()))
}

/// The process's resident memory in MiB (`VmRSS` of /proc/self/status;
/// 0 where there is none).
pub fn resident_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Explore `setup`'s run from `step` as `options` say
/// ([`lab::explore::check_run`]); the report, with a counterexample from
/// the fresh world (the run's actions, then the choices), the step
/// explored from, and the time it took.
pub fn explore(
    setup: &Setup,
    step: u64,
    options: &Options,
    progress: bool,
) -> Result<(Report, u64, Duration), InputError> {
    let bar = progress.then(crate::check_progress::bar);
    let start = Instant::now();
    let show = |p: Progress| {
        if let Some(bar) = &bar {
            crate::check_progress::show(bar, p, start.elapsed(), resident_mb());
        }
    };
    let memory = resident_mb;
    let hooks = Hooks { progress: Some(&show), memory_mb: Some(&memory) };
    let explored = lab::explore::check_run(setup, step, options, &hooks).map_err(InputError::from_setup)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let elapsed = start.elapsed();
    let actions = explored.counterexample();
    let mut report = explored.report;
    if let (Some(found), Some(actions)) = (report.violation.as_mut(), actions) {
        found.actions = actions;
    }
    Ok((report, explored.from_step, elapsed))
}

/// `cli check`.
pub fn run(args: &CheckArgs) -> Exit {
    let (setup, step, note) = match args.root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}\n\nFor more information, try 'cli check --help'.");
            return Exit::BadInput;
        }
    };
    let options = args.options();
    if let Err(e) = options.symmetry.then(|| symmetry_supported(&setup)).transpose() {
        eprintln!("error: {e}\n\nFor more information, try 'cli check --help'.");
        return Exit::BadInput;
    }
    let progress = std::io::stderr().is_terminal();
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    let (report, from_step, elapsed) = match explore(&setup, step, &options, progress) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    if let (Some(path), Some(found)) = (&args.out, &report.violation) {
        let json = serde_json::to_string_pretty(&found.actions).expect("actions serialize");
        if let Err(e) = std::fs::write(path, json + "\n") {
            eprintln!("error: invalid value for '--out': cannot write {}: {e}", path.display());
            return Exit::BadInput;
        }
    }
    if args.json {
        println!("{}", crate::check_progress::summary_json(&setup, from_step, &options, &report, elapsed));
    } else {
        print!("{}", crate::check_progress::summary_text(&setup, from_step, &options, &report, elapsed));
    }
    if report.violation.is_some() {
        Exit::Violation
    } else {
        Exit::Ok
    }
}

/// Why the search ended, in words.
pub fn stop_text(stop: Stop, budgets: &Budgets) -> String {
    match stop {
        Stop::Exhausted => "every reachable state explored (the state space is finished)".to_string(),
        Stop::Depth => format!("every state within the budgets explored to depth {}", budgets.depth),
        Stop::MaxStates => format!("stopped at the state cap (--max-states {})", budgets.max_states),
        Stop::MemoryCap { used_mb } => {
            format!(
                "stopped at the memory cap (--memory-cap {}: {used_mb} MiB used)",
                budgets.memory_cap_mb.unwrap_or(0)
            )
        }
        Stop::Walks => "every random walk taken".to_string(),
        Stop::Violation => "a violation was found".to_string(),
    }
}
