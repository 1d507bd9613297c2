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

use crate::action::MsgId;
use crate::cached::Cached;
use crate::sorted::SortedMap;
use crate::world::Envelope;

#[derive(Debug)]
pub(crate) struct InFlight<M> {
    slots: SortedMap<MsgId, u32>,
    slab: Vec<Option<Slot<M>>>,
    free: Vec<u32>,
}

impl<M: Clone> Clone for InFlight<M> {
    fn clone(&self) -> Self {
        Self { slots: self.slots.clone(), slab: self.slab.clone(), free: self.free.clone() }
    }

    /// Into the target's buffers (see `Base`'s `clone_from`).
    fn clone_from(&mut self, source: &Self) {
        self.slots.clone_from(&source.slots);
        self.slab.clone_from(&source.slab);
        self.free.clone_from(&source.free);
    }
}

#[derive(Clone, Debug)]
struct Slot<M> {
    env: Envelope<M>,
    fingerprint: Cached,
}

impl<M> Default for InFlight<M> {
    fn default() -> Self {
        Self { slots: SortedMap::default(), slab: Vec::new(), free: Vec::new() }
    }
}

impl<M> InFlight<M> {
    /// No message in flight, with room for `n` before the first growth.
    pub fn with_capacity(n: usize) -> Self {
        Self { slots: SortedMap::with_capacity(n), slab: Vec::with_capacity(n), free: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn get(&self, id: MsgId) -> Option<&Envelope<M>> {
        let slot = *self.slots.get(&id)?;
        self.slab[slot as usize].as_ref().map(|s| &s.env)
    }

    /// The message for changing; its kept fingerprint is forgotten.
    pub fn get_mut(&mut self, id: MsgId) -> Option<&mut Envelope<M>> {
        let slot = *self.slots.get(&id)?;
        let slot = self.slab[slot as usize].as_mut()?;
        slot.fingerprint.forget();
        Some(&mut slot.env)
    }

    /// Message `id`'s fingerprint by `compute` (never 0), computed the
    /// first time it is asked for and kept until the message changes.
    pub fn fingerprint(&self, id: MsgId, compute: impl FnOnce(&Envelope<M>) -> u64) -> Option<u64> {
        let slot = *self.slots.get(&id)?;
        let slot = self.slab[slot as usize].as_ref()?;
        Some(slot.fingerprint.get_or(|| compute(&slot.env)))
    }

    /// Put a message with a new id on the wire.
    pub fn insert(&mut self, env: Envelope<M>) {
        let id = env.id;
        let env = Slot { env, fingerprint: Cached::default() };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(env);
                slot
            }
            None => {
                self.slab.push(Some(env));
                (self.slab.len() - 1) as u32
            }
        };
        let old = self.slots.insert(id, slot);
        debug_assert!(old.is_none(), "message {id} is already in flight");
    }

    pub fn remove(&mut self, id: MsgId) -> Option<Envelope<M>> {
        let slot = self.slots.remove(&id)?;
        self.free.push(slot);
        self.slab[slot as usize].take().map(|s| s.env)
    }

    /// The messages in flight, by id, each with its fingerprint by
    /// `compute` (see [`InFlight::fingerprint`]).
    pub fn fingerprinted<'a>(
        &'a self,
        compute: impl Fn(&Envelope<M>) -> u64 + 'a,
    ) -> impl Iterator<Item = (&'a Envelope<M>, u64)> + 'a {
        self.slots.values().map(move |&slot| {
            let slot = self.slab[slot as usize].as_ref().expect("a slot in use holds a message");
            (&slot.env, slot.fingerprint.get_or(|| compute(&slot.env)))
        })
    }

    /// The messages in flight, by id.
    pub fn values(&self) -> impl Iterator<Item = &Envelope<M>> {
        self.slots.values().map(|&slot| &self.slab[slot as usize].as_ref().expect("a slot in use holds a message").env)
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
}
