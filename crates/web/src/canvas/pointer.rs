//! The canvas's pointer handling: what is under the pointer, the command a
//! click on it makes, and the hover title.

use super::stage::View;
use crate::model::cmd::Cmd;
use crate::model::core::Core;
use sim::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, MouseEvent};
use yew::Callback;

/// The canvas's click and hover handlers.
pub struct CanvasEvents {
    pub click: Callback<MouseEvent>,
    pub hover: Callback<MouseEvent>,
}

/// What is under the pointer.
enum Hit {
    Node(u32),
    Msg(sim::MsgId),
    None,
}

fn hit(core: &Core, view: &View, x: f64, y: f64) -> Hit {
    let layout = &view.layout;
    let node = layout.node_at(x, y);
    match layout.msg_at(&view.scene, core.draw_time(), x, y) {
        // A message right under the pointer wins over the rim of a node.
        Some((id, d2)) if node.is_none() || d2 < 25.0 => Hit::Msg(id),
        _ => node.map_or(Hit::None, Hit::Node),
    }
}

pub fn canvas_handlers(core: Rc<RefCell<Core>>, view: Rc<RefCell<View>>, send: Callback<Cmd>) -> CanvasEvents {
    let click = {
        let core = core.clone();
        let view = view.clone();
        Callback::from(move |e: MouseEvent| {
            let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
            let cmd = {
                let (Ok(core), Ok(view)) = (core.try_borrow(), view.try_borrow()) else { return };
                match hit(&core, &view, x, y) {
                    Hit::Node(id) if e.shift_key() || core.partition_mode => Cmd::TogglePick(id),
                    Hit::Node(id) if e.alt_key() || e.ctrl_key() || e.meta_key() => match core.selected_node {
                        Some(from) if from != id => Cmd::Act(Action::Cut { from, to: id }),
                        _ => Cmd::Notify {
                            text: "To cut a link, select its sender node first, then alt-click the receiver.".into(),
                            error: false,
                        },
                    },
                    Hit::Node(id) if core.selected_node == Some(id) && core.selected_msg.is_none() => {
                        Cmd::SelectNode(None)
                    }
                    Hit::Node(id) => Cmd::SelectNode(Some(id)),
                    Hit::Msg(id) => Cmd::SelectMsg(Some(id)),
                    Hit::None if core.selected_msg.is_some() => Cmd::SelectMsg(None),
                    Hit::None => Cmd::SelectNode(None),
                }
            };
            send.emit(cmd);
        })
    };
    let hover = Callback::from(move |e: MouseEvent| {
        let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
        let (Ok(core), Ok(mut view)) = (core.try_borrow(), view.try_borrow_mut()) else { return };
        let hit = hit(&core, &view, x, y);
        // The space-time diagram shows the message under the pointer too.
        if let Some(recorder) = core.spacetime.as_ref() {
            view.spacetime.hover = match hit {
                Hit::Msg(id) => recorder.diagram.arrow_of(id),
                _ => None,
            };
        }
        let (title, pointer) = match hit {
            Hit::Node(id) => {
                let info = core.session.node_info(id);
                let status = match info.status {
                    protocol::Status::Up => info.look.role,
                    protocol::Status::Crashed => "down",
                    protocol::Status::Paused => "paused",
                };
                let status = crate::model::text::role_name(status);
                (format!("Node {id}: {status}, {} — click to inspect, shift-click to pick", info.look.badge), true)
            }
            Hit::Msg(id) => {
                let label = core.session.message_label(id).unwrap_or_default();
                let m = view.scene.msgs.iter().find(|m| m.id == id);
                let route = m.map(|m| format!(" from node {} to node {}", m.from, m.to)).unwrap_or_default();
                (format!("Message #{id}{route}: {label} — click to drop, duplicate or delay"), true)
            }
            Hit::None => match view.layout.lost_at(&view.scene, core.draw_time(), x, y) {
                Some(l) => (
                    format!("Message #{} from node {} to node {} lost: {}", l.id, l.from, l.to, l.reason.text()),
                    false,
                ),
                None => (String::new(), false),
            },
        };
        if title != view.hover {
            if let Some(canvas) = e.target().and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok()) {
                let _ = canvas.set_attribute("title", &title);
                let _ = canvas.style().set_property("cursor", if pointer { "pointer" } else { "default" });
            }
            view.hover = title;
        }
    });
    CanvasEvents { click, hover }
}
