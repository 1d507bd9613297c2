//! The keyboard help overlay. Opening it moves focus into it, so Tab and
//! Escape work there.

use crate::model::cmd::Cmd;
use crate::model::shortcuts::{KEYS, POINTER};
use wasm_bindgen::JsCast;
use yew::prelude::*;

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
                    { for KEYS.iter().map(|row| (row.label, row.what)).chain(POINTER.iter().copied()).map(|(k, what)| html! {
                        <tr><th scope="row"><kbd>{ k }</kbd></th><td>{ what }</td></tr>
                    }) }
                    </tbody>
                </table>
                <p class="muted">{"Scripting: "}<code>{"window.clusterscope"}</code>{" has state(), step(n), back(n), seek(step), play(), pause(), act(action), trace(), traceText(), check(budgets) and cancelCheck()."}</p>
            </div>
        </div>
    }
}
