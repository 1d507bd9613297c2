//! Deliberately broken variants, switched on at run time with the protocol
//! option `bug=NAME`, so that a sweep shows the checkers catch each one.

use crate::checker::ATOMICITY;
use protocol::BugSpec;
use serde::Serialize;

/// A broken 2PC/3PC participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommitBug {
    /// Gives up waiting for the outcome and aborts after voting yes.
    AbortAfterYes,
}

pub const COMMIT_BUGS: &[BugSpec] = &[BugSpec {
    name: "abort-after-yes",
    breaks: ATOMICITY,
    what: "A participant in doubt gives up waiting for the outcome and aborts on its own after voting yes, while the coordinator may have decided commit.",
}];

impl CommitBug {
    pub const ALL: &'static [CommitBug] = &[CommitBug::AbortAfterYes];
    pub fn spec(self) -> BugSpec {
        COMMIT_BUGS[self as usize]
    }
}

impl std::str::FromStr for CommitBug {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        BugSpec::find(CommitBug::ALL, COMMIT_BUGS, "2pc/3pc", s)
    }
}
