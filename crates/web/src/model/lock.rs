//! Distributed locks in the app: lock servers, clients and the storage in
//! three columns; each node's local clock; each lease twice, as its holder
//! believes it and as the server does (they differ when a clock drifts or a
//! client pauses: Kleppmann, "How to do distributed locking", 2016); and the
//! storage's write log, where fencing tokens show their worth.
//!
//! It reads the nodes' trace views (`kind` = `lock_server`, `client`,
//! `storage`) and the world's node info (ring timers, local clocks).

use super::layout::Arrangement;
use super::scene::Scene;
use protocol::{NodeId, Status};
use serde_json::Value;
use sim::Session;

/// Most writes listed (the newest ones).
pub const WRITE_ROWS: usize = 100;

pub fn is_lock(algo: &str) -> bool {
    matches!(algo, "lock-lease" | "lock-fenced" | "redlock" | "lock-zk")
}

/// Servers in a column on the left, clients in the middle, the storage on
/// the right (the lock crate's fixed order: servers, clients, storage).
pub fn arrangement(session: &dyn Session) -> Arrangement {
    if !is_lock(session.algo()) {
        return Arrangement::Circle;
    }
    let n = session.node_count();
    let count = |role: &str| (0..n).filter(|&id| session.node_info(id).look.role == role).count() as u32;
    Arrangement::Columns { servers: count("lock_server"), clients: count("client") }
}

/// A node's clock as shown under it: `t=1180`, `t=1180 ×0.5` when it drifts.
pub fn clock_text(local_time: u64, rate: f64) -> String {
    if (rate - 1.0).abs() < 1e-9 {
        format!("t={local_time}")
    } else {
        let rate = format!("{rate:.2}");
        let rate = rate.trim_end_matches('0').trim_end_matches('.');
        format!("t={local_time} ×{rate}")
    }
}

/// Add the lock marks to a scene just rebuilt from `session`.
pub fn decorate(session: &dyn Session, scene: &mut Scene) {
    if !is_lock(session.algo()) {
        return;
    }
    for id in 0..session.node_count() {
        let info = session.node_info(id);
        let mut note = clock_text(info.local_time, info.clock_rate);
        if info.status == Status::Paused {
            note.push_str(" (frozen)");
        }
        if let Some(d) = scene.nodes.get_mut(id as usize) {
            d.note = note;
        }
        if info.look.role != "lock_server" {
            continue;
        }
        // The server's own view of the lease: its expiry timer, drawn again
        // around the client it believes holds the lock.
        let view: Value = serde_json::from_str(&session.node_json(id)).unwrap_or_default();
        let holder = view.get("holder").and_then(Value::as_u64).map(|h| h as NodeId);
        if let (Some(h), Some((set_at, fires_at))) = (holder, info.ring) {
            if let Some(d) = scene.nodes.get_mut(h as usize) {
                d.server_ring = Some((set_at as f64, fires_at as f64));
            }
        }
    }
    // A holder without a ring timer (between its own timer's firings) still
    // believes in its lease until `valid_until` on its clock.
    let now = session.now() as f64;
    for id in 0..session.node_count() {
        let info = session.node_info(id);
        if info.look.role != "client" || info.ring.is_some() || info.clock_rate <= 0.0 {
            continue;
        }
        let view: Value = serde_json::from_str(&session.node_json(id)).unwrap_or_default();
        let holds = view.get("holds").and_then(Value::as_bool).unwrap_or(false);
        if let (true, Some(until)) = (holds, view.get("valid_until").and_then(Value::as_u64)) {
            let left = (until as f64 - info.local_time as f64) / info.clock_rate;
            if let Some(d) = scene.nodes.get_mut(id as usize) {
                let start = d.server_ring.map_or(now, |r| r.0);
                d.ring = Some((start, now + left.max(0.0)));
            }
        }
    }
}

/// One write as the storage recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    pub client: NodeId,
    pub token: Option<u64>,
    pub accepted: bool,
    pub time: u64,
}

/// The storage's writes, newest first, and the highest token it accepted.
pub fn writes(session: &dyn Session) -> Option<(NodeId, Vec<Write>, Option<u64>)> {
    if !is_lock(session.algo()) {
        return None;
    }
    let id = (0..session.node_count()).rev().find(|&id| session.node_info(id).look.role == "storage")?;
    let view: Value = serde_json::from_str(&session.node_json(id)).ok()?;
    let list = view.get("writes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let rows = list
        .iter()
        .rev()
        .take(WRITE_ROWS)
        .filter_map(|w| {
            Some(Write {
                client: w.get("client")?.as_u64()? as NodeId,
                token: w.get("token").and_then(Value::as_u64),
                accepted: w.get("accepted")?.as_bool()?,
                time: w.get("time").and_then(Value::as_u64).unwrap_or(0),
            })
        })
        .collect();
    Some((id, rows, view.get("highest_token").and_then(Value::as_u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(preset: &str, steps: u64) -> Box<dyn Session> {
        let q = lab::presets::Preset::find(preset).unwrap().load();
        let mut s = lab::open(&q.setup).unwrap();
        s.seek(steps);
        s
    }

    #[test]
    fn clocks_say_their_drift() {
        assert_eq!(clock_text(1180, 1.0), "t=1180");
        assert_eq!(clock_text(1180, 0.5), "t=1180 ×0.5");
        assert_eq!(clock_text(7, 1.25), "t=7 ×1.25");
    }

    #[test]
    fn kleppmann_fenced_rejects_token_33_after_34() {
        // Kleppmann 2016, figure 2: the paused client's late write is fenced off.
        let s = run("kleppmann-fenced", 60);
        assert_eq!(arrangement(s.as_ref()), Arrangement::Columns { servers: 1, clients: 2 });
        let (storage, rows, highest) = writes(s.as_ref()).unwrap();
        assert_eq!(storage, 3);
        let late = rows.iter().position(|w| w.token == Some(33) && !w.accepted).expect("33 rejected");
        assert!(rows[late..].iter().any(|w| w.token == Some(34) && w.accepted), "{rows:?}");
        assert!(highest.is_some_and(|h| h >= 34), "{highest:?}");
        let mut scene = Scene::default();
        scene.rebuild(s.as_ref());
        decorate(s.as_ref(), &mut scene);
        assert!(scene.nodes.iter().all(|n| n.note.starts_with("t=")));
    }
}
