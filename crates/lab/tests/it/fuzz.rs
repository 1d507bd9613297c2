//! Fuzzing the edges that take outside input: a link's query, actions JSON
//! (a link's, an actions file's, a script's or a host page's `act`), run
//! files and traces, and tour files. Property-based (proptest): random text, and structured
//! inputs near the valid ones (valid JSON with wrong types, huge numbers,
//! deep nesting, unknown algorithms, node ids out of range, steps past the
//! end). Nothing may panic, and every rejection names the field at fault.
//!
//! The test run tries a few thousand inputs per parser; `cargo xtask fuzz`
//! sets `FUZZ_CASES=1000000` and runs this file in release mode.

use lab::file::{self, Opened};
use lab::{query, Setup};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Inputs per property: `FUZZ_CASES`, or a slice for the test run.
fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Every parameter a link may carry that the parser checks.
fn params() -> Vec<&'static str> {
    let mut names =
        vec!["v", "algo", "nodes", "seed", "drop", "dup", "latency", "actions", "actions-z", "step", "preset", "bug"];
    for info in lab::ALGOS {
        names.extend(info.options.iter().map(|o| o.name));
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Any JSON value, a few levels deep, with the awkward leaves.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        "[a-z0-9 .:_-]{0,12}".prop_map(Value::from),
        Just(json!(18446744073709551615u64)),
        Just(json!(-1)),
        Just(json!(1e300)),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An action object near a valid one: a real verb or not, fields of the
/// right name with values of any type, ids in and out of range.
fn action_value() -> impl Strategy<Value = Value> {
    let verbs = prop::sample::select(vec![
        "crash",
        "restart",
        "pause",
        "resume",
        "drift",
        "partition",
        "heal",
        "cut",
        "uncut",
        "drop",
        "duplicate",
        "delay",
        "request",
        "crash_mid_step",
        "explode",
        "",
    ]);
    let number = prop_oneof![0u64..12, any::<u64>(), Just(u64::MAX)].prop_map(Value::from);
    let field_value = prop_oneof![number.clone(), json_value()];
    let fields = prop::sample::subsequence(
        vec!["node", "from", "to", "groups", "msg", "by", "for", "rate", "cmd", "after", "extra"],
        0..4,
    );
    (verbs, prop::option::of(number), fields, prop::collection::vec(field_value, 4)).prop_map(
        |(verb, step, fields, values)| {
            let mut o = serde_json::Map::new();
            if let Some(step) = step {
                o.insert("step".into(), step);
            }
            o.insert("do".into(), verb.into());
            for (f, v) in fields.into_iter().zip(values) {
                o.insert(f.into(), v);
            }
            Value::Object(o)
        },
    )
}

/// A value for a link parameter: garbage, or near-valid for some parameter.
fn param_value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,16}",
        (0u64..20).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        prop::sample::select(lab::ALGOS.iter().map(|i| i.name).collect::<Vec<_>>()).prop_map(str::to_string),
        (0u32..200, 0u32..200).prop_map(|(a, b)| format!("{a}..{b}")),
        (0.0f64..1.5).prop_map(|p| p.to_string()),
        prop::collection::vec(action_value(), 0..4).prop_map(|a| Value::from(a).to_string()),
        prop::sample::select(lab::presets::PRESETS.iter().map(|p| p.id).collect::<Vec<_>>()).prop_map(str::to_string),
        "[A-Za-z0-9_-]{0,40}",
    ]
}

fn query_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop_oneof![prop::sample::select(params()).prop_map(str::to_string), "[a-z_-]{0,8}"];
    prop::collection::vec((key, param_value()), 0..8)
}

