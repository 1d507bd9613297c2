//! The animation loop and the canvas's pointer handling.
//!
//! Every animation frame: advance the view clock when playing (the core
//! steps the world while events are due), rebuild the scene if the world
//! changed, draw it. The DOM is refreshed through Yew only when the world
//! changed, at most ten times a second while playing.

use crate::app::{AppAction, AppState};
use crate::bench::Bench;
use crate::core::{Cmd, Core, ThemeChoice};
use crate::render::{Marks, Options, Renderer, DARK, LIGHT};
use crate::scene::{Layout, Scene};
use gloo::render::{request_animation_frame, AnimationFrame};
use sim::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, MediaQueryList, MouseEvent, ResizeObserver};
use yew::{Callback, NodeRef, UseReducerDispatcher};

/// Least time between two DOM refreshes while playing, in ms.
pub const DOM_REFRESH_MS: f64 = 100.0;

/// What the animation loop keeps between frames (and the pointer handlers read).
pub struct View {
    pub scene: Scene,
    scene_gen: Option<u64>,
    pub layout: Layout,
    /// Canvas size in CSS pixels, from the resize observer.
    pub size: (f64, f64),
    bench: Option<Bench>,
    bench_time: f64,
    renderer: Option<Renderer>,
    ctx: Option<CanvasRenderingContext2d>,
    last_ts: Option<f64>,
    last_dom: f64,
    /// The generation and play state the DOM last showed.
    pub dom_gen: u64,
    pub dom_playing: bool,
    hover: String,
    /// What the last drawn frame showed; an identical frame is skipped.
    drawn: Option<FrameKey>,
}

/// Everything a frame of the (non-benchmark) canvas depends on.
#[derive(Clone, Debug, PartialEq)]
struct FrameKey {
    generation: u64,
    view_time: f64,
    size: (u32, u32),
    dark: bool,
    selected_node: Option<u32>,
    selected_msg: Option<sim::MsgId>,
    picked: Vec<u32>,
    /// The ring view's lookup and comparison revision.
    ring_rev: u64,
}

impl Default for View {
    fn default() -> Self {
        Self {
            scene: Scene::default(),
            scene_gen: None,
            layout: Layout::new(800.0, 600.0, 5),
            size: (0.0, 0.0),
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
        }
    }
}

struct Inner {
    core: Rc<RefCell<Core>>,
    view: Rc<RefCell<View>>,
    canvas_ref: NodeRef,
    dispatcher: UseReducerDispatcher<AppState>,
    handle: RefCell<Option<AnimationFrame>>,
    dark: Option<MediaQueryList>,
    reduced: Option<MediaQueryList>,
}

type Observer = (ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);

/// The running loop; dropping it stops the loop and the resize observer.
pub struct FrameLoop {
    inner: Rc<Inner>,
    observer: Option<Observer>,
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        self.inner.handle.borrow_mut().take();
        if let Some((observer, _)) = self.observer.take() {
            observer.disconnect();
        }
    }
}

fn media(query: &str) -> Option<MediaQueryList> {
    web_sys::window()?.match_media(query).ok().flatten()
}

impl FrameLoop {
    pub fn start(
        core: Rc<RefCell<Core>>,
        view: Rc<RefCell<View>>,
        canvas_ref: NodeRef,
        wrap_ref: NodeRef,
        bench: Option<(u32, u32)>,
        dispatcher: UseReducerDispatcher<AppState>,
    ) -> Self {
        if let Some((n, m)) = bench {
            view.borrow_mut().bench = Some(Bench::new(n, m));
        }
        // The canvas follows its container's size; reading it once per resize
        // (not per frame) keeps layout out of the animation loop.
        let observer = wrap_ref.cast::<web_sys::Element>().and_then(|wrap| {
            let view = view.clone();
            let target = wrap.clone();
            let measure = move || {
                let rect = target.get_bounding_client_rect();
                view.borrow_mut().size = (rect.width().floor(), rect.height().floor());
            };
            measure();
            let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| measure());
            let observer = ResizeObserver::new(cb.as_ref().unchecked_ref()).ok()?;
            observer.observe(&wrap);
            Some((observer, cb))
        });
        let inner = Rc::new(Inner {
            core,
            view,
            canvas_ref,
            dispatcher,
            handle: RefCell::new(None),
            dark: media("(prefers-color-scheme: dark)"),
            reduced: media("(prefers-reduced-motion: reduce)"),
        });
        schedule(&inner);
        Self { inner, observer }
    }
}

