//! A fault driver shared by the soak (`cli soak`) and the sweeps: from a
//! seed and an algorithm, a deterministic schedule of crashes, restarts,
//! pauses, partitions, one-way cuts, heals and client requests, drawn with
//! its own `rand_chacha` stream (the world's stream is the simulator's) and
//! applied through [`Session::act`] as clicks in the app are. Message loss
//! and duplication are the world's (`drop`, `dup`).
//!
//! It respects each algorithm's fault model ([`FaultModel::of`]): a fault a
//! correct protocol is not meant to survive is never drawn, so a violation
//! it reports is a bug, not a lesson. Only `u32`s are drawn.

use crate::Algo;
use protocol::Status;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Action, Session};

/// Which faults an algorithm's safety properties assume it survives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultModel {
    /// Crash and restart (from what the node persisted).
    pub crash: bool,
    /// Pause a node while time runs on (a long GC pause).
    pub pause: bool,
    /// Partitions and one-way cuts.
    pub partition: bool,
    /// Message loss on the network (`drop`).
    pub loss: bool,
}

impl FaultModel {
    pub const ALL: FaultModel = FaultModel { crash: true, pause: true, partition: true, loss: true };

    /// The faults `algo` is meant to survive. The unfenced lease lock and
    /// Redlock lose mutual exclusion when a holder pauses past its lease,
    /// and Redlock when a lock server restarts having forgotten a lock
    /// (Kleppmann 2016): those are the lessons they are in the lab for, not
    /// bugs. Three-phase commit assumes a synchronous network: no
    /// partitions, no loss, no pauses (a participant that times out decides
    /// on its own), so it gets crashes and duplicates only, as in its sweep.
    pub fn of(algo: Algo) -> FaultModel {
        match algo {
            Algo::LockLease => FaultModel { pause: false, ..Self::ALL },
            Algo::Redlock => FaultModel { pause: false, crash: false, ..Self::ALL },
            Algo::ThreePc => FaultModel { partition: false, pause: false, loss: false, ..Self::ALL },
            _ => Self::ALL,
        }
    }
}

/// A client request an algorithm's nodes understand, numbered `n`.
pub fn request(algo: Algo, n: u64) -> String {
    match algo {
        Algo::Ring => format!("put k{}=v{n}", n % 32),
        Algo::TwoPc | Algo::ThreePc => "tx".to_string(),
        Algo::Saga => "order".to_string(),
        Algo::Abd => format!("x={}", n * 100 + 99),
        // A write a client is asked for may end in doubt; a read never does.
        Algo::KvRaft | Algo::KvLww => "read x".to_string(),
        _ => format!("v{n}"),
    }
}

/// The driver: one drawn action every [`Chaos::EVERY`] steps.
#[derive(Clone, Debug)]
pub struct Chaos {
    algo: Algo,
    model: FaultModel,
    rng: ChaCha8Rng,
    requests: u64,
}

impl Chaos {
    /// Steps between two drawn actions.
    pub const EVERY: u64 = 40;
    /// Longest pause drawn, ms.
    pub const PAUSE_MS: u32 = 400;

    pub fn new(algo: Algo, seed: u64) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(seed ^ 0x00c4_a05c);
        Self { algo, model: FaultModel::of(algo), rng, requests: 0 }
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
                self.requests += 1;
                Action::Request { node: pick(rng, &up), cmd: request(self.algo, self.requests) }
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

/// What one seed of a soak did.
#[derive(Clone, Debug, PartialEq)]
pub struct Soaked {
    /// Events processed.
    pub steps: u64,
    /// The first broken property: its name, step and detail.
    pub violation: Option<(&'static str, u64, String)>,
}

/// The world a soak runs `algo` in: its default cluster, a lossy (if its
/// fault model allows) and duplicating network, the given protocol options.
pub fn soak_setup(algo: Algo, options: &crate::Options, seed: u64) -> crate::Setup {
    let mut setup = crate::Setup::new(algo);
    setup.seed = seed;
    setup.options = options.clone();
    setup.sim.drop = if FaultModel::of(algo).loss { 0.05 } else { 0.0 };
    setup.sim.dup = 0.02;
    setup
}

/// Run `algo` for `steps` events under [`Chaos`] from `seed`, stopping at
/// the first violation. A run with nothing left to do (single-decree Paxos
/// once chosen, or every proposer down) gets its crashed nodes restarted,
/// its paused ones resumed and then a client request, as the benchmark
/// does; if it still cannot step, it ends there.
pub fn soak(algo: Algo, options: &crate::Options, seed: u64, steps: u64) -> Result<Soaked, crate::SetupError> {
    let mut s = crate::open(&soak_setup(algo, options, seed))?;
    let mut chaos = Chaos::new(algo, seed);
    while s.steps() < steps {
        chaos.before_step(s.as_mut());
        if !s.step() {
            // Nothing left to happen: bring every node back, then ask each
            // in turn for something to do.
            let n = s.node_count();
            for node in 0..n {
                let _ = match s.node_info(node).status {
                    Status::Crashed => s.act(Action::Restart { node }),
                    Status::Paused => s.act(Action::Resume { node }),
                    Status::Up => Ok(()),
                };
            }
            let woke = s.step()
                || (0..n)
                    .any(|node| s.act(Action::Request { node, cmd: request(algo, s.steps()) }).is_ok() && s.step());
            if !woke {
                break;
            }
        }
        if s.first_violation().is_some() {
            break;
        }
    }
    let violation = s.first_violation().map(|v| (v.property, v.step, v.detail.clone()));
    Ok(Soaked { steps: s.steps(), violation })
}
