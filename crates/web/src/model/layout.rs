//! Where things are on a canvas of a given CSS size: node centres for each
//! arrangement, points along a link, partition groups. Plain geometry,
//! tested on the host.

pub use protocol::present::Arrangement;
use protocol::NodeId;

/// Clients per column before they take two.
const CLIENTS_PER_COLUMN: u32 = 6;
/// How far each of two staggered columns of clients stands off their
/// column's centre, as a fraction of the width.
const STAGGER: f64 = 0.08;
/// Room above the columns for the protocol's banner, drawn across the top.
const COLUMNS_TOP: f64 = 40.0;
/// Room below the columns.
const COLUMNS_BOTTOM: f64 = 12.0;
/// The gap between the ring's sides of nodes and the ring (from a node's
/// rim); a message bowing round a node of its side stays within it.
pub(crate) const RING_SIDE_GAP: f64 = 40.0;
/// The band across the top of the canvas the protocol's banner takes (the
/// renderer's pill reaches 31 px down).
pub const BANNER_BAND: f64 = 32.0;
/// Room a column's slot needs beyond its node for three lines of text
/// under it (role, badge, note) and the next node's timer ring.
const UNDER_ROOM: f64 = 56.0;
/// Room a slot needs beyond its node when the text goes beside it: the
/// rings of the nodes above and below.
const BESIDE_ROOM: f64 = 16.0;
/// The least space between two nodes' lines of text side by side.
const TEXT_GAP: f64 = 8.0;
/// Least room for text beside a node before it goes under it after all.
const BESIDE_TEXT: f64 = 72.0;
/// Gap between a node's rim and its text beside it.
pub const BESIDE_GAP: f64 = 9.0;
/// How tall a node's three lines of text beside it are (from 14 px above
/// its centre).
const BESIDE_LINES: f64 = 42.0;

/// How many nodes the tallest of a columns arrangement's columns holds:
/// servers, clients (more than a column holds stand in two staggered
/// columns of half as many) or the rest.
fn tallest_column(n: u32, servers: u32, clients: u32) -> u32 {
    let storage = n.saturating_sub(servers + clients);
    let client_rows = if clients > CLIENTS_PER_COLUMN { clients.div_ceil(2) } else { clients };
    servers.max(client_rows).max(storage).max(1)
}

/// Where things are on a canvas of a given CSS size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub cx: f64,
    pub cy: f64,
    pub radius: f64,
    pub node_r: f64,
    pub n: u32,
    pub arrangement: Arrangement,
    pub width: f64,
    pub height: f64,
    /// The circle's horizontal radius over its vertical one: on a wide
    /// canvas the nodes go round an ellipse that uses the width, on a tall
    /// one (below 1) one that uses the height.
    pub stretch: f64,
    /// Whether the nodes' lines of text go beside them rather than under
    /// them (columns, or a circle, too crowded for text underneath; see
    /// [`Layout::label_side`]).
    pub beside: bool,
    /// Whether a circle of these nodes on this canvas puts their text beside
    /// them (kept for [`Layout::arranged`]).
    circle_beside: bool,
}

/// Where a node's lines of text (role, badge, note) go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelSide {
    /// Centred under the node.
    Below,
    /// Right-aligned, left of the node.
    Left,
    /// Left-aligned, right of the node.
    Right,
}

/// Room under a node for its role, badge and note lines.
const LABEL_ROOM: f64 = 48.0;
/// Nodes smaller than this are drawn without labels.
pub const SMALL_NODE_R: f64 = 12.0;
/// Half the width of a node's label, at the sides of the canvas.
const LABEL_HALF_WIDTH: f64 = 46.0;

