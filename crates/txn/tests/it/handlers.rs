//! One handler at a time, asserting the exact commands (openraft's engine
//! tests), each tied to the paper it checks.

use protocol::{Cluster, Command, Input, Out, Protocol};
use txn::{CommitConfig, CommitDurable, CommitMsg, CommitTimer, Decision, ThreePc, TwoPc, TxState};

type Cmd = Command<CommitMsg, CommitTimer, CommitDurable>;

fn step<P: Protocol<Msg = CommitMsg, Timer = CommitTimer, Durable = CommitDurable>>(
    node: &mut P,
    input: Input<CommitMsg, CommitTimer>,
) -> Vec<Cmd> {
    let mut out = Out::default();
    node.step(100, input, &mut out);
    out.take().into_iter().filter(|c| !matches!(c, Command::Emit(_))).collect()
}

const FOUR: Cluster = Cluster { nodes: 4 };

/// Gray & Lamport 2006, §3 (Two-Phase Commit): a resource manager records
/// prepared in stable storage before it sends its Prepared message.
#[test]
fn participant_logs_prepared_before_it_votes_yes() {
    let mut p = TwoPc::new(1, &FOUR, &CommitConfig::default(), None);
    let cmds = step(&mut p, Input::Message { from: 0, msg: CommitMsg::Prepare { tx: 1 } });
    assert_eq!(
        cmds,
        vec![
            Command::Persist(CommitDurable::Participant { tx: 1, state: TxState::Prepared }),
            Command::Send { to: 0, msg: CommitMsg::Vote { tx: 1, yes: true } },
            Command::SetTimer { timer: CommitTimer::Outcome, after_min: 300, after_max: 400 },
        ]
    );
}

/// §3: a participant that cannot commit aborts at once (logged) and votes no.
#[test]
fn participant_set_to_vote_no_logs_aborted_and_votes_no() {
    let config = CommitConfig { vote_no: vec![2], ..CommitConfig::default() };
    let mut p = TwoPc::new(2, &FOUR, &config, None);
    let cmds = step(&mut p, Input::Message { from: 0, msg: CommitMsg::Prepare { tx: 1 } });
    assert_eq!(
        cmds,
        vec![
            Command::Persist(CommitDurable::Participant { tx: 1, state: TxState::Aborted }),
            Command::Send { to: 0, msg: CommitMsg::Vote { tx: 1, yes: false } },
        ]
    );
}

/// §3: the transaction manager logs commit before it sends Commit.
#[test]
fn coordinator_logs_the_decision_before_it_sends_it() {
    let mut c = TwoPc::new(0, &FOUR, &CommitConfig::default(), None);
    step(&mut c, Input::Request { cmd: "t".into() });
    step(&mut c, Input::Message { from: 1, msg: CommitMsg::Vote { tx: 1, yes: true } });
    step(&mut c, Input::Message { from: 2, msg: CommitMsg::Vote { tx: 1, yes: true } });
    let cmds = step(&mut c, Input::Message { from: 3, msg: CommitMsg::Vote { tx: 1, yes: true } });
    assert_eq!(cmds[0], Command::Persist(CommitDurable::Coordinator { tx: 1, decision: Some(Decision::Commit) }));
    let sends: Vec<_> = cmds.iter().filter(|c| matches!(c, Command::Send { .. })).collect();
    assert_eq!(sends.len(), 3);
}

/// Presumed abort (Mohan, Lindsay & Obermarck 1986, as in Gray & Lamport
/// §3): a coordinator that restarts with no logged decision aborts.
#[test]
fn coordinator_without_a_decision_presumes_abort_on_restart() {
    let log = CommitDurable::Coordinator { tx: 4, decision: None };
    let mut c = TwoPc::new(0, &FOUR, &CommitConfig::default(), Some(&log));
    let cmds = step(&mut c, Input::Start);
    assert_eq!(cmds[0], Command::Persist(CommitDurable::Coordinator { tx: 4, decision: Some(Decision::Abort) }));
    assert_eq!(c.decision(), Some(Decision::Abort));
}

/// §3: a participant that restarts prepared asks for the outcome, and is
/// blocked until someone who knows answers.
#[test]
fn participant_restarted_in_doubt_asks_the_coordinator() {
    let log = CommitDurable::Participant { tx: 2, state: TxState::Prepared };
    let mut p = TwoPc::new(3, &FOUR, &CommitConfig::default(), Some(&log));
    let cmds = step(&mut p, Input::Start);
    assert_eq!(cmds[0], Command::Send { to: 0, msg: CommitMsg::Query { tx: 2 } });
    assert_eq!(p.blocked_since(), Some(100));
    step(&mut p, Input::Message { from: 0, msg: CommitMsg::Decision { tx: 2, decision: Decision::Commit } });
    assert_eq!((p.state(), p.blocked_since()), (Some(TxState::Committed), None));
}

