//! Drawing nodes: timer rings, shapes, names, badges and notes, with the
//! marks for selection, picks, quorums and faults.

use super::{cross, Marks, Options, Renderer};
use crate::canvas::theme::Theme;
use crate::math;
use crate::model::layout::{LabelSide, Layout, BESIDE_GAP, SMALL_NODE_R};
use crate::model::palette::{Shape, PALETTE_LEN};
use crate::model::scene::Scene;
use protocol::{NodeId, Status};
use std::f64::consts::{FRAC_PI_2, TAU};
use web_sys::CanvasRenderingContext2d as Ctx;

impl Renderer {
    pub(super) fn rings(&self, ctx: &Ctx, scene: &Scene, layout: &Layout, t: f64, theme: &Theme) {
        if layout.node_r < 8.0 {
            return;
        }
        ctx.begin_path();
        for node in &scene.nodes {
            let Some((set_at, fires_at)) = node.ring else { continue };
            if node.status == Status::Crashed || fires_at <= set_at {
                continue;
            }
            let left = ((fires_at - t) / (fires_at - set_at)).clamp(0.0, 1.0);
            if left <= 0.0 {
                continue;
            }
            let (x, y) = layout.node_pos(node.id);
            let r = layout.node_r + 5.0;
            let start = -FRAC_PI_2;
            ctx.move_to(x + r * math::cos(start), y + r * math::sin(start));
            let _ = ctx.arc(x, y, r, start, start + TAU * left);
        }
        ctx.set_line_width(3.0);
        ctx.set_stroke_style_str(&theme.ring);
        ctx.stroke();
        // The same lease as another node (the lock server) sees it: dashed,
        // just outside, so drift or a pause shows as two arcs that disagree.
        if scene.nodes.iter().any(|n| n.server_ring.is_some()) {
            ctx.begin_path();
            for node in &scene.nodes {
                let Some((set_at, fires_at)) = node.server_ring else { continue };
                let left = if fires_at > set_at { ((fires_at - t) / (fires_at - set_at)).clamp(0.0, 1.0) } else { 0.0 };
                if left <= 0.0 {
                    continue;
                }
                let (x, y) = layout.node_pos(node.id);
                let r = layout.node_r + 11.0;
                let start = -FRAC_PI_2;
                ctx.move_to(x + r * math::cos(start), y + r * math::sin(start));
                let _ = ctx.arc(x, y, r, start, start + TAU * left);
            }
            let _ = ctx.set_line_dash(&self.dash);
            ctx.set_line_width(3.0);
            ctx.set_stroke_style_str(&theme.accent);
            ctx.stroke();
            let _ = ctx.set_line_dash(&self.solid);
        }
    }

