//! A server: one request in service at a time, the rest waiting in a FIFO
//! queue of at most `max_queue` (the one in service included); a request
//! that finds the queue full is refused (`Reject`), never dropped.
//!
//! Each refusal is logged: the first of an overload as a notice, the rest
//! as routine lines until the queue has emptied again, so a server that
//! stays overloaded marks the timeline once.

use crate::config::{service_time, BalanceBug, BalanceConfig};
use crate::message::{BalanceMsg, BalanceTimer};
use crate::{Out, BALANCER};
use protocol::{Input, Level, NodeId};
use std::collections::VecDeque;

#[derive(Clone, Debug, Hash)]
pub struct Server {
    pub id: NodeId,
    pub(crate) config: BalanceConfig,
    /// Waiting requests, the one in service first.
    pub queue: VecDeque<u64>,
    /// Requests taken into the queue.
    pub accepted: u64,
    pub served: u64,
    pub rejected: u64,
    /// It has refused a request since its queue was last empty.
    pub refusing: bool,
}

impl Server {
    pub fn new(id: NodeId, config: &BalanceConfig) -> Self {
        Self {
            id,
            config: config.clone(),
            queue: VecDeque::new(),
            accepted: 0,
            served: 0,
            rejected: 0,
            refusing: false,
        }
    }

    pub fn slow(&self) -> bool {
        self.config.slow == Some(self.id)
    }

    fn start(&self, out: &mut Out) {
        if let Some(&id) = self.queue.front() {
            let t = service_time(&self.config, id, self.id);
            out.set_timer(BalanceTimer::Service, t, t);
        }
    }

    pub fn step(&mut self, input: Input<BalanceMsg, BalanceTimer>, out: &mut Out) {
        match input {
            Input::Message { from, msg: BalanceMsg::Request { id } } => {
                let full = self.queue.len() >= self.config.max_queue as usize;
                match self.config.bug {
                    _ if !full => {}
                    Some(BalanceBug::UnboundedQueue) => {
                        if self.queue.len() == self.config.max_queue as usize {
                            out.emit(
                                Level::Warn,
                                format_args!(
                                    "server {} queues r{id} past its bound of {}",
                                    self.id, self.config.max_queue
                                ),
                            );
                        }
                    }
                    Some(BalanceBug::DropWhenFull) if self.queue.len() > 1 => {
                        // Makes room by discarding the oldest waiting request
                        // (not the one in service), and tells nobody.
                        let dropped = self.queue.remove(1).unwrap_or_default();
                        out.emit(
                            Level::Warn,
                            format_args!("server {} discards waiting r{dropped} to make room for r{id}", self.id),
                        );
                    }
                    _ => {
                        let level = if self.refusing { Level::Info } else { Level::Notice };
                        self.refusing = true;
                        out.emit(
                            level,
                            format_args!("server {}'s queue is full ({}): it refuses r{id}", self.id, self.queue.len()),
                        );
                        self.rejected += 1;
                        out.send(from, BalanceMsg::Reject { id });
                        return;
                    }
                }
                self.accepted += 1;
                self.queue.push_back(id);
                if self.queue.len() == 1 {
                    self.start(out);
                }
            }
            Input::Timer(BalanceTimer::Service) => {
                if let Some(id) = self.queue.pop_front() {
                    self.served += 1;
                    if self.queue.is_empty() {
                        self.refusing = false;
                    }
                    out.send(BALANCER, BalanceMsg::Reply { id });
                    self.start(out);
                }
            }
            Input::Request { .. } => out.emit(
                Level::Info,
                format_args!("server {} serves what the balancer (node {BALANCER}) sends it", self.id),
            ),
            _ => {}
        }
    }
}
