//! The network mode at the lab's edges: a link's `&network=`, a run file
//! and a trace carry it, the default (`lossy`) is left out of all three, a
//! bad one is named; and Raft and Paxos stay safe under every mode.

use lab::{file, open, query, Algo, Setup};
use sim::{Action, Network};

fn link(setup: &Setup) -> String {
    query::encode(setup, 0).into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

fn parse(link: &str) -> Result<query::Query, lab::SetupError> {
    query::parse(link.split('&').map(|p| p.split_once('=').unwrap_or((p, ""))))
}

#[test]
fn a_link_a_run_file_and_a_trace_carry_the_network_mode_and_leave_out_the_default() {
    let mut setup = Setup::new(Algo::Abd);
    assert!(!link(&setup).contains("network"));
    assert!(!file::write_run(&setup, 0).contains("network"));
    for network in [Network::Reliable, Network::AtLeastOnce] {
        setup.sim.network = network;
        let text = link(&setup);
        assert!(text.contains(&format!("network={}", network.name())), "{text}");
        assert_eq!(parse(&text).unwrap().setup, setup);
        let run = file::write_run(&setup, 10);
        assert_eq!(file::open(&run).unwrap().run().setup, setup);
        let mut s = open(&setup).unwrap();
        s.seek(50);
        let mut trace = Vec::new();
        s.write_trace(&mut trace).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&trace).unwrap();
        assert_eq!(doc["config"]["network"], network.name());
        let reopened = file::open(std::str::from_utf8(&trace).unwrap()).unwrap();
        assert_eq!(reopened.run().setup.sim.network, network);
        file::replay(&reopened, 50).unwrap();
    }
    let err = parse("algo=raft&network=tcp").unwrap_err();
    assert_eq!(err.field, "network");
    assert!(err.reason.contains("reliable, lossy, at-least-once"), "{err}");
}

/// A seeded sweep of Raft and Paxos under each mode, with crashes,
/// partitions, loss and duplication (the modes decide what the last two
/// mean): no safety property breaks.
#[test]
fn raft_and_paxos_stay_safe_under_every_network_mode() {
    for network in Network::ALL {
        for algo in [Algo::Raft, Algo::Paxos, Algo::MultiPaxos] {
            for seed in 0..12 {
                let mut setup = Setup::new(algo);
                setup.seed = seed;
                setup.sim.drop = 0.1;
                setup.sim.dup = 0.05;
                setup.sim.network = network;
                let mut s = open(&setup).unwrap();
                let n = s.node_count();
                for step in 0..1200u64 {
                    let node = (step / 37 % u64::from(n)) as u32;
                    match step % 150 {
                        5 | 60 => drop(s.act(Action::Request { node, cmd: format!("v{step}") })),
                        40 => drop(s.act(Action::Crash { node })),
                        90 => drop(s.act(Action::Partition { groups: vec![vec![0, 1]] })),
                        120 => {
                            drop(s.act(Action::Heal));
                            for id in 0..n {
                                drop(s.act(Action::Restart { node: id }));
                            }
                        }
                        _ => {}
                    }
                    if !s.step() {
                        drop(s.act(Action::Request { node, cmd: format!("w{step}") }));
                    }
                }
                if let Some(v) = s.first_violation() {
                    panic!("{algo} network={network} seed {seed}: {} at step {}: {}", v.property, v.step, v.detail);
                }
            }
        }
    }
}

/// Every algorithm of the catalog runs under each mode: with loss and
/// duplication drawn (which the mode turns into what it promises) and no
/// other fault, each keeps every safety property and keeps working (it
/// processes events to the end of the run, or finishes what it had to do).
#[test]
fn every_algorithm_runs_safely_under_every_network_mode() {
    for network in Network::ALL {
        for info in lab::ALGOS {
            for seed in 0..3 {
                let mut setup = Setup::new(info.algo);
                setup.seed = seed;
                setup.sim.drop = 0.05;
                setup.sim.dup = 0.05;
                setup.sim.network = network;
                let mut s = open(&setup).unwrap();
                while s.steps() < 800 && s.step() {}
                // Stopped early only with nothing left to do (single-decree
                // Paxos waits for a request): never stuck on the network.
                assert!(
                    s.steps() == 800 || s.next_event_time().is_none(),
                    "{} on {}: stuck at step {}",
                    info.name,
                    network.name(),
                    s.steps()
                );
                assert!(
                    s.first_violation().is_none(),
                    "{} on {} (seed {seed}): {:?}",
                    info.name,
                    network.name(),
                    s.first_violation()
                );
            }
        }
    }
}
