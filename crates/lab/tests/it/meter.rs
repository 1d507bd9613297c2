//! The meter's counters are the run's own numbers: messages sent as
//! `cli run` counts them (delivered + lost + in flight), operations and
//! their latencies as the trace's `history` lists them, and the time
//! blocked as the union of the intervals during which an operation waited.
//! Seeking back and forth and forking in the past give the counters a
//! fresh count gives.

use lab::{open, presets::Preset, Algo, Setup};
use serde_json::Value;
use sim::{parse_actions, Counters, Meter, Session};

/// The counters a trace's `history` implies: `(invoked, ok count, ok total
/// ms, ok max, fail count, fail total, info or still waiting, blocked ms)`.
fn from_history(trace: &Value) -> (u64, u64, u64, u64, u64, u64, u64, u64) {
    let empty = Vec::new();
    let history = trace.get("history").and_then(Value::as_array).unwrap_or(&empty);
    let mut open: Vec<(u64, u64)> = Vec::new();
    let (mut invoked, mut ok, mut ok_total, mut ok_max, mut fail, mut fail_total, mut info) = (0, 0, 0, 0, 0, 0, 0);
    let mut intervals = Vec::new();
    for op in history {
        let process = op["process"].as_u64().unwrap();
        let time = op["time"].as_u64().unwrap();
        match op["type"].as_str().unwrap() {
            "invoke" => {
                invoked += 1;
                open.push((process, time));
            }
            kind => {
                let i = open.iter().position(|&(p, _)| p == process).expect("a completion of an open operation");
                let (_, since) = open.swap_remove(i);
                intervals.push((since, time));
                let took = time - since;
                match kind {
                    "ok" => {
                        ok += 1;
                        ok_total += took;
                        ok_max = ok_max.max(took);
                    }
                    "fail" => {
                        fail += 1;
                        fail_total += took;
                    }
                    _ => info += 1,
                }
            }
        }
    }
    assert!(open.is_empty(), "the trace closes every operation");
    intervals.sort_unstable();
    let (mut blocked, mut end) = (0, 0);
    for (a, b) in intervals {
        if b > end {
            blocked += b - a.max(end);
            end = b;
        }
    }
    (invoked, ok, ok_total, ok_max, fail, fail_total, info, blocked)
}

fn counted(session: &dyn Session) -> Counters {
    let mut meter = Meter::new(session);
    meter.sync(session, session.steps());
    meter.counters()
}

fn assert_matches_trace(session: &dyn Session) -> Counters {
    let c = counted(session);
    assert_eq!(c.step, session.steps());
    assert_eq!(c.time, session.now());
    let trace: Value = serde_json::from_str(&session.trace_json()).unwrap();
    let steps = trace["steps"].as_array().unwrap();
    let delivered = steps.iter().filter(|s| s["event"]["type"] == "deliver").count() as u64;
    assert_eq!(c.delivered, delivered);
    let mut in_flight = Vec::new();
    session.messages_into(&mut in_flight);
    assert_eq!(c.sent, c.delivered + c.lost + in_flight.len() as u64, "{c:?}");
    let (invoked, ok, ok_total, ok_max, fail, fail_total, info, blocked) = from_history(&trace);
    assert_eq!(
        (c.invoked, c.ok.count, c.ok.total, c.ok.max, c.fail.count, c.fail.total, c.info + c.waiting, c.blocked),
        (invoked, ok, ok_total, ok_max, fail, fail_total, info, blocked),
        "{c:?}"
    );
    c
}

fn raft_with_clients() -> Setup {
    let actions = r#"[{"step":40,"do":"request","node":0,"cmd":"x=1"},{"step":41,"do":"request","node":1,"cmd":"y=2"},
        {"step":42,"do":"request","node":2,"cmd":"z=3"},{"step":300,"do":"crash","node":0},
        {"step":320,"do":"request","node":3,"cmd":"x=4"},{"step":330,"do":"request","node":4,"cmd":"y=5"},
        {"step":700,"do":"restart","node":0},{"step":720,"do":"request","node":1,"cmd":"w=6"}]"#;
    Setup { seed: 7, actions: parse_actions(actions, 5).unwrap(), ..Setup::new(Algo::Raft) }
}

#[test]
fn raft_counters_match_its_trace_and_its_history() {
    let mut s = open(&raft_with_clients()).unwrap();
    s.seek(1200);
    let c = assert_matches_trace(s.as_ref());
    assert!(c.invoked >= 6 && c.ok.count >= 1 && c.sent > 500, "{c:?}");
    assert!(c.blocked > 0 && c.blocked <= c.time, "{c:?}");
}

#[test]
fn every_preset_with_clients_matches_its_trace() {
    let mut checked = 0;
    for preset in lab::presets::PRESETS {
        let q = preset.load();
        let mut s = open(&q.setup).unwrap();
        s.seek(q.step.unwrap_or(400).clamp(200, 1500));
        if s.client_ops().is_empty() {
            continue;
        }
        assert_matches_trace(s.as_ref());
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} presets have clients");
}

#[test]
fn seeking_back_and_forth_counts_what_a_fresh_count_does() {
    let mut s = open(&raft_with_clients()).unwrap();
    s.seek(2000);
    let mut meter = Meter::new(s.as_ref());
    for target in [1500, 100, 1800, 513, 512, 511, 0, 2000, 1024] {
        meter.sync(s.as_ref(), target);
        let mut fresh = open(&raft_with_clients()).unwrap();
        fresh.seek(target);
        assert_eq!(meter.counters(), counted(fresh.as_ref()), "at step {target}");
        assert_eq!(meter.replay().steps(), target);
    }
}

#[test]
fn acting_in_the_past_recounts_from_the_fork() {
    let setup = Preset::find("kleppmann-lease").expect("a lock preset").load().setup;
    let mut s = open(&setup).unwrap();
    s.seek(1500);
    let mut meter = Meter::new(s.as_ref());
    meter.sync(s.as_ref(), 1500);
    s.seek(600);
    s.act(sim::Action::Crash { node: 1 }).unwrap();
    s.seek(1500);
    meter.sync(s.as_ref(), 1500);
    assert_eq!(meter.counters(), counted(s.as_ref()));
    assert_eq!(meter.replay().actions(), s.actions());
}
