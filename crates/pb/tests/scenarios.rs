//! Whole runs in the simulator: a crashed primary is replaced, a paused one
//! is suspected falsely, and fencing decides whether that is a split brain.

use pb::{Fencing, PbConfig, PrimaryBackup, ONE_PRIMARY_PER_EPOCH};
use sim::{Action, Run, Scheduled, SimConfig};

fn world() -> SimConfig {
    SimConfig { nodes: pb::NODES, latency_ms: [5, 15], drop: 0.0, dup: 0.0 }
}

fn run(config: PbConfig, actions: Vec<Scheduled>, steps: u64) -> Run<PrimaryBackup> {
    let mut r = Run::<PrimaryBackup>::new(world(), config, 1, actions);
    while r.steps() < steps && r.step() {}
    r
}

fn pause_primary(step: u64) -> Vec<Scheduled> {
    vec![Scheduled { step, action: Action::Pause { node: 1, for_ms: Some(600) } }]
}

#[test]
fn print_split_brain() {
    for fencing in [Fencing::None, Fencing::Epoch] {
        let r = run(PbConfig { fencing, ..PbConfig::default() }, pause_primary(40), 400);
        for l in r.world().log() {
            println!("{} t={} {:?}: {}", l.step, l.time, l.node, l.text);
        }
        println!("{fencing:?}: {:?}", r.world().first_violation());
        let _ = ONE_PRIMARY_PER_EPOCH;
    }
}
