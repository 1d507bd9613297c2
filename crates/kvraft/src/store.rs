//! The replicated state machine: a map from keys to values, fed the
//! committed log in order (Figure 2, "Rules for Servers": apply
//! `log[lastApplied]` once `commitIndex > lastApplied`), with client
//! sessions (Ongaro's dissertation, §6.3): the last operation applied per
//! client and its result, so that a request retried to another leader and
//! committed twice takes effect once.
//!
//! A command is a log entry's text: `c4#7 x=104` (client 4's operation 7
//! writes 104 to x) or `c4#8 read x`; reads go through the log too, so a
//! read answered at index `i` sees every write committed before `i`.

use crate::client::{key_name, Kind, KEYS};
use protocol::flat::FlatMap;
use protocol::linearizable::Value;
use protocol::NodeId;

/// A command of the log, as the client asked it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Command {
    pub client: NodeId,
    pub op: u64,
    pub key: u8,
    pub kind: Kind,
}

impl Command {
    /// The entry's text.
    pub fn encode(&self) -> String {
        match self.kind {
            Kind::Read => format!("c{}#{} read {}", self.client, self.op, key_name(self.key)),
            Kind::Write(v) => format!("c{}#{} {}={v}", self.client, self.op, key_name(self.key)),
        }
    }

    /// A command from an entry's text; `None` for anything else.
    pub fn decode(text: &str) -> Option<Command> {
        let (who, what) = text.split_once(' ')?;
        let (client, op) = who.strip_prefix('c')?.split_once('#')?;
        let (client, op) = (client.parse().ok()?, op.parse().ok()?);
        let key_of = |k: &str| KEYS.iter().position(|n| *n == k).map(|i| i as u8);
        let (key, kind) = match what.strip_prefix("read ") {
            Some(k) => (key_of(k)?, Kind::Read),
            None => {
                let (k, v) = what.split_once('=')?;
                (key_of(k)?, Kind::Write(v.parse().ok()?))
            }
        };
        Some(Command { client, op, key, kind })
    }
}

/// The map and the sessions, rebuilt from the log after a crash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Store {
    values: FlatMap<u8, u64>,
    /// Per client: its last applied operation and what it returned.
    sessions: FlatMap<NodeId, (u64, Value)>,
}

impl Store {
    pub fn get(&self, key: u8) -> Value {
        self.values.get(&key).copied()
    }

    /// Every key that holds a value, ascending.
    pub fn values(&self) -> impl Iterator<Item = (u8, u64)> + '_ {
        self.values.iter().map(|(k, v)| (*k, *v))
    }

    /// What `client`'s operation `op` returned, if it was applied last.
    pub fn answered(&self, client: NodeId, op: u64) -> Option<Value> {
        self.sessions.get(&client).filter(|(last, _)| *last == op).map(|(_, v)| *v)
    }

    /// Apply a committed command and return its result: a read's value, a
    /// write's own value. A command whose operation is not newer than the
    /// client's last applied one is a duplicate and changes nothing.
    pub fn apply(&mut self, c: Command) -> Value {
        if let Some(&(last, result)) = self.sessions.get(&c.client) {
            if c.op <= last {
                return if c.op == last { result } else { None };
            }
        }
        let result = match c.kind {
            Kind::Read => self.get(c.key),
            Kind::Write(v) => {
                self.values.insert(c.key, v);
                Some(v)
            }
        };
        self.sessions.insert(c.client, (c.op, result));
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_back_as_written_and_anything_else_is_no_command() {
        let w = Command { client: 4, op: 7, key: 0, kind: Kind::Write(104) };
        assert_eq!(w.encode(), "c4#7 x=104");
        assert_eq!(Command::decode("c4#7 x=104"), Some(w));
        let r = Command { client: 3, op: 0, key: 1, kind: Kind::Read };
        assert_eq!(Command::decode(&r.encode()), Some(r));
        for junk in ["x=1", "c4 x=1", "c4#7 q=1", "c4#7 x=one", "cx#1 read x"] {
            assert_eq!(Command::decode(junk), None, "{junk}");
        }
    }

    /// Dissertation §6.3: a retried command committed twice applies once.
    #[test]
    fn a_duplicate_applies_once_and_answers_as_the_first() {
        let mut s = Store::default();
        let w = |op, v| Command { client: 3, op, key: 0, kind: Kind::Write(v) };
        assert_eq!(s.apply(w(0, 103)), Some(103));
        assert_eq!(s.apply(Command { client: 4, op: 0, key: 0, kind: Kind::Write(104) }), Some(104));
        assert_eq!(s.apply(w(0, 103)), Some(103), "the duplicate answers as the first");
        assert_eq!(s.get(0), Some(104), "and does not write again");
        assert_eq!(s.apply(Command { client: 4, op: 1, key: 0, kind: Kind::Read }), Some(104));
        assert_eq!(s.answered(4, 1), Some(Some(104)));
        assert_eq!(s.answered(4, 0), None);
    }
}
