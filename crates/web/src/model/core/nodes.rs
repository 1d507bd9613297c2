//! What can be done to a node now: its status, and the action a click or
//! key means for it (crash or restart, pause or resume).

use super::Core;
use protocol::{NodeId, Status};
use sim::Action;

impl Core {
    /// The node's status, or `None` for an id out of range.
    pub fn status(&self, id: NodeId) -> Option<Status> {
        (id < self.node_count()).then(|| self.session.node_info(id).status)
    }

    /// Crash or restart a node, whichever makes sense now.
    pub fn crash_or_restart(&self, id: NodeId) -> Option<Action> {
        match self.status(id)? {
            Status::Crashed => Some(Action::Restart { node: id }),
            _ => Some(Action::Crash { node: id }),
        }
    }

    /// Pause or resume a node, whichever makes sense now (none when down).
    pub fn pause_or_resume(&self, id: NodeId) -> Option<Action> {
        match self.status(id)? {
            Status::Paused => Some(Action::Resume { node: id }),
            Status::Up => Some(Action::Pause { node: id, for_ms: None }),
            Status::Crashed => None,
        }
    }
}
