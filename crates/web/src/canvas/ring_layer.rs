//! The ring algorithm's custom canvas layer: virtual-node ticks and owned
//! arcs coloured by node, the store's keys as dots, the keys a membership
//! change moved flying to their new owner, and a looked-up key with its
//! preference list. It draws a [`RingScene`] (the model) and keeps the one
//! offscreen copy of the still ring ([`Layer`]) that the renderer owns.

use super::theme::Theme;
use crate::model::layout::Layout;
use crate::model::palette::PALETTE_LEN;
use crate::model::ring::{owner_color, point, radius, RingScene, FLIGHT_MS};
use crate::model::scene::Scene;
use protocol::NodeId;
use std::f64::consts::{FRAC_PI_2, TAU};
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d as Ctx;

/// Above this many keys, dots are drawn as pixel squares (cheaper to fill).
const DENSE_KEYS: usize = 2_000;

/// Where key dot `i` sits: at its angle, scattered a little across a band
/// inside the arcs so that neighbours do not cover each other.
fn key_point(layout: &Layout, ring: &RingScene, i: usize) -> (f64, f64) {
    let p = ring.key_pos[i];
    let r = radius(layout) - 17.0 - (p & 0xff) as f64 / 255.0 * 8.0;
    point(layout, ring::fraction(p), r)
}

