//! A state as the searches see it: a trait object over [`World`].
//!
//! The searches (breadth-first, depth-first, random walks) are written
//! against `dyn State`, so they are compiled once, not once per simulator
//! type: the app instantiates the simulator for thirteen protocol types,
//! and each carried its own copy of every search. What depends on the
//! protocol is this trait's few methods. A search keeps its states boxed
//! anyway (moving a pointer, not a world, through its levels), so the
//! object costs a virtual call per method, not an allocation.

use crate::choices::{Scratch, Used};
use crate::Budgets;
use protocol::{Fingerprint, NodeId, Protocol, Status, Timer};
use sim::{Action, World};
use std::any::Any;
use std::hash::Hasher;

/// A world a search explores.
pub(crate) trait State: Any + Send + Sync {
    /// Every choice the world offers within the budgets, into
    /// `scratch.choices`, in a fixed order: per distinct message in flight
    /// (by fingerprint: copies of one message are one choice) deliver,
    /// drop, duplicate; then per node its armed timers, a crash, requests,
    /// or a restart when it is down.
    fn enabled(&self, used: Used, budgets: &Budgets, commands: &[String], scratch: &mut Scratch);

    /// The state's identity: the world's fingerprint, whether a property
    /// failed, and the budgets spent.
    fn id(&self, used: Used) -> u64;

    /// Apply one choice: the action, then the event it makes next for
    /// `deliver` and `fire`. Returns the step the action is recorded at.
    fn apply_choice(&mut self, action: &Action) -> u64;

    /// Arrange for `node` to crash after `after` of the commands its next
    /// step produces.
    fn crash_mid_step(&mut self, node: NodeId, after: u32);

    /// The node the last step ran and how many commands it produced.
    fn last_commands(&self) -> Option<(NodeId, u32)>;

    /// The property broken, its detail and the step it broke at.
    fn broken(&self) -> Option<(&'static str, &str, u64)>;

    /// A copy of the world, boxed.
    fn boxed(&self) -> Box<dyn State>;

    /// Make `target` (a world of the same protocol) a copy of this one,
    /// reusing its buffers.
    fn copy_into(&self, target: &mut dyn State);
}

impl<P: Protocol> State for World<P>
where
    World<P>: Send + Sync,
{
    fn enabled(&self, used: Used, budgets: &Budgets, commands: &[String], scratch: &mut Scratch) {
        let Scratch { messages, choices, .. } = scratch;
        choices.clear();
        messages.clear();
        for (env, fp) in self.in_flight_fingerprinted() {
            if env.held || messages.contains(&fp) {
                continue;
            }
            messages.push(fp);
            choices.push(Action::Deliver { msg: env.id });
            if used.drops < budgets.drops {
                choices.push(Action::Drop { msg: env.id });
            }
            if used.dups < budgets.dups {
                choices.push(Action::Duplicate { msg: env.id });
            }
        }
        for node in 0..self.node_count() as NodeId {
            match self.status(node) {
                Status::Up => {
                    choices.extend(self.armed_timers(node).map(|t| Action::Fire { node, timer: t.name().into() }));
                    if used.crashes < budgets.crashes {
                        choices.push(Action::Crash { node });
                    }
                    if used.requests < budgets.requests {
                        choices.extend(commands.iter().map(|cmd| Action::Request { node, cmd: cmd.clone() }));
                    }
                }
                Status::Crashed => choices.push(Action::Restart { node }),
                Status::Paused => {}
            }
        }
    }

    fn id(&self, used: Used) -> u64 {
        let mut h = Fingerprint::default();
        h.write_u64(self.fingerprint());
        // A state where a property failed is never taken for one where none
        // did: a checker stops reading at the failure, so its state need
        // not show everything its nodes do (see the Paxos checker's `Hash`).
        h.write_u8(self.violation().is_some() as u8);
        h.write_u32(used.crashes);
        h.write_u32(used.drops);
        h.write_u32(used.dups);
        h.write_u32(used.requests);
        h.finish()
    }

    fn apply_choice(&mut self, action: &Action) -> u64 {
        let step = self.steps();
        self.apply(action).unwrap_or_else(|e| panic!("an enabled choice applies: {e}"));
        if matches!(action, Action::Deliver { .. } | Action::Fire { .. }) {
            self.step();
        }
        step
    }

    fn crash_mid_step(&mut self, node: NodeId, after: u32) {
        let crash = Action::CrashMidStep { node, after };
        self.apply(&crash).unwrap_or_else(|e| panic!("a mid-step crash of an up node applies: {e}"));
    }

    fn last_commands(&self) -> Option<(NodeId, u32)> {
        World::last_commands(self)
    }

    fn broken(&self) -> Option<(&'static str, &str, u64)> {
        let v = self.violation()?;
        let step = self.first_violation().map_or(self.steps(), |f| f.step);
        Some((v.property, &v.detail, step))
    }

    fn boxed(&self) -> Box<dyn State> {
        Box::new(self.clone())
    }

    fn copy_into(&self, target: &mut dyn State) {
        let target: &mut dyn Any = target;
        let target = target.downcast_mut::<World<P>>().expect("a search explores worlds of one protocol");
        target.clone_from(self);
    }
}
