//! Paths, hit-testing and message positions: the way a message takes
//! between two nodes, what is under a point of the canvas at a model time,
//! and where a message in flight is drawn.

use super::layout::{progress, Arrangement, Layout, RING_SIDE_GAP};
use super::scene::{LostDraw, MsgDraw, Scene};
use protocol::NodeId;
use sim::MsgId;

/// Hit radius around a message dot, in CSS pixels.
pub const MSG_HIT_PX: f64 = 8.0;

/// How far a bent path passes from the rim of a node it goes round.
const BEND_CLEARANCE: f64 = 10.0;

impl Layout {
    /// A point `frac` of the way along the path from one node to another,
    /// between the nodes' rims.
    pub fn along(&self, from: NodeId, to: NodeId, frac: f64) -> (f64, f64) {
        self.along_path(self.node_pos(from), self.bend(from, to), self.node_pos(to), frac)
    }

    /// [`Layout::along`] for node centres already computed (the renderer
    /// keeps a table of them per frame instead of two sines and cosines per
    /// message), and the path's bend ([`Layout::bend`]): a straight line, or
    /// a quadratic curve through the bend's control point.
    pub fn along_path(
        &self,
        (x0, y0): (f64, f64),
        bend: Option<(f64, f64)>,
        (x1, y1): (f64, f64),
        frac: f64,
    ) -> (f64, f64) {
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-9 {
            return (x0, y0);
        }
        // The fraction of the way at which the path leaves a rim: a curve
        // leaves its end at twice the speed its control point is away.
        let speed = bend.map_or(len, |(cx, cy)| 2.0 * ((cx - x0).powi(2) + (cy - y0).powi(2)).sqrt());
        let rim = (self.node_r / speed).min(0.45);
        let f = rim + (1.0 - 2.0 * rim) * frac.clamp(0.0, 1.0);
        match bend {
            None => (x0 + dx * f, y0 + dy * f),
            Some((cx, cy)) => {
                let (a, b, c) = ((1.0 - f) * (1.0 - f), 2.0 * f * (1.0 - f), f * f);
                (a * x0 + b * cx + c * x1, a * y0 + b * cy + c * y1)
            }
        }
    }

    /// The control point of the curve a path takes round the nodes between
    /// its ends, or `None` for a straight path. Columns, and the ring's two
    /// sides, put nodes in a line: a message between two nodes of one line
    /// that are not neighbours would cross the nodes between them (kv-lww's
    /// gossip from replica 0 to replica 2 through replica 1, the ring's
    /// from member 0 to member 2). It bows toward the canvas's middle, away
    /// from the text beside an outer column, far enough to clear the rim of
    /// the node nearest its ends. A circle never puts a node on the chord
    /// between two others.
    pub fn bend(&self, from: NodeId, to: NodeId) -> Option<(f64, f64)> {
        let room = match self.arrangement {
            Arrangement::Circle => return None,
            Arrangement::Columns { .. } if self.column(from) != self.column(to) => return None,
            Arrangement::Columns { .. } => self.width / f64::from(self.column_count()) * 0.35,
            Arrangement::Ring => self.node_r + RING_SIDE_GAP,
        };
        let (a, b) = (self.node_pos(from), self.node_pos(to));
        // Worked along the line as if it were a column: a row (the ring's
        // sides on a tall canvas) has x and y swapped.
        let row = (a.1 - b.1).abs() <= 0.5;
        let flip = |(x, y): (f64, f64)| if row { (y, x) } else { (x, y) };
        let ((xa, ya), (xb, yb)) = (flip(a), flip(b));
        // Staggered clients share a column but not a line.
        if (xa - xb).abs() > 0.5 || (ya - yb).abs() < 1e-9 {
            return None;
        }
        let (top, bottom) = (ya.min(yb), ya.max(yb));
        // The curve's distance from the line at t is 4·t·(1−t) of its
        // widest: the node between nearest an end needs the widest bow (a
        // fifth more, as the curve's nearest point to a rim is not level
        // with its centre).
        let nearest = (0..self.n)
            .filter(|&c| c != from && c != to)
            .map(|c| flip(self.node_pos(c)))
            .filter(|&(x, y)| (x - xa).abs() <= 0.5 && y > top && y < bottom)
            .map(|(_, y)| {
                let t = (y - top) / (bottom - top);
                4.0 * t * (1.0 - t)
            })
            .reduce(f64::min)?;
        let widest = (1.2 * (self.node_r + BEND_CLEARANCE) / nearest).min(room);
        let middle = if row { self.height } else { self.width } / 2.0;
        let side = if xa < middle { 1.0 } else { -1.0 };
        // A quadratic curve's middle lies halfway to its control point.
        Some(flip((xa + side * 2.0 * widest, (ya + yb) / 2.0)))
    }

