//! What a run cost and what it achieved, counted step by step: messages
//! put on the wire, the clients' operations and how long each took to an
//! outcome, and how long clients were kept waiting. Two runs of different
//! algorithms on the same seed, network and actions are compared by these
//! numbers (the app's side-by-side view).
//!
//! Every number is a function of the run's inputs and its step, read from
//! the [journal](crate::journal) of a journaled replay, so it can be
//! recomputed from a trace: `sent` is what `cli run` prints as messages
//! sent, and the operations are the trace's `history` (its client
//! operations, with Jepsen's process bookkeeping: an operation whose node
//! crashes ends `:info` then).
//!
//! [`Meter`] keeps the counters of one run at the step a caller asks for.
//! Going forward it steps its replay; going back or acting in the past it
//! restarts from the nearest checkpoint (one every [`CHECKPOINT_EVERY`]
//! steps), so the cost of a seek is bounded by that distance, not by the
//! length of the run.

use crate::export::edn::Processes;
use crate::export::StepRef;
use crate::journal::{Handled, Happening};
use crate::{Scheduled, Session};
use protocol::{OpKind, Tick};

/// Steps between two checkpoints of a [`Meter`].
pub const CHECKPOINT_EVERY: u64 = 512;

/// Latencies of the operations that ended one way, in model ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latency {
    pub count: u64,
    pub total: Tick,
    pub max: Tick,
}

impl Latency {
    fn add(&mut self, ms: Tick) {
        self.count += 1;
        self.total += ms;
        self.max = self.max.max(ms);
    }

    /// The mean, rounded down; `None` when nothing ended this way.
    pub fn mean(&self) -> Option<Tick> {
        (self.count > 0).then(|| self.total / self.count)
    }
}

/// The counters of one run at one step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// The step and model time they are counted up to.
    pub step: u64,
    pub time: Tick,
    /// Copies of messages put on the wire: every send, every duplicate the
    /// network or the user made (`cli run`'s "messages N sent").
    pub sent: u64,
    /// Messages handled by their receiver.
    pub delivered: u64,
    /// Messages lost, for any reason.
    pub lost: u64,
    /// Operations clients invoked.
    pub invoked: u64,
    /// Invocation to `:ok` (the operation took effect).
    pub ok: Latency,
    /// Invocation to `:fail` (it certainly did not).
    pub fail: Latency,
    /// Operations whose outcome nobody knows (`:info`: a crash, a timeout).
    pub info: u64,
    /// Operations invoked and not yet ended.
    pub waiting: u64,
    /// Model time, in ms, during which at least one client operation was
    /// waiting for its outcome: how long the system kept clients blocked.
    pub blocked: Tick,
    /// Since when operations have been waiting (when `waiting > 0`).
    blocked_since: Tick,
}

impl Counters {
    /// Blocked time up to `now` (operations still waiting count until now).
    fn blocked_until(&self, now: Tick) -> Tick {
        if self.waiting > 0 {
            self.blocked + now.saturating_sub(self.blocked_since)
        } else {
            self.blocked
        }
    }
}

/// Counting over the journal of a replay.
#[derive(Clone, Debug, Default)]
struct Tally {
    counters: Counters,
    processes: Processes,
    /// When each open process invoked its operation: `(process, time)`.
    invoked_at: Vec<(u64, Tick)>,
}

