//! Seed sweeps (TigerBeetle's VOPR pattern, as in `crates/lock/tests/it/sweep.rs`):
//! a client request every 30 steps, a seeded driver injecting faults, every
//! step checked; the broken variant is caught and its counterexample
//! replays from the recorded actions alone. `TXN_SEEDS=1000` runs the long
//! sweep (the default slice keeps the test run to seconds).

use protocol::Bugs;
use protocol::{Protocol, Status};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Action, Run, SimConfig};
use txn::{CommitBug, CommitConfig, Outbox, OutboxBug, OutboxConfig, Saga, SagaBug, SagaConfig, ThreePc, TwoPc};

const STEPS: u64 = 1500;

fn seeds(default: u64) -> u64 {
    std::env::var("TXN_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

#[derive(Clone, Copy)]
enum Faults {
    /// Crashes and restarts, loss, duplication, partitions.
    All,
    /// Crashes alone (with duplicates and reordering), Skeen's model.
    Crashes,
}

fn world(faults: Faults, nodes: u32) -> SimConfig {
    match faults {
        Faults::All => SimConfig { nodes, latency_ms: [10, 40], drop: 0.05, dup: 0.02, ..SimConfig::default() },
        Faults::Crashes => SimConfig { nodes, latency_ms: [10, 40], drop: 0.0, dup: 0.02, ..SimConfig::default() },
    }
}

fn chaos<P: Protocol>(r: &mut Run<P>, rng: &mut ChaCha8Rng, faults: Faults) {
    let w = r.world();
    let n = w.node_count();
    let up: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Up).collect();
    let down: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Crashed).collect();
    let pick = |rng: &mut ChaCha8Rng, from: &[u32]| from[rng.gen_range(0..from.len() as u32) as usize];
    let action = match (rng.gen_range(0..6u32), faults) {
        (0 | 1, _) if !up.is_empty() => Action::Crash { node: pick(rng, &up) },
        (2 | 3, _) if !down.is_empty() => Action::Restart { node: pick(rng, &down) },
        (4, Faults::All) => Action::Partition { groups: vec![(0..n).filter(|_| rng.gen_bool(0.5)).collect()] },
        (5, Faults::All) => Action::Heal,
        _ => return,
    };
    r.act(action).expect("chaos only picks valid actions");
}

fn sweep_run<P: Protocol>(config: P::Config, faults: Faults, seed: u64, stop: bool) -> Run<P> {
    sweep_run_n::<P>(4, config, faults, seed, stop)
}

fn sweep_run_n<P: Protocol>(nodes: u32, config: P::Config, faults: Faults, seed: u64, stop: bool) -> Run<P> {
    let mut r = Run::<P>::new(world(faults, nodes), config, seed, vec![]);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x2bc);
    while r.steps() < STEPS {
        let s = r.steps();
        if s % 30 == 0 && r.world().status(0) == Status::Up {
            // Now and then the node crashes in the middle of handling the
            // request, after its first command (the outbox sweep's
            // "publish before commit" shows only so).
            if P::NAME == "outbox" && rng.gen_bool(0.2) {
                r.act(Action::CrashMidStep { node: 0, after: 1 }).unwrap();
            }
            r.act(Action::Request { node: 0, cmd: format!("t{s}") }).unwrap();
        }
        if s % 40 == 20 {
            chaos(&mut r, &mut rng, faults);
        }
        if !r.step() {
            // Quiet: every transaction is over. Restart whoever is down and
            // start the next one now.
            let down: Vec<u32> = (0..nodes).filter(|&id| r.world().status(id) == Status::Crashed).collect();
            for node in down {
                r.act(Action::Restart { node }).unwrap();
            }
            r.act(Action::Request { node: 0, cmd: format!("t{s}") }).unwrap();
            assert!(r.step(), "seed {seed}: a request at an idle coordinator starts a transaction");
        }
        if stop && r.world().first_violation().is_some() {
            break;
        }
    }
    r
}

/// `(committed, aborted)` transactions, as the coordinator last decided.
fn decided<P: Protocol>(r: &Run<P>) -> u64 {
    r.world().log().filter(|e| e.text.contains("coordinator decides")).count() as u64
}

