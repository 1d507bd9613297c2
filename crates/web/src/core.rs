//! The app's controller: one world (a [`sim::Session`]) plus everything the
//! view needs to know about how it is being watched (play state, speed, the
//! view clock, selection, notices).
//!
//! It imports nothing from Yew or the browser, so it is tested on the host.
//! The Yew reducer, the animation loop and the `window.clusterscope` API all
//! drive the app through [`Core::apply`] and [`Core::advance`]; the world is
//! changed only through `step`, `seek` and `act`.

use lab::{Algo, Setup};
use protocol::{NodeId, Status};
use sim::{Action, MsgId, Session};

/// Slowest and fastest playback, in model ms per wall ms.
pub const SPEED_MIN: f64 = 0.01;
pub const SPEED_MAX: f64 = 10.0;
/// Default playback speed: slow enough to follow single messages.
pub const SPEED_DEFAULT: f64 = 0.25;
/// One press of `+` or `-` multiplies or divides the speed by this.
pub const SPEED_STEP: f64 = 1.584_893_192_461_113_4; // 10^0.2
/// Most events processed in one animation frame; past it the view clock
/// jumps to the world's clock instead of trying to catch up.
pub const MAX_STEPS_PER_FRAME: u32 = 4_000;
/// Longest wall-clock gap one frame may advance (a tab in the background).
pub const MAX_FRAME_MS: f64 = 100.0;
/// Most steps one `step`, `back` or `seek` command may cover at once.
pub const MAX_JUMP: u64 = 10_000_000;
/// Notices kept on screen at once.
pub const MAX_NOTICES: usize = 4;

/// A message shown to the user above the canvas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u64,
    pub text: String,
    pub error: bool,
}

/// Colour theme choice; `Auto` follows the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    Auto,
    Light,
    Dark,
}

/// Everything the user (or a script) can ask of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    Play,
    Pause,
    TogglePlay,
    Step(u64),
    Back(u64),
    Seek(u64),
    /// A user action on the world, applied now.
    Act(Action),
    /// Restart the current setup from step 0 with no actions.
    Reset,
    /// Open a new world (different algorithm, size, seed or network).
    Open(Setup),
    /// Change one of the algorithm's options: the same seed and actions are
    /// replayed to the same step under the new setting.
    SetOption {
        name: String,
        value: String,
    },
    SetSpeed(f64),
    Faster,
    Slower,
    SelectNode(Option<NodeId>),
    /// Add or remove a node from the group being built for a partition.
    TogglePick(NodeId),
    ClearPicks,
    /// Partition the picked nodes off from the rest.
    PartitionPicked,
    SelectMsg(Option<MsgId>),
    /// Close the topmost overlay or selection.
    Escape,
    ToggleHelp,
    SetTheme(ThemeChoice),
    Notify {
        text: String,
        error: bool,
    },
    Dismiss(u64),
    /// The animation loop moved the world; nothing to do but redraw the DOM.
    Refresh,
}

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
    pub selected_node: Option<NodeId>,
    pub selected_msg: Option<MsgId>,
    /// Nodes picked (shift-click) for a partition group, by id.
    pub picked: Vec<NodeId>,
    pub help_open: bool,
    pub theme: ThemeChoice,
    pub notices: Vec<Notice>,
    next_notice: u64,
}

fn open_setup(setup: &Setup) -> Box<dyn Session> {
    lab::open(setup).unwrap_or_else(|e| {
        // The UI only builds setups within the catalog's limits; should one
        // still be refused, the default world is always valid.
        web_log(&format!("cannot open setup ({e}); opening the default world"));
        lab::open(&Setup::default()).expect("the default setup is valid")
    })
}

fn web_log(_text: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&_text.into());
}

impl Core {
    /// Open `setup` and go to `step` (the start when `None`).
    pub fn new(setup: Setup, step: Option<u64>) -> Self {
        let base = Setup { actions: Vec::new(), ..setup.clone() };
        let mut core = Self {
            session: open_setup(&setup),
            setup: base,
            playing: false,
            speed: SPEED_DEFAULT,
            view_time: 0.0,
            generation: 0,
            selected_node: None,
            selected_msg: None,
            picked: Vec::new(),
            help_open: false,
            theme: ThemeChoice::Auto,
            notices: Vec::new(),
            next_notice: 0,
        };
        if let Some(step) = step {
            core.session.seek(step.min(MAX_JUMP));
        }
        core.sync_clock();
        core
    }

