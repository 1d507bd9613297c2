//! Symmetry: nodes a model checker may treat as interchangeable.
//!
//! Two proposers of Paxos are not interchangeable (a ballot's tie-break is
//! its proposer's id), but the acceptors that propose nothing are: nothing
//! any node does depends on *which* of them is which, only on what each
//! holds. A protocol that has such nodes implements [`Symmetric`]: it names
//! the groups of interchangeable nodes of a config, and renames node ids
//! inside its node state, messages, durable state, timers and checker by a
//! [`Renaming`]. The world (crate `sim`) then fingerprints a *representative*
//! of each state (the state with its interchangeable nodes renamed into a
//! canonical order), so that a model checker merges states that are
//! renamings of one another.
//!
//! The precondition, which each implementation must argue: for every
//! permutation σ that maps each group onto itself and fixes every other
//! id, renaming commutes with everything the world does. A node whose state
//! is `σ(s)` given the input `σ(i)` does what a node in state `s` does given
//! `i`, renamed by σ; the checker flags `σ(w)` exactly when it flags `w`
//! (perhaps naming other nodes); and renaming by σ then by σ⁻¹ gives back
//! the original value.

use crate::{Cluster, NodeId, Protocol};

/// A map of node ids, `old -> new`, for the cluster's ids `0..len`. A
/// permutation renames a state into an equivalent one; the world also
/// renames node states and messages by a map that sends each group to its
/// least id (not one to one), to compute a sort key that does not depend on
/// how the group's nodes are named. Such a collapsed state is only hashed,
/// never run, so a rename need only be a deterministic function of its
/// input there; [`Renaming::permute`] is used on checkers only, which are
/// only ever renamed by permutations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Renaming {
    to: Vec<NodeId>,
}

impl Renaming {
    /// Every id to itself.
    pub fn identity(nodes: u32) -> Self {
        Self { to: (0..nodes).collect() }
    }

    /// `to[old]` is the new id of `old`.
    pub fn new(to: Vec<NodeId>) -> Self {
        Self { to }
    }

    /// The new id of `id` (an id outside the cluster is left as it is).
    #[inline]
    pub fn id(&self, id: NodeId) -> NodeId {
        self.to.get(id as usize).copied().unwrap_or(id)
    }

    /// Ids of the cluster, `0..len`.
    pub fn len(&self) -> usize {
        self.to.len()
    }

    pub fn is_empty(&self) -> bool {
        self.to.is_empty()
    }

    /// Whether every id goes to itself.
    pub fn is_identity(&self) -> bool {
        self.to.iter().enumerate().all(|(i, &t)| i as NodeId == t)
    }

    /// Whether no two ids go to one.
    pub fn is_permutation(&self) -> bool {
        let mut seen = vec![false; self.to.len()];
        self.to.iter().all(|&t| (t as usize) < seen.len() && !std::mem::replace(&mut seen[t as usize], true))
    }

    /// The renaming back (a permutation's inverse).
    pub fn inverse(&self) -> Self {
        debug_assert!(self.is_permutation());
        let mut back = vec![0; self.to.len()];
        for (old, &new) in self.to.iter().enumerate() {
            back[new as usize] = old as NodeId;
        }
        Self { to: back }
    }

    /// A set of ids as bits (bit `i`: node `i`), renamed.
    pub fn bits(&self, bits: u128) -> u128 {
        (0..128u32).filter(|i| bits & (1u128 << i) != 0).fold(0, |acc, i| acc | 1u128 << self.id(i).min(127))
    }

    /// [`Renaming::bits`] for a 32-bit set.
    pub fn bits32(&self, bits: u32) -> u32 {
        self.bits(u128::from(bits)) as u32
    }

    /// A table indexed by node id, renamed: entry `i` moves to `id(i)`.
    /// The result is as long as the cluster (or the table, if longer),
    /// missing entries `T::default()`, so that tables of different lengths
    /// with the same entries rename alike. For permutations only.
    pub fn permute<T: Clone + Default>(&self, table: &[T]) -> Vec<T> {
        debug_assert!(self.is_permutation());
        let mut out = vec![T::default(); table.len().max(self.to.len())];
        for (old, entry) in table.iter().enumerate() {
            out[self.id(old as NodeId) as usize] = entry.clone();
        }
        out
    }
}

