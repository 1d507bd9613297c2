//! Breadth-first search, level by level, on several threads.
//!
//! Each level runs in two phases. First the frontier is cut into one
//! contiguous chunk per thread, and each thread computes the successors
//! of its chunk, in order, keeps those not seen at an earlier level and
//! sorts them into shards by state id. Then each thread takes a range of
//! shards and, for each, reads the candidates thread by thread (so in the
//! frontier's order, however many threads there are) and keeps the first
//! of each new state in that shard's part of the visited set, which no
//! other thread touches. The next frontier is the new states in the order
//! they were generated (not in shard order, which depends on hash values). So the states found, their order, and the path recorded
//! to each are the same for one thread or many.
//!
//! One thread (the browser's worker, `--threads 1`) skips the second
//! phase: the visited set is its own, so it keeps each new state as it
//! finds it, in generation order, which is what the merge would make of
//! its output. One hash operation per successor instead of up to three
//! (the earlier levels, the thread's own level, the merge), and no
//! candidate moved through shards.

use crate::choices::{self, Link, Scratch, Spare, Used, ROOT};
use crate::state::State;
use crate::{parallel, Hooks, Options, Progress, Report, Stop};
use protocol::NodeId;
use sim::Action;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Shards of the visited set (a power of two, at least the threads).
const SHARDS: usize = 256;

/// State ids are already hashes: the set uses them as they are.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 state ids are hashed")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// How every search's sets and maps of state ids hash: by the id itself,
/// the same everywhere (no per-process random keys).
pub(crate) type ById = BuildHasherDefault<IdHasher>;

type Visited = HashSet<u64, ById>;

/// Bits of a candidate's `order` for its place in its thread's output.
const ORDER_BITS: u32 = 40;

fn shard(id: u64) -> usize {
    // Bits 48 to 55, which the sets' tables do not use: a table picks a
    // bucket by the low bits and tags each entry with the top 7, which
    // tell the entries of one bucket group apart before their keys are
    // compared. Sharding by the top 8 bits gave every entry of a shard one
    // tag, so a lookup compared its key with every entry of the group.
    (id >> 48) as usize % SHARDS
}

/// A state on the frontier.
struct Item {
    origin: Origin,
    used: Used,
    link: u32,
}

/// Where a frontier state's world comes from. Not from the frontier
/// itself: a level's states are several times as many as the level before
/// (2PC at depth 9: 16,113 at level 8, 4,395 at level 7), and keeping a
/// world for each took most of a search's memory (about 4 KB each), most
/// of its page faults and a fresh world's allocations per state. A state
/// is made again when it is expanded, from its parent's world and the
/// choice that led to it: one more successor's work per state kept, in a
/// world the search dropped, from a parent its siblings share (so it is
/// in cache). The same choice applied to a copy of the same world makes
/// the same world, clock and generator included.
enum Origin {
    /// The root's world.
    World(Box<dyn State>),
    /// The world of `parent` (shared by its children on the frontier,
    /// freed with the last of them) after the mid-step `crash`, if any,
    /// and `action`.
    Choice { parent: Parent, action: Action, crash: Option<(NodeId, u32)> },
}

/// An expanded state's world, kept while states it led to wait on the
/// frontier. Boxed inside the `Arc`, so that the last child hands the box
/// back to be reused (`Arc::into_inner`).
type Parent = Arc<Box<dyn State>>;

/// A successor not seen at an earlier level.
struct Candidate {
    id: u64,
    /// Where it was generated: its thread's chunk (the high bits, from
    /// `ORDER_BITS` up), then its place in that thread's output (so in the
    /// frontier's order, then the choices').
    order: u64,
    /// The state's world when it shows a violation (the report reads it);
    /// any other is made again from `from` when it is expanded.
    broken: Option<Box<dyn State>>,
    /// The world it was generated from, unless this is the last level the
    /// depth budget allows: such a state is counted and checked, never
    /// expanded.
    from: Option<Parent>,
    used: Used,
    /// Its parent's link.
    parent: u32,
    step: u64,
    action: Action,
    /// A crash of the node the action ran, after this many of its commands.
    crash: Option<(NodeId, u32)>,
}

