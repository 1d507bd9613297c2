//! The acceptor (Paxos Made Simple §2.2).
//!
//! P1a: "An acceptor can accept a proposal numbered n iff it has not
//! responded to a prepare request having a number greater than n." Its
//! promise and accepted proposals must survive a crash (§2.5: "an acceptor
//! must remember this information even if it fails and then restarts").

use crate::ballot::Ballot;
use crate::journal::Journal;
use crate::message::{Msg, SlotValue, Value};
use crate::slots::Slots;

/// Acceptances the journal keeps. An acceptor accepts at most one proposal
/// per step, and the checker looks after every step; only a paused node
/// resumed with more held messages than this needs a full rescan.
const JOURNAL: usize = 16;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Acceptor {
    /// The highest ballot promised (or accepted).
    pub promised: Option<Ballot>,
    /// Per slot, the highest-numbered proposal accepted.
    pub accepted: Slots<(Ballot, Value)>,
    /// The latest acceptances `(slot, ballot, value)` since this node came
    /// up, so the checker need not rescan `accepted` after every step.
    pub journal: Journal<(u64, Ballot, Value), JOURNAL>,
}

impl Acceptor {
    /// Phase 1b. Returns the reply and whether the promise changed (persist
    /// before sending the reply). Only a ballot above the promise changes
    /// the acceptor ([`Acceptor::changes_on_prepare`]).
    pub fn on_prepare(&mut self, ballot: Ballot, from_slot: u64) -> (Msg, bool) {
        let changed = self.changes_on_prepare(ballot);
        if changed {
            self.promised = Some(ballot);
        }
        (self.prepare_reply(ballot, from_slot), changed)
    }

    /// Whether a prepare for `ballot` changes this acceptor: it does when
    /// the ballot is above its promise. A lower one is refused and an equal
    /// one (a duplicate) answered again, both from the acceptor as it is.
    pub fn changes_on_prepare(&self, ballot: Ballot) -> bool {
        self.promised < Some(ballot)
    }

    /// The answer to a prepare for `ballot` given the current promise: a
    /// `Nack` if it promised a higher ballot, else the promise with the
    /// highest-numbered proposal accepted in each slot from `from_slot` on.
    pub fn prepare_reply(&self, ballot: Ballot, from_slot: u64) -> Msg {
        match self.promised {
            Some(promised) if promised > ballot => Msg::Nack { ballot, promised },
            _ => {
                let accepted = self
                    .accepted
                    .range(from_slot)
                    .map(|(slot, (b, v))| SlotValue { slot, ballot: *b, value: v.clone() })
                    .collect();
                Msg::Promise { ballot, accepted }
            }
        }
    }

    /// The `Nack` refusing an accept request for `ballot`, if this acceptor
    /// promised a higher one: such a request changes nothing.
    pub fn accept_refusal(&self, ballot: Ballot) -> Option<Msg> {
        match self.promised {
            Some(promised) if promised > ballot => Some(Msg::Nack { ballot, promised }),
            _ => None,
        }
    }

    /// Phase 2b. `Ok` when accepted (persist, then tell the learners), or
    /// the `Nack` to send back.
    pub fn on_accept(&mut self, ballot: Ballot, slot: u64, value: &Value) -> Result<(), Msg> {
        if let Some(nack) = self.accept_refusal(ballot) {
            return Err(nack);
        }
        self.promised = Some(ballot);
        self.accepted.insert(slot, (ballot, value.clone()));
        self.journal.record((slot, ballot, value.clone()));
        Ok(())
    }

    /// Accepted proposals as the trace lists them.
    pub fn accepted_list(&self) -> Vec<SlotValue> {
        self.accepted.iter().map(|(slot, (b, v))| SlotValue { slot, ballot: *b, value: v.clone() }).collect()
    }
}
