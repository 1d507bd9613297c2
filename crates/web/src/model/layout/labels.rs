//! Which message labels the canvas writes ("ack 1", "♥ 2.6"): each beside
//! its message's dot, unless there it would cross a node, a node's text or
//! a label written before it. A label left out comes back as its message
//! moves on; its dot always shows, and the message list names it.

use super::{Layout, SMALL_NODE_R};

/// A box: left, right, top, bottom.
pub type Rect = (f64, f64, f64, f64);

/// About how wide a character of a label is in the canvas's 11 px text.
const CHAR_W: f64 = 6.2;
/// Half a label's line.
const HALF_LINE: f64 = 7.0;
/// Room kept around a node beyond its disc: its timer ring.
const RING_ROOM: f64 = 6.0;

/// The box of a label of `text` whose line starts at `(x, y)` (its middle)
/// and runs rightwards, or ends there when `rightwards` is false.
pub fn label_box(text: &str, (x, y): (f64, f64), rightwards: bool) -> Rect {
    let w = CHAR_W * text.chars().count() as f64;
    let (left, right) = if rightwards { (x, x + w) } else { (x - w, x) };
    (left, right, y - HALF_LINE, y + HALF_LINE)
}

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.1 && b.0 < a.1 && a.2 < b.3 && b.2 < a.3
}

/// The places already taken on the canvas in one frame.
#[derive(Debug, Default)]
pub struct Clearance {
    taken: Vec<Rect>,
}

impl Clearance {
    /// Start a frame: the nodes, their rings and their text are taken.
    pub fn reset(&mut self, layout: &Layout) {
        self.taken.clear();
        let text = layout.node_r >= SMALL_NODE_R;
        for id in 0..layout.n {
            let (x, y) = layout.node_pos(id);
            let r = layout.node_r + RING_ROOM;
            self.taken.push((x - r, x + r, y - r, y + r));
            if text {
                self.taken.push(layout.text_box(id));
            }
        }
    }

    /// Take `place` if nothing taken overlaps it; whether it was free.
    pub fn claim(&mut self, place: Rect) -> bool {
        if self.taken.iter().any(|&t| overlaps(t, place)) {
            return false;
        }
        self.take(place);
        true
    }

    /// Take `place` whatever it overlaps (the selected message's label).
    pub fn take(&mut self, place: Rect) {
        self.taken.push(place);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleared(n: u32) -> (Layout, Clearance) {
        let layout = Layout::new(900.0, 500.0, n);
        let mut clearance = Clearance::default();
        clearance.reset(&layout);
        (layout, clearance)
    }

    #[test]
    fn a_label_in_open_space_is_written() {
        let (layout, mut c) = cleared(5);
        assert!(c.claim(label_box("ack 1", (layout.cx, layout.cy), true)));
    }

    #[test]
    fn a_label_over_a_node_or_its_text_is_left_out() {
        let (layout, mut c) = cleared(5);
        let (x, y) = layout.node_pos(0);
        assert!(!c.claim(label_box("ack 1", (x - 10.0, y), true)), "over the node");
        let (left, right, top, _) = layout.text_box(0);
        assert!(!c.claim(label_box("vote 3", ((left + right) / 2.0, top + 10.0), true)), "over its text");
        // Just beyond the node's ring and clear of its text, it is written.
        let off = layout.node_r + RING_ROOM + 1.0;
        assert!(c.claim(label_box("ok", (x + off, y - off), true)));
    }

    #[test]
    fn of_two_labels_that_would_cross_the_first_is_written() {
        let (layout, mut c) = cleared(3);
        let (x, y) = (layout.cx, layout.cy);
        assert!(c.claim(label_box("rep w10 e1", (x, y), true)));
        assert!(!c.claim(label_box("rep w20 e1", (x + 20.0, y + 5.0), true)), "crosses the first");
        assert!(!c.claim(label_box("rep w20 e1", (x + 20.0, y + 5.0), false)), "leftwards it still does");
        assert!(c.claim(label_box("rep w20 e1", (x, y + 2.0 * HALF_LINE), true)), "a line lower it is clear");
        // A label taken whatever it crosses (the selected message's) keeps
        // its place from those after it.
        let selected = label_box("vote", (x, y - 3.0 * HALF_LINE), true);
        c.take(selected);
        assert!(!c.claim(label_box("ok", (x + 5.0, y - 3.0 * HALF_LINE), true)));
    }

    #[test]
    fn a_new_frame_forgets_the_last_ones_labels() {
        let (layout, mut c) = cleared(3);
        let place = label_box("ack 1", (layout.cx, layout.cy), true);
        assert!(c.claim(place));
        c.reset(&layout);
        assert!(c.claim(place));
    }

    #[test]
    fn nodes_too_small_for_text_keep_only_their_discs_clear() {
        let mut layout = Layout::new(900.0, 500.0, 5);
        let (left, right, top, bottom) = layout.text_box(0);
        let where_text_goes = label_box("ack 1", ((left + right) / 2.0, (top + bottom) / 2.0), true);
        let mut c = Clearance::default();
        c.reset(&layout);
        assert!(!c.claim(where_text_goes));
        layout.node_r = SMALL_NODE_R - 1.0;
        c.reset(&layout);
        assert!(c.claim(where_text_goes));
    }
}
