//! Notices (dismissable; a notice that is not an error goes away by itself
//! after a few seconds) and the list of scheduled actions that failed when
//! their step came. They float over the page's corner, so showing one never
//! resizes the canvas.

use crate::model::cmd::{Cmd, Notice};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// How long a notice that is not an error stays, in ms.
pub const NOTICE_MS: u32 = 4_000;

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    pub notices: Vec<Notice>,
    /// Scheduled actions that failed: `(index, step, error)`.
    pub errors: Vec<(usize, u64, String)>,
    pub send: Callback<Cmd>,
}

/// The failed scheduled actions of a session, for [`NoticesProps::errors`].
pub fn action_errors(session: &dyn sim::Session) -> Vec<(usize, u64, String)> {
    let actions = session.actions();
    session.action_errors().into_iter().map(|(i, e)| (i, actions.get(i).map_or(0, |a| a.step), e.to_string())).collect()
}

#[function_component(Notices)]
pub fn notices(props: &NoticesProps) -> Html {
    let NoticesProps { notices, errors, send } = props;
    // One timer per passing notice, kept until it fires or the notice goes
    // (a few at most: a list, not a map).
    let timers = use_mut_ref(Vec::<(u64, Timeout)>::new);
    {
        let mut timers = timers.borrow_mut();
        timers.retain(|(id, _)| notices.iter().any(|n| n.id == *id));
        for n in notices.iter().filter(|n| !n.error) {
            let id = n.id;
            if !timers.iter().any(|(t, _)| *t == id) {
                let send = send.clone();
                timers.push((id, Timeout::new(NOTICE_MS, move || send.emit(Cmd::Dismiss(id)))));
            }
        }
    }
    if notices.is_empty() && errors.is_empty() {
        return html! { <div class="notices" /> };
    }
    html! {
        <div class="notices">
            { for notices.iter().map(|n| {
                let id = n.id;
                html! {
                    <div class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }}>
                        <span>{ n.text.clone() }</span>
                        <button class="dismiss" title="Dismiss" aria-label="Dismiss message"
                            onclick={send.reform(move |_| Cmd::Dismiss(id))}>{"✕"}</button>
                    </div>
                }
            }) }
            { if errors.is_empty() { html! {} } else { html! {
                <div class="notice error" role="alert" id="action-errors">
                    <span>{ "Some scheduled actions failed when their step came:" }</span>
                    <ul>
                        { for errors.iter().map(|(i, step, e)| {
                            html! { <li>{ format!("actions[{i}] at step {step}: {e}") }</li> }
                        }) }
                    </ul>
                </div>
            } } }
        </div>
    }
}
