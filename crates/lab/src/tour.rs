//! Guided tours: a run and captions at chosen steps, as a JSON file an
//! author writes without Rust.
//!
//! ```json
//! {"format": "clusterscope-tour", "version": 1, "id": "raft-basics",
//!  "title": "Raft: electing a leader",
//!  "setup": {"algo": "raft", "nodes": 5, "seed": 7, "heartbeat_ms": 50,
//!            "actions": [{"step": 40, "do": "crash", "node": 2}]},
//!  "stops": [{"step": 0, "title": "Five followers", "caption": "..."},
//!            {"step": 120, "caption": "...", "expect": {"leaders": [3]}}]}
//! ```
//!
//! `setup` takes a link's query parameters under their own names
//! ([`crate::query`]), so an author can copy them from a link; `actions` is
//! the actions list itself. A stop's `expect` says what its caption claims
//! in a form a test checks ([`Expect::check`]).
//!
//! Parsing is strict: a field this module does not know, a value of the
//! wrong type, steps that do not increase or a step past [`MAX_STEP`] are
//! errors whose [`TourError::path`] names the field
//! (`stops[2].step: expected a whole number, got "x"`). The values are read
//! from a `serde_json::Value` by hand, as `sim` reads actions, rather than
//! through serde's derive, which costs the app's bundle more.

use crate::{query, Setup};
use protocol::NodeId;
use serde_json::{Map, Value};
use sim::Session;
use std::fmt;

/// The `format` field of a tour file.
pub const FORMAT: &str = "clusterscope-tour";
/// The `format` field of the list of tours (`tours/index.json`).
pub const INDEX_FORMAT: &str = "clusterscope-tour-index";
/// The only `version` there is.
pub const VERSION: u64 = 1;
/// Largest tour file read, in bytes.
pub const MAX_BYTES: usize = 256 * 1024;
/// Most stops in one tour.
pub const MAX_STOPS: usize = 50;
/// Furthest step a stop may be at: opening a stop replays the run to it in
/// the browser, which must stay quick.
pub const MAX_STEP: u64 = 100_000;
/// Longest caption, and longest title, in characters.
pub const MAX_CAPTION: usize = 2_000;
pub const MAX_TITLE: usize = 120;
/// Longest id; ids are lower-case letters, digits and `-`.
pub const MAX_ID: usize = 64;

/// A guided tour.
#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    /// `?tour=ID` opens it; the file is `tours/ID.json`.
    pub id: String,
    pub title: String,
    /// The run: algorithm, world, seed, options and scripted actions.
    pub setup: Setup,
    /// At least one, steps strictly increasing.
    pub stops: Vec<Stop>,
}

/// A caption at a step of the tour's run.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub step: u64,
    pub title: Option<String>,
    pub caption: String,
    pub expect: Option<Expect>,
}

/// What a stop's caption claims, checked against the run at the stop's
/// step. Every field given must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expect {
    /// The running nodes that hold the protocol's leading role, exactly
    /// (`[]`: none).
    pub leaders: Option<Vec<NodeId>>,
    /// The crashed nodes, exactly.
    pub down: Option<Vec<NodeId>>,
    /// The run's first violation so far is of this property (`None`: the
    /// run has none).
    pub violation: Option<Option<String>>,
    /// The protocol's banner contains this text.
    pub banner: Option<String>,
    /// Per node, fields its view (as in the trace) has, with these values.
    pub nodes: Vec<(NodeId, Map<String, Value>)>,
}

/// One entry of `tours/index.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourEntry {
    pub id: String,
    pub title: String,
}

/// A tour file that cannot be read: the field, as a path from the file's
/// top (`stops[2].step`; empty for the file as a whole), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourError {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for TourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

impl std::error::Error for TourError {}

fn err<T>(path: &str, reason: impl Into<String>) -> Result<T, TourError> {
    Err(TourError { path: path.to_string(), reason: reason.into() })
}

