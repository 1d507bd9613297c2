//! Every node of every lock, one handler at a time, against its source:
//! the Redis descriptions of `SET key value NX PX` and of Redlock,
//! Kleppmann's "How to do distributed locking" (2016) for fencing tokens,
//! and the lock recipe of "ZooKeeper Recipes and Solutions". Each test
//! asserts the exact commands a handler produced.

use lock::{
    ClientDurable, Durable, Lock, LockConfig, LockFenced, LockLease, LockTimer, LockZk, Msg, Node, Phase, Redlock,
    ServerDurable, ZkPhase,
};
use protocol::present::{Arrangement, Body, LegendItem, OuterRing, Shape};
use protocol::{
    Cluster, Command, Countdown, Input, Level, Message, NodeRef, Note, OpFn, OpKind, OpValue, Out, Protocol, Status,
    Tone,
};

type Cmd = Command<Msg, LockTimer, ()>;

fn config() -> LockConfig {
    LockConfig { first_token: 33, ..LockConfig::default() }
}

fn node<P: Protocol<Config = LockConfig, Durable = Durable>>(id: u32, nodes: u32) -> P {
    P::new(id, &Cluster { nodes }, &config(), None)
}

fn step<P: Protocol<Msg = Msg, Timer = LockTimer>>(n: &mut P, now: u64, input: Input<Msg, LockTimer>) -> Vec<Cmd> {
    let mut out = Out::default();
    n.step(now, input, &mut out);
    out.take().into_iter().map(Command::erase_state).collect()
}

fn deliver<P: Protocol<Msg = Msg, Timer = LockTimer>>(n: &mut P, now: u64, from: u32, msg: Msg) -> Vec<Cmd> {
    step(n, now, Input::Message { from, msg })
}

fn fire<P: Protocol<Msg = Msg, Timer = LockTimer>>(n: &mut P, now: u64, timer: LockTimer) -> Vec<Cmd> {
    step(n, now, Input::Timer(timer))
}

fn send(to: u32, msg: Msg) -> Cmd {
    Command::Send { to, msg }
}

fn timer(timer: LockTimer, lo: u64, hi: u64) -> Cmd {
    Command::SetTimer { timer, after_min: lo, after_max: hi }
}

fn cancel(timer: LockTimer) -> Cmd {
    Command::CancelTimer { timer }
}

fn emit(level: Level, text: &str) -> Cmd {
    Command::Emit(Note { level, text: text.into() })
}

fn view<P: Protocol>(n: &P) -> String {
    serde_json::to_string(&n.view(true)).unwrap()
}

const RETRY: (LockTimer, u64, u64) = (LockTimer::Retry, 50, 250);

fn retry() -> Cmd {
    timer(RETRY.0, RETRY.1, RETRY.2)
}

// ---- the lock server: SET lock value NX PX ttl --------------------------

/// Redis `SET key value NX PX ttl`: "set the key only if it does not already
/// exist", with an expiry. The token is persisted before anyone learns it
/// (Kleppmann: the token must only grow).
#[test]
fn server_grants_a_free_lock_persisting_the_token_before_answering() {
    let mut s: LockFenced = node(0, 4);
    let cmds = deliver(&mut s, 100, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 });
    assert_eq!(
        cmds,
        vec![
            Command::Persist(()),
            timer(LockTimer::Expire, 1000, 1000),
            send(1, Msg::Granted { attempt: 7, token: 33 }),
            emit(Level::Info, "server 0 grants the lock to client 1 with token 33, until 1100 on its clock"),
        ]
    );
    assert_eq!(view(&s), r#"{"id":0,"up":true,"kind":"lock_server","holder":1,"token":33,"expires_at":1100}"#);
}

/// `NX`: a held lock is refused; the same request again (a duplicate) gets
/// the same grant.
#[test]
fn server_refuses_a_held_lock_and_repeats_a_grant() {
    let mut s: LockLease = node(0, 4);
    deliver(&mut s, 100, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 });
    assert_eq!(
        deliver(&mut s, 150, 2, Msg::Acquire { attempt: 1, ttl_ms: 1000 }),
        vec![send(2, Msg::Refused { attempt: 1, holder: 1 })]
    );
    assert_eq!(
        deliver(&mut s, 160, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 }),
        vec![send(1, Msg::Granted { attempt: 7, token: 33 })]
    );
}

/// The release script of the Redis description: delete the key only if its
/// value is the caller's, "to avoid removing a lock that was created by
/// another client".
#[test]
fn server_releases_only_for_the_holders_value() {
    let mut s: LockLease = node(0, 4);
    deliver(&mut s, 100, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 });
    assert_eq!(deliver(&mut s, 200, 2, Msg::Release { attempt: 7 }), vec![]);
    assert_eq!(deliver(&mut s, 200, 1, Msg::Release { attempt: 6 }), vec![]);
    assert_eq!(
        deliver(&mut s, 200, 1, Msg::Release { attempt: 7 }),
        vec![cancel(LockTimer::Expire), emit(Level::Info, "server 0 frees the lock: client 1 released token 33")]
    );
    assert_eq!(view(&s), r#"{"id":0,"up":true,"kind":"lock_server","holder":null,"token":33,"expires_at":null}"#);
}

