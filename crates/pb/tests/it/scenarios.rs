//! Whole runs in the simulator: a crashed primary is replaced, a paused one
//! is suspected falsely, and fencing decides whether that is a split brain.

use pb::{Fencing, PbConfig, PrimaryBackup, ONE_PRIMARY_PER_EPOCH};
use sim::{Action, Run, Scheduled, SimConfig};

fn world() -> SimConfig {
    SimConfig { nodes: pb::NODES, latency_ms: [5, 15], drop: 0.0, dup: 0.0, ..SimConfig::default() }
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
fn a_crashed_primary_is_replaced_and_rejoins_as_backup_of_the_new_epoch() {
    let actions = vec![
        Scheduled { step: 40, action: Action::Crash { node: 1 } },
        Scheduled { step: 150, action: Action::Restart { node: 1 } },
    ];
    let r = run(PbConfig::default(), actions, 400);
    assert!(r.world().first_violation().is_none());
    let (one, two) = (r.world().node(1).replica().unwrap(), r.world().node(2).replica().unwrap());
    assert_eq!((two.primary, two.epoch), (true, 2));
    assert_eq!((one.primary, one.epoch), (false, 2), "the restarted replica learned the new epoch");
    assert_eq!(two.view, [2, 1], "the primary took it back");
    // The rejoined backup received the log (Sync) and follows it.
    assert_eq!(one.log.entries.back(), two.log.entries.back());
    assert!(r.world().node(0).client().unwrap().ok >= 10);
}

#[test]
fn a_paused_primary_is_fenced_with_epochs_and_splits_the_brain_without() {
    let fenced = run(PbConfig::default(), pause_primary(40), 400);
    assert!(fenced.world().first_violation().is_none());
    assert!(fenced.world().log().any(|l| l.text.contains("refuses w") && l.text.contains("stale epoch 1")));
    let one = fenced.world().node(1).replica().unwrap();
    assert!(
        !one.primary && one.accepted.is_some_and(|(e, _)| e == 1),
        "it accepted in epoch 1 only, then stepped down"
    );

    let unfenced = run(PbConfig { fencing: Fencing::None, ..PbConfig::default() }, pause_primary(40), 400);
    let v = unfenced.world().first_violation().expect("caught");
    assert_eq!(v.property, ONE_PRIMARY_PER_EPOCH);
    let both: Vec<bool> = (1..=2).map(|id| unfenced.world().node(id).replica().unwrap().primary).collect();
    assert_eq!(both, [true, true], "and both still believe they are primary");
}

#[test]
fn a_chain_passes_writes_head_to_tail_and_the_next_in_line_takes_over() {
    // van Renesse & Schneider 2004: updates enter at the head and are
    // acknowledged once the tail has them.
    let chain = PbConfig { topology: pb::Topology::Chain, ..PbConfig::default() };
    let world4 = SimConfig { nodes: 4, ..world() };
    let mut r = Run::<PrimaryBackup>::new(world4.clone(), chain.clone(), 1, vec![]);
    while r.steps() < 60 && r.step() {}
    let tail = r.world().node(3).replica().unwrap();
    assert!(tail.log.len > 0, "writes reach the tail");
    assert_eq!(r.world().node(1).replica().unwrap().view, [1, 2, 3]);
    // The head crashes, then the next in line: each time the first live replica takes over.
    let actions = vec![
        Scheduled { step: 60, action: Action::Crash { node: 1 } },
        Scheduled { step: 160, action: Action::Crash { node: 2 } },
    ];
    let mut r = Run::<PrimaryBackup>::new(world4, chain, 1, actions);
    while r.steps() < 120 && r.step() {}
    let two = r.world().node(2).replica().unwrap();
    assert_eq!((two.primary, two.epoch, two.view.as_slice()), (true, 2, &[2, 3][..]));
    while r.steps() < 400 && r.step() {}
    let three = r.world().node(3).replica().unwrap();
    assert_eq!((three.primary, three.epoch, three.view.as_slice()), (true, 3, &[3][..]));
    assert!(r.world().first_violation().is_none());
    assert!(r.world().log().any(|l| l.text.contains("replica 3 suspects primary 2")), "3 waited for 2, not for 1");
}
