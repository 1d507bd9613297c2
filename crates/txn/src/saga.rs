//! Sagas (Garcia-Molina & Salem, "Sagas", SIGMOD 1987), orchestrated.
//!
//! Node 0 is the orchestrator (the saga execution component), nodes `1..n`
//! the services; step `T_k` runs on service `k`. A client request starts a
//! saga: the orchestrator asks for `T_1`, `T_2`, ... in order, logging each
//! completed step before it asks for the next. A step that fails makes it
//! run the compensations `C_{k-1}, ..., C_1` of the completed steps, in
//! reverse (§3, backward recovery). Every request is idempotent (a service
//! remembers what it did for the saga), so the orchestrator re-sends on a
//! timer, and after a crash it resumes from its log. Between steps the saga
//! exposes intermediate state to the world: a saga is not isolated (§1), and
//! the event log says so as a Notice.

use crate::bug::SagaBug;
use protocol::{Level, Message, NodeId, OpKind, OpValue, Tick, Timer};
use serde::Serialize;

pub const ORCHESTRATOR: NodeId = 0;
/// Most nodes of a saga world: the orchestrator and up to 15 services.
pub const MAX_NODES: u32 = 16;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct SagaConfig {
    /// The step whose service refuses it (`None`: every step succeeds).
    pub fail_step: Option<u32>,
    /// How often the orchestrator re-sends its current request.
    pub retry_ms: Tick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<SagaBug>,
}

