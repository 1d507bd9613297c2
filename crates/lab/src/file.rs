//! Run files and traces: what "save run" writes and "open" reads.
//!
//! A run is a pure function of its inputs, so a **run file** holds only
//! them and the step to show, and stays small however long the run:
//!
//! ```json
//! {"format":"clusterscope-run","version":1,"algo":"raft","seed":42,
//!  "config":{"nodes":5,"latency_ms":[10,40],"drop":0.05,"dup":0.0},
//!  "options":{"heartbeat_ms":"30"},"actions":[{"step":40,"do":"crash","node":2}],"step":120}
//! ```
//!
//! A **trace** (`cli run --trace`, the app's "download trace") repeats the
//! state of every node at every step. Opening one reads its inputs the same
//! way, goes to its last step, and checks that replaying the inputs gives
//! that step's state: a trace from another simulator version, or edited by
//! hand, is refused rather than shown as something it is not.
//!
//! Both are read field by field, so an error names the field (`config.drop:
//! expected a probability in [0, 1], got "2"`). The checks are the link's
//! ([`crate::query`]): a file, a link and a command line accept the same runs.

use crate::{query, Setup, SetupError};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use sim::Session;
use std::fmt;

/// The `format` of a run file.
pub const RUN_FORMAT: &str = "clusterscope-run";
/// The run file format this release writes and reads.
pub const RUN_VERSION: u32 = 1;

/// A run file, or what opening a trace found: the inputs and the step to show.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFile {
    pub setup: Setup,
    pub step: u64,
}

/// What a file held.
#[derive(Clone, Debug, PartialEq)]
pub enum Opened {
    /// A run file.
    Run(RunFile),
    /// A trace: its inputs and last step, plus what [`replay`] checks: the
    /// protocol settings and the last step's state it recorded.
    Trace { run: RunFile, protocol: Option<Value>, last: Option<Value> },
}

impl Opened {
    pub fn run(&self) -> &RunFile {
        match self {
            Opened::Run(run) | Opened::Trace { run, .. } => run,
        }
    }
}

/// Open the run a file describes and go to its step (at most `max_step`);
/// for a trace, check that the replay is the run it recorded
/// ([`verify_trace`]).
pub fn replay(opened: &Opened, max_step: u64) -> Result<Box<dyn Session>, FileError> {
    let run = opened.run();
    let mut session = crate::open(&run.setup).map_err(|e| setup_error(&e))?;
    session.seek(run.step.min(max_step));
    if let Opened::Trace { protocol, last, .. } = opened {
        let last = last.as_ref().filter(|_| run.step <= max_step);
        verify_trace(session.as_ref(), protocol.as_ref(), last)?;
    }
    Ok(session)
}

/// A file that cannot be opened: the field at fault (a JSON path such as
/// `config.nodes`, or `file` for the whole file) and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FileError {
    pub field: String,
    pub reason: String,
}

impl FileError {
    fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

/// The run file of `setup` shown at `step`, as compact JSON with a final
/// newline.
pub fn write_run(setup: &Setup, step: u64) -> String {
    /// The document, fields in the order a reader expects them.
    #[derive(serde::Serialize)]
    struct RunDoc<'a> {
        format: &'static str,
        version: u32,
        algo: &'static str,
        seed: u64,
        config: &'a sim::SimConfig,
        options: &'a crate::Options,
        actions: &'a [sim::Scheduled],
        step: u64,
    }
    let doc = RunDoc {
        format: RUN_FORMAT,
        version: RUN_VERSION,
        algo: setup.algo.name(),
        seed: setup.seed,
        config: &setup.sim,
        options: &setup.options,
        actions: &setup.actions,
        step,
    };
    // Through `dyn Write`, as the trace is, so serde's code for the config
    // and actions is the trace's, not a second copy.
    let mut out = Vec::new();
    serde_json::to_writer(&mut out as &mut dyn std::io::Write, &doc).expect("a run file serializes");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Read a run file or a trace.
pub fn open(text: &str) -> Result<Opened, FileError> {
    let head: Head = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_syntax() || e.is_eof() { "not JSON" } else { "not a run file or trace" };
        FileError::new("file", format!("{what}: {e}"))
    })?;
    match (&head.format, &head.steps) {
        (Some(Value::String(f)), _) if f == RUN_FORMAT => {
            version(&head.version, RUN_VERSION, "run file")?;
            let step = match &head.step {
                None => 0,
                Some(v) => v.as_u64().ok_or_else(|| FileError::new("step", expected("a whole number of steps", v)))?,
            };
            Ok(Opened::Run(RunFile { setup: setup_of(&head)?, step }))
        }
        (Some(other), _) => Err(FileError::new(
            "format",
            format!("expected {RUN_FORMAT:?} (a run file) or no format (a trace), got {other}"),
        )),
        (None, Some(steps)) => {
            version(&head.version, sim::TRACE_VERSION, "trace")?;
            let step = match &steps.last {
                None => 0,
                Some(last) => last.get("step").and_then(Value::as_u64).ok_or_else(|| {
                    FileError::new(format!("steps[{}].step", steps.count - 1), "missing or not a number")
                })?,
            };
            let protocol = head.config.as_ref().and_then(|c| c.get("protocol")).cloned();
            Ok(Opened::Trace { run: RunFile { setup: setup_of(&head)?, step }, protocol, last: steps.last.clone() })
        }
        (None, None) => Err(FileError::new(
            "file",
            format!("not a Clusterscope run file (no \"format\": {RUN_FORMAT:?}) or trace (no \"steps\")"),
        )),
    }
}