    /// The whole setup, actions included: what a link or the CLI reproduces.
    pub fn full_setup(&self) -> Setup {
        Setup { actions: self.session.actions().to_vec(), ..self.setup.clone() }
    }

    pub fn node_count(&self) -> u32 {
        self.session.node_count()
    }

    pub fn algo(&self) -> Algo {
        self.setup.algo
    }

    fn changed(&mut self) {
        self.generation += 1;
        if let Some(id) = self.selected_msg {
            if self.session.message_json(id).is_none() {
                self.selected_msg = None;
            }
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
            Cmd::Act(action) => {
                self.session.act(action).map_err(|e| e.to_string())?;
                // Keep the view clock where it is: the action happens "now".
                self.view_time = self.view_time.max(self.session.now() as f64);
                self.changed();
            }
            Cmd::Reset => {
                let setup = self.setup.clone();
                self.reopen(setup);
            }
            Cmd::Open(setup) => {
                setup.validate().map_err(|e| e.to_string())?;
                self.reopen(setup);
            }
            Cmd::SetOption { name, value } => self.set_option(&name, value.trim())?,
            Cmd::SetSpeed(speed) => {
                if !speed.is_finite() {
                    return Err(format!("speed must be a number, got {speed}"));
                }
                self.speed = speed.clamp(SPEED_MIN, SPEED_MAX);
            }
            Cmd::Faster => self.speed = (self.speed * SPEED_STEP).clamp(SPEED_MIN, SPEED_MAX),
            Cmd::Slower => self.speed = (self.speed / SPEED_STEP).clamp(SPEED_MIN, SPEED_MAX),
            Cmd::SelectNode(node) => {
                if let Some(id) = node {
                    self.check_node(id)?;
                }
                self.selected_node = node;
                self.selected_msg = None;
            }
            Cmd::TogglePick(id) => {
                self.check_node(id)?;
                match self.picked.iter().position(|&p| p == id) {
                    Some(i) => {
                        self.picked.remove(i);
                    }
                    None => {
                        self.picked.push(id);
                        self.picked.sort_unstable();
                    }
                }
            }
            Cmd::ClearPicks => self.picked.clear(),
            Cmd::PartitionPicked => {
                if self.picked.is_empty() || self.picked.len() as u32 >= self.node_count() {
                    return Err("partition: pick some nodes, but not all of them (shift-click nodes)".into());
                }
                let groups = vec![self.picked.clone()];
                self.apply(Cmd::Act(Action::Partition { groups }))?;
                self.picked.clear();
            }
            Cmd::SelectMsg(msg) => {
                if let Some(id) = msg {
                    if self.session.message_json(id).is_none() {
                        return Err(format!("message {id} is not in flight"));
                    }
                    // A message moves while playing: hold still to look at it.
                    self.playing = false;
                }
                self.selected_msg = msg;
            }
            Cmd::Escape => {
                if self.help_open {
                    self.help_open = false;
                } else if self.selected_msg.is_some() {
                    self.selected_msg = None;
                } else if self.selected_node.is_some() {
                    self.selected_node = None;
                } else {
                    self.picked.clear();
                }
            }
            Cmd::ToggleHelp => self.help_open = !self.help_open,
            Cmd::SetTheme(theme) => self.theme = theme,
            Cmd::Notify { text, error } => self.notify(text, error),
            Cmd::Dismiss(id) => self.notices.retain(|n| n.id != id),
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

    /// The value of an option in this run (its default when not set).
    pub fn option(&self, name: &str) -> Option<String> {
        let spec = self.algo().info().options.iter().find(|o| o.name == name)?;
        Some(self.setup.options.get(name).cloned().unwrap_or_else(|| spec.default.to_string()))
    }

    fn set_option(&mut self, name: &str, value: &str) -> Result<(), String> {
        let info = self.algo().info();
        let Some(spec) = info.options.iter().find(|o| o.name == name) else {
            let known: Vec<&str> = info.options.iter().map(|o| o.name).collect();
            return Err(format!("option {name:?} is not one of {}'s: {}", info.title, known.join(", ")));
        };
        let mut next = self.full_setup();
        // A default is left out, so links stay short and list only changes.
        if value == spec.default {
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

    fn reopen(&mut self, setup: Setup) {
        self.session = open_setup(&setup);
        self.setup = Setup { actions: Vec::new(), ..setup };
        self.playing = false;
        let n = self.node_count();
        self.selected_node = self.selected_node.filter(|&id| id < n);
        self.selected_msg = None;
        self.picked.retain(|&id| id < n);
        self.sync_clock();
    }

    /// Advance the view clock by `wall_ms` of wall time when playing, and
    /// process every event that is due. Returns whether the world changed.
    pub fn advance(&mut self, wall_ms: f64) -> bool {
        if !self.playing {
            return false;
        }
        let dt = wall_ms.clamp(0.0, MAX_FRAME_MS) * self.speed;
        self.view_time = self.view_time.max(self.session.now() as f64) + dt;
        let mut stepped = 0u32;
        loop {
            match self.session.next_event_time() {
                None => {
                    self.playing = false;
                    break;
                }
                Some(t) if (t as f64) <= self.view_time => {
                    if stepped == MAX_STEPS_PER_FRAME {
                        // Too much to show: let the view clock fall back to the world.
                        self.view_time = self.session.now() as f64;
                        break;
                    }
                    if !self.session.step() {
                        self.playing = false;
                        break;
                    }
                    stepped += 1;
                }
                Some(_) => break,
            }
        }
        if stepped > 0 {
            self.changed();
        }
        stepped > 0
    }

    /// The node's status, or `None` for an id out of range.
    pub fn status(&self, id: NodeId) -> Option<Status> {
        (id < self.node_count()).then(|| self.session.node_info(id).status)
    }

    /// Crash or restart a node, whichever makes sense now.
    pub fn crash_or_restart(&self, id: NodeId) -> Option<Action> {
        match self.status(id)? {
            Status::Crashed => Some(Action::Restart { node: id }),
            _ => Some(Action::Crash { node: id }),
        }
    }

    /// Pause or resume a node, whichever makes sense now (none when down).
    pub fn pause_or_resume(&self, id: NodeId) -> Option<Action> {
        match self.status(id)? {
            Status::Paused => Some(Action::Resume { node: id }),
            Status::Up => Some(Action::Pause { node: id, for_ms: None }),
            Status::Crashed => None,
        }
    }
}

/// Log-scale slider position (-2..1) for a speed, and back.
pub fn speed_to_slider(speed: f64) -> f64 {
    speed.clamp(SPEED_MIN, SPEED_MAX).log10()
}

pub fn slider_to_speed(pos: f64) -> f64 {
    10f64.powf(pos).clamp(SPEED_MIN, SPEED_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leader(core: &Core) -> Option<NodeId> {
        (0..core.node_count()).find(|&i| core.session.node_info(i).look.role == "leader")
    }

    #[test]
    fn playing_advances_only_to_the_view_clock() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::Play).unwrap();
        assert!(!core.advance(1.0), "nothing is due in the first 0.25 model ms");
        for _ in 0..2_000 {
            core.advance(16.0);
            if let Some(t) = core.session.next_event_time() {
                assert!(t as f64 > core.view_time);
            }
        }
        assert!(leader(&core).is_some(), "a leader after ~8 model seconds");
    }

    #[test]
    fn step_back_and_seek_restore_the_same_state() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::Step(40)).unwrap();
        let at40 = core.session.state_json();
        core.apply(Cmd::Step(25)).unwrap();
        core.apply(Cmd::Back(25)).unwrap();
        assert_eq!(core.session.state_json(), at40);
        assert_eq!(core.view_time, core.session.now() as f64);
        core.apply(Cmd::Seek(65)).unwrap();
        core.apply(Cmd::Seek(40)).unwrap();
        assert_eq!(core.session.state_json(), at40);
    }

    #[test]
    fn failed_actions_change_nothing_and_say_why() {
        let mut core = Core::new(Setup::default(), None);
        core.apply(Cmd::Step(10)).unwrap();
        let generation = core.generation;
        let err = core.apply(Cmd::Act(Action::Restart { node: 1 })).unwrap_err();
        assert_eq!(err, "restart: node 1 is not down");
        assert_eq!(core.generation, generation);
        assert!(core.session.actions().is_empty());
        assert!(core.apply(Cmd::SelectNode(Some(7))).unwrap_err().contains("node 7 does not exist"));
    }

    #[test]
    fn partition_of_picked_nodes() {
        let mut core = Core::new(Setup::default(), None);
        assert!(core.apply(Cmd::PartitionPicked).is_err());
        core.apply(Cmd::TogglePick(3)).unwrap();
        core.apply(Cmd::TogglePick(1)).unwrap();
        core.apply(Cmd::TogglePick(4)).unwrap();
        core.apply(Cmd::TogglePick(4)).unwrap();
        assert_eq!(core.picked, vec![1, 3]);
        core.apply(Cmd::PartitionPicked).unwrap();
        assert!(core.picked.is_empty());
        assert!(core.session.is_cut(1, 0) && core.session.is_cut(0, 3) && !core.session.is_cut(1, 3));
        assert_eq!(core.full_setup().actions.len(), 1);
    }

    #[test]
    fn open_and_reset_keep_the_catalog_limits() {
        let mut core = Core::new(Setup::default(), Some(30));
        assert_eq!(core.session.steps(), 30);
        let mut setup = Setup::default();
        setup.sim.nodes = 10;
        assert!(core.apply(Cmd::Open(setup)).unwrap_err().starts_with("nodes:"));
        let mut setup = Setup::default();
        setup.sim.nodes = 3;
        setup.seed = 9;
        core.apply(Cmd::SelectNode(Some(4))).unwrap();
        core.apply(Cmd::Open(setup)).unwrap();
        assert_eq!((core.node_count(), core.session.seed(), core.selected_node), (3, 9, None));
        core.apply(Cmd::Step(5)).unwrap();
        core.apply(Cmd::Act(Action::Crash { node: 0 })).unwrap();
        core.apply(Cmd::Reset).unwrap();
        assert_eq!((core.session.steps(), core.session.actions().len()), (0, 0));
    }

    #[test]
    fn an_option_replays_the_run_and_a_bad_one_keeps_it() {
        let preset = lab::presets::Preset::find("dueling-proposers").unwrap().load();
        let mut core = Core::new(preset.setup, Some(40));
        assert_eq!(core.option("backoff").as_deref(), Some("off"));
        let before = core.session.state_json();
        let err = core.apply(Cmd::SetOption { name: "retry_ms".into(), value: "soon".into() }).unwrap_err();
        assert!(err.starts_with("retry_ms:"), "{err}");
        assert_eq!(core.session.state_json(), before);
        core.apply(Cmd::SetOption { name: "backoff".into(), value: "on".into() }).unwrap();
        // With back-off the run settles sooner: it replays to step 40 or its end.
        assert!(core.session.steps() <= 40 && core.session.next_event_time().is_none() || core.session.steps() == 40);
        assert_eq!(core.session.actions().len(), 2);
        assert_eq!(core.option("backoff").as_deref(), Some("on"));
        assert!(!core.setup.options.contains_key("backoff"), "a default is not written down");
        assert!(core.apply(Cmd::SetOption { name: "nope".into(), value: "1".into() }).is_err());
        // Another algorithm starts from its own defaults.
        core.apply(Cmd::Open(Setup::new(lab::Algo::Raft))).unwrap();
        assert!(core.setup.options.is_empty());
    }

    #[test]
    fn speed_slider_is_logarithmic() {
        assert!((speed_to_slider(0.01) + 2.0).abs() < 1e-9);
        assert!((slider_to_speed(1.0) - 10.0).abs() < 1e-9);
        assert!((slider_to_speed(speed_to_slider(0.25)) - 0.25).abs() < 1e-9);
        let mut core = Core::new(Setup::default(), None);
        for _ in 0..50 {
            core.apply(Cmd::Faster).unwrap();
        }
        assert_eq!(core.speed, SPEED_MAX);
    }
}
