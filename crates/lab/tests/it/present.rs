//! Every algorithm presents itself through the session (issue 9): a
//! picture, an inspector whose first panel is facts, rings resolved to world
//! time, and the figures the app once computed from JSON agree with the run.

use lab::presets::{Preset, PRESETS};
use lab::{open, Algo, Setup};
use protocol::present::{Body, Grid};
use protocol::{Countdown, Status};
use sim::{Action, Session};

const ALGOS: [Algo; 15] = [
    Algo::Raft,
    Algo::Paxos,
    Algo::MultiPaxos,
    Algo::LockLease,
    Algo::LockFenced,
    Algo::Redlock,
    Algo::LockZk,
    Algo::Ring,
    Algo::TwoPc,
    Algo::ThreePc,
    Algo::Saga,
    Algo::Outbox,
    Algo::Abd,
    Algo::PrimaryBackup,
    Algo::Balance,
];

fn check_presentation(s: &dyn Session, what: &str) {
    let picture = s.picture();
    for id in 0..s.node_count() {
        let panels = s.inspect(id);
        assert!(matches!(panels.first().map(|p| &p.body), Some(Body::Facts { .. })), "{what}: node {id} facts first");
    }
    for ring in &picture.outer_rings {
        assert!(ring.around < s.node_count(), "{what}: {ring:?}");
    }
    for id in &picture.marked {
        assert!(*id < s.node_count(), "{what}: marked {id}");
    }
    // A grid with nothing in it says why, in a sentence, as a table does.
    for panel in &picture.panels {
        if let Body::Grid(g) = &panel.body {
            assert!(g.empty.ends_with('.') && g.empty.len() > 12, "{what}: {} says {:?} when empty", panel.id, g.empty);
        }
    }
}

#[test]
fn every_algorithm_and_preset_presents_itself() {
    for algo in ALGOS {
        let mut s = open(&Setup::new(algo)).unwrap();
        check_presentation(s.as_ref(), algo.info().name);
        s.seek(500);
        check_presentation(s.as_ref(), algo.info().name);
    }
    for preset in PRESETS {
        let mut s = open(&preset.load().setup).unwrap();
        s.seek(300);
        check_presentation(s.as_ref(), preset.id);
    }
}

/// The known bug: in "dueling proposers" the decision named ballot 12.0
/// while the log said the value was chosen in 11.1. The decision now names
/// the ballot in which a majority first accepted the value, as the log does.
#[test]
fn dueling_proposers_decision_names_the_ballot_of_the_log() {
    let q = Preset::find("dueling-proposers").unwrap().load();
    let mut s = open(&q.setup).unwrap();
    let mut logged: Vec<(u64, u32)> = Vec::new();
    while s.steps() < 20_000 && s.step() {
        for e in s.log_tail(8).iter().filter(|e| e.step == s.steps()) {
            if let Some(b) = e.text.split("is chosen (ballot ").nth(1) {
                let (round, proposer) = b.trim_end_matches(')').split_once('.').unwrap();
                logged.push((round.parse().unwrap(), proposer.parse().unwrap()));
            }
        }
    }
    let first = *logged.iter().min().expect("a value is chosen");
    let banner = s.picture().banner.expect("a banner once chosen");
    assert!(banner.contains(&format!("ballot {}.{} by acceptors", first.0, first.1)), "{banner} vs {logged:?}");
    let Body::Facts { facts } = &s.picture().panels[0].body else { panic!("decision facts") };
    assert!(facts.iter().any(|f| f.label == "Ballot" && f.value == format!("{}.{}", first.0, first.1)), "{facts:?}");
}

fn grid(s: &dyn Session, id: &str) -> Grid {
    match s.picture().panels.into_iter().find(|p| p.id == id).map(|p| p.body) {
        Some(Body::Grid(g)) => g,
        other => panic!("{id}: {other:?}"),
    }
}

