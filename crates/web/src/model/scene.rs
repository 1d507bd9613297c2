//! What the canvas shows, as plain data: nodes, messages, losses, cuts and
//! partition groups.
//!
//! A [`Scene`] is rebuilt from the session only when the world changes; each
//! animation frame then interpolates message positions at the view clock.
//! Nothing here touches the browser, so it is tested on the host.

use super::layout::{groups, progress, Arrangement};
use super::palette::{kind_color, role_color, role_shape, Shape};
use protocol::{NodeId, Status};
use sim::{LossReason, Lost, MsgId, MsgInfo, Session};

/// Above this many messages in flight, per-message labels are not drawn.
pub const LABEL_LIMIT: usize = 60;
/// How long a lost message stays visible, in model ms.
pub const LOST_SHOW_MS: f64 = 300.0;

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
    /// A sentence drawn over the canvas (the chosen Paxos value).
    pub banner: Option<String>,
    /// Where the nodes go.
    pub arrangement: Arrangement,
    scratch: Vec<MsgInfo>,
    lost_scratch: Vec<Lost>,
}

impl Scene {
    /// Rebuild from the session's current state.
    pub fn rebuild(&mut self, session: &dyn Session) {
        self.synthetic = false;
        self.banner = None;
        self.arrangement = Arrangement::Circle;
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
    use crate::model::layout::Layout;
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
