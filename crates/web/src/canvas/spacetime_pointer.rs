//! The space-time diagram's pointer and keys: drag (mouse, pen or touch)
//! pans, the wheel zooms around the pointer, a tap seeks to that moment or
//! selects the message whose arrow it is; hovering an arrow marks its step
//! in the event log and says what it is in the diagram's status line. With
//! the diagram focused, ← and → pan, + and − zoom, Home goes to the start
//! and End follows the run again.

use super::stage::View;
use crate::model::cmd::Cmd;
use crate::model::core::Core;
use crate::model::spacetime::layout::{self, DEFAULT_SPAN};
use crate::model::spacetime::{Arrow, End};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Callback;

/// A drag shorter than this (in CSS pixels) is a tap.
const TAP_PX: f64 = 4.0;

/// What an arrow is, in words: for the status line and screen readers.
pub fn describe(arrow: &Arrow) -> String {
    let end = match arrow.end {
        End::Delivered(p) => format!("delivered at step {} ({} ms)", p.step, p.time),
        End::Lost(p, _) => format!("lost at step {} ({} ms)", p.step, p.time),
        End::Open => "still in flight".to_string(),
    };
    let dup = if arrow.dup { " (a duplicate)" } else { "" };
    format!(
        "{} {} n{}→n{}{dup}: sent at step {} ({} ms), {end}",
        arrow.kind, arrow.msg, arrow.from, arrow.to, arrow.sent.step, arrow.sent.time
    )
}

/// The diagram's input handlers, sharing the canvas's view and the core.
#[derive(Clone)]
pub struct Pointer {
    pub core: Rc<RefCell<Core>>,
    pub view: Rc<RefCell<View>>,
    pub send: Callback<Cmd>,
    /// Says what is under the pointer (the status line under the diagram).
    pub status: Callback<String>,
}

impl Pointer {
    /// The widest window: the whole run so far, with a margin.
    fn widest(core: &Core) -> f64 {
        core.spacetime.as_ref().map_or(DEFAULT_SPAN, |r| (r.diagram.end_time() as f64 * 1.1).max(DEFAULT_SPAN))
    }

    pub fn down(&self, x: f64) {
        let (Ok(core), Ok(mut view)) = (self.core.try_borrow(), self.view.try_borrow_mut()) else { return };
        let (_, end) = view.spacetime.viewport.window(core.draw_time());
        view.spacetime.drag = Some((x, end, false));
    }

    pub fn moved(&self, x: f64, y: f64) {
        // Said after the borrows end: a command re-renders at once, and the
        // render reads the view and the core.
        let Some((text, mark)) = self.hover(x, y) else { return };
        self.status.emit(text);
        if let Some(mark) = mark {
            self.send.emit(Cmd::MarkSteps(mark));
        }
    }

    /// Pan while dragging; else find what is under the pointer: the status
    /// line's words and, when it changed, the steps to mark in the log.
    #[allow(clippy::type_complexity)]
    fn hover(&self, x: f64, y: f64) -> Option<(String, Option<Option<[u64; 2]>>)> {
        let (Ok(core), Ok(mut view)) = (self.core.try_borrow(), self.view.try_borrow_mut()) else { return None };
        let pane = &mut view.spacetime;
        let g = pane.geometry?;
        if let Some((x0, end0, moved)) = pane.drag {
            let dx = x - x0;
            if moved || dx.abs() > TAP_PX {
                let per_px = (g.t1 - g.t0) / (g.width - layout::GUTTER - layout::PAD).max(1.0);
                pane.viewport.end = (end0 - dx * per_px).max(pane.viewport.span);
                pane.viewport.follow = false;
                pane.drag = Some((x0, end0, true));
            }
            return None;
        }
        let d = &core.spacetime.as_ref()?.diagram;
        let hover = layout::arrow_at(d, &g, core.draw_time(), x, y);
        let was = std::mem::replace(&mut pane.hover, hover);
        Some(match hover.map(|i| &d.arrows[i]) {
            Some(arrow) => {
                let end = arrow.end_point().map_or(arrow.sent.step, |p| p.step);
                (describe(arrow), (was != hover).then_some(Some([arrow.sent.step, end])))
            }
            None => {
                // Over a lane: which node, when.
                let time = g.time_at(x);
                let text = match g.lane_at(y) {
                    Some(node) if x >= layout::GUTTER && time >= 0.0 => {
                        format!("n{node} at {:.0} ms (step {})", time, d.step_at(time))
                    }
                    _ => String::new(),
                };
                (text, was.is_some().then_some(None))
            }
        })
    }

    /// The pointer went up: the end of a drag, or a tap.
    pub fn up(&self, x: f64, y: f64) {
        let cmd = {
            let (Ok(core), Ok(mut view)) = (self.core.try_borrow(), self.view.try_borrow_mut()) else { return };
            let pane = &mut view.spacetime;
            let drag = pane.drag.take();
            let (Some(g), Some(recorder)) = (pane.geometry, core.spacetime.as_ref()) else { return };
            if drag.is_some_and(|(_, _, moved)| moved) {
                return;
            }
            let d = &recorder.diagram;
            match layout::arrow_at(d, &g, core.draw_time(), x, y) {
                Some(i) => Cmd::SelectArrow { msg: d.arrows[i].msg, sent: d.arrows[i].sent.step },
                None if x >= layout::GUTTER => Cmd::Seek(d.step_at(g.time_at(x))),
                None => return,
            }
        };
        self.send.emit(cmd);
    }

    pub fn leave(&self) {
        let hovered = {
            let Ok(mut view) = self.view.try_borrow_mut() else { return };
            view.spacetime.drag = None;
            view.spacetime.hover.take().is_some()
        };
        self.status.emit(String::new());
        if hovered {
            self.send.emit(Cmd::MarkSteps(None));
        }
    }

    /// Zoom by `factor` around the pointer's `x`.
    pub fn zoom(&self, factor: f64, x: Option<f64>) {
        let (Ok(core), Ok(mut view)) = (self.core.try_borrow(), self.view.try_borrow_mut()) else { return };
        let now = core.draw_time();
        let pane = &mut view.spacetime;
        let at = match (x, pane.geometry) {
            (Some(x), Some(g)) => g.time_at(x),
            _ => {
                let (t0, t1) = pane.viewport.window(now);
                (t0 + t1) / 2.0
            }
        };
        pane.viewport.zoom(factor, at, now, Self::widest(&core));
    }

    /// A key pressed with the diagram focused; `true` when it was the
    /// diagram's (the page's shortcut for it is then not run).
    pub fn key(&self, key: &str) -> bool {
        match key {
            "+" | "=" => self.zoom(0.8, None),
            "-" | "_" => self.zoom(1.25, None),
            "ArrowLeft" | "ArrowRight" | "Home" | "End" => {
                let (Ok(core), Ok(mut view)) = (self.core.try_borrow(), self.view.try_borrow_mut()) else {
                    return true;
                };
                let viewport = &mut view.spacetime.viewport;
                let step = viewport.span * 0.2;
                match key {
                    "ArrowLeft" => viewport.pan(-step, core.draw_time()),
                    "ArrowRight" => viewport.pan(step, core.draw_time()),
                    "Home" => {
                        viewport.end = viewport.span;
                        viewport.follow = false;
                    }
                    _ => viewport.follow = true,
                }
            }
            _ => return false,
        }
        true
    }

    /// Follow the run again (the window ends at the current time).
    pub fn follow(&self) {
        if let Ok(mut view) = self.view.try_borrow_mut() {
            view.spacetime.viewport.follow = true;
        }
    }
}
