use super::layout::{self, Geometry, Viewport};
use super::*;
use lab::Setup;

/// A run of the catalog's first algorithm with faults: node 1 crashes at
/// step 40 and restarts at 120, nodes 0 and 1 are cut off from 60 to 150,
/// and the network drops and duplicates some messages.
fn setup() -> Setup {
    let mut setup = Setup::new(lab::ALGOS[0].algo);
    setup.sim.drop = 0.05;
    setup.sim.dup = 0.05;
    setup.actions = sim::parse_actions(
        r#"[{"step":40,"do":"crash","node":1},{"step":60,"do":"partition","groups":[[0,1]]},
            {"step":120,"do":"restart","node":1},{"step":150,"do":"heal"}]"#,
        setup.sim.nodes,
    )
    .unwrap();
    setup
}

fn recorded(setup: &Setup, steps: u64) -> (Box<dyn Session>, Recorder) {
    let mut session = lab::open(setup).unwrap();
    session.seek(steps);
    let recorder = Recorder::new(setup, session.as_ref());
    (session, recorder)
}

#[test]
fn every_message_is_an_arrow_from_its_send_to_its_end() {
    let (session, rec) = recorded(&setup(), 300);
    let d = &rec.diagram;
    assert_eq!(d.last_step(), 300);
    assert_eq!(d.times.len(), 301);
    assert!(d.times.windows(2).all(|w| w[0] <= w[1]), "steps are in time order");
    assert!(d.arrows.windows(2).all(|w| w[0].sent.time <= w[1].sent.time), "arrows in send order");
    let (mut delivered, mut lost, mut dups) = (0, 0, 0);
    for a in &d.arrows {
        assert!(a.from < d.nodes && a.to < d.nodes && a.from != a.to);
        match a.end {
            End::Delivered(p) => {
                delivered += 1;
                assert!(p.time >= a.sent.time && p.step > a.sent.step, "{a:?}");
            }
            End::Lost(p, _) => {
                lost += 1;
                assert!(p.step >= a.sent.step);
            }
            End::Open => {}
        }
        dups += usize::from(a.dup);
    }
    assert!(delivered > 50 && lost > 0 && dups > 0, "delivered {delivered}, lost {lost}, dups {dups}");
    // What is open is what the run has in flight.
    let mut in_flight = Vec::new();
    session.messages_into(&mut in_flight);
    let open: Vec<MsgId> = d.arrows.iter().filter(|a| a.end == End::Open).map(|a| a.msg).collect();
    let mut flying: Vec<MsgId> = in_flight.iter().map(|m| m.id).collect();
    flying.sort_unstable();
    assert_eq!(open, flying);
    // Arrows are found by message id.
    assert!(d.arrows.iter().enumerate().all(|(i, a)| d.arrow_of(a.msg) == Some(i)));
}

#[test]
fn crashes_are_gaps_partitions_are_shades_and_notable_lines_are_notes() {
    let (_, rec) = recorded(&setup(), 300);
    let d = &rec.diagram;
    let gap = d.gaps.iter().find(|g| g.node == 1).expect("node 1's crash");
    assert_eq!((gap.kind, gap.from.step, gap.to.map(|p| p.step)), (GapKind::Crashed, 40, Some(120)));
    assert_eq!(d.shades.len(), 1, "{:?}", d.shades);
    let shade = &d.shades[0];
    assert_eq!((shade.from.step, shade.to.map(|p| p.step)), (60, Some(150)));
    assert!((0..d.nodes).all(|n| shade.has(n)), "every node has a cut link when 0 and 1 are cut off");
    assert!(!d.notes.is_empty(), "the protocol's notable lines are marked");
    assert!(d.notes.iter().all(|n| n.level != protocol::Level::Info && n.at.step <= 300));
}

#[test]
fn going_back_keeps_the_future_and_acting_in_the_past_redraws_from_the_fork() {
    let setup = setup();
    let (mut session, mut rec) = recorded(&setup, 300);
    session.seek(90);
    rec.sync(&setup, session.as_ref());
    assert_eq!(rec.diagram.last_step(), 300, "the recorded future is kept");
    // Crash node 3 at step 90: the diagram is the new run's, as if
    // recorded from the start.
    session.act(sim::Action::Crash { node: 3 }).unwrap();
    session.seek(200);
    rec.sync(&setup, session.as_ref());
    let full = Setup { actions: session.actions().to_vec(), ..setup.clone() };
    let (_, fresh) = recorded(&full, 200);
    assert_eq!(rec.diagram, fresh.diagram);
    assert!(rec.diagram.gaps.iter().any(|g| g.node == 3 && g.from.step == 90));
    // Another world starts again.
    let other = Setup { seed: 9, ..setup.clone() };
    let session = lab::open(&other).unwrap();
    rec.sync(&other, session.as_ref());
    assert_eq!(rec.diagram.last_step(), 0);
}

