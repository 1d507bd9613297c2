//! `cli run --shiviz/--perfetto/--edn`: the exports as users' scripts get
//! them, beside the trace, deterministic, to files or standard output.

use std::path::PathBuf;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli")).args(args).output().expect("the cli binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterscope-cli-export-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const RUN: &[&str] = &["run", "--algo", "raft", "--steps", "1500", "--drop", "0.05", "--dup", "0.02"];
const ACTIONS: &str = r#"[{"step":0,"do":"request","node":0,"cmd":"x=0"},{"step":120,"do":"crash","node":2},
    {"step":300,"do":"restart","node":2},{"step":400,"do":"partition","groups":[[0,1],[2,3,4]]},
    {"step":600,"do":"heal"}]"#;

/// Run with the trace and every export to files; their bytes, in the order
/// trace, shiviz, perfetto, edn, and the summary.
fn run_all(dir: &std::path::Path, seed: &str) -> (Vec<Vec<u8>>, String) {
    let actions = dir.join("actions.json");
    let mut actions_json = ACTIONS.trim_end_matches(']').to_string();
    for step in (100..1500).step_by(100) {
        actions_json +=
            &format!(r#",{{"step":{step},"do":"request","node":{},"cmd":"k{}={step}"}}"#, (step / 100) % 5, step % 3);
    }
    std::fs::write(&actions, actions_json + "]").unwrap();
    let names = ["trace.json", "log.shiviz", "perfetto.json", "history.edn"];
    let paths: Vec<String> = names.iter().map(|n| dir.join(n).to_str().unwrap().to_string()).collect();
    let mut args = RUN.to_vec();
    args.extend(["--actions", actions.to_str().unwrap(), "--trace", &paths[0], "--shiviz", &paths[1]]);
    args.extend(["--perfetto", &paths[2], "--edn", &paths[3]]);
    args.extend(["--seed", seed]);
    let out = cli(&args);
    let summary = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{summary}{}", String::from_utf8_lossy(&out.stderr));
    (paths.iter().map(|p| std::fs::read(p).unwrap()).collect(), summary)
}

#[test]
fn every_export_is_written_beside_the_trace_and_is_the_same_bytes_each_time() {
    let dir = scratch("all");
    let (first, summary) = run_all(&dir, "42");
    let names = ["trace.json", "log.shiviz", "perfetto.json", "history.edn"];
    for ((what, name), bytes) in ["trace", "shiviz", "perfetto", "edn"].iter().zip(names).zip(&first) {
        let line = format!("{what:<12}{} ({} bytes)\n", dir.join(name).display(), bytes.len());
        assert!(summary.contains(&line), "{line:?} not in {summary}");
    }
    let (again, _) = run_all(&dir, "42");
    assert!(first == again, "the same inputs give the same bytes");
    let (other_seed, _) = run_all(&dir, "43");
    assert!(first[1..].iter().zip(&other_seed[1..]).all(|(a, b)| a != b), "another seed, other exports");

    let shiviz = String::from_utf8(first[1].clone()).unwrap();
    assert!(shiviz.starts_with("(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})\n\nstart (step 0, 0 ms)\nn0 {\"n0\":1}\n"));
    let perfetto: serde_json::Value = serde_json::from_slice(&first[2]).unwrap();
    assert_eq!(perfetto["displayTimeUnit"], "ms");
    let edn = String::from_utf8(first[3].clone()).unwrap();
    assert!(
        edn.starts_with(
            "{:type :invoke, :f :write, :value [\"x\" \"0\"], :process 0, :time 0, :index 0, :node 0, :step 0}\n"
        ),
        "{edn}"
    );
    assert!(edn.contains(":type :ok, :f :write"), "some commands commit: {edn}");
    assert!(edn.contains(":type :fail, :f :write"), "some reach a follower: {edn}");
}

#[test]
fn an_export_on_standard_output_moves_the_summary_to_standard_error() {
    let out = cli(&["run", "--algo", "ring", "--steps", "300", "--edn", "-"]);
    assert_eq!(out.status.code(), Some(0));
    let (stdout, stderr) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap());
    assert!(stderr.contains("edn         standard output ("), "{stderr}");
    assert!(stdout.is_empty() || stdout.starts_with("{:type "), "{stdout}");
    let out = cli(&["run", "--steps", "300", "--shiviz", "-"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with(sim::SHIVIZ_REGEX), "{stdout}");
}
