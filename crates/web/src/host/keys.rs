//! Keyboard shortcuts (listed in the `?` overlay, see
//! [`crate::model::shortcuts::KEYS`]).

use crate::model::cmd::{Cmd, Input};
use crate::model::core::Core;
use crate::model::shortcuts::{lookup, Shortcut, DELAY_MS};
use gloo::events::{EventListener, EventListenerOptions};
use sim::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::Callback;

/// The command for a key, given what is selected. `None`: not a shortcut,
/// or one that needs a selection there is not.
fn command(core: &Core, key: &str) -> Option<Cmd> {
    let node = core.selected_node;
    let hint = |text: &str| Cmd::Notify { text: text.into(), error: false };
    Some(match lookup(key)? {
        Shortcut::TogglePlay => Cmd::TogglePlay,
        Shortcut::StepForward => Cmd::Step(1),
        Shortcut::StepBack => Cmd::Back(1),
        Shortcut::Faster => Cmd::Faster,
        Shortcut::Slower => Cmd::Slower,
        Shortcut::Reset => Cmd::Reset,
        Shortcut::Heal => Cmd::Act(Action::Heal),
        Shortcut::Crash => match node {
            Some(id) => Cmd::Act(Action::Crash { node: id }),
            None => hint("Select a node to crash first (click it)."),
        },
        Shortcut::Restart => match node {
            Some(id) => Cmd::Act(Action::Restart { node: id }),
            None => hint("Select a node to restart first (click it)."),
        },
        Shortcut::PauseNode => match node.and_then(|id| core.pause_or_resume(id)) {
            Some(action) => Cmd::Act(action),
            None => hint("Select a running node to pause or resume."),
        },
        Shortcut::DropMsg => Cmd::Act(Action::Drop { msg: core.selected_msg? }),
        Shortcut::DuplicateMsg => Cmd::Act(Action::Duplicate { msg: core.selected_msg? }),
        Shortcut::DelayMsg => Cmd::Act(Action::Delay { msg: core.selected_msg?, by: DELAY_MS }),
        Shortcut::ClientRequest => Cmd::ClientRequest(None),
        Shortcut::PartitionMode => Cmd::PartitionMode(!core.partition_mode),
        // Enter is a shortcut only in partition mode; elsewhere it keeps its
        // ordinary meaning.
        Shortcut::ApplyPartition if core.partition_mode => Cmd::PartitionPicked,
        Shortcut::ApplyPartition => return None,
        // n and b move through a guided tour's captions, and only there.
        Shortcut::TourNext | Shortcut::TourBack if core.tour_view().is_none() => return None,
        Shortcut::TourNext => Cmd::TourNext,
        Shortcut::TourBack => Cmd::TourBack,
        Shortcut::Help => Cmd::ToggleHelp,
        Shortcut::SaveRun => Cmd::Save(crate::model::files::Save::Run),
        // The file chooser is the browser's: nothing for the model to do.
        Shortcut::OpenFile => {
            super::files::choose();
            return None;
        }
        Shortcut::Diagram => Cmd::ShowDiagram(core.spacetime.is_none()),
        Shortcut::Check => Cmd::Check(crate::model::check::CheckCmd::Open(!core.check.open)),
        Shortcut::Escape => Cmd::Escape,
    })
}

pub fn listen(core: Rc<RefCell<Core>>, dispatch: Callback<Input>) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    // Not passive: a shortcut's preventDefault must work (Space must not
    // scroll the page).
    let options = EventListenerOptions::enable_prevent_default();
    Some(EventListener::new_with_options(&document, "keydown", options, move |event| {
        let Some(e) = event.dyn_ref::<KeyboardEvent>() else { return };
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
            return;
        }
        let key = e.key();
        if key != "Escape" && (typing_in(e.target()) || owned_by_target(e.target(), &key)) {
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

/// Whether the focused element handles this key itself: it lists the keys
/// it owns in `data-own-keys` (the space-time diagram pans with ← and →,
/// which elsewhere step the world).
fn owned_by_target(target: Option<web_sys::EventTarget>, key: &str) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    el.get_attribute("data-own-keys").is_some_and(|keys| keys.split(' ').any(|k| k == key))
}

/// Whether keyboard focus is in a text field (shortcuts then stay out of the way).
pub fn typing_in(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el.get_attribute("contenteditable").is_some_and(|v| v != "false")
}
