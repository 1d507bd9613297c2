//! Simulator throughput: events (steps) per second of Raft under faults, at
//! 5 and 9 nodes, and trace-writing speed in bytes per second.
//!
//! The scenario is `cli::scenario` (also run by `cli bench`): drop 0.05,
//! dup 0.01, a partition and heal, a leader crash and restart, a client
//! request every 50 steps, all applied through `Session::act`. One iteration
//! opens a fresh run and steps it `LONG_RUN_STEPS` (1,000,000) times without
//! ever restarting it, so the Raft logs reach about 10,000 entries and every
//! cost that grows with the run (checks, snapshots, history) is in the
//! figure. `cli bench` prints the same run's first and last 100,000 events
//! separately.
//!
//! 10 samples of one iteration each: `cargo bench -p cli` takes about a
//! minute on two cores.

use cli::scenario;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

fn events_per_second(c: &mut Criterion) {
    let mut group = c.benchmark_group("raft_faults");
    group.sample_size(10).warm_up_time(Duration::from_millis(100)).measurement_time(Duration::from_secs(15));
    for nodes in [5u32, 9] {
        group.throughput(Throughput::Elements(scenario::LONG_RUN_STEPS));
        group.bench_with_input(BenchmarkId::new("events, one run of 1M", nodes), &nodes, |b, &nodes| {
            b.iter(|| {
                let mut session = scenario::open(nodes, 1);
                let driven = scenario::drive(&mut *session, scenario::LONG_RUN_STEPS);
                assert_eq!(driven.steps, scenario::LONG_RUN_STEPS);
                black_box(session.now())
            })
        });
    }
    group.finish();
}

/// Writing a trace replays the run from its inputs and serializes every
/// step, so this measures both, as `cli run --trace` does.
fn trace_bytes_per_second(c: &mut Criterion) {
    const STEPS: u64 = 5_000;
    let mut session = scenario::open(5, 1);
    scenario::drive(&mut *session, STEPS);
    let mut bytes = Vec::new();
    session.write_trace(&mut bytes).expect("writing to memory cannot fail");

    let mut group = c.benchmark_group("trace");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function(BenchmarkId::new("write", format!("5 nodes, {STEPS} steps")), |b| {
        b.iter(|| session.write_trace(&mut std::io::sink()).expect("the sink accepts everything"))
    });
    group.finish();
}

criterion_group!(benches, events_per_second, trace_bytes_per_second);
criterion_main!(benches);
