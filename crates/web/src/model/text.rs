//! Words for what the canvas shows: the caption of the current step and the
//! canvas's accessible summary. Pure functions of session data, tested on
//! the host. The step's event is read typed from the session
//! ([`Session::last_event`]), never serialized and parsed back.

use protocol::present::Picture;
use protocol::{Level, NodeId, Status};
use sim::{EventInfo, LogEntry, MsgBrief, Session};

/// Most log lines the caption repeats (the step's last).
pub const CAPTION_NOTES: usize = 3;

/// Entries of the log the caption reads for the current step's lines
/// (more than a step writes).
pub const CAPTION_TAIL: usize = 32;

/// One sentence describing the event of the current step.
/// A role as people read it: the key a protocol names its role by
/// (`"lock_server"`, the value of `postMessage`'s `roles` and of the trace's
/// views) with its underscores as spaces.
pub fn role_name(role: &str) -> std::borrow::Cow<'_, str> {
    if role.contains('_') {
        role.replace('_', " ").into()
    } else {
        role.into()
    }
}

pub fn describe_event(event: Option<&EventInfo>) -> String {
    let Some(event) = event else {
        return format!("{STARTED}; nothing has happened yet");
    };
    let term = |m: &MsgBrief| m.term.map(|t| format!(" (term {t})")).unwrap_or_default();
    match event {
        EventInfo::Deliver(m) => format!("node {} received {} #{} from node {}{}", m.to, m.kind, m.id, m.from, term(m)),
        EventInfo::Lost(m, reason) => {
            format!("{} #{} from node {} to node {} was lost: {reason}", m.kind, m.id, m.from, m.to)
        }
        EventInfo::Timer { node, timer } => format!("node {node}'s {timer} timer fired"),
        EventInfo::Held { node, what } => format!("{what} waits: node {node} is paused"),
        EventInfo::Resume { node } => format!("node {node} woke up from its pause"),
        EventInfo::Idle => "idle event".to_string(),
    }
}

/// The line over the canvas for the session's current step.
#[derive(Clone, Debug, PartialEq)]
pub struct StepText {
    pub caption: String,
    /// The request the caption offers when nothing is left to happen: the
    /// node and command its Send button sends
    /// ([`sim::Session::client_request`]).
    pub offered: Option<(NodeId, String)>,
}

/// The caption of the session's current step, and the request it offers;
/// `awaits_client` is the picture's ([`protocol::present::Picture`]).
pub fn step_text(session: &dyn Session, log: &[LogEntry], awaits_client: bool) -> StepText {
    let step = session.steps();
    let acted = session.actions().iter().any(|a| a.step == step);
    let mut caption = caption(step, session.now(), session.last_event().as_ref(), acted, log);
    // Nothing left to happen greys Play and Step out; a run that plays on
    // but shows nothing new until a client asks keeps them. Either way the
    // caption says how to go on, with a Send button when a node takes a
    // request.
    let idle = session.next_event_time().is_none();
    let offered = match (idle || awaits_client).then(|| session.client_request(None)).flatten() {
        Some(sim::Action::Request { node, cmd }) => Some((node, cmd)),
        _ => None,
    };
    caption.push_str(match (idle, session.steps() == 0, offered.is_some()) {
        (true, true, true) => IDLE_AT_START_OFFERED,
        (true, true, false) => IDLE_AT_START,
        (true, false, true) => IDLE_OFFERED,
        (true, false, false) => IDLE,
        (false, _, true) => AWAITS_OFFERED,
        (false, _, false) => "",
    });
    StepText { caption, offered }
}

/// The caption's end when nothing is scheduled at the start: the protocol
/// does nothing until a client asks.
pub const IDLE_AT_START: &str = " It waits for a client: select a node (click it, or Tab to the node \
    list) and send it a client request, or choose a scenario.";
/// The same, when a node takes a request now (the caption offers it).
pub const IDLE_AT_START_OFFERED: &str = " It waits for a client: press Send (q), or select a node \
    (click it, or Tab to the node list) and send it a client request, or choose a scenario.";

/// The caption's end when the run goes on but shows nothing new until a
/// client asks, and a node takes a request now.
pub const AWAITS_OFFERED: &str = " Nothing changes until a client asks: press Send (q) to send a request.";

/// The caption's end when nothing is left to happen later in a run.
pub const IDLE: &str = " Nothing is left to happen, and no node takes a client request now: go back, or change \
    the world (restart a crashed node, heal a partition).";
/// The same, when a node takes a request now.
pub const IDLE_OFFERED: &str =
    " Nothing is left to happen: press Send (q) for another client request, or change the world to go on.";

/// The start of a run, before its first event.
const STARTED: &str = "the cluster has just started";

