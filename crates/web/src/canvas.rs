//! The canvas layer: colours ([`theme`]), drawing a scene ([`render`]) and
//! the ring's own layer ([`ring_layer`]), the space-time diagram
//! ([`spacetime`], its pointer and keys in [`spacetime_pointer`]), the state kept between frames
//! ([`stage`]), the animation loop ([`frame`]) and pointer handling
//! ([`pointer`]). It reads the [`crate::model`] and imports nothing above it.

pub mod frame;
pub mod pointer;
pub mod render;
pub mod ring_layer;
pub mod spacetime;
pub mod spacetime_pointer;
pub mod stage;
pub mod theme;
pub mod twin;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// What [`fit`] gives: the canvas, its context, its CSS size, its pixel
/// size, and whether it was just resized.
pub(crate) type Fitted<'c> = (HtmlCanvasElement, &'c CanvasRenderingContext2d, (f64, f64), (u32, u32), bool);

/// A canvas drawn by a pane of its own (the space-time diagram, the other
/// world beside the run), sized to its box at `dpr`, with its 2D context
/// (fetched once into `ctx`): the canvas, its CSS size, its pixel size and
/// whether it was just resized. `None` while it has no box.
pub(crate) fn fit<'c>(
    canvas: &yew::NodeRef,
    ctx: &'c mut Option<CanvasRenderingContext2d>,
    dpr: f64,
) -> Option<Fitted<'c>> {
    let canvas = canvas.cast::<HtmlCanvasElement>()?;
    let (w, h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
    if w < 1.0 || h < 1.0 {
        return None;
    }
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    let resized = canvas.width() != pw || canvas.height() != ph;
    if resized {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    if ctx.is_none() {
        *ctx = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok());
    }
    Some((canvas, ctx.as_ref()?, (w, h), (pw, ph), resized))
}
