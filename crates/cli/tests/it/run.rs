//! The `cli` binary as users' scripts call it: summary and exit codes, errors
//! that name the flag, deterministic traces in the documented format.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli")).args(args).output().expect("the cli binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterscope-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

const FAULTS: &str = r#"[{"step":120,"do":"crash","node":2},{"step":300,"do":"restart","node":2},
    {"step":400,"do":"partition","groups":[[0,1],[2,3,4]]},{"step":600,"do":"heal"},
    {"step":50,"do":"request","node":0,"cmd":"x=1"},{"step":700,"do":"cut","from":0,"to":1},
    {"step":750,"do":"uncut","from":0,"to":1}]"#;

#[test]
fn a_healthy_run_prints_a_summary_and_exits_0() {
    let out = cli(&["run", "--algo", "raft", "--nodes", "5", "--seed", "42", "--steps", "5000"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    for line in ["algo        raft\n", "nodes       5\n", "seed        42\n", "steps       5000\n"] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(text.contains("network     latency 10..40 ms, drop 0, dup 0\n"), "{text}");
    assert!(text.contains("model time  "), "{text}");
    assert!(text.contains(" delivered, 0 lost, "), "no loss without --drop: {text}");
    assert!(text.contains("actions     0 scheduled, all applied\n"), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("node ")).count(), 5, "{text}");
    assert_eq!(text.matches(" leader ").count(), 1, "one leader after 5000 quiet steps: {text}");
    assert!(
        text.contains(
            "safety      OK: Election Safety, Leader Append-Only, Log Matching, Leader Completeness, State Machine Safety\n"
        ),
        "{text}"
    );
}

#[test]
fn faults_are_counted_and_the_run_stays_safe() {
    let dir = scratch("faults");
    let actions = write(&dir, "actions.json", FAULTS);
    let out = cli(&["run", "--seed", "7", "--steps", "3000", "--drop", "0.05", "--dup", "0.01", "--actions", &actions]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("network     latency 10..40 ms, drop 0.05, dup 0.01\n"), "{text}");
    assert!(text.contains("actions     7 scheduled, all applied\n"), "{text}");
    let messages = text.lines().find(|l| l.starts_with("messages")).unwrap();
    assert!(messages.contains(" network") && messages.contains(" link cut"), "{messages}");
    assert!(text.contains("safety      OK: "), "{text}");
}

#[test]
fn a_failed_action_is_named_and_exits_3() {
    let dir = scratch("failed-action");
    let actions = write(
        &dir,
        "actions.json",
        r#"[{"step":10,"do":"crash","node":1},{"step":20,"do":"heal"},{"step":30,"do":"restart","node":3},
            {"step":80,"do":"drop","msg":1000000}]"#,
    );
    let out = cli(&["run", "--steps", "200", "--actions", &actions]);
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("action failed: actions[2] at step 30: restart: node 3 is not down\n"), "{err}");
    assert!(err.contains("action failed: actions[3] at step 80: drop: message 1000000 is not in flight\n"), "{err}");
    assert!(stdout(&out).contains("actions     4 scheduled, 2 failed\n"), "{}", stdout(&out));
}

