//! Clusterscope in the browser: a Yew + canvas view over the deterministic
//! simulator (`sim`), with the algorithms from the `lab` catalog.
//!
//! Layers, each importing only those before it:
//!
//! 0. [`math`]: the drawing's trigonometry (the JavaScript engine's in the
//!    browser);
//! 1. [`model`]: the controller ([`model::core::Core`], one [`model::cmd::Cmd`]
//!    per input), the scene and layout, words for the page; no Yew, no
//!    `web_sys`, all tested on the host;
//! 2. [`canvas`]: colours, drawing, the ring's layer, the animation loop;
//! 3. [`components`]: the Yew components (toolbar, inspector, safety
//!    properties, event log, help, options, generic and per-protocol panels);
//! 4. [`app`]: the reducer and the page;
//! 5. [`host`]: `window.clusterscope`, `postMessage`, keys, URL, clipboard,
//!    panic panel, the simulator benchmark page;
//! 6. [`shell`]: the root component that mounts all of it.
//!
//! Built with `trunk build --release`; on the host it compiles (so
//! `cargo test --workspace` runs the pure modules' tests) but does nothing.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code, unused_imports))]

mod app;
mod canvas;
mod components;
mod host;
mod math;
mod model;
mod shell;

/// The allocator: Talc instead of Rust's default dlmalloc, which the
/// simulator's hot path (messages, log chunks, the event queue's nodes)
/// calls on every event; see README, "Numbers".
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        host::panic::install();
        if let Some(loading) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("loading"))
        {
            loading.remove();
        }
        if host::sim_bench::run_if_asked() {
            return;
        }
        yew::Renderer::<shell::App>::new().render();
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("The Clusterscope app runs in a browser: build it with `trunk build --release` (see README).");
}
