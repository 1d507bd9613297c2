//! The app's controller: one world (a [`sim::Session`]) plus everything the
//! view needs to know about how it is being watched (play state, speed, the
//! view clock, selection, notices).
//!
//! It imports nothing from Yew or the browser, so it is tested on the host.
//! The Yew reducer, the animation loop and the `window.clusterscope` API all
//! drive the app through [`Core::apply`] and [`Core::advance`]; the world is
//! changed only through `step`, `seek` and `act`.

use super::cmd::*;
use super::files::{self, Download, TraceWarning};
use super::spacetime::Recorder;
use super::timeline::{self, Branch};
use lab::{Algo, Setup};
use protocol::present::Picture;
use protocol::NodeId;
use sim::{MsgId, Session};
use std::rc::Rc;

/// The app's state outside Yew.
pub struct Core {
    /// The run's inputs apart from its actions (those live in the session).
    pub setup: Setup,
    pub session: Box<dyn Session>,
    pub playing: bool,
    pub speed: f64,
    /// The model time drawn, in ms. At least `session.now()`; while playing it
    /// runs ahead of the last event towards the next one.
    pub view_time: f64,
    /// Bumped on every change of the world, so views know when to rebuild.
    pub generation: u64,
    /// What the protocol says the cluster means now
    /// ([`Session::picture`]), shared by the canvas and the side panels.
    /// Computed at once after a change while paused; while playing, at most
    /// as often as the DOM is refreshed ([`Core::refresh_picture`]): side
    /// panels such as every server's log cost more than a frame can spare.
    pub picture: Rc<Picture>,
    /// The [`Core::generation`] the picture was computed at.
    pub picture_gen: u64,
    pub selected_node: Option<NodeId>,
    pub selected_msg: Option<MsgId>,
    /// Nodes picked (shift-click, or a click in partition mode) for a
    /// partition group, by id.
    pub picked: Vec<NodeId>,
    /// Partition mode: a click or tap on a node picks it for one side,
    /// Enter applies, Escape cancels (no shift-click needed on a phone).
    pub partition_mode: bool,
    /// The user asked for less motion: messages are drawn where they are
    /// at the world's clock, jumping from event to event instead of gliding.
    pub reduced_motion: bool,
    pub help_open: bool,
    pub theme: ThemeChoice,
    pub notices: Vec<Notice>,
    next_notice: u64,
    /// The key looked up on the hash ring ("" for none).
    pub ring_lookup: String,
    /// Whether the ring panel compares with `hash mod N` and rendezvous.
    pub ring_compare: bool,
    /// Whether the event log lists only notable lines.
    pub log_notable_only: bool,
    /// Whether playback pauses at the run's first violation (on unless
    /// turned off).
    pub pause_on_violation: bool,
    /// The catalog scenario last opened ([`Core::scenario`] says whether
    /// the run still is it) and whether its card is shown.
    scenario: Option<&'static lab::presets::Preset>,
    pub scenario_open: bool,
    /// The furthest step this run has been at (the embed scrubber's end).
    pub furthest: u64,
    /// Runs left by acting at an earlier step, most recent last (at most
    /// [`timeline::MAX_BRANCHES`]); [`Cmd::RestoreBranch`] goes back to one.
    pub branches: Vec<Branch>,
    /// A file saved and not yet handed to the browser (the host takes it).
    pub download: Option<Download>,
    /// A trace asked for that would be large, waiting for "download anyway".
    pub trace_warning: Option<TraceWarning>,
    /// The guided tour on show: set when one opens, cleared when the run
    /// stops being its run (another world, an action, taking over).
    pub tour: Option<Rc<lab::tour::Tour>>,
    /// The list of shipped tours for the menu, once fetched (or why not).
    pub tour_index: Option<Result<Vec<lab::tour::TourEntry>, String>>,
    /// The space-time diagram, recorded while it is shown (`None`: hidden).
    pub spacetime: Option<Recorder>,
    /// Where the diagram goes (remembered by the host across visits).
    pub placement: Placement,
    /// The steps the diagram points at, marked in the event log.
    pub marked: Option<[u64; 2]>,
    /// Another algorithm's world beside this one, at the same step
    /// (`&compare=ALGO`; `None`: the run alone).
    pub compare: Option<super::compare::Twin>,
    /// The model checker's panel and the check it runs in a worker.
    pub check: super::check::Checker,
    /// The message kinds the legend lists: every one this run has flown.
    pub kinds: legend::Kinds,
}

pub use options::option_value;

