//! The two CAP stores in the lab: the catalog opens them, and their
//! partition presets, the same seed, nodes and actions, give opposite
//! verdicts: kv-raft (CP) stays linearizable and refuses on the minority
//! side, kv-lww (AP) accepts on both sides, is not linearizable and loses
//! an update on heal.

use lab::presets::Preset;
use lab::{open, Algo, Setup};
use protocol::present::Body;

fn panel(s: &dyn sim::Session, id: &str) -> protocol::Panel {
    s.picture().panels.into_iter().find(|p| p.id == id).unwrap_or_else(|| panic!("a panel {id}"))
}

fn facts(s: &dyn sim::Session) -> Vec<(String, String)> {
    let Body::Facts { facts } = panel(s, "kv-verdict").body else { panic!("facts") };
    facts.into_iter().map(|f| (f.label.to_string(), f.value)).collect()
}

fn history(s: &dyn sim::Session) -> Vec<Vec<String>> {
    let Body::Table { rows, .. } = panel(s, "kv-history").body else { panic!("a table") };
    rows.into_iter().map(|r| r.cells).collect()
}

#[test]
fn both_stores_open_with_three_servers_and_two_clients_and_stay_safe() {
    for algo in [Algo::KvRaft, Algo::KvLww] {
        let mut s = open(&Setup::new(algo)).unwrap();
        s.seek(3000);
        assert_eq!(s.node_count(), 5);
        assert!(s.first_violation().is_none(), "{algo}: {:?}", s.first_violation());
        assert!(history(s.as_ref()).len() >= 10, "{algo}: the clients work");
        assert!(facts(s.as_ref())[0].1.starts_with("Linearizable: "), "{algo}");
    }
}

#[test]
fn the_two_partition_presets_are_the_same_run_but_for_the_algorithm() {
    let (cp, ap) = (Preset::find("kv-raft-partition").unwrap(), Preset::find("kv-lww-partition").unwrap());
    assert_eq!(cp.query.strip_prefix("algo=kv-raft"), ap.query.strip_prefix("algo=kv-lww"));
    let (cp, ap) = (cp.load().setup, ap.load().setup);
    assert_eq!((cp.seed, &cp.sim, &cp.actions, &cp.options), (ap.seed, &ap.sim, &ap.actions, &ap.options));
}

#[test]
fn under_the_same_partition_cp_stays_linearizable_and_ap_does_not_and_loses_an_update() {
    let mut cp = open(&Preset::find("kv-raft-partition").unwrap().load().setup).unwrap();
    let mut ap = open(&Preset::find("kv-lww-partition").unwrap().load().setup).unwrap();
    cp.seek(200);
    ap.seek(200);
    assert!(cp.first_violation().is_none() && ap.first_violation().is_none(), "both are correct protocols");

    // CP: the minority's write was never acknowledged; every read saw 103.
    assert_eq!(facts(cp.as_ref())[0].1, "Linearizable: yes (4 operations checked)");
    let rows = history(cp.as_ref());
    let write4 = rows.iter().find(|r| r[0] == "4" && r[1] == "write").unwrap();
    assert!(write4[4] == "info" || write4[4] == "fail", "{rows:?}");
    assert!(rows.iter().filter(|r| r[1] == "read").all(|r| r[3] == "103" && r[4] == "ok"), "{rows:?}");

    // AP: both writes acknowledged, a stale read, and one update lost.
    let f = facts(ap.as_ref());
    assert_eq!(
        f[0].1,
        "Linearizable: no — client 3 read x=103 at 450 ms after client 4's write x=104 had completed at 313 ms"
    );
    assert_eq!(f[1], ("Lost updates".to_string(), "1".to_string()));
    assert!(f[2].1.starts_with("x=103 @"), "{f:?}");
    assert!(f[2].1.contains("lost to x=104"), "{f:?}");
    let rows = history(ap.as_ref());
    assert!(rows.iter().all(|r| r[4] == "ok"), "AP answers everyone: {rows:?}");
    assert_eq!(rows.last().unwrap()[..4], ["4", "read", "x", "104"], "after the heal, 104 won");
    assert!(ap.picture().banner.unwrap().ends_with("· 1 update lost"));
    assert_eq!(ap.picture().marked, vec![3, 4], "the clients the verdict names are marked");
}

/// bug=stale-read under a partition: server 1, cut off, answers client 4's
/// read from its own store with nil after client 3's write committed; the
/// checker catches it and the recorded actions replay it.
#[test]
fn stale_read_under_a_partition_is_caught_and_replays() {
    let q = "algo=kv-raft&nodes=5&seed=1&think_ms=60000..60000&bug=stale-read&actions=[\
             {\"step\":10,\"do\":\"partition\",\"groups\":[[0,2,3],[1,4]]},\
             {\"step\":11,\"do\":\"request\",\"node\":3,\"cmd\":\"x=103\"},\
             {\"step\":30,\"do\":\"request\",\"node\":4,\"cmd\":\"read x\"}]";
    let pairs: Vec<(&str, &str)> = q.split('&').filter_map(|kv| kv.split_once('=')).collect();
    let setup = lab::query::parse(pairs).unwrap().setup;
    let mut s = open(&setup).unwrap();
    s.seek(100);
    let v = s.first_violation().cloned().expect("the stale read is caught");
    assert_eq!(v.property, "Linearizability");
    assert!(v.detail.contains("client 4 read nil") && v.detail.contains("client 3 write 103"), "{}", v.detail);
    s.seek(v.step);
    assert_eq!(s.violation().map(|v| v.nodes.clone()), Some(vec![3, 4]));
    let mut again = open(&Setup { actions: s.actions().to_vec(), ..setup }).unwrap();
    again.seek(v.step);
    assert_eq!(again.first_violation(), Some(&v));
    assert!(facts(again.as_ref())[0].1.starts_with("Linearizable: no — client 4 read x=nil"), "the panel agrees");
}

/// The trace ends with the clients' history in Jepsen's shape.
#[test]
fn the_trace_carries_the_client_history() {
    let mut s = open(&Preset::find("kv-raft-partition").unwrap().load().setup).unwrap();
    s.seek(200);
    let mut trace = Vec::new();
    s.write_trace(&mut trace).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&trace).unwrap();
    let history = doc["history"].as_array().expect("a history");
    let first = serde_json::json!({"process":0,"type":"invoke","f":"write","key":"x","value":103,"time":history[0]["time"],"step":11});
    assert_eq!(history[0], first);
    let kinds: Vec<&str> = history.iter().map(|h| h["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["invoke", "ok", "invoke", "invoke", "info", "ok", "invoke", "ok"]);
}
