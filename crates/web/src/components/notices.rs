//! Notices above the canvas (dismissable) and the list of scheduled
//! actions that failed when their step came.

use crate::model::cmd::{Cmd, Notice};
use yew::prelude::*;

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
