//! The ShiViz log (<https://bestchai.bitbucket.io/shiviz/>): every event at
//! a node with the node's vector clock, two lines per event.
//!
//! ```text
//! (?<event>.*)\n(?<host>\S*) (?<clock>{.*})
//!
//! start (step 0, 0 ms)
//! n0 {"n0":1}
//! send RequestVote #0 to n1 (step 1, 193 ms)
//! n2 {"n2":2}
//! receive RequestVote #0 from n2 (step 3, 210 ms)
//! n1 {"n1":2,"n2":2}
//! ```
//!
//! The first line is the regular expression ShiViz parses the log with
//! ([`SHIVIZ_REGEX`]) and the second the delimiter between executions, empty:
//! ShiViz reads an uploaded file that way. Every event ticks its node's own
//! entry by one (ShiViz requires it); a send is an event of its own, after
//! the event that caused it; a receive merges the clock of its send. Clocks
//! list the nodes they know of, in id order; the keys are the host names.

use super::{envelope, Handling, Head, Host, StepRef, Writer};
use crate::export::edn::Value;
use crate::in_flight::InFlight;
use crate::journal::{Handled, Happening};
use protocol::{NodeId, Tick};
use std::fmt;
use std::io::{self, Write};

/// The regular expression ShiViz parses the log with: an event line, then
/// the host and its clock.
pub const SHIVIZ_REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";

/// A message on the wire: what it is and the clock of its send (the
/// envelope around it says who sent it).
#[derive(Clone, Debug)]
struct Sent {
    kind: &'static str,
    clock: Box<[u64]>,
}

pub(crate) struct ShiViz {
    /// Each node's vector clock, `clocks[node][other]`.
    clocks: Vec<Vec<u64>>,
    in_flight: InFlight<Sent>,
}

impl ShiViz {
    pub fn start(out: &mut dyn Write, head: &Head) -> io::Result<Self> {
        writeln!(out, "{SHIVIZ_REGEX}\n")?;
        let n = head.nodes as usize;
        Ok(Self { clocks: vec![vec![0; n]; n], in_flight: InFlight::default() })
    }

    /// Tick `node`'s clock for an event and write the event.
    fn event(
        &mut self,
        out: &mut dyn Write,
        node: NodeId,
        step: &StepRef<'_>,
        what: fmt::Arguments<'_>,
    ) -> io::Result<()> {
        let clock = &mut self.clocks[node as usize];
        clock[node as usize] += 1;
        writeln!(out, "{what} (step {}, {} ms)", step.step, step.time)?;
        write!(out, "{} {{", Host(node))?;
        let mut first = true;
        for (other, &count) in clock.iter().enumerate().filter(|(_, &c)| c > 0) {
            let comma = if first { "" } else { "," };
            write!(out, "{comma}\"{}\":{count}", Host(other as NodeId))?;
            first = false;
        }
        writeln!(out, "}}")
    }
}

impl Writer for ShiViz {
    fn step(&mut self, out: &mut dyn Write, step: &StepRef<'_>) -> io::Result<()> {
        for happening in step.journal {
            match happening {
                Happening::Ran { node, input } => {
                    let sent = input.message().and_then(|id| self.in_flight.remove(id));
                    let kind = sent.as_ref().map_or("message", |sent| sent.msg.kind);
                    let what = Handling { input, step: step.step, kind };
                    match (input, sent) {
                        (Handled::Message(id), Some(sent)) => {
                            let clock = &mut self.clocks[*node as usize];
                            for (mine, theirs) in clock.iter_mut().zip(sent.msg.clock.iter()) {
                                *mine = (*mine).max(*theirs);
                            }
                            let from = Host(sent.from);
                            self.event(out, *node, step, format_args!("{what} #{id} from {from}"))?
                        }
                        _ => self.event(out, *node, step, format_args!("{what}"))?,
                    }
                }
                Happening::Sent { msg, from, to, kind, .. } => {
                    self.event(out, *from, step, format_args!("send {kind} #{msg} to {}", Host(*to)))?;
                    let clock = self.clocks[*from as usize].clone().into_boxed_slice();
                    self.in_flight.insert(envelope(*msg, *from, *to, Sent { kind, clock }));
                }
                Happening::Copied { msg, copy } => {
                    if let Some(sent) = self.in_flight.get(*msg) {
                        let copied = envelope(*copy, sent.from, sent.to, sent.msg.clone());
                        self.in_flight.insert(copied);
                    }
                }
                Happening::Lost { msg, .. } => {
                    self.in_flight.remove(*msg);
                }
                Happening::Op { node, op } => {
                    let (kind, f, value) = (op.kind.name(), op.f.name(), Value(&op.value));
                    self.event(out, *node, step, format_args!("{kind} {f} {value}"))?
                }
                Happening::Crashed { node } => self.event(out, *node, step, format_args!("crash"))?,
                Happening::Paused { node } => self.event(out, *node, step, format_args!("pause"))?,
                Happening::Resumed { node } => self.event(out, *node, step, format_args!("resume"))?,
                // Notable lines are the event log's; these exports show events.
                Happening::Noted { .. } => {}
            }
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _step: u64, _time: Tick) -> io::Result<()> {
        Ok(())
    }
}
