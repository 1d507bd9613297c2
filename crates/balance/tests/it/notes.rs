//! The event log: one input, the exact commands out, the notes among them
//! with their text and level. The balancer says where each request goes
//! and why in its strategy's own terms (Mitzenmacher 2001: the less loaded
//! of two servers drawn; Karger et al. 1997: the key's owner on the ring);
//! a server's refusals and the balancer's give-ups are notices once, then
//! routine lines, so an overloaded server marks the timeline once.

use balance::{Balance, BalanceBug, BalanceConfig, BalanceMsg, BalanceTimer, Balancer, Server, Strategy};
use protocol::{Command, Input, Level, Note};
use sim::{Run, SimConfig};

type Out = protocol::Out<BalanceMsg, BalanceTimer, ()>;
type Cmd = Command<BalanceMsg, BalanceTimer, ()>;

fn note(level: Level, text: &str) -> Cmd {
    Command::Emit(Note { level, text: text.to_string() })
}

fn send(to: u32, msg: BalanceMsg) -> Cmd {
    Command::Send { to, msg }
}

fn arrival(interval: u64) -> Cmd {
    Command::SetTimer { timer: BalanceTimer::Arrival, after_min: interval, after_max: interval }
}

/// The notes of a step, as (level, text).
fn notes(cmds: &[Cmd]) -> Vec<(Level, String)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Emit(n) => Some((n.level, n.text.clone())),
            _ => None,
        })
        .collect()
}

fn balancer(strategy: Strategy, outstanding: [u32; 4]) -> Balancer {
    let mut b = Balancer::new(4, &BalanceConfig { strategy, ..BalanceConfig::default() });
    b.outstanding = outstanding.to_vec();
    b
}

/// The commands of the balancer's next arrival at `now`.
fn arrive(b: &mut Balancer, now: u64) -> Vec<Cmd> {
    let mut out = Out::default();
    b.step(now, Input::Timer(BalanceTimer::Arrival), &mut out);
    out.take()
}

#[test]
fn the_balancer_names_its_strategy_at_start() {
    let mut b = Balancer::new(4, &BalanceConfig::default());
    let mut out = Out::default();
    b.step(0, Input::Start, &mut out);
    assert_eq!(
        out.take(),
        [
            arrival(6),
            note(Level::Info, "balancer: round-robin over 4 servers, a request every 6 ms"),
            Command::SetTimer { timer: BalanceTimer::Sample, after_min: 100, after_max: 100 },
        ]
    );
}

#[test]
fn round_robin_sends_each_request_to_the_next_server_in_turn() {
    let mut b = balancer(Strategy::RoundRobin, [9, 0, 0, 0]);
    assert_eq!(
        arrive(&mut b, 0),
        [
            arrival(6),
            send(2, BalanceMsg::Request { id: 1 }),
            note(Level::Info, "balancer sends r1 to server 2: next in turn"),
        ]
    );
    assert_eq!(notes(&arrive(&mut b, 6)), [(Level::Info, "balancer sends r2 to server 3: next in turn".into())]);
}

#[test]
fn least_outstanding_gives_the_count_of_the_server_it_picks() {
    // Request 1: servers 2 and 4 owe one each; the tie goes to the next in turn, 2.
    let mut b = balancer(Strategy::LeastOutstanding, [3, 1, 4, 1]);
    assert_eq!(
        arrive(&mut b, 0)[1..],
        [
            send(2, BalanceMsg::Request { id: 1 }),
            note(Level::Info, "balancer sends r1 to server 2: fewest outstanding (1)"),
        ]
    );
    // Server 2 now owes two: request 2 goes to server 4.
    assert_eq!(
        notes(&arrive(&mut b, 6)),
        [(Level::Info, "balancer sends r2 to server 4: fewest outstanding (1)".into())]
    );
}

#[test]
fn the_ring_names_the_key_whose_owner_takes_the_request() {
    let key = balance::balancer::key_of(1);
    let owner = ring::Ring::of(100, 0, 1..=4).owner(ring::key_position(&key)).unwrap();
    let mut b = balancer(Strategy::Ring, [0; 4]);
    assert_eq!(
        arrive(&mut b, 0)[1..],
        [
            send(owner, BalanceMsg::Request { id: 1 }),
            note(Level::Info, &format!("balancer sends r1 to server {owner}: owner of {key} on the ring")),
        ]
    );
}

#[test]
fn two_choices_names_both_servers_drawn_and_what_each_owed() {
    // Every server owes a different number, so the pick is the lower-numbered of the two.
    let owed = [0, 1, 2, 3];
    let mut b = balancer(Strategy::TwoChoices, owed);
    for id in 1..=20 {
        let cmds = arrive(&mut b, id * 6);
        let Some(&Command::Send { to, .. }) = cmds.iter().find(|c| matches!(c, Command::Send { .. })) else {
            panic!("{cmds:?}")
        };
        let [(level, text)] = &notes(&cmds)[..] else { panic!("{cmds:?}") };
        assert_eq!(*level, Level::Info);
        let head = format!("balancer sends r{id} to server {to}: sampled {to} and ");
        let rest = text.strip_prefix(&head).unwrap_or_else(|| panic!("{text}"));
        let (other, counts) = rest.split_once(", owing ").unwrap();
        let other: u32 = other.parse().unwrap();
        assert!(other != to && (1..=4).contains(&other), "{text}");
        let (mine, theirs) = (owed[to as usize - 1], owed[other as usize - 1]);
        assert_eq!(counts, format!("{mine} vs {theirs}"), "{text}");
        assert!(mine <= theirs, "the one that owed fewer: {text}");
        assert!(text.len() <= 64, "{text}");
        // Back to the same load for the next request.
        b.outstanding = owed.to_vec();
    }
}

