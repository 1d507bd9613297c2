//! What the canvas shows, as plain data: nodes, messages, losses, cuts and
//! partition groups, plus the geometry shared by drawing and hit-testing.
//!
//! A [`Scene`] is rebuilt from the session only when the world changes; each
//! animation frame then interpolates message positions at the view clock.
//! Nothing here touches the browser, so it is tested on the host.

use protocol::{NodeId, Status};
use sim::{LossReason, Lost, MsgId, MsgInfo, Session};

/// Above this many messages in flight, per-message labels are not drawn.
pub const LABEL_LIMIT: usize = 60;
/// How long a lost message stays visible, in model ms.
pub const LOST_SHOW_MS: f64 = 300.0;
/// Hit radius around a message dot, in CSS pixels.
pub const MSG_HIT_PX: f64 = 8.0;

/// Colours the renderer picks by index (the theme maps them to CSS colours).
/// Roles and message kinds with a known meaning get fixed slots; anything
/// else is hashed onto the palette so a new algorithm still gets colours.
pub const PALETTE_LEN: usize = 8;

/// Palette slot of a node role.
pub fn role_color(role: &str) -> usize {
    match role {
        "leader" => 0,
        "candidate" => 1,
        "follower" => 2,
        // Roles of the Paxos and lock algorithms that share a screen get
        // colours apart from each other (their shapes differ too).
        "acceptor" => 3,
        "proposer" | "storage" => 5,
        "learner" | "client" => 4,
        "lock_server" => 7,
        // Other algorithms' roles avoid the three Raft colours, so that no
        // role looks like a leader by accident.
        other => 3 + hash_slot(other) % (PALETTE_LEN - 3),
    }
}

/// How a node is drawn, so roles differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Diamond,
    Square,
    /// A small circle: a node that only listens (a Paxos learner).
    Dot,
    Hexagon,
}

impl Shape {
    pub const ALL: [Shape; 5] = [Shape::Circle, Shape::Diamond, Shape::Square, Shape::Dot, Shape::Hexagon];

    /// The CSS class of the legend's swatch.
    pub fn class(self) -> &'static str {
        match self {
            Shape::Circle => "shape-circle",
            Shape::Diamond => "shape-diamond",
            Shape::Square => "shape-square",
            Shape::Dot => "shape-dot",
            Shape::Hexagon => "shape-hexagon",
        }
    }
}

/// Shape of a node role: Paxos proposers are diamonds, acceptors squares and
/// learners small dots; lock servers are squares, clients circles and the
/// storage a hexagon; cluster roles (Raft, Multi-Paxos) stay circles.
pub fn role_shape(role: &str) -> Shape {
    match role {
        "proposer" => Shape::Diamond,
        "acceptor" | "lock_server" => Shape::Square,
        "learner" => Shape::Dot,
        "storage" => Shape::Hexagon,
        _ => Shape::Circle,
    }
}

/// Palette slot of a message kind.
pub fn kind_color(kind: &str) -> usize {
    match kind {
        "RequestVote" => 1,
        "RequestVoteReply" => 5,
        "AppendEntries" => 0,
        "AppendEntriesReply" => 4,
        other => hash_slot(other),
    }
}

/// FNV-1a of the name onto the palette: stable across runs and platforms.
fn hash_slot(name: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % PALETTE_LEN as u32) as usize
}

/// A node, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDraw {
    pub id: NodeId,
    pub role: &'static str,
    pub color: usize,
    pub shape: Shape,
    /// The node id as text, made once per rebuild, not per frame.
    pub name: String,
    pub badge: String,
    pub status: Status,
    /// Ring timer `(set_at, fires_at)` in model ms.
    pub ring: Option<(f64, f64)>,
    /// Index into `Scene::groups` when the cluster is partitioned.
    pub group: Option<usize>,
    /// A third line under the node (an acceptor's ballots, a local clock).
    pub note: String,
    /// Highlighted as part of a quorum that chose a value.
    pub halo: bool,
    /// Another node's timer about this one `(set_at, fires_at)`: the lease
    /// as the lock server sees it, drawn around the client holding it.
    pub server_ring: Option<(f64, f64)>,
}

/// A message in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgDraw {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: f64,
    pub deliver_at: f64,
    pub color: usize,
    pub held: bool,
}

/// A message lost recently, drawn as a fading cross where it was lost.
#[derive(Clone, Debug, PartialEq)]
pub struct LostDraw {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub at: f64,
    /// Fraction of the way from sender to receiver where it was lost.
    pub frac: f64,
    pub reason: LossReason,
}

/// A cut link. `one_way` when the opposite direction still works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutDraw {
    pub from: NodeId,
    pub to: NodeId,
    pub one_way: bool,
}