/// Every bad input exits 2 with a message naming the flag.
#[test]
fn bad_input_names_the_flag_and_exits_2() {
    let dir = scratch("bad-input");
    let bad_json = write(&dir, "bad.json", r#"[{"step":1,"do":"crash","node":2},"#);
    let unknown_node = write(&dir, "unknown-node.json", r#"[{"step":1,"do":"heal"},{"step":5,"do":"crash","node":7}]"#);
    let unknown_verb = write(&dir, "unknown-verb.json", r#"[{"step":1,"do":"explode"}]"#);
    let missing = dir.join("missing.json").to_str().unwrap().to_string();
    let no_dir = dir.join("no/such/dir/out.json").to_str().unwrap().to_string();
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec!["--nodes", "1000"], &["--nodes", "must be between 1 and 9, got 1000"]),
        (vec!["--nodes", "0"], &["--nodes"]),
        (vec!["--drop", "2"], &["--drop", "probability"]),
        (vec!["--dup", "-0.1"], &["--dup"]),
        (vec!["--drop", "lots"], &["--drop", "lots"]),
        (vec!["--latency", "40..10"], &["--latency", "40..10"]),
        (vec!["--latency", "ten"], &["--latency", "MIN..MAX"]),
        (vec!["--algo", "paxsos"], &["--algo", "paxsos", "raft"]),
        (vec!["--seed", "abc"], &["--seed"]),
        (vec!["--steps", "-5"], &["--steps"]),
        (vec!["--actions", &bad_json], &["--actions", "bad.json", "not a JSON array of actions"]),
        (vec!["--actions", &unknown_node], &["--actions", "actions[1]: crash: node 7 does not exist (nodes are 0..4)"]),
        (vec!["--actions", &unknown_verb], &["--actions", "actions[0]: unknown variant `explode`"]),
        (vec!["--actions", &missing], &["--actions", "cannot read", "missing.json"]),
        (vec!["--trace", &no_dir], &["--trace", "cannot create", "out.json"]),
        (vec!["--steps", "3000000", "--trace", "-"], &["--steps", "a trace holds at most 2000000 steps"]),
        (vec!["--shiviz", &no_dir], &["--shiviz", "cannot create", "out.json"]),
        (vec!["--perfetto", &no_dir], &["--perfetto", "cannot create", "out.json"]),
        (vec!["--algo", "ring", "--edn", &no_dir], &["--edn", "cannot create", "out.json"]),
        (vec!["--steps", "3000000", "--perfetto", "-"], &["--steps", "an export holds at most 2000000 steps"]),
        (
            vec!["--trace", "-", "--perfetto", "x.json", "--shiviz", "-"],
            &["--shiviz", "only one output can go to standard output ('-'), and --trace already does"],
        ),
        (
            vec!["--algo", "paxos", "--edn", "-"],
            &[
                "--edn",
                "paxos has no clients; an EDN history is for the algorithms whose clients report operations: raft, ",
            ],
        ),
        (vec!["--no-such-flag"], &["--no-such-flag"]),
    ];
    for (args, needles) in cases {
        let mut full = vec!["run"];
        full.extend(&args);
        let out = cli(&full);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: {needle:?} not in {err}");
        }
        assert!(stdout(&out).is_empty(), "{args:?}: nothing on stdout for bad input: {}", stdout(&out));
    }
}

fn trace(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let path = dir.join(name);
    let mut full = vec!["run", "--trace", path.to_str().unwrap()];
    full.extend(args);
    let out = cli(&full);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let bytes = std::fs::read(&path).unwrap();
    let note = format!("trace       {} ({} bytes)\n", path.display(), bytes.len());
    assert!(stdout(&out).contains(&note), "{note:?} not in {}", stdout(&out));
    bytes
}

#[test]
fn traces_are_byte_identical_for_the_same_inputs_and_differ_by_seed() {
    let dir = scratch("determinism");
    let actions = write(&dir, "actions.json", FAULTS);
    let args = |seed: &'static str| {
        vec!["--seed", seed, "--steps", "1500", "--drop", "0.05", "--dup", "0.01", "--actions", actions.as_str()]
    };
    let a = trace(&dir, "a.json", &args("42"));
    let b = trace(&dir, "b.json", &args("42"));
    let c = trace(&dir, "c.json", &args("43"));
    assert!(a.len() > 100_000, "a 1500-step trace is substantial: {} bytes", a.len());
    assert!(a == b, "same inputs, different traces");
    assert!(a != c, "a different seed gives a different trace");

    // `--trace -` streams the same bytes to stdout; the summary moves to stderr.
    let mut full = vec!["run", "--trace", "-"];
    full.extend(args("42"));
    let out = cli(&full);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout == a, "stdout trace differs from the file trace");
    assert!(stderr(&out).contains("trace       standard output ("), "{}", stderr(&out));
}

