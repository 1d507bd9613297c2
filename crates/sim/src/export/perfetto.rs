//! Chrome trace-event JSON (the Trace Event Format), which
//! <https://ui.perfetto.dev> and `chrome://tracing` open:
//!
//! ```json
//! {"traceEvents":[
//! {"ph":"M","name":"process_name","pid":1,"tid":0,"args":{"name":"raft seed 42"}},
//! {"ph":"M","name":"thread_name","pid":1,"tid":0,"args":{"name":"node 0"}},
//! {"ph":"X","name":"timer election","pid":1,"tid":2,"ts":193000,"dur":100,"args":{"step":1,"time_ms":193}},
//! {"ph":"s","name":"RequestVote","cat":"message","id":0,"pid":1,"tid":2,"ts":193000},
//! {"ph":"f","bp":"e","name":"RequestVote","cat":"message","id":0,"pid":1,"tid":0,"ts":210000},
//! ...],
//! "displayTimeUnit":"ms"}
//! ```
//!
//! One process (named after the algorithm and seed), one thread (track) per node. Every input a node handles is
//! a slice of [`SLICE_US`] at its model time (`ts` in microseconds, one model
//! millisecond = 1000); slices that fall in the same millisecond are laid
//! one after the other so that none overlaps, and `args.time_ms` keeps the
//! exact model time. A message is a flow arrow (`s` at its send inside the
//! sender's slice, `f` with `bp:"e"` inside the receiver's slice that
//! handles it, `id` = the message id). A lost message has no `f`: an instant
//! (`ph:"i"`) `lost KIND #ID` on the receiver's track marks where it was
//! lost, with the reason. Crashes, pauses, resumes and client operations are
//! instants on their node's track.

use super::{envelope, Handling, Head, StepRef, Writer};
use crate::action::MsgId;
use crate::export::edn::Value;
use crate::in_flight::InFlight;
use crate::journal::Happening;
use protocol::{NodeId, Tick};
use std::io::{self, Write};

/// How long a slice lasts, in microseconds (a tenth of a model millisecond).
pub const SLICE_US: u64 = 100;

/// A message on the wire: what it is and its send's place on the timeline
/// (the envelope around it says who sent it to whom).
#[derive(Clone, Copy, Debug)]
struct Sent {
    kind: &'static str,
    ts: u64,
}

pub(crate) struct Perfetto {
    /// Where the next slice may start, so that slices never overlap.
    free_at: u64,
    /// The slice being written: its node and start.
    current: Option<(NodeId, u64)>,
    in_flight: InFlight<Sent>,
}

/// A JSON string.
fn string(out: &mut dyn Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(out, s).map_err(io::Error::from)
}

impl Perfetto {
    pub fn start(out: &mut dyn Write, head: &Head) -> io::Result<Self> {
        write!(
            out,
            "{{\"traceEvents\":[\n{{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{{\"name\":"
        )?;
        string(out, &format!("{} seed {}", head.algo, head.seed))?;
        write!(out, "}}}}")?;
        for node in 0..head.nodes {
            write!(out, ",\n{{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":{node},\"args\":{{\"name\":\"node {node}\"}}}}")?;
            write!(out, ",\n{{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":{node},\"args\":{{\"sort_index\":{node}}}}}")?;
        }
        Ok(Self { free_at: 0, current: None, in_flight: InFlight::default() })
    }

    /// A slice for `node` handling something at `step`; its start.
    fn slice(&mut self, out: &mut dyn Write, node: NodeId, name: &str, step: &StepRef<'_>) -> io::Result<u64> {
        let ts = (step.time * 1000).max(self.free_at);
        self.free_at = ts + SLICE_US;
        self.current = Some((node, ts));
        write!(out, ",\n{{\"ph\":\"X\",\"name\":")?;
        string(out, name)?;
        write!(
            out,
            ",\"pid\":1,\"tid\":{node},\"ts\":{ts},\"dur\":{SLICE_US},\"args\":{{\"step\":{},\"time_ms\":{}}}}}",
            step.step, step.time
        )?;
        Ok(ts)
    }

