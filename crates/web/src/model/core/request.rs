//! A client request in one press (`q`, the caption's Send button, the
//! script API's `request(node?)`): the node the user picked, or the one the
//! world says takes requests now, and an error that says what to do when
//! none does.

use super::Core;
use crate::model::cmd::Cmd;
use protocol::NodeId;

impl Core {
    /// Send the protocol's example request to `node`, or, with `None`, to
    /// the selected node if it takes one, else to the node the world picks
    /// (the lead role first).
    pub(super) fn client_request(&mut self, node: Option<NodeId>) -> Result<(), String> {
        let action = match node {
            Some(id) => {
                let n = self.node_count();
                if id >= n {
                    return Err(format!("request: node must be below {n}, got {id}"));
                }
                self.session.client_request(Some(id)).ok_or_else(|| {
                    format!("request: node {id} takes no client request now (it would refuse or ignore one)")
                })?
            }
            None => {
                let selected = self.selected_node.filter(|&id| id < self.node_count());
                selected
                    .and_then(|id| self.session.client_request(Some(id)))
                    .or_else(|| self.session.client_request(None))
                    .ok_or_else(|| {
                        // What to do about it: wait for the world to change
                        // (a leader elected, a node idle again), or change it.
                        let next = if self.session.next_event_time().is_some() {
                            "play on until one does"
                        } else {
                            "nothing is left to happen: go back, or change the world"
                        };
                        format!(
                            "request: no running node takes a client request now; {next}, or select a node and \
                             send it your own to see how it answers"
                        )
                    })?
            }
        };
        self.apply(Cmd::Act(action))
    }
}
