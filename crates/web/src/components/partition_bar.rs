//! Partition mode's bar, shown in the caption's place over the canvas:
//! which nodes are on the picked side and which on the other, Apply
//! (Enter) and Cancel (Esc). A click or tap on a node (canvas or list)
//! moves it between the sides; no modifier key is needed, so it works on a
//! phone.

use super::icons::kbd;
use crate::model::cmd::Cmd;
use protocol::NodeId;
use yew::prelude::*;

fn set(ids: impl Iterator<Item = NodeId>) -> String {
    format!("{{{}}}", ids.map(|i| i.to_string()).collect::<Vec<_>>().join(","))
}

/// The bar for `picked` of `nodes` nodes. A plain function, not a
/// component: it is small, shown only in the mode, and a component's
/// machinery costs more bundle bytes than re-rendering it does.
pub fn partition_bar(picked: &[NodeId], nodes: u32, send: &Callback<Cmd>) -> Html {
    let rest = set((0..nodes).filter(|i| !picked.contains(i)));
    let ready = !picked.is_empty() && (picked.len() as u32) < nodes;
    let text = if picked.is_empty() {
        "Partition mode: click or tap the nodes to cut off.".to_string()
    } else {
        format!("Partition {} | {rest}", set(picked.iter().copied()))
    };
    html! {
        <div class="caption mode-bar" id="partition-bar" role="group" aria-labelledby="partition-text">
            <span id="partition-text" aria-live="polite">{ text }</span>
            <span class="btn-row">
                <button id="partition-apply" class="primary" disabled={!ready}
                    title="Cut the picked nodes off from the others, both ways (Enter)"
                    onclick={send.reform(|_| Cmd::PartitionPicked)}>{"Apply"}{kbd("Enter")}</button>
                <button id="partition-cancel" title="Leave partition mode without cutting anything (Esc)"
                    onclick={send.reform(|_| Cmd::PartitionMode(false))}>{"Cancel"}{kbd("Esc")}</button>
            </span>
        </div>
    }
}
