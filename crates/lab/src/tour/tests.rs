//! The tour parser: a good file reads into the setup a link would give, and
//! every bad field is named by its path.

use super::*;
use serde_json::json;

fn good() -> Value {
    json!({
        "format": "clusterscope-tour", "version": 1, "id": "raft-basics", "title": "Raft: electing a leader",
        "setup": {"algo": "raft", "nodes": 5, "seed": 7, "heartbeat_ms": 50, "drop": "0.05",
                  "actions": [{"step": 40, "do": "crash", "node": 2}]},
        "stops": [
            {"step": 0, "title": "Five followers", "caption": "Nobody leads yet.",
             "expect": {"leaders": [], "down": [], "violation": null}},
            {"step": 120, "caption": "A leader.", "expect": {"nodes": {"2": {"up": false}}}}
        ]
    })
}

/// A change to the good file, and the start of the error it must give.
type Case = (Box<dyn FnOnce(&mut Value)>, &'static str);

/// `good()` with `edit` applied, parsed; the error's text.
fn error_of(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = good();
    edit(&mut v);
    parse(&v.to_string()).unwrap_err().to_string()
}

#[test]
fn a_good_tour_reads_into_the_setup_its_link_gives() {
    let tour = parse(&good().to_string()).unwrap();
    assert_eq!((tour.id.as_str(), tour.stops.len()), ("raft-basics", 2));
    let link = r#"algo=raft&nodes=5&seed=7&heartbeat_ms=50&drop=0.05&actions=[{"step":40,"do":"crash","node":2}]"#;
    let pairs: Vec<(&str, &str)> = link.split('&').filter_map(|kv| kv.split_once('=')).collect();
    assert_eq!(tour.setup, query::parse(pairs).unwrap().setup);
    assert_eq!(tour.stops[0].title.as_deref(), Some("Five followers"));
    let expect = tour.stops[0].expect.as_ref().unwrap();
    assert_eq!((expect.leaders.as_deref(), expect.violation.clone()), (Some(&[][..]), Some(None)));
    assert_eq!(tour.stops[1].expect.as_ref().unwrap().nodes[0].0, 2);
    assert_eq!(
        (tour.stop_at(0), tour.stop_at(119), tour.stop_at(120), tour.stop_at(9999)),
        (Some(0), Some(0), Some(1), Some(1))
    );
}

#[test]
fn every_bad_field_is_named_by_its_path() {
    let cases: Vec<Case> = vec![
        (Box::new(|v| v["stops"][1]["step"] = json!("x")), r#"stops[1].step: expected a whole number, got "x""#),
        (Box::new(|v| v["stops"][1]["step"] = json!(-3)), "stops[1].step: expected a whole number, got -3"),
        (Box::new(|v| v["stops"][1]["step"] = json!(0)), "stops[1].step: steps must increase: 0 comes after step 0"),
        (Box::new(|v| v["stops"][1]["step"] = json!(MAX_STEP + 1)), "stops[1].step: at most 100000, got 100001"),
        (Box::new(|v| v["stops"][0]["colour"] = json!("red")), "stops[0].colour: unknown field"),
        (Box::new(|v| v["stops"][1]["caption"] = json!(7)), "stops[1].caption: expected a string, got 7"),
        (Box::new(|v| v["stops"][1]["caption"] = json!("  ")), "stops[1].caption: expected 1 to 2000 characters"),
        (Box::new(|v| v.as_object_mut().unwrap().remove("stops").map(drop).unwrap()), "stops: missing"),
        (Box::new(|v| v["stops"] = json!([])), "stops: expected 1 to 50 stops, got 0"),
        (Box::new(|v| v["stops"][0]["expect"]["leader"] = json!(true)), "stops[0].expect.leader: unknown field"),
        (
            Box::new(|v| v["stops"][0]["expect"]["leaders"] = json!([9])),
            "stops[0].expect.leaders[0]: node 9 does not exist",
        ),
        (
            Box::new(|v| v["stops"][1]["expect"]["nodes"] = json!({"two": {}})),
            "stops[1].expect.nodes.two: expected a node id",
        ),
        (Box::new(|v| v["format"] = json!("trace")), r#"format: expected "clusterscope-tour", got "trace""#),
        (Box::new(|v| v["version"] = json!(2)), "version: expected 1, got 2"),
        (Box::new(|v| v["id"] = json!("Raft Basics")), "id: expected lower-case letters"),
        (Box::new(|v| v["extra"] = json!(1)), "extra: unknown field"),
        (Box::new(|v| v["setup"]["algo"] = json!("paxsos")), r#"setup.algo: unknown algorithm "paxsos""#),
        (Box::new(|v| v["setup"]["nodes"] = json!(1000)), "setup.nodes: must be between 1 and 9"),
        (Box::new(|v| v["setup"]["seed"] = json!("abc")), r#"setup.seed: expected a whole number"#),
        (Box::new(|v| v["setup"]["heartbeat_ms"] = json!(0)), "setup.heartbeat_ms: "),
        (Box::new(|v| v["setup"]["step"] = json!(3)), "setup.step: unknown field"),
        (Box::new(|v| v["setup"]["drop"] = json!(true)), "setup.drop: expected a string or a number, got true"),
        (
            Box::new(|v| v["setup"]["actions"] = json!("crash")),
            r#"setup.actions: expected a list of actions, got "crash""#,
        ),
        (
            Box::new(|v| v["setup"]["actions"][0]["node"] = json!(7)),
            "setup.actions[0]: crash: node 7 does not exist (nodes are 0..4)",
        ),
        (
            Box::new(|v| v["setup"]["actions"][0]["step"] = json!("x")),
            r#"setup.actions[0]: step: expected a whole number, got "x""#,
        ),
    ];
    for (edit, want) in cases {
        let got = error_of(edit);
        assert!(got.starts_with(want), "expected {want:?}, got {got:?}");
    }
    // Not JSON, or too long: the file as a whole.
    assert!(parse("{").unwrap_err().to_string().starts_with("not JSON: "));
    let long = " ".repeat(MAX_BYTES + 1);
    assert!(parse(&long).unwrap_err().to_string().starts_with("a tour file holds at most"));
}

#[test]
fn a_deliberate_bug_is_a_setup_field_and_a_bad_one_is_named() {
    let mut v = good();
    v["setup"]["bug"] = json!("commit-previous-terms");
    assert_eq!(
        parse(&v.to_string()).unwrap().setup.options.get("bug").map(String::as_str),
        Some("commit-previous-terms")
    );
    let err = error_of(|v| v["setup"]["bug"] = json!("no-such-bug"));
    assert!(err.starts_with("setup.bug: "), "{err}");
}

#[test]
fn expectations_are_checked_against_the_run() {
    let tour = parse(&good().to_string()).unwrap();
    let mut s = crate::open(&tour.setup).unwrap();
    tour.stops[0].expect.as_ref().unwrap().check(s.as_ref()).unwrap();
    s.seek(120);
    tour.stops[1].expect.as_ref().unwrap().check(s.as_ref()).unwrap();
    // And they can fail, naming what differs.
    let wrong = Expect { down: Some(vec![]), violation: Some(Some("Election Safety".into())), ..Expect::default() };
    let why = wrong.check(s.as_ref()).unwrap_err();
    assert!(why.contains("down: expected [], got [2]") && why.contains("violation: expected Some"), "{why}");
    let mut fields = Map::new();
    fields.insert("up".into(), json!(true));
    let wrong = Expect { nodes: vec![(2, fields)], banner: Some("chosen".into()), ..Expect::default() };
    let why = wrong.check(s.as_ref()).unwrap_err();
    assert!(
        why.contains("banner: expected it to contain") && why.contains("nodes.2.up: expected true, got false"),
        "{why}"
    );
}

#[test]
fn the_index_is_read_strictly() {
    let index = r#"{"format":"clusterscope-tour-index","version":1,"tours":[{"id":"raft-basics","title":"Raft"}]}"#;
    assert_eq!(parse_index(index).unwrap(), [TourEntry { id: "raft-basics".into(), title: "Raft".into() }]);
    let bad = r#"{"format":"clusterscope-tour-index","version":1,"tours":[{"id":"a","title":"A","x":1}]}"#;
    assert!(parse_index(bad).unwrap_err().to_string().starts_with("tours[0].x: unknown field"));
    let bad = r#"{"format":"clusterscope-tour","version":1,"tours":[]}"#;
    assert!(parse_index(bad).unwrap_err().to_string().starts_with("format: expected \"clusterscope-tour-index\""));
}
