//! `cli ring` as a script calls it: the example prints JSON with the
//! documented fields, and the figures are what consistent hashing promises
//! (Karger et al., 1997): about 1/(N+1) of the keys move when one node joins
//! N, against about N/(N+1) under `hash mod N`.

use serde_json::Value;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli")).args(args).output().expect("the cli binary runs")
}

fn json(args: &[&str]) -> Value {
    let out = cli(args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

fn f(v: &Value, field: &str) -> f64 {
    v[field].as_f64().unwrap_or_else(|| panic!("{field} is not a number in {v}"))
}

fn primaries(v: &Value) -> Vec<u64> {
    v.as_array().unwrap().iter().map(|l| l["primary"].as_u64().unwrap()).collect()
}

#[test]
fn adding_a_node_prints_the_documented_json() {
    let v = json(&[
        "ring",
        "--nodes",
        "10",
        "--vnodes",
        "100",
        "--replicas",
        "1",
        "--keys",
        "100000",
        "--seed",
        "1",
        "--add",
        "1",
        "--json",
    ]);
    let expected = f(&v, "expected_moved_fraction");
    assert!((expected - 1.0 / 11.0).abs() < 1e-12);
    let moved = f(&v, "moved_fraction");
    assert!((moved - expected).abs() < 0.2 * expected, "moved_fraction {moved}");
    let modulo = f(&v, "modulo_moved_fraction");
    assert!((modulo - 10.0 / 11.0).abs() < 0.02, "modulo_moved_fraction {modulo}");
    let rendezvous = f(&v, "rendezvous_moved_fraction");
    assert!((rendezvous - expected).abs() < 0.1 * expected, "rendezvous_moved_fraction {rendezvous}");

    let (before, after) = (primaries(&v["load"]["before"]), primaries(&v["load"]["after"]));
    assert_eq!((before.len(), after.len()), (10, 11));
    assert_eq!(before.iter().sum::<u64>(), 100_000);
    assert_eq!(after.iter().sum::<u64>(), 100_000);
    assert_eq!(v["load"]["after"][10]["node"], 10);
    for pair in ["load_stddev", "max_over_mean"] {
        assert!(f(&v[pair], "before") > 0.0 && f(&v[pair], "after") > 0.0, "{pair}: {}", v[pair]);
    }
    assert!(f(&v["max_over_mean"], "before") >= 1.0);
    for scheme in ["modulo", "rendezvous"] {
        for field in ["moved_fraction", "load", "load_stddev", "max_over_mean"] {
            assert!(v[scheme].get(field).is_some(), "{scheme}.{field} missing");
        }
    }
    assert_eq!(v["change"], serde_json::json!({"add": 1}));
}

#[test]
fn removing_a_node_moves_its_keys_only() {
    let v = json(&["ring", "--keys", "20000", "--remove", "3", "--json"]);
    assert_eq!(v["members_after"].as_array().unwrap().len(), 9);
    assert!(!v["members_after"].as_array().unwrap().contains(&Value::from(3)));
    let moved = f(&v, "moved_fraction");
    let lost: u64 = v["load"]["before"][3]["primary"].as_u64().unwrap();
    assert_eq!((moved * 20_000.0).round() as u64, lost, "exactly node 3's keys moved");
}

#[test]
fn the_text_report_and_bad_flags() {
    let out = cli(&["ring", "--keys", "5000", "--replicas", "3"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0));
    for line in [
        "10 nodes, 100 virtual nodes each, 3 replicas, 5000 keys, seed 1: add 1 (node 10)",
        "consistent hashing",
        "hash mod N",
        "rendezvous (HRW)",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let out = cli(&["ring", "--remove", "10"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("invalid value for '--remove': node 10 is not in the ring"), "{err}");
    assert_eq!(cli(&["ring", "--vnodes", "0"]).status.code(), Some(2));
    assert_eq!(cli(&["ring", "--add", "1", "--remove", "2"]).status.code(), Some(2));
}
