//! The Yew components: every word on the page. Each takes what it shows as
//! props (components with `PartialEq` props are not rebuilt when those did
//! not change) and reports what the user does as one [`crate::model::cmd::Cmd`]
//! through a `Callback<Cmd>`. They read the [`crate::model`] and never the
//! host edges.

pub mod check;
pub mod compare;
pub mod event_log;
pub mod files;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod invariants;
pub mod legend;
pub mod messages;
pub mod nodes;
pub mod notices;
pub mod options;
pub mod panels;
pub mod partition_bar;
pub mod ring_panel;
pub mod scenario;
pub mod spacetime;
pub mod timeline;
pub mod toolbar;
pub mod tour;
pub mod transport;
