//! Symmetry reduction: the fingerprint of a representative of the state up
//! to renaming interchangeable nodes ([`protocol::Symmetric`]).
//!
//! Let G be the renamings (permutations of node ids) that map each group
//! of interchangeable nodes onto itself and fix every other node. The
//! representative of a world `w` is `π(w)` for one π of G chosen from `w`:
//! each interchangeable node gets a sort key that does not depend on how
//! the group's nodes are named (its status, its state and what it
//! persisted with the group's ids collapsed into one, its timers, and the
//! messages it sends and receives, summed so that their order does not
//! count); within a group the node with the least key takes the least id,
//! and so on. Nodes with equal keys may still differ in what the checker
//! remembers of them or in how a fixed node names them (the coordinator's
//! set of votes), so every order of a tie is tried, and π is the one whose
//! renamed world has the least fingerprint (ties in id order only when
//! that would take more than `MAX_TIE_ORDERS` renamings). The keys do not
//! depend on names, and the renamings tried for `σ(w)` are those tried for
//! `w` composed with σ⁻¹, so `w` and `σ(w)` get one representative: the
//! reduction is exact (barring collisions and that cap), and the counts it
//! gives do not depend on hash values. The fingerprint is that of `π(w)`: node
//! states, what they persisted, timers and held inputs moved to their new
//! slots and renamed inside, messages with their ends and contents renamed,
//! cut links moved, the checker's memory renamed. Nothing is built: the
//! world explored stays `w`, only its fingerprint changes.
//!
//! Soundness. The precondition (argued by each protocol where it
//! implements `Symmetric`) is that every σ of G commutes with the world:
//! the successor of `σ(w)` by `σ(a)` is `σ` of the successor of `w` by `a`
//! (the world itself treats every node alike: choices, faults and budgets
//! are per node or per message, never by id order that matters), and the
//! checker flags `σ(w)` exactly when it flags `w`. Then what can happen
//! from `σ(w)` is what can happen from `w`, renamed: the same properties
//! can be broken, after the same number of choices. Two worlds get one
//! fingerprint only if `π(w) = π'(v)` (barring a hash collision), that is
//! `v = π'⁻¹π(w)`, a renaming of `w` by an element of G. So merging them
//! hides no violation and no shorter path to one: a model checker keeps
//! exploring `w`, a real world, and any counterexample it finds is a real
//! list of actions that replays. Any rule choosing π from G is sound in
//! this way; a rule that gives two renamings of one state different π(w)
//! (a tie broken by id order past the cap) only merges less.

use super::{Held, World};
use crate::action::MsgId;
use protocol::{Checker, Fingerprint, NodeId, Protocol, Renaming, Symmetry};
use std::hash::Hasher;
use std::sync::Arc;

/// Symmetry reduction asked of a protocol that does not support it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{algo} does not support symmetry reduction: it names no interchangeable nodes (drop --symmetry, or see \
     `cli algos` for the algorithms that do)"
)]
pub struct NoSymmetry {
    pub algo: &'static str,
}

impl<P: Protocol> World<P> {
    /// This world with symmetry reduction on: from now on (and in every
    /// copy) [`World::fingerprint`] is that of the state's representative
    /// up to renaming the nodes the protocol calls interchangeable in this
    /// config. An error if the protocol does not implement
    /// [`protocol::Symmetric`].
    pub fn with_symmetry(mut self) -> Result<Self, NoSymmetry> {
        let symmetry = P::symmetry(&self.protocol_config).ok_or(NoSymmetry { algo: P::name(&self.protocol_config) })?;
        let n = self.base.cluster.nodes;
        let mut taken = vec![false; n as usize];
        let mut groups: Vec<Vec<NodeId>> = Vec::new();
        for mut group in (symmetry.interchangeable)(&self.base.cluster, &self.protocol_config) {
            protocol::sort::sort(&mut group);
            group.dedup();
            group.retain(|&id| id < n && !std::mem::replace(&mut taken[id as usize], true));
            if group.len() > 1 {
                groups.push(group);
            }
        }
        self.base.symmetry = Some(Arc::from(groups));
        Ok(self)
    }

    /// The groups of interchangeable nodes, when symmetry reduction is on
    /// (empty when the config has none).
    pub fn interchangeable(&self) -> Option<&[Vec<NodeId>]> {
        self.base.symmetry.as_deref()
    }

    /// The protocol's renamings and the groups, when reduction is on and
    /// there is something to rename.
    pub(super) fn symmetry_on(&self) -> Option<(Symmetry<P>, &[Vec<NodeId>])> {
        let groups = self.base.symmetry.as_deref().filter(|g| !g.is_empty())?;
        Some((P::symmetry(&self.protocol_config)?, groups))
    }

    /// The renaming π that takes this world to its representative (the
    /// identity when reduction is off).
    pub fn canonical_renaming(&self) -> Renaming {
        match self.symmetry_on() {
            Some((symmetry, groups)) => self.representative(&symmetry, groups).1,
            None => Renaming::identity(self.base.cluster.nodes),
        }
    }

