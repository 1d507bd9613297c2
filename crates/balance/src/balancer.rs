//! The load generator and balancer (node 0): a request every `interval_ms`,
//! sent to the server the strategy picks; it counts what each server owes
//! it (outstanding requests), measures each answer's latency, gives up on a
//! request after `timeout_ms` (its latency counted as the time it waited),
//! and samples its charts every `sample_ms`.
//!
//! The event log says where each request goes and why, in the strategy's
//! own terms ("balancer sends r12 to server 3: next in turn"). A request's
//! answer is not logged (one line per request is enough at a request every
//! few milliseconds); giving up on one is, as a notice the first time a
//! server leaves the balancer waiting, and as a routine line until that
//! server answers in time again.

use crate::config::{mix, BalanceConfig, Strategy};
use crate::message::{BalanceMsg, BalanceTimer};
use crate::Out;
use protocol::flat::FlatMap;
use protocol::{ClientOp, Input, Level, NodeId, OpFn, OpKind, OpValue, Tick};
use std::collections::VecDeque;
use std::sync::Arc;

/// Latencies kept for the percentiles: the newest.
pub const LATENCIES_KEPT: usize = 256;
/// Chart samples kept: the newest.
pub const SAMPLES_KEPT: usize = protocol::present::Chart::MAX_SAMPLES;
/// Distinct request keys (strategy `ring` maps each to its owner).
pub const KEYS: u64 = 1000;

/// Most servers: every node but the balancer.
pub const MAX_SERVERS: usize = crate::MAX_NODES as usize - 1;

/// One sample of the charts. Plain data without a heap allocation, so that
/// the world's snapshots copy the 120 samples in one piece.
#[derive(Clone, Copy, Debug, PartialEq, Hash)]
pub struct Sample {
    pub time: Tick,
    pub p50: Tick,
    pub p99: Tick,
    /// What each server owed the balancer (index `server - 1`).
    pub outstanding: [u32; MAX_SERVERS],
}

#[derive(Clone, Debug, Hash)]
pub struct Balancer {
    pub(crate) config: BalanceConfig,
    pub servers: u32,
    ring: Arc<ring::Ring>,
    next: u64,
    /// Requests sent, answered, refused by a full server, given up on.
    pub sent: u64,
    pub answered: u64,
    pub rejected: u64,
    pub timed_out: u64,
    /// Requests waiting for an answer: server and time sent, by id (ids grow with time).
    pub in_flight: FlatMap<u64, (NodeId, Tick)>,
    /// Per server (index `server - 1`): requests it owes, requests it answered.
    pub outstanding: Vec<u32>,
    pub served: Vec<u64>,
    /// Per server: the balancer gave up on a request sent there and has had
    /// no answer in time from it since (its next give-up is no news).
    pub silent: Vec<bool>,
    pub latencies: VecDeque<Tick>,
    pub samples: VecDeque<Sample>,
    /// Latency percentiles at the last sample.
    pub p50: Tick,
    pub p99: Tick,
}

/// The number of request `id`'s key: its key is `key-{number}`.
pub fn key_number(id: u64) -> u64 {
    mix(id) % KEYS
}

/// The key of request `id`.
pub fn key_of(id: u64) -> String {
    format!("key-{}", key_number(id))
}

/// Why the strategy picked a server, in its own terms (for the event log).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// There is one server.
    Only,
    /// Round robin: the next server in turn.
    Turn,
    /// Least outstanding: no server owes fewer requests than this one's.
    Fewest { owed: u32 },
    /// Ring: the owner of the request's key, `key-{key}`.
    Owner { key: u64 },
    /// Two choices: the server picked and the other one drawn, with what
    /// each owed (the picked one never more).
    Sampled { owed: u32, other: NodeId, other_owed: u32 },
}

