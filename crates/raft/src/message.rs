//! Raft's RPCs as messages (Figure 2). Replies are messages too.

use crate::log::Entry;
use protocol::{Message, Tone};
use serde::Serialize;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(tag = "type")]
pub enum Msg {
    /// Invoked by candidates to gather votes (§5.2).
    RequestVote {
        term: u64,
        last_log_index: u64,
        last_log_term: u64,
    },
    RequestVoteReply {
        term: u64,
        vote_granted: bool,
    },
    /// Invoked by the leader to replicate entries (§5.3); also the heartbeat (§5.2).
    AppendEntries {
        term: u64,
        prev_log_index: u64,
        prev_log_term: u64,
        /// Shared: the world copies a message it duplicates or records
        /// without copying its entries. Serialized as a plain array.
        entries: Arc<[Entry]>,
        leader_commit: u64,
    },
    /// `match_index` is the follower's last index known to match the leader's
    /// log on success; on failure `last_log_index` lets the leader skip back
    /// to the end of the follower's log at once.
    AppendEntriesReply {
        term: u64,
        success: bool,
        match_index: u64,
        last_log_index: u64,
    },
}

impl Msg {
    pub fn term(&self) -> u64 {
        match self {
            Msg::RequestVote { term, .. }
            | Msg::RequestVoteReply { term, .. }
            | Msg::AppendEntries { term, .. }
            | Msg::AppendEntriesReply { term, .. } => *term,
        }
    }
}

impl Message for Msg {
    fn term(&self) -> Option<u64> {
        Some(Msg::term(self))
    }
    fn kind(&self) -> &'static str {
        match self {
            Msg::RequestVote { .. } => "RequestVote",
            Msg::RequestVoteReply { .. } => "RequestVoteReply",
            Msg::AppendEntries { .. } => "AppendEntries",
            Msg::AppendEntriesReply { .. } => "AppendEntriesReply",
        }
    }

    fn label(&self) -> String {
        match self {
            Msg::RequestVote { term, .. } => format!("RV t{term}"),
            Msg::RequestVoteReply { vote_granted, .. } => {
                if *vote_granted {
                    "vote ✓".into()
                } else {
                    "vote ✗".into()
                }
            }
            Msg::AppendEntries { entries, .. } if entries.is_empty() => "♥".into(),
            Msg::AppendEntries { entries, .. } => format!("AE +{}", entries.len()),
            Msg::AppendEntriesReply { success, match_index, .. } => {
                if *success {
                    format!("ok {match_index}")
                } else {
                    "✗".into()
                }
            }
        }
    }
    /// Votes in warm colours, replication in the leader's green family:
    /// the colours the app has always drawn them in.
    fn tone(&self) -> Tone {
        match self {
            Msg::RequestVote { .. } => Tone::ORANGE,
            Msg::RequestVoteReply { .. } => Tone::PURPLE,
            Msg::AppendEntries { .. } => Tone::GREEN,
            Msg::AppendEntriesReply { .. } => Tone::CYAN,
        }
    }
}
