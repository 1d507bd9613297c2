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
        // A recipe with options, a crash and client requests, whose world is
        // not the algorithm's default size (Paxos's forget-promise today).
        let recipe = lab::recipes::RECIPES
            .iter()
            .find(|r| {
                !r.options.is_empty() && r.crashes > 0 && r.requests > 0 && r.nodes != r.algo.info().default_nodes
            })
            .unwrap();
        let mut setup = Setup::new(recipe.algo);
        setup.seed = 7;
        setup.options.insert("bug".into(), recipe.bug.into());
        let mut core = Core::new(setup, None);
        core.apply(Cmd::Step(3)).unwrap();
        core.apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap();
        assert_eq!((core.setup.sim.nodes, core.setup.seed, core.session.steps()), (recipe.nodes, 7, 0));
        for (name, value) in recipe.options {
            assert_eq!(core.setup.options.get(*name).map(String::as_str), Some(*value), "{name}");
        }
        assert_eq!(core.setup.bug().map(|b| b.name), Some(recipe.bug));
        for (name, value) in recipe.fields() {
            assert_eq!(field(&core, name), value, "{name}");
        }
        assert_eq!(field(&core, "requests"), recipe.requests.to_string());
        let note = core.check.note.clone().unwrap_or_default();
        assert!(core.check.open && note.starts_with(&format!("Budgets set to find bug={} from step 0", recipe.bug)));
        let generation = core.generation;
        core.apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap();
        assert_eq!(core.generation, generation, "the world is the recipe's already");

        // A bug with no recipe (found only from a run that went somewhere).
        let (algo, bug) = lab::ALGOS
            .iter()
            .flat_map(|info| info.bugs.iter().map(move |b| (info.algo, b.name)))
            .find(|&(algo, bug)| lab::recipes::find(algo, bug).is_none())
            .unwrap();
        let mut setup = Setup::new(algo);
        setup.options.insert("bug".into(), bug.into());
        let mut other = Core::new(setup.clone(), None);
        let e = other.apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap_err();
        assert!(e.contains(&format!("no check from the start is known to find bug={bug}")), "{e}");
        assert_eq!(other.setup, setup, "the run is kept");
        let e = Core::new(Setup::default(), None).apply(Cmd::Check(CheckCmd::UseRecipe)).unwrap_err();
        assert_eq!(e, "this run has no bug switched on");
    }
}