/// Where one thread's new successors go.
enum Sink<'a> {
    /// The only thread: the visited set is its own, so a state not in it
    /// goes in at once and joins the next frontier, in generation order.
    /// On the last level only those that show a violation are listed:
    /// the others are counted in `found`, which the merge needed them for.
    Alone { visited: &'a mut [Visited], new: Vec<Candidate>, found: u64 },
    /// One of several: the visited set is read only (it holds the earlier
    /// levels), `level` the states this thread met earlier in this level
    /// (only the first is kept, so a later copy is not even stored), and
    /// `out` the candidates by shard, for the merge.
    Shared { seen: &'a [Visited], level: Visited, out: Vec<Vec<Candidate>> },
}

impl Sink<'_> {
    /// Whether the state `id` is new to this thread, which then keeps it.
    fn first(&mut self, id: u64) -> bool {
        match self {
            Sink::Alone { visited, found, .. } => {
                let new = visited[shard(id)].insert(id);
                *found += new as u64;
                new
            }
            Sink::Shared { seen, level, .. } => !seen[shard(id)].contains(&id) && level.insert(id),
        }
    }

    fn push(&mut self, candidate: Candidate) {
        match self {
            Sink::Alone { new, .. } => {
                if candidate.from.is_some() || candidate.broken.is_some() {
                    new.push(candidate);
                }
            }
            Sink::Shared { out, .. } => out[shard(candidate.id)].push(candidate),
        }
    }
}

/// What every thread of a level shares.
struct Level<'a> {
    options: &'a Options,
    hooks: &'a Hooks<'a>,
    /// Whether the new states are the last level the depth budget allows.
    last: bool,
    depth: u32,
    unique: u64,
    generated: &'a AtomicU64,
    abort: &'a AtomicBool,
    memory: &'a AtomicU64,
}

impl Level<'_> {
    /// Expand `items`, the frontier's chunk `t`, in order, into `sink`;
    /// each state is dropped once expanded. Returns how many successors
    /// were new to the thread.
    fn expand_chunk(&self, t: usize, items: Vec<Item>, sink: &mut Sink<'_>) -> usize {
        let mut scratch = Scratch::default();
        let mut spare = Spare::default();
        let first = (t as u64) << ORDER_BITS;
        let mut order = first;
        for (i, item) in items.into_iter().enumerate() {
            if i % 256 == 255 {
                if self.abort.load(Ordering::Relaxed) {
                    break;
                }
                if t == 0 {
                    if let Some(used) = self.hooks.over_memory(&self.options.budgets) {
                        self.memory.store(used, Ordering::Relaxed);
                        self.abort.store(true, Ordering::Relaxed);
                    }
                    let generated = self.generated.load(Ordering::Relaxed);
                    self.hooks.report(Progress { generated, unique: self.unique, depth: self.depth });
                }
            }
            let Item { origin, used, link } = item;
            let world = match origin {
                Origin::World(world) => world,
                Origin::Choice { parent, action, crash } => {
                    // The world alone: the state's budgets are kept with it.
                    let (world, ..) = choices::successor(spare.copy(&**parent), used, &action, crash);
                    // The parent's last child: its world makes later successors.
                    if let Some(parent) = Arc::into_inner(parent) {
                        spare.give_back(parent);
                    }
                    world
                }
            };
            let n = expand(world, used, link, self.last, self.options, sink, &mut order, &mut scratch, &mut spare);
            self.generated.fetch_add(n, Ordering::Relaxed);
        }
        (order - first) as usize
    }
}

