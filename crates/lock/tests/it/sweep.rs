//! Seed sweeps in the manner of TigerBeetle's VOPR: many seeds, each with
//! faults injected by a seeded driver (process pauses, clock drift, crashes
//! and restarts of any node, partitions, one-way cuts, message loss and
//! duplication), every step checked. Then liveness: heal everything and
//! require progress within a bound.
//!
//! Kleppmann ("How to do distributed locking", 2016) predicts the outcome:
//! a lease alone, or Redlock, is unsafe under pauses and drifting clocks;
//! a fencing token checked by the storage (`lock-fenced`, and `lock-zk`
//! with the sequence number as token) is safe whatever the timing.

use lock::{Algorithm, Bug, Lock, LockConfig};
use protocol::Bugs;
use protocol::{Protocol, Status};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Action, Run, SimConfig};

const SEEDS: u64 = 300;
const STEPS: u64 = 2000;
/// Clock rates the driver picks from: slow, exact, fast.
const RATES: [f64; 7] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0];

fn world(nodes: u32) -> SimConfig {
    SimConfig { nodes, latency_ms: [10, 40], drop: 0.05, dup: 0.02, ..SimConfig::default() }
}

/// Inject one random fault. Draws from its own seeded stream, so a run is
/// replayable from its recorded actions alone.
fn chaos<P: Protocol>(r: &mut Run<P>, rng: &mut ChaCha8Rng) {
    let w = r.world();
    let n = w.node_count();
    let up: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Up).collect();
    let down: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Crashed).collect();
    let pick = |rng: &mut ChaCha8Rng, from: &[u32]| from[rng.gen_range(0..from.len() as u32) as usize];
    let action = match rng.gen_range(0..10u32) {
        0 | 1 if !up.is_empty() => Action::Pause { node: pick(rng, &up), for_ms: Some(rng.gen_range(100..=2500u64)) },
        2 => Action::Drift { node: rng.gen_range(0..n), rate: RATES[rng.gen_range(0..RATES.len() as u32) as usize] },
        3 if !up.is_empty() => Action::Crash { node: pick(rng, &up) },
        4 if !down.is_empty() => Action::Restart { node: pick(rng, &down) },
        5 => Action::Partition { groups: vec![(0..n).filter(|_| rng.gen_bool(0.5)).collect()] },
        6 => {
            let (from, to) = (rng.gen_range(0..n), rng.gen_range(0..n));
            if from == to {
                return;
            }
            Action::Cut { from, to }
        }
        _ => Action::Heal,
    };
    r.act(action).expect("chaos only picks valid actions");
}

/// One run of the sweep: `steps` steps, a fault every 40.
fn sweep_run<V: Algorithm>(nodes: u32, seed: u64, steps: u64, stop_at_violation: bool) -> Run<Lock<V>> {
    sweep_run_with::<V>(LockConfig::default(), nodes, seed, steps, stop_at_violation)
}

/// The same with `config`. A storage that forgets its highest token only
/// shows it in a restart between a newer write and a stale one, so with
/// that bug the driver also crashes and at once restarts the storage every
/// 100 steps (recorded actions like the rest, so the run replays).
fn sweep_run_with<V: Algorithm>(
    config: LockConfig,
    nodes: u32,
    seed: u64,
    steps: u64,
    stop_at_violation: bool,
) -> Run<Lock<V>> {
    let restarts = config.bug == Some(Bug::StorageForgetsHighest);
    let mut r = Run::<Lock<V>>::new(world(nodes), config, seed, vec![]);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x10c4);
    let storage = nodes - 1;
    while r.steps() < steps {
        if r.steps() % 40 == 20 {
            chaos(&mut r, &mut rng);
        }
        if restarts && r.steps() % 100 == 70 && r.world().status(storage) == Status::Up {
            r.act(Action::Crash { node: storage }).unwrap();
            r.act(Action::Restart { node: storage }).unwrap();
        }
        if !r.step() {
            // Every node with a timer is down: bring them back and go on.
            let down: Vec<u32> = (0..nodes).filter(|&id| r.world().status(id) == Status::Crashed).collect();
            assert!(!down.is_empty(), "seed {seed}: nothing left to happen, yet no node is down");
            for node in down {
                r.act(Action::Restart { node }).unwrap();
            }
        }
        if stop_at_violation && r.world().first_violation().is_some() {
            break;
        }
    }
    r
}

