//! Keyboard shortcuts (listed in the `?` overlay, see
//! [`crate::components::help::SHORTCUTS`]).

use crate::model::cmd::{Cmd, Input};
use crate::model::core::Core;
use gloo::events::EventListener;
use sim::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::Callback;

/// The command for a key, given what is selected. `None`: not a shortcut.
fn command(core: &Core, key: &str) -> Option<Cmd> {
    let node = core.selected_node;
    Some(match key {
        " " | "k" => Cmd::TogglePlay,
        "ArrowRight" | "." => Cmd::Step(1),
        "ArrowLeft" | "," => Cmd::Back(1),
        "+" | "=" => Cmd::Faster,
        "-" | "_" => Cmd::Slower,
        "r" => Cmd::Reset,
        "h" => Cmd::Act(Action::Heal),
        "c" => match node {
            Some(id) => Cmd::Act(Action::Crash { node: id }),
            None => Cmd::Notify { text: "Select a node to crash first (click it).".into(), error: false },
        },
        "x" => match node {
            Some(id) => Cmd::Act(Action::Restart { node: id }),
            None => Cmd::Notify { text: "Select a node to restart first (click it).".into(), error: false },
        },
        "p" => match node.and_then(|id| core.pause_or_resume(id)) {
            Some(action) => Cmd::Act(action),
            None => Cmd::Notify { text: "Select a running node to pause or resume.".into(), error: false },
        },
        "d" => match core.selected_msg {
            Some(msg) => Cmd::Act(Action::Drop { msg }),
            None => return None,
        },
        "?" => Cmd::ToggleHelp,
        "Escape" => Cmd::Escape,
        _ => return None,
    })
}

pub fn listen(core: Rc<RefCell<Core>>, dispatch: Callback<Input>) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    Some(EventListener::new(&document, "keydown", move |event| {
        let Some(e) = event.dyn_ref::<KeyboardEvent>() else { return };
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
            return;
        }
        let key = e.key();
        if key != "Escape" && typing_in(e.target()) {
            return;
        }
        // Space and Enter on a focused button press that button.
        let on_button = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "BUTTON" | "SUMMARY" | "A"));
        if on_button && (key == " " || key == "Enter") {
            return;
        }
        let cmd = match core.try_borrow() {
            Ok(core) => command(&core, &key),
            Err(_) => return,
        };
        if let Some(cmd) = cmd {
            e.prevent_default();
            dispatch.emit(Input::Ui(cmd));
        }
    }))
}

/// Whether keyboard focus is in a text field (shortcuts then stay out of the way).
pub fn typing_in(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el.get_attribute("contenteditable").is_some_and(|v| v != "false")
}