fn schedule(inner: &Rc<Inner>) {
    let next = inner.clone();
    let handle = request_animation_frame(move |ts| {
        if frame(&next, ts) {
            schedule(&next);
        }
    });
    *inner.handle.borrow_mut() = Some(handle);
}

/// Draw one frame. Returns whether to keep going.
fn frame(inner: &Inner, ts: f64) -> bool {
    if crate::panic::panicked() {
        return false;
    }
    let Some(canvas) = inner.canvas_ref.cast::<HtmlCanvasElement>() else { return true };
    let (Ok(mut view), Ok(mut core)) = (inner.view.try_borrow_mut(), inner.core.try_borrow_mut()) else {
        return true;
    };
    let view = &mut *view;
    let dt = view.last_ts.map_or(0.0, |last| ts - last);
    view.last_ts = Some(ts);
    let (w, h) = view.size;
    if w < 1.0 || h < 1.0 {
        return true;
    }
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(0.5, 4.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    if view.ctx.is_none() {
        view.ctx = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok());
    }
    let Some(ctx) = view.ctx.as_ref() else { return true };
    let renderer = view.renderer.get_or_insert_with(Renderer::new);
    let dark = match core.theme {
        ThemeChoice::Auto => inner.dark.as_ref().is_some_and(MediaQueryList::matches),
        ThemeChoice::Dark => true,
        ThemeChoice::Light => false,
    };
    let theme = if dark { &DARK } else { &LIGHT };
    let opts = Options {
        reduced_motion: inner.reduced.as_ref().is_some_and(MediaQueryList::matches),
        wall_ms: ts,
        playing: core.playing || view.bench.is_some(),
    };

    if let Some(bench) = view.bench.as_mut() {
        view.bench_time += dt.min(100.0);
        bench.update(view.bench_time);
        let layout = Layout::new(w, h, bench.scene.nodes.len() as u32);
        renderer.draw(ctx, &bench.scene, &layout, view.bench_time, theme, &Marks::default(), opts, (w, h, dpr));
        view.layout = layout;
        return true;
    }

    core.advance(dt);
    if view.scene_gen != Some(core.generation) {
        view.scene.rebuild(core.session.as_ref());
        view.scene_gen = Some(core.generation);
    }
    let now = js_sys::Date::now();
    crate::ring_view::sync(&mut view.scene, &core, now);
    view.layout = Layout::new(w, h, core.node_count()).arranged(view.scene.arrangement);
    if view.scene.ring.is_some() {
        crate::ring_view::arrange(&mut view.layout);
    }
    // A paused, unchanged view is not redrawn: an idle tab costs nothing.
    let key = FrameKey {
        generation: core.generation,
        view_time: core.view_time,
        size: (pw, ph),
        dark,
        selected_node: core.selected_node,
        selected_msg: core.selected_msg,
        picked: core.picked.clone(),
        ring_rev: view.scene.ring.as_ref().map_or(0, |r| r.rev),
    };
    let flying = view.scene.ring.as_ref().is_some_and(|r| r.flying(now));
    if core.playing || flying || view.drawn.as_ref() != Some(&key) {
        let marks = Marks { selected_node: core.selected_node, selected_msg: core.selected_msg, picked: &core.picked };
        renderer.draw(ctx, &view.scene, &view.layout, core.view_time, theme, &marks, opts, (w, h, dpr));
        view.drawn = if core.playing || flying { None } else { Some(key) };
    }

    let dirty = core.generation != view.dom_gen || core.playing != view.dom_playing;
    let refresh = dirty && (!core.playing || ts - view.last_dom >= DOM_REFRESH_MS);
    if refresh {
        view.last_dom = ts;
        // Without this every later frame refreshed the DOM again, and a
        // re-render puts a text field's bound value back while it is typed in.
        view.dom_gen = core.generation;
        view.dom_playing = core.playing;
    }
    drop(core);
    if refresh {
        inner.dispatcher.dispatch(AppAction::Ui(Cmd::Refresh));
    }
    true
}

