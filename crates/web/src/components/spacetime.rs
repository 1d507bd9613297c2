//! The space-time diagram's panel: its canvas (drawn by the animation loop,
//! [`crate::canvas::spacetime`]), the buttons that zoom, follow the run,
//! place it below or beside the canvas and close it, a status line saying
//! what is under the pointer, and a summary in words of what it draws.

use crate::canvas::spacetime_pointer::Pointer;
use crate::canvas::stage::View;
use crate::model::cmd::{Cmd, Placement};
use crate::model::core::Core;
use crate::model::spacetime::{Diagram, MAX_STEPS};
use gloo::events::{EventListener, EventListenerOptions};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{KeyboardEvent, PointerEvent, WheelEvent};
use yew::prelude::*;

#[derive(Properties)]
pub struct SpaceTimeProps {
    pub core: Rc<RefCell<Core>>,
    pub view: Rc<RefCell<View>>,
    /// What the diagram shows, in words (changes with the run).
    pub summary: String,
    pub placement: Placement,
    pub send: Callback<Cmd>,
}

impl PartialEq for SpaceTimeProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.core, &other.core)
            && Rc::ptr_eq(&self.view, &other.view)
            && self.summary == other.summary
            && self.placement == other.placement
    }
}

/// What the diagram draws, in words: its text alternative.
pub fn summary(d: &Diagram, clipped: bool) -> String {
    let (lost, dups) = d.arrows.iter().fold((0, 0), |(l, u), a| {
        (l + usize::from(matches!(a.end, crate::model::spacetime::End::Lost(..))), u + usize::from(a.dup))
    });
    let mut text = format!(
        "{} lanes, one per node; {} messages up to step {} ({} ms), {lost} of them lost and {dups} duplicated; \
         {} crashes or pauses; {} partitions; {} notable events.",
        d.nodes,
        d.arrows.len(),
        d.last_step(),
        d.end_time(),
        d.gaps.len(),
        d.shades.len(),
        d.notes.len()
    );
    if clipped {
        text += &format!(" The diagram records the first {MAX_STEPS} steps of a run.");
    }
    text
}

#[function_component(SpaceTime)]
pub fn spacetime(props: &SpaceTimeProps) -> Html {
    let status = use_state_eq(String::new);
    let pointer = Pointer {
        core: props.core.clone(),
        view: props.view.clone(),
        send: props.send.clone(),
        status: {
            let status = status.clone();
            Callback::from(move |text: String| status.set(text))
        },
    };
    let canvas = props.view.borrow().spacetime.canvas.clone();
    // The wheel zooms: a listener that may prevent the page from scrolling
    // (Yew's own are passive).
    {
        let pointer = pointer.clone();
        let canvas = canvas.clone();
        use_effect_with((), move |_| {
            let listener = canvas.cast::<web_sys::Element>().map(|el| {
                EventListener::new_with_options(
                    &el,
                    "wheel",
                    EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        let Some(e) = event.dyn_ref::<WheelEvent>() else { return };
                        e.prevent_default();
                        let factor = crate::math::exp(e.delta_y().clamp(-200.0, 200.0) * 0.002);
                        pointer.zoom(factor, Some(f64::from(e.offset_x())));
                    },
                )
            });
            move || drop(listener)
        });
    }
    let at = |e: &PointerEvent| (f64::from(e.offset_x()), f64::from(e.offset_y()));
    let on_down = {
        let pointer = pointer.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            pointer.down(at(&e).0)
        })
    };
    let on_move = {
        let pointer = pointer.clone();
        Callback::from(move |e: PointerEvent| {
            let (x, y) = at(&e);
            pointer.moved(x, y)
        })
    };
    let on_up = {
        let pointer = pointer.clone();
        Callback::from(move |e: PointerEvent| {
            let (x, y) = at(&e);
            pointer.up(x, y)
        })
    };
    let on_leave = {
        let pointer = pointer.clone();
        Callback::from(move |_: PointerEvent| pointer.leave())
    };
    let on_key = {
        let pointer = pointer.clone();
        Callback::from(move |e: KeyboardEvent| {
            if !(e.ctrl_key() || e.meta_key() || e.alt_key()) && pointer.key(&e.key()) {
                e.prevent_default();
            }
        })
    };
    let zoom = |factor: f64| {
        let pointer = pointer.clone();
        Callback::from(move |_: MouseEvent| pointer.zoom(factor, None))
    };
    let follow = {
        let pointer = pointer.clone();
        Callback::from(move |_: MouseEvent| pointer.follow())
    };
    let send = &props.send;
    let other = match props.placement {
        Placement::Below => Placement::Beside,
        Placement::Beside => Placement::Below,
    };
    html! {
        <section class="spacetime" aria-labelledby="spacetime-h">
            <header class="spacetime-head">
                <h2 id="spacetime-h">{"Space-time"}</h2>
                <span class="spacetime-status" id="spacetime-status">{ (*status).clone() }</span>
                <button id="spacetime-zoom-in" title="Zoom in (+ with the diagram focused)" aria-label="Zoom in" onclick={zoom(0.5)}>{"+"}</button>
                <button id="spacetime-zoom-out" title="Zoom out (− with the diagram focused)" aria-label="Zoom out" onclick={zoom(2.0)}>{"−"}</button>
                <button id="spacetime-follow" title="Follow the run (End with the diagram focused)" onclick={follow}>{"Follow"}</button>
                <button id="spacetime-place" title={format!("Put the diagram {} the canvas", other.name())}
                    onclick={send.reform(move |_| Cmd::PlaceDiagram(other))}>{ format!("Put {}", other.name()) }</button>
                <button class="close" id="spacetime-close" title="Hide the diagram (t)" aria-label="Hide the space-time diagram"
                    onclick={send.reform(|_| Cmd::ShowDiagram(false))}>{"✕"}</button>
            </header>
            <canvas id="spacetime" ref={canvas} role="img" aria-label="Space-time diagram" aria-describedby="spacetime-summary"
                tabindex="0" data-own-keys="ArrowLeft ArrowRight + = - _ Home End" title="Drag to pan, wheel to zoom; click a moment to go there, an arrow to select its message"
                onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up} onpointerleave={on_leave}
                onkeydown={on_key} />
            <p id="spacetime-summary" class="sr-only">{ props.summary.clone() }</p>
        </section>
    }
}
