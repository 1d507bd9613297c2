//! What the user, a script or the animation loop can ask of the app: one
//! [`Cmd`] per input, applied by [`crate::model::core::Core::apply`], plus
//! the playback constants and the speed slider's scale. Free of Yew and the
//! browser.

use lab::Setup;
use protocol::NodeId;
use sim::{Action, MsgId};

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

impl ThemeChoice {
    /// The name kept in the browser's storage: `"auto"`, `"light"`, `"dark"`.
    pub fn name(self) -> &'static str {
        match self {
            ThemeChoice::Auto => "auto",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    /// The choice a stored name stands for; `None` for anything else (a
    /// stored value from elsewhere is ignored, not trusted).
    pub fn from_name(name: &str) -> Option<Self> {
        [ThemeChoice::Auto, ThemeChoice::Light, ThemeChoice::Dark].into_iter().find(|t| t.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_names_round_trip_and_strangers_are_ignored() {
        for t in [ThemeChoice::Auto, ThemeChoice::Light, ThemeChoice::Dark] {
            assert_eq!(ThemeChoice::from_name(t.name()), Some(t));
        }
        assert_eq!(ThemeChoice::from_name("Dark"), None);
        assert_eq!(ThemeChoice::from_name(""), None);
    }
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
    /// Open one of the catalog's ready-made scenarios at its step, and say
    /// what it shows.
    LoadPreset(String),
    /// Put away the scenario's card (its run stays).
    CloseScenario,
    /// Open a guided tour at its caption `at` (1-based): its run, at that
    /// caption's step. The host fetched and parsed it ([`lab::tour::parse`]).
    OpenTour {
        tour: std::rc::Rc<lab::tour::Tour>,
        at: usize,
    },
    /// Go to the tour's next caption, or its previous one.
    TourNext,
    TourBack,
    /// Leave the tour and play freely from this step: the tour's scripted
    /// actions still to come are dropped.
    TakeOver,
    /// The list of shipped tours arrived (`tours/index.json`), or why not.
    TourIndex(Result<Vec<lab::tour::TourEntry>, String>),
    /// Send the client request the protocol offers
    /// ([`sim::Session::client_request`]): to the node given, which must take
    /// one now; without one, to the selected node if it takes one, else to
    /// the node best placed to take it.
    ClientRequest(Option<NodeId>),
    /// A user action written as JSON (a script's `act`), read against the
    /// current cluster size, then applied as [`Cmd::Act`].
    ActJson(String),
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
    /// Partition the picked nodes off from the rest (and leave partition
    /// mode).
    PartitionPicked,
    /// Enter or leave partition mode, in which a click or tap on a node
    /// picks it; leaving it forgets the picks (cancel).
    PartitionMode(bool),
    /// Whether the user prefers reduced motion (the system setting, read
    /// by the host): messages then jump from event to event.
    ReducedMotion(bool),
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
    /// Look a key up on the hash ring (empty: clear the lookup).
    RingLookup(String),
    /// Show the ring's last change under `hash mod N` and rendezvous too.
    RingCompare(bool),
    /// List only the notable lines of the event log (or every line).
    LogNotableOnly(bool),
    /// Whether playback pauses at the first violation.
    PauseOnViolation(bool),
    /// Open what a link's query says (the browser's Back and Forward give
    /// the query of an earlier state of the run): its setup at its step.
    OpenLink(Vec<(String, String)>),
    /// Go back to a run left by a fork ([`crate::model::core::Core::branches`],
    /// by index); the run shown now is kept in its place.
    RestoreBranch(usize),
    /// Save the run or its trace to a file (the host downloads
    /// [`crate::model::core::Core::download`]).
    Save(super::files::Save),
    /// Open the text of a run file or a trace (chosen, dropped or pasted);
    /// the current run is kept when it cannot be opened.
    OpenFile(String),
    /// Show the space-time diagram (where it was last put) or put it away.
    ShowDiagram(bool),
    /// Show another algorithm's world beside the run, on the same seed,
    /// network and actions, stepping with it; `None` closes it.
    Compare(Option<lab::compare::Against>),
    /// Put the diagram below the canvas or beside it (and show it).
    PlaceDiagram(Placement),
    /// The steps the diagram points at (a message's send and its delivery
    /// or loss, under the pointer): the event log marks their lines.
    /// `None`: nothing.
    MarkSteps(Option<[u64; 2]>),
    /// A message's arrow was clicked in the diagram: select the message,
    /// going to the step it was sent at when it is not in flight now.
    SelectArrow {
        msg: MsgId,
        sent: u64,
    },
    /// The model checker's panel and its worker (`model::check`).
    Check(super::check::CheckCmd),
    /// The animation loop moved the world; nothing to do but redraw the DOM.
    Refresh,
}

/// Where the space-time diagram goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Placement {
    #[default]
    Below,
    Beside,
}

impl Placement {
    pub fn name(self) -> &'static str {
        match self {
            Placement::Below => "below",
            Placement::Beside => "beside",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Placement::Below, Placement::Beside].into_iter().find(|p| p.name() == name)
    }
}

/// Where a command came from: errors of UI commands are shown as notices,
/// errors of script calls are thrown back to the script.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Ui(Cmd),
    Api(Cmd),
}

/// Log-scale slider position (-2..1) for a speed, and back.
pub fn speed_to_slider(speed: f64) -> f64 {
    crate::math::log10(speed.clamp(SPEED_MIN, SPEED_MAX))
}

pub fn slider_to_speed(pos: f64) -> f64 {
    crate::math::powf(10.0, pos).clamp(SPEED_MIN, SPEED_MAX)
}
