//! The contract between a distributed protocol and the world that runs it.
//!
//! A protocol is a pure state machine. It never reads a clock, never draws a
//! random number and never does I/O; the simulator (crate `sim`) owns all of
//! that. Driving a node takes three steps:
//!
//! 1. Build it with [`Protocol::new`] from its id, the cluster config and, after
//!    a crash, the [`Protocol::Durable`] state it last persisted.
//! 2. Feed it one [`Input`] at a time through [`Protocol::step`]: start-up, a
//!    delivered message, a fired timer or a client request. `now` is the node's
//!    *local* clock in ticks (one tick = one model millisecond); it may drift
//!    from the world's clock.
//! 3. Carry out the [`Command`]s it pushed into [`Out`], in order: persist,
//!    send, set or cancel a timer, emit a note for the event log. A timer is
//!    asked for with a range; the world picks the delay, so randomized election
//!    timeouts stay reproducible from one seed. `Persist` carries the durable
//!    state as it was when the command was pushed, so a world that crashes the
//!    node between two commands of one step restores exactly what was saved
//!    by then: a reply sent before its state was persisted is a real bug.
//!
//! Each protocol also names its safety properties and supplies a
//! [`Checker`] that the world runs after every step.

pub mod cached;
pub mod client_op;
pub mod fingerprint;
pub mod flat;
pub mod linearizable;
pub mod present;
pub mod shared;
pub mod sort;
pub mod symmetry;

pub use client_op::{ClientOp, OpFn, OpKind, OpValue, Pending};
pub use fingerprint::Fingerprint;
pub use flat::{FlatMap, FlatSet};
pub use present::{Countdown, Look, Panel, Picture, Tone};
pub use symmetry::{Renaming, Symmetric, Symmetry};

use serde::Serialize;
use std::fmt::Debug;

/// A node's identity: its index in the cluster, `0..nodes`.
pub type NodeId = u32;

/// Logical time: one tick is one model millisecond.
pub type Tick = u64;

/// The most nodes any world may hold. Keeps every per-node table bounded.
pub const MAX_NODES: u32 = 128;

/// What the protocol sees of the cluster it runs in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cluster {
    /// Number of nodes; ids are `0..nodes`.
    pub nodes: u32,
}

impl Cluster {
    /// Every node id but `me`, in order.
    pub fn peers(&self, me: NodeId) -> impl Iterator<Item = NodeId> {
        (0..self.nodes).filter(move |&n| n != me)
    }

    /// Votes needed for a strict majority of the cluster.
    pub fn majority(&self) -> usize {
        self.nodes as usize / 2 + 1
    }
}

/// One input to a node.
#[derive(Clone, Debug, Hash)]
pub enum Input<M, T> {
    /// The node has just come up (first boot or restart after a crash).
    Start,
    /// A message from `from` arrived.
    Message { from: NodeId, msg: M },
    /// A timer the node set has fired.
    Timer(T),
    /// A client asked this node to run `cmd`.
    Request { cmd: String },
}

/// One effect a node asks the world to carry out.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Command<M, T, D> {
    /// Save this durable state; a later crash restores this copy. It is the
    /// state at the moment the command was pushed: push it before any `Send`
    /// that depends on the new state.
    Persist(D),
    /// Put a message on the wire to `to`.
    Send { to: NodeId, msg: M },
    /// Arm `timer` to fire after a delay the world draws from
    /// `after_min..=after_max` local ticks. Re-arming replaces the old one.
    SetTimer { timer: T, after_min: Tick, after_max: Tick },
    /// Disarm `timer` if it is armed.
    CancelTimer { timer: T },
    /// An observable event for the event log ("became leader of term 3").
    Emit(Note),
}

impl<M, T, D> Command<M, T, D> {
    /// The same command with the persisted state left out, for tests that
    /// compare the exact order of commands and check the state on its own.
    pub fn erase_state(self) -> Command<M, T, ()> {
        match self {
            Command::Persist(_) => Command::Persist(()),
            Command::Send { to, msg } => Command::Send { to, msg },
            Command::SetTimer { timer, after_min, after_max } => Command::SetTimer { timer, after_min, after_max },
            Command::CancelTimer { timer } => Command::CancelTimer { timer },
            Command::Emit(note) => Command::Emit(note),
        }
    }
}

