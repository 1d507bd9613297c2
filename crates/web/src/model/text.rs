//! Words for what the canvas shows: the caption of the current step and the
//! canvas's accessible summary. Pure functions of session data, tested on
//! the host. The step's JSON is read into small typed views, never walked
//! as `serde_json::Value`s.

use protocol::present::Picture;
use protocol::{Level, Status};
use serde::Deserialize;
use sim::{LogEntry, Session};

/// Most log lines the caption repeats.
pub const CAPTION_NOTES: usize = 3;

/// The trace's step as the caption reads it: only the fields it shows, read
/// straight into types (the nodes' views are skipped, not parsed).
#[derive(Debug, Default, Deserialize)]
pub struct StepView {
    #[serde(default)]
    pub step: u64,
    #[serde(default)]
    pub time: u64,
    #[serde(default)]
    pub event: Option<EventView>,
}

/// The `event` object of a trace step.
#[derive(Debug, Default, Deserialize)]
pub struct EventView {
    #[serde(rename = "type")]
    pub kind: String,
    pub msg: Option<MsgView>,
    pub node: Option<u64>,
    pub timer: Option<String>,
    pub what: Option<String>,
    pub reason: Option<String>,
}

/// The `msg` of a delivery or loss.
#[derive(Debug, Default, Deserialize)]
pub struct MsgView {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub from: u64,
    #[serde(default)]
    pub to: u64,
    pub term: Option<u64>,
}

impl StepView {
    /// Read the session's current step (its `state_json`).
    pub fn of(session: &dyn Session) -> Self {
        Self::parse(&session.state_json())
    }

