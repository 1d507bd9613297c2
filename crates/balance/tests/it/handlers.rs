//! Handler tests: one input, the exact commands out; the strategies' picks
//! (Mitzenmacher 2001 for two choices: the less loaded of two candidates;
//! Karger et al. 1997 for the ring: the key's owner), service times, and
//! the checker on hand-built states.

use balance::{
    percentile, service_time, Balance, BalanceChecker, BalanceConfig, BalanceMsg, BalanceTimer, Balancer, Node, Server,
    Strategy, NO_REQUEST_LOST, QUEUE_BOUNDS,
};
use protocol::{Checker, Command, Input, Level, NodeRef, Note, Status};

type Out = protocol::Out<BalanceMsg, BalanceTimer, ()>;

fn send(to: u32, msg: BalanceMsg) -> Command<BalanceMsg, BalanceTimer, ()> {
    Command::Send { to, msg }
}

#[test]
fn a_server_serves_in_order_and_refuses_when_full() {
    let config = BalanceConfig { max_queue: 2, ..BalanceConfig::default() };
    let mut s = Server::new(3, &config);
    let mut out = Out::default();
    s.step(Input::Message { from: 0, msg: BalanceMsg::Request { id: 1 } }, &mut out);
    let t1 = service_time(&config, 1, 3);
    assert_eq!(out.take(), [Command::SetTimer { timer: BalanceTimer::Service, after_min: t1, after_max: t1 }]);
    s.step(Input::Message { from: 0, msg: BalanceMsg::Request { id: 2 } }, &mut out);
    assert_eq!(out.take(), [], "queued behind the one in service");
    s.step(Input::Message { from: 0, msg: BalanceMsg::Request { id: 3 } }, &mut out);
    let first_refusal = out.take();
    let note = |level, text: &str| Command::Emit(Note { level, text: text.to_string() });
    assert_eq!(
        first_refusal,
        [note(Level::Notice, "server 3's queue is full (2): it refuses r3"), send(0, BalanceMsg::Reject { id: 3 })]
    );
    s.step(Input::Message { from: 0, msg: BalanceMsg::Request { id: 4 } }, &mut out);
    assert_eq!(
        out.take(),
        [note(Level::Info, "server 3's queue is full (2): it refuses r4"), send(0, BalanceMsg::Reject { id: 4 })],
        "a notice once per overload, then routine lines"
    );
    s.step(Input::Timer(BalanceTimer::Service), &mut out);
    let t2 = service_time(&config, 2, 3);
    assert_eq!(
        out.take(),
        [
            send(0, BalanceMsg::Reply { id: 1 }),
            Command::SetTimer { timer: BalanceTimer::Service, after_min: t2, after_max: t2 },
        ]
    );
    assert_eq!((s.accepted, s.served, s.rejected, s.queue.len()), (2, 1, 2, 1));
}

#[test]
fn service_times_are_fixed_functions_of_request_and_server_slower_on_the_slow_one() {
    let config = BalanceConfig { slow: Some(2), ..BalanceConfig::default() };
    let times: Vec<u64> = (1..=1000).map(|id| service_time(&config, id, 1)).collect();
    assert!(times.iter().all(|&t| (8..=24).contains(&t)));
    let mean = times.iter().sum::<u64>() as f64 / 1000.0;
    assert!((mean - 16.0).abs() < 1.0, "mean {mean}");
    assert_eq!(service_time(&config, 7, 2), 5 * service_time(&BalanceConfig::default(), 7, 2));
    assert_eq!(service_time(&config, 7, 1), service_time(&config, 7, 1));
}

fn balancer(strategy: Strategy, outstanding: [u32; 4]) -> Balancer {
    let mut b = Balancer::new(4, &BalanceConfig { strategy, ..BalanceConfig::default() });
    b.outstanding = outstanding.to_vec();
    b
}

#[test]
fn each_strategy_picks_as_its_source_says() {
    let rr = balancer(Strategy::RoundRobin, [9, 0, 0, 0]);
    assert_eq!((1..=5).map(|id| rr.choose(id)).collect::<Vec<_>>(), [2, 3, 4, 1, 2], "in turn, load ignored");
    let lo = balancer(Strategy::LeastOutstanding, [3, 1, 4, 1]);
    assert_eq!([lo.choose(0), lo.choose(3)], [2, 4], "the fewest, ties in turn");
    let two = balancer(Strategy::TwoChoices, [5, 5, 5, 0]);
    let picks: Vec<u32> = (1..=200).map(|id| two.choose(id)).collect();
    // Server 4 is picked whenever it is one of the two candidates: about half the time (1 - C(3,2)/C(4,2)).
    let fours = picks.iter().filter(|&&p| p == 4).count();
    assert!((80..=120).contains(&fours), "{fours}");
    let ring = balancer(Strategy::Ring, [0; 4]);
    let owner = ring::Ring::of(100, 0, 1..=4).owner(ring::key_position(&balance::balancer::key_of(42))).unwrap();
    assert_eq!(ring.choose(42), owner, "the key's owner on the ring crate's ring");
    assert_eq!(ring.choose(42), balancer(Strategy::Ring, [9, 9, 9, 9]).choose(42), "load ignored");
}