impl Tally {
    /// Count one step: `step` at `time`, with what its journal holds.
    fn absorb(&mut self, step: u64, time: Tick, journal: &[Happening]) {
        let c = &mut self.counters;
        for happening in journal {
            match happening {
                Happening::Sent { .. } | Happening::Copied { .. } => c.sent += 1,
                Happening::Lost { .. } => c.lost += 1,
                Happening::Ran { input: Handled::Message(_), .. } => c.delivered += 1,
                _ => {}
            }
        }
        let invoked_at = &mut self.invoked_at;
        let step_ref = StepRef { step, time, journal };
        let _ = self.processes.step(&step_ref, &mut |r| {
            if r.op.kind == OpKind::Invoke {
                if c.waiting == 0 {
                    c.blocked_since = r.time;
                }
                c.invoked += 1;
                c.waiting += 1;
                invoked_at.push((r.process, r.time));
                return Ok(());
            }
            let Some(i) = invoked_at.iter().position(|&(p, _)| p == r.process) else { return Ok(()) };
            let (_, since) = invoked_at.swap_remove(i);
            let took = r.time.saturating_sub(since);
            match r.op.kind {
                OpKind::Ok => c.ok.add(took),
                OpKind::Fail => c.fail.add(took),
                _ => c.info += 1,
            }
            c.waiting -= 1;
            if c.waiting == 0 {
                c.blocked += r.time.saturating_sub(c.blocked_since);
            }
            Ok(())
        });
        c.step = step;
        c.time = time;
    }
}

/// The counters of one run, kept at the step asked for.
pub struct Meter {
    /// A journaled replay of the run's inputs, at the counted step.
    replay: Box<dyn Session>,
    tally: Tally,
    /// The tally at steps 0, [`CHECKPOINT_EVERY`], 2 × …, up to the replay's.
    checkpoints: Vec<Tally>,
}

impl Meter {
    /// Count the run `session` is of, from its start (step 0).
    pub fn new(session: &dyn Session) -> Self {
        let replay = session.journaled();
        let mut tally = Tally::default();
        tally.absorb(0, replay.now(), replay.journal());
        Self { replay, checkpoints: vec![tally.clone()], tally }
    }

    /// The counters at the replay's step.
    pub fn counters(&self) -> Counters {
        let mut c = self.tally.counters.clone();
        c.blocked = c.blocked_until(c.time);
        c
    }

    /// The replay counted: the same run as the session it was made from,
    /// at the counted step (a view may draw it).
    pub fn replay(&self) -> &dyn Session {
        self.replay.as_ref()
    }

    /// Count the run of `session`'s inputs up to `step` (at most as far
    /// as the run goes). When `session`'s actions differ from the ones
    /// counted, the count restarts where they first differ.
    pub fn sync(&mut self, session: &dyn Session, step: u64) {
        if let Some(fork) = fork_step(self.replay.actions(), session.actions()) {
            if fork == 0 {
                *self = Self::new(session);
            } else {
                // Actions of step N are applied after its event: a change
                // at step N redoes step N, so it restarts from before it.
                self.rewind_to(fork - 1, Some(session));
            }
        }
        self.seek(step);
    }

    /// Count the same run up to `step` (at most as far as it goes).
    pub fn seek(&mut self, step: u64) {
        if step < self.replay.steps() {
            self.rewind_to(step, None);
        }
        while self.replay.steps() < step && self.replay.step() {
            let r = self.replay.as_ref();
            self.tally.absorb(r.steps(), r.now(), r.journal());
            if r.steps() % CHECKPOINT_EVERY == 0 {
                self.checkpoints.push(self.tally.clone());
            }
        }
    }

    /// Go back to the last checkpoint at or before `step` (with a replay of
    /// `inputs`' run when given), ready to count forward from there.
    fn rewind_to(&mut self, step: u64, inputs: Option<&dyn Session>) {
        let keep = (step / CHECKPOINT_EVERY + 1) as usize;
        self.checkpoints.truncate(keep.max(1));
        let Some(checkpoint) = self.checkpoints.last() else { return };
        let at = checkpoint.counters.step;
        self.tally = checkpoint.clone();
        let mut replay = inputs.map_or_else(|| self.replay.journaled(), Session::journaled);
        replay.seek(at);
        self.replay = replay;
    }
}

/// The first step whose actions differ between two action lists (both in
/// step order), or `None` when they are the same.
pub fn fork_step(before: &[Scheduled], after: &[Scheduled]) -> Option<u64> {
    let i = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    match (before.get(i), after.get(i)) {
        (None, None) => None,
        (Some(a), Some(b)) => Some(a.step.min(b.step)),
        (Some(a), None) => Some(a.step),
        (None, Some(b)) => Some(b.step),
    }
}
