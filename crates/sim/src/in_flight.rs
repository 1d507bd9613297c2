//! The messages in flight, by id.
//!
//! A map from message id to envelope would be a different `BTreeMap` for
//! every protocol's message type, and the app would carry a copy of the
//! B-tree's code for each. Here the map holds only slot numbers (one type
//! for every protocol) and the envelopes sit in a slab whose freed slots are
//! reused, so the slab is as long as the most messages ever in flight at
//! once (at most [`crate::world::MAX_IN_FLIGHT`]). Iteration is by id, as
//! the map's was.
//!
//! Each slot also keeps its message's fingerprint once a model checker has
//! asked for it ([`InFlight::fingerprint`]), until the message changes or
//! leaves: a state's successors copy the messages in flight with their
//! fingerprints, so each message is hashed once, not once per state.
//!
//! In a model checker's world the messages are also shared (`Arc`) between
//! the copies of the world until one of them changes a message: the
//! checker copies a world for every successor, and each copy shares the
//! messages its step does not touch, so a copy costs a count per message
//! rather than a copy of each, and the states it keeps share their
//! messages' memory. A simulator's world keeps its messages in the slab
//! itself: it is not copied per step, and an allocation per message sent
//! cost it 3 to 6% of its time. So does a model checker's world whose
//! messages own no heap memory (2PC's, the locks'): copying one is a copy
//! of a few words, cheaper than an allocation for each message sent (2PC at
//! depth 9: 2.0% fewer instructions).
//!
//! In a model checker's world ([`InFlight::keep_sum`]) each message is
//! fingerprinted as it is put on the wire, and the map keeps the wrapping
//! sum of its messages' fingerprints up to date as they come and go: the
//! world's fingerprint hashes the messages in flight as a multiset, by
//! their count and that sum, and need not visit each message for every
//! state.

use crate::action::MsgId;
use crate::sorted::SortedMap;
use crate::world::Envelope;
use protocol::cached::Cached;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::Arc;

#[derive(Debug)]
pub(crate) struct InFlight<M> {
    slots: SortedMap<MsgId, u32>,
    slab: Slab<M>,
    free: Vec<u32>,
    /// How a message's fingerprint is computed, in a model checker's world
    /// ([`InFlight::keep_sum`]); `None` elsewhere.
    fingerprinter: Option<fn(&Envelope<M>) -> u64>,
    /// The wrapping sum of the fingerprints of the messages in flight, when
    /// known: then every slot's fingerprint is kept. A message changed in
    /// place (held by a pause, delayed, renamed) forgets it, in this map
    /// and the copies made of it, which then hash their messages one by
    /// one: rare enough not to be worth mending.
    sum: Option<u64>,
}

impl<M: Clone> Clone for InFlight<M> {
    fn clone(&self) -> Self {
        Self {
            slots: self.slots.clone(),
            slab: self.slab.clone(),
            free: self.free.clone(),
            fingerprinter: self.fingerprinter,
            sum: self.sum,
        }
    }

    /// Into the target's buffers (see `Base`'s `clone_from`).
    fn clone_from(&mut self, source: &Self) {
        self.slots.clone_from(&source.slots);
        self.slab.clone_from(&source.slab);
        self.free.clone_from(&source.free);
        self.fingerprinter = source.fingerprinter;
        self.sum = source.sum;
    }
}

#[derive(Clone, Debug)]
struct Slot<M> {
    env: Envelope<M>,
    fingerprint: Cached,
}

/// The envelopes by slot: in the slab itself, or shared with the world's
/// copies (a model checker's world: see the module's documentation).
#[derive(Debug)]
enum Slab<M> {
    Own(Vec<Option<Slot<M>>>),
    /// Natively only: in the app, a second copy of every message type's
    /// slab code for its model checker was not worth the bundle.
    #[cfg(not(target_arch = "wasm32"))]
    Shared(Vec<Option<Arc<Slot<M>>>>),
}

impl<M: Clone> Clone for Slab<M> {
    fn clone(&self) -> Self {
        match self {
            Slab::Own(slab) => Slab::Own(slab.clone()),
            #[cfg(not(target_arch = "wasm32"))]
            Slab::Shared(slab) => Slab::Shared(slab.clone()),
        }
    }

