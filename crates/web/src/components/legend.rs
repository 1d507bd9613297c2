//! The legend under the canvas, drawn from the protocol's presentation: its
//! [`LegendItem`]s (roles as their shape in their tone, rings, halos, lines
//! of text), then node states, the message kinds this run has flown in their
//! tones ([`crate::model::core::Core::kinds`]), cuts and losses. It knows no
//! protocol.

use crate::model::palette::shape_class;
use protocol::present::LegendItem;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CanvasLegendProps {
    /// The protocol's own keys ([`protocol::present::Picture::legend`]).
    pub items: Vec<LegendItem>,
    /// The message kinds this run has flown, sorted, and their palette slots.
    pub kinds: Vec<(&'static str, usize)>,
    /// A safety property is broken at this step: its nodes carry a red mark.
    #[prop_or_default]
    pub violated: bool,
}

#[function_component(CanvasLegend)]
pub fn canvas_legend(props: &CanvasLegendProps) -> Html {
    html! {
        // Focusable: on a narrow screen the legend scrolls, and a scrolling
        // region must be reachable from the keyboard.
        <div class="legend" role="group" aria-label="Legend" tabindex="0">
            { for props.items.iter().map(legend_item) }
            <span class="key"><span class="swatch node down"></span>{"down"}</span>
            <span class="key"><span class="swatch node paused"></span>{"paused"}</span>
            if props.violated {
                <span class="key" id="legend-blamed"><span class="swatch node blamed" aria-hidden="true"></span>{"breaks a safety property"}</span>
            }
            <span class="sep" aria-hidden="true"></span>
            { for props.kinds.iter().map(|(k, slot)| html! {
                <span class="key" data-kind={*k}><span class={classes!("swatch", "msg", format!("c{slot}"))}></span>{ *k }</span>
            }) }
            <span class="key"><span class="swatch cut"></span>{"cut link"}</span>
            <span class="key"><span class="lost-mark" aria-hidden="true">{"✕"}</span>{"lost message"}</span>
            <span class="hint">{"Click a node or message to inspect it · g: partition mode · alt-click a node to cut the link from the selected node to it"}</span>
        </div>
    }
}

/// One key of a protocol's legend.
pub fn legend_item(item: &LegendItem) -> Html {
    match item {
        LegendItem::Role { label, tone, shape } => html! {
            <span class="key" data-role={*label}>
                <span class={classes!("swatch", "node", format!("c{}", tone.slot()), shape_class(*shape))} aria-hidden="true"></span>
                { crate::model::text::role_name(label).into_owned() }
            </span>
        },
        LegendItem::Ring { label, outer } => html! {
            <span class="key">
                <span class={classes!("swatch", if *outer { "arc-server" } else { "arc-holder" })} aria-hidden="true"></span>
                { *label }
            </span>
        },
        LegendItem::Text { label } => html! { <span class="key mono">{ *label }</span> },
        LegendItem::Marked { label } => html! {
            <span class="key"><span class="swatch halo" aria-hidden="true"></span>{ *label }</span>
        },
    }
}
