//! 2PC and 3PC in the catalog: they open by name, their views have the
//! documented shape, and their presets tell their story through a session.

use lab::presets::Preset;
use lab::{open, Algo, Setup};
use serde_json::Value;

fn views(s: &dyn sim::Session) -> Vec<Value> {
    (0..s.node_count()).map(|id| serde_json::from_str(&s.node_json(id)).unwrap()).collect()
}

fn run(id: &str, steps: u64) -> Box<dyn sim::Session> {
    let mut s = open(&Preset::find(id).unwrap().load().setup).unwrap();
    while s.steps() < steps && s.step() {}
    s
}

#[test]
fn commit_algorithms_open_by_name_with_the_documented_views() {
    for algo in [Algo::TwoPc, Algo::ThreePc] {
        let info = algo.info();
        assert_eq!(info.name.parse::<Algo>().unwrap(), algo);
        assert_eq!(info.properties, ["Atomicity", "Decision Durability"]);
        let s = open(&Setup::new(algo)).unwrap();
        assert_eq!(s.node_count(), 4);
        assert_eq!(s.node_json(0), r#"{"id":0,"up":true,"kind":"coordinator","tx":0,"decision":null}"#);
        assert_eq!(
            s.node_json(1),
            r#"{"id":1,"up":true,"kind":"participant","tx":0,"state":"working","blocked_since":null}"#
        );
        for id in 0..4 {
            assert_eq!(views(&*s)[id as usize]["kind"], s.node_info(id).look.role);
        }
    }
}

#[test]
fn commit_options_are_parsed_and_bad_ones_named() {
    for (query, field) in [("algo=2pc&vote_no=7", "vote_no"), ("algo=2pc&resend_ms=0", "resend_ms")] {
        let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
        let err = lab::query::parse(pairs).map(|q| q.setup).and_then(|s| open(&s).map(drop)).unwrap_err();
        assert_eq!(err.field, field, "{query}");
    }
}

/// Gray & Lamport §3: a coordinator failure after the prepares blocks the
/// yes-voters until it comes back.
#[test]
fn preset_2pc_coordinator_crash_blocks_until_the_restart() {
    let s = run("2pc-coordinator-crash", 29);
    let v = views(&*s);
    assert_eq!(v[0]["up"], false);
    assert_eq!(v[0]["decision"], "commit", "the decision was logged before the crash");
    for p in &v[1..] {
        assert_eq!(p["state"], "prepared");
        assert!(p["blocked_since"].as_u64().is_some(), "{p}");
    }
    assert!(s.node_info(1).look.note.starts_with("blocked since "), "{:?}", s.node_info(1).look);
    let s = run("2pc-coordinator-crash", 40);
    assert!(views(&*s)[1..].iter().all(|p| p["state"] == "committed" && p["blocked_since"].is_null()));
    assert_eq!(s.first_violation(), None);
}

#[test]
fn preset_2pc_vote_no_aborts_everywhere() {
    let s = run("2pc-vote-no", 60);
    let v = views(&*s);
    assert_eq!(v[0]["decision"], "abort");
    assert!(v[1..].iter().all(|p| p["state"] == "aborted"), "{v:?}");
    assert_eq!(s.first_violation(), None);
}

/// Skeen 1981: 3PC is nonblocking under site failures only; a partition
/// lets the two sides decide differently.
#[test]
fn preset_3pc_partition_turns_atomicity_red() {
    let s = run("3pc-partition", 40);
    let v = s.first_violation().expect("the sides decide differently");
    assert_eq!((v.step, v.property), (19, "Atomicity"));
    let views = views(&*s);
    assert_eq!(views[1]["state"], "committed");
    assert_eq!(views[2]["state"], "aborted");
    assert!(s.picture().banner.unwrap().contains("split"));
}

#[test]
fn saga_views_have_the_documented_shape() {
    let s = open(&Setup::new(Algo::Saga)).unwrap();
    assert_eq!(s.node_json(0), r#"{"id":0,"up":true,"kind":"orchestrator","step":0,"state":"done"}"#);
    assert_eq!(s.node_json(1), r#"{"id":1,"up":true,"kind":"service","done":false,"compensated":false}"#);
}

/// Garcia-Molina & Salem §3 (backward recovery): T1 T2 then C2 C1, in
/// that order, and the intermediate states are noted.
#[test]
fn preset_saga_step_3_fails_compensates_in_reverse() {
    let mut s = open(&Preset::find("saga-step-3-fails").unwrap().load().setup).unwrap();
    let mut order = Vec::new();
    let mut strips = Vec::new();
    while s.step() {
        let v = views(&*s);
        let now: Vec<String> = v[1..]
            .iter()
            .enumerate()
            .map(|(i, n)| match (n["done"].as_bool().unwrap(), n["compensated"].as_bool().unwrap()) {
                (_, true) => format!("C{}", i + 1),
                (true, false) => format!("T{}", i + 1),
                _ => ".".to_string(),
            })
            .collect();
        if strips.last() != Some(&now) {
            strips.push(now.clone());
            order.push(now.join(" "));
        }
    }
    assert_eq!(order, ["T1 . . .", "T1 T2 . .", "T1 C2 . .", "C1 C2 . ."]);
    let v = views(&*s);
    assert_eq!((v[0]["state"].as_str(), v[0]["step"].as_u64()), (Some("compensated"), Some(0)));
    assert_eq!(s.first_violation(), None);
    let notes: Vec<String> = s.log_tail(100).into_iter().map(|e| e.text).collect();
    assert!(notes.iter().any(|t| t.contains("exposes an intermediate state: T1..T2 committed")), "{notes:?}");
    assert!(notes.iter().any(|t| t.contains("T3 failed: saga 1 compensates T2..T1 in reverse")), "{notes:?}");
    let strip = match s.picture().panels.into_iter().find(|p| p.id == "saga-steps").unwrap().body {
        protocol::present::Body::Grid(g) => g,
        other => panic!("{other:?}"),
    };
    let texts: Vec<String> =
        strip.rows[0].cells.iter().map(|c| c.as_ref().map_or(".".into(), |c| c.text.clone())).collect();
    assert_eq!(texts, ["C1", "C2", "✗", "."]);
}

#[test]
fn outbox_views_have_the_documented_shape() {
    let s = open(&Setup::new(Algo::Outbox)).unwrap();
    assert_eq!(s.node_json(0), r#"{"id":0,"up":true,"kind":"service","changes":0,"outbox":[]}"#);
    assert_eq!(s.node_json(1), r#"{"id":1,"up":true,"kind":"relay","publishing":0}"#);
    assert_eq!(s.node_json(2), r#"{"id":2,"up":true,"kind":"broker","queue":[]}"#);
    assert_eq!(s.node_json(3), r#"{"id":3,"up":true,"kind":"consumer","processed":"none","applied":0}"#);
}

/// The relay's crash makes the broker deliver message 1 again; the consumer
/// skips it, and the run ends with change 1 applied exactly once.
#[test]
fn preset_outbox_relay_crash_publishes_twice_and_applies_once() {
    let s = run("outbox-relay-crash", 40);
    let notes: Vec<String> = s.log_tail(200).into_iter().map(|e| e.text).collect();
    assert!(notes.iter().any(|t| t == "consumer skips message 1: already processed"), "{notes:?}");
    let v = views(&*s);
    assert_eq!(v[0]["outbox"], serde_json::json!([]));
    assert_eq!(v[2]["queue"], serde_json::json!([]));
    assert_eq!((v[3]["processed"].as_str(), v[3]["applied"].as_u64()), (Some("1"), Some(1)));
    assert_eq!(s.first_violation(), None);
    let ids: Vec<&str> = s.picture().panels.iter().map(|p| p.id).collect();
    assert_eq!(ids, ["outbox-rows", "broker-queue", "consumer-processed"]);
}

/// Skeen 1981: the same coordinator crash that blocks 2PC (after the
/// votes, with one pre-commit out) does not block 3PC: the participants run
/// the termination protocol and commit while the coordinator stays down.
#[test]
fn three_pc_does_not_block_where_two_pc_does() {
    let actions =
        r#"[{"step":0,"do":"request","node":0,"cmd":"tx"},{"step":5,"do":"crash-mid-step","node":0,"after":1}]"#;
    let outcome = |algo: &str| {
        let query = format!("algo={algo}&nodes=4&seed=1&actions={actions}");
        let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
        let mut s = open(&lab::query::parse(pairs).unwrap().setup).unwrap();
        while s.steps() < 60 && s.step() {}
        assert_eq!(s.first_violation(), None);
        let v = views(&*s);
        assert_eq!(v[0]["up"], false, "{algo}: the coordinator stays down");
        v[1..].iter().map(|p| p["state"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(outcome("2pc"), ["prepared", "prepared", "prepared"]);
    assert_eq!(outcome("3pc"), ["committed", "committed", "committed"]);
}

/// A commit's every phase is in the log: the participants' yes votes, 3PC's
/// pre-commits, the decision, each participant applying it (before, only
/// the coordinator's begin, decision and done were).
#[test]
fn a_commit_narrates_every_phase() {
    for (algo, three) in [(Algo::TwoPc, false), (Algo::ThreePc, true)] {
        let mut s = open(&Setup::new(algo)).unwrap();
        s.act(sim::Action::Request { node: 0, cmd: "x=1".into() }).unwrap();
        while s.step() {}
        let log: Vec<String> = s.log_tail(100).into_iter().map(|e| e.text).collect();
        let at = |line: &str| {
            log.iter().position(|l| l == line).unwrap_or_else(|| panic!("{algo:?}: no {line:?} in {log:#?}"))
        };
        let decided = at("coordinator decides Commit for tx 1");
        for p in 1..=3 {
            assert!(at(&format!("participant {p} prepares tx 1: votes yes")) < decided);
            assert!(at(&format!("participant {p} commits tx 1")) > decided);
        }
        let pre = log.iter().filter(|l| l.ends_with("pre-commits tx 1")).count();
        assert_eq!(pre, if three { 3 } else { 0 }, "{algo:?}: {log:#?}");
        if three {
            assert!(at("every participant votes yes on tx 1: pre-commit") < decided);
        }
        assert!(at("tx 1 done: every participant acknowledged") > decided);
    }
}

/// The outbox's relay polls from the start, so Play is never greyed out,
/// yet nothing happens until a client asks: the banner says how to start,
/// and goes once a change is committed.
#[test]
fn an_idle_outbox_says_how_to_start() {
    let mut s = open(&Setup::new(Algo::Outbox)).unwrap();
    for _ in 0..20 {
        s.step();
    }
    let banner = s.picture().banner;
    assert!(banner.as_deref().is_some_and(|b| b.contains("send the service (node 0) a client request")), "{banner:?}");
    s.act(sim::Action::Request { node: 0, cmd: "x=1".into() }).unwrap();
    s.step();
    assert_eq!(s.picture().banner, None);
}
