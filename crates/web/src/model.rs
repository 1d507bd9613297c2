//! The model: everything the app knows and decides, free of Yew and of the
//! browser (no `web_sys` here), so all of it is tested on the host.
//!
//! Layers inside, lowest first: [`palette`] ← [`layout`] ← [`scene`] ←
//! [`hit`]; [`files`] ← [`cmd`] ← [`core`] ← [`boot`]; [`log_lines`] (the event log folded); [`in_flight`] (the message list); [`ring`], the one protocol with
//! a drawing of its own (registered in [`ring::registered`]); [`text`]
//! (words for the page), [`bench`] (the synthetic render benchmark) and
//! [`embed`] (the `postMessage` protocol with an embedding page) and
//! [`tour`] (a guided tour: its captions, next, back and taking over);
//! [`spacetime`] (the space-time diagram, recorded from a journaled replay).
//! Every other protocol is drawn from its presentation
//! ([`protocol::present`]) alone.

pub mod bench;
pub mod boot;
pub mod check;
pub mod cmd;
pub mod compare;
pub mod core;
pub mod embed;
pub mod files;
pub mod hit;
pub mod in_flight;
pub mod layout;
pub mod log_lines;
pub mod palette;
pub mod ring;
pub mod scene;
pub mod shortcuts;
pub mod spacetime;
pub mod text;
pub mod timeline;
pub mod tour;

use std::cell::Cell;

thread_local! {
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

/// Whether the app has panicked; the animation loop stops drawing then.
pub fn panicked() -> bool {
    PANICKED.with(Cell::get)
}

/// Record a panic (the host's panic hook calls it).
pub fn mark_panicked() {
    PANICKED.with(|p| p.set(true));
}