#[test]
fn fork_step_is_the_first_step_the_actions_differ_at() {
    let a = setup().actions;
    assert_eq!(fork_step(&a, &a), None);
    assert_eq!(fork_step(&a, &a[..2]), Some(120));
    let mut b = a.clone();
    b.insert(1, sim::Scheduled { step: 50, action: sim::Action::Heal });
    assert_eq!(fork_step(&a, &b), Some(50));
    assert_eq!(fork_step(&[], &a), Some(40));
}

#[test]
fn a_window_shows_exactly_the_arrows_that_cross_it() {
    let (_, rec) = recorded(&setup(), 600);
    let d = &rec.diagram;
    let end = d.end_time() as f64;
    for (t0, t1) in [(0.0, 50.0), (200.0, 260.0), (end / 2.0, end / 2.0 + 400.0), (end - 30.0, end + 100.0), (0.0, end)]
    {
        let fast = layout::visible_arrows(d, t0, t1);
        let slow: Vec<usize> = (0..d.arrows.len())
            .filter(|&i| {
                let a = &d.arrows[i];
                let stop = a.end_point().map_or(f64::INFINITY, |p| p.time as f64);
                a.sent.time as f64 <= t1 && stop >= t0
            })
            .collect();
        assert_eq!(fast, slow, "window {t0}..{t1}");
    }
    let notes = layout::in_window(&d.notes, |n| n.at.time as f64, 0.0, end);
    assert_eq!(notes.len(), d.notes.len());
}

#[test]
fn lanes_times_and_the_pointer() {
    let (_, rec) = recorded(&setup(), 300);
    let d = &rec.diagram;
    let g = Geometry { width: 800.0, height: 200.0, t0: 0.0, t1: d.end_time() as f64, nodes: d.nodes };
    assert!((0..d.nodes - 1).all(|n| g.lane_y(n) < g.lane_y(n + 1)), "lanes in node order, top down");
    assert_eq!(g.lane_at(g.lane_y(2)), Some(2));
    assert_eq!(g.lane_at(-5.0), None);
    assert!((g.time_at(g.x(123.0)) - 123.0).abs() < 1e-6);
    // The pointer on the middle of a delivered arrow is over it.
    let i = d.arrows.iter().position(|a| matches!(a.end, End::Delivered(p) if p.time > a.sent.time + 5)).unwrap();
    let [a, b] = g.segment(&d.arrows[i], d.end_time() as f64);
    let hit = layout::arrow_at(d, &g, d.end_time() as f64, (a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0).unwrap();
    let [c, e] = g.segment(&d.arrows[hit], d.end_time() as f64);
    assert!(hit == i || (c, e) == (a, b) || c.0 <= (a.0 + b.0) / 2.0 && e.0 >= (a.0 + b.0) / 2.0);
    assert_eq!(layout::arrow_at(d, &g, 0.0, 5.0, 199.0), None, "nothing in the axis margin");
    // A click at a time seeks to the last step at or before it.
    for step in [0, 1, 57, 300] {
        assert!(d.step_at(d.time_of(step) as f64) >= step);
        assert_eq!(d.time_of(d.step_at(d.time_of(step) as f64)), d.time_of(step));
    }
}

#[test]
fn ticks_are_round_and_far_enough_apart() {
    for (t0, t1, w) in [(0.0, 3000.0, 800.0), (120.0, 180.0, 600.0), (0.0, 1e6, 300.0)] {
        let ticks = layout::ticks(t0, t1, w);
        assert!(!ticks.is_empty() && ticks.iter().all(|&t| t >= t0 && t <= t1));
        let step = ticks[1] - ticks[0];
        assert!(step * w / (t1 - t0) >= 70.0 - 1e-9, "{step}");
        let unit = 10f64.powf(step.log10().floor());
        assert!([1.0, 2.0, 5.0].iter().any(|m| (step / unit - m).abs() < 1e-9), "{step} is round");
    }
}

#[test]
fn the_viewport_follows_until_panned_and_zooms_around_the_pointer() {
    let mut v = Viewport::default();
    let (t0, t1) = v.window(10_000.0);
    assert!(t0 < 10_000.0 && t1 > 10_000.0 && (t1 - t0 - layout::DEFAULT_SPAN).abs() < 1e-9);
    v.pan(-1_000.0, 10_000.0);
    assert!(!v.follow);
    assert_eq!(v.window(20_000.0), (t0 - 1_000.0, t1 - 1_000.0), "stays put while the run goes on");
    v.pan(-1e9, 10_000.0);
    assert_eq!(v.window(0.0).0, 0.0, "no further back than the start");
    let mut v = Viewport { span: 1_000.0, end: 5_000.0, follow: false };
    v.zoom(0.5, 4_500.0, 0.0, 1e6);
    let (a, b) = v.window(0.0);
    assert!((b - a - 500.0).abs() < 1e-9 && (4_500.0 - a) / (b - a) - 0.5 < 1e-9, "{a}..{b}");
    v.zoom(1e-9, 4_500.0, 0.0, 1e6);
    assert_eq!(v.span, layout::MIN_SPAN);
}
