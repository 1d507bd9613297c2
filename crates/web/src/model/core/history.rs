//! The run's history and files: a fork keeps the run it left as a
//! branch to go back to, and the run is saved to and opened from files.

use super::files::{self, Save, TraceWarning};
use super::open::open_setup;
use super::timeline::{self, Branch};
use super::{Core, MAX_JUMP};
use crate::model::cmd::Cmd;
use lab::Setup;

impl Core {
    /// Apply `action` now. Acting before the furthest step seen forks the
    /// run: what came after is now another future, kept to go back to.
    pub(super) fn act(&mut self, action: sim::Action) -> Result<(), String> {
        let before = Branch {
            actions: self.session.actions().to_vec(),
            furthest: self.furthest,
            forked_at: self.session.steps(),
        };
        self.session.act(action).map_err(|e| e.to_string())?;
        if before.furthest > before.forked_at {
            self.fork(before);
        }
        // Keep the view clock where it is: the action happens "now".
        self.view_time = self.view_time.max(self.session.now() as f64);
        self.changed();
        self.leave_forked_tour();
        Ok(())
    }

    /// Open what a link's query says (Back and Forward give the query of an
    /// earlier state of the run).
    pub(super) fn open_link(&mut self, pairs: &[(String, String)]) -> Result<(), String> {
        let q = lab::query::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| format!("The link's “{}” parameter is invalid ({})", e.field, e.reason))?;
        let view = crate::model::boot::view_param(pairs).map_err(|e| format!("The link's {e}"))?;
        let against = lab::compare::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| format!("The link's “{}” parameter is invalid ({})", e.field, e.reason))?;
        if let Some(against) = &against {
            against
                .setup(&q.setup)
                .map_err(|e| format!("The link's “{}” parameter is invalid ({})", e.field, e.reason))?;
        }
        self.reopen(q.setup);
        if let Some(show) = view.filter(|&show| show != self.spacetime.is_some()) {
            self.apply(Cmd::ShowDiagram(show))?;
        }
        if against.as_ref() != self.compare.as_ref().map(|t| &t.against) {
            self.apply(Cmd::Compare(against))?;
        }
        self.session.seek(q.step.unwrap_or(0).min(MAX_JUMP));
        self.sync_clock();
        self.scenario = None;
        self.scenario_open = false;
        if let Some(id) = q.preset {
            self.scenario = lab::presets::Preset::find(id);
        }
        Ok(())
    }

    /// Keep `left`, the run before an action at an earlier step, and say so.
    pub(super) fn fork(&mut self, left: Branch) {
        self.furthest = self.session.steps();
        let text = format!(
            "Forked at step {}: the run you left is kept (Timeline, “Back to the run before the fork”).",
            left.forked_at
        );
        self.branches.push(left);
        if self.branches.len() > timeline::MAX_BRANCHES {
            self.branches.remove(0);
        }
        self.notify(text, false);
    }

    /// Go back to branch `index`, at the furthest step it reached; the run
    /// shown now becomes a branch in its place, so the two can be swapped
    /// back and forth.
    pub(super) fn restore_branch(&mut self, index: usize) -> Result<(), String> {
        if index >= self.branches.len() {
            return Err(format!("no branch {index}; there are {}", self.branches.len()));
        }
        let branch = self.branches.remove(index);
        let current = Branch {
            actions: self.session.actions().to_vec(),
            furthest: self.furthest.max(self.session.steps()),
            forked_at: branch.forked_at,
        };
        let setup = Setup { actions: branch.actions, ..self.setup.clone() };
        setup.validate().map_err(|e| e.to_string())?;
        let (session, _) = open_setup(&setup);
        self.replace(session, setup);
        self.session.seek(branch.furthest);
        self.sync_clock();
        self.furthest = branch.furthest;
        self.branches.push(current);
        Ok(())
    }

    /// Prepare a file for the host to download; a large trace waits for
    /// confirmation ([`Core::trace_warning`]).
    pub(super) fn save(&mut self, save: Save) -> Result<(), String> {
        self.trace_warning = None;
        let session = self.session.as_ref();
        self.download = Some(match save {
            Save::Run => files::run_file(session, &self.full_setup()),
            Save::Trace { from, to, anyway } => {
                let (from, to) = files::trace_range(session, from, to)?;
                let bytes = files::estimate(session, from, to);
                if bytes > files::TRACE_WARN_BYTES && !anyway {
                    self.trace_warning = Some(TraceWarning { from, to, bytes });
                    return Ok(());
                }
                files::trace(session, from, to)
            }
            Save::Export(format) => files::export(session, format)?,
        });
        Ok(())
    }

    /// Open a run file or a trace in place of the current run, at its step.
    pub(super) fn open_file(&mut self, text: &str) -> Result<(), String> {
        let kept = "; the current run is kept";
        let opened = lab::file::open(text).map_err(|e| format!("This file cannot be opened: {e}{kept}."))?;
        let session = lab::file::replay(&opened, MAX_JUMP)
            .map_err(|e| format!("This file's run cannot be replayed: {e}{kept}."))?;
        let kind = match opened {
            lab::file::Opened::Run(_) => "run file",
            lab::file::Opened::Trace { .. } => "trace",
        };
        let setup = opened.run().setup.clone();
        self.replace(session, setup);
        self.scenario = None;
        self.scenario_open = false;
        self.furthest = self.session.steps();
        self.notify(
            format!(
                "Opened a {kind}: {}, seed {}, at step {}.",
                self.algo().info().title,
                self.session.seed(),
                self.session.steps()
            ),
            false,
        );
        Ok(())
    }
}
