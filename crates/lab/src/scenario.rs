//! The benchmark scenario: Raft under faults, poked the way a user would.
//!
//! A lossy, duplicating network (drop 0.05, dup 0.01, latency 10..40 ms), and
//! in every cycle of [`CYCLE`] steps: a client request to the leader every
//! 50 steps, a partition that cuts off a minority at step 300 of the cycle,
//! heal at 700, a crash of the leader at 1000 and its restart at 1400. All of
//! it goes through [`Session::act`], as clicks in the app do, so the cost of
//! recording actions and taking snapshots is part of what is measured.
//!
//! `cargo bench -p cli`, `cli bench` and the app's simulator benchmark
//! (`?sim-bench=5`, run in headless Chromium by `cargo xtask bench`) all
//! measure this scenario, so native and browser figures compare directly.

use crate::{Algo, Setup};
use sim::{Action, Session};

/// Steps in one benchmark run: a million events, never restarted, so the
/// logs reach about 10,000 entries (and the 22,000 actions stay under the
/// run's limit of 100,000).
pub const LONG_RUN_STEPS: u64 = 1_000_000;
/// Steps in one cycle of faults.
pub const CYCLE: u64 = 2_000;
/// Steps between client requests.
pub const REQUEST_EVERY: u64 = 50;

/// The scenario's setup for `nodes` nodes (1 to the algorithm's maximum).
pub fn setup(nodes: u32, seed: u64) -> Setup {
    let mut setup = Setup::new(Algo::Raft);
    setup.sim.nodes = nodes;
    setup.sim.drop = 0.05;
    setup.sim.dup = 0.01;
    setup.seed = seed;
    setup
}

/// Open a fresh run of the scenario.
pub fn open(nodes: u32, seed: u64) -> Box<dyn Session> {
    crate::open(&setup(nodes, seed)).expect("the scenario's setup is valid")
}

/// What [`drive`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Driven {
    pub steps: u64,
    pub actions: u64,
    /// Actions the world refused (none are expected).
    pub action_errors: u64,
}

/// Step `session` up to `steps` times, acting as the scenario says before
/// each step. Stops early if nothing is left to happen.
pub fn drive(session: &mut dyn Session, steps: u64) -> Driven {
    let mut driven = Driven::default();
    for _ in 0..steps {
        for action in due(session) {
            driven.actions += 1;
            if session.act(action).is_err() {
                driven.action_errors += 1;
            }
        }
        if !session.step() {
            break;
        }
        driven.steps += 1;
    }
    driven
}

/// The actions due at the session's current step. Looks at the nodes only
/// on steps that act, so the scenario's own cost stays out of the numbers.
fn due(session: &dyn Session) -> Vec<Action> {
    let step = session.steps();
    let in_cycle = step % CYCLE;
    if step == 0 || (step % REQUEST_EVERY != 0 && !matches!(in_cycle, 300 | 700 | 1000 | 1400)) {
        return Vec::new();
    }
    let nodes = session.node_count();
    let leader = || {
        (0..nodes).find(|&id| {
            let info = session.node_info(id);
            info.status == protocol::Status::Up && info.look.role == "leader"
        })
    };
    let mut due = Vec::new();
    if step % REQUEST_EVERY == 0 {
        due.push(Action::Request { node: leader().unwrap_or(0), cmd: format!("x={step}") });
    }
    match in_cycle {
        300 if nodes >= 2 => due.push(Action::Partition { groups: vec![(0..nodes / 2).collect()] }),
        700 => due.push(Action::Heal),
        1000 => due.push(Action::Crash { node: leader().unwrap_or((step / CYCLE) as u32 % nodes) }),
        1400 => {
            for id in 0..nodes {
                if session.node_info(id).status == protocol::Status::Crashed {
                    due.push(Action::Restart { node: id });
                }
            }
        }
        _ => {}
    }
    due
}

