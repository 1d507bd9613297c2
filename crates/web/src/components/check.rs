//! The model checker's panel: budgets, Start and Cancel, live progress
//! (`aria-live`), and the outcome with **Load counterexample**. Every
//! input is one [`CheckCmd`]; the check runs in a Web Worker
//! (`host::check`), so the page stays responsive.

use crate::model::check::{CheckCmd, Checker, Live, Status, FIELDS};
use crate::model::cmd::Cmd;
use lab::decimal::thousands;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The fields drawn as checkboxes.
const TOGGLES: [&str; 2] = ["crash_mid_step", "symmetry"];

#[derive(Properties, PartialEq)]
pub struct CheckProps {
    pub check: Checker,
    /// The step a check starts from (the run's current one).
    pub step: u64,
    /// The run's bug, and the check that finds it from the start if one
    /// is known ([`lab::recipes`]).
    pub bug: Option<(&'static str, Option<&'static lab::recipes::Recipe>)>,
    pub send: Callback<Cmd>,
}

/// What the panel says about the run's bug: the check that finds it, with
/// a button that sets it up (its title the same check on the command
/// line), or that none from the start is known.
fn bug_offer((name, recipe): (&'static str, Option<&'static lab::recipes::Recipe>), send: &Callback<Cmd>) -> Html {
    match recipe {
        Some(recipe) => html! {
            <p class="check-bug" id="check-bug">
                { format!("bug={name} is found from the start by a check of {}.", recipe.describe()) }
                <button type="button" id="check-recipe" title={recipe.command()}
                    onclick={send.reform(|_| check(CheckCmd::UseRecipe))}>{"Set up this check"}</button>
            </p>
        },
        None => html! {
            <p class="check-bug muted" id="check-bug">
                { format!("No check from a world's start is known to find bug={name} within a browser's budgets: \
                    play the run to where it is about to happen and check from that step.") }
            </p>
        },
    }
}

fn check(cmd: CheckCmd) -> Cmd {
    Cmd::Check(cmd)
}

/// The counters of a running (or cancelled) check.
fn live_text(live: &Live) -> String {
    format!(
        "{} states generated, {} unique, depth {}, {} unique states/s, {:.0} MB",
        thousands(live.generated),
        thousands(live.unique),
        live.depth,
        thousands(live.per_second().round() as u64),
        live.memory_mb
    )
}

fn field(name: &'static str, label: &'static str, value: &str, invalid: Option<&str>, send: &Callback<Cmd>) -> Html {
    let id = format!("check-{}", name.replace('_', "-"));
    let oninput = send.reform(move |e: InputEvent| {
        let value = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value());
        check(CheckCmd::Field { name: name.to_string(), value: value.unwrap_or_default() })
    });
    let onchange = send.reform(move |e: Event| {
        let value = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value());
        check(CheckCmd::Field { name: name.to_string(), value: value.unwrap_or_default() })
    });
    let toggle = send.reform(move |e: Event| {
        let on = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked());
        check(CheckCmd::Field { name: name.to_string(), value: on.to_string() })
    });
    let described = invalid.is_some().then(|| "check-error".to_string());
    html! {
        <label class={classes!("check-field", (name == "strategy").then_some("wide"),
            TOGGLES.contains(&name).then_some("check-toggle"))}>
            <span class="label">{ label }</span>
            if TOGGLES.contains(&name) {
                <input id={id} type="checkbox" checked={value == "true"} onchange={toggle} />
            } else if name == "strategy" {
                <select id={id} onchange={onchange}>
                    { for [("bfs", "Breadth-first (shortest)"), ("dfs", "Depth-first"), ("random", "Random walks")]
                        .into_iter().map(|(v, l)| html! { <option value={v} selected={v == value}>{ l }</option> }) }
                </select>
            } else {
                <input id={id} type="text" inputmode={if name == "commands" { "text" } else { "numeric" }}
                    value={value.to_string()} oninput={oninput} aria-invalid={invalid.is_some().to_string()}
                    aria-describedby={described} />
            }
        </label>
    }
}

