//! Handler tests: one input, the exact commands out (openraft's engine
//! tests), tied to the sources: Budhiraja et al. 1993 (the primary answers
//! only once the backup has the write), Hayashibara et al. 2004 (suspicion
//! from the heartbeat history) and Kleppmann's fencing tokens (a replica
//! refuses an older epoch), and the checker on hand-built states.

use pb::{
    Client, Detector, Entry, Fencing, Node, PbBug, PbChecker, PbConfig, PbDurable, PbMsg, PbTimer, PrimaryBackup,
    Replica, ONE_PRIMARY_PER_EPOCH,
};
use protocol::{Checker, Command, Input, NodeRef, OpKind, Status};

type Out = protocol::Out<PbMsg, PbTimer, PbDurable>;
type Cmd = Command<PbMsg, PbTimer, ()>;

fn cmds(out: &mut Out) -> Vec<Cmd> {
    out.take().into_iter().map(Command::erase_state).collect()
}

fn send(to: u32, msg: PbMsg) -> Cmd {
    Command::Send { to, msg }
}

fn no_emits(out: &mut Out) -> Vec<Cmd> {
    cmds(out).into_iter().filter(|c| !matches!(c, Command::Emit(_))).collect()
}

fn replica(id: u32, config: &PbConfig) -> Replica {
    let mut r = Replica::new(id, 2, config, None);
    r.step(0, Input::Start, &mut Out::default());
    r
}

#[test]
fn the_primary_answers_a_write_only_after_the_backup_acknowledged_it() {
    // Budhiraja et al. §2: the primary sends the update to the backups and
    // responds once they have it; it persists before it answers.
    let mut p = replica(1, &PbConfig::default());
    let mut out = Out::default();
    p.step(10, Input::Message { from: 0, msg: PbMsg::Write { id: 1, value: 1 } }, &mut out);
    let entry = Entry { epoch: 1, id: 1, value: 1 };
    assert_eq!(no_emits(&mut out), [send(2, PbMsg::Replicate { epoch: 1, entry })]);
    assert!(p.log.entries.is_empty() && p.accepted.is_none());
    p.step(20, Input::Message { from: 2, msg: PbMsg::Ack { epoch: 1, id: 1 } }, &mut out);
    assert_eq!(no_emits(&mut out), [Command::Persist(()), send(0, PbMsg::Written { id: 1, epoch: 1 })]);
    assert_eq!((p.log.len, p.accepted), (1, Some((1, 1))));
    // An acknowledgement of another epoch is not this write's.
    p.step(30, Input::Message { from: 0, msg: PbMsg::Write { id: 2, value: 2 } }, &mut out);
    out.take();
    p.step(40, Input::Message { from: 2, msg: PbMsg::Ack { epoch: 2, id: 2 } }, &mut out);
    assert_eq!(cmds(&mut out), []);
}

#[test]
fn a_backup_refuses_a_stale_epoch_and_the_old_primary_steps_down() {
    let config = PbConfig::default();
    let mut backup = replica(2, &config);
    backup.epoch = 2;
    backup.primary = true;
    let mut out = Out::default();
    let entry = Entry { epoch: 1, id: 7, value: 7 };
    backup.step(10, Input::Message { from: 1, msg: PbMsg::Replicate { epoch: 1, entry } }, &mut out);
    assert_eq!(no_emits(&mut out), [send(1, PbMsg::Stale { epoch: 2 })]);
    assert!(!backup.log.has(7));

    let mut old = replica(1, &config);
    old.step(5, Input::Message { from: 0, msg: PbMsg::Write { id: 7, value: 7 } }, &mut out);
    out.take();
    old.step(20, Input::Message { from: 2, msg: PbMsg::Stale { epoch: 2 } }, &mut out);
    assert_eq!(
        no_emits(&mut out),
        [send(0, PbMsg::NotPrimary { id: 7, epoch: 2 }), Command::Persist(())],
        "the waiting write is refused, not accepted"
    );
    assert_eq!((old.primary, old.epoch, old.accepted), (false, 2, None));
}

#[test]
fn a_backup_promotes_itself_into_its_own_next_epoch_after_the_timeout() {
    let mut b = replica(2, &PbConfig::default());
    let mut out = Out::default();
    b.step(
        50,
        Input::Message { from: 1, msg: PbMsg::Heartbeat { epoch: 1, primary: true, view: vec![1, 2] } },
        &mut out,
    );
    assert_eq!(cmds(&mut out), []);
    // 200 ms of silence is not yet suspicious; 201 is.
    b.step(250, Input::Timer(PbTimer::Heartbeat), &mut out);
    assert!(!b.primary);
    out.take();
    b.step(251, Input::Timer(PbTimer::Heartbeat), &mut out);
    let c = cmds(&mut out);
    assert_eq!(
        c[..3],
        [
            send(1, PbMsg::Heartbeat { epoch: 1, primary: false, view: vec![] }),
            Command::SetTimer { timer: PbTimer::Heartbeat, after_min: 50, after_max: 50 },
            Command::Persist(()),
        ]
    );
    assert!(matches!(&c[3], Command::Emit(n) if n.text.contains("epoch 1 → 2")), "{c:?}");
    assert_eq!((b.primary, b.epoch, b.view.as_slice()), (true, 2, &[2][..]));
    assert_eq!((pb::owner(2, 2), pb::owner(3, 2), pb::owner(3, 3)), (2, 1, 3));
    // Alone, it accepts at once.
    b.step(260, Input::Message { from: 0, msg: PbMsg::Write { id: 3, value: 3 } }, &mut out);
    assert_eq!(no_emits(&mut out), [Command::Persist(()), send(0, PbMsg::Written { id: 3, epoch: 2 })]);
}

