//! Paxos, one handler at a time, against Lamport's "Paxos Made Simple"
//! (2001). Each test names the section it checks and asserts exact commands.

use paxos::{Ballot, Durable, Lead, Msg, MultiPaxos, Paxos, PaxosConfig, PaxosTimer, Phase, SlotValue, Value};
use protocol::{Cluster, Command, Input, Out, Protocol};

type Cmds = Vec<Command<Msg, PaxosTimer, ()>>;

fn v(s: &str) -> Value {
    s.into()
}

fn single(id: u32) -> Paxos {
    Paxos::new(id, &Cluster { nodes: 5 }, &PaxosConfig::default(), None)
}

fn step<P: Protocol<Msg = Msg, Timer = PaxosTimer>>(node: &mut P, input: Input<Msg, PaxosTimer>) -> Cmds {
    let mut out = Out::default();
    node.step(0, input, &mut out);
    out.take().into_iter().map(Command::erase_state).collect()
}

fn sends(cmds: &Cmds) -> Vec<(u32, Msg)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn deliver<P: Protocol<Msg = Msg, Timer = PaxosTimer>>(node: &mut P, from: u32, msg: Msg) -> Cmds {
    step(node, Input::Message { from, msg })
}

/// §2.2, phase 1(a): "A proposer selects a proposal number n and sends a
/// prepare request with number n to a majority of acceptors." The round is
/// persisted first so a restarted proposer never reuses a number.
#[test]
fn proposer_prepares_a_fresh_ballot() {
    let mut p = single(1);
    let cmds = step(&mut p, Input::Request { cmd: "v1".into() });
    assert!(matches!(cmds[0], Command::Persist(_)));
    let prepare = Msg::Prepare { ballot: Ballot(1, 1), from_slot: 0 };
    assert_eq!(sends(&cmds), vec![(2, prepare.clone()), (3, prepare.clone()), (4, prepare)]);
    assert!(cmds.contains(&Command::SetTimer { timer: PaxosTimer::Retry, after_min: 200, after_max: 200 }));
}

/// §2.2, phase 1(b): an acceptor promises a higher prepare and reports "the
/// proposal with the highest number less than n that it has accepted";
/// it persists the promise before answering; a lower prepare is refused.
#[test]
fn acceptor_promises_and_reports_what_it_accepted() {
    let mut a = single(2);
    let cmds = deliver(&mut a, 0, Msg::Prepare { ballot: Ballot(1, 0), from_slot: 0 });
    assert_eq!(
        cmds,
        vec![
            Command::Persist(()),
            Command::Send { to: 0, msg: Msg::Promise { ballot: Ballot(1, 0), accepted: vec![] } }
        ]
    );
    deliver(&mut a, 0, Msg::Accept { ballot: Ballot(1, 0), slot: 0, value: v("x") });
    let cmds = deliver(&mut a, 1, Msg::Prepare { ballot: Ballot(2, 1), from_slot: 0 });
    assert_eq!(
        sends(&cmds),
        vec![(
            1,
            Msg::Promise {
                ballot: Ballot(2, 1),
                accepted: vec![SlotValue { slot: 0, ballot: Ballot(1, 0), value: v("x") }]
            }
        )]
    );
    let cmds = deliver(&mut a, 0, Msg::Prepare { ballot: Ballot(1, 0), from_slot: 0 });
    assert_eq!(cmds, vec![Command::Send { to: 0, msg: Msg::Nack { ballot: Ballot(1, 0), promised: Ballot(2, 1) } }]);
}

/// §2.2, phase 2(b) and P1a: "An acceptor can accept a proposal numbered n
/// iff it has not responded to a prepare request having a number greater
/// than n"; on accepting it tells every learner (§2.3).
#[test]
fn acceptor_accepts_unless_it_promised_higher_and_tells_the_learners() {
    let mut a = single(3);
    let cmds = deliver(&mut a, 0, Msg::Accept { ballot: Ballot(1, 0), slot: 0, value: v("x") });
    assert!(matches!(cmds[0], Command::Persist(_)));
    let accepted = Msg::Accepted { ballot: Ballot(1, 0), slot: 0, value: v("x") };
    assert_eq!(sends(&cmds), (0..5).map(|l| (l, accepted.clone())).collect::<Vec<_>>());
    deliver(&mut a, 1, Msg::Prepare { ballot: Ballot(3, 1), from_slot: 0 });
    let cmds = deliver(&mut a, 0, Msg::Accept { ballot: Ballot(2, 0), slot: 0, value: v("y") });
    assert_eq!(sends(&cmds), vec![(0, Msg::Nack { ballot: Ballot(2, 0), promised: Ballot(3, 1) })]);
}

