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
use crate::model::text;
use std::rc::Rc;
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
        if let Some(placement) = host::stored_placement() {
            boot.core.placement = placement;
        }
        AppState::new(boot)
    });
    let view = use_mut_ref(View::default);
    // The postMessage bridge, once mounted: told of every change of the run.
    let bridge = use_mut_ref(|| None::<host::post_message::Bridge>);
    // The run's inputs the address bar last recorded (a change is a new
    // history entry: the browser's Back returns to the previous run).
    let recorded = use_mut_ref(|| None::<lab::Setup>);
    let canvas_ref = use_node_ref();
    let wrap_ref = use_node_ref();
    // The model checker's worker and the scripts waiting on it.
    let check_host = use_mut_ref(host::check::CheckHost::default);

    // Mount: the animation loop, resizing, keyboard, the scripting API.
    {
        let state = state.clone();
        let view = view.clone();
        let canvas_ref = canvas_ref.clone();
        let wrap_ref = wrap_ref.clone();
        let bridge = bridge.clone();
        let recorded = recorded.clone();
        let check_host = check_host.clone();
        use_effect_with((), move |_| {
            let dispatcher = state.dispatcher();
            let dispatch = Callback::from(move |input: Input| dispatcher.dispatch(input));
            let frame =
                FrameLoop::start(state.core.clone(), view.clone(), canvas_ref, wrap_ref, state.bench, dispatch.clone());
            let keys = host::keys::listen(state.core.clone(), dispatch.clone());
            let files = host::files::listen(dispatch.clone());
            let history = (state.bench.is_none() && state.embed.is_none())
                .then(|| host::url::listen_history(dispatch.clone(), recorded))
                .flatten();
            let api = host::api::install(
                state.core.clone(),
                view,
                dispatch.clone(),
                state.api_error.clone(),
                state.bench,
                check_host,
            );
            // `?embed=1&autoplay=1` plays at once, unless the reader asked
            // the system for less motion.
            if state.embed.is_some_and(|v| v.autoplay) && !host::prefers_reduced_motion() {
                dispatch.emit(Input::Ui(Cmd::Play));
            }
            // `?tour=ID&at=N`: fetch the tour, then open it.
            if let Some(request) = state.tour_request.clone() {
                crate::components::tour::load(request, dispatch.reform(Input::Ui));
            }
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
                drop(files);
                drop(history);
                drop(api);
            }
        });
    }

    // The address bar follows the world (throttled while playing). And on a
    // phone the inspector is a sheet: when what it shows changes, keep what
    // was tapped in view and move focus into the sheet and back. (One effect
    // for both: every hook costs bundle bytes.)
    {
        let core = state.core.clone();
        let dispatcher = state.dispatcher();
        let recorded = recorded.clone();
        let embedded = state.embed.is_some();
        let last = use_mut_ref(|| 0.0f64);
        let sheet = use_mut_ref(|| (host::sheet::Shown::Nothing, false, false));
        let view = view.clone();
        let canvas_ref = canvas_ref.clone();
        let check_host = check_host.clone();
        use_effect_with(state.rev, move |_| {
            // Start or end the checker's worker, settle scripts' checks.
            let d = dispatcher.clone();
            host::check::sync(&check_host, &core, &Callback::from(move |input| d.dispatch(input)));
            // A file saved by the last command goes to the browser.
            let saved = core.borrow_mut().download.take();
            if let Some(Err(text)) = saved.map(|file| host::files::download(&file)) {
                dispatcher.dispatch(Input::Ui(Cmd::Notify { text, error: true }));
            }
            let core = core.borrow();
            let now = js_sys::Date::now();
            if !core.playing || now - *last.borrow() > URL_THROTTLE_MS {
                *last.borrow_mut() = now;
                let query = crate::app::link_query(&core);
                // In another page's iframe a new entry would be the host
                // page's history too: there the address is only replaced.
                if embedded {
                    host::url::replace_query(&query);
                } else {
                    host::url::record_query(&query, &core.full_setup(), &recorded);
                }
            }
            let shown = host::sheet::Shown::of(&core);
            let (was, from_canvas, touring) = &mut *sheet.borrow_mut();
            if core.tour.is_some() != *touring {
                *touring = core.tour.is_some();
                if *touring {
                    host::sheet::tour_started(&canvas_ref);
                }
            }
            if shown != *was {
                *was = shown;
                if let Ok(view) = view.try_borrow() {
                    host::sheet::follow(shown, &core, &view, &canvas_ref, from_canvas);
                }
            }
        });
    }

    // Where the reader put the diagram is kept for the next visit.
    {
        let placement = state.core.borrow().placement;
        use_effect_with(placement, move |placement| host::store_placement(*placement));
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
                host::url::link_for(&crate::app::link_query(&core))
            };
            host::clipboard::copy_text(&link, send.clone());
        })
    };
    let on_files = {
        let d = state.dispatcher();
        use_callback((), move |file: web_sys::File, _| {
            let d = d.clone();
            host::files::open_file(&file, &Callback::from(move |input| d.dispatch(input)));
        })
    };
    // The caption reads the trace's step (and, when nothing is left to
    // happen, asks which request to offer), and the message list sorts the
    // messages in flight: both once per change of the world (ten times a
    // second at most while playing), not per render.
    let generation = state.core.borrow().generation;
    let memo = {
        let core = state.core.clone();
        use_memo(generation, move |_| {
            let mut core = core.borrow_mut();
            core.refresh_picture();
            let session = core.session.as_ref();
            let step = text::step_text(session, &session.log_tail(text::CAPTION_TAIL), core.picture.awaits_client);
            (step, Rc::new(MsgList::of(session, MSG_LIST_CAP)))
        })
    };

    // An embedding page hears what changed (at most once per page refresh).
    {
        let core = state.core.clone();
        let bridge = bridge.clone();
        let memo = memo.clone();
        use_effect_with(state.rev, move |_| {
            if let Some(bridge) = bridge.borrow().as_ref() {
                let (banner, alarm) = core
                    .try_borrow()
                    .ok()
                    .map_or((None, false), |c| (c.picture.banner.clone(), c.picture.banner_alarm));
                bridge.announce(banner.as_deref(), alarm, &memo.0.caption);
            }
        });
    }

    page(
        &state,
        PageRefs {
            view: &view,
            canvas: &canvas_ref,
            wrap: &wrap_ref,
            send: &send,
            on_copy: &on_copy,
            on_files: &on_files,
            step: &memo.0,
            msgs: memo.1.clone(),
        },
    )
}
