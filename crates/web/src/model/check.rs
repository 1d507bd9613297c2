//! The model checker's panel, free of Yew and the browser: the budgets as
//! the user typed them, checked at the edge into a [`Request`] for the
//! worker (the `checker` crate's module, which [`lab::explore::explore`]s
//! it), what a running check last said, and its outcome. The host starts and stops the Web Worker when
//! [`Checker::start`] or [`Checker::stop_worker`] say so.

use lab::decimal::thousands;
use lab::Setup;
use serde::Deserialize;
use std::rc::Rc;

/// The panel's fields: name, label, default. `strategy` is `bfs`, `dfs`
/// or `random`; `commands` is a comma-separated list; `memory_mb` may be
/// empty (no cap); `crash_mid_step` and `symmetry` are `true` or `false`
/// (checkboxes).
pub const FIELDS: &[(&str, &str, &str)] = &[
    ("depth", "Depth (choices per path)", "12"),
    ("crashes", "Crashes per path", "0"),
    ("crash_mid_step", "Crashes may also cut a step short", "false"),
    ("symmetry", "Merge states that differ by renaming interchangeable nodes", "false"),
    ("drops", "Drops per path", "0"),
    ("dups", "Duplicates per path", "0"),
    ("requests", "Client requests per path", "0"),
    ("commands", "Client commands (comma-separated)", "x=1"),
    ("max_states", "Most unique states", "1000000"),
    ("memory_mb", "Memory cap (MB)", "512"),
    ("strategy", "Search order", "bfs"),
    ("walks", "Random walks", "1000"),
    ("walk_seed", "Seed of the walks", "1"),
];

/// What the worker is asked: the run to start from and the budgets
/// ([`read`] checks them at the edge).
pub use lab::explore::Request;

/// A bad field: its name and what is wrong.
pub type FieldError = (&'static str, String);

/// Read the fields into a request for `run` (a run file's text).
pub fn read(fields: &[(&'static str, String)], run: String) -> Result<Request, FieldError> {
    let get = |name: &'static str| fields.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.trim());
    let int = |name: &'static str, lo: u64, hi: u64| -> Result<u64, FieldError> {
        let text = get(name);
        match text.parse::<u64>() {
            Ok(v) if (lo..=hi).contains(&v) => Ok(v),
            _ => Err((name, format!("{name}: expected a whole number from {lo} to {hi}, got {text:?}"))),
        }
    };
    let strategy = get("strategy").to_string();
    if !check::Strategy::NAMES.contains(&strategy.as_str()) {
        return Err(("strategy", format!("strategy: expected bfs, dfs or random, got {strategy:?}")));
    }
    let commands: Vec<String> =
        get("commands").split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
    if commands.is_empty() {
        return Err(("commands", "commands: give at least one client command, like x=1".into()));
    }
    let flag = |name: &'static str| match get(name) {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        other => Err((name, format!("{name}: expected true or false, got {other:?}"))),
    };
    let crash_mid_step = flag("crash_mid_step")?;
    let symmetry = flag("symmetry")?;
    let memory_mb = match get("memory_mb") {
        "" => None,
        _ => Some(int("memory_mb", 1, 4096)?),
    };
    Ok(Request {
        run,
        depth: int("depth", 1, 10_000)? as u32,
        crashes: int("crashes", 0, 100)? as u32,
        drops: int("drops", 0, 100)? as u32,
        dups: int("dups", 0, 100)? as u32,
        requests: int("requests", 0, 100)? as u32,
        max_states: int("max_states", 1, 1_000_000_000)?,
        memory_mb,
        strategy,
        walks: int("walks", 1, 1_000_000_000)?,
        walk_seed: int("walk_seed", 0, u64::MAX)?,
        commands,
        crash_mid_step,
        symmetry,
        panic_for_test: false,
    })
}

pub use lab::explore::root_setup;

/// Live counters of a running check (the main thread adds the time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
pub struct Live {
    pub generated: u64,
    pub unique: u64,
    pub depth: u32,
    /// The worker's wasm memory, in MB.
    pub memory_mb: f64,
    /// Since the check was started, in ms.
    #[serde(default)]
    pub elapsed_ms: f64,
}

impl Live {
    pub fn per_second(&self) -> f64 {
        if self.elapsed_ms > 0.0 {
            self.unique as f64 * 1000.0 / self.elapsed_ms
        } else {
            0.0
        }
    }
}

/// Why the search stopped, as the worker reports it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct StopJson {
    pub reason: String,
    pub used_mb: Option<u64>,
}

/// A violated property, as the worker reports it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Violation {
    pub property: String,
    pub detail: String,
    pub step: u64,
}

