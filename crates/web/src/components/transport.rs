//! The playback bar: back, play / pause, step, speed, step count and clock,
//! the partition mode and space-time toggles, and the algorithm shown
//! beside the run.

use super::icons::{icon, kbd};
use crate::model::cmd::{slider_to_speed, speed_to_slider, Cmd};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TransportProps {
    pub steps: u64,
    /// Model time of the world, in ms.
    pub now: u64,
    pub playing: bool,
    /// Whether anything is left to happen.
    pub can_play: bool,
    pub speed: f64,
    pub partition_mode: bool,
    /// Whether the space-time diagram is shown.
    pub diagram: bool,
    /// The algorithm shown beside the run, if any.
    pub compare: Option<lab::Algo>,
    pub send: Callback<Cmd>,
}

#[function_component(Transport)]
pub fn transport(props: &TransportProps) -> Html {
    let TransportProps { steps, now, playing, can_play, speed, partition_mode, diagram, compare, send } = props;
    let on_compare = send.reform(|e: Event| {
        let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        Cmd::Compare(value.parse::<lab::Algo>().ok().map(lab::compare::Against::new))
    });
    let (partition_mode, diagram) = (*partition_mode, *diagram);
    let (steps, now, playing, can_play, speed) = (*steps, *now, *playing, *can_play, *speed);
    let on_speed = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            let pos = lab::decimal::parse(&e.target_unchecked_into::<HtmlInputElement>().value()).unwrap_or(-0.6);
            send.emit(Cmd::SetSpeed(slider_to_speed(pos)));
        })
    };
    let speed_text = format!("{speed:.2}×");
    html! {
        <nav class="toolbar" aria-label="Playback controls">
            <div class="group transport">
                <button id="back" title="Step back one event (← or ,)" disabled={steps == 0}
                    onclick={send.reform(|_| Cmd::Back(1))}>{icon("back")}{"Back"}{kbd("←")}</button>
                <button id="play" class="primary" aria-pressed={playing.to_string()}
                    title={if playing { "Pause (Space)" } else { "Play (Space)" }}
                    disabled={!can_play && !playing}
                    onclick={send.reform(|_| Cmd::TogglePlay)}>
                    { if playing { icon("pause") } else { icon("play") } }
                    { if playing { "Pause" } else { "Play" } }{kbd("Space")}
                </button>
                <button id="step" title="Step forward one event (→ or .)" disabled={!can_play}
                    onclick={send.reform(|_| Cmd::Step(1))}>{icon("step")}{"Step"}{kbd("→")}</button>
            </div>
            <div class="group speed">
                <label for="speed" title="Playback speed: model milliseconds per wall-clock millisecond (+ / −)">{"Speed"}</label>
                <input id="speed" type="range" min="-2" max="1" step="0.05"
                    value={speed_to_slider(speed).to_string()} oninput={on_speed}
                    aria-valuetext={speed_text.clone()}
                    title="Playback speed, log scale from 0.01× to 10× (+ / −)" />
                <output for="speed" class="mono">{ speed_text }</output>
            </div>
            <div class="group modes">
                <button id="partition-mode" class={classes!(partition_mode.then_some("on"))}
                    aria-pressed={partition_mode.to_string()}
                    title="Partition mode: click or tap nodes to put them on one side, Enter applies, Esc cancels (g)"
                    onclick={send.reform(move |_| Cmd::PartitionMode(!partition_mode))}>{"Partition"}{kbd("g")}</button>
                <button id="spacetime-toggle" class={classes!(diagram.then_some("on"))} aria-pressed={diagram.to_string()}
                    title="Show the run as a space-time diagram: a lane per node, an arrow per message (t)"
                    onclick={send.reform(move |_| Cmd::ShowDiagram(!diagram))}>{"Space-time"}{kbd("t")}</button>
                <label class="beside" title="Another algorithm beside this one, on the same seed, network and actions">
                    <span class="label">{"Beside"}</span>
                    <select id="compare-with" onchange={on_compare}
                        title="Side by side: another algorithm on the same seed, network and actions (compare= in a link)">
                        <option value="" selected={compare.is_none()}>{"—"}</option>
                        { for lab::ALGOS.iter().map(|a| html! {
                            <option value={a.name} selected={Some(a.algo) == *compare}>{ a.title }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="group clock mono" aria-live="off" title="Events processed and model time">
                <span id="stepcount">{ format!("step {steps}") }</span>
                <span>{ format!("{now} ms") }</span>
            </div>
        </nav>
    }
}
