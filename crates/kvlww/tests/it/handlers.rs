//! kv-lww's replica handlers and checker on hand-built states, tied to the
//! LWW register (Shapiro et al. 2011, spec. 9: the merge keeps the value of
//! the highest timestamp) and to the lost-update definition of `replica.rs`.

use kvlww::{
    Lww, LwwBug, LwwConfig, LwwDurable, LwwMsg, Node, Ts, Version, ONE_VALUE_PER_TIMESTAMP, TIMESTAMPS_ONLY_GROW,
};
use kvraft::client::{ClientMsg, Kind};
use protocol::{Checker, Cluster, Command, Input, Level, NodeRef, Note, OutOf, Protocol, Status};

fn replica(id: u32, config: &LwwConfig) -> Lww {
    Lww::new(id, &Cluster { nodes: 5 }, config, None)
}

fn write(to: &mut Lww, now: u64, from: u32, op: u64, value: u64) -> OutOf<Lww> {
    let mut out = OutOf::<Lww>::default();
    let msg = LwwMsg::Client(ClientMsg::Request { op, key: 0, kind: Kind::Write(value) });
    to.step(now, Input::Message { from, msg }, &mut out);
    out
}

fn gossip(from: &Lww, to: &mut Lww, now: u64) -> OutOf<Lww> {
    let versions = from.replica().unwrap().store.iter().map(|(k, v)| (*k, *v)).collect();
    let mut out = OutOf::<Lww>::default();
    to.step(now, Input::Message { from: from.id, msg: LwwMsg::Gossip { versions } }, &mut out);
    out
}

#[test]
fn a_write_is_stamped_with_the_replicas_clock_and_id_persisted_then_acknowledged() {
    let config = LwwConfig::default();
    let mut r = replica(1, &config);
    let out = write(&mut r, 120, 4, 0, 104);
    let v = r.replica().unwrap().store[&0];
    assert_eq!((v.value, v.ts, v.origin, v.seen), (104, Ts { time: 120, node: 1 }, 1, Ts::default()));
    assert!(matches!(out.commands()[0], Command::Persist(LwwDurable::Replica(_))));
    let stored = Note { level: Level::Info, text: "replica 1 stores x=104 @120.1 from client 4".into() };
    assert_eq!(out.commands()[1], Command::Emit(stored), "noted once persisted");
    assert_eq!(
        out.commands()[2],
        Command::Send { to: 4, msg: LwwMsg::Client(ClientMsg::Reply { op: 0, done: Some(Some(104)), leader: None }) }
    );
}

/// The merge keeps the highest timestamp, whatever the order of delivery.
#[test]
fn replicas_converge_on_the_highest_timestamp_in_either_order() {
    let config = LwwConfig::default();
    let (mut a, mut b) = (replica(0, &config), replica(2, &config));
    write(&mut a, 100, 3, 0, 103);
    write(&mut b, 130, 4, 0, 104);
    let a0 = a.clone();
    gossip(&b, &mut a, 140);
    gossip(&a0, &mut b, 140);
    assert_eq!(a.replica().unwrap().store, b.replica().unwrap().store);
    assert_eq!(a.replica().unwrap().store[&0].value, 104);
}

/// A write acknowledged at replica 0 and overwritten on merge by a write
/// that had not seen it is lost, counted at replica 0 only.
#[test]
fn an_acknowledged_write_replaced_by_one_that_never_saw_it_is_a_lost_update() {
    let config = LwwConfig::default();
    let (mut a, mut b) = (replica(0, &config), replica(2, &config));
    write(&mut a, 100, 3, 0, 103);
    write(&mut b, 130, 4, 0, 104);
    let b0 = b.clone();
    gossip(&a, &mut b, 140);
    assert_eq!(b.replica().unwrap().lost, 0, "b's write won: nothing of b's is lost");
    gossip(&b0, &mut a, 150);
    let r = a.replica().unwrap();
    assert_eq!(r.lost, 1);
    assert_eq!((r.recent_lost[0].write.value, r.recent_lost[0].to.value), (103, 104));
    // A write that had seen it replaces it without loss.
    let mut c = replica(1, &config);
    gossip(&a, &mut c, 160);
    write(&mut c, 170, 5, 0, 105);
    gossip(&c, &mut a, 180);
    assert_eq!(a.replica().unwrap().lost, 1);
}