/// Cooperative termination (Gray & Lamport §3, "a participant can ask the
/// others"): it helps only when a peer knows the outcome; prepared peers
/// cannot answer, so all-prepared stays blocked.
#[test]
fn cooperative_termination_asks_peers_and_only_outcomes_resolve() {
    let config = CommitConfig { cooperative: true, ..CommitConfig::default() };
    let log = CommitDurable::Participant { tx: 1, state: TxState::Prepared };
    let mut p = TwoPc::new(1, &FOUR, &config, Some(&log));
    let cmds = step(&mut p, Input::Start);
    let asked: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Send { to, msg: CommitMsg::Query { .. } } => Some(*to),
            _ => None,
        })
        .collect();
    assert_eq!(asked, vec![0, 2, 3]);
    step(&mut p, Input::Message { from: 2, msg: CommitMsg::State { tx: 1, state: TxState::Prepared } });
    assert_eq!(p.state(), Some(TxState::Prepared), "a prepared peer knows nothing");
    step(&mut p, Input::Message { from: 3, msg: CommitMsg::State { tx: 1, state: TxState::Aborted } });
    assert_eq!(p.state(), Some(TxState::Aborted));
}

/// Skeen 1981, the termination protocol: a participant that lost the
/// coordinator commits if anyone is pre-committed, and aborts otherwise.
#[test]
fn three_pc_termination_commits_only_if_someone_precommitted() {
    for (heard, want) in [(TxState::PreCommitted, TxState::Committed), (TxState::Prepared, TxState::Aborted)] {
        let mut p = ThreePc::new(1, &FOUR, &CommitConfig::default(), None);
        step(&mut p, Input::Message { from: 0, msg: CommitMsg::Prepare { tx: 1 } });
        let cmds = step(&mut p, Input::Timer(CommitTimer::Outcome));
        assert_eq!(cmds.iter().filter(|c| matches!(c, Command::Send { msg: CommitMsg::Query { .. }, .. })).count(), 2);
        step(&mut p, Input::Message { from: 2, msg: CommitMsg::State { tx: 1, state: heard } });
        step(&mut p, Input::Timer(CommitTimer::Collect));
        assert_eq!(p.state(), Some(want), "heard {heard:?}");
    }
}

/// Decision durability: a decided participant never changes its log, and
/// acknowledges a repeated decision again (idempotent).
#[test]
fn a_decided_participant_keeps_its_outcome() {
    let log = CommitDurable::Participant { tx: 1, state: TxState::Committed };
    let mut p = TwoPc::new(1, &FOUR, &CommitConfig::default(), Some(&log));
    let cmds = step(&mut p, Input::Message { from: 0, msg: CommitMsg::Decision { tx: 1, decision: Decision::Abort } });
    assert_eq!(cmds, vec![Command::Send { to: 0, msg: CommitMsg::Ack { tx: 1 } }]);
    assert_eq!(p.state(), Some(TxState::Committed));
}

mod saga {
    use protocol::{Cluster, Command, Input, Out, Protocol};
    use txn::{Saga, SagaConfig, SagaDurable, SagaMsg, SagaState, SagaTimer};

    fn sends(node: &mut Saga, input: Input<SagaMsg, SagaTimer>) -> Vec<Command<SagaMsg, SagaTimer, SagaDurable>> {
        let mut out = Out::default();
        node.step(0, input, &mut out);
        out.take().into_iter().filter(|c| !matches!(c, Command::Emit(_) | Command::SetTimer { .. })).collect()
    }

    /// Garcia-Molina & Salem §3: after T_k fails, the saga runs C_{k-1}
    /// ... C_1, last first, logging each before asking for the next.
    #[test]
    fn a_failed_step_compensates_the_done_steps_in_reverse() {
        let five = Cluster { nodes: 5 };
        let log = SagaDurable::Orchestrator { saga: 1, step: 2, state: SagaState::Running, failed: None };
        let mut o = Saga::new(0, &five, &SagaConfig::default(), Some(&log));
        let cmds = sends(&mut o, Input::Message { from: 3, msg: SagaMsg::Failed { saga: 1, step: 3 } });
        assert_eq!(
            cmds,
            vec![
                Command::Persist(SagaDurable::Orchestrator {
                    saga: 1,
                    step: 2,
                    state: SagaState::Compensating,
                    failed: Some(3)
                }),
                Command::Send { to: 2, msg: SagaMsg::Compensate { saga: 1, step: 2 } },
            ]
        );
        let cmds = sends(&mut o, Input::Message { from: 2, msg: SagaMsg::Compensated { saga: 1, step: 2 } });
        assert_eq!(cmds[1], Command::Send { to: 1, msg: SagaMsg::Compensate { saga: 1, step: 1 } });
    }

