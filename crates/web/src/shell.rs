//! The top of the app: the root component mounts the reducer, the
//! animation loop and the host edges (keys, `window.clusterscope`, the
//! address bar, the theme attribute, the clipboard) and renders
//! [`crate::app::page`]. Nothing imports this module but `main`.

use crate::app::{page, AppState, PageRefs};
use crate::canvas::frame::FrameLoop;
use crate::canvas::stage::View;
use crate::host;
use crate::model::cmd::{Cmd, Input};
use crate::model::in_flight::{MsgList, MSG_LIST_CAP};
use crate::model::text::{self, StepView};
use yew::prelude::*;

/// Least time between two address-bar updates while playing, in ms.
const URL_THROTTLE_MS: f64 = 250.0;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let mut boot = crate::model::boot::boot(&host::url::read_pairs());
        // The theme chosen on an earlier visit.
        if let Some(theme) = host::stored_theme() {
            boot.core.theme = theme;
        }
        AppState::new(boot)
    });
    let view = use_mut_ref(View::default);
    // The postMessage bridge, once mounted: told of every change of the run.
    let bridge = use_mut_ref(|| None::<host::post_message::Bridge>);
    let canvas_ref = use_node_ref();
    let wrap_ref = use_node_ref();

    // Mount: the animation loop, resizing, keyboard, the scripting API.
    {
        let state = state.clone();
        let view = view.clone();
        let canvas_ref = canvas_ref.clone();
        let wrap_ref = wrap_ref.clone();
        let bridge = bridge.clone();
        use_effect_with((), move |_| {
            let dispatcher = state.dispatcher();
            let dispatch = Callback::from(move |input: Input| dispatcher.dispatch(input));
            let frame =
                FrameLoop::start(state.core.clone(), view.clone(), canvas_ref, wrap_ref, state.bench, dispatch.clone());
            let keys = host::keys::listen(state.core.clone(), dispatch.clone());
            let api = host::api::install(state.core.clone(), view, dispatch, state.api_error.clone(), state.bench);
            if let (Some(api), Some(window), None) = (&api, web_sys::window(), state.bench) {
                let installed = host::post_message::Bridge::install(
                    &window,
                    &api.object,
                    state.core.clone(),
                    state.origins.clone(),
                );
                *bridge.borrow_mut() = Some(installed);
            }
            move || {
                bridge.borrow_mut().take();
                drop(frame);
                drop(keys);
                drop(api);
            }
        });
    }

    // The address bar follows the world (throttled while playing).
    {
        let core = state.core.clone();
        let last = use_mut_ref(|| 0.0f64);
        use_effect_with(state.rev, move |_| {
            let core = core.borrow();
            let now = js_sys::Date::now();
            if !core.playing || now - *last.borrow() > URL_THROTTLE_MS {
                *last.borrow_mut() = now;
                host::url::replace_query(&host::url::query_for(&core.full_setup(), core.session.steps()));
            }
        });
    }

    // On a phone the inspector is a sheet: keep what was tapped in view, and
    // move focus into the sheet and back.
    {
        let core = state.core.clone();
        let view = view.clone();
        let canvas_ref = canvas_ref.clone();
        let from_canvas = use_mut_ref(|| false);
        let shown = host::sheet::Shown::of(&state.core.borrow());
        use_effect_with(shown, move |shown| {
            if let (Ok(core), Ok(view)) = (core.try_borrow(), view.try_borrow()) {
                host::sheet::follow(*shown, &core, &view, &canvas_ref, &mut from_canvas.borrow_mut());
            }
        });
    }

    // The theme is an attribute on <html>, so CSS can follow the system or the toggle.
    {
        let theme = state.core.borrow().theme;
        use_effect_with(theme, move |theme| host::set_theme_attribute(*theme));
    }

    // One sender for the whole page, the same on every render, so the
    // components' props compare equal when nothing else changed.
    let send = {
        let d = state.dispatcher();
        use_callback((), move |cmd: Cmd, _| d.dispatch(Input::Ui(cmd)))
    };
    let on_copy = {
        let core = state.core.clone();
        let send = send.clone();
        use_callback((), move |_: (), _| {
            let link = {
                let core = core.borrow();
                host::url::link_for(&host::url::query_for(&core.full_setup(), core.session.steps()))
            };
            host::clipboard::copy_text(&link, send.clone());
        })
    };
    // The caption reads the trace's step: once per change of the world, not per render.
    let generation = state.core.borrow().generation;
    let caption = {
        let core = state.core.clone();
        use_memo(generation, move |_| {
            let core = core.borrow();
            let session = core.session.as_ref();
            text::caption(&StepView::of(session), &session.log_tail(crate::components::event_log::LOG_LINES))
        })
    };

    // An embedding page hears what changed (at most once per page refresh).
    {
        let core = state.core.clone();
        let bridge = bridge.clone();
        let caption = caption.clone();
        use_effect_with(state.rev, move |_| {
            if let Some(bridge) = bridge.borrow().as_ref() {
                let banner = core.try_borrow().ok().and_then(|c| c.picture.banner.clone());
                bridge.announce(banner.as_deref(), &caption);
            }
        });
    }
    // The message list, like the caption, is rebuilt once per change of the
    // world (ten times a second at most while playing), not per render.
    let msgs = {
        let core = state.core.clone();
        use_memo(generation, move |_| MsgList::of(core.borrow().session.as_ref(), MSG_LIST_CAP))
    };

    page(
        &state,
        PageRefs {
            view: &view,
            canvas: &canvas_ref,
            wrap: &wrap_ref,
            send: &send,
            on_copy: &on_copy,
            caption: &caption,
            msgs,
        },
    )
}
