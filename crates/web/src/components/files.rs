//! The File menu: save the run as a run file, download its trace (whole or
//! a step range, confirmed when large), open a file. Dropping a file on the
//! page or pasting its text opens it too (`host::files`).

use super::icons::kbd;
use crate::host::files::OPEN_INPUT_ID;
use crate::model::cmd::Cmd;
use crate::model::files::{size_text, Save, TraceWarning};
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub warning: Option<TraceWarning>,
    /// Whether the algorithm's clients report operations (a Jepsen history).
    pub has_clients: bool,
    pub send: Callback<Cmd>,
    /// The file chosen in the file input.
    pub on_files: Callback<File>,
}

/// A step number typed in a range field: empty is `None`.
fn step_field(name: &str, input: &NodeRef) -> Result<Option<u64>, String> {
    let Some(input) = input.cast::<HtmlInputElement>() else { return Ok(None) };
    let text = input.value();
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u64>().map(Some).map_err(|_| format!("trace range: {name}: expected a step number, got {text:?}"))
}

#[function_component(FilesMenu)]
pub fn files_menu(props: &FilesProps) -> Html {
    let FilesProps { warning, has_clients, send, on_files } = props;
    let export = |format: sim::Export, id: &'static str, label: &'static str, title: &'static str| {
        html! {
            <button id={id} {title} onclick={send.reform(move |_| Cmd::Save(Save::Export(format)))}>{label}</button>
        }
    };
    let from = use_node_ref();
    let to = use_node_ref();
    let on_trace = {
        let (from, to, send) = (from.clone(), to.clone(), send.clone());
        Callback::from(move |_: MouseEvent| {
            let range = step_field("from", &from).and_then(|f| Ok((f.unwrap_or(1), step_field("to", &to)?)));
            send.emit(match range {
                Ok((from, to)) => Cmd::Save(Save::Trace { from, to, anyway: false }),
                Err(text) => Cmd::Notify { text, error: true },
            })
        })
    };
    let on_change = {
        let on_files = on_files.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            // The file first: clearing the input empties its live list.
            let file = input.files().and_then(|f| f.get(0));
            // Choosing the same file again is then a change too.
            input.set_value("");
            if let Some(file) = file {
                on_files.emit(file);
            }
        })
    };
    html! {
        <details class="files" id="files-menu">
            <summary title="Save this run or its trace, or open a file (s saves, o opens)">{"File"}</summary>
            <div class="files-body">
                <button id="save-run" onclick={send.reform(|_| Cmd::Save(Save::Run))}
                    title="A small file with this run's inputs and step: it reopens exactly this view, however long the run">
                    {"Save run"}{kbd("s")}</button>
                <fieldset class="trace-range">
                    <legend>{"Trace: every node's state at every step"}</legend>
                    <label>{"From step"}<input id="trace-from" ref={from} type="number" min="1" step="1" placeholder="1" /></label>
                    <label>{"to"}<input id="trace-to" ref={to} type="number" min="1" step="1" placeholder="now" /></label>
                    <button id="save-trace" onclick={on_trace}
                        title="The trace JSON that cli run --trace writes, for these steps">{"Download trace"}</button>
                </fieldset>
                if let Some(w) = warning {
                    <p class="files-warning" role="alert">
                        { format!("Steps {}–{} make a trace of about {}. ", w.from, w.to, size_text(w.bytes)) }
                        <button id="save-trace-anyway" onclick={
                            let (from, to) = (w.from, w.to);
                            send.reform(move |_| Cmd::Save(Save::Trace { from, to: Some(to), anyway: true }))
                        }>{"Download anyway"}</button>
                        {" or choose fewer steps."}
                    </p>
                }
                <fieldset class="exports">
                    <legend>{"Export for other tools"}</legend>
                    { export(sim::Export::ShiViz, "export-shiviz", "ShiViz",
                        "Events with vector clocks, for ShiViz (its parsing expression is the file's first line)") }
                    { export(sim::Export::Perfetto, "export-perfetto", "Perfetto",
                        "Chrome trace-event JSON: a track per node, an arrow per message (ui.perfetto.dev, chrome://tracing)") }
                    if *has_clients {
                        { export(sim::Export::Edn, "export-edn", "Jepsen EDN",
                            "The clients' operations as a Jepsen history, for Knossos or Elle") }
                    }
                </fieldset>
                <label class="button open-file" for={OPEN_INPUT_ID}
                    title="Open a run file or a trace (the app's, or cli run --trace's)">{"Open file…"}{kbd("o")}</label>
                <input id={OPEN_INPUT_ID} class="sr-only" type="file" accept=".json,application/json"
                    onchange={on_change} />
                <p class="hint">{"Or drop a file on the page, or paste its text."}</p>
            </div>
        </details>
    }
}