    pub(super) fn representative_fingerprint(&self, symmetry: &Symmetry<P>, groups: &[Vec<NodeId>]) -> u64 {
        self.representative(symmetry, groups).0
    }

    /// The least fingerprint of the renamings that sort the groups by key,
    /// and that renaming.
    fn representative(&self, symmetry: &Symmetry<P>, groups: &[Vec<NodeId>]) -> (u64, Renaming) {
        let mut best: Option<(u64, Renaming)> = None;
        for renaming in self.sorting_renamings(symmetry, groups) {
            let fp = if renaming.is_identity() {
                self.exact_fingerprint()
            } else {
                self.renamed_fingerprint(symmetry, &renaming)
            };
            if best.as_ref().is_none_or(|(b, _)| fp < *b) {
                best = Some((fp, renaming));
            }
        }
        best.expect("at least one renaming sorts the groups")
    }

    /// The renamings that give each group's least id to its node with the
    /// least key, and so on: every order of nodes with equal keys (their
    /// states agree, but the checker's memory or a fixed node may still
    /// tell them apart), as long as that makes at most [`MAX_TIE_ORDERS`]
    /// renamings; past that, ties in id order only.
    fn sorting_renamings(&self, symmetry: &Symmetry<P>, groups: &[Vec<NodeId>]) -> Vec<Renaming> {
        sorting_renamings(&self.keys(symmetry, groups), self.base.cluster.nodes, groups)
    }

    /// Each grouped node's key: what it is and what it sends and receives,
    /// with its group's ids collapsed into the least one.
    fn keys(&self, symmetry: &Symmetry<P>, groups: &[Vec<NodeId>]) -> Vec<u64> {
        let n = self.base.cluster.nodes;
        let mut collapse: Vec<NodeId> = (0..n).collect();
        for group in groups {
            for &id in group {
                collapse[id as usize] = group[0];
            }
        }
        let collapse = Renaming::new(collapse);
        let mut keys = vec![0u64; n as usize];
        let mut grouped = vec![false; n as usize];
        for group in groups {
            for &id in group {
                keys[id as usize] = self.node_key(symmetry, &collapse, id);
                grouped[id as usize] = true;
            }
        }
        // The messages each node sends and receives, as a sum (so their
        // order does not count), the other end collapsed too.
        for env in self.in_flight.values() {
            if !grouped[env.from as usize] && !grouped[env.to as usize] {
                continue;
            }
            let m = self.renamed_message_fingerprint(symmetry, &collapse, env.id);
            for (end, direction) in [(env.from, 1), (env.to, 2)] {
                if grouped[end as usize] {
                    keys[end as usize] = keys[end as usize].wrapping_add(mix(m, direction));
                }
            }
        }
        keys
    }

    /// What a node is, with its group's ids collapsed.
    fn node_key(&self, symmetry: &Symmetry<P>, collapse: &Renaming, id: NodeId) -> u64 {
        let (node, meta) = (&self.nodes[id as usize], &self.base.nodes[id as usize]);
        let mut h = Fingerprint::default();
        h.write_u8(meta.status as u8);
        h.write_u32(meta.crash_after.map_or(u32::MAX, |k| k));
        h.write_usize(node.held.len());
        h.write_u64(self.renamed_node_fingerprint(symmetry, collapse, id));
        h.finish()
    }

    /// The fingerprint of a node's state, what it persisted and its timers,
    /// renamed, as the exact fingerprint computes it.
    fn renamed_node_fingerprint(&self, symmetry: &Symmetry<P>, renaming: &Renaming, id: NodeId) -> u64 {
        let node = &self.nodes[id as usize];
        let mut state = node.state.clone();
        (symmetry.rename)(&mut state, renaming);
        let durable = node.durable.clone().map(|mut d| {
            (symmetry.rename_durable)(&mut d, renaming);
            d
        });
        let mut timers: Vec<P::Timer> = node.timers.iter().map(|(t, _)| *t).collect();
        timers.iter_mut().for_each(|t| (symmetry.rename_timer)(t, renaming));
        sort_few(&mut timers, |a, b| a < b);
        super::explore::node_fingerprint(&state, durable.as_ref(), timers.iter())
    }

    /// [`World::message_fingerprint`] of the message renamed.
    fn renamed_message_fingerprint(&self, symmetry: &Symmetry<P>, renaming: &Renaming, msg: MsgId) -> u64 {
        let Some(env) = self.in_flight.get(msg) else { return 0 };
        let (from, to) = (renaming.id(env.from), renaming.id(env.to));
        if symmetry.msgs_name_nodes {
            let mut m = env.msg.clone();
            (symmetry.rename_msg)(&mut m, renaming);
            super::explore::message_fingerprint::<P>(from, to, env.held, &m)
        } else {
            super::explore::message_fingerprint::<P>(from, to, env.held, &env.msg)
        }
    }