    /// Into the target's buffer; a shared message the target already
    /// holds is left alone.
    fn clone_from(&mut self, source: &Self) {
        match (self, source) {
            (Slab::Own(mine), Slab::Own(theirs)) => mine.clone_from(theirs),
            #[cfg(not(target_arch = "wasm32"))]
            (Slab::Shared(mine), Slab::Shared(theirs)) => {
                mine.truncate(theirs.len());
                for (i, theirs) in theirs.iter().enumerate() {
                    match (mine.get_mut(i), theirs) {
                        (Some(Some(mine)), Some(theirs)) => protocol::shared::share(mine, theirs),
                        (Some(mine), theirs) => mine.clone_from(theirs),
                        (None, theirs) => mine.push(theirs.clone()),
                    }
                }
            }
            #[cfg(not(target_arch = "wasm32"))]
            (mine, theirs) => *mine = theirs.clone(),
        }
    }
}

impl<M> Slab<M> {
    fn get(&self, slot: u32) -> Option<&Slot<M>> {
        match self {
            Slab::Own(slab) => slab[slot as usize].as_ref(),
            #[cfg(not(target_arch = "wasm32"))]
            Slab::Shared(slab) => slab[slot as usize].as_deref(),
        }
    }

    /// A slot for changing: a shared message is copied first if a copy of
    /// the world holds it too.
    fn get_mut(&mut self, slot: u32) -> Option<&mut Slot<M>>
    where
        M: Clone,
    {
        match self {
            Slab::Own(slab) => slab[slot as usize].as_mut(),
            #[cfg(not(target_arch = "wasm32"))]
            Slab::Shared(slab) => slab[slot as usize].as_mut().map(Arc::make_mut),
        }
    }

    /// Put `entry` in slot `free`, or in a new one; returns the slot.
    fn put(&mut self, free: Option<u32>, entry: Slot<M>) -> u32 {
        fn put<T>(slab: &mut Vec<Option<T>>, free: Option<u32>, entry: T) -> u32 {
            match free {
                Some(slot) => {
                    slab[slot as usize] = Some(entry);
                    slot
                }
                None => {
                    slab.push(Some(entry));
                    (slab.len() - 1) as u32
                }
            }
        }
        match self {
            Slab::Own(slab) => put(slab, free, entry),
            #[cfg(not(target_arch = "wasm32"))]
            Slab::Shared(slab) => put(slab, free, Arc::new(entry)),
        }
    }

    /// Empty slot `slot`: its message, copied out if a copy of the world
    /// still holds it.
    fn take(&mut self, slot: u32) -> Option<Envelope<M>>
    where
        M: Clone,
    {
        match self {
            Slab::Own(slab) => slab[slot as usize].take().map(|s| s.env),
            #[cfg(not(target_arch = "wasm32"))]
            Slab::Shared(slab) => {
                slab[slot as usize].take().map(|s| Arc::try_unwrap(s).map_or_else(|s| s.env.clone(), |s| s.env))
            }
        }
    }

    /// From now on, share the messages with the world's copies (natively),
    /// if they own heap memory.
    fn share(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        if let (true, Slab::Own(slab)) = (std::mem::needs_drop::<M>(), &mut *self) {
            let shared = std::mem::take(slab).into_iter().map(|s| s.map(Arc::new)).collect();
            *self = Slab::Shared(shared);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        match self {
            Slab::Own(slab) => slab.len(),
            #[cfg(not(target_arch = "wasm32"))]
            Slab::Shared(slab) => slab.len(),
        }
    }
}

impl<M> Default for InFlight<M> {
    fn default() -> Self {
        Self {
            slots: SortedMap::default(),
            slab: Slab::Own(Vec::new()),
            free: Vec::new(),
            fingerprinter: None,
            sum: None,
        }
    }
}

impl<M> InFlight<M> {
    /// No message in flight, with room for `n` before the first growth.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            slots: SortedMap::with_capacity(n),
            slab: Slab::Own(Vec::with_capacity(n)),
            free: Vec::new(),
            fingerprinter: None,
            sum: None,
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn get(&self, id: MsgId) -> Option<&Envelope<M>> {
        let slot = *self.slots.get(&id)?;
        self.slab.get(slot).map(|s| &s.env)
    }

    /// The message for changing; its kept fingerprint, and the sum of
    /// them, are forgotten.
    pub fn get_mut(&mut self, id: MsgId) -> Option<&mut Envelope<M>>
    where
        M: Clone,
    {
        let slot = *self.slots.get(&id)?;
        let slot = self.slab.get_mut(slot)?;
        slot.fingerprint.forget();
        self.sum = None;
        Some(&mut slot.env)
    }