impl Core {
    /// Open `setup` and go to `step` (the start when `None`).
    pub fn new(setup: Setup, step: Option<u64>) -> Self {
        let base = Setup { actions: Vec::new(), ..setup.clone() };
        let (session, warning) = open::open_setup(&setup);
        let mut core = Self {
            session,
            setup: base,
            playing: false,
            speed: SPEED_DEFAULT,
            view_time: 0.0,
            generation: 0,
            picture: Rc::default(),
            picture_gen: u64::MAX,
            selected_node: None,
            selected_msg: None,
            picked: Vec::new(),
            partition_mode: false,
            reduced_motion: false,
            help_open: false,
            theme: ThemeChoice::Auto,
            notices: Vec::new(),
            next_notice: 0,
            ring_lookup: String::new(),
            ring_compare: false,
            log_notable_only: false,
            pause_on_violation: true,
            scenario: None,
            scenario_open: false,
            furthest: 0,
            download: None,
            trace_warning: None,
            branches: Vec::new(),
            tour: None,
            tour_index: None,
            spacetime: None,
            placement: Placement::default(),
            marked: None,
            compare: None,
            check: Default::default(),
            kinds: Default::default(),
        };
        if let Some(warning) = warning {
            core.notify(warning, true);
        }
        if let Some(step) = step {
            core.session.seek(step.min(MAX_JUMP));
        }
        core.sync_clock();
        core.furthest = core.session.steps();
        core.note_kinds();
        core
    }

    /// The whole setup, actions included: what a link or the CLI reproduces.
    pub fn full_setup(&self) -> Setup {
        Setup { actions: self.session.actions().to_vec(), ..self.setup.clone() }
    }

    /// Show the card of the catalog scenario `id` (a `?preset=` link opened
    /// its run).
    pub fn show_scenario(&mut self, id: &str) {
        self.scenario = lab::presets::Preset::find(id);
        self.scenario_open = self.scenario.is_some();
    }