pub(crate) fn run(root: &dyn State, options: &Options, hooks: &Hooks<'_>) -> Report {
    let budgets = &options.budgets;
    // In wasm the jobs would run one after another (see `parallel`), so the
    // browser's worker takes the one-thread path whatever it asks for, and
    // the app carries no code for the others.
    let threads = if cfg!(target_arch = "wasm32") { 1 } else { options.threads.clamp(1, SHARDS) };
    let mut visited: Vec<Visited> = (0..SHARDS).map(|_| Visited::default()).collect();
    let root_id = root.id(Used::default());
    visited[shard(root_id)].insert(root_id);
    let mut links: Vec<Link> = Vec::new();
    let mut frontier = vec![Item { origin: Origin::World(root.boxed()), used: Used::default(), link: ROOT }];
    let mut report = Report::at_root(Stop::Exhausted);
    let generated = AtomicU64::new(0);
    let abort = AtomicBool::new(false);
    let memory = AtomicU64::new(0);
    while !frontier.is_empty() {
        if report.depth >= budgets.depth {
            report.stop = Stop::Depth;
            break;
        }
        if report.unique >= budgets.max_states {
            report.stop = Stop::MaxStates;
            break;
        }
        let level = Level {
            options,
            hooks,
            last: report.depth + 1 >= budgets.depth,
            depth: report.depth,
            unique: report.unique,
            generated: &generated,
            abort: &abort,
            memory: &memory,
        };
        // The next level's states, in the order they were generated (on
        // the last level, those without a violation may be left out), and
        // how many there are.
        let (new, found) = if threads == 1 {
            let mut sink = Sink::Alone { visited: &mut visited, new: Vec::new(), found: 0 };
            level.expand_chunk(0, std::mem::take(&mut frontier), &mut sink);
            let Sink::Alone { new, found, .. } = sink else { unreachable!("one thread's sink stays its own") };
            (new, found)
        } else {
            let new = level_on_threads(&level, threads, std::mem::take(&mut frontier), &mut visited);
            let found = new.len() as u64;
            (new, found)
        };
        if abort.load(Ordering::Relaxed) {
            report.stop = Stop::MemoryCap { used_mb: memory.load(Ordering::Relaxed) };
            break;
        }
        report.generated = generated.load(Ordering::Relaxed);
        report.depth += 1;
        report.unique += found;
        // States at the depth budget, left unexpanded: the search stopped
        // there, as it did when it kept them and looked at the next level.
        let cut_short = level.last && found > 0;
        if !level.last {
            // Sized once: grown by doubling, they were copied and faulted
            // in again as they grew (3% of 2PC's check).
            frontier.reserve_exact(new.len());
            links.reserve(new.len());
        }
        for candidate in new {
            let Candidate { broken, from, used, parent, step, action, crash, .. } = candidate;
            if let (None, Some(world)) = (&report.violation, &broken) {
                report.violation =
                    choices::found(&**world, || choices::path(&links, parent, choices::recorded(step, &action, crash)));
            }
            // The last level's states are never expanded: no link leads on
            // from them.
            if !level.last {
                let from = from.expect("a state below the last level keeps its parent");
                let link = choices::push_link(&mut links, parent, step, action.clone(), crash);
                frontier.push(Item { origin: Origin::Choice { parent: from, action, crash }, used, link });
            }
        }
        hooks.report(Progress { generated: report.generated, unique: report.unique, depth: report.depth });
        if report.violation.is_some() {
            report.stop = Stop::Violation;
            break;
        }
        if cut_short {
            report.stop = Stop::Depth;
            break;
        }
    }
    report
}