/// Raft's default run has no client: its grid said "No index yet.", now
/// what is missing and how to add it.
#[test]
fn an_empty_grid_says_what_would_fill_it() {
    let mut s = open(&Setup::new(Algo::Raft)).unwrap();
    s.seek(400);
    let g = grid(s.as_ref(), "raft-logs");
    assert_eq!(g.columns, 0, "no client command in the default run");
    assert!(g.empty.starts_with("Every log is empty: no client command yet."), "{}", g.empty);
    let note = |s: &dyn Session, id: &str| s.picture().panels.into_iter().find(|p| p.id == id).unwrap().note;
    assert_eq!(note(s.as_ref(), "raft-logs"), None, "no key over an empty grid");
    let s = open(&Setup::new(Algo::MultiPaxos)).unwrap();
    let g = grid(s.as_ref(), "slots");
    assert!(g.columns == 0 && g.empty.starts_with("No slot is in use yet"), "{g:?}");
    assert_eq!(note(s.as_ref(), "slots"), None, "the empty text alone, not twice");
}

#[test]
fn raft_logs_grid_follows_the_run() {
    let mut s = open(&Setup::new(Algo::Raft)).unwrap();
    let leader = |s: &dyn Session| {
        (0..s.node_count()).find(|&i| s.node_info(i).status == Status::Up && s.node_info(i).look.role == "leader")
    };
    while leader(s.as_ref()).is_none() {
        assert!(s.step());
    }
    for i in 0..60 {
        let node = leader(s.as_ref()).unwrap_or(0);
        s.act(Action::Request { node, cmd: format!("x={i}") }).unwrap();
        for _ in 0..20 {
            s.step();
        }
    }
    let g = grid(s.as_ref(), "raft-logs");
    assert_eq!(g.rows.len(), s.node_count() as usize);
    assert_eq!(g.columns, raft::GRID_COLUMNS as u32, "60 entries: only the newest 40 columns");
    assert!(g.rows.iter().all(|r| r.cells.len() == g.columns as usize));
    assert!(g.rows.iter().any(|r| r.cells.iter().flatten().any(|c| c.strong)), "something is committed");
    let l = leader(s.as_ref()).expect("a leader");
    assert!(g.rows.iter().filter(|r| r.node != l).all(|r| r.tail.starts_with("next ")), "{:?}", g.rows);
    // The leader's own row ends with its commit mark, and so do its peers'.
    assert!(g.rows[l as usize].mark.is_some());
}

/// Primary-backup's write log ends at the longest log, as Raft's does: three
/// writes are three columns (a fixed twelve scrolled the grid past them, to
/// empty columns), and a long run keeps the newest `LOG_KEEP`. Its suspicion
/// bars are drawn against the threshold, not the largest bar.
#[test]
fn primary_backup_log_grid_ends_at_the_longest_log() {
    let mut s = open(&Setup::new(Algo::PrimaryBackup)).unwrap();
    let longest = |g: &Grid| g.first + u64::from(g.columns) - 1;
    let (mut seen_short, mut seen_long) = (false, false);
    for _ in 0..3000 {
        assert!(s.step());
        let g = grid(s.as_ref(), "pb-logs");
        if g.columns == 0 {
            continue;
        }
        assert!(g.columns as usize <= pb::LOG_KEEP, "{g:?}");
        assert!(g.rows.iter().all(|r| r.cells.len() == g.columns as usize), "{g:?}");
        // The last column is some replica's newest write.
        assert!(g.rows.iter().any(|r| r.cells.last().is_some_and(Option::is_some)), "{g:?}");
        seen_short |= (g.columns as usize) < pb::LOG_KEEP;
        if longest(&g) > pb::LOG_KEEP as u64 + 5 {
            assert_eq!(g.columns as usize, pb::LOG_KEEP);
            seen_long = true;
            break;
        }
    }
    assert!(seen_short && seen_long, "the run shows a log shorter than the grid's width, then a longer one");
    let bars = s.picture().panels.into_iter().find(|p| p.id == "pb-suspicion").map(|p| p.body);
    let Some(Body::Bars { full, bars, .. }) = bars else { panic!("{bars:?}") };
    assert_eq!(full, Some(100.0), "a share of the threshold: 100 is a full bar");
    assert!(bars.iter().all(|b| (0.0..=200.0).contains(&b.value)), "{bars:?}");
}

