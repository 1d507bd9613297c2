//! The same request stream and seed under each strategy, with server 2
//! five times slower: the strategies that look at the servers' load route
//! around it (least outstanding, two choices), the ones that do not (round
//! robin, the ring) pile requests on it until it refuses them and the
//! balancer gives up on what it holds.

use balance::{Balance, BalanceConfig, Balancer, Strategy};
use sim::{Run, SimConfig};

const STEPS: u64 = 20_000;

fn world() -> SimConfig {
    SimConfig { nodes: 5, latency_ms: [1, 5], drop: 0.0, dup: 0.0, ..SimConfig::default() }
}

fn run(strategy: Strategy, slow: Option<u32>) -> Run<Balance> {
    let config = BalanceConfig { strategy, slow, ..BalanceConfig::default() };
    let mut r = Run::<Balance>::new(world(), config, 7, vec![]);
    while r.steps() < STEPS && r.step() {}
    assert!(r.world().first_violation().is_none(), "{strategy:?}: {:?}", r.world().first_violation());
    r
}

fn balancer(r: &Run<Balance>) -> Balancer {
    r.world().node(0).balancer().unwrap().clone()
}

#[test]
fn with_a_slow_server_least_outstanding_and_two_choices_beat_round_robin_and_the_ring() {
    let [rr, lo, ring, two] = Strategy::ALL.map(|s| balancer(&run(s, Some(2))));
    for b in [&rr, &lo, &ring, &two] {
        println!(
            "{:>18}: sent {} answered {} refused {} timed out {} p50 {} p99 {} max/mean {:.2}",
            b.config_strategy(),
            b.sent,
            b.answered,
            b.rejected,
            b.timed_out,
            b.p50,
            b.p99,
            b.max_over_mean()
        );
    }
    assert!(lo.p99 < rr.p99, "least-outstanding p99 {} < round-robin {}", lo.p99, rr.p99);
    assert!(two.p99 < rr.p99 && two.p99 < ring.p99, "two-choices p99 {}", two.p99);
    assert!(lo.p99 * 5 < rr.p99, "by far: {} vs {}", lo.p99, rr.p99);
    // Round robin and the ring keep sending to the slow server: its queue fills.
    assert!(rr.rejected > 100 && ring.rejected > 100 && lo.rejected == 0 && two.rejected == 0);
    // The load-aware strategies send the slow server less than a quarter.
    assert!(lo.served[1] * 3 < lo.served[0] && two.served[1] * 3 < two.served[0], "{:?} {:?}", lo.served, two.served);
}

#[test]
fn without_a_slow_server_every_strategy_keeps_up_and_round_robin_is_even() {
    for s in Strategy::ALL {
        let b = balancer(&run(s, None));
        assert_eq!((b.rejected, b.timed_out), (0, 0), "{s:?}");
        assert!(b.p99 < 100, "{s:?}: p99 {}", b.p99);
    }
    let rr = balancer(&run(Strategy::RoundRobin, None));
    assert!(rr.max_over_mean() < 1.01, "{}", rr.max_over_mean());
    // The ring spreads keys, not load: its 100 virtual nodes leave it uneven.
    assert!(balancer(&run(Strategy::Ring, None)).max_over_mean() > 1.05);
}
