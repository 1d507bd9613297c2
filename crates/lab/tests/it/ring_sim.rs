//! The key-value store on the consistent-hash ring inside the simulator: a
//! seed sweep with crashes, joins, leaves and client writes (safety), the
//! cluster coming to rest once the faults stop (liveness), the checker
//! catching deliberately broken hand-offs with a replayable counterexample,
//! and determinism.
//!
//! The store follows Dynamo (DeCandia et al., SOSP 2007): keys live on their
//! preference list (§4.3), and a node joining or leaving moves exactly the
//! ranges that change owner (§4.9, after Karger et al., STOC 1997).

use protocol::Bugs;
use protocol::Status;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ring::kv::{self, Bug, KvConfig, KvNode, Status as Member};
use sim::{Action, Run, SimConfig, World};

type R = Run<KvNode>;

fn world(nodes: u32, drop: f64, dup: f64) -> SimConfig {
    SimConfig { nodes, latency_ms: [10, 40], drop, dup, ..SimConfig::default() }
}

fn act(r: &mut R, action: Action) {
    r.act(action.clone()).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

fn member_status(w: &World<KvNode>, id: u32) -> Member {
    w.node(id).status()
}

fn at_rest(w: &World<KvNode>) -> bool {
    kv::at_rest(&w.node_refs())
}

/// One random user action: mostly writes and reads, sometimes a join, a
/// leave, a crash or a restart. Draws from its own seeded stream, so a run
/// is replayable from its recorded actions alone.
fn chaos(r: &mut R, rng: &mut ChaCha8Rng) {
    let w = r.world();
    let n = w.node_count();
    let up: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Up).collect();
    let down: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Crashed).collect();
    let pick = |rng: &mut ChaCha8Rng, from: &[u32]| from[rng.gen_range(0..from.len() as u32) as usize];
    let owners = (0..n).filter(|&i| matches!(member_status(w, i), Member::Member | Member::Joining)).count();
    let standby: Vec<u32> = up.iter().copied().filter(|&i| member_status(w, i) == Member::Standby).collect();
    let members: Vec<u32> = up.iter().copied().filter(|&i| member_status(w, i) == Member::Member).collect();
    let action = match rng.gen_range(0..12u32) {
        0..=4 if !up.is_empty() => {
            let key = rng.gen_range(0..40u32);
            Action::Request { node: pick(rng, &up), cmd: format!("put x{key}=s{}", r.steps()) }
        }
        5 if !up.is_empty() => {
            Action::Request { node: pick(rng, &up), cmd: format!("get x{}", rng.gen_range(0..40u32)) }
        }
        6 if !standby.is_empty() => Action::Request { node: pick(rng, &standby), cmd: "join".into() },
        7 if !members.is_empty() && owners > 2 => Action::Request { node: pick(rng, &members), cmd: "leave".into() },
        8 if up.len() > 2 => Action::Crash { node: pick(rng, &up) },
        9..=11 if !down.is_empty() => Action::Restart { node: pick(rng, &down) },
        _ => return,
    };
    act(r, action);
}

struct Tally {
    acked: u64,
    joins: u64,
    leaves: u64,
    rest_steps: u64,
}

/// Drive `r` for `steps` steps with a chaos action every 25 steps.
fn drive(r: &mut R, rng: &mut ChaCha8Rng, steps: u64, tally: &mut Tally) {
    let mut before: Vec<Member> = (0..r.world().node_count()).map(|i| member_status(r.world(), i)).collect();
    while r.steps() < steps {
        if r.steps() % 25 == 10 {
            chaos(r, rng);
        }
        if !r.step() {
            chaos(r, rng);
        }
        let w = r.world();
        for (i, old) in before.iter_mut().enumerate() {
            let now = member_status(w, i as u32);
            match (*old, now) {
                (Member::Joining, Member::Member) => tally.joins += 1,
                (Member::Leaving, Member::Standby) => tally.leaves += 1,
                _ => {}
            }
            *old = now;
        }
        tally.rest_steps += u64::from(at_rest(w));
        if w.first_violation().is_some() {
            return;
        }
    }
}

fn replay_hint(r: &R, replicas: u32, drop: f64, dup: f64) -> String {
    format!(
        "replay: cli run --algo ring --nodes {} --seed {} --steps {} --drop {drop} --dup {dup} (replicas={replicas}) \
         --actions <(echo '{}')",
        r.world().node_count(),
        r.seed(),
        r.steps(),
        serde_json::to_string(r.actions()).unwrap()
    )
}

