//! The outbox's event log (Richardson 2018, §3.3.7): a change is committed
//! with its outbox row in one local transaction, stored by the broker as
//! the relay publishes it, applied once by the idempotent consumer (a
//! duplicate is a notice) and its row marked sent. One input, the exact
//! commands out, the notes among them with their text and level.

use protocol::{Cluster, Command, Input, Level, Note, Out, Protocol};
use sim::{Action, Run, SimConfig};
use txn::{Outbox, OutboxBug, OutboxConfig, OutboxDurable, OutboxMsg, OutboxTimer};

type Cmd = Command<OutboxMsg, OutboxTimer, OutboxDurable>;

const FOUR: Cluster = Cluster { nodes: 4 };

fn node(id: u32, config: &OutboxConfig) -> Outbox {
    Outbox::new(id, &FOUR, config, None)
}

fn step(node: &mut Outbox, input: Input<OutboxMsg, OutboxTimer>) -> Vec<Cmd> {
    let mut out = Out::default();
    node.step(0, input, &mut out);
    out.take()
}

fn note(level: Level, text: &str) -> Cmd {
    Command::Emit(Note { level, text: text.to_string() })
}

fn send(to: u32, msg: OutboxMsg) -> Cmd {
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

#[test]
fn the_service_commits_a_change_and_its_row_together_and_marks_the_row_sent() {
    let mut s = node(0, &OutboxConfig::default());
    assert_eq!(
        step(&mut s, Input::Start),
        [note(Level::Info, "service: each request commits a change with its outbox row")]
    );
    assert_eq!(
        step(&mut s, Input::Request { cmd: "a".into() }),
        [
            Command::Persist(OutboxDurable::Service { changes: 1, outbox: vec![1] }),
            note(Level::Info, "service commits change 1 and outbox row 1 in one transaction"),
        ]
    );
    assert_eq!(
        step(&mut s, Input::Message { from: 1, msg: OutboxMsg::Poll }),
        [send(1, OutboxMsg::Rows { ids: vec![1] })]
    );
    assert_eq!(
        step(&mut s, Input::Message { from: 1, msg: OutboxMsg::MarkSent { id: 1 } }),
        [
            Command::Persist(OutboxDurable::Service { changes: 1, outbox: vec![] }),
            note(Level::Info, "service marks outbox row 1 sent"),
        ]
    );
    assert_eq!(step(&mut s, Input::Message { from: 1, msg: OutboxMsg::MarkSent { id: 1 } }), [], "marked once");
    let log = OutboxDurable::Service { changes: 3, outbox: vec![3] };
    let mut restarted = Outbox::new(0, &FOUR, &OutboxConfig::default(), Some(&log));
    assert_eq!(
        notes(&step(&mut restarted, Input::Start)),
        [(Level::Info, "service restarts: 3 changes · 1 unsent".into())]
    );
}

#[test]
fn the_broken_service_warns_that_it_publishes_before_it_commits() {
    let mut s = node(0, &OutboxConfig { bug: Some(OutboxBug::PublishBeforeCommit), ..OutboxConfig::default() });
    assert_eq!(
        step(&mut s, Input::Request { cmd: "a".into() }),
        [
            send(2, OutboxMsg::Publish { id: 1 }),
            Command::Persist(OutboxDurable::Service { changes: 1, outbox: vec![1] }),
            note(Level::Info, "service commits change 1 and outbox row 1 in one transaction"),
            // Last: a crash-mid-step after 1 command still falls between
            // the publish and the commit, the bug's counterexample.
            note(Level::Warn, "service published change 1 before committing it"),
        ]
    );
}

#[test]
fn the_relay_says_how_often_it_polls_and_the_broker_who_published() {
    let mut relay = node(1, &OutboxConfig::default());
    assert_eq!(
        step(&mut relay, Input::Start),
        [
            send(0, OutboxMsg::Poll),
            note(Level::Info, "relay polls the service's outbox every 100 ms"),
            Command::SetTimer { timer: OutboxTimer::Poll, after_min: 100, after_max: 100 },
        ]
    );
    assert_eq!(notes(&step(&mut relay, Input::Timer(OutboxTimer::Poll))), [], "a poll is routine");
    assert_eq!(
        step(&mut relay, Input::Message { from: 0, msg: OutboxMsg::Rows { ids: vec![1] } }),
        [send(2, OutboxMsg::Publish { id: 1 })],
        "one command: no line here (the broker tells it)"
    );

    let mut broker = node(2, &OutboxConfig::default());
    assert_eq!(
        step(&mut broker, Input::Message { from: 1, msg: OutboxMsg::Publish { id: 1 } }),
        [
            Command::Persist(OutboxDurable::Broker { queue: vec![1] }),
            send(1, OutboxMsg::Stored { id: 1 }),
            send(3, OutboxMsg::Deliver { id: 1 }),
            Command::SetTimer { timer: OutboxTimer::Redeliver, after_min: 150, after_max: 150 },
            note(Level::Info, "broker stores message 1 from the relay, delivers it"),
        ]
    );
    assert_eq!(
        notes(&step(&mut broker, Input::Message { from: 1, msg: OutboxMsg::Publish { id: 2 } })),
        [(Level::Info, "broker stores message 2 from the relay".into())],
        "queued behind 1"
    );
    assert_eq!(
        step(&mut broker, Input::Timer(OutboxTimer::Redeliver)),
        [
            send(3, OutboxMsg::Deliver { id: 1 }),
            note(Level::Info, "broker redelivers message 1: no ack yet"),
            Command::SetTimer { timer: OutboxTimer::Redeliver, after_min: 150, after_max: 150 },
        ]
    );
    assert_eq!(
        notes(&step(&mut broker, Input::Message { from: 3, msg: OutboxMsg::Ack { id: 1 } })),
        [],
        "an acknowledgement is routine"
    );
}

#[test]
fn the_consumer_applies_a_message_once_and_skips_a_duplicate_with_a_notice() {
    let mut c = node(3, &OutboxConfig::default());
    let deliver = OutboxMsg::Deliver { id: 1 };
    let first = step(&mut c, Input::Message { from: 2, msg: deliver.clone() });
    assert!(matches!(first[0], Command::Persist(OutboxDurable::Consumer { applied: 1, .. })), "{first:?}");
    assert_eq!(
        first[1..],
        [note(Level::Info, "consumer applies message 1, records its id"), send(2, OutboxMsg::Ack { id: 1 })]
    );
    assert_eq!(
        step(&mut c, Input::Message { from: 2, msg: deliver.clone() }),
        [note(Level::Notice, "consumer skips message 1: already processed"), send(2, OutboxMsg::Ack { id: 1 })]
    );
    let mut broken = node(3, &OutboxConfig { bug: Some(OutboxBug::NoDedup), ..OutboxConfig::default() });
    step(&mut broken, Input::Message { from: 2, msg: deliver.clone() });
    let again = step(&mut broken, Input::Message { from: 2, msg: deliver });
    assert_eq!(notes(&again), [(Level::Warn, "consumer applies message 1 again".into())]);
}

/// The default run the app opens with is no longer silent, and a request
/// is told from its commit to its row marked sent, in order.
#[test]
fn a_run_tells_a_change_from_its_commit_to_its_row_marked_sent() {
    let world = SimConfig { nodes: 4, ..SimConfig::default() };
    let mut r = Run::<Outbox>::new(world, OutboxConfig::default(), 1, vec![]);
    while r.steps() < 20 && r.step() {}
    let texts: Vec<String> = r.world().log().map(|l| l.text.clone()).collect();
    assert!(texts.iter().any(|t| t == "relay polls the service's outbox every 100 ms"), "{texts:?}");
    r.act(Action::Request { node: 0, cmd: "a".into() }).unwrap();
    while r.steps() < 200 && r.step() {}
    let texts: Vec<String> = r.world().log().map(|l| l.text.clone()).collect();
    let story = [
        "service commits change 1 and outbox row 1 in one transaction",
        "broker stores message 1 from the relay, delivers it",
        "consumer applies message 1, records its id",
        "service marks outbox row 1 sent",
    ];
    let at: Vec<usize> =
        story.iter().map(|s| texts.iter().position(|t| t == s).unwrap_or_else(|| panic!("{s}: {texts:?}"))).collect();
    // The consumer and the service hear from the broker and the relay in
    // either order; the commit comes first and the store before both.
    assert!(at[0] < at[1] && at[1] < at[2] && at[1] < at[3], "{at:?}: {texts:?}");
    assert!(r.world().log().all(|l| l.text.len() <= 64), "{texts:?}");
}
