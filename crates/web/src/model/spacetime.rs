//! The space-time (Lamport) diagram of a run: a lane per node, an arrow per
//! message from its send to its delivery or loss, gaps where a node was down
//! or paused, shading where it was cut off, and the protocol's notable lines
//! (became leader, chose a value, granted a lock) as marks on its lane.
//!
//! A [`Recorder`] builds the [`Diagram`] from a journaled replay of the run
//! ([`sim::Session::journaled`]) that it keeps beside the run on screen,
//! at or ahead of its step. Going back keeps what was recorded (the same
//! inputs give the same future, drawn faded past the current step); acting
//! in the past cuts the diagram at the fork and records the new future.
//! Opened only while the diagram is shown, it costs nothing otherwise.
//!
//! Memory is bounded: at most [`MAX_STEPS`] steps are recorded (about 60
//! bytes per message and 8 per step); a run longer than that is drawn up to
//! there, and the diagram says so.

pub mod layout;
#[cfg(test)]
mod tests;

use lab::Setup;
use protocol::FlatMap;
use protocol::{Level, NodeId, Status, Tick};
use sim::journal::{Handled, Happening};
use sim::{LossReason, MsgId, Session};

/// Most steps a diagram records.
pub const MAX_STEPS: u64 = 250_000;

/// A moment of the run: its step and its model time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub step: u64,
    pub time: Tick,
}

/// How a message's arrow ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Still in flight at the last recorded step.
    Open,
    Delivered(Point),
    /// Lost (the network, a cut link, a crashed receiver, the user).
    Lost(Point, LossReason),
}

/// One message, as an arrow between two lanes.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub msg: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub sent: Point,
    pub end: End,
    /// A second copy of a message: duplicated by the network or the user.
    pub dup: bool,
}

impl Arrow {
    /// Where the arrow ends, if it has.
    pub fn end_point(&self) -> Option<Point> {
        match self.end {
            End::Open => None,
            End::Delivered(p) | End::Lost(p, _) => Some(p),
        }
    }
}

/// Why a lane has a gap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapKind {
    Crashed,
    Paused,
}

/// A stretch of a lane when its node was down or paused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub node: NodeId,
    pub kind: GapKind,
    pub from: Point,
    /// `None` while it lasts.
    pub to: Option<Point>,
}

/// A stretch of the run when some links were cut: the nodes with a cut link
/// (either way) are shaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shade {
    /// Bit `i` set: node `i` had a cut link (clusters have at most 32
    /// nodes; a larger one would shade only its first 64).
    pub nodes: u64,
    pub from: Point,
    pub to: Option<Point>,
}

impl Shade {
    pub fn has(&self, node: NodeId) -> bool {
        node < 64 && self.nodes & (1 << node) != 0
    }
}

/// A notable line a node wrote, marked on its lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub node: NodeId,
    pub at: Point,
    pub level: Level,
    pub text: String,
}

/// What the diagram draws, recorded step by step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    pub nodes: u32,
    /// The time of every recorded step (index = step; step 0 at time 0).
    pub times: Vec<Tick>,
    /// Every message, in the order sent (so in time order).
    pub arrows: Vec<Arrow>,
    pub gaps: Vec<Gap>,
    pub shades: Vec<Shade>,
    pub notes: Vec<Note>,
    /// Arrows still in flight, by message id.
    open: FlatMap<MsgId, usize>,
    /// The longest time a finished arrow took: how far before a window a
    /// message may start and still cross it.
    pub max_span: Tick,
    /// The palette slot of each message kind seen in flight (a message's
    /// tone, as the canvas colours it), in the order learnt.
    pub tones: Vec<(&'static str, usize)>,
    /// Each node's status at the last recorded step.
    status: Vec<Status>,
    /// The nodes with a cut link at the last recorded step.
    cut: u64,
}

impl Diagram {
    /// The last recorded step.
    pub fn last_step(&self) -> u64 {
        self.times.len().saturating_sub(1) as u64
    }

    /// The time of the last recorded step.
    pub fn end_time(&self) -> Tick {
        self.times.last().copied().unwrap_or(0)
    }

