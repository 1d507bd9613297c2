//! The event log follows each write (Budhiraja et al. 1993: the primary
//! sends it to the backup, which applies it and acknowledges, and only
//! then the primary answers; van Renesse & Schneider 2004: down the chain
//! and back): one input, the exact commands out, the notes among them with
//! their text and level. Refusals are notices; routine steps are info.

use pb::{Client, Entry, PbConfig, PbDurable, PbMsg, PbTimer, PrimaryBackup, Replica, Topology};
use protocol::{Command, Input, Level, Note};
use sim::{Run, SimConfig};

type Out = protocol::Out<PbMsg, PbTimer, PbDurable>;
type Cmd = Command<PbMsg, PbTimer, ()>;

fn cmds(out: &mut Out) -> Vec<Cmd> {
    out.take().into_iter().map(Command::erase_state).collect()
}

fn note(level: Level, text: &str) -> Cmd {
    Command::Emit(Note { level, text: text.to_string() })
}

fn send(to: u32, msg: PbMsg) -> Cmd {
    Command::Send { to, msg }
}

fn notes(cmds: &[Cmd]) -> Vec<(Level, String)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Emit(n) => Some((n.level, n.text.clone())),
            _ => None,
        })
        .collect()
}

fn replica(id: u32, replicas: u32, config: &PbConfig) -> Replica {
    let mut r = Replica::new(id, replicas, config, None);
    r.step(0, Input::Start, &mut Out::default());
    r
}

fn deliver(r: &mut Replica, now: u64, from: u32, msg: PbMsg) -> Vec<Cmd> {
    let mut out = Out::default();
    r.step(now, Input::Message { from, msg }, &mut out);
    cmds(&mut out)
}

#[test]
fn a_write_says_one_line_when_the_primary_commits_it() {
    let config = PbConfig::default();
    let (mut primary, mut backup) = (replica(1, 2, &config), replica(2, 2, &config));
    let entry = Entry { epoch: 1, id: 5, value: 5 };
    assert_eq!(
        deliver(&mut primary, 10, 0, PbMsg::Write { id: 5, value: 5 }),
        [send(2, PbMsg::Replicate { epoch: 1, entry })]
    );
    assert_eq!(
        deliver(&mut backup, 20, 1, PbMsg::Replicate { epoch: 1, entry }),
        [Command::Persist(()), send(1, PbMsg::Ack { epoch: 1, id: 5 })]
    );
    // The primary re-sends what waits on every beat; a repeat is acknowledged again.
    assert_eq!(
        deliver(&mut backup, 60, 1, PbMsg::Replicate { epoch: 1, entry }),
        [send(1, PbMsg::Ack { epoch: 1, id: 5 })]
    );
    assert_eq!(
        deliver(&mut primary, 30, 2, PbMsg::Ack { epoch: 1, id: 5 }),
        [
            Command::Persist(()),
            note(Level::Info, "primary 1 commits w5 in epoch 1, answers the client"),
            send(0, PbMsg::Written { id: 5, epoch: 1 }),
        ]
    );
    // A second acknowledgement of the same write is no news.
    assert_eq!(deliver(&mut primary, 40, 2, PbMsg::Ack { epoch: 1, id: 5 }), []);
}

#[test]
fn a_write_flows_down_the_chain_and_only_the_head_says_so() {
    let config = PbConfig { topology: Topology::Chain, ..PbConfig::default() };
    let (mut head, mut middle, mut tail) = (replica(1, 3, &config), replica(2, 3, &config), replica(3, 3, &config));
    let entry = Entry { epoch: 1, id: 1, value: 1 };
    assert_eq!(
        deliver(&mut head, 10, 0, PbMsg::Write { id: 1, value: 1 }),
        [send(2, PbMsg::Replicate { epoch: 1, entry })]
    );
    assert_eq!(
        deliver(&mut middle, 20, 1, PbMsg::Replicate { epoch: 1, entry }),
        [Command::Persist(()), send(3, PbMsg::Replicate { epoch: 1, entry })]
    );
    assert_eq!(
        deliver(&mut tail, 30, 2, PbMsg::Replicate { epoch: 1, entry }),
        [Command::Persist(()), send(2, PbMsg::Ack { epoch: 1, id: 1 })]
    );
    // The acknowledgement passes back through the middle without a line.
    assert_eq!(deliver(&mut middle, 40, 3, PbMsg::Ack { epoch: 1, id: 1 }), [send(1, PbMsg::Ack { epoch: 1, id: 1 })]);
    assert_eq!(
        notes(&deliver(&mut head, 50, 2, PbMsg::Ack { epoch: 1, id: 1 })),
        [(Level::Info, "primary 1 commits w1 in epoch 1, answers the client".into())]
    );
}

