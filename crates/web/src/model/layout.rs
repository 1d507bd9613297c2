//! Where things are on a canvas of a given CSS size: node centres for each
//! arrangement, points along a link, partition groups. Plain geometry,
//! tested on the host.

pub use protocol::present::Arrangement;
use protocol::NodeId;

/// Clients per column before they take two.
const CLIENTS_PER_COLUMN: u32 = 6;

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
}

impl Layout {
    pub fn new(width: f64, height: f64, n: u32) -> Self {
        let n = n.max(1);
        let side = width.min(height).max(80.0);
        let node_r = if n <= 9 { (side / 14.0).clamp(16.0, 30.0) } else { (side * 1.6 / n as f64).clamp(4.0, 16.0) };
        // Room for the label under the node and the ring around it.
        let margin = node_r + if n <= 9 { 34.0 } else { 10.0 };
        let radius = if n == 1 { 0.0 } else { (side / 2.0 - margin).max(10.0) };
        Self { cx: width / 2.0, cy: height / 2.0, radius, node_r, n, arrangement: Arrangement::Circle, width, height }
    }

    /// The same canvas with the nodes placed by `arrangement`.
    pub fn arranged(mut self, arrangement: Arrangement) -> Self {
        self.arrangement = arrangement;
        if let Arrangement::Columns { servers, clients } = arrangement {
            let storage = self.n.saturating_sub(servers + clients);
            let tallest = servers.max(clients.min(CLIENTS_PER_COLUMN)).max(clients.div_ceil(2)).max(storage).max(1);
            let spacing = (self.height - 24.0) / f64::from(tallest);
            // Room under each node for three lines of text.
            self.node_r = ((spacing - 56.0) / 2.0).clamp(8.0, 28.0).min((self.width / 16.0).max(8.0));
        }
        self
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

    /// Centre of node `id`: on a circle, node 0 at the top, clockwise; or in
    /// its column, top to bottom.
    pub fn node_pos(&self, id: NodeId) -> (f64, f64) {
        match self.arrangement {
            Arrangement::Circle | Arrangement::Ring => {
                let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f64::from(id) / f64::from(self.n);
                (self.cx + self.radius * a.cos(), self.cy + self.radius * a.sin())
            }
            Arrangement::Columns { servers, clients } => {
                let (x, index, count) = if id < servers {
                    (0.17, id, servers)
                } else if id < servers + clients {
                    let i = id - servers;
                    if clients > CLIENTS_PER_COLUMN {
                        // Two staggered columns of clients.
                        let x = if i % 2 == 0 { 0.42 } else { 0.58 };
                        (x, i / 2, if i % 2 == 0 { clients.div_ceil(2) } else { clients / 2 })
                    } else {
                        (0.5, i, clients)
                    }
                } else {
                    (0.83, id - servers - clients, self.n.saturating_sub(servers + clients))
                };
                let spacing = (self.height - 24.0) / f64::from(count.max(1));
                // Labels go under a node: lift it a little within its slot.
                let y = 12.0 + spacing * (f64::from(index) + 0.5) - 18.0_f64.min(spacing * 0.2);
                (self.width * x, y)
            }
        }
    }

    /// A point `frac` of the way along the link, between the nodes' rims.
    pub fn along(&self, from: NodeId, to: NodeId, frac: f64) -> (f64, f64) {
        self.along_points(self.node_pos(from), self.node_pos(to), frac)
    }

    /// [`Layout::along`] for node centres already computed (the renderer
    /// keeps a table of them per frame instead of two sines and cosines per
    /// message).
    pub fn along_points(&self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), frac: f64) -> (f64, f64) {
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-9 {
            return (x0, y0);
        }
        let rim = (self.node_r / len).min(0.45);
        let f = rim + (1.0 - 2.0 * rim) * frac.clamp(0.0, 1.0);
        (x0 + dx * f, y0 + dy * f)
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
