//! Opening a run: a setup (the default world should the catalog refuse it)
//! or a session made elsewhere (a seek's replay, a file), in place of the
//! current run.

use super::Core;
use lab::Setup;
use sim::Session;

/// Open a setup. The UI only builds setups within the catalog's limits;
/// should one still be refused, the default world (always valid) opens,
/// with a warning to show.
pub(super) fn open_setup(setup: &Setup) -> (Box<dyn Session>, Option<String>) {
    match lab::open(setup) {
        Ok(session) => (session, None),
        Err(e) => (
            lab::open(&Setup::default()).expect("the default setup is valid"),
            Some(format!("cannot open setup ({e}); opening the default world")),
        ),
    }
}

impl Core {
    pub(super) fn reopen(&mut self, setup: Setup) {
        let (session, warning) = open_setup(&setup);
        if let Some(warning) = warning {
            self.notify(warning, true);
        }
        self.replace(session, setup);
    }

    /// Show `session`, opened from `setup`, in place of the current run.
    /// A run of another setup forgets the branches of this one.
    pub(super) fn replace(&mut self, session: Box<dyn Session>, setup: Setup) {
        let base = Setup { actions: Vec::new(), ..setup };
        if base != self.setup {
            self.branches.clear();
            self.forget_kinds();
        }
        // Steps seen are of the run replaced; the new one starts unseen.
        self.furthest = 0;
        // Another run is not the tour's (a tour sets itself again after).
        self.tour = None;
        self.session = session;
        self.trace_warning = None;
        self.setup = base;
        self.playing = false;
        let n = self.node_count();
        self.selected_node = self.selected_node.filter(|&id| id < n);
        self.selected_msg = None;
        self.picked.retain(|&id| id < n);
        self.sync_clock();
    }
}