#[test]
fn a_primary_without_a_backup_commits_alone() {
    let mut b = replica(2, 2, &PbConfig::default());
    b.step(300, Input::Timer(PbTimer::Heartbeat), &mut Out::default());
    assert!(b.primary);
    assert_eq!(
        notes(&deliver(&mut b, 310, 0, PbMsg::Write { id: 3, value: 3 })),
        [(Level::Info, "primary 2 commits w3 alone in epoch 2, answers the client".into())]
    );
}

#[test]
fn refused_and_ignored_writes_are_notices() {
    let config = PbConfig::default();
    let mut backup = replica(2, 2, &config);
    assert_eq!(
        deliver(&mut backup, 10, 0, PbMsg::Write { id: 7, value: 7 }),
        [
            send(0, PbMsg::NotPrimary { id: 7, epoch: 1 }),
            note(Level::Notice, "replica 2 refuses w7: it is not primary"),
        ]
    );
    let mut primary = replica(1, 2, &config);
    for id in 1..=pb::MAX_PENDING as u64 {
        deliver(&mut primary, id, 0, PbMsg::Write { id, value: id });
    }
    assert_eq!(
        deliver(&mut primary, 20, 0, PbMsg::Write { id: 9, value: 9 }),
        [note(Level::Notice, "primary 1 ignores w9: 8 writes wait for the backup")]
    );
}

#[test]
fn the_client_says_where_its_next_write_goes_after_a_refusal() {
    let mut c = Client::new(2, &PbConfig::default(), None);
    let mut out = Out::default();
    c.step(Input::Timer(PbTimer::Write), &mut out);
    assert_eq!(notes(&cmds(&mut out)), [], "sending a write is told by the primary");
    c.step(Input::Message { from: 1, msg: PbMsg::NotPrimary { id: 1, epoch: 2 } }, &mut out);
    assert_eq!(notes(&cmds(&mut out)), [(Level::Info, "client: w1 failed at replica 1, next write to 2".into())]);
}

#[test]
fn a_rejoining_backup_follows_the_view_and_takes_the_log() {
    let config = PbConfig::default();
    let mut one = replica(1, 2, &config);
    one.primary = false;
    one.epoch = 2;
    let view = PbMsg::Heartbeat { epoch: 2, primary: true, view: vec![2, 1] };
    assert_eq!(
        deliver(&mut one, 10, 2, view),
        [Command::Persist(()), note(Level::Info, "replica 1 follows primary 2's view: 2 → 1")]
    );
    let log = vec![Entry { epoch: 1, id: 1, value: 1 }, Entry { epoch: 2, id: 2, value: 2 }];
    assert_eq!(
        deliver(&mut one, 20, 2, PbMsg::Sync { epoch: 2, log, len: 2 }),
        [Command::Persist(()), note(Level::Info, "replica 1 takes primary 2's log of 2 writes")]
    );
}

/// The default run the app opens with: 1000 steps are no longer silent.
/// Each write the client makes has its commit line, in order, and nothing
/// else does (a line per replica and write pushed the failovers the
/// presets are about out of the app's log).
#[test]
fn a_default_run_follows_each_write() {
    let world = SimConfig { nodes: pb::NODES, ..SimConfig::default() };
    let mut r = Run::<PrimaryBackup>::new(world, PbConfig::default(), 1, vec![]);
    while r.steps() < 1000 && r.step() {}
    let texts: Vec<&str> = r.world().log().map(|l| l.text.as_str()).collect();
    let ok = r.world().node(0).client().unwrap().ok;
    assert!(ok > 20, "{ok} writes");
    let commits: Vec<&str> = texts.iter().copied().filter(|t| t.starts_with("primary 1 commits w")).collect();
    assert_eq!(commits.len() as u64, ok, "a commit line per write acknowledged");
    assert_eq!(commits[2], "primary 1 commits w3 in epoch 1, answers the client");
    assert_eq!(commits.len(), texts.len(), "no other line: {texts:?}");
    assert!(r.world().log().all(|l| l.level == Level::Info && l.text.len() <= 64));
}
