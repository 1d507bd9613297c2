//! How load balancing presents itself: the balancer on the left, the
//! servers beside it, each with its queue length; charts over time of what
//! each server owes the balancer and of the latency percentiles (a curve
//! is read faster than a table), and the requests each server answered as
//! bars with the max/mean load.

use crate::config::BalanceConfig;
use crate::{Balance, Balancer, Node};
use protocol::present::{Arrangement, Bar, Body, Chart, Fact, LegendItem, Line, Shape};
use protocol::{Countdown, Look, NodeId, NodeRef, Panel, Picture, Tone};

pub const BALANCER_TONE: Tone = Tone::OLIVE;
pub const SERVER_TONE: Tone = Tone::BLUE;
pub const SLOW_TONE: Tone = Tone::ORANGE;
pub const P50_TONE: Tone = Tone::GREEN;
pub const P99_TONE: Tone = Tone::PINK;

pub(crate) fn look(node: &Node) -> Look {
    match node {
        Node::Balancer(b) => Look {
            role: "balancer",
            tone: BALANCER_TONE,
            shape: Shape::Diamond,
            badge: b.config.strategy.name().to_string(),
            note: format!("p50 {} · p99 {} ms", b.p50, b.p99),
            ring: None,
        },
        Node::Server(s) => Look {
            role: if s.slow() { "slow server" } else { "server" },
            tone: if s.slow() { SLOW_TONE } else { SERVER_TONE },
            shape: Shape::Circle,
            badge: format!("queue {}", s.queue.len()),
            note: format!("served {}", s.served),
            ring: (!s.queue.is_empty()).then_some(Countdown::Timer("service")),
        },
    }
}

pub(crate) fn inspect(id: NodeId, node: &Node) -> Vec<Panel> {
    let facts = match node {
        Node::Balancer(b) => vec![
            Fact::new("Role", "balancer"),
            Fact::new("Strategy", b.config.strategy.name()),
            Fact::new("Sent", b.sent.to_string()),
            Fact::new("Answered / refused / timed out", format!("{} / {} / {}", b.answered, b.rejected, b.timed_out)),
            Fact::new("Awaited", b.in_flight.len().to_string()),
            Fact::new("Latency p50 / p99", format!("{} / {} ms", b.p50, b.p99)),
            Fact::new("Max/mean load", format!("{:.2}", b.max_over_mean())),
        ],
        Node::Server(s) => vec![
            Fact::new("Role", if s.slow() { "slow server" } else { "server" }),
            Fact::new("Queue", format!("{} of {}", s.queue.len(), s.config.max_queue)),
            Fact::new("In service", s.queue.front().map_or("nothing".to_string(), |id| format!("r{id}"))),
            Fact::new("Served", s.served.to_string()),
            Fact::new("Refused (queue full)", s.rejected.to_string()),
        ],
    };
    vec![Panel { id: "facts", title: format!("Node {id}"), note: None, body: Body::Facts { facts } }]
}

fn server_tone(config: &BalanceConfig, server: NodeId) -> Tone {
    if config.slow == Some(server) {
        SLOW_TONE
    } else {
        // Servers in the tones that are neither the slow one's nor the percentiles'.
        [Tone::BLUE, Tone::CYAN, Tone::PURPLE, Tone::AMBER, Tone::OLIVE][(server as usize - 1) % 5]
    }
}

/// What each server owes the balancer, over time.
pub fn queues_chart(b: &Balancer) -> Chart {
    Chart {
        unit: "requests",
        times: b.samples.iter().map(|s| s.time).collect(),
        lines: (0..b.servers as usize)
            .map(|i| Line {
                label: format!("server {}", i + 1),
                tone: server_tone(&b.config, i as NodeId + 1),
                values: b.samples.iter().map(|s| f64::from(s.outstanding.get(i).copied().unwrap_or(0))).collect(),
            })
            .collect(),
    }
}

/// Latency percentiles over time.
pub fn latency_chart(b: &Balancer) -> Chart {
    let line = |label: &str, tone, f: fn(&crate::Sample) -> u64| Line {
        label: label.to_string(),
        tone,
        values: b.samples.iter().map(|s| f(s) as f64).collect(),
    };
    Chart {
        unit: "ms",
        times: b.samples.iter().map(|s| s.time).collect(),
        lines: vec![line("p50", P50_TONE, |s| s.p50), line("p99", P99_TONE, |s| s.p99)],
    }
}

pub(crate) fn picture(nodes: &[NodeRef<'_, Balance>], config: &BalanceConfig) -> Picture {
    let servers = nodes.len().saturating_sub(1) as u32;
    let role = |label, tone, shape| LegendItem::Role { label, tone, shape };
    let mut legend = vec![role("balancer", BALANCER_TONE, Shape::Diamond), role("server", SERVER_TONE, Shape::Circle)];
    if config.slow.is_some() {
        legend.push(role("slow server", SLOW_TONE, Shape::Circle));
    }
    legend.push(LegendItem::Ring { label: "request in service", outer: false });
    let Some(b) = nodes.first().and_then(|n| n.state.balancer()) else {
        return Picture {
            arrangement: Arrangement::Columns { servers: 1, clients: servers },
            legend,
            ..Picture::default()
        };
    };
    let bars = b
        .served
        .iter()
        .enumerate()
        .map(|(i, &n)| Bar {
            label: format!("server {}", i + 1),
            value: n as f64,
            tone: server_tone(config, i as NodeId + 1),
            part: None,
        })
        .collect();
    let load = format!("{:.2}", b.max_over_mean());
    Picture {
        arrangement: Arrangement::Columns { servers: 1, clients: servers },
        legend,
        // Once there is something to say: from the first sample on.
        banner: (!b.samples.is_empty())
            .then(|| format!("{}: p50 {} ms · p99 {} ms · max/mean load {load}", config.strategy.name(), b.p50, b.p99)),
        panels: vec![
            Panel {
                id: "balance-queues",
                title: "Outstanding per server".to_string(),
                note: Some(format!("requests each server owes the balancer, every {} ms", config.sample_ms)),
                body: Body::Series(queues_chart(b)),
            },
            Panel {
                id: "balance-latency",
                title: "Latency".to_string(),
                note: Some(format!("p50 and p99 of the last {} answers", crate::balancer::LATENCIES_KEPT)),
                body: Body::Series(latency_chart(b)),
            },
            Panel {
                id: "balance-load",
                title: "Requests answered per server".to_string(),
                note: Some(format!("max/mean load {load} · refused {} · timed out {}", b.rejected, b.timed_out)),
                body: Body::Bars { bars, unit: "requests", parts: None, full: None },
            },
        ],
        ..Picture::default()
    }
}
