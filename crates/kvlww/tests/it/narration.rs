//! The event log of kv-lww: a client's operation starts at a replica and
//! finishes with its answer; a replica notes the write it stamps and a
//! version anti-entropy makes it take (the LWW register's merge, Shapiro et
//! al. 2011, spec. 9), but not a gossip message that changes nothing. An
//! acknowledged write lost is a warning; what a `bug=` variant does wrong
//! is a notice. Versions read as in the replicas table (`x=103 @5.0`).

use kvlww::{Lww, LwwBug, LwwConfig, LwwMsg, LwwTimer, ReplicaTimer};
use kvraft::client::{ClientMsg, ClientTimer, Kind};
use protocol::{Cluster, Command, Input, Level, Note, OutOf, Protocol};
use std::collections::VecDeque;

/// Replicas 0, 1, 2 and clients 3 (asks replica 0 first) and 4 (replica
/// 1), with a FIFO network the test drains.
struct Net {
    nodes: Vec<Lww>,
    queue: VecDeque<(u32, u32, LwwMsg)>,
    log: Vec<(Level, String)>,
}

impl Net {
    fn new(config: &LwwConfig) -> Self {
        let nodes = (0..5).map(|id| Lww::new(id, &Cluster { nodes: 5 }, config, None)).collect();
        Self { nodes, queue: VecDeque::new(), log: Vec::new() }
    }

    fn step(&mut self, id: u32, now: u64, input: Input<LwwMsg, LwwTimer>) {
        let mut out = OutOf::<Lww>::default();
        self.nodes[id as usize].step(now, input, &mut out);
        for c in out.take() {
            match c {
                Command::Send { to, msg } => self.queue.push_back((id, to, msg)),
                Command::Emit(Note { level, text }) => self.log.push((level, text)),
                _ => {}
            }
        }
    }

    /// Deliver at `now` every message, in order, until none is left; a
    /// message on a link `open` refuses is lost.
    fn settle(&mut self, now: u64, open: impl Fn(u32, u32) -> bool) {
        while let Some((from, to, msg)) = self.queue.pop_front() {
            if open(from, to) {
                self.step(to, now, Input::Message { from, msg });
            }
        }
    }

    fn gossip(&mut self, from: u32, now: u64) {
        self.step(from, now, Input::Timer(LwwTimer::Replica(ReplicaTimer::AntiEntropy)));
        self.settle(now + 5, |_, _| true);
    }

    /// The log lines since the last call.
    fn lines(&mut self) -> Vec<(Level, String)> {
        std::mem::take(&mut self.log)
    }
}

fn line(level: Level, text: &str) -> (Level, String) {
    (level, text.to_string())
}

fn info(text: &str) -> (Level, String) {
    line(Level::Info, text)
}

/// Client 3 writes at replica 0, anti-entropy carries the version to the
/// others (a second round changes nothing and says nothing), then client
/// 4 reads it at replica 1.
#[test]
fn a_write_spreads_by_anti_entropy_and_another_client_reads_it() {
    let mut net = Net::new(&LwwConfig::default());
    net.step(3, 0, Input::Request { cmd: "x=103".into() });
    net.settle(5, |_, _| true);
    assert_eq!(
        net.lines(),
        vec![
            info("client 3 starts write x=103 at replica 0"),
            info("replica 0 stores x=103 @5.0 from client 3"),
            info("client 3 finishes write x=103: acked by replica 0 (5 ms)"),
        ]
    );
    net.gossip(0, 50);
    assert_eq!(
        net.lines(),
        vec![info("replica 1 takes x=103 @5.0 from replica 0"), info("replica 2 takes x=103 @5.0 from replica 0")]
    );
    net.gossip(0, 100);
    net.gossip(1, 100);
    assert_eq!(net.lines(), vec![], "gossip that changes no value is no line");
    net.step(4, 120, Input::Request { cmd: "read x".into() });
    net.settle(130, |_, _| true);
    assert_eq!(
        net.lines(),
        vec![info("client 4 starts read x at replica 1"), info("client 4 finishes read x: 103 from replica 1 (10 ms)")]
    );
}

/// No answer within `resend_ms`: the client tries the next replica.
#[test]
fn a_client_without_an_answer_says_where_it_tries_next() {
    let mut net = Net::new(&LwwConfig::default());
    net.step(4, 0, Input::Request { cmd: "read y".into() });
    net.settle(5, |_, to| to != 1);
    net.step(4, 100, Input::Timer(LwwTimer::Client(ClientTimer::Resend)));
    net.settle(105, |_, _| true);
    assert_eq!(
        net.lines(),
        vec![
            info("client 4 starts read y at replica 1"),
            info("client 4 retries read y at replica 2 (try 2)"),
            info("client 4 finishes read y: nil from replica 2 (105 ms)"),
        ]
    );
}

fn write(net: &mut Net, replica: u32, now: u64, value: u64) {
    let msg = LwwMsg::Client(ClientMsg::Request { op: 0, key: 0, kind: Kind::Write(value) });
    net.step(replica, now, Input::Message { from: 3, msg });
    net.queue.clear();
}

/// The two ways an acknowledged write is lost (see `replica.rs`) are
/// warnings: on merge, to a write that had not seen it, and at once, on a
/// replica whose clock lags the version it holds.
#[test]
fn a_lost_acknowledged_write_is_a_warning() {
    let mut net = Net::new(&LwwConfig::default());
    write(&mut net, 0, 100, 103);
    write(&mut net, 2, 130, 104);
    net.lines();
    net.gossip(2, 140);
    assert_eq!(
        net.lines(),
        vec![
            line(Level::Warn, "replica 0 loses acked x=103 @100.0 to x=104 @130.2"),
            info("replica 1 takes x=104 @130.2 from replica 2"),
        ]
    );
    write(&mut net, 1, 120, 105);
    assert_eq!(net.lines(), vec![line(Level::Warn, "replica 1: x=105 @120.1 loses at once to x=104 @130.2")]);
}

/// `last-arrival-wins` lets an older version replace a newer one, and
/// `clock-only-timestamps` stamps without the replica id: each the point
/// of its bug, so a notice.
#[test]
fn what_a_bug_does_wrong_is_a_notice() {
    let mut net = Net::new(&LwwConfig { bug: Some(LwwBug::LastArrivalWins), ..LwwConfig::default() });
    write(&mut net, 0, 100, 103);
    write(&mut net, 1, 200, 104);
    net.lines();
    net.step(0, 210, Input::Timer(LwwTimer::Replica(ReplicaTimer::AntiEntropy)));
    net.settle(215, |_, to| to == 1);
    assert_eq!(net.lines(), vec![line(Level::Notice, "replica 1 replaces x=104 @200.1 by older x=103 @100.0")]);
    let mut net = Net::new(&LwwConfig { bug: Some(LwwBug::ClockOnlyTimestamps), ..LwwConfig::default() });
    write(&mut net, 2, 100, 103);
    assert_eq!(net.lines(), vec![line(Level::Notice, "replica 2 stores x=103 @100.0, no id to break ties")]);
}