    /// From now on fingerprint each message by `compute` as it is put on
    /// the wire, and keep their sum ([`InFlight::multiset`]): what a model
    /// checker's world does, whose every state is fingerprinted.
    pub fn keep_sum(&mut self, compute: fn(&Envelope<M>) -> u64) {
        self.fingerprinter = Some(compute);
        self.slab.share();
        let sum = self
            .slots
            .values()
            .filter_map(|&slot| self.slab.get(slot))
            .fold(0u64, |sum, slot| sum.wrapping_add(slot.fingerprint.get_or(|| compute(&slot.env))));
        self.sum = Some(sum);
    }

    /// The messages in flight as a multiset of fingerprints, their count and
    /// wrapping sum, when the sum is kept and known ([`InFlight::keep_sum`]).
    pub fn multiset(&self) -> Option<(u64, u64)> {
        Some((self.len() as u64, self.sum?))
    }

    /// Message `id`'s fingerprint by `compute` (never 0), computed the
    /// first time it is asked for and kept until the message changes.
    pub fn fingerprint(&self, id: MsgId, compute: impl FnOnce(&Envelope<M>) -> u64) -> Option<u64> {
        let slot = *self.slots.get(&id)?;
        let slot = self.slab.get(slot)?;
        Some(slot.fingerprint.get_or(|| compute(&slot.env)))
    }

    /// Put a message with a new id on the wire. Inlined natively, as
    /// [`InFlight::remove`] is.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn insert(&mut self, env: Envelope<M>) {
        let id = env.id;
        let fingerprint = Cached::default();
        if let (Some(compute), Some(sum)) = (self.fingerprinter, &mut self.sum) {
            *sum = sum.wrapping_add(fingerprint.get_or(|| compute(&env)));
        }
        let slot = self.slab.put(self.free.pop(), Slot { env, fingerprint });
        let old = self.slots.insert(id, slot);
        debug_assert!(old.is_none(), "message {id} is already in flight");
    }

    /// Take message `id` off the wire. Inlined natively: since the kept
    /// sum, the compiler no longer inlines it (nor `insert`), and out of
    /// line they cost the lab benchmark's loops 1 to 2% (Raft, 2PC); in
    /// the app, inlining them at every call site cost 3.5 KiB of bundle.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn remove(&mut self, id: MsgId) -> Option<Envelope<M>>
    where
        M: Clone,
    {
        let slot = self.slots.remove(&id)?;
        self.free.push(slot);
        if let (Some(compute), Some(sum), Some(gone)) = (self.fingerprinter, &mut self.sum, self.slab.get(slot)) {
            *sum = sum.wrapping_sub(gone.fingerprint.get_or(|| compute(&gone.env)));
        }
        self.slab.take(slot)
    }

