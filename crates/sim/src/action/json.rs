//! Reading actions from JSON values by hand.
//!
//! `Action` is an internally tagged enum (`"do"`) and `Scheduled` flattens
//! it, and serde's derived `Deserialize` for those buffers the object and
//! replays it once per variant: 30 KB of the app's code for reading a
//! dozen small objects. [`parse_actions`](super::parse_actions) and
//! [`parse_action`](super::parse_action) read the `serde_json::Value` they
//! already hold with the functions here instead. The derived impls stay the
//! reference: the errors here are built with serde's own constructors, and a
//! test checks both agree, message for message, on valid and invalid input.
//! One difference: serde would also read an action from a list (the tag,
//! then the fields in order); the scripting API documents objects only, and
//! a list is refused here.

use super::{Action, Scheduled};
use protocol::NodeId;
use serde::de::{Error as _, Unexpected};
use serde_json::{Error, Map, Value};

/// The verbs, in the order of `Action`'s variants (serde lists them so).
const VERBS: &[&str] = &[
    "crash",
    "crash-mid-step",
    "restart",
    "pause",
    "resume",
    "drift",
    "partition",
    "heal",
    "cut",
    "uncut",
    "drop",
    "duplicate",
    "delay",
    "request",
    "deliver",
    "fire",
];

/// The fields of each verb, in declaration order.
fn fields(verb: &str) -> &'static [&'static str] {
    match verb {
        "crash" | "restart" | "resume" => &["node"],
        "crash-mid-step" => &["node", "after"],
        "pause" => &["node", "for"],
        "drift" => &["node", "rate"],
        "partition" => &["groups"],
        "cut" | "uncut" => &["from", "to"],
        "drop" | "duplicate" => &["msg"],
        "delay" => &["msg", "by"],
        "request" => &["node", "cmd"],
        "deliver" => &["msg"],
        "fire" => &["node", "timer"],
        _ => &[],
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            (None, None) => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn u64_of(value: &Value, expected: &'static str, max: u64) -> Result<u64, Error> {
    let invalid = |u: Unexpected<'_>| Err(Error::invalid_value(u, &expected));
    match value {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) if u <= max => Ok(u),
            (Some(u), _) => invalid(Unexpected::Unsigned(u)),
            (None, Some(i)) => invalid(Unexpected::Signed(i)),
            (None, None) => Err(Error::invalid_type(unexpected(value), &expected)),
        },
        _ => Err(Error::invalid_type(unexpected(value), &expected)),
    }
}

fn u32_of(value: &Value) -> Result<u32, Error> {
    u64_of(value, "u32", u32::MAX.into()).map(|u| u as u32)
}

fn f64_of(value: &Value) -> Result<f64, Error> {
    value.as_f64().ok_or_else(|| Error::invalid_type(unexpected(value), &"f64"))
}

fn string_of(value: &Value) -> Result<String, Error> {
    value.as_str().map(str::to_string).ok_or_else(|| Error::invalid_type(unexpected(value), &"a string"))
}

fn groups_of(value: &Value) -> Result<Vec<Vec<NodeId>>, Error> {
    fn seq(v: &Value) -> Result<&Vec<Value>, Error> {
        v.as_array().ok_or_else(|| Error::invalid_type(unexpected(v), &"a sequence"))
    }
    seq(value)?.iter().map(|group| seq(group)?.iter().map(u32_of).collect()).collect()
}

/// A scheduled action: `step` and the action's fields in one object.
pub(super) fn scheduled(value: &Value) -> Result<Scheduled, Error> {
    let Value::Object(object) = value else {
        return Err(Error::invalid_type(unexpected(value), &"struct Scheduled"));
    };
    let step = match object.get("step") {
        Some(step) => u64_of(step, "u64", u64::MAX)?,
        None => return Err(Error::missing_field("step")),
    };
    Ok(Scheduled { step, action: action_of(object, Some("step"))? })
}

/// An action object.
pub(super) fn action(value: &Value) -> Result<Action, Error> {
    match value {
        Value::Object(object) => action_of(object, None),
        _ => Err(Error::invalid_type(unexpected(value), &"internally tagged enum Action")),
    }
}

