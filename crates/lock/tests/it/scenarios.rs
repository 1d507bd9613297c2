//! The stories of Kleppmann's "How to do distributed locking" (2016), the
//! Redis descriptions and the ZooKeeper lock recipe, played in the simulator
//! with the world's own faults: a process pause, a clock that runs slow, a
//! lock server that restarts, a session that expires under a paused holder.

use lock::presets::{self, Preset};
use lock::{
    Algorithm, Bug, Lock, LockConfig, LockFenced, LockLease, LockZk, Node, Redlock, Variant, WriteRecord,
    STORAGE_MUTUAL_EXCLUSION,
};
use protocol::{Protocol, Status};
use sim::{parse_actions, Action, Run, SimConfig, World};

fn world_config(nodes: u32) -> SimConfig {
    SimConfig { nodes, ..SimConfig::default() }
}

fn preset_run<V: Algorithm>(p: &Preset) -> Run<Lock<V>> {
    assert_eq!(V::VARIANT, p.variant, "{}", p.id);
    let actions = parse_actions(p.actions, p.nodes).unwrap();
    Run::new(world_config(p.nodes), p.config(), p.seed, actions)
}

fn steps<P: Protocol>(r: &mut Run<P>, n: u64) {
    for _ in 0..n {
        assert!(r.step(), "the world ran out of events");
    }
}

fn run_until<P: Protocol>(r: &mut Run<P>, max_steps: u64, pred: impl Fn(&World<P>) -> bool) -> bool {
    for _ in 0..max_steps {
        if pred(r.world()) {
            return true;
        }
        r.step();
    }
    pred(r.world())
}

fn storage_log<V: Algorithm>(w: &World<Lock<V>>) -> Vec<(u32, Option<u64>, bool)> {
    let storage = w.node(w.node_count() - 1).storage().expect("the last node is the storage");
    storage.writes().iter().map(|w: &WriteRecord| (w.client, w.token, w.accepted)).collect()
}

fn holds<V: Algorithm>(w: &World<Lock<V>>, client: u32) -> bool {
    w.status(client) != Status::Crashed && w.node(client).held().is_some()
}

fn act<P: Protocol>(r: &mut Run<P>, action: Action) {
    r.act(action.clone()).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

/// Kleppmann's figure, without fencing: client 1 gets the lease (token 33)
/// and a process pause outlives it; the lease expires, client 2 gets token
/// 34 and writes; client 1 wakes, finishes and writes with token 33, and the
/// storage takes it. "This bug is not theoretical."
#[test]
fn kleppmann_figure_corrupts_the_storage_under_a_bare_lease() {
    let mut r = preset_run::<lock::variant::Lease>(&presets::KLEPPMANN_LEASE);
    steps(&mut r, 4);
    let w = r.world();
    assert_eq!((w.status(1), w.node(1).held().map(|h| h.token)), (Status::Paused, Some(Some(33))));
    steps(&mut r, 31);
    let v = r.world().first_violation().expect("the stale write is caught");
    assert_eq!((v.step, v.property), (35, STORAGE_MUTUAL_EXCLUSION));
    assert_eq!(
        v.detail,
        "the storage accepted a write of client 1 with token 33 at 1645 on the storage's clock, \
         after a write of client 2 with token 34, which got the lock later"
    );
    assert_eq!(storage_log(r.world()), vec![(2, Some(34), true), (1, Some(33), true)]);
    // The counterexample is the preset itself: replaying it finds it again.
    let mut again = preset_run::<lock::variant::Lease>(&presets::KLEPPMANN_LEASE);
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(v));
}

/// The same figure with fencing: "the storage server remembers that it has
/// already processed a write with a higher token number (34), and so it
/// rejects the request with token 33." Both runs are the same step for step
/// until the storage judges the stale write.
#[test]
fn kleppmann_figure_is_rejected_with_a_fencing_token() {
    let mut fenced = preset_run::<lock::variant::Fenced>(&presets::KLEPPMANN_FENCED);
    let mut lease = preset_run::<lock::variant::Lease>(&presets::KLEPPMANN_LEASE);
    for _ in 0..35 {
        fenced.step();
        lease.step();
        assert_eq!(
            serde_json::to_string(&fenced.world().last_event()).unwrap(),
            serde_json::to_string(&lease.world().last_event()).unwrap(),
            "step {}",
            fenced.steps()
        );
    }
    assert_eq!(storage_log(fenced.world()), vec![(2, Some(34), true), (1, Some(33), false)]);
    assert_eq!(storage_log(lease.world()), vec![(2, Some(34), true), (1, Some(33), true)]);
    steps(&mut fenced, 1965);
    assert_eq!(fenced.world().first_violation(), None);
}

