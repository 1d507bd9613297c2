//! The current algorithm's options, one labelled control each, built from
//! the catalog (`algo.info().options`). A change replays the run under the
//! new setting ([`Cmd::SetOption`]); a bad value leaves the run alone and
//! names the option in a notice.

use crate::model::cmd::Cmd;
use crate::model::core::option_value;
use lab::OptionSpec;
use lab::Setup;
use protocol::BugSpec;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use lab::options::choices;

pub fn options_panel(setup: &Setup, send: &Callback<Cmd>) -> Html {
    let specs = setup.algo.info().options;
    let bug = setup.bug();
    if specs.is_empty() && bug.is_none() {
        return html! {};
    }
    let changed = specs.iter().filter(|s| setup.options.get(s.name).is_some_and(|v| v != s.default)).count()
        + usize::from(bug.is_some());
    html! {
        <details class="options" id="options">
            <summary title="Settings of this algorithm (each change replays the run with the same seed and actions)">
                {"Options"}
                // A count on a badge, not "(2 changed)": the words made the
                // top bar one row taller at 1280 px.
                if changed > 0 {
                    <span class="changed-count" title={format!("{changed} changed")}>
                        { changed }<span class="sr-only">{" changed"}</span>
                    </span>
                }
            </summary>
            <div class="options-body" role="group" aria-label="Algorithm options">
                { for bug.map(|bug| bug_row(bug, send)) }
                { for specs.iter().map(|spec| control(setup, spec, send)) }
            </div>
        </details>
    }
}

/// The broken variant a link switched on: what it breaks and how, and a
/// button that runs the correct protocol on the same seed and actions.
/// (No menu offers one: `cli algos` lists them.)
fn bug_row(bug: &BugSpec, send: &Callback<Cmd>) -> Html {
    let off = send.reform(|_| Cmd::SetOption { name: lab::options::BUG.to_string(), value: String::new() });
    html! {
        <div class="bug-row" id="opt-bug">
            <span class="label mono">{"bug"}</span>
            <span class="bug-name mono">{ bug.name }</span>
            <button type="button" id="opt-bug-off" onclick={off}
                title="Run the correct protocol instead, with the same seed and actions">{"Switch off"}</button>
            <span class="default muted">{ format!("breaks {}: {}", bug.breaks, bug.what) }</span>
        </div>
    }
}

fn control(setup: &Setup, spec: &OptionSpec, send: &Callback<Cmd>) -> Html {
    let name = spec.name;
    let value = option_value(setup, name).unwrap_or_else(|| spec.default.to_string());
    let id = format!("opt-{name}");
    let title = format!("{} (default: {})", spec.help, spec.default);
    // What the option does, on screen (a title is out of reach on touch)
    // and as the field's description for a screen reader.
    let help = format!("{id}-help");
    let field = match choices(spec) {
        Some(words) => {
            let onchange = send.reform(move |e: Event| Cmd::SetOption {
                name: name.to_string(),
                value: e.target_unchecked_into::<HtmlSelectElement>().value(),
            });
            html! {
                <select id={id.clone()} data-option={name} title={title.clone()} aria-describedby={help.clone()} {onchange}>
                    { for words.iter().map(|w| html! {
                        <option value={*w} selected={*w == value}>
                            { if *w == spec.default { format!("{w} (default)") } else { w.to_string() } }
                        </option>
                    }) }
                </select>
            }
        }
        None => html! {
            <OptionField name={name} value={value.clone()} placeholder={spec.default} title={title.clone()}
                help={help.clone()} send={send.clone()} />
        },
    };
    html! {
        <label for={id} title={title}>
            <span class="label mono">{ name }</span>
            { field }
            <span class="default muted" id={help}>{ format!("{} (default {})", spec.help, spec.default) }</span>
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct FieldProps {
    name: &'static str,
    value: String,
    placeholder: &'static str,
    title: String,
    /// The id of the option's description.
    help: String,
    send: Callback<Cmd>,
}

/// A free-text option. The field is left uncontrolled while the user types
/// (Yew would put the rendered value back on every refresh of the page) and
/// shows the value in use whenever that changes.
#[function_component(OptionField)]
fn option_field(props: &FieldProps) -> Html {
    let field = use_node_ref();
    {
        let field = field.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(el) = field.cast::<HtmlInputElement>() {
                el.set_value(value);
            }
        });
    }
    let name = props.name;
    let current = props.value.clone();
    let send = props.send.clone();
    // `change` fires on Enter and on leaving the field.
    let onchange = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        let typed = input.value();
        if typed.trim() == current {
            return;
        }
        // Show the value in use until the new one is accepted.
        input.set_value(&current);
        send.emit(Cmd::SetOption { name: name.to_string(), value: typed });
    });
    html! {
        <input ref={field} id={format!("opt-{name}")} data-option={name} type="text" size="8"
            placeholder={props.placeholder} title={props.title.clone()} aria-describedby={props.help.clone()} {onchange} />
    }
}