    /// The time of `step` (the last recorded one's past it).
    pub fn time_of(&self, step: u64) -> Tick {
        let i = (step as usize).min(self.times.len().saturating_sub(1));
        self.times.get(i).copied().unwrap_or(0)
    }

    /// The last step at or before `time`: where a click at that time seeks.
    pub fn step_at(&self, time: f64) -> u64 {
        let after = self.times.partition_point(|&t| (t as f64) <= time);
        after.saturating_sub(1) as u64
    }

    /// Record the step `session` is at, from its journal and its nodes.
    pub fn record(&mut self, session: &dyn Session) {
        let at = Point { step: session.steps(), time: session.now() };
        if at.step == 0 {
            *self = Diagram { nodes: session.node_count(), ..Diagram::default() };
            self.status = vec![Status::Up; self.nodes as usize];
        }
        debug_assert_eq!(at.step as usize, self.times.len(), "steps are recorded in order");
        self.times.push(at.time);
        let sent_before = self.arrows.len();
        for happening in session.journal() {
            match happening {
                Happening::Sent { msg, from, to, kind, dup } => {
                    self.send(Arrow { msg: *msg, from: *from, to: *to, kind, sent: at, end: End::Open, dup: *dup })
                }
                Happening::Copied { msg, copy } => {
                    if let Some(&i) = self.open.get(msg) {
                        let original = &self.arrows[i];
                        let arrow = Arrow { msg: *copy, sent: original.sent, end: End::Open, dup: true, ..*original };
                        self.send(arrow);
                    }
                }
                Happening::Ran { input: Handled::Message(msg), .. } => self.finish(*msg, End::Delivered(at)),
                Happening::Lost { msg, reason } => self.finish(*msg, End::Lost(at, *reason)),
                Happening::Noted { node, level, text } => {
                    self.notes.push(Note { node: *node, at, level: *level, text: text.clone() })
                }
                _ => {}
            }
        }
        self.follow_nodes(session, at);
        self.learn_tones(session, sent_before);
    }

    /// The arrow of a message. Ids are handed out in the order messages
    /// are sent (a user's copy too), so the arrows are sorted by id.
    pub fn arrow_of(&self, msg: MsgId) -> Option<usize> {
        self.arrows.binary_search_by_key(&msg, |a| a.msg).ok()
    }

    /// The palette slot of messages of `kind` (`None` until one was seen in
    /// flight).
    pub fn tone(&self, kind: &str) -> Option<usize> {
        self.tones.iter().find(|(k, _)| *k == kind).map(|&(_, slot)| slot)
    }

    /// Learn the colour of kinds sent since arrow `from` that are new: from
    /// the messages in flight, once per new kind (a protocol has a few).
    fn learn_tones(&mut self, session: &dyn Session, from: usize) {
        if self.arrows[from..].iter().all(|a| self.tone(a.kind).is_some()) {
            return;
        }
        let mut flying = Vec::new();
        session.messages_into(&mut flying);
        for m in flying {
            if self.tone(m.kind).is_none() {
                self.tones.push((m.kind, m.tone.slot()));
            }
        }
    }

    fn send(&mut self, arrow: Arrow) {
        self.open.insert(arrow.msg, self.arrows.len());
        self.arrows.push(arrow);
    }

    fn finish(&mut self, msg: MsgId, end: End) {
        if let Some(i) = self.open.remove(&msg) {
            let arrow = &mut self.arrows[i];
            arrow.end = end;
            if let Some(p) = arrow.end_point() {
                self.max_span = self.max_span.max(p.time - arrow.sent.time);
            }
        }
    }

    /// Open and close gaps and shades where statuses and cuts changed.
    fn follow_nodes(&mut self, session: &dyn Session, at: Point) {
        for id in 0..self.nodes {
            let status = session.node_info(id).status;
            let was = std::mem::replace(&mut self.status[id as usize], status);
            if status == was {
                continue;
            }
            if was != Status::Up {
                if let Some(gap) = self.gaps.iter_mut().rev().find(|g| g.node == id && g.to.is_none()) {
                    gap.to = Some(at);
                }
            }
            let kind = match status {
                Status::Up => continue,
                Status::Crashed => GapKind::Crashed,
                Status::Paused => GapKind::Paused,
            };
            self.gaps.push(Gap { node: id, kind, from: at, to: None });
        }
        let mut cut = 0u64;
        let lanes = self.nodes.min(64);
        for from in 0..lanes {
            for to in 0..lanes {
                if from != to && session.is_cut(from, to) {
                    cut |= 1 << from | 1 << to;
                }
            }
        }
        if cut != self.cut {
            if let Some(shade) = self.shades.last_mut().filter(|s| s.to.is_none()) {
                shade.to = Some(at);
            }
            if cut != 0 {
                self.shades.push(Shade { nodes: cut, from: at, to: None });
            }
            self.cut = cut;
        }
    }

