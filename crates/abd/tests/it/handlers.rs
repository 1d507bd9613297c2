//! Handler tests tied to Attiya, Bar-Noy & Dolev 1995 (§3, the emulation
//! of a register by majorities) and the multi-writer extension (Lynch &
//! Shvartsman 1997, timestamps (counter, writer id)), asserting the exact
//! commands; and checker tests on hand-built states.

use abd::{Abd, AbdBug, AbdConfig, AbdDurable, AbdMsg, AbdTimer, Stored, Ts, LINEARIZABILITY};
use protocol::{Checker, Cluster, Command, Input, Level, NodeRef, Note, OpKind, Out, Protocol, Status};

type Cmd = Command<AbdMsg, AbdTimer, ()>;

fn node(id: u32, config: &AbdConfig) -> Abd {
    Abd::new(id, &Cluster { nodes: 5 }, config, None)
}

fn step(n: &mut Abd, now: u64, input: Input<AbdMsg, AbdTimer>) -> (Vec<Cmd>, Vec<protocol::ClientOp>) {
    let mut out = Out::default();
    n.step(now, input, &mut out);
    let ops = out.ops().to_vec();
    (out.take().into_iter().map(Command::erase_state).collect(), ops)
}

fn reply(from: u32, op: u64, counter: u64, writer: u32, value: Option<u64>) -> Input<AbdMsg, AbdTimer> {
    Input::Message {
        from,
        msg: AbdMsg::QueryReply { op, key: 0, stored: Stored { ts: Ts { counter, writer }, value } },
    }
}

fn ack(from: u32, op: u64) -> Input<AbdMsg, AbdTimer> {
    Input::Message { from, msg: AbdMsg::UpdateAck { op, key: 0 } }
}

/// §3: a write first queries every server, then, with a majority's
/// answers, sends (highest counter + 1, its id) to every server, and
/// returns once a majority acknowledged.
#[test]
fn a_write_queries_a_majority_then_updates_with_a_higher_timestamp() {
    let config = AbdConfig::default();
    let mut c = node(3, &config);
    let (cmds, ops) = step(&mut c, 0, Input::Request { cmd: "write x 7".into() });
    assert_eq!(
        cmds,
        vec![
            Command::CancelTimer { timer: AbdTimer::Next },
            Command::Persist(()),
            Command::Send { to: 0, msg: AbdMsg::Query { op: 0, key: 0 } },
            Command::Send { to: 1, msg: AbdMsg::Query { op: 0, key: 0 } },
            Command::Send { to: 2, msg: AbdMsg::Query { op: 0, key: 0 } },
            Command::SetTimer { timer: AbdTimer::Resend, after_min: 100, after_max: 100 },
            // The step's line last: a crash-mid-step cuts the commands as before it.
            Command::Emit(Note { level: Level::Info, text: "client 3 starts write x=7: queries the servers".into() }),
        ]
    );
    assert_eq!(ops[0].kind, OpKind::Invoke);
    assert!(step(&mut c, 5, reply(0, 0, 4, 4, Some(9))).0.is_empty(), "one answer of three is no majority");
    let (cmds, _) = step(&mut c, 6, reply(2, 0, 2, 3, Some(1)));
    let update = Stored { ts: Ts { counter: 5, writer: 3 }, value: Some(7) };
    assert_eq!(cmds[0], Command::Persist(()), "the counter is persisted before any update carries it");
    let found = "client 3 found x=9 @4.4; writes x=7 @5.3";
    assert_eq!(cmds.last(), Some(&Command::Emit(Note { level: Level::Info, text: found.into() })));
    assert_eq!(
        cmds[1..4],
        [0, 1, 2].map(|to| Command::Send { to, msg: AbdMsg::Update { op: 0, key: 0, stored: update } })
    );
    assert!(step(&mut c, 7, ack(1, 0)).1.is_empty());
    let (cmds, ops) = step(&mut c, 8, ack(0, 0));
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].kind, OpKind::Ok);
    assert!(cmds.contains(&Command::CancelTimer { timer: AbdTimer::Resend }));
}

/// Crash-recovery, which the crash-stop original leaves out: a restarted
/// writer whose last write (counter 9) may sit on a minority never writes
/// another value under a timestamp it used, even when its query meets only
/// counter 4 (the soak found the flip-flopping reads that reuse gives).
#[test]
fn a_restarted_writer_never_reuses_a_timestamp() {
    let config = AbdConfig::default();
    let durable = AbdDurable::Client { ops: 2, counter: 9 };
    let mut c = Abd::new(3, &Cluster { nodes: 5 }, &config, Some(&durable));
    step(&mut c, 0, Input::Request { cmd: "write x 7".into() });
    step(&mut c, 5, reply(0, 2, 4, 4, Some(9)));
    let mut out = Out::default();
    c.step(6, reply(1, 2, 4, 4, Some(9)), &mut out);
    let cmds = out.take();
    assert_eq!(cmds[0], Command::Persist(AbdDurable::Client { ops: 3, counter: 10 }));
    let update = Stored { ts: Ts { counter: 10, writer: 3 }, value: Some(7) };
    assert_eq!(cmds[1], Command::Send { to: 0, msg: AbdMsg::Update { op: 2, key: 0, stored: update } });
}

