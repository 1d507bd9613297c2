//! The safety properties panel: for the step on screen, each property
//! holds, is broken (with the nodes and values involved, which the canvas
//! and the space-time diagram mark too), or broke first at an earlier step
//! (a button that jumps there).

use crate::model::cmd::Cmd;
use protocol::Violation;
use sim::FirstViolation;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvariantsProps {
    pub properties: &'static [&'static str],
    /// The run's first violation.
    pub first: Option<FirstViolation>,
    /// The property broken at the step on screen, if any: which nodes'
    /// states break it and how.
    pub now: Option<Violation>,
    /// Whether playback pauses at the first violation.
    pub pause_on_violation: bool,
    /// The run's deliberately broken variant, whose property is marked as
    /// its target until it breaks.
    pub bug: Option<&'static protocol::BugSpec>,
    pub send: Callback<Cmd>,
}

#[function_component(Invariants)]
pub fn invariants(props: &InvariantsProps) -> Html {
    let send = &props.send;
    html! {
        <section class="panel safety" id="safety" aria-labelledby="inv-h">
            <h2 id="inv-h">{"Safety properties"}</h2>
            <ul class="invariants" id="invariants">
                { for props.properties.iter().map(|&p| {
                    let broken_first = props.first.as_ref().filter(|f| f.property == p);
                    let now = props.now.as_ref().filter(|v| v.property == p);
                    let broken = broken_first.is_some() || now.is_some();
                    // What breaks it at this step: the nodes and the values.
                    let why = now.map(|v| html! {
                        <span class="why">
                            if !v.nodes.is_empty() {
                                <span class="nodes">{ format!("nodes {}: ", v.nodes.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")) }</span>
                            }
                            { v.detail.clone() }
                        </span>
                    });
                    match broken_first {
                        Some(f) => {
                            let step = f.step;
                            html! {
                                <li class="broken" data-property={p}>
                                    <button title={format!("Jump to step {step}, where it first broke: {}", f.detail)}
                                        onclick={send.reform(move |_| Cmd::Seek(step))}>
                                        <span class="mark" aria-hidden="true">{"✗"}</span>{ p }
                                        <span class="when">{ format!("broken at step {step}") }</span>
                                    </button>
                                    { for why }
                                </li>
                            }
                        }
                        None if broken => html! {
                            <li class="broken" data-property={p}><span class="mark" aria-hidden="true">{"✗"}</span>{ p }
                                <span class="when">{"broken now"}</span>{ for why }</li>
                        },
                        None => html! {
                            <li class="holds" data-property={p}><span class="mark" aria-hidden="true">{"✓"}</span>{ p }
                                <span class="sr-only">{" holds"}</span>
                                if let Some(bug) = props.bug.filter(|b| b.breaks == p) {
                                    <span class="when bug-target">{ format!("bug={} aims at it", bug.name) }</span>
                                }
                            </li>
                        },
                    }
                }) }
            </ul>
            <label class="pause-on-violation" title="Stop playing at the step where a safety property first breaks">
                <input type="checkbox" id="pause-on-violation" checked={props.pause_on_violation}
                    onchange={send.reform(|e: Event| Cmd::PauseOnViolation(
                        e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))} />
                {"pause at the first violation"}
            </label>
        </section>
    }
}
