//! Load balancing through the catalog: the two slow-server presets are one
//! request stream on one seed under two strategies, and least-outstanding's
//! p99 is below round robin's; every strategy opens from a link; bad
//! options are named.

use lab::presets::Preset;
use lab::{open, Algo, Setup};
use protocol::present::Body;

const STEPS: u64 = 10_000;

fn p99(id: &str, strategy: Option<&str>) -> (u64, String) {
    let mut setup = Preset::find(id).unwrap().load().setup;
    if let Some(s) = strategy {
        setup.options.insert("strategy".to_string(), s.to_string());
    }
    let mut s = open(&setup).unwrap();
    s.seek(STEPS);
    assert!(s.first_violation().is_none(), "{id}: {:?}", s.first_violation());
    let state: serde_json::Value = serde_json::from_str(&s.state_json()).unwrap();
    let p99 = state["nodes"][0]["p99_ms"].as_u64().unwrap_or_else(|| panic!("{state}"));
    (p99, s.picture().banner.unwrap())
}

#[test]
fn least_outstanding_routes_around_the_slow_server_and_round_robin_does_not() {
    let rr_setup = Preset::find("balance-slow-server-round-robin").unwrap().load().setup;
    let lo_setup = Preset::find("balance-slow-server-least-outstanding").unwrap().load().setup;
    assert_eq!((rr_setup.seed, rr_setup.sim.clone()), (lo_setup.seed, lo_setup.sim.clone()), "same seed and world");
    let (rr, banner) = p99("balance-slow-server-round-robin", None);
    let (lo, _) = p99("balance-slow-server-least-outstanding", None);
    let (two, _) = p99("balance-slow-server-round-robin", Some("two-choices"));
    let (ring, _) = p99("balance-slow-server-round-robin", Some("ring"));
    println!(
        "p99 with server 2 five times slower: round-robin {rr}, ring {ring}, least-outstanding {lo}, two-choices {two}"
    );
    assert!(lo < rr && two < rr && lo < ring && two < ring, "rr {rr} ring {ring} lo {lo} two {two}");
    assert!(banner.starts_with("round-robin: p50"), "{banner}");
}

#[test]
fn the_charts_are_series_panels_with_bounded_samples() {
    let mut s = open(&Preset::find("balance-slow-server-least-outstanding").unwrap().load().setup).unwrap();
    s.seek(STEPS);
    let picture = s.picture();
    let chart = |id: &str| match &picture.panels.iter().find(|p| p.id == id).unwrap().body {
        Body::Series(c) => c.clone(),
        other => panic!("{id}: {other:?}"),
    };
    let queues = chart("balance-queues");
    assert_eq!(queues.lines.len(), 4, "a line per server");
    assert!(queues.times.len() <= protocol::present::Chart::MAX_SAMPLES && queues.times.len() > 50);
    assert!(queues.lines.iter().all(|l| l.values.len() == queues.times.len()));
    assert_eq!(chart("balance-latency").lines.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["p50", "p99"]);
}

#[test]
fn options_are_parsed_and_bad_ones_named() {
    let mut setup = Setup::new(Algo::Balance);
    for (name, bad) in [("strategy", "random"), ("slow", "5"), ("slow", "0"), ("slow_factor", "0"), ("max_queue", "0")]
    {
        setup.options.clear();
        setup.options.insert(name.to_string(), bad.to_string());
        assert_eq!(open(&setup).err().map(|e| e.field), Some(name), "{name}={bad}");
    }
    for strategy in ["round-robin", "least-outstanding", "ring", "two-choices"] {
        setup.options.clear();
        setup.options.insert("strategy".to_string(), strategy.to_string());
        let mut s = open(&setup).unwrap();
        s.seek(300);
        assert!(s.first_violation().is_none(), "{strategy}");
    }
}

/// Side by side on the same request stream and seed (`&compare=balance
/// &compare_set=strategy=least-outstanding` beside the round-robin preset):
/// every request is a client operation, and the strategy that routes
/// around the slow server answers them sooner. (The two stand at the same
/// step, not the same model time: a step is an event, and the worlds' events
/// differ; the stream itself, one request per interval, is the same.)
#[test]
fn side_by_side_least_outstanding_answers_the_same_stream_sooner() {
    let run = Preset::find("balance-slow-server-round-robin").unwrap().load().setup;
    let mut against = lab::compare::Against::new(Algo::Balance);
    against.options.insert("strategy".into(), "least-outstanding".into());
    let other = against.setup(&run).unwrap();
    let count = |setup: &lab::Setup| {
        let mut s = open(setup).unwrap();
        s.seek(3000);
        let mut meter = sim::Meter::new(s.as_ref());
        meter.sync(s.as_ref(), 3000);
        meter.counters()
    };
    let (rr, lo) = (count(&run), count(&other));
    assert!(rr.invoked > 100, "{rr:?}");
    assert!(lo.invoked > 100, "{lo:?}");
    assert!(
        lo.ok.mean() < rr.ok.mean(),
        "mean latency: least-outstanding {:?}, round-robin {:?}",
        lo.ok.mean(),
        rr.ok.mean()
    );
    assert!(lo.ok.max <= rr.ok.max, "max latency: {} vs {}", lo.ok.max, rr.ok.max);
}
