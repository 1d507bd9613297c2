//! The legend under the canvas: node roles and states, message kinds, cuts
//! and losses, and the per-protocol keys; plus [`Legend`], the generic
//! legend drawn from a protocol's [`protocol::present::LegendItem`]s.

use crate::model::palette::{kind_color, role_color, role_shape, shape_class};
use lab::Algo;
use protocol::present::LegendItem;
use sim::Session;
use yew::prelude::*;

/// What the legend lists for a session: the roles on screen (Raft's three
/// always; none on the hash ring, where a node wears its own colour) and the
/// message kinds in flight, sorted.
pub fn legend_keys(session: &dyn Session, algo: Algo) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut kinds: Vec<&'static str> = Vec::new();
    let mut msgs = Vec::new();
    session.messages_into(&mut msgs);
    for m in &msgs {
        if !kinds.contains(&m.kind) {
            kinds.push(m.kind);
        }
    }
    kinds.sort_unstable();
    let mut roles: Vec<&'static str> =
        if algo == Algo::Raft { vec!["leader", "candidate", "follower"] } else { Vec::new() };
    if algo != Algo::Ring {
        for id in 0..session.node_count() {
            let role = session.node_info(id).look.role;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    (roles, kinds)
}

#[derive(Properties, PartialEq)]
pub struct CanvasLegendProps {
    /// The session's algorithm name (for the per-protocol keys).
    pub algo: &'static str,
    /// The hash ring: nodes wear their own colour.
    pub ring: bool,
    pub roles: Vec<&'static str>,
    pub kinds: Vec<&'static str>,
}

#[function_component(CanvasLegend)]
pub fn canvas_legend(props: &CanvasLegendProps) -> Html {
    let CanvasLegendProps { algo, ring, roles, kinds } = props;
    html! {
        <div class="legend" aria-label="Legend">
            if *ring {
                <span class="key">{"node colour = its virtual nodes, ranges and keys · faded: standby · dashed: joining or leaving"}</span>
            }
            { for roles.iter().map(|r| html! {
                <span class="key"><span class={classes!("swatch", "node", format!("c{}", role_color(r)), shape_class(role_shape(r)))}></span>{ *r }</span>
            }) }
            { super::paxos_panel::legend(algo) }
            { super::lock_panel::legend(algo) }
            <span class="key"><span class="swatch node down"></span>{"down"}</span>
            <span class="key"><span class="swatch node paused"></span>{"paused"}</span>
            <span class="sep" aria-hidden="true"></span>
            { for kinds.iter().map(|k| html! {
                <span class="key"><span class={classes!("swatch", "msg", format!("c{}", kind_color(k)))}></span>{ *k }</span>
            }) }
            <span class="key"><span class="swatch cut"></span>{"cut link"}</span>
            <span class="key"><span class="lost-mark" aria-hidden="true">{"✕"}</span>{"lost message"}</span>
            <span class="hint">{"Click a node or message to inspect it · shift-click nodes to pick a partition group · alt-click a node to cut the link from the selected node to it"}</span>
        </div>
    }
}

#[allow(dead_code)] // Drawn from `Session::picture()` once the presentation contract lands.
/// The legend of a protocol's presentation: roles as their shape in their
/// tone, rings, and lines of text.
#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub items: Vec<LegendItem>,
}

#[function_component(Legend)]
pub fn generic_legend(props: &LegendProps) -> Html {
    html! {
        <>
            { for props.items.iter().map(legend_item) }
        </>
    }
}

#[allow(dead_code)] // As above.
/// One key of a generic legend.
pub fn legend_item(item: &LegendItem) -> Html {
    match item {
        LegendItem::Role { label, tone, shape } => html! {
            <span class="key" data-role={*label}>
                <span class={classes!("swatch", "node", format!("c{}", tone.slot()), shape_class(*shape))} aria-hidden="true"></span>
                { *label }
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

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::present::Shape;

    #[test]
    fn the_legend_lists_roles_on_screen_and_kinds_in_flight() {
        let mut s = lab::open(&lab::Setup::default()).unwrap();
        for _ in 0..20 {
            s.step();
        }
        let (roles, kinds) = legend_keys(s.as_ref(), Algo::Raft);
        assert_eq!(&roles[..3], &["leader", "candidate", "follower"]);
        assert!(kinds.windows(2).all(|w| w[0] < w[1]), "{kinds:?}");
        let ring = lab::open(&lab::Setup::new(Algo::Ring)).unwrap();
        assert!(legend_keys(ring.as_ref(), Algo::Ring).0.is_empty());
    }

    #[test]
    fn every_shape_has_a_swatch_class() {
        for shape in Shape::ALL {
            assert!(shape_class(shape).starts_with("shape-"));
        }
    }
}
