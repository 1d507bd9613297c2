//! Deliberately broken variants of Paxos, switched on at run time with the
//! option `bug=NAME` (shared by `paxos` and `multipaxos`). Each one exists
//! to show that the checker catches the property it names: a checker that
//! has never failed proves nothing.

use crate::checker::{PROMISE_INTEGRITY, STABILITY, VALIDITY};
use protocol::{BugSpec, Bugs};
use serde::Serialize;

/// A way to break Paxos on purpose. `None` in [`crate::PaxosConfig::bug`]
/// runs the protocol as the paper describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// An acceptor does not persist its promise: a restart forgets it.
    ForgetPromise,
    /// A proposer ignores the values reported in promises and proposes its own.
    IgnorePromisedValues,
    /// A proposer proposes a value of its own making instead of its client's.
    AcceptUnproposed,
}

/// The value [`Bug::AcceptUnproposed`] proposes. No client of the lab's
/// sweeps or presets ever asks for it.
pub const MADE_UP: &str = "made-up";

/// Every bug, in the order of [`Bug::ALL`].
pub const BUGS: &[BugSpec] = &[
    BugSpec {
        name: "forget-promise",
        breaks: PROMISE_INTEGRITY,
        what: "An acceptor leaves its promise out of what it persists, so a restart forgets it (§2.5).",
    },
    BugSpec {
        name: "ignore-promised-values",
        breaks: STABILITY,
        what: "A proposer proposes its own value (Multi-Paxos: a no-op) even when promises report an \
               accepted one, overwriting a chosen value (P2c, §2.2).",
    },
    BugSpec {
        name: "accept-unproposed",
        breaks: VALIDITY,
        what: "A proposer with no reported value to adopt proposes \"made-up\" instead of its client's \
               command, so a value nobody proposed is chosen (§2.1).",
    },
];

impl Bugs for Bug {
    const ALL: &'static [Bug] = &[Bug::ForgetPromise, Bug::IgnorePromisedValues, Bug::AcceptUnproposed];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "paxos";
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

    /// The table and the enum agree, and names are what serde writes.
    #[test]
    fn names_round_trip_and_match_the_table() {
        assert_eq!(Bug::ALL.len(), BUGS.len());
        for &bug in Bug::ALL {
            assert_eq!(bug.name().parse::<Bug>(), Ok(bug));
            assert_eq!(serde_json::to_string(&bug).unwrap(), format!("\"{}\"", bug.name()));
        }
        assert_eq!(
            "forget-vote".parse::<Bug>(),
            Err("unknown bug \"forget-vote\" for paxos; known: forget-promise, ignore-promised-values, \
                 accept-unproposed"
                .to_string())
        );
    }
}
