//! A small key-value store on the ring, as a pure state machine for the
//! simulator (`--algo ring`): membership changes move exactly the ranges
//! that change owner, and two safety properties are checked after every
//! step (see [`checker`]).
//!
//! Clients talk to any node with requests (`sim::Action::Request`):
//! `put k=v`, `get k`, `join` (a standby node joins the ring) and `leave`
//! (a member leaves it gracefully). See [`node`] for the algorithm. Puts and
//! gets are reported as Jepsen operations ([`clients`]).

pub mod bug;
pub mod checker;
pub mod clients;
pub mod config;
pub mod membership;
pub mod message;
pub mod node;
pub mod present;

pub use bug::{Bug, BUGS};
pub use checker::{at_rest, KvChecker, DURABILITY, PLACEMENT};
pub use config::{KvConfig, MAX_KEYS, MAX_NODES, MAX_REPLICAS, MAX_SIM_VNODES};
pub use membership::{bit, Entry, NodeSet, Status, View};
pub use message::{Held, Item, Msg, Range, Version};
pub use node::{in_range, pref_set, AckLog, Durable, KvNode, KvView, RingChange, RingTimer, Store, Stored};
