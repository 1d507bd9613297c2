//! The four locks in the catalog: they open by name with their defaults,
//! their options are parsed and bad ones named, their views have the public
//! shape, and the Kleppmann presets tell their story through a session.

use lab::presets::{Preset, PRESETS};
use lab::{open, Algo, Setup};

const LOCKS: [Algo; 4] = [Algo::LockLease, Algo::LockFenced, Algo::Redlock, Algo::LockZk];

fn setup(query: &str) -> Result<Setup, lab::SetupError> {
    let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
    lab::query::parse(pairs).map(|q| q.setup)
}

#[test]
fn locks_open_by_name_with_the_documented_layout() {
    for algo in LOCKS {
        let info = algo.info();
        assert_eq!(info.name.parse::<Algo>().unwrap(), algo);
        assert_eq!(info.properties, ["Storage Mutual Exclusion"]);
        let mut s = open(&Setup::new(algo)).unwrap();
        assert_eq!(s.algo(), info.name);
        for _ in 0..2000 {
            s.step();
        }
        assert_eq!(s.first_violation(), None, "{}", info.name);
        let n = s.node_count();
        assert_eq!(n, info.default_nodes);
        let kinds: Vec<String> = (0..n)
            .map(|id| {
                let view: serde_json::Value = serde_json::from_str(&s.node_json(id)).unwrap();
                assert_eq!(view["kind"], s.node_info(id).look.role, "{}", info.name);
                view["kind"].as_str().unwrap().to_string()
            })
            .collect();
        let servers = if algo == Algo::Redlock { 5 } else { 1 };
        for (id, kind) in kinds.iter().enumerate() {
            let want = if id < servers {
                "lock_server"
            } else if id + 1 < n as usize {
                "client"
            } else {
                "storage"
            };
            assert_eq!(kind, want, "{} node {id}", info.name);
        }
        let storage: serde_json::Value = serde_json::from_str(&s.node_json(n - 1)).unwrap();
        let writes = storage["writes"].as_array().unwrap();
        assert!(!writes.is_empty(), "{}: nothing was written in 2,000 steps", info.name);
        let keys: Vec<&String> = writes[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["accepted", "client", "time", "token"]);
        let json = s.node_json(n - 1);
        assert!(
            json.starts_with(&format!(r#"{{"id":{},"up":true,"kind":"storage","writes":[{{"client":"#, n - 1)),
            "{json}"
        );
    }
}

#[test]
fn lock_options_are_parsed_and_bad_ones_named() {
    let s = setup("algo=lock-fenced&ttl_ms=500&hold_ms=100..300&first_token=33").unwrap();
    assert_eq!(s.options.get("first_token").map(String::as_str), Some("33"));
    let config = lab::options::lock_config(Algo::LockFenced, &s.options).unwrap();
    assert_eq!((config.ttl_ms, config.hold_ms, config.first_token), (500, [100, 300], 33));
    let config =
        lab::options::lock_config(Algo::LockZk, &setup("algo=lock-zk&session_timeout_ms=900").unwrap().options);
    assert_eq!(config.unwrap().session_timeout_ms, 900);
    assert_eq!(lab::options::lock_config(Algo::Redlock, &Default::default()).unwrap(), lock::LockConfig::default());
    for (query, field) in [
        ("algo=lock-lease&ttl_ms=0", "ttl_ms"),
        ("algo=lock-lease&drift_allowance_ms=1000", "drift_allowance_ms"),
        ("algo=lock-fenced&hold_ms=9..3", "hold_ms"),
        ("algo=redlock&backoff_ms=soon", "backoff_ms"),
        ("algo=lock-zk&heartbeat_ms=1000", "heartbeat_ms"),
        ("algo=redlock&nodes=6", "nodes"),
        ("algo=lock-lease&nodes=17", "nodes"),
    ] {
        assert_eq!(setup(query).unwrap_err().field, field, "{query}");
    }
    // A lease option means nothing to the ZooKeeper recipe.
    let ttl: lab::Options = [("ttl_ms".to_string(), "1000".to_string())].into();
    let err = lab::options::check_names(Algo::LockZk, &ttl).unwrap_err();
    assert!(err.reason.contains(r#"no option "ttl_ms""#), "{err}");
}

#[test]
fn lab_presets_are_the_lock_crates_presets() {
    let ours: Vec<&Preset> = PRESETS.iter().filter(|p| LOCKS.contains(&p.algo)).collect();
    assert_eq!(ours.len(), lock::presets::PRESETS.len());
    for (lab_preset, lock_preset) in ours.iter().zip(lock::presets::PRESETS) {
        assert_eq!(lab_preset.id, lock_preset.id);
        assert_eq!(lab_preset.algo.name(), lock_preset.algo());
        assert_eq!(lab_preset.query, lock_preset.query(), "{}", lock_preset.id);
    }
}

/// Kleppmann's figure through the catalog, as the app and the CLI open it.
#[test]
fn kleppmann_presets_through_a_session() {
    let run = |id: &str| {
        let q = Preset::find(id).unwrap().load();
        let mut s = open(&q.setup).unwrap();
        for _ in 0..40 {
            s.step();
        }
        s
    };
    let lease = run("kleppmann-lease");
    let v = lease.first_violation().unwrap();
    assert_eq!((v.step, v.property), (35, "Storage Mutual Exclusion"));
    let fenced = run("kleppmann-fenced");
    assert_eq!(fenced.first_violation(), None);
    assert!(fenced.node_json(3).contains(r#"{"client":2,"token":34,"accepted":true,"time":1437},{"client":1,"token":33,"accepted":false,"time":1645}"#), "{}", fenced.node_json(3));
}
