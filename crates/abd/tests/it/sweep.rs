//! Seed sweeps (TigerBeetle's VOPR pattern, as in the other protocols'
//! sweeps): the clients' own workload, the soak's seeded driver
//! (`sim::chaos`) crashing, restarting and pausing servers and clients and
//! cutting the network, every step
//! checked by the live linearizability checker. The broken variant
//! (`no-write-back`) is caught with a new-old inversion that replays from
//! the recorded actions alone. `ABD_SEEDS=1000` runs the long sweep.

use abd::{Abd, AbdBug, AbdConfig, DECIDABLE, LINEARIZABILITY};
use sim::chaos::{Chaos, FaultModel};
use sim::{Run, SimConfig};

const STEPS: u64 = 1500;
const NODES: u32 = 6;

fn seeds(default: u64) -> u64 {
    std::env::var("ABD_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn world() -> SimConfig {
    SimConfig { nodes: NODES, latency_ms: [5, 60], drop: 0.05, dup: 0.02, ..SimConfig::default() }
}

fn sweep_run(config: AbdConfig, seed: u64, stop: bool) -> Run<Abd> {
    sweep_run_on(world(), config, seed, stop)
}

fn sweep_run_on(world: SimConfig, config: AbdConfig, seed: u64, stop: bool) -> Run<Abd> {
    let mut r = Run::<Abd>::new(world, config, seed, vec![]);
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

/// Operations completed, from the clients' counters.
fn completed(r: &Run<Abd>) -> u64 {
    (0..NODES).filter_map(|i| r.world().node(i).client().map(|c| c.ops)).sum()
}

#[test]
fn abd_with_crashes_loss_duplicates_and_partitions_stays_linearizable() {
    let n = seeds(1000);
    let mut ops = 0;
    for seed in 0..n {
        let r = sweep_run(AbdConfig::default(), seed, false);
        if let Some(v) = r.world().first_violation() {
            panic!(
                "seed {seed}: {} at step {}: {}\nactions: {}",
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        ops += completed(&r);
    }
    println!("abd: {n} seeds × {STEPS} steps: {ops} operations started, no violation");
    assert!(ops > n * 20, "only {ops} operations: the sweep does not exercise the register");
}

#[test]
fn no_write_back_is_caught_as_a_new_old_inversion_that_replays() {
    let config = AbdConfig { bug: Some(AbdBug::NoWriteBack), ..AbdConfig::default() };
    let (seed, r, v) = (0..seeds(300))
        .find_map(|seed| {
            let r = sweep_run(config.clone(), seed, true);
            let v = r.world().first_violation().cloned()?;
            Some((seed, r, v))
        })
        .expect("no-write-back: no violation");
    println!("abd bug=no-write-back: seed {seed} breaks {} at step {}: {}", v.property, v.step, v.detail);
    assert_eq!(v.property, LINEARIZABILITY, "{}", v.detail);
    assert_ne!(v.property, DECIDABLE);
    assert!(v.detail.contains("read"), "{}", v.detail);
    let mut again = Run::<Abd>::new(world(), config, seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
}

#[test]
fn abd_stays_linearizable_on_every_network_mode() {
    for network in sim::Network::ALL {
        for seed in 0..seeds(1000) / 5 {
            let r = sweep_run_on(SimConfig { network, ..world() }, AbdConfig::default(), seed, false);
            if let Some(v) = r.world().first_violation() {
                panic!("network={network} seed {seed}: {} at step {}: {}", v.property, v.step, v.detail);
            }
        }
    }
}
