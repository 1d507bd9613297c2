//! The host edges: everything that talks to the page around the app. The
//! scripting API (`window.clusterscope`, [`api`]) and its `postMessage`
//! bridge ([`post_message`]), keyboard shortcuts ([`keys`]), the address
//! bar ([`url`]), the clipboard ([`clipboard`]), the panic panel
//! ([`panic`]) and the simulator benchmark page ([`sim_bench`]). Each turns
//! what arrives into a [`crate::model::cmd::Cmd`] sent down one path.

pub mod api;
pub mod clipboard;
pub mod keys;
pub mod panic;
pub mod post_message;
pub mod sim_bench;
pub mod url;

use crate::model::cmd::ThemeChoice;

/// Put the theme on `<html data-theme>`, so CSS follows the system or the toggle.
pub fn set_theme_attribute(theme: ThemeChoice) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = match theme {
            ThemeChoice::Auto => root.remove_attribute("data-theme"),
            ThemeChoice::Light => root.set_attribute("data-theme", "light"),
            ThemeChoice::Dark => root.set_attribute("data-theme", "dark"),
        };
    }
}