/// A banner that reports something wrong is marked so: primary-backup's
/// two primaries in one epoch, kv-lww's history that is no longer
/// linearizable. Each starts healthy, and turns at the preset's moment.
#[test]
fn a_banner_that_reports_a_fault_is_an_alarm() {
    for (id, alarm) in [("pb-split-brain", "two primaries"), ("kv-lww-partition", "Linearizable: no")] {
        let q = Preset::find(id).unwrap().load();
        let mut s = open(&q.setup).unwrap();
        let picture = s.picture();
        assert!(!picture.banner_alarm, "{id} at step 0: {:?}", picture.banner);
        let mut turned = None;
        for _ in 0..2000 {
            if !s.step() {
                break;
            }
            let p = s.picture();
            let says = p.banner.as_deref().unwrap_or_default().contains(alarm);
            assert!(!says || p.banner_alarm, "{id} at step {}: {:?} is not an alarm", s.steps(), p.banner);
            if says {
                turned = Some(s.steps());
                break;
            }
        }
        assert!(turned.is_some(), "{id}: the banner never says {alarm:?}");
    }
}

/// A slow clock (rate 0.5) makes the holder believe in its lease twice as
/// long as the server grants it: the two rings show it in world time.
#[test]
fn slow_clock_lease_rings_are_resolved_in_world_time() {
    let q = Preset::find("slow-clock-lease").unwrap().load();
    let mut s = open(&q.setup).unwrap();
    while !s.node_info(1).look.badge.starts_with("holds") {
        assert!(s.step(), "client 1 gets the lock");
    }
    let info = s.node_info(1);
    let Some(Countdown::Local { since, until }) = info.look.ring else { panic!("{:?}", info.look.ring) };
    let (start, end) = info.ring.expect("the believed lease is resolved");
    assert_eq!(s.countdown(1, Countdown::Local { since, until }), Some((start, end)));
    assert!(start <= s.now() && s.now() <= end);
    let believed = end - start;
    assert!(((until - since) * 2).abs_diff(believed) <= 2, "half-speed clock: {believed} world ticks");
    let picture = s.picture();
    assert!(picture.clocks);
    let outer = picture.outer_rings.iter().find(|r| r.around == 1).expect("the server's lease around client 1");
    let (set_at, fires_at) = s.countdown(1, outer.countdown).expect("the server's expiry timer is armed");
    assert!(fires_at < end, "the server's lease ends first: {fires_at} < {end}");
    assert!(set_at <= s.now());
}

#[test]
fn storage_writes_panel_shows_the_fenced_write() {
    let q = Preset::find("kleppmann-fenced").unwrap().load();
    let mut s = open(&q.setup).unwrap();
    s.seek(60);
    let p = s.picture();
    let writes = p.panels.iter().find(|p| p.id == "writes").expect("writes panel");
    assert_eq!(writes.title, "Storage writes (node 3)");
    let Body::Table { rows, .. } = &writes.body else { panic!("table") };
    let late = rows.iter().position(|r| r.cells[1] == "33" && r.verdict == Some(false)).expect("33 rejected");
    assert!(rows[late..].iter().any(|r| r.cells[1] == "34" && r.verdict == Some(true)), "{rows:?}");
}

#[test]
fn multipaxos_slot_grid_and_message_tones() {
    let mut s = open(&Setup::new(Algo::MultiPaxos)).unwrap();
    s.seek(400);
    s.act(Action::Request { node: 0, cmd: "a".into() }).unwrap();
    s.seek(1_000);
    let g = grid(s.as_ref(), "slots");
    assert!(g.rows.is_empty() || g.rows.len() == s.node_count() as usize, "{g:?}");
    let mut msgs = Vec::new();
    let mut raft = open(&Setup::new(Algo::Raft)).unwrap();
    raft.seek(30);
    raft.messages_into(&mut msgs);
    for m in &msgs {
        let expected = match m.kind {
            "RequestVote" => 1,
            "RequestVoteReply" => 5,
            "AppendEntries" => 0,
            _ => 4,
        };
        assert_eq!(m.tone.0, expected, "{}", m.kind);
    }
}