/// A line for the event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Note {
    pub level: Level,
    pub text: String,
}

/// How loudly a note should be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    /// Worth noticing: a leader change, a rejected request.
    Notice,
    /// Something the user probably wants to know went wrong.
    Warn,
}

/// The buffer a node pushes its commands into during one step, and the
/// client operations it reports (kept apart: they are observations, not
/// commands, so they never change what a `crash-mid-step` cuts short).
#[derive(Clone, Debug, Hash)]
pub struct Out<M, T, D> {
    commands: Vec<Command<M, T, D>>,
    ops: Vec<ClientOp>,
    /// Whether [`Out::emit`] writes its note's text (see [`Out::keep_notes`]).
    notes: bool,
}

impl<M, T, D> Default for Out<M, T, D> {
    fn default() -> Self {
        Self { commands: Vec::new(), ops: Vec::new(), notes: true }
    }
}

/// The text of a note: a `&str`, a `String`, or `format_args!(...)`, which
/// is only formatted when the note is kept (see [`Out::keep_notes`]).
pub trait NoteText {
    fn into_text(self) -> String;
}

impl NoteText for &str {
    fn into_text(self) -> String {
        self.to_string()
    }
}

impl NoteText for String {
    fn into_text(self) -> String {
        self
    }
}

impl NoteText for std::fmt::Arguments<'_> {
    fn into_text(self) -> String {
        line(self)
    }
}

/// Commands an inner part's buffer has room for before it grows
/// ([`Out::inner`]): a Raft leader's heartbeat round to eight followers.
const INNER_ROOM: usize = 8;

/// Room a line of text starts with: most log lines fit in it.
const LINE_ROOM: usize = 64;

/// `format!` for a line of the event log, in one allocation. `format!`
/// sizes its string from the literal text alone, and not at all when the
/// text starts with an argument and has little literal text (`"{} {}"`),
/// so a line with numbers and names grew its string two or three times
/// (writing it here cut 1.7% of the instructions of the lab benchmark's
/// short single-decree Paxos runs).
pub fn line(args: std::fmt::Arguments<'_>) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(LINE_ROOM);
    text.write_fmt(args).expect("writing to a String cannot fail");
    text
}

