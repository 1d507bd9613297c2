//! `cli check --symmetry`: the reduction in the summary (text and JSON),
//! a counterexample found with it on that `cli run --actions` replays, and
//! an algorithm without interchangeable nodes refused with exit code 2.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli")).args(args).output().expect("the cli binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_2pc_bug_found_with_symmetry_replays() {
    let dir = std::env::temp_dir().join(format!("clusterscope-cli-symmetry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ce = dir.join("ce.json");
    let out = cli(&[
        "check",
        "--algo",
        "2pc",
        "--nodes",
        "3",
        "--set",
        "bug=abort-after-yes",
        "--depth",
        "10",
        "--crashes",
        "1",
        "--requests",
        "1",
        "--symmetry",
        "--json",
        "--threads",
        "2",
        "--out",
        ce.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["symmetry"], true);
    assert_eq!(summary["interchangeable"], 2);
    assert_eq!(summary["symmetry_groups"], serde_json::json!([[1, 2]]));
    assert_eq!(summary["unique"], 1_350, "as crates/check/tests/it/symmetry.rs counts it");
    assert_eq!(summary["violation"]["property"], "Atomicity");
    assert_eq!(summary["violation"]["actions"].as_array().unwrap().len(), 7, "as short as without");
    let step = summary["violation"]["step"].as_u64().unwrap();
    let replay = summary["replay"].as_str().unwrap().replace("ce.json", ce.to_str().unwrap());
    let words: Vec<&str> = replay.split_whitespace().skip(1).collect();
    let out = cli(&words);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("violation: Atomicity at step {step}")), "{stderr}");
}

#[test]
fn the_text_summary_names_the_interchangeable_nodes() {
    let args = ["check", "--algo", "paxos", "--nodes", "5", "--set", "proposers=2", "--set", "acceptors=3"];
    let mut with = args.to_vec();
    with.extend(["--depth", "6", "--requests", "1", "--threads", "1", "--symmetry"]);
    let out = cli(&with);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("symmetry        on, 3 interchangeable nodes [[2, 3, 4]]"), "{s}");
    // Off, the line is not there and the JSON says so.
    let out = cli(&[&args[..], &["--depth", "2", "--json"]].concat());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["symmetry"], false);
    assert!(summary["interchangeable"].is_null());
}

#[test]
fn an_algorithm_without_interchangeable_nodes_exits_2() {
    for algo in ["raft", "multipaxos", "saga"] {
        let out = cli(&["check", "--algo", algo, "--depth", "3", "--symmetry"]);
        assert_eq!(out.status.code(), Some(2), "{algo}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("invalid value for '--symmetry'"), "{stderr}");
        assert!(stderr.contains(&format!("{algo} does not support symmetry reduction")), "{stderr}");
    }
}
