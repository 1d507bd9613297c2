//! The animation loop and the canvas's pointer handling.
//!
//! Every animation frame: advance the view clock when playing (the core
//! steps the world while events are due), rebuild the scene if the world
//! changed, draw it. The DOM is refreshed through Yew only when the world
//! changed, at most ten times a second while playing.

use super::render::{Marks, Options, Renderer};
use super::stage::{FrameKey, View};
use super::theme::Theme;
use crate::model::bench::Bench;
use crate::model::cmd::{Cmd, Input};
use crate::model::compare::corner_name;
use crate::model::core::Core;
use crate::model::layout::banner::{self, badge_label, Corners};
use crate::model::layout::Layout;
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlElement, MediaQueryList, ResizeObserver};
use yew::{Callback, NodeRef};

/// Least time between two DOM refreshes while playing, in ms.
pub const DOM_REFRESH_MS: f64 = 100.0;

struct Inner {
    core: Rc<RefCell<Core>>,
    view: Rc<RefCell<View>>,
    canvas_ref: NodeRef,
    dispatch: Callback<Input>,
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
        dispatch: Callback<Input>,
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
            dispatch,
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

/// The theme's colours as the stylesheet resolves them now: each custom
/// property, put on a hidden probe's `color`, comes back as the colour the
/// current scheme picks from its `light-dark()` pair.
fn read_theme(canvas: &HtmlCanvasElement) -> Theme {
    let probe = canvas.owner_document().and_then(|d| d.create_element("span").ok());
    let probe = probe.and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let (Some(probe), Some(parent), Some(window)) = (probe, canvas.parent_element(), web_sys::window()) else {
        return Theme::default();
    };
    probe.set_hidden(true);
    if parent.append_child(&probe).is_err() {
        return Theme::default();
    }
    let style = probe.style();
    let theme = Theme::read(|name| {
        let _ = style.set_property("color", &format!("var(--{name})"));
        let computed = window.get_computed_style(&probe).ok().flatten();
        computed.and_then(|c| c.get_property_value("color").ok()).unwrap_or_default()
    });
    probe.remove();
    theme
}

/// Draw one frame. Returns whether to keep going.
fn frame(inner: &Inner, ts: f64) -> bool {
    if crate::model::panicked() {
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
    // The scheme the stylesheet applies now: `<html data-theme>` (which the
    // shell sets from the user's choice) or else the system's. The colours
    // are read again only when it changes.
    let chosen = canvas.owner_document().and_then(|d| d.document_element()).and_then(|e| e.get_attribute("data-theme"));
    let dark = match chosen.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => inner.dark.as_ref().is_some_and(MediaQueryList::matches),
    };
    if view.theme.as_ref().is_none_or(|(d, _)| *d != dark) {
        view.theme = Some((dark, read_theme(&canvas)));
    }
    let Some((_, theme)) = view.theme.as_ref() else { return true };
    let reduced_motion = inner.reduced.as_ref().is_some_and(MediaQueryList::matches);
    let opts = Options { reduced_motion, wall_ms: ts, playing: core.playing || view.bench.is_some() };

    if let Some(bench) = view.bench.as_mut() {
        view.bench_time += dt.min(100.0);
        bench.update(view.bench_time);
        let layout = Layout::new(w, h, bench.scene.nodes.len() as u32);
        renderer.draw(ctx, &bench.scene, None, &layout, view.bench_time, theme, &Marks::default(), opts, (w, h, dpr));
        view.layout = layout;
        return true;
    }

    core.advance(dt);
    if view.scene_gen != Some((core.generation, core.picture_gen)) {
        view.scene.rebuild(core.session.as_ref(), &core.picture);
        view.scene_gen = Some((core.generation, core.picture_gen));
        // The stylesheet lets a phone's canvas grow to the height its
        // nodes need for their text (`--labelled-height`).
        let needed = Layout::labelled_height(view.scene.arrangement, core.node_count());
        if view.labelled_height != Some(needed) {
            if let Some(wrap) = canvas.parent_element().and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                let _ = wrap.style().set_property("--labelled-height", &format!("{needed}px"));
            }
            view.labelled_height = Some(needed);
        }
    }
    let now = js_sys::Date::now();
    crate::model::ring::sync(&mut view.ring, &mut view.scene, &core, now);
    let band = if view.scene.banner.is_some() {
        // The page's labels over the canvas: the run's name beside another
        // world (or its bug), and the network badge.
        let name = corner_name(&core.setup, core.compare.is_some());
        let corners = Corners { left: name, right: Some(badge_label(core.setup.sim.network)) };
        if view.scene.corners != corners {
            view.scene.corners = corners;
        }
        banner::band(&view.scene.corners, w)
    } else {
        0.0
    };
    view.layout = Layout::below(w, h, core.node_count(), band).arranged(view.scene.arrangement);
    // A paused, unchanged view is not redrawn: an idle tab costs nothing.
    let key = FrameKey {
        generation: core.generation,
        view_time: core.draw_time(),
        size: (pw, ph),
        dark,
        selected_node: core.selected_node,
        selected_msg: core.selected_msg,
        picked: core.picked.clone(),
        ring_rev: view.ring.as_ref().map_or(0, |r| r.rev),
    };
    let flying = view.ring.as_ref().is_some_and(|r| r.flying(now));
    if core.playing || flying || view.drawn.as_ref() != Some(&key) {
        let marks = Marks { selected_node: core.selected_node, selected_msg: core.selected_msg, picked: &core.picked };
        renderer.draw(
            ctx,
            &view.scene,
            view.ring.as_ref(),
            &view.layout,
            core.draw_time(),
            theme,
            &marks,
            opts,
            (w, h, dpr),
        );
        view.drawn = if core.playing || flying { None } else { Some(key) };
    }

    view.spacetime.frame(&core, theme, dark, dpr);
    let twin_opts = Options { playing: core.playing, ..opts };
    view.twin.frame(&mut core, theme, dark, dpr, twin_opts);

    let dirty = core.generation != view.dom_gen || core.playing != view.dom_playing;
    let refresh = dirty && (!core.playing || ts - view.last_dom >= DOM_REFRESH_MS);
    if refresh {
        view.last_dom = ts;
        core.refresh_picture();
        // Without this every later frame refreshed the DOM again, and a
        // re-render puts a text field's bound value back while it is typed in.
        view.dom_gen = core.generation;
        view.dom_playing = core.playing;
    }
    // The system's reduced-motion setting reaches the core as a command,
    // like every other input (checked each frame: it can change any time).
    let motion_changed = core.reduced_motion != reduced_motion;
    drop(core);
    if motion_changed {
        inner.dispatch.emit(Input::Ui(Cmd::ReducedMotion(reduced_motion)));
    }
    if refresh {
        inner.dispatch.emit(Input::Ui(Cmd::Refresh));
    }
    true
}