/// The action in `object`, whose key `skip` (the step) belongs to another.
fn action_of(object: &Map<String, Value>, skip: Option<&str>) -> Result<Action, Error> {
    let verb = match object.get("do") {
        Some(Value::String(verb)) => verb.as_str(),
        // Flattened into a scheduled action, serde also takes a variant's
        // index (the callers refuse a tag that is not a string before).
        Some(Value::Number(n)) if skip.is_some() && n.as_u64().is_some_and(|i| i < VERBS.len() as u64) => {
            VERBS[n.as_u64().unwrap_or_default() as usize]
        }
        Some(Value::Number(n)) if skip.is_some() && n.as_u64().is_some() => {
            let unexpected = Unexpected::Unsigned(n.as_u64().unwrap_or_default());
            return Err(Error::invalid_value(unexpected, &"variant index 0 <= i < 16"));
        }
        Some(other) => return Err(Error::invalid_type(unexpected(other), &"variant identifier")),
        None => return Err(Error::missing_field("do")),
    };
    if !VERBS.contains(&verb) {
        return Err(Error::unknown_variant(verb, VERBS));
    }
    let fields = fields(verb);
    // Present fields are read in the object's order (a wrong type is the
    // first error), then missing ones are reported in declaration order.
    let mut read = Read::default();
    for (key, value) in object {
        if Some(key.as_str()) == skip || !fields.contains(&key.as_str()) {
            continue;
        }
        match key.as_str() {
            "node" => read.node = Some(u32_of(value)?),
            "after" => read.after = Some(u32_of(value)?),
            "from" => read.from = Some(u32_of(value)?),
            "to" => read.to = Some(u32_of(value)?),
            "msg" => read.msg = Some(u64_of(value, "u64", u64::MAX)?),
            "by" => read.by = Some(u64_of(value, "u64", u64::MAX)?),
            "for" if value.is_null() => {}
            "for" => read.for_ms = Some(u64_of(value, "u64", u64::MAX)?),
            "rate" => read.rate = Some(f64_of(value)?),
            "cmd" => read.cmd = Some(string_of(value)?),
            "timer" => read.timer = Some(string_of(value)?),
            "groups" => read.groups = Some(groups_of(value)?),
            _ => {}
        }
    }
    fn need<T>(field: Option<T>, name: &'static str) -> Result<T, Error> {
        field.ok_or_else(|| Error::missing_field(name))
    }
    Ok(match verb {
        "crash" => Action::Crash { node: need(read.node, "node")? },
        "crash-mid-step" => {
            let node = need(read.node, "node")?;
            Action::CrashMidStep { node, after: need(read.after, "after")? }
        }
        "restart" => Action::Restart { node: need(read.node, "node")? },
        "pause" => Action::Pause { node: need(read.node, "node")?, for_ms: read.for_ms },
        "resume" => Action::Resume { node: need(read.node, "node")? },
        "drift" => {
            let node = need(read.node, "node")?;
            Action::Drift { node, rate: need(read.rate, "rate")? }
        }
        "partition" => Action::Partition { groups: need(read.groups, "groups")? },
        "heal" => Action::Heal,
        "cut" | "uncut" => {
            let from = need(read.from, "from")?;
            let to = need(read.to, "to")?;
            if verb == "cut" {
                Action::Cut { from, to }
            } else {
                Action::Uncut { from, to }
            }
        }
        "drop" => Action::Drop { msg: need(read.msg, "msg")? },
        "duplicate" => Action::Duplicate { msg: need(read.msg, "msg")? },
        "delay" => {
            let msg = need(read.msg, "msg")?;
            Action::Delay { msg, by: need(read.by, "by")? }
        }
        "deliver" => Action::Deliver { msg: need(read.msg, "msg")? },
        "fire" => {
            let node = need(read.node, "node")?;
            Action::Fire { node, timer: need(read.timer, "timer")?.into() }
        }
        _ => {
            let node = need(read.node, "node")?;
            Action::Request { node, cmd: need(read.cmd, "cmd")? }
        }
    })
}