impl<M, T, D> Out<M, T, D> {
    /// Save `state` (anything that converts into the protocol's durable
    /// state, so a role of a multi-role protocol can persist its own part).
    pub fn persist(&mut self, state: impl Into<D>) {
        self.commands.push(Command::Persist(state.into()));
    }
    pub fn send(&mut self, to: NodeId, msg: M) {
        self.commands.push(Command::Send { to, msg });
    }
    pub fn set_timer(&mut self, timer: T, after_min: Tick, after_max: Tick) {
        debug_assert!(after_min <= after_max);
        self.commands.push(Command::SetTimer { timer, after_min, after_max });
    }
    pub fn cancel_timer(&mut self, timer: T) {
        self.commands.push(Command::CancelTimer { timer });
    }
    /// A note for the event log. Write it with `format_args!` rather than
    /// `format!`, so a world that keeps no log never formats it.
    pub fn emit(&mut self, level: Level, text: impl NoteText) {
        let text = if self.notes { text.into_text() } else { String::new() };
        self.commands.push(Command::Emit(Note { level, text }));
    }
    /// Whether notes keep their text (on by default). A world that keeps no
    /// event log (a model checker's) switches it off: each note is still
    /// pushed, so the commands of a step and where a crash can cut them are
    /// the same, but its text is left empty and never formatted.
    pub fn keep_notes(&mut self, keep: bool) {
        self.notes = keep;
    }
    /// An empty buffer for an inner part of this node (the Raft node of a
    /// key-value server, the client of a store), whose commands that node
    /// then passes on into this one. It keeps notes as this
    /// one does, so a model checker's world formats no text for the inner
    /// part either (a default buffer formatted every note of kv-raft's
    /// Raft nodes, for the outer one to drop), and it starts with room for
    /// a step's commands.
    pub fn inner<M2, T2, D2>(&self) -> Out<M2, T2, D2> {
        Out { commands: Vec::with_capacity(INNER_ROOM), ops: Vec::new(), notes: self.notes }
    }
    /// Carry out what an inner part's buffer (see [`Out::inner`]) holds,
    /// its messages, timers and durable state wrapped into this one's by
    /// `msg`, `timer` and `durable`, its client operations included. Both
    /// buffers keep their allocations.
    pub fn forward<M2, T2, D2>(
        &mut self,
        inner: &mut Out<M2, T2, D2>,
        msg: impl Fn(M2) -> M,
        timer: impl Fn(T2) -> T,
        durable: impl Fn(D2) -> D,
    ) {
        for c in inner.drain() {
            self.commands.push(match c {
                Command::Persist(d) => Command::Persist(durable(d)),
                Command::Send { to, msg: m } => Command::Send { to, msg: msg(m) },
                Command::SetTimer { timer: t, after_min, after_max } => {
                    Command::SetTimer { timer: timer(t), after_min, after_max }
                }
                Command::CancelTimer { timer: t } => Command::CancelTimer { timer: timer(t) },
                Command::Emit(note) => Command::Emit(note),
            });
        }
        self.ops.append(&mut inner.ops);
    }
    /// Report a client operation (see [`client_op`]).
    pub fn op(&mut self, op: ClientOp) {
        self.ops.push(op);
    }
    pub fn commands(&self) -> &[Command<M, T, D>] {
        &self.commands
    }
    /// The client operations reported so far.
    pub fn ops(&self) -> &[ClientOp] {
        &self.ops
    }
    /// Hand out the client operations in order, keeping the allocation.
    pub fn drain_ops(&mut self) -> std::vec::Drain<'_, ClientOp> {
        self.ops.drain(..)
    }
    pub fn take(&mut self) -> Vec<Command<M, T, D>> {
        std::mem::take(&mut self.commands)
    }
    /// Hand out the commands in order, keeping the buffer's allocation for
    /// the next step.
    pub fn drain(&mut self) -> std::vec::Drain<'_, Command<M, T, D>> {
        self.commands.drain(..)
    }
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }
    pub fn len(&self) -> usize {
        self.commands.len()
    }
}

/// A deliberately broken variant of a protocol, for showing that its
/// checker catches the bug. Switched on at run time with the protocol option
/// `bug=NAME` (`cli run --set bug=forget-vote`, `&bug=forget-vote` in a
/// link); `cli algos` lists them, the app's menus do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct BugSpec {
    /// The option value: `"forget-vote"`.
    pub name: &'static str,
    /// The safety property it is expected to break, one of
    /// [`Checker::PROPERTIES`].
    pub breaks: &'static str,
    /// What the broken code does, in a sentence.
    pub what: &'static str,
}

impl BugSpec {
    /// The bug of `all` named `name`, where `specs[i]` describes `all[i]`;
    /// otherwise an error listing the bugs `protocol` has. Every protocol's
    /// `FromStr` for its bugs is this one call.
    pub fn find<B: Copy>(all: &[B], specs: &[BugSpec], protocol: &str, name: &str) -> Result<B, String> {
        specs.iter().position(|spec| spec.name == name).and_then(|i| all.get(i).copied()).ok_or_else(|| {
            let known: Vec<&str> = specs.iter().map(|spec| spec.name).collect();
            format!("unknown bug {name:?} for {protocol}; known: {}", known.join(", "))
        })
    }
}

