//! Host tests of the controller.

use super::*;
use crate::model::files::Save;
use protocol::Status;
use sim::Action;

fn leader(core: &Core) -> Option<NodeId> {
    (0..core.node_count()).find(|&i| core.session.node_info(i).look.role == "leader")
}

#[test]
fn playing_advances_only_to_the_view_clock() {
    let mut core = Core::new(Setup::default(), None);
    core.apply(Cmd::Play).unwrap();
    assert!(!core.advance(1.0), "nothing is due in the first 0.25 model ms");
    for _ in 0..2_000 {
        core.advance(16.0);
        if let Some(t) = core.session.next_event_time() {
            assert!(t as f64 > core.view_time);
        }
    }
    assert!(leader(&core).is_some(), "a leader after ~8 model seconds");
}

#[test]
fn step_back_and_seek_restore_the_same_state() {
    let mut core = Core::new(Setup::default(), None);
    core.apply(Cmd::Step(40)).unwrap();
    let at40 = core.session.state_json();
    core.apply(Cmd::Step(25)).unwrap();
    core.apply(Cmd::Back(25)).unwrap();
    assert_eq!(core.session.state_json(), at40);
    assert_eq!(core.view_time, core.session.now() as f64);
    core.apply(Cmd::Seek(65)).unwrap();
    core.apply(Cmd::Seek(40)).unwrap();
    assert_eq!(core.session.state_json(), at40);
}

#[test]
fn failed_actions_change_nothing_and_say_why() {
    let mut core = Core::new(Setup::default(), None);
    core.apply(Cmd::Step(10)).unwrap();
    let generation = core.generation;
    let err = core.apply(Cmd::Act(Action::Restart { node: 1 })).unwrap_err();
    assert_eq!(err, "restart: node 1 is not down");
    assert_eq!(core.generation, generation);
    assert!(core.session.actions().is_empty());
    assert!(core.apply(Cmd::SelectNode(Some(7))).unwrap_err().contains("node 7 does not exist"));
}

#[test]
fn partition_of_picked_nodes() {
    let mut core = Core::new(Setup::default(), None);
    assert!(core.apply(Cmd::PartitionPicked).is_err());
    core.apply(Cmd::TogglePick(3)).unwrap();
    core.apply(Cmd::TogglePick(1)).unwrap();
    core.apply(Cmd::TogglePick(4)).unwrap();
    core.apply(Cmd::TogglePick(4)).unwrap();
    assert_eq!(core.picked, vec![1, 3]);
    core.apply(Cmd::PartitionPicked).unwrap();
    assert!(core.picked.is_empty());
    assert!(core.session.is_cut(1, 0) && core.session.is_cut(0, 3) && !core.session.is_cut(1, 3));
    assert_eq!(core.full_setup().actions.len(), 1);
}

#[test]
fn open_and_reset_keep_the_catalog_limits() {
    let mut core = Core::new(Setup::default(), Some(30));
    assert_eq!(core.session.steps(), 30);
    let mut setup = Setup::default();
    setup.sim.nodes = 10;
    assert!(core.apply(Cmd::Open(setup)).unwrap_err().starts_with("nodes:"));
    let mut setup = Setup::default();
    setup.sim.nodes = 3;
    setup.seed = 9;
    core.apply(Cmd::SelectNode(Some(4))).unwrap();
    core.apply(Cmd::Open(setup)).unwrap();
    assert_eq!((core.node_count(), core.session.seed(), core.selected_node), (3, 9, None));
    core.apply(Cmd::Step(5)).unwrap();
    core.apply(Cmd::Act(Action::Crash { node: 0 })).unwrap();
    core.apply(Cmd::Reset).unwrap();
    assert_eq!((core.session.steps(), core.session.actions().len()), (0, 0));
}

#[test]
fn speed_slider_is_logarithmic() {
    assert!((speed_to_slider(0.01) + 2.0).abs() < 1e-9);
    assert!((slider_to_speed(1.0) - 10.0).abs() < 1e-9);
    assert!((slider_to_speed(speed_to_slider(0.25)) - 0.25).abs() < 1e-9);
    let mut core = Core::new(Setup::default(), None);
    for _ in 0..50 {
        core.apply(Cmd::Faster).unwrap();
    }
    assert_eq!(core.speed, SPEED_MAX);
}

