//! The balancer's requests, the servers' answers, and the timers.

use protocol::{Message, Timer};
use serde::Serialize;

/// In traces a message's fields sit beside its envelope's (`id`, `from`,
/// `to`), so the request's id is written `request`, never a second `id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum BalanceMsg {
    /// Balancer to server: serve request `id`.
    Request {
        #[serde(rename = "request")]
        id: u64,
    },
    /// Server to balancer: served.
    Reply {
        #[serde(rename = "request")]
        id: u64,
    },
    /// Server to balancer: my queue is full.
    Reject {
        #[serde(rename = "request")]
        id: u64,
    },
}

impl Message for BalanceMsg {
    fn kind(&self) -> &'static str {
        match self {
            BalanceMsg::Request { .. } => "Request",
            BalanceMsg::Reply { .. } => "Reply",
            BalanceMsg::Reject { .. } => "Reject",
        }
    }
    fn label(&self) -> String {
        match self {
            BalanceMsg::Request { id } => format!("r{id}"),
            BalanceMsg::Reply { id } => format!("ok r{id}"),
            BalanceMsg::Reject { id } => format!("full r{id}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum BalanceTimer {
    /// The balancer's next request.
    Arrival,
    /// The balancer samples its charts.
    Sample,
    /// A server finishes the request in service.
    Service,
}

impl Timer for BalanceTimer {
    fn name(&self) -> &'static str {
        match self {
            BalanceTimer::Arrival => "arrival",
            BalanceTimer::Sample => "sample",
            BalanceTimer::Service => "service",
        }
    }
}
