//! `cli check`: its exit codes, its summary as text and JSON, bad flags
//! named, and a counterexample written with `--out` that `cli run
//! --actions` replays to the same violation at the same step.

use std::path::PathBuf;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli")).args(args).output().expect("the cli binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterscope-cli-check-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const BUGGY: &[&str] =
    &["check", "--algo", "paxos", "--nodes", "3", "--set", "bug=accept-unproposed", "--depth", "10", "--requests", "1"];

#[test]
fn a_violation_exits_1_with_a_counterexample_that_cli_run_replays() {
    let dir = scratch("replay");
    let ce = dir.join("ce.json");
    let mut args = BUGGY.to_vec();
    args.extend(["--out", ce.to_str().unwrap(), "--json", "--threads", "2"]);
    let out = cli(&args);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.stderr.is_empty(), "no progress line when stderr is not a terminal: {}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["violation"]["property"], "Validity");
    assert_eq!(summary["stop"]["reason"], "violation");
    assert!(summary["unique"].as_u64().unwrap() > 1);
    assert_eq!(summary["violation"]["actions"].as_array().unwrap().len(), 7, "shortest");
    let step = summary["violation"]["step"].as_u64().unwrap().to_string();
    // The file holds the same actions.
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&ce).unwrap()).unwrap();
    assert_eq!(file, summary["violation"]["actions"]);
    // The replay command the summary gives, word for word.
    let replay = summary["replay"].as_str().unwrap().replace("ce.json", ce.to_str().unwrap());
    let words: Vec<&str> = replay.split_whitespace().skip(1).collect();
    let out = cli(&words);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("violation: Validity at step {step}")), "{stderr}");
}

#[test]
fn a_world_that_waits_for_a_client_says_so_when_no_request_was_allowed() {
    // Two-phase commit does nothing until a client asks: with the default
    // --requests 0 the search saw one state, and "no violation" alone would
    // read as a clean bill of health.
    let out = cli(&["check", "--algo", "2pc", "--threads", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("unique states   1\n"), "{s}");
    assert!(
        s.contains("note: nothing is scheduled at step 0: 2pc waits for a client, and --requests 0 allowed none"),
        "{s}"
    );
    let json = cli(&["check", "--algo", "2pc", "--threads", "1", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(summary["waits_for_client"], true);
    // One request: the search runs the protocol, and the note is gone.
    let out = cli(&["check", "--algo", "2pc", "--requests", "1", "--depth", "6", "--threads", "1", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["waits_for_client"], false);
    assert!(summary["unique"].as_u64().unwrap() > 1);
    // A protocol with timers of its own never gets it.
    let out = cli(&["check", "--algo", "raft", "--nodes", "3", "--depth", "4", "--threads", "1"]);
    assert!(!text(&out.stdout).contains("waits for a client"), "{}", text(&out.stdout));
}

#[test]
fn no_violation_exits_0_and_the_text_summary_says_so() {
    let out = cli(&["check", "--algo", "paxos", "--nodes", "3", "--depth", "6", "--requests", "1", "--threads", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for line in ["unique states", "depth reached   6", "unique/s", "result: no violation within budgets"] {
        assert!(s.contains(line), "{line:?} in {s}");
    }
}

#[test]
fn bad_flags_are_named_and_exit_2() {
    for (args, flag) in [
        (vec!["check", "--threads", "0"], "--threads"),
        (vec!["check", "--depth", "0"], "--depth"),
        (vec!["check", "--strategy", "sideways"], "--strategy"),
        (vec!["check", "--algo", "paxos", "--nodes", "99"], "--nodes"),
        (vec!["check", "--algo", "paxos", "--set", "bug=nope"], "bug"),
    ] {
        let out = cli(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}

#[test]
fn a_state_cap_stops_cleanly() {
    let out =
        cli(&["check", "--algo", "paxos", "--nodes", "3", "--depth", "30", "--requests", "2", "--max-states", "100"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("stopped at the state cap (--max-states 100)"), "{}", text(&out.stdout));
}