/// The text of a JSON value for an error message (a long one cut short).
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// An object's fields, refusing any not in `known`.
fn object<'a>(value: &'a Value, path: &str, known: &[&str]) -> Result<&'a Map<String, Value>, TourError> {
    let Some(map) = value.as_object() else { return err(path, format!("expected an object, got {}", shown(value))) };
    if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return err(&join(path, key), format!("unknown field; expected one of {}", known.join(", ")));
    }
    Ok(map)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn required<'a>(map: &'a Map<String, Value>, path: &str, key: &str) -> Result<&'a Value, TourError> {
    map.get(key).map_or_else(|| err(&join(path, key), "missing"), Ok)
}

fn whole(value: &Value, path: &str) -> Result<u64, TourError> {
    value.as_u64().map_or_else(|| err(path, format!("expected a whole number, got {}", shown(value))), Ok)
}

/// A string of 1 to `max` characters.
fn text(value: &Value, path: &str, max: usize) -> Result<String, TourError> {
    let Some(s) = value.as_str() else { return err(path, format!("expected a string, got {}", shown(value))) };
    let len = s.chars().count();
    if s.trim().is_empty() || len > max {
        return err(path, format!("expected 1 to {max} characters, got {len}"));
    }
    Ok(s.to_string())
}

fn node_list(value: &Value, path: &str, nodes: u32) -> Result<Vec<NodeId>, TourError> {
    let Some(list) = value.as_array() else {
        return err(path, format!("expected a list of node ids, got {}", shown(value)));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        out.push(node_id(v, &format!("{path}[{i}]"), nodes)?);
    }
    protocol::sort::sort(&mut out);
    out.dedup();
    Ok(out)
}

fn node_id(value: &Value, path: &str, nodes: u32) -> Result<NodeId, TourError> {
    let id = whole(value, path)?;
    match u32::try_from(id) {
        Ok(id) if id < nodes => Ok(id),
        _ => err(path, format!("node {id} does not exist (nodes are 0..{})", nodes.saturating_sub(1))),
    }
}

/// Whether `id` can name a tour: 1 to [`MAX_ID`] lower-case letters,
/// digits and `-` (so it can only name a file in `tours/`).
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Read a tour file.
pub fn parse(source: &str) -> Result<Tour, TourError> {
    if source.len() > MAX_BYTES {
        return err("", format!("a tour file holds at most {MAX_BYTES} bytes, got {}", source.len()));
    }
    let value: Value = serde_json::from_str(source).or_else(|e| err("", format!("not JSON: {e}")))?;
    let top = object(&value, "", &["format", "version", "id", "title", "setup", "stops"])?;
    header(top, FORMAT)?;
    let id = text(required(top, "", "id")?, "id", MAX_ID)?;
    if !is_id(&id) {
        return err("id", format!("expected lower-case letters, digits and '-', got {id:?}"));
    }
    let title = text(required(top, "", "title")?, "title", MAX_TITLE)?;
    let setup = setup(required(top, "", "setup")?)?;
    let Some(list) = required(top, "", "stops")?.as_array() else {
        return err("stops", "expected a list of stops");
    };
    if list.is_empty() || list.len() > MAX_STOPS {
        return err("stops", format!("expected 1 to {MAX_STOPS} stops, got {}", list.len()));
    }
    let mut stops: Vec<Stop> = Vec::with_capacity(list.len());
    for (i, value) in list.iter().enumerate() {
        let stop = self::stop(value, &format!("stops[{i}]"), setup.sim.nodes)?;
        if let Some(before) = stops.last().filter(|s| s.step >= stop.step) {
            return err(
                &format!("stops[{i}].step"),
                format!("steps must increase: {} comes after step {}", stop.step, before.step),
            );
        }
        stops.push(stop);
    }
    Ok(Tour { id, title, setup, stops })
}

