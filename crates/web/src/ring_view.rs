//! The hash ring of `--algo ring`, as the canvas shows it: virtual-node
//! ticks and owned arcs coloured by node, the store's keys as dots at their
//! positions, the keys a membership change moved flying to their new owner,
//! and a looked-up key with its preference list.
//!
//! [`RingScene`] is plain data rebuilt from the session when the world
//! changes (only the parts whose inputs changed: the rings when some node's
//! status changes, the keys when the options do), so a frame only draws.
//! Two rings are kept, as the store itself keeps them
//! (`ring::kv::membership`): the ring of *owners* (members and joining
//! nodes) decides the ticks, arcs and lookups; the ring of *holders*
//! (members and leaving nodes) says where the data is, so a key changes
//! colour, and flies, when the transfer completes.

use crate::core::Core;
use crate::render::Theme;
use crate::scene::{Layout, Scene, PALETTE_LEN};
use lab::Algo;
use protocol::NodeId;
use ring::{key_position, Load, Modulo, Position, Rendezvous, Ring};
use sim::{Action, Session};
use std::f64::consts::{FRAC_PI_2, TAU};
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d as Ctx;

/// How long a moved key takes to fly to its new owner, in wall ms.
pub const FLIGHT_MS: f64 = 600.0;
/// Most keys of put actions added to the initial keys on the canvas.
pub const MAX_PUT_KEYS: usize = 1_000;
/// Above this many keys, dots are drawn as pixel squares (cheaper to fill).
const DENSE_KEYS: usize = 2_000;

/// A set of node ids as bits (the store has at most 32 nodes).
type NodeBits = u64;

/// Palette slot of a node's own colour: ticks, arcs, keys and the node itself.
pub fn owner_color(node: NodeId) -> usize {
    node as usize % PALETTE_LEN
}

/// The latest change of the ring of holders, measured on the store's keys.
#[derive(Clone, Debug, PartialEq)]
pub struct LastChange {
    pub joined: Vec<NodeId>,
    pub left: Vec<NodeId>,
    pub before: Vec<NodeId>,
    pub after: Vec<NodeId>,
    /// Keys whose owner changed, of `keys`.
    pub moved: usize,
    pub keys: usize,
    pub moved_fraction: f64,
    /// `k/(N+k)` for `k` joins to `N` nodes, `1/N` for one leave of `N`
    /// (Karger et al., 1997); `None` for a mixed change.
    pub expected: Option<f64>,
    /// The same change under `hash mod N` and rendezvous hashing.
    pub modulo_moved_fraction: f64,
    pub rendezvous_moved_fraction: f64,
}

/// A key on its way from its old owner to its new one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    pub key: usize,
    pub from: NodeId,
    pub to: NodeId,
}

/// A key typed in the lookup box: where it is and who stores it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    pub key: String,
    pub position: Position,
    /// Its preference list in the ring of owners, the owner first.
    pub nodes: Vec<NodeId>,
}

/// The rings of a run: every node's tokens, and the two subsets of it.
#[derive(Clone, Debug)]
pub struct Rings {
    universe: Ring,
    /// Members and joining nodes: who is responsible for a key.
    pub owners: Ring,
    /// Members and leaving nodes: who holds a key's data.
    pub holders: Ring,
}

impl Default for Rings {
    fn default() -> Self {
        Self { universe: Ring::new(1), owners: Ring::new(1), holders: Ring::new(1) }
    }
}

/// What the canvas and the ring panel show for one state of a ring run.
#[derive(Clone, Debug, Default)]
pub struct RingScene {
    generation: Option<u64>,
    /// `(nodes, vnodes, keys, puts)`: what the universe and the keys were built from.
    inputs: Option<(u32, u32, u32, usize)>,
    pub vnodes: u32,
    pub replicas: u32,
    /// Keys loaded at start (the `keys` option); puts come after them.
    pub initial_keys: u32,
    pub seed: u64,
    /// Each node's status word (`member`, `standby`, `joining`, `leaving`).
    pub status: Vec<&'static str>,
    owners_bits: Option<NodeBits>,
    holders_bits: Option<NodeBits>,
    pub rings: Rings,
    /// Each virtual node: angle fraction and owner.
    pub ticks: Vec<(f64, NodeId)>,
    /// Runs of consecutive spans of one node: start and end angle fractions
    /// (the end may pass 1.0 where a run wraps) and the node.
    pub arcs: Vec<(f64, f64, NodeId)>,
    pub key_names: Vec<String>,
    pub key_pos: Vec<Position>,
    /// Each key's owner in the ring of holders.
    pub key_owner: Vec<Option<NodeId>>,
    pub loads: Vec<Load>,
    pub load_stddev: f64,
    pub max_over_mean: f64,
    pub last_change: Option<LastChange>,
    pub flights: Vec<Flight>,
    /// Wall-clock ms when the flights started.
    pub flight_start: f64,
    pub lookup: Option<Lookup>,
    /// Show the last change under `mod N` and rendezvous too.
    pub compare: bool,
    /// Bumped when the lookup or the comparison changes, so the frame redraws.
    pub rev: u64,
    /// Bumped when the ticks, arcs or keys change: the still layer is stale.
    content: u64,
    /// The still part of the ring, drawn offscreen (see [`draw_ring`]).
    layer: std::cell::RefCell<Option<Layer>>,
}

