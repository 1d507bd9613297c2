//! A node copied into another node's allocations (`clone_from`, what the
//! model checker does for every step) is the node `clone` makes, whatever
//! phase either was in.

use paxos::{Ballot, Durable, MultiPaxos, Paxos, PaxosConfig, PaxosTimer, SlotValue};
use protocol::{Cluster, Fingerprint, Input, Out, Protocol};
use std::hash::Hasher;

fn step<P: Protocol<Msg = paxos::Msg, Timer = PaxosTimer>>(node: &mut P, input: Input<paxos::Msg, PaxosTimer>) {
    let mut out = Out::default();
    node.step(0, input, &mut out);
}

fn promise(
    node: &mut impl Protocol<Msg = paxos::Msg, Timer = PaxosTimer>,
    from: u32,
    ballot: Ballot,
    accepted: Vec<SlotValue>,
) {
    step(node, Input::Message { from, msg: paxos::Msg::Promise { ballot, accepted } });
}

fn fingerprint<P: Protocol>(node: &P) -> u64 {
    let mut h = Fingerprint::default();
    node.fingerprint(&mut h);
    h.finish()
}

/// Every pair, each way round: `clone_from` gives `clone`'s node, by its
/// whole `Debug` text and by its fingerprint.
fn each_copy_is_a_clone<P: Protocol + std::fmt::Debug>(states: &[P]) {
    for into in states {
        for from in states {
            let mut copy = into.clone();
            copy.clone_from(from);
            assert_eq!(format!("{copy:?}"), format!("{from:?}"), "copied over {into:?}");
            assert_eq!(fingerprint(&copy), fingerprint(from));
        }
    }
}

#[test]
fn a_single_decree_node_copied_into_another_is_its_clone() {
    let cluster = Cluster { nodes: 5 };
    let config = PaxosConfig::default();
    let mut states = Vec::new();
    let mut proposer = Paxos::new(1, &cluster, &config, None);
    states.push(proposer.clone());
    step(&mut proposer, Input::Request { cmd: "v1".into() });
    states.push(proposer.clone());
    let b = Ballot(1, 1);
    let reported = vec![SlotValue { slot: 0, ballot: Ballot(0, 0), value: "old".into() }];
    promise(&mut proposer, 2, b, reported);
    states.push(proposer.clone());
    promise(&mut proposer, 3, b, vec![]);
    states.push(proposer.clone());
    step(&mut proposer, Input::Timer(PaxosTimer::Retry));
    states.push(proposer.clone());
    let mut acceptor = Paxos::new(2, &cluster, &config, None);
    step(&mut acceptor, Input::Message { from: 1, msg: paxos::Msg::Prepare { ballot: b, from_slot: 0 } });
    states.push(acceptor.clone());
    step(&mut acceptor, Input::Message { from: 1, msg: paxos::Msg::Accept { ballot: b, slot: 0, value: "v1".into() } });
    states.push(acceptor.clone());
    let phases: std::collections::BTreeSet<String> =
        states.iter().map(|p| format!("{:?}", p.phase()).split([' ', '{']).next().unwrap_or("").to_string()).collect();
    assert!(phases.len() >= 4, "the states cover the phases: {phases:?}");
    each_copy_is_a_clone(&states);
    let durables: Vec<Durable> = states.iter().map(Paxos::durable).collect();
    for into in &durables {
        for from in &durables {
            let mut copy = into.clone();
            copy.clone_from(from);
            assert_eq!(&copy, from);
        }
    }
}

#[test]
fn a_multi_paxos_replica_copied_into_another_is_its_clone() {
    let cluster = Cluster { nodes: 3 };
    let config = PaxosConfig::multi();
    let mut states = Vec::new();
    let mut l = MultiPaxos::new(0, &cluster, &config, None);
    step(&mut l, Input::Start);
    states.push(l.clone());
    step(&mut l, Input::Request { cmd: "early".into() });
    step(&mut l, Input::Timer(PaxosTimer::LeaderTimeout));
    states.push(l.clone());
    let b = Ballot(1, 0);
    let sv = |slot, value: &str| SlotValue { slot, ballot: Ballot(0, 2), value: value.into() };
    promise(&mut l, 1, b, vec![sv(0, "a"), sv(2, "c")]);
    states.push(l.clone());
    promise(&mut l, 2, b, vec![sv(0, "a")]);
    assert!(l.is_leader());
    states.push(l.clone());
    step(&mut l, Input::Request { cmd: "d".into() });
    states.push(l.clone());
    let mut follower = MultiPaxos::new(1, &cluster, &config, None);
    step(&mut follower, Input::Start);
    step(&mut follower, Input::Message { from: 0, msg: paxos::Msg::Accept { ballot: b, slot: 0, value: "a".into() } });
    states.push(follower);
    let leads: std::collections::BTreeSet<String> =
        states.iter().map(|p| format!("{:?}", p.lead()).split([' ', '{']).next().unwrap_or("").to_string()).collect();
    assert_eq!(leads.len(), 3, "the states cover follower, candidate and leader: {leads:?}");
    each_copy_is_a_clone(&states);
}