/// The CLI writes exactly what the app's `traceText()` returns: the same
/// `Session::write_trace` on a session opened from the same setup.
#[test]
fn the_trace_is_the_sessions_own() {
    let dir = scratch("same-as-app");
    let actions = write(&dir, "actions.json", FAULTS);
    let file = trace(&dir, "t.json", &["--seed", "9", "--steps", "800", "--latency", "5..25", "--actions", &actions]);

    let setup = lab::Setup {
        seed: 9,
        sim: sim::SimConfig { latency_ms: [5, 25], ..sim::SimConfig::default() },
        actions: sim::parse_actions(FAULTS, 5).unwrap(),
        ..lab::Setup::default()
    };
    let mut session = lab::open(&setup).unwrap();
    for _ in 0..800 {
        assert!(session.step());
    }
    assert!(file == session.trace_json().into_bytes(), "CLI trace differs from Session::trace_json");
}

/// A JSON value that keeps the order of object keys.
#[derive(Debug)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Array(Vec<Ordered>),
    Scalar(serde_json::Value),
}

impl Ordered {
    fn keys(&self) -> Vec<&str> {
        match self {
            Ordered::Object(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not an object: {other:?}"),
        }
    }
    fn get(&self, key: &str) -> &Ordered {
        match self {
            Ordered::Object(fields) => &fields.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("no {key}")).1,
            other => panic!("not an object: {other:?}"),
        }
    }
    fn items(&self) -> &[Ordered] {
        match self {
            Ordered::Array(items) => items,
            other => panic!("not an array: {other:?}"),
        }
    }
    fn scalar(&self) -> &serde_json::Value {
        match self {
            Ordered::Scalar(v) => v,
            other => panic!("not a scalar: {other:?}"),
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
                    fields.push((k, v));
                }
                Ok(Ordered::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element()? {
                    items.push(v);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(serde_json::Value::Null))
            }
        }
        d.deserialize_any(V)
    }
}

/// The documented schema, key order included (people feed traces to their
/// own checkers).
#[test]
fn the_trace_has_the_documented_shape() {
    let dir = scratch("schema");
    let actions = write(&dir, "actions.json", FAULTS);
    let bytes = trace(&dir, "t.json", &["--seed", "42", "--steps", "1000", "--drop", "0.05", "--actions", &actions]);
    let doc: Ordered = serde_json::from_slice(&bytes).expect("the trace is JSON");

    // Raft's clients made requests, so the history comes last (issue 13).
    assert_eq!(doc.keys(), ["version", "algo", "seed", "config", "actions", "steps", "history"]);
    assert_eq!(doc.get("version").scalar(), 1);
    assert_eq!(doc.get("algo").scalar(), "raft");
    assert_eq!(doc.get("seed").scalar(), 42);
    let config = doc.get("config");
    assert_eq!(config.keys(), ["nodes", "latency_ms", "drop", "dup", "protocol"]);
    assert_eq!(config.get("nodes").scalar(), 5);
    assert_eq!(config.get("drop").scalar(), 0.05);
    assert_eq!(config.get("protocol").keys(), ["election_timeout_ms", "heartbeat_ms", "max_entries_per_append"]);
    let actions = doc.get("actions").items();
    assert_eq!(actions.len(), 7);
    assert_eq!(actions[0].keys(), ["step", "do", "node", "cmd"], "sorted by step: the request at 50 comes first");

    let steps = doc.get("steps").items();
    assert_eq!(steps.len(), 1000);
    let mut event_types = std::collections::BTreeSet::new();
    let mut roles = std::collections::BTreeSet::new();
    for (i, step) in steps.iter().enumerate() {
        assert_eq!(step.keys(), ["step", "time", "event", "nodes", "violation"]);
        assert_eq!(step.get("step").scalar(), i as u64 + 1);
        assert_eq!(step.get("violation").scalar(), &serde_json::Value::Null);
        let event = step.get("event");
        let kind = event.get("type").scalar().as_str().unwrap().to_string();
        match kind.as_str() {
            "deliver" => assert_eq!(event.keys(), ["type", "msg"]),
            "lost" => assert_eq!(event.keys(), ["type", "msg", "reason"]),
            "timer" => assert_eq!(event.keys(), ["type", "node", "timer"]),
            other => panic!("unexpected event type {other}"),
        }
        if kind != "timer" {
            let msg = event.get("msg");
            assert_eq!(&msg.keys()[..6], ["id", "from", "to", "sent_at", "deliver_at", "type"]);
        }
        event_types.insert(kind);
        let nodes = step.get("nodes").items();
        assert_eq!(nodes.len(), 5);
        for (id, node) in nodes.iter().enumerate() {
            assert_eq!(node.keys(), ["id", "up", "role", "term", "voted_for", "commit_index", "log"]);
            assert_eq!(node.get("id").scalar(), id as u64);
            roles.insert(node.get("role").scalar().as_str().unwrap().to_string());
            for entry in node.get("log").items() {
                assert_eq!(entry.keys(), ["term", "cmd"]);
            }
        }
    }
    assert_eq!(event_types.into_iter().collect::<Vec<_>>(), ["deliver", "lost", "timer"]);
    assert_eq!(roles.into_iter().collect::<Vec<_>>(), ["candidate", "follower", "leader"]);
    let last = steps.last().unwrap().get("nodes").items();
    assert!(
        last.iter().any(|n| n.get("log").items().iter().any(|e| e.get("cmd").scalar() == "x=1")),
        "the client request reached a log"
    );
}