/// A protocol's deliberately broken variants: an enum whose variants are
/// listed in [`Bugs::ALL`], each described by the [`BugSpec`] at the same
/// index of [`Bugs::SPECS`]. The lookups every protocol needs (a bug's spec,
/// its option value, parsing one) are written once, here.
pub trait Bugs: Copy + PartialEq + Debug + 'static {
    const ALL: &'static [Self];
    const SPECS: &'static [BugSpec];
    /// Whose bugs these are, for the error naming the known ones: `"raft"`.
    const PROTOCOL: &'static str;

    /// What the bug is and which property it breaks.
    fn spec(self) -> BugSpec {
        let i = Self::ALL.iter().position(|b| *b == self).expect("every bug is listed in ALL");
        Self::SPECS[i]
    }

    /// The option value: `"forget-vote"`.
    fn name(self) -> &'static str {
        self.spec().name
    }

    /// The bug named `name`, or an error listing the known ones.
    fn parse(name: &str) -> Result<Self, String> {
        BugSpec::find(Self::ALL, Self::SPECS, Self::PROTOCOL, name)
    }
}

/// What a message says about itself, for the trace, the canvas and the log.
pub trait Message: Clone + Debug + Serialize {
    /// The message type in the paper's words: `"RequestVote"`.
    fn kind(&self) -> &'static str;
    /// A short label drawn next to the message: `"RV t3"`.
    fn label(&self) -> String;
    /// The term (election epoch) it carries, for a protocol with terms: the
    /// caption names it. `None` by default.
    fn term(&self) -> Option<u64> {
        None
    }
    /// The colour the message is drawn in; by default a stable colour of
    /// its kind.
    fn tone(&self) -> Tone {
        Tone::of_name(self.kind())
    }
}

/// What a timer says about itself.
pub trait Timer: Copy + Debug + Ord + Serialize {
    /// Its name in the trace and on screen: `"election"`.
    fn name(&self) -> &'static str;
}

/// The liveness state of a node, as the world sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Up,
    /// Lost its volatile state; holds what it last persisted.
    Crashed,
    /// Frozen while time runs on (a long GC pause); keeps all its state.
    Paused,
}

impl Status {
    /// The status as traces and reports write it (`up`, `crashed`, `paused`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Up => "up",
            Status::Crashed => "crashed",
            Status::Paused => "paused",
        }
    }
}

/// A node as a [`Checker`] sees it.
#[derive(Debug, Hash)]
pub struct NodeRef<'a, P> {
    pub id: NodeId,
    pub status: Status,
    pub state: &'a P,
}

impl<'a, P> NodeRef<'a, P> {
    /// The same node seen as the part of its state that `part` picks (an
    /// inner node, the variant of a type that runs several protocols), if
    /// it has that part.
    pub fn part<T>(&self, part: impl FnOnce(&'a P) -> Option<&'a T>) -> Option<NodeRef<'a, T>> {
        Some(NodeRef { id: self.id, status: self.status, state: part(self.state)? })
    }
}

/// The nodes of `nodes` that have the part `part` picks, seen as that part
/// (see [`NodeRef::part`]): what a type wrapping several protocols hands
/// the wrapped protocol's picture and checker.
pub fn narrow<'a, P, T>(nodes: &[NodeRef<'a, P>], part: fn(&'a P) -> Option<&'a T>) -> Vec<NodeRef<'a, T>> {
    nodes.iter().filter_map(|n| n.part(part)).collect()
}

/// A broken safety property.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Violation {
    /// The property's name, one of [`Checker::PROPERTIES`].
    pub property: &'static str,
    /// What exactly is wrong, in a sentence with the node ids involved.
    pub detail: String,
    /// The nodes whose states break the property, ascending (the app marks
    /// them on the canvas); empty when none is to blame on its own. Left
    /// out of traces when empty, so a run without violations is unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<NodeId>,
}

impl Violation {
    /// `property` is broken, as `detail` says, by the states of `nodes`.
    pub fn new(property: &'static str, detail: String, nodes: impl IntoIterator<Item = NodeId>) -> Self {
        let mut nodes: Vec<NodeId> = nodes.into_iter().collect();
        sort::sort(&mut nodes);
        nodes.dedup();
        Self { property, detail, nodes }
    }
}

