//! What the canvas keeps between frames: the scene and ring drawn, where
//! things are, the renderer and its context. The animation loop
//! ([`super::frame`]) fills it; the pointer handlers and the script API's
//! `layout()` read it.

use super::render::Renderer;
use super::theme::Theme;
use crate::model::bench::Bench;
use crate::model::layout::Layout;
use crate::model::ring::RingScene;
use crate::model::scene::Scene;
use web_sys::CanvasRenderingContext2d;

/// What the animation loop keeps between frames (and the pointer handlers read).
pub struct View {
    pub scene: Scene,
    /// The hash ring, for the ring algorithm (kept by [`crate::model::ring::sync`]).
    pub ring: Option<RingScene>,
    /// The world generation and picture generation the scene was built from.
    pub(super) scene_gen: Option<(u64, u64)>,
    pub layout: Layout,
    /// Canvas size in CSS pixels, from the resize observer.
    pub size: (f64, f64),
    /// The height the canvas's wrapper was last told its nodes need for
    /// their text ([`Layout::labelled_height`]).
    pub(super) labelled_height: Option<f64>,
    pub(super) bench: Option<Bench>,
    pub(super) bench_time: f64,
    pub(super) renderer: Option<Renderer>,
    pub(super) ctx: Option<CanvasRenderingContext2d>,
    pub(super) last_ts: Option<f64>,
    pub(super) last_dom: f64,
    /// The generation and play state the DOM last showed.
    pub dom_gen: u64,
    pub dom_playing: bool,
    pub(super) hover: String,
    /// What the last drawn frame showed; an identical frame is skipped.
    pub(super) drawn: Option<FrameKey>,
    /// The colours read from the stylesheet, and whether they are the dark ones.
    pub(super) theme: Option<(bool, Theme)>,
    /// The space-time diagram's canvas and window.
    pub spacetime: super::spacetime::Pane,
    /// The side-by-side view's other world.
    pub twin: super::twin::Pane,
}

/// Everything a frame of the (non-benchmark) canvas depends on.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct FrameKey {
    pub(super) generation: u64,
    pub(super) view_time: f64,
    pub(super) size: (u32, u32),
    pub(super) dark: bool,
    pub(super) selected_node: Option<u32>,
    pub(super) selected_msg: Option<sim::MsgId>,
    pub(super) picked: Vec<u32>,
    /// The ring view's lookup and comparison revision.
    pub(super) ring_rev: u64,
}

impl Default for View {
    fn default() -> Self {
        Self {
            scene: Scene::default(),
            ring: None,
            scene_gen: None,
            layout: Layout::new(800.0, 600.0, 5),
            size: (0.0, 0.0),
            labelled_height: None,
            bench: None,
            bench_time: 0.0,
            renderer: None,
            ctx: None,
            last_ts: None,
            last_dom: 0.0,
            dom_gen: 0,
            dom_playing: false,
            hover: String::new(),
            drawn: None,
            theme: None,
            spacetime: Default::default(),
            twin: Default::default(),
        }
    }
}
