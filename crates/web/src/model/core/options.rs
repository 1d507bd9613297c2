//! The algorithm's options in the core: reading one, and changing one,
//! which replays the same seed and actions to the same step.

use super::Core;
use lab::Setup;

/// The value of an option in `setup` (its default when not set); `None`
/// when the algorithm has no such option.
pub fn option_value(setup: &Setup, name: &str) -> Option<String> {
    let spec = setup.algo.info().options.iter().find(|o| o.name == name)?;
    Some(setup.options.get(name).cloned().unwrap_or_else(|| spec.default.to_string()))
}

impl Core {
    pub(super) fn set_option(&mut self, name: &str, value: &str) -> Result<(), String> {
        let info = self.algo().info();
        // `bug`, in no menu, is switched off by an empty value (the
        // options panel's "Switch off").
        let default = if name == lab::options::BUG {
            ""
        } else {
            let Some(spec) = info.options.iter().find(|o| o.name == name) else {
                let known: Vec<&str> = info.options.iter().map(|o| o.name).collect();
                return Err(format!("option {name:?} is not one of {}'s: {}", info.title, known.join(", ")));
            };
            spec.default
        };
        let mut next = self.full_setup();
        // A default is left out, so links stay short and list only changes.
        if value == default {
            next.options.remove(name);
        } else {
            next.options.insert(name.to_string(), value.to_string());
        }
        next.validate().map_err(|e| e.to_string())?;
        let step = self.session.steps();
        self.reopen(next);
        self.session.seek(step);
        self.sync_clock();
        Ok(())
    }
}
