//! The exports of a run (ShiViz, trace events, Jepsen EDN) on the toy
//! protocol: exact structure, causality, determinism.

use crate::toy;

use sim::{parse_actions, Export, Run, Session, SimConfig};
use toy::{Toy, ToyConfig};

const ACTIONS: &str = r#"[{"step":0,"do":"request","node":0,"cmd":"x=1"},
    {"step":2,"do":"request","node":1,"cmd":"fail"},
    {"step":3,"do":"request","node":2,"cmd":"y=2"},
    {"step":4,"do":"crash","node":2},
    {"step":9,"do":"restart","node":2},
    {"step":10,"do":"request","node":1,"cmd":"z=\"3\"\n"}]"#;

fn run(steps: u64) -> Run<Toy> {
    let config = SimConfig { nodes: 3, ..SimConfig::default() };
    let mut run = Run::new(config, ToyConfig::default(), 7, parse_actions(ACTIONS, 3).unwrap());
    while run.steps() < steps && run.step() {}
    run
}

fn export(run: &Run<Toy>, format: Export) -> String {
    let mut out = Vec::new();
    run.write_export(format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The step-0 start-ups, a request and its invocation: the first events.
#[test]
fn shiviz_starts_with_its_regex_and_ticks_each_host_by_one() {
    let log = export(&run(14), Export::ShiViz);
    let expected_head = "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})\n\nstart (step 0, 0 ms)\nn0 {\"n0\":1}\n\
                         start (step 0, 0 ms)\nn1 {\"n1\":1}\nstart (step 0, 0 ms)\nn2 {\"n2\":1}\n\
                         client request (step 0, 0 ms)\nn0 {\"n0\":2}\ninvoke write [\"x\" \"1\"] (step 0, 0 ms)\nn0 {\"n0\":3}\n";
    assert!(log.starts_with(expected_head), "{log}");
    assert!(log.contains("fail write \"fail\" (step 2, 16 ms)\nn1 {\"n1\":4}\n"), "{log}");
    assert!(log.contains("crash (step 4, 26 ms)\nn2 {\"n2\":8}\n"), "{log}");
    assert!(log.contains("restart (step 9, 39 ms)\nn2 {\"n2\":9}\n"), "{log}");
    // Ping #3 was sent by n2 at its 7th event, before its crash, and is
    // received by n0, which merges that clock.
    assert!(log.contains("send Ping #3 to n0 (step 4, 26 ms)\nn2 {\"n2\":7}\n"), "{log}");
    assert!(log.contains("receive Ping #3 from n2 (step 10, 42 ms)\nn0 {\"n0\":8,\"n2\":7}\n"), "{log}");
    // Ping #2 reached crashed n2: a send with no receive.
    assert!(log.contains("send Ping #2 to n2") && !log.contains("receive Ping #2"), "{log}");

    let events = parse_shiviz(&log);
    let mut last = std::collections::BTreeMap::new();
    for (_, host, clock) in &events {
        let own = clock[host];
        assert_eq!(own, last.get(host).copied().unwrap_or(0) + 1, "{host} ticks by one: {clock:?}");
        last.insert(host.clone(), own);
        assert!(clock.values().all(|&c| c > 0), "only known hosts are listed: {clock:?}");
    }
    for (event, _, clock) in &events {
        if let Some(rest) = event.strip_prefix("receive Ping #") {
            let id = rest.split(' ').next().unwrap();
            let (_, _, sent) = events.iter().find(|(e, _, _)| e.starts_with(&format!("send Ping #{id} "))).unwrap();
            assert!(sent.iter().all(|(h, c)| clock.get(h).is_some_and(|mine| mine >= c)), "{clock:?} ≥ {sent:?}");
        }
    }
}

/// Events as (description, host, clock), read with the regex's structure:
/// an event line, then `host {clock}`.
fn parse_shiviz(log: &str) -> Vec<(String, String, std::collections::BTreeMap<String, u64>)> {
    let mut lines = log.lines();
    assert_eq!(lines.next(), Some(sim::SHIVIZ_REGEX));
    assert_eq!(lines.next(), Some(""), "an empty delimiter line");
    let lines: Vec<&str> = lines.collect();
    assert_eq!(lines.len() % 2, 0, "events come in pairs of lines");
    lines
        .chunks(2)
        .map(|pair| {
            let (host, clock) = pair[1].split_once(' ').expect("host clock");
            let clock: serde_json::Map<String, serde_json::Value> = serde_json::from_str(clock).expect("a JSON clock");
            let keys: Vec<&String> = clock.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort_by_key(|k| k[1..].parse::<u32>().unwrap());
            assert_eq!(keys, sorted, "keys in node order");
            let clock = clock.into_iter().map(|(k, v)| (k, v.as_u64().unwrap())).collect();
            (pair[0].to_string(), host.to_string(), clock)
        })
        .collect()
}

#[test]
fn perfetto_has_a_track_per_node_slices_that_never_overlap_and_an_arrow_per_delivery() {
    let text = export(&run(14), Export::Perfetto);
    assert!(text.starts_with("{\"traceEvents\":[\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"toy seed 7\"}},\n"));
    assert!(text.ends_with("\n],\"displayTimeUnit\":\"ms\"}\n"));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = doc["traceEvents"].as_array().unwrap();
    let of = |ph: &'static str| events.iter().filter(move |e| e["ph"] == ph);
    let names: Vec<&str> =
        of("M").filter(|e| e["name"] == "thread_name").map(|e| e["args"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["node 0", "node 1", "node 2"]);
    // Slices: one per input handled, in order of start, none overlapping.
    let slices: Vec<(u64, u64)> = of("X").map(|e| (e["ts"].as_u64().unwrap(), e["dur"].as_u64().unwrap())).collect();
    assert!(slices.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0), "{slices:?}");
    assert_eq!(slices.len(), 3 + 4 + 9 + 1 + 4, "starts, requests, timers, a restart, receives");
    // Every finished arrow started; a finish sits inside a slice of its track.
    for f in of("f") {
        assert_eq!(f["bp"], "e");
        let s = of("s").find(|s| s["id"] == f["id"]).expect("the arrow starts at the send");
        assert!(s["ts"].as_u64() < f["ts"].as_u64());
        assert!(of("X").any(|x| x["tid"] == f["tid"] && x["ts"] == f["ts"]));
    }
    assert_eq!(of("f").count(), 4);
    // The Ping that reached crashed node 2 ends in an instant, not an arrow.
    let lost = of("i").find(|e| e["name"] == "lost Ping #2").expect("a lost instant");
    assert_eq!((lost["tid"].as_u64(), lost["args"]["reason"].as_str()), (Some(2), Some("receiver is down")));
    assert!(!of("f").any(|f| f["id"] == 2));
    let ops: Vec<&str> = of("i").filter_map(|e| e["name"].as_str()).filter(|n| n.ends_with(" write")).collect();
    assert_eq!(ops, ["invoke write", "invoke write", "fail write", "invoke write", "ok write", "invoke write"]);
}

/// Jepsen's rules: a process runs one operation at a time, is free again
/// after :ok or :fail and retired after :info; a crash closes its node's
/// operations with :info, the end of the run the rest.
#[test]
fn edn_is_a_jepsen_history() {
    let edn = export(&run(14), Export::Edn);
    let expected = [
        r#"{:type :invoke, :f :write, :value ["x" "1"], :process 0, :time 0, :index 0, :node 0, :step 0}"#,
        r#"{:type :invoke, :f :write, :value "fail", :process 1, :time 16000000, :index 1, :node 1, :step 2}"#,
        r#"{:type :fail, :f :write, :value "fail", :process 1, :time 16000000, :index 2, :node 1, :step 2}"#,
        r#"{:type :invoke, :f :write, :value ["y" "2"], :process 1, :time 19000000, :index 3, :node 2, :step 3}"#,
        r#"{:type :info, :f :write, :value ["y" "2"], :process 1, :time 26000000, :index 4, :node 2, :step 4}"#,
        r#"{:type :ok, :f :write, :value ["x" "1"], :process 0, :time 42000000, :index 5, :node 0, :step 10}"#,
        r#"{:type :invoke, :f :write, :value ["z" "\"3\""], :process 0, :time 42000000, :index 6, :node 1, :step 10}"#,
        r#"{:type :info, :f :write, :value ["z" "\"3\""], :process 0, :time 55000000, :index 7, :node 1, :step 14}"#,
    ];
    assert_eq!(edn.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn exports_replay_the_run_and_give_the_same_bytes_however_it_got_there() {
    let straight = run(40);
    let mut wandering = run(60);
    wandering.seek(10);
    wandering.seek(40);
    for format in Export::ALL {
        assert_eq!(export(&straight, format), export(&wandering, format), "{format}");
        assert_eq!(format.name().parse::<Export>(), Ok(format));
    }
    assert_eq!("json".parse::<Export>().unwrap_err(), "unknown export format \"json\"; known: shiviz, perfetto, edn");
}

/// Only a replay for an export keeps a journal; a run as the app and the
/// command line step it pays a branch, not a record per step.
#[test]
fn only_a_journaled_run_records_what_its_steps_did() {
    let config = SimConfig { nodes: 3, ..SimConfig::default() };
    let actions = parse_actions(ACTIONS, 3).unwrap();
    let mut plain = Run::<Toy>::new(config.clone(), ToyConfig::default(), 7, actions.clone());
    let mut journaled = Run::<Toy>::with_journal(config, ToyConfig::default(), 7, actions);
    assert!(plain.world().journal().is_empty());
    assert_eq!(journaled.world().journal().len(), 3 + 1 + 1, "three starts, a request and its invocation");
    for _ in 0..10 {
        plain.step();
        journaled.step();
        assert!(plain.world().journal().is_empty());
        assert!(!journaled.world().journal().is_empty());
    }
    journaled.seek(2);
    assert!(!journaled.world().journal().is_empty(), "a replay from step 0 keeps its journal");
}

/// A view of the whole run (the app's space-time diagram) replays a
/// journaled copy of a session beside it: the copy starts at step 0 with the
/// same inputs, reaches the same states, and tells a network duplicate from
/// the message it copies.
#[test]
fn a_journaled_copy_replays_the_same_run_and_flags_duplicates() {
    let config = SimConfig { nodes: 3, dup: 0.5, ..SimConfig::default() };
    let actions = parse_actions(ACTIONS, 3).unwrap();
    let mut source: Box<dyn Session> = Box::new(Run::<Toy>::new(config, ToyConfig::default(), 7, actions));
    for _ in 0..40 {
        source.step();
    }
    let mut copy = source.journaled();
    assert_eq!(copy.steps(), 0);
    assert!(source.journal().is_empty(), "the source keeps no journal");
    let (mut sent, mut dups) = (0, 0);
    while copy.steps() < source.steps() && copy.step() {
        for happening in copy.journal() {
            if let sim::journal::Happening::Sent { dup, .. } = happening {
                sent += 1;
                dups += usize::from(*dup);
            }
        }
    }
    assert_eq!(copy.state_json(), source.state_json(), "the same inputs reach the same state");
    assert!(dups > 0 && dups < sent, "some sends were duplicated by the network: {dups} of {sent}");
}
