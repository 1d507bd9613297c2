//! The model checker's part of the core: a check starts from the run at
//! its current step, and a counterexample found opens as the run, through
//! the same path as a run file.

use super::Core;
use crate::model::check::CheckCmd;
use crate::model::cmd::Cmd;

impl Core {
    pub(super) fn check_cmd(&mut self, cmd: CheckCmd) -> Result<(), String> {
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
}