#[function_component(CheckPanel)]
pub fn check_panel(props: &CheckProps) -> Html {
    let c = &props.check;
    let send = &props.send;
    let head_ref = use_node_ref();
    {
        // Opening the panel moves focus into it, to its first field.
        let head_ref = head_ref.clone();
        use_effect_with((), move |_| {
            if let Some(first) =
                head_ref.cast::<web_sys::Element>().and_then(|e| e.query_selector("input").ok().flatten())
            {
                let _ = first.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        });
    }
    let status_ref = use_node_ref();
    {
        // A check started or ended: its line comes into view (the side
        // column may have scrolled to the fields).
        let status_ref = status_ref.clone();
        use_effect_with(c.status.name(), move |_| {
            if let Some(line) = status_ref.cast::<web_sys::Element>() {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                line.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    }
    let random = c.fields.iter().any(|(n, v)| *n == "strategy" && v == "random");
    let invalid = c.invalid.as_ref();
    let fields = c.fields.iter().filter(|(n, _)| random || !matches!(*n, "walks" | "walk_seed")).map(|(n, v)| {
        let label = FIELDS.iter().find(|f| f.0 == *n).map_or("", |f| f.1);
        field(n, label, v, invalid.filter(|e| e.0 == *n).map(|e| e.1.as_str()), send)
    });
    let running = c.running();
    let (status, result) = match &c.status {
        Status::Idle => (format!("Explores every choice from step {} within the budgets.", props.step), None),
        Status::Running(None) => ("Starting the checker…".to_string(), None),
        Status::Running(Some(live)) => (format!("Checking: {}", live_text(live)), None),
        Status::Cancelled(live) => (
            format!("Cancelled{}", live.as_ref().map(|l| format!(" after {}", live_text(l))).unwrap_or_default()),
            None,
        ),
        Status::Failed(e) => (format!("The check failed: {e}"), None),
        Status::Done(outcome) => {
            let budgets = c.request.as_deref();
            let summary = budgets.map(|b| outcome.summary(b)).unwrap_or_default();
            let rate = if outcome.seconds > 0.0 { outcome.unique as f64 / outcome.seconds } else { 0.0 };
            let mut timing = format!(
                "{} states generated, {} unique, in {:.2} s ({} unique states/s), {:.0} MB, from step {}.",
                thousands(outcome.generated),
                thousands(outcome.unique),
                outcome.seconds,
                thousands(rate.round() as u64),
                outcome.memory_mb,
                outcome.from_step
            );
            if let Some(reduction) = outcome.symmetry_text() {
                timing = format!("{timing} {reduction}");
            }
            (summary, Some((outcome.violation.is_some(), timing)))
        }
    };
    let failed = matches!(c.status, Status::Failed(_));
    html! {
        <section class="panel check-panel" id="check-panel" aria-labelledby="check-h" ref={head_ref}>
            <header class="panel-head">
                <h2 id="check-h">{"Model check"}</h2>
                <button class="close" id="check-close" title="Close (Esc)" aria-label="Close the model checker"
                    onclick={send.reform(|_| check(CheckCmd::Open(false)))}>{"✕"}</button>
            </header>
            if let Some((_, e)) = invalid {
                <p class="check-error" id="check-error" role="alert">{ e.clone() }</p>
            }
            <p id="check-status" ref={status_ref} class={classes!("check-status", failed.then_some("failed"),
                result.as_ref().is_some_and(|r| r.0).then_some("violated"))}
                aria-live="polite" data-status={c.status.name()}>{ status }</p>
            if let Some((violated, timing)) = result {
                <p class="muted" id="check-timing">{ timing }</p>
                if violated {
                    <button class="primary" id="check-load" onclick={send.reform(|_| check(CheckCmd::LoadCounterexample))}>
                        {"Load counterexample"}</button>
                }
            }
            if let Some(bug) = props.bug {
                { bug_offer(bug, send) }
            }
            if let Some(note) = &c.note {
                <p class="muted check-note" id="check-note">{ note.clone() }</p>
            }
            <form class="check-fields" onsubmit={send.reform(|e: SubmitEvent| { e.prevent_default(); check(CheckCmd::Start(Vec::new())) })}>
                { for fields }
                <div class="check-buttons">
                    <button type="submit" class="primary" id="check-start" disabled={running}>{"Start"}</button>
                    <button type="button" id="check-cancel" disabled={!running}
                        onclick={send.reform(|_| check(CheckCmd::Cancel))}>{"Cancel"}</button>
                </div>
            </form>
        </section>
    }
}