/// A short real run's file and trace, to mutate.
fn samples() -> (Value, Value) {
    let mut setup = Setup::new(lab::Algo::LockFenced);
    setup.seed = 3;
    setup.options.insert("ttl_ms".into(), "600".into());
    setup.actions = sim::parse_actions(r#"[{"step":5,"do":"pause","node":1,"for":300}]"#, 4).unwrap();
    let mut session = lab::open(&setup).unwrap();
    session.seek(40);
    let run: Value = serde_json::from_str(&file::write_run(&setup, 40)).unwrap();
    let trace: Value = serde_json::from_str(&session.trace_json()).unwrap();
    (run, trace)
}

/// Replace the value at a path of `doc` (a key of the top object, or of one
/// of its objects), or add one there.
fn mutate(mut doc: Value, top: &str, inner: Option<&str>, value: Value) -> Value {
    match inner {
        None => doc[top] = value,
        Some(key) if doc[top].is_object() => doc[top][key] = value,
        Some(_) => doc[top] = value,
    }
    doc
}

const TOP: &[&str] = &["format", "version", "algo", "seed", "config", "options", "actions", "step", "steps", "extra"];
const INNER: &[&str] = &["nodes", "drop", "dup", "latency_ms", "protocol", "ttl_ms", "bug", "speed"];

/// A rejection of a file names a field: the whole file, or a JSON path that
/// starts at one of the document's keys.
fn names_a_field(e: &file::FileError) -> bool {
    !e.reason.is_empty()
        && (e.field == "file"
            || TOP.iter().any(|t| {
                e.field == *t || e.field.starts_with(&format!("{t}.")) || e.field.starts_with(&format!("{t}["))
            }))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn links_open_or_name_every_bad_parameter(pairs in query_pairs()) {
        let known = params();
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        match query::parse_all(refs) {
            Ok(q) => {
                // What the parser accepts opens, and writes back to itself.
                prop_assert!(lab::open(&q.setup).is_ok(), "accepted but cannot open: {pairs:?}");
                if q.preset.is_none() {
                    // Written back, it is the same run (a link leaves out
                    // options at their defaults, so compare what they make).
                    let again = query::encode(&q.setup, q.step.unwrap_or(0));
                    let back = query::parse(again.iter().map(|(k, v)| (*k, v.as_str()))).unwrap().setup;
                    prop_assert_eq!((back.algo, &back.sim, back.seed, &back.actions), (q.setup.algo, &q.setup.sim, q.setup.seed, &q.setup.actions));
                    let config = |s: &Setup| lab::open(s).unwrap().protocol_config_json();
                    prop_assert_eq!(config(&back), config(&q.setup));
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(known.contains(&e.field) || e.field == "options", "unnamed field {:?} for {pairs:?}", e.field);
                    prop_assert!(!e.reason.is_empty());
                }
            }
        }
    }

    #[test]
    fn action_lists_are_read_or_refused_by_position(actions in prop::collection::vec(action_value(), 0..6), nodes in 1u32..10) {
        let text = Value::from(actions.clone()).to_string();
        match sim::parse_actions(&text, nodes) {
            Ok(list) => {
                prop_assert_eq!(list.len(), actions.len());
                for a in &list {
                    prop_assert!(a.action.validate(nodes).is_ok());
                }
            }
            Err(sim::ActionsError::Invalid { index, reason }) => {
                prop_assert!(index < actions.len() && !reason.is_empty());
            }
            Err(e) => prop_assert!(false, "a list of objects refused as a whole: {e}"),
        }
    }

    #[test]
    fn any_text_is_refused_without_a_panic(text in ".{0,64}", nodes in 1u32..10) {
        let _ = sim::parse_actions(&text, nodes);
        let _ = sim::parse_action(&text, nodes);
        if let Err(e) = file::open(&text) {
            prop_assert!(names_a_field(&e), "{e}");
        }
    }

    #[test]
    fn any_json_is_refused_by_name(value in json_value(), nodes in 1u32..10) {
        let text = value.to_string();
        if let Err(e) = sim::parse_action(&text, nodes) {
            prop_assert!(!e.reason.is_empty());
        }
        match file::open(&text) {
            Ok(opened) => { let _ = file::replay(&opened, 2_000); }
            Err(e) => prop_assert!(names_a_field(&e), "{e}"),
        }
    }

    #[test]
    fn damaged_run_files_and_traces_name_the_field(
        trace in any::<bool>(),
        top in prop::sample::select(TOP),
        inner in prop::option::of(prop::sample::select(INNER)),
        value in json_value(),
    ) {
        let (run, tr) = samples();
        let doc = mutate(if trace { tr } else { run }, top, inner, value);
        match file::open(&doc.to_string()) {
            Ok(opened) => {
                // Accepted: it replays, or the replay names what differs.
                if let Err(e) = file::replay(&opened, 2_000) {
                    prop_assert!(names_a_field(&e) || e.field.starts_with("steps[last]") || e.field == "config.protocol", "{e}");
                }
                if let Opened::Run(r) = opened {
                    prop_assert!(r.setup.validate().is_ok());
                }
            }
            Err(e) => prop_assert!(names_a_field(&e), "{e}"),
        }
    }
}

/// The shipped tours, as JSON values to damage.
fn tours() -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/tours");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "index.json"))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

const TOUR_KEYS: &[&str] = &["format", "version", "id", "title", "setup", "stops", "extra"];
const TOUR_INNER: &[&str] = &["algo", "nodes", "seed", "actions", "step", "caption", "title", "expect", "0", "1"];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_tours_name_the_field(
        which in 0usize..7,
        top in prop::sample::select(TOUR_KEYS),
        inner in prop::option::of(prop::sample::select(TOUR_INNER)),
        value in json_value(),
    ) {
        let shipped = tours();
        let mut doc = shipped[which % shipped.len()].clone();
        match (inner, &mut doc[top]) {
            (Some(key), Value::Object(o)) => { o.insert(key.to_string(), value); }
            (Some(key), Value::Array(a)) if !a.is_empty() => {
                let i = key.parse::<usize>().unwrap_or(0).min(a.len() - 1);
                if let Value::Object(o) = &mut a[i] { o.insert("step".into(), value); } else { a[i] = value; }
            }
            (_, slot) => *slot = value,
        }
        if let Err(e) = lab::tour::parse(&doc.to_string()) {
            prop_assert!(!e.reason.is_empty());
            prop_assert!(e.path.is_empty() || TOUR_KEYS.iter().any(|k| e.path.starts_with(k)), "{}: {}", e.path, e.reason);
        }
    }

    #[test]
    fn any_text_is_not_a_tour(text in ".{0,64}", value in json_value()) {
        let object = text.trim_start().starts_with('{');
        prop_assert!(lab::tour::parse(&text).is_err() || object, "{:?} read as a tour", text);
        let _ = lab::tour::parse(&value.to_string());
        let _ = lab::tour::parse_index(&value.to_string());
    }
}