/// Everything the canvas draws for one state of the world.
#[derive(Clone, Debug, Default)]
pub struct Scene {
    pub nodes: Vec<NodeDraw>,
    /// Sorted by id (the order the world keeps them in).
    pub msgs: Vec<MsgDraw>,
    /// One label per message when there are at most [`LABEL_LIMIT`], else empty.
    pub labels: Vec<String>,
    pub lost: Vec<LostDraw>,
    pub cuts: Vec<CutDraw>,
    /// Partition groups (connected components of two-way links), only when
    /// there are at least two.
    pub groups: Vec<Vec<NodeId>>,
    /// Legend of message kinds present, in first-seen order.
    pub kinds: Vec<(&'static str, usize)>,
    /// A synthetic scene (the render benchmark): no links, no labels.
    pub synthetic: bool,
    /// The hash ring, for the ring algorithm (kept by [`crate::ring_view::sync`]).
    pub ring: Option<crate::ring_view::RingScene>,
    /// A sentence drawn over the canvas (the chosen Paxos value).
    pub banner: Option<String>,
    /// Where the nodes go.
    pub arrangement: Arrangement,
    scratch: Vec<MsgInfo>,
    lost_scratch: Vec<Lost>,
}

/// How nodes are placed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Arrangement {
    /// On a circle, node 0 at the top (clusters of peers).
    #[default]
    Circle,
    /// Three columns: the first `servers` nodes on the left, the next
    /// `clients` in the middle, the rest (the storage) on the right.
    Columns { servers: u32, clients: u32 },
}

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
            Arrangement::Circle => 0,
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
            Arrangement::Circle => {
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

    /// Where message `m` is drawn at model time `t`.
    pub fn msg_pos(&self, m: &MsgDraw, t: f64) -> (f64, f64) {
        self.msg_pos_in(m, t, self.node_pos(m.from), self.node_pos(m.to))
    }

    /// [`Layout::msg_pos`] with the end points given.
    pub fn msg_pos_in(&self, m: &MsgDraw, t: f64, from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
        let frac = if m.held { 1.0 } else { progress(m.sent_at, m.deliver_at, t) };
        self.along_points(from, to, frac)
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

impl Scene {
    /// Rebuild from the session's current state.
    pub fn rebuild(&mut self, session: &dyn Session) {
        self.synthetic = false;
        self.banner = None;
        self.arrangement = crate::lock_view::arrangement(session);
        let n = session.node_count();
        let (group_of, groups) = groups(n, |a, b| session.is_cut(a, b));
        let partitioned = groups.len() > 1;
        self.groups = if partitioned { groups } else { Vec::new() };

        self.nodes.clear();
        for id in 0..n {
            let info = session.node_info(id);
            self.nodes.push(NodeDraw {
                id,
                role: info.look.role,
                color: role_color(info.look.role),
                shape: role_shape(info.look.role),
                name: id.to_string(),
                badge: info.look.badge,
                status: info.status,
                ring: info.ring.map(|(a, b)| (a as f64, b as f64)),
                group: partitioned.then(|| group_of[id as usize]),
                note: String::new(),
                halo: false,
                server_ring: None,
            });
        }

        self.cuts.clear();
        for a in 0..n {
            for b in 0..n {
                if a != b && session.is_cut(a, b) {
                    let back = session.is_cut(b, a);
                    // A two-way cut between groups is shown by the groups themselves.
                    let across = partitioned && group_of[a as usize] != group_of[b as usize];
                    if back && (a > b || across) {
                        continue;
                    }
                    self.cuts.push(CutDraw { from: a, to: b, one_way: !back });
                }
            }
        }

        // Where a message was when it got lost: its last known position.
        let mut old_lost = std::mem::take(&mut self.lost);
        session.lost_into(&mut self.lost_scratch);
        let old_msgs = std::mem::take(&mut self.msgs);
        for l in self.lost_scratch.iter() {
            let frac = if let Some(prev) = old_lost.iter().find(|p| p.id == l.id) {
                prev.frac
            } else if let Ok(i) = old_msgs.binary_search_by_key(&l.id, |m| m.id) {
                let m = &old_msgs[i];
                if m.held {
                    1.0
                } else {
                    progress(m.sent_at, m.deliver_at, l.at as f64)
                }
            } else if l.at == l.sent_at {
                0.12
            } else {
                0.92
            };
            self.lost.push(LostDraw { id: l.id, from: l.from, to: l.to, at: l.at as f64, frac, reason: l.reason });
        }
        old_lost.clear();
        let mut msgs = old_msgs;
        msgs.clear();

        session.messages_into(&mut self.scratch);
        self.kinds.clear();
        for m in &self.scratch {
            let color = kind_color(m.kind);
            if !self.kinds.iter().any(|(k, _)| *k == m.kind) {
                self.kinds.push((m.kind, color));
            }
            msgs.push(MsgDraw {
                id: m.id,
                from: m.from,
                to: m.to,
                sent_at: m.sent_at as f64,
                deliver_at: m.deliver_at as f64,
                color,
                held: m.held,
            });
        }
        self.msgs = msgs;
        self.labels.clear();
        if self.msgs.len() <= LABEL_LIMIT {
            for m in &self.msgs {
                self.labels.push(session.message_label(m.id).unwrap_or_default());
            }
        }
        crate::paxos_view::decorate(session, self);
        crate::lock_view::decorate(session, self);
    }

    /// Whether lost message `l` is still shown at time `t`, and how strongly (1 → 0).
    pub fn lost_alpha(l: &LostDraw, t: f64) -> Option<f64> {
        let age = t - l.at;
        (0.0..=LOST_SHOW_MS).contains(&age).then(|| 1.0 - age / LOST_SHOW_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Setup;
    use sim::Action;

    #[test]
    fn groups_are_two_way_components() {
        // {0,1} | {2,3,4}
        let side = |id: NodeId| u32::from(id >= 2);
        let (of, gs) = groups(5, |a, b| side(a) != side(b));
        assert_eq!(gs, vec![vec![0, 1], vec![2, 3, 4]]);
        assert_eq!(of, vec![0, 0, 1, 1, 1]);
        // A single one-way cut does not split a cluster that can route around it.
        let (_, gs) = groups(3, |a, b| (a, b) == (0, 1));
        assert_eq!(gs.len(), 1);
        // ...but it does split two nodes that have no one else.
        let (_, gs) = groups(2, |a, b| (a, b) == (0, 1));
        assert_eq!(gs.len(), 2);
    }

    #[test]
    fn layout_hits_nodes_and_messages() {
        let layout = Layout::new(800.0, 600.0, 5);
        let (x, y) = layout.node_pos(0);
        assert!((x - 400.0).abs() < 1e-9 && y < 300.0);
        assert_eq!(layout.node_at(x + 3.0, y - 3.0), Some(0));
        assert_eq!(layout.node_at(400.0, 300.0), None);
        let scene = Scene {
            msgs: vec![
                MsgDraw { id: 7, from: 0, to: 2, sent_at: 0.0, deliver_at: 10.0, color: 0, held: false },
                MsgDraw { id: 8, from: 0, to: 2, sent_at: 5.0, deliver_at: 15.0, color: 0, held: false },
            ],
            ..Scene::default()
        };
        let (mx, my) = layout.msg_pos(&scene.msgs[0], 5.0);
        assert_eq!(layout.msg_at(&scene, 5.0, mx + 1.0, my).map(|h| h.0), Some(7));
        let (mx, my) = layout.msg_pos(&scene.msgs[1], 5.0);
        assert_eq!(layout.msg_at(&scene, 5.0, mx, my + 1.0).map(|h| h.0), Some(8), "nearest wins");
        assert_eq!(layout.msg_at(&scene, 5.0, 0.0, 0.0), None);
    }

    #[test]
    fn unknown_names_get_stable_palette_slots() {
        assert_eq!(role_color("leader"), 0);
        assert!((3..PALETTE_LEN).contains(&role_color("acceptor")));
        assert_eq!(hash_slot("acceptor"), hash_slot("acceptor"));
        assert!(kind_color("Prepare") < PALETTE_LEN);
    }

    #[test]
    fn scene_shows_a_partition_and_a_one_way_cut() {
        let mut s = lab::open(&Setup::default()).unwrap();
        for _ in 0..30 {
            s.step();
        }
        s.act(Action::Partition { groups: vec![vec![0, 1]] }).unwrap();
        let mut scene = Scene::default();
        scene.rebuild(s.as_ref());
        assert_eq!(scene.groups, vec![vec![0, 1], vec![2, 3, 4]]);
        assert!(scene.cuts.is_empty(), "two-way cuts across groups are drawn as groups");
        s.act(Action::Heal).unwrap();
        s.act(Action::Cut { from: 2, to: 3 }).unwrap();
        scene.rebuild(s.as_ref());
        assert!(scene.groups.is_empty());
        assert_eq!(scene.cuts, vec![CutDraw { from: 2, to: 3, one_way: true }]);
        assert_eq!(scene.labels.len(), scene.msgs.len());
        assert!(scene.msgs.windows(2).all(|w| w[0].id < w[1].id));
    }

    #[test]
    fn roles_have_shapes_and_locks_have_columns() {
        assert_eq!(role_shape("proposer"), Shape::Diamond);
        assert_eq!(role_shape("acceptor"), Shape::Square);
        assert_eq!(role_shape("storage"), Shape::Hexagon);
        assert_eq!(role_shape("leader"), Shape::Circle);
        let layout = Layout::new(900.0, 600.0, 4).arranged(Arrangement::Columns { servers: 1, clients: 2 });
        let xs: Vec<f64> = (0..4).map(|id| layout.node_pos(id).0).collect();
        assert!(xs[0] < xs[1] && xs[1] == xs[2] && xs[2] < xs[3], "{xs:?}");
        assert_eq!((layout.column(0), layout.column(2), layout.column(3)), (0, 1, 2));
        let (x, y) = layout.node_pos(3);
        assert_eq!(layout.node_at(x, y), Some(3));
    }

    #[test]
    fn lost_messages_fade_out() {
        let l = LostDraw { id: 1, from: 0, to: 1, at: 100.0, frac: 0.5, reason: LossReason::User };
        assert_eq!(Scene::lost_alpha(&l, 100.0), Some(1.0));
        assert!(Scene::lost_alpha(&l, 250.0).unwrap() > 0.4);
        assert_eq!(Scene::lost_alpha(&l, 401.0), None);
        assert_eq!(Scene::lost_alpha(&l, 99.0), None);
    }
}