    pub(super) fn nodes(
        &self,
        ctx: &Ctx,
        scene: &Scene,
        layout: &Layout,
        theme: &Theme,
        marks: &Marks<'_>,
        opts: Options,
    ) {
        let r = layout.node_r;
        let small = r < SMALL_NODE_R;
        // A quorum that chose a value: a wide halo behind its members.
        if scene.nodes.iter().any(|n| n.halo) {
            ctx.begin_path();
            circles(ctx, layout, scene.nodes.iter().filter(|n| n.halo).map(|n| n.id), r + 8.0);
            ctx.set_global_alpha(0.35);
            ctx.set_fill_style_str(&theme.palette[0]);
            ctx.fill();
            ctx.set_global_alpha(1.0);
            ctx.set_line_width(2.5);
            ctx.set_stroke_style_str(&theme.palette[0]);
            ctx.stroke();
        }
        // Fills, batched by shape and colour: a role colour, or grey/blue
        // for down/paused.
        for shape in Shape::ALL {
            for slot in 0..PALETTE_LEN + 2 {
                let mut any = false;
                for node in &scene.nodes {
                    let s = match node.status {
                        Status::Up => node.color,
                        Status::Crashed => PALETTE_LEN,
                        Status::Paused => PALETTE_LEN + 1,
                    };
                    if s != slot || node.shape != shape {
                        continue;
                    }
                    if !any {
                        ctx.begin_path();
                        any = true;
                    }
                    let (x, y) = layout.node_pos(node.id);
                    shape_path(ctx, shape, x, y, r);
                }
                if any {
                    ctx.set_fill_style_str(match slot {
                        s if s < PALETTE_LEN => &theme.palette[s],
                        s if s == PALETTE_LEN => &theme.crashed,
                        _ => &theme.paused,
                    });
                    ctx.fill();
                }
            }
        }
        // The leading role (Raft's leader, Multi-Paxos's) breathes a little,
        // unless the user asked for less motion.
        if opts.playing && !opts.reduced_motion && !small {
            let pulse = 0.5 + 0.5 * math::sin(opts.wall_ms / 420.0);
            ctx.begin_path();
            let leads = scene.nodes.iter().filter(|n| Some(n.role) == scene.lead_role && n.status == Status::Up);
            circles(ctx, layout, leads.map(|n| n.id), r + 9.0 + 2.0 * pulse);
            ctx.set_global_alpha(0.25 + 0.2 * pulse);
            ctx.set_line_width(2.0);
            ctx.set_stroke_style_str(&theme.palette[0]);
            ctx.stroke();
            ctx.set_global_alpha(1.0);
        }
        // Selection and picks.
        if let Some(id) = marks.selected_node.filter(|&id| id < layout.n) {
            let (x, y) = layout.node_pos(id);
            ctx.begin_path();
            let _ = ctx.arc(x, y, r + 3.0 + if small { 0.0 } else { 6.0 }, 0.0, TAU);
            ctx.set_line_width(3.0);
            ctx.set_stroke_style_str(&theme.accent);
            ctx.stroke();
        }
        if !marks.picked.is_empty() {
            let _ = ctx.set_line_dash(&self.dash);
            ctx.begin_path();
            circles(ctx, layout, marks.picked.iter().copied().filter(|&id| id < layout.n), r + 13.0);
            ctx.set_line_width(2.0);
            ctx.set_stroke_style_str(&theme.accent);
            ctx.stroke();
            let _ = ctx.set_line_dash(&self.solid);
        }
        // The nodes a safety violation names: a red ring and a "!" tag,
        // marks nothing else uses, so a broken property cannot be missed.
        if scene.nodes.iter().any(|n| n.blamed) {
            let blamed = || scene.nodes.iter().filter(|n| n.blamed).map(|n| n.id);
            ctx.begin_path();
            circles(ctx, layout, blamed(), r + 5.0);
            ctx.set_line_width(3.5);
            ctx.set_stroke_style_str(&theme.cut);
            ctx.stroke();
            let tag = if small { 5.0 } else { 8.0 };
            ctx.begin_path();
            for id in blamed() {
                let (x, y) = layout.node_pos(id);
                let (tx, ty) = (x + r * 0.85, y - r * 0.85);
                ctx.move_to(tx + tag, ty);
                let _ = ctx.arc(tx, ty, tag, 0.0, TAU);
            }
            ctx.set_fill_style_str(&theme.cut);
            ctx.fill();
            if !small {
                ctx.set_text_align("center");
                ctx.set_text_baseline("middle");
                ctx.set_font("700 12px system-ui, -apple-system, 'Segoe UI', sans-serif");
                ctx.set_fill_style_str(&theme.node_text);
                for id in blamed() {
                    let (x, y) = layout.node_pos(id);
                    let _ = ctx.fill_text("!", x + r * 0.85, y - r * 0.85 + 0.5);
                }
            }
        }
        // Crossed-out crashed nodes, paused bars.
        ctx.begin_path();
        for node in scene.nodes.iter().filter(|n| n.status == Status::Crashed) {
            let (x, y) = layout.node_pos(node.id);
            cross(ctx, x, y, r * 0.55);
        }
        ctx.set_line_width(if small { 1.5 } else { 3.0 });
        ctx.set_stroke_style_str(&theme.cut);
        ctx.stroke();

        // The id inside each running node: smaller in a small one (a
        // circle shrunk on a small canvas), none in one too small to read.
        if r >= SMALL_ID_R {
            let px = if small { (r * 1.1).round() } else { 15.0 };
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            ctx.set_font(&format!("600 {px}px system-ui, -apple-system, 'Segoe UI', sans-serif"));
            ctx.set_fill_style_str(&theme.node_text);
            for node in scene.nodes.iter().filter(|n| n.status == Status::Up) {
                let (x, y) = layout.node_pos(node.id);
                let _ = ctx.fill_text(&node.name, x, y);
            }
        }
        if small {
            // No text beside or under a small node.
            return;
        }
        ctx.begin_path();
        for node in scene.nodes.iter().filter(|n| n.status == Status::Paused) {
            let (x, y) = layout.node_pos(node.id);
            let (w, h) = (r * 0.16, r * 0.7);
            ctx.rect(x - r * 0.32, y - h / 2.0, w, h);
            ctx.rect(x + r * 0.16, y - h / 2.0, w, h);
        }
        ctx.set_fill_style_str(&theme.node_text);
        ctx.fill();

        // Words: role and badge under each node (or beside it).
        ctx.set_font("12px system-ui, -apple-system, 'Segoe UI', sans-serif");
        // Each line at most as wide as the room it has (a longer one is
        // drawn condensed): a long note under a node ran into the ring of
        // the node beside it. Each on a halo of the stage's colour: in a
        // column, messages between the nodes pass under their text.
        ctx.set_stroke_style_str(&theme.stage);
        ctx.set_line_width(HALO);
        for node in &scene.nodes {
            let (x, y1, y2, room) = lines(layout, ctx, node.id);
            let (role, color) = match node.status {
                Status::Up => (node.role, &theme.palette[node.color]),
                Status::Crashed => ("down", &theme.cut),
                Status::Paused => ("paused", &theme.paused),
            };
            ctx.set_fill_style_str(color);
            haloed(ctx, &crate::model::text::role_name(role), x, y1, room);
            ctx.set_fill_style_str(&theme.muted);
            if node.status == Status::Up {
                haloed(ctx, &node.badge, x, y2, room);
            } else {
                // The id is not readable under the cross or bars: say it here.
                haloed(ctx, &node.name, x, y2, room);
            }
        }
        if scene.nodes.iter().any(|n| !n.note.is_empty()) {
            ctx.set_font("11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace");
            ctx.set_fill_style_str(&theme.node_note);
            for node in scene.nodes.iter().filter(|n| !n.note.is_empty()) {
                let (x, _, y2, room) = lines(layout, ctx, node.id);
                haloed(ctx, &node.note, x, y2 + 14.0, room);
            }
        }
        if layout.beside {
            ctx.set_text_align("center");
        }
    }
}

