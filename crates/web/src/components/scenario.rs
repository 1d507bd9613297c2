//! The card of a catalog scenario, opened from the menu or a `?preset=`
//! link: what it shows, and a button to the step where it happens (so
//! nobody watches half a minute of playback waiting for it).

use crate::model::cmd::Cmd;
use lab::presets::Preset;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioProps {
    pub preset: &'static Preset,
    /// The run's current step: the jump button says whether it is past.
    pub step: u64,
    pub send: Callback<Cmd>,
}

#[function_component(ScenarioCard)]
pub fn scenario_card(props: &ScenarioProps) -> Html {
    let p = props.preset;
    let moment = p.moment;
    let at = moment.step;
    let label = if props.step == at {
        format!("Step {at}: {}", moment.what)
    } else {
        format!("Jump to step {at}: {}", moment.what)
    };
    html! {
        <section class="panel scenario" id="scenario" aria-labelledby="scenario-h">
            <div class="panel-head">
                <h2 id="scenario-h">{ "Scenario" }</h2>
                <button class="close" id="scenario-close" aria-label="Close the scenario's card" title="Close"
                    onclick={props.send.reform(|_| Cmd::CloseScenario)}>{"✕"}</button>
            </div>
            <p class="scenario-title"><strong>{ p.title }</strong></p>
            // The way to the moment first: below the description, the
            // safety panel kept in view at the column's foot covered it.
            <button id="scenario-jump" class="primary" disabled={props.step == at} data-step={at.to_string()}
                onclick={props.send.reform(move |_| Cmd::Seek(at))}>{ label }</button>
            <p class="scenario-text">{ p.description }</p>
        </section>
    }
}