impl Default for SagaConfig {
    fn default() -> Self {
        Self { fail_step: None, retry_ms: 150, bug: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum SagaState {
    Running,
    Compensating,
    Done,
    Compensated,
}

impl SagaState {
    pub fn name(self) -> &'static str {
        match self {
            SagaState::Running => "running",
            SagaState::Compensating => "compensating",
            SagaState::Done => "done",
            SagaState::Compensated => "compensated",
        }
    }
    pub fn finished(self) -> bool {
        matches!(self, SagaState::Done | SagaState::Compensated)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum SagaMsg {
    /// Run step `step` of saga `saga`.
    Do {
        saga: u64,
        step: u32,
    },
    Done {
        saga: u64,
        step: u32,
    },
    Failed {
        saga: u64,
        step: u32,
    },
    /// Undo step `step`.
    Compensate {
        saga: u64,
        step: u32,
    },
    Compensated {
        saga: u64,
        step: u32,
    },
}

impl Message for SagaMsg {
    fn kind(&self) -> &'static str {
        match self {
            SagaMsg::Do { .. } => "Do",
            SagaMsg::Done { .. } => "Done",
            SagaMsg::Failed { .. } => "Failed",
            SagaMsg::Compensate { .. } => "Compensate",
            SagaMsg::Compensated { .. } => "Compensated",
        }
    }
    fn label(&self) -> String {
        match self {
            SagaMsg::Do { step, .. } => format!("T{step}"),
            SagaMsg::Done { step, .. } => format!("T{step} ok"),
            SagaMsg::Failed { step, .. } => format!("T{step} ✗"),
            SagaMsg::Compensate { step, .. } => format!("C{step}"),
            SagaMsg::Compensated { step, .. } => format!("C{step} ok"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SagaTimer {
    Retry,
}

impl Timer for SagaTimer {
    fn name(&self) -> &'static str {
        "retry"
    }
}

/// What a node logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SagaDurable {
    /// The orchestrator's saga log: `step` steps completed (running) or
    /// still to compensate (compensating); `failed` the step that failed.
    Orchestrator { saga: u64, step: u32, state: SagaState, failed: Option<u32> },
    /// A service's record of its step in `saga`.
    Service { saga: u64, done: bool, compensated: bool, failed: bool, compensations: u32 },
}

pub(crate) type Out = protocol::Out<SagaMsg, SagaTimer, SagaDurable>;

/// Steps `T{from}` to `T{to}` in a note, either way round: "T1..T3",
/// "T3..T1", or "T1" when the span is one step.
struct Span(u32, u32);

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Span(from, to) if from == to => write!(f, "T{from}"),
            Span(from, to) => write!(f, "T{from}..T{to}"),
        }
    }
}

#[derive(Clone, Debug, Hash)]
pub struct Orchestrator {
    pub(crate) steps: u32,
    pub(crate) saga: u64,
    pub(crate) step: u32,
    pub(crate) state: SagaState,
    pub(crate) failed: Option<u32>,
    retry_ms: Tick,
}

impl Orchestrator {
    fn log(&self) -> SagaDurable {
        SagaDurable::Orchestrator { saga: self.saga, step: self.step, state: self.state, failed: self.failed }
    }

    /// Send the request the log calls for, and arm the retry.
    fn drive(&self, out: &mut Out) {
        let saga = self.saga;
        match self.state {
            SagaState::Running => out.send(self.step + 1, SagaMsg::Do { saga, step: self.step + 1 }),
            SagaState::Compensating => out.send(self.step, SagaMsg::Compensate { saga, step: self.step }),
            _ => return,
        }
        out.set_timer(SagaTimer::Retry, self.retry_ms, self.retry_ms);
    }

    fn finish(&mut self, state: SagaState, out: &mut Out) {
        self.state = state;
        out.persist(self.log());
        out.cancel_timer(SagaTimer::Retry);
        out.emit(Level::Info, format_args!("saga {} {}", self.saga, state.name()));
        // The client hears the saga's outcome: every step done, or undone.
        let kind = if state == SagaState::Done { OpKind::Ok } else { OpKind::Fail };
        out.op(crate::txn_op(self.saga).complete(kind, OpValue::Int(self.saga)));
    }

    fn step(&mut self, input: protocol::Input<SagaMsg, SagaTimer>, out: &mut Out) {
        use protocol::Input;
        match input {
            Input::Start if self.saga > 0 && !self.state.finished() => {
                out.emit(Level::Notice, format_args!("orchestrator resumes saga {} from its log", self.saga));
                self.drive(out);
            }
            Input::Start => {}
            Input::Request { .. } if !self.state.finished() => {
                out.emit(Level::Notice, format_args!("orchestrator is busy with saga {}: request refused", self.saga));
                crate::refuse_txn(self.saga + 1, out);
            }
            Input::Request { .. } => {
                self.saga += 1;
                out.op(crate::txn_op(self.saga));
                self.step = 0;
                self.failed = None;
                self.state = SagaState::Running;
                out.persist(self.log());
                out.emit(Level::Info, format_args!("saga {} begins", self.saga));
                self.drive(out);
            }
            Input::Timer(SagaTimer::Retry) => self.drive(out),
            Input::Message { msg, .. } => match msg {
                SagaMsg::Done { saga, step }
                    if saga == self.saga && self.state == SagaState::Running && step == self.step + 1 =>
                {
                    self.step = step;
                    if step == self.steps {
                        self.finish(SagaState::Done, out);
                    } else {
                        out.persist(self.log());
                        out.emit(
                            Level::Notice,
                            format_args!(
                                "saga {saga} exposes an intermediate state: {} committed, T{} not yet",
                                Span(1, step),
                                step + 1
                            ),
                        );
                        self.drive(out);
                    }
                }
                SagaMsg::Failed { saga, step }
                    if saga == self.saga && self.state == SagaState::Running && step == self.step + 1 =>
                {
                    self.failed = Some(step);
                    if self.step == 0 {
                        self.finish(SagaState::Compensated, out);
                        return;
                    }
                    self.state = SagaState::Compensating;
                    out.persist(self.log());
                    out.emit(
                        Level::Notice,
                        format_args!("T{step} failed: saga {saga} compensates {} in reverse", Span(self.step, 1)),
                    );
                    self.drive(out);
                }
                SagaMsg::Compensated { saga, step }
                    if saga == self.saga && self.state == SagaState::Compensating && step == self.step =>
                {
                    self.step -= 1;
                    if self.step == 0 {
                        self.finish(SagaState::Compensated, out);
                    } else {
                        out.persist(self.log());
                        out.emit(
                            Level::Notice,
                            format_args!(
                                "saga {saga} exposes an intermediate state: {} still committed while compensating",
                                Span(1, self.step)
                            ),
                        );
                        self.drive(out);
                    }
                }
                _ => {}
            },
        }
    }
}

#[derive(Clone, Debug, Hash)]
pub struct Service {
    id: NodeId,
    fails: bool,
    bug: Option<SagaBug>,
    pub(crate) saga: u64,
    pub(crate) done: bool,
    pub(crate) compensated: bool,
    pub(crate) failed: bool,
    /// Compensations applied for `saga` (more than one is the bug).
    pub(crate) compensations: u32,
}

impl Service {
    fn log(&self) -> SagaDurable {
        SagaDurable::Service {
            saga: self.saga,
            done: self.done,
            compensated: self.compensated,
            failed: self.failed,
            compensations: self.compensations,
        }
    }

    fn step(&mut self, input: protocol::Input<SagaMsg, SagaTimer>, out: &mut Out) {
        let protocol::Input::Message { from, msg } = input else {
            if let protocol::Input::Request { .. } = input {
                out.emit(
                    Level::Info,
                    format_args!("service {} ignores requests: send them to the orchestrator (node 0)", self.id),
                );
            }
            return;
        };
        match msg {
            SagaMsg::Do { saga, step } if saga > self.saga => {
                self.saga = saga;
                self.compensated = false;
                self.compensations = 0;
                self.failed = self.fails;
                self.done = !self.fails;
                out.persist(self.log());
                out.send(from, if self.fails { SagaMsg::Failed { saga, step } } else { SagaMsg::Done { saga, step } });
            }
            // A repeated request: answer as before, change nothing.
            SagaMsg::Do { saga, step } if saga == self.saga => {
                out.send(from, if self.failed { SagaMsg::Failed { saga, step } } else { SagaMsg::Done { saga, step } });
            }
            SagaMsg::Compensate { saga, step } if saga == self.saga => {
                let again = self.compensated && self.bug == Some(SagaBug::CompensateTwice);
                if (self.done && !self.compensated) || again {
                    self.compensated = true;
                    self.compensations += 1;
                    out.persist(self.log());
                    if again {
                        out.emit(Level::Warn, format_args!("service {} undoes T{step} a second time", self.id));
                    }
                }
                out.send(from, SagaMsg::Compensated { saga, step });
            }
            _ => {}
        }
    }
}

#[derive(Clone, Debug, Hash)]
pub enum SagaNode {
    Orchestrator(Orchestrator),
    Service(Service),
}

impl SagaNode {
    pub(crate) fn new(id: NodeId, nodes: u32, config: &SagaConfig, durable: Option<&SagaDurable>) -> Self {
        if id == ORCHESTRATOR {
            let (saga, step, state, failed) = match durable {
                Some(&SagaDurable::Orchestrator { saga, step, state, failed }) => (saga, step, state, failed),
                _ => (0, 0, SagaState::Done, None),
            };
            SagaNode::Orchestrator(Orchestrator {
                steps: nodes - 1,
                saga,
                step,
                state,
                failed,
                retry_ms: config.retry_ms,
            })
        } else {
            let (saga, done, compensated, failed, compensations) = match durable {
                Some(&SagaDurable::Service { saga, done, compensated, failed, compensations }) => {
                    (saga, done, compensated, failed, compensations)
                }
                _ => (0, false, false, false, 0),
            };
            SagaNode::Service(Service {
                id,
                fails: config.fail_step == Some(id),
                bug: config.bug,
                saga,
                done,
                compensated,
                failed,
                compensations,
            })
        }
    }

    pub(crate) fn step(&mut self, input: protocol::Input<SagaMsg, SagaTimer>, out: &mut Out) {
        match self {
            SagaNode::Orchestrator(o) => o.step(input, out),
            SagaNode::Service(s) => s.step(input, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn a_span_of_one_step_names_it_once() {
        assert_eq!(Span(1, 1).to_string(), "T1");
        assert_eq!(Span(1, 3).to_string(), "T1..T3");
        assert_eq!(Span(3, 1).to_string(), "T3..T1");
    }
}
