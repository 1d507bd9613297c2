//! Playback: the animation loop advances the view clock and the world
//! follows it, pausing at the run's first violation, at a guided tour's
//! captions and when nothing is left to happen.

use super::Core;
use crate::model::cmd::{MAX_FRAME_MS, MAX_STEPS_PER_FRAME};

impl Core {
    /// Stop playing because nothing is left to happen, and say so.
    pub(super) fn stop_at_end(&mut self) {
        self.playing = false;
        let step = self.session.steps();
        let next = if self.session.client_request(None).is_some() {
            "Press Send (q) for a client request, or change the world to go on."
        } else {
            "No node takes a client request now: go back, or change the world (restart a crashed node, heal a partition)."
        };
        self.notify(
            format!(
                "Nothing is left to happen at step {step}: every message is delivered and no timer is armed. {next}"
            ),
            false,
        );
    }

    /// Advance the view clock by `wall_ms` of wall time when playing, and
    /// process every event that is due. Returns whether the world changed.
    pub fn advance(&mut self, wall_ms: f64) -> bool {
        if !self.playing {
            return false;
        }
        let dt = wall_ms.clamp(0.0, MAX_FRAME_MS) * self.speed;
        self.view_time = self.view_time.max(self.session.now() as f64) + dt;
        let mut stepped = 0u32;
        let violated_before = self.session.first_violation().is_some();
        loop {
            match self.session.next_event_time() {
                None => {
                    self.stop_at_end();
                    break;
                }
                Some(t) if (t as f64) <= self.view_time => {
                    if stepped == MAX_STEPS_PER_FRAME {
                        // Too much to show: let the view clock fall back to the world.
                        self.view_time = self.session.now() as f64;
                        break;
                    }
                    if !self.session.step() {
                        self.stop_at_end();
                        break;
                    }
                    stepped += 1;
                    if self.at_tour_stop() {
                        // A guided tour pauses at each caption, to be read.
                        self.playing = false;
                        self.view_time = self.session.now() as f64;
                        break;
                    }
                    if self.pause_on_violation && !violated_before {
                        if let Some(first) = self.session.first_violation() {
                            let text = format!(
                                "Paused at step {}: {} is violated: {}. Play goes on; the switch under the safety properties turns this pause off.",
                                first.step, first.property, first.detail
                            );
                            self.playing = false;
                            self.view_time = self.session.now() as f64;
                            self.notify(text, true);
                            break;
                        }
                    }
                }
                Some(_) => break,
            }
        }
        if stepped > 0 || !self.playing {
            self.changed();
        }
        stepped > 0
    }

    /// The model time the canvas draws and hit-tests at: the view clock,
    /// or with reduced motion the world's own clock (messages move only
    /// when an event happens, no tween in between).
    pub fn draw_time(&self) -> f64 {
        if self.reduced_motion {
            self.session.now() as f64
        } else {
            self.view_time
        }
    }
}
