//! The deterministic world every Clusterscope protocol runs in.
//!
//! A [`World`] holds the nodes of one [`protocol::Protocol`], a logical clock,
//! an event queue ordered by `(time, seq)`, the network (latency, loss,
//! duplication, one-way link cuts, partitions) and the faults a user can
//! inject (crash, restart, pause, clock drift). Its only source of randomness
//! is one `ChaCha8Rng` seeded from a `u64`.
//!
//! To drive one:
//!
//! 1. Build a [`Run`] from a [`SimConfig`], the protocol's config, a seed and
//!    a list of [`Scheduled`] actions (parse JSON with [`parse_actions`]).
//! 2. Call [`Run::step`] to process one event at a time; actions are applied
//!    when the world has processed exactly their `step` events.
//! 3. Act now with [`Run::act`], go back with [`Run::seek`] or [`Run::back`]
//!    (restoring a snapshot and replaying), and read the state through
//!    [`Run::world`].
//! 4. After every step and action the protocol's [`protocol::Checker`] runs;
//!    the first broken property is kept with its step.
//! 5. Write the run as a trace with [`write_trace`]: the same inputs give the
//!    same bytes natively and in the browser. [`write_export`] writes it for
//!    other tools: a ShiViz log, trace-event JSON, a Jepsen history.
//!
//! [`Session`] wraps a run of any protocol behind one object-safe trait.

pub mod action;
mod base;
pub mod chaos;
pub mod config;
pub mod event_log;
pub mod export;
mod in_flight;
pub mod journal;
pub mod meter;
pub mod network;
pub mod record;
pub mod run;
pub mod session;
mod sorted;
pub mod trace;
pub mod world;

pub use action::{parse_action, parse_actions, Action, ActionError, ActionsError, MsgId, Scheduled};
pub use config::{parse_latency, ConfigError, SimConfig};
pub use export::{write_export, Export, SHIVIZ_REGEX};
pub use meter::{Counters, Meter};
pub use network::Network;
pub use record::{EventInfo, EventRecord, FirstViolation, LogEntry, MsgBrief, MsgRecord};
pub use run::Run;
pub use session::Session;
pub use trace::{write_trace, write_trace_range, write_trace_to, StepView, TRACE_VERSION};
pub use world::{LossReason, Lost, MsgInfo, NoSymmetry, NodeInfo, World};
