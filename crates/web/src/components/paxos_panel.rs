//! The Paxos panels: the decision in words (Paxos) and every replica's
//! slots as a grid (Multi-Paxos), drawn from [`crate::model::paxos`].

use crate::model::core::Core;
use crate::model::paxos::{ballot_text, cell, chosen_text, nodes, quorum, Cell, PaxosNode, GRID_SLOTS};
use yew::prelude::*;

/// The DOM part: the chosen value in words (Paxos), the slot grid (Multi-Paxos).
pub fn panel(core: &Core) -> Html {
    let session = core.session.as_ref();
    match session.algo() {
        "paxos" => {
            let nodes = nodes(session);
            let chosen = match quorum(&nodes, 0) {
                Some(q) => html! {
                    <p class="paxos-chosen chosen" id="paxos-chosen" role="status">
                        <span class="mark" aria-hidden="true">{"✓ "}</span>{ chosen_text(&q) }
                    </p>
                },
                None => html! {
                    <p class="paxos-chosen muted" id="paxos-chosen" role="status">{"No value chosen yet."}</p>
                },
            };
            html! {
                <section class="panel" aria-labelledby="decision-h">
                    <h2 id="decision-h">{"Decision"}</h2>
                    { chosen }
                </section>
            }
        }
        "multipaxos" => slot_grid(&nodes(session)),
        _ => html! {},
    }
}

/// Legend keys for what this module adds to the canvas.
pub fn legend(algo: &str) -> Html {
    if algo != "paxos" {
        return html! {};
    }
    html! {
        <>
            <span class="key"><span class="swatch halo" aria-hidden="true"></span>{"quorum that chose the value"}</span>
            <span class="key mono">{"p promised · a accepted=value"}</span>
        </>
    }
}

fn slot_grid(nodes: &[PaxosNode]) -> Html {
    let last = nodes.iter().flat_map(|n| n.accepted.iter().map(|a| a.slot).chain(n.chosen.iter().map(|c| c.0))).max();
    let Some(last) = last else {
        return html! {
            <section class="panel slot-log" id="slot-grid" aria-labelledby="slot-h">
                <h2 id="slot-h">{"Slots per replica"}</h2>
                <p class="muted">{"No slot used yet: send a request to the leader (select it, then Client request)."}</p>
            </section>
        };
    };
    let first = last.saturating_sub(GRID_SLOTS - 1);
    html! {
        <section class="panel slot-log" aria-labelledby="slot-h">
            <h2 id="slot-h">{"Slots per replica"}</h2>
            <div class="slot-legend" aria-label="Legend of the slot grid">
                <span class="cell-key accepted">{"· accepted (ballot)"}</span>
                <span class="cell-key chosen">{"✓ chosen"}</span>
                <span class="cell-key applied">{"✓✓ applied"}</span>
                { if first > 0 { html! { <span class="muted">{ format!("slots before {first} not shown") }</span> } } else { html! {} } }
            </div>
            <div class="slot-scroll" tabindex="0">
                <table class="slot-grid mono" id="slot-grid">
                    <thead><tr>
                        <th scope="col">{"node"}</th>
                        { for (first..=last).map(|s| html! { <th scope="col">{ s }</th> }) }
                    </tr></thead>
                    <tbody>
                    { for nodes.iter().map(|n| html! {
                        <tr data-node={n.id.to_string()} class={classes!((!n.up).then_some("down"))}>
                            <th scope="row">{ if n.up { n.id.to_string() } else { format!("{} ✕", n.id) } }</th>
                            { for (first..=last).map(|s| slot_cell(n, s)) }
                        </tr>
                    }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn slot_cell(n: &PaxosNode, slot: u64) -> Html {
    let (class, value, state, title) = match cell(n, slot) {
        Cell::Empty => ("empty", String::new(), String::new(), format!("node {}, slot {slot}: nothing", n.id)),
        Cell::Accepted(b, v) => {
            let b = ballot_text(b);
            ("accepted", v.clone(), format!("· {b}"), format!("node {}, slot {slot}: accepted {v} in ballot {b}", n.id))
        }
        Cell::Chosen(v) => ("chosen", v.clone(), "✓".into(), format!("node {}, slot {slot}: {v} chosen", n.id)),
        Cell::Applied(v) => {
            ("applied", v.clone(), "✓✓".into(), format!("node {}, slot {slot}: {v} chosen and applied", n.id))
        }
    };
    html! {
        <td class={class} data-slot={slot.to_string()} data-state={class} title={title}>
            <span class="v">{ value }</span><span class="s">{ state }</span>
        </td>
    }
}
