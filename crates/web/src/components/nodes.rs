//! The nodes panel: every node with its role and badge (click to inspect,
//! shift-click to pick for a partition) and the partition controls.

use super::icons::kbd;
use crate::model::cmd::Cmd;
use crate::model::palette::shape_class;
use protocol::present::Shape;
use protocol::{NodeId, Status};
use sim::{Action, Session};
use yew::prelude::*;

/// One node as the panel lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRow {
    pub id: NodeId,
    pub role: &'static str,
    /// The role's palette slot and shape, from the node's look.
    pub color: usize,
    pub shape: Shape,
    pub status: Status,
    pub badge: String,
}

/// The rows of a session's nodes, in id order.
pub fn node_rows(session: &dyn Session) -> Vec<NodeRow> {
    (0..session.node_count())
        .map(|id| {
            let info = session.node_info(id);
            NodeRow {
                id,
                role: info.look.role,
                color: info.look.tone.slot(),
                shape: info.look.shape,
                status: info.status,
                badge: info.look.badge,
            }
        })
        .collect()
}

/// Whether any link of the session is cut (then Heal has work to do).
pub fn any_cut(session: &dyn Session) -> bool {
    let n = session.node_count();
    (0..n).any(|a| (0..n).any(|b| a != b && session.is_cut(a, b)))
}

#[derive(Properties, PartialEq)]
pub struct NodesProps {
    pub rows: Vec<NodeRow>,
    pub selected: Option<NodeId>,
    /// Nodes picked for a partition group.
    pub picked: Vec<NodeId>,
    pub any_cut: bool,
    /// In partition mode a click picks instead of selecting.
    pub partition_mode: bool,
    pub send: Callback<Cmd>,
}

#[function_component(NodesPanel)]
pub fn nodes_panel(props: &NodesProps) -> Html {
    let send = &props.send;
    let picking = props.partition_mode;
    html! {
        <section class="panel" aria-labelledby="nodes-h">
            <h2 id="nodes-h">{"Nodes"}</h2>
            <ul class="node-list" id="node-list">
                { for props.rows.iter().map(|row| {
                    let id = row.id;
                    let status = match row.status { Status::Up => "up", Status::Crashed => "down", Status::Paused => "paused" };
                    let role = if row.status == Status::Crashed { "down" } else { row.role };
                    let selected = props.selected == Some(id);
                    let picked = props.picked.contains(&id);
                    let send2 = send.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        if e.shift_key() || picking {
                            send2.emit(Cmd::TogglePick(id));
                        } else {
                            send2.emit(Cmd::SelectNode(if selected { None } else { Some(id) }));
                        }
                    });
                    html! {
                        <li data-node={id.to_string()} data-role={row.role} data-status={status}>
                            <button class={classes!("node-row", selected.then_some("selected"), picked.then_some("picked"))}
                                aria-pressed={(if picking { picked } else { selected }).to_string()}
                                title={if picking { format!("Put node {id} on the picked side, or back") }
                                    else { format!("Inspect node {id} (shift-click to pick for a partition)") }} {onclick}>
                                <span class={classes!("dot", format!("c{}", row.color), shape_class(row.shape), status)}></span>
                                <span class="nid">{ format!("node {id}") }</span>
                                <span class="role">{ crate::model::text::role_name(role).into_owned() }</span>
                                <span class="badge mono">{ row.badge.clone() }</span>
                                { if picked { html! { <span class="pick" title="picked for a partition group">{"◆"}</span> } } else { html! {} } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            { partition_controls(&props.picked, props.any_cut, send) }
        </section>
    }
}

fn partition_controls(picked: &[NodeId], any_cut: bool, send: &Callback<Cmd>) -> Html {
    let label = if picked.is_empty() {
        "Shift-click nodes, or use partition mode (g), to pick a group".to_string()
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
