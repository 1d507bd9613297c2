//! The soak's fault driver per algorithm: [`sim::chaos::Chaos`] (a seeded
//! schedule of crashes, restarts, pauses, partitions, one-way cuts, heals
//! and client requests, applied through [`sim::Session::act`] as clicks in the
//! app are) with each algorithm's fault model ([`fault_model`]) and the
//! client requests its nodes understand ([`request`]).

use crate::Algo;
use protocol::Status;
use sim::chaos::{Chaos, FaultModel};
use sim::Action;

/// The faults `algo` is meant to survive. The unfenced lease lock and
/// Redlock lose mutual exclusion when a holder pauses past its lease, and
/// Redlock when a lock server restarts having forgotten a lock (Kleppmann
/// 2016): those are the lessons they are in the lab for, not bugs.
/// Three-phase commit assumes a synchronous network: no partitions, no
/// loss, no pauses (a participant that times out decides on its own), so
/// it gets crashes and duplicates only, as in its sweep.
pub fn fault_model(algo: Algo) -> FaultModel {
    match algo {
        Algo::LockLease => FaultModel { pause: false, ..FaultModel::ALL },
        Algo::Redlock => FaultModel { pause: false, crash: false, ..FaultModel::ALL },
        Algo::ThreePc => FaultModel { partition: false, pause: false, loss: false, ..FaultModel::ALL },
        _ => FaultModel::ALL,
    }
}

/// The client requests an algorithm's nodes understand, the `n`th of them.
fn requests(algo: Algo) -> sim::chaos::Requests {
    match algo {
        Algo::Ring => |n| format!("put k{}=v{n}", n % 32),
        Algo::TwoPc | Algo::ThreePc => |_| "tx".to_string(),
        Algo::Saga => |_| "order".to_string(),
        Algo::Abd => |n| format!("x={}", n * 100 + 99),
        // A write a client is asked for may end in doubt; a read never does.
        Algo::KvRaft | Algo::KvLww => |_| "read x".to_string(),
        _ => |n| format!("v{n}"),
    }
}

/// A client request an algorithm's nodes understand, numbered `n`.
pub fn request(algo: Algo, n: u64) -> String {
    requests(algo)(n)
}

/// The soak's driver for `algo` from `seed`: its fault model and requests.
pub fn chaos(algo: Algo, seed: u64) -> Chaos {
    Chaos::new(fault_model(algo), seed).with_requests(requests(algo))
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
    setup.sim.drop = if fault_model(algo).loss { 0.05 } else { 0.0 };
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
    let mut chaos = chaos(algo, seed);
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
