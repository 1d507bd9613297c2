//! A bounded model checker over the Clusterscope world.
//!
//! From a world (usually a fresh one), the checker explores every choice
//! the world can make, within budgets, and checks the protocol's
//! [`protocol::Checker`] after each: which message in flight is delivered
//! next ([`sim::Action::Deliver`]), which armed timer fires next
//! ([`sim::Action::Fire`]), dropping or duplicating a message, crashing an
//! up node or restarting a crashed one, and client requests. Each choice is
//! an ordinary [`sim::Action`], so a counterexample is an action list that
//! [`sim::Run`] (`cli run --actions`, the app's `&actions=`) replays to the
//! same violation at the same step.
//!
//! How to use it:
//!
//! 1. Build the root world (`sim::World::new`) on a network that neither
//!    loses nor duplicates by chance: the checker makes those choices.
//! 2. Call [`check`] with [`Options`]: budgets, a [`Strategy`], threads and
//!    the client commands to try.
//! 3. Read the [`Report`]: unique states, states generated, depth reached,
//!    why it stopped, and the first violation found with its actions.
//!
//! States are merged by [`sim::World::fingerprint`] (node states, what they
//! persisted, messages in flight as a multiset, armed timers as a set, the
//! checker's memory) together with the budgets spent so far. Breadth-first
//! search (the default) finds a shortest counterexample; it expands a level
//! on several threads natively, and its state counts and counterexample do
//! not depend on the number of threads. Depth-first search and random deep
//! walks are for state spaces too big to finish.
//!
//! The visited set holds 64-bit state ids ([`protocol::Fingerprint`], a
//! portable word hash of each protocol's derived `Hash`: `usize` as `u64`,
//! `f64` by its bits, no pointers, so ids are the same in every run, on any
//! number of threads, natively and in wasm32), not states. Two distinct
//! states with one id would be merged, hiding one of them: with `n` states
//! the chance of any collision is about `n² / 2⁶⁵` (3e-8 at a million
//! states, 3e-4 at a hundred million). That risk is accepted, as Stateright
//! and TLC accept it; a collision can hide a state but never invent a
//! violation, and every counterexample replays through an ordinary run.
//! States merged by id may still differ in what the id leaves out (the
//! clock): breadth-first search keeps the first in generation order, so
//! counts do not depend on hash values either.
//!
//! The searches see a world through one trait object (`state::State`:
//! its choices, its id, applying a choice, its violation, a copy), so they
//! are compiled once rather than once per protocol type: the app carries
//! thirteen simulator types, and with a search each it was 28 KiB larger.
//! A search keeps its worlds boxed anyway, so the object adds a virtual
//! call, never an allocation (instructions on the Paxos model: -0.2%).
//!
//! Symmetry reduction is an option ([`Options::symmetry`]) for protocols
//! that implement [`protocol::Symmetric`]: most protocols here name nodes
//! in their state (a vote, a leader, a fixed coordinator), so merging
//! states equal up to a renaming of nodes needs each protocol to say which
//! nodes are interchangeable and to rename ids inside its state. With it
//! on, states are merged by the fingerprint of a representative up to
//! renaming those nodes (see `sim`'s `world/symmetry.rs` for the rule and
//! why it is sound); the worlds explored stay real, so a counterexample
//! still replays, and breadth-first search still finds a shortest one.

mod bfs;
mod choices;
mod dfs;
mod parallel;
mod state;

pub use choices::Used;
use protocol::{NodeId, Protocol};
use serde::Serialize;
use sim::{NoSymmetry, Scheduled, World};

