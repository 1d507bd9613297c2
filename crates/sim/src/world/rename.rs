//! A world with its nodes renamed: what symmetry reduction's fingerprint
//! stands for, built for real so that tests can check the fingerprint
//! against it, and a protocol's symmetry against its behaviour (the
//! successor of a renamed world is the renamed successor).

use super::{Held, World};
use protocol::{Protocol, Renaming, Symmetry};
use std::sync::Arc;

impl<P: Protocol> World<P> {
    /// This world with node `i` renamed `renaming.id(i)` everywhere: its
    /// state, what it persisted, its timers and held inputs move to the new
    /// slot and are renamed inside, messages keep their ids but their ends
    /// and contents are renamed, links and queued timer events move, and
    /// the checker's memory is renamed. `None` if the protocol does not
    /// implement [`protocol::Symmetric`] or `renaming` is not a permutation
    /// of the cluster. The records (event log, journal, last event) are left
    /// as they were, and so is a reliable network's per-link send order
    /// (the model checker runs on a lossy network, which has none).
    pub fn renamed(&self, renaming: &Renaming) -> Option<Self> {
        let symmetry: Symmetry<P> = P::symmetry(&self.protocol_config)?;
        let n = self.base.cluster.nodes;
        if renaming.len() != n as usize || !renaming.is_permutation() {
            return None;
        }
        let back = renaming.inverse();
        let mut world = self.clone();
        world.base.rename_nodes(renaming);
        world.nodes = (0..n)
            .map(|slot| {
                let mut node = (*self.nodes[back.id(slot) as usize]).clone();
                node.fingerprint.forget();
                (symmetry.rename)(&mut node.state, renaming);
                if let Some(d) = &mut node.durable {
                    (symmetry.rename_durable)(d, renaming);
                }
                for (timer, _) in &mut node.timers {
                    (symmetry.rename_timer)(timer, renaming);
                }
                super::symmetry::sort_few(&mut node.timers, |(a, _), (b, _)| a < b);
                for held in &mut node.held {
                    if let Held::Timer(timer) = held {
                        (symmetry.rename_timer)(timer, renaming);
                    }
                }
                Arc::new(node)
            })
            .collect();
        let ids: Vec<_> = world.in_flight.values().map(|e| e.id).collect();
        for id in ids {
            let env = world.in_flight.get_mut(id).expect("in flight");
            env.from = renaming.id(env.from);
            env.to = renaming.id(env.to);
            (symmetry.rename_msg)(&mut env.msg, renaming);
        }
        (symmetry.rename_checker)(&mut world.checker, renaming);
        Some(world)
    }
}
