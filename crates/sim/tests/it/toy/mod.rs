//! A tiny protocol that exercises every part of the world: timers with
//! ranges, sends, persistence and a checker with a property that can fail.
//!
//! Every node counts pings. On its `tick` timer a node sends a `Ping` to the
//! next node and re-arms; on a `Ping` it bumps `pings` and, every time, persists
//! the count. Volatile `seen` counts pings since the last boot.
//!
//! Its clients write: a request is an operation, invoked when it arrives and
//! acknowledged (`:ok`) at the node's next ping; a crash in between leaves it
//! open. A request `fail` fails at once.

use protocol::{
    Checker, ClientOp, Cluster, Countdown, Input, Level, Look, Message, NodeId, NodeRef, OpFn, OpKind, OpValue, Out,
    Protocol, Tick, Timer, Violation,
};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type")]
pub enum ToyMsg {
    Ping { n: u64 },
}

impl Message for ToyMsg {
    fn kind(&self) -> &'static str {
        "Ping"
    }
    fn label(&self) -> String {
        let ToyMsg::Ping { n } = self;
        format!("ping {n}")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ToyTimer {
    Tick,
}

impl Timer for ToyTimer {
    fn name(&self) -> &'static str {
        "tick"
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ToyConfig {
    /// Break the "at most `limit` pings" property on purpose.
    pub limit: Option<u64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ToyView {
    pub id: NodeId,
    pub up: bool,
    pub pings: u64,
    pub seen: u64,
    pub sent: u64,
    pub last_now: Tick,
}

#[derive(Clone, Debug)]
pub struct Toy {
    id: NodeId,
    nodes: u32,
    pub pings: u64,
    pub seen: u64,
    pub sent: u64,
    pub last_now: Tick,
    pub requests: Vec<String>,
    /// Client operations waiting for the next ping.
    waiting: Vec<ClientOp>,
    limit: Option<u64>,
}

/// Also notes what it was told could have changed, so tests can see when
/// the world checks and where it looks.
#[derive(Clone, Debug, Default)]
pub struct ToyChecker {
    /// How many checks ran.
    pub checks: u64,
    /// The `changed` of the latest one.
    pub last_changed: Option<Option<NodeId>>,
}

impl Checker<Toy> for ToyChecker {
    const PROPERTIES: &'static [&'static str] = &["Ping Limit"];
    fn check_changed(&mut self, nodes: &[NodeRef<'_, Toy>], changed: Option<NodeId>) -> Option<Violation> {
        self.checks += 1;
        self.last_changed = Some(changed);
        self.check(nodes)
    }
    fn check(&mut self, nodes: &[NodeRef<'_, Toy>]) -> Option<Violation> {
        nodes.iter().find_map(|n| {
            let limit = n.state.limit?;
            (n.state.pings > limit)
                .then(|| Violation::new("Ping Limit", format!("node {} has {} pings", n.id, n.state.pings), [n.id]))
        })
    }
}

impl Toy {
    /// Used by some of the test crates that include this module.
    #[allow(dead_code)]
    pub fn pings(&self) -> u64 {
        self.pings
    }
}

impl Protocol for Toy {
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        protocol::fingerprint::debug(self, h);
    }
    const NAME: &'static str = "toy";
    type Config = ToyConfig;
    type Msg = ToyMsg;
    type Timer = ToyTimer;
    type Durable = u64;
    type View = ToyView;
    type Checker = ToyChecker;
    const CLIENT_OPS: &'static [OpFn] = &[OpFn::Write];

    fn new(id: NodeId, cluster: &Cluster, config: &ToyConfig, durable: Option<&u64>) -> Self {
        Self {
            id,
            nodes: cluster.nodes,
            pings: durable.copied().unwrap_or(0),
            seen: 0,
            sent: 0,
            last_now: 0,
            requests: Vec::new(),
            waiting: Vec::new(),
            limit: config.limit,
        }
    }

    fn step(&mut self, now: Tick, input: Input<ToyMsg, ToyTimer>, out: &mut Out<ToyMsg, ToyTimer, u64>) {
        self.last_now = now;
        match input {
            Input::Start => out.set_timer(ToyTimer::Tick, 10, 20),
            Input::Timer(ToyTimer::Tick) => {
                self.sent += 1;
                out.send((self.id + 1) % self.nodes, ToyMsg::Ping { n: self.sent });
                out.set_timer(ToyTimer::Tick, 10, 20);
            }
            Input::Message { msg: ToyMsg::Ping { .. }, .. } => {
                self.pings += 1;
                self.seen += 1;
                out.persist(self.pings);
                for op in self.waiting.drain(..) {
                    out.op(op.complete(OpKind::Ok, op.value.clone()));
                }
            }
            Input::Request { cmd } => {
                out.emit(Level::Info, format_args!("node {} got {cmd}", self.id));
                let op = ClientOp::invoke(self.requests.len() as u64, OpFn::Write, OpValue::of_command(&cmd));
                out.op(op.clone());
                if cmd == "fail" {
                    out.op(op.complete(OpKind::Fail, op.value.clone()));
                } else {
                    self.waiting.push(op);
                }
                self.requests.push(cmd);
            }
        }
    }

    fn view(&self, up: bool) -> ToyView {
        ToyView { id: self.id, up, pings: self.pings, seen: self.seen, sent: self.sent, last_now: self.last_now }
    }

    fn look(&self) -> Look {
        Look { role: "toy", badge: format!("{}", self.pings), ring: Some(Countdown::Timer("tick")), ..Look::default() }
    }
}