/// The key expires after `PX` milliseconds of the server's clock, by its
/// timer; a timer a tick short waits out the rest; an acquire that arrives
/// after the expiry but before the timer expires the key lazily, as Redis does.
#[test]
fn server_expires_the_lease_on_its_own_clock() {
    let mut s: LockFenced = node(0, 4);
    deliver(&mut s, 100, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 });
    assert_eq!(fire(&mut s, 1099, LockTimer::Expire), vec![timer(LockTimer::Expire, 1, 1)]);
    assert_eq!(
        fire(&mut s, 1100, LockTimer::Expire),
        vec![emit(Level::Notice, "server 0: the lease of client 1 (token 33) expired on its clock")]
    );

    let mut s: LockFenced = node(0, 4);
    deliver(&mut s, 100, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 });
    assert_eq!(
        deliver(&mut s, 1100, 2, Msg::Acquire { attempt: 1, ttl_ms: 1000 }),
        vec![
            cancel(LockTimer::Expire),
            emit(Level::Notice, "server 0: the lease of client 1 (token 33) expired on its clock"),
            Command::Persist(()),
            timer(LockTimer::Expire, 1000, 1000),
            send(2, Msg::Granted { attempt: 1, token: 34 }),
            emit(Level::Info, "server 0 grants the lock to client 2 with token 34, until 2100 on its clock"),
        ]
    );
}