    /// The exact fingerprint of this world renamed by the permutation
    /// `renaming`, computed without building it: equal to
    /// `self.renamed(renaming).exact_fingerprint()`, and to this world's
    /// exact fingerprint for the identity.
    pub fn fingerprint_renamed(&self, renaming: &Renaming) -> Option<u64> {
        let symmetry = P::symmetry(&self.protocol_config)?;
        Some(self.renamed_fingerprint(&symmetry, renaming))
    }

    fn renamed_fingerprint(&self, symmetry: &Symmetry<P>, renaming: &Renaming) -> u64 {
        let back = renaming.inverse();
        let n = self.base.cluster.nodes;
        let mut h = Fingerprint::default();
        for slot in 0..n {
            let id = back.id(slot);
            let (node, meta) = (&self.nodes[id as usize], &self.base.nodes[id as usize]);
            let fingerprint = self.renamed_node_fingerprint(symmetry, renaming, id);
            super::explore::write_node(&mut h, fingerprint, slot, meta.status as u8, meta.crash_after, node.held.len());
            for held in &node.held {
                match held {
                    Held::Deliver(msg) => h.write_u64(self.renamed_message_fingerprint(symmetry, renaming, *msg)),
                    Held::Timer(timer) => {
                        let mut t = *timer;
                        (symmetry.rename_timer)(&mut t, renaming);
                        P::fingerprint_timer(&t, &mut h);
                    }
                    Held::Request(cmd) => h.write(cmd.as_bytes()),
                }
            }
        }
        super::explore::write_multiset(
            &mut h,
            self.in_flight.values().map(|e| self.renamed_message_fingerprint(symmetry, renaming, e.id)),
        );
        super::explore::write_bits(&mut h, &self.base.cuts_renamed(&back));
        let mut checker = self.checker.clone();
        (symmetry.rename_checker)(&mut checker, renaming);
        checker.fingerprint(&mut h);
        h.finish()
    }
}

/// Most renamings tried for one state when nodes tie: 5! (five
/// indistinguishable nodes, or two pairs and a triple).
const MAX_TIE_ORDERS: usize = 120;

/// [`World::sorting_renamings`] from the nodes' sort `keys`: not generic,
/// so its sort is compiled once, not once per protocol.
fn sorting_renamings(keys: &[u64], n: NodeId, groups: &[Vec<NodeId>]) -> Vec<Renaming> {
    // Per group, its members by key, and the runs of equal keys.
    let mut sorted: Vec<Vec<NodeId>> = Vec::with_capacity(groups.len());
    let mut ties: Vec<(usize, usize, usize)> = Vec::new();
    let mut orders = 1usize;
    for (g, group) in groups.iter().enumerate() {
        let mut members = group.clone();
        protocol::sort::sort_by_key(&mut members, |&id| (keys[id as usize], id));
        let mut start = 0;
        for end in 1..=members.len() {
            if end == members.len() || keys[members[end] as usize] != keys[members[start] as usize] {
                if end - start > 1 {
                    ties.push((g, start, end));
                    orders = orders.saturating_mul((1..=end - start).product());
                }
                start = end;
            }
        }
        sorted.push(members);
    }
    if orders > MAX_TIE_ORDERS {
        ties.clear();
    }
    let mut all = Vec::new();
    orderings(&mut sorted, &ties, &mut |sorted| {
        let mut to: Vec<NodeId> = (0..n).collect();
        for (group, members) in groups.iter().zip(sorted.iter()) {
            for (slot, &member) in group.iter().zip(members) {
                to[member as usize] = *slot;
            }
        }
        all.push(Renaming::new(to));
    });
    all
}

/// Sort a node's few timers, stably: an insertion sort, whose code per
/// timer type is a few instructions where the standard sorts compile to
/// kilobytes (once per protocol, in the app).
pub(super) fn sort_few<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Call `visit` with `sorted` in every order that permutes each run of
/// `ties` (group, start, end) and leaves the rest; `sorted` is as it was
/// after.
fn orderings(sorted: &mut [Vec<NodeId>], ties: &[(usize, usize, usize)], visit: &mut dyn FnMut(&[Vec<NodeId>])) {
    let Some((&(g, start, end), rest)) = ties.split_first() else {
        visit(sorted);
        return;
    };
    // Each member of the run first in turn, the rest of the run after it.
    if end - start <= 1 {
        orderings(sorted, rest, visit);
        return;
    }
    for i in start..end {
        sorted[g].swap(start, i);
        let mut inner = ties.to_vec();
        inner[0] = (g, start + 1, end);
        orderings(sorted, &inner, visit);
        sorted[g].swap(start, i);
    }
}

/// One message's part of a node's key, by direction.
fn mix(m: u64, direction: u8) -> u64 {
    let mut h = Fingerprint::default();
    h.write_u64(m);
    h.write_u8(direction);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::sort_few;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sort_few_is_a_stable_sort(mut items in prop::collection::vec((0u8..4, any::<u8>()), 0..12)) {
            let mut expected = items.clone();
            expected.sort_by_key(|&(k, _)| k);
            sort_few(&mut items, |a, b| a.0 < b.0);
            prop_assert_eq!(items, expected);
        }
    }
}