impl RingScene {
    /// Whether keys are in flight at wall time `now_ms`.
    pub fn flying(&self, now_ms: f64) -> bool {
        !self.flights.is_empty() && now_ms - self.flight_start < FLIGHT_MS
    }

    /// Nodes whose own status is `member`, in id order.
    pub fn members(&self) -> Vec<NodeId> {
        self.with_status("member")
    }

    pub fn with_status(&self, word: &str) -> Vec<NodeId> {
        (0..self.status.len() as NodeId).filter(|&i| self.status[i as usize] == word).collect()
    }

    /// Look `key` up in the ring of owners (an empty key clears the lookup).
    pub fn set_lookup(&mut self, key: &str) {
        let key = key.trim();
        self.lookup = (!key.is_empty()).then(|| {
            let position = key_position(key);
            Lookup { key: key.to_string(), position, nodes: self.rings.owners.preference_list(position, self.replicas) }
        });
        self.rev += 1;
    }

    pub fn set_compare(&mut self, on: bool) {
        self.compare = on;
        self.rev += 1;
    }

    /// Bring the ring up to date with the session. `now_ms` starts the
    /// flights of a change found here.
    fn update(&mut self, session: &dyn Session, options: &lab::Options, seed: u64, now_ms: f64) {
        let config = lab::options::ring_config(options).unwrap_or_default();
        let n = session.node_count();
        let puts = put_keys(session.actions(), config.keys);
        let inputs = (n, config.vnodes, config.keys, puts.len());
        let fresh = self.inputs != Some(inputs) || self.seed != seed || self.replicas != config.replicas;
        if fresh {
            if self.inputs.map(|i| (i.0, i.1)) != Some((n, config.vnodes)) {
                self.rings.universe = Ring::of(config.vnodes, 0, 0..n);
            }
            self.inputs = Some(inputs);
            self.vnodes = config.vnodes;
            self.replicas = config.replicas;
            self.initial_keys = config.keys;
            self.seed = seed;
            self.key_names = (0..config.keys).map(|i| format!("k{i}")).chain(puts).collect();
            self.key_pos = self.key_names.iter().map(|k| key_position(k)).collect();
            self.owners_bits = None;
            self.holders_bits = None;
            self.last_change = None;
            self.flights.clear();
        }
        if fresh {
            self.content += 1;
        }
        self.status = (0..n).map(|id| session.node_info(id).look.role).collect();
        let bits = |f: fn(&str) -> bool| -> NodeBits {
            self.status.iter().enumerate().filter(|(_, s)| f(s)).fold(0, |b, (i, _)| b | 1 << i)
        };
        let owners = bits(|s| matches!(s, "member" | "joining"));
        let holders = bits(|s| matches!(s, "member" | "leaving"));
        if self.owners_bits != Some(owners) {
            self.owners_bits = Some(owners);
            self.rings.owners = self.rings.universe.subset(|id| owners & 1 << id != 0);
            self.ticks = self.rings.owners.tokens().iter().map(|t| (ring::fraction(t.position), t.node)).collect();
            self.arcs = arcs(&self.rings.owners);
            self.content += 1;
            if let Some(key) = self.lookup.as_ref().map(|l| l.key.clone()) {
                self.set_lookup(&key);
            }
        }
        if self.holders_bits != Some(holders) {
            let before = self.holders_bits.map(|_| self.rings.holders.clone());
            self.holders_bits = Some(holders);
            self.rings.holders = self.rings.universe.subset(|id| holders & 1 << id != 0);
            let owner: Vec<Option<NodeId>> = self.key_pos.iter().map(|&p| self.rings.holders.owner(p)).collect();
            self.flights.clear();
            if let Some(before) = before {
                self.flights = self
                    .key_owner
                    .iter()
                    .zip(&owner)
                    .enumerate()
                    .filter_map(|(key, (a, b))| match (*a, *b) {
                        (Some(from), Some(to)) if from != to => Some(Flight { key, from, to }),
                        _ => None,
                    })
                    .collect();
                self.flight_start = now_ms;
                self.last_change = Some(change(&before, &self.rings.holders, &self.key_pos));
            }
            self.key_owner = owner;
            self.content += 1;
            self.loads = ring::loads(&self.rings.holders, &self.key_pos, self.replicas);
            let primary: Vec<u64> = self.loads.iter().map(|l| l.primary).collect();
            self.load_stddev = ring::stddev(&primary);
            self.max_over_mean = ring::max_over_mean(&primary);
        }
    }
}