/// Large and deep inputs: refused quickly, by name, without a panic or a
/// stack overflow.
#[test]
fn huge_and_deep_inputs_are_refused() {
    let deep = "[".repeat(10_000_000);
    let long = format!("\"{}\"", "a".repeat(10_000_000));
    for text in [&deep, &long] {
        assert!(sim::parse_actions(text, 5).is_err());
        assert!(sim::parse_action(text, 5).is_err());
        assert_eq!(file::open(text).unwrap_err().field, "file");
        assert!(lab::tour::parse(text).is_err());
    }
    let pairs = [("actions", deep.as_str()), ("algo", long.as_str()), ("actions-z", long.as_str())];
    let errors = query::parse_all(pairs).unwrap_err();
    assert!(errors.iter().any(|e| e.field == "actions") && errors.iter().any(|e| e.field == "algo"), "{errors:?}");
    // A request whose command is 10 MB is refused by position and field.
    let big = json!([{"step": 1, "do": "request", "node": 0, "cmd": "x".repeat(10_000_000)}]).to_string();
    let err = sim::parse_actions(&big, 5).unwrap_err().to_string();
    assert!(err.starts_with("actions[0]: request: cmd must be"), "{err}");
    // A run file asking for a step far past the end of time is refused or clamped, never looped on.
    let (mut run, _) = samples();
    run["step"] = json!(u64::MAX);
    let opened = file::open(&run.to_string()).unwrap();
    assert!(file::replay(&opened, 5_000).unwrap().steps() <= 5_000);
}