#[test]
fn the_balancer_times_out_what_waited_too_long_and_counts_its_wait() {
    let config = BalanceConfig { timeout_ms: 100, ..BalanceConfig::default() };
    let mut b = Balancer::new(2, &config);
    let mut out = Out::default();
    b.step(0, Input::Timer(BalanceTimer::Arrival), &mut out);
    assert_eq!(out.take()[1], send(2, BalanceMsg::Request { id: 1 }));
    b.step(150, Input::Timer(BalanceTimer::Arrival), &mut out);
    assert_eq!((b.timed_out, b.in_flight.len(), b.latencies.back().copied()), (1, 1, Some(150)));
    b.step(160, Input::Message { from: 2, msg: BalanceMsg::Reply { id: 1 } }, &mut out);
    assert_eq!(b.answered, 0, "a late answer to a request given up on is ignored");
    assert_eq!([percentile([5, 1, 9, 3].into_iter(), 0.5), percentile([5, 1, 9, 3].into_iter(), 0.99)], [3, 9]);
}

fn nodes(b: Balancer, s: Server) -> [Balance; 2] {
    [Balance { id: 0, node: Node::Balancer(b) }, Balance { id: 1, node: Node::Server(s) }]
}

fn check(states: &[Balance]) -> Option<protocol::Violation> {
    let refs: Vec<NodeRef<'_, Balance>> =
        states.iter().map(|n| NodeRef { id: n.id, status: Status::Up, state: n }).collect();
    BalanceChecker.check(&refs)
}

#[test]
fn the_checker_accounts_for_every_request_and_every_queue() {
    let config = BalanceConfig { max_queue: 2, ..BalanceConfig::default() };
    let mut b = Balancer::new(1, &config);
    let mut s = Server::new(1, &config);
    assert_eq!(check(&nodes(b.clone(), s.clone())), None);
    b.sent = 3;
    b.answered = 1;
    b.timed_out = 1;
    b.in_flight.insert(3, (1, 0));
    b.outstanding = vec![1];
    s.accepted = 3;
    s.served = 1;
    s.queue.extend([2, 3]);
    assert_eq!(check(&nodes(b.clone(), s.clone())), None);
    let mut lost = b.clone();
    lost.sent = 4;
    assert_eq!(check(&nodes(lost, s.clone())).unwrap().property, NO_REQUEST_LOST);
    let mut vanished = s.clone();
    vanished.queue.pop_back();
    assert_eq!(check(&nodes(b.clone(), vanished)).unwrap().property, NO_REQUEST_LOST);
    s.accepted += 1;
    s.queue.push_back(4);
    assert_eq!(check(&nodes(b, s)).unwrap().property, QUEUE_BOUNDS);
}

/// Each request is a client operation of the load generator: invoked as it
/// is sent, `:ok` when answered, `:fail` when a full server refuses it,
/// `:info` when the balancer gives up on it (the server may still serve it).
#[test]
fn the_balancer_reports_each_request_as_a_client_operation() {
    use protocol::{OpFn, OpKind};
    let config = BalanceConfig { timeout_ms: 1000, ..BalanceConfig::default() };
    let mut b = Balancer::new(3, &config);
    let mut out = Out::default();
    let mut ops = |b: &mut Balancer, now, input| {
        b.step(now, input, &mut out);
        let ops: Vec<_> = out.ops().iter().map(|op| (op.id, op.kind, op.f)).collect();
        out.take();
        out.drain_ops().count();
        ops
    };
    assert_eq!(ops(&mut b, 10, Input::Timer(BalanceTimer::Arrival)), [(1, OpKind::Invoke, OpFn::Read)]);
    assert_eq!(ops(&mut b, 20, Input::Timer(BalanceTimer::Arrival)), [(2, OpKind::Invoke, OpFn::Read)]);
    let from = 1;
    assert_eq!(
        ops(&mut b, 30, Input::Message { from, msg: BalanceMsg::Reply { id: 1 } }),
        [(1, OpKind::Ok, OpFn::Read)]
    );
    assert_eq!(ops(&mut b, 31, Input::Message { from, msg: BalanceMsg::Reply { id: 1 } }), [], "answered once");
    assert_eq!(
        ops(&mut b, 1500, Input::Timer(BalanceTimer::Arrival)),
        [(2, OpKind::Info, OpFn::Read), (3, OpKind::Invoke, OpFn::Read)],
        "request 2 waited past the timeout"
    );
    assert_eq!(
        ops(&mut b, 1510, Input::Message { from, msg: BalanceMsg::Reject { id: 3 } }),
        [(3, OpKind::Fail, OpFn::Read)]
    );
}
