//! The Yew components: every word on the page. Each takes what it shows as
//! props (components with `PartialEq` props are not rebuilt when those did
//! not change) and reports what the user does as one [`crate::model::cmd::Cmd`]
//! through a `Callback<Cmd>`. They read the [`crate::model`] and never the
//! host edges.

pub mod event_log;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod invariants;
pub mod legend;
pub mod lock_panel;
pub mod nodes;
pub mod notices;
pub mod options;
// The generic panels are drawn from `Session::picture()` once the
// protocols implement the presentation contract (branch `present`); until
// then only their tests use them.
#[allow(dead_code)]
pub mod panels;
pub mod paxos_panel;
pub mod ring_panel;
pub mod toolbar;
pub mod transport;
