//! [`Session`]: a run of any protocol behind one object-safe interface, for
//! the app and the command line, which choose the algorithm at run time.

use crate::action::{Action, ActionError, MsgId, Scheduled};
use crate::config::SimConfig;
use crate::export::{write_export, Export};
use crate::journal::Happening;
use crate::record::{EventInfo, EventRecord, FirstViolation, LogEntry, MsgRecord};
use crate::run::Run;
use crate::trace::{write_trace_range, StepView};
use crate::world::{Lost, MsgInfo, NodeInfo};
use protocol::{Countdown, Message, NodeId, Panel, Picture, Protocol, Tick, Violation};
use serde::Serialize;

/// A run of some protocol, driven without knowing which.
pub trait Session {
    fn algo(&self) -> &'static str;
    fn seed(&self) -> u64;
    fn config(&self) -> &SimConfig;
    /// The protocol's settings as JSON.
    fn protocol_config_json(&self) -> String;
    fn steps(&self) -> u64;
    fn now(&self) -> Tick;
    /// When the next step happens (now, if the world is idle and waits for
    /// a scheduled action); `None` when nothing is left to happen.
    fn next_event_time(&self) -> Option<Tick>;
    /// Scheduled actions not reached yet: `(index in actions(), step)`.
    fn pending_actions(&self) -> Vec<(usize, u64)>;
    /// Process one event; `false` when nothing is left to happen.
    fn step(&mut self) -> bool;
    fn seek(&mut self, step: u64);
    fn act(&mut self, action: Action) -> Result<(), ActionError>;
    fn actions(&self) -> &[Scheduled];
    /// Scheduled actions that failed when their step came: (index, error).
    fn action_errors(&self) -> Vec<(usize, ActionError)>;

    /// Every safety property checked, in display order.
    fn properties(&self) -> &'static [&'static str];
    /// The property broken after the latest step, if any.
    fn violation(&self) -> Option<&Violation>;
    fn first_violation(&self) -> Option<&FirstViolation>;

    fn node_count(&self) -> u32;
    fn node_info(&self, id: NodeId) -> NodeInfo;
    /// A client request for `node` if it takes one, or for the node best
    /// placed to take it ([`Run::client_request`]).
    fn client_request(&self, node: Option<NodeId>) -> Option<Action>;
    /// What the whole cluster means now: legend, banner, quorum, panels.
    fn picture(&self) -> Picture;
    /// What the inspector shows of node `id`, facts first.
    fn inspect(&self, id: NodeId) -> Vec<Panel>;
    /// A countdown (an outer ring of the picture) as `(start, end)` in
    /// world time, read on `node`'s clock and timers.
    fn countdown(&self, node: NodeId, countdown: Countdown) -> Option<(Tick, Tick)>;
    /// The node's view, as in the trace.
    fn node_json(&self, id: NodeId) -> String;
    fn is_cut(&self, from: NodeId, to: NodeId) -> bool;
    /// Fill `out` with the messages in flight (reuses its buffer).
    fn messages_into(&self, out: &mut Vec<MsgInfo>);
    fn message_label(&self, id: MsgId) -> Option<String>;
    /// The message as the trace shows it.
    fn message_json(&self, id: MsgId) -> Option<String>;
    /// Recently lost messages, oldest first.
    fn lost_into(&self, out: &mut Vec<Lost>);
    /// The most recently lost message, if any: a cheap way to notice that
    /// something was lost since the last look, before copying the list.
    fn last_lost(&self) -> Option<Lost>;
    /// The kind of event the latest step processed, as the trace's
    /// `event.type` (`"deliver"`, `"lost"`, `"timer"`, `"held"`, `"resume"`,
    /// `"idle"`);
    /// `None` before the first step.
    fn last_event_type(&self) -> Option<&'static str>;
    /// The latest step's event as words need it (the caption); `None`
    /// before the first step.
    fn last_event(&self) -> Option<EventInfo>;
    /// The last `n` log lines, oldest first.
    fn log_tail(&self, n: usize) -> Vec<LogEntry>;

    /// The current step as JSON: the trace's step object plus the messages
    /// in flight and the first violation.
    fn state_json(&self) -> String;
    /// The whole trace up to the current step, as the CLI writes it.
    fn write_trace(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.write_trace_range(1, self.steps(), out)
    }
    /// The trace with only the steps `from..=to` listed; `to` may be any
    /// step, past the current one too, since the trace is a replay.
    fn write_trace_range(&self, from: u64, to: u64, out: &mut dyn std::io::Write) -> std::io::Result<()>;
    /// The run up to the current step as `format` (see [`crate::export`]),
    /// replayed from its inputs and streamed to `out`. An EDN history of an
    /// algorithm without clients is an `InvalidInput` error saying so.
    fn write_export(&self, format: Export, out: &mut dyn std::io::Write) -> std::io::Result<()>;
    /// What the algorithm's clients do; empty when it has none (and no EDN
    /// history).
    fn client_ops(&self) -> &'static [protocol::OpFn];
    /// A fresh run of the same inputs (config, seed, actions, options) at
    /// step 0, whose world keeps a [journal](crate::journal): what a view of
    /// the whole run (the space-time diagram) replays beside this one.
    fn journaled(&self) -> Box<dyn Session>;
    /// What the latest step did, in order; empty unless this run was made by
    /// [`Session::journaled`].
    fn journal(&self) -> &[Happening];
    fn trace_json(&self) -> String {
        let mut buf = Vec::new();
        self.write_trace(&mut buf).expect("writing to memory cannot fail");
        String::from_utf8(buf).expect("serde_json writes UTF-8")
    }
}

