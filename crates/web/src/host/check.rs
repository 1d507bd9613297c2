//! The page's side of the model checker: it starts a module Web Worker
//! (`check-worker.js`, next to `index.html`) when the core asks for a
//! check, turns what the worker posts into [`CheckCmd`]s, ends the worker
//! on cancel (`Worker.terminate`: a new worker runs the next check), and
//! settles the promises of `window.clusterscope.check()`.
//!
//! The worker runs a wasm module of its own, the `checker` crate (the
//! simulator and the checker, no page), fetched the first time a check
//! starts (prefetched when the panel first opens): the page's module
//! carries no model checker. The worker's URL
//! carries this module's name (`?v=web-HASH`, trunk's content hash) and
//! the worker fetches its module with it, so a page never runs with a
//! cached checker of another build.

use crate::model::check::{CheckCmd, Live, Status};
use crate::model::cmd::{Cmd, Input};
use crate::model::core::Core;
use js_sys::{Function, Object, Reflect, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

/// The worker script, relative to the page (so under any sub-path).
pub const WORKER_SCRIPT: &str = "check-worker.js";

/// A running worker and its handlers (dropped with it).
struct Running {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(ErrorEvent)>,
}

/// A script's `check()` waiting for check `ticket`.
struct Waiter {
    ticket: u64,
    resolve: Function,
    reject: Function,
}

/// The worker, the waiting promises, and the last outcome's JSON.
#[derive(Default)]
pub struct CheckHost {
    running: Option<Running>,
    waiters: Vec<Waiter>,
    /// `(ticket, outcome JSON)` of the last check that finished.
    outcome: Option<(u64, String)>,
    /// Whether the checker's files were prefetched (once, when the panel
    /// first opened).
    prefetched: bool,
}

pub type Shared = Rc<RefCell<CheckHost>>;

impl CheckHost {
    /// A promise settled when check `ticket` ends: the outcome, or an Error.
    pub fn wait(host: &Shared, ticket: u64) -> js_sys::Promise {
        let host = host.clone();
        js_sys::Promise::new(&mut |resolve, reject| {
            host.borrow_mut().waiters.push(Waiter { ticket, resolve, reject });
        })
    }

    fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.worker.terminate();
        }
    }
}

/// Do what the core asks (end the worker, start one) and settle promises;
/// run after every command.
pub fn sync(host: &Shared, core: &Rc<RefCell<Core>>, dispatch: &Callback<Input>) {
    let Ok(mut core) = core.try_borrow_mut() else { return };
    let check = &mut core.check;
    let mut host_ref = host.borrow_mut();
    if !host_ref.prefetched && (check.open || check.start.is_some()) {
        host_ref.prefetched = true;
        // A check starting now fetches the files itself.
        if check.start.is_none() {
            prefetch();
        }
    }
    if std::mem::take(&mut check.stop_worker) {
        host_ref.stop();
    }
    if let Some((ticket, request)) = check.start.take() {
        host_ref.stop();
        let json = serde_json::to_string(&*request).expect("a request serializes");
        match spawn(host, ticket, &json, dispatch) {
            Ok(running) => host_ref.running = Some(running),
            Err(e) => {
                let error = format!("the checker's worker could not start: {e}");
                let dispatch = dispatch.clone();
                // After this command, as the worker's own messages arrive.
                gloo::timers::callback::Timeout::new(0, move || {
                    dispatch.emit(Input::Ui(Cmd::Check(CheckCmd::Failed { ticket, error })))
                })
                .forget();
            }
        }
    }
    let (ticket, status) = (check.ticket, check.status.clone());
    let outcome = host_ref.outcome.clone();
    let waiters = std::mem::take(&mut host_ref.waiters);
    drop(host_ref);
    for w in waiters {
        let settled = if w.ticket != ticket {
            Some(Err("check: another check was started".to_string()))
        } else {
            match &status {
                Status::Done(_) => Some(Ok(outcome.as_ref().filter(|(t, _)| *t == ticket).map(|(_, j)| j.clone()))),
                Status::Failed(e) => Some(Err(format!("check: {e}"))),
                Status::Cancelled(_) => Some(Err("check: cancelled".to_string())),
                Status::Idle | Status::Running(_) => None,
            }
        };
        match settled {
            None => host.borrow_mut().waiters.push(w),
            Some(Ok(json)) => {
                let value = json.and_then(|j| JSON::parse(&j).ok()).unwrap_or(JsValue::NULL);
                let _ = w.resolve.call1(&JsValue::NULL, &value);
            }
            Some(Err(e)) => {
                let _ = w.reject.call1(&JsValue::NULL, &js_sys::Error::new(&e));
            }
        }
    }
}

