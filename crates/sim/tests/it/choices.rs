//! The model checker's choices as actions: `deliver` and `fire` make one
//! event the next, out of its time order, and a world's fingerprint sees
//! messages in flight as a multiset.

use crate::toy;

use sim::{parse_actions, Action, EventRecord, Run, SimConfig};
use toy::{Toy, ToyConfig};

fn run(actions: &str) -> Run<Toy> {
    let config = SimConfig { nodes: 3, ..SimConfig::default() };
    Run::new(config, ToyConfig::default(), 7, parse_actions(actions, 3).unwrap())
}

fn timer_node(run: &Run<Toy>) -> Option<u32> {
    match run.world().last_event() {
        Some(EventRecord::Timer { node, .. }) => Some(*node),
        _ => None,
    }
}

#[test]
fn fire_makes_a_chosen_timer_the_next_event() {
    // Whichever node's timer is due first, each can be made to fire first.
    for node in 0..3 {
        let mut r = run(&format!(r#"[{{"step":0,"do":"fire","node":{node},"timer":"tick"}}]"#));
        assert!(r.step());
        assert_eq!(timer_node(&r), Some(node));
        assert!(r.action_errors().next().is_none());
    }
}

#[test]
fn deliver_makes_a_chosen_message_the_next_event_and_time_never_runs_back() {
    let mut r =
        run(r#"[{"step":0,"do":"fire","node":0,"timer":"tick"},{"step":1,"do":"fire","node":1,"timer":"tick"}]"#);
    r.seek(2);
    let ids: Vec<u64> = r.world().in_flight().map(|e| e.id).collect();
    assert_eq!(ids.len(), 2);
    // Deliver the later-sent one first, then the other.
    for &id in ids.iter().rev() {
        let before = r.world().now();
        r.act(Action::Deliver { msg: id }).unwrap();
        assert!(r.step());
        match r.world().last_event() {
            Some(EventRecord::Deliver { msg }) => assert_eq!(msg.id, id),
            other => panic!("expected the delivery of {id}, got {other:?}"),
        }
        assert!(r.world().now() >= before, "time ran backwards");
    }
    assert_eq!(r.world().in_flight().count(), 0);
}

#[test]
fn a_choice_that_is_not_there_is_refused_by_name() {
    let mut r = run("[]");
    let err = r.act(Action::Deliver { msg: 99 }).unwrap_err();
    assert_eq!(err.to_string(), "deliver: message 99 is not in flight");
    let err = r.act(Action::Fire { node: 1, timer: "election".into() }).unwrap_err();
    assert_eq!(err.to_string(), "fire: node 1 has no armed timer \"election\"");
    assert!(parse_actions(r#"[{"step":0,"do":"fire","node":1,"timer":""}]"#, 3).is_err());
}

#[test]
fn a_replayed_choice_list_gives_the_same_world() {
    let actions = r#"[{"step":0,"do":"fire","node":2,"timer":"tick"},{"step":1,"do":"deliver","msg":0},
        {"step":2,"do":"crash","node":1},{"step":2,"do":"fire","node":0,"timer":"tick"}]"#;
    let (mut a, mut b) = (run(actions), run(actions));
    a.seek(3);
    b.seek(3);
    assert_eq!(a.world().fingerprint(), b.world().fingerprint());
    assert!(a.action_errors().next().is_none(), "{:?}", a.action_errors().collect::<Vec<_>>());
    let before = a.world().fingerprint();
    a.step();
    assert_ne!(a.world().fingerprint(), before);
}

#[test]
fn messages_in_flight_are_a_multiset_not_ids() {
    let mut r = run(r#"[{"step":0,"do":"fire","node":0,"timer":"tick"}]"#);
    r.seek(1);
    let id = r.world().in_flight().next().unwrap().id;
    r.act(Action::Duplicate { msg: id }).unwrap();
    let ids: Vec<u64> = r.world().in_flight().map(|e| e.id).collect();
    assert_eq!(ids.len(), 2);
    let (x, y) = (r.world().message_fingerprint(ids[0]), r.world().message_fingerprint(ids[1]));
    assert_eq!(x, y, "a copy is the same message");
    // Delivering either copy leaves the same multiset in flight (the toy
    // records its clock, so the nodes differ by the copies' times).
    let left: Vec<Option<u64>> = ids
        .iter()
        .map(|&id| {
            let mut w = r.clone();
            w.act(Action::Deliver { msg: id }).unwrap();
            w.step();
            let rest = w.world().in_flight().next().unwrap().id;
            w.world().message_fingerprint(rest)
        })
        .collect();
    assert_eq!(left[0], left[1]);
}

#[test]
fn the_world_says_which_node_its_last_step_ran_and_how_many_commands_that_made() {
    let mut r = run(r#"[{"step":0,"do":"fire","node":0,"timer":"tick"}]"#);
    assert_eq!(r.world().last_commands(), None, "nothing ran yet");
    // A tick sends a ping and sets the timer again: two commands.
    assert!(r.step());
    assert_eq!(r.world().last_commands(), Some((0, 2)));
    // A request emits a line (operations are not commands).
    r.act(Action::Request { node: 2, cmd: "x".into() }).unwrap();
    assert_eq!(r.world().last_commands(), Some((2, 1)));
    // An action that runs no node, and a message lost to a down node.
    r.act(Action::Crash { node: 1 }).unwrap();
    assert_eq!(r.world().last_commands(), None);
    let ping = r.world().in_flight().next().unwrap().id;
    r.act(Action::Deliver { msg: ping }).unwrap();
    assert!(r.step());
    assert!(matches!(r.world().last_event(), Some(EventRecord::Lost { .. })));
    assert_eq!(r.world().last_commands(), None);
    // Cut short after one of the two: the count is still what the step made.
    r.act(Action::CrashMidStep { node: 2, after: 1 }).unwrap();
    r.act(Action::Fire { node: 2, timer: "tick".into() }).unwrap();
    assert!(r.step());
    assert_eq!(r.world().last_commands(), Some((2, 2)));
    assert_eq!(r.world().status(2), protocol::Status::Crashed);
}