/// Check a trace against a replay of its inputs: the protocol settings the
/// trace records must be the ones its options give, and `session`, opened
/// from the trace's setup and gone to its last step, must be in the state
/// the trace recorded there.
pub fn verify_trace(session: &dyn Session, protocol: Option<&Value>, last: Option<&Value>) -> Result<(), FileError> {
    if let Some(recorded) = protocol {
        let replayed: Value = serde_json::from_str(&session.protocol_config_json()).expect("the config is JSON");
        if &replayed != recorded {
            return Err(FileError::new(
                "config.protocol",
                "these settings are not the ones the trace's options give (a trace of a run with changed \
                 settings written before traces recorded their options, or an edited file)",
            ));
        }
    }
    let Some(last) = last else { return Ok(()) };
    let state: Value = serde_json::from_str(&session.state_json()).expect("the state is JSON");
    for key in ["step", "time", "event", "nodes", "violation"] {
        if state.get(key) != last.get(key) {
            let step = last.get("step").and_then(Value::as_u64).unwrap_or_default();
            return Err(FileError::new(
                format!("steps[last].{key}"),
                format!(
                    "replaying the trace's inputs gives another {key} at step {step}: the trace was written by \
                     another version of the simulator, or edited"
                ),
            ));
        }
    }
    Ok(())
}

/// Everything but the steps is kept as JSON values, read field by field
/// below; the steps are counted and only the last is kept, so a trace of
/// tens of megabytes opens without holding its steps in memory.
#[derive(Deserialize)]
struct Head {
    format: Option<Value>,
    version: Option<Value>,
    algo: Option<Value>,
    seed: Option<Value>,
    config: Option<Value>,
    options: Option<Value>,
    actions: Option<Value>,
    step: Option<Value>,
    steps: Option<LastStep>,
}

/// The last element of a list and how many it had.
struct LastStep {
    count: u64,
    last: Option<Value>,
}

impl<'de> Deserialize<'de> for LastStep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Last;
        impl<'de> Visitor<'de> for Last {
            type Value = LastStep;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of steps")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LastStep, A::Error> {
                let mut out = LastStep { count: 0, last: None };
                while let Some(step) = seq.next_element::<Value>()? {
                    out.count += 1;
                    out.last = Some(step);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(Last)
    }
}

fn expected(what: &str, got: &Value) -> String {
    format!("expected {what}, got {got}")
}

fn version(v: &Option<Value>, known: u32, what: &str) -> Result<(), FileError> {
    let v = v.as_ref().ok_or_else(|| FileError::new("version", "missing"))?;
    match v.as_u64() {
        Some(n) if n == u64::from(known) => Ok(()),
        Some(n) if n > u64::from(known) => Err(FileError::new(
            "version",
            format!("this {what} was written by a newer Clusterscope (format {n}); this one reads format {known}"),
        )),
        _ => Err(FileError::new("version", expected(&format!("{known}"), v))),
    }
}

