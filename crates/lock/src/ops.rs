//! The clients' operations as a Jepsen history: a lock is a mutex
//! (`:acquire`, `:release`, as Knossos's mutex model reads them) and the
//! protected resource a register written with the token (`:write`).
//!
//! One attempt of a client (its lock value, persisted, never reused) gives
//! at most one operation of each function, so the attempt numbers them:
//!
//! - `:acquire` is invoked when the client asks for the lock, `:ok` with
//!   the fencing token (`nil` without one) once it believes it holds it,
//!   `:fail` when it gives up or is refused (it then holds nothing).
//! - `:release` is invoked and done at once when the client stops
//!   believing it holds the lock, by releasing it or because its lease ran
//!   out on its clock: the lock is the client's belief, which is exactly
//!   what a lease gets wrong (Kleppmann, 2016).
//! - `:write` is invoked when the write goes to the storage; `:ok` when the
//!   storage accepts it, `:fail` when it rejects a stale token, `:info`
//!   when no answer came in time (the write may have happened).

use protocol::{ClientOp, OpFn, OpKind, OpValue, Out};

/// The operations of attempt `attempt`; `token` is the fencing token, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AttemptOps {
    pub attempt: u64,
}

fn token_value(token: Option<u64>) -> OpValue {
    token.map_or(OpValue::None, OpValue::Int)
}

impl AttemptOps {
    fn op(self, f: OpFn, kind: OpKind, value: OpValue) -> ClientOp {
        let slot = match f {
            OpFn::Acquire => 0,
            OpFn::Write => 1,
            OpFn::Release => 2,
            // A lock client reads nothing and runs no transaction: a spare slot.
            OpFn::Read | OpFn::Txn => 3,
        };
        ClientOp { id: self.attempt * 4 + slot, kind, f, value }
    }

    pub fn acquire<M, T, D>(self, out: &mut Out<M, T, D>) {
        out.op(self.op(OpFn::Acquire, OpKind::Invoke, OpValue::None));
    }
    pub fn acquired<M, T, D>(self, token: Option<u64>, out: &mut Out<M, T, D>) {
        out.op(self.op(OpFn::Acquire, OpKind::Ok, token_value(token)));
    }
    pub fn not_acquired<M, T, D>(self, out: &mut Out<M, T, D>) {
        out.op(self.op(OpFn::Acquire, OpKind::Fail, OpValue::None));
    }
    pub fn released<M, T, D>(self, token: Option<u64>, out: &mut Out<M, T, D>) {
        out.op(self.op(OpFn::Release, OpKind::Invoke, token_value(token)));
        out.op(self.op(OpFn::Release, OpKind::Ok, token_value(token)));
    }
    pub fn write<M, T, D>(self, token: Option<u64>, out: &mut Out<M, T, D>) {
        out.op(self.op(OpFn::Write, OpKind::Invoke, token_value(token)));
    }
    /// The write's outcome: accepted, rejected, or unknown (`None`).
    pub fn written<M, T, D>(self, token: Option<u64>, accepted: Option<bool>, out: &mut Out<M, T, D>) {
        let kind = match accepted {
            Some(true) => OpKind::Ok,
            Some(false) => OpKind::Fail,
            None => OpKind::Info,
        };
        out.op(self.op(OpFn::Write, kind, token_value(token)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_numbers_its_operations_apart_from_every_other_attempts() {
        let mut out = Out::<(), (), ()>::default();
        let ops = AttemptOps { attempt: 3 };
        ops.acquire(&mut out);
        ops.acquired(Some(7), &mut out);
        ops.write(Some(7), &mut out);
        ops.written(Some(7), Some(false), &mut out);
        ops.released(Some(7), &mut out);
        AttemptOps { attempt: 4 }.not_acquired(&mut out);
        let seen: Vec<(u64, OpFn, OpKind, OpValue)> =
            out.ops().iter().map(|o| (o.id, o.f, o.kind, o.value.clone())).collect();
        use {OpFn::*, OpKind::*};
        assert_eq!(
            seen,
            [
                (12, Acquire, Invoke, OpValue::None),
                (12, Acquire, Ok, OpValue::Int(7)),
                (13, Write, Invoke, OpValue::Int(7)),
                (13, Write, Fail, OpValue::Int(7)),
                (14, Release, Invoke, OpValue::Int(7)),
                (14, Release, Ok, OpValue::Int(7)),
                (16, Acquire, Fail, OpValue::None),
            ]
        );
    }

    #[test]
    fn a_write_without_an_answer_is_indeterminate() {
        let mut out = Out::<(), (), ()>::default();
        AttemptOps { attempt: 1 }.written(None, None, &mut out);
        assert_eq!(out.ops()[0].kind, OpKind::Info);
        assert_eq!(out.ops()[0].value, OpValue::None);
    }
}