fn spawn(host: &Shared, ticket: u64, request: &str, dispatch: &Callback<Input>) -> Result<Running, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let base = document.base_uri().ok().flatten().ok_or("no base URL")?;
    let script = format!("{WORKER_SCRIPT}?v={}", build_name());
    let url = web_sys::Url::new_with_base(&script, &base).map_err(|_| "bad worker URL")?.href();
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(&url, &options).map_err(|e| describe(&e))?;
    let started = js_sys::Date::now();
    let on_message = {
        let dispatch = dispatch.clone();
        let host = host.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let text = event.data().as_string().unwrap_or_default();
            let cmd = message(&text, ticket, js_sys::Date::now() - started, &host);
            dispatch.emit(Input::Ui(Cmd::Check(cmd)));
        })
    };
    let on_error = {
        let dispatch = dispatch.clone();
        Closure::<dyn Fn(ErrorEvent)>::new(move |event: ErrorEvent| {
            let error = format!("the checker's worker failed: {}", event.message());
            dispatch.emit(Input::Ui(Cmd::Check(CheckCmd::Failed { ticket, error })));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let start = Object::new();
    let _ = Reflect::set(&start, &"request".into(), &request.into());
    worker.post_message(&start).map_err(|e| describe(&e))?;
    Ok(Running { worker, _on_message: on_message, _on_error: on_error })
}

/// The files the worker fetches, named as it fetches them.
const CHECKER_FILES: [&str; 3] = [WORKER_SCRIPT, "checker.js", "checker_bg.wasm"];

/// Ask the browser to fetch the checker's files into its cache while the
/// user fills in the panel, so the first check starts without waiting for
/// them (`<link rel="prefetch">`: idle priority, never run).
fn prefetch() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(head) = document.query_selector("head").ok().flatten() else { return };
    let build = build_name();
    for file in CHECKER_FILES {
        if let Ok(link) = document.create_element("link") {
            let _ = link.set_attribute("rel", "prefetch");
            let _ = link.set_attribute("href", &format!("{file}?v={build}"));
            let _ = head.append_child(&link);
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's wasm-bindgen glue (`import.meta.url` read
    /// inside the glue).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// This build's name: the glue's file name without `.js` (`web-HASH`,
/// which changes with the build), URL-safe.
fn build_name() -> String {
    let url = GLUE_URL.with(String::clone);
    let file = url.rsplit('/').next().unwrap_or_default();
    let stem = file.split(['?', '#']).next().unwrap_or_default();
    stem.strip_suffix(".js").unwrap_or(stem).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

/// The command for one message of the worker of check `ticket`.
fn message(text: &str, ticket: u64, elapsed_ms: f64, host: &Shared) -> CheckCmd {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => return CheckCmd::Failed { ticket, error: format!("the worker said something unexpected: {text:?}") },
    };
    match value.get("kind").and_then(|k| k.as_str()) {
        Some("progress") => match serde_json::from_value::<Live>(value) {
            Ok(live) => CheckCmd::Progress { ticket, live: Live { elapsed_ms, ..live } },
            Err(e) => CheckCmd::Failed { ticket, error: format!("bad progress message: {e}") },
        },
        Some("done") => {
            let json = value.get("outcome").map(|o| o.to_string()).unwrap_or_default();
            host.borrow_mut().outcome = Some((ticket, json.clone()));
            CheckCmd::Done { ticket, json }
        }
        _ => {
            let error = value.get("message").and_then(|m| m.as_str()).unwrap_or(text).to_string();
            CheckCmd::Failed { ticket, error }
        }
    }
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
}