/// The canvas's click and hover handlers.
pub struct CanvasEvents {
    pub click: Callback<MouseEvent>,
    pub hover: Callback<MouseEvent>,
}

/// What is under the pointer.
enum Hit {
    Node(u32),
    Msg(sim::MsgId),
    None,
}

fn hit(core: &Core, view: &View, x: f64, y: f64) -> Hit {
    let layout = &view.layout;
    let node = layout.node_at(x, y);
    match layout.msg_at(&view.scene, core.view_time, x, y) {
        // A message right under the pointer wins over the rim of a node.
        Some((id, d2)) if node.is_none() || d2 < 25.0 => Hit::Msg(id),
        _ => node.map_or(Hit::None, Hit::Node),
    }
}

pub fn canvas_handlers(core: Rc<RefCell<Core>>, view: Rc<RefCell<View>>, send: Callback<Cmd>) -> CanvasEvents {
    let click = {
        let core = core.clone();
        let view = view.clone();
        Callback::from(move |e: MouseEvent| {
            let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
            let cmd = {
                let (Ok(core), Ok(view)) = (core.try_borrow(), view.try_borrow()) else { return };
                match hit(&core, &view, x, y) {
                    Hit::Node(id) if e.shift_key() => Cmd::TogglePick(id),
                    Hit::Node(id) if e.alt_key() || e.ctrl_key() || e.meta_key() => match core.selected_node {
                        Some(from) if from != id => Cmd::Act(Action::Cut { from, to: id }),
                        _ => Cmd::Notify {
                            text: "To cut a link, select its sender node first, then alt-click the receiver.".into(),
                            error: false,
                        },
                    },
                    Hit::Node(id) if core.selected_node == Some(id) && core.selected_msg.is_none() => {
                        Cmd::SelectNode(None)
                    }
                    Hit::Node(id) => Cmd::SelectNode(Some(id)),
                    Hit::Msg(id) => Cmd::SelectMsg(Some(id)),
                    Hit::None if core.selected_msg.is_some() => Cmd::SelectMsg(None),
                    Hit::None => Cmd::SelectNode(None),
                }
            };
            send.emit(cmd);
        })
    };
    let hover = Callback::from(move |e: MouseEvent| {
        let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
        let (Ok(core), Ok(mut view)) = (core.try_borrow(), view.try_borrow_mut()) else { return };
        let (title, pointer) = match hit(&core, &view, x, y) {
            Hit::Node(id) => {
                let info = core.session.node_info(id);
                let status = match info.status {
                    protocol::Status::Up => info.look.role,
                    protocol::Status::Crashed => "down",
                    protocol::Status::Paused => "paused",
                };
                (format!("Node {id}: {status}, {} — click to inspect, shift-click to pick", info.look.badge), true)
            }
            Hit::Msg(id) => {
                let label = core.session.message_label(id).unwrap_or_default();
                let m = view.scene.msgs.iter().find(|m| m.id == id);
                let route = m.map(|m| format!(" from node {} to node {}", m.from, m.to)).unwrap_or_default();
                (format!("Message #{id}{route}: {label} — click to drop, duplicate or delay"), true)
            }
            Hit::None => match view.layout.lost_at(&view.scene, core.view_time, x, y) {
                Some(l) => (
                    format!("Message #{} from node {} to node {} lost: {}", l.id, l.from, l.to, l.reason.text()),
                    false,
                ),
                None => (String::new(), false),
            },
        };
        if title != view.hover {
            if let Some(canvas) = e.target().and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok()) {
                let _ = canvas.set_attribute("title", &title);
                let _ = canvas.style().set_property("cursor", if pointer { "pointer" } else { "default" });
            }
            view.hover = title;
        }
    });
    CanvasEvents { click, hover }
}
