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

mod edn;
mod perfetto;
mod shiviz;

use crate::journal::Happening;
use crate::run::Run;
use crate::trace::MAX_TRACE_STEPS;
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
    if let Some(reason) = unsupported(format, head.algo, !P::CLIENT_OPS.is_empty()) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, reason));
    }
    let mut writer: Box<dyn Writer> = match format {
        Export::ShiViz => Box::new(shiviz::ShiViz::start(out, &head)?),
        Export::Perfetto => Box::new(perfetto::Perfetto::start(out, &head)?),
        Export::Edn => Box::new(edn::Edn::start(out, &head)?),
    };
    let steps = run.steps().min(MAX_TRACE_STEPS);
    let mut fresh =
        Run::<P>::new(world.config().clone(), world.protocol_config().clone(), run.seed(), run.actions().to_vec());
    loop {
        let w = fresh.world();
        writer.step(out, &StepRef { step: w.steps(), time: w.now(), journal: w.journal() })?;
        if fresh.steps() >= steps || !fresh.step() {
            break;
        }
    }
    writer.finish(out, fresh.steps(), fresh.world().now())
}

/// A node's name in the exports: `n3`.
pub(crate) struct Host(pub NodeId);

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}
