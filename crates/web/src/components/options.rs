//! The current algorithm's options, one labelled control each, built from
//! the catalog (`algo.info().options`). A change replays the run under the
//! new setting ([`Cmd::SetOption`]); a bad value leaves the run alone and
//! names the option in a notice.

use crate::model::cmd::Cmd;
use crate::model::core::option_value;
use lab::OptionSpec;
use lab::Setup;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use lab::options::choices;

pub fn options_panel(setup: &Setup, send: &Callback<Cmd>) -> Html {
    let specs = setup.algo.info().options;
    if specs.is_empty() {
        return html! {};
    }
    let changed = specs.iter().filter(|s| setup.options.get(s.name).is_some_and(|v| v != s.default)).count();
    html! {
        <details class="options" id="options">
            <summary title="Settings of this algorithm (each change replays the run with the same seed and actions)">
                { if changed > 0 { format!("Options ({changed} changed)") } else { "Options".to_string() } }
            </summary>
            <div class="options-body" role="group" aria-label="Algorithm options">
                { for specs.iter().map(|spec| control(setup, spec, send)) }
            </div>
        </details>
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