    /// Forget everything after `step` (the run forked there); `session` is
    /// the replay, at `step`.
    fn truncate(&mut self, step: u64, session: &dyn Session) {
        self.times.truncate(step as usize + 1);
        let kept = self.arrows.partition_point(|a| a.sent.step <= step);
        self.arrows.truncate(kept);
        self.open.clear();
        self.max_span = 0;
        for (i, arrow) in self.arrows.iter_mut().enumerate() {
            match arrow.end_point() {
                Some(p) if p.step > step => arrow.end = End::Open,
                Some(p) => self.max_span = self.max_span.max(p.time - arrow.sent.time),
                None => {}
            }
            if arrow.end == End::Open {
                self.open.insert(arrow.msg, i);
            }
        }
        self.notes.retain(|n| n.at.step <= step);
        for list in [&mut self.gaps as &mut dyn Spans, &mut self.shades] {
            list.cut_after(step);
        }
        for id in 0..self.nodes {
            self.status[id as usize] = session.node_info(id).status;
        }
        self.cut = self.shades.last().filter(|s| s.to.is_none()).map_or(0, |s| s.nodes);
    }
}

/// Gaps and shades alike: stretches with a start and maybe an end.
trait Spans {
    fn cut_after(&mut self, step: u64);
}

macro_rules! spans {
    ($t:ty) => {
        impl Spans for Vec<$t> {
            fn cut_after(&mut self, step: u64) {
                self.retain(|s| s.from.step <= step);
                for s in self.iter_mut() {
                    if s.to.is_some_and(|p| p.step > step) {
                        s.to = None;
                    }
                }
            }
        }
    };
}
spans!(Gap);
spans!(Shade);

pub use sim::meter::fork_step;

/// A journaled replay of the run on screen and the diagram built from it.
pub struct Recorder {
    /// The setup (apart from actions) the replay runs.
    setup: Setup,
    replay: Box<dyn Session>,
    pub diagram: Diagram,
}

impl Recorder {
    /// Start recording the run `session` shows, opened from `setup`.
    pub fn new(setup: &Setup, session: &dyn Session) -> Self {
        let replay = session.journaled();
        let mut diagram = Diagram::default();
        diagram.record(replay.as_ref());
        let mut recorder = Self { setup: Setup { actions: Vec::new(), ..setup.clone() }, replay, diagram };
        recorder.sync(setup, session);
        recorder
    }

    /// Bring the diagram at least to `session`'s step, with its actions:
    /// after acting in the past, the diagram is cut where the run forked.
    pub fn sync(&mut self, setup: &Setup, session: &dyn Session) {
        let base = Setup { actions: Vec::new(), ..setup.clone() };
        if base != self.setup {
            *self = Self::new(setup, session);
            return;
        }
        if let Some(fork) = fork_step(self.replay.actions(), session.actions()) {
            // Actions of step N are part of step N (applied after its
            // event): the fork redraws step N itself, so from step N - 1.
            if fork == 0 {
                *self = Self::new(setup, session);
                return;
            }
            let at = (fork - 1).min(self.diagram.last_step());
            self.replay = session.journaled();
            self.replay.seek(at);
            self.diagram.truncate(at, self.replay.as_ref());
        }
        let target = session.steps().min(MAX_STEPS);
        while self.replay.steps() < target && self.replay.step() {
            self.diagram.record(self.replay.as_ref());
        }
    }
}

/// Whether the run on screen is past what a diagram keeps.
pub fn clipped(session: &dyn Session) -> bool {
    session.steps() > MAX_STEPS
}