/// `(accepted, rejected)` writes of the run so far.
fn writes<V: Algorithm>(r: &Run<Lock<V>>) -> (u64, u64) {
    let w = r.world();
    let s = w.node(w.node_count() - 1).storage().expect("the last node is the storage");
    (s.total() - s.rejected(), s.rejected())
}

/// The safety phase for a fenced lock: no seed may break the property, and
/// the sweep must have made stale writes that fencing turned away.
fn sweep_is_safe<V: Algorithm>(nodes: u32) {
    let (mut accepted, mut rejected) = (0, 0);
    for seed in 0..SEEDS {
        let r = sweep_run::<V>(nodes, seed, STEPS, false);
        assert_eq!(r.steps(), STEPS, "seed {seed}: the world stopped");
        if let Some(v) = r.world().first_violation() {
            panic!(
                "{} seed {seed}: {} at step {}: {}\nactions: {}",
                Lock::<V>::NAME,
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        let (a, rj) = writes(&r);
        accepted += a;
        rejected += rj;
    }
    println!(
        "{}: {SEEDS} seeds × {STEPS} steps: {accepted} writes accepted, {rejected} stale ones rejected, no violation",
        Lock::<V>::NAME
    );
    assert!(accepted > SEEDS * 5, "only {accepted} writes accepted: the sweep does not exercise the lock");
    assert!(rejected >= 10, "only {rejected} writes rejected: the faults hardly produced a stale write");
}

/// The safety phase for an unfenced lock: the same driver breaks it, and the
/// counterexample replays from the recorded actions alone.
fn sweep_finds_a_replayable_violation<V: Algorithm>(nodes: u32) -> sim::FirstViolation {
    sweep_finds_a_replayable_violation_with::<V>(LockConfig::default(), nodes)
}

fn sweep_finds_a_replayable_violation_with<V: Algorithm>(config: LockConfig, nodes: u32) -> sim::FirstViolation {
    let mut found = None;
    for seed in 0..SEEDS {
        let r = sweep_run_with::<V>(config.clone(), nodes, seed, STEPS, true);
        if let Some(v) = r.world().first_violation().cloned() {
            found = Some((seed, r, v));
            break;
        }
    }
    let (seed, r, v) = found.unwrap_or_else(|| panic!("{}: no violation in {SEEDS} seeds", Lock::<V>::NAME));
    println!("{}: seed {seed} breaks {} at step {}: {}", Lock::<V>::NAME, v.property, v.step, v.detail);
    let mut again = Run::<Lock<V>>::new(world(nodes), config, seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
    assert_eq!(again.steps(), v.step);
    v
}

#[test]
fn lock_fenced_300_seeds_with_pauses_drift_crashes_and_partitions_never_break() {
    sweep_is_safe::<lock::variant::Fenced>(4);
}

#[test]
fn lock_zk_300_seeds_with_pauses_drift_crashes_and_partitions_never_break() {
    sweep_is_safe::<lock::variant::Zk>(5);
}

/// Every mutant of the lock crate ([`lock::BUGS`]) breaks the fenced locks
/// under the same driver, and the property the checker reports is the one
/// its spec names. Kleppmann: fencing works only if the storage checks the
/// token (`no-fencing`) and remembers the highest one it accepted, across
/// a restart too (`storage-forgets-highest`).
#[test]
fn every_bug_breaks_the_fenced_locks_with_a_replayable_violation() {
    for &bug in Bug::ALL {
        let config = LockConfig { bug: Some(bug), ..LockConfig::default() };
        let v = sweep_finds_a_replayable_violation_with::<lock::variant::Fenced>(config.clone(), 4);
        assert_eq!(v.property, bug.spec().breaks, "lock-fenced with {}", bug.name());
        let v = sweep_finds_a_replayable_violation_with::<lock::variant::Zk>(config, 5);
        assert_eq!(v.property, bug.spec().breaks, "lock-zk with {}", bug.name());
    }
}

#[test]
fn lock_lease_sweep_finds_a_replayable_violation() {
    sweep_finds_a_replayable_violation::<lock::variant::Lease>(4);
}

#[test]
fn redlock_sweep_finds_a_replayable_violation() {
    sweep_finds_a_replayable_violation::<lock::variant::Redlock>(8);
}

/// Liveness after the faults stop: heal the network, restart crashed nodes,
/// wake paused ones, set every clock right; a new write must be accepted
/// within `bound_ms` of model time.
fn progress_after_healing<V: Algorithm>(nodes: u32, seeds: u64, bound_ms: u64) -> u64 {
    let mut worst = 0;
    for seed in 0..seeds {
        let mut r = sweep_run::<V>(nodes, seed ^ 0x11fe, 1500, false);
        r.act(Action::Heal).unwrap();
        for id in 0..nodes {
            match r.world().status(id) {
                Status::Crashed => r.act(Action::Restart { node: id }).unwrap(),
                Status::Paused => r.act(Action::Resume { node: id }).unwrap(),
                Status::Up => {}
            }
            r.act(Action::Drift { node: id, rate: 1.0 }).unwrap();
        }
        let healed_at = r.world().now();
        let (before, _) = writes(&r);
        while writes(&r).0 == before {
            assert!(
                r.world().now() - healed_at <= bound_ms,
                "{} seed {seed}: no write accepted {bound_ms} ms after healing",
                Lock::<V>::NAME
            );
            assert!(r.step(), "seed {seed}: the world stopped");
        }
        worst = worst.max(r.world().now() - healed_at);
        assert_eq!(r.world().first_violation(), None, "seed {seed}");
    }
    println!(
        "{}: worst time from heal to an accepted write over {seeds} seeds: {worst} ms (bound {bound_ms} ms)",
        Lock::<V>::NAME
    );
    worst
}

/// Bound: 4,000 ms. A lease left by a client that crashed expires within a
/// TTL (1,000 ms); the next client asks within a back-off (250) and a round
/// trip (80), works at most 800 and writes (80): about 2,200 ms, leaving
/// room for a few lost messages (each costs a 200 ms timeout and a back-off).
#[test]
fn lock_fenced_after_healing_a_write_is_accepted_within_4000_ms() {
    progress_after_healing::<lock::variant::Fenced>(4, 200, 4000);
}

/// Bound: 6,000 ms. An orphan session (its client restarted, or the
/// coordinator restarted and reset every timeout) holds its entry for up to
/// a session timeout (1,000 ms); a client whose watch notification was lost
/// looks again after a session timeout (1,000); then a back-off, a create,
/// the work (800) and the write; with room for lost messages.
#[test]
fn lock_zk_after_healing_a_write_is_accepted_within_6000_ms() {
    progress_after_healing::<lock::variant::Zk>(5, 200, 6000);
}

/// The same inputs give byte-identical traces; the recorded actions of a run
/// driven live replay to the same trace.
#[test]
fn traces_are_deterministic_and_live_actions_replay() {
    fn check<V: Algorithm>(nodes: u32) {
        let live = sweep_run::<V>(nodes, 42, 1500, false);
        let mut replay = Run::<Lock<V>>::new(world(nodes), LockConfig::default(), 42, live.actions().to_vec());
        replay.seek(1500);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        sim::write_trace(&live, &mut a).unwrap();
        sim::write_trace(&replay, &mut b).unwrap();
        assert!(a == b, "{}: live and replayed traces differ", Lock::<V>::NAME);
    }
    check::<lock::variant::Lease>(4);
    check::<lock::variant::Fenced>(4);
    check::<lock::variant::Redlock>(8);
    check::<lock::variant::Zk>(5);
}
