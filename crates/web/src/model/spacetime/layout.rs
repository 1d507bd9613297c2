//! Where the diagram's parts go in a window of time: lanes top to bottom
//! in node order, time left to right; which arrows, gaps and notes a window
//! shows (found by binary search, so a long run costs only what is
//! visible); what a pointer is over; and the viewport's pan and zoom.

use super::{Arrow, Diagram, End};
use sim::LossReason;

/// Room on the left for the lane labels, in CSS pixels.
pub const GUTTER: f64 = 34.0;
/// Room on the right, top and bottom (the time axis).
pub const PAD: f64 = 10.0;
pub const TOP: f64 = 8.0;
pub const AXIS: f64 = 18.0;
/// Narrowest window, in model ms.
pub const MIN_SPAN: f64 = 20.0;
/// The window a run opens with, in model ms.
pub const DEFAULT_SPAN: f64 = 2_000.0;
/// How close, in pixels, a pointer must be to an arrow to be over it.
pub const HIT_PX: f64 = 6.0;

/// A window of time laid over a drawing area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub width: f64,
    pub height: f64,
    pub t0: f64,
    pub t1: f64,
    pub nodes: u32,
}

impl Geometry {
    pub fn x(&self, t: f64) -> f64 {
        GUTTER + (t - self.t0) / (self.t1 - self.t0).max(1e-9) * (self.width - GUTTER - PAD).max(1.0)
    }

    pub fn time_at(&self, x: f64) -> f64 {
        self.t0 + (x - GUTTER) / (self.width - GUTTER - PAD).max(1.0) * (self.t1 - self.t0)
    }

    pub fn lane_height(&self) -> f64 {
        (self.height - TOP - AXIS).max(1.0) / self.nodes.max(1) as f64
    }

    pub fn lane_y(&self, node: u32) -> f64 {
        TOP + (node as f64 + 0.5) * self.lane_height()
    }

    /// The lane under `y`, if any.
    pub fn lane_at(&self, y: f64) -> Option<u32> {
        let lane = ((y - TOP) / self.lane_height()).floor();
        (lane >= 0.0 && lane < self.nodes as f64).then_some(lane as u32)
    }

    /// Where `arrow` starts and ends on screen: an open arrow runs to
    /// `now`; one lost on the way stops halfway between the lanes, one that
    /// found its receiver down stops at the receiver's lane.
    pub fn segment(&self, arrow: &Arrow, now: f64) -> [(f64, f64); 2] {
        let (y0, y1) = (self.lane_y(arrow.from), self.lane_y(arrow.to));
        let start = (self.x(arrow.sent.time as f64), y0);
        let end = match arrow.end {
            End::Delivered(p) => (self.x(p.time as f64), y1),
            // It reached a receiver that was down: at the receiver's lane.
            End::Lost(p, LossReason::NodeDown) => (self.x(p.time as f64), y1),
            End::Lost(p, _) => (self.x(p.time as f64), (y0 + y1) / 2.0),
            End::Open => {
                let t = now.max(arrow.sent.time as f64);
                (self.x(t), y0 + (y1 - y0) * 0.5)
            }
        };
        [start, end]
    }
}

/// The arrows that cross the window `[t0, t1]`, by index, in send order:
/// finished ones from a binary search over send times (no arrow lasts
/// longer than [`Diagram::max_span`]), and those still in flight.
pub fn visible_arrows(d: &Diagram, t0: f64, t1: f64) -> Vec<usize> {
    let from = d.arrows.partition_point(|a| (a.sent.time as f64) < t0 - d.max_span as f64);
    let to = d.arrows.partition_point(|a| (a.sent.time as f64) <= t1);
    let mut out: Vec<usize> = (from..to)
        .filter(|&i| {
            let a = &d.arrows[i];
            match a.end_point() {
                Some(p) => p.time as f64 >= t0,
                None => true,
            }
        })
        .collect();
    // Open arrows sent before the scanned range still cross the window.
    out.extend(d.open.values().copied().filter(|&i| i < from));
    protocol::sort::sort(&mut out);
    out
}

/// The range of `items` (sorted by `time`) that falls in `[t0, t1]`.
pub fn in_window<T>(items: &[T], time: impl Fn(&T) -> f64, t0: f64, t1: f64) -> std::ops::Range<usize> {
    items.partition_point(|x| time(x) < t0)..items.partition_point(|x| time(x) <= t1)
}

/// The arrow under the pointer at `(x, y)`: the nearest visible one within
/// [`HIT_PX`].
pub fn arrow_at(d: &Diagram, g: &Geometry, now: f64, x: f64, y: f64) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for i in visible_arrows(d, g.t0, g.t1) {
        let [a, b] = g.segment(&d.arrows[i], now);
        let dist = distance_to_segment((x, y), a, b);
        if dist <= HIT_PX && best.is_none_or(|(bd, _)| dist < bd) {
            best = Some((dist, i));
        }
    }
    best.map(|(_, i)| i)
}

fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Time-axis ticks for a window `width` pixels wide: round numbers (1, 2
/// or 5 times a power of ten ms) at least 70 px apart.
pub fn ticks(t0: f64, t1: f64, width: f64) -> Vec<f64> {
    let span = (t1 - t0).max(1e-9);
    let min_step = span * 70.0 / width.max(1.0);
    let unit = crate::math::powf(10.0, crate::math::log10(min_step).floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * unit).find(|&s| s >= min_step).unwrap_or(10.0 * unit);
    let first = (t0 / step).ceil() * step;
    let mut out = Vec::new();
    let mut t = first.max(0.0);
    while t <= t1 && out.len() < 100 {
        out.push(t);
        t += step;
    }
    out
}

/// The window shown: how much time it spans and where it ends. Following,
/// it ends at the current time, so the diagram scrolls with the run;
/// panning or zooming stops following, and "Follow" (or the End key) takes
/// it up again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub span: f64,
    pub end: f64,
    pub follow: bool,
}

impl Default for Viewport {
    fn default() -> Self {
        Self { span: DEFAULT_SPAN, end: DEFAULT_SPAN, follow: true }
    }
}

impl Viewport {
    /// The window `[t0, t1]` at current time `now` for a run recorded to
    /// `last` ms.
    pub fn window(&self, now: f64) -> (f64, f64) {
        let end = if self.follow { (now + self.span * 0.05).max(self.span) } else { self.end };
        (end - self.span, end)
    }

    /// Move the window by `dt` ms (negative: back in time), no further back
    /// than the start of the run.
    pub fn pan(&mut self, dt: f64, now: f64) {
        let (_, end) = self.window(now);
        self.end = (end + dt).max(self.span);
        self.follow = false;
    }

    /// Zoom by `factor` (above 1: see more time) around time `at`, keeping
    /// `at` where it is on screen; `max` is the widest window allowed.
    pub fn zoom(&mut self, factor: f64, at: f64, now: f64, max: f64) {
        let (t0, t1) = self.window(now);
        let span = (self.span * factor).clamp(MIN_SPAN, max.max(MIN_SPAN));
        let frac = ((at - t0) / (t1 - t0)).clamp(0.0, 1.0);
        let start = (at - frac * span).max(0.0);
        self.span = span;
        self.end = start + span;
        self.follow = false;
    }
}
