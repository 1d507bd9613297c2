//! `cli ring`: how many keys a membership change moves, and how evenly the
//! keys spread, under consistent hashing, `hash mod N` and rendezvous
//! hashing. The figures are [`::ring::report`]'s, the same the app shows.

use crate::args::InputError;
use crate::Exit;
use ::ring::{report, Change, ReportConfig};
use clap::Args;

const DEFAULTS: ReportConfig =
    ReportConfig { nodes: 10, vnodes: 100, replicas: 1, keys: 100_000, seed: 1, change: Change::Add(1) };

/// The flags of `cli ring`. Defaults are the example:
/// `--nodes 10 --vnodes 100 --replicas 1 --keys 100000 --seed 1 --add 1`.
#[derive(Debug, Args)]
pub struct RingArgs {
    /// Nodes in the ring before the change (ids 0..N)
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.nodes)]
    pub nodes: u32,

    /// Virtual nodes per node
    #[arg(long, value_name = "V", default_value_t = DEFAULTS.vnodes)]
    pub vnodes: u32,

    /// Copies of each key (the preference list's length)
    #[arg(long, value_name = "R", default_value_t = DEFAULTS.replicas)]
    pub replicas: u32,

    /// Keys to place, named k{SEED}-{i}
    #[arg(long, value_name = "K", default_value_t = DEFAULTS.keys)]
    pub keys: u32,

    /// Seed: salts the virtual-node positions and names the keys
    #[arg(long, value_name = "SEED", default_value_t = DEFAULTS.seed)]
    pub seed: u64,

    /// Add this many nodes (ids N, N+1, ...); the change when none is given is --add 1
    #[arg(long, value_name = "COUNT", conflicts_with = "remove")]
    pub add: Option<u32>,

    /// Remove the node with this id
    #[arg(long, value_name = "ID")]
    pub remove: Option<u32>,

    /// Print the report as JSON (fields: moved_fraction, modulo_moved_fraction, load, load_stddev, max_over_mean, ...)
    #[arg(long)]
    pub json: bool,
}

impl RingArgs {
    /// The report these flags ask for.
    pub fn config(&self) -> ReportConfig {
        let change = match (self.add, self.remove) {
            (_, Some(id)) => Change::Remove(id),
            (Some(k), None) => Change::Add(k),
            (None, None) => DEFAULTS.change,
        };
        ReportConfig {
            nodes: self.nodes,
            vnodes: self.vnodes,
            replicas: self.replicas,
            keys: self.keys,
            seed: self.seed,
            change,
        }
    }
}

/// Print the report; a setting out of range exits 2 naming its flag.
pub fn run(args: &RingArgs) -> Exit {
    let report = match report(&args.config()) {
        Ok(report) => report,
        Err(e) => {
            let flag = match e.field {
                "nodes" => "--nodes",
                "vnodes" => "--vnodes",
                "replicas" => "--replicas",
                "keys" => "--keys",
                "add" => "--add",
                "remove" => "--remove",
                _ => "a flag",
            };
            eprintln!("error: {}\n\nFor more information, try 'cli ring --help'.", InputError::new(flag, e.reason));
            return Exit::BadInput;
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&report).expect("a report serializes"));
    } else {
        print!("{report}");
    }
    Exit::Ok
}
