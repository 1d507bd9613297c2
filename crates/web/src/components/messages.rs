//! The messages in flight as a keyboard-operable list (an ARIA listbox):
//! arrow keys, Home and End move the selection, which is the canvas's
//! selection too; Drop, Duplicate and Delay act on the selected message.
//! Built from [`MsgList`] (capped, due order); its props compare equal
//! while nothing changed, so it is rebuilt only when the world did, at the
//! page's refresh rate while playing.

use super::icons::kbd;
use crate::model::cmd::Cmd;
use crate::model::in_flight::MsgList;
use crate::model::shortcuts::DELAY_MS;
use sim::{Action, MsgId};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessagesProps {
    pub list: Rc<MsgList>,
    pub selected: Option<MsgId>,
    pub send: Callback<Cmd>,
}

// The delay button's words say 50 ms.
const _: () = assert!(DELAY_MS == 50);

fn option_id(id: MsgId) -> String {
    format!("msg-opt-{id}")
}

/// Scroll the list (only the list, never the page) so the selected option
/// is in view.
fn reveal(list: &HtmlElement, id: MsgId) {
    let Some(opt) = list
        .query_selector(&format!("#{}", option_id(id)))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let (top, height) = (opt.offset_top(), opt.offset_height());
    let (scroll, view) = (list.scroll_top(), list.client_height());
    if top < scroll {
        list.set_scroll_top(top);
    } else if top + height > scroll + view {
        list.set_scroll_top(top + height - view);
    }
}

#[function_component(MessagesPanel)]
pub fn messages_panel(props: &MessagesProps) -> Html {
    let MessagesProps { list, selected, send } = props;
    let onkeydown = {
        let list = list.clone();
        let send = send.clone();
        let selected = *selected;
        Callback::from(move |e: KeyboardEvent| {
            if let Some(id) = list.next(selected, &e.key()) {
                // Handled here: the page's shortcuts leave a prevented key alone.
                e.prevent_default();
                // The row is already in the list: bring it into view now
                // (no effect hook after the render needed).
                if let Some(el) = e.current_target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                    reveal(&el, id);
                }
                send.emit(Cmd::SelectMsg(Some(id)));
            }
        })
    };
    let total = list.rows.len() + list.more;
    let chosen = selected.and_then(|id| list.rows.iter().find(|r| r.id == id));
    let act = |make: fn(MsgId) -> Action| {
        let id = *selected;
        // The buttons are disabled without a selection.
        send.reform(move |_| id.map_or(Cmd::Refresh, |id| Cmd::Act(make(id))))
    };
    html! {
        <section class="panel msgs" aria-labelledby="msgs-h">
            <h2 id="msgs-h">{"Messages in flight "}<span class="count mono" id="msg-count">{ format!("({total})") }</span></h2>
            if list.rows.is_empty() {
                <p class="muted" id="msg-empty">{"No message in flight."}</p>
            } else {
                <ul class="msg-list" id="msg-list" role="listbox" tabindex="0"
                    aria-labelledby="msgs-h" aria-activedescendant={chosen.map(|r| option_id(r.id))} {onkeydown}>
                    { for list.rows.iter().map(|r| {
                        let id = r.id;
                        let is_sel = Some(id) == *selected;
                        // Held: it arrived and waits for its paused receiver.
                        let due = if r.held { "waiting".to_string() } else { format!("due {} ms", r.deliver_at) };
                        html! {
                            // Keyed by the message: a delivery removes its row
                            // instead of rewriting every row after it.
                            <li key={id} role="option" id={option_id(id)} data-msg={id.to_string()} aria-selected={is_sel.to_string()}
                                class={classes!("msg-row", is_sel.then_some("selected"))}
                                onclick={send.reform(move |_| Cmd::SelectMsg(Some(id)))}>
                                <span class={classes!("dot", format!("c{}", r.color))} aria-hidden="true"></span>
                                <span class="kind">{ format!("{} #{id}", r.kind) }</span>
                                <span class="label mono">{ r.label.clone() }</span>
                                <span class="due mono">{ format!("{}→{} {due}", r.from, r.to) }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
            if list.more > 0 {
                <p class="muted more" id="msg-more">{ format!("and {} more", list.more) }</p>
            }
            <div class="btn-row" role="group" aria-label="Act on the selected message">
                <button id="list-drop" class="danger" disabled={selected.is_none()} title="Lose the selected message (d)"
                    onclick={act(|msg| Action::Drop { msg })}>{"✕ Drop"}{kbd("d")}</button>
                <button id="list-dup" disabled={selected.is_none()} title="Deliver a second copy of the selected message (u)"
                    onclick={act(|msg| Action::Duplicate { msg })}>{"Duplicate"}{kbd("u")}</button>
                <button id="list-delay" disabled={selected.is_none() || chosen.is_some_and(|r| r.held)}
                    title="Deliver the selected message 50 ms later (l)"
                    onclick={act(|msg| Action::Delay { msg, by: DELAY_MS })}>{"Delay 50 ms"}{kbd("l")}</button>
            </div>
        </section>
    }
}