/// A protocol with interchangeable nodes (see the module's documentation).
pub trait Symmetric: Protocol {
    /// The groups of nodes that are interchangeable in a world of `cluster`
    /// and `config`: each sorted, no id in two groups; ids in no group are
    /// never renamed. Empty when there are none in this config.
    fn interchangeable(cluster: &Cluster, config: &Self::Config) -> Vec<Vec<NodeId>>;
    /// Rename the node ids inside a node's state (its own id included).
    fn rename(&mut self, renaming: &Renaming);
    /// Rename the node ids inside a message's payload (the world renames
    /// its ends). Not called when [`Symmetric::MSGS_NAME_NODES`] is false.
    fn rename_msg(msg: &mut Self::Msg, renaming: &Renaming);
    /// Rename the node ids inside what a node persisted.
    fn rename_durable(durable: &mut Self::Durable, renaming: &Renaming);
    /// Rename the node ids inside a timer; timers name none by default.
    fn rename_timer(timer: &mut Self::Timer, renaming: &Renaming) {
        let _ = (timer, renaming);
    }
    /// Rename the node ids inside the checker's memory (by a permutation).
    fn rename_checker(checker: &mut Self::Checker, renaming: &Renaming);
    /// Whether a message's payload can name a node that may be renamed;
    /// when not, the world hashes payloads as they are, without a copy.
    const MSGS_NAME_NODES: bool = true;
}

/// [`Symmetric`] as a table of functions, which [`Protocol::symmetry`]
/// hands out, so that code generic over every protocol (the world, the
/// model checker) can use it where a protocol has it.
pub struct Symmetry<P: Protocol> {
    pub interchangeable: fn(&Cluster, &P::Config) -> Vec<Vec<NodeId>>,
    pub rename: fn(&mut P, &Renaming),
    pub rename_msg: fn(&mut P::Msg, &Renaming),
    pub rename_durable: fn(&mut P::Durable, &Renaming),
    pub rename_timer: fn(&mut P::Timer, &Renaming),
    pub rename_checker: fn(&mut P::Checker, &Renaming),
    pub msgs_name_nodes: bool,
}

impl<P: Symmetric> Symmetry<P> {
    /// The table of `P`'s [`Symmetric`] implementation.
    pub fn of() -> Self {
        Self {
            interchangeable: P::interchangeable,
            rename: P::rename,
            rename_msg: P::rename_msg,
            rename_durable: P::rename_durable,
            rename_timer: P::rename_timer,
            rename_checker: P::rename_checker,
            msgs_name_nodes: P::MSGS_NAME_NODES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permutation_and_its_inverse_undo_each_other() {
        let r = Renaming::new(vec![0, 3, 1, 2]);
        assert!(r.is_permutation() && !r.is_identity());
        let back = r.inverse();
        for id in 0..4 {
            assert_eq!(back.id(r.id(id)), id);
        }
        assert_eq!(r.bits32(0b0110), 0b1010, "nodes 1 and 2 become 3 and 1");
        assert_eq!(back.bits32(r.bits32(0b0110)), 0b0110);
        let table = r.permute(&["a", "b", "c"]);
        assert_eq!(table, ["a", "c", "", "b"], "padded to the cluster");
        assert_eq!(back.permute(&table), ["a", "b", "c", ""]);
        assert!(Renaming::identity(3).is_identity());
    }

    #[test]
    fn a_collapse_is_not_a_permutation() {
        let collapse = Renaming::new(vec![0, 1, 1, 1]);
        assert!(!collapse.is_permutation());
        assert_eq!(collapse.bits32(0b1100), 0b0010);
        assert!(!Renaming::new(vec![0, 4]).is_permutation(), "out of range");
    }
}
