//! What a model checker (crate `check`) needs of a world: the choices it
//! can make next, a way to make each one the next event (the `deliver` and
//! `fire` actions), and a fingerprint of the state it is in.
//!
//! The fingerprint is of the *canonical* world state: what can decide what
//! happens from here on, and nothing else.
//!
//! - per node, in id order: its status, its protocol state, what it
//!   persisted (a restart rebuilds it from that), its armed timers as a set
//!   of timers (not when they fire: absolute time is abstracted away, as
//!   the checker may fire any armed timer next), a pending mid-step crash
//!   and what waits for it while paused;
//! - the messages in flight as a multiset of (from, to, payload, held):
//!   not their ids, send or delivery times, so two runs that put the same
//!   messages on the wire in another order meet in one state;
//! - the cut links;
//! - the checker's memory ([`protocol::Checker::fingerprint`]): a checker
//!   of properties across time (a committed entry never changes) judges
//!   the same nodes differently after different histories, so merging two
//!   states with different memories could hide a violation.
//!
//! Left out, because they only record what happened: the event log, lost
//! messages, the journal, step count and clock. The clock is the one
//! abstraction that is not exact for every protocol: a protocol that reads
//! `now` into its state (a lease's expiry) shows it in its own fingerprint,
//! but two states that differ only in the clock are merged.

use super::{Envelope, Held, World};
use crate::action::{Action, ActionError, MsgId};
use protocol::cached::nonzero;
use protocol::{Checker, Fingerprint, Message, NodeId, Protocol, Timer};
use std::hash::Hasher;

impl<P: Protocol> World<P> {
    /// `deliver`: make message `msg`'s delivery the next event.
    pub(super) fn force_delivery(&mut self, action: &Action, msg: MsgId) -> Result<(), ActionError> {
        let Some(env) = self.in_flight.get(msg) else {
            return Err(ActionError::new(action, format!("message {msg} is not in flight")));
        };
        if env.held {
            return Err(ActionError::new(action, format!("message {msg} waits for its paused receiver")));
        }
        let key = self.base.queued_delivery(msg).expect("a message in flight and not held is queued");
        self.base.forced = Some(key);
        Ok(())
    }

    /// `fire`: make `node`'s armed timer named `timer` the next event.
    pub(super) fn force_timer(&mut self, action: &Action, node: NodeId, timer: &str) -> Result<(), ActionError> {
        let armed = self.nodes[node as usize].timers.iter().find(|(t, _)| t.name() == timer);
        let Some((_, armed)) = armed else {
            return Err(ActionError::new(action, format!("node {node} has no armed timer {timer:?}")));
        };
        self.base.forced = Some(armed.key);
        Ok(())
    }

    /// This world without its event log, lost messages and last event,
    /// and keeping none from now on (see `Base::recording`): what a model
    /// checker explores. Behaviour is unchanged; only the records are. Its
    /// messages in flight keep the sum of their fingerprints as they come
    /// and go (`InFlight::keep_sum`), which its every state's fingerprint
    /// reads.
    pub fn unrecorded(mut self) -> Self {
        self.in_flight.keep_sum(envelope_fingerprint::<P>);
        self.base.recording = false;
        self.last_event = None;
        self.base.log = Default::default();
        self.base.lost.clear();
        self
    }

    /// The timers `node` has armed, in timer order.
    pub fn armed_timers(&self, node: NodeId) -> impl Iterator<Item = P::Timer> + '_ {
        self.nodes[node as usize].timers.iter().map(|(t, _)| *t)
    }

    /// What a node persisted, if anything.
    pub fn durable(&self, node: NodeId) -> Option<&P::Durable> {
        self.nodes[node as usize].durable.as_ref()
    }

    /// The fingerprint of one message in flight: its ends, payload and
    /// whether it waits for a paused receiver (not its id or times). Equal
    /// fingerprints are interchangeable messages: delivering either leads
    /// to the same state.
    /// Kept with the message once computed (see `in_flight.rs`).
    pub fn message_fingerprint(&self, msg: MsgId) -> Option<u64> {
        self.in_flight.fingerprint(msg, envelope_fingerprint::<P>)
    }

    /// The messages in flight, by id, each with its
    /// [`World::message_fingerprint`].
    pub fn in_flight_fingerprinted(&self) -> impl Iterator<Item = (&Envelope<P::Msg>, u64)> {
        self.in_flight.fingerprinted(envelope_fingerprint::<P>)
    }

    /// The node the last step (or the last action, for a client request)
    /// fed an input, and how many commands that input produced: a checker
    /// that crashes the node in the middle of that step
    /// ([`Action::CrashMidStep`]) can stop after 1 to that many less one.
    /// `None` when no node ran (a message lost or held, a timer held, an
    /// action that runs no node).
    pub fn last_commands(&self) -> Option<(NodeId, u32)> {
        self.last_commands
    }

    /// The fingerprint of the canonical world state (see the module's
    /// documentation). With symmetry
    /// reduction on ([`World::with_symmetry`]), the fingerprint of the
    /// state's representative up to renaming its interchangeable nodes.
    pub fn fingerprint(&self) -> u64 {
        match self.symmetry_on() {
            Some((symmetry, groups)) => self.representative_fingerprint(&symmetry, groups),
            None => self.exact_fingerprint(),
        }
    }

    /// The fingerprint of this very state, whatever the symmetry setting.
    pub fn exact_fingerprint(&self) -> u64 {
        let mut h = Fingerprint::default();
        for (id, (node, meta)) in self.nodes.iter().zip(&self.base.nodes).enumerate() {
            let fingerprint = node
                .fingerprint
                .get_or(|| node_fingerprint(&node.state, node.durable.as_ref(), node.timers.iter().map(|(t, _)| t)));
            write_node(&mut h, fingerprint, id as NodeId, meta.status as u8, meta.crash_after, node.held.len());
            for held in &node.held {
                match held {
                    Held::Deliver(msg) => h.write_u64(self.message_fingerprint(*msg).unwrap_or_default()),
                    Held::Timer(timer) => P::fingerprint_timer(timer, &mut h),
                    Held::Request(cmd) => h.write(cmd.as_bytes()),
                }
            }
        }
        match self.in_flight.multiset() {
            // A model checker's world keeps the sum as messages come and go.
            Some((count, sum)) => {
                h.write_u64(count);
                h.write_u64(sum);
            }
            None => write_multiset(&mut h, self.in_flight_fingerprinted().map(|(_, fp)| fp)),
        }
        write_bits(&mut h, self.base.cuts());
        self.checker.fingerprint(&mut h);
        h.finish()
    }
}

