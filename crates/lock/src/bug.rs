//! Deliberately broken variants of the locks, switched on at run time with
//! the protocol option `bug=NAME`, so that a sweep can show that the checker
//! catches each one (the "prove the checkers can fail" rule). They are off by
//! default, and a config without one serializes exactly as before.
//!
//! Both break the storage's side of Kleppmann's fencing ("How to do
//! distributed locking", 2016): the lock service numbers its grants
//! correctly, but the storage does not hold writers to the numbers.

use crate::checker::STORAGE_MUTUAL_EXCLUSION;
use protocol::{BugSpec, Bugs};
use serde::Serialize;

/// A way to break a lock on purpose. The order is that of [`BUGS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// The storage keeps its highest token only in memory: after a restart
    /// it accepts an old token again.
    StorageForgetsHighest,
    /// The storage never checks tokens: fencing switched off.
    NoFencing,
}

/// Every bug of the lock crate, in the order of [`Bug`].
pub const BUGS: &[BugSpec] = &[
    BugSpec {
        name: "storage-forgets-highest",
        breaks: STORAGE_MUTUAL_EXCLUSION,
        what: "The storage keeps the highest fencing token it accepted only in memory, so after a restart it accepts a stale token again.",
    },
    BugSpec {
        name: "no-fencing",
        breaks: STORAGE_MUTUAL_EXCLUSION,
        what: "The storage accepts every write without comparing its fencing token with the highest it has seen.",
    },
];

impl Bugs for Bug {
    const ALL: &'static [Bug] = &[Bug::StorageForgetsHighest, Bug::NoFencing];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "lock";
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

    #[test]
    fn every_bug_has_its_spec_in_order_and_parses_back() {
        assert_eq!(Bug::ALL.len(), BUGS.len());
        for (i, &bug) in Bug::ALL.iter().enumerate() {
            assert_eq!(bug as usize, i);
            assert_eq!(bug.name().parse::<Bug>(), Ok(bug));
            // The option value is the serde name, so traces and links agree.
            assert_eq!(serde_json::to_string(&bug).unwrap(), format!("\"{}\"", bug.name()));
            assert_eq!(bug.spec().breaks, STORAGE_MUTUAL_EXCLUSION);
        }
        assert_eq!(
            "fencing".parse::<Bug>(),
            Err(r#"unknown bug "fencing" for lock; known: storage-forgets-highest, no-fencing"#.to_string())
        );
    }

    /// A correct run's config serializes as it did before bugs were
    /// switches (its traces stay byte-identical); a bug comes last, by name.
    #[test]
    fn the_bug_field_is_left_out_unless_set() {
        let correct = serde_json::to_string(&crate::LockConfig::default()).unwrap();
        assert!(!correct.contains("bug"), "{correct}");
        let broken =
            serde_json::to_string(&crate::LockConfig { bug: Some(Bug::NoFencing), ..crate::LockConfig::default() })
                .unwrap();
        assert_eq!(broken, format!("{},\"bug\":\"{}\"}}", &correct[..correct.len() - 1], Bug::NoFencing.name()));
    }
}
