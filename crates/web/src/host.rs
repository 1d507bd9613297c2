//! The host edges: everything that talks to the page around the app. The
//! scripting API (`window.clusterscope`, [`api`]) and its `postMessage`
//! bridge ([`post_message`]), keyboard shortcuts ([`keys`]), the address
//! bar ([`url`]), the clipboard ([`clipboard`]), files in and out ([`files`]), the phone's inspector sheet ([`sheet`]), the model checker's
//! worker ([`check`]), the panic panel ([`panic`]) and the simulator benchmark page ([`sim_bench`]). Each turns
//! what arrives into a [`crate::model::cmd::Cmd`] sent down one path.

pub mod api;
pub mod check;
pub mod clipboard;
pub mod files;
pub mod keys;
pub mod panic;
pub mod post_message;
pub mod sheet;
pub mod sim_bench;
pub mod url;

use crate::model::cmd::{Placement, ThemeChoice};

/// Where the chosen theme is kept across reloads (`localStorage`).
const THEME_KEY: &str = "clusterscope.theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The theme chosen on an earlier visit, if any (and if storage is allowed).
pub fn stored_theme() -> Option<ThemeChoice> {
    ThemeChoice::from_name(&storage()?.get_item(THEME_KEY).ok()??)
}

/// Put the theme on `<html data-theme>`, so CSS follows the system or the
/// toggle, and keep the choice for the next visit.
pub fn set_theme_attribute(theme: ThemeChoice) {
    if let Some(storage) = storage() {
        let _ = match theme {
            ThemeChoice::Auto => storage.remove_item(THEME_KEY),
            other => storage.set_item(THEME_KEY, other.name()),
        };
    }
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = match theme {
            ThemeChoice::Auto => root.remove_attribute("data-theme"),
            ThemeChoice::Light => root.set_attribute("data-theme", "light"),
            ThemeChoice::Dark => root.set_attribute("data-theme", "dark"),
        };
    }
}

/// Where the space-time diagram is kept across visits (`localStorage`).
const PLACEMENT_KEY: &str = "clusterscope.diagram";

/// Where the reader put the diagram on an earlier visit.
pub fn stored_placement() -> Option<Placement> {
    Placement::from_name(&storage()?.get_item(PLACEMENT_KEY).ok()??)
}

/// Remember where the reader put the diagram.
pub fn store_placement(placement: Placement) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(PLACEMENT_KEY, placement.name());
    }
}

/// Whether the reader's system asks for less motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}