/// `--set NAME=VALUE` reaches the protocol's config, as `&NAME=VALUE` does in a link.
#[test]
fn protocol_options_reach_the_trace_and_bad_ones_are_named() {
    let out = cli(&[
        "run",
        "--steps",
        "50",
        "--set",
        "heartbeat_ms=30",
        "--set",
        "election_timeout_ms=300..600",
        "--trace",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(r#""protocol":{"election_timeout_ms":[300,600],"heartbeat_ms":30,"#),
        "{}",
        &text[..300.min(text.len())]
    );
    let defaults = cli(&["run", "--steps", "50", "--trace", "-"]);
    assert!(out.stdout != defaults.stdout, "other timeouts, another run");

    for (set, needles) in [
        ("heartbeat_ms=0", &["'--set'", "heartbeat_ms: must be between 1 and 60000 ms, got 0"][..]),
        (
            "heartbeat_ms=18446744073709551615",
            &["'--set'", "heartbeat_ms: must be between 1 and 60000 ms, got 18446744073709551615"][..],
        ),
        ("nope=1", &["'--set'", "has no option \"nope\"", "heartbeat_ms"][..]),
        ("election_timeout_ms=9..3", &["'--set'", "election_timeout_ms"][..]),
        ("heartbeat_ms", &["'--set <NAME=VALUE>'", "expected NAME=VALUE"][..]),
    ] {
        let out = cli(&["run", "--set", set]);
        assert_eq!(out.status.code(), Some(2), "{set}: {}", stderr(&out));
        for needle in needles {
            assert!(stderr(&out).contains(needle), "{set}: {needle:?} not in {}", stderr(&out));
        }
    }
}

#[test]
fn algos_lists_sizes_and_properties() {
    let out = cli(&["algos"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let width = lab::ALGOS.iter().map(|i| i.name.len()).max().unwrap();
    assert!(text.starts_with(&format!("{:<width$} Raft — nodes 1..=9 (default 5)\n", "raft")), "{text}");
    assert!(text.contains("safety properties: Election Safety, Leader Append-Only, Log Matching"), "{text}");
    assert!(text.contains("heartbeat_ms=50"), "options with their defaults: {text}");
    for info in lab::ALGOS {
        assert!(
            text.contains(&format!("{:<width$} {} — nodes", info.name, info.title)),
            "{} missing: {text}",
            info.name
        );
    }
}

#[test]
fn help_documents_the_contract() {
    let out = cli(&["run", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "--algo <NAME>",
        "--nodes <N>",
        "--seed <SEED>",
        "--steps <STEPS>",
        "--drop <P>",
        "--dup <P>",
        "--latency <MIN..MAX>",
        "--actions <FILE>",
        "--trace <FILE>",
        "--shiviz <FILE>",
        "--perfetto <FILE>",
        "--edn <FILE>",
        "--set <NAME=VALUE>",
        "[default: 10..40]",
        "Exit status:",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from run --help:\n{text}");
    }
    let out = cli(&[]);
    assert_eq!(out.status.code(), Some(2), "no subcommand is a usage error");
}

/// An idle world does not skip its schedule: single-decree Paxos has nothing
/// to do until a client asks, so the world waits in idle steps until the
/// request's step comes, and the summary says so.
#[test]
fn an_idle_world_waits_for_its_scheduled_actions() {
    let dir = scratch("idle");
    let actions = write(
        &dir,
        "actions.json",
        r#"[{"step":20,"do":"request","node":0,"cmd":"v1"},{"step":25,"do":"crash","node":4}]"#,
    );
    let out = cli(&["run", "--algo", "paxos", "--steps", "400", "--actions", &actions]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("actions     2 scheduled, all applied\n"), "{text}");
    assert!(text.contains("20 idle (waiting for a scheduled action)"), "{text}");
    assert!(text.contains("(stopped early: nothing was left to happen)"), "the value is chosen, then quiet: {text}");
    assert!(!text.contains("go on"), "no proposer takes another request: {text}");
}

/// A world that waits for a client, run without one, says which request
/// would go on, as an actions file writes it; and that request does.
#[test]
fn a_world_that_waits_for_a_client_names_the_request_that_goes_on() {
    let out = cli(&["run", "--algo", "2pc"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("steps       0 of 1000 (stopped early: nothing was left to happen)\n"), "{text}");
    let hint = r#"go on       with a client request in --actions, like {"step":0,"do":"request","node":0,"cmd":"t1"}"#;
    assert!(text.contains(&format!("{hint}\n")), "{text}");
    let dir = scratch("go-on");
    let actions = write(&dir, "actions.json", r#"[{"step":0,"do":"request","node":0,"cmd":"t1"}]"#);
    let out = cli(&["run", "--algo", "2pc", "--actions", &actions]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("go on       with a client request in --actions, like {\"step\":"),
        "after the transaction, the next: {text}"
    );
    assert!(text.contains("\"cmd\":\"t2\"}"), "{text}");
    // Raft never waits: no such line.
    assert!(!stdout(&cli(&["run", "--steps", "50"])).contains("go on"));
}

/// An action the run never reaches is named, with why, and exits 3.
#[test]
fn an_action_past_the_last_step_is_not_applied_and_says_why() {
    let dir = scratch("unreached");
    let actions = write(&dir, "actions.json", r#"[{"step":10,"do":"heal"},{"step":900,"do":"crash","node":1}]"#);
    let out = cli(&["run", "--steps", "100", "--actions", &actions]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}{}", stderr(&out));
    assert!(text.contains("actions     2 scheduled, 1 not applied\n"), "{text}");
    assert!(text.contains("actions[1] at step 900: the run ended at step 100"), "{text}");
    assert!(
        stderr(&out).contains("action not applied: actions[1] at step 900: the run ended at step 100"),
        "{}",
        stderr(&out)
    );
}

/// A run file (the app's "save run") and a trace both reopen as the run
/// they describe, to the step they show: the trace written again is the
/// same bytes.
#[test]
fn run_files_and_traces_reopen_as_the_same_run() {
    let dir = scratch("run-file");
    let actions = write(&dir, "actions.json", FAULTS);
    let original = trace(
        &dir,
        "original.json",
        &["--seed", "9", "--steps", "800", "--drop", "0.05", "--set", "heartbeat_ms=30", "--actions", &actions],
    );
    let text = String::from_utf8(original.clone()).unwrap();
    assert!(text.contains(r#""options":{"heartbeat_ms":"30"},"actions":"#), "{}", &text[..400]);

    // The trace as a run file: same run, to its last step.
    let again = trace(&dir, "again.json", &["--run-file", dir.join("original.json").to_str().unwrap()]);
    assert!(again == original, "a trace reopened from its own inputs differs");

    // A run file written as the app writes it.
    let run = lab::file::open(&text).unwrap().run().clone();
    let run_file = write(&dir, "run.json", &lab::file::write_run(&run.setup, 800));
    let from_run = trace(&dir, "from-run.json", &["--run-file", &run_file]);
    assert!(from_run == original, "a run file reopens as another run");
    // --steps still decides how far it goes.
    let shorter = cli(&["run", "--run-file", &run_file, "--steps", "100"]);
    assert!(stdout(&shorter).contains("steps       100\n"), "{}", stdout(&shorter));

    for (args, needles) in [
        (vec!["--run-file", run_file.as_str(), "--seed", "3"], &["--seed", "cannot be used with"][..]),
        (vec!["--run-file", "/nonexistent/run.json"], &["'--run-file'", "cannot read /nonexistent/run.json"][..]),
    ] {
        let mut full = vec!["run"];
        full.extend(args.iter().copied());
        let out = cli(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        for needle in needles {
            assert!(stderr(&out).contains(needle), "{args:?}: {needle:?} not in {}", stderr(&out));
        }
    }
    let bad = write(&dir, "bad.json", &lab::file::write_run(&run.setup, 800).replace(r#""nodes":5"#, r#""nodes":50"#));
    let out = cli(&["run", "--run-file", &bad]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("'--run-file'") && stderr(&out).contains("config.nodes:"), "{}", stderr(&out));
}

/// A scenario saved before its faults (the app's "Save run" at step 0 of
/// a preset): the actions after the step the file shows are the run's
/// later part, named but not a failure. Asked to stop there by --steps,
/// they were not applied: exit 3, as for any run.
#[test]
fn a_run_file_saved_before_its_actions_runs_to_its_step_without_failing() {
    let dir = scratch("run-file-early");
    let actions = write(&dir, "actions.json", FAULTS);
    let original = trace(&dir, "original.json", &["--seed", "9", "--steps", "800", "--actions", &actions]);
    let run = lab::file::open(std::str::from_utf8(&original).unwrap()).unwrap().run().clone();
    let first = run.setup.actions.iter().map(|a| a.step).min().expect("FAULTS has actions");
    let early = write(&dir, "early.json", &lab::file::write_run(&run.setup, first - 1));
    let n = run.setup.actions.len();

    let out = cli(&["run", "--run-file", &early]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains(&format!("steps       {}\n", first - 1)), "{text}");
    let later = format!("actions     {n} scheduled, {n} later (--steps runs past step {})\n", first - 1);
    assert!(text.contains(&later), "{text}");
    assert!(
        text.contains(&format!("actions[0] at step {first}: after step {}, where the run file stops", first - 1)),
        "{text}"
    );
    assert_eq!(stderr(&out), "", "nothing went wrong");

    let out = cli(&["run", "--run-file", &early, "--steps", &(first - 1).to_string()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("{n} not applied")), "{}", stdout(&out));
}

#[test]
fn a_reader_that_has_gone_ends_the_command_quietly() {
    // `cli algos | true`: the reader closes the pipe before anything is
    // written; the write fails, and the command ends without a panic.
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cli"))
        .arg("algos")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cli binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "no panic on a closed pipe: {err}");
}

/// `cli algos` says which check finds a bug from the start, as a command
/// line; run as printed, it finds the property the recipe's case expects.
#[test]
fn algos_prints_the_check_that_finds_a_bug_and_it_does() {
    let text = stdout(&cli(&["algos"]));
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("found by: cli check --algo paxos") && l.contains("bug=forget-promise"))
        .unwrap_or_else(|| panic!("no check for paxos forget-promise: {text}"));
    let args: Vec<&str> = line.trim_start_matches("found by: cli ").split(' ').collect();
    let out = cli(&args);
    assert_eq!(out.status.code(), Some(1), "a violation: {}", stdout(&out));
    assert!(stdout(&out).contains("violation: Promise Integrity at step"), "{}", stdout(&out));
    // One line per recipe, and none for a bug found only from a run that
    // went somewhere first.
    assert_eq!(text.matches("found by: cli check").count(), lab::recipes::RECIPES.len());
    assert!(!text.contains("found by: cli check --algo kv-raft"), "{text}");
}
