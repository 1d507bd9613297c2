//! What an AP store does guarantee, checked after every step at a cost of
//! (replicas × keys), whatever the run's length. Linearizability is not
//! among them: a correct LWW store is not linearizable under a partition
//! (the picture shows that verdict instead).
//!
//! - [`TIMESTAMPS_ONLY_GROW`]: a replica's timestamp for a key never goes
//!   back (Shapiro et al. 2011: an LWW register's merge is the max, so its
//!   state only grows in the timestamp order). The checker keeps the last
//!   timestamp it saw per replica and key.
//! - [`ONE_VALUE_PER_TIMESTAMP`]: two replicas holding the same timestamp
//!   for a key hold the same value. A timestamp names one write; if two
//!   writes shared one, the merge could not choose and the replicas would
//!   never converge. This is the safety half of convergence.

use crate::Lww;
use kvraft::client::key_name;
use protocol::flat::FlatMap;
use protocol::{Checker, NodeId, NodeRef, Violation};

pub const TIMESTAMPS_ONLY_GROW: &str = "TimestampsOnlyGrow";
pub const ONE_VALUE_PER_TIMESTAMP: &str = "OneValuePerTimestamp";

#[derive(Clone, Debug, Default, Hash)]
pub struct LwwChecker {
    /// (replica, key) → the highest timestamp seen there.
    last: FlatMap<(NodeId, u8), crate::Ts>,
}

impl Checker<Lww> for LwwChecker {
    const PROPERTIES: &'static [&'static str] = &[TIMESTAMPS_ONLY_GROW, ONE_VALUE_PER_TIMESTAMP];
    /// What it remembers, by its derived `Hash`.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }

    fn check(&mut self, nodes: &[NodeRef<'_, Lww>]) -> Option<Violation> {
        self.check_changed(nodes, None)
    }

    fn check_changed(&mut self, nodes: &[NodeRef<'_, Lww>], changed: Option<NodeId>) -> Option<Violation> {
        let mut first = None;
        for n in nodes.iter().filter(|n| changed.is_none_or(|c| c == n.id)) {
            let Some(r) = n.state.replica() else { continue };
            for (&key, v) in &r.store {
                let last = self.last.entry((n.id, key)).or_default();
                if v.ts < *last && first.is_none() {
                    first = Some(Violation::new(
                        TIMESTAMPS_ONLY_GROW,
                        format!(
                            "replica {} went back on {} from timestamp {last} to {} (value {})",
                            n.id,
                            key_name(key),
                            v.ts,
                            v.value
                        ),
                        [n.id],
                    ));
                }
                *last = v.ts;
                if first.is_some() {
                    continue;
                }
                let other = nodes.iter().filter(|o| o.id != n.id).find_map(|o| {
                    let w = o.state.replica()?.store.get(&key)?;
                    (w.ts == v.ts && w.value != v.value).then_some((o.id, w.value))
                });
                if let Some((o, value)) = other {
                    first = Some(Violation::new(
                        ONE_VALUE_PER_TIMESTAMP,
                        format!(
                            "replicas {} and {o} hold {} at the same timestamp {} with different values, {} and {value}: they can never converge",
                            n.id,
                            key_name(key),
                            v.ts,
                            v.value
                        ),
                        [n.id, o],
                    ));
                }
            }
        }
        first
    }
}
