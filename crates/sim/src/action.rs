//! Everything a user can do to a world, as data.
//!
//! An action is applied when the world has processed exactly `step` events:
//! `{"step":120,"do":"crash","node":2}`. A list of actions, with the algorithm,
//! config and seed, determines a run completely.

mod json;

use protocol::{NodeId, Tick};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Identity of a message in flight, unique within one run.
pub type MsgId = u64;

/// Longest client command accepted, in bytes.
pub const MAX_CMD_LEN: usize = 256;
/// Most actions one run may hold.
pub const MAX_ACTIONS: usize = 100_000;

/// One user action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "lowercase")]
pub enum Action {
    /// The node loses its volatile state and stops.
    Crash { node: NodeId },
    /// The node crashes in the middle of the next step it runs: after
    /// carrying out the first `after` commands that step produced (persists,
    /// sends, timers), the rest are lost with its volatile state. A reply
    /// sent before its state was persisted stays sent.
    #[serde(rename = "crash-mid-step")]
    CrashMidStep { node: NodeId, after: u32 },
    /// A crashed node comes back from what it persisted.
    Restart { node: NodeId },
    /// Freeze the node while time runs on; with `for`, it wakes by itself.
    Pause {
        node: NodeId,
        #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
        for_ms: Option<Tick>,
    },
    /// Wake a paused node: it handles what arrived meanwhile.
    Resume { node: NodeId },
    /// Set the speed of the node's local clock: 1.0 is exact, 0.5 runs at half
    /// speed (it falls behind), 2.0 at double speed.
    Drift { node: NodeId, rate: f64 },
    /// Split the cluster into groups that cannot talk to each other. Nodes not
    /// listed form one more group together. Replaces any earlier cuts.
    Partition { groups: Vec<Vec<NodeId>> },
    /// Restore every link.
    Heal,
    /// Cut the link from `from` to `to` (one way).
    Cut { from: NodeId, to: NodeId },
    /// Restore the link from `from` to `to` (one way).
    Uncut { from: NodeId, to: NodeId },
    /// Lose a message in flight.
    Drop { msg: MsgId },
    /// Deliver a second copy of a message in flight.
    Duplicate { msg: MsgId },
    /// Deliver a message in flight `by` ticks later.
    Delay { msg: MsgId, by: Tick },
    /// A client sends `cmd` to `node`.
    Request { node: NodeId, cmd: String },
    /// The next event processed is the delivery of this message in flight,
    /// now, out of its time order (the network delayed the others): the
    /// model checker's choice of interleaving, replayable like any action.
    /// Time never runs backwards: a message due later moves the clock to
    /// its delivery time, one due earlier arrives now, late.
    Deliver { msg: MsgId },
    /// The next event processed is `node`'s armed timer named `timer` (as
    /// the trace names it: `"election"`) firing, at its time or, if that
    /// has passed, now. A protocol's timer names are static strings, so
    /// an action the model checker makes for each armed timer of each
    /// state it expands borrows its name; one read from JSON owns it.
    Fire { node: NodeId, timer: std::borrow::Cow<'static, str> },
}

/// An action and the step it is applied at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scheduled {
    pub step: u64,
    #[serde(flatten)]
    pub action: Action,
}