/// `value` as JSON text, serialized through a `&mut dyn Write` as traces
/// are: serde's code for a type is then compiled once, not once per writer
/// type (with `serde_json::to_string` the app carried a second copy of
/// every protocol's view and message serializers).
fn to_json(value: &impl Serialize) -> serde_json::Result<String> {
    let mut buf = Vec::new();
    serde_json::to_writer(&mut buf as &mut dyn std::io::Write, value)?;
    Ok(String::from_utf8(buf).expect("serde_json writes UTF-8"))
}

#[derive(Serialize)]
#[serde(bound(serialize = ""))]
struct StateDoc<'a, P: Protocol> {
    #[serde(flatten)]
    step: StepView<'a, P>,
    algo: &'static str,
    in_flight: Vec<MsgRecord<P::Msg>>,
    first_violation: Option<&'a FirstViolation>,
}

impl<P: Protocol> Session for Run<P> {
    fn algo(&self) -> &'static str {
        P::name(self.world().protocol_config())
    }
    fn seed(&self) -> u64 {
        Run::seed(self)
    }
    fn config(&self) -> &SimConfig {
        self.world().config()
    }
    fn protocol_config_json(&self) -> String {
        to_json(self.world().protocol_config()).expect("config serializes")
    }
    fn steps(&self) -> u64 {
        Run::steps(self)
    }
    fn now(&self) -> Tick {
        self.world().now()
    }
    fn next_event_time(&self) -> Option<Tick> {
        Run::next_event_time(self)
    }
    fn pending_actions(&self) -> Vec<(usize, u64)> {
        Run::pending_actions(self).collect()
    }
    fn step(&mut self) -> bool {
        Run::step(self)
    }
    fn seek(&mut self, step: u64) {
        Run::seek(self, step)
    }
    fn act(&mut self, action: Action) -> Result<(), ActionError> {
        Run::act(self, action)
    }
    fn actions(&self) -> &[Scheduled] {
        Run::actions(self)
    }
    fn action_errors(&self) -> Vec<(usize, ActionError)> {
        Run::action_errors(self).map(|(i, e)| (i, e.clone())).collect()
    }
    fn properties(&self) -> &'static [&'static str] {
        P::properties(self.world().protocol_config())
    }
    fn violation(&self) -> Option<&Violation> {
        self.world().violation()
    }
    fn first_violation(&self) -> Option<&FirstViolation> {
        self.world().first_violation()
    }
    fn node_count(&self) -> u32 {
        self.world().node_count()
    }
    fn node_info(&self, id: NodeId) -> NodeInfo {
        self.world().node_info(id)
    }
    fn client_request(&self, node: Option<NodeId>) -> Option<Action> {
        Run::client_request(self, node)
    }
    fn picture(&self) -> Picture {
        self.world().picture()
    }
    fn inspect(&self, id: NodeId) -> Vec<Panel> {
        self.world().inspect(id)
    }
    fn countdown(&self, node: NodeId, countdown: Countdown) -> Option<(Tick, Tick)> {
        self.world().countdown(node, countdown)
    }
    fn node_json(&self, id: NodeId) -> String {
        let world = self.world();
        let up = world.status(id) != protocol::Status::Crashed;
        to_json(&world.node(id).view(up)).expect("view serializes")
    }
    fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.world().is_cut(from, to)
    }
    fn messages_into(&self, out: &mut Vec<MsgInfo>) {
        self.world().messages_into(out)
    }
    fn message_label(&self, id: MsgId) -> Option<String> {
        self.world().message(id).map(|e| e.msg.label())
    }
    fn message_json(&self, id: MsgId) -> Option<String> {
        let env = self.world().message(id)?;
        Some(to_json(&MsgRecord::of(env)).expect("message serializes"))
    }
    fn lost_into(&self, out: &mut Vec<Lost>) {
        out.clear();
        out.extend(self.world().lost().cloned());
    }
    fn last_lost(&self) -> Option<Lost> {
        self.world().lost().next_back().cloned()
    }
    fn last_event_type(&self) -> Option<&'static str> {
        self.world().last_event().map(|event| match event {
            EventRecord::Deliver { .. } => "deliver",
            EventRecord::Lost { .. } => "lost",
            EventRecord::Timer { .. } => "timer",
            EventRecord::Held { .. } => "held",
            EventRecord::Resume { .. } => "resume",
            EventRecord::Idle => "idle",
        })
    }
    fn last_event(&self) -> Option<EventInfo> {
        self.world().last_event().map(EventRecord::info)
    }
    fn log_tail(&self, n: usize) -> Vec<LogEntry> {
        let world = self.world();
        let skip = world.log_len().saturating_sub(n);
        world.log().skip(skip).cloned().collect()
    }
    fn state_json(&self) -> String {
        let world = self.world();
        let doc = StateDoc::<P> {
            step: StepView::of(world),
            algo: P::name(world.protocol_config()),
            in_flight: world.in_flight().map(MsgRecord::of).collect(),
            first_violation: world.first_violation(),
        };
        to_json(&doc).expect("state serializes")
    }
    fn write_trace_range(&self, from: u64, to: u64, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write_trace_range(self, from, to, out).map_err(std::io::Error::from)
    }
    fn write_export(&self, format: Export, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write_export(self, format, out)
    }
    fn client_ops(&self) -> &'static [protocol::OpFn] {
        P::client_ops(self.world().protocol_config())
    }
    fn journaled(&self) -> Box<dyn Session> {
        let world = self.world();
        let run = Run::<P>::with_journal(
            world.config().clone(),
            world.protocol_config().clone(),
            Run::seed(self),
            Run::actions(self).to_vec(),
        );
        Box::new(run.with_options(self.options().clone()))
    }
    fn journal(&self) -> &[Happening] {
        self.world().journal()
    }
}