/// Kleppmann: fencing tokens "increase every time a client acquires the
/// lock" — across a crash too, since the counter is persisted. The lease
/// itself is volatile: a restarted server has no holder.
#[test]
fn server_token_survives_a_crash_and_the_lease_does_not() {
    let durable = Durable::Server(ServerDurable { last_token: Some(34) });
    let mut s = LockFenced::new(0, &Cluster { nodes: 4 }, &config(), Some(&durable));
    assert_eq!(view(&s), r#"{"id":0,"up":true,"kind":"lock_server","holder":null,"token":34,"expires_at":null}"#);
    let cmds = deliver(&mut s, 5, 2, Msg::Acquire { attempt: 9, ttl_ms: 1000 });
    assert_eq!(cmds[2], send(2, Msg::Granted { attempt: 9, token: 35 }));
}

// ---- the lease client -----------------------------------------------------

/// Start in the back-off, so clients do not all ask at once.
#[test]
fn client_starts_by_backing_off() {
    let mut c: LockLease = node(1, 4);
    assert_eq!(step(&mut c, 0, Input::Start), vec![retry()]);
    assert_eq!(
        view(&c),
        r#"{"id":1,"up":true,"kind":"client","holds":false,"token":null,"local_time":0,"valid_until":null}"#
    );
}

/// Redlock step 1: "It gets the current time in milliseconds" and tries to
/// acquire the lock in all the N instances, with the same key and random
/// value; the value (here the attempt number) is persisted before it is used.
#[test]
fn client_asks_every_server_with_a_fresh_persisted_value() {
    let mut c: Redlock = node(5, 8);
    step(&mut c, 0, Input::Start);
    let acquire = Msg::Acquire { attempt: 1, ttl_ms: 1000 };
    assert_eq!(
        fire(&mut c, 500, LockTimer::Retry),
        vec![
            Command::Persist(()),
            send(0, acquire.clone()),
            send(1, acquire.clone()),
            send(2, acquire.clone()),
            send(3, acquire.clone()),
            send(4, acquire),
            timer(LockTimer::Timeout, 200, 200),
        ]
    );
    // A restarted client never reuses a value.
    let durable = Durable::Client(ClientDurable { attempt: 1 });
    let mut c = Redlock::new(5, &Cluster { nodes: 8 }, &config(), Some(&durable));
    step(&mut c, 0, Input::Start);
    assert_eq!(fire(&mut c, 9, LockTimer::Retry)[1], send(0, Msg::Acquire { attempt: 2, ttl_ms: 1000 }));
}

fn lease_client_holding(now: u64) -> LockLease {
    client_holding(now)
}

/// Client 1 of a lease lock holding token 33, granted at `now`.
fn client_holding<P: Protocol<Config = LockConfig, Durable = Durable, Msg = Msg, Timer = LockTimer>>(now: u64) -> P {
    let mut c: P = node(1, 4);
    step(&mut c, 0, Input::Start);
    fire(&mut c, 500, LockTimer::Retry);
    deliver(&mut c, now, 0, Msg::Granted { attempt: 1, token: 33 });
    c
}

/// Redlock steps 2 and 3: "the key validity time ... minus the time elapsed
/// to acquire it" and a "drift" allowance; the client holds the lock that
/// long by its clock, and works meanwhile.
#[test]
fn client_holds_for_ttl_minus_elapsed_minus_drift() {
    let mut c: LockLease = node(1, 4);
    step(&mut c, 0, Input::Start);
    fire(&mut c, 500, LockTimer::Retry);
    assert_eq!(
        deliver(&mut c, 530, 0, Msg::Granted { attempt: 1, token: 33 }),
        vec![
            cancel(LockTimer::Timeout),
            timer(LockTimer::Lease, 958, 958),
            timer(LockTimer::Work, 200, 800),
            emit(Level::Notice, "client 1 holds the lock (token 33) for 958 ms by its clock"),
        ]
    );
    assert_eq!(
        view(&c),
        r#"{"id":1,"up":true,"kind":"client","holds":true,"token":33,"local_time":530,"valid_until":1488}"#
    );
}

/// Redlock step 3: the lock counts only if "the total time elapsed to
/// acquire the lock is less than lock validity time"; step 4: otherwise
/// unlock all the instances.
#[test]
fn client_gives_up_a_grant_that_came_too_late() {
    let mut c: LockLease = node(1, 4);
    step(&mut c, 0, Input::Start);
    fire(&mut c, 500, LockTimer::Retry);
    assert_eq!(
        deliver(&mut c, 1490, 0, Msg::Granted { attempt: 1, token: 33 }),
        vec![
            emit(Level::Info, "client 1 gives up: granted after 990 ms, too late to be valid"),
            send(0, Msg::Release { attempt: 1 }),
            cancel(LockTimer::Timeout),
            retry(),
        ]
    );
}

/// Refused by the only server: back off quietly; a grant for the attempt
/// given up is released at once rather than left to its TTL.
#[test]
fn client_backs_off_when_refused_and_releases_a_late_grant() {
    let mut c: LockLease = node(1, 4);
    step(&mut c, 0, Input::Start);
    fire(&mut c, 500, LockTimer::Retry);
    assert_eq!(
        deliver(&mut c, 520, 0, Msg::Refused { attempt: 1, holder: 2 }),
        vec![cancel(LockTimer::Timeout), retry()]
    );
    assert_eq!(
        deliver(&mut c, 530, 0, Msg::Granted { attempt: 1, token: 40 }),
        vec![send(0, Msg::Release { attempt: 1 })]
    );
}

/// Redlock: "the client was able to acquire the lock in the majority of the
/// instances (at least 3)". Two grants are not enough; the third decides.
/// Redlock has no fencing token.
#[test]
fn redlock_client_needs_a_majority() {
    let mut c: Redlock = node(5, 8);
    step(&mut c, 0, Input::Start);
    fire(&mut c, 500, LockTimer::Retry);
    assert_eq!(deliver(&mut c, 510, 0, Msg::Granted { attempt: 1, token: 3 }), vec![]);
    assert_eq!(deliver(&mut c, 512, 1, Msg::Granted { attempt: 1, token: 8 }), vec![]);
    assert_eq!(deliver(&mut c, 515, 2, Msg::Refused { attempt: 1, holder: 6 }), vec![]);
    let cmds = deliver(&mut c, 520, 3, Msg::Granted { attempt: 1, token: 2 });
    assert_eq!(
        cmds,
        vec![
            cancel(LockTimer::Timeout),
            timer(LockTimer::Lease, 968, 968),
            timer(LockTimer::Work, 200, 800),
            emit(Level::Notice, "client 5 holds the lock (3 of 5 servers) for 968 ms by its clock"),
        ]
    );
    assert_eq!(c.held().unwrap().token, None);
}

/// Redlock step 5: "If the client failed to acquire the lock for some
/// reason ... it will try to unlock all the instances" — every server that
/// did not refuse may hold the value.
#[test]
fn redlock_client_that_cannot_reach_a_majority_unlocks_the_others() {
    let mut c: Redlock = node(5, 8);
    step(&mut c, 0, Input::Start);
    fire(&mut c, 500, LockTimer::Retry);
    deliver(&mut c, 510, 0, Msg::Granted { attempt: 1, token: 3 });
    for server in [1, 2] {
        assert_eq!(deliver(&mut c, 512, server, Msg::Refused { attempt: 1, holder: 6 }), vec![]);
    }
    assert_eq!(
        deliver(&mut c, 515, 3, Msg::Refused { attempt: 1, holder: 6 }),
        vec![
            emit(Level::Info, "client 5 gives up: refused by 3 of 5 servers"),
            send(0, Msg::Release { attempt: 1 }),
            send(4, Msg::Release { attempt: 1 }),
            cancel(LockTimer::Timeout),
            retry(),
        ]
    );
}

/// The client writes when its work is done, with its token, while it
/// believes it holds the lock; when the storage answers it releases and
/// starts over.
#[test]
fn client_writes_with_its_token_then_releases() {
    let mut c = lease_client_holding(530);
    assert_eq!(
        fire(&mut c, 900, LockTimer::Work),
        vec![
            send(3, Msg::Write { attempt: 1, token: Some(33) }),
            timer(LockTimer::Timeout, 200, 200),
            emit(Level::Info, "client 1 writes with token 33"),
        ]
    );
    assert_eq!(
        deliver(&mut c, 930, 3, Msg::WriteAck { attempt: 1, accepted: true }),
        vec![cancel(LockTimer::Timeout), cancel(LockTimer::Lease), send(0, Msg::Release { attempt: 1 }), retry()]
    );
    assert_eq!(c.held(), None);
}

/// A lease that runs out (on the client's clock) before the work is done:
/// the client stops, releases and backs off without writing.
#[test]
fn client_whose_lease_runs_out_first_does_not_write() {
    let mut c = lease_client_holding(530);
    assert_eq!(
        fire(&mut c, 1488, LockTimer::Lease),
        vec![
            emit(Level::Notice, "client 1: its lease ran out before the work was done"),
            cancel(LockTimer::Work),
            send(0, Msg::Release { attempt: 1 }),
            retry(),
        ]
    );
    assert_eq!(fire(&mut c, 1500, LockTimer::Work), vec![]);
}

/// Kleppmann's process pause: both timers fired while the client was frozen,
/// and it handles them in order when it wakes. The work finishes and the
/// write goes out before the client learns its lease ran out.
#[test]
fn paused_client_writes_before_it_learns_its_lease_is_gone() {
    let mut c = lease_client_holding(530);
    let write = fire(&mut c, 2100, LockTimer::Work);
    assert_eq!(write[0], send(3, Msg::Write { attempt: 1, token: Some(33) }));
    assert_eq!(
        fire(&mut c, 2100, LockTimer::Lease),
        vec![emit(Level::Notice, "client 1: its lease ran out while its write is out")]
    );
    let Node::Client(client) = c.node() else { panic!() };
    assert_eq!((client.phase(), c.held()), (Phase::Writing, None));
}

// ---- the storage ----------------------------------------------------------

/// Kleppmann: the storage "remembers that it has already processed a write
/// with a higher token number (34), and so it rejects the request with
/// token 33". Equal tokens pass: the same holder may write again.
#[test]
fn fenced_storage_rejects_a_lower_token() {
    let mut s: LockFenced = node(3, 4);
    assert_eq!(
        deliver(&mut s, 10, 2, Msg::Write { attempt: 4, token: Some(34) }),
        vec![
            Command::Persist(()),
            send(2, Msg::WriteAck { attempt: 4, accepted: true }),
            emit(Level::Info, "storage 3 accepts the write of client 2 with token 34"),
        ]
    );
    assert_eq!(
        deliver(&mut s, 20, 1, Msg::Write { attempt: 2, token: Some(33) }),
        vec![
            Command::Persist(()),
            send(1, Msg::WriteAck { attempt: 2, accepted: false }),
            emit(Level::Notice, "storage 3 rejects the write of client 1 with token 33: it has seen token 34"),
        ]
    );
    assert_eq!(
        deliver(&mut s, 30, 2, Msg::Write { attempt: 4, token: Some(34) })[1],
        send(2, Msg::WriteAck { attempt: 4, accepted: true })
    );
    assert_eq!(
        view(&s),
        concat!(
            r#"{"id":3,"up":true,"kind":"storage","writes":[{"client":2,"token":34,"accepted":true,"time":10},"#,
            r#"{"client":1,"token":33,"accepted":false,"time":20},{"client":2,"token":34,"accepted":true,"time":30}],"#,
            r#""highest_token":34}"#
        )
    );
    // The highest token is kept with the data.
    let mut again = LockFenced::new(3, &Cluster { nodes: 4 }, &config(), Some(&s.durable()));
    assert_eq!(
        deliver(&mut again, 40, 1, Msg::Write { attempt: 2, token: Some(33) })[1],
        send(1, Msg::WriteAck { attempt: 2, accepted: false })
    );
}

/// Without fencing the storage takes every write, in whatever order.
#[test]
fn lease_storage_accepts_everything() {
    let mut s: LockLease = node(3, 4);
    deliver(&mut s, 10, 2, Msg::Write { attempt: 4, token: Some(34) });
    assert_eq!(
        deliver(&mut s, 20, 1, Msg::Write { attempt: 2, token: Some(33) }),
        vec![
            Command::Persist(()),
            send(1, Msg::WriteAck { attempt: 2, accepted: true }),
            emit(Level::Info, "storage 3 accepts the write of client 1 with token 33"),
        ]
    );
    let mut r: Redlock = node(7, 8);
    assert_eq!(
        deliver(&mut r, 5, 5, Msg::Write { attempt: 1, token: None })[1],
        send(5, Msg::WriteAck { attempt: 1, accepted: true })
    );
    assert!(view(&r).contains(r#"{"client":5,"token":null,"accepted":true,"time":5}"#));
}

// ---- the coordination node (ZooKeeper) ------------------------------------

fn zk_with_three_entries() -> LockZk {
    let mut z: LockZk = node(0, 5);
    step(&mut z, 0, Input::Start);
    for client in 1..=3 {
        deliver(&mut z, 0, client, Msg::Connect);
    }
    for client in 1..=3 {
        deliver(&mut z, 10, client, Msg::Create { session: client as u64, attempt: 1 });
    }
    z
}

/// A session opens with a timeout, which every heartbeat re-arms.
#[test]
fn coordinator_opens_sessions_and_heartbeats_keep_them() {
    let mut z: LockZk = node(0, 5);
    assert_eq!(step(&mut z, 0, Input::Start), vec![]);
    assert_eq!(
        deliver(&mut z, 0, 1, Msg::Connect),
        vec![
            Command::Persist(()),
            timer(LockTimer::Session(1), 1000, 1000),
            send(1, Msg::Connected { session: 1 }),
            emit(Level::Info, "coordinator 0 opens session 1 for client 1"),
        ]
    );
    assert_eq!(
        deliver(&mut z, 600, 1, Msg::Ping { session: 1, sent_at: 590 }),
        vec![timer(LockTimer::Session(1), 1000, 1000), send(1, Msg::Pong { session: 1, sent_at: 590 })]
    );
    // The first deadline has moved: its timer, if it fires, waits out the rest.
    assert_eq!(fire(&mut z, 1000, LockTimer::Session(1)), vec![timer(LockTimer::Session(1), 600, 600)]);
    assert_eq!(
        deliver(&mut z, 700, 2, Msg::Ping { session: 9, sent_at: 1 }),
        vec![send(2, Msg::SessionExpired { session: 9 })]
    );
}

/// Recipe steps 1–3: sequential entries; the lowest holds the lock, every
/// other one watches only the entry just below it.
#[test]
fn coordinator_numbers_entries_and_watches_only_the_predecessor() {
    let mut z: LockZk = node(0, 5);
    for client in 1..=3 {
        deliver(&mut z, 0, client, Msg::Connect);
    }
    assert_eq!(
        deliver(&mut z, 10, 1, Msg::Create { session: 1, attempt: 1 }),
        vec![
            emit(Level::Notice, "coordinator 0: entry 33 of client 1 is the lowest: it holds the lock"),
            Command::Persist(()),
            send(1, Msg::Created { attempt: 1, seq: 33, predecessor: None }),
        ]
    );
    assert_eq!(
        deliver(&mut z, 10, 2, Msg::Create { session: 2, attempt: 1 }),
        vec![Command::Persist(()), send(2, Msg::Created { attempt: 1, seq: 34, predecessor: Some(33) })]
    );
    deliver(&mut z, 10, 3, Msg::Create { session: 3, attempt: 1 });
    let Node::Coordinator(c) = z.node() else { panic!() };
    assert_eq!(c.watches().iter().copied().collect::<Vec<_>>(), vec![(33, 34), (34, 35)]);
    assert_eq!(
        view(&z),
        concat!(
            r#"{"id":0,"up":true,"kind":"lock_server","holder":1,"token":33,"expires_at":1000,"#,
            r#""queue":[{"seq":33,"client":1},{"seq":34,"client":2},{"seq":35,"client":3}],"#,
            r#""sessions":[{"session":1,"client":1,"expires_at":1000},{"session":2,"client":2,"expires_at":1000},"#,
            r#"{"session":3,"client":3,"expires_at":1000}]}"#
        )
    );
}

/// The recipe's GUID: a create sent again after a lost answer finds the
/// entry it already made instead of making a second one.
#[test]
fn coordinator_answers_a_repeated_create_with_the_same_entry() {
    let mut z = zk_with_three_entries();
    assert_eq!(
        deliver(&mut z, 20, 2, Msg::Create { session: 2, attempt: 1 }),
        vec![Command::Persist(()), send(2, Msg::Created { attempt: 1, seq: 34, predecessor: Some(33) })]
    );
    let Node::Coordinator(c) = z.node() else { panic!() };
    assert_eq!(c.entries().count(), 3);
}

/// "No herd effect": deleting the lowest entry notifies only the client
/// watching it, never the others.
#[test]
fn release_wakes_only_the_successor() {
    let mut z = zk_with_three_entries();
    assert_eq!(
        deliver(&mut z, 50, 1, Msg::Delete { session: 1, seq: 33 }),
        vec![
            emit(Level::Notice, "coordinator 0: entry 34 of client 2 is the lowest: it holds the lock"),
            Command::Persist(()),
            send(2, Msg::WatchFired { deleted: 33 }),
            send(1, Msg::Deleted { seq: 33 }),
        ]
    );
    // Deleting again is harmless, and so is listing from a deleted entry.
    assert_eq!(deliver(&mut z, 60, 1, Msg::Delete { session: 1, seq: 33 }), vec![send(1, Msg::Deleted { seq: 33 })]);
    assert_eq!(deliver(&mut z, 60, 1, Msg::GetChildren { session: 1, seq: 33 }), vec![send(1, Msg::Gone { seq: 33 })]);
    assert_eq!(
        deliver(&mut z, 60, 2, Msg::GetChildren { session: 2, seq: 34 }),
        vec![Command::Persist(()), send(2, Msg::Children { seq: 34, predecessor: None })]
    );
}

/// Ephemeral entries "are deleted when the session ends": an expired
/// session takes its entry, and the lock, with it.
#[test]
fn session_expiry_deletes_its_entries() {
    let mut z = zk_with_three_entries();
    assert_eq!(
        fire(&mut z, 1000, LockTimer::Session(1)),
        vec![
            emit(Level::Notice, "coordinator 0: session 1 of client 1 expired: entry 33 deleted"),
            emit(Level::Notice, "coordinator 0: entry 34 of client 2 is the lowest: it holds the lock"),
            Command::Persist(()),
            send(2, Msg::WatchFired { deleted: 33 }),
        ]
    );
    assert_eq!(
        deliver(&mut z, 1001, 1, Msg::Create { session: 1, attempt: 2 }),
        vec![send(1, Msg::SessionExpired { session: 1 })]
    );
}

/// A restarted coordinator keeps its tree and sessions, and starts every
/// session's timeout over.
#[test]
fn coordinator_restarts_with_its_tree_and_fresh_timeouts() {
    let z = zk_with_three_entries();
    let mut again = LockZk::new(0, &Cluster { nodes: 5 }, &config(), Some(&z.durable()));
    assert_eq!(
        step(&mut again, 5000, Input::Start),
        vec![
            timer(LockTimer::Session(1), 1000, 1000),
            timer(LockTimer::Session(2), 1000, 1000),
            timer(LockTimer::Session(3), 1000, 1000),
        ]
    );
    let Node::Coordinator(c) = again.node() else { panic!() };
    assert_eq!((c.holder().unwrap().seq, c.entries().count(), c.session(2).unwrap().expires_at), (33, 3, 6000));
    assert_eq!(
        deliver(&mut again, 5001, 3, Msg::Create { session: 3, attempt: 2 })[1],
        send(3, Msg::Created { attempt: 2, seq: 36, predecessor: Some(35) })
    );
}

// ---- the ZooKeeper client ---------------------------------------------------

fn zk_client_connected() -> LockZk {
    let mut c: LockZk = node(1, 5);
    step(&mut c, 0, Input::Start);
    deliver(&mut c, 20, 0, Msg::Connected { session: 1 });
    c
}

/// A client opens a session first; its session counts from when it asked.
#[test]
fn zk_client_connects_then_heartbeats() {
    let mut c: LockZk = node(1, 5);
    assert_eq!(step(&mut c, 0, Input::Start), vec![send(0, Msg::Connect), timer(LockTimer::Timeout, 200, 200)]);
    assert_eq!(
        deliver(&mut c, 20, 0, Msg::Connected { session: 1 }),
        vec![
            cancel(LockTimer::Timeout),
            timer(LockTimer::SessionLost, 980, 980),
            timer(LockTimer::Ping, 250, 250),
            retry(),
        ]
    );
    assert_eq!(
        fire(&mut c, 250, LockTimer::Ping),
        vec![send(0, Msg::Ping { session: 1, sent_at: 250 }), timer(LockTimer::Ping, 250, 250)]
    );
    // An answered heartbeat keeps the session a timeout after it was sent.
    assert_eq!(
        deliver(&mut c, 280, 0, Msg::Pong { session: 1, sent_at: 250 }),
        vec![timer(LockTimer::SessionLost, 970, 970)]
    );
}

/// Recipe steps 1–3 from the client's side: a persisted GUID, then hold the
/// lock as the lowest entry, with its sequence number as the fencing token.
#[test]
fn zk_client_holds_the_lock_as_the_lowest_entry() {
    let mut c = zk_client_connected();
    assert_eq!(
        fire(&mut c, 100, LockTimer::Retry),
        vec![
            Command::Persist(()),
            send(0, Msg::Create { session: 1, attempt: 1 }),
            timer(LockTimer::Timeout, 200, 200)
        ]
    );
    assert_eq!(
        deliver(&mut c, 120, 0, Msg::Created { attempt: 1, seq: 33, predecessor: None }),
        vec![
            cancel(LockTimer::Timeout),
            timer(LockTimer::Work, 200, 800),
            emit(Level::Notice, "client 1 holds the lock (entry 33)"),
        ]
    );
    assert_eq!(
        view(&c),
        r#"{"id":1,"up":true,"kind":"client","holds":true,"token":33,"local_time":120,"valid_until":1000}"#
    );
    assert_eq!(
        fire(&mut c, 600, LockTimer::Work),
        vec![
            send(4, Msg::Write { attempt: 1, token: Some(33) }),
            timer(LockTimer::Timeout, 200, 200),
            emit(Level::Info, "client 1 writes with token 33"),
        ]
    );
    // Release: delete the entry, until the coordinator confirms.
    let delete = send(0, Msg::Delete { session: 1, seq: 33 });
    assert_eq!(
        deliver(&mut c, 630, 4, Msg::WriteAck { attempt: 1, accepted: true }),
        vec![delete.clone(), timer(LockTimer::Timeout, 200, 200)]
    );
    assert_eq!(fire(&mut c, 830, LockTimer::Timeout), vec![delete, timer(LockTimer::Timeout, 200, 200)]);
    assert_eq!(deliver(&mut c, 850, 0, Msg::Deleted { seq: 33 }), vec![cancel(LockTimer::Timeout), retry()]);
}

/// Recipe steps 3–4: wait for the watch on the predecessor, then list again;
/// a lost notification is covered by listing again after a session timeout.
#[test]
fn zk_client_waits_for_its_predecessor() {
    let mut c = zk_client_connected();
    fire(&mut c, 100, LockTimer::Retry);
    assert_eq!(
        deliver(&mut c, 120, 0, Msg::Created { attempt: 1, seq: 34, predecessor: Some(33) }),
        vec![
            cancel(LockTimer::Timeout),
            timer(LockTimer::Timeout, 1000, 1000),
            emit(Level::Info, "client 1: entry 34 waits for entry 33"),
        ]
    );
    let list = vec![send(0, Msg::GetChildren { session: 1, seq: 34 }), timer(LockTimer::Timeout, 200, 200)];
    assert_eq!(deliver(&mut c, 400, 0, Msg::WatchFired { deleted: 33 }), list);
    let Node::ZkClient(z) = c.node() else { panic!() };
    assert_eq!(z.phase(), ZkPhase::Checking);
    assert_eq!(
        deliver(&mut c, 420, 0, Msg::Children { seq: 34, predecessor: None })[1],
        timer(LockTimer::Work, 200, 800)
    );
}

/// An entry made by a repeated create after the client moved on would block
/// the queue while the session lives: the client deletes it.
#[test]
fn zk_client_deletes_an_entry_it_no_longer_wants() {
    let mut c = zk_client_connected();
    fire(&mut c, 100, LockTimer::Retry);
    deliver(&mut c, 120, 0, Msg::Created { attempt: 1, seq: 33, predecessor: None });
    assert_eq!(deliver(&mut c, 130, 0, Msg::Created { attempt: 1, seq: 33, predecessor: None }), vec![]);
    assert_eq!(
        deliver(&mut c, 140, 0, Msg::Created { attempt: 1, seq: 37, predecessor: Some(36) }),
        vec![send(0, Msg::Delete { session: 1, seq: 37 })]
    );
}

/// When its session may have expired, a client must assume its entry, and
/// the lock, are gone; it connects again.
#[test]
fn zk_client_that_loses_its_session_drops_the_lock() {
    let mut c = zk_client_connected();
    fire(&mut c, 100, LockTimer::Retry);
    deliver(&mut c, 120, 0, Msg::Created { attempt: 1, seq: 33, predecessor: None });
    assert_eq!(
        fire(&mut c, 1000, LockTimer::SessionLost),
        vec![
            emit(
                Level::Notice,
                "client 1 loses its session and the lock: no heartbeat answered within 1000 ms by its clock"
            ),
            cancel(LockTimer::Ping),
            cancel(LockTimer::SessionLost),
            cancel(LockTimer::Work),
            cancel(LockTimer::Timeout),
            retry(),
        ]
    );
    assert_eq!(c.held(), None);
    assert_eq!(fire(&mut c, 1100, LockTimer::Retry), vec![send(0, Msg::Connect), timer(LockTimer::Timeout, 200, 200)]);
}

// ---- the wire ---------------------------------------------------------------

/// Messages carry their tokens, in the trace and in their labels.
#[test]
fn messages_show_their_tokens() {
    let json = |m: &Msg| serde_json::to_string(m).unwrap();
    assert_eq!(json(&Msg::Granted { attempt: 7, token: 34 }), r#"{"type":"Granted","attempt":7,"token":34}"#);
    assert_eq!(json(&Msg::Write { attempt: 7, token: Some(33) }), r#"{"type":"Write","attempt":7,"token":33}"#);
    let labels: Vec<String> = [
        Msg::Granted { attempt: 7, token: 34 },
        Msg::Write { attempt: 7, token: Some(33) },
        Msg::Write { attempt: 7, token: None },
        Msg::WriteAck { attempt: 7, accepted: false },
        Msg::Created { attempt: 1, seq: 35, predecessor: Some(34) },
        Msg::Children { seq: 35, predecessor: None },
        Msg::WatchFired { deleted: 34 },
    ]
    .iter()
    .map(Message::label)
    .collect();
    assert_eq!(labels, ["grant 34", "write 33", "write", "rejected", "seq 35 · wait 34", "seq 35 ✓", "watch 34"]);
}

/// The node's look: its kind as the role, its token as the badge, the lease
/// timer as the ring.
#[test]
fn looks_name_kind_token_and_lease() {
    let c = lease_client_holding(530);
    let look = c.look();
    // The lease as the client believes it: from the grant to its validity's
    // end, on its own clock (530 + 958).
    let believed = Some(Countdown::Local { since: 530, until: 1488 });
    assert_eq!((look.role, look.badge.as_str(), look.ring), ("client", "holds 33", believed));
    let mut s: LockFenced = node(0, 4);
    deliver(&mut s, 100, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 });
    let look = s.look();
    let expire = Some(Countdown::Timer("expire"));
    assert_eq!((look.role, look.badge.as_str(), look.ring), ("lock_server", "tok 33 → 1", expire));
    let mut st: LockFenced = node(3, 4);
    deliver(&mut st, 10, 2, Msg::Write { attempt: 4, token: Some(34) });
    assert_eq!(st.look().badge, "1 write");
    deliver(&mut st, 20, 1, Msg::Write { attempt: 2, token: Some(33) });
    let look = st.look();
    assert_eq!((look.role, look.badge.as_str(), look.ring), ("storage", "2 writes · 1 rejected", None));
    assert_eq!((look.tone, look.shape), (Tone::PURPLE, Shape::Hexagon));
    let z: LockZk = node(0, 5);
    assert_eq!(z.look().role, "lock_server");
    assert_eq!(<Lock<lock::variant::Zk> as Protocol>::NAME, "lock-zk");
    assert_eq!([LockLease::NAME, LockFenced::NAME, Redlock::NAME], ["lock-lease", "lock-fenced", "redlock"]);
}

/// The whole picture of a fenced world (Kleppmann 2016, figure 2): columns,
/// the server's lease drawn around the client it believes holds it, the
/// clocks, and the storage's writes newest first with the token that won.
#[test]
fn the_picture_shows_both_leases_and_the_write_log() {
    let server = {
        let mut s: LockFenced = node(0, 4);
        deliver(&mut s, 100, 1, Msg::Acquire { attempt: 7, ttl_ms: 1000 });
        s
    };
    let holder: LockFenced = {
        let mut c: LockFenced = node(1, 4);
        step(&mut c, 0, Input::Start);
        fire(&mut c, 500, LockTimer::Retry);
        deliver(&mut c, 530, 0, Msg::Granted { attempt: 1, token: 33 });
        c
    };
    let idle: LockFenced = node(2, 4);
    let storage = {
        let mut st: LockFenced = node(3, 4);
        deliver(&mut st, 10, 2, Msg::Write { attempt: 4, token: Some(34) });
        deliver(&mut st, 20, 1, Msg::Write { attempt: 2, token: Some(33) });
        st
    };
    let nodes = [server, holder, idle, storage];
    let refs: Vec<NodeRef<'_, LockFenced>> =
        nodes.iter().enumerate().map(|(id, state)| NodeRef { id: id as u32, status: Status::Up, state }).collect();
    let p = LockFenced::picture(&refs, &config());
    assert_eq!(p.arrangement, Arrangement::Columns { servers: 1, clients: 2 });
    assert!(p.clocks);
    assert_eq!(p.outer_rings, [OuterRing { around: 1, countdown: Countdown::TimerOf { node: 0, timer: "expire" } }]);
    assert!(p.legend.contains(&LegendItem::Ring { label: "lease as the server sees it", outer: true }));
    assert!(p.legend.contains(&LegendItem::Text { label: "t= local clock ×rate" }));
    let writes = &p.panels[0];
    assert_eq!((writes.id, writes.title.as_str()), ("writes", "Storage writes (node 3)"));
    assert_eq!(writes.note.as_deref(), Some("Highest token accepted: 34"));
    let Body::Table { columns, rows, .. } = &writes.body else { panic!("a table") };
    assert_eq!(columns, &["client", "token", "result", "time"]);
    let cells: Vec<(&str, Option<bool>)> = rows.iter().map(|r| (r.cells[1].as_str(), r.verdict)).collect();
    assert_eq!(cells, [("33", Some(false)), ("34", Some(true))], "newest first: the late 33 is fenced off");
    // A lease without fencing checks no token.
    let plain: LockLease = node(3, 4);
    let refs = [NodeRef { id: 3, status: Status::Up, state: &plain }];
    let p = LockLease::picture(&refs, &config());
    assert_eq!(p.panels[0].note.as_deref(), Some("No token checked (this storage accepts every write)"));
    // The inspector's facts.
    let Body::Facts { facts } = &nodes[1].inspect(true)[0].body else { panic!("facts") };
    assert_eq!(facts[1].value, "yes, token 33, until t=1488");
}

// ---- the clients' operations, as a Jepsen history -----------------------

/// The client operations (function, type, value) a handler reported.
fn ops<P: Protocol<Msg = Msg, Timer = LockTimer>>(
    n: &mut P,
    now: u64,
    input: Input<Msg, LockTimer>,
) -> Vec<(OpFn, OpKind, OpValue)> {
    let mut out = Out::default();
    n.step(now, input, &mut out);
    out.ops().iter().map(|op| (op.f, op.kind, op.value.clone())).collect()
}

/// One turn of the loop: the lock acquired with its token, the write
/// accepted, the lock released, as Knossos's mutex and a register read them.
#[test]
fn a_lease_clients_turn_is_acquire_write_release() {
    use {OpFn::*, OpKind::*};
    let mut c: LockFenced = node(1, 4);
    step(&mut c, 0, Input::Start);
    assert_eq!(ops(&mut c, 500, Input::Timer(LockTimer::Retry)), [(Acquire, Invoke, OpValue::None)]);
    let granted = Input::Message { from: 0, msg: Msg::Granted { attempt: 1, token: 33 } };
    assert_eq!(ops(&mut c, 530, granted), [(Acquire, Ok, OpValue::Int(33))]);
    assert_eq!(ops(&mut c, 900, Input::Timer(LockTimer::Work)), [(Write, Invoke, OpValue::Int(33))]);
    let ack = Input::Message { from: 3, msg: Msg::WriteAck { attempt: 1, accepted: true } };
    assert_eq!(
        ops(&mut c, 930, ack),
        [(Write, Ok, OpValue::Int(33)), (Release, Invoke, OpValue::Int(33)), (Release, Ok, OpValue::Int(33))]
    );
}

/// Kleppmann's pause: the client stops believing it holds the lock when its
/// lease runs out (a release), and the fenced storage's rejection of its
/// late write is a certain failure.
#[test]
fn a_paused_clients_late_write_fails_after_its_release() {
    use {OpFn::*, OpKind::*};
    let mut c: LockFenced = client_holding(530);
    fire(&mut c, 2100, LockTimer::Work);
    let lease_end = ops(&mut c, 2100, Input::Timer(LockTimer::Lease));
    assert_eq!(lease_end, [(Release, Invoke, OpValue::Int(33)), (Release, Ok, OpValue::Int(33))]);
    let rejected = Input::Message { from: 3, msg: Msg::WriteAck { attempt: 1, accepted: false } };
    assert_eq!(ops(&mut c, 2130, rejected), [(Write, Fail, OpValue::Int(33))]);
}

/// Refused by a busy server, or no answer from the storage in time.
#[test]
fn a_refusal_fails_the_acquire_and_a_silent_storage_leaves_the_write_unknown() {
    use {OpFn::*, OpKind::*};
    let mut c: LockLease = node(1, 4);
    step(&mut c, 0, Input::Start);
    fire(&mut c, 500, LockTimer::Retry);
    let refused = Input::Message { from: 0, msg: Msg::Refused { attempt: 1, holder: 2 } };
    assert_eq!(ops(&mut c, 520, refused), [(Acquire, Fail, OpValue::None)]);
    let mut c = lease_client_holding(530);
    fire(&mut c, 900, LockTimer::Work);
    let timeout = ops(&mut c, 1100, Input::Timer(LockTimer::Timeout));
    assert_eq!(timeout[0], (Write, Info, OpValue::Int(33)), "with the token it wrote with");
}