/// Safety phase: 300 seeds × 2,000 steps on 6 nodes (4 members, 2 standby),
/// with crashes and restarts, joins and leaves, writes and reads; every other
/// seed also loses 2% of messages and duplicates 2%, and the replica count
/// alternates between 1 and 2. No step may break either property.
#[test]
fn sweep_300_seeds_loses_no_acknowledged_write() {
    let mut tally = Tally { acked: 0, joins: 0, leaves: 0, rest_steps: 0 };
    for seed in 0..300u64 {
        let (drop, dup) = if seed % 2 == 1 { (0.02, 0.02) } else { (0.0, 0.0) };
        let replicas = 1 + (seed / 2 % 2) as u32;
        let config = KvConfig { keys: 60, vnodes: 16, replicas, members: Some(4), ..KvConfig::default() };
        let mut r = R::new(world(6, drop, dup), config, seed, vec![]);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x41c9);
        drive(&mut r, &mut rng, 2_000, &mut tally);
        if let Some(v) = r.world().first_violation() {
            panic!(
                "seed {seed}: {} at step {}: {}\n{}",
                v.property,
                v.step,
                v.detail,
                replay_hint(&r, replicas, drop, dup)
            );
        }
        tally.acked += (0..6).map(|i| r.world().node(i).acked().total()).sum::<u64>();
    }
    println!(
        "300 seeds × 2000 steps: {} puts acknowledged, {} joins and {} leaves completed, {} steps at rest \
         (placement checked), 0 violations",
        tally.acked, tally.joins, tally.leaves, tally.rest_steps
    );
    // The sweep must exercise what it claims to.
    assert!(tally.acked > 300 * 10, "only {} puts acknowledged", tally.acked);
    assert!(tally.joins > 300 && tally.leaves > 300, "{} joins, {} leaves", tally.joins, tally.leaves);
    assert!(tally.rest_steps > 300 * 50, "placement was checked at only {} steps", tally.rest_steps);
}

/// Drive a broken variant with the sweep's chaos until the checker finds a
/// violation; return the run and the seed.
fn find_violation(bug: Bug, replicas: u32) -> (R, KvConfig) {
    let config = KvConfig { keys: 60, vnodes: 16, replicas, members: Some(4), bug: Some(bug), ..KvConfig::default() };
    for seed in 0..50u64 {
        let mut r = R::new(world(6, 0.0, 0.0), config.clone(), seed, vec![]);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x41c9);
        let mut tally = Tally { acked: 0, joins: 0, leaves: 0, rest_steps: 0 };
        drive(&mut r, &mut rng, 2_000, &mut tally);
        if r.world().first_violation().is_some() {
            return (r, config);
        }
    }
    panic!("the checker never caught {bug:?} in 50 seeds");
}

/// The counterexample is the run's own recorded actions: replaying them
/// from the seed finds the same violation at the same step.
fn assert_replays(r: &R, config: &KvConfig) {
    let v = r.world().first_violation().unwrap().clone();
    let mut again = R::new(r.world().config().clone(), config.clone(), r.seed(), r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "replay");
}

/// Every mutant of the store ([`ring::kv::BUGS`]) is caught by the sweep's
/// chaos (crashes, restarts, joins, leaves, writes), breaking exactly the
/// property its spec names, and its counterexample replays. The match is
/// exhaustive: a new bug needs its story here.
#[test]
fn every_bug_is_caught_with_the_property_its_spec_names_and_replays() {
    for &bug in Bug::ALL {
        let (replicas, detail) = match bug {
            // A hand-off must not delete the key before the new owner
            // confirms it (the "hold until confirmed" rule of every copy;
            // Dynamo §4.9 transfers). With one replica, a key handed off and
            // deleted at once exists only on the wire.
            Bug::HandoffWithoutConfirm => (1, "no node holds it"),
            // After a change completes, a key lives on exactly its
            // preference list (Dynamo §4.3; the ranges of Karger et al.): a
            // node that keeps what it handed off is caught at rest.
            Bug::KeepHandedOff => (2, "preference list is"),
        };
        let (r, config) = find_violation(bug, replicas);
        let v = r.world().first_violation().unwrap();
        assert_eq!(v.property, bug.spec().breaks, "{}: {v:?}", bug.name());
        assert!(v.detail.contains(detail), "{}: {}", bug.name(), v.detail);
        println!("{} seed {}: {} at step {}: {}", bug.name(), r.seed(), v.property, v.step, v.detail);
        assert_replays(&r, &config);
    }
}

/// Liveness: after the faults stop (every node restarted, no more requests)
/// every change in progress completes and the cluster comes to rest, with
/// every key on its preference list, within 10 s of model time.
#[test]
fn after_the_faults_stop_the_cluster_comes_to_rest_within_10_s() {
    const BOUND_MS: u64 = 10_000;
    let mut worst = 0;
    for seed in 0..100u64 {
        let (drop, dup) = if seed % 2 == 1 { (0.02, 0.02) } else { (0.0, 0.0) };
        let config = KvConfig { keys: 60, vnodes: 16, replicas: 2, members: Some(4), ..KvConfig::default() };
        let mut r = R::new(world(6, drop, dup), config, seed, vec![]);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x11fe);
        let mut tally = Tally { acked: 0, joins: 0, leaves: 0, rest_steps: 0 };
        drive(&mut r, &mut rng, 1_500, &mut tally);
        for id in 0..6 {
            if r.world().status(id) == Status::Crashed {
                act(&mut r, Action::Restart { node: id });
            }
        }
        let stopped_at = r.world().now();
        while !at_rest(r.world()) {
            assert!(
                r.world().now() - stopped_at <= BOUND_MS,
                "seed {seed}: not at rest {BOUND_MS} ms after the faults stopped"
            );
            assert!(r.step(), "seed {seed}: the world ran out of events");
        }
        assert_eq!(r.world().first_violation(), None, "seed {seed}");
        worst = worst.max(r.world().now() - stopped_at);
    }
    println!("worst time from the last fault to rest over 100 seeds: {worst} ms (bound {BOUND_MS} ms)");
}

