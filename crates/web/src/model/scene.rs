//! What the canvas shows, as plain data: nodes, messages, losses, cuts and
//! partition groups.
//!
//! A [`Scene`] is rebuilt from the session and its
//! [`Picture`](protocol::present::Picture) only when the world changes;
//! each animation frame then interpolates message positions at the view
//! clock. Everything protocol-specific comes from the presentation contract
//! (a node's [`Look`](protocol::present::Look), a message's tone, the
//! picture's arrangement, banner, marked nodes, outer rings and clocks), so
//! the scene knows no protocol. Nothing here touches the browser, so it is
//! tested on the host.

use super::layout::banner::Corners;
use super::layout::{groups, progress, Arrangement};
use protocol::present::{Picture, Shape};
use protocol::{NodeId, Status, Tick};
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
    /// Its state breaks a safety property at this step (the violation
    /// names it): drawn with a warning ring that no other mark uses.
    pub blamed: bool,
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
    /// A synthetic scene (the render benchmark): no links, no labels.
    pub synthetic: bool,
    /// A sentence drawn over the canvas (the protocol's banner: a value chosen).
    pub banner: Option<String>,
    /// The banner says something went wrong ([`Picture::banner_alarm`]).
    pub banner_alarm: bool,
    /// The labels the page puts in the canvas's top corners, which the
    /// banner keeps clear of (set by the canvas that draws the scene).
    pub corners: Corners,
    /// Where the nodes go.
    pub arrangement: Arrangement,
    /// The role that leads, drawn with a gentle pulse while playing.
    pub lead_role: Option<&'static str>,
    scratch: Vec<MsgInfo>,
    lost_scratch: Vec<Lost>,
}

impl Scene {
    /// Rebuild from the session's current state and its `picture`.
    pub fn rebuild(&mut self, session: &dyn Session, picture: &Picture) {
        self.synthetic = false;
        self.banner = picture.banner.clone();
        self.banner_alarm = picture.banner_alarm;
        self.arrangement = picture.arrangement;
        self.lead_role = picture.lead.as_ref().map(|lead| lead.role);
        let n = session.node_count();
        let blamed = session.violation().map_or(&[][..], |v| &v.nodes[..]);
        let ms = |(a, b): (Tick, Tick)| (a as f64, b as f64);
        let (group_of, groups) = groups(n, |a, b| session.is_cut(a, b));
        let partitioned = groups.len() > 1;
        self.groups = if partitioned { groups } else { Vec::new() };

        self.nodes.clear();
        for id in 0..n {
            let info = session.node_info(id);
            let mut note = info.look.note;
            if picture.clocks {
                let clock = clock_text(info.local_time, info.clock_rate, info.status == Status::Paused);
                note = if note.is_empty() { clock } else { format!("{note} · {clock}") };
            }
            self.nodes.push(NodeDraw {
                id,
                role: info.look.role,
                color: info.look.tone.slot(),
                shape: info.look.shape,
                name: id.to_string(),
                badge: info.look.badge,
                status: info.status,
                ring: info.ring.map(ms),
                group: partitioned.then(|| group_of[id as usize]),
                note,
                halo: picture.marked.contains(&id),
                blamed: blamed.contains(&id),
                server_ring: None,
            });
        }
        for outer in &picture.outer_rings {
            let ring = session.countdown(outer.around, outer.countdown).map(ms);
            if let Some(d) = self.nodes.get_mut(outer.around as usize) {
                d.server_ring = d.server_ring.or(ring);
            }
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
        for m in &self.scratch {
            let color = m.tone.slot();
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

/// A node's clock as shown under it: `t=1180`, `t=1180 ×0.5` when it
/// drifts, ` (frozen)` while the node is paused.
pub fn clock_text(local_time: u64, rate: f64, paused: bool) -> String {
    let mut text = if (rate - 1.0).abs() < 1e-9 {
        format!("t={local_time}")
    } else {
        format!("t={local_time} ×{}", lab::decimal::short(rate))
    };
    if paused {
        text.push_str(" (frozen)");
    }
    text
}

#[cfg(test)]
mod tests;
