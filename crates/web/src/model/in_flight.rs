//! The messages in flight as the message list shows them: the first
//! [`MSG_LIST_CAP`] in the order they are due, and how many more there are.
//! Generic: every protocol's messages are an envelope (from, to, due time)
//! plus the kind and label the protocol gives them.

use sim::{MsgId, MsgInfo, Session};

/// Most messages the list shows; the rest are counted ("and N more").
pub const MSG_LIST_CAP: usize = 50;

/// One message as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgRow {
    pub id: MsgId,
    pub kind: &'static str,
    /// The protocol's short label (`ok 0`, `T3 e5`).
    pub label: String,
    pub from: u32,
    pub to: u32,
    /// Model time (ms) at which it is delivered.
    pub deliver_at: u64,
    /// It has arrived and waits for its paused receiver.
    pub held: bool,
    /// Its palette slot, from the message's tone.
    pub color: usize,
}

/// The list: its rows and the count of messages left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MsgList {
    pub rows: Vec<MsgRow>,
    pub more: usize,
}

impl MsgList {
    /// The rows of `session`'s messages in flight, soonest due first (held
    /// ones, already arrived, lead), at most `cap` of them. Labels are read
    /// only for the rows shown. `cap` must be at least 1.
    pub fn of(session: &dyn Session, cap: usize) -> Self {
        let mut all: Vec<MsgInfo> = Vec::new();
        session.messages_into(&mut all);
        // The `cap` soonest, kept in order as they come: no sort of the
        // whole set (a run can have thousands in flight, refreshed at 10 Hz),
        // and little code in the bundle.
        let key = |m: &MsgInfo| (m.deliver_at, m.id);
        let mut shown: Vec<MsgInfo> = Vec::with_capacity(cap + 1);
        for m in all.iter() {
            let at = shown.partition_point(|s| key(s) < key(m));
            if at < cap {
                shown.insert(at, m.clone());
                shown.truncate(cap);
            }
        }
        let more = all.len() - shown.len();
        let all = shown;
        let rows = all
            .into_iter()
            .take(cap)
            .map(|m| MsgRow {
                id: m.id,
                kind: m.kind,
                label: session.message_label(m.id).unwrap_or_default(),
                from: m.from,
                to: m.to,
                deliver_at: m.deliver_at,
                held: m.held,
                color: m.tone.slot(),
            })
            .collect();
        MsgList { rows, more }
    }

    /// The message a list key moves the selection to: `ArrowDown`,
    /// `ArrowUp`, `Home`, `End`. From no selection (or one not listed),
    /// down starts at the first row and up at the last. `None` for other
    /// keys or an empty list.
    pub fn next(&self, selected: Option<MsgId>, key: &str) -> Option<MsgId> {
        let last = self.rows.len().checked_sub(1)?;
        let at = selected.and_then(|id| self.rows.iter().position(|r| r.id == id));
        let to = match (key, at) {
            ("Home", _) | ("ArrowDown", None) => 0,
            ("End", _) | ("ArrowUp", None) => last,
            ("ArrowDown", Some(i)) => (i + 1).min(last),
            ("ArrowUp", Some(i)) => i.saturating_sub(1),
            _ => return None,
        };
        Some(self.rows[to].id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Setup;

    #[test]
    fn rows_are_due_first_capped_and_counted() {
        let mut session = lab::open(&Setup::default()).unwrap();
        let mut list = MsgList::of(session.as_ref(), 3);
        for _ in 0..200 {
            if list.rows.len() == 3 && list.more > 0 {
                break;
            }
            session.step();
            list = MsgList::of(session.as_ref(), 3);
        }
        let mut all = Vec::new();
        session.messages_into(&mut all);
        assert_eq!(list.rows.len() + list.more, all.len());
        assert!(list.more > 0, "an election sends more than three messages");
        assert!(list.rows.windows(2).all(|w| (w[0].deliver_at, w[0].id) <= (w[1].deliver_at, w[1].id)));
        let soonest = all.iter().map(|m| m.deliver_at).min().unwrap();
        assert_eq!(list.rows[0].deliver_at, soonest);
        assert_eq!(Some(list.rows[0].label.clone()), session.message_label(list.rows[0].id));
    }

    #[test]
    fn keys_move_the_selection_within_the_list() {
        let row =
            |id| MsgRow { id, kind: "M", label: String::new(), from: 0, to: 1, deliver_at: id, held: false, color: 0 };
        let list = MsgList { rows: vec![row(4), row(7), row(9)], more: 0 };
        assert_eq!(list.next(None, "ArrowDown"), Some(4));
        assert_eq!(list.next(None, "ArrowUp"), Some(9));
        assert_eq!(list.next(Some(4), "ArrowDown"), Some(7));
        assert_eq!(list.next(Some(9), "ArrowDown"), Some(9));
        assert_eq!(list.next(Some(4), "ArrowUp"), Some(4));
        assert_eq!(list.next(Some(7), "End"), Some(9));
        assert_eq!(list.next(Some(9), "Home"), Some(4));
        assert_eq!(list.next(Some(123), "ArrowDown"), Some(4), "a selection not listed starts over");
        assert_eq!(list.next(Some(7), "x"), None);
        assert_eq!(MsgList::default().next(None, "ArrowDown"), None);
    }
}