/// §2.2, phase 2(a) and P2c: with promises from a majority the proposer
/// proposes "the value of the highest-numbered proposal among the
/// responses, or ... any value if the responses reported no proposals".
#[test]
fn proposer_adopts_the_highest_reported_value() {
    let mut p = single(0);
    step(&mut p, Input::Request { cmd: "mine".into() });
    let b = Ballot(1, 0);
    let reported = |ballot, value: &str| vec![SlotValue { slot: 0, ballot, value: v(value) }];
    assert!(deliver(&mut p, 2, Msg::Promise { ballot: b, accepted: reported(Ballot(0, 1), "old") }).is_empty());
    let cmds = deliver(&mut p, 3, Msg::Promise { ballot: b, accepted: vec![] });
    // Majority of 3 acceptors is 2: the reported value wins over "mine".
    let accept = Msg::Accept { ballot: b, slot: 0, value: v("old") };
    assert_eq!(sends(&cmds), vec![(2, accept.clone()), (3, accept.clone()), (4, accept)]);

    let mut q = single(1);
    step(&mut q, Input::Request { cmd: "free".into() });
    deliver(&mut q, 2, Msg::Promise { ballot: Ballot(1, 1), accepted: vec![] });
    let cmds = deliver(&mut q, 4, Msg::Promise { ballot: Ballot(1, 1), accepted: vec![] });
    assert!(matches!(&sends(&cmds)[0].1, Msg::Accept { value, .. } if &**value == "free"));
}

/// §2.3: a learner learns a value once a majority of acceptors accepted it
/// in one ballot; the proposer, a learner too, stops.
#[test]
fn a_majority_of_acceptances_is_learned() {
    let mut p = single(0);
    step(&mut p, Input::Request { cmd: "x".into() });
    let ok = || Msg::Accepted { ballot: Ballot(1, 0), slot: 0, value: v("x") };
    assert!(!deliver(&mut p, 2, ok()).contains(&Command::Persist(())));
    let cmds = deliver(&mut p, 4, ok());
    assert!(matches!(cmds[0], Command::Persist(_)), "what is learned is kept");
    assert!(cmds.contains(&Command::CancelTimer { timer: PaxosTimer::Retry }));
    assert_eq!(p.chosen().map(|v| &**v), Some("x"));
    assert_eq!(p.phase(), &Phase::Done);
}

/// §2.4: a preempted proposer retries with a higher number; with back-off
/// it first waits a random time, without it retries at once (and can duel).
#[test]
fn preempted_proposers_retry_higher_with_or_without_backoff() {
    let mut p = single(0);
    step(&mut p, Input::Request { cmd: "x".into() });
    let cmds = deliver(&mut p, 2, Msg::Nack { ballot: Ballot(1, 0), promised: Ballot(4, 1) });
    assert_eq!(
        cmds,
        vec![
            Command::Emit(protocol::Note {
                level: protocol::Level::Info,
                text: "proposer 0 preempted: 4.1 > 1.0".into()
            }),
            Command::SetTimer { timer: PaxosTimer::Retry, after_min: 20, after_max: 300 },
        ]
    );
    let cmds = step(&mut p, Input::Timer(PaxosTimer::Retry));
    assert!(sends(&cmds).iter().all(|(_, m)| *m == Msg::Prepare { ballot: Ballot(5, 0), from_slot: 0 }));

    let config = PaxosConfig { backoff: false, ..PaxosConfig::default() };
    let mut q = Paxos::new(0, &Cluster { nodes: 5 }, &config, None);
    step(&mut q, Input::Request { cmd: "x".into() });
    let cmds = deliver(&mut q, 2, Msg::Nack { ballot: Ballot(1, 0), promised: Ballot(4, 1) });
    assert_eq!(sends(&cmds)[0].1, Msg::Prepare { ballot: Ballot(5, 0), from_slot: 0 });
}