/// The `q`-quantile (0..=1) of `values`, nearest rank; 0 for none.
pub fn percentile(values: impl Iterator<Item = Tick>, q: f64) -> Tick {
    let mut v: Vec<Tick> = values.collect();
    if v.is_empty() {
        return 0;
    }
    protocol::sort::sort(&mut v);
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// Request `id` as its client sees it: an operation (Jepsen's `:read` of
/// the service) that is `:ok` when answered, `:fail` when a full server
/// refuses it, and `:info` when the balancer gives up waiting (the server
/// may still serve it).
fn request_op(id: u64) -> ClientOp {
    ClientOp::invoke(id, OpFn::Read, OpValue::Int(id))
}

fn end_op(id: u64, kind: OpKind, out: &mut Out) {
    let op = request_op(id);
    out.op(op.complete(kind, op.value.clone()));
}

/// The line for request `id` sent to `server`: where and why. Every
/// request has one, so it is short, and the lines of one strategy differ
/// in their numbers alone: the app folds a run of them into one.
fn emit_route(id: u64, server: NodeId, pick: Pick, out: &mut Out) {
    match pick {
        Pick::Only => out.emit(Level::Info, format_args!("balancer sends r{id} to server {server}, the only one")),
        Pick::Turn => out.emit(Level::Info, format_args!("balancer sends r{id} to server {server}: next in turn")),
        Pick::Fewest { owed } => {
            out.emit(Level::Info, format_args!("balancer sends r{id} to server {server}: fewest outstanding ({owed})"))
        }
        Pick::Owner { key } => out
            .emit(Level::Info, format_args!("balancer sends r{id} to server {server}: owner of key-{key} on the ring")),
        Pick::Sampled { owed, other, other_owed } => out.emit(
            Level::Info,
            format_args!(
                "balancer sends r{id} to server {server}: sampled {server} and {other}, owing {owed} vs {other_owed}"
            ),
        ),
    }
}

impl Balancer {
    pub fn new(servers: u32, config: &BalanceConfig) -> Self {
        let ring = ring::Ring::of(config.vnodes, 0, 1..=servers);
        Self {
            config: config.clone(),
            servers,
            ring: Arc::new(ring),
            next: 0,
            sent: 0,
            answered: 0,
            rejected: 0,
            timed_out: 0,
            in_flight: FlatMap::new(),
            outstanding: vec![0; servers as usize],
            served: vec![0; servers as usize],
            silent: vec![false; servers as usize],
            latencies: VecDeque::new(),
            samples: VecDeque::new(),
            p50: 0,
            p99: 0,
        }
    }

    /// The server the strategy picks for request `id`.
    pub fn choose(&self, id: u64) -> NodeId {
        self.route(id).0
    }

    /// The server the strategy picks for request `id`, and why.
    pub fn route(&self, id: u64) -> (NodeId, Pick) {
        let n = u64::from(self.servers.max(1));
        if n == 1 {
            return (1, Pick::Only);
        }
        let owed = |i: u64| self.outstanding[i as usize];
        let fewest = |a: u64, b: u64| if owed(b) < owed(a) { b } else { a };
        let server = |i: u64| i as NodeId + 1;
        match self.config.strategy {
            Strategy::RoundRobin => (server(id % n), Pick::Turn),
            // Ties go to the next server in turn, so an idle cluster is not all on server 1.
            Strategy::LeastOutstanding => {
                let i = (0..n).map(|k| (id + k) % n).reduce(fewest).unwrap_or(0);
                (server(i), Pick::Fewest { owed: owed(i) })
            }
            Strategy::Ring => {
                let key = key_number(id);
                let owner = self.ring.owner(ring::key_position(&key_of(id))).unwrap_or(1);
                (owner, Pick::Owner { key })
            }
            Strategy::TwoChoices => {
                let h = mix(id ^ 0x2c);
                let a = h % n;
                let mut b = (h >> 32) % (n - 1);
                if b >= a {
                    b += 1;
                }
                let b = b.min(n - 1);
                let (picked, other) = if fewest(a, b) == a { (a, b) } else { (b, a) };
                (server(picked), Pick::Sampled { owed: owed(picked), other: server(other), other_owed: owed(other) })
            }
        }
    }

    fn record(&mut self, latency: Tick) {
        if self.latencies.len() == LATENCIES_KEPT {
            self.latencies.pop_front();
        }
        self.latencies.push_back(latency);
    }

    fn done(&mut self, id: u64) -> Option<(NodeId, Tick)> {
        let (server, sent_at) = self.in_flight.remove(&id)?;
        let i = (server - 1) as usize;
        self.outstanding[i] = self.outstanding[i].saturating_sub(1);
        Some((server, sent_at))
    }

    pub fn step(&mut self, now: Tick, input: Input<BalanceMsg, BalanceTimer>, out: &mut Out) {
        match input {
            Input::Start => {
                out.set_timer(BalanceTimer::Arrival, self.config.interval_ms, self.config.interval_ms);
                out.emit(
                    Level::Info,
                    format_args!(
                        "balancer: {} over {} servers, a request every {} ms",
                        self.config.strategy.name(),
                        self.servers,
                        self.config.interval_ms
                    ),
                );
                out.set_timer(BalanceTimer::Sample, self.config.sample_ms, self.config.sample_ms);
            }
            Input::Timer(BalanceTimer::Arrival) => {
                out.set_timer(BalanceTimer::Arrival, self.config.interval_ms, self.config.interval_ms);
                // Give up on what waited too long (ids grow with time: the oldest first).
                while let Some((&id, &(server, sent_at))) = self.in_flight.first_key_value() {
                    if now.saturating_sub(sent_at) < self.config.timeout_ms {
                        break;
                    }
                    self.done(id);
                    self.timed_out += 1;
                    end_op(id, OpKind::Info, out);
                    let silent = &mut self.silent[(server - 1) as usize];
                    let level = if *silent { Level::Info } else { Level::Notice };
                    *silent = true;
                    out.emit(
                        level,
                        format_args!(
                            "balancer gives up on r{id}: no answer from server {server} in {} ms",
                            self.config.timeout_ms
                        ),
                    );
                    // A request given up on counts at the time it waited: leaving it
                    // out would make a strategy that overloads a server look fast.
                    self.record(now.saturating_sub(sent_at));
                }
                self.next += 1;
                let id = self.next;
                let (server, pick) = self.route(id);
                self.sent += 1;
                self.outstanding[(server - 1) as usize] += 1;
                self.in_flight.insert(id, (server, now));
                out.op(request_op(id));
                out.send(server, BalanceMsg::Request { id });
                emit_route(id, server, pick, out);
            }
            Input::Timer(BalanceTimer::Sample) => {
                out.set_timer(BalanceTimer::Sample, self.config.sample_ms, self.config.sample_ms);
                if self.samples.len() == SAMPLES_KEPT {
                    self.samples.pop_front();
                }
                self.p50 = percentile(self.latencies.iter().copied(), 0.5);
                self.p99 = percentile(self.latencies.iter().copied(), 0.99);
                let mut outstanding = [0; MAX_SERVERS];
                for (slot, &o) in outstanding.iter_mut().zip(&self.outstanding) {
                    *slot = o;
                }
                let sample = Sample { time: now, p50: self.p50, p99: self.p99, outstanding };
                self.samples.push_back(sample);
            }
            Input::Message { msg: BalanceMsg::Reply { id }, .. } => {
                if let Some((server, sent_at)) = self.done(id) {
                    self.answered += 1;
                    self.served[(server - 1) as usize] += 1;
                    self.silent[(server - 1) as usize] = false;
                    self.record(now.saturating_sub(sent_at));
                    end_op(id, OpKind::Ok, out);
                }
            }
            Input::Message { msg: BalanceMsg::Reject { id }, .. } if self.done(id).is_some() => {
                self.rejected += 1;
                end_op(id, OpKind::Fail, out);
            }
            Input::Request { .. } => out.emit(
                Level::Info,
                format_args!("the balancer sends a request on its own every {} ms", self.config.interval_ms),
            ),
            _ => {}
        }
    }

    /// The strategy's `--set strategy=` name.
    pub fn config_strategy(&self) -> &'static str {
        self.config.strategy.name()
    }

    /// Largest over mean of the requests each server answered (1 = even).
    pub fn max_over_mean(&self) -> f64 {
        let total: u64 = self.served.iter().sum();
        if total == 0 {
            return 1.0;
        }
        let mean = total as f64 / self.served.len() as f64;
        self.served.iter().copied().max().unwrap_or(0) as f64 / mean
    }
}
