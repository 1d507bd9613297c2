//! Deliberately broken variants, switched on at run time with the protocol
//! option `bug=NAME`, so that a sweep shows the checkers catch each one.

use crate::checker::{ATOMICITY, COMPENSATE_ONCE, EXACTLY_ONCE, NO_PHANTOM};
use protocol::{BugSpec, Bugs};
use serde::Serialize;

/// A broken 2PC/3PC participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
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

impl Bugs for CommitBug {
    const ALL: &'static [CommitBug] = &[CommitBug::AbortAfterYes];
    const SPECS: &'static [BugSpec] = COMMIT_BUGS;
    const PROTOCOL: &'static str = "2pc/3pc";
}

impl std::str::FromStr for CommitBug {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// A broken saga.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SagaBug {
    /// A service runs a compensation again when the request is repeated.
    CompensateTwice,
}

pub const SAGA_BUGS: &[BugSpec] = &[BugSpec {
    name: "compensate-twice",
    breaks: COMPENSATE_ONCE,
    what: "A service's compensation is not idempotent: a repeated or duplicated compensate request undoes its step a second time.",
}];

impl Bugs for SagaBug {
    const ALL: &'static [SagaBug] = &[SagaBug::CompensateTwice];
    const SPECS: &'static [BugSpec] = SAGA_BUGS;
    const PROTOCOL: &'static str = "saga";
}

impl std::str::FromStr for SagaBug {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// A broken outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum OutboxBug {
    /// The service publishes the message before its transaction commits.
    PublishBeforeCommit,
    /// The consumer applies every delivery, repeated ones too.
    NoDedup,
}

pub const OUTBOX_BUGS: &[BugSpec] = &[
    BugSpec {
        name: "publish-before-commit",
        breaks: NO_PHANTOM,
        what: "The service sends the message to the broker before its local transaction commits; a crash in between leaves a message for a change that never happened.",
    },
    BugSpec {
        name: "no-dedup",
        breaks: EXACTLY_ONCE,
        what: "The consumer does not check the ids it processed, so a redelivered message is applied twice.",
    },
];

impl Bugs for OutboxBug {
    const ALL: &'static [OutboxBug] = &[OutboxBug::PublishBeforeCommit, OutboxBug::NoDedup];
    const SPECS: &'static [BugSpec] = OUTBOX_BUGS;
    const PROTOCOL: &'static str = "outbox";
}

impl std::str::FromStr for OutboxBug {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}