/// The setup a file's fields describe, checked as a link's parameters are.
fn setup_of(head: &Head) -> Result<Setup, FileError> {
    let missing = |field: &str| FileError::new(field, "missing");
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    // Each field as the query parameter it means, with the file's name for it.
    let mut pairs: Vec<(&'static str, String, String)> = Vec::new();
    pairs.push(("algo", "algo".into(), text(head.algo.as_ref().ok_or_else(|| missing("algo"))?)));
    pairs.push(("seed", "seed".into(), text(head.seed.as_ref().ok_or_else(|| missing("seed"))?)));
    let config = head.config.as_ref().ok_or_else(|| missing("config"))?;
    let config = config.as_object().ok_or_else(|| FileError::new("config", expected("an object", config)))?;
    for (key, value) in config {
        let param = match key.as_str() {
            "nodes" => "nodes",
            "drop" => "drop",
            "dup" => "dup",
            "network" => "network",
            "latency_ms" => "latency",
            // What the options made of the protocol's settings: checked
            // against a replay by `verify_trace`.
            "protocol" => continue,
            _ => return Err(FileError::new(format!("config.{key}"), "unknown setting")),
        };
        let value = match (param, value) {
            ("latency", Value::Array(range)) if range.len() == 2 => format!("{}..{}", range[0], range[1]),
            ("latency", other) => return Err(FileError::new("config.latency_ms", expected("[MIN, MAX]", other))),
            _ => text(value),
        };
        pairs.push((param, format!("config.{key}"), value));
    }
    if let Some(options) = &head.options {
        let options = options.as_object().ok_or_else(|| FileError::new("options", expected("an object", options)))?;
        for (key, value) in options {
            // Written as text; a number or a switch typed by hand is read too.
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => value.to_string(),
                _ => return Err(FileError::new(format!("options.{key}"), expected("text", value))),
            };
            pairs.push((option_param(key), format!("options.{key}"), value));
        }
    }
    if let Some(actions) = &head.actions {
        pairs.push(("actions", "actions".into(), actions.to_string()));
    }
    let query = query::parse(pairs.iter().map(|(param, _, value)| (*param, value.as_str())))
        .map_err(|e| file_error(&pairs, &e))?;
    // An option the algorithm does not have is an error in a file, which
    // names its settings exactly (a link ignores parameters it does not
    // know, since an embedding page may add its own).
    for (key, value) in head.options.iter().flat_map(|o| o.as_object()).flatten() {
        if !query.setup.options.contains_key(key) {
            let known: Vec<&str> = query.setup.algo.info().options.iter().map(|o| o.name).collect();
            let value = text(value);
            return Err(FileError::new(
                format!("options.{key}"),
                format!(
                    "{} has no setting {key:?} (value {value:?}); its settings: {}",
                    query.setup.algo.info().title,
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(query.setup)
}

/// An option's query parameter: its own name (options are `&name=value`
/// in a link), as a static string the link parser can name in errors.
fn option_param(key: &str) -> &'static str {
    crate::ALGOS
        .iter()
        .flat_map(|info| info.options.iter().map(|o| o.name))
        .chain([crate::options::BUG])
        .find(|name| *name == key)
        .unwrap_or("unknown-option")
}

/// A link parser's error, named by the file's field: the field that gave
/// the parameter, or where the file would give it (a setting left at its
/// default can still be at fault: `drift_allowance_ms` against a short
/// `ttl_ms`).
fn file_error(pairs: &[(&'static str, String, String)], e: &SetupError) -> FileError {
    match pairs.iter().find(|(param, _, _)| *param == e.field) {
        Some((_, field, _)) => FileError::new(field.as_str(), e.reason.clone()),
        None => setup_error(e),
    }
}

/// A setup's error named by the file field that holds the setting.
fn setup_error(e: &SetupError) -> FileError {
    let field = match e.field {
        "algo" | "seed" | "actions" => e.field.to_string(),
        "nodes" | "drop" | "dup" | "network" => format!("config.{}", e.field),
        "latency" => "config.latency_ms".to_string(),
        option => format!("options.{option}"),
    };
    FileError::new(field, e.reason.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{open as open_setup, Algo};

    fn sample() -> Setup {
        let mut setup = Setup::new(Algo::Raft);
        setup.seed = 42;
        setup.sim.drop = 0.05;
        setup.options.insert("heartbeat_ms".into(), "30".into());
        setup.actions = sim::parse_actions(r#"[{"step":40,"do":"crash","node":2}]"#, 5).unwrap();
        setup
    }

    #[test]
    fn run_files_round_trip() {
        let text = write_run(&sample(), 120);
        assert!(
            text.starts_with(r#"{"format":"clusterscope-run","version":1,"algo":"raft","seed":42,"config":{"#),
            "{text}"
        );
        assert_eq!(open(&text).unwrap(), Opened::Run(RunFile { setup: sample(), step: 120 }));
    }

    #[test]
    fn traces_open_at_their_last_step_and_check_against_a_replay() {
        let mut session = open_setup(&sample()).unwrap();
        session.seek(300);
        let trace = session.trace_json();
        let opened = open(&trace).unwrap();
        let Opened::Trace { run, last, .. } = &opened else { panic!("a trace") };
        assert_eq!(run, &RunFile { setup: sample(), step: 300 });
        let mut replay = super::replay(&opened, u64::MAX).unwrap();
        assert_eq!(replay.steps(), 300);
        assert_eq!(replay.trace_json(), trace);
        let doc: Value = serde_json::from_str(&trace).unwrap();

        // A step of another run is caught.
        replay.seek(299);
        let err = verify_trace(replay.as_ref(), None, last.as_ref()).unwrap_err();
        assert_eq!(err.field, "steps[last].step");
        // Settings the options do not give are caught.
        let mut other = doc["config"]["protocol"].clone();
        other["heartbeat_ms"] = 50.into();
        replay.seek(300);
        assert_eq!(verify_trace(replay.as_ref(), Some(&other), None).unwrap_err().field, "config.protocol");
    }

    #[test]
    fn a_range_of_a_trace_opens_as_the_whole_run() {
        let mut session = open_setup(&sample()).unwrap();
        session.seek(400);
        let mut part = Vec::new();
        session.write_trace_range(301, 350, &mut part).unwrap();
        let part = String::from_utf8(part).unwrap();
        let doc: Value = serde_json::from_str(&part).unwrap();
        let steps: Vec<u64> = doc["steps"].as_array().unwrap().iter().map(|s| s["step"].as_u64().unwrap()).collect();
        assert_eq!(steps, (301..=350).collect::<Vec<_>>());
        let whole: Value = serde_json::from_str(&session.trace_json()).unwrap();
        assert_eq!(doc["steps"][0], whole["steps"][300], "the same step as in the whole trace");
        let opened = open(&part).unwrap();
        assert_eq!(opened.run().step, 350);
        assert_eq!(super::replay(&opened, u64::MAX).unwrap().steps(), 350);
    }

    #[test]
    fn a_default_setting_at_fault_is_named_where_the_file_would_give_it() {
        // Found by the fuzzer: a lease of 1 ms is shorter than the default drift allowance.
        let mut setup = Setup::new(crate::Algo::LockFenced);
        setup.options.insert("ttl_ms".into(), "2".into());
        let text = write_run(&setup, 5).replace(r#""ttl_ms":"2""#, r#""ttl_ms":"1""#);
        let err = open(&text).unwrap_err();
        assert_eq!(err.field, "options.drift_allowance_ms", "{err}");
    }

    #[test]
    fn bad_files_name_the_field() {
        let good: Value = serde_json::from_str(&write_run(&sample(), 9)).unwrap();
        let with = |path: &[&str], value: Value| {
            let mut doc = good.clone();
            let mut at = &mut doc;
            for key in &path[..path.len() - 1] {
                at = &mut at[*key];
            }
            at[path[path.len() - 1]] = value;
            open(&doc.to_string()).unwrap_err()
        };
        for (path, value, field) in [
            (&["algo"][..], Value::from("raftt"), "algo"),
            (&["seed"], Value::from(-1), "seed"),
            (&["config", "nodes"], Value::from(12), "config.nodes"),
            (&["config", "drop"], Value::from(2), "config.drop"),
            (&["config", "latency_ms"], Value::from(10), "config.latency_ms"),
            (&["config", "latency_ms"], serde_json::json!([40, 10]), "config.latency_ms"),
            (&["config", "speed"], Value::from(1), "config.speed"),
            (&["options", "heartbeat_ms"], Value::from("0"), "options.heartbeat_ms"),
            (&["options", "heartbeat_ms"], serde_json::json!([30]), "options.heartbeat_ms"),
            (&["options", "vnodes"], Value::from("3"), "options.vnodes"),
            (&["actions"], serde_json::json!([{"step": 1, "do": "crash", "node": 9}]), "actions"),
            (&["step"], Value::from("x"), "step"),
            (&["version"], Value::from(2), "version"),
            (&["format"], Value::from("clusterscope-tour"), "format"),
        ] {
            let err = with(path, value);
            assert_eq!(err.field, field, "{path:?}: {err}");
        }
        assert!(with(&["version"], Value::from(2)).reason.contains("newer Clusterscope"));
        for (text, reason) in [
            ("{\"format\": ", "not JSON"),
            ("[1, 2]", "not a run file or trace"),
            ("{\"hello\": 1}", "not a Clusterscope run file"),
        ] {
            let err = open(text).unwrap_err();
            assert_eq!(err.field, "file", "{text}");
            assert!(err.reason.starts_with(reason), "{text}: {err}");
        }
    }
}