/// Checks a protocol's safety properties over all nodes after every step.
///
/// A checker may keep history (for properties across time such as "a
/// committed entry never changes"); it is cloned with the world's snapshots,
/// so it must be cheap to clone and bounded in size.
pub trait Checker<P>: Clone + Debug + Default {
    /// Every property this checker verifies, in display order.
    const PROPERTIES: &'static [&'static str];
    /// Look at the cluster after a step; return the first broken property.
    fn check(&mut self, nodes: &[NodeRef<'_, P>]) -> Option<Violation>;

    /// Like [`Checker::check`], told what can have changed: after an event
    /// or a client request, only the node that handled it (`Some(id)`);
    /// after a crash, restart, pause or resume, any node (`None`). An action
    /// that changes no node (a message or timer forced next, a drop, a
    /// duplicate, a delay, a link cut, a clock's drift) is not followed by a
    /// check: the last result stands. A checker whose history is kept per
    /// node may skip the nodes that did not change; the default checks
    /// everything.
    fn check_changed(&mut self, nodes: &[NodeRef<'_, P>], changed: Option<NodeId>) -> Option<Violation> {
        let _ = changed;
        self.check(nodes)
    }

    /// Hash what this checker remembers into `h`, for a model checker that
    /// merges equal states: a checker with history (the entries seen
    /// committed) can flag in one state what it cannot in another with the
    /// same nodes, so its memory is part of the state. By default its
    /// `Debug` text (see [`fingerprint::debug`]); a checker without history
    /// hashes nothing new that way.
    fn fingerprint(&self, h: &mut Fingerprint) {
        fingerprint::debug(self, h);
    }
}

/// A distributed protocol: one node's state machine.
pub trait Protocol: Clone + Debug + Sized + 'static {
    /// The `--algo` name: `"raft"`.
    const NAME: &'static str;
    /// Settings shared by every node (timeouts, variants). Kept apart from state.
    type Config: Clone + Debug + Default + Serialize;
    type Msg: Message;
    type Timer: Timer;
    /// What survives a crash: the state a [`Command::Persist`] carries.
    /// Cloned with every snapshot, so it should be cheap to clone (share
    /// long logs rather than copy them).
    type Durable: Clone + Debug;
    /// The node's view in the trace.
    type View: Serialize;
    type Checker: Checker<Self>;
    /// What its clients do, as the operations it reports through
    /// [`Out::op`] (see [`client_op`]); empty for a protocol without clients.
    const CLIENT_OPS: &'static [OpFn] = &[];

    /// The `--algo` name of a world with `config`: [`Protocol::NAME`], unless
    /// one type runs several algorithms and its config says which (one type
    /// for several keeps one copy of the generic simulator in the app).
    fn name(config: &Self::Config) -> &'static str {
        let _ = config;
        Self::NAME
    }
    /// What the clients of a world with `config` do: [`Protocol::CLIENT_OPS`],
    /// unless one type runs several algorithms (as [`Protocol::name`]).
    fn client_ops(config: &Self::Config) -> &'static [OpFn] {
        let _ = config;
        Self::CLIENT_OPS
    }
    /// The safety properties a world with `config` checks, in display
    /// order: its checker's [`Checker::PROPERTIES`], unless one type runs
    /// several algorithms whose checkers differ (as [`Protocol::name`]).
    fn properties(config: &Self::Config) -> &'static [&'static str] {
        let _ = config;
        <Self::Checker as Checker<Self>>::PROPERTIES
    }
    /// Build a node; `durable` is what it persisted before a crash, if anything.
    fn new(id: NodeId, cluster: &Cluster, config: &Self::Config, durable: Option<&Self::Durable>) -> Self;
    /// Handle one input at local time `now`, pushing effects into `out`.
    fn step(&mut self, now: Tick, input: Input<Self::Msg, Self::Timer>, out: &mut OutOf<Self>);
    /// The node as the trace shows it.
    fn view(&self, up: bool) -> Self::View;
    /// The node as the canvas draws it.
    fn look(&self) -> Look;
    /// What the inspector shows of this node, in display order: first a
    /// panel of facts, then anything longer (Raft's log as a table). `up`
    /// is false for a crashed node, which holds only what it persisted.
    fn inspect(&self, up: bool) -> Vec<Panel> {
        let _ = up;
        Vec::new()
    }
    /// A client request this node takes, numbered `n` so that each one the
    /// app sends differs (`"x=3"`): the example in the inspector's request
    /// form, and what the app's one-click request sends. `None` for a node
    /// that ignores requests (a lock's clients act on their own, a 2PC
    /// participant hears only its coordinator), and by default.
    fn client_request(&self, n: u64) -> Option<String> {
        let _ = n;
        None
    }
    /// What the whole cluster means right now (legend, banner, quorum,
    /// side panels), from every node's state. Called whenever the world
    /// changes, so it must do bounded work however long the run.
    fn picture(nodes: &[NodeRef<'_, Self>], config: &Self::Config) -> Picture {
        let _ = (nodes, config);
        Picture::default()
    }
    /// Hash into `h` everything of this node's state that decides what it
    /// does next, for the model checker (crate `check`), which merges
    /// states with equal fingerprints. It must be sound: states that can
    /// behave differently hash differently. A derived `Hash` fed to `h`
    /// (`std::hash::Hash::hash(self, h)`) is sound and cheap, as is
    /// [`fingerprint::debug`] (slower) for a state whose `Debug` shows every
    /// field. The message, durable and timer hashes default to their `Debug`
    /// text, which is complete but slow: a protocol overrides them too.
    fn fingerprint(&self, h: &mut Fingerprint);
    /// Hash a message in flight (its payload; the world adds its ends).
    fn fingerprint_msg(msg: &Self::Msg, h: &mut Fingerprint) {
        fingerprint::debug(msg, h);
    }
    /// Hash what a node persisted (a restart rebuilds the node from it).
    fn fingerprint_durable(durable: &Self::Durable, h: &mut Fingerprint) {
        fingerprint::debug(durable, h);
    }
    /// Hash an armed timer (the world hashes a node's timers as a set).
    fn fingerprint_timer(timer: &Self::Timer, h: &mut Fingerprint) {
        fingerprint::debug(timer, h);
    }
    /// Its interchangeable nodes in a world of `config`, if it has any:
    /// `Some(Symmetry::of())` from a protocol that implements
    /// [`Symmetric`] (see [`symmetry`]).
    fn symmetry(config: &Self::Config) -> Option<Symmetry<Self>> {
        let _ = config;
        None
    }
}

