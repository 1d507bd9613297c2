//! Clusterscope in the browser: a Yew + canvas view over the deterministic
//! simulator (`sim`), with the algorithms from the `lab` catalog.
//!
//! - [`core`]: the controller (world, view clock, selection), free of Yew;
//! - [`scene`] and [`render`]: what the canvas shows, and drawing it;
//! - [`app`], [`frame`], [`keys`]: the Yew components, the animation loop,
//!   keyboard shortcuts;
//! - [`api`]: `window.clusterscope`, the scripting API;
//! - [`url`]: the query string that reproduces a view;
//! - [`panic`]: the error panel shown instead of a blank page;
//! - [`bench`]: the synthetic render benchmark (`?render-bench=100x5000`);
//! - [`sim_bench`]: the simulator benchmark in wasm (`?sim-bench=5`).
//!
//! Built with `trunk build --release`; on the host it compiles (so
//! `cargo test --workspace` runs the pure modules' tests) but does nothing.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code, unused_imports))]

mod api;
mod app;
mod bench;
mod core;
mod frame;
mod keys;
mod lock_view;
mod options_panel;
mod panic;
mod paxos_view;
mod render;
mod ring_panel;
mod ring_view;
mod scene;
mod sim_bench;
mod text;
mod url;

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        panic::install();
        if let Some(loading) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("loading"))
        {
            loading.remove();
        }
        if sim_bench::run_if_asked() {
            return;
        }
        yew::Renderer::<app::App>::new().render();
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("The Clusterscope app runs in a browser: build it with `trunk build --release` (see README).");
}
