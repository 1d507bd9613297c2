//! What is selected and picked: a node or a message to inspect, the nodes
//! picked for a partition, and Escape, which closes or clears the innermost
//! of them.

use super::Core;
use crate::model::cmd::Cmd;
use sim::Action;

impl Core {
    /// A selection command (the others never reach here).
    pub(super) fn select(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::SelectNode(node) => {
                if let Some(id) = node {
                    self.check_node(id)?;
                }
                self.selected_node = node;
                self.selected_msg = None;
            }
            Cmd::TogglePick(id) => {
                self.check_node(id)?;
                match self.picked.iter().position(|&p| p == id) {
                    Some(i) => {
                        self.picked.remove(i);
                    }
                    None => {
                        self.picked.push(id);
                        protocol::sort::sort(&mut self.picked);
                    }
                }
            }
            Cmd::ClearPicks => self.picked.clear(),
            Cmd::PartitionMode(on) => {
                self.partition_mode = on;
                if !on {
                    self.picked.clear();
                }
            }
            Cmd::PartitionPicked => {
                if self.picked.is_empty() || self.picked.len() as u32 >= self.node_count() {
                    return Err(
                        "partition: pick some nodes, but not all of them (in partition mode, click or tap nodes)"
                            .into(),
                    );
                }
                let groups = vec![self.picked.clone()];
                self.apply(Cmd::Act(Action::Partition { groups }))?;
                self.picked.clear();
                self.partition_mode = false;
            }
            Cmd::SelectMsg(msg) => {
                if let Some(id) = msg {
                    if self.session.message_json(id).is_none() {
                        return Err(format!("message {id} is not in flight"));
                    }
                    // A message moves while playing: hold still to look at it.
                    self.playing = false;
                }
                self.selected_msg = msg;
            }
            Cmd::Escape => {
                if self.help_open {
                    self.help_open = false;
                } else if self.check.open {
                    self.check.open = false;
                } else if self.partition_mode {
                    self.apply(Cmd::PartitionMode(false))?;
                } else if self.selected_msg.is_some() {
                    self.selected_msg = None;
                } else if self.selected_node.is_some() {
                    self.selected_node = None;
                } else {
                    self.picked.clear();
                }
            }
            _ => unreachable!("Core::apply sends only selection commands here"),
        }
        Ok(())
    }
}