/// Room kept between text beside a node and the canvas's edge, for the
/// halo and the glyphs' overhang (at 400×300 embedded, the saga's
/// "orchestrator" lost the left of its "o").
const EDGE: f64 = 4.0;

/// The smallest node whose id is written in it.
const SMALL_ID_R: f64 = 7.0;

/// Width of the halo round a node's lines of text.
const HALO: f64 = 3.0;

/// A line of text on its halo (the stroke style and width as set).
fn haloed(ctx: &Ctx, text: &str, x: f64, y: f64, room: f64) {
    if text.is_empty() {
        return;
    }
    let _ = ctx.stroke_text_with_max_width(text, x, y, room);
    let _ = ctx.fill_text_with_max_width(text, x, y, room);
}

/// Where node `id`'s lines of text go: the anchor's x, the first two
/// lines' y (the third is 14 px below the second), and how wide a line may
/// be: under a node, as far as its neighbours allow
/// ([`Layout::text_room`]), or beside it as far as the canvas's side. Text beside a node sets the
/// alignment to match; under it, it is centred (as the caller left it when
/// no node's text is beside it).
fn lines(layout: &Layout, ctx: &Ctx, id: NodeId) -> (f64, f64, f64, f64) {
    let (x, y) = layout.node_pos(id);
    let r = layout.node_r;
    match layout.label_side(id) {
        LabelSide::Below => {
            if layout.beside {
                // Among nodes whose text is beside them (a crowded circle's
                // top and bottom).
                ctx.set_text_align("center");
            }
            (x, y + r + 16.0, y + r + 30.0, layout.text_room(id))
        }
        LabelSide::Left => {
            ctx.set_text_align("right");
            let anchor = x - r - BESIDE_GAP;
            (anchor, y - 7.0, y + 7.0, (anchor - EDGE).max(1.0))
        }
        LabelSide::Right => {
            ctx.set_text_align("left");
            let anchor = x + r + BESIDE_GAP;
            (anchor, y - 7.0, y + 7.0, (layout.width - anchor - EDGE).max(1.0))
        }
    }
}

/// Add a circle of radius `rr` around each of `ids` to the current path.
fn circles(ctx: &Ctx, layout: &Layout, ids: impl Iterator<Item = NodeId>, rr: f64) {
    for id in ids {
        let (x, y) = layout.node_pos(id);
        ctx.move_to(x + rr, y);
        let _ = ctx.arc(x, y, rr, 0.0, TAU);
    }
}

/// Add a node's outline of `shape` around `(x, y)` to the current path.
fn shape_path(ctx: &Ctx, shape: Shape, x: f64, y: f64, r: f64) {
    match shape {
        Shape::Circle => {
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, TAU);
        }
        Shape::Dot => {
            let r = r * 0.62;
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, TAU);
        }
        Shape::Square => {
            let s = r * 0.88;
            ctx.rect(x - s, y - s, 2.0 * s, 2.0 * s);
        }
        Shape::Diamond => {
            let d = r * 1.18;
            ctx.move_to(x, y - d);
            ctx.line_to(x + d, y);
            ctx.line_to(x, y + d);
            ctx.line_to(x - d, y);
            ctx.close_path();
        }
        Shape::Hexagon => {
            let h = r * 1.05;
            for i in 0..6 {
                let a = TAU * f64::from(i) / 6.0;
                let (px, py) = (x + h * math::cos(a), y + h * math::sin(a));
                if i == 0 {
                    ctx.move_to(px, py);
                } else {
                    ctx.line_to(px, py);
                }
            }
            ctx.close_path();
        }
    }
}
