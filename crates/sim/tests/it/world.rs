//! The world's mechanics, on a toy protocol: determinism, history, the
//! network's faults, node faults and the checker.

use crate::toy;

use protocol::Status;
use sim::{parse_actions, write_trace, Action, EventRecord, LossReason, Run, Session, SimConfig};
use toy::{Toy, ToyConfig};

fn run_with(config: SimConfig, seed: u64, actions: &str) -> Run<Toy> {
    let actions = parse_actions(actions, config.nodes).unwrap();
    Run::new(config, ToyConfig::default(), seed, actions)
}

fn run(seed: u64, actions: &str) -> Run<Toy> {
    run_with(SimConfig { nodes: 3, ..SimConfig::default() }, seed, actions)
}

fn trace_of(run: &Run<Toy>) -> String {
    let mut out = Vec::new();
    write_trace(run, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn steps(run: &mut Run<Toy>, n: u64) {
    for _ in 0..n {
        assert!(run.step());
    }
}

#[test]
fn same_inputs_give_identical_traces_and_seeds_differ() {
    let noisy = SimConfig { nodes: 4, latency_ms: [5, 50], drop: 0.1, dup: 0.1, ..SimConfig::default() };
    let actions = r#"[{"step":30,"do":"crash","node":1},{"step":90,"do":"restart","node":1},
                      {"step":120,"do":"partition","groups":[[0,1]]},{"step":200,"do":"heal"}]"#;
    let mut a = run_with(noisy.clone(), 7, actions);
    let mut b = run_with(noisy.clone(), 7, actions);
    let mut c = run_with(noisy, 8, actions);
    steps(&mut a, 500);
    steps(&mut b, 500);
    steps(&mut c, 500);
    let (ta, tb, tc) = (trace_of(&a), trace_of(&b), trace_of(&c));
    assert_eq!(ta, tb);
    assert_ne!(ta, tc);
    assert!(ta.starts_with(r#"{"version":1,"algo":"toy","seed":7,"config":{"nodes":4,"latency_ms":[5,50],"drop":0.1,"dup":0.1,"protocol":{"limit":null}},"actions":[{"step":30,"do":"crash","node":1}"#), "{}", &ta[..300]);
    let doc: serde_json::Value = serde_json::from_str(&ta).unwrap();
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 500);
    assert_eq!(steps[0]["step"], 1);
    // Field order is part of the format.
    let first = &ta[ta.find(r#""steps":[{"#).unwrap()..];
    assert!(first.starts_with(r#""steps":[{"step":1,"time":"#), "{}", &first[..80]);
    assert!(first.find(r#""event":"#) < first.find(r#""nodes":"#));
    assert!(first.find(r#""nodes":"#) < first.find(r#""violation":"#));
}

#[test]
fn events_are_ordered_by_time() {
    let noisy = SimConfig { nodes: 4, latency_ms: [1, 60], drop: 0.1, dup: 0.2, ..SimConfig::default() };
    let mut r = run_with(noisy, 3, r#"[{"step":50,"do":"pause","node":1,"for":300}]"#);
    let mut last = 0;
    for _ in 0..2000 {
        // The queue's next event, not the clock (which could hide an event
        // from the past by never moving back).
        let next = r.world().next_event_time().expect("the toy always has a timer armed");
        assert!(next >= last, "an event at {next} ms came after one at {last} ms");
        r.step();
        assert_eq!(r.world().now(), next, "the clock moves to the event's time");
        last = next;
    }
}

/// A node told to crash in the middle of its next step carries out only
/// the commands before the crash point: here none, so the ping it counted
/// in memory during that step was never persisted and is gone on restart.
#[test]
fn a_crash_mid_step_loses_the_commands_after_it() {
    let mut r = run(5, "[]");
    steps(&mut r, 40);
    r.act(Action::CrashMidStep { node: 1, after: 0 }).unwrap();
    // Every ping is persisted as it is counted, so between steps the count
    // in memory is the count on disk.
    let mut persisted = r.world().node(1).pings();
    while r.world().status(1) != Status::Crashed {
        persisted = r.world().node(1).pings();
        assert!(r.step());
    }
    let line = r.world().log().last().unwrap().text.clone();
    assert!(line.starts_with("node 1 crashed in the middle of a step, after 0 of its "), "{line}");
    r.act(Action::Restart { node: 1 }).unwrap();
    assert_eq!(r.world().node(1).pings(), persisted);
    assert!(r.act(Action::CrashMidStep { node: 1, after: 1 }).is_ok());
    r.act(Action::Crash { node: 1 }).unwrap();
    let err = r.act(Action::CrashMidStep { node: 1, after: 1 }).unwrap_err();
    assert_eq!(err.to_string(), "crash-mid-step: node 1 is already down");
}

/// With nothing queued, a run whose actions are still to come takes idle
/// steps (no time passes) until it reaches them; only then is it finished.
#[test]
fn an_idle_world_waits_for_scheduled_actions() {
    let actions = r#"[{"step":10,"do":"crash","node":0},{"step":10,"do":"crash","node":1},
                      {"step":10,"do":"crash","node":2},{"step":400,"do":"restart","node":0}]"#;
    let mut r = run(9, actions);
    steps(&mut r, 400);
    assert_eq!(r.world().status(0), Status::Up, "the restart at step 400 was applied");
    assert_eq!(r.action_errors().count(), 0);
    assert!(!r.has_pending_actions());
    let trace = trace_of(&r);
    assert!(trace.contains(r#""event":{"type":"idle"}"#), "idle steps are in the trace");
    assert!(r.step(), "node 0 is up again and has a timer armed");
    // Back to all down with nothing scheduled: now the run is over.
    r.act(Action::Crash { node: 0 }).unwrap();
    while r.step() {}
    assert_eq!(r.next_event_time(), None);
}

/// Going back restores exactly the state reached going forward, also after
/// snapshot thinning and across scheduled actions.
#[test]
fn seek_reproduces_forward_states() {
    let actions = r#"[{"step":100,"do":"crash","node":2},{"step":700,"do":"restart","node":2},
                      {"step":3000,"do":"partition","groups":[[0]]},{"step":9000,"do":"heal"}]"#;
    let mut r = run(11, actions);
    let mut states = Vec::new();
    for s in 0..=12_000u64 {
        if s % 997 == 0 || s == 100 || s == 701 {
            states.push((s, r.state_json()));
        }
        if s < 12_000 {
            r.step();
        }
    }
    assert!(r.snapshot_count() <= sim::run::MAX_SNAPSHOTS);
    for (s, want) in states.iter().rev() {
        r.seek(*s);
        assert_eq!(&r.state_json(), want, "state at step {s}");
    }
    // Forward again, now starting from the snapshots ahead of each step.
    for (s, want) in &states {
        r.seek(*s);
        assert_eq!(&r.state_json(), want, "state at step {s}, seeking forward");
    }
    r.seek(12_000);
    r.back(5);
    assert_eq!(r.steps(), 11_995);
}

/// Acting in the past forks the timeline: later recorded actions go away.
#[test]
fn acting_in_the_past_forks() {
    let mut r = run(1, r#"[{"step":50,"do":"crash","node":0}]"#);
    steps(&mut r, 100);
    assert_eq!(r.world().status(0), Status::Crashed);
    r.seek(20);
    assert_eq!(r.world().status(0), Status::Up);
    r.act(Action::Crash { node: 1 }).unwrap();
    assert_eq!(r.actions().len(), 1);
    assert_eq!(r.actions()[0].step, 20);
    steps(&mut r, 80);
    assert_eq!(r.world().status(0), Status::Up, "the old crash at 50 was discarded");
    assert_eq!(r.world().status(1), Status::Crashed);
    // The new timeline replays the same way.
    let state = r.state_json();
    r.seek(0);
    r.seek(100);
    assert_eq!(r.state_json(), state);
}

#[test]
fn partitions_cut_both_ways_and_heal_restores() {
    let mut r = run(2, r#"[{"step":0,"do":"partition","groups":[[0],[1,2]]}]"#);
    assert!(r.world().is_cut(0, 1) && r.world().is_cut(1, 0) && r.world().is_cut(0, 2));
    assert!(!r.world().is_cut(1, 2));
    steps(&mut r, 300);
    // Node 2 sends to 0 (its next node): every such ping is lost.
    assert_eq!(r.world().node(0).pings, 0);
    assert!(r.world().lost().any(|l| l.reason == LossReason::LinkCut && l.to == 0));
    r.act(Action::Heal).unwrap();
    steps(&mut r, 300);
    assert!(r.world().node(0).pings > 0);
}

#[test]
fn a_one_way_cut_stops_one_direction_only() {
    // Pings go 0→1→2→0. Cut 0→1 only.
    let mut r = run(5, r#"[{"step":0,"do":"cut","from":0,"to":1}]"#);
    steps(&mut r, 400);
    assert_eq!(r.world().node(1).pings, 0);
    assert!(r.world().node(0).pings > 0 && r.world().node(2).pings > 0);
    assert!(r.world().is_cut(0, 1) && !r.world().is_cut(1, 0));
    r.act(Action::Uncut { from: 0, to: 1 }).unwrap();
    steps(&mut r, 200);
    assert!(r.world().node(1).pings > 0);
}

#[test]
fn messages_in_flight_can_be_dropped_duplicated_and_delayed() {
    let mut r = run(9, "[]");
    while r.world().in_flight().count() < 2 {
        r.step();
    }
    let ids: Vec<u64> = r.world().in_flight().map(|m| m.id).collect();
    let (a, b) = (ids[0], ids[1]);
    let before = r.world().message(b).unwrap().deliver_at;

    r.act(Action::Drop { msg: a }).unwrap();
    assert!(r.world().message(a).is_none());
    assert_eq!(r.world().lost().last().unwrap().reason, LossReason::User);
    assert_eq!(r.act(Action::Drop { msg: a }).unwrap_err().to_string(), format!("drop: message {a} is not in flight"));

    r.act(Action::Delay { msg: b, by: 500 }).unwrap();
    assert_eq!(r.world().message(b).unwrap().deliver_at, before + 500);

    let receiver = r.world().message(b).unwrap().to;
    let pings = r.world().node(receiver).pings;
    r.act(Action::Duplicate { msg: b }).unwrap();
    assert!(r.world().in_flight().filter(|m| m.to == receiver).count() >= 2);
    // Run until the delayed original has arrived: both copies were handled.
    while r.world().message(b).is_some() {
        r.step();
    }
    assert!(r.world().node(receiver).pings >= pings + 2);
    assert!(r.act(Action::Duplicate { msg: 99_999 }).is_err());
}

#[test]
fn crash_loses_volatile_state_and_restart_keeps_durable_state() {
    let mut r = run(4, "[]");
    steps(&mut r, 300);
    let pings = r.world().node(1).pings;
    assert!(pings > 0 && r.world().node(1).seen == pings);
    r.act(Action::Crash { node: 1 }).unwrap();
    assert_eq!(r.world().status(1), Status::Crashed);
    assert_eq!(r.world().node(1).seen, 0, "volatile state is gone");
    assert_eq!(r.world().node(1).pings, pings, "persisted state is kept");
    assert!(r.act(Action::Crash { node: 1 }).is_err());
    steps(&mut r, 300);
    assert_eq!(r.world().node(1).pings, pings, "a crashed node handles nothing");
    assert!(r.world().lost().any(|l| l.reason == LossReason::NodeDown));
    r.act(Action::Restart { node: 1 }).unwrap();
    steps(&mut r, 300);
    assert!(r.world().node(1).pings > pings);
}

#[test]
fn a_paused_node_holds_its_input_until_it_resumes() {
    let mut r = run(6, r#"[{"step":10,"do":"pause","node":1,"for":400}]"#);
    steps(&mut r, 10);
    let paused_at = r.world().now();
    let pings = r.world().node(1).pings;
    let mut saw_held = false;
    while r.world().next_event_time().unwrap() < paused_at + 400 {
        r.step();
        assert_eq!(r.world().status(1), Status::Paused);
        saw_held |= matches!(r.world().last_event(), Some(EventRecord::Held { node: 1, .. }));
    }
    assert!(saw_held);
    assert_eq!(r.world().node(1).pings, pings, "frozen");
    while r.world().status(1) == Status::Paused {
        r.step();
    }
    assert!(matches!(r.world().last_event(), Some(EventRecord::Resume { node: 1 })));
    steps(&mut r, 20);
    assert!(r.world().node(1).pings > pings, "held pings were delivered on resume");
    // Requests to a paused node wait too.
    r.act(Action::Pause { node: 2, for_ms: None }).unwrap();
    r.act(Action::Request { node: 2, cmd: "hello".into() }).unwrap();
    assert!(r.world().node(2).requests.is_empty());
    r.act(Action::Resume { node: 2 }).unwrap();
    assert_eq!(r.world().node(2).requests, ["hello"]);
}

#[test]
fn a_drifting_clock_stretches_timers_and_reads_slow() {
    // Node 0's clock runs at half speed: its 10..20 ms tick takes 20..40 real ms.
    let mut r = run(8, r#"[{"step":0,"do":"drift","node":0,"rate":0.5}]"#);
    steps(&mut r, 3000);
    let (slow, fast) = (r.world().node(0).sent, r.world().node(1).sent);
    assert!(slow * 10 < fast * 6, "slow {slow} vs normal {fast}");
    let info = r.world().node_info(0);
    assert_eq!(info.clock_rate, 0.5);
    assert!(info.local_time <= r.world().now() / 2 + 1);
    assert!(r.act(Action::Drift { node: 0, rate: 0.0 }).is_err());
}

#[test]
fn failing_scheduled_actions_are_recorded_not_fatal() {
    let mut r = run(1, r#"[{"step":5,"do":"drop","msg":123456},{"step":6,"do":"restart","node":0}]"#);
    steps(&mut r, 50);
    let errors: Vec<String> = r.action_errors().map(|(i, e)| format!("{i}: {e}")).collect();
    assert_eq!(errors, ["0: drop: message 123456 is not in flight", "1: restart: node 0 is not down"]);
}

#[test]
fn the_first_violation_is_recorded_with_its_step() {
    let config = SimConfig { nodes: 3, ..SimConfig::default() };
    let mut r: Run<Toy> = Run::new(config, ToyConfig { limit: Some(3) }, 1, vec![]);
    while r.world().first_violation().is_none() {
        assert!(r.step());
    }
    let first = r.world().first_violation().unwrap().clone();
    assert_eq!(first.property, "Ping Limit");
    assert_eq!(first.step, r.steps());
    steps(&mut r, 100);
    assert_eq!(r.world().first_violation(), Some(&first), "the first one stays");
    assert!(r.state_json().contains(r#""first_violation":{"step":"#));
}

#[test]
fn session_reports_messages_and_log() {
    let mut r = run(1, r#"[{"step":3,"do":"request","node":2,"cmd":"hi"}]"#);
    steps(&mut r, 40);
    let s: &mut dyn Session = &mut r;
    let mut msgs = Vec::new();
    s.messages_into(&mut msgs);
    assert!(!msgs.is_empty());
    assert_eq!(s.message_label(msgs[0].id).unwrap().split(' ').next(), Some("ping"));
    assert!(s.message_json(msgs[0].id).unwrap().contains(r#""type":"Ping""#));
    assert!(s.log_tail(100).iter().any(|l| l.text == "node 2 got hi"));
    let state: serde_json::Value = serde_json::from_str(&s.state_json()).unwrap();
    assert_eq!(state["in_flight"].as_array().unwrap().len(), msgs.len());
    assert_eq!(state["step"], 40);
}
