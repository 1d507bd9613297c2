//! One long run of the benchmark scenario, timed in windows: shows whether
//! the simulator's speed holds up as the Raft logs grow.
//!
//! `cargo run --profile cli -p cli --example long_run -- [STEPS] [NODES]`
//! (defaults: 1,000,000 steps, 5 nodes). Prints events/s for every window of
//! 100,000 steps, the overall rate, and the ratio of the last window to the
//! first (the project's goal: at least 0.8).

use cli::scenario;
use std::time::Instant;

const WINDOW: u64 = 100_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let steps: u64 = args.next().map_or(1_000_000, |s| s.parse().expect("STEPS is a number"));
    let nodes: u32 = args.next().map_or(5, |s| s.parse().expect("NODES is a number"));
    let mut session = scenario::open(nodes, 1);
    let mut rates = Vec::new();
    let (mut done, mut errors) = (0, 0);
    let start = Instant::now();
    while done < steps {
        let t = Instant::now();
        let driven = scenario::drive(&mut *session, WINDOW.min(steps - done));
        done += driven.steps;
        errors += driven.action_errors;
        let rate = driven.steps as f64 / t.elapsed().as_secs_f64();
        rates.push(rate);
        println!("steps {done:>9}: {rate:>12.0} events/s");
        if driven.steps < WINDOW.min(steps) {
            break;
        }
    }
    let total = start.elapsed().as_secs_f64();
    let longest = (0..nodes).map(|id| session.node_json(id).matches("\"cmd\"").count()).max().unwrap_or(0);
    println!(
        "{done} events in {total:.2} s: {:.0} events/s; last/first window {:.2}; longest log {longest} entries; \
         {errors} actions refused; violation: {:?}",
        done as f64 / total,
        rates.last().unwrap_or(&0.0) / rates.first().unwrap_or(&1.0),
        session.first_violation().map(|v| v.property),
    );
}