    /// The messages in flight, by id, each with its fingerprint by
    /// `compute` (see [`InFlight::fingerprint`]).
    pub fn fingerprinted<'a>(
        &'a self,
        compute: impl Fn(&Envelope<M>) -> u64 + 'a,
    ) -> impl Iterator<Item = (&'a Envelope<M>, u64)> + 'a {
        self.slots.values().map(move |&slot| {
            let slot = self.slab.get(slot).expect("a slot in use holds a message");
            (&slot.env, slot.fingerprint.get_or(|| compute(&slot.env)))
        })
    }

    /// The messages in flight, by id.
    pub fn values(&self) -> impl Iterator<Item = &Envelope<M>> {
        self.slots.values().map(|&slot| &self.slab.get(slot).expect("a slot in use holds a message").env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(id: MsgId) -> Envelope<&'static str> {
        Envelope { id, from: 0, to: 1, sent_at: 0, deliver_at: 10, msg: "m", held: false }
    }

    #[test]
    fn slots_are_reused_and_order_is_by_id() {
        let mut f = InFlight::default();
        for id in [3, 1, 2] {
            f.insert(env(id));
        }
        assert_eq!(f.remove(1).map(|e| e.id), Some(1));
        assert!(f.remove(1).is_none());
        f.insert(env(7));
        f.insert(env(0));
        assert_eq!(f.slab.len(), 4, "the freed slot was reused");
        assert_eq!(f.values().map(|e| e.id).collect::<Vec<_>>(), [0, 2, 3, 7]);
        let held = |e: &Envelope<&str>| 1 + e.held as u64;
        assert_eq!(f.fingerprint(2, held), Some(1));
        f.get_mut(2).unwrap().held = true;
        assert!(f.get(2).unwrap().held);
        assert_eq!(f.fingerprint(2, held), Some(2), "a changed message's fingerprint is computed again");
        assert_eq!(f.fingerprint(1, held), None);
        assert_eq!(f.len(), 4);
    }

    /// A message that owns heap memory, as a Paxos value does.
    fn owned(id: MsgId) -> Envelope<String> {
        Envelope { id, from: 0, to: 1, sent_at: 0, deliver_at: 10, msg: format!("m{id}"), held: false }
    }

    #[test]
    fn a_checker_s_copies_share_messages_until_one_changes_or_takes_one() {
        let mut f = InFlight::default();
        f.insert(owned(1));
        f.keep_sum(|e| e.id + 1);
        f.insert(owned(2));
        let mut copy = f.clone();
        let mut into = InFlight::default();
        into.insert(owned(9));
        into.clone_from(&f);
        for c in [&copy, &into] {
            assert!(matches!(&c.slab, Slab::Shared(_)), "a checker's world shares its messages");
            assert_eq!(c.values().map(|e| e.id).collect::<Vec<_>>(), [1, 2]);
            assert_eq!(c.multiset(), f.multiset());
        }
        copy.get_mut(1).unwrap().held = true;
        assert!(!f.get(1).unwrap().held, "a change to a copy's message is the copy's own");
        assert_eq!(into.remove(2).map(|e| e.id), Some(2));
        assert_eq!(f.get(2).map(|e| e.id), Some(2), "taken from a copy, still in flight in the others");
        assert_eq!(f.remove(2).map(|e| e.id), Some(2));
        assert_eq!((f.len(), copy.len(), into.len()), (1, 2, 1));
    }

    #[test]
    fn messages_that_own_no_heap_memory_stay_in_the_slab() {
        let mut f = InFlight::default();
        f.insert(env(1));
        f.keep_sum(|e| e.id + 1);
        f.insert(env(2));
        let copy = f.clone();
        let mut into = InFlight::default();
        into.clone_from(&f);
        for c in [&f, &copy, &into] {
            assert!(matches!(&c.slab, Slab::Own(_)), "copied, not shared: a copy costs less than an allocation");
            assert_eq!(c.values().map(|e| e.id).collect::<Vec<_>>(), [1, 2]);
            assert_eq!(c.multiset(), Some((2, 5)));
        }
    }

    #[test]
    fn a_kept_sum_is_the_sum_of_the_fingerprints_in_flight() {
        fn fp(e: &Envelope<&'static str>) -> u64 {
            // Large, so that sums wrap.
            (e.id + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | u64::from(e.held)
        }
        let folded = |f: &InFlight<&'static str>| {
            let sum = f.fingerprinted(fp).fold(0u64, |sum, (_, x)| sum.wrapping_add(x));
            (f.len() as u64, sum)
        };
        let mut f = InFlight::default();
        f.insert(env(4));
        assert_eq!(f.multiset(), None, "not kept until asked");
        f.keep_sum(fp);
        assert_eq!(f.multiset(), Some(folded(&f)), "computed for the messages already in flight");
        for id in [9, 2, 7] {
            f.insert(env(id));
            assert_eq!(f.multiset(), Some(folded(&f)));
        }
        f.remove(2);
        assert_eq!(f.multiset(), Some(folded(&f)));
        let copy = f.clone();
        let mut into = InFlight::default();
        into.clone_from(&f);
        f.get_mut(9).unwrap().held = true;
        assert_eq!(f.multiset(), None, "a message changed in place: not known");
        f.insert(env(11));
        f.remove(4);
        assert_eq!(f.multiset(), None, "nor afterwards");
        assert_eq!(f.clone().multiset(), None, "nor in a copy");
        assert_eq!(copy.multiset(), Some(folded(&copy)), "a copy keeps its own");
        assert_eq!(into.multiset(), Some(folded(&into)));
        into.insert(env(20));
        assert_eq!(into.multiset(), Some(folded(&into)), "a copy keeps it up to date");
        let mut g = copy.clone();
        for id in [4, 7, 9] {
            g.remove(id);
        }
        assert_eq!(g.multiset(), Some((0, 0)));
    }
}
