//! The clients' view of a Multi-Paxos replica: each request is a Jepsen
//! write operation ([`protocol::ClientOp`]), reported by the replica it
//! reached, as Raft's servers report theirs.
//!
//! - A replica that neither leads nor is running phase 1 drops the request
//!   (it names the leader, if it knows one): `:fail`, nothing was proposed.
//! - A candidate holds it until phase 1 ends; the leader proposes it in the
//!   next free slot and the operation waits for that slot.
//! - When this replica learns the slot's value, it decides: the value it
//!   proposed means the command was chosen, `:ok`; another value (a leader
//!   of a higher ballot filled the slot) means it never will be, `:fail`.
//! - A crash loses the waiting operations (they are volatile); the world
//!   reports them `:info`, since the command may still be chosen.

use crate::message::Value;
use protocol::{ClientOp, OpKind, Out, Pending};

/// The operations a replica reported and has not completed (volatile),
/// each waiting on the slot it was proposed for, with the value proposed;
/// at most [`Pending::MAX`], beyond which a request is reported `:info` at
/// once (proposed, its fate not followed).
#[derive(Clone, Debug, Default, Hash)]
pub struct Clients(Pending<(u64, Value)>);

impl Clients {
    /// A request for `cmd` arrives: report its invocation and return it.
    pub fn invoke<M, T, D>(&mut self, cmd: &str, out: &mut Out<M, T, D>) -> ClientOp {
        self.0.invoke(cmd, out)
    }

    /// The request was not proposed: it failed.
    pub fn reject<M, T, D>(&mut self, op: &ClientOp, out: &mut Out<M, T, D>) {
        self.0.reject(op, out);
    }

    /// The leader proposed `value` for `slot`: wait for the slot.
    pub fn proposed<M, T, D>(&mut self, op: ClientOp, slot: u64, value: Value, out: &mut Out<M, T, D>) {
        self.0.wait(op, (slot, value), out);
    }

    /// `value` was learned for `slot`: complete the operations waiting on it.
    pub fn learned<M, T, D>(&mut self, slot: u64, value: &Value, out: &mut Out<M, T, D>) {
        self.0.settle(out, |(s, v)| (*s == slot).then(|| if v == value { OpKind::Ok } else { OpKind::Fail }));
    }

    /// Operations waiting for their slot.
    pub fn waiting(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestOut = Out<(), (), ()>;

    fn kinds(out: &TestOut) -> Vec<(u64, OpKind)> {
        out.ops().iter().map(|op| (op.id, op.kind)).collect()
    }

    #[test]
    fn a_command_chosen_in_its_slot_is_ok_and_one_displaced_fails() {
        let mut c = Clients::default();
        let mut out = TestOut::default();
        let a = c.invoke("x=1", &mut out);
        let b = c.invoke("y=2", &mut out);
        c.proposed(a, 3, "x=1".into(), &mut out);
        c.proposed(b, 4, "y=2".into(), &mut out);
        c.learned(4, &"no-op".into(), &mut out);
        c.learned(3, &"x=1".into(), &mut out);
        assert_eq!(kinds(&out), [(0, OpKind::Invoke), (1, OpKind::Invoke), (1, OpKind::Fail), (0, OpKind::Ok)]);
        assert_eq!(c.waiting(), 0);
        // A slot learned again (a catch-up) completes nothing twice.
        c.learned(3, &"x=1".into(), &mut out);
        assert_eq!(out.ops().len(), 4);
    }

    #[test]
    fn a_rejected_request_fails_at_once() {
        let mut c = Clients::default();
        let mut out = TestOut::default();
        let op = c.invoke("x=1", &mut out);
        c.reject(&op, &mut out);
        assert_eq!(kinds(&out), [(0, OpKind::Invoke), (0, OpKind::Fail)]);
    }
}
