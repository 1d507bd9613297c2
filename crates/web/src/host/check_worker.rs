//! The model checker's Web Worker, on the app's own wasm module: no
//! second binary. `www/check-worker.js` (a module worker started by
//! [`super::check`]) imports this module's wasm-bindgen glue by the URL the
//! page sends it ([`glue_url`]), initialises the same `.wasm` (already in
//! the HTTP cache), and calls [`clusterscope_check_worker`] with the
//! request. `main` sees there is no `window` and mounts nothing.
//!
//! Messages to the page are JSON strings with a `kind`: `progress`
//! (generated, unique, depth, memory_mb; at most every
//! [`PROGRESS_EVERY_MS`]), then `done` (the outcome,
//! [`crate::model::check_run::outcome_json`]) or `error` (a panic, or a
//! request that cannot be read).

use crate::model::check::Request;
use crate::model::check_run;
use std::sync::atomic::{AtomicU64, Ordering};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Least time between two progress messages, in ms: steady, not per state.
pub const PROGRESS_EVERY_MS: f64 = 100.0;

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's wasm-bindgen glue (`import.meta.url` read
    /// inside the glue): the worker imports it, under any sub-path.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// The glue's URL, for the page to hand to the worker.
pub fn glue_url() -> String {
    GLUE_URL.with(String::clone)
}

/// Whether this wasm instance runs in a worker (no `window`).
pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>().is_ok()
}

fn post(json: String) {
    if let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
        let _ = scope.post_message(&JsValue::from_str(&json));
    }
}

fn error(message: &str) -> String {
    serde_json::json!({ "kind": "error", "message": message }).to_string()
}

/// The worker's wasm memory in MB (a wasm memory only grows: this is its
/// high-water mark).
fn memory_mb() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length()) / (1024.0 * 1024.0)
}

/// Run the check the page asked for and post what happens.
#[wasm_bindgen]
pub fn clusterscope_check_worker(request: String) {
    // A panic shows in the checker's panel, not as a silent worker.
    std::panic::set_hook(Box::new(|info| post(error(&format!("the checker stopped: {info}")))));
    let request: Request = match serde_json::from_str(&request) {
        Ok(r) => r,
        Err(e) => return post(error(&format!("the check request could not be read: {e}"))),
    };
    if request.panic_for_test {
        panic!("test panic requested through window.clusterscope.__checkPanicForTest()");
    }
    let start = js_sys::Date::now();
    // The last progress time, as f64 bits (the hooks must be Sync).
    let last = AtomicU64::new(start.to_bits());
    let progress = move |p: check::Progress| {
        let now = js_sys::Date::now();
        if now - f64::from_bits(last.load(Ordering::Relaxed)) >= PROGRESS_EVERY_MS {
            last.store(now.to_bits(), Ordering::Relaxed);
            let json = serde_json::json!({
                "kind": "progress", "generated": p.generated, "unique": p.unique,
                "depth": p.depth, "memory_mb": memory_mb(),
            });
            post(json.to_string());
        }
    };
    let memory = || memory_mb() as u64;
    let hooks = check::Hooks { progress: Some(&progress), memory_mb: Some(&memory) };
    match check_run::explore(&request, &hooks) {
        Ok((report, counterexample, from_step)) => {
            let seconds = (js_sys::Date::now() - start) / 1000.0;
            let outcome = check_run::outcome_json(&report, counterexample, from_step, seconds, memory_mb());
            post(format!("{{\"kind\":\"done\",\"outcome\":{outcome}}}"));
        }
        Err(e) => post(error(&format!("the run could not be checked: {e}"))),
    }
}