/// §3: a read writes back the highest (timestamp, value) it found before
/// returning it; `no-write-back` returns at once.
#[test]
fn a_read_writes_back_what_it_returns_unless_broken() {
    for bug in [None, Some(AbdBug::NoWriteBack)] {
        let config = AbdConfig { bug, ..AbdConfig::default() };
        let mut c = node(4, &config);
        step(&mut c, 0, Input::Request { cmd: "read x".into() });
        step(&mut c, 1, reply(1, 0, 3, 3, Some(303)));
        let (cmds, ops) = step(&mut c, 2, reply(2, 0, 1, 4, Some(104)));
        let back = Stored { ts: Ts { counter: 3, writer: 3 }, value: Some(303) };
        match bug {
            None => {
                assert!(ops.is_empty(), "not before the write-back");
                assert_eq!(cmds[0], Command::Send { to: 0, msg: AbdMsg::Update { op: 0, key: 0, stored: back } });
            }
            Some(_) => {
                assert_eq!(ops[0].kind, OpKind::Ok);
                assert!(!cmds.iter().any(|c| matches!(c, Command::Send { .. })));
            }
        }
    }
}

/// A server keeps only a newer timestamp, persists it before it
/// acknowledges, and acknowledges an older one without storing it.
#[test]
fn a_server_takes_only_newer_timestamps_and_persists_before_acking() {
    let mut s = node(0, &AbdConfig::default());
    let newer = Stored { ts: Ts { counter: 2, writer: 3 }, value: Some(5) };
    let (cmds, _) = step(&mut s, 0, Input::Message { from: 3, msg: AbdMsg::Update { op: 1, key: 0, stored: newer } });
    assert_eq!(cmds, vec![Command::Persist(()), Command::Send { to: 3, msg: AbdMsg::UpdateAck { op: 1, key: 0 } }]);
    let older = Stored { ts: Ts { counter: 2, writer: 1 }, value: Some(6) };
    let (cmds, _) = step(&mut s, 1, Input::Message { from: 4, msg: AbdMsg::Update { op: 0, key: 0, stored: older } });
    assert_eq!(cmds, vec![Command::Send { to: 4, msg: AbdMsg::UpdateAck { op: 0, key: 0 } }]);
    let (cmds, _) = step(&mut s, 2, Input::Message { from: 4, msg: AbdMsg::Query { op: 1, key: 0 } });
    assert_eq!(cmds, vec![Command::Send { to: 4, msg: AbdMsg::QueryReply { op: 1, key: 0, stored: newer } }]);
    // A restart restores what was persisted.
    let durable = AbdDurable::Server([(0u8, newer)].into());
    let again = Abd::new(0, &Cluster { nodes: 5 }, &AbdConfig::default(), Some(&durable));
    assert_eq!(again.server().unwrap().get(0), newer);
}

/// A reply to an older operation of the same client is stale.
#[test]
fn a_reply_to_an_older_operation_is_ignored() {
    let mut c = node(3, &AbdConfig::default());
    step(&mut c, 0, Input::Request { cmd: "read x".into() });
    assert!(step(&mut c, 1, reply(0, 7, 1, 1, Some(1))).0.is_empty());
    assert_eq!(c.client().unwrap().current.as_ref().unwrap().answered, 0);
}

fn refs(nodes: &[Abd]) -> Vec<NodeRef<'_, Abd>> {
    nodes.iter().map(|n| NodeRef { id: n.id, status: Status::Up, state: n }).collect()
}

/// The checker on hand-built states: a client's read of 1 while a write
/// of 1 is open, then another client's later read of nil.
#[test]
fn the_checker_catches_a_new_old_inversion_from_client_states() {
    let config = AbdConfig::default();
    let mut nodes: Vec<Abd> = (0..6).map(|id| Abd::new(id, &Cluster { nodes: 6 }, &config, None)).collect();
    let mut checker = abd::AbdChecker::default();
    let mut run = |nodes: &mut Vec<Abd>, id: usize, input: Input<AbdMsg, AbdTimer>| {
        let mut out = Out::default();
        nodes[id].step(0, input, &mut out);
        checker.check_changed(&refs(nodes), Some(id as u32))
    };
    assert!(run(&mut nodes, 3, Input::Request { cmd: "x=1".into() }).is_none());
    assert!(run(&mut nodes, 4, Input::Request { cmd: "read x".into() }).is_none());
    assert!(run(&mut nodes, 4, reply(0, 0, 1, 3, Some(1))).is_none());
    // Client 4 is correct: it writes back. Acks complete its read of 1.
    assert!(run(&mut nodes, 4, reply(1, 0, 0, 0, None)).is_none());
    assert!(run(&mut nodes, 4, ack(0, 0)).is_none());
    assert!(run(&mut nodes, 4, ack(1, 0)).is_none());
    assert!(run(&mut nodes, 5, Input::Request { cmd: "read x".into() }).is_none());
    assert!(run(&mut nodes, 5, reply(1, 0, 0, 0, None)).is_none());
    assert!(run(&mut nodes, 5, reply(2, 0, 0, 0, None)).is_none());
    assert!(run(&mut nodes, 5, ack(1, 0)).is_none());
    let v = run(&mut nodes, 5, ack(2, 0)).expect("read nil after a read of 1");
    assert_eq!(v.property, LINEARIZABILITY);
    assert_eq!(v.nodes, vec![3, 4, 5]);
}
