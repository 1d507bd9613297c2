//! Settings every node shares, the strategies, and the broken variants.

use crate::checker::{NO_REQUEST_LOST, QUEUE_BOUNDS};
use protocol::{BugSpec, Bugs, NodeId, Tick};
use serde::Serialize;

/// How the balancer picks a server for a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Servers in turn.
    #[default]
    RoundRobin,
    /// The server with the fewest requests the balancer is waiting on.
    LeastOutstanding,
    /// The owner of the request's key on a consistent-hash ring.
    Ring,
    /// Two servers drawn from the request id's hash; the one with fewer outstanding
    /// (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", 2001).
    TwoChoices,
}

impl Strategy {
    pub const ALL: [Strategy; 4] =
        [Strategy::RoundRobin, Strategy::LeastOutstanding, Strategy::Ring, Strategy::TwoChoices];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::RoundRobin => "round-robin",
            Strategy::LeastOutstanding => "least-outstanding",
            Strategy::Ring => "ring",
            Strategy::TwoChoices => "two-choices",
        }
    }

    pub fn parse(name: &str) -> Option<Strategy> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct BalanceConfig {
    pub strategy: Strategy,
    /// A new request every `interval_ms`.
    pub interval_ms: Tick,
    /// Mean service time of a request (each is `service_ms/2 .. 3·service_ms/2`).
    pub service_ms: Tick,
    /// A server `slow_factor` times slower than the others.
    pub slow: Option<NodeId>,
    pub slow_factor: u64,
    /// Requests a server holds at most (the one in service included).
    pub max_queue: u32,
    /// The balancer gives up on a request unanswered for this long.
    pub timeout_ms: Tick,
    /// Virtual nodes per server on the ring (strategy `ring`).
    pub vnodes: u32,
    /// How often the balancer samples its charts.
    pub sample_ms: Tick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<BalanceBug>,
}

impl Default for BalanceConfig {
    fn default() -> Self {
        Self {
            strategy: Strategy::RoundRobin,
            interval_ms: 6,
            service_ms: 16,
            slow: None,
            slow_factor: 5,
            max_queue: 32,
            timeout_ms: 2000,
            vnodes: 100,
            sample_ms: 100,
            bug: None,
        }
    }
}

/// A broken server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum BalanceBug {
    /// A full server makes room by discarding its oldest waiting request, unanswered.
    DropWhenFull,
    /// A server queues whatever comes, past `max_queue`.
    UnboundedQueue,
}

pub const BUGS: &[BugSpec] = &[
    BugSpec {
        name: "drop-when-full",
        breaks: NO_REQUEST_LOST,
        what: "A full server makes room for a new request by silently discarding its oldest waiting one: neither answered nor refused.",
    },
    BugSpec {
        name: "unbounded-queue",
        breaks: QUEUE_BOUNDS,
        what: "A server never refuses a request, so the queue of a slow server grows past max_queue.",
    },
];

impl Bugs for BalanceBug {
    const ALL: &'static [BalanceBug] = &[BalanceBug::DropWhenFull, BalanceBug::UnboundedQueue];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "balance";
}

impl std::str::FromStr for BalanceBug {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// A 64-bit mix (SplitMix64's finalizer): the same on every platform.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// How long `server` takes for request `id`: a pseudo-random-looking but
/// fixed function of both (no random draw), `service_ms/2 ..= 3·service_ms/2`
/// around the mean, times `slow_factor` on the slow server.
pub fn service_time(config: &BalanceConfig, id: u64, server: NodeId) -> Tick {
    let base = config.service_ms.max(1);
    let t = base / 2 + mix(id ^ (u64::from(server) << 48)) % (base + 1);
    let t = t.max(1);
    if config.slow == Some(server) {
        t * config.slow_factor.max(1)
    } else {
        t
    }
}