/// The caption line: step, time, event, and what the nodes said about it;
/// `acted` says whether the user's actions changed the world at this step
/// (at step 0 nothing has happened but what they did).
pub fn caption(step: u64, time: protocol::Tick, event: Option<&EventInfo>, acted: bool, log: &[LogEntry]) -> String {
    let happened = match event {
        None if acted => STARTED.to_string(),
        _ => describe_event(event),
    };
    let mut text = format!("Step {step} at {time} ms: {happened}");
    // What the nodes said about it (not the network's loss notes, which the
    // log lists): the last few, so the caption stays short and ends with
    // what the user did at this step, which the log writes last.
    let notes: Vec<&str> = log
        .iter()
        .filter(|e| e.step == step && (e.node.is_some() || e.level != Level::Info))
        .map(|e| e.text.as_str())
        .collect();
    if !notes.is_empty() {
        text.push_str(". ");
        if notes.len() > CAPTION_NOTES {
            text.push_str("…; ");
        }
        text.push_str(&notes[notes.len().saturating_sub(CAPTION_NOTES)..].join("; "));
    }
    text.push('.');
    text
}

/// The canvas's `aria-label`: size, the nodes in the lead role, the
/// protocol's banner (drawn across the canvas's top), faults, traffic.
pub fn summary(session: &dyn Session, picture: &Picture) -> String {
    let n = session.node_count();
    let mut parts = vec![format!("{} {} of {}", n, if n == 1 { "node" } else { "nodes" }, session.algo())];
    if let Some(lead) = &picture.lead {
        parts.extend(lead.holders.iter().map(|(id, phrase)| format!("node {id} {phrase}")));
        if lead.holders.is_empty() {
            parts.push(format!("no {}", role_name(lead.role)));
        }
    }
    parts.extend(picture.banner.clone());
    let mut down = Vec::new();
    let mut paused = Vec::new();
    for id in 0..n {
        let info = session.node_info(id);
        match info.status {
            Status::Crashed => down.push(id.to_string()),
            Status::Paused => paused.push(id.to_string()),
            Status::Up => {}
        }
    }
    if !down.is_empty() {
        parts.push(format!("down: {}", down.join(", ")));
    }
    if !paused.is_empty() {
        parts.push(format!("paused: {}", paused.join(", ")));
    }
    let mut msgs = Vec::new();
    session.messages_into(&mut msgs);
    parts.push(format!("{} {} in flight", msgs.len(), if msgs.len() == 1 { "message" } else { "messages" }));
    if let Some(v) = session.violation() {
        parts.push(format!("{} is violated", v.property));
    }
    parts.join("; ")
}