impl Layout {
    /// The same canvas with the nodes placed by `arrangement`.
    pub fn arranged(mut self, arrangement: Arrangement) -> Self {
        self.arrangement = arrangement;
        // A circle's text goes where its layout found room; the others
        // place their own.
        self.beside = arrangement == Arrangement::Circle && self.circle_beside;
        if arrangement == Arrangement::Ring {
            // The ring as tall as the canvas; the nodes in a column on
            // each side of it, clear of it and of each other.
            // (On a tall canvas, a phone's, in a row above and one below.)
            let per_side = self.n.div_ceil(2).max(1);
            let side = self.width.min(self.height).max(80.0);
            let (along, across) = if self.tall() { (self.width, self.height) } else { (self.height, self.width) };
            let spacing = (along - 24.0) / f64::from(per_side);
            let size = (side / 22.0).clamp(8.0, 22.0);
            self.node_r = size.min(((spacing - 30.0) / 2.0).max(5.0));
            // Columns too crowded for text under each node (ten nodes at
            // 1280×800 were unnamed dots) put it beside them, outward, if
            // that leaves the nodes big enough to carry their names and the
            // three lines beside each clear of the next.
            let beside_r = size.min((spacing - BESIDE_ROOM) / 2.0);
            let lines_clear = spacing >= BESIDE_LINES + 2.0;
            if !self.tall() && self.node_r < SMALL_NODE_R && beside_r >= SMALL_NODE_R && lines_clear {
                self.beside = true;
                self.node_r = beside_r;
            }
            let text = if self.beside {
                BESIDE_GAP + 2.0 * LABEL_HALF_WIDTH
            } else if self.tall() {
                LABEL_ROOM
            } else {
                LABEL_HALF_WIDTH
            };
            self.radius = (along / 2.0 - 14.0).min(across / 2.0 - 2.0 * self.node_r - RING_SIDE_GAP - text).max(24.0);
            self.cy = self.height / 2.0;
            self.stretch = 1.0;
        }
        if let Arrangement::Columns { servers, clients } = arrangement {
            let spacing =
                (self.height - COLUMNS_TOP - COLUMNS_BOTTOM) / f64::from(tallest_column(self.n, servers, clients));
            let cap = (self.width / 16.0).max(8.0);
            // Text under each node while a node big enough to carry its
            // name fits; on a canvas too short for that, beside it, where a
            // column has the width to spare.
            let under = ((spacing - UNDER_ROOM) / 2.0).clamp(8.0, 28.0).min(cap);
            let beside = ((spacing - BESIDE_ROOM) / 2.0).clamp(8.0, 20.0).min(cap);
            // Staggered clients stand STAGGER of the width off their column's
            // centre, outward, so with that much less room for their text.
            let stagger = if clients > CLIENTS_PER_COLUMN { STAGGER } else { 0.0 };
            let room = self.width * (0.5 / f64::from(self.column_count()) - stagger) - beside - BESIDE_GAP;
            self.beside = under < SMALL_NODE_R && beside >= SMALL_NODE_R && room >= BESIDE_TEXT;
            self.node_r = if self.beside { beside } else { under };
        }
        self
    }

    /// The least canvas height at which `arrangement` of `n` nodes keeps
    /// every node's text under it on a narrow canvas (a phone's, where no
    /// column has the width for text beside its nodes), or 0 for an
    /// arrangement that finds its own room. The page lets a phone's canvas
    /// grow to it: at 52% of an 844 px screen, Redlock's five lock servers
    /// in a column were unnamed dots, 1.5 px short of a labelled node each.
    pub fn labelled_height(arrangement: Arrangement, n: u32) -> f64 {
        match arrangement {
            Arrangement::Columns { servers, clients } => {
                COLUMNS_TOP
                    + COLUMNS_BOTTOM
                    + f64::from(tallest_column(n, servers, clients)) * (2.0 * SMALL_NODE_R + UNDER_ROOM)
            }
            Arrangement::Circle | Arrangement::Ring => 0.0,
        }
    }

    /// Taller than wide (a phone held upright).
    fn tall(&self) -> bool {
        self.height > self.width * 1.1
    }

    /// Which column a node is in (0 for every node on a circle).
    pub fn column(&self, id: NodeId) -> u32 {
        match self.arrangement {
            Arrangement::Circle | Arrangement::Ring => 0,
            Arrangement::Columns { servers, clients } => {
                if id < servers {
                    0
                } else if id < servers + clients {
                    1
                } else {
                    2
                }
            }
        }
    }

    /// Which of the three columns have nodes.
    fn used_columns(&self) -> [bool; 3] {
        let Arrangement::Columns { servers, clients } = self.arrangement else { return [true, false, false] };
        [servers > 0, clients > 0, self.n > servers + clients]
    }

    /// How many columns have nodes (at least one).
    pub(crate) fn column_count(&self) -> u32 {
        self.used_columns().iter().filter(|&&used| used).count().max(1) as u32
    }

    /// The centre of `column` as a fraction of the width: the columns that
    /// have nodes share the width evenly (two at a quarter and three
    /// quarters, three at a sixth, a half and five sixths).
    fn column_x(&self, column: u32) -> f64 {
        let before = self.used_columns()[..column as usize].iter().filter(|&&used| used).count();
        (before as f64 + 0.5) / f64::from(self.column_count())
    }

