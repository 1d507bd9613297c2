//! The clients' view of a Raft server: each request is a Jepsen write
//! operation ([`protocol::ClientOp`]), reported by the server it reached.
//!
//! - A server that is not the leader rejects the request (it redirects or
//!   drops it, §8): `:fail`, the command was never appended.
//! - The leader appends it at `(index, term)` and the operation waits. Once
//!   the server's commit index reaches `index` (whether it is still leader
//!   or has become a follower since), the entry committed at `index` decides:
//!   the same term means the command is committed, `:ok`; another term means
//!   another entry was chosen for that index, and by State Machine Safety
//!   (§5.4.3) ours never will be, `:fail`.
//! - A crash loses the waiting operations (they are volatile, like the
//!   leader's `next_index`); the world reports them `:info`, since the entry
//!   may still commit.

use crate::log::Log;
use protocol::{ClientOp, OpKind, Out, Pending};

/// Most operations a server keeps waiting; beyond it a request is reported
/// `:info` at once (its entry is appended, its fate not followed).
pub const MAX_WAITING_OPS: usize = Pending::<()>::MAX;

/// The operations a server reported and has not completed (volatile), each
/// waiting on the `(index, term)` its entry was appended at.
#[derive(Clone, Debug, Default, Hash)]
pub struct Clients(Pending<(u64, u64)>);

impl Clients {
    /// A request for `cmd` arrives: report its invocation and return it.
    pub fn invoke<M, T, D>(&mut self, cmd: &str, out: &mut Out<M, T, D>) -> ClientOp {
        self.0.invoke(cmd, out)
    }

    /// The request was not appended: it failed.
    pub fn reject<M, T, D>(&mut self, op: &ClientOp, out: &mut Out<M, T, D>) {
        self.0.reject(op, out);
    }

    /// The leader appended the request at `(index, term)`: wait for the commit.
    pub fn appended<M, T, D>(&mut self, op: ClientOp, index: u64, term: u64, out: &mut Out<M, T, D>) {
        self.0.wait(op, (index, term), out);
    }

    /// The commit index is now `commit_index`: complete every operation at
    /// or below it, in the order they were appended.
    pub fn committed<M, T, D>(&mut self, commit_index: u64, log: &Log, out: &mut Out<M, T, D>) {
        if !self.0.any(|&(index, _)| index <= commit_index) {
            return;
        }
        self.0.settle(out, |&(index, term)| {
            (index <= commit_index).then(|| if log.term_at(index) == Some(term) { OpKind::Ok } else { OpKind::Fail })
        });
    }

    /// Operations waiting for a commit.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Entry;
    use protocol::{OpFn, OpValue};

    type TestOut = Out<(), (), ()>;

    fn log(terms: &[u64]) -> Log {
        let mut log = Log::default();
        for (i, &t) in terms.iter().enumerate() {
            log.push(Entry::new(t, &format!("c{i}")));
        }
        log
    }

    fn kinds(out: &TestOut) -> Vec<(u64, OpKind)> {
        out.ops().iter().map(|op| (op.id, op.kind)).collect()
    }

    /// §5.3: an entry is committed once its index is, with its own term.
    #[test]
    fn an_appended_command_is_ok_once_its_index_commits_with_its_term() {
        let (mut c, mut out) = (Clients::default(), TestOut::default());
        let a = c.invoke("x=1", &mut out);
        assert_eq!(a.f, OpFn::Write);
        assert_eq!(a.value, OpValue::Keyed { key: "x".into(), value: Some("1".into()) });
        c.appended(a, 1, 2, &mut out);
        let b = c.invoke("y", &mut out);
        c.appended(b, 2, 2, &mut out);
        c.committed(0, &log(&[2, 2]), &mut out);
        assert_eq!(kinds(&out), [(0, OpKind::Invoke), (1, OpKind::Invoke)], "nothing commits at 0");
        c.committed(1, &log(&[2, 2]), &mut out);
        c.committed(2, &log(&[2, 2]), &mut out);
        assert_eq!(kinds(&out)[2..], [(0, OpKind::Ok), (1, OpKind::Ok)]);
        assert_eq!(c.waiting(), 0);
    }

    /// §5.4.3 (State Machine Safety): another entry committed at the index
    /// means ours never will be.
    #[test]
    fn another_entry_committed_at_its_index_fails_it() {
        let (mut c, mut out) = (Clients::default(), TestOut::default());
        let a = c.invoke("x=1", &mut out);
        c.appended(a, 3, 2, &mut out);
        c.committed(3, &log(&[1, 1, 4]), &mut out);
        assert_eq!(kinds(&out), [(0, OpKind::Invoke), (0, OpKind::Fail)]);
    }

    #[test]
    fn a_rejected_request_fails_and_a_full_server_says_it_does_not_know() {
        let (mut c, mut out) = (Clients::default(), TestOut::default());
        let a = c.invoke("x=1", &mut out);
        c.reject(&a, &mut out);
        for i in 0..MAX_WAITING_OPS as u64 {
            let op = c.invoke("y=2", &mut out);
            c.appended(op, i + 1, 1, &mut out);
        }
        let last = c.invoke("z=3", &mut out);
        c.appended(last, 9999, 1, &mut out);
        let ends: Vec<(u64, OpKind)> = kinds(&out).into_iter().filter(|(_, k)| k.completes()).collect();
        assert_eq!(ends, [(0, OpKind::Fail), (MAX_WAITING_OPS as u64 + 1, OpKind::Info)]);
    }
}
