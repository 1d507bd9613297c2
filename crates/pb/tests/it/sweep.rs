//! Seed sweeps (TigerBeetle's VOPR pattern, as in `crates/txn/tests/it/sweep.rs`):
//! a seeded driver crashes, restarts, pauses and partitions the replicas
//! while messages are lost and duplicated, every step checked. With epoch
//! fencing no seed breaks the property under either detector; without
//! fencing, and with the `no-epoch-bump` mutant, the checker catches a split
//! brain whose counterexample replays from the recorded actions alone.
//! `PB_SEEDS=N` changes the number of seeds (1,000 by default).

use pb::{Detector, Fencing, PbBug, PbConfig, PrimaryBackup, Topology, ONE_PRIMARY_PER_EPOCH};
use protocol::{Bugs, Status};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Action, Run, SimConfig};

const STEPS: u64 = 600;

fn seeds() -> u64 {
    std::env::var("PB_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000)
}

fn world_of(nodes: u32) -> SimConfig {
    SimConfig { nodes, latency_ms: [5, 40], drop: 0.05, dup: 0.02, ..SimConfig::default() }
}

/// A chain of three replicas behind the client.
const CHAIN_NODES: u32 = 4;

fn nodes_of(config: &PbConfig) -> u32 {
    if config.topology == Topology::Chain {
        CHAIN_NODES
    } else {
        pb::NODES
    }
}

fn chaos(r: &mut Run<PrimaryBackup>, rng: &mut ChaCha8Rng) {
    let w = r.world();
    let replica = rng.gen_range(1..w.node_count());
    let action = match (rng.gen_range(0..6u32), w.status(replica)) {
        (0, Status::Up) => Action::Crash { node: replica },
        (1, Status::Crashed) | (0, Status::Crashed) => Action::Restart { node: replica },
        (2, Status::Up) => Action::Pause { node: replica, for_ms: Some(rng.gen_range(100..800u64)) },
        (3, _) => Action::Partition { groups: vec![vec![0, replica]] },
        (4, _) => Action::Heal,
        _ => return,
    };
    r.act(action).expect("chaos only picks valid actions");
}

fn sweep_run(config: PbConfig, seed: u64, stop: bool) -> Run<PrimaryBackup> {
    let mut r = Run::<PrimaryBackup>::new(world_of(nodes_of(&config)), config, seed, vec![]);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9b);
    while r.steps() < STEPS {
        if r.steps() % 40 == 20 {
            chaos(&mut r, &mut rng);
        }
        assert!(r.step(), "heartbeats never stop");
        if stop && r.world().first_violation().is_some() {
            break;
        }
    }
    r
}

fn promotions(r: &Run<PrimaryBackup>) -> usize {
    r.world().log().filter(|l| l.text.contains("promotes itself")).count()
}

fn never_breaks(config: PbConfig) {
    let (mut promoted, mut written) = (0, 0);
    for seed in 0..seeds() {
        let r = sweep_run(config.clone(), seed, false);
        if let Some(v) = r.world().first_violation() {
            panic!(
                "seed {seed}: {} at step {}: {}\nactions: {}",
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        promoted += promotions(&r);
        written += r.world().node(0).client().unwrap().ok;
    }
    println!(
        "{:?}: {} seeds × {STEPS} steps: {promoted} promotions, {written} writes acknowledged",
        config.detector,
        seeds()
    );
    assert!(promoted as u64 > seeds() / 2, "only {promoted} promotions: the faults do not exercise failover");
    assert!(written > seeds() * 5, "only {written} writes: the sweep does not exercise replication");
}

#[test]
fn with_epoch_fencing_no_seed_has_two_primaries_in_an_epoch() {
    never_breaks(PbConfig::default());
}

#[test]
fn with_the_phi_detector_too() {
    never_breaks(PbConfig { detector: Detector::Phi, ..PbConfig::default() });
}

#[test]
fn a_chain_of_three_is_safe_too() {
    never_breaks(PbConfig { topology: Topology::Chain, ..PbConfig::default() });
}

#[test]
fn an_unfenced_chain_is_caught() {
    caught(PbConfig { topology: Topology::Chain, fencing: Fencing::None, ..PbConfig::default() });
}

/// The first seed whose run breaks the property, checked to replay.
fn caught(config: PbConfig) -> (u64, sim::FirstViolation) {
    let (seed, r, v) = (0..seeds())
        .find_map(|seed| {
            let r = sweep_run(config.clone(), seed, true);
            let v = r.world().first_violation().cloned()?;
            Some((seed, r, v))
        })
        .unwrap_or_else(|| panic!("{config:?}: no violation"));
    let mut again = Run::<PrimaryBackup>::new(world_of(nodes_of(&config)), config, seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
    assert_eq!(v.property, ONE_PRIMARY_PER_EPOCH);
    (seed, v)
}

#[test]
fn without_fencing_a_false_suspicion_is_caught_and_replays() {
    let (seed, v) = caught(PbConfig { fencing: Fencing::None, ..PbConfig::default() });
    println!("fencing=none: seed {seed} breaks it at step {}: {}", v.step, v.detail);
}

#[test]
fn the_no_epoch_bump_mutant_is_caught_and_replays() {
    let bug = PbBug::NoEpochBump;
    let (seed, v) = caught(PbConfig { bug: Some(bug), ..PbConfig::default() });
    assert_eq!(v.property, bug.spec().breaks);
    println!("bug={}: seed {seed} breaks it at step {}: {}", bug.name(), v.step, v.detail);
}