    /// Where node `id`'s lines of text go: under it, or beside it on the
    /// side away from the other columns (the first column's on its left).
    pub fn label_side(&self, id: NodeId) -> LabelSide {
        if !self.beside {
            LabelSide::Below
        } else if self.arrangement == Arrangement::Circle {
            // Outward, but for the nodes at the top and bottom, whose text
            // under them has no node below it or beside it.
            let x = self.node_pos(id).0;
            if (x - self.cx).abs() < self.node_r {
                LabelSide::Below
            } else if x < self.cx {
                LabelSide::Left
            } else {
                LabelSide::Right
            }
        } else if self.arrangement == Arrangement::Ring {
            // The right column's text to the right, the left one's to the
            // left.
            if id < self.n.div_ceil(2) {
                LabelSide::Right
            } else {
                LabelSide::Left
            }
        } else if let Some(left) = self.staggered_left(id) {
            // Two staggered columns of clients: each one's text outward.
            if left {
                LabelSide::Left
            } else {
                LabelSide::Right
            }
        } else if self.column_count() > 1
            && self.used_columns().iter().position(|&used| used) == Some(self.column(id) as usize)
        {
            LabelSide::Left
        } else {
            LabelSide::Right
        }
    }

    /// The box node `id`'s lines of text take (left, right, top, bottom),
    /// as the layout reserves it: under the node or beside it
    /// ([`Layout::label_side`]).
    pub fn text_box(&self, id: NodeId) -> (f64, f64, f64, f64) {
        let (x, y) = self.node_pos(id);
        let w = 2.0 * LABEL_HALF_WIDTH;
        let r = self.node_r;
        match self.label_side(id) {
            LabelSide::Below => (x - w / 2.0, x + w / 2.0, y + r, y + r + LABEL_ROOM),
            LabelSide::Right => (x + r + BESIDE_GAP, x + r + BESIDE_GAP + w, y - 14.0, y - 14.0 + BESIDE_LINES),
            LabelSide::Left => (x - r - BESIDE_GAP - w, x - r - BESIDE_GAP, y - 14.0, y - 14.0 + BESIDE_LINES),
        }
    }

    /// How wide a line of node `id`'s text under it may be: centred on
    /// the node, as far as the canvas's sides and, on either side, the
    /// nearest node's ring or text at its rows (text under another node
    /// shares the gap between them half and half). On a roomy canvas a long
    /// note ("silent 29 ms of 200") need not squeeze into the box the
    /// layout keeps ([`Layout::text_box`]); on a crowded one a line is
    /// squeezed to clear its neighbours, but to no less than half that box
    /// (narrower would not be read).
    pub fn text_room(&self, id: NodeId) -> f64 {
        self.room_under(id).max(LABEL_HALF_WIDTH)
    }

    /// Whether some width of text under each node clears its neighbours:
    /// [`Layout::text_room`] squeezes a line to no less than half the box
    /// kept for it, which may graze a ring; but where a neighbour's ring
    /// reaches the node's own centre line at the text's rows, no width
    /// would clear it.
    pub fn text_clears(&self) -> bool {
        (0..self.n).all(|id| self.label_side(id) != LabelSide::Below || self.room_under(id) > 0.0)
    }

    /// [`Layout::text_room`] before the floor of half the box.
    fn room_under(&self, id: NodeId) -> f64 {
        let (x, y) = self.node_pos(id);
        let (top, bottom) = (y + self.node_r, y + self.node_r + LABEL_ROOM);
        let reach = self.node_r + 4.0;
        let mut half = x.min(self.width - x);
        for other in (0..self.n).filter(|&j| j != id) {
            let (u, v) = self.node_pos(other);
            let apart = (u - x).abs();
            if apart < 1e-6 {
                // Straight above or below: the height parts them.
                continue;
            }
            if v + reach > top && v - reach < bottom {
                half = half.min(apart - reach);
            }
            let (left, right, text_top, text_bottom) = self.text_box(other);
            if text_top < bottom && text_bottom > top {
                half = half.min(match self.label_side(other) {
                    // Half the gap between the two centres, less a space
                    // between the lines ("served 10served 11" on a phone).
                    LabelSide::Below => (apart - TEXT_GAP) / 2.0,
                    _ if u > x => left - x,
                    _ => x - right,
                });
            }
        }
        2.0 * half
    }

    /// For a client in two staggered columns, whether it is in the left one.
    fn staggered_left(&self, id: NodeId) -> Option<bool> {
        match self.arrangement {
            Arrangement::Columns { servers, clients } if clients > CLIENTS_PER_COLUMN && self.column(id) == 1 => {
                Some((id - servers) % 2 == 0)
            }
            _ => None,
        }
    }