impl Action {
    /// The verb, as written in JSON.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Crash { .. } => "crash",
            Action::CrashMidStep { .. } => "crash-mid-step",
            Action::Restart { .. } => "restart",
            Action::Pause { .. } => "pause",
            Action::Resume { .. } => "resume",
            Action::Drift { .. } => "drift",
            Action::Partition { .. } => "partition",
            Action::Heal => "heal",
            Action::Cut { .. } => "cut",
            Action::Uncut { .. } => "uncut",
            Action::Drop { .. } => "drop",
            Action::Duplicate { .. } => "duplicate",
            Action::Delay { .. } => "delay",
            Action::Request { .. } => "request",
            Action::Deliver { .. } => "deliver",
            Action::Fire { .. } => "fire",
        }
    }

    /// Checks that need only the cluster size (node ids, shapes, ranges).
    /// Whether a message is in flight or a node is up is checked when the
    /// action is applied.
    pub fn validate(&self, nodes: u32) -> Result<(), ActionError> {
        let node_ok = |field: &'static str, id: NodeId| {
            if id < nodes {
                Ok(())
            } else {
                // A cluster of no nodes is refused elsewhere; its actions
                // are still read (a link names every bad parameter).
                let nodes = match nodes {
                    0 => "there are no nodes".to_string(),
                    n => format!("nodes are 0..{}", n - 1),
                };
                Err(ActionError::new(self, format!("{field} {id} does not exist ({nodes})")))
            }
        };
        match self {
            Action::Crash { node }
            | Action::CrashMidStep { node, .. }
            | Action::Restart { node }
            | Action::Resume { node } => node_ok("node", *node),
            Action::Pause { node, for_ms } => {
                node_ok("node", *node)?;
                if *for_ms == Some(0) {
                    return Err(ActionError::new(self, "for must be at least 1 ms"));
                }
                Ok(())
            }
            Action::Drift { node, rate } => {
                node_ok("node", *node)?;
                if !(rate.is_finite() && *rate >= 0.01 && *rate <= 100.0) {
                    return Err(ActionError::new(self, format!("rate must be between 0.01 and 100, got {rate}")));
                }
                Ok(())
            }
            Action::Partition { groups } => {
                let mut seen = vec![false; nodes as usize];
                for &id in groups.iter().flatten() {
                    node_ok("node", id)?;
                    if std::mem::replace(&mut seen[id as usize], true) {
                        return Err(ActionError::new(self, format!("node {id} is in more than one group")));
                    }
                }
                Ok(())
            }
            Action::Heal => Ok(()),
            Action::Cut { from, to } | Action::Uncut { from, to } => {
                node_ok("from", *from)?;
                node_ok("to", *to)?;
                if from == to {
                    return Err(ActionError::new(self, "from and to must differ"));
                }
                Ok(())
            }
            Action::Drop { .. } | Action::Duplicate { .. } | Action::Deliver { .. } => Ok(()),
            Action::Fire { node, timer } => {
                node_ok("node", *node)?;
                if timer.is_empty() || timer.len() > MAX_CMD_LEN {
                    return Err(ActionError::new(self, format!("timer must be 1 to {MAX_CMD_LEN} bytes")));
                }
                Ok(())
            }
            Action::Delay { by, .. } => {
                if *by == 0 || *by > crate::config::MAX_LATENCY_MS {
                    return Err(ActionError::new(
                        self,
                        format!("by must be between 1 and {} ms, got {by}", crate::config::MAX_LATENCY_MS),
                    ));
                }
                Ok(())
            }
            Action::Request { node, cmd } => {
                node_ok("node", *node)?;
                if cmd.is_empty() || cmd.len() > MAX_CMD_LEN {
                    return Err(ActionError::new(self, format!("cmd must be 1 to {MAX_CMD_LEN} bytes")));
                }
                Ok(())
            }
        }
    }
}

/// An action that cannot be applied, with the reason.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize)]
#[error("{verb}: {reason}")]
pub struct ActionError {
    pub verb: &'static str,
    pub reason: String,
}

impl ActionError {
    pub fn new(action: &Action, reason: impl Into<String>) -> Self {
        Self { verb: action.verb(), reason: reason.into() }
    }
}

/// A list of actions could not be read.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ActionsError {
    #[error("actions: not a JSON array of actions: {0}")]
    Syntax(String),
    #[error("actions[{index}]: {reason}")]
    Invalid { index: usize, reason: String },
    #[error("actions: at most {MAX_ACTIONS} actions, got {0}")]
    TooMany(usize),
}

/// Parse and check a JSON list of actions for a cluster of `nodes` nodes.
/// The result is ordered by step (stable, so same-step actions keep their order).
pub fn parse_actions(json: &str, nodes: u32) -> Result<Vec<Scheduled>, ActionsError> {
    let raw: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|e| ActionsError::Syntax(e.to_string()))?;
    if raw.len() > MAX_ACTIONS {
        return Err(ActionsError::TooMany(raw.len()));
    }
    let mut out = Vec::with_capacity(raw.len());
    for (index, value) in raw.into_iter().enumerate() {
        if let Some(reason) = misfit_field(&value) {
            return Err(ActionsError::Invalid { index, reason });
        }
        let scheduled = json::scheduled(&value).map_err(|e| ActionsError::Invalid { index, reason: e.to_string() })?;
        scheduled.action.validate(nodes).map_err(|e| ActionsError::Invalid { index, reason: e.to_string() })?;
        out.push(scheduled);
    }
    protocol::sort::sort_by_key(&mut out, |s| s.step);
    Ok(out)
}

