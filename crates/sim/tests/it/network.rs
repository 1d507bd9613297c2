//! Channel semantics on the toy protocol, over many seeds with random
//! latency, loss, duplication and partitions: a reliable network delivers
//! each link in send order, loses nothing but to a crash and never
//! duplicates; an at-least-once network loses nothing but to a crash. The
//! lossy network is the world's original one (the golden digests in
//! `crates/lab/tests/it/golden.rs` pin it).

use crate::toy;

use sim::journal::Happening;
use sim::{Action, EventRecord, LossReason, Network, Run, SimConfig};
use std::collections::{BTreeMap, BTreeSet};
use toy::{Toy, ToyConfig};

const SEEDS: u64 = 200;
const STEPS: u64 = 600;

/// What a run did to its messages.
#[derive(Default)]
struct Seen {
    sent: BTreeSet<u64>,
    delivered: Vec<(u32, u32, u64)>,
    lost: Vec<(u64, LossReason)>,
    held_for_network: usize,
    /// Second copies the network put on the wire (the toy sends one ping
    /// per link per step, so two in one step are a duplicate).
    duplicates: usize,
}

fn run(network: Network, seed: u64, crashes: bool) -> Seen {
    let config = SimConfig { nodes: 4, latency_ms: [1, 60], drop: 0.3, dup: 0.2, network };
    let mut r = Run::<Toy>::with_journal(config, ToyConfig::default(), seed, vec![]);
    let mut seen = Seen::default();
    while r.steps() < STEPS {
        match r.steps() % 100 {
            10 => r.act(Action::Partition { groups: vec![vec![0, 1]] }).unwrap(),
            40 => r.act(Action::Heal).unwrap(),
            60 => r.act(Action::Cut { from: 2, to: 3 }).unwrap(),
            80 => r.act(Action::Uncut { from: 2, to: 3 }).unwrap(),
            _ => {}
        }
        if crashes && r.steps() % 150 == 70 {
            let _ = r.act(Action::Crash { node: 1 });
        }
        if crashes && r.steps() % 150 == 120 {
            let _ = r.act(Action::Restart { node: 1 });
        }
        if !r.step() {
            break;
        }
        let mut links = BTreeSet::new();
        for h in r.world().journal() {
            match h {
                Happening::Sent { msg, from, to, .. } => {
                    seen.sent.insert(*msg);
                    if !links.insert((*from, *to)) {
                        seen.duplicates += 1;
                    }
                }
                Happening::Lost { msg, reason } => seen.lost.push((*msg, *reason)),
                _ => {}
            }
        }
        match r.world().last_event() {
            Some(EventRecord::Deliver { msg }) => seen.delivered.push((msg.from, msg.to, msg.id)),
            Some(EventRecord::Held { what, .. }) if what.starts_with("message") => seen.held_for_network += 1,
            _ => {}
        }
    }
    seen
}

#[test]
fn reliable_delivers_each_link_in_send_order_without_loss_or_duplicates() {
    let mut held = 0;
    for seed in 0..SEEDS {
        let seen = run(Network::Reliable, seed, false);
        let mut last: BTreeMap<(u32, u32), u64> = BTreeMap::new();
        for &(from, to, id) in &seen.delivered {
            if let Some(before) = last.insert((from, to), id) {
                assert!(before < id, "seed {seed}: {from}→{to} delivered {id} after {before}");
            }
        }
        assert!(seen.lost.is_empty(), "seed {seed}: lost {:?}", seen.lost);
        let ids: BTreeSet<u64> = seen.delivered.iter().map(|d| d.2).collect();
        assert_eq!(ids.len(), seen.delivered.len(), "seed {seed}: a message delivered twice");
        assert_eq!(seen.duplicates, 0, "seed {seed}: a reliable network duplicated");
        assert_eq!(seen.sent.len(), seen.delivered.len() + count_in_flight(Network::Reliable, seed), "seed {seed}");
        held += seen.held_for_network;
    }
    assert!(held as u64 > SEEDS, "only {held} retransmissions: the cuts did not bite");
}

/// Messages still in flight when a run of [`run`] ends.
fn count_in_flight(network: Network, seed: u64) -> usize {
    let config = SimConfig { nodes: 4, latency_ms: [1, 60], drop: 0.3, dup: 0.2, network };
    let mut r = Run::<Toy>::new(config, ToyConfig::default(), seed, vec![]);
    while r.steps() < STEPS {
        match r.steps() % 100 {
            10 => r.act(Action::Partition { groups: vec![vec![0, 1]] }).unwrap(),
            40 => r.act(Action::Heal).unwrap(),
            60 => r.act(Action::Cut { from: 2, to: 3 }).unwrap(),
            80 => r.act(Action::Uncut { from: 2, to: 3 }).unwrap(),
            _ => {}
        }
        if !r.step() {
            break;
        }
    }
    r.world().in_flight().count()
}

#[test]
fn reliable_loses_only_what_was_on_its_way_to_a_crashed_node() {
    for seed in 0..SEEDS {
        let seen = run(Network::Reliable, seed, true);
        for (msg, reason) in &seen.lost {
            assert_eq!(*reason, LossReason::NodeDown, "seed {seed}: message {msg}");
        }
    }
}

#[test]
fn at_least_once_loses_nothing_but_to_a_crash_and_still_duplicates() {
    let mut duplicates = 0;
    for seed in 0..SEEDS {
        let seen = run(Network::AtLeastOnce, seed, true);
        for (msg, reason) in &seen.lost {
            assert_eq!(*reason, LossReason::NodeDown, "seed {seed}: message {msg}");
        }
        let seen = run(Network::AtLeastOnce, seed, false);
        assert!(seen.lost.is_empty(), "seed {seed}: {:?}", seen.lost);
        duplicates += seen.duplicates;
    }
    assert!(duplicates as u64 > SEEDS, "{duplicates} duplicates");
}

#[test]
fn drop_and_duplicate_are_refused_with_words_where_they_cannot_happen() {
    for (network, action) in
        [(Network::Reliable, "drop"), (Network::Reliable, "duplicate"), (Network::AtLeastOnce, "drop")]
    {
        let config = SimConfig { nodes: 3, network, ..SimConfig::default() };
        let mut r = Run::<Toy>::new(config, ToyConfig::default(), 1, vec![]);
        while r.world().in_flight().next().is_none() {
            assert!(r.step());
        }
        let msg = r.world().in_flight().next().unwrap().id;
        let act = if action == "drop" { Action::Drop { msg } } else { Action::Duplicate { msg } };
        let err = r.act(act).unwrap_err().to_string();
        assert!(err.contains(network.name()) && err.contains(action), "{err}");
    }
}

/// The checks above can fail: on the lossy network the same runs reorder,
/// lose and duplicate.
#[test]
fn the_lossy_network_reorders_loses_and_duplicates() {
    let (mut reordered, mut lost, mut duplicated) = (false, false, false);
    for seed in 0..20 {
        let seen = run(Network::Lossy, seed, false);
        let mut last: BTreeMap<(u32, u32), u64> = BTreeMap::new();
        reordered |= seen.delivered.iter().any(|&(from, to, id)| last.insert((from, to), id).is_some_and(|b| b > id));
        lost |= seen.lost.iter().any(|(_, r)| *r == LossReason::Network);
        duplicated |= seen.duplicates > 0;
    }
    assert!(reordered && lost && duplicated, "{reordered} {lost} {duplicated}");
}