    /// Centre of node `id`: on a circle, node 0 at the top, clockwise; or in
    /// its column, top to bottom.
    pub fn node_pos(&self, id: NodeId) -> (f64, f64) {
        match self.arrangement {
            Arrangement::Circle => {
                let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f64::from(id) / f64::from(self.n);
                (
                    self.cx + self.radius * self.stretch * crate::math::cos(a),
                    self.cy + self.radius * crate::math::sin(a),
                )
            }
            Arrangement::Ring => {
                // Clockwise from the top right: down the right column, up the left.
                let right = self.n.div_ceil(2);
                let (x, index, count) =
                    if id < right { (1.0, id, right) } else { (-1.0, self.n - 1 - id, self.n - right) };
                let off = x * (self.radius + self.node_r + RING_SIDE_GAP);
                if self.tall() {
                    // The right column becomes the top row, left to right.
                    let spacing = (self.width - 24.0) / f64::from(count.max(1));
                    let along = 12.0 + spacing * (f64::from(index) + 0.5);
                    let along = if x > 0.0 { along } else { self.width - along };
                    (along, self.cy - off - if x > 0.0 { 0.0 } else { LABEL_ROOM / 2.0 })
                } else {
                    let spacing = (self.height - 24.0) / f64::from(count.max(1));
                    let y = 12.0 + spacing * (f64::from(index) + 0.5) - 14.0_f64.min(spacing * 0.2);
                    (self.cx + off, y)
                }
            }
            Arrangement::Columns { servers, clients } => {
                let (x, index, count) = if id < servers {
                    (self.column_x(0), id, servers)
                } else if id < servers + clients {
                    let i = id - servers;
                    if clients > CLIENTS_PER_COLUMN {
                        // Two staggered columns of clients.
                        let x = self.column_x(1) + if i % 2 == 0 { -STAGGER } else { STAGGER };
                        (x, i / 2, if i % 2 == 0 { clients.div_ceil(2) } else { clients / 2 })
                    } else {
                        (self.column_x(1), i, clients)
                    }
                } else {
                    (self.column_x(2), id - servers - clients, self.n.saturating_sub(servers + clients))
                };
                let spacing = (self.height - COLUMNS_TOP - COLUMNS_BOTTOM) / f64::from(count.max(1));
                // Labels go under a node: lift it a little within its slot.
                let y = COLUMNS_TOP + spacing * (f64::from(index) + 0.5) - 18.0_f64.min(spacing * 0.2);
                (self.width * x, y)
            }
        }
    }

    /// The node under a point, if any (within its circle plus a few pixels).
    pub fn node_at(&self, x: f64, y: f64) -> Option<NodeId> {
        let reach = self.node_r + 4.0;
        (0..self.n)
            .map(|id| {
                let (nx, ny) = self.node_pos(id);
                (id, (nx - x).powi(2) + (ny - y).powi(2))
            })
            .filter(|&(_, d2)| d2 <= reach * reach)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }
}

/// Fraction of the trip done at time `t`, in `0..=1`.
pub fn progress(sent_at: f64, deliver_at: f64, t: f64) -> f64 {
    let span = deliver_at - sent_at;
    if span <= 0.0 {
        1.0
    } else {
        ((t - sent_at) / span).clamp(0.0, 1.0)
    }
}

/// Partition groups: connected components of nodes joined by links that
/// work both ways. Returns each node's group index and the groups.
pub fn groups(n: u32, is_cut: impl Fn(NodeId, NodeId) -> bool) -> (Vec<usize>, Vec<Vec<NodeId>>) {
    let mut parent: Vec<usize> = (0..n as usize).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for a in 0..n {
        for b in a + 1..n {
            if !is_cut(a, b) && !is_cut(b, a) {
                let (ra, rb) = (find(&mut parent, a as usize), find(&mut parent, b as usize));
                if ra != rb {
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
    }
    let mut group_of = vec![usize::MAX; n as usize];
    let mut out: Vec<Vec<NodeId>> = Vec::new();
    for id in 0..n {
        let root = find(&mut parent, id as usize);
        if group_of[root] == usize::MAX {
            group_of[root] = out.len();
            out.push(Vec::new());
        }
        let g = group_of[root];
        group_of[id as usize] = g;
        out[g].push(id);
    }
    (group_of, out)
}

pub mod banner;
mod circle;
pub mod labels;
#[cfg(test)]
mod tests;
