//! A run: a world plus its timeline of actions, with history to step back.
//!
//! A run is a pure function of (protocol, config, seed, actions), so going
//! back means restoring the nearest earlier snapshot and replaying forward.
//! Snapshots are taken every `interval` steps; when there are more than
//! [`MAX_SNAPSHOTS`], every other one is dropped and the interval doubles, so
//! memory stays bounded however long the run.

use crate::action::{Action, ActionError, Scheduled, MAX_ACTIONS};
use crate::config::SimConfig;
use crate::world::World;
use protocol::{NodeId, Protocol};

/// Most snapshots a run keeps.
pub const MAX_SNAPSHOTS: usize = 128;
/// Steps between snapshots at the start of a run. A snapshot costs a copy
/// of every node the next steps change (copy on write); 256 rather than 64
/// made Multi-Paxos half again as fast, and a seek replays at most this
/// many steps (well under a millisecond in the browser).
pub const SNAPSHOT_INTERVAL: u64 = 256;
/// Longest run, in steps.
pub const MAX_STEPS: u64 = 50_000_000;

#[derive(Clone, Debug)]
struct Snapshot<P: Protocol> {
    world: World<P>,
    /// Index of the first action the snapshot has not applied.
    next_action: usize,
}

/// A world, its actions, and its history.
#[derive(Clone, Debug)]
pub struct Run<P: Protocol> {
    seed: u64,
    /// The protocol settings as the user wrote them (`--set name=value`),
    /// recorded in the trace so that it can be reopened as the same run;
    /// the protocol itself reads only its typed config.
    options: protocol::FlatMap<String, String>,
    world: World<P>,
    timeline: Timeline,
    snapshots: Vec<Snapshot<P>>,
    interval: u64,
}

/// A run's actions and how far it has applied them: the part of a run that
/// does not depend on its protocol, compiled once for every protocol.
#[derive(Clone, Debug)]
struct Timeline {
    actions: Vec<Scheduled>,
    next_action: usize,
    /// Scheduled actions that could not be applied when their step came,
    /// by their index in `actions`, sorted by it (they are found in that
    /// order; a sorted vector is all the map this needs).
    action_errors: Vec<(usize, ActionError)>,
}

impl Timeline {
    /// The next action, if it is due once the world has taken `steps` steps.
    fn due(&self, steps: u64) -> Option<&Action> {
        self.actions.get(self.next_action).filter(|a| a.step <= steps).map(|a| &a.action)
    }

    /// The due action was applied, with `result`.
    fn applied(&mut self, result: Result<(), ActionError>) {
        if let Err(e) = result {
            // A replay from an earlier step finds the same errors again.
            match self.action_errors.binary_search_by_key(&self.next_action, |&(i, _)| i) {
                Ok(i) => self.action_errors[i].1 = e,
                Err(i) => self.action_errors.insert(i, (self.next_action, e)),
            }
        }
        self.next_action += 1;
    }

    /// How many recorded actions are kept when `action` is recorded at
    /// `step` (those after it are not), or why it cannot be.
    fn room(&self, step: u64, action: &Action) -> Result<usize, ActionError> {
        let kept = self.actions.partition_point(|a| a.step <= step);
        if kept >= MAX_ACTIONS {
            return Err(ActionError::new(action, format!("a run holds at most {MAX_ACTIONS} actions")));
        }
        Ok(kept)
    }

    /// Record `action`, applied at `step`, after the first `kept` actions.
    fn record(&mut self, kept: usize, step: u64, action: Action) {
        self.actions.truncate(kept);
        self.action_errors.retain(|&(i, _)| i < kept);
        self.actions.push(Scheduled { step, action });
        self.next_action = self.actions.len();
    }

    fn has_pending(&self) -> bool {
        self.next_action < self.actions.len()
    }
}

impl<P: Protocol> Run<P> {
    /// Start a run. `config` must be valid and `actions` sorted by step
    /// (see [`crate::parse_actions`]).
    pub fn new(config: SimConfig, protocol_config: P::Config, seed: u64, actions: Vec<Scheduled>) -> Self {
        Self::build(config, protocol_config, seed, actions, false)
    }

    /// [`Run::new`] whose world keeps a [journal](crate::journal) of every
    /// step: what the exports replay.
    pub fn with_journal(config: SimConfig, protocol_config: P::Config, seed: u64, actions: Vec<Scheduled>) -> Self {
        Self::build(config, protocol_config, seed, actions, true)
    }

    fn build(config: SimConfig, protocol_config: P::Config, seed: u64, actions: Vec<Scheduled>, journal: bool) -> Self {
        debug_assert!(actions.windows(2).all(|w| w[0].step <= w[1].step));
        let mut run = Self {
            seed,
            options: protocol::FlatMap::new(),
            world: World::build(config, protocol_config, seed, journal),
            timeline: Timeline { actions, next_action: 0, action_errors: Vec::new() },
            snapshots: Vec::new(),
            interval: SNAPSHOT_INTERVAL,
        };
        // No snapshot of step 0: the world at step 0 is rebuilt from the
        // inputs when needed, so opening a run costs no copy of it.
        run.apply_due();
        run
    }

    /// Record the settings the protocol config was made from (see
    /// [`Run::options`]).
    pub fn with_options(mut self, options: protocol::FlatMap<String, String>) -> Self {
        self.options = options;
        self
    }