/// The same inputs give byte-identical traces; a run driven live replays
/// from its recorded actions to the same trace.
#[test]
fn traces_are_deterministic_and_live_actions_replay() {
    let config = KvConfig { keys: 60, vnodes: 16, members: Some(4), ..KvConfig::default() };
    let mut live = R::new(world(6, 0.02, 0.02), config.clone(), 42, vec![]);
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut tally = Tally { acked: 0, joins: 0, leaves: 0, rest_steps: 0 };
    drive(&mut live, &mut rng, 1_500, &mut tally);
    let mut replay = R::new(world(6, 0.02, 0.02), config, 42, live.actions().to_vec());
    replay.seek(1_500);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    sim::write_trace(&live, &mut a).unwrap();
    sim::write_trace(&replay, &mut b).unwrap();
    assert!(a == b, "live and replayed traces differ");
    let text = String::from_utf8(a).unwrap();
    assert!(text.contains(r#""nodes":[{"id":0,"up":true,"vnodes":16,"keys":"#), "node view format");
}

/// Karger et al. and Dynamo §4.9, end to end in the simulator with the
/// app's defaults (5 nodes, 4 members, R = 2, 100 virtual nodes, 200 keys):
/// node 4 joins, and when the cluster is at rest it holds exactly the keys
/// whose preference list gained it, every other node lost exactly those it
/// left, and the keys moved are about R/(N+1) of the copies. Then node 1
/// leaves and its keys go exactly to their new preference lists.
#[test]
fn a_join_and_a_leave_through_the_catalog_move_exactly_the_changed_ranges() {
    let mut setup = lab::Setup::new(lab::Algo::Ring);
    setup.seed = 7;
    let mut s = lab::open(&setup).unwrap();
    let keys: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
    let holders = |s: &dyn sim::Session| -> Vec<u32> {
        (0..5)
            .map(|i| {
                serde_json::from_str::<serde_json::Value>(&s.node_json(i)).unwrap()["keys"].as_u64().unwrap() as u32
            })
            .collect()
    };
    assert_eq!(holders(&*s), {
        let ring = ring::Ring::of(100, 0, 0..4);
        (0..5u32)
            .map(|n| keys.iter().filter(|k| ring.preference_list(ring::key_position(k), 2).contains(&n)).count() as u32)
            .collect::<Vec<_>>()
    });
    s.act(Action::Request { node: 4, cmd: "join".into() }).unwrap();
    for _ in 0..2_000 {
        s.step();
    }
    assert_eq!(s.first_violation(), None);
    let after = ring::Ring::of(100, 0, 0..5);
    let expect: Vec<u32> = (0..5u32)
        .map(|n| keys.iter().filter(|k| after.preference_list(ring::key_position(k), 2).contains(&n)).count() as u32)
        .collect();
    assert_eq!(holders(&*s), expect, "every node holds exactly its keys after the join");
    assert!((60..=100).contains(&expect[4]), "node 4 took {} of 400 copies (ideal 400/5 = 80)", expect[4]);
    assert_eq!(s.node_info(4).look.role, "member");

    s.act(Action::Request { node: 1, cmd: "leave".into() }).unwrap();
    for _ in 0..2_000 {
        s.step();
    }
    assert_eq!(s.first_violation(), None);
    let last = ring::Ring::of(100, 0, [0, 2, 3, 4]);
    let expect: Vec<u32> = (0..5u32)
        .map(|n| keys.iter().filter(|k| last.preference_list(ring::key_position(k), 2).contains(&n)).count() as u32)
        .collect();
    assert_eq!(holders(&*s), expect, "every node holds exactly its keys after the leave");
    assert_eq!(s.node_info(1).look.role, "standby");
}

/// Options reach the store, and a bad one is named.
#[test]
fn ring_options_are_parsed_and_checked() {
    let mut setup = lab::Setup::new(lab::Algo::Ring);
    for (k, v) in [("vnodes", "8"), ("replicas", "3"), ("keys", "50"), ("members", "5")] {
        setup.options.insert(k.into(), v.into());
    }
    setup.sim.nodes = 6;
    let s = lab::open(&setup).unwrap();
    assert!(s.protocol_config_json().contains(r#""vnodes":8,"replicas":3,"keys":50,"members":5"#));
    assert_eq!(s.node_info(5).look.role, "standby");
    setup.options.insert("members".into(), "7".into());
    assert_eq!(lab::open(&setup).err().unwrap().field, "members");
    setup.options.insert("members".into(), "auto".into());
    setup.options.insert("replicas".into(), "9".into());
    assert_eq!(lab::open(&setup).err().unwrap().field, "replicas");
}
