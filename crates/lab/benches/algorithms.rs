//! Simulator throughput for every algorithm in the catalog: events (steps)
//! per second, with the safety checker running after every step.
//!
//! The scenario is the same for all: 5 nodes (the algorithm's default when
//! it needs more, or when five is not a size it runs at), a lossy, duplicating network (drop 0.05, dup 0.01), a
//! client request every 50 steps to the leader if there is one and otherwise
//! to the nodes in turn, and every 1,000 steps a crash that is restarted 300
//! steps later, all through `Session::act` as clicks in the app are. A run
//! that has nothing left to do (a single-decree Paxos value is chosen) gets
//! its next client request at once, as a user clicking "request" would; only
//! a run that still cannot step is replaced by a fresh one with the next
//! seed. Every iteration processes exactly `STEPS` events, so the figure is
//! events per second, not runs opened per second: opening a run is measured
//! on its own (`open/ALGO`).
//!
//! Short (10 samples of 2 s) so that `cargo bench -p lab` stays near a minute
//! and a half on two cores.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lab::{Setup, ALGOS};
use protocol::Status;
use sim::{Action, Session};
use std::hint::black_box;
use std::time::Duration;

const STEPS: u64 = 10_000;

fn open(setup: &Setup, seed: u64) -> Box<dyn Session> {
    lab::open(&Setup { seed, ..setup.clone() }).expect("the scenario's setup is valid")
}

fn poke(session: &mut dyn Session, tick: u64) {
    let step = session.steps();
    let n = session.node_count();
    if step % 50 == 0 {
        let leader = (0..n).find(|&id| session.node_info(id).look.role == "leader");
        let node = leader.unwrap_or((tick / 50 % u64::from(n)) as u32);
        let _ = session.act(Action::Request { node, cmd: format!("x{tick}") });
    }
    let victim = (tick / 1000 % u64::from(n)) as u32;
    match step % 1000 {
        500 if session.node_info(victim).status == Status::Up => {
            let _ = session.act(Action::Crash { node: victim });
        }
        800 => {
            for id in 0..n {
                if session.node_info(id).status == Status::Crashed {
                    let _ = session.act(Action::Restart { node: id });
                }
            }
        }
        _ => {}
    }
}

/// An idle run gets a client request now, at each node in turn until one
/// makes something happen (not every node takes requests: a Paxos acceptor
/// does not); `true` when that request led to an event.
fn wake(session: &mut dyn Session, tick: u64) -> bool {
    let n = u64::from(session.node_count());
    (0..n).any(|k| {
        let node = ((tick + k) % n) as u32;
        session.act(Action::Request { node, cmd: format!("x{tick}") }).is_ok() && session.step()
    })
}

fn events_per_second(c: &mut Criterion) {
    let mut group = c.benchmark_group("events");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(STEPS));
    for info in ALGOS {
        let mut setup = Setup::new(info.algo);
        setup.sim.nodes = info.default_nodes.max(5).min(info.max_nodes);
        setup.sim.drop = 0.05;
        setup.sim.dup = 0.01;
        if setup.validate().is_err() {
            // Five is not a size it runs at (primary-backup's pair is three).
            setup.sim.nodes = info.default_nodes;
        }
        group.bench_function(BenchmarkId::from_parameter(info.name), |b| {
            b.iter(|| {
                let mut seed = 1;
                let mut session = open(&setup, seed);
                let mut tick = 0;
                while tick < STEPS {
                    poke(&mut *session, tick);
                    if session.step() {
                        tick += 1;
                        continue;
                    }
                    if wake(&mut *session, tick) {
                        tick += 1;
                    } else {
                        seed += 1;
                        session = open(&setup, seed);
                    }
                }
                black_box(session.now())
            })
        });
    }
    group.finish();
}

/// Opening a run of each algorithm: options parsed, world built, nodes
/// started. The app does this on every reset and option change.
fn open_a_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("open");
    group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    for info in ALGOS {
        let setup = Setup::new(info.algo);
        group.bench_function(BenchmarkId::from_parameter(info.name), |b| b.iter(|| black_box(open(&setup, 1).now())));
    }
    group.finish();
}

criterion_group!(benches, events_per_second, open_a_run);
criterion_main!(benches);
