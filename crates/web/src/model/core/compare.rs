//! The side-by-side view's part of the core: opening another algorithm's
//! world beside the run and keeping it at the run's step.

use super::Core;
use crate::model::compare::Twin;
use lab::compare::Against;

impl Core {
    /// Show `against` beside the run (or, with `None`, the run alone). The
    /// error names what the other algorithm refuses; the view stays as it was.
    pub(super) fn compare(&mut self, against: Option<Against>) -> Result<(), String> {
        self.compare = match against {
            None => None,
            Some(against) => Some(Twin::open(against, &self.full_setup(), self.session.as_ref())?),
        };
        // The legend explains the worlds on screen: this one, and the other's.
        self.forget_kinds_beside();
        self.note_kinds();
        self.generation += 1;
        Ok(())
    }

    /// Bring the other world to the run's step and actions; when the run
    /// became one the other algorithm cannot sit beside, close it and say why.
    pub(super) fn sync_twin(&mut self) {
        let setup = self.full_setup();
        let Some(twin) = self.compare.as_mut() else { return };
        if let Err(e) = twin.sync(&setup, self.session.as_ref()) {
            self.compare = None;
            self.notify(format!("The side-by-side view is closed: {e}"), true);
        }
    }
}