/// The first field of an action object whose value has the wrong type,
/// named, as a reason (`step: expected a whole number, got "x"`). serde's
/// own message for a flattened or tagged field leaves the name out.
fn misfit_field(value: &serde_json::Value) -> Option<String> {
    let object = value.as_object()?;
    object.iter().find_map(|(key, v)| {
        let whole = |v: &serde_json::Value| v.as_u64().is_some();
        let expected = match key.as_str() {
            "step" | "node" | "after" | "from" | "to" | "msg" | "by" | "for" if !whole(v) => "a whole number",
            "rate" if v.as_f64().is_none() => "a number",
            "do" | "cmd" | "timer" if !v.is_string() => "a string",
            "groups"
                if !v
                    .as_array()
                    .is_some_and(|g| g.iter().all(|g| g.as_array().is_some_and(|g| g.iter().all(whole)))) =>
            {
                "a list of lists of node ids"
            }
            _ => return None,
        };
        Some(format!("{key}: expected {expected}, got {v}"))
    })
}

/// Parse one action (no step) as the scripting API receives it.
pub fn parse_action(json: &str, nodes: u32) -> Result<Action, ActionError> {
    let fail = |reason: String| ActionError { verb: "action", reason };
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| fail(e.to_string()))?;
    if let Some(reason) = misfit_field(&value) {
        return Err(fail(reason));
    }
    let action = json::action(&value).map_err(|e| fail(e.to_string()))?;
    action.validate(nodes)?;
    Ok(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_examples_round_trip() {
        let json = r#"[{"step":120,"do":"crash","node":2},{"step":300,"do":"restart","node":2},
            {"step":400,"do":"partition","groups":[[0,1],[2,3,4]]},{"step":600,"do":"heal"},
            {"step":50,"do":"request","node":0,"cmd":"x=1"},{"step":70,"do":"cut","from":0,"to":1},
            {"step":80,"do":"drop","msg":17},{"step":80,"do":"duplicate","msg":17},
            {"step":80,"do":"delay","msg":17,"by":50},{"step":200,"do":"pause","node":3,"for":800},
            {"step":0,"do":"drift","node":3,"rate":0.5}]"#;
        let actions = parse_actions(json, 5).unwrap();
        assert_eq!(actions.len(), 11);
        assert_eq!(actions[0].step, 0);
        assert_eq!(actions[1], Scheduled { step: 50, action: Action::Request { node: 0, cmd: "x=1".into() } });
        let text = serde_json::to_string(&actions[9]).unwrap();
        assert_eq!(text, r#"{"step":400,"do":"partition","groups":[[0,1],[2,3,4]]}"#);
        let pause = actions.iter().find(|a| a.action.verb() == "pause").unwrap();
        assert_eq!(serde_json::to_string(pause).unwrap(), r#"{"step":200,"do":"pause","node":3,"for":800}"#);
    }

    #[test]
    fn a_cluster_of_no_nodes_is_named_not_underflowed() {
        // Found by `cargo xtask fuzz`: `nodes=0&actions=[...]` in a link.
        let err = parse_actions(r#"[{"step":3,"do":"crash","node":1}]"#, 0).unwrap_err();
        assert_eq!(err.to_string(), "actions[0]: crash: node 1 does not exist (there are no nodes)");
    }

    #[test]
    fn bad_actions_name_index_and_field() {
        let err = parse_actions(r#"[{"step":1,"do":"heal"},{"step":2,"do":"crash","node":9}]"#, 5).unwrap_err();
        assert_eq!(err.to_string(), "actions[1]: crash: node 9 does not exist (nodes are 0..4)");
        let err = parse_actions(r#"[{"step":1,"do":"explode"}]"#, 5).unwrap_err();
        assert!(err.to_string().starts_with("actions[0]: unknown variant `explode`"), "{err}");
        let err = parse_actions(r#"[{"step":1,"do":"crash"}]"#, 5).unwrap_err();
        assert!(err.to_string().contains("missing field `node`"), "{err}");
        let err = parse_actions(r#"[{"step":"x"}]"#, 5).unwrap_err();
        assert_eq!(err.to_string(), r#"actions[0]: step: expected a whole number, got "x""#);
        let err = parse_actions(r#"[{"step":1,"do":"crash","node":1},{"step":2,"do":"cut","from":0,"to":-1}]"#, 5)
            .unwrap_err();
        assert_eq!(err.to_string(), "actions[1]: to: expected a whole number, got -1");
        let err = parse_actions("{", 5).unwrap_err();
        assert!(matches!(err, ActionsError::Syntax(_)));
        let err = parse_actions(r#"[{"step":1,"do":"partition","groups":[[0,1],[1]]}]"#, 5).unwrap_err();
        assert!(err.to_string().contains("node 1 is in more than one group"), "{err}");
    }
}