/// §2.5 (stable storage): an acceptor's promise and accepted proposal and a
/// proposer's round survive a restart.
#[test]
fn restart_keeps_what_was_persisted() {
    let mut a = single(2);
    deliver(&mut a, 0, Msg::Prepare { ballot: Ballot(7, 0), from_slot: 0 });
    let durable: Durable = a.durable();
    let back = Paxos::new(2, &Cluster { nodes: 5 }, &PaxosConfig::default(), Some(&durable));
    assert_eq!(back.view(true).promised, Some(Ballot(7, 0)));
    assert_eq!(
        serde_json::to_string(&back.view(true)).unwrap(),
        r#"{"id":2,"up":true,"roles":["acceptor","learner"],"promised":[7,0],"accepted":[],"chosen":[]}"#
    );
}

fn multi(id: u32) -> MultiPaxos {
    MultiPaxos::new(id, &Cluster { nodes: 3 }, &PaxosConfig::multi(), None)
}

/// §3: a new leader runs phase 1 once for all slots not known chosen; it
/// re-proposes the highest-numbered value reported for each open slot,
/// fills gaps with no-ops, and new commands take the next slots.
#[test]
fn multi_paxos_leader_adopts_open_slots_and_fills_gaps() {
    let mut l = multi(0);
    step(&mut l, Input::Start);
    let cmds = step(&mut l, Input::Timer(PaxosTimer::LeaderTimeout));
    let b = Ballot(1, 0);
    assert_eq!(sends(&cmds), (0..3).map(|a| (a, Msg::Prepare { ballot: b, from_slot: 0 })).collect::<Vec<_>>());
    let sv = |slot, round, value: &str| SlotValue { slot, ballot: Ballot(round, 2), value: v(value) };
    deliver(&mut l, 1, Msg::Promise { ballot: b, accepted: vec![sv(0, 0, "a"), sv(2, 0, "c")] });
    let cmds = deliver(&mut l, 2, Msg::Promise { ballot: b, accepted: vec![sv(0, 0, "a")] });
    assert!(l.is_leader());
    let accepts: Vec<(u64, String)> = sends(&cmds)
        .into_iter()
        .filter_map(|(to, m)| match m {
            Msg::Accept { slot, value, .. } if to == 0 => Some((slot, value.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(accepts, vec![(0, "a".into()), (1, "no-op".into()), (2, "c".into())]);
    let cmds = step(&mut l, Input::Request { cmd: "d".into() });
    assert!(sends(&cmds).iter().all(|(_, m)| *m == Msg::Accept { ballot: b, slot: 3, value: v("d") }));
    match l.lead() {
        Lead::Leader { next_slot, pending, .. } => assert_eq!((*next_slot, pending.len()), (4, 4)),
        other => panic!("{other:?}"),
    }
}

/// §3: replicas apply chosen commands in slot order; a learner behind the
/// leader's heartbeat asks to catch up.
#[test]
fn multi_paxos_learners_apply_in_order_and_catch_up() {
    let mut r = multi(1);
    let ok = |slot, value: &str| Msg::Accepted { ballot: Ballot(1, 0), slot, value: v(value) };
    deliver(&mut r, 0, ok(1, "b"));
    deliver(&mut r, 2, ok(1, "b"));
    assert_eq!(r.applied(), 0, "slot 0 is still open");
    let cmds = deliver(&mut r, 0, Msg::Heartbeat { ballot: Ballot(1, 0), chosen_upto: 2 });
    assert_eq!(sends(&cmds), vec![(0, Msg::CatchUp { from_slot: 0 })]);
    deliver(
        &mut r,
        0,
        Msg::Decided {
            chosen: vec![paxos::Chosen { slot: 0, value: v("a") }, paxos::Chosen { slot: 1, value: v("b") }],
        },
    );
    assert_eq!(r.applied(), 2);
    assert_eq!(r.leader(), Some(0));
}
