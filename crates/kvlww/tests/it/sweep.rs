//! Seed sweeps (the VOPR pattern): the clients' own workload, a seeded
//! driver (`sim::chaos`, the soak's) crashing, restarting and pausing
//! replicas and clients, partitioning, cutting and healing the network over a lossy, duplicating network; every step
//! checked for an AP store's properties (never Linearizability, which a
//! correct LWW store does not have). Each broken variant is caught with a
//! counterexample that replays from the recorded actions alone.
//! `KV_SEEDS=N` changes the number of seeds.

use kvlww::{Lww, LwwBug, LwwConfig, ONE_VALUE_PER_TIMESTAMP, TIMESTAMPS_ONLY_GROW};
use sim::chaos::{Chaos, FaultModel};
use sim::{Run, SimConfig};

const STEPS: u64 = 1500;
const NODES: u32 = 6;

fn seeds(default: u64) -> u64 {
    std::env::var("KV_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn world() -> SimConfig {
    SimConfig { nodes: NODES, latency_ms: [5, 60], drop: 0.05, dup: 0.02, ..SimConfig::default() }
}

fn sweep_run(config: LwwConfig, seed: u64, stop: bool) -> Run<Lww> {
    let mut r = Run::<Lww>::new(world(), config, seed, vec![]);
    let mut chaos = Chaos::new(FaultModel::ALL, seed);
    while r.steps() < STEPS {
        chaos.before_step(&mut r);
        if !r.step() {
            break;
        }
        if stop && r.world().first_violation().is_some() {
            break;
        }
    }
    r
}

#[test]
fn kv_lww_with_crashes_loss_duplicates_and_partitions_keeps_its_properties() {
    let n = seeds(1000);
    let (mut started, mut lost) = (0, 0);
    for seed in 0..n {
        let r = sweep_run(LwwConfig::default(), seed, false);
        if let Some(v) = r.world().first_violation() {
            panic!(
                "seed {seed}: {} at step {}: {}\nactions: {}",
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        started += (0..NODES).filter_map(|i| r.world().node(i).client()).map(|c| c.ops).sum::<u64>();
        lost += (0..NODES).filter_map(|i| r.world().node(i).replica()).map(|r| r.lost).sum::<u64>();
    }
    println!("kv-lww: {n} seeds × {STEPS} steps: {started} operations started, {lost} updates lost, no violation");
    assert!(started > n * 20, "only {started} operations: the sweep does not exercise the store");
    assert!(lost > 0, "partitions and skew-free clocks still lose concurrent writes");
}

fn caught(bug: LwwBug, property: &str) {
    let config = LwwConfig { bug: Some(bug), ..LwwConfig::default() };
    let (seed, r, v) = (0..seeds(1000).min(300))
        .find_map(|seed| {
            let r = sweep_run(config.clone(), seed, true);
            let v = r.world().first_violation().cloned()?;
            Some((seed, r, v))
        })
        .unwrap_or_else(|| panic!("{bug:?}: no violation"));
    println!("kv-lww bug={bug:?}: seed {seed} breaks {} at step {}: {}", v.property, v.step, v.detail);
    assert_eq!(v.property, property, "{}", v.detail);
    let mut again = Run::<Lww>::new(world(), config, seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
}

#[test]
fn last_arrival_wins_is_caught_going_back_in_time_and_replays() {
    caught(LwwBug::LastArrivalWins, TIMESTAMPS_ONLY_GROW);
}

#[test]
fn clock_only_timestamps_are_caught_tying_and_replay() {
    caught(LwwBug::ClockOnlyTimestamps, ONE_VALUE_PER_TIMESTAMP);
}
