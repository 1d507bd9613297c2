//! A seeded fault driver for sweeps and soaks (TigerBeetle's VOPR idea):
//! every [`Chaos::EVERY`] steps it draws one action (a client request, a
//! crash, a restart, a pause, a resume, a random partition, a one-way cut
//! or a heal) within a [`FaultModel`], and applies it through
//! [`Session::act`] as a click in the app is applied. It draws from its own
//! `rand_chacha` stream, seeded from the run's seed, so it never disturbs
//! the world's; message loss and duplication stay the world's (`drop`,
//! `dup`). Only `u32`s are drawn.
//!
//! `lab::chaos` picks the model and the client requests per algorithm for
//! `cli soak`; a protocol crate's own sweep uses it directly.

use crate::{Action, Session};
use protocol::Status;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Which faults a protocol's safety properties assume it survives: a
/// fault it is not meant to survive is never drawn, so a violation the
/// driver leads to is a bug, not a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultModel {
    /// Crash and restart (from what the node persisted).
    pub crash: bool,
    /// Pause a node while time runs on (a long GC pause).
    pub pause: bool,
    /// Partitions and one-way cuts.
    pub partition: bool,
    /// Message loss on the network (`drop`): the driver draws no loss
    /// itself; this says whether the world may be lossy.
    pub loss: bool,
}

impl FaultModel {
    pub const ALL: FaultModel = FaultModel { crash: true, pause: true, partition: true, loss: true };
}

/// The text of the `n`th client request the driver sends (numbered from 1).
pub type Requests = fn(u64) -> String;

/// The driver: one drawn action every [`Chaos::EVERY`] steps.
#[derive(Clone, Debug)]
pub struct Chaos {
    model: FaultModel,
    requests: Option<Requests>,
    rng: ChaCha8Rng,
    sent: u64,
}

impl Chaos {
    /// Steps between two drawn actions.
    pub const EVERY: u64 = 40;
    /// Longest pause drawn, ms.
    pub const PAUSE_MS: u32 = 400;

    /// A driver for a run of `seed`, drawing faults within `model` and no
    /// client requests (the protocol's own clients drive it).
    pub fn new(model: FaultModel, seed: u64) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(seed ^ 0x00c4_a05c);
        Self { model, requests: None, rng, sent: 0 }
    }

    /// Also send client requests, to a random up node, with these texts.
    pub fn with_requests(mut self, requests: Requests) -> Self {
        self.requests = Some(requests);
        self
    }

    /// Act on `s` if it is time; the action applied, if any.
    pub fn before_step(&mut self, s: &mut dyn Session) -> Option<Action> {
        if s.steps() % Self::EVERY != Self::EVERY / 2 {
            return None;
        }
        let action = self.draw(s)?;
        s.act(action.clone()).ok().map(|()| action)
    }

    fn draw(&mut self, s: &dyn Session) -> Option<Action> {
        let n = s.node_count();
        let with = |status: Status| -> Vec<u32> { (0..n).filter(|&i| s.node_info(i).status == status).collect() };
        let (up, down, paused) = (with(Status::Up), with(Status::Crashed), with(Status::Paused));
        let rng = &mut self.rng;
        let pick = |rng: &mut ChaCha8Rng, from: &[u32]| from[rng.gen_range(0..from.len() as u32) as usize];
        let m = self.model;
        Some(match rng.gen_range(0..12u32) {
            0..=2 if !up.is_empty() => {
                let requests = self.requests?;
                self.sent += 1;
                Action::Request { node: pick(rng, &up), cmd: requests(self.sent) }
            }
            3 if m.crash && up.len() > 1 => Action::Crash { node: pick(rng, &up) },
            4 | 5 if !down.is_empty() => Action::Restart { node: pick(rng, &down) },
            6 if m.pause && up.len() > 1 => {
                Action::Pause { node: pick(rng, &up), for_ms: Some(u64::from(rng.gen_range(50..Self::PAUSE_MS))) }
            }
            7 if !paused.is_empty() => Action::Resume { node: pick(rng, &paused) },
            8 if m.partition => Action::Partition { groups: vec![(0..n).filter(|_| rng.gen_bool(0.5)).collect()] },
            9 if m.partition && n > 1 => {
                let from = rng.gen_range(0..n);
                let to = (from + 1 + rng.gen_range(0..n - 1)) % n;
                Action::Cut { from, to }
            }
            10 | 11 => Action::Heal,
            _ => return None,
        })
    }
}