#[test]
fn a_preset_and_a_script_action_are_commands_too() {
    let mut core = Core::new(Setup::default(), None);
    assert!(core.apply(Cmd::LoadPreset("nope".into())).unwrap_err().starts_with("unknown preset \"nope\""));
    core.apply(Cmd::LoadPreset("dueling-proposers".into())).unwrap();
    assert_eq!(core.algo().info().name, "paxos");
    assert_eq!(core.session.actions().len(), 2);
    // The scenario's card says what it shows; the run is the scenario until
    // something changes it, then links describe the run itself.
    assert_eq!((core.scenario().map(|p| p.id), core.scenario_open), (Some("dueling-proposers"), true));
    core.apply(Cmd::Step(10)).unwrap();
    assert!(core.scenario().is_some(), "stepping does not change the run's inputs");
    core.apply(Cmd::ActJson(r#"{"do":"crash","node":3}"#.into())).unwrap();
    assert_eq!(core.scenario(), None, "a new action makes it another run");
    core.apply(Cmd::CloseScenario).unwrap();
    assert!(!core.scenario_open);
    let mut core = Core::new(Setup::default(), None);
    let err = core.apply(Cmd::ActJson(r#"{"do":"crash","node":9}"#.into())).unwrap_err();
    assert!(err.contains("node 9"), "{err}");
    core.apply(Cmd::ActJson(r#"{"do":"crash","node":2}"#.into())).unwrap();
    assert_eq!(core.status(2), Some(Status::Crashed));
}

#[test]
fn the_picture_follows_every_change_while_paused_and_the_refresh_while_playing() {
    let mut core = Core::new(Setup::default(), None);
    core.apply(Cmd::Step(30)).unwrap();
    assert_eq!(core.picture_gen, core.generation, "paused: computed at once");
    assert_eq!(*core.picture, core.session.picture());
    core.apply(Cmd::Play).unwrap();
    let before = core.picture_gen;
    while !core.advance(16.0) {}
    assert_eq!(core.picture_gen, before, "playing: not per frame");
    core.refresh_picture();
    assert_eq!(core.picture_gen, core.generation);
    assert_eq!(*core.picture, core.session.picture());
}

#[test]
fn playback_pauses_at_the_first_violation_and_says_why() {
    let mut core = Core::new(Setup::default(), None);
    core.apply(Cmd::LoadPreset("kleppmann-lease".into())).unwrap();
    core.apply(Cmd::Play).unwrap();
    for _ in 0..100_000 {
        if !core.playing {
            break;
        }
        core.advance(16.0);
    }
    assert!(!core.playing, "paused");
    let first = core.session.first_violation().expect("the preset breaks a property").clone();
    assert_eq!(core.session.steps(), first.step, "at the violating step, not past it");
    let notice = core.notices.last().expect("a notice");
    assert!(notice.error && notice.text.contains(first.property), "{}", notice.text);
    // Play goes on from there, and does not pause for the same violation again.
    core.apply(Cmd::Play).unwrap();
    for _ in 0..50 {
        core.advance(16.0);
    }
    assert!(core.session.steps() > first.step);
}

#[test]
fn the_end_of_a_run_is_said() {
    let mut setup = Setup::new(lab::Algo::Paxos);
    setup.actions = vec![sim::Scheduled { step: 0, action: Action::Request { node: 0, cmd: "v".into() } }];
    let mut core = Core::new(setup, None);
    core.apply(Cmd::Play).unwrap();
    for _ in 0..100_000 {
        if !core.playing {
            break;
        }
        core.advance(16.0);
    }
    assert!(!core.playing);
    let notice = core.notices.last().expect("a notice");
    assert!(
        notice.text.starts_with(&format!("Nothing is left to happen at step {}", core.session.steps())),
        "{}",
        notice.text
    );
    // The value is chosen: no proposer takes another request, and the
    // notice does not ask for one.
    assert!(notice.text.ends_with("No node takes a client request now: go back, or change the world (restart a crashed node, heal a partition)."), "{}", notice.text);
    // Two-phase commit after its transaction: the coordinator takes the next.
    let mut commit = Core::new(Setup::new(lab::Algo::TwoPc), None);
    commit.apply(Cmd::ClientRequest(None)).unwrap();
    commit.apply(Cmd::Play).unwrap();
    for _ in 0..100_000 {
        if !commit.playing {
            break;
        }
        commit.advance(16.0);
    }
    let notice = commit.notices.last().expect("a notice");
    assert!(
        notice.text.ends_with("Press Send (q) for a client request, or change the world to go on."),
        "{}",
        notice.text
    );
}

#[test]
fn partition_mode_picks_applies_and_cancels() {
    let mut core = Core::new(Setup::default(), None);
    core.apply(Cmd::PartitionMode(true)).unwrap();
    core.apply(Cmd::TogglePick(0)).unwrap();
    core.apply(Cmd::TogglePick(1)).unwrap();
    // Escape cancels: no cut, picks forgotten, mode left.
    core.apply(Cmd::Escape).unwrap();
    assert!(!core.partition_mode && core.picked.is_empty());
    assert!(core.session.actions().is_empty());
    // Applying with nothing picked says how, and stays in the mode.
    core.apply(Cmd::PartitionMode(true)).unwrap();
    let err = core.apply(Cmd::PartitionPicked).unwrap_err();
    assert!(err.starts_with("partition: "), "{err}");
    assert!(core.partition_mode);
    core.apply(Cmd::TogglePick(4)).unwrap();
    core.apply(Cmd::PartitionPicked).unwrap();
    assert!(!core.partition_mode && core.picked.is_empty());
    assert!(core.session.is_cut(4, 0) && core.session.is_cut(1, 4) && !core.session.is_cut(0, 1));
}

#[test]
fn reduced_motion_draws_at_the_worlds_clock() {
    let mut core = Core::new(Setup::default(), None);
    core.apply(Cmd::Play).unwrap();
    for _ in 0..200 {
        core.advance(16.0);
    }
    assert!(core.view_time > core.session.now() as f64, "the view clock runs ahead of the last event");
    assert_eq!(core.draw_time(), core.view_time);
    core.apply(Cmd::ReducedMotion(true)).unwrap();
    for _ in 0..50 {
        core.advance(16.0);
        assert_eq!(core.draw_time(), core.session.now() as f64);
    }
    assert!(core.session.steps() > 0, "the world still plays");
}

#[test]
fn a_saved_run_file_reopens_the_same_run_and_a_bad_file_keeps_the_current_one() {
    let mut setup = Setup { seed: 9, ..Setup::default() };
    setup.actions = sim::parse_actions(r#"[{"step":30,"do":"crash","node":1}]"#, 5).unwrap();
    let mut core = Core::new(setup, Some(80));
    core.apply(Cmd::Act(Action::Heal)).unwrap();
    core.apply(Cmd::Save(Save::Run)).unwrap();
    let file = core.download.take().expect("a file to download");
    assert!(file.name.ends_with("-seed9-step80.run.json"), "{}", file.name);

    let mut other = Core::new(Setup::default(), Some(5));
    other.apply(Cmd::OpenFile(file.text.clone())).unwrap();
    assert_eq!(other.full_setup(), core.full_setup());
    assert_eq!(other.session.state_json(), core.session.state_json());
    assert!(other.notices.last().unwrap().text.starts_with("Opened a run file"), "{:?}", other.notices);

    // A trace of it opens at its last step, the same state again.
    core.apply(Cmd::Save(Save::Trace { from: 1, to: None, anyway: false })).unwrap();
    let trace = core.download.take().expect("a trace");
    let mut third = Core::new(Setup::default(), None);
    third.apply(Cmd::OpenFile(trace.text.clone())).unwrap();
    assert_eq!(third.session.state_json(), core.session.state_json());

    // A bad file names the field and changes nothing.
    let before = other.session.state_json();
    let err = other.apply(Cmd::OpenFile(file.text.replace(r#""seed":9"#, r#""seed":"nine""#))).unwrap_err();
    assert!(err.contains("seed: expected a whole number") && err.contains("current run is kept"), "{err}");
    assert_eq!(other.session.state_json(), before);
    // So does an edited trace: its last step is not what the inputs give.
    let edited = trace.text.replace(r#""seed":9"#, r#""seed":10"#);
    let err = third.apply(Cmd::OpenFile(edited)).unwrap_err();
    assert!(err.contains("cannot be replayed: steps[last]"), "{err}");
}

#[test]
fn a_large_trace_waits_for_confirmation() {
    let mut core = Core::new(Setup::default(), Some(80_000));
    core.apply(Cmd::Save(Save::Trace { from: 1, to: None, anyway: false })).unwrap();
    assert!(core.download.is_none());
    let warning = core.trace_warning.expect("a warning");
    assert_eq!((warning.from, warning.to), (1, 80_000));
    assert!(warning.bytes > files::TRACE_WARN_BYTES);
    // A short range needs no confirmation.
    core.apply(Cmd::Save(Save::Trace { from: 79_001, to: None, anyway: false })).unwrap();
    assert!(core.trace_warning.is_none() && core.download.take().is_some());
    assert!(core.apply(Cmd::Save(Save::Trace { from: 5, to: Some(90_000), anyway: false })).is_err());
}

#[test]
fn acting_in_the_past_forks_and_the_branch_left_can_be_restored() {
    // The issue's example: a crash at 100 and a restart at 150, watched to 200.
    let actions = r#"[{"step":100,"do":"crash","node":0},{"step":150,"do":"restart","node":0}]"#;
    let setup = Setup { actions: sim::parse_actions(actions, 5).unwrap(), ..Setup::default() };
    let mut core = Core::new(setup.clone(), Some(200));
    let at200 = core.session.state_json();
    core.apply(Cmd::Back(150)).unwrap();
    core.apply(Cmd::Act(Action::Crash { node: 3 })).unwrap();
    assert_eq!(core.session.actions().len(), 1, "the later actions left this run");
    assert_eq!(core.branches.len(), 1);
    assert_eq!(core.branches[0].forked_at, 50);
    assert_eq!(core.branches[0].furthest, 200);
    assert_eq!(core.branches[0].dropped(), 2);
    assert_eq!(core.furthest, 50, "the new future is unseen");
    assert!(core.notices.last().unwrap().text.starts_with("Forked at step 50"));
    let forked = (core.session.actions().to_vec(), core.session.steps());

    core.apply(Cmd::RestoreBranch(0)).unwrap();
    assert_eq!(core.session.state_json(), at200, "back where the first run was");
    assert_eq!(core.session.actions(), &setup.actions[..]);
    // The forked run is the branch now: swap back.
    assert_eq!(core.branches.len(), 1);
    assert_eq!(core.branches[0].actions, forked.0);
    core.apply(Cmd::RestoreBranch(0)).unwrap();
    assert_eq!(core.session.actions(), &forked.0[..]);
    assert!(core.apply(Cmd::RestoreBranch(3)).is_err());

    // Acting at the furthest step is no fork; another setup forgets the branches.
    let n = core.branches.len();
    core.apply(Cmd::Seek(core.furthest)).unwrap();
    core.apply(Cmd::Act(Action::Heal)).unwrap();
    assert_eq!(core.branches.len(), n);
    core.apply(Cmd::Open(Setup { seed: 77, ..Setup::default() })).unwrap();
    assert!(core.branches.is_empty());
}

#[test]
fn reset_keeps_the_run_it_left() {
    let mut core = Core::new(Setup::default(), Some(120));
    core.apply(Cmd::Reset).unwrap();
    assert_eq!(core.session.steps(), 0);
    assert_eq!((core.branches.len(), core.branches[0].furthest), (1, 120));
    core.apply(Cmd::RestoreBranch(0)).unwrap();
    assert_eq!(core.session.steps(), 120);
}

/// The checker opened on Paxos at step 0 explored one state: nothing is
/// scheduled until a client asks. Opening it there allows one request,
/// says why, and leaves a number someone chose alone.
#[test]
fn the_checker_opened_on_a_world_that_waits_allows_a_client() {
    use crate::model::check::CheckCmd;
    let requests = |core: &Core| core.check.fields.iter().find(|f| f.0 == "requests").unwrap().1.clone();
    let mut paxos = Core::new(Setup::new(lab::Algo::Paxos), None);
    paxos.apply(Cmd::Check(CheckCmd::Open(true))).unwrap();
    assert_eq!(requests(&paxos), "1");
    let note = paxos.check.note.clone().unwrap();
    assert!(note.contains("nothing is scheduled at step 0, the protocol waits for a client"), "{note}");
    paxos.apply(Cmd::Check(CheckCmd::Field { name: "requests".into(), value: "0".into() })).unwrap();
    paxos.apply(Cmd::Check(CheckCmd::Open(false))).unwrap();
    paxos.apply(Cmd::Check(CheckCmd::Open(true))).unwrap();
    assert_eq!(requests(&paxos), "0", "a chosen 0 stays");

    let mut raft = Core::new(Setup::default(), None);
    raft.apply(Cmd::Check(CheckCmd::Open(true))).unwrap();
    assert_eq!((requests(&raft), raft.check.note.clone()), ("0".to_string(), None), "Raft has timers to fire");
}

/// The caption's Send button and `q`: the request the protocol offers, to
/// the selected node when it takes one, else to a node that does; an error
/// that keeps the run when no node takes one.
#[test]
fn a_client_request_goes_where_the_protocol_takes_it() {
    let requests = |core: &Core| -> Vec<(NodeId, String)> {
        let all = core.session.actions().iter();
        all.filter_map(|s| match &s.action {
            Action::Request { node, cmd } => Some((*node, cmd.clone())),
            _ => None,
        })
        .collect()
    };
    // Paxos: proposers 0 and 1; node 3 accepts only.
    let mut paxos = Core::new(Setup::new(lab::Algo::Paxos), None);
    paxos.apply(Cmd::ClientRequest(None)).unwrap();
    assert_eq!(requests(&paxos), [(0, "x=1".to_string())]);
    assert!(paxos.session.next_event_time().is_some(), "the request got the world going");
    paxos.apply(Cmd::SelectNode(Some(3))).unwrap();
    paxos.apply(Cmd::ClientRequest(None)).unwrap();
    assert_eq!(requests(&paxos)[1], (1, "x=2".to_string()), "node 3 takes none; node 0 has its value");
    paxos.apply(Cmd::SelectNode(Some(1))).unwrap();
    let e = paxos.apply(Cmd::ClientRequest(None)).unwrap_err();
    assert!(e.starts_with("request: no running node takes a client request now"), "{e}");
    assert!(e.contains("; play on until one does, or select a node"), "the world still moves: {e}");
    assert_eq!(requests(&paxos).len(), 2, "nothing sent");
    while paxos.session.next_event_time().is_some() {
        paxos.apply(Cmd::Step(1_000)).unwrap();
    }
    let e = paxos.apply(Cmd::ClientRequest(None)).unwrap_err();
    assert!(e.contains("; nothing is left to happen: go back, or change the world, or select"), "at the end: {e}");

    // 2PC: the selected coordinator, once it is idle again.
    let mut commit = Core::new(Setup::new(lab::Algo::TwoPc), None);
    commit.apply(Cmd::SelectNode(Some(0))).unwrap();
    commit.apply(Cmd::ClientRequest(None)).unwrap();
    commit.apply(Cmd::Step(1_000)).unwrap();
    commit.apply(Cmd::ClientRequest(None)).unwrap();
    assert_eq!(requests(&commit), [(0, "t1".to_string()), (0, "t2".to_string())]);

    // A lock's clients act on their own.
    let mut lock = Core::new(Setup::new(lab::Algo::LockFenced), None);
    lock.apply(Cmd::Step(50)).unwrap();
    let step = lock.session.steps();
    assert!(lock.apply(Cmd::ClientRequest(None)).is_err());
    assert_eq!((lock.session.steps(), lock.session.actions().len()), (step, 0));
}

/// A script's `request(node)` and the caption's button name the node: it
/// must take a request now, whichever node is selected.
#[test]
fn a_client_request_to_a_named_node_goes_there_or_says_why_not() {
    let mut paxos = Core::new(Setup::new(lab::Algo::Paxos), None);
    paxos.apply(Cmd::SelectNode(Some(0))).unwrap();
    paxos.apply(Cmd::ClientRequest(Some(1))).unwrap();
    let sent: Vec<&Action> = paxos.session.actions().iter().map(|s| &s.action).collect();
    assert_eq!(sent, [&Action::Request { node: 1, cmd: "x=1".into() }], "the node named, not the selected one");
    let e = paxos.apply(Cmd::ClientRequest(Some(3))).unwrap_err();
    assert_eq!(e, "request: node 3 takes no client request now (it would refuse or ignore one)");
    let e = paxos.apply(Cmd::ClientRequest(Some(5))).unwrap_err();
    assert_eq!(e, "request: node must be below 5, got 5");
    assert_eq!(paxos.session.actions().len(), 1, "nothing more sent");
}
