//! On a phone the inspector is a sheet over the bottom of the screen (the
//! stylesheet's narrow layout), not a panel a thousand pixels below the
//! canvas. When a tap on the canvas opens it, this keeps what was tapped
//! in view above the sheet and moves focus into the sheet; when it closes
//! (Escape, its close button), focus goes back to the canvas. A tap on a
//! row of the node or message list keeps that row in view, and focus where
//! it is. On a wider screen the inspector is a panel in the side column,
//! below the protocol's panels and the messages: a click on the canvas
//! scrolls the column so that its head is in view ([`reveal`]).

use crate::canvas::stage::View;
use crate::model::core::Core;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::NodeRef;

/// On a phone a running tour's caption is a sheet at the screen's foot
/// (the stylesheet): when a tour starts, the page scrolls the canvas to
/// the top of the screen, above the sheet.
pub fn tour_started(canvas: &NodeRef) {
    if let (true, Some(canvas)) = (phone(), canvas.cast::<Element>()) {
        canvas.scroll_into_view_with_bool(true);
    }
}

/// Scroll the side column so that the inspector's head shows, when it is
/// above the column's top or under the safety panel pinned at its foot.
fn reveal(document: &web_sys::Document) {
    let find = |selector: &str| document.query_selector(selector).ok().flatten();
    let (Some(side), Some(panel)) = (find(".side"), find(".side > .inspector")) else { return };
    let (column, head) = (side.get_bounding_client_rect(), panel.get_bounding_client_rect().top());
    let foot = find(".side > .safety").map_or(column.bottom(), |s| s.get_bounding_client_rect().top());
    if head >= column.top() && head + 60.0 <= foot {
        return;
    }
    side.set_scroll_top(side.scroll_top() + (head - column.top() - 8.0) as i32);
}

/// The stylesheet's phone layout (`@media (max-width: 700px)`).
const PHONE: &str = "(max-width: 700px)";

/// What the inspector shows.
#[derive(Clone, Copy, PartialEq)]
pub enum Shown {
    Nothing,
    Node(u32),
    Msg(sim::MsgId),
}

impl Shown {
    pub fn of(core: &Core) -> Self {
        match (core.selected_msg, core.selected_node) {
            (Some(id), _) => Shown::Msg(id),
            (None, Some(id)) => Shown::Node(id),
            (None, None) => Shown::Nothing,
        }
    }
}

fn phone() -> bool {
    web_sys::window().and_then(|w| w.match_media(PHONE).ok().flatten()).is_some_and(|m| m.matches())
}

/// Where `shown` is drawn, in CSS pixels within the canvas.
fn point(shown: Shown, core: &Core, view: &View) -> Option<(f64, f64)> {
    match shown {
        Shown::Nothing => None,
        Shown::Node(id) => (id < view.layout.n).then(|| view.layout.node_pos(id)),
        Shown::Msg(id) => view.scene.msgs.iter().find(|m| m.id == id).map(|m| view.layout.msg_pos(m, core.draw_time())),
    }
}

/// Follow a change of what the inspector shows. `from_canvas` remembers
/// whether the open sheet came from a tap on the canvas (focus returns
/// there when it closes).
pub fn follow(shown: Shown, core: &Core, view: &View, canvas: &NodeRef, from_canvas: &mut bool) {
    let Some(canvas) = canvas.cast::<HtmlElement>() else { return };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if !phone() {
        // From a list or a key the reader is in the side column already,
        // and arrowing through the messages must not move it.
        if shown != Shown::Nothing && document.active_element().is_some_and(|a| a == *canvas.unchecked_ref::<Element>())
        {
            reveal(&document);
        }
        return;
    }
    if shown == Shown::Nothing {
        if std::mem::take(from_canvas) {
            let _ = canvas.focus();
        }
        return;
    }
    let tapped = document.active_element().is_some_and(|a| a == *canvas.unchecked_ref::<Element>());
    let Some(sheet) = document.query_selector(".inspector").ok().flatten() else { return };
    // The viewport y of what was tapped: the thing on the canvas, or the
    // row of the node or message list (a sheet must not cover the row
    // just tapped either).
    let y = if tapped {
        point(shown, core, view).map(|(_, y)| canvas.get_bounding_client_rect().top() + y)
    } else {
        let row = match shown {
            Shown::Node(id) => format!("#node-list li[data-node=\"{id}\"]"),
            Shown::Msg(id) => format!("#msg-opt-{id}"),
            Shown::Nothing => return,
        };
        document.query_selector(&row).ok().flatten().map(|el| {
            let r = el.get_bounding_client_rect();
            r.top() + r.height() / 2.0
        })
    };
    let top = sheet.get_bounding_client_rect().top();
    if let (Some(y), Some(w)) = (y, web_sys::window()) {
        // Below the sheet's top but on screen: scroll it to the middle of
        // what the sheet leaves visible.
        let height = w.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(f64::MAX);
        if y > top - 40.0 && y < height {
            w.scroll_by_with_x_and_y(0.0, y - top / 2.0);
        }
    }
    if !tapped {
        // Opened from a list or a key: focus stays where the user is.
        return;
    }
    *from_canvas = true;
    if let Some(close) = sheet.query_selector(".close").ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = close.focus();
    }
}