/// A finished check.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Outcome {
    pub unique: u64,
    pub generated: u64,
    pub depth: u32,
    pub stop: StopJson,
    pub violation: Option<Violation>,
    /// The counterexample as a run file: the run's actions to the step
    /// checked from, then the choices found, shown at the violating step.
    pub counterexample: Option<String>,
    pub from_step: u64,
    pub seconds: f64,
    /// The worker's wasm memory at the end, in MB.
    pub memory_mb: f64,
    /// With symmetry reduction: the groups of interchangeable nodes.
    #[serde(default)]
    pub symmetry_groups: Option<Vec<Vec<u32>>>,
    /// Nothing was scheduled where the search started ([`check::Report::idle_root`]).
    #[serde(default)]
    pub idle_root: bool,
}

impl Outcome {
    /// The symmetry reduction in words, when it was on: states that differ
    /// by renaming the nodes of a group were merged.
    pub fn symmetry_text(&self) -> Option<String> {
        let groups = self.symmetry_groups.as_ref()?;
        if groups.is_empty() {
            return Some("Symmetry: no interchangeable nodes in this setup, nothing merged.".to_string());
        }
        let named: Vec<String> = groups
            .iter()
            .map(|g| format!("{{{}}}", g.iter().map(|n| format!("node {n}")).collect::<Vec<_>>().join(", ")))
            .collect();
        Some(format!("Symmetry: states equal up to renaming {} merged.", named.join(" and ")))
    }

    /// The result in a sentence.
    pub fn summary(&self, budgets: &Request) -> String {
        if let Some(v) = &self.violation {
            return format!("{} violated at step {}: {}", v.property, v.step, v.detail);
        }
        let why = match self.stop.reason.as_str() {
            "exhausted" => "finished".to_string(),
            "depth" => "depth bound".to_string(),
            "max-states" => format!("state cap of {}", thousands(budgets.max_states)),
            "memory-cap" => format!(
                "memory cap of {} MB reached ({} MB used)",
                budgets.memory_mb.unwrap_or(0),
                self.stop.used_mb.unwrap_or(0)
            ),
            "walks" => format!("{} random walks taken", budgets.walks),
            other => other.to_string(),
        };
        let states = if self.unique == 1 { "state" } else { "states" };
        let mut text = format!(
            "No violation within budgets ({} unique {states}, depth {}, {why})",
            thousands(self.unique),
            self.depth
        );
        if check::waits_for_client(self.idle_root, &budgets.options().budgets) {
            text += &format!(
                ". Nothing is scheduled at step {}: the protocol waits for a client, and no client request \
                 was allowed, so no client operation could start. Allow one or more client requests per \
                 path.",
                self.from_step
            );
        }
        text
    }
}

/// Where a check is.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Running(Option<Live>),
    Done(Rc<Outcome>),
    Failed(String),
    Cancelled(Option<Live>),
}

impl Status {
    /// The status in a word (`checkStatus()`, the panel's `data-status`).
    pub fn name(&self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Running(_) => "running",
            Status::Done(_) => "done",
            Status::Failed(_) => "failed",
            Status::Cancelled(_) => "cancelled",
        }
    }
}

/// What the panel and a script can ask of the checker.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckCmd {
    /// Open or close the panel.
    Open(bool),
    /// A field typed (kept as typed; checked at Start).
    Field {
        name: String,
        value: String,
    },
    /// Check from the current step; the pairs (a script's) replace fields
    /// first.
    Start(Vec<(String, String)>),
    Cancel,
    /// The worker of check `ticket` says how far it got.
    Progress {
        ticket: u64,
        live: Live,
    },
    /// The worker of check `ticket` finished: its outcome's JSON.
    Done {
        ticket: u64,
        json: String,
    },
    /// The worker of check `ticket` failed (a panic, or it could not start).
    Failed {
        ticket: u64,
        error: String,
    },
    /// Open the counterexample found as the run, at the violating step.
    LoadCounterexample,
    /// Set up the check that finds the run's bug from the start
    /// ([`lab::recipes`]): the core opens the recipe's world at step 0 and
    /// then [`Checker::use_recipe`] fills in the budgets.
    UseRecipe,
}

/// The panel's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Checker {
    pub open: bool,
    pub fields: Vec<(&'static str, String)>,
    /// The field the last Start refused, and why.
    pub invalid: Option<FieldError>,
    pub status: Status,
    /// The request of the running (or last) check.
    pub request: Option<Rc<Request>>,
    /// What was changed about the run's network for the check.
    pub note: Option<String>,
    /// Which check is current: messages of older workers are ignored.
    pub ticket: u64,
    /// A check to hand to a new worker (the host takes it).
    pub start: Option<(u64, Rc<Request>)>,
    /// The host should end the running worker.
    pub stop_worker: bool,
    /// Someone chose the client requests per path (the field, or a
    /// script's budgets): the panel no longer suggests a number.
    pub requests_chosen: bool,
}

