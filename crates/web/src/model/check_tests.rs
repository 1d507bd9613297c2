//! The checker panel's model and the worker's exploration, on the host.

use super::*;
use check::{Hooks, Stop};
use lab::explore::{explore, outcome_json};
use lab::{Algo, Setup};
use sim::{SimConfig, World};

fn fields_with(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut c = Checker::default();
    for (n, v) in pairs {
        c.set_field(n, v.to_string()).unwrap();
    }
    c.fields
}

fn setup(algo: &str, nodes: u32, options: &[(&str, &str)]) -> Setup {
    let mut s = Setup::new(algo.parse::<Algo>().unwrap());
    s.sim.nodes = nodes;
    s.options.extend(options.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    s
}

fn request(s: &Setup, step: u64, pairs: &[(&'static str, &str)]) -> Request {
    let (root, _) = root_setup(s, step);
    read(&fields_with(pairs), lab::file::write_run(&root, step)).unwrap()
}

#[test]
fn a_bad_budget_is_named_and_the_typed_text_kept() {
    let mut c = Checker::default();
    let run = || (Setup::default(), 0);
    c.apply(CheckCmd::Field { name: "depth".into(), value: "ten".into() }, run).unwrap();
    c.apply(CheckCmd::Start(Vec::new()), run).unwrap();
    let (name, e) = c.invalid.clone().unwrap();
    assert_eq!(name, "depth");
    assert!(e.starts_with("depth: expected a whole number"), "{e}");
    assert_eq!(c.fields[0].1, "ten");
    assert_eq!(c.status, Status::Idle);
    assert!(c.start.is_none());
    for (name, value) in [("strategy", "widest"), ("commands", " , "), ("memory_mb", "0"), ("crashes", "-1")] {
        let e = read(&fields_with(&[(name, value)]), String::new()).unwrap_err();
        assert_eq!(e.0, name, "{e:?}");
        assert!(e.1.starts_with(name), "{e:?}");
    }
    let e = c.apply(CheckCmd::Field { name: "width".into(), value: "1".into() }, run).unwrap_err();
    assert!(e.contains("unknown check field \"width\""), "{e}");
    // An empty memory cap is no cap.
    assert_eq!(read(&fields_with(&[("memory_mb", "")]), String::new()).unwrap().memory_mb, None);
}

#[test]
fn the_root_is_on_a_network_without_chance_faults_and_says_so() {
    let mut s = Setup::default();
    s.sim = SimConfig { drop: 0.05, network: sim::Network::Reliable, ..s.sim };
    s.actions = vec![
        sim::Scheduled { step: 3, action: sim::Action::Heal },
        sim::Scheduled { step: 9, action: sim::Action::Heal },
    ];
    let (root, note) = root_setup(&s, 5);
    assert_eq!((root.sim.drop, root.sim.dup, root.sim.network), (0.0, 0.0, sim::Network::Lossy));
    assert_eq!(root.actions.len(), 1, "actions after the step are not the run's yet");
    assert!(note.unwrap().contains("not the run's reliable network with 5% chance drops:"));
    let (_, note) = root_setup(&root, 5);
    assert_eq!(note, None);
}

/// What `cli check` explores for the same model: a fresh world on the
/// same network, checked directly.
fn direct(s: &Setup, options: &check::Options) -> check::Report {
    struct Direct<'a>(&'a check::Options);
    impl lab::Visit for Direct<'_> {
        type Out = check::Report;
        fn visit<P: protocol::Protocol>(self, setup: Setup, config: P::Config) -> check::Report
        where
            World<P>: Send + Sync,
        {
            let world = World::<P>::new(setup.sim, config, setup.seed).unrecorded();
            check::check(&world, self.0, &Hooks::default())
        }
    }
    let (root, _) = root_setup(s, 0);
    lab::with_protocol(&root, Direct(options)).unwrap()
}

#[test]
fn from_step_zero_the_worker_explores_what_the_cli_explores() {
    let s = setup("2pc", 3, &[]);
    let r = request(&s, 0, &[("depth", "8"), ("requests", "1")]);
    let (report, ce, from) = explore(&r, &Hooks::default()).unwrap();
    assert_eq!((ce, from), (None, 0));
    assert_eq!(report, direct(&s, &r.options()));
    assert_eq!(report.stop, Stop::Depth);
    assert!(report.unique > 100, "{report:?}");
}

#[test]
fn a_broken_variant_is_found_and_its_run_file_replays_to_the_violation() {
    // crates/check/tests/it/bugs.rs: paxos accept-unproposed, Validity in 7.
    let s = setup("paxos", 3, &[("bug", "accept-unproposed")]);
    let r = request(&s, 0, &[("depth", "10"), ("requests", "1"), ("commands", "x")]);
    let (report, ce, _) = explore(&r, &Hooks::default()).unwrap();
    let found = report.violation.clone().unwrap();
    assert_eq!((found.property, found.actions.len()), ("Validity", 7));
    let ce = ce.unwrap();
    let opened = lab::file::open(&ce).unwrap();
    assert_eq!(opened.run().step, found.step);
    let session = lab::file::replay(&opened, u64::MAX).unwrap();
    let first = session.first_violation().unwrap();
    assert_eq!((first.property, first.step), ("Validity", found.step));
    // The panel reads the outcome the worker writes.
    let json = outcome_json(&report, Some(ce.clone()), 0, 0.5, 3.0);
    let outcome: Outcome = serde_json::from_str(&json).unwrap();
    assert_eq!(outcome.violation.unwrap().step, found.step);
    assert_eq!((outcome.unique, outcome.counterexample), (report.unique, Some(ce)));
}

#[test]
fn from_a_later_step_the_run_so_far_is_kept_in_the_counterexample() {
    let s = setup("paxos", 3, &[("bug", "accept-unproposed")]);
    let mut run = lab::open(&s).unwrap();
    run.step();
    run.step();
    let at = run.steps();
    let r = request(&s, at, &[("depth", "10"), ("requests", "1"), ("commands", "x")]);
    let (report, ce, from) = explore(&r, &Hooks::default()).unwrap();
    assert_eq!(from, at);
    let found = report.violation.unwrap();
    assert!(found.actions.iter().all(|a| a.step >= at), "{:?}", found.actions);
    let session = lab::file::replay(&lab::file::open(&ce.unwrap()).unwrap(), u64::MAX).unwrap();
    assert_eq!(session.first_violation().map(|v| v.step), Some(found.step));
}

#[test]
fn a_check_runs_is_cancelled_and_old_workers_are_ignored() {
    let mut c = Checker::default();
    let run = || (setup("2pc", 3, &[]), 0);
    c.apply(CheckCmd::Start(vec![("depth".into(), "4".into())]), run).unwrap();
    let (ticket, request) = c.start.take().unwrap();
    assert_eq!((ticket, request.depth), (1, 4));
    let live = Live { unique: 10, elapsed_ms: 500.0, ..Live::default() };
    c.apply(CheckCmd::Progress { ticket, live }, run).unwrap();
    assert_eq!(c.status, Status::Running(Some(live)));
    assert_eq!(live.per_second(), 20.0);
    c.apply(CheckCmd::Cancel, run).unwrap();
    assert!(c.stop_worker);
    assert_eq!(c.status, Status::Cancelled(Some(live)));
    // A late message of the ended worker changes nothing.
    c.apply(CheckCmd::Done { ticket, json: "{}".into() }, run).unwrap();
    assert_eq!(c.status, Status::Cancelled(Some(live)));
    c.stop_worker = false;
    c.apply(CheckCmd::Start(Vec::new()), run).unwrap();
    assert_eq!(c.ticket, 2);
    c.apply(CheckCmd::Progress { ticket: 1, live }, run).unwrap();
    assert_eq!(c.status, Status::Running(None));
    c.apply(CheckCmd::Failed { ticket: 2, error: "boom".into() }, run).unwrap();
    assert_eq!(c.status, Status::Failed("boom".into()));
    assert!(c.apply(CheckCmd::LoadCounterexample, run).is_err());
}

#[test]
fn a_check_of_a_world_waiting_for_a_client_says_what_it_could_not_do() {
    // Two-phase commit waits for a client: with no request allowed the
    // worker explores one state, and the sentence says why.
    let r = request(&setup("2pc", 3, &[]), 0, &[("requests", "0")]);
    let (report, ce, _) = explore(&r, &Hooks::default()).unwrap();
    let outcome: Outcome = serde_json::from_str(&outcome_json(&report, ce, 0, 1.0, 2.0)).unwrap();
    assert!(outcome.idle_root);
    let text = outcome.summary(&r);
    assert!(
        text.starts_with(
            "No violation within budgets (1 unique state, depth 1, finished). Nothing is scheduled at step 0"
        ),
        "{text}"
    );
    assert!(text.ends_with("Allow one or more client requests per path."), "{text}");
    // Allowing a request, the search runs the protocol and says nothing more.
    let r = request(&setup("2pc", 3, &[]), 0, &[("requests", "1"), ("depth", "4")]);
    let (report, ce, _) = explore(&r, &Hooks::default()).unwrap();
    let outcome: Outcome = serde_json::from_str(&outcome_json(&report, ce, 0, 1.0, 2.0)).unwrap();
    assert!(!outcome.summary(&r).contains("Nothing is scheduled"));
}

#[test]
fn an_outcome_reads_as_a_sentence() {
    let r = request(&setup("2pc", 3, &[]), 0, &[("max_states", "50"), ("requests", "1")]);
    let (report, ce, _) = explore(&r, &Hooks::default()).unwrap();
    assert_eq!(report.stop, Stop::MaxStates);
    let outcome: Outcome = serde_json::from_str(&outcome_json(&report, ce, 0, 1.0, 2.0)).unwrap();
    assert_eq!(
        outcome.summary(&r),
        format!(
            "No violation within budgets ({} unique states, depth {}, state cap of 50)",
            report.unique, report.depth
        )
    );
}

#[test]
fn a_crash_inside_a_step_is_a_checkbox_and_its_counterexample_replays_in_the_app() {
    // crates/check/tests/it/mid_step.rs: outbox publish-before-commit, found
    // only when the service may crash between its send and its commit.
    let s = setup("outbox", 4, &[("bug", "publish-before-commit")]);
    let pairs = [("depth", "12"), ("crashes", "1"), ("requests", "1"), ("crash_mid_step", "true")];
    let r = request(&s, 0, &pairs);
    assert!(r.options().budgets.crash_mid_step);
    // The worker gets the request as JSON.
    let sent: Request = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(sent, r);
    let (report, ce, _) = explore(&sent, &Hooks::default()).unwrap();
    let found = report.violation.clone().unwrap();
    assert_eq!(found.property, "No Message Without Commit");
    assert!(found.actions.iter().any(|a| matches!(a.action, sim::Action::CrashMidStep { node: 0, after: 1 })));
    let session = lab::file::replay(&lab::file::open(&ce.unwrap()).unwrap(), u64::MAX).unwrap();
    let first = session.first_violation().map(|v| (v.property, v.step));
    assert_eq!(first, Some((found.property, found.step)));
    // Unticked, as by default, the same budgets find nothing.
    let off = request(&s, 0, &pairs[..3]);
    assert!(!off.crash_mid_step);
    assert_eq!(explore(&off, &Hooks::default()).unwrap().0.violation, None);
    let e = read(&fields_with(&[("crash_mid_step", "yes")]), String::new()).unwrap_err();
    assert_eq!(e.0, "crash_mid_step");
}

#[test]
fn symmetry_is_a_checkbox_its_reduction_is_reported_and_an_algorithm_without_it_is_named() {
    // crates/check/tests/it/symmetry.rs: 2PC, 3 nodes, abort-after-yes, found
    // in 7 choices over 2,677 states, or 1,350 with the participants merged.
    let s = setup("2pc", 3, &[("bug", "abort-after-yes")]);
    let pairs = [("depth", "10"), ("crashes", "1"), ("requests", "1"), ("symmetry", "true")];
    let on = request(&s, 0, &pairs);
    assert!(on.options().symmetry);
    let sent: Request = serde_json::from_str(&serde_json::to_string(&on).unwrap()).unwrap();
    assert_eq!(sent, on);
    let (report, ce, from) = explore(&sent, &Hooks::default()).unwrap();
    assert_eq!((report.unique, report.depth), (1_350, 7));
    let found = report.violation.clone().unwrap();
    assert_eq!(found.property, "Atomicity");
    let session = lab::file::replay(&lab::file::open(ce.as_ref().unwrap()).unwrap(), u64::MAX).unwrap();
    assert_eq!(session.first_violation().map(|v| (v.property, v.step)), Some((found.property, found.step)));
    let outcome: Outcome = serde_json::from_str(&outcome_json(&report, ce, from, 1.0, 10.0)).unwrap();
    assert_eq!(outcome.symmetry_groups, Some(vec![vec![1, 2]]));
    assert_eq!(outcome.symmetry_text().unwrap(), "Symmetry: states equal up to renaming {node 1, node 2} merged.");
    // Unticked, as by default: every state counted, nothing said.
    let off = request(&s, 0, &pairs[..3]);
    let (report, ce, from) = explore(&off, &Hooks::default()).unwrap();
    assert_eq!(report.unique, 2_677);
    let outcome: Outcome = serde_json::from_str(&outcome_json(&report, ce, from, 1.0, 10.0)).unwrap();
    assert_eq!(outcome.symmetry_text(), None);
    // Raft names its nodes in its state: a clear error, not a panic.
    let raft = request(&setup("raft", 3, &[]), 0, &[("depth", "3"), ("symmetry", "true")]);
    let e = explore(&raft, &Hooks::default()).unwrap_err();
    assert!(e.contains("raft") && e.contains("symmetry"), "{e}");
    let e = read(&fields_with(&[("symmetry", "on")]), String::new()).unwrap_err();
    assert_eq!(e.0, "symmetry");
}