/// One level on several threads, in the two phases the module describes:
/// the new states, in the order they were generated, now in `visited`.
/// Empty if the level was aborted.
fn level_on_threads(
    level: &Level<'_>,
    threads: usize,
    mut frontier: Vec<Item>,
    visited: &mut [Visited],
) -> Vec<Candidate> {
    // Phase 1: successors, per contiguous chunk of the frontier.
    let chunk = frontier.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    while frontier.len() > chunk {
        let rest = frontier.split_off(chunk);
        chunks.push(std::mem::replace(&mut frontier, rest));
    }
    chunks.push(frontier);
    let seen = &*visited;
    let jobs: Vec<_> = chunks
        .into_iter()
        .enumerate()
        .map(|(t, items)| {
            move || {
                let out = (0..SHARDS).map(|_| Vec::new()).collect();
                let mut sink = Sink::Shared { seen, level: Visited::default(), out };
                let count = level.expand_chunk(t, items, &mut sink);
                let Sink::Shared { out, .. } = sink else { unreachable!("a thread's sink stays shared") };
                (out, count)
            }
        })
        .collect();
    let outs = parallel::all(jobs);
    if level.abort.load(Ordering::Relaxed) {
        return Vec::new();
    }
    // Transpose: per shard, the candidates of each thread in order.
    let mut per_shard: Vec<Vec<Vec<Candidate>>> = (0..SHARDS).map(|_| Vec::new()).collect();
    // Where each thread's candidates start in the level's generation order.
    let mut starts = Vec::with_capacity(outs.len());
    let mut candidates = 0;
    for (_, count) in &outs {
        starts.push(candidates);
        candidates += count;
    }
    for (out, _) in outs {
        for (s, candidates) in out.into_iter().enumerate() {
            per_shard[s].push(candidates);
        }
    }
    // Phase 2: keep the first of each new state, shard by shard.
    let per_thread = SHARDS / threads.next_power_of_two().min(SHARDS);
    let jobs: Vec<_> = visited
        .chunks_mut(per_thread)
        .zip(per_shard.chunks_mut(per_thread))
        .map(|(sets, inputs)| {
            move || {
                let mut kept: Vec<Vec<Candidate>> = Vec::with_capacity(sets.len());
                for (set, input) in sets.iter_mut().zip(inputs.iter_mut()) {
                    // At most every candidate is new: sized once, not grown.
                    let mut new = Vec::with_capacity(input.iter().map(Vec::len).sum());
                    for candidate in input.drain(..).flatten() {
                        if set.insert(candidate.id) {
                            new.push(candidate);
                        }
                    }
                    kept.push(new);
                }
                kept
            }
        })
        .collect();
    let kept = parallel::all(jobs);
    // In the order they were generated, not by shard: which of several
    // states merged into one is kept (they may differ in what the
    // fingerprint leaves out, the clock) must not depend on hash values.
    // Each candidate's place in that order is known, so it is put there
    // rather than sorted (a sort moved every candidate many times).
    let mut placed: Vec<Option<Candidate>> = (0..candidates).map(|_| None).collect();
    for candidate in kept.into_iter().flatten().flatten() {
        let thread = (candidate.order >> ORDER_BITS) as usize;
        let place = starts[thread] + (candidate.order & ((1 << ORDER_BITS) - 1)) as usize;
        placed[place] = Some(candidate);
    }
    placed.into_iter().flatten().collect()
}

/// Successors of the state `world` (reached with `used`, recorded at
/// `link`) new to the thread, into `sink`; on the `last` level without
/// their parent. Returns how many successors were computed.
#[allow(clippy::too_many_arguments)]
fn expand(
    world: Box<dyn State>,
    used: Used,
    link: u32,
    last: bool,
    options: &Options,
    sink: &mut Sink<'_>,
    order: &mut u64,
    scratch: &mut Scratch,
    spare: &mut Spare,
) -> u64 {
    world.enabled(used, &options.budgets, &options.commands, scratch);
    let actions = std::mem::take(&mut scratch.choices);
    // The parent of the new states, which make their worlds from it again.
    let parent: Parent = Arc::new(world);
    let mut generated = 0;
    let mut keep = |(world, used, step): (Box<dyn State>, Used, u64), action: &Action, crash, spare: &mut Spare| {
        generated += 1;
        let id = world.id(used);
        if sink.first(id) {
            let place = *order;
            *order += 1;
            let broken = if world.broken().is_some() {
                Some(world)
            } else {
                spare.give_back(world);
                None
            };
            let from = (!last).then(|| Arc::clone(&parent));
            let action = action.clone();
            sink.push(Candidate { id, order: place, broken, from, used, parent: link, step, action, crash });
        } else {
            spare.give_back(world);
        }
    };
    for action in &actions {
        let next = choices::successor(spare.copy(&**parent), used, action, None);
        let mid = choices::mid_step(&options.budgets, used, action, next.0.last_commands());
        keep(next, action, None, spare);
        // The same step cut short by a crash, right after it: generation
        // order, and so the counts, do not change when the option is off.
        if let Some((node, afters)) = mid {
            for after in afters {
                let crash = Some((node, after));
                keep(choices::successor(spare.copy(&**parent), used, action, crash), action, crash, spare);
            }
        }
    }
    scratch.choices = actions;
    // No new state needs it: its world makes later successors.
    if let Some(world) = Arc::into_inner(parent) {
        spare.give_back(world);
    }
    generated
}