#[test]
fn a_single_server_is_the_only_one() {
    let mut b = Balancer::new(1, &BalanceConfig { strategy: Strategy::TwoChoices, ..BalanceConfig::default() });
    assert_eq!(notes(&arrive(&mut b, 0)), [(Level::Info, "balancer sends r1 to server 1, the only one".into())]);
}

#[test]
fn giving_up_is_a_notice_once_per_silent_server_until_it_answers_in_time() {
    let config = BalanceConfig { timeout_ms: 100, ..BalanceConfig::default() };
    let mut b = Balancer::new(2, &config);
    arrive(&mut b, 0); // r1 → server 2
    arrive(&mut b, 10); // r2 → server 1
    arrive(&mut b, 20); // r3 → server 2
    let gave_up = |text: &str| text.starts_with("balancer gives up");
    let cmds = arrive(&mut b, 150); // r4 → server 1
    let given: Vec<_> = notes(&cmds).into_iter().filter(|(_, t)| gave_up(t)).collect();
    assert_eq!(
        given,
        [
            (Level::Notice, "balancer gives up on r1: no answer from server 2 in 100 ms".to_string()),
            (Level::Notice, "balancer gives up on r2: no answer from server 1 in 100 ms".to_string()),
            (Level::Info, "balancer gives up on r3: no answer from server 2 in 100 ms".to_string()),
        ]
    );
    // Server 1 answers r4 in time: its next silence is news again; server 2's is not.
    let mut out = Out::default();
    b.step(160, Input::Message { from: 1, msg: BalanceMsg::Reply { id: 4 } }, &mut out);
    assert_eq!(out.take(), [], "an answer is not logged");
    arrive(&mut b, 300); // r5 → server 2
    let at_450 = notes(&arrive(&mut b, 450)); // r6 → server 1
    assert_eq!(at_450[0], (Level::Info, "balancer gives up on r5: no answer from server 2 in 100 ms".into()));
    let at_600 = notes(&arrive(&mut b, 600));
    assert_eq!(at_600[0], (Level::Notice, "balancer gives up on r6: no answer from server 1 in 100 ms".into()));
}

#[test]
fn a_server_refuses_with_a_notice_again_once_its_queue_has_emptied() {
    let config = BalanceConfig { max_queue: 1, ..BalanceConfig::default() };
    let mut s = Server::new(2, &config);
    let request = |s: &mut Server, id| {
        let mut out = Out::default();
        s.step(Input::Message { from: 0, msg: BalanceMsg::Request { id } }, &mut out);
        notes(&out.take())
    };
    assert_eq!(request(&mut s, 1), [], "taking a request is not logged");
    assert_eq!(request(&mut s, 2), [(Level::Notice, "server 2's queue is full (1): it refuses r2".into())]);
    assert_eq!(request(&mut s, 3), [(Level::Info, "server 2's queue is full (1): it refuses r3".into())]);
    let mut out = Out::default();
    s.step(Input::Timer(BalanceTimer::Service), &mut out);
    assert_eq!(notes(&out.take()), [], "serving is not logged");
    assert_eq!(request(&mut s, 4), []);
    assert_eq!(request(&mut s, 5), [(Level::Notice, "server 2's queue is full (1): it refuses r5".into())]);
}

#[test]
fn the_broken_servers_say_what_they_do_wrong() {
    let unbounded = BalanceConfig { max_queue: 1, bug: Some(BalanceBug::UnboundedQueue), ..BalanceConfig::default() };
    let mut s = Server::new(3, &unbounded);
    let mut out = Out::default();
    for id in 1..=3 {
        s.step(Input::Message { from: 0, msg: BalanceMsg::Request { id } }, &mut out);
    }
    assert_eq!(
        notes(&out.take()),
        [(Level::Warn, "server 3 queues r2 past its bound of 1".into())],
        "once, as it passes"
    );

    let dropping = BalanceConfig { max_queue: 2, bug: Some(BalanceBug::DropWhenFull), ..BalanceConfig::default() };
    let mut s = Server::new(1, &dropping);
    for id in 1..=3 {
        s.step(Input::Message { from: 0, msg: BalanceMsg::Request { id } }, &mut out);
    }
    assert_eq!(notes(&out.take()), [(Level::Warn, "server 1 discards waiting r2 to make room for r3".into())]);
}

/// The default run the app opens with: 1000 steps are no longer silent. A
/// line per request, short, and alike but for its numbers (the app folds
/// such a run of lines into one).
#[test]
fn a_default_run_logs_where_every_request_goes() {
    let mut r = Run::<Balance>::new(SimConfig::default(), BalanceConfig::default(), 1, vec![]);
    while r.steps() < 1000 && r.step() {}
    let log: Vec<_> = r.world().log().collect();
    let sent = r.world().node(0).balancer().unwrap().sent;
    let routed = log.iter().filter(|l| l.text.starts_with("balancer sends r")).count() as u64;
    assert!(sent > 100 && routed == sent, "{sent} sent, {routed} lines");
    assert_eq!(log[0].text, "balancer: round-robin over 4 servers, a request every 6 ms");
    for l in &log {
        assert_eq!(l.level, Level::Info, "{}", l.text);
        assert!(l.text.len() <= 64, "{}", l.text);
    }
}
