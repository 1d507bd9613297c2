//! `cli soak` on a small slice: every algorithm × 20 seeds × 2,000 steps
//! under the shared fault driver, no violation, the report as JSON; and a
//! broken variant reported with replay lines, each of which reproduces its
//! violation on its own.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli")).args(args).output().expect("the cli binary runs")
}

#[test]
fn every_algorithm_soaks_clean_on_a_small_slice() {
    let out = cli(&["soak", "--all", "--seeds", "20", "--steps", "2000", "--threads", "2", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), lab::ALGOS.len());
    for r in reports {
        assert_eq!((r["seeds"].as_u64(), r["violations"].as_u64()), (Some(20), Some(0)), "{r}");
        assert!(r["events"].as_u64().unwrap() > 0 && r["events_per_second"].as_f64().unwrap() > 0.0, "{r}");
        if cfg!(target_os = "linux") {
            assert!(r["peak_memory_kib"].as_u64().unwrap() > 0, "{r}");
        }
    }
}

#[test]
fn a_bug_is_reported_with_replay_lines_that_reproduce_it() {
    let out = cli(&["soak", "--algo", "kv-raft", "--set", "bug=stale-read", "--seeds", "20", "--steps", "2000"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().nth(1).expect("a violation line");
    assert!(first.contains("Linearizability at step"), "{text}");
    let replay = text.lines().find_map(|l| l.trim().strip_prefix("replay: cli ")).expect("a replay line");
    assert!(replay.starts_with("soak --algo kv-raft --set bug=stale-read --from "), "{replay}");
    let again = cli(&replay.split(' ').collect::<Vec<_>>());
    assert_eq!(again.status.code(), Some(1));
    let again = String::from_utf8(again.stdout).unwrap();
    assert!(again.starts_with("kv-raft: 1 seeds × 2000 steps:") && again.contains(" 1 violation,"), "{again}");
    assert_eq!(again.lines().nth(1), Some(first), "the same violation, seed alone");
}

#[test]
fn a_bad_option_or_a_missing_algorithm_is_bad_input() {
    assert_eq!(cli(&["soak", "--algo", "raft", "--set", "bug=nope", "--seeds", "1"]).status.code(), Some(2));
    assert_eq!(cli(&["soak", "--seeds", "1"]).status.code(), Some(2));
}