    /// The catalog scenario this run is, while it still is one: opened from
    /// the menu or a `?preset=` link, with nothing changed since (the same
    /// setup and actions). Links then name the scenario, not its setup.
    pub fn scenario(&self) -> Option<&'static lab::presets::Preset> {
        self.scenario.filter(|p| p.load().setup == self.full_setup())
    }

    pub fn node_count(&self) -> u32 {
        self.session.node_count()
    }

    pub fn algo(&self) -> Algo {
        self.setup.algo
    }

    fn changed(&mut self) {
        self.generation += 1;
        self.furthest = self.furthest.max(self.session.steps());
        if let Some(recorder) = self.spacetime.as_mut() {
            recorder.sync(&self.setup, self.session.as_ref());
        }
        self.sync_twin();
        self.note_kinds();
        if !self.playing {
            self.refresh_picture();
        }
        if let Some(id) = self.selected_msg {
            if self.session.message_json(id).is_none() {
                self.selected_msg = None;
            }
        }
    }

    /// Bring the picture up to the world's current generation, if it is not.
    pub fn refresh_picture(&mut self) {
        if self.picture_gen != self.generation {
            self.picture = Rc::new(self.session.picture());
            self.picture_gen = self.generation;
        }
    }

    /// Put the view clock on the world's clock (after a jump).
    fn sync_clock(&mut self) {
        self.view_time = self.session.now() as f64;
        self.changed();
    }

    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.next_notice += 1;
        self.notices.push(Notice { id: self.next_notice, text: text.into(), error });
        if self.notices.len() > MAX_NOTICES {
            self.notices.remove(0);
        }
    }

    /// Carry out one command. An error leaves the world as it was and says
    /// what was wrong; the caller decides whether to show or throw it.
    pub fn apply(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::Play => self.playing = self.session.next_event_time().is_some(),
            Cmd::Pause => self.playing = false,
            Cmd::TogglePlay => {
                if self.playing {
                    self.playing = false
                } else {
                    self.apply(Cmd::Play)?
                }
            }
            Cmd::Step(n) => {
                self.playing = false;
                let n = n.min(MAX_JUMP);
                // Land on the next event, then take the remaining steps.
                for _ in 0..n {
                    if !self.session.step() {
                        break;
                    }
                }
                self.sync_clock();
            }
            Cmd::Back(n) => {
                self.playing = false;
                let target = self.session.steps().saturating_sub(n);
                self.session.seek(target);
                self.sync_clock();
            }
            Cmd::Seek(step) => {
                self.playing = false;
                let current = self.session.steps();
                let target = if step > current { current + (step - current).min(MAX_JUMP) } else { step };
                self.session.seek(target);
                self.sync_clock();
            }
            Cmd::Act(action) => self.act(action)?,
            Cmd::Reset => {
                // The run reset away is kept, as a fork at step 0 is.
                let left = Branch { actions: self.session.actions().to_vec(), furthest: self.furthest, forked_at: 0 };
                let setup = self.setup.clone();
                self.reopen(setup);
                if left.furthest > 0 {
                    self.fork(left);
                }
            }
            Cmd::Open(setup) => {
                setup.validate().map_err(|e| e.to_string())?;
                self.reopen(setup);
            }
            Cmd::LoadPreset(id) => {
                let Some(preset) = lab::presets::Preset::find(&id) else {
                    let known: Vec<&str> = lab::presets::PRESETS.iter().map(|p| p.id).collect();
                    return Err(format!("unknown preset {id:?}; known: {}", known.join(", ")));
                };
                let q = preset.load();
                self.apply(Cmd::Open(q.setup))?;
                if let Some(step) = q.step {
                    self.apply(Cmd::Seek(step))?;
                }
                // The scenario's card says what it shows and when to look.
                self.show_scenario(preset.id);
            }
            Cmd::CloseScenario => self.scenario_open = false,
            Cmd::OpenTour { tour, at } => self.open_tour(tour, at)?,
            Cmd::TourNext => self.tour_move(true)?,
            Cmd::TourBack => self.tour_move(false)?,
            Cmd::TakeOver => self.take_over()?,
            Cmd::TourIndex(index) => self.tour_index = Some(index),
            Cmd::ClientRequest(node) => self.client_request(node)?,
            Cmd::ActJson(json) => {
                let action = sim::parse_action(&json, self.node_count()).map_err(|e| e.to_string())?;
                self.apply(Cmd::Act(action))?;
            }
            Cmd::RingLookup(key) => self.ring_lookup = key.trim().to_string(),
            Cmd::RingCompare(on) => self.ring_compare = on,
            Cmd::LogNotableOnly(on) => self.log_notable_only = on,
            Cmd::PauseOnViolation(on) => self.pause_on_violation = on,
            Cmd::SetOption { name, value } => self.set_option(&name, value.trim())?,
            Cmd::SetSpeed(speed) => {
                if !speed.is_finite() {
                    return Err(format!("speed must be a number, got {speed}"));
                }
                self.speed = speed.clamp(SPEED_MIN, SPEED_MAX);
            }
            Cmd::Faster => self.speed = (self.speed * SPEED_STEP).clamp(SPEED_MIN, SPEED_MAX),
            Cmd::Slower => self.speed = (self.speed / SPEED_STEP).clamp(SPEED_MIN, SPEED_MAX),
            cmd @ (Cmd::SelectNode(_)
            | Cmd::TogglePick(_)
            | Cmd::ClearPicks
            | Cmd::PartitionMode(_)
            | Cmd::PartitionPicked
            | Cmd::SelectMsg(_)
            | Cmd::Escape) => self.select(cmd)?,
            Cmd::ReducedMotion(on) => {
                self.reduced_motion = on;
                if on {
                    self.view_time = self.session.now() as f64;
                }
            }
            Cmd::ToggleHelp => self.help_open = !self.help_open,
            Cmd::SetTheme(theme) => self.theme = theme,
            Cmd::Notify { text, error } => self.notify(text, error),
            Cmd::Dismiss(id) => self.notices.retain(|n| n.id != id),
            Cmd::RestoreBranch(index) => self.restore_branch(index)?,
            Cmd::OpenLink(pairs) => self.open_link(&pairs)?,
            Cmd::Save(save) => self.save(save)?,
            Cmd::OpenFile(text) => self.open_file(&text)?,
            Cmd::ShowDiagram(on) => self.show_diagram(on),
            Cmd::PlaceDiagram(placement) => self.place_diagram(placement),
            Cmd::MarkSteps(steps) => self.marked = steps,
            Cmd::SelectArrow { msg, sent } => self.select_arrow(msg, sent)?,
            Cmd::Compare(against) => self.compare(against)?,
            Cmd::Check(cmd) => self.check_cmd(cmd)?,
            Cmd::Refresh => {}
        }
        Ok(())
    }

    fn check_node(&self, id: NodeId) -> Result<(), String> {
        let n = self.node_count();
        if id < n {
            Ok(())
        } else {
            Err(format!("node {id} does not exist (nodes are 0..{})", n - 1))
        }
    }
}

mod check;
mod compare;
mod diagram;
mod history;
mod legend;
mod nodes;
mod open;
mod options;
mod playback;
mod request;
mod selection;
#[cfg(test)]
mod tests;