/// A clock that runs slow makes a lease look valid for longer than the
/// server grants it (Kleppmann: "if the clock on one of the nodes jumps ...
/// or runs at the wrong speed"). Client 1 runs at half speed: the test finds
/// the moment it believes it holds the lock while the server has already
/// given it to client 2, and then the stale write. With fencing the same
/// run rejects it, and stays safe.
#[test]
fn slow_clock_breaks_a_bare_lease_and_redlock_but_not_fencing() {
    let mut r = preset_run::<lock::variant::Lease>(&presets::SLOW_CLOCK_LEASE);
    let both_believe = |w: &World<LockLease>| {
        let Node::Server(s) = w.node(0).node() else { unreachable!() };
        holds(w, 1) && s.lease().is_some_and(|l| l.client == 2)
    };
    assert!(run_until(&mut r, 2000, both_believe), "client 1 never believed in an expired lease");
    assert!(run_until(&mut r, 2000, |w| w.first_violation().is_some()));
    let v = r.world().first_violation().unwrap().clone();
    assert_eq!(v.step, 109);
    assert!(v.detail.starts_with("the storage accepted a write of client 1 with token 7"), "{}", v.detail);

    let mut r = preset_run::<lock::variant::Fenced>(&presets::SLOW_CLOCK_FENCED);
    steps(&mut r, 109);
    assert_eq!(storage_log(r.world()).last(), Some(&(1, Some(7), false)), "the stale write is rejected");
    steps(&mut r, 1891);
    assert_eq!(r.world().first_violation(), None);

    // Redlock's majority does not help: five servers expire the lock on
    // time, and the slow client still believes in it.
    let mut r = preset_run::<lock::variant::Redlock>(&presets::SLOW_CLOCK_REDLOCK);
    assert!(run_until(&mut r, 2000, |w| w.first_violation().is_some()));
    let v = r.world().first_violation().unwrap();
    assert_eq!(v.step, 342);
    assert!(v.detail.starts_with("the storage accepted a write of client 5 (lock value 8)"), "{}", v.detail);
}

/// The Redis description, "Performance, crash-recovery and fsync": a server
/// that restarts without its keys no longer holds the lock. Here client 5
/// counts three grants, but one server crashed and restarted right after
/// granting, so at no moment did a majority hold its value: the checker
/// says the lock was never granted.
#[test]
fn redlock_server_restart_loses_a_grant_the_client_counts() {
    let mut r = Run::<Redlock>::new(world_config(8), LockConfig::default(), 3, vec![]);
    act(&mut r, Action::Pause { node: 6, for_ms: None });
    act(&mut r, Action::Cut { from: 5, to: 3 });
    act(&mut r, Action::Cut { from: 5, to: 4 });
    let first_grant = |w: &World<Redlock>| {
        (0..3).find(|&s| matches!(w.node(s).node(), Node::Server(x) if x.lease().is_some_and(|l| l.client == 5)))
    };
    assert!(run_until(&mut r, 100, |w| first_grant(w).is_some()));
    let server = first_grant(r.world()).unwrap();
    act(&mut r, Action::Crash { node: server });
    act(&mut r, Action::Restart { node: server });
    assert!(run_until(&mut r, 200, |w| holds(w, 5)), "client 5 never counted a majority");
    assert!(run_until(&mut r, 200, |w| w.first_violation().is_some()));
    let v = r.world().first_violation().unwrap();
    assert!(v.detail.ends_with("but no majority of the servers ever held its lock value at once"), "{}", v.detail);
}

