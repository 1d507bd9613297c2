//! The exit code and the standard-error lines of `cli run` when safety
//! breaks. The shipped Raft never violates a property (other tests prove
//! that on thousands of seeds), so this drives the report on a tiny
//! protocol whose one property breaks on purpose at a known step.

use cli::report::{summary, Tally, Until, Verdict};
use cli::Exit;
use protocol::{Checker, Cluster, Input, Look, Message, NodeId, NodeRef, Out, Protocol, Tick, Timer, Violation};
use serde::Serialize;
use sim::{parse_actions, Run, SimConfig};

/// Each node counts its own timer ticks; "Tick Limit" says none exceeds
/// `limit`.
#[derive(Clone, Debug)]
struct Counter {
    ticks: u64,
    limit: u64,
}

#[derive(Clone, Debug, Serialize)]
struct Nothing;

impl Message for Nothing {
    fn kind(&self) -> &'static str {
        "Nothing"
    }
    fn label(&self) -> String {
        String::new()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
struct Tick10;

impl Timer for Tick10 {
    fn name(&self) -> &'static str {
        "tick"
    }
}

#[derive(Clone, Debug, Serialize)]
struct Limit(u64);

impl Default for Limit {
    fn default() -> Self {
        Limit(3)
    }
}

#[derive(Clone, Debug, Default)]
struct TickLimit;

impl Checker<Counter> for TickLimit {
    const PROPERTIES: &'static [&'static str] = &["Tick Limit"];
    fn check(&mut self, nodes: &[NodeRef<'_, Counter>]) -> Option<Violation> {
        nodes
            .iter()
            .find(|n| n.state.ticks > n.state.limit)
            .map(|n| Violation::new("Tick Limit", format!("node {} ticked {} times", n.id, n.state.ticks), [n.id]))
    }
}

impl Protocol for Counter {
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        protocol::fingerprint::debug(self, h);
    }
    const NAME: &'static str = "counter";
    type Config = Limit;
    type Msg = Nothing;
    type Timer = Tick10;
    type Durable = ();
    type View = u64;
    type Checker = TickLimit;

    fn new(_: NodeId, _: &Cluster, config: &Limit, _: Option<&()>) -> Self {
        Self { ticks: 0, limit: config.0 }
    }
    fn step(&mut self, _: Tick, input: Input<Nothing, Tick10>, out: &mut Out<Nothing, Tick10, ()>) {
        if matches!(input, Input::Start | Input::Timer(_)) {
            if matches!(input, Input::Timer(_)) {
                self.ticks += 1;
            }
            out.set_timer(Tick10, 10, 10);
        }
    }
    fn view(&self, _: bool) -> u64 {
        self.ticks
    }
    fn look(&self) -> Look {
        Look { role: "counter", badge: format!("#{}", self.ticks), ..Look::default() }
    }
}

fn counter_run(nodes: u32, actions: &str) -> Run<Counter> {
    let config = SimConfig { nodes, ..SimConfig::default() };
    Run::new(config, Limit::default(), 5, parse_actions(actions, nodes).unwrap())
}

#[test]
fn a_violation_exits_1_and_names_property_and_step() {
    let mut run = counter_run(2, "[]");
    let tally = Tally::run(&mut run, 20);
    assert_eq!(tally.steps_run, 20);
    assert_eq!(tally.timers, 20);
    // Two nodes tick every 10 ms in turn: node 0's fourth tick is step 7.
    let verdict = Verdict::of(&run, Until::Steps(20));
    assert_eq!(verdict.exit, Exit::Violation);
    assert_eq!(verdict.problems, ["violation: Tick Limit at step 7: node 0 ticked 4 times"]);
    let text = summary(&run, Until::Steps(20), &tally, &[]);
    assert!(text.contains("safety      VIOLATED: Tick Limit at step 7: node 0 ticked 4 times\n"), "{text}");
}

#[test]
fn a_violation_outranks_a_failed_action_and_both_are_reported() {
    let mut run = counter_run(2, r#"[{"step":2,"do":"restart","node":1}]"#);
    Tally::run(&mut run, 20);
    let verdict = Verdict::of(&run, Until::Steps(20));
    assert_eq!(verdict.exit, Exit::Violation);
    assert_eq!(
        verdict.problems,
        [
            "violation: Tick Limit at step 7: node 0 ticked 4 times",
            "action failed: actions[0] at step 2: restart: node 1 is not down",
        ]
    );
}

#[test]
fn safe_runs_exit_0_or_3() {
    let mut run = counter_run(2, "[]");
    Tally::run(&mut run, 6);
    assert_eq!(Verdict::of(&run, Until::Steps(6)), Verdict { exit: Exit::Ok, problems: vec![] });

    let mut run = counter_run(2, r#"[{"step":1,"do":"drop","msg":4}]"#);
    Tally::run(&mut run, 6);
    let verdict = Verdict::of(&run, Until::Steps(6));
    assert_eq!(verdict.exit, Exit::ActionFailed);
    assert_eq!(verdict.problems, ["action failed: actions[0] at step 1: drop: message 4 is not in flight"]);
}

#[test]
fn a_run_that_runs_dry_says_so() {
    // Crash every node: nothing is left to happen.
    let mut run = counter_run(2, r#"[{"step":1,"do":"crash","node":0},{"step":1,"do":"crash","node":1}]"#);
    let tally = Tally::run(&mut run, 50);
    assert!(tally.stopped_early);
    assert_eq!(tally.steps_run, 1);
    let text = summary(&run, Until::Steps(50), &tally, &[]);
    assert!(text.contains("steps       1 of 50 (stopped early: nothing was left to happen)\n"), "{text}");
    assert!(text.contains("node 0      crashed  counter    #0\n"), "{text}");
}