/// The fields read so far.
#[derive(Default)]
struct Read {
    node: Option<NodeId>,
    after: Option<u32>,
    from: Option<NodeId>,
    to: Option<NodeId>,
    msg: Option<u64>,
    by: Option<u64>,
    for_ms: Option<u64>,
    rate: Option<f64>,
    cmd: Option<String>,
    timer: Option<String>,
    groups: Option<Vec<Vec<NodeId>>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand reader and serde's derived one agree on every input here,
    /// valid or not, to the letter of the error.
    #[test]
    fn agrees_with_the_derived_deserializers() {
        let cases = [
            r#"{"step":1,"do":"crash","node":2}"#,
            r#"{"do":"crash-mid-step","node":2,"after":3,"step":0}"#,
            r#"{"step":4,"do":"restart","node":0}"#,
            r#"{"step":5,"do":"pause","node":1,"for":800}"#,
            r#"{"step":5,"do":"pause","node":1,"for":null}"#,
            r#"{"step":5,"do":"pause","node":1}"#,
            r#"{"step":6,"do":"resume","node":1,"extra":true}"#,
            r#"{"step":7,"do":"drift","node":3,"rate":0.5}"#,
            r#"{"step":7,"do":"drift","node":3,"rate":2}"#,
            r#"{"step":8,"do":"partition","groups":[[0,1],[2,3,4]]}"#,
            r#"{"step":8,"do":"partition","groups":[]}"#,
            r#"{"step":9,"do":"heal"}"#,
            r#"{"step":9,"do":"heal","node":"x"}"#,
            r#"{"step":10,"do":"cut","from":0,"to":1}"#,
            r#"{"step":10,"do":"uncut","from":0,"to":1}"#,
            r#"{"step":11,"do":"drop","msg":17}"#,
            r#"{"step":11,"do":"duplicate","msg":17}"#,
            r#"{"step":11,"do":"delay","msg":17,"by":50}"#,
            r#"{"step":12,"do":"request","node":0,"cmd":"x=1"}"#,
            r#"{"step":13,"do":"deliver","msg":4}"#,
            r#"{"step":13,"do":"fire","node":2,"timer":"election"}"#,
            r#"{"step":1,"do":"fire","node":2}"#,
            r#"{"step":1,"do":"fire","node":2,"timer":7}"#,
            r#"{"step":1,"do":"deliver"}"#,
            r#"{"step":1,"do":16}"#,
            // Invalid.
            r#"{"step":1,"do":"explode"}"#,
            r#"{"step":1}"#,
            r#"{"do":"crash","node":1}"#,
            r#"{"step":1,"do":"crash"}"#,
            r#"{"step":1,"do":"crash-mid-step","after":1}"#,
            r#"{"step":1,"do":"crash-mid-step","node":1}"#,
            r#"{"step":1,"do":"delay","by":1}"#,
            r#"{"step":1,"do":"cut","to":1}"#,
            r#"{"step":1,"do":"cut","from":0}"#,
            r#"{"step":1,"do":"request","node":0}"#,
            r#"{"step":1,"do":"crash","node":5000000000}"#,
            r#"{"step":1,"do":"crash","node":-1}"#,
            r#"{"step":1,"do":"crash","node":1.5}"#,
            r#"{"step":1,"do":"crash","node":"x"}"#,
            r#"{"step":1,"do":"crash","node":null}"#,
            r#"{"step":"x","do":"crash","node":1}"#,
            r#"{"step":-3,"do":"crash","node":1}"#,
            r#"{"step":1,"do":5}"#,
            r#"{"step":1,"do":14}"#,
            r#"{"step":1,"do":-1}"#,
            r#"{"step":1,"do":true}"#,
            r#"{"step":1,"do":"drift","node":1,"rate":"fast"}"#,
            r#"{"step":1,"do":"request","node":1,"cmd":5}"#,
            r#"{"step":1,"do":"partition","groups":[[0,"a"]]}"#,
            r#"{"step":1,"do":"partition","groups":[1]}"#,
            r#"{"step":1,"do":"partition","groups":{}}"#,
            r#"{"step":1,"do":"partition","groups":[[5000000000]]}"#,
            r#"{"step":1,"do":"pause","node":1,"for":"soon"}"#,
            r#"{"step":1,"do":"drop","msg":-1,"node":"x"}"#,
            r#"{"step":1,"do":"cut","from":"a","to":"b"}"#,
            r#"5"#,
            r#"[1]"#,
            r#"null"#,
        ];
        for case in cases {
            let value: Value = serde_json::from_str(case).unwrap();
            let derived = serde_json::from_value::<Scheduled>(value.clone()).map_err(|e| e.to_string());
            let by_hand = scheduled(&value).map_err(|e| e.to_string());
            assert_eq!(by_hand, derived, "scheduled {case}");
            // serde also reads an action from a list (the tag, then the
            // fields in order), a form the scripting API never documented:
            // here an action is an object.
            if value.is_array() {
                assert!(action(&value).is_err());
                continue;
            }
            let derived = serde_json::from_value::<Action>(value.clone()).map_err(|e| e.to_string());
            let by_hand = action(&value).map_err(|e| e.to_string());
            assert_eq!(by_hand, derived, "action {case}");
        }
    }
}
