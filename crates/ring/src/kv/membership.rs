//! Membership: who is in the ring, as one node sees it.
//!
//! Each node's entry is written only by that node: it moves itself from
//! standby to joining to member, and from member to leaving to standby,
//! bumping its incarnation each time. A view merges another by keeping, per
//! node, the entry with the higher incarnation, so views only grow and any
//! two nodes that heard the same announcements agree.

use protocol::NodeId;
use serde::Serialize;

/// Where a node stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not in the ring; holds no keys; may join.
    Standby,
    /// In the ring and responsible for its ranges; pulling them from their old owners.
    Joining,
    /// In the ring.
    Member,
    /// Out of the ring; handing its keys to their new owners.
    Leaving,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Standby => "standby",
            Status::Joining => "joining",
            Status::Member => "member",
            Status::Leaving => "leaving",
        }
    }
    /// In the ring that decides responsibility: members and joining nodes.
    pub fn owns(self) -> bool {
        matches!(self, Status::Joining | Status::Member)
    }
    /// In the ring that still holds the data: members and leaving nodes.
    pub fn holds(self) -> bool {
        matches!(self, Status::Member | Status::Leaving)
    }
}

/// One node's entry: its status and how many times it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Entry {
    pub status: Status,
    pub inc: u32,
}

/// A node's view of every node's entry, indexed by node id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(transparent)]
pub struct View {
    entries: Vec<Entry>,
}

/// A set of node ids as bits: node `i` is bit `i`.
pub type NodeSet = u32;

pub fn bit(node: NodeId) -> NodeSet {
    1 << node
}

impl View {
    /// Nodes `0..members` are members, the rest stand by.
    pub fn initial(nodes: u32, members: u32) -> Self {
        let entries = (0..nodes)
            .map(|i| Entry { status: if i < members { Status::Member } else { Status::Standby }, inc: 0 })
            .collect();
        Self { entries }
    }

    pub fn get(&self, node: NodeId) -> Entry {
        self.entries[node as usize]
    }
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
    pub fn len(&self) -> u32 {
        self.entries.len() as u32
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Set this node's own entry (only a node itself does this).
    pub fn set(&mut self, node: NodeId, entry: Entry) {
        self.entries[node as usize] = entry;
    }

    /// Take `entry` for `node` if it is newer. Returns whether the view changed.
    pub fn merge_entry(&mut self, node: NodeId, entry: Entry) -> bool {
        match self.entries.get_mut(node as usize) {
            Some(mine) if entry.inc > mine.inc => {
                *mine = entry;
                true
            }
            _ => false,
        }
    }

    /// Take every newer entry of `other`. Returns whether the view changed.
    pub fn merge(&mut self, other: &View) -> bool {
        let mut changed = false;
        for (i, e) in other.entries.iter().enumerate() {
            changed |= self.merge_entry(i as NodeId, *e);
        }
        changed
    }

    /// The nodes whose status passes `f`.
    pub fn set_of(&self, f: impl Fn(Status) -> bool) -> NodeSet {
        self.entries.iter().enumerate().filter(|(_, e)| f(e.status)).fold(0, |s, (i, _)| s | bit(i as NodeId))
    }

    /// Whether some node is joining or leaving.
    pub fn changing(&self) -> bool {
        self.entries.iter().any(|e| matches!(e.status, Status::Joining | Status::Leaving))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_incarnations_win_and_merging_is_idempotent() {
        let mut a = View::initial(4, 3);
        let mut b = a.clone();
        assert!(b.merge_entry(3, Entry { status: Status::Joining, inc: 1 }));
        assert!(!b.merge_entry(3, Entry { status: Status::Standby, inc: 0 }), "older loses");
        assert!(a.merge(&b));
        assert!(!a.merge(&b));
        assert_eq!(a, b);
        assert_eq!(a.set_of(Status::owns), 0b1111);
        assert_eq!(a.set_of(Status::holds), 0b0111);
        assert!(a.changing());
    }
}
