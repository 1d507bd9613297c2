//! Golden digests: the SHA-256 of a few whole traces, pinned.
//!
//! A run is a pure function of its inputs, and the browser checks that its
//! trace equals the CLI's. But both could drift together: a new version of
//! `rand` may sample ranges differently (its range sampling is not promised
//! stable across versions), a refactor may draw from the stream in another
//! order, a serializer may change a float's text. Any of these changes every
//! old link and trace, and this test is where it shows up, on the host.
//!
//! When a change of run meaning is intended, say so in the commit and update
//! the digests printed by the failing test. The digests below were first
//! computed on the commit before idle steps existed and agree with it for
//! every algorithm but single-decree Paxos, which used to end at step 0
//! with its scheduled actions silently skipped.

use lab::{Algo, Setup};
use sha2::{Digest, Sha256};
use sim::parse_actions;

/// Faults that every algorithm below accepts (node ids < 4).
const FAULTS: &str = r#"[{"step":20,"do":"request","node":0,"cmd":"a"},
    {"step":60,"do":"crash","node":1},{"step":90,"do":"partition","groups":[[0,2]]},
    {"step":140,"do":"request","node":2,"cmd":"b"},{"step":200,"do":"heal"},
    {"step":220,"do":"restart","node":1},{"step":260,"do":"pause","node":3,"for":120},
    {"step":300,"do":"drift","node":2,"rate":1.5},{"step":330,"do":"request","node":1,"cmd":"c"}]"#;

/// The same kinds of faults for the three nodes of primary-backup.
const FAULTS_3: &str = r#"[{"step":40,"do":"pause","node":1,"for":600},
    {"step":200,"do":"partition","groups":[[0,2]]},{"step":300,"do":"heal"},
    {"step":400,"do":"crash","node":2},{"step":600,"do":"restart","node":2},
    {"step":700,"do":"drift","node":1,"rate":1.5}]"#;

fn digest(algo: Algo, nodes: u32, seed: u64, steps: u64) -> String {
    let (trace, steps) = trace(algo, nodes, seed, steps);
    format!("{:x} {steps} steps", Sha256::digest(&trace))
}

fn trace(algo: Algo, nodes: u32, seed: u64, steps: u64) -> (Vec<u8>, u64) {
    let faults = if nodes == 3 { FAULTS_3 } else { FAULTS };
    let mut setup = Setup::new(algo);
    setup.sim.nodes = nodes;
    setup.sim.drop = 0.05;
    setup.sim.dup = 0.03;
    setup.sim.latency_ms = [5, 45];
    setup.seed = seed;
    setup.actions = parse_actions(faults, nodes).unwrap();
    let mut session = lab::open(&setup).unwrap();
    for _ in 0..steps {
        if !session.step() {
            break;
        }
    }
    let mut trace = Vec::new();
    session.write_trace(&mut trace).unwrap();
    (trace, session.steps())
}

/// The clients' history is a last field added to traces of algorithms with
/// clients: without it, a trace is the one pinned before it existed.
#[test]
fn a_trace_without_its_history_is_the_one_pinned_before() {
    let before = [
        (Algo::Raft, 5, 42, "499e7bbbcd0c014c3550790cd1d1dd7b94c14950ee8a634e0a2910fe5c1c12c9"),
        (Algo::LockFenced, 4, 11, "1ebeed64071d72280b29d7de4dca1f4295b378616969f6f0c36de4f40bede6aa"),
        (Algo::LockZk, 5, 5, "a1f02c9d43b0f136392aa11a37afc59bc5685763472723977d7f1483814df7f3"),
        (Algo::MultiPaxos, 5, 3, "5df1311b22e19d77bb1fcb0a1622dabadd7f7d3c96af935820a4699348a46c9e"),
        (Algo::Balance, 5, 9, "859a18ae1e7db4698f2e14fb2de71619ebe405b5798f3c06b944038be0fef398"),
    ];
    for (algo, nodes, seed, want) in before {
        let (trace, _) = trace(algo, nodes, seed, 1500);
        let text = String::from_utf8(trace).unwrap();
        let cut = text.rfind(",\"history\":[").expect("a history");
        let history: serde_json::Value = serde_json::from_str(&text[cut + 11..text.len() - 1]).unwrap();
        let ops = history.as_array().unwrap();
        assert!(ops.len() > 4, "{algo}: {ops:?}");
        for op in ops {
            for field in ["process", "type", "f", "value", "time", "step"] {
                assert!(op.get(field).is_some(), "{algo}: {op} has no {field}");
            }
        }
        let without = format!("{}}}", &text[..cut]);
        assert_eq!(format!("{:x}", Sha256::digest(without.as_bytes())), want, "{algo}");
    }
}

#[test]
fn traces_match_their_pinned_digests() {
    let cases = [
        (Algo::Raft, 5, 42, 1500),
        (Algo::Paxos, 5, 7, 800),
        (Algo::MultiPaxos, 5, 3, 1500),
        (Algo::LockFenced, 4, 11, 1500),
        (Algo::LockZk, 5, 5, 1500),
        (Algo::Ring, 5, 2, 1500),
        (Algo::PrimaryBackup, 3, 4, 1500),
        (Algo::Balance, 5, 9, 1500),
        (Algo::KvRaft, 5, 13, 1500),
        (Algo::KvLww, 5, 13, 1500),
    ];
    let got: Vec<String> = cases
        .iter()
        .map(|&(algo, nodes, seed, steps)| format!("{algo} {}", digest(algo, nodes, seed, steps)))
        .collect();
    let want = [
        // Raft and the locks gained the clients' `history` (issue 13); without
        // it their traces are byte for byte the earlier ones (pinned below).
        "raft 80e74da152214ea367fa36375d4ff8689eada6c9bfa7812dfbe7695a96d49911 1500 steps",
        // Idle until the request at step 20 (before idle steps: 0 steps).
        "paxos 39d4c9fb1a8ae779db4806de4c0072d2166dedfa1dc38091ee1e43e05730be53 330 steps",
        "multipaxos b0c1fe236fb8fc5463e7e14ae1e4929b9a8f4773f11a46e4fd404dcbdd4a4736 1500 steps",
        "lock-fenced fa5b6b754c52ee1b19bd6e332ded13cc6d7e3e1f0168f29f0647b059a2f9f647 1500 steps",
        "lock-zk 80ee3ed11fd638fe97ab59ac50d15b1cc1924d5d64ff341f81942a82f9276bbb 1500 steps",
        "ring 24c8bef0f494dac7361b83b6950c23dd14be4f87040d4f21cde862a99a2fffe8 1500 steps",
        "primary-backup 0dcf1721362a207bb260259eb9dd719c5e4f071b3b8ec2adec3be6b9de0be879 1500 steps",
        "balance b06fb74c42c6469531e703db8310f359eb9f39e97aef2248b500ab22ad2237d5 1500 steps",
        "kv-raft fcfd0819dac303c469c11639191a48e5916026828bb67fae472766b0a53674ac 1500 steps",
        "kv-lww af18c7a04cd1de43b7c62595a868fec55bcaeaa8b8cd07da3a0bbf1dd1fc6a14 1500 steps",
    ];
    assert_eq!(got, want, "a trace changed; if that is intended, pin the new digests:\n{got:#?}");
}