/// What one long run of the scenario measured.
#[derive(Clone, Debug, PartialEq)]
pub struct LongRun {
    pub steps: u64,
    pub seconds: f64,
    /// Events per second over the first and the last `window` events.
    pub first_window: f64,
    pub last_window: f64,
    /// The longest log of any node at the end (entries).
    pub longest_log: u64,
    pub actions: usize,
}

/// One run of the scenario for `steps` events, never restarted, so logs,
/// history and the checker's summaries grow as in a user's long run.
/// `now` reads a clock in seconds (the caller's: `Instant` natively,
/// `performance.now()` in the browser); `every` is called each
/// `every_steps` events with the session (the browser samples its memory
/// there, beside the log length).
pub fn long_run(
    nodes: u32,
    seed: u64,
    steps: u64,
    window: u64,
    now: &dyn Fn() -> f64,
    every_steps: u64,
    every: &mut dyn FnMut(&dyn Session),
) -> LongRun {
    let mut session = open(nodes, seed);
    let window = window.min(steps);
    let mut drive_for = |session: &mut dyn Session, n: u64| {
        let mut done = 0;
        while done < n {
            let chunk = (n - done).min(every_steps - session.steps() % every_steps);
            let driven = drive(session, chunk).steps;
            done += driven;
            if session.steps() % every_steps == 0 {
                every(session);
            }
            if driven < chunk {
                break;
            }
        }
        done
    };
    let start = now();
    let first = drive_for(&mut *session, window);
    let first_end = now();
    let middle = steps - window.saturating_mul(2).min(steps);
    drive_for(&mut *session, middle);
    let remaining = steps - session.steps();
    let last_start = now();
    let last = drive_for(&mut *session, remaining);
    let end = now();
    let longest_log = longest_log(&*session);
    LongRun {
        steps: session.steps(),
        seconds: end - start,
        first_window: first as f64 / (first_end - start).max(1e-9),
        last_window: last as f64 / (end - last_start).max(1e-9),
        longest_log,
        actions: session.actions().len(),
    }
}

/// The longest log of any node, in entries (read from the trace views, so
/// it costs a serialization: call it between timings, not inside them).
pub fn longest_log(session: &dyn Session) -> u64 {
    (0..session.node_count())
        .filter_map(|id| serde_json::from_str::<serde_json::Value>(&session.node_json(id)).ok())
        .filter_map(|view| view["log"].as_array().map(|log| log.len() as u64))
        .max()
        .unwrap_or(0)
}

/// Seek times in a run of `steps` events: the run is driven forward once,
/// then sent to `targets` steps spread over it (a fixed, scrambled order,
/// so forward and backward jumps both occur). Returns milliseconds per seek.
pub fn seek_times(nodes: u32, seed: u64, steps: u64, targets: u32, now: &dyn Fn() -> f64) -> Vec<f64> {
    let mut session = open(nodes, seed);
    drive(&mut *session, steps);
    let end = session.steps();
    (0..targets)
        .map(|i| {
            // Multiplying by an odd constant permutes 0..2^32; reduce into the run.
            let target = u64::from(i.wrapping_mul(0x9E37_79B9)) % (end + 1);
            let start = now();
            session.seek(target);
            let ms = (now() - start) * 1000.0;
            debug_assert_eq!(session.steps(), target);
            ms
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_injects_every_fault_and_stays_safe() {
        let mut session = open(5, 1);
        let driven = drive(&mut *session, 2 * CYCLE);
        assert_eq!(driven.steps, 2 * CYCLE);
        assert_eq!(driven.action_errors, 0);
        let verbs: Vec<&str> = session.actions().iter().map(|a| a.action.verb()).collect();
        for verb in ["request", "partition", "heal", "crash", "restart"] {
            assert!(verbs.contains(&verb), "{verb} missing from {verbs:?}");
        }
        assert!(session.first_violation().is_none(), "{:?}", session.first_violation());
        let committed = session.node_json(0);
        assert!(committed.contains("\"cmd\":\"x="), "requests reach the log: {committed}");
    }
}
