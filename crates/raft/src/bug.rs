//! Deliberately broken variants of Raft, switched on at run time with the
//! protocol option `bug=NAME`, to show that the checker catches each one.
//!
//! Each bug is one small branch in `raft.rs` on `self.config.bug`, and each
//! names the Figure 3 property a sweep of faulty runs is seen to break.

use crate::checker::{ELECTION_SAFETY, LEADER_APPEND_ONLY, LEADER_COMPLETENESS, LOG_MATCHING, STATE_MACHINE_SAFETY};
use protocol::{BugSpec, Bugs};
use serde::Serialize;

/// One way to break Raft on purpose. The order is that of [`BUGS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    CommitPreviousTerms,
    ForgetVote,
    TruncateAlways,
    VoteWithoutLogCheck,
    OverwriteOwnEntry,
    VoteBeforePersist,
    SkipConsistencyCheck,
    CommitPastMatch,
}

/// What each [`Bug`] does and the property it breaks, in the enum's order.
pub const BUGS: &[BugSpec] = &[
    BugSpec {
        name: "commit-previous-terms",
        breaks: LEADER_COMPLETENESS,
        what: "A leader commits an entry of an earlier term once a majority stores it, the mistake of §5.4.2 and \
               Figure 8.",
    },
    BugSpec {
        name: "forget-vote",
        breaks: ELECTION_SAFETY,
        what: "A restarted node forgets whom it voted for in its current term, so it can vote twice in one term.",
    },
    BugSpec {
        name: "truncate-always",
        breaks: LEADER_COMPLETENESS,
        what: "A follower deletes every entry after prev_log_index on each AppendEntries, even ones that match, so \
               a late duplicate erases committed entries and a node missing them can win an election.",
    },
    BugSpec {
        name: "vote-without-log-check",
        breaks: LEADER_COMPLETENESS,
        what: "A node grants its vote without the §5.4.1 check that the candidate's log is at least as up to date \
               as its own.",
    },
    BugSpec {
        name: "overwrite-own-entry",
        breaks: LEADER_APPEND_ONLY,
        what: "A leader whose last entry is of its own term replaces that entry with a new client command instead \
               of appending.",
    },
    BugSpec {
        name: "vote-before-persist",
        breaks: ELECTION_SAFETY,
        what: "A node sends the reply granting its vote before persisting voted_for, so a crash in between lets it \
               vote again in the same term.",
    },
    BugSpec {
        name: "skip-consistency-check",
        breaks: LOG_MATCHING,
        what: "A follower whose entry at prev_log_index has another term appends the new entries anyway, skipping \
               the §5.3 consistency check, so two logs share an entry but differ before it.",
    },
    BugSpec {
        name: "commit-past-match",
        breaks: STATE_MACHINE_SAFETY,
        what: "A follower sets commit_index to leader_commit clamped only to its log's length, not to the index of \
               the last new entry (Figure 2, AppendEntries rule 5), so it commits a stale tail the leader never \
               matched.",
    },
];

impl Bugs for Bug {
    /// Every bug, in the order of [`BUGS`].
    const ALL: &'static [Bug] = &[
        Bug::CommitPreviousTerms,
        Bug::ForgetVote,
        Bug::TruncateAlways,
        Bug::VoteWithoutLogCheck,
        Bug::OverwriteOwnEntry,
        Bug::VoteBeforePersist,
        Bug::SkipConsistencyCheck,
        Bug::CommitPastMatch,
    ];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "raft";
}

impl std::str::FromStr for Bug {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RaftChecker;
    use protocol::Checker;

    #[test]
    fn names_specs_and_serde_agree() {
        assert_eq!(Bug::ALL.len(), BUGS.len());
        for &bug in Bug::ALL {
            assert_eq!(serde_json::to_string(&bug).unwrap(), format!("\"{}\"", bug.name()));
            assert_eq!(bug.name().parse::<Bug>(), Ok(bug));
            assert!(<RaftChecker as Checker<crate::Raft>>::PROPERTIES.contains(&bug.spec().breaks), "{bug:?}");
            assert!(bug.spec().what.ends_with('.'), "{bug:?}");
        }
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        assert_eq!(
            "nope".parse::<Bug>(),
            Err("unknown bug \"nope\" for raft; known: commit-previous-terms, forget-vote, truncate-always, \
                 vote-without-log-check, overwrite-own-entry, vote-before-persist, skip-consistency-check, \
                 commit-past-match"
                .to_string())
        );
    }
}
