//! ABD in the lab: the catalog opens it, its two presets show the
//! new-old inversion without write-back and its absence with it, and the
//! client history panel lists the operations.

use lab::presets::Preset;
use lab::{open, Algo, Setup};
use protocol::present::Body;

#[test]
fn abd_opens_with_three_servers_and_three_clients_and_stays_linearizable() {
    let mut s = open(&Setup::new(Algo::Abd)).unwrap();
    s.seek(2000);
    assert_eq!(s.node_count(), 6);
    assert!(s.first_violation().is_none(), "{:?}", s.first_violation());
    let history = s.picture().panels.into_iter().find(|p| p.id == "abd-history").expect("a history panel");
    let Body::Table { rows, columns, .. } = history.body else { panic!("a table") };
    assert_eq!(columns, ["client", "f", "key", "value", "invoked", "completed"]);
    assert!(rows.len() >= 10, "{rows:?}");
}

#[test]
fn without_write_back_the_preset_shows_a_new_old_inversion_naming_the_three_clients() {
    let p = Preset::find("abd-new-old-inversion").unwrap().load();
    let mut s = open(&p.setup).unwrap();
    s.seek(60);
    let v = s.first_violation().cloned().expect("the inversion is caught");
    assert_eq!((v.property, v.step), ("Linearizability", 23));
    s.seek(23);
    assert_eq!(s.violation().map(|v| v.nodes.clone()), Some(vec![3, 4, 5]));
    assert!(v.detail.contains("client 4 read 1") && v.detail.contains("client 5 read nil"), "{}", v.detail);
}

#[test]
fn with_write_back_the_later_read_finds_the_new_value() {
    let p = Preset::find("abd-write-back").unwrap().load();
    let mut s = open(&p.setup).unwrap();
    s.seek(60);
    assert!(s.first_violation().is_none());
    let history = s.picture().panels.into_iter().find(|p| p.id == "abd-history").unwrap();
    let Body::Table { rows, .. } = history.body else { panic!() };
    let client5: Vec<&Vec<String>> = rows.iter().map(|r| &r.cells).filter(|c| c[0] == "5").collect();
    assert_eq!(client5[0][1..4], ["read", "x", "1"], "{rows:?}");
}

/// The trace ends with the clients' history in Jepsen's shape, a read's
/// value a number or null.
#[test]
fn the_trace_carries_the_client_history() {
    let p = Preset::find("abd-new-old-inversion").unwrap().load();
    let mut s = open(&p.setup).unwrap();
    s.seek(23);
    let mut trace = Vec::new();
    s.write_trace(&mut trace).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&trace).unwrap();
    let history = doc["history"].as_array().expect("a history");
    let first = serde_json::json!({"process":0,"type":"invoke","f":"write","key":"x","value":1,"time":0,"step":0});
    assert_eq!(history[0], first);
    // Client 5's read of nil at the violation's step (process 1 again, free
    // since client 4's read returned), then client 3's
    // write, still open when the trace ends: its outcome is unknown.
    let n = history.len();
    let read = serde_json::json!({"process":1,"type":"ok","f":"read","key":"x","value":null,"time":history[n - 2]["time"],"step":23});
    assert_eq!(history[n - 2], read);
    assert_eq!(
        (&history[n - 1]["type"], &history[n - 1]["f"], &history[n - 1]["process"]),
        (&"info".into(), &"write".into(), &0.into())
    );
}