/// Indent a compact JSON text, two spaces a level, `"key": value` (as
/// `serde_json::to_string_pretty` does), without building a value tree:
/// the message inspector shows a message this way.
pub fn pretty_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(chars.next().unwrap_or(close));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Setup;

    fn msg(id: u64, from: u32, to: u32, kind: &'static str, term: Option<u64>) -> MsgBrief {
        MsgBrief { id, from, to, kind, term }
    }

    #[test]
    fn events_read_as_sentences() {
        let e = EventInfo::Deliver(msg(7, 1, 3, "RequestVote", Some(2)));
        assert_eq!(describe_event(Some(&e)), "node 3 received RequestVote #7 from node 1 (term 2)");
        let e = EventInfo::Timer { node: 4, timer: "election" };
        assert_eq!(describe_event(Some(&e)), "node 4's election timer fired");
        let e = EventInfo::Lost(msg(2, 0, 1, "AppendEntries", Some(1)), "link is cut");
        assert_eq!(describe_event(Some(&e)), "AppendEntries #2 from node 0 to node 1 was lost: link is cut");
        let e = EventInfo::Held { node: 2, what: "Prepare #4".to_string() };
        assert_eq!(describe_event(Some(&e)), "Prepare #4 waits: node 2 is paused");
        assert_eq!(describe_event(Some(&EventInfo::Resume { node: 1 })), "node 1 woke up from its pause");
        assert!(describe_event(None).contains("just started"));
    }

    /// Every algorithm's steps read as sentences, at the step the session
    /// is at: a delivery names its message's kind, which once came from
    /// the step's JSON (a message whose own field repeated one of its
    /// envelope's wrote a duplicate key, and the caption said "step 0" at
    /// step 65).
    #[test]
    fn every_algorithms_steps_read_as_captions() {
        for info in lab::ALGOS {
            let mut setup = lab::Setup::new(info.algo);
            setup.sim.dup = 0.05;
            setup.sim.drop = 0.05;
            let mut session = lab::open(&setup).unwrap();
            let (mut delivered, mut ended) = (false, false);
            for _ in 0..400 {
                let text = step_text(session.as_ref(), &[], false).caption;
                assert!(text.starts_with(&format!("Step {} at {} ms: ", session.steps(), session.now())), "{text}");
                if let Some(EventInfo::Deliver(m)) = session.last_event() {
                    assert!(!m.kind.is_empty() && text.contains(&format!("received {} #{}", m.kind, m.id)), "{text}");
                    delivered = true;
                }
                if !session.step() {
                    ended = true;
                    break;
                }
            }
            assert!(delivered || ended, "{}: no delivery in 400 steps", info.name);
        }
    }

    #[test]
    fn caption_adds_notable_log_lines_of_the_step() {
        let event = EventInfo::Timer { node: 1, timer: "election" };
        let log = vec![
            LogEntry { step: 5, time: 300, node: None, level: Level::Info, text: "RequestVote 3 lost".into() },
            LogEntry { step: 5, time: 300, node: Some(1), level: Level::Notice, text: "node 1 is leader".into() },
            LogEntry { step: 4, time: 200, node: Some(1), level: Level::Notice, text: "older".into() },
        ];
        assert_eq!(
            caption(5, 300, Some(&event), false, &log),
            "Step 5 at 300 ms: node 1's election timer fired. node 1 is leader."
        );
        // More than the caption repeats: the last ones, after an ellipsis
        // (the sentence once ended "; ….").
        let many: Vec<LogEntry> = (1..=5)
            .map(|i| LogEntry { step: 5, time: 300, node: Some(1), level: Level::Info, text: format!("line {i}") })
            .collect();
        assert_eq!(
            caption(5, 300, Some(&event), false, &many),
            "Step 5 at 300 ms: node 1's election timer fired. …; line 3; line 4; line 5."
        );
    }

    /// A client request sent before the first step: the caption said
    /// "nothing has happened yet" over the lines of what it did, and cut
    /// the last of them.
    #[test]
    fn a_caption_at_the_start_names_what_the_user_did() {
        let mut s = lab::open(&lab::Setup::new(lab::Algo::Outbox)).unwrap();
        let before = step_text(s.as_ref(), &s.log_tail(CAPTION_TAIL), true).caption;
        assert!(before.contains("nothing has happened yet"), "{before}");
        s.act(s.client_request(None).unwrap()).unwrap();
        let after = step_text(s.as_ref(), &s.log_tail(CAPTION_TAIL), false).caption;
        assert!(after.starts_with("Step 0 at 0 ms: the cluster has just started. "), "{after}");
        assert!(!after.contains("nothing has happened"), "{after}");
        let last = s.log_tail(1).pop().unwrap().text;
        assert!(after.ends_with(&format!("{last}.")), "{after}");
    }

    /// A protocol that waits for a client greys Play and Step out from the
    /// start; the caption said only "nothing has happened yet".
    #[test]
    fn an_idle_start_says_how_to_go_on() {
        for info in lab::ALGOS {
            let s = lab::open(&lab::Setup::new(info.algo)).unwrap();
            let text = step_text(s.as_ref(), &[], s.picture().awaits_client).caption;
            // Each of them has a node that takes a request: the caption offers it.
            assert_eq!(text.ends_with(IDLE_AT_START_OFFERED), s.next_event_time().is_none(), "{}: {text}", info.name);
        }
        let mut paxos = lab::open(&lab::Setup::new(lab::Algo::Paxos)).unwrap();
        assert!(step_text(paxos.as_ref(), &[], false)
            .caption
            .contains("nothing has happened yet. It waits for a client"));
        paxos.act(sim::Action::Request { node: 0, cmd: "x=1".into() }).unwrap();
        while paxos.step() {}
        // A value is chosen: no proposer takes another.
        let text = step_text(paxos.as_ref(), &[], false).caption;
        assert!(paxos.steps() > 0 && text.ends_with(IDLE), "{text}");
        // Both proposers down: nothing to offer.
        let mut paxos = lab::open(&lab::Setup::new(lab::Algo::Paxos)).unwrap();
        paxos.act(sim::Action::Crash { node: 0 }).unwrap();
        paxos.act(sim::Action::Crash { node: 1 }).unwrap();
        let text = step_text(paxos.as_ref(), &[], false).caption;
        assert!(text.ends_with(IDLE_AT_START), "{text}");
        // A transaction done, the coordinator takes the next.
        let mut commit = lab::open(&lab::Setup::new(lab::Algo::TwoPc)).unwrap();
        commit.act(commit.client_request(None).unwrap()).unwrap();
        while commit.step() {}
        let text = step_text(commit.as_ref(), &[], false).caption;
        assert!(commit.steps() > 0 && text.ends_with(IDLE_OFFERED), "{text}");
        let raft = lab::open(&Setup::default()).unwrap();
        assert!(
            !step_text(raft.as_ref(), &[], false).caption.contains("Nothing"),
            "Raft's timers are armed from the start"
        );
    }

    /// The outbox's relay polls for ever, so its run never runs out and
    /// Play stays on; but until a client asks, nothing it shows changes.
    #[test]
    fn a_run_that_polls_while_it_waits_for_a_client_offers_a_request() {
        let mut s = lab::open(&lab::Setup::new(lab::Algo::Outbox)).unwrap();
        assert!(s.next_event_time().is_some() && s.picture().awaits_client);
        let t = step_text(s.as_ref(), &[], true);
        assert_eq!(t.offered, Some((0, "change 1".to_string())), "{t:?}");
        assert!(t.caption.ends_with(AWAITS_OFFERED), "{}", t.caption);
        // The same run, once its service has a change: nothing offered.
        s.act(s.client_request(None).unwrap()).unwrap();
        while s.steps() < 20 && s.step() {}
        assert!(!s.picture().awaits_client);
        let t = step_text(s.as_ref(), &[], false);
        assert_eq!(t.offered, None);
        assert!(!t.caption.contains("Send"), "{}", t.caption);
        // Raft's picture never waits: its timers are the story.
        let raft = lab::open(&Setup::default()).unwrap();
        assert!(!raft.picture().awaits_client);
    }

    #[test]
    fn the_caption_reads_a_real_session() {
        let mut s = lab::open(&Setup::default()).unwrap();
        assert!(step_text(s.as_ref(), &[], false).caption.contains("just started"));
        for _ in 0..3 {
            s.step();
        }
        let text = step_text(s.as_ref(), &s.log_tail(10), false).caption;
        assert!(text.starts_with("Step 3 at "), "{text}");
        assert!(!text.contains('?'), "{text}");
    }

    /// Raft's deliveries name the term their message carries, read from the
    /// message itself.
    #[test]
    fn a_raft_delivery_names_its_term() {
        let mut s = lab::open(&Setup::default()).unwrap();
        for _ in 0..400 {
            s.step();
            if let Some(EventInfo::Deliver(m)) = s.last_event() {
                assert!(m.term.is_some(), "{m:?}");
                assert!(step_text(s.as_ref(), &[], false)
                    .caption
                    .contains(&format!(" (term {})", m.term.unwrap_or(0))));
                return;
            }
        }
        panic!("no delivery in 400 steps");
    }

    /// The ZooKeeper recipe's server showed "lock_server" on the canvas,
    /// in the legend and in the node list; the key stays as it is in data.
    #[test]
    fn role_names_read_as_words() {
        assert_eq!(role_name("lock_server"), "lock server");
        assert!(matches!(role_name("leader"), std::borrow::Cow::Borrowed("leader")));
        let s = lab::open(&lab::Setup::new(lab::Algo::LockZk)).unwrap();
        let key = s.node_info(0).look.role;
        assert_eq!((key, role_name(key).as_ref()), ("lock_server", "lock server"));
    }

    #[test]
    fn summary_names_the_leader_and_traffic() {
        let mut s = lab::open(&Setup::default()).unwrap();
        assert!(summary(s.as_ref(), &s.picture()).starts_with("5 nodes of raft; no leader; "));
        for _ in 0..400 {
            s.step();
        }
        let text = summary(s.as_ref(), &s.picture());
        assert!(text.contains(" leader of term "), "{text}");
        assert!(text.ends_with("in flight"), "{text}");
    }

    #[test]
    fn summary_reads_the_banner_the_canvas_draws() {
        // The AP store's banner, its judgement of the history, is drawn
        // from the start.
        let s = lab::open(&Setup::new(lab::Algo::KvLww)).unwrap();
        let picture = s.picture();
        let banner = picture.banner.clone().expect("kv-lww draws a banner");
        let text = summary(s.as_ref(), &picture);
        assert!(text.starts_with(&format!("5 nodes of kv-lww; {banner}; ")), "{text}");
        // Raft draws none: nothing is added.
        let s = lab::open(&Setup::default()).unwrap();
        assert_eq!(summary(s.as_ref(), &s.picture()).split("; ").count(), 3);
    }

    #[test]
    fn json_is_indented_like_serde_jsons_pretty_printer() {
        // Keys in sorted order: serde_json's map sorts them; this keeps the
        // order it is given (the message's own).
        let json = r#"{"e":{},"f":[],"id":7,"s":"a,{b}: \"c\"","to":[1,{"x":null}],"type":"Vote"}"#;
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(pretty_json(json), serde_json::to_string_pretty(&value).unwrap());
    }
}
