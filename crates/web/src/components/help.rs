//! The keyboard help overlay. Opening it moves focus into it, so Tab and
//! Escape work there.

use crate::model::cmd::Cmd;
use wasm_bindgen::JsCast;
use yew::prelude::*;

pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play / pause"),
    ("→ or .", "Step forward one event"),
    ("← or ,", "Step back one event"),
    ("+ / −", "Faster / slower"),
    ("r", "Reset the world to step 0"),
    ("h", "Heal the network"),
    ("c", "Crash the selected node"),
    ("x", "Restart the selected node"),
    ("p", "Pause / resume the selected node"),
    ("d", "Drop the selected message"),
    ("click", "Select a node or a message"),
    ("shift-click", "Pick nodes for a partition group"),
    ("alt-click", "Cut the link from the selected node to this one"),
    ("?", "Show / hide this help"),
    ("Esc", "Close this help or the selection"),
];

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub send: Callback<Cmd>,
}

#[function_component(HelpOverlay)]
pub fn help_overlay(props: &HelpProps) -> Html {
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(close) =
                close_ref.cast::<web_sys::Element>().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = close.focus();
            }
        });
    }
    let send = &props.send;
    html! {
        <div class="overlay" onclick={send.reform(|_| Cmd::ToggleHelp)}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-h" id="help"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <header class="panel-head">
                    <h2 id="help-h">{"Keyboard shortcuts"}</h2>
                    <button class="close" id="help-close" ref={close_ref} title="Close (Esc)" aria-label="Close help"
                        onclick={send.reform(|_| Cmd::ToggleHelp)}>{"✕"}</button>
                </header>
                <table class="shortcuts">
                    <tbody>
                    { for SHORTCUTS.iter().map(|(k, what)| html! {
                        <tr><th scope="row"><kbd>{ *k }</kbd></th><td>{ *what }</td></tr>
                    }) }
                    </tbody>
                </table>
                <p class="muted">{"Scripting: "}<code>{"window.clusterscope"}</code>{" has state(), step(n), back(n), seek(step), play(), pause(), act(action), trace() and traceText()."}</p>
            </div>
        </div>
    }
}