/// Keys named by `put k=v` requests among the actions, past the initial
/// `k0..k{initial-1}`, once each, in order.
fn put_keys(actions: &[sim::Scheduled], initial: u32) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in actions {
        let Action::Request { cmd, .. } = &s.action else { continue };
        let Some(rest) = cmd.trim().strip_prefix("put ") else { continue };
        let key = rest.split('=').next().unwrap_or("").trim();
        let initial_key = key.strip_prefix('k').and_then(|i| i.parse::<u32>().ok()).is_some_and(|i| i < initial);
        if key.is_empty() || initial_key || out.iter().any(|k| k == key) {
            continue;
        }
        out.push(key.to_string());
        if out.len() == MAX_PUT_KEYS {
            break;
        }
    }
    out
}

/// The ring's spans merged into runs of one node, as angle fractions. A
/// run that wraps past the top starts below 0.
fn arcs(ring: &Ring) -> Vec<(f64, f64, NodeId)> {
    let spans = ring.spans();
    if ring.node_count() == 1 {
        return spans.first().map(|s| vec![(0.0, 1.0, s.node)]).unwrap_or_default();
    }
    let mut out: Vec<(f64, f64, NodeId)> = Vec::new();
    for span in spans {
        let (mut start, end) = (ring::fraction(span.start), ring::fraction(span.end));
        if start > end {
            start -= 1.0;
        }
        // Spans are contiguous, so a run of one node only grows its end.
        match out.last_mut() {
            Some(last) if last.2 == span.node => last.1 = end,
            _ => out.push((start, end, span.node)),
        }
    }
    // The last run may continue into the first one, past the top.
    if out.len() > 1 && out[0].2 == out[out.len() - 1].2 {
        let first = out.remove(0);
        if let Some(last) = out.last_mut() {
            last.1 = first.1 + 1.0;
        }
    }
    out
}

/// Measure the change from `before` to `after` on `keys`.
fn change(before: &Ring, after: &Ring, keys: &[Position]) -> LastChange {
    let b: Vec<NodeId> = before.nodes().collect();
    let a: Vec<NodeId> = after.nodes().collect();
    let joined: Vec<NodeId> = a.iter().copied().filter(|n| !b.contains(n)).collect();
    let left: Vec<NodeId> = b.iter().copied().filter(|n| !a.contains(n)).collect();
    let moved = ring::moves(before, after, keys).len();
    let expected = match (joined.len(), left.len()) {
        (k, 0) if k > 0 => Some(k as f64 / (b.len() + k) as f64),
        (0, 1) => Some(1.0 / b.len() as f64),
        _ => None,
    };
    LastChange {
        moved,
        keys: keys.len(),
        moved_fraction: if keys.is_empty() { 0.0 } else { moved as f64 / keys.len() as f64 },
        expected,
        modulo_moved_fraction: ring::moved_fraction(&Modulo::new(b.clone()), &Modulo::new(a.clone()), keys),
        rendezvous_moved_fraction: ring::moved_fraction(
            &Rendezvous::new(b.clone(), 0),
            &Rendezvous::new(a.clone(), 0),
            keys,
        ),
        joined,
        left,
        before: b,
        after: a,
    }
}

/// Keep `scene.ring` in step with the core: present only for the ring
/// algorithm, rebuilt when the world changed. Nodes take their own colour.
pub fn sync(scene: &mut Scene, core: &Core, now_ms: f64) {
    if core.algo() != Algo::Ring {
        scene.ring = None;
        return;
    }
    let ring = scene.ring.get_or_insert_with(RingScene::default);
    if ring.generation != Some(core.generation) {
        ring.generation = Some(core.generation);
        ring.update(core.session.as_ref(), &core.setup.options, core.setup.seed, now_ms);
    }
    for node in &mut scene.nodes {
        node.color = owner_color(node.id);
    }
}

