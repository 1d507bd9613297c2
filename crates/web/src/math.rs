//! The transcendental functions the drawing uses (angles on a circle,
//! arrowheads, a zoom factor, the speed slider's log scale).
//!
//! In the browser they are the JavaScript engine's `Math` functions, which
//! the page has anyway, so the app ships no copy of the Rust library's
//! (`sin`, `cos`, their argument reduction, `pow`, `exp`, `atan2`, `log10`:
//! about 12 KB of wasm before wasm-opt). On the host, where the model's
//! tests run, they are the standard library's. Only what is drawn depends
//! on them, never a run: the simulator and protocols use no floating point
//! math of this kind, so traces stay the same everywhere.

#[cfg(target_arch = "wasm32")]
mod imp {
    pub use js_sys::Math::{atan2, cos, exp, log10, pow as powf, sin};
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn sin(x: f64) -> f64 {
        x.sin()
    }
    pub fn cos(x: f64) -> f64 {
        x.cos()
    }
    pub fn atan2(y: f64, x: f64) -> f64 {
        y.atan2(x)
    }
    pub fn exp(x: f64) -> f64 {
        x.exp()
    }
    pub fn log10(x: f64) -> f64 {
        x.log10()
    }
    pub fn powf(x: f64, y: f64) -> f64 {
        x.powf(y)
    }
}

pub use imp::{atan2, cos, exp, log10, powf, sin};
