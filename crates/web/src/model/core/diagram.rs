//! The space-time diagram's part of the core: showing it (which starts
//! its recorder), where it goes, the steps it points at, and a click on an
//! arrow.

use super::Core;
use crate::model::cmd::{Cmd, Placement};
use crate::model::spacetime::Recorder;
use sim::MsgId;

impl Core {
    /// Show the diagram (recording from the run's inputs) or put it away.
    pub(super) fn show_diagram(&mut self, on: bool) {
        self.spacetime = on.then(|| Recorder::new(&self.setup, self.session.as_ref()));
        self.marked = None;
        self.generation += 1;
    }

    /// Put the diagram below or beside the canvas, showing it if hidden.
    pub(super) fn place_diagram(&mut self, placement: Placement) {
        self.placement = placement;
        if self.spacetime.is_none() {
            self.show_diagram(true);
        }
    }

    /// An arrow was clicked: select its message, going to the step it was
    /// sent at when it is not in flight now.
    pub(super) fn select_arrow(&mut self, msg: MsgId, sent: u64) -> Result<(), String> {
        if self.session.message_json(msg).is_none() {
            self.apply(Cmd::Seek(sent))?;
        }
        if self.session.message_json(msg).is_some() {
            self.apply(Cmd::SelectMsg(Some(msg)))
        } else {
            // Lost as it was sent: there is nothing in flight to select.
            self.selected_msg = None;
            Ok(())
        }
    }
}
