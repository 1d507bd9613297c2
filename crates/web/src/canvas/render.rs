//! Drawing a [`Scene`] on a 2D canvas. Plain data in, pixels out: no Yew,
//! no session, no DOM beyond the drawing context.
//!
//! Per frame it only interpolates: message positions at the view clock, ring
//! timers, fading losses. Paths are batched by colour (one fill per colour),
//! labels are skipped when the scene is dense, and it allocates nothing on
//! the Rust heap once its buffers have grown.

mod nodes;

use super::ring_layer::{self, Layer};
use super::theme::Theme;
use crate::model::layout::banner::{self, Corners};
use crate::model::layout::labels::{self, Clearance};
use crate::model::layout::{Arrangement, Layout};
use crate::model::palette::PALETTE_LEN;
use crate::model::ring::RingScene;
use crate::model::scene::{Scene, LABEL_LIMIT};
use protocol::NodeId;
use sim::MsgId;
use std::f64::consts::TAU;
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d as Ctx;

/// What is highlighted on the canvas.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marks<'a> {
    pub selected_node: Option<NodeId>,
    pub selected_msg: Option<MsgId>,
    pub picked: &'a [NodeId],
}

/// Frame-independent drawing options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// No decorative animation (pulses, fades).
    pub reduced_motion: bool,
    /// Wall-clock ms, for the decorative leader pulse only.
    pub wall_ms: f64,
    /// Whether the world is playing (the pulse only runs then, so a paused
    /// view needs no redraws at all).
    pub playing: bool,
}

/// Draws scenes; owns the buffers it reuses from frame to frame.
pub struct Renderer {
    positions: Vec<(f64, f64)>,
    centres: Vec<(f64, f64)>,
    dash: JsValue,
    solid: JsValue,
    /// The ring layer's offscreen copy of the still ring.
    ring_layer: Option<Layer>,
    /// The banner as last fitted, for its text, canvas width and corners:
    /// fitting measures text, so it is done when one of them changes, not
    /// every frame.
    banner: Option<(String, f64, Corners, banner::Fit)>,
    /// Where message labels may go this frame.
    clearance: Clearance,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Self {
        let dash = js_sys::Array::of2(&JsValue::from_f64(6.0), &JsValue::from_f64(5.0));
        Self {
            positions: Vec::new(),
            centres: Vec::new(),
            dash: dash.into(),
            solid: js_sys::Array::new().into(),
            ring_layer: None,
            banner: None,
            clearance: Clearance::default(),
        }
    }