    pub fn parse(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// One sentence describing the event of the current step.
pub fn describe_event(event: Option<&EventView>) -> String {
    let Some(event) = event else {
        return "the cluster has just started; nothing has happened yet".to_string();
    };
    let or_q = |s: &Option<String>| s.clone().unwrap_or_else(|| "?".to_string());
    let node = event.node.unwrap_or(0);
    match event.kind.as_str() {
        "deliver" | "lost" => {
            let msg = event.msg.as_ref();
            let kind = msg.and_then(|m| m.kind.clone()).unwrap_or_else(|| "?".to_string());
            let (id, from, to) = msg.map_or((0, 0, 0), |m| (m.id, m.from, m.to));
            let term = msg.and_then(|m| m.term).map(|t| format!(" (term {t})")).unwrap_or_default();
            if event.kind == "deliver" {
                format!("node {to} received {kind} #{id} from node {from}{term}")
            } else {
                format!("{kind} #{id} from node {from} to node {to} was lost: {}", or_q(&event.reason))
            }
        }
        "timer" => format!("node {node}'s {} timer fired", or_q(&event.timer)),
        "held" => format!("{} waits: node {node} is paused", or_q(&event.what)),
        "resume" => format!("node {node} woke up from its pause"),
        other => format!("{other} event"),
    }
}

/// The caption line: step, time, event, and what the nodes said about it.
pub fn caption(state: &StepView, log: &[LogEntry]) -> String {
    let step = state.step;
    let mut text = format!("Step {step} at {} ms: {}", state.time, describe_event(state.event.as_ref()));
    // What the nodes said about it (not the network's loss notes, which the
    // log lists): at most a few, so the caption stays one line.
    let notes: Vec<&str> = log
        .iter()
        .filter(|e| e.step == step && (e.node.is_some() || e.level != Level::Info))
        .map(|e| e.text.as_str())
        .collect();
    if !notes.is_empty() {
        text.push_str(". ");
        text.push_str(&notes[..notes.len().min(CAPTION_NOTES)].join("; "));
        if notes.len() > CAPTION_NOTES {
            text.push_str("; …");
        }
    }
    text.push('.');
    text
}

/// The canvas's `aria-label`: size, the nodes in the lead role, faults, traffic.
pub fn summary(session: &dyn Session, picture: &Picture) -> String {
    let n = session.node_count();
    let mut parts = vec![format!("{} {} of {}", n, if n == 1 { "node" } else { "nodes" }, session.algo())];
    if let Some(lead) = &picture.lead {
        parts.extend(lead.holders.iter().map(|(id, phrase)| format!("node {id} {phrase}")));
        if lead.holders.is_empty() {
            parts.push(format!("no {}", lead.role));
        }
    }
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

    fn event(json: &str) -> EventView {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn events_read_as_sentences() {
        let e = event(r#"{"type":"deliver","msg":{"id":7,"from":1,"to":3,"type":"RequestVote","term":2}}"#);
        assert_eq!(describe_event(Some(&e)), "node 3 received RequestVote #7 from node 1 (term 2)");
        let e = event(r#"{"type":"timer","node":4,"timer":"election"}"#);
        assert_eq!(describe_event(Some(&e)), "node 4's election timer fired");
        let e =
            event(r#"{"type":"lost","reason":"link is cut","msg":{"id":2,"from":0,"to":1,"type":"AppendEntries"}}"#);
        assert_eq!(describe_event(Some(&e)), "AppendEntries #2 from node 0 to node 1 was lost: link is cut");
        assert!(describe_event(None).contains("just started"));
        assert!(describe_event(StepView::parse(r#"{"step":0,"time":0,"event":null,"nodes":[]}"#).event.as_ref())
            .contains("just started"));
    }

    /// Every algorithm's steps read as the caption reads them: a message
    /// whose own field repeats one of its envelope's (`id`, `from`, `to`)
    /// wrote a duplicate key, the step failed to parse and the caption said
    /// "step 0" at step 65 (primary-backup's writes, balance's requests).
    #[test]
    fn every_algorithms_steps_parse_with_their_messages() {
        for info in lab::ALGOS {
            let mut setup = lab::Setup::new(info.algo);
            setup.sim.dup = 0.05;
            let mut session = lab::open(&setup).unwrap();
            for _ in 0..400 {
                let json = session.state_json();
                let view: StepView = serde_json::from_str(&json)
                    .unwrap_or_else(|e| panic!("{} step {}: {e}: {json}", info.name, session.steps()));
                assert_eq!(view.step, session.steps());
                if !session.step() {
                    break;
                }
            }
        }
    }

    #[test]
    fn caption_adds_notable_log_lines_of_the_step() {
        let state = StepView::parse(
            r#"{"step":5,"time":300,"event":{"type":"timer","node":1,"timer":"election"},"nodes":[{"id":0,"log":[]}]}"#,
        );
        let log = vec![
            LogEntry { step: 5, time: 300, node: None, level: Level::Info, text: "RequestVote 3 lost".into() },
            LogEntry { step: 5, time: 300, node: Some(1), level: Level::Notice, text: "node 1 is leader".into() },
            LogEntry { step: 4, time: 200, node: Some(1), level: Level::Notice, text: "older".into() },
        ];
        assert_eq!(caption(&state, &log), "Step 5 at 300 ms: node 1's election timer fired. node 1 is leader.");
    }

    #[test]
    fn the_caption_reads_a_real_session() {
        let mut s = lab::open(&Setup::default()).unwrap();
        for _ in 0..3 {
            s.step();
        }
        let text = caption(&StepView::of(s.as_ref()), &s.log_tail(10));
        assert!(text.starts_with("Step 3 at "), "{text}");
        assert!(!text.contains('?'), "{text}");
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
    fn json_is_indented_like_serde_jsons_pretty_printer() {
        // Keys in sorted order: serde_json's map sorts them; this keeps the
        // order it is given (the message's own).
        let json = r#"{"e":{},"f":[],"id":7,"s":"a,{b}: \"c\"","to":[1,{"x":null}],"type":"Vote"}"#;
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(pretty_json(json), serde_json::to_string_pretty(&value).unwrap());
    }
}