/// The ZooKeeper recipe with fencing: the holder pauses past its session
/// timeout; the coordinator expires the session and deletes its entry; the
/// next entry's client holds the lock and writes; the paused client wakes
/// and writes with its old sequence number, which the storage rejects.
/// Without fencing (a deliberately broken storage) the same run corrupts
/// it: "ZooKeeper ... as lock service ... also needs fencing" (Kleppmann).
#[test]
fn zk_holder_paused_past_its_session_is_fenced_off() {
    let story = |config: LockConfig| {
        let mut r = Run::<LockZk>::new(world_config(5), config, 4, vec![]);
        assert!(run_until(&mut r, 500, |w| (1..4).any(|c| holds(w, c))));
        let holder = (1..4).find(|&c| holds(r.world(), c)).unwrap();
        let token = r.world().node(holder).held().unwrap().token.unwrap();
        act(&mut r, Action::Pause { node: holder, for_ms: Some(3000) });
        let stale_write = |w: &World<LockZk>| storage_log(w).iter().any(|&(c, t, _)| c == holder && t == Some(token));
        assert!(run_until(&mut r, 2000, stale_write), "the paused holder never wrote");
        steps(&mut r, 300);
        (r, holder, token)
    };
    let (r, holder, token) = story(LockConfig::default());
    let log = storage_log(r.world());
    let stale = log.iter().position(|&(c, t, _)| c == holder && t == Some(token)).unwrap();
    assert!(!log[stale].2, "the stale write was accepted: {log:?}");
    assert!(log[..stale].iter().any(|&(c, t, ok)| c != holder && t > Some(token) && ok), "{log:?}");
    assert_eq!(r.world().first_violation(), None);

    let (r, _, _) = story(LockConfig { bug: Some(Bug::NoFencing), ..LockConfig::default() });
    assert_eq!(r.world().first_violation().map(|v| v.property), Some(STORAGE_MUTUAL_EXCLUSION));
}

/// Kleppmann: the storage must remember the highest token. One that keeps
/// it only in memory (deliberately broken) forgets it in a restart between
/// client 2's write and client 1's stale one, and takes token 33.
#[test]
fn fenced_storage_that_forgets_its_highest_token_is_caught() {
    let story = |config: LockConfig| {
        let p = presets::KLEPPMANN_FENCED;
        let mut actions = parse_actions(p.actions, p.nodes).unwrap();
        // Between the write with token 34 (step 29) and the one with 33 (step 35).
        actions.extend(
            parse_actions(r#"[{"step":30,"do":"crash","node":3},{"step":31,"do":"restart","node":3}]"#, 4).unwrap(),
        );
        let mut r = Run::<LockFenced>::new(world_config(4), config, p.seed, actions);
        steps(&mut r, 60);
        r
    };
    let r = story(LockConfig { first_token: 33, ..LockConfig::default() });
    assert_eq!(r.world().first_violation(), None);
    assert_eq!(&storage_log(r.world())[..2], &[(2, Some(34), true), (1, Some(33), false)]);

    let r = story(LockConfig { first_token: 33, bug: Some(Bug::StorageForgetsHighest), ..LockConfig::default() });
    assert_eq!(&storage_log(r.world())[..2], &[(2, Some(34), true), (1, Some(33), true)]);
    assert_eq!(r.world().first_violation().map(|v| v.step), Some(35));
}

/// The presets run and tell the story they describe: the lease variants
/// break within 2,000 steps, the fenced ones never do.
#[test]
fn presets_do_what_they_say() {
    fn breaks<V: Algorithm>(p: &Preset) -> bool {
        let mut r = preset_run::<V>(p);
        run_until(&mut r, 2000, |w| w.first_violation().is_some())
    }
    for p in presets::PRESETS {
        let broken = match p.variant {
            Variant::Lease => breaks::<lock::variant::Lease>(p),
            Variant::Fenced => breaks::<lock::variant::Fenced>(p),
            Variant::Redlock => breaks::<lock::variant::Redlock>(p),
            Variant::Zk => breaks::<lock::variant::Zk>(p),
        };
        assert_eq!(broken, !p.variant.fencing(), "{}", p.id);
    }
    assert_eq!(presets::kleppmann(Variant::Fenced), Some(presets::KLEPPMANN_FENCED));
}
