//! `cli check --crash-mid-step` and `cli check --from RUN.json`: what they
//! report, and that the counterexample written with `--out` replays from
//! the fresh world with `cli run --actions`, word for word as the summary
//! says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli")).args(args).output().expect("the cli binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterscope-cli-check-from-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Check with `args` (plus `--json --out`), expect a violation of
/// `property`, and replay the counterexample as the summary says.
fn found_and_replayed(args: &[&str], property: &str, dir: &Path) -> serde_json::Value {
    let ce = dir.join("ce.json");
    let mut args = args.to_vec();
    args.extend(["--out", ce.to_str().unwrap(), "--json", "--threads", "2"]);
    let out = cli(&args);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["violation"]["property"], property, "{summary}");
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&ce).unwrap()).unwrap();
    assert_eq!(file, summary["violation"]["actions"]);
    let step = summary["violation"]["step"].as_u64().unwrap();
    let replay = summary["replay"].as_str().unwrap().replace("ce.json", ce.to_str().unwrap());
    let words: Vec<&str> = replay.split_whitespace().skip(1).collect();
    let out = cli(&words);
    assert_eq!(out.status.code(), Some(1), "{replay}: {}{}", text(&out.stdout), text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("violation: {property} at step {step}")), "{stderr}");
    summary
}

#[test]
fn a_crash_inside_a_step_is_a_choice_recorded_before_the_step_it_cuts_short() {
    let dir = scratch("mid");
    let args = [
        "check",
        "--algo",
        "outbox",
        "--nodes",
        "4",
        "--set",
        "bug=publish-before-commit",
        "--depth",
        "12",
        "--crashes",
        "1",
        "--requests",
        "1",
        "--crash-mid-step",
    ];
    let summary = found_and_replayed(&args, "No Message Without Commit", &dir);
    assert_eq!(summary["budgets"]["crash_mid_step"], true);
    let actions = summary["violation"]["actions"].as_array().unwrap();
    let at = actions.iter().position(|a| a["do"] == "crash-mid-step").expect("a crash inside a step");
    assert_eq!((actions[at]["node"].as_u64(), actions[at]["after"].as_u64()), (Some(0), Some(1)));
    assert_eq!(actions[at + 1]["do"], "request");
    assert_eq!(actions[at + 1]["step"], actions[at]["step"]);
    // Without the flag, the same budgets find nothing.
    let out = cli(&args[..args.len() - 1]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("crashes <= 1, drops"), "{}", text(&out.stdout));
}

/// A Raft run of three nodes whose leader (node 0) committed `x=1` with
/// node 1 while node 2 was down; node 2 is back, with an empty log, at
/// step 30 (seed 1).
fn raft_run(bug: &str) -> String {
    let mut setup = lab::Setup::new(lab::Algo::Raft);
    setup.sim.nodes = 3;
    setup.sim.drop = 0.0;
    setup.sim.dup = 0.0;
    if !bug.is_empty() {
        setup.options.insert("bug".into(), bug.into());
    }
    let json = r#"[{"step":0,"do":"crash","node":2},{"step":15,"do":"request","node":0,"cmd":"x=1"},
                   {"step":30,"do":"restart","node":2}]"#;
    setup.actions = sim::parse_actions(json, 3).unwrap();
    lab::file::write_run(&setup, 30)
}

#[test]
fn from_a_run_file_the_search_starts_at_its_step_and_the_counterexample_replays_from_the_start() {
    let dir = scratch("from");
    let run = dir.join("run.json");
    std::fs::write(&run, raft_run("vote-without-log-check")).unwrap();
    let args = ["check", "--from", run.to_str().unwrap(), "--depth", "5"];
    let summary = found_and_replayed(&args, "Leader Completeness", &dir);
    assert_eq!(summary["from_step"], 30);
    let actions = summary["violation"]["actions"].as_array().unwrap();
    // The run's three actions, then the choices: node 2 stands twice (in
    // term 1 node 1 has voted already), node 1 votes for it in term 2
    // without looking at its log, node 2 counts the vote.
    assert_eq!(actions.len(), 7, "{actions:?}");
    assert_eq!(actions[2]["do"], "restart");
    assert!(actions[3..].iter().all(|a| a["step"].as_u64().unwrap() >= 30));
    assert_eq!(summary["depth"], 4);

    // The correct protocol from the same state: no violation.
    std::fs::write(&run, raft_run("")).unwrap();
    let out = cli(&["check", "--from", run.to_str().unwrap(), "--depth", "5", "--threads", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("from            the run at step 30 (3 actions)"), "{}", text(&out.stdout));
}

#[test]
fn a_bad_run_file_or_a_world_flag_with_it_is_named() {
    let dir = scratch("bad");
    let run = dir.join("run.json");
    std::fs::write(&run, "{\"format\": \"nope\"}").unwrap();
    let out = cli(&["check", "--from", run.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--from"), "{}", text(&out.stderr));
    let out = cli(&["check", "--from", run.to_str().unwrap(), "--algo", "paxos"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--algo"), "{}", text(&out.stderr));
}