/// `format` and `version`.
fn header(top: &Map<String, Value>, format: &str) -> Result<(), TourError> {
    let found = required(top, "", "format")?;
    if found.as_str() != Some(format) {
        return err("format", format!("expected \"{format}\", got {}", shown(found)));
    }
    let version = whole(required(top, "", "version")?, "version")?;
    if version != VERSION {
        return err("version", format!("expected {VERSION}, got {version}"));
    }
    Ok(())
}

/// The `setup` object: a link's query parameters, checked by [`query`].
fn setup(value: &Value) -> Result<Setup, TourError> {
    let map = value.as_object().map_or_else(|| err("setup", "expected an object of link parameters"), Ok)?;
    let algo = match map.get("algo") {
        None => crate::Algo::Raft,
        Some(v) => {
            let name =
                v.as_str().map_or_else(|| err("setup.algo", format!("expected a string, got {}", shown(v))), Ok)?;
            name.parse().map_err(|e: crate::SetupError| TourError { path: "setup.algo".into(), reason: e.reason })?
        }
    };
    let info = algo.info();
    let mut known = vec!["algo", "nodes", "seed", "drop", "dup", "latency", "actions"];
    known.extend(info.options.iter().map(|o| o.name));
    if !info.bugs.is_empty() {
        known.push(crate::options::BUG);
    }
    let map = object(value, "setup", &known)?;
    let mut pairs: Vec<(&str, String)> = Vec::with_capacity(map.len());
    for (key, v) in map {
        let path = join("setup", key);
        let text = match (key.as_str(), v) {
            // Written through `dyn Write`, as traces are: one copy of the
            // JSON writer in the app's bundle.
            ("actions", Value::Array(_)) => {
                let mut buf = Vec::new();
                serde_json::to_writer(&mut buf as &mut dyn std::io::Write, v).expect("writing to memory cannot fail");
                String::from_utf8(buf).expect("serde_json writes UTF-8")
            }
            ("actions", _) => return err(&path, format!("expected a list of actions, got {}", shown(v))),
            (_, Value::String(s)) => s.clone(),
            (_, Value::Number(n)) => n.to_string(),
            _ => return err(&path, format!("expected a string or a number, got {}", shown(v))),
        };
        pairs.push((key.as_str(), text));
    }
    match query::parse_all(pairs.iter().map(|(k, v)| (*k, v.as_str()))) {
        Ok(q) => Ok(q.setup),
        Err(errors) => {
            let e = &errors[0];
            // The actions' own errors name the action: `actions[1]: crash: ...`.
            let reason = e.reason.strip_prefix("actions: ").unwrap_or(&e.reason);
            match reason.strip_prefix("actions[").and_then(|r| r.split_once("]: ")) {
                Some((index, why)) => err(&format!("setup.actions[{index}]"), why),
                None => err(&join("setup", e.field), reason),
            }
        }
    }
}

fn stop(value: &Value, path: &str, nodes: u32) -> Result<Stop, TourError> {
    let map = object(value, path, &["step", "title", "caption", "expect"])?;
    let step_path = join(path, "step");
    let step = whole(required(map, path, "step")?, &step_path)?;
    if step > MAX_STEP {
        return err(&step_path, format!("at most {MAX_STEP}, got {step}"));
    }
    let title = map.get("title").map(|v| text(v, &join(path, "title"), MAX_TITLE)).transpose()?;
    let caption = text(required(map, path, "caption")?, &join(path, "caption"), MAX_CAPTION)?;
    let expect = map.get("expect").map(|v| self::expect(v, &join(path, "expect"), nodes)).transpose()?;
    Ok(Stop { step, title, caption, expect })
}

