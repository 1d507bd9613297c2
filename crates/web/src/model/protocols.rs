//! The per-protocol parts of the scene, in one place until every protocol
//! presents itself through [`protocol::present`]: the lock algorithms'
//! columns and clocks, the Paxos ballots and chosen quorum.

use super::scene::Scene;
use super::{lock, paxos};
use sim::Session;

/// Rebuild `scene` from `session` with every protocol's decorations.
pub fn rebuild(scene: &mut Scene, session: &dyn Session) {
    scene.rebuild(session);
    scene.arrangement = lock::arrangement(session);
    paxos::decorate(session, scene);
    lock::decorate(session, scene);
}
