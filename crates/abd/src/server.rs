//! An ABD server replica: it holds a (timestamp, value) per register,
//! answers queries with it, and takes an update only if its timestamp is
//! higher, persisting before it acknowledges (Attiya, Bar-Noy & Dolev 1995).
//! It notes in the log only a read's write-back that changes what it holds.

use crate::message::{AbdMsg, Stored};
use crate::present::Held;
use crate::{AbdDurable, AbdOut};
use protocol::flat::FlatMap;
use protocol::{Input, Level, NodeId};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Server {
    pub registers: FlatMap<u8, Stored>,
}

impl Server {
    pub fn get(&self, key: u8) -> Stored {
        self.registers.get(&key).copied().unwrap_or_default()
    }

    pub fn step(&mut self, id: NodeId, input: Input<AbdMsg, crate::AbdTimer>, out: &mut AbdOut) {
        match input {
            Input::Message { from, msg: AbdMsg::Query { op, key } } => {
                out.send(from, AbdMsg::QueryReply { op, key, stored: self.get(key) });
            }
            Input::Message { from, msg: AbdMsg::Update { op, key, stored } } => {
                if stored.ts > self.get(key).ts {
                    self.registers.insert(key, stored);
                    out.persist(AbdDurable::Server(self.registers.clone()));
                    // A writer writes under its own id, so another id is a
                    // read's write-back: the repair a student should see. A
                    // writer's own update, at every server, would be noise.
                    if stored.ts.writer != from {
                        out.emit(
                            Level::Info,
                            format_args!("server {id} stores {} (write-back by client {from})", Held(key, stored)),
                        );
                    }
                }
                out.send(from, AbdMsg::UpdateAck { op, key });
            }
            Input::Request { .. } => {
                out.emit(Level::Notice, format_args!("server {id} takes no requests: ask a client (`read x`, `x=5`)"))
            }
            _ => {}
        }
    }
}
