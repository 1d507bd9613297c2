//! Deliberately broken variants of the store, switched on at run time with
//! the protocol option `bug=NAME`, so that a sweep can show that the checker
//! catches each one: one per property. They are off by default, and a config
//! without one serializes exactly as before.
//!
//! Both break the hand-off of a range when the ring changes (Dynamo §4.9,
//! DeCandia et al., 2007; the ranges are those of Karger et al., 1997).

use super::checker::{DURABILITY, PLACEMENT};
use protocol::{BugSpec, Bugs};
use serde::Serialize;

/// A way to break the store on purpose. The order is that of [`BUGS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// A node hands off a key and deletes it at once, without waiting for
    /// the new owner's confirmation: a key is then only on the wire, and a
    /// crash of the receiver loses it.
    HandoffWithoutConfirm,
    /// A node keeps the keys it handed off: after the change completes a key
    /// lives on more nodes than its preference list.
    KeepHandedOff,
}

/// Every bug of the store, in the order of [`Bug`].
pub const BUGS: &[BugSpec] = &[
    BugSpec {
        name: "handoff-without-confirm",
        breaks: DURABILITY,
        what: "A node deletes a key as soon as it hands it off, before the new owner confirms holding it, so a lost message or a crash loses the key.",
    },
    BugSpec {
        name: "keep-handed-off",
        breaks: PLACEMENT,
        what: "A node keeps its copy of a key it handed off, so once the ring is at rest the key is on a node outside its preference list.",
    },
];

impl Bugs for Bug {
    const ALL: &'static [Bug] = &[Bug::HandoffWithoutConfirm, Bug::KeepHandedOff];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "ring";
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
            assert_eq!(serde_json::to_string(&bug).unwrap(), format!("\"{}\"", bug.name()));
        }
        // One bug per property, so each property is shown to be checkable.
        assert_eq!(Bug::HandoffWithoutConfirm.spec().breaks, DURABILITY);
        assert_eq!(Bug::KeepHandedOff.spec().breaks, PLACEMENT);
        assert_eq!(
            "lose-keys".parse::<Bug>(),
            Err(r#"unknown bug "lose-keys" for ring; known: handoff-without-confirm, keep-handed-off"#.to_string())
        );
    }

    /// A correct run's config serializes as it did before bugs were
    /// switches (its traces stay byte-identical); a bug comes last, by name.
    #[test]
    fn the_bug_field_is_left_out_unless_set() {
        let correct = serde_json::to_string(&crate::kv::KvConfig::default()).unwrap();
        assert!(!correct.contains("bug"), "{correct}");
        let broken = serde_json::to_string(&crate::kv::KvConfig {
            bug: Some(Bug::KeepHandedOff),
            ..crate::kv::KvConfig::default()
        })
        .unwrap();
        assert_eq!(broken, format!("{},\"bug\":\"{}\"}}", &correct[..correct.len() - 1], Bug::KeepHandedOff.name()));
    }
}