/// The ring algorithm's layout: smaller nodes than other algorithms' (up
/// to nine of them), so that the ring inside the circle of nodes gets room.
pub fn arrange(layout: &mut Layout) {
    if layout.n > 1 && layout.n <= 9 {
        let side = (layout.cx * 2.0).min(layout.cy * 2.0).max(80.0);
        layout.node_r = (side / 22.0).clamp(14.0, 22.0);
        layout.radius = (side / 2.0 - layout.node_r - 34.0).max(10.0);
    }
}

/// The ring's radius: inside the circle of nodes, clear of the two lines
/// of text under the top node.
pub fn radius(layout: &Layout) -> f64 {
    (layout.radius - layout.node_r - 48.0).max(24.0)
}

/// The point at angle fraction `f` (0 at the top, clockwise) and radius `r`.
pub fn point(layout: &Layout, f: f64, r: f64) -> (f64, f64) {
    let a = -FRAC_PI_2 + TAU * f;
    (layout.cx + r * a.cos(), layout.cy + r * a.sin())
}

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
pub fn draw_ring(ctx: &Ctx, ring: &RingScene, layout: &Layout, theme: &Theme, reduced_motion: bool) {
    let now = js_sys::Date::now();
    let flying = !reduced_motion && ring.flying(now);
    let layer = if flying { None } else { ring.layer(layout, theme) };
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
        ctx.set_stroke_style_str(theme.accent);
        ctx.stroke();
        ctx.begin_path();
        let (kx, ky) = point(layout, f, r);
        let _ = ctx.arc(kx, ky, 5.5, 0.0, TAU);
        ctx.set_fill_style_str(theme.accent);
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
    ring_color: &'static str,
}

/// The still part of the ring, drawn on its own canvas.
#[derive(Clone, Debug)]
pub struct Layer {
    key: LayerKey,
    canvas: web_sys::HtmlCanvasElement,
}

impl RingScene {
    /// The offscreen layer for this layout and theme, redrawn if stale;
    /// `None` where no canvas can be made (then the caller draws directly).
    fn layer(&self, layout: &Layout, theme: &Theme) -> Option<web_sys::HtmlCanvasElement> {
        use wasm_bindgen::JsCast;
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(0.5, 4.0);
        let size = ((layout.width * dpr).round() as u32, (layout.height * dpr).round() as u32);
        let key = LayerKey {
            content: self.content,
            size,
            dpr,
            centre: (layout.cx, layout.cy),
            radius: radius(layout),
            ring_color: theme.ring,
        };
        let mut slot = self.layer.borrow_mut();
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
        draw_still(&ctx, self, layout, theme, false);
        *slot = Some(Layer { key, canvas: canvas.clone() });
        Some(canvas)
    }
}

