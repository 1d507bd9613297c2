//! Depth-first search and random deep walks: one thread each, for state
//! spaces too big to finish level by level.

use crate::bfs::ById;
use crate::choices::{self, Link, Scratch, Used, ROOT};
use crate::state::State;
use crate::{Hooks, Options, Progress, Report, Stop};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::Scheduled;
use std::collections::{HashMap, HashSet};

/// How often (in states) progress is reported and memory looked at.
const EVERY: u64 = 4096;

/// Depth-first: a state is explored again only when met by a shorter path
/// than before (its remaining depth budget is larger then).
pub(crate) fn depth_first(root: &dyn State, options: &Options, hooks: &Hooks<'_>) -> Report {
    let budgets = &options.budgets;
    let mut scratch = Scratch::default();
    // State id -> the shallowest depth it was reached at. Only looked up,
    // never iterated, so the hash map's order shows nowhere.
    let mut visited: HashMap<u64, u32, ById> = HashMap::default();
    visited.insert(root.id(Used::default()), 0);
    let mut links: Vec<Link> = Vec::new();
    let mut stack = vec![(root.boxed(), Used::default(), ROOT, 0u32)];
    let mut report = Report::at_root(Stop::Exhausted);
    while let Some((world, used, link, depth)) = stack.pop() {
        if depth >= budgets.depth {
            report.stop = Stop::Depth;
            continue;
        }
        world.enabled(used, budgets, &options.commands, &mut scratch);
        let actions = std::mem::take(&mut scratch.choices);
        // Pushed in reverse, so the first choice is explored first.
        for action in actions.iter().rev() {
            let next = choices::successor(world.boxed(), used, action, None);
            let mut successors = Vec::new();
            if let Some((node, afters)) = choices::mid_step(budgets, used, action, next.0.last_commands()) {
                // Pushed in reverse too: the step cut short latest is
                // explored last.
                for after in afters.rev() {
                    let next = choices::successor(world.boxed(), used, action, Some((node, after)));
                    successors.push((next, Some((node, after))));
                }
            }
            successors.push((next, None));
            for ((next, next_used, step), crash) in successors {
                report.generated += 1;
                let id = next.id(next_used);
                if visited.get(&id).is_some_and(|&d| d <= depth + 1) {
                    continue;
                }
                if visited.insert(id, depth + 1).is_none() {
                    report.unique += 1;
                }
                report.depth = report.depth.max(depth + 1);
                let last = || choices::path(&links, link, choices::recorded(step, action, crash));
                if let Some(found) = choices::found(&*next, last) {
                    report.violation = Some(found);
                    report.stop = Stop::Violation;
                    return report;
                }
                let new = choices::push_link(&mut links, link, step, action.clone(), crash);
                stack.push((next, next_used, new, depth + 1));
            }
        }
        scratch.choices = actions;
        if report.generated % EVERY < 64 {
            hooks.report(Progress { generated: report.generated, unique: report.unique, depth: report.depth });
            if let Some(used_mb) = hooks.over_memory(budgets) {
                report.stop = Stop::MemoryCap { used_mb };
                return report;
            }
        }
        if report.unique >= budgets.max_states {
            report.stop = Stop::MaxStates;
            return report;
        }
    }
    report
}

/// `walks` random paths from the root, each of up to `depth` choices drawn
/// uniformly among those enabled, from a ChaCha8 stream seeded by `seed`
/// (a fixed-width `u32` draw per choice, so wasm draws the same).
pub(crate) fn random(root: &dyn State, options: &Options, hooks: &Hooks<'_>, seed: u64, walks: u64) -> Report {
    let budgets = &options.budgets;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut scratch = Scratch::default();
    let mut visited: HashSet<u64, ById> = HashSet::default();
    visited.insert(root.id(Used::default()));
    let mut report = Report::at_root(Stop::Walks);
    let mut path: Vec<Scheduled> = Vec::new();
    for _ in 0..walks {
        let (mut world, mut used) = (root.boxed(), Used::default());
        path.clear();
        for depth in 0..budgets.depth {
            world.enabled(used, budgets, &options.commands, &mut scratch);
            if scratch.choices.is_empty() {
                break;
            }
            let pick = rng.gen_range(0..scratch.choices.len() as u32) as usize;
            let action = scratch.choices[pick].clone();
            // A copy to cut the step short from, only when that can happen.
            let before = (budgets.crash_mid_step && used.crashes < budgets.crashes).then(|| world.boxed());
            let step = world.apply_choice(&action);
            let mut crash = None;
            // The step is cut short after `k` of its `n` commands with a
            // chance of (n - 1) / n, each `k` alike (one more draw, only
            // then, so walks without the option are unchanged).
            let mid = choices::mid_step(budgets, used, &action, world.last_commands());
            if let (Some(before), Some((node, afters))) = (before, mid) {
                let after = rng.gen_range(0..afters.end);
                if after > 0 {
                    (world, used, _) = choices::successor(before, used, &action, Some((node, after)));
                    crash = Some((node, after));
                }
            }
            if crash.is_none() {
                used = used.after(&action);
            }
            path.extend(choices::recorded(step, &action, crash));
            report.generated += 1;
            report.depth = report.depth.max(depth + 1);
            if visited.insert(world.id(used)) {
                report.unique += 1;
            }
            if let Some(found) = choices::found(&*world, || path.clone()) {
                report.violation = Some(found);
                report.stop = Stop::Violation;
                return report;
            }
            if report.generated % EVERY == 0 {
                hooks.report(Progress { generated: report.generated, unique: report.unique, depth: report.depth });
                if let Some(used_mb) = hooks.over_memory(budgets) {
                    report.stop = Stop::MemoryCap { used_mb };
                    return report;
                }
            }
            if report.generated >= budgets.max_states {
                report.stop = Stop::MaxStates;
                return report;
            }
        }
    }
    report
}