fn expect(value: &Value, path: &str, nodes: u32) -> Result<Expect, TourError> {
    let map = object(value, path, &["leaders", "down", "violation", "banner", "nodes"])?;
    let mut out = Expect::default();
    for (key, v) in map {
        let path = join(path, key);
        match key.as_str() {
            "leaders" => out.leaders = Some(node_list(v, &path, nodes)?),
            "down" => out.down = Some(node_list(v, &path, nodes)?),
            "violation" if v.is_null() => out.violation = Some(None),
            "violation" => out.violation = Some(Some(text(v, &path, MAX_TITLE)?)),
            "banner" => out.banner = Some(text(v, &path, MAX_CAPTION)?),
            _ => {
                let Some(per_node) = v.as_object() else {
                    return err(&path, format!("expected an object by node id, got {}", shown(v)));
                };
                for (id, fields) in per_node {
                    let field_path = join(&path, id);
                    let id = id.parse::<u64>().map_or_else(
                        |_| err(&field_path, "expected a node id as the key"),
                        |id| node_id(&Value::from(id), &field_path, nodes),
                    )?;
                    let Some(fields) = fields.as_object() else {
                        return err(&field_path, format!("expected an object of view fields, got {}", shown(fields)));
                    };
                    out.nodes.push((id, fields.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// Read `tours/index.json`: `{"format": "clusterscope-tour-index",
/// "version": 1, "tours": [{"id": ..., "title": ...}]}`.
pub fn parse_index(source: &str) -> Result<Vec<TourEntry>, TourError> {
    let value: Value = serde_json::from_str(source).or_else(|e| err("", format!("not JSON: {e}")))?;
    let top = object(&value, "", &["format", "version", "tours"])?;
    header(top, INDEX_FORMAT)?;
    let Some(list) = required(top, "", "tours")?.as_array() else { return err("tours", "expected a list") };
    let mut out = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let path = format!("tours[{i}]");
        let map = object(entry, &path, &["id", "title"])?;
        let id = text(required(map, &path, "id")?, &join(&path, "id"), MAX_ID)?;
        let title = text(required(map, &path, "title")?, &join(&path, "title"), MAX_TITLE)?;
        out.push(TourEntry { id, title });
    }
    Ok(out)
}

impl Tour {
    /// The stop shown at `step`: the last one at or before it.
    pub fn stop_at(&self, step: u64) -> Option<usize> {
        self.stops.iter().rposition(|s| s.step <= step)
    }
}

impl Expect {
    /// Whether the session, at the stop's step, is as claimed; otherwise
    /// what differs.
    pub fn check(&self, s: &dyn Session) -> Result<(), String> {
        let mut wrong = Vec::new();
        if let Some(want) = &self.leaders {
            let lead = s.picture().lead;
            let got: Vec<NodeId> = lead.map(|l| l.holders.iter().map(|h| h.0).collect()).unwrap_or_default();
            if &got != want {
                wrong.push(format!("leaders: expected {want:?}, got {got:?}"));
            }
        }
        if let Some(want) = &self.down {
            let got: Vec<NodeId> =
                (0..s.node_count()).filter(|&id| s.node_info(id).status == protocol::Status::Crashed).collect();
            if &got != want {
                wrong.push(format!("down: expected {want:?}, got {got:?}"));
            }
        }
        if let Some(want) = &self.violation {
            let got = s.first_violation().map(|v| v.property);
            if got != want.as_deref() {
                wrong.push(format!("violation: expected {want:?}, got {got:?}"));
            }
        }
        if let Some(want) = &self.banner {
            let got = s.picture().banner;
            if !got.as_deref().is_some_and(|b| b.contains(want.as_str())) {
                wrong.push(format!("banner: expected it to contain {want:?}, got {got:?}"));
            }
        }
        for (id, fields) in &self.nodes {
            let view: Value = serde_json::from_str(&s.node_json(*id)).expect("a node view is JSON");
            for (key, want) in fields {
                if view.get(key) != Some(want) {
                    wrong.push(format!(
                        "nodes.{id}.{key}: expected {want}, got {}",
                        view.get(key).unwrap_or(&Value::Null)
                    ));
                }
            }
        }
        if wrong.is_empty() {
            Ok(())
        } else {
            Err(wrong.join("; "))
        }
    }
}

#[cfg(test)]
mod tests;