/// Limits on the exploration. The fault budgets count per path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budgets {
    /// Most choices in a path (each action is one; a crash in the middle
    /// of a step is one choice with the step it cuts short).
    pub depth: u32,
    /// Crashes per path (restarts of crashed nodes are free).
    pub crashes: u32,
    /// Messages dropped per path.
    pub drops: u32,
    /// Messages duplicated per path.
    pub dups: u32,
    /// Client requests per path.
    pub requests: u32,
    /// Stop after this many unique states (breadth- and depth-first) or
    /// generated states (random walks).
    pub max_states: u64,
    /// Stop when the process uses more memory than this, if it can tell
    /// (see [`Hooks::memory_mb`]).
    pub memory_cap_mb: Option<u64>,
    /// Also crash a node in the middle of a step: for each delivery, timer
    /// or client request whose step makes the node produce `n >= 2`
    /// commands, the node may crash after `k` of them, `0 < k < n`
    /// ([`sim::Action::CrashMidStep`] recorded before the choice, at the
    /// same step). Each such crash spends one of `crashes`.
    pub crash_mid_step: bool,
}

impl Default for Budgets {
    fn default() -> Self {
        Self {
            depth: 20,
            crashes: 0,
            drops: 0,
            dups: 0,
            requests: 0,
            max_states: 10_000_000,
            memory_cap_mb: None,
            crash_mid_step: false,
        }
    }
}

/// The order states are explored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Level by level: a counterexample found is a shortest one.
    Bfs,
    /// Deepest first; a state met again by a shorter path is explored again.
    Dfs,
    /// `walks` random paths of up to `depth` choices, drawn from `seed`.
    Random { seed: u64, walks: u64 },
}

impl Strategy {
    /// The names `cli check --strategy` and the app's panel take.
    pub const NAMES: [&'static str; 3] = ["bfs", "dfs", "random"];

    /// The strategy called `name` (one of [`Strategy::NAMES`]); random walks
    /// take `walks` paths drawn from `seed`.
    pub fn named(name: &str, seed: u64, walks: u64) -> Option<Strategy> {
        match name {
            "bfs" => Some(Strategy::Bfs),
            "dfs" => Some(Strategy::Dfs),
            "random" => Some(Strategy::Random { seed, walks }),
            _ => None,
        }
    }
}

/// What to explore and how.
#[derive(Clone, Debug)]
pub struct Options {
    pub budgets: Budgets,
    pub strategy: Strategy,
    /// Threads for breadth-first search (1 in wasm); the results do not
    /// depend on it.
    pub threads: usize,
    /// The client commands a request may carry (each to each up node).
    pub commands: Vec<String>,
    /// Merge states that are renamings of one another over the protocol's
    /// interchangeable nodes (see [`reduction`]); off by default.
    pub symmetry: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { budgets: Budgets::default(), strategy: Strategy::Bfs, threads: 1, commands: Vec::new(), symmetry: false }
    }
}

/// Symmetry reduction as a check applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reduction {
    /// The groups of interchangeable nodes (each sorted; empty when this
    /// config has none, and then nothing is merged).
    pub groups: Vec<Vec<NodeId>>,
    /// How many nodes are in a group.
    pub interchangeable: u32,
}

/// The symmetry reduction a check of `root` with [`Options::symmetry`]
/// would apply, or the error saying that its protocol has none.
pub fn reduction<P: Protocol>(root: &World<P>) -> Result<Reduction, NoSymmetry> {
    let world = root.clone().with_symmetry()?;
    let groups = world.interchangeable().unwrap_or_default().to_vec();
    let interchangeable = groups.iter().map(|g| g.len() as u32).sum();
    Ok(Reduction { groups, interchangeable })
}

/// Counters during a check, for a progress line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub generated: u64,
    pub unique: u64,
    pub depth: u32,
}

/// What the caller lends the checker: a progress callback and a memory
/// probe (the checker itself reads no clock and no `/proc`, so it runs in
/// a browser too).
#[derive(Clone, Copy, Default)]
pub struct Hooks<'a> {
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    /// The process's resident memory in MiB.
    pub memory_mb: Option<&'a (dyn Fn() -> u64 + Sync)>,
}

impl Hooks<'_> {
    fn report(&self, progress: Progress) {
        if let Some(f) = self.progress {
            f(progress);
        }
    }
    /// Whether the memory cap of `budgets` is exceeded now.
    fn over_memory(&self, budgets: &Budgets) -> Option<u64> {
        let cap = budgets.memory_cap_mb?;
        let used = (self.memory_mb?)();
        (used > cap).then_some(used)
    }
}