    pub fn world(&self) -> &World<P> {
        &self.world
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// The protocol settings by name, as written when the run was opened;
    /// empty when it was opened from a typed config alone.
    pub fn options(&self) -> &protocol::FlatMap<String, String> {
        &self.options
    }
    pub fn steps(&self) -> u64 {
        self.world.steps()
    }
    pub fn actions(&self) -> &[Scheduled] {
        &self.timeline.actions
    }
    /// The request the app sends for a user who asks for one
    /// ([`World::client_request`]), numbered after the requests scheduled.
    pub fn client_request(&self, node: Option<NodeId>) -> Option<Action> {
        let sent = self.timeline.actions.iter().filter(|s| matches!(s.action, Action::Request { .. })).count();
        let (node, cmd) = self.world.client_request(node, sent as u64 + 1)?;
        Some(Action::Request { node, cmd })
    }
    /// Scheduled actions that failed when their step came: (index, error).
    pub fn action_errors(&self) -> impl Iterator<Item = (usize, &ActionError)> {
        self.timeline.action_errors.iter().map(|(i, e)| (*i, e))
    }
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    /// Process one event and the actions scheduled right after it.
    /// Returns `false` when nothing is left to happen.
    ///
    /// A world with nothing queued whose run still has actions scheduled is
    /// idle, not finished: it takes an idle step (no event, no time passes)
    /// and so reaches the next action's step. A fault schedule written for
    /// one protocol thus applies to every protocol, busy or quiet.
    pub fn step(&mut self) -> bool {
        if self.world.steps() >= MAX_STEPS {
            return false;
        }
        if !self.world.step() {
            if !self.has_pending_actions() {
                return false;
            }
            self.world.idle();
        }
        self.apply_due();
        self.maybe_snapshot();
        true
    }

    /// Actions scheduled for a later step than the world has reached.
    pub fn has_pending_actions(&self) -> bool {
        self.timeline.has_pending()
    }

    /// When the next step happens: the next queued event, or now when the
    /// world is idle and an action is still to come; `None` when the run
    /// has nothing left to do.
    pub fn next_event_time(&self) -> Option<protocol::Tick> {
        self.world.next_event_time().or_else(|| self.has_pending_actions().then(|| self.world.now()))
    }

    /// Scheduled actions the run has not reached: `(index, step)` of each.
    pub fn pending_actions(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.timeline.actions.iter().enumerate().skip(self.timeline.next_action).map(|(i, a)| (i, a.step))
    }

    /// Go to the state after exactly `target` steps (or as far as the run goes).
    ///
    /// Starts from the nearest snapshot at or before `target` when going back,
    /// and also when going forward past one (snapshots ahead of the current
    /// step are from this same timeline: acting drops those after it), so a
    /// seek replays at most one snapshot interval.
    pub fn seek(&mut self, target: u64) {
        let nearest = self.snapshots.partition_point(|s| s.world.steps() <= target).checked_sub(1);
        let ahead = nearest.is_some_and(|i| self.snapshots[i].world.steps() > self.world.steps());
        if target < self.world.steps() || ahead {
            match nearest {
                Some(i) => {
                    let snap = &self.snapshots[i];
                    self.world = snap.world.clone();
                    self.timeline.next_action = snap.next_action;
                }
                None => self.restart_from_inputs(),
            }
        }
        while self.world.steps() < target && self.step() {}
    }

    /// The world at step 0, rebuilt from the run's inputs.
    fn restart_from_inputs(&mut self) {
        let world = &self.world;
        self.world =
            World::build(world.config().clone(), world.protocol_config().clone(), self.seed, world.journaling());
        self.timeline.next_action = 0;
        self.apply_due();
    }

    /// Go back `n` steps.
    pub fn back(&mut self, n: u64) {
        self.seek(self.world.steps().saturating_sub(n));
    }

    /// Apply `action` now and record it at the current step. Recorded actions
    /// after this step are discarded: acting in the past forks the timeline.
    pub fn act(&mut self, action: Action) -> Result<(), ActionError> {
        let step = self.world.steps();
        let kept = self.timeline.room(step, &action)?;
        self.world.apply(&action)?;
        self.timeline.record(kept, step, action);
        // Snapshots taken at this step or later lack the new action. Going
        // back replays from an earlier one, which applies the action at its
        // step, so no new snapshot is needed (acting is frequent: a clone of
        // the world each time would dominate a long run). Without any
        // snapshot, going back rebuilds step 0 from the inputs, which now
        // include this action.
        self.snapshots.retain(|s| s.world.steps() < step);
        Ok(())
    }

    fn apply_due(&mut self) {
        while let Some(action) = self.timeline.due(self.world.steps()) {
            let result = self.world.apply(action);
            self.timeline.applied(result);
        }
    }

    fn maybe_snapshot(&mut self) {
        let steps = self.world.steps();
        let last = self.snapshots.last().map_or(0, |s| s.world.steps());
        if steps % self.interval != 0 || steps <= last {
            return;
        }
        self.snapshots.push(Snapshot { world: self.world.clone(), next_action: self.timeline.next_action });
        if self.snapshots.len() > MAX_SNAPSHOTS {
            let mut i = 0;
            self.snapshots.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.interval *= 2;
        }
    }
}
