//! The model checker's part of the core: a check starts from the run at
//! its current step, and a counterexample found opens as the run, through
//! the same path as a run file.

use super::Core;
use crate::model::check::CheckCmd;
use crate::model::cmd::Cmd;

impl Core {
    pub(super) fn check_cmd(&mut self, cmd: CheckCmd) -> Result<(), String> {
        if cmd == CheckCmd::UseRecipe {
            return self.use_recipe();
        }
        // Only Start reads the run; building it for the others is cheap.
        let run = (self.full_setup(), self.session.steps());
        let waits = matches!(cmd, CheckCmd::Open(true)) && self.session.next_event_time().is_none();
        let opened = self.check.apply(cmd, move || run)?;
        if waits {
            self.check.suggest_a_client(self.session.steps());
        }
        if let Some(run_file) = opened {
            self.apply(Cmd::OpenFile(run_file))?;
        }
        Ok(())
    }

    /// The check that finds the run's bug from the start: its world (the
    /// run's seed and network, the recipe's size and options, no actions)
    /// opened at step 0 unless it is the run's already, then its budgets.
    fn use_recipe(&mut self) -> Result<(), String> {
        let bug = self.setup.bug().ok_or("this run has no bug switched on")?;
        let recipe = lab::recipes::find(self.setup.algo, bug.name)
            .ok_or_else(|| format!("no check from the start is known to find bug={}", bug.name))?;
        let mut world = recipe.setup(self.setup.seed);
        world.sim = sim::SimConfig { nodes: recipe.nodes, ..self.setup.sim.clone() };
        if self.setup != world {
            self.apply(Cmd::Open(world))?;
        } else if self.session.steps() > 0 {
            self.apply(Cmd::Seek(0))?;
        }
        self.check.use_recipe(recipe);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Setup;

    /// "Set up this check": the run's bug's recipe opens its world (the run's
    /// seed, the recipe's size and options, step 0) and fills the budgets; a
    /// second press changes nothing; a run without a known recipe is told so
    /// and kept.
    #[test]
    fn the_check_that_finds_the_runs_bug_is_set_up_in_one_command() {
        let field = |core: &Core, name: &str| core.check.fields.iter().find(|f| f.0 == name).unwrap().1.clone();
        let mut setup = Setup::new(lab::Algo::Paxos);
        setup.seed = 7;
        setup.options.insert("bug".into(), "forget-promise".into());
        let mut core = Core::new(setup, None);
        core.apply(Cmd::Step(3)).unwrap();
        core.apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap();
        assert_eq!((core.setup.sim.nodes, core.setup.seed, core.session.steps()), (3, 7, 0));
        assert_eq!(core.setup.options.get("roles").map(String::as_str), Some("all"));
        assert_eq!(core.setup.bug().map(|b| b.name), Some("forget-promise"));
        let budgets: Vec<String> =
            ["depth", "crashes", "requests", "commands", "strategy"].iter().map(|n| field(&core, n)).collect();
        assert_eq!(budgets, ["10", "1", "2", "x,y", "bfs"]);
        assert!(
            core.check.open
                && core.check.note.as_deref().is_some_and(|n| n.starts_with("Budgets set to find bug=forget-promise"))
        );
        let generation = core.generation;
        core.apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap();
        assert_eq!(core.generation, generation, "the world is the recipe's already");

        let mut setup = Setup::new(lab::Algo::KvRaft);
        setup.options.insert("bug".into(), "stale-read".into());
        let mut kv = Core::new(setup.clone(), None);
        let e = kv.apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap_err();
        assert!(e.contains("no check from the start is known to find bug=stale-read"), "{e}");
        assert_eq!(kv.setup, setup, "the run is kept");
        let e = Core::new(Setup::default(), None).apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap_err();
        assert_eq!(e, "this run has no bug switched on");
    }
}
