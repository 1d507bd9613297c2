//! The side-by-side view's model: a second world beside the run on screen,
//! another algorithm on the same seed, network and fault schedule
//! ([`lab::compare`]), kept at the same step, and the counters of both
//! ([`sim::meter`]) for the table that compares them.
//!
//! The other world is only ever stepped to where the run on screen is:
//! every change of the run (a step, a seek, an action, a fork) reaches it
//! through [`Twin::sync`], so the two cannot drift apart.

use lab::compare::Against;
use lab::Setup;
use protocol::present::Picture;
use sim::{Counters, Meter, Scheduled, Session};
use std::rc::Rc;

/// A world's name over its canvas and in the counters table: `algo
/// (name=value, ...)`.
pub fn world_name(algo: lab::Algo, options: &lab::Options) -> String {
    if options.is_empty() {
        algo.name().to_string()
    } else {
        let set: Vec<String> = options.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{} ({})", algo.name(), set.join(", "))
    }
}

/// The label in the canvas's top-left corner: beside another world, the
/// run's [`world_name`]; alone, the deliberately broken variant it runs
/// (`bug=NAME`), so an embedded frame or a screenshot of the canvas says
/// the run is broken on purpose; otherwise none.
pub fn corner_name(setup: &Setup, comparing: bool) -> Option<String> {
    if comparing {
        Some(world_name(setup.algo, &setup.options))
    } else {
        setup.bug().map(|bug| format!("bug={}", bug.name))
    }
}

/// The other world and the counters of both.
pub struct Twin {
    pub against: Against,
    /// The other world's setup without its actions.
    base: Setup,
    /// The actions it takes (the run's shareable ones).
    actions: Vec<Scheduled>,
    /// The other world, counted; its replay is the world drawn.
    world: Meter,
    /// The run on screen, counted beside it.
    run: Meter,
    picture: Rc<Picture>,
    /// The step the picture is of.
    picture_step: Option<u64>,
}

impl Twin {
    /// Open `against` beside the run of `setup` (its actions included)
    /// that `session` is, at its step. The error names the link parameter.
    pub fn open(against: Against, setup: &Setup, session: &dyn Session) -> Result<Self, String> {
        let twin = against.setup(setup).map_err(|e| e.to_string())?;
        let opened = lab::open(&twin).map_err(|e| e.to_string())?;
        let actions = twin.actions.clone();
        let mut this = Self {
            against,
            base: Setup { actions: Vec::new(), ..twin },
            actions,
            world: Meter::new(opened.as_ref()),
            run: Meter::new(session),
            picture: Rc::default(),
            picture_step: None,
        };
        this.sync(setup, session)?;
        Ok(this)
    }

    /// Bring both worlds to `session`'s step with the run's actions
    /// (`setup` is the run's whole setup). An error (the run changed to
    /// one the other algorithm cannot sit beside) leaves it as it was.
    pub fn sync(&mut self, setup: &Setup, session: &dyn Session) -> Result<(), String> {
        let twin = self.against.setup(setup).map_err(|e| e.to_string())?;
        let base = Setup { actions: Vec::new(), ..twin.clone() };
        if base != self.base {
            *self = Self::open(self.against.clone(), setup, session)?;
            return Ok(());
        }
        if twin.actions != self.actions {
            let opened = lab::open(&twin).map_err(|e| e.to_string())?;
            self.world.sync(opened.as_ref(), session.steps());
            self.actions = twin.actions;
        } else {
            self.world.seek(session.steps());
        }
        self.run.sync(session, session.steps());
        Ok(())
    }

    /// The other world, at the run's step (or where it ended, if earlier).
    pub fn session(&self) -> &dyn Session {
        self.world.replay()
    }

    /// What the other world's protocol says it means now.
    pub fn picture(&mut self) -> Rc<Picture> {
        let step = self.session().steps();
        if self.picture_step != Some(step) {
            self.picture = Rc::new(self.session().picture());
            self.picture_step = Some(step);
        }
        self.picture.clone()
    }

    /// The counters of the run on screen and of the other world.
    pub fn counters(&self) -> [Counters; 2] {
        [self.run.counters(), self.world.counters()]
    }
}

