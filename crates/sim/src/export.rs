//! Exports of a run to tools people already use: a ShiViz log
//! ([`Export::ShiViz`]), Chrome trace-event JSON for Perfetto and
//! `chrome://tracing` ([`Export::Perfetto`]), and a Jepsen history of the
//! clients' operations for Knossos or Elle ([`Export::Edn`]).
//!
//! Like the trace, every export replays the run from its inputs and streams
//! out each step as it goes: the writers see one step's
//! [`journal`](crate::journal) at a time, keep only what is still open (the
//! messages in flight, the operations in progress), and the same inputs give
//! the same bytes on every platform. The writers are not generic: one copy
//! of each serves every protocol.

pub(crate) mod edn;
mod perfetto;
mod shiviz;

use crate::action::MsgId;
use crate::journal::{Handled, Happening};
use crate::run::Run;
use crate::trace::MAX_TRACE_STEPS;
use crate::world::Envelope;
use protocol::{NodeId, Protocol, Tick};
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

pub use shiviz::SHIVIZ_REGEX;

/// A format a run can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// A ShiViz log: events with vector clocks.
    ShiViz,
    /// Chrome trace-event JSON (Perfetto, `chrome://tracing`).
    Perfetto,
    /// A Jepsen history of client operations, in EDN.
    Edn,
}

impl Export {
    pub const ALL: [Export; 3] = [Export::ShiViz, Export::Perfetto, Export::Edn];

    /// Its name on the command line and in the app: `"shiviz"`.
    pub fn name(self) -> &'static str {
        match self {
            Export::ShiViz => "shiviz",
            Export::Perfetto => "perfetto",
            Export::Edn => "edn",
        }
    }
}

impl fmt::Display for Export {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Export {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Export::ALL.into_iter().find(|e| e.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Export::ALL.iter().map(|e| e.name()).collect();
            format!("unknown export format {s:?}; known: {}", names.join(", "))
        })
    }
}

/// What every writer knows before the first step.
pub(crate) struct Head {
    pub algo: &'static str,
    pub seed: u64,
    pub nodes: u32,
}

/// One step as the writers see it: `step` 0 is the start-up (every node's
/// `Start` and the actions of step 0).
pub(crate) struct StepRef<'a> {
    pub step: u64,
    pub time: Tick,
    pub journal: &'a [Happening],
}

/// A format's writer, fed one step at a time.
pub(crate) trait Writer {
    fn step(&mut self, out: &mut dyn Write, step: &StepRef<'_>) -> io::Result<()>;
    /// After the last step, `step` at model time `time`.
    fn finish(&mut self, out: &mut dyn Write, step: u64, time: Tick) -> io::Result<()>;
}

/// Why a run cannot be exported as `format`: an EDN history needs clients.
pub fn unsupported(format: Export, algo: &str, has_clients: bool) -> Option<String> {
    (format == Export::Edn && !has_clients).then(|| {
        format!(
            "{algo} has no clients; an EDN history is for algorithms whose clients report operations \
             (their operations are what Knossos and Elle check)"
        )
    })
}

/// Write `run` up to its current step as `format`, replaying it from its
/// inputs (at most [`MAX_TRACE_STEPS`] steps, as the trace).
pub fn write_export<P: Protocol>(run: &Run<P>, format: Export, out: &mut dyn Write) -> io::Result<()> {
    let world = run.world();
    let head = Head { algo: P::name(world.protocol_config()), seed: run.seed(), nodes: world.node_count() };
    let has_clients = !P::client_ops(world.protocol_config()).is_empty();
    let steps = run.steps().min(MAX_TRACE_STEPS);
    let fresh = || {
        Run::<P>::with_journal(
            world.config().clone(),
            world.protocol_config().clone(),
            run.seed(),
            run.actions().to_vec(),
        )
    };
    drive(format, &head, has_clients, &mut Replay { run: None, fresh, steps }, out)
}

/// A replay of a run, one step at a time, seen through its journal.
trait Replaying {
    /// The next step (the first call: step 0); `None` once the run is over.
    fn next_step(&mut self) -> Option<StepRef<'_>>;
}

/// A fresh run with another's inputs, built on the first step asked for.
struct Replay<P: Protocol, F> {
    run: Option<Run<P>>,
    fresh: F,
    steps: u64,
}

impl<P: Protocol, F: FnMut() -> Run<P>> Replaying for Replay<P, F> {
    fn next_step(&mut self) -> Option<StepRef<'_>> {
        match &mut self.run {
            None => self.run = Some((self.fresh)()),
            Some(run) => {
                if run.steps() >= self.steps || !run.step() {
                    return None;
                }
            }
        }
        let w = self.run.as_ref().expect("started").world();
        Some(StepRef { step: w.steps(), time: w.now(), journal: w.journal() })
    }
}

/// The part of an export that does not depend on the protocol, compiled
/// once: the writer, fed every step of the replay.
fn drive(
    format: Export,
    head: &Head,
    has_clients: bool,
    replay: &mut dyn Replaying,
    out: &mut dyn Write,
) -> io::Result<()> {
    if let Some(reason) = unsupported(format, head.algo, has_clients) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, reason));
    }
    let mut writer: Box<dyn Writer> = match format {
        Export::ShiViz => Box::new(shiviz::ShiViz::start(out, head)?),
        Export::Perfetto => Box::new(perfetto::Perfetto::start(out, head)?),
        Export::Edn => Box::new(edn::Edn::start(out, head)?),
    };
    let mut last = (0, 0);
    while let Some(step) = replay.next_step() {
        writer.step(out, &step)?;
        last = (step.step, step.time);
    }
    writer.finish(out, last.0, last.1)
}

/// An input a node handled, as the exports name it: `start` (at step 0),
/// `restart`, `timer election`, `client request`, `receive RequestVote`
/// (`kind` is the delivered message's kind).
pub(crate) struct Handling<'a> {
    pub input: &'a Handled,
    pub step: u64,
    pub kind: &'a str,
}

impl fmt::Display for Handling<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.input {
            Handled::Start if self.step == 0 => f.write_str("start"),
            Handled::Start => f.write_str("restart"),
            Handled::Timer(name) => write!(f, "timer {name}"),
            Handled::Request => f.write_str("client request"),
            Handled::Message(_) => write!(f, "receive {}", self.kind),
        }
    }
}

/// What a writer keeps of a message in flight, in the world's own map of
/// messages (one more B-tree type would cost the app's bundle its code).
pub(crate) fn envelope<M>(id: MsgId, from: NodeId, to: NodeId, msg: M) -> Envelope<M> {
    Envelope { id, from, to, sent_at: 0, deliver_at: 0, msg, held: false }
}

/// A node's name in the exports: `n3`.
pub(crate) struct Host(pub NodeId);

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}
