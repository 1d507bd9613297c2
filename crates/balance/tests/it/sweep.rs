//! Seed sweeps (the VOPR pattern, as in `crates/txn/tests/it/sweep.rs`): each
//! seed picks a strategy and maybe a slow server; a seeded driver crashes,
//! restarts and pauses servers and partitions the cluster while the network
//! loses and duplicates messages; every step is checked. The broken
//! variants are caught and their counterexamples replay from the recorded
//! actions alone. `BALANCE_SEEDS=N` changes the number of seeds (1,000).

use balance::{Balance, BalanceBug, BalanceConfig, Strategy};
use protocol::{Bugs, Status};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Action, Run, SimConfig};

const STEPS: u64 = 800;
const NODES: u32 = 5;

fn seeds() -> u64 {
    std::env::var("BALANCE_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000)
}

fn world() -> SimConfig {
    SimConfig { nodes: NODES, latency_ms: [1, 20], drop: 0.05, dup: 0.02, ..SimConfig::default() }
}

fn config_for(seed: u64, bug: Option<BalanceBug>) -> BalanceConfig {
    BalanceConfig {
        strategy: Strategy::ALL[(seed % 4) as usize],
        slow: (seed % 3 != 0).then_some(1 + (seed % 4) as u32),
        max_queue: 4 + (seed % 8) as u32,
        timeout_ms: 500,
        bug,
        ..BalanceConfig::default()
    }
}

fn chaos(r: &mut Run<Balance>, rng: &mut ChaCha8Rng) {
    let server = rng.gen_range(1..NODES);
    let action = match (rng.gen_range(0..6u32), r.world().status(server)) {
        (0, Status::Up) => Action::Crash { node: server },
        (0 | 1, Status::Crashed) => Action::Restart { node: server },
        (2, Status::Up) => Action::Pause { node: server, for_ms: Some(rng.gen_range(50..500u64)) },
        (3, _) => Action::Partition { groups: vec![vec![0, server]] },
        (4, _) => Action::Heal,
        _ => return,
    };
    r.act(action).expect("chaos only picks valid actions");
}

fn sweep_run(config: BalanceConfig, seed: u64, stop: bool) -> Run<Balance> {
    let mut r = Run::<Balance>::new(world(), config, seed, vec![]);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xba1);
    while r.steps() < STEPS {
        if r.steps() % 50 == 25 {
            chaos(&mut r, &mut rng);
        }
        assert!(r.step(), "the balancer's timers never stop");
        if stop && r.world().first_violation().is_some() {
            break;
        }
    }
    r
}

#[test]
fn no_seed_loses_a_request_or_overfills_a_queue() {
    let (mut answered, mut refused, mut timed_out) = (0, 0, 0);
    for seed in 0..seeds() {
        let r = sweep_run(config_for(seed, None), seed, false);
        if let Some(v) = r.world().first_violation() {
            panic!(
                "seed {seed}: {} at step {}: {}\nactions: {}",
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        let b = r.world().node(0).balancer().unwrap();
        (answered, refused, timed_out) = (answered + b.answered, refused + b.rejected, timed_out + b.timed_out);
    }
    println!("{} seeds × {STEPS} steps: {answered} answered, {refused} refused, {timed_out} timed out", seeds());
    assert!(answered > seeds() * 100, "the sweep does not exercise the servers");
    assert!(refused > 0 && timed_out > 0, "full queues and lost messages happen");
}

fn caught(bug: BalanceBug) {
    let (seed, r, v) = (0..seeds())
        .find_map(|seed| {
            let r = sweep_run(config_for(seed, Some(bug)), seed, true);
            let v = r.world().first_violation().cloned()?;
            Some((seed, r, v))
        })
        .unwrap_or_else(|| panic!("{bug:?}: no violation"));
    println!("bug={}: seed {seed} breaks {} at step {}: {}", bug.name(), v.property, v.step, v.detail);
    assert_eq!(v.property, bug.spec().breaks);
    let mut again = Run::<Balance>::new(world(), config_for(seed, Some(bug)), seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "seed {seed}: the replay differs");
}

#[test]
fn drop_when_full_is_caught_and_replays() {
    caught(BalanceBug::DropWhenFull);
}

#[test]
fn unbounded_queue_is_caught_and_replays() {
    caught(BalanceBug::UnboundedQueue);
}