impl Default for Checker {
    fn default() -> Self {
        Self {
            open: false,
            fields: FIELDS.iter().map(|(n, _, d)| (*n, d.to_string())).collect(),
            invalid: None,
            status: Status::Idle,
            request: None,
            note: None,
            ticket: 0,
            start: None,
            stop_worker: false,
            requests_chosen: false,
        }
    }
}

impl Checker {
    pub fn running(&self) -> bool {
        matches!(self.status, Status::Running(_))
    }

    fn set_field(&mut self, name: &str, value: String) -> Result<(), String> {
        let Some(slot) = self.fields.iter_mut().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
            return Err(format!("unknown check field {name:?}; known: {}", known.join(", ")));
        };
        slot.1 = value;
        self.requests_chosen |= name == "requests";
        if self.invalid.as_ref().is_some_and(|(n, _)| *n == name) {
            self.invalid = None;
        }
        Ok(())
    }

    /// The panel opens on a world with nothing scheduled at `step`: the
    /// protocol waits for a client, and with no request allowed a check
    /// explores that one state. Unless someone chose a number, allow one
    /// and say why.
    pub fn suggest_a_client(&mut self, step: u64) {
        if self.requests_chosen || self.running() {
            return;
        }
        let Some(slot) = self.fields.iter_mut().find(|(n, _)| *n == "requests") else { return };
        if slot.1 != "0" {
            return;
        }
        slot.1 = "1".to_string();
        self.note = Some(format!(
            "Client requests per path is 1: nothing is scheduled at step {step}, the protocol waits for a client."
        ));
    }

    /// Fill in the budgets of `recipe` (breadth-first, for the shortest
    /// counterexample) and say so; Start is the user's.
    pub fn use_recipe(&mut self, recipe: &lab::recipes::Recipe) {
        for (name, value) in recipe.fields() {
            if let Some(slot) = self.fields.iter_mut().find(|(n, _)| *n == name) {
                slot.1 = value;
            }
        }
        self.open = true;
        self.requests_chosen = true;
        self.invalid = None;
        self.note =
            Some(format!("Budgets set to find bug={} from step 0: {}. Press Start.", recipe.bug, recipe.describe()));
    }

    /// Apply `cmd`; `run` gives the current run (setup with actions, step)
    /// for Start. Returns a run file to open for LoadCounterexample.
    pub fn apply(&mut self, cmd: CheckCmd, run: impl FnOnce() -> (Setup, u64)) -> Result<Option<String>, String> {
        match cmd {
            CheckCmd::Open(open) => self.open = open,
            CheckCmd::Field { name, value } => self.set_field(&name, value)?,
            CheckCmd::Start(pairs) => {
                self.open = true;
                for (name, value) in pairs {
                    self.set_field(&name, value)?;
                }
                let (setup, step) = run();
                let (root, note) = root_setup(&setup, step);
                // A bad field is shown at the field, not as an error of the
                // command (a script reads it from `invalid`).
                let request = match read(&self.fields, lab::file::write_run(&root, step)) {
                    Ok(request) => request,
                    Err(e) => {
                        self.invalid = Some(e);
                        return Ok(None);
                    }
                };
                self.invalid = None;
                self.stop_worker = self.running();
                self.ticket += 1;
                let request = Rc::new(request);
                self.request = Some(request.clone());
                self.start = Some((self.ticket, request));
                self.note = note;
                self.status = Status::Running(None);
            }
            CheckCmd::Cancel => {
                if let Status::Running(live) = self.status {
                    self.stop_worker = true;
                    self.start = None;
                    self.status = Status::Cancelled(live);
                }
            }
            CheckCmd::Progress { ticket, live } if ticket == self.ticket && self.running() => {
                self.status = Status::Running(Some(live))
            }
            CheckCmd::Done { ticket, json } if ticket == self.ticket && self.running() => {
                self.stop_worker = true;
                self.status = match serde_json::from_str::<Outcome>(&json) {
                    Ok(outcome) => Status::Done(Rc::new(outcome)),
                    Err(e) => Status::Failed(format!("the checker's report could not be read: {e}")),
                };
            }
            CheckCmd::Failed { ticket, error } if ticket == self.ticket && self.running() => {
                self.stop_worker = true;
                self.status = Status::Failed(error);
            }
            CheckCmd::Progress { .. } | CheckCmd::Done { .. } | CheckCmd::Failed { .. } => {}
            // The core's: it opens the world first (`Core::check_cmd`).
            CheckCmd::UseRecipe => {}
            CheckCmd::LoadCounterexample => {
                let Status::Done(outcome) = &self.status else { return Err("no check has finished".into()) };
                let run = outcome.counterexample.clone().ok_or("the check found no violation")?;
                return Ok(Some(run));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
