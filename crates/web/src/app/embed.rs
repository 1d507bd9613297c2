//! The page inside another page's iframe (`?embed=1`): the canvas filling
//! the frame and a compact bar (back, play / pause, step, a scrubber over
//! the steps seen so far, the caption, a link to the full app at the same
//! moment), or the canvas alone (`controls=0`); in a guided tour, a strip
//! above the bar with the caption and Back / Next. A tapped node or message
//! opens its inspector as a sheet over the frame's bottom.

use super::{AppState, PageRefs};
use crate::canvas::pointer::canvas_handlers;
use crate::components::icons::icon;
use crate::components::inspector;
use crate::components::notices::{action_errors, Notices};
use crate::components::spacetime::{self, SpaceTime};
use crate::model::cmd::{Cmd, Placement};
use crate::model::embed::EmbedView;
use crate::model::text;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub fn embed_page(state: &AppState, refs: &PageRefs<'_>, view: EmbedView) -> Html {
    let send = refs.send;
    let core = state.core.borrow();
    let session = core.session.as_ref();
    let summary = text::summary(session, &core.picture);
    let canvas_events = canvas_handlers(state.core.clone(), refs.view.clone(), send.clone());
    let steps = session.steps();
    let playing = core.playing;
    let can_play = session.next_event_time().is_some();
    let end = core.furthest.max(steps).max(1);
    let on_scrub = send.reform(|e: InputEvent| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        value.parse().map_or(Cmd::Refresh, Cmd::Seek)
    });
    let full = crate::host::url::link_for(&super::link_query(&core));
    let inspecting = core.selected_node.is_some() || core.selected_msg.is_some();
    let tour = core.tour_view().filter(|_| view.controls);
    // `compare=ALGO`: the other world beside the run, each named.
    let comparing = super::comparison(&core, refs.view);
    html! {
        <div class={classes!("app", "embed", (!view.controls).then_some("bare"), tour.is_some().then_some("touring"),
            core.spacetime.is_some().then_some("with-diagram"))}>
            <Notices notices={core.notices.clone()} errors={action_errors(session)} send={send.clone()} />
            <div class={classes!("worlds", comparing.is_some().then_some("comparing"))}>
                <div class="canvas-wrap" ref={refs.wrap.clone()}>
                    <canvas ref={refs.canvas.clone()} id="cluster" role="img" aria-label={summary}
                        tabindex="-1" data-nodes={session.node_count().to_string()} data-step={steps.to_string()}
                        onclick={canvas_events.click} onmousemove={canvas_events.hover} />
                    { super::network_badge(core.setup.sim.network) }
                    { super::corner_label(&core.setup, comparing.is_some(), core.picture.banner.is_some()) }
                </div>
                if let Some(super::Comparing { drawn, .. }) = comparing {
                    { drawn }
                }
            </div>
            // `view=spacetime`: the space-time diagram under the canvas.
            if let Some(recorder) = core.spacetime.as_ref() {
                <SpaceTime core={state.core.clone()} view={refs.view.clone()} placement={Placement::Below}
                    summary={spacetime::summary(&recorder.diagram, crate::model::spacetime::clipped(session))} send={send.clone()} />
            }
            if let Some(tour) = tour {
                <div class="embed-tour" id="tour">
                    <button id="tour-back" title="Previous caption (b)" aria-label="Previous caption"
                        disabled={!tour.has_back} onclick={send.reform(|_| Cmd::TourBack)}>{"‹"}</button>
                    <span class="tour-count mono" id="tour-count">{ tour.count() }</span>
                    <p class="embed-tour-text" id="tour-caption" aria-live="polite">{ tour.line().unwrap_or_default() }</p>
                    <button id="tour-next" class="primary" title="Next caption (n)" aria-label="Next caption"
                        disabled={!tour.has_next} onclick={send.reform(|_| Cmd::TourNext)}>{"›"}</button>
                </div>
            }
            if view.controls {
                <nav class="embed-bar" aria-label="Playback controls">
                    <button id="back" title="Step back one event (←)" aria-label="Step back" disabled={steps == 0}
                        onclick={send.reform(|_| Cmd::Back(1))}>{icon("back")}</button>
                    <button id="play" class="primary" aria-pressed={playing.to_string()}
                        aria-label={if playing { "Pause" } else { "Play" }} title="Play or pause (Space)"
                        disabled={!can_play && !playing}
                        onclick={send.reform(|_| Cmd::TogglePlay)}>
                        { if playing { icon("pause") } else { icon("play") } }
                    </button>
                    <button id="step" title="Step forward one event (→)" aria-label="Step" disabled={!can_play}
                        onclick={send.reform(|_| Cmd::Step(1))}>{icon("step")}</button>
                    <input id="scrub" type="range" min="0" max={end.to_string()} value={steps.to_string()}
                        aria-label="Step of the run" aria-valuetext={format!("step {steps} of {end} seen")}
                        oninput={on_scrub} />
                    <span id="stepcount" class="mono">{ steps }</span>
                    <span class="embed-caption" id="caption" title={refs.step.caption.clone()}>{ refs.step.caption.clone() }</span>
                    if let Some((node, cmd)) = refs.step.offered.clone() {
                        <button id="send-request" class="primary" title={format!("Send {cmd} to node {node} as a client request (q)")}
                            onclick={send.reform(move |_| Cmd::ClientRequest(Some(node)))}>{ format!("Send {cmd}") }</button>
                    }
                    <a id="open-full" href={full} target="_blank" rel="noopener"
                        title="Open this run, at this step, in the full Clusterscope">
                        <span class="wide">{"Open in Clusterscope"}</span><span class="narrow">{"Open"}</span>{" ↗"}</a>
                </nav>
            }
            if inspecting {
                <div class="embed-sheet">{ inspector::inspector(&core, send) }</div>
            }
        </div>
    }
}
