//! Hit-testing and message positions: what is under a point of the canvas
//! at a model time, and where a message in flight is drawn.

use super::layout::{progress, Layout};
use super::scene::{LostDraw, MsgDraw, Scene};
use sim::MsgId;

/// Hit radius around a message dot, in CSS pixels.
pub const MSG_HIT_PX: f64 = 8.0;

impl Layout {
    /// Where message `m` is drawn at model time `t`.
    pub fn msg_pos(&self, m: &MsgDraw, t: f64) -> (f64, f64) {
        self.msg_pos_in(m, t, self.node_pos(m.from), self.node_pos(m.to))
    }

    /// [`Layout::msg_pos`] with the end points given.
    pub fn msg_pos_in(&self, m: &MsgDraw, t: f64, from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
        let frac = if m.held { 1.0 } else { progress(m.sent_at, m.deliver_at, t) };
        self.along_points(from, to, frac)
    }

    /// The message nearest to a point within [`MSG_HIT_PX`], if any, with
    /// its squared distance.
    pub fn msg_at(&self, scene: &Scene, t: f64, x: f64, y: f64) -> Option<(MsgId, f64)> {
        let mut best: Option<(MsgId, f64)> = None;
        for m in &scene.msgs {
            let (mx, my) = self.msg_pos(m, t);
            let d2 = (mx - x).powi(2) + (my - y).powi(2);
            if d2 <= MSG_HIT_PX * MSG_HIT_PX && best.is_none_or(|(_, b)| d2 < b) {
                best = Some((m.id, d2));
            }
        }
        best
    }

    /// The recently lost message whose cross is nearest to a point, if any.
    pub fn lost_at<'a>(&self, scene: &'a Scene, t: f64, x: f64, y: f64) -> Option<&'a LostDraw> {
        scene
            .lost
            .iter()
            .filter(|l| Scene::lost_alpha(l, t).is_some())
            .map(|l| {
                let (lx, ly) = self.along(l.from, l.to, l.frac);
                (l, (lx - x).powi(2) + (ly - y).powi(2))
            })
            .filter(|&(_, d2)| d2 <= MSG_HIT_PX * MSG_HIT_PX)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(l, _)| l)
    }
}
