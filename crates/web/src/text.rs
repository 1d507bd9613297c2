//! Words for what the canvas shows: the caption of the current step, the
//! canvas's accessible summary, and readable forms of node and message JSON.
//! Pure functions of session data, tested on the host.

use protocol::{Level, Status};
use serde_json::Value;
use sim::{LogEntry, Session};

/// Most log lines the caption repeats.
pub const CAPTION_NOTES: usize = 3;

/// One sentence describing the event of the current step, from the
/// `event` object of the trace's step (`state_json`).
pub fn describe_event(event: &Value) -> String {
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64);
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    match event.get("type").and_then(Value::as_str) {
        Some("deliver") | Some("lost") => {
            let msg = &event["msg"];
            let kind = s(msg, "type");
            let id = num(msg, "id").unwrap_or(0);
            let from = num(msg, "from").unwrap_or(0);
            let to = num(msg, "to").unwrap_or(0);
            let term = num(msg, "term").map(|t| format!(" (term {t})")).unwrap_or_default();
            if event["type"] == "deliver" {
                format!("node {to} received {kind} #{id} from node {from}{term}")
            } else {
                format!("{kind} #{id} from node {from} to node {to} was lost: {}", s(event, "reason"))
            }
        }
        Some("timer") => {
            format!("node {}'s {} timer fired", num(event, "node").unwrap_or(0), s(event, "timer"))
        }
        Some("held") => {
            format!("{} waits: node {} is paused", s(event, "what"), num(event, "node").unwrap_or(0))
        }
        Some("resume") => format!("node {} woke up from its pause", num(event, "node").unwrap_or(0)),
        Some(other) => format!("{other} event"),
        None => "the cluster has just started; nothing has happened yet".to_string(),
    }
}

/// The caption line: step, time, event, and what the nodes said about it.
pub fn caption(state: &Value, log: &[LogEntry]) -> String {
    let step = state.get("step").and_then(Value::as_u64).unwrap_or(0);
    let time = state.get("time").and_then(Value::as_u64).unwrap_or(0);
    let mut text = format!("Step {step} at {time} ms: {}", describe_event(&state["event"]));
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

/// The canvas's `aria-label`: size, leaders, faults, traffic.
pub fn summary(session: &dyn Session) -> String {
    let n = session.node_count();
    let mut parts = vec![format!("{} {} of {}", n, if n == 1 { "node" } else { "nodes" }, session.algo())];
    let mut down = Vec::new();
    let mut paused = Vec::new();
    for id in 0..n {
        let info = session.node_info(id);
        match info.status {
            Status::Crashed => down.push(id.to_string()),
            Status::Paused => paused.push(id.to_string()),
            Status::Up => {
                if info.look.role == "leader" {
                    let term = info.look.badge.trim_start_matches('T');
                    parts.push(format!("node {id} leader of term {term}"));
                }
            }
        }
    }
    if !parts.iter().any(|p| p.contains("leader")) {
        parts.push("no leader".to_string());
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

/// A Raft-shaped node view: the fields the inspector shows specially.
#[derive(Clone, Debug, PartialEq)]
pub struct RaftNode {
    pub up: bool,
    pub role: String,
    pub term: u64,
    pub voted_for: Option<u64>,
    pub commit_index: u64,
    /// `(term, cmd)` per entry, index 1 first.
    pub log: Vec<(u64, String)>,
}

/// Read a node view as Raft's, if it has Raft's shape.
pub fn raft_node(view: &Value) -> Option<RaftNode> {
    let log = view
        .get("log")?
        .as_array()?
        .iter()
        .map(|e| Some((e.get("term")?.as_u64()?, e.get("cmd")?.as_str()?.to_string())))
        .collect::<Option<Vec<_>>>()?;
    Some(RaftNode {
        up: view.get("up")?.as_bool()?,
        role: view.get("role")?.as_str()?.to_string(),
        term: view.get("term")?.as_u64()?,
        voted_for: match view.get("voted_for")? {
            Value::Null => None,
            v => Some(v.as_u64()?),
        },
        commit_index: view.get("commit_index")?.as_u64()?,
        log,
    })
}

/// Any JSON value as a short line of text, for the generic inspector.
pub fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_string(),
        other => other.to_string(),
    };
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Setup;
    use serde_json::json;

    #[test]
    fn events_read_as_sentences() {
        let e = json!({"type":"deliver","msg":{"id":7,"from":1,"to":3,"type":"RequestVote","term":2}});
        assert_eq!(describe_event(&e), "node 3 received RequestVote #7 from node 1 (term 2)");
        let e = json!({"type":"timer","node":4,"timer":"election"});
        assert_eq!(describe_event(&e), "node 4's election timer fired");
        let e = json!({"type":"lost","reason":"link is cut","msg":{"id":2,"from":0,"to":1,"type":"AppendEntries"}});
        assert_eq!(describe_event(&e), "AppendEntries #2 from node 0 to node 1 was lost: link is cut");
        assert!(describe_event(&Value::Null).contains("just started"));
    }

    #[test]
    fn caption_adds_notable_log_lines_of_the_step() {
        let state = json!({"step":5,"time":300,"event":{"type":"timer","node":1,"timer":"election"}});
        let log = vec![
            LogEntry { step: 5, time: 300, node: None, level: Level::Info, text: "RequestVote 3 lost".into() },
            LogEntry { step: 5, time: 300, node: Some(1), level: Level::Notice, text: "node 1 is leader".into() },
            LogEntry { step: 4, time: 200, node: Some(1), level: Level::Notice, text: "older".into() },
        ];
        assert_eq!(caption(&state, &log), "Step 5 at 300 ms: node 1's election timer fired. node 1 is leader.");
    }

    #[test]
    fn summary_names_the_leader_and_traffic() {
        let mut s = lab::open(&Setup::default()).unwrap();
        assert!(summary(s.as_ref()).starts_with("5 nodes of raft; no leader; "));
        for _ in 0..400 {
            s.step();
        }
        let text = summary(s.as_ref());
        assert!(text.contains(" leader of term "), "{text}");
        assert!(text.ends_with("in flight"), "{text}");
    }

    #[test]
    fn raft_views_are_recognised() {
        let s = lab::open(&Setup::default()).unwrap();
        let view: Value = serde_json::from_str(&s.node_json(2)).unwrap();
        let node = raft_node(&view).unwrap();
        assert_eq!((node.role.as_str(), node.term, node.voted_for, node.log.len()), ("follower", 0, None, 0));
        assert_eq!(raft_node(&json!({"id":1,"ballot":3})), None);
        assert_eq!(short(&json!("abc")), "abc");
        assert!(short(&json!("x".repeat(300))).len() < 300);
    }
}
