//! Exploring from a run's state (`from_run*.rs`): a deterministic run
//! prefix (seed 1, the checker's network, scripted actions) sets a scene,
//! and a small budget from its step finds the broken variant; the
//! counterexample replays from the fresh world.

use super::{options, setup};
use check::{Budgets, Hooks, Stop};
use lab::explore::{check_run, root_setup, Explored};
use lab::Setup;

/// A run prefix: `algo` on `nodes` with `options` and the run's `actions`
/// (JSON, as `cli run --actions` reads them), explored from `step`.
#[derive(Clone, Copy)]
pub struct Scene {
    pub algo: &'static str,
    pub nodes: u32,
    pub options: &'static [(&'static str, &'static str)],
    pub actions: &'static str,
    pub step: u64,
}

impl Scene {
    /// The scene's setup with `bug` (none when empty).
    pub fn setup(&self, bug: &str) -> Setup {
        let mut opts = self.options.to_vec();
        if !bug.is_empty() {
            opts.push(("bug", bug));
        }
        let mut s = setup(self.algo, self.nodes, &opts);
        s.actions = sim::parse_actions(self.actions, self.nodes).unwrap();
        s
    }
}

pub fn explore(s: &Setup, step: u64, budgets: Budgets, commands: &[&str]) -> Explored {
    let (root, note) = root_setup(s, step);
    assert_eq!(note, None, "already the checker's network");
    let mut o = options(budgets, commands);
    o.threads = 2;
    check_run(&root, step, &o, &Hooks::default()).unwrap()
}

/// Replay the counterexample from the fresh world (the run's actions,
/// then the choices) through an ordinary run: its first violation.
pub fn replay(s: &Setup, explored: &Explored) -> Option<(&'static str, u64)> {
    let found = explored.report.violation.as_ref().expect("a violation");
    let actions = explored.counterexample().unwrap();
    assert!(actions.starts_with(&s.actions), "the run's own actions first");
    let json = serde_json::to_string(&actions).unwrap();
    let mut replayed = s.clone();
    replayed.actions = sim::parse_actions(&json, s.sim.nodes).unwrap();
    let mut session = lab::open(&replayed).unwrap();
    session.seek(found.step);
    assert_eq!(session.steps(), found.step);
    assert!(session.action_errors().is_empty(), "{:?}", session.action_errors());
    session.first_violation().map(|v| (v.property, v.step))
}

/// Found from the scene's step with `bug`, `choices` deep (breadth-first:
/// the shortest), naming `property`, and replayed from the fresh world.
pub fn found(scene: &Scene, bug: &str, budgets: Budgets, commands: &[&str], property: &str, choices: u32) -> Explored {
    let s = scene.setup(bug);
    let explored = explore(&s, scene.step, budgets, commands);
    let found = explored.report.violation.as_ref().unwrap_or_else(|| panic!("{bug}: {:?}", explored.report));
    assert_eq!((found.property, explored.report.stop), (property, Stop::Violation), "{bug}");
    assert_eq!(explored.report.depth, choices, "{bug}: {:?}", found.actions);
    assert_eq!(explored.from_step, scene.step);
    assert!(found.actions.iter().all(|a| a.step >= scene.step), "the choices come after the run's step");
    assert_eq!(replay(&s, &explored), Some((property, found.step)), "{bug}");
    explored
}

/// [`found`], and the correct protocol from the same run within the same
/// budgets breaks nothing.
pub fn found_from(
    scene: &Scene,
    bug: &str,
    budgets: Budgets,
    commands: &[&str],
    property: &str,
    choices: u32,
) -> Explored {
    let explored = found(scene, bug, budgets.clone(), commands, property, choices);
    let correct = explore(&scene.setup(""), scene.step, Budgets { depth: choices, ..budgets }, commands);
    assert_eq!(correct.report.violation, None, "{} without {bug}", scene.algo);
    explored
}