/// A replica whose clock lags the version it holds acknowledges a write it
/// cannot keep: lost at once.
#[test]
fn a_write_stamped_below_the_held_version_is_acknowledged_and_lost_at_once() {
    let config = LwwConfig::default();
    let (mut a, mut b) = (replica(0, &config), replica(1, &config));
    write(&mut a, 500, 3, 0, 103);
    gossip(&a, &mut b, 510);
    let out = write(&mut b, 200, 4, 0, 104);
    assert!(out.commands().iter().any(|c| matches!(
        c,
        Command::Send { msg: LwwMsg::Client(ClientMsg::Reply { done: Some(Some(104)), .. }), .. }
    )));
    let r = b.replica().unwrap();
    assert_eq!((r.store[&0].value, r.lost), (103, 1));
}

#[test]
fn a_restarted_replica_has_its_versions_and_lost_count() {
    let config = LwwConfig::default();
    let mut a = replica(0, &config);
    let mut out = write(&mut a, 100, 3, 0, 103);
    let Some(Command::Persist(d)) = out.take().into_iter().find(|c| matches!(c, Command::Persist(_))) else { panic!() };
    let again = Lww::new(0, &Cluster { nodes: 5 }, &config, Some(&d));
    assert_eq!(again.replica().unwrap().store, a.replica().unwrap().store);
}

fn check(nodes: &[&Lww], checker: &mut kvlww::LwwChecker) -> Option<protocol::Violation> {
    let refs: Vec<NodeRef<'_, Lww>> =
        nodes.iter().map(|n| NodeRef { id: n.id, status: Status::Up, state: *n }).collect();
    checker.check(&refs)
}

fn set(n: &mut Lww, value: u64, ts: Ts) {
    let Node::Replica(r) = &mut n.node else { panic!() };
    r.store.insert(0, Version { value, ts, origin: n.id, seen: Ts::default() });
}

#[test]
fn the_checker_catches_a_timestamp_going_back() {
    let config = LwwConfig::default();
    let (mut a, b) = (replica(0, &config), replica(1, &config));
    let mut checker = kvlww::LwwChecker::default();
    set(&mut a, 103, Ts { time: 100, node: 0 });
    assert_eq!(check(&[&a, &b], &mut checker), None);
    set(&mut a, 104, Ts { time: 90, node: 1 });
    let v = check(&[&a, &b], &mut checker).expect("went back");
    assert_eq!((v.property, v.nodes.clone()), (TIMESTAMPS_ONLY_GROW, vec![0]), "{}", v.detail);
}

#[test]
fn the_checker_catches_two_values_at_one_timestamp() {
    let config = LwwConfig::default();
    let (mut a, mut b) = (replica(0, &config), replica(1, &config));
    let mut checker = kvlww::LwwChecker::default();
    set(&mut a, 103, Ts { time: 100, node: 0 });
    set(&mut b, 103, Ts { time: 100, node: 0 });
    assert_eq!(check(&[&a, &b], &mut checker), None, "the same version twice is fine");
    set(&mut b, 104, Ts { time: 100, node: 0 });
    let v = check(&[&a, &b], &mut checker).expect("a tie");
    assert_eq!((v.property, v.nodes.clone()), (ONE_VALUE_PER_TIMESTAMP, vec![0, 1]), "{}", v.detail);
}

#[test]
fn the_mutants_do_what_they_say() {
    let lwa = LwwConfig { bug: Some(LwwBug::LastArrivalWins), ..LwwConfig::default() };
    let (mut a, mut b) = (replica(0, &lwa), replica(1, &lwa));
    write(&mut a, 100, 3, 0, 103);
    write(&mut b, 200, 4, 0, 104);
    gossip(&a, &mut b, 210);
    assert_eq!(b.replica().unwrap().store[&0].value, 103, "the older version arrived last and won");
    let clock = LwwConfig { bug: Some(LwwBug::ClockOnlyTimestamps), ..LwwConfig::default() };
    let (mut a, mut b) = (replica(0, &clock), replica(1, &clock));
    write(&mut a, 100, 3, 0, 103);
    write(&mut b, 100, 4, 0, 104);
    gossip(&a, &mut b, 110);
    assert_eq!(b.replica().unwrap().store[&0].value, 104, "a tie keeps its own");
}