fn sweep_is_safe<P: Protocol<Config = CommitConfig>>(faults: Faults, seeds: u64) {
    let mut txs = 0;
    for seed in 0..seeds {
        let r = sweep_run::<P>(CommitConfig::default(), faults, seed, false);
        if let Some(v) = r.world().first_violation() {
            panic!(
                "{} seed {seed}: {} at step {}: {}\nactions: {}",
                P::NAME,
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        txs += decided(&r);
    }
    println!("{}: {seeds} seeds × {STEPS} steps: {txs} decisions, no violation", P::NAME);
    assert!(txs > seeds * 3, "only {txs} decisions: the sweep does not exercise the protocol");
}

fn bug_is_caught<P: Protocol<Config = CommitConfig>>(bug: CommitBug, faults: Faults) -> sim::FirstViolation {
    let config = CommitConfig { bug: Some(bug), ..CommitConfig::default() };
    let (seed, r, v) = (0..seeds(300))
        .find_map(|seed| {
            let r = sweep_run::<P>(config.clone(), faults, seed, true);
            let v = r.world().first_violation().cloned()?;
            Some((seed, r, v))
        })
        .unwrap_or_else(|| panic!("{} with {bug:?}: no violation", P::NAME));
    println!("{} bug={}: seed {seed} breaks {} at step {}: {}", P::NAME, bug.spec().name, v.property, v.step, v.detail);
    let mut again = Run::<P>::new(world(faults, 4), config, seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
    assert_eq!(v.property, bug.spec().breaks);
    v
}

#[test]
fn two_pc_with_crashes_loss_duplicates_and_partitions_never_breaks() {
    sweep_is_safe::<TwoPc>(Faults::All, seeds(60));
}

#[test]
fn three_pc_with_crashes_alone_never_breaks() {
    sweep_is_safe::<ThreePc>(Faults::Crashes, seeds(60));
}

#[test]
fn abort_after_yes_is_caught_and_replays() {
    bug_is_caught::<TwoPc>(CommitBug::AbortAfterYes, Faults::All);
}

fn saga_config(seed: u64) -> SagaConfig {
    // A third of the seeds run sagas that succeed, the rest fail at step 2 or 4.
    SagaConfig { fail_step: [None, Some(2), Some(4)][(seed % 3) as usize], ..SagaConfig::default() }
}

/// Garcia-Molina & Salem §3: with retries and idempotent steps, every saga
/// ends with all steps done or all done steps compensated, once each.
#[test]
fn saga_with_crashes_loss_duplicates_and_partitions_never_breaks() {
    let (mut done, mut compensated) = (0, 0);
    let n = seeds(60);
    for seed in 0..n {
        let r = sweep_run_n::<Saga>(5, saga_config(seed), Faults::All, seed, false);
        if let Some(v) = r.world().first_violation() {
            panic!(
                "saga seed {seed}: {} at step {}: {}\nactions: {}",
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        done += r.world().log().filter(|e| e.text.ends_with(" done") && e.text.starts_with("saga ")).count();
        compensated +=
            r.world().log().filter(|e| e.text.ends_with(" compensated") && e.text.starts_with("saga ")).count();
    }
    println!("saga: {n} seeds × {STEPS} steps: {done} sagas done, {compensated} compensated, no violation");
    assert!(done > 0 && compensated > 0, "done {done}, compensated {compensated}");
}

#[test]
fn compensate_twice_is_caught_and_replays() {
    let bug = SagaBug::CompensateTwice;
    let config = |seed| SagaConfig { bug: Some(bug), ..saga_config(seed) };
    let (seed, r, v) = (0..seeds(300))
        .find_map(|seed| {
            let r = sweep_run_n::<Saga>(5, config(seed), Faults::All, seed, true);
            let v = r.world().first_violation().cloned()?;
            Some((seed, r, v))
        })
        .expect("saga with compensate-twice: no violation");
    println!("saga bug={}: seed {seed} breaks {} at step {}: {}", bug.spec().name, v.property, v.step, v.detail);
    let mut again = Run::<Saga>::new(world(Faults::All, 5), config(seed), seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
    assert_eq!(v.property, bug.spec().breaks);
}

/// The outbox under crashes (mid-request too), loss, duplicates and
/// partitions: nothing applied without its commit, nothing twice, and once
/// healed and quiet, every committed change applied.
#[test]
fn outbox_with_crashes_loss_duplicates_and_partitions_never_breaks() {
    let n = seeds(60);
    let mut applied = 0;
    for seed in 0..n {
        let mut r = sweep_run_n::<Outbox>(4, OutboxConfig::default(), Faults::All, seed, false);
        // Liveness: heal, restart, let it drain; the quiet check then runs.
        r.act(Action::Heal).unwrap();
        for node in 0..4 {
            if r.world().status(node) == Status::Crashed {
                r.act(Action::Restart { node }).unwrap();
            }
        }
        for _ in 0..3000 {
            r.step();
        }
        if let Some(v) = r.world().first_violation() {
            panic!(
                "outbox seed {seed}: {} at step {}: {}\nactions: {}",
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        let w = r.world();
        let (txn::OutboxNode::Service { changes, outbox, .. }, txn::OutboxNode::Consumer { processed, .. }) =
            (w.node(0).node(), w.node(3).node())
        else {
            unreachable!()
        };
        assert!(outbox.is_empty(), "seed {seed}: the outbox did not drain");
        assert_eq!(processed.len(), *changes, "seed {seed}");
        applied += changes;
    }
    println!("outbox: {n} seeds × {STEPS} steps + 3000 quiet: {applied} changes, each applied exactly once");
    assert!(applied > n * 10);
}

#[test]
fn every_outbox_bug_is_caught_and_replays() {
    for &bug in OutboxBug::ALL {
        let config = OutboxConfig { bug: Some(bug), ..OutboxConfig::default() };
        let (seed, r, v) = (0..seeds(300))
            .find_map(|seed| {
                let r = sweep_run_n::<Outbox>(4, config.clone(), Faults::All, seed, true);
                let v = r.world().first_violation().cloned()?;
                Some((seed, r, v))
            })
            .unwrap_or_else(|| panic!("outbox with {bug:?}: no violation"));
        println!("outbox bug={}: seed {seed} breaks {} at step {}: {}", bug.spec().name, v.property, v.step, v.detail);
        let mut again = Run::<Outbox>::new(world(Faults::All, 4), config, seed, r.actions().to_vec());
        again.seek(v.step);
        assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
        assert_eq!(v.property, bug.spec().breaks);
    }
}