    /// An instant on `node`'s track at model time `time` (inside the slice
    /// being written, if it is `node`'s), with `args` (a JSON object's
    /// members, or nothing).
    fn instant(&self, out: &mut dyn Write, node: NodeId, name: &str, time: Tick, args: &str) -> io::Result<()> {
        let ts = match self.current {
            Some((current, ts)) if current == node => ts,
            _ => time * 1000,
        };
        write!(out, ",\n{{\"ph\":\"i\",\"s\":\"t\",\"name\":")?;
        string(out, name)?;
        write!(out, ",\"pid\":1,\"tid\":{node},\"ts\":{ts},\"args\":{{{args}}}}}")
    }

    /// One end of message `id`'s arrow: `s` at the send, `f` at the delivery.
    fn flow(out: &mut dyn Write, phase: char, id: MsgId, kind: &str, node: NodeId, ts: u64) -> io::Result<()> {
        let bind = if phase == 'f' { ",\"bp\":\"e\"" } else { "" };
        write!(out, ",\n{{\"ph\":\"{phase}\"{bind},\"name\":")?;
        string(out, kind)?;
        write!(out, ",\"cat\":\"message\",\"id\":{id},\"pid\":1,\"tid\":{node},\"ts\":{ts}}}")
    }
}

impl Writer for Perfetto {
    fn step(&mut self, out: &mut dyn Write, step: &StepRef<'_>) -> io::Result<()> {
        for happening in step.journal {
            match happening {
                Happening::Ran { node, input } => {
                    let id = input.message();
                    let kind = id.and_then(|id| self.in_flight.remove(id)).map_or("message", |sent| sent.msg.kind);
                    let ts = self.slice(out, *node, &Handling { input, step: step.step, kind }.to_string(), step)?;
                    if let Some(id) = id {
                        Self::flow(out, 'f', id, kind, *node, ts)?;
                    }
                }
                Happening::Sent { msg, from, to, kind, .. } => {
                    let ts = match self.current {
                        Some((node, ts)) if node == *from => ts,
                        _ => self.slice(out, *from, "send", step)?,
                    };
                    Self::flow(out, 's', *msg, kind, *from, ts)?;
                    self.in_flight.insert(envelope(*msg, *from, *to, Sent { kind, ts }));
                }
                Happening::Copied { msg, copy } => {
                    if let Some(sent) = self.in_flight.get(*msg) {
                        let copied = envelope(*copy, sent.from, sent.to, sent.msg);
                        Self::flow(out, 's', *copy, copied.msg.kind, copied.from, copied.msg.ts)?;
                        self.in_flight.insert(copied);
                    }
                }
                Happening::Lost { msg, reason } => {
                    if let Some(sent) = self.in_flight.remove(*msg) {
                        let args = format!("\"msg\":{msg},\"from\":{},\"reason\":\"{}\"", sent.from, reason.text());
                        self.instant(out, sent.to, &format!("lost {} #{msg}", sent.msg.kind), step.time, &args)?;
                    }
                }
                Happening::Op { node, op } => {
                    let mut args = b"\"value\":".to_vec();
                    string(&mut args as &mut dyn Write, &Value(&op.value).to_string())?;
                    let args = String::from_utf8(args).expect("JSON is UTF-8");
                    let name = format!("{} {}", op.kind.name(), op.f.name());
                    self.instant(out, *node, &name, step.time, &args)?;
                }
                Happening::Crashed { node } => self.instant(out, *node, "crash", step.time, "")?,
                Happening::Paused { node } => self.instant(out, *node, "pause", step.time, "")?,
                Happening::Resumed { node } => self.instant(out, *node, "resume", step.time, "")?,
                // Notable lines are the event log's; these exports show events.
                Happening::Noted { .. } => {}
            }
        }
        // A crash or a loss after the last slice starts no new slice.
        self.current = None;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _step: u64, _time: Tick) -> io::Result<()> {
        writeln!(out, "\n],\"displayTimeUnit\":\"ms\"}}")
    }
}
