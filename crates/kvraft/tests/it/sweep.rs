//! Seed sweeps (the VOPR pattern, as ABD's): the clients' own workload, a
//! seeded driver (`sim::chaos`, the soak's) crashing, restarting and pausing
//! servers and clients, partitioning, cutting and healing the network over a lossy, duplicating network; every step
//! checked for Raft's properties and for Linearizability of the clients'
//! history. The broken variant `stale-read` is caught with a
//! counterexample that replays from the recorded actions alone.
//! `KV_SEEDS=N` changes the number of seeds.

use kvraft::{KvRaft, KvRaftBug, KvRaftConfig, LINEARIZABILITY};
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

fn sweep_run(config: KvRaftConfig, seed: u64, stop: bool) -> Run<KvRaft> {
    let mut r = Run::<KvRaft>::new(world(), config, seed, vec![]);
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
fn kv_raft_with_crashes_loss_duplicates_and_partitions_stays_linearizable() {
    let n = seeds(1000);
    let (mut started, mut ok) = (0, 0);
    for seed in 0..n {
        let r = sweep_run(KvRaftConfig::default(), seed, false);
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
        ok += (0..NODES)
            .filter_map(|i| r.world().node(i).client())
            .flat_map(|c| c.first.iter())
            .filter(|d| matches!(d.outcome, kvraft::client::Outcome::Ok(_)))
            .count() as u64;
    }
    println!(
        "kv-raft: {n} seeds × {STEPS} steps: {started} operations started ({ok} ok among the first kept), no violation"
    );
    assert!(ok > n * 10, "only {ok} operations ok: the sweep does not exercise the store");
}

#[test]
fn stale_read_is_caught_by_linearizability_and_replays() {
    let config = KvRaftConfig { bug: Some(KvRaftBug::StaleRead), ..KvRaftConfig::default() };
    let (seed, r, v) = (0..seeds(1000).min(300))
        .find_map(|seed| {
            let r = sweep_run(config.clone(), seed, true);
            let v = r.world().first_violation().cloned()?;
            Some((seed, r, v))
        })
        .expect("stale-read: no violation");
    println!("kv-raft bug=stale-read: seed {seed} breaks {} at step {}: {}", v.property, v.step, v.detail);
    assert_eq!(v.property, LINEARIZABILITY, "{}", v.detail);
    assert!(v.detail.contains("read"), "{}", v.detail);
    let mut again = Run::<KvRaft>::new(world(), config, seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
}