    /// Where message `m` is drawn at model time `t`.
    pub fn msg_pos(&self, m: &MsgDraw, t: f64) -> (f64, f64) {
        self.msg_pos_in(m, t, self.node_pos(m.from), self.node_pos(m.to))
    }

    /// [`Layout::msg_pos`] with the end points given.
    pub fn msg_pos_in(&self, m: &MsgDraw, t: f64, from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
        let frac = if m.held { 1.0 } else { progress(m.sent_at, m.deliver_at, t) };
        self.along_path(from, self.bend(m.from, m.to), to, frac)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn distance_to_rim(l: &Layout, (x, y): (f64, f64), id: NodeId) -> f64 {
        let (cx, cy) = l.node_pos(id);
        ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - l.node_r
    }

    /// How close the path from `a` to `b` comes to node `c`'s rim, over a
    /// hundred points along it.
    fn closest_to_rim(l: &Layout, a: NodeId, b: NodeId, c: NodeId) -> f64 {
        (0..=100).map(|i| distance_to_rim(l, l.along(a, b, f64::from(i) / 100.0), c)).fold(f64::INFINITY, f64::min)
    }

    /// kv-lww's three replicas in one column gossip with each other: the
    /// way from replica 0 to replica 2 bows round replica 1 instead of
    /// running through it, toward the canvas's middle; neighbours, nodes
    /// in different columns and a circle keep straight paths.
    #[test]
    fn a_path_past_a_node_of_its_column_bends_round_it() {
        for (w, h) in [(900.0, 280.0), (914.0, 343.0), (390.0, 600.0), (1280.0, 800.0)] {
            for servers in [3, 4, 6] {
                let l = Layout::new(w, h, servers + 2).arranged(Arrangement::Columns { servers, clients: 2 });
                assert_eq!(l.bend(0, 1), None, "neighbours");
                assert_eq!(l.bend(0, servers), None, "across columns");
                for (a, b) in [(0, 2), (2, 0), (0, servers - 1)] {
                    let (cx, _) = l.bend(a, b).unwrap_or_else(|| panic!("{a}→{b} on {w}×{h}"));
                    assert!(cx > l.node_pos(a).0, "toward the middle, away from the left column's text");
                    for between in 1..b.max(a) - a.min(b) {
                        let c = a.min(b) + between;
                        let nearest = closest_to_rim(&l, a, b, c);
                        assert!(
                            nearest >= BEND_CLEARANCE - 0.5,
                            "{a}→{b} passes {nearest:.1} px from node {c}'s rim on {w}×{h}"
                        );
                    }
                    // It still leaves one rim and reaches the other.
                    assert!(distance_to_rim(&l, l.along(a, b, 0.0), a).abs() < 1.5);
                    assert!(distance_to_rim(&l, l.along(a, b, 1.0), b).abs() < 1.5);
                }
            }
        }
        let circle = Layout::new(900.0, 400.0, 6);
        assert!((0..6).all(|a| (0..6).all(|b| circle.bend(a, b).is_none())));
        // The ring's members stand in two columns, or two rows on a tall
        // canvas: the right (top) side is nodes 0..5 of 10.
        for (w, h) in [(914.0, 282.0), (1280.0, 600.0), (390.0, 700.0)] {
            let l = Layout::new(w, h, 10).arranged(Arrangement::Ring);
            assert_eq!(l.bend(0, 1), None, "neighbours on {w}×{h}");
            assert_eq!(l.bend(0, 9), None, "across the ring on {w}×{h}");
            let (cx, cy) = l.bend(0, 2).unwrap_or_else(|| panic!("0→2 on {w}×{h}"));
            let (x1, y1) = l.node_pos(1);
            assert!(((cx - x1).abs() > 1.0) != ((cy - y1).abs() > 1.0), "it bows across its line on {w}×{h}");
            let nearest = closest_to_rim(&l, 0, 2, 1);
            assert!(nearest >= BEND_CLEARANCE - 0.5, "0→2 passes {nearest:.1} px from node 1's rim on {w}×{h}");
        }
    }
}
