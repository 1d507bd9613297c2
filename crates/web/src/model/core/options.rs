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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cmd::Cmd;

    #[test]
    fn an_option_replays_the_run_and_a_bad_one_keeps_it() {
        let preset = lab::presets::Preset::find("dueling-proposers").unwrap().load();
        let mut core = Core::new(preset.setup, Some(40));
        assert_eq!(option_value(&core.setup, "backoff").as_deref(), Some("off"));
        let before = core.session.state_json();
        let err = core.apply(Cmd::SetOption { name: "retry_ms".into(), value: "soon".into() }).unwrap_err();
        assert!(err.starts_with("retry_ms:"), "{err}");
        assert_eq!(core.session.state_json(), before);
        core.apply(Cmd::SetOption { name: "backoff".into(), value: "on".into() }).unwrap();
        // With back-off the run settles sooner: it replays to step 40 or its end.
        assert!(core.session.steps() <= 40 && core.session.next_event_time().is_none() || core.session.steps() == 40);
        assert_eq!(core.session.actions().len(), 2);
        assert_eq!(option_value(&core.setup, "backoff").as_deref(), Some("on"));
        assert!(!core.setup.options.contains_key("backoff"), "a default is not written down");
        assert!(core.apply(Cmd::SetOption { name: "nope".into(), value: "1".into() }).is_err());
        // Another algorithm starts from its own defaults.
        core.apply(Cmd::Open(Setup::new(lab::Algo::Raft))).unwrap();
        assert!(core.setup.options.is_empty());
    }

    /// A link's `bug=NAME` is switched off as an option with an empty value
    /// (the options panel's "Switch off"): the same seed and actions replay to
    /// the same step with the correct protocol. A bad name keeps the run.
    #[test]
    fn a_bug_is_switched_off_and_the_run_replays() {
        let mut setup = Setup::new(lab::Algo::Raft);
        setup.options.insert("bug".into(), "forget-vote".into());
        let mut core = Core::new(setup, Some(60));
        assert_eq!(core.setup.bug().map(|b| b.name), Some("forget-vote"));
        let before = core.session.state_json();
        let err = core.apply(Cmd::SetOption { name: "bug".into(), value: "nope".into() }).unwrap_err();
        assert!(err.starts_with("bug:") && err.contains("forget-vote"), "{err}");
        assert_eq!(core.session.state_json(), before);
        core.apply(Cmd::SetOption { name: "bug".into(), value: String::new() }).unwrap();
        assert_eq!(core.setup.bug(), None);
        assert!(!core.setup.options.contains_key("bug"), "switched off, not written down");
        assert_eq!(core.session.steps(), 60);
        core.apply(Cmd::SetOption { name: "bug".into(), value: "forget-vote".into() }).unwrap();
        assert_eq!(core.setup.bug().map(|b| b.breaks), Some("Election Safety"));
    }
}
