//! The timeline under the canvas: a slider over the steps seen so far
//! (drag, or the arrow keys, Home / End and Page Up / Down once it has
//! focus), marks where something happened, and a way back to the run a
//! fork left.

use crate::model::cmd::Cmd;
use crate::model::timeline::{Branch, Mark};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Width of the marks' drawing, in its own units.
const WIDTH: f64 = 1000.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub steps: u64,
    /// The furthest step seen: the slider's end.
    pub end: u64,
    pub marks: Rc<Vec<Mark>>,
    /// The latest run a fork left, if any.
    pub branch: Option<Branch>,
    /// Its index in the core's branches.
    pub branch_index: usize,
    pub send: Callback<Cmd>,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let TimelineProps { steps, end, marks, branch, branch_index, send } = props;
    let (steps, end) = (*steps, (*end).max(*steps).max(1));
    let on_input = send.reform(|e: InputEvent| {
        e.target_unchecked_into::<HtmlInputElement>().value().parse().map_or(Cmd::Refresh, Cmd::Seek)
    });
    let x = |step: u64| format!("{:.1}", step.min(end) as f64 / end as f64 * WIDTH);
    let described = if marks.is_empty() {
        "No marks yet.".to_string()
    } else {
        format!("Marks: {}.", marks.iter().map(|m| m.label.as_str()).collect::<Vec<_>>().join("; "))
    };
    let index = *branch_index;
    html! {
        <div class="timeline">
            <div class="timeline-track">
                <svg class="timeline-marks" viewBox={format!("0 0 {WIDTH} 12")} preserveAspectRatio="none" aria-hidden="true">
                    { for marks.iter().map(|m| html! {
                        <rect class={m.kind.class()} x={x(m.step)} y="0" width="4" height="12"><title>{ m.label.clone() }</title></rect>
                    }) }
                </svg>
                <input id="timeline" type="range" min="0" max={end.to_string()} value={steps.to_string()}
                    aria-label="Timeline" aria-valuetext={format!("step {steps} of {end} seen")}
                    aria-describedby="timeline-marks" oninput={on_input}
                    title="Drag to any step seen so far (arrow keys, Home, End, Page Up and Page Down once focused)" />
            </div>
            <p id="timeline-marks" class="sr-only">{ described }</p>
            if let Some(b) = branch {
                <button id="restore-branch" class="branch" title={format!("Go back to {}", b.label())}
                    onclick={send.reform(move |_| Cmd::RestoreBranch(index))}>
                    {"⟲ Back to the run before the fork"}
                </button>
            }
        </div>
    }
}
