//! The lock panels: the legend of the two lease arcs and the storage's
//! write log, drawn from [`crate::model::lock`].

use crate::model::core::Core;
use crate::model::lock::{is_lock, writes};
use yew::prelude::*;

/// Legend keys for the two lease arcs and the clocks.
pub fn legend(algo: &str) -> Html {
    if !is_lock(algo) {
        return html! {};
    }
    html! {
        <>
            <span class="key"><span class="swatch arc-holder" aria-hidden="true"></span>{"lease as its holder believes"}</span>
            <span class="key"><span class="swatch arc-server" aria-hidden="true"></span>{"lease as the server sees it"}</span>
            <span class="key mono">{"t= local clock ×rate"}</span>
        </>
    }
}

/// The storage's write log as a table, newest first.
pub fn panel(core: &Core) -> Html {
    let Some((storage, rows, highest)) = writes(core.session.as_ref()) else { return html! {} };
    html! {
        <section class="panel" aria-labelledby="writes-h">
            <h2 id="writes-h">{ format!("Storage writes (node {storage})") }</h2>
            <p class="muted" id="highest-token">
                { match highest {
                    Some(t) => format!("Highest token accepted: {t}"),
                    None => "No token checked (this storage accepts every write)".to_string(),
                } }
            </p>
            { if rows.is_empty() { html! { <p class="muted">{"No write yet."}</p> } } else { html! {
                <table class="write-log mono" id="write-log" aria-label="Writes the storage received, newest first">
                    <thead><tr>
                        <th scope="col">{"client"}</th><th scope="col">{"token"}</th>
                        <th scope="col">{"result"}</th><th scope="col">{"time"}</th>
                    </tr></thead>
                    <tbody>
                    { for rows.iter().map(|w| html! {
                        <tr class={if w.accepted { "accepted" } else { "rejected" }}
                            data-token={w.token.map(|t| t.to_string()).unwrap_or_default()}
                            data-accepted={w.accepted.to_string()}>
                            <td>{ w.client }</td>
                            <td>{ w.token.map_or("—".to_string(), |t| t.to_string()) }</td>
                            <td>{ if w.accepted { "✓ accepted" } else { "✗ rejected" } }</td>
                            <td>{ w.time }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            } } }
        </section>
    }
}