#[test]
fn without_fencing_or_with_the_bug_the_promotion_keeps_the_epoch() {
    for config in [
        PbConfig { fencing: Fencing::None, ..PbConfig::default() },
        PbConfig { bug: Some(PbBug::NoEpochBump), ..PbConfig::default() },
    ] {
        let mut b = replica(2, &config);
        b.step(300, Input::Timer(PbTimer::Heartbeat), &mut Out::default());
        assert_eq!((b.primary, b.epoch), (true, 1), "{config:?}");
        // The old primary's replication is not refused: it is applied and acknowledged.
        let mut out = Out::default();
        let entry = Entry { epoch: 1, id: 4, value: 4 };
        b.step(310, Input::Message { from: 1, msg: PbMsg::Replicate { epoch: 1, entry } }, &mut out);
        assert_eq!(no_emits(&mut out), [Command::Persist(()), send(1, PbMsg::Ack { epoch: 1, id: 4 })]);
    }
}

#[test]
fn the_phi_detector_suspects_a_steady_peer_soon_after_it_stops() {
    let config = PbConfig { detector: Detector::Phi, ..PbConfig::default() };
    let mut b = replica(2, &config);
    for t in 1..=16 {
        b.step(
            t * 50,
            Input::Message { from: 1, msg: PbMsg::Heartbeat { epoch: 1, primary: true, view: vec![1, 2] } },
            &mut Out::default(),
        );
    }
    b.step(850, Input::Timer(PbTimer::Heartbeat), &mut Out::default());
    assert!(!b.primary && b.verdict.level < 1.0, "phi {} one beat after the last", b.verdict.level);
    b.step(960, Input::Timer(PbTimer::Heartbeat), &mut Out::default());
    assert!(b.primary && b.verdict.level > 8.0, "phi {} after 160 ms of silence", b.verdict.level);
}

#[test]
fn the_client_tries_the_other_replica_after_a_timeout_and_reports_each_write() {
    let config = PbConfig::default();
    let mut c = Client::new(2, &config, None);
    let mut out = Out::default();
    c.step(Input::Timer(PbTimer::Write), &mut out);
    assert_eq!(out.ops().iter().map(|o| (o.id, o.kind)).collect::<Vec<_>>(), [(1, OpKind::Invoke)]);
    assert_eq!(
        cmds(&mut out),
        [
            Command::SetTimer { timer: PbTimer::Write, after_min: 100, after_max: 100 },
            Command::Persist(()),
            send(1, PbMsg::Write { id: 1, value: 1 }),
            Command::SetTimer { timer: PbTimer::Reply, after_min: 300, after_max: 300 },
        ]
    );
    let mut out = Out::default();
    c.step(Input::Timer(PbTimer::Reply), &mut out);
    assert_eq!(out.ops()[0].kind, OpKind::Info);
    assert_eq!((c.primary, c.outstanding, c.unknown), (2, None, 1));
    // A restarted client does not reuse ids.
    let again = Client::new(2, &config, Some(&PbDurable::Client { last_id: 1 }));
    assert_eq!(again.last_id, 1);
}

fn node(id: u32, accepted: Option<(u64, u64)>) -> PrimaryBackup {
    let mut r = Replica::new(id, 2, &PbConfig::default(), None);
    r.accepted = accepted;
    PrimaryBackup { id, node: Node::Replica(r) }
}

#[test]
fn the_checker_allows_one_primary_per_epoch_and_names_two() {
    let client = PrimaryBackup { id: 0, node: Node::Client(Client::new(2, &PbConfig::default(), None)) };
    let refs = |a: &[PrimaryBackup]| -> Vec<(u32, Status)> { a.iter().map(|n| (n.id, Status::Up)).collect() };
    let check = |checker: &mut PbChecker, nodes: &[PrimaryBackup]| {
        let r: Vec<NodeRef<'_, PrimaryBackup>> =
            refs(nodes).into_iter().zip(nodes).map(|((id, status), state)| NodeRef { id, status, state }).collect();
        checker.check(&r)
    };
    let mut checker = PbChecker::default();
    // Failover: 1 accepts in epoch 1, then 2 in epoch 2 (1 is down, still holding its record).
    assert_eq!(check(&mut checker, &[client.clone(), node(1, Some((1, 3))), node(2, None)]), None);
    assert_eq!(check(&mut checker, &[client.clone(), node(1, Some((1, 3))), node(2, Some((2, 1)))]), None);
    // Then 1 in epoch 3: still one per epoch.
    assert_eq!(check(&mut checker, &[client.clone(), node(1, Some((3, 1))), node(2, Some((2, 5)))]), None);
    // A fresh run where both accept in epoch 1: split brain.
    let mut checker = PbChecker::default();
    check(&mut checker, &[client.clone(), node(1, Some((1, 1))), node(2, None)]);
    let v = check(&mut checker, &[client, node(1, Some((1, 2))), node(2, Some((1, 1)))]).unwrap();
    assert_eq!((v.property, v.nodes.as_slice()), (ONE_PRIMARY_PER_EPOCH, &[1, 2][..]));
}