/// The side-by-side view for scripts (`clusterscope.comparison()`): the
/// run on screen, then the other world, each with its algorithm, settings,
/// step, counters and first violation. `None` when nothing is compared.
pub fn comparison_json(core: &super::core::Core) -> Option<String> {
    use serde_json::json;
    let twin = core.compare.as_ref()?;
    let latency =
        |l: &sim::meter::Latency| json!({"count": l.count, "total_ms": l.total, "max_ms": l.max, "mean_ms": l.mean()});
    let world = |algo: lab::Algo, options: &lab::Options, session: &dyn Session, c: &Counters| {
        json!({
            "algo": algo.name(), "options": options, "step": session.steps(), "time": session.now(),
            "sent": c.sent, "delivered": c.delivered, "lost": c.lost,
            "invoked": c.invoked, "ok": latency(&c.ok), "fail": latency(&c.fail), "info": c.info,
            "waiting": c.waiting, "blocked_ms": c.blocked,
            "violation": session.first_violation().map(|v| json!({"property": v.property, "step": v.step})),
        })
    };
    let [a, b] = twin.counters();
    let run = world(core.setup.algo, &core.setup.options, core.session.as_ref(), &a);
    let other = world(twin.against.algo, &twin.against.options, twin.session(), &b);
    Some(json!({"step": core.session.steps(), "worlds": [run, other]}).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Algo;
    use sim::parse_actions;

    fn run() -> Setup {
        let actions = r#"[{"step":60,"do":"request","node":0,"cmd":"x=1"},{"step":200,"do":"crash","node":1},
            {"step":210,"do":"drop","msg":3},{"step":400,"do":"restart","node":1}]"#;
        Setup { seed: 9, actions: parse_actions(actions, 5).unwrap(), ..Setup::new(Algo::Raft) }
    }

    fn fresh(setup: &Setup, step: u64) -> Counters {
        let mut s = lab::open(setup).unwrap();
        s.seek(step);
        let mut m = Meter::new(s.as_ref());
        m.sync(s.as_ref(), step);
        m.counters()
    }

    #[test]
    fn the_corner_names_the_run_beside_another_world_and_else_its_bug() {
        let mut setup = Setup::new(Algo::Raft);
        assert_eq!(corner_name(&setup, false), None);
        assert_eq!(corner_name(&setup, true).as_deref(), Some("raft"));
        setup.options.insert("bug".into(), "forget-vote".into());
        assert_eq!(corner_name(&setup, false).as_deref(), Some("bug=forget-vote"));
        assert_eq!(corner_name(&setup, true).as_deref(), Some("raft (bug=forget-vote)"));
    }

    #[test]
    fn both_worlds_stand_at_the_same_step_and_count_what_fresh_runs_count() {
        let setup = run();
        let mut session = lab::open(&setup).unwrap();
        let mut twin = Twin::open(Against::new(Algo::MultiPaxos), &setup, session.as_ref()).unwrap();
        for step in [300, 120, 500, 499, 0, 450, 300] {
            session.seek(step);
            twin.sync(&setup, session.as_ref()).unwrap();
            assert_eq!(twin.session().steps(), step);
            let other = Against::new(Algo::MultiPaxos).setup(&setup).unwrap();
            assert_eq!(twin.counters(), [fresh(&setup, step), fresh(&other, step)], "at step {step}");
        }
        // Both crashed node 1 at step 200 (back at 400); only the run dropped message 3.
        assert!(twin.session().actions().iter().all(|a| a.action.verb() != "drop"));
        assert_eq!(twin.session().node_info(1).status, protocol::Status::Crashed);
    }

    #[test]
    fn an_action_in_the_run_happens_in_the_other_world_at_the_same_step() {
        let setup = run();
        let mut session = lab::open(&setup).unwrap();
        let mut twin = Twin::open(Against::new(Algo::MultiPaxos), &setup, session.as_ref()).unwrap();
        session.seek(250);
        session.act(sim::Action::Crash { node: 3 }).unwrap();
        let full = Setup { actions: session.actions().to_vec(), ..setup.clone() };
        twin.sync(&full, session.as_ref()).unwrap();
        assert_eq!(twin.session().node_info(3).status, protocol::Status::Crashed);
        assert!(twin.session().actions().iter().any(|a| a.step == 250 && a.action.verb() == "crash"));
        // The picture is the other world's, redrawn when its step changes.
        let before = twin.picture();
        assert_eq!(before.legend, twin.session().picture().legend);
        session.seek(600);
        twin.sync(&full, session.as_ref()).unwrap();
        assert_eq!(twin.picture_step, Some(250));
        assert!(!Rc::ptr_eq(&before, &twin.picture()));
        assert_eq!(twin.picture_step, Some(600));
    }

    #[test]
    fn a_run_the_other_algorithm_cannot_sit_beside_is_refused_by_name() {
        let setup = Setup { sim: sim::SimConfig { nodes: 20, ..Default::default() }, ..Setup::new(Algo::Ring) };
        let session = lab::open(&setup).unwrap();
        let e = Twin::open(Against::new(Algo::Paxos), &setup, session.as_ref()).err().unwrap();
        assert!(e.starts_with("compare:"), "{e}");
    }
}