    /// Draw `scene` at model time `t` on a canvas of `width`×`height` CSS px.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        ctx: &Ctx,
        scene: &Scene,
        ring: Option<&RingScene>,
        layout: &Layout,
        t: f64,
        theme: &Theme,
        marks: &Marks<'_>,
        opts: Options,
        (width, height, dpr): (f64, f64, f64),
    ) {
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, width, height);
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        self.groups(ctx, scene, layout, theme);
        if !scene.synthetic {
            // The hash ring takes the middle that the mesh of links would cross.
            if ring.is_none() {
                self.links(ctx, layout, theme);
            }
            self.cuts(ctx, scene, layout, theme);
        }
        if let Some(ring) = ring {
            ring_layer::draw_ring(ctx, ring, layout, theme, opts.reduced_motion, &mut self.ring_layer);
        }
        self.rings(ctx, scene, layout, t, theme);
        self.messages(ctx, scene, layout, t, theme, marks);
        self.lost(ctx, scene, layout, t, theme, opts);
        self.nodes(ctx, scene, layout, theme, marks, opts);
        if let Some(banner) = &scene.banner {
            self.banner(ctx, banner, scene.banner_alarm, &scene.corners, width, theme);
        }
        if let Some(ring) = ring {
            ring_layer::draw_over(ctx, ring, scene, layout, theme);
        }
    }

    fn groups(&self, ctx: &Ctx, scene: &Scene, layout: &Layout, theme: &Theme) {
        for (g, members) in scene.groups.iter().enumerate() {
            let fill = &theme.groups[g % theme.groups.len()];
            let edge = &theme.group_edges[g % theme.group_edges.len()];
            let pad = layout.node_r + 16.0;
            ctx.begin_path();
            // Members in id order lie in angular order on the circle, so this
            // polygon is their convex hull; a thick round stroke pads it.
            for (i, &id) in members.iter().enumerate() {
                let (x, y) = layout.node_pos(id);
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            if members.len() == 1 {
                let (x, y) = layout.node_pos(members[0]);
                ctx.line_to(x + 0.01, y);
            }
            ctx.close_path();
            ctx.set_line_width(pad * 2.0);
            ctx.set_stroke_style_str(fill);
            ctx.stroke();
            ctx.set_fill_style_str(fill);
            ctx.fill();
            // A dashed outline around each member makes the grouping legible
            // even when two groups' hulls overlap.
            ctx.set_line_width(2.0);
            ctx.set_stroke_style_str(edge);
            let _ = ctx.set_line_dash(&self.dash);
            ctx.begin_path();
            for &id in members {
                let (x, y) = layout.node_pos(id);
                ctx.move_to(x + layout.node_r + 9.0, y);
                let _ = ctx.arc(x, y, layout.node_r + 9.0, 0.0, TAU);
            }
            ctx.stroke();
            let _ = ctx.set_line_dash(&self.solid);
        }
    }

    fn links(&self, ctx: &Ctx, layout: &Layout, theme: &Theme) {
        if layout.n > 12 {
            return;
        }
        ctx.begin_path();
        let columns = matches!(layout.arrangement, Arrangement::Columns { .. });
        for a in 0..layout.n {
            for b in a + 1..layout.n {
                // In columns, nodes of one kind do not talk to each other.
                if columns && layout.column(a) == layout.column(b) {
                    continue;
                }
                let (x0, y0) = layout.node_pos(a);
                let (x1, y1) = layout.node_pos(b);
                ctx.move_to(x0, y0);
                ctx.line_to(x1, y1);
            }
        }
        ctx.set_line_width(1.0);
        ctx.set_stroke_style_str(&theme.link);
        ctx.stroke();
    }

    fn cuts(&self, ctx: &Ctx, scene: &Scene, layout: &Layout, theme: &Theme) {
        if scene.cuts.is_empty() {
            return;
        }
        ctx.set_stroke_style_str(&theme.cut);
        ctx.set_fill_style_str(&theme.cut);
        ctx.set_line_width(2.0);
        let _ = ctx.set_line_dash(&self.dash);
        ctx.begin_path();
        for c in &scene.cuts {
            let (x0, y0) = layout.along(c.from, c.to, 0.0);
            let (x1, y1) = layout.along(c.from, c.to, 1.0);
            ctx.move_to(x0, y0);
            match layout.bend(c.from, c.to) {
                Some((cx, cy)) => ctx.quadratic_curve_to(cx, cy, x1, y1),
                None => ctx.line_to(x1, y1),
            }
        }
        ctx.stroke();
        let _ = ctx.set_line_dash(&self.solid);
        // A one-way cut gets an arrowhead pointing the way that is cut, with
        // a bar across it ("no entry"), at 60% of the way.
        ctx.begin_path();
        for c in scene.cuts.iter().filter(|c| c.one_way) {
            let (xa, ya) = layout.along(c.from, c.to, 0.58);
            let (xb, yb) = layout.along(c.from, c.to, 0.66);
            let (dx, dy) = (xb - xa, yb - ya);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let (ux, uy) = (dx / len, dy / len);
            let s = 9.0;
            ctx.move_to(xa + ux * s, ya + uy * s);
            ctx.line_to(xa - ux * s * 0.6 - uy * s * 0.7, ya - uy * s * 0.6 + ux * s * 0.7);
            ctx.line_to(xa - ux * s * 0.6 + uy * s * 0.7, ya - uy * s * 0.6 - ux * s * 0.7);
            ctx.close_path();
        }
        ctx.fill();
        ctx.begin_path();
        for c in scene.cuts.iter().filter(|c| !c.one_way) {
            // Two-way cut inside one group: a cross at the middle.
            let (x, y) = layout.along(c.from, c.to, 0.5);
            cross(ctx, x, y, 5.0);
        }
        ctx.set_line_width(2.5);
        ctx.stroke();
    }

    /// A sentence at the top of the canvas, on a pill that keeps it legible
    /// over links and messages, clear of the labels in the canvas's top
    /// corners ([`banner::fit`]).
    fn banner(&mut self, ctx: &Ctx, text: &str, alarm: bool, corners: &Corners, width: f64, theme: &Theme) {
        let font = |px: f64| format!("600 {px}px system-ui, -apple-system, 'Segoe UI', sans-serif");
        let fitted = self.banner.as_ref().is_some_and(|(t, w, c, _)| t == text && *w == width && c == corners);
        if !fitted {
            let width_of = |text: &str| ctx.measure_text(text).map_or(7.0 * text.chars().count() as f64, |m| m.width());
            let measured = |label: &Option<String>, font: &str| {
                label.as_ref().map(|label| {
                    ctx.set_font(font);
                    width_of(label)
                })
            };
            // The name is drawn cut to its share of the canvas.
            let rooms = (
                measured(&corners.left, banner::NAME_FONT)
                    .map_or(0.0, |w| banner::corner_room(banner::name_width(w, width))),
                measured(&corners.right, banner::BADGE_FONT).map_or(0.0, banner::corner_room),
            );
            ctx.set_font(&font(banner::FONT_PX));
            let fit = banner::place(text, corners, width, rooms, width_of);
            self.banner = Some((text.to_string(), width, corners.clone(), fit));
        }
        let Some((.., fit)) = &self.banner else { return };
        let (background, ink) =
            if alarm { (&theme.banner_alarm_bg, &theme.cut) } else { (&theme.banner_bg, &theme.palette[0]) };
        ctx.set_fill_style_str(background);
        ctx.begin_path();
        let (x, y, w, h) = fit.pill;
        ctx.rect(x, y, w, h);
        ctx.fill();
        ctx.set_font(&font(fit.font_px));
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_fill_style_str(ink);
        for (line, y) in &fit.lines {
            let _ = ctx.fill_text(line, fit.x, *y);
        }
    }

    fn messages(&mut self, ctx: &Ctx, scene: &Scene, layout: &Layout, t: f64, theme: &Theme, marks: &Marks<'_>) {
        if scene.msgs.is_empty() {
            return;
        }
        self.centres.clear();
        self.centres.extend((0..layout.n).map(|id| layout.node_pos(id)));
        let centres = &self.centres;
        let at = |id: NodeId| centres.get(id as usize).copied().unwrap_or((layout.cx, layout.cy));
        self.positions.clear();
        self.positions.extend(scene.msgs.iter().map(|m| layout.msg_pos_in(m, t, at(m.from), at(m.to))));
        let dense = scene.msgs.len() > LABEL_LIMIT;
        let r = if dense { 1.6 } else { (layout.node_r * 0.2).clamp(3.5, 5.5) };
        for color in 0..PALETTE_LEN {
            let mut any = false;
            for (m, &(x, y)) in scene.msgs.iter().zip(&self.positions) {
                if m.color != color {
                    continue;
                }
                if !any {
                    ctx.begin_path();
                    any = true;
                }
                if dense {
                    // Pixel-aligned squares rasterize about twice as fast as
                    // anti-aliased ones, which matters with thousands of them.
                    ctx.rect(x.round() - 1.0, y.round() - 1.0, 3.0, 3.0);
                } else {
                    ctx.move_to(x + r, y);
                    let _ = ctx.arc(x, y, r, 0.0, TAU);
                }
            }
            if any {
                ctx.set_fill_style_str(&theme.palette[color]);
                ctx.fill();
            }
        }
        if let Some(sel) = marks.selected_msg {
            if let Ok(i) = scene.msgs.binary_search_by_key(&sel, |m| m.id) {
                let (x, y) = self.positions[i];
                ctx.begin_path();
                let _ = ctx.arc(x, y, r + 4.0, 0.0, TAU);
                ctx.set_line_width(2.0);
                ctx.set_stroke_style_str(&theme.accent);
                ctx.stroke();
            }
        }
        if !dense && !scene.labels.is_empty() {
            ctx.set_font("11px system-ui, -apple-system, 'Segoe UI', sans-serif");
            ctx.set_text_baseline("middle");
            // The selected message's label first, so it is always written;
            // then each one that crosses nothing written before it.
            self.clearance.reset(layout);
            let selected = marks.selected_msg.and_then(|sel| scene.msgs.binary_search_by_key(&sel, |m| m.id).ok());
            for i in selected.into_iter().chain((0..scene.msgs.len()).filter(|&i| Some(i) != selected)) {
                let (m, label, (x, y)) = (&scene.msgs[i], &scene.labels[i], self.positions[i]);
                if label.is_empty() {
                    continue;
                }
                // Beside the path (to its left, seen from the sender), so a
                // label does not sit on the line or on the dot.
                let (x0, y0) = layout.node_pos(m.from);
                let (x1, y1) = layout.node_pos(m.to);
                let (dx, dy) = (x1 - x0, y1 - y0);
                let len = (dx * dx + dy * dy).sqrt().max(1e-9);
                let (nx, ny) = (dy / len, -dx / len);
                let off = r + 8.0;
                let (lx, ly) = (x + nx * off, y + ny * off);
                let place = labels::label_box(label, (lx, ly), nx >= 0.0);
                if Some(i) == selected {
                    self.clearance.take(place);
                } else if !self.clearance.claim(place) {
                    continue;
                }
                ctx.set_text_align(if nx >= 0.0 { "left" } else { "right" });
                ctx.set_fill_style_str(&theme.palette[m.color]);
                let _ = ctx.fill_text(label, lx, ly);
            }
        }
    }

    fn lost(&self, ctx: &Ctx, scene: &Scene, layout: &Layout, t: f64, theme: &Theme, opts: Options) {
        ctx.set_stroke_style_str(&theme.cut);
        ctx.set_line_width(2.5);
        for l in &scene.lost {
            let Some(alpha) = Scene::lost_alpha(l, t) else { continue };
            let (x, y) = layout.along(l.from, l.to, l.frac);
            ctx.set_global_alpha(if opts.reduced_motion { 1.0 } else { alpha });
            ctx.begin_path();
            cross(ctx, x, y, if scene.msgs.len() > LABEL_LIMIT { 3.0 } else { 6.0 });
            ctx.stroke();
        }
        ctx.set_global_alpha(1.0);
    }
}

fn cross(ctx: &Ctx, x: f64, y: f64, s: f64) {
    ctx.move_to(x - s, y - s);
    ctx.line_to(x + s, y + s);
    ctx.move_to(x + s, y - s);
    ctx.line_to(x - s, y + s);
}
