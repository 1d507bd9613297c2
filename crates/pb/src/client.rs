//! The client: writes `w1, w2, ...` every `write_ms` to the replica it
//! believes is primary, one at a time. An answer `Written` confirms it; a
//! `NotPrimary`, or no answer within `request_timeout_ms`, makes it try
//! the next replica with its next write. Each write is reported as a
//! Jepsen operation: `:ok`, `:fail` (refused) or `:info` (no answer).

use crate::config::PbConfig;
use crate::message::{PbMsg, PbTimer};
use crate::{Out, PbDurable};
use protocol::{ClientOp, Input, Level, NodeId, OpFn, OpKind, OpValue};

#[derive(Clone, Debug, Hash)]
pub struct Client {
    config: PbConfig,
    replicas: u32,
    /// The id of the last write sent (persisted: ids are never reused).
    pub last_id: u64,
    /// The replica the client believes is primary.
    pub primary: NodeId,
    /// The write waiting for an answer.
    pub outstanding: Option<u64>,
    pub ok: u64,
    pub failed: u64,
    pub unknown: u64,
}

impl Client {
    pub fn new(replicas: u32, config: &PbConfig, durable: Option<&PbDurable>) -> Self {
        let last_id = match durable {
            Some(PbDurable::Client { last_id }) => *last_id,
            _ => 0,
        };
        Self { config: config.clone(), replicas, last_id, primary: 1, outstanding: None, ok: 0, failed: 0, unknown: 0 }
    }

    fn other(&mut self) {
        self.primary = if self.primary >= self.replicas { 1 } else { self.primary + 1 };
    }

    fn op(id: u64, kind: OpKind) -> ClientOp {
        ClientOp { id, kind, f: OpFn::Write, value: OpValue::Int(id) }
    }

    pub fn step(&mut self, input: Input<PbMsg, PbTimer>, out: &mut Out) {
        match input {
            Input::Start => out.set_timer(PbTimer::Write, self.config.write_ms, self.config.write_ms),
            Input::Request { .. } => {
                out.emit(Level::Info, format_args!("the client writes on its own every {} ms", self.config.write_ms))
            }
            Input::Timer(PbTimer::Write) => {
                out.set_timer(PbTimer::Write, self.config.write_ms, self.config.write_ms);
                if self.outstanding.is_some() {
                    return;
                }
                self.last_id += 1;
                let id = self.last_id;
                out.persist(PbDurable::Client { last_id: id });
                self.outstanding = Some(id);
                out.op(ClientOp::invoke(id, OpFn::Write, OpValue::Int(id)));
                out.send(self.primary, PbMsg::Write { id, value: id });
                let t = self.config.request_timeout_ms;
                out.set_timer(PbTimer::Reply, t, t);
            }
            Input::Timer(PbTimer::Reply) => {
                if let Some(id) = self.outstanding.take() {
                    self.unknown += 1;
                    out.op(Self::op(id, OpKind::Info));
                    out.emit(Level::Notice, format_args!("client: no answer to w{id} from replica {}", self.primary));
                    self.other();
                }
            }
            Input::Timer(PbTimer::Heartbeat) => {}
            Input::Message { from, msg } => match msg {
                PbMsg::Written { id, .. } if self.outstanding == Some(id) => {
                    self.outstanding = None;
                    self.ok += 1;
                    self.primary = from;
                    out.cancel_timer(PbTimer::Reply);
                    out.op(Self::op(id, OpKind::Ok));
                }
                PbMsg::NotPrimary { id, .. } if self.outstanding == Some(id) => {
                    self.outstanding = None;
                    self.failed += 1;
                    out.cancel_timer(PbTimer::Reply);
                    out.op(Self::op(id, OpKind::Fail));
                    if from == self.primary {
                        self.other();
                    }
                    out.emit(
                        Level::Info,
                        format_args!("client: w{id} failed at replica {from}, next write to {}", self.primary),
                    );
                }
                _ => {}
            },
        }
    }
}