fn ease(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Draw the ring under the messages and nodes. The still part (circle,
/// arcs, ticks, keys at rest) comes from an offscreen layer drawn once per
/// change of the ring, so a playing frame costs one image copy however many
/// virtual nodes and keys there are; while keys fly it is drawn directly.
pub fn draw_ring(
    ctx: &Ctx,
    ring: &RingScene,
    layout: &Layout,
    theme: &Theme,
    reduced_motion: bool,
    cache: &mut Option<Layer>,
) {
    let now = js_sys::Date::now();
    let flying = !reduced_motion && ring.flying(now);
    let layer = if flying { None } else { layer(cache, ring, layout, theme) };
    match layer {
        Some(canvas) => {
            ctx.save();
            let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
            let _ = ctx.draw_image_with_html_canvas_element(&canvas, 0.0, 0.0);
            ctx.restore();
        }
        None => draw_still(ctx, ring, layout, theme, flying),
    }
    if flying {
        draw_flights(ctx, ring, layout, theme, now);
    }
    if let Some(lookup) = &ring.lookup {
        let r = radius(layout);
        let f = ring::fraction(lookup.position);
        let (x0, y0) = point(layout, f, 0.0);
        let (x1, y1) = point(layout, f, r + 10.0);
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
        ctx.set_line_width(2.0);
        ctx.set_stroke_style_str(&theme.accent);
        ctx.stroke();
        ctx.begin_path();
        let (kx, ky) = point(layout, f, r);
        let _ = ctx.arc(kx, ky, 5.5, 0.0, TAU);
        ctx.set_fill_style_str(&theme.accent);
        ctx.fill();
    }
}

/// What the offscreen layer was drawn for.
#[derive(Clone, Debug, PartialEq)]
struct LayerKey {
    content: u64,
    size: (u32, u32),
    dpr: f64,
    centre: (f64, f64),
    radius: f64,
    ring_color: String,
}

/// The still part of the ring, drawn on its own canvas.
#[derive(Clone, Debug)]
pub struct Layer {
    key: LayerKey,
    canvas: web_sys::HtmlCanvasElement,
}

/// The offscreen layer for this ring, layout and theme, redrawn if stale;
/// `None` where no canvas can be made (then the caller draws directly).
fn layer(
    slot: &mut Option<Layer>,
    ring: &RingScene,
    layout: &Layout,
    theme: &Theme,
) -> Option<web_sys::HtmlCanvasElement> {
    use wasm_bindgen::JsCast;
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(0.5, 4.0);
    let size = ((layout.width * dpr).round() as u32, (layout.height * dpr).round() as u32);
    let key = LayerKey {
        content: ring.content,
        size,
        dpr,
        centre: (layout.cx, layout.cy),
        radius: radius(layout),
        ring_color: theme.ring.clone(),
    };
    if let Some(layer) = slot.as_ref().filter(|l| l.key == key) {
        return Some(layer.canvas.clone());
    }
    let canvas = match slot.take() {
        Some(layer) => layer.canvas,
        None => web_sys::window()?.document()?.create_element("canvas").ok()?.dyn_into().ok()?,
    };
    canvas.set_width(size.0.max(1));
    canvas.set_height(size.1.max(1));
    let ctx: Ctx = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, layout.width, layout.height);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    draw_still(&ctx, ring, layout, theme, false);
    *slot = Some(Layer { key, canvas: canvas.clone() });
    Some(canvas)
}

/// The circle, the arcs, the ticks and the keys at rest (all of them unless
/// `flying`, when the keys in flight are left out).
fn draw_still(ctx: &Ctx, ring: &RingScene, layout: &Layout, theme: &Theme, flying: bool) {
    let r = radius(layout);
    let (cx, cy) = (layout.cx, layout.cy);
    ctx.begin_path();
    let _ = ctx.arc(cx, cy, r, 0.0, TAU);
    ctx.set_line_width(1.5);
    ctx.set_stroke_style_str(&theme.ring);
    ctx.stroke();
    let band = r - 8.0;
    let angle = |f: f64| -FRAC_PI_2 + TAU * f;
    for color in 0..PALETTE_LEN {
        // Arcs: the ranges each node owns, as a band just inside the circle.
        let mut any = false;
        for &(start, end, node) in &ring.arcs {
            if owner_color(node) != color {
                continue;
            }
            if !any {
                ctx.begin_path();
                any = true;
            }
            let (x, y) = point(layout, start, band);
            ctx.move_to(x, y);
            let _ = ctx.arc(cx, cy, band, angle(start), angle(end));
        }
        if any {
            ctx.set_line_cap("butt");
            ctx.set_line_width(9.0);
            ctx.set_global_alpha(0.55);
            ctx.set_stroke_style_str(&theme.palette[color]);
            ctx.stroke();
            ctx.set_global_alpha(1.0);
            ctx.set_line_cap("round");
        }
        // Ticks: each virtual node, across the circle.
        any = false;
        for &(f, node) in &ring.ticks {
            if owner_color(node) != color {
                continue;
            }
            if !any {
                ctx.begin_path();
                any = true;
            }
            let (x0, y0) = point(layout, f, r - 3.5);
            let (x1, y1) = point(layout, f, r + 5.0);
            ctx.move_to(x0, y0);
            ctx.line_to(x1, y1);
        }
        if any {
            ctx.set_line_width(1.5);
            ctx.set_stroke_style_str(&theme.palette[color]);
            ctx.stroke();
        }
    }
    let dense = ring.key_pos.len() > DENSE_KEYS;
    let in_flight = |i: usize| flying && ring.flights.binary_search_by_key(&i, |f| f.key).is_ok();
    for color in 0..PALETTE_LEN {
        let mut any = false;
        for (i, owner) in ring.key_owner.iter().enumerate() {
            let Some(owner) = *owner else { continue };
            if owner_color(owner) != color || in_flight(i) {
                continue;
            }
            if !any {
                ctx.begin_path();
                any = true;
            }
            let (x, y) = key_point(layout, ring, i);
            if dense {
                ctx.rect(x.round() - 1.0, y.round() - 1.0, 2.0, 2.0);
            } else {
                ctx.move_to(x + 2.5, y);
                let _ = ctx.arc(x, y, 2.5, 0.0, TAU);
            }
        }
        if any {
            ctx.set_fill_style_str(&theme.palette[color]);
            ctx.fill();
        }
    }
}

/// Keys that changed owner, on their way from the old owner to the new.
fn draw_flights(ctx: &Ctx, ring: &RingScene, layout: &Layout, theme: &Theme, now: f64) {
    let t = ease((now - ring.flight_start) / FLIGHT_MS);
    for color in 0..PALETTE_LEN {
        let mut any = false;
        for f in ring.flights.iter().filter(|f| owner_color(f.to) == color) {
            if !any {
                ctx.begin_path();
                any = true;
            }
            let (x0, y0) = layout.node_pos(f.from);
            let (x1, y1) = layout.node_pos(f.to);
            // A slight bend towards the centre, different per key, so that
            // keys on one route spread out instead of flying in single file.
            let bend = 0.15 + 0.2 * (ring.key_pos[f.key] >> 56) as f64 / 255.0;
            let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
            let (qx, qy) = (mx + (layout.cx - mx) * bend * 2.0, my + (layout.cy - my) * bend * 2.0);
            let u = 1.0 - t;
            let x = u * u * x0 + 2.0 * u * t * qx + t * t * x1;
            let y = u * u * y0 + 2.0 * u * t * qy + t * t * y1;
            ctx.move_to(x + 3.5, y);
            let _ = ctx.arc(x, y, 3.5, 0.0, TAU);
        }
        if any {
            ctx.set_fill_style_str(&theme.palette[color]);
            ctx.fill();
        }
    }
}

/// Draw over the nodes: standby nodes faded, joining and leaving ones with
/// a dashed outline, and the lookup's owner and replicas marked.
pub fn draw_over(ctx: &Ctx, ring: &RingScene, scene: &Scene, layout: &Layout, theme: &Theme) {
    let r = layout.node_r;
    let status = |id: NodeId| ring.status.get(id as usize).copied().unwrap_or("");
    let standby: Vec<NodeId> = scene
        .nodes
        .iter()
        .filter(|n| n.status == protocol::Status::Up && status(n.id) == "standby")
        .map(|n| n.id)
        .collect();
    if !standby.is_empty() {
        // Wipe the full-colour disc and paint it again, faint.
        ctx.save();
        ctx.begin_path();
        for &id in &standby {
            let (x, y) = layout.node_pos(id);
            ctx.move_to(x + r + 1.0, y);
            let _ = ctx.arc(x, y, r + 1.0, 0.0, TAU);
        }
        ctx.clip();
        ctx.clear_rect(0.0, 0.0, layout.cx * 2.0, layout.cy * 2.0);
        ctx.restore();
        for &id in &standby {
            let (x, y) = layout.node_pos(id);
            ctx.begin_path();
            let _ = ctx.arc(x, y, r, 0.0, TAU);
            ctx.set_global_alpha(0.3);
            ctx.set_fill_style_str(&theme.palette[owner_color(id)]);
            ctx.fill();
            ctx.set_global_alpha(1.0);
            ctx.set_line_width(1.5);
            ctx.set_stroke_style_str(&theme.palette[owner_color(id)]);
            ctx.stroke();
            if r >= 12.0 {
                ctx.set_text_align("center");
                ctx.set_text_baseline("middle");
                ctx.set_font("600 15px system-ui, -apple-system, 'Segoe UI', sans-serif");
                ctx.set_fill_style_str(&theme.muted);
                let _ = ctx.fill_text(&id.to_string(), x, y);
            }
        }
    }
    let dash = js_sys::Array::of2(&JsValue::from_f64(4.0), &JsValue::from_f64(4.0));
    let solid = js_sys::Array::new();
    for node in scene.nodes.iter().filter(|n| matches!(status(n.id), "joining" | "leaving")) {
        let (x, y) = layout.node_pos(node.id);
        ctx.begin_path();
        let _ = ctx.set_line_dash(&dash);
        let _ = ctx.arc(x, y, r + 6.0, 0.0, TAU);
        ctx.set_line_width(2.0);
        ctx.set_stroke_style_str(&theme.palette[owner_color(node.id)]);
        ctx.stroke();
        let _ = ctx.set_line_dash(&solid);
    }
    if let Some(lookup) = &ring.lookup {
        for (rank, &id) in lookup.nodes.iter().enumerate() {
            let (x, y) = layout.node_pos(id);
            ctx.begin_path();
            let _ = ctx.arc(x, y, r + 5.0, 0.0, TAU);
            if rank > 0 {
                let _ = ctx.set_line_dash(&dash);
            }
            ctx.set_line_width(if rank == 0 { 4.0 } else { 2.5 });
            ctx.set_stroke_style_str(&theme.accent);
            ctx.stroke();
            let _ = ctx.set_line_dash(&solid);
            // Which copy it holds, above the node (its lines of text are under it).
            let (lx, ly) = (x, y - r - 16.0);
            ctx.set_font("600 12px system-ui, -apple-system, 'Segoe UI', sans-serif");
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            ctx.set_fill_style_str(&theme.accent);
            let _ = ctx.fill_text(if rank == 0 { "owner" } else { "replica" }, lx, ly);
        }
    }
}