/// A node in the fingerprint: its own (kept) fingerprint with, in the same
/// word, what the world says of it: its id, its status, a pending mid-step
/// crash (`after`, or all ones for none), and whether inputs wait for it
/// while it is paused, whose count (and then the inputs) the caller writes
/// after this word. Most nodes hold nothing, so a node costs one word. The
/// node's fingerprint is a finished hash, so two nodes whose words differ
/// are taken for one only by a 64-bit collision, as two states are. Node
/// ids are below `protocol::MAX_NODES`, far under the 16 bits they get.
pub(super) fn write_node(
    h: &mut Fingerprint,
    fingerprint: u64,
    id: NodeId,
    status: u8,
    crash_after: Option<u32>,
    held: usize,
) {
    debug_assert!(id < 1 << 16, "node {id} needs more than 16 bits");
    let after = u64::from(crash_after.unwrap_or(u32::MAX));
    let word = u64::from(status) | after << 8 | u64::from(id) << 40 | u64::from(held > 0) << 63;
    h.write_u64(fingerprint ^ word);
    if held > 0 {
        h.write_usize(held);
    }
}

/// Hash the cut links, packed 64 to a word (`Base::cuts`):
/// the same words as packing one flag per link did, without the packing.
pub(super) fn write_bits(h: &mut Fingerprint, words: &[u64]) {
    for &word in words {
        h.write_u64(word);
    }
}

/// Hash a multiset of fingerprints (the messages in flight), whatever
/// their order: their count and their wrapping sum. Each is the output of
/// [`Fingerprint`]'s finalizer, so sums of distinct multisets collide no
/// more often than the fingerprints themselves; no sort, no buffer.
pub(super) fn write_multiset(h: &mut Fingerprint, fingerprints: impl Iterator<Item = u64>) {
    let (count, sum) = fingerprints.fold((0u64, 0u64), |(n, sum), fp| (n + 1, sum.wrapping_add(fp)));
    h.write_u64(count);
    h.write_u64(sum);
}

/// The fingerprint of a node's state, what it persisted and its armed
/// timers (in timer order), hashed on their own so that a node's is
/// computed once and kept while it does not change (`Node::fingerprint`):
/// a model checker's successor changes one node and shares the others.
pub(super) fn node_fingerprint<'a, P: Protocol>(
    state: &P,
    durable: Option<&P::Durable>,
    timers: impl ExactSizeIterator<Item = &'a P::Timer>,
) -> u64 {
    let mut h = Fingerprint::default();
    state.fingerprint(&mut h);
    match durable {
        Some(d) => {
            h.write_u8(1);
            P::fingerprint_durable(d, &mut h);
        }
        None => h.write_u8(0),
    }
    h.write_usize(timers.len());
    for timer in timers {
        P::fingerprint_timer(timer, &mut h);
    }
    nonzero(h.finish())
}

/// [`World::message_fingerprint`], computed.
fn envelope_fingerprint<P: Protocol>(env: &Envelope<P::Msg>) -> u64 {
    message_fingerprint::<P>(env.from, env.to, env.held, &env.msg)
}

/// A message's fingerprint from its ends, whether it is held, and its
/// payload: what [`World::message_fingerprint`] hashes, and what symmetry
/// reduction hashes for a renamed message.
pub(super) fn message_fingerprint<P: Protocol>(from: NodeId, to: NodeId, held: bool, msg: &P::Msg) -> u64 {
    let mut h = Fingerprint::default();
    h.write_u32(from);
    h.write_u32(to);
    h.write_u8(held as u8);
    h.write(msg.kind().as_bytes());
    P::fingerprint_msg(msg, &mut h);
    nonzero(h.finish())
}
