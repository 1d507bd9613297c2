//! Host tests of the ring model.

use super::*;
use crate::model::cmd::Cmd;
use lab::Setup;

fn ring_core(seed: u64) -> Core {
    let mut setup = Setup::new(Algo::Ring);
    setup.seed = seed;
    Core::new(setup, None)
}

fn synced(core: &Core, scene: &mut Scene, ring: &mut Option<RingScene>) {
    scene.rebuild(core.session.as_ref(), &core.picture);
    sync(ring, scene, core, 0.0);
}

#[test]
fn the_ring_follows_members_and_a_join_moves_exactly_the_changed_keys() {
    let mut core = ring_core(1);
    let mut scene = Scene::default();
    let mut slot = None;
    synced(&core, &mut scene, &mut slot);
    let ring = slot.as_ref().expect("a ring run has a ring scene");
    assert_eq!(ring.members(), vec![0, 1, 2, 3]);
    assert_eq!(ring.with_status("standby"), vec![4, 5], "two nodes stand by to be added");
    assert_eq!(ring.ticks.len(), 400, "100 virtual nodes for each of 4 members");
    assert_eq!(ring.key_pos.len(), 200);
    assert_eq!(ring.loads.iter().map(|l| l.primary).sum::<u64>(), 200);
    assert!(ring.flights.is_empty() && ring.last_change.is_none());
    let total: f64 = ring.arcs.iter().map(|(s, e, _)| e - s).sum();
    assert!((total - 1.0).abs() < 1e-9, "arcs tile the circle: {total}");
    let before = ring.rings.holders.clone();

    core.apply(Cmd::Act(Action::Request { node: 4, cmd: "join".into() })).unwrap();
    for _ in 0..400 {
        core.apply(Cmd::Step(25)).unwrap();
        synced(&core, &mut scene, &mut slot);
        if slot.as_ref().unwrap().members().len() == 5 {
            break;
        }
    }
    let ring = slot.as_ref().unwrap();
    assert_eq!(ring.members(), vec![0, 1, 2, 3, 4], "the join completed");
    let change = ring.last_change.as_ref().expect("the change is measured");
    assert_eq!((change.joined.clone(), change.left.clone()), (vec![4], vec![]));
    let moves = ring::moves(&before, &ring.rings.holders, &ring.key_pos);
    assert_eq!(change.moved, moves.len());
    assert!(moves.iter().all(|m| m.to == Some(4)), "keys only move to the new node");
    assert_eq!(
        ring.flights.iter().map(|f| f.key as u32).collect::<Vec<_>>(),
        moves.iter().map(|m| m.key).collect::<Vec<_>>()
    );
    assert_eq!(change.expected, Some(0.2));
    assert!(change.modulo_moved_fraction > change.moved_fraction);
    assert!(ring.flying(100.0) && !ring.flying(FLIGHT_MS + 1.0));
}

#[test]
fn lookup_lists_the_preference_list_and_other_algorithms_have_no_ring() {
    let core = ring_core(3);
    let mut scene = Scene::default();
    let mut slot = None;
    synced(&core, &mut scene, &mut slot);
    let ring = slot.as_mut().unwrap();
    ring.set_lookup("user:42");
    let lookup = ring.lookup.clone().unwrap();
    assert_eq!(lookup.nodes, ring.rings.owners.preference_list(key_position("user:42"), 2));
    assert_eq!(lookup.nodes.len(), 2);
    assert_ne!(lookup.nodes[0], lookup.nodes[1]);
    ring.set_lookup("  ");
    assert!(ring.lookup.is_none());
    let raft = Core::new(Setup::default(), None);
    synced(&raft, &mut scene, &mut slot);
    assert!(slot.is_none());
}

#[test]
fn put_keys_past_the_initial_ones_are_added_once() {
    let act = |cmd: &str| sim::Scheduled { step: 0, action: Action::Request { node: 0, cmd: cmd.into() } };
    let actions = [act("put k3=x"), act("put user=1"), act("get user"), act("put user=2"), act("put k900=y")];
    assert_eq!(put_keys(&actions, 200), vec!["user".to_string(), "k900".to_string()]);
}

#[test]
fn the_lookup_and_the_comparison_are_commands() {
    let mut core = ring_core(3);
    let mut scene = Scene::default();
    let mut slot = None;
    core.apply(Cmd::RingLookup(" user:42 ".into())).unwrap();
    core.apply(Cmd::RingCompare(true)).unwrap();
    synced(&core, &mut scene, &mut slot);
    let ring = slot.as_ref().unwrap();
    assert_eq!(ring.lookup.as_ref().map(|l| l.key.as_str()), Some("user:42"));
    assert!(ring.compare);
    let rev = ring.rev;
    synced(&core, &mut scene, &mut slot);
    assert_eq!(slot.as_ref().unwrap().rev, rev, "an unchanged lookup is not redone");
    core.apply(Cmd::RingLookup(String::new())).unwrap();
    synced(&core, &mut scene, &mut slot);
    assert!(slot.as_ref().unwrap().lookup.is_none());
}