    /// Every message is idempotent: a repeated compensation changes nothing.
    #[test]
    fn a_repeated_compensation_is_acknowledged_and_not_applied() {
        let five = Cluster { nodes: 5 };
        let mut s = Saga::new(1, &five, &SagaConfig::default(), None);
        sends(&mut s, Input::Message { from: 0, msg: SagaMsg::Do { saga: 1, step: 1 } });
        let first = sends(&mut s, Input::Message { from: 0, msg: SagaMsg::Compensate { saga: 1, step: 1 } });
        assert!(matches!(first[0], Command::Persist(_)));
        let again = sends(&mut s, Input::Message { from: 0, msg: SagaMsg::Compensate { saga: 1, step: 1 } });
        assert_eq!(again, vec![Command::Send { to: 0, msg: SagaMsg::Compensated { saga: 1, step: 1 } }]);
    }
}

mod outbox {
    use protocol::{Cluster, Command, Input, Out, Protocol};
    use txn::{IdSet, Outbox, OutboxConfig, OutboxDurable, OutboxMsg};

    /// The outbox pattern: the change and its row are one local transaction
    /// (one Persist), and nothing is sent from the request itself.
    #[test]
    fn a_change_and_its_row_are_one_transaction() {
        let mut s = Outbox::new(0, &Cluster { nodes: 4 }, &OutboxConfig::default(), None);
        let mut out = Out::default();
        s.step(0, Input::Request { cmd: "a".into() }, &mut out);
        let cmds: Vec<_> = out.take().into_iter().filter(|c| !matches!(c, Command::Emit(_))).collect();
        assert_eq!(cmds, vec![Command::Persist(OutboxDurable::Service { changes: 1, outbox: vec![1] })]);
    }

    /// The idempotent consumer: a redelivered id is acknowledged, not applied.
    #[test]
    fn the_consumer_applies_an_id_once() {
        let mut c = Outbox::new(3, &Cluster { nodes: 4 }, &OutboxConfig::default(), None);
        for _ in 0..2 {
            let mut out = Out::default();
            c.step(0, Input::Message { from: 2, msg: OutboxMsg::Deliver { id: 1 } }, &mut out);
        }
        let txn::OutboxNode::Consumer { applied, processed, .. } = c.node() else { panic!() };
        assert_eq!((*applied, processed.text()), (1, "1".to_string()));
    }

    #[test]
    fn id_sets_stay_compact() {
        let mut s = IdSet::default();
        for id in [1, 2, 4, 3, 7] {
            s.insert(id);
        }
        assert_eq!((s.len(), s.max(), s.text()), (5, Some(7), "1..=4, 7".to_string()));
        assert!(s.contains(3) && !s.contains(5) && !s.contains(0));
    }
}

/// The client's view: a transaction is invoked when the coordinator takes
/// the request and ends when the decision is logged (`:ok` for commit,
/// `:fail` for abort); a request the busy coordinator refuses fails at once.
#[test]
fn the_coordinator_reports_each_transaction_as_a_client_operation() {
    use protocol::{OpFn, OpKind};
    let ops = |c: &mut TwoPc, input| {
        let mut out = Out::default();
        c.step(100, input, &mut out);
        out.ops().iter().map(|op| (op.id, op.kind, op.f)).collect::<Vec<_>>()
    };
    let mut c = TwoPc::new(0, &FOUR, &CommitConfig::default(), None);
    assert_eq!(ops(&mut c, Input::Request { cmd: "t".into() }), [(1, OpKind::Invoke, OpFn::Txn)]);
    assert_eq!(
        ops(&mut c, Input::Request { cmd: "u".into() }),
        [(2, OpKind::Invoke, OpFn::Txn), (2, OpKind::Fail, OpFn::Txn)],
        "busy with tx 1"
    );
    assert_eq!(ops(&mut c, Input::Message { from: 1, msg: CommitMsg::Vote { tx: 1, yes: true } }), []);
    assert_eq!(
        ops(&mut c, Input::Message { from: 2, msg: CommitMsg::Vote { tx: 1, yes: false } }),
        [(1, OpKind::Fail, OpFn::Txn)],
        "a no vote aborts: the transaction failed"
    );
}
