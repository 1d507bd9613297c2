//! The key-value client's handlers, one input at a time, with the exact
//! commands and Jepsen operations they produce.

use kvraft::client::*;
use protocol::{Command, Input, OpKind};

fn config() -> ClientConfig {
    ClientConfig { servers: 3, keys: 2, think_ms: [10, 10], resend_ms: 100, attempts: 3 }
}

fn kinds(out: &ClientOut) -> Vec<OpKind> {
    out.ops().iter().map(|o| o.kind).collect()
}

#[test]
fn a_request_goes_to_the_home_server_and_an_ok_reply_completes_it() {
    let (mut c, mut out) = (KvClient::new(4, 3, 0), ClientOut::default());
    c.step(5, Input::Request { cmd: "x=104".into() }, &mut out, &config());
    assert_eq!(out.commands()[1], Command::Persist(1));
    assert!(out
        .commands()
        .contains(&Command::Send { to: 1, msg: ClientMsg::Request { op: 0, key: 0, kind: Kind::Write(104) } }));
    c.step(
        9,
        Input::Message { from: 1, msg: ClientMsg::Reply { op: 0, done: Some(Some(104)), leader: None } },
        &mut out,
        &config(),
    );
    assert_eq!(kinds(&out), [OpKind::Invoke, OpKind::Ok]);
    assert_eq!(c.done[0].outcome, Outcome::Ok(Some(104)));
    assert_eq!((c.done[0].invoked_at, c.done[0].completed_at), (5, 9));
}

#[test]
fn a_refusal_naming_the_leader_is_retried_there_at_once() {
    let (mut c, mut out) = (KvClient::new(3, 3, 0), ClientOut::default());
    c.step(0, Input::Request { cmd: "read y".into() }, &mut out, &config());
    out.take();
    c.step(
        1,
        Input::Message { from: 0, msg: ClientMsg::Reply { op: 0, done: None, leader: Some(2) } },
        &mut out,
        &config(),
    );
    assert_eq!(out.commands()[0], Command::Send { to: 2, msg: ClientMsg::Request { op: 0, key: 1, kind: Kind::Read } });
    // A stale reply to another operation changes nothing.
    out.take();
    c.step(
        2,
        Input::Message { from: 2, msg: ClientMsg::Reply { op: 7, done: Some(None), leader: None } },
        &mut out,
        &config(),
    );
    assert!(out.is_empty() && c.current.is_some());
}

#[test]
fn a_read_refused_everywhere_fails_and_anything_else_given_up_is_unknown() {
    let cfg = config();
    let (mut c, mut out) = (KvClient::new(3, 3, 0), ClientOut::default());
    c.step(0, Input::Request { cmd: "read x".into() }, &mut out, &cfg);
    for (i, from) in [0, 1, 2].into_iter().enumerate() {
        c.step(
            i as u64,
            Input::Message { from, msg: ClientMsg::Reply { op: 0, done: None, leader: Some((from + 1) % 3) } },
            &mut out,
            &cfg,
        );
    }
    assert_eq!(kinds(&out), [OpKind::Invoke, OpKind::Fail], "a read refused everywhere failed");
    // A write refused everywhere is still in doubt: a duplicate of one of
    // its requests may reach a leader later.
    let mut out = ClientOut::default();
    c.step(5, Input::Request { cmd: "x=1".into() }, &mut out, &cfg);
    for (i, from) in [0, 1, 2].into_iter().enumerate() {
        let msg = ClientMsg::Reply { op: 1, done: None, leader: Some((from + 1) % 3) };
        c.step(5 + i as u64, Input::Message { from, msg }, &mut out, &cfg);
    }
    assert_eq!(kinds(&out), [OpKind::Invoke, OpKind::Info]);
    let mut out = ClientOut::default();
    c.step(10, Input::Request { cmd: "x=2".into() }, &mut out, &cfg);
    for t in 1..=3 {
        c.step(10 + t * 100, Input::Timer(ClientTimer::Resend), &mut out, &cfg);
    }
    assert_eq!(kinds(&out), [OpKind::Invoke, OpKind::Info]);
    assert_eq!(c.done.back().unwrap().outcome, Outcome::Info);
}

#[test]
fn requests_parse_and_bad_ones_say_why() {
    assert_eq!(parse_request("x=5", 2), Ok((0, Kind::Write(5))));
    assert_eq!(parse_request("read y", 2), Ok((1, Kind::Read)));
    assert!(parse_request("read z", 2).unwrap_err().contains("no key \"z\""));
    assert!(parse_request("x=five", 2).unwrap_err().contains("not a number"));
}

/// After a write of unknown outcome, and after a restart, the workload
/// reads before it writes again; an answered operation clears the doubt.
#[test]
fn a_write_in_doubt_is_followed_by_reads_until_one_is_answered() {
    let cfg = ClientConfig { keys: 1, attempts: 1, ..config() };
    // Client 3's workload writes at its operations 0, 3, 6 (3 + k ≡ 0 mod 3).
    let (mut c, mut out) = (KvClient::new(3, 3, 0), ClientOut::default());
    assert!(!c.unresolved);
    c.step(0, Input::Timer(ClientTimer::Next), &mut out, &cfg);
    assert!(matches!(c.current.as_ref().unwrap().kind, Kind::Write(_)));
    c.step(100, Input::Timer(ClientTimer::Resend), &mut out, &cfg);
    assert_eq!(c.done.back().unwrap().outcome, Outcome::Info);
    assert!(c.unresolved);
    for seq in 1..=3 {
        c.step(200 * seq, Input::Timer(ClientTimer::Next), &mut out, &cfg);
        assert_eq!(c.current.as_ref().unwrap().kind, Kind::Read, "operation {seq} reads");
        c.step(200 * seq + 1, Input::Timer(ClientTimer::Resend), &mut out, &cfg);
    }
    c.step(1000, Input::Timer(ClientTimer::Next), &mut out, &cfg);
    let op = c.current.as_ref().unwrap().seq;
    c.step(
        1001,
        Input::Message { from: 0, msg: ClientMsg::Reply { op, done: Some(None), leader: None } },
        &mut out,
        &cfg,
    );
    assert!(!c.unresolved, "an answer clears the doubt");
    c.step(1100, Input::Timer(ClientTimer::Next), &mut out, &cfg);
    assert_eq!(c.current.as_ref().map(|o| (o.seq, o.kind)), Some((5, Kind::Read)), "operation 5 is a read anyway");
    c.step(
        1101,
        Input::Message { from: 0, msg: ClientMsg::Reply { op: 5, done: Some(None), leader: None } },
        &mut out,
        &cfg,
    );
    c.step(1200, Input::Timer(ClientTimer::Next), &mut out, &cfg);
    assert!(matches!(c.current.as_ref().unwrap().kind, Kind::Write(_)), "operation 6 writes again");
    assert!(KvClient::new(3, 3, 7).unresolved, "a restarted client does not know");
}