/// Shorthand for the output buffer of protocol `P`.
pub type OutOf<P> = Out<<P as Protocol>::Msg, <P as Protocol>::Timer, <P as Protocol>::Durable>;
/// Shorthand for an input of protocol `P`.
pub type InputOf<P> = Input<<P as Protocol>::Msg, <P as Protocol>::Timer>;
/// Shorthand for a command of protocol `P`.
pub type CommandOf<P> = Command<<P as Protocol>::Msg, <P as Protocol>::Timer, <P as Protocol>::Durable>;

/// The ending of a counted noun in the text people read: `""` for one,
/// `"s"` otherwise, as in `format!("{n} change{}", plural(n))`.
pub fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod status_tests {
    use super::Status;

    #[test]
    fn a_status_name_is_its_serialized_form() {
        for s in [Status::Up, Status::Crashed, Status::Paused] {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.name()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        let said = |n: u64| format!("{n} change{}", plural(n));
        assert_eq!([said(0), said(1), said(2)], ["0 changes", "1 change", "2 changes"]);
    }

    #[test]
    fn majority_is_strict() {
        assert_eq!(Cluster { nodes: 1 }.majority(), 1);
        assert_eq!(Cluster { nodes: 4 }.majority(), 3);
        assert_eq!(Cluster { nodes: 5 }.majority(), 3);
        assert_eq!(Cluster { nodes: 9 }.majority(), 5);
    }

    #[test]
    fn a_line_is_what_format_writes_in_one_allocation() {
        let (node, term) = (4, 12_345_678_901u64);
        let short = line(format_args!("{node} {term}"));
        assert_eq!(short, format!("{node} {term}"));
        assert!(short.capacity() >= LINE_ROOM, "room made up front, not grown from the literal text");
        let long = line(format_args!("{}{node}", "x".repeat(100)));
        assert_eq!(long, format!("{}4", "x".repeat(100)), "a longer line grows as format! does");
        let mut out: Out<(), (), ()> = Out::default();
        out.emit(Level::Info, format_args!("node {node} is leader of term {term}"));
        assert!(
            matches!(out.commands(), [Command::Emit(Note { text, .. })] if text == "node 4 is leader of term 12345678901")
        );
    }

    #[test]
    fn an_inner_buffer_keeps_notes_as_its_outer_one_does() {
        let mut outer: Out<(), (), ()> = Out::default();
        let mut inner: Out<u8, (), ()> = outer.inner();
        inner.emit(Level::Info, format_args!("kept {}", 1));
        outer.keep_notes(false);
        let mut quiet: Out<u8, (), ()> = outer.inner();
        quiet.emit(Level::Info, format_args!("dropped {}", 2));
        let texts = |out: &Out<u8, (), ()>| -> Vec<String> {
            out.commands()
                .iter()
                .map(|c| match c {
                    Command::Emit(note) => note.text.clone(),
                    _ => unreachable!("only notes were pushed"),
                })
                .collect()
        };
        assert_eq!(texts(&inner), ["kept 1"]);
        assert_eq!(texts(&quiet), [""], "the note is still pushed, its text never formatted");
    }

    #[test]
    fn narrowing_keeps_ids_and_statuses_of_the_nodes_with_the_part() {
        let states = [(1u8, Some('a')), (2, None), (3, Some('c'))];
        let statuses = [Status::Up, Status::Crashed, Status::Paused];
        let nodes: Vec<NodeRef<'_, (u8, Option<char>)>> = states
            .iter()
            .zip(statuses)
            .enumerate()
            .map(|(id, (state, status))| NodeRef { id: id as NodeId, status, state })
            .collect();
        let parts = narrow(&nodes, |s| s.1.as_ref());
        let seen: Vec<(NodeId, Status, char)> = parts.iter().map(|n| (n.id, n.status, *n.state)).collect();
        assert_eq!(seen, [(0, Status::Up, 'a'), (2, Status::Paused, 'c')]);
        assert!(nodes[1].part(|s| s.1.as_ref()).is_none());
        assert_eq!(nodes[0].part(|s| Some(&s.0)).map(|n| *n.state), Some(1));
    }

    #[test]
    fn peers_skip_self_in_order() {
        let peers: Vec<_> = Cluster { nodes: 4 }.peers(2).collect();
        assert_eq!(peers, vec![0, 1, 3]);
    }

    /// Counts how often it is formatted.
    struct Counted<'a>(&'a std::cell::Cell<u32>);

    impl std::fmt::Display for Counted<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.set(self.0.get() + 1);
            f.write_str("ballot 3")
        }
    }

    #[test]
    fn notes_left_out_keep_their_place_and_are_never_formatted() {
        let formatted = std::cell::Cell::new(0);
        let mut out: Out<(), (), ()> = Out::default();
        out.emit(Level::Info, format_args!("prepares {}", Counted(&formatted)));
        out.keep_notes(false);
        out.send(1, ());
        out.emit(Level::Warn, format_args!("gives up {}", Counted(&formatted)));
        out.emit(Level::Notice, "a &str");
        out.keep_notes(true);
        out.emit(Level::Notice, String::from("kept"));
        assert_eq!(formatted.get(), 1, "only the kept note was formatted");
        let note = |level, text: &str| Command::Emit(Note { level, text: text.to_string() });
        assert_eq!(
            out.take(),
            vec![
                note(Level::Info, "prepares ballot 3"),
                Command::Send { to: 1, msg: () },
                note(Level::Warn, ""),
                note(Level::Notice, ""),
                note(Level::Notice, "kept"),
            ]
        );
    }
}