/// The circle, the arcs, the ticks and the keys at rest (all of them unless
/// `flying`, when the keys in flight are left out).
fn draw_still(ctx: &Ctx, ring: &RingScene, layout: &Layout, theme: &Theme, flying: bool) {
    let r = radius(layout);
    let (cx, cy) = (layout.cx, layout.cy);
    ctx.begin_path();
    let _ = ctx.arc(cx, cy, r, 0.0, TAU);
    ctx.set_line_width(1.5);
    ctx.set_stroke_style_str(theme.ring);
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
            ctx.set_stroke_style_str(theme.palette[color]);
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
            ctx.set_stroke_style_str(theme.palette[color]);
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
            ctx.set_fill_style_str(theme.palette[color]);
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
            ctx.set_fill_style_str(theme.palette[color]);
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
            ctx.set_fill_style_str(theme.palette[owner_color(id)]);
            ctx.fill();
            ctx.set_global_alpha(1.0);
            ctx.set_line_width(1.5);
            ctx.set_stroke_style_str(theme.palette[owner_color(id)]);
            ctx.stroke();
            if r >= 12.0 {
                ctx.set_text_align("center");
                ctx.set_text_baseline("middle");
                ctx.set_font("600 15px system-ui, -apple-system, 'Segoe UI', sans-serif");
                ctx.set_fill_style_str(theme.muted);
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
        ctx.set_stroke_style_str(theme.palette[owner_color(node.id)]);
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
            ctx.set_stroke_style_str(theme.accent);
            ctx.stroke();
            let _ = ctx.set_line_dash(&solid);
            // Which copy it holds, above the node (its lines of text are under it).
            let (lx, ly) = (x, y - r - 16.0);
            ctx.set_font("600 12px system-ui, -apple-system, 'Segoe UI', sans-serif");
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            ctx.set_fill_style_str(theme.accent);
            let _ = ctx.fill_text(if rank == 0 { "owner" } else { "replica" }, lx, ly);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab::Setup;

    fn ring_core(seed: u64) -> Core {
        let mut setup = Setup::new(Algo::Ring);
        setup.seed = seed;
        Core::new(setup, None)
    }

    fn synced(core: &Core, scene: &mut Scene) {
        scene.rebuild(core.session.as_ref());
        sync(scene, core, 0.0);
    }

    #[test]
    fn the_ring_follows_members_and_a_join_moves_exactly_the_changed_keys() {
        let mut core = ring_core(1);
        let mut scene = Scene::default();
        synced(&core, &mut scene);
        let ring = scene.ring.as_ref().expect("a ring run has a ring scene");
        assert_eq!(ring.members(), vec![0, 1, 2, 3]);
        assert_eq!(ring.with_status("standby"), vec![4]);
        assert_eq!(ring.ticks.len(), 400, "100 virtual nodes for each of 4 members");
        assert_eq!(ring.key_pos.len(), 200);
        assert_eq!(ring.loads.iter().map(|l| l.primary).sum::<u64>(), 200);
        assert!(ring.flights.is_empty() && ring.last_change.is_none());
        let total: f64 = ring.arcs.iter().map(|(s, e, _)| e - s).sum();
        assert!((total - 1.0).abs() < 1e-9, "arcs tile the circle: {total}");
        let before = ring.rings.holders.clone();

        core.apply(crate::core::Cmd::Act(Action::Request { node: 4, cmd: "join".into() })).unwrap();
        for _ in 0..400 {
            core.apply(crate::core::Cmd::Step(25)).unwrap();
            synced(&core, &mut scene);
            if scene.ring.as_ref().unwrap().members().len() == 5 {
                break;
            }
        }
        let ring = scene.ring.as_ref().unwrap();
        assert_eq!(ring.members(), vec![0, 1, 2, 3, 4], "the join completed");
        let change = ring.last_change.as_ref().expect("the change is measured");
        assert_eq!((change.joined.clone(), change.left.clone()), (vec![4], vec![]));
        let moves = ring::moves(&before, &ring.rings.holders, &ring.key_pos);
        assert_eq!(change.moved, moves.len());
        assert!(moves.iter().all(|m| m.to == Some(4)), "keys only move to the new node");
        assert_eq!(
            ring.flights.iter().map(|f| f.key as u32).collect::<Vec<_>>(),
            moves.iter().map(|m| m.key).collect::<Vec<_>>()
        );
        assert_eq!(change.expected, Some(0.2));
        assert!(change.modulo_moved_fraction > change.moved_fraction);
        assert!(ring.flying(100.0) && !ring.flying(FLIGHT_MS + 1.0));
    }

    #[test]
    fn lookup_lists_the_preference_list_and_other_algorithms_have_no_ring() {
        let core = ring_core(3);
        let mut scene = Scene::default();
        synced(&core, &mut scene);
        let ring = scene.ring.as_mut().unwrap();
        ring.set_lookup("user:42");
        let lookup = ring.lookup.clone().unwrap();
        assert_eq!(lookup.nodes, ring.rings.owners.preference_list(key_position("user:42"), 2));
        assert_eq!(lookup.nodes.len(), 2);
        assert_ne!(lookup.nodes[0], lookup.nodes[1]);
        ring.set_lookup("  ");
        assert!(ring.lookup.is_none());
        let raft = Core::new(Setup::default(), None);
        synced(&raft, &mut scene);
        assert!(scene.ring.is_none());
    }

    #[test]
    fn put_keys_past_the_initial_ones_are_added_once() {
        let act = |cmd: &str| sim::Scheduled { step: 0, action: Action::Request { node: 0, cmd: cmd.into() } };
        let actions = [act("put k3=x"), act("put user=1"), act("get user"), act("put user=2"), act("put k900=y")];
        assert_eq!(put_keys(&actions, 200), vec!["user".to_string(), "k900".to_string()]);
    }
}
