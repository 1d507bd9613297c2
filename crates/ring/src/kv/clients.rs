//! The clients' view of the store: each `put k=v` is a Jepsen write and
//! each `get k` a read of key `k` (Jepsen's independent keys, `:value
//! [k v]`), reported by the node the request reached, which is the node the
//! answer comes back to.
//!
//! - `:ok`: a put acknowledged (every node of the key's preference list
//!   confirmed it), or a get answered by the key's owner, with the value it
//!   holds (`nil` for none).
//! - `:fail`: the request was refused before any node stored it (no owner
//!   found in the hops allowed, too many requests waiting, too many puts in
//!   flight, an empty ring).
//! - A crash of the asking node loses the requests it asked (they are
//!   volatile); the world reports them `:info`. An answer that comes back
//!   after that, or to another request, matches nothing asked and is
//!   ignored: an answer completes only the request with its number and key.

use protocol::{ClientOp, OpFn, OpKind, OpValue};
use std::sync::Arc;

/// Most requests a node keeps asking; beyond it a request is reported
/// `:info` at once (it still goes out, its answer is not followed).
pub const MAX_ASKED: usize = 256;

/// The requests a node asked on behalf of its clients, oldest first (an
/// operation's id is its request number). A few: a vector serves.
#[derive(Clone, Debug, Default, Hash)]
pub struct Asked {
    asked: Vec<ClientOp>,
}

impl Asked {
    /// The client asked `req`: a put of `value` to `key`, or a get (`None`).
    /// Returns the invocation to report, and a `:info` if it cannot be followed.
    pub fn invoke(&mut self, req: u64, key: &Arc<str>, value: Option<&Arc<str>>) -> (ClientOp, Option<ClientOp>) {
        let f = if value.is_some() { OpFn::Write } else { OpFn::Read };
        let op = ClientOp::invoke(req, f, OpValue::Keyed { key: key.clone(), value: value.cloned() });
        if self.asked.len() >= MAX_ASKED {
            let info = op.complete(OpKind::Info, op.value.clone());
            return (op, Some(info));
        }
        self.asked.push(op.clone());
        (op, None)
    }

    /// Request `req` for `key` is answered: `Ok(read)` (what a get read;
    /// ignored for a put) or `Err(())` for a refusal. Returns the completion
    /// to report, if the request was asked here and is still open.
    pub fn answer(&mut self, req: u64, key: &str, answer: Result<Option<&Arc<str>>, ()>) -> Option<ClientOp> {
        let asked = |op: &ClientOp| op.id == req && matches!(&op.value, OpValue::Keyed { key: k, .. } if **k == *key);
        let op = self.asked.remove(self.asked.iter().position(asked)?);
        Some(match (answer, op.f) {
            (Err(()), _) => op.complete(OpKind::Fail, op.value.clone()),
            (Ok(read), OpFn::Read) => op.complete(OpKind::Ok, OpValue::Keyed { key: key.into(), value: read.cloned() }),
            (Ok(_), _) => op.complete(OpKind::Ok, op.value.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Arc<str> {
        k.into()
    }

    #[test]
    fn a_put_is_a_write_and_a_get_a_read_of_its_key() {
        let mut asked = Asked::default();
        let (put, none) = asked.invoke(1, &key("x"), Some(&key("1")));
        assert_eq!((put.f, put.kind, none), (OpFn::Write, OpKind::Invoke, None));
        let (get, _) = asked.invoke(2, &key("x"), None);
        assert_eq!(get.value, OpValue::Keyed { key: key("x"), value: None });
        let read = asked.answer(2, "x", Ok(Some(&key("1")))).unwrap();
        assert_eq!((read.id, read.f, read.kind), (2, OpFn::Read, OpKind::Ok));
        assert_eq!(read.value, OpValue::Keyed { key: key("x"), value: Some(key("1")) });
        let ok = asked.answer(1, "x", Ok(None)).unwrap();
        assert_eq!((ok.kind, ok.value), (OpKind::Ok, put.value));
    }

    #[test]
    fn a_refusal_fails_and_an_answer_to_nothing_asked_is_ignored() {
        let mut asked = Asked::default();
        asked.invoke(1, &key("x"), Some(&key("1")));
        assert_eq!(asked.answer(1, "y", Err(())), None, "another key: not this request");
        assert_eq!(asked.answer(1, "x", Err(())).map(|op| op.kind), Some(OpKind::Fail));
        assert_eq!(asked.answer(1, "x", Ok(None)), None, "answered once only");
        assert_eq!(asked.answer(9, "x", Ok(None)), None, "never asked");
    }

    #[test]
    fn beyond_the_bound_a_request_is_not_followed() {
        let mut asked = Asked::default();
        for req in 0..MAX_ASKED as u64 {
            assert_eq!(asked.invoke(req, &key("x"), None).1, None);
        }
        let (op, info) = asked.invoke(MAX_ASKED as u64, &key("x"), None);
        assert_eq!(info.map(|i| (i.id, i.kind)), Some((op.id, OpKind::Info)));
        assert_eq!(asked.answer(MAX_ASKED as u64, "x", Ok(None)), None);
    }
}
