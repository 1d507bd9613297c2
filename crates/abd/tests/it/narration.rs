//! The event log of ABD: a student reading only the log follows each
//! operation through its two phases (Attiya, Bar-Noy & Dolev 1995, §3):
//! it starts, its query meets a majority and finds the newest
//! (value, timestamp), it writes that (or its own value) to a majority,
//! and it finishes. Values and timestamps read as on the servers' badges
//! (`x=7 @1.3`). Nodes are driven by hand over a FIFO network.

use abd::{Abd, AbdBug, AbdConfig, AbdMsg, AbdTimer};
use protocol::{Cluster, Command, Input, Level, Note, Out, Protocol};
use std::collections::VecDeque;

/// Servers 0, 1, 2 and clients 3, 4, with a FIFO network the test drains.
struct Net {
    nodes: Vec<Abd>,
    queue: VecDeque<(u32, u32, AbdMsg)>,
    log: Vec<(Level, String)>,
}

impl Net {
    fn new(config: &AbdConfig) -> Self {
        let nodes = (0..5).map(|id| Abd::new(id, &Cluster { nodes: 5 }, config, None)).collect();
        Self { nodes, queue: VecDeque::new(), log: Vec::new() }
    }

    fn step(&mut self, id: u32, now: u64, input: Input<AbdMsg, AbdTimer>) {
        let mut out = Out::default();
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

    /// The log lines since the last call.
    fn lines(&mut self) -> Vec<(Level, String)> {
        std::mem::take(&mut self.log)
    }
}

fn info(text: &str) -> (Level, String) {
    (Level::Info, text.to_string())
}

/// A write that reaches servers 0 and 1 only, then a read by another
/// client: its query finds the write on a majority, and its write-back
/// brings server 2 up to date, the one server line of the run.
#[test]
fn a_write_then_a_read_by_another_client_narrate_both_phases() {
    let mut net = Net::new(&AbdConfig::default());
    net.step(3, 0, Input::Request { cmd: "write x 7".into() });
    net.settle(12, |from, to| from != 2 && to != 2);
    assert_eq!(
        net.lines(),
        vec![
            info("client 3 starts write x=7: queries the servers"),
            info("client 3 found x=nil @0.0; writes x=7 @1.3"),
            info("client 3 finishes write x=7 @1.3 (12 ms)"),
        ],
        "a writer's own update at each server is no line of its own"
    );
    net.step(4, 20, Input::Request { cmd: "read x".into() });
    net.settle(35, |_, _| true);
    assert_eq!(
        net.lines(),
        vec![
            info("client 4 starts read x: queries the servers"),
            info("client 4 found x=7 @1.3; writes it back"),
            info("server 2 stores x=7 @1.3 (write-back by client 4)"),
            info("client 4 finishes read x: 7 @1.3 (15 ms)"),
        ]
    );
}

/// No answer within `resend_ms`: the client says it asks again, and whom.
#[test]
fn a_resend_names_the_phase_and_how_many_servers_are_silent() {
    let mut net = Net::new(&AbdConfig::default());
    net.step(3, 0, Input::Request { cmd: "read x".into() });
    net.settle(5, |from, to| from == 0 || to == 0);
    net.step(3, 100, Input::Timer(AbdTimer::Resend));
    net.settle(110, |from, to| from == 1 || to == 1);
    net.step(3, 210, Input::Timer(AbdTimer::Resend));
    assert_eq!(
        net.lines(),
        vec![
            info("client 3 starts read x: queries the servers"),
            info("client 3 re-sends its query to 2 servers"),
            info("client 3 found x=nil @0.0; writes it back"),
            info("client 3 re-sends its write-back to 2 servers"),
        ]
    );
    // Two servers: a majority is both, one may be the only one silent.
    let mut net = Net::new(&AbdConfig { servers: 2, ..AbdConfig::default() });
    net.step(3, 0, Input::Request { cmd: "read x".into() });
    net.settle(5, |from, to| from == 0 || to == 0);
    net.step(3, 100, Input::Timer(AbdTimer::Resend));
    assert_eq!(net.lines()[1], info("client 3 re-sends its query to 1 server"));
}

/// `no-write-back` skips phase 2 of a read: the point of the bug, so the
/// line that says so is a notice, not ordinary narration.
#[test]
fn skipping_the_write_back_is_a_notice() {
    let mut net = Net::new(&AbdConfig { bug: Some(AbdBug::NoWriteBack), ..AbdConfig::default() });
    net.step(3, 0, Input::Request { cmd: "x=7".into() });
    net.settle(10, |from, to| from != 2 && to != 2);
    net.lines();
    net.step(4, 20, Input::Request { cmd: "read x".into() });
    net.settle(30, |_, _| true);
    assert_eq!(
        net.lines(),
        vec![
            info("client 4 starts read x: queries the servers"),
            info("client 4 finishes read x: 7 @1.3 (10 ms)"),
            (Level::Notice, "client 4 returned x=7 @1.3 without a write-back".to_string()),
        ]
    );
}

/// A world that keeps no notes (a model checker's) still gets each line's
/// command, but formats no text.
#[test]
fn without_notes_the_lines_are_pushed_empty() {
    let mut c = Abd::new(3, &Cluster { nodes: 5 }, &AbdConfig::default(), None);
    let mut out: protocol::OutOf<Abd> = Out::default();
    out.keep_notes(false);
    c.step(0, Input::Request { cmd: "read x".into() }, &mut out);
    let notes: Vec<_> =
        out.take().into_iter().filter_map(|c| if let Command::Emit(n) = c { Some(n) } else { None }).collect();
    assert_eq!(notes, vec![Note { level: Level::Info, text: String::new() }]);
}