/// Why the exploration ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Stop {
    /// Every state reachable within the budgets was explored, and none is
    /// left at the depth bound either: the state space is finished.
    Exhausted,
    /// Every state within the budgets was explored; paths go on past the
    /// depth bound.
    Depth,
    /// The unique (or, for random walks, generated) state cap was reached.
    MaxStates,
    /// The memory cap was exceeded (`used_mb` when it was noticed).
    MemoryCap { used_mb: u64 },
    /// All random walks were taken.
    Walks,
    /// A violation was found.
    Violation,
}

/// A broken property and the choices that break it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Found {
    pub property: &'static str,
    pub detail: String,
    /// The step (events processed) at which the property is broken: what
    /// `cli run --steps` needs to reach it.
    pub step: u64,
    /// The choices as actions, as `cli run --actions` reads them: one
    /// each, but two for a crash inside a step (`crash-mid-step`, then the
    /// delivery, timer or request it cuts short, at the same step).
    pub actions: Vec<Scheduled>,
}

/// The outcome of a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Distinct states seen, the root included.
    pub unique: u64,
    /// Successor states computed (each choice applied once), duplicates
    /// included.
    pub generated: u64,
    /// The longest path explored, in choices.
    pub depth: u32,
    pub stop: Stop,
    pub violation: Option<Found>,
    /// The symmetry reduction applied, when [`Options::symmetry`] is on:
    /// then `unique` counts states up to renaming those nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symmetry: Option<Reduction>,
    /// Nothing was scheduled in the root world: no message in flight, no
    /// timer set. A protocol that waits for a client does nothing there
    /// unless the budgets allow client requests ([`waits_for_client`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub idle_root: bool,
}

impl Report {
    /// A search that has seen only the root, and would stop for `stop`.
    pub(crate) fn at_root(stop: Stop) -> Self {
        Report { unique: 1, generated: 0, depth: 0, stop, violation: None, symmetry: None, idle_root: false }
    }
}

/// Whether a search could only crash and restart nodes in a world waiting
/// for a client: nothing was scheduled at its root ([`Report::idle_root`])
/// and `budgets` allowed no client request. "No violation" then says
/// little. (`cli check`'s note and the app's check panel both ask here.)
pub fn waits_for_client(idle_root: bool, budgets: &Budgets) -> bool {
    idle_root && budgets.requests == 0
}

/// Explore from `root` as `options` say. `root` should be on a network that
/// neither loses nor duplicates by chance (the checker makes those choices).
///
/// # Panics
///
/// With [`Options::symmetry`] on for a protocol without interchangeable
/// nodes: ask [`reduction`] first (`cli check --symmetry` does, and says so).
pub fn check<P: Protocol>(root: &World<P>, options: &Options, hooks: &Hooks<'_>) -> Report
where
    World<P>: Send + Sync,
{
    let idle_root = root.next_event_time().is_none();
    if !options.symmetry {
        return check_world(root, idle_root, options, hooks);
    }
    let reduction = reduction(root).unwrap_or_else(|e| panic!("{e}"));
    let root = root.clone().with_symmetry().expect("checked by reduction");
    Report { symmetry: Some(reduction), ..check_world(&root, idle_root, options, hooks) }
}

/// The search itself, on the world as a [`state::State`]: compiled once,
/// whatever the protocol. `idle_root`: nothing is scheduled at the root.
fn check_world(root: &dyn state::State, idle_root: bool, options: &Options, hooks: &Hooks<'_>) -> Report {
    let mut report = if let Some((property, detail, _)) = root.broken() {
        let found = Found { property, detail: detail.to_string(), step: 0, actions: Vec::new() };
        Report { violation: Some(found), ..Report::at_root(Stop::Violation) }
    } else {
        match options.strategy {
            Strategy::Bfs => bfs::run(root, options, hooks),
            Strategy::Dfs => dfs::depth_first(root, options, hooks),
            Strategy::Random { seed, walks } => dfs::random(root, options, hooks, seed, walks),
        }
    };
    report.idle_root = idle_root;
    report
}
