//! The app's model checker, as a wasm module of its own for a Web Worker.
//!
//! `www/check-worker.js` (a module worker the page starts, see the web
//! crate's `host::check`) imports this module's wasm-bindgen glue, which
//! trunk builds as `checker.js` and `checker_bg.wasm` (`data-type="worker"`
//! in `index.html`), and calls [`clusterscope_check_worker`] with the
//! page's request. The page's module carries no model checker: this module
//! is fetched the first time a check starts.
//!
//! What it does is [`lab::explore`]'s, tested on the host: read the
//! request, replay its run to its step, explore from there. Messages to the
//! page are JSON strings with a `kind`: `progress` (generated, unique,
//! depth, memory_mb; at most every [`PROGRESS_EVERY_MS`]), then `done` (the
//! outcome, [`lab::explore::outcome_json`]) or `error` (a panic, or a
//! request that cannot be read).
//!
//! On the host it compiles (so `cargo clippy --workspace` sees it) and does
//! nothing.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code, unused_imports))]

/// The allocator: Talc, as in the page's module (the checker allocates a
/// world per state it keeps).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Least time between two progress messages, in ms: steady, not per state.
pub const PROGRESS_EVERY_MS: f64 = 100.0;

/// Nothing runs at start: the worker calls [`clusterscope_check_worker`].
fn main() {}

#[cfg(target_arch = "wasm32")]
mod worker {
    use super::PROGRESS_EVERY_MS;
    use lab::explore::Request;
    use std::sync::atomic::{AtomicU64, Ordering};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    fn post(json: String) {
        if let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
            let _ = scope.post_message(&JsValue::from_str(&json));
        }
    }

    fn error(message: &str) -> String {
        serde_json::json!({ "kind": "error", "message": message }).to_string()
    }

    /// The worker's wasm memory in MB (a wasm memory only grows: this is
    /// its high-water mark).
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
        match lab::explore::explore(&request, &hooks) {
            Ok((report, counterexample, from_step)) => {
                let seconds = (js_sys::Date::now() - start) / 1000.0;
                let outcome = lab::explore::outcome_json(&report, counterexample, from_step, seconds, memory_mb());
                post(format!("{{\"kind\":\"done\",\"outcome\":{outcome}}}"));
            }
            Err(e) => post(error(&format!("the run could not be checked: {e}"))),
        }
    }
}
