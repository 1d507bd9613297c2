//! A circle (or ellipse) of nodes: how big, how stretched, and whether
//! the nodes' text goes under them or beside them.

use super::{Arrangement, Layout, BESIDE_GAP, LABEL_HALF_WIDTH, LABEL_ROOM, SMALL_NODE_R};

/// Room for a circle's text beside a node, at the canvas's sides.
const BESIDE_WIDTH: f64 = 96.0;
/// How far a node's text beside it reaches below its centre (three lines
/// from 14 px above it).
const BESIDE_DEPTH: f64 = 32.0;
/// Most a circle on a tall canvas is stretched up and down.
const TALL_STRETCH: f64 = 1.5;
/// Most a circle is stretched into an ellipse (wider ones read as two rows).
const MAX_STRETCH: f64 = 2.0;
/// How far past a node its timer ring reaches, and a pixel between rings.
const RING_GAP: f64 = 7.0;

impl Layout {
    /// Nodes round a circle, or an ellipse as wide as the canvas allows,
    /// filling the canvas but for room for the marks around a node (top)
    /// and its labels (bottom and sides).
    pub fn new(width: f64, height: f64, n: u32) -> Self {
        Self::below(width, height, n, 0.0)
    }

    /// [`Layout::new`] with the top `band` pixels kept clear, for the
    /// protocol's banner ([`BANNER_BAND`](super::BANNER_BAND)): a circle's
    /// top node sat under it. (Columns keep their own room for it.)
    pub fn below(width: f64, height: f64, n: u32, band: f64) -> Self {
        let n = n.max(1);
        let side = width.min(height).max(80.0);
        let few = n <= 9;
        let node_r = if few {
            (side / (10.0 + f64::from(n))).clamp(16.0, 30.0)
        } else {
            (side * 1.6 / n as f64).clamp(4.0, 16.0)
        };
        // The renderer labels all but small nodes. Their text goes under
        // them unless no width parts it from the nodes below (nine nodes
        // at 1280×800, or a canvas made short by the space-time diagram):
        // then beside them, outward.
        let labelled = node_r >= SMALL_NODE_R;
        // (Beside them takes width from the circle: on a tall canvas, a
        // phone's, the circle would shrink more than the text gains.)
        let (under, crowded) = Self::circle(width, height, n, band, node_r, labelled, false);
        if labelled && under.node_r < SMALL_NODE_R {
            // Too small a circle for its nodes: they shrink to stay apart,
            // too small for text (the node list has it), which leaves the
            // circle the room kept for it.
            return Self::circle(width, height, n, band, SMALL_NODE_R - 1.0, false, false).0;
        }
        if labelled && n > 2 && crowded {
            let (beside, _) = Self::circle(width, height, n, band, node_r, labelled, true);
            if beside.narrowest() >= under.narrowest() && beside.node_r >= SMALL_NODE_R {
                return beside;
            }
            if !under.text_clears() {
                // Neither arrangement parts the text from the nodes (seven
                // on an embedded 320×260): small nodes without it read
                // better than text drawn over a neighbour.
                return Self::circle(width, height, n, band, SMALL_NODE_R - 1.0, false, false).0;
            }
        }
        under
    }

    /// A circle (or ellipse) of `n` nodes of radius `node_r`, their text
    /// under them or `beside` them; and whether text under them would still
    /// reach another node or its text at the widest the canvas allows.
    fn circle(width: f64, height: f64, n: u32, band: f64, node_r: f64, labelled: bool, beside: bool) -> (Self, bool) {
        // The rings and halos around a node above it, its text under or
        // beside it.
        let (top, bottom, side_room) = match (labelled, beside) {
            (false, _) => (node_r + 10.0, node_r + 10.0, node_r + 10.0),
            (true, false) => (node_r + 14.0, node_r + LABEL_ROOM, node_r + LABEL_HALF_WIDTH),
            (true, true) => (node_r + 14.0, (node_r + 10.0).max(BESIDE_DEPTH), node_r + BESIDE_GAP + BESIDE_WIDTH),
        };
        let top = top + band;
        let ry = ((height - top - bottom) / 2.0).max(10.0);
        let rx = (width / 2.0 - side_room).max(10.0);
        let (radius, stretch, crowded) = match n {
            1 => (0.0, 1.0, false),
            _ => {
                // On a canvas taller than wide (a phone's) the ellipse is
                // taller than wide too, up to TALL_STRETCH times: the nodes
                // at its sides stand further apart, their text with them.
                let radius = ry.min(rx * TALL_STRETCH);
                let widest = rx / radius;
                let text = if labelled && !beside { text_stretch(n, radius, node_r) } else { 1.0 };
                let stretch = widest.clamp(1.0, MAX_STRETCH).min(widest).max(text.min(widest));
                (radius, stretch, text > widest + 1e-9)
            }
        };
        let cy = if n == 1 { (height + band) / 2.0 } else { top + (height - top - bottom) / 2.0 };
        // Neighbours where the ellipse is tightest (its ends) do not touch,
        // nor their timer rings (RING_GAP out): no two stand closer than the
        // chord of the circle of its smaller radius. (Two worlds side by side
        // on a short window, about 310×200 each, drew nine nodes' rings and
        // text over one another at the circle's ends.)
        let narrowest = radius * stretch.min(1.0);
        let node_r = match n {
            1 => node_r,
            2..=9 => node_r.min(narrowest * crate::math::sin(std::f64::consts::PI / f64::from(n)) - RING_GAP),
            _ => node_r.min(narrowest * std::f64::consts::TAU / f64::from(n) / 2.4),
        };
        let layout = Self {
            cx: width / 2.0,
            cy,
            radius,
            node_r,
            n,
            arrangement: Arrangement::Circle,
            width,
            height,
            stretch,
            beside,
            circle_beside: beside,
        };
        (layout, crowded)
    }

    /// A circle's smaller radius: across, or up and down.
    fn narrowest(&self) -> f64 {
        self.radius * self.stretch.min(1.0)
    }
}

/// How far a circle of `n` nodes of radius `node_r` must stretch sideways
/// (its horizontal radius over `radius`, its vertical one) for the text
/// under each node to clear the nodes below it and their text: on a short
/// canvas (the space-time diagram under it) a neighbour sits within the
/// text's depth, and only the width can part them. Nodes straight above one
/// another (the top and bottom of an even count) are parted by the height
/// alone.
fn text_stretch(n: u32, radius: f64, node_r: f64) -> f64 {
    let reach = node_r + 4.0;
    // Each node's x on the unit circle and y on this one.
    let at: Vec<(f64, f64)> = (0..n)
        .map(|id| {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f64::from(id) / f64::from(n);
            (crate::math::cos(a), radius * crate::math::sin(a))
        })
        .collect();
    let mut stretch = 1.0_f64;
    for (i, &(xi, yi)) in at.iter().enumerate() {
        let (top, bottom) = (yi + node_r - reach, yi + node_r + LABEL_ROOM + reach);
        for (j, &(xj, yj)) in at.iter().enumerate() {
            if i == j {
                continue;
            }
            let apart = (xj - xi).abs() * radius;
            if apart < 1e-6 {
                continue;
            }
            if (top..bottom).contains(&yj) {
                stretch = stretch.max((LABEL_HALF_WIDTH + reach) / apart);
            }
            if (yj - yi).abs() < LABEL_ROOM {
                stretch = stretch.max(2.0 * LABEL_HALF_WIDTH / apart);
            }
        }
    }
    stretch
}
