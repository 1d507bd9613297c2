//! A node as the trace shows it (a public format; field order matters):
//! `{"id":0,"up":true,"roles":["proposer","acceptor","learner"],"promised":[3,1],
//!   "accepted":[{"slot":0,"ballot":[3,1],"value":"v1"}],"chosen":[{"slot":0,"value":"v1"}]}`.
//! Multi-Paxos adds `"applied":N` (chosen slots applied in order) at the end.

use crate::ballot::Ballot;
use crate::message::{Chosen, SlotValue};
use protocol::NodeId;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaxosView {
    pub id: NodeId,
    pub up: bool,
    pub roles: Vec<&'static str>,
    pub promised: Option<Ballot>,
    pub accepted: Vec<SlotValue>,
    pub chosen: Vec<Chosen>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<u64>,
}
