//! The nodes panel: every node with its role and badge (click to inspect,
//! shift-click to pick for a partition) and the partition controls.

use super::icons::kbd;
use crate::model::cmd::Cmd;
use crate::model::core::Core;
use crate::model::palette::{role_color, role_shape, shape_class};
use protocol::Status;
use sim::Action;
use yew::prelude::*;

pub fn nodes_panel(core: &Core, send: &Callback<Cmd>) -> Html {
    let session = core.session.as_ref();
    let n = session.node_count();
    html! {
        <section class="panel" aria-labelledby="nodes-h">
            <h2 id="nodes-h">{"Nodes"}</h2>
            <ul class="node-list" id="node-list">
                { for (0..n).map(|id| {
                    let info = session.node_info(id);
                    let status = match info.status { Status::Up => "up", Status::Crashed => "down", Status::Paused => "paused" };
                    let role = if info.status == Status::Crashed { "down" } else { info.look.role };
                    let selected = core.selected_node == Some(id);
                    let picked = core.picked.contains(&id);
                    let send2 = send.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        if e.shift_key() {
                            send2.emit(Cmd::TogglePick(id));
                        } else {
                            send2.emit(Cmd::SelectNode(if selected { None } else { Some(id) }));
                        }
                    });
                    html! {
                        <li data-node={id.to_string()} data-role={info.look.role} data-status={status}>
                            <button class={classes!("node-row", selected.then_some("selected"), picked.then_some("picked"))}
                                aria-pressed={selected.to_string()}
                                title={format!("Inspect node {id} (shift-click to pick for a partition)")} {onclick}>
                                <span class={classes!("dot", format!("c{}", role_color(info.look.role)), shape_class(role_shape(info.look.role)), status)}></span>
                                <span class="nid">{ format!("node {id}") }</span>
                                <span class="role">{ role }</span>
                                <span class="badge mono">{ info.look.badge.clone() }</span>
                                { if picked { html! { <span class="pick" title="picked for a partition group">{"◆"}</span> } } else { html! {} } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            { partition_controls(core, send) }
        </section>
    }
}

fn partition_controls(core: &Core, send: &Callback<Cmd>) -> Html {
    let picked = &core.picked;
    let any_cut = {
        let n = core.node_count();
        (0..n).any(|a| (0..n).any(|b| a != b && core.session.is_cut(a, b)))
    };
    let label = if picked.is_empty() {
        "Shift-click nodes to pick a group".to_string()
    } else {
        format!("Picked: {{{}}}", picked.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(","))
    };
    html! {
        <div class="partition">
            <span class="muted" id="picked">{ label }</span>
            <div class="btn-row">
                <button id="partition" disabled={picked.is_empty()}
                    title="Cut the picked nodes off from the others, both ways"
                    onclick={send.reform(|_| Cmd::PartitionPicked)}>{"Partition picked"}</button>
                <button id="clear-picks" disabled={picked.is_empty()} title="Forget the picked nodes"
                    onclick={send.reform(|_| Cmd::ClearPicks)}>{"Clear"}</button>
                <button id="heal" disabled={!any_cut} title="Restore every link (h)"
                    onclick={send.reform(|_| Cmd::Act(Action::Heal))}>{"Heal"}{kbd("h")}</button>
            </div>
        </div>
    }
}
