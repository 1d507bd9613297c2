//! Drawing the space-time diagram on its own canvas: shading where links
//! were cut, a lane per node with gaps where it was down (a dotted line)
//! or paused (a dashed one), an arrow per message coloured by its kind's
//! palette slot, a cross where one was lost, notable lines as marks, and a
//! cursor at the step on screen; what is recorded past it is faded. Only
//! what the window shows is drawn ([`layout`]), so a long run costs no
//! more than a short one.

use super::theme::Theme;
use crate::math;
use crate::model::core::Core;
use crate::model::palette::PALETTE_LEN;
use crate::model::spacetime::layout::{self, Geometry, Viewport, AXIS, GUTTER, TOP};
use crate::model::spacetime::{Diagram, End, GapKind};
use sim::MsgId;
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d as Ctx;
use yew::NodeRef;

/// What the diagram keeps between frames: its canvas, the window shown,
/// the arrow under the pointer, and what it last drew.
#[derive(Default)]
pub struct Pane {
    pub canvas: NodeRef,
    pub viewport: Viewport,
    pub hover: Option<usize>,
    /// The window last drawn, for the pointer handlers.
    pub geometry: Option<Geometry>,
    /// A drag in progress: where it started (x) and the window's end then.
    pub drag: Option<(f64, f64, bool)>,
    ctx: Option<Ctx>,
    drawn: Option<Key>,
}

/// Everything a drawing of the diagram depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Key {
    generation: u64,
    now: f64,
    size: (u32, u32),
    dark: bool,
    marks: Highlight,
    viewport: Viewport,
    arrows: usize,
}

impl Pane {
    /// Draw the diagram if it is shown and anything it depends on changed
    /// (the animation loop calls this every frame).
    pub fn frame(&mut self, core: &Core, theme: &Theme, dark: bool, dpr: f64) {
        let Some(recorder) = core.spacetime.as_ref() else {
            self.ctx = None;
            self.drawn = None;
            return;
        };
        let Some((canvas, ctx, (w, h), (pw, ph), resized)) = super::fit(&self.canvas, &mut self.ctx, dpr) else {
            return;
        };
        if resized {
            self.drawn = None;
        }
        let d = &recorder.diagram;
        let now = core.draw_time();
        let violated =
            core.session.violation().map_or(0, |v| v.nodes.iter().filter(|&&n| n < 64).fold(0u64, |m, &n| m | 1 << n));
        let marks = Highlight { selected: core.selected_msg, hover: self.hover, violated };
        let key = Key {
            generation: core.generation,
            now,
            size: (pw, ph),
            dark,
            marks,
            viewport: self.viewport,
            arrows: d.arrows.len(),
        };
        if self.drawn == Some(key) {
            return;
        }
        let (t0, t1) = self.viewport.window(now);
        let g = Geometry { width: w, height: h, t0, t1, nodes: d.nodes };
        draw(ctx, d, &g, (core.session.steps(), now), theme, marks, dpr);
        // The window drawn, in model ms, for scripts and tests.
        let _ = canvas.set_attribute("data-window", &format!("{:.0} {:.0}", g.t0, g.t1));
        self.geometry = Some(g);
        self.drawn = Some(key);
    }
}

/// What is highlighted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Highlight {
    pub selected: Option<MsgId>,
    /// The arrow under the pointer, by index.
    pub hover: Option<usize>,
    /// The nodes whose states break a safety property at the step on
    /// screen (bit `i`: node `i`), marked on their lanes.
    pub violated: u64,
}

/// A note's words as they fit in `room` pixels: at most 28 characters,
/// shortened with an ellipsis when cut (a label at the right edge ran off
/// the canvas mid-word), and its width; `None` when not even a short
/// start fits.
fn fitted(ctx: &Ctx, text: &str, room: f64) -> Option<(String, f64)> {
    const LONGEST: usize = 28;
    const SHORTEST: usize = 8;
    let width = |s: &str| ctx.measure_text(s).map_or(6.0 * s.chars().count() as f64, |m| m.width());
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len().min(LONGEST);
    loop {
        let mut label: String = chars[..keep].iter().collect();
        if keep < chars.len() {
            label.truncate(label.trim_end().len());
            label.push('…');
        }
        let w = width(&label);
        if w <= room {
            return Some((label, w));
        }
        if keep <= SHORTEST {
            return None;
        }
        keep -= 1;
    }
}

/// The palette slot of a message kind: the same kind, the same colour.
fn kind_slot(kind: &str) -> usize {
    kind.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32)) as usize % PALETTE_LEN
}

/// Draw `d` in the window `g`; `now` is the time and `step` the step on
/// screen; `size` is `(width, height, device pixel ratio)`.
pub fn draw(ctx: &Ctx, d: &Diagram, g: &Geometry, now: (u64, f64), theme: &Theme, marks: Highlight, dpr: f64) {
    let (step, now_time) = now;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, g.width, g.height);
    let lane_h = g.lane_height();
    let right = g.width - layout::PAD;
    let clip = |x: f64| x.clamp(GUTTER, right);

    // Cut links: the lanes of nodes with a cut link, shaded.
    ctx.set_fill_style_str(&theme.groups[1]);
    for shade in &d.shades {
        let (x0, x1) = (clip(g.x(shade.from.time as f64)), clip(g.x(shade.to.map_or(now_time, |p| p.time as f64))));
        if x1 <= x0 {
            continue;
        }
        for node in (0..d.nodes).filter(|&n| shade.has(n)) {
            ctx.fill_rect(x0, g.lane_y(node) - lane_h / 2.0 + 1.0, x1 - x0, lane_h - 2.0);
        }
    }

    // Lanes, with their labels.
    ctx.set_font("11px system-ui, -apple-system, 'Segoe UI', sans-serif");
    ctx.set_text_baseline("middle");
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str(&theme.link);
    ctx.set_fill_style_str(&theme.muted);
    for node in 0..d.nodes {
        let y = g.lane_y(node);
        ctx.begin_path();
        ctx.move_to(GUTTER, y);
        ctx.line_to(right, y);
        ctx.stroke();
        if node >= 64 || marks.violated & (1 << node) == 0 {
            let _ = ctx.fill_text(&format!("n{node}"), 6.0, y);
        }
    }
    // Lanes of nodes that break a property at this step: red, with a '!'.
    if marks.violated != 0 {
        ctx.set_fill_style_str(&theme.cut);
        ctx.set_stroke_style_str(&theme.cut);
        ctx.set_line_width(2.5);
        for node in (0..d.nodes.min(64)).filter(|&n| marks.violated & (1 << n) != 0) {
            let y = g.lane_y(node);
            let _ = ctx.fill_text(&format!("n{node}!"), 6.0, y);
            ctx.begin_path();
            ctx.move_to(GUTTER, y);
            ctx.line_to(right, y);
            ctx.stroke();
        }
        ctx.set_line_width(1.0);
        ctx.set_fill_style_str(&theme.muted);
    }
    // Gaps: where a node was down (crashed) or frozen (paused).
    for gap in &d.gaps {
        let (x0, x1) = (clip(g.x(gap.from.time as f64)), clip(g.x(gap.to.map_or(now_time, |p| p.time as f64))));
        if x1 <= x0 && gap.to.is_some() {
            continue;
        }
        let y = g.lane_y(gap.node);
        let (colour, h) = match gap.kind {
            GapKind::Crashed => (&theme.crashed, 5.0),
            GapKind::Paused => (&theme.paused, 3.0),
        };
        ctx.set_fill_style_str(colour);
        ctx.fill_rect(x0, y - h / 2.0, (x1 - x0).max(2.0), h);
    }

    // Messages, batched: one path per colour, fade and dash, so a window
    // of thousands of arrows costs a few strokes, not one per arrow.
    let (dash, solid) =
        (JsValue::from(js_sys::Array::of2(&4.0.into(), &3.0.into())), JsValue::from(js_sys::Array::new()));
    let visible = layout::visible_arrows(d, g.t0, g.t1);
    let mut batches: Vec<(u32, usize)> = visible
        .iter()
        .map(|&i| {
            let arrow = &d.arrows[i];
            // Recorded past the step on screen: the future, faded.
            let fade = if arrow.sent.step > step {
                2
            } else if arrow.end_point().is_some_and(|p| p.step > step) {
                1
            } else {
                0
            };
            let slot = d.tone(arrow.kind).unwrap_or_else(|| kind_slot(arrow.kind)) as u32;
            ((fade << 8) | (u32::from(arrow.dup) << 7) | slot, i)
        })
        .collect();
    protocol::sort::sort(&mut batches);
    ctx.set_line_width(1.2);
    let mut lost: Vec<(f64, f64)> = Vec::new();
    for run in batches.chunk_by(|a, b| a.0 == b.0) {
        let key = run[0].0;
        ctx.set_global_alpha([1.0, 0.55, 0.2][(key >> 8) as usize]);
        ctx.set_stroke_style_str(&theme.palette[(key & 0x7f) as usize % PALETTE_LEN]);
        let dup = key & 0x80 != 0;
        if dup {
            let _ = ctx.set_line_dash(&dash);
        }
        ctx.begin_path();
        for &(_, i) in run {
            let arrow = &d.arrows[i];
            let [a, b] = g.segment(arrow, now_time);
            ctx.move_to(a.0, a.1);
            ctx.line_to(b.0, b.1);
            match arrow.end {
                End::Delivered(_) => head(ctx, a, b),
                End::Lost(..) => lost.push(b),
                End::Open => {}
            }
        }
        ctx.stroke();
        if dup {
            let _ = ctx.set_line_dash(&solid);
        }
    }
    ctx.set_global_alpha(1.0);
    crosses(ctx, &lost, &theme.cut);
    // The selected message and the one under the pointer, on top.
    for i in visible.iter().copied().filter(|&i| marks.selected == Some(d.arrows[i].msg) || marks.hover == Some(i)) {
        let arrow = &d.arrows[i];
        let [a, b] = g.segment(arrow, now_time);
        ctx.set_stroke_style_str(&theme.accent);
        ctx.set_line_width(2.5);
        ctx.begin_path();
        ctx.move_to(a.0, a.1);
        ctx.line_to(b.0, b.1);
        if let End::Delivered(_) = arrow.end {
            head(ctx, a, b);
        }
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);

    // Notable lines: a diamond on the lane, and the words when there is room.
    let notes = layout::in_window(&d.notes, |n| n.at.time as f64, g.t0, g.t1);
    let labelled = notes.len() <= 40;
    ctx.set_fill_style_str(&theme.accent);
    // Where the last label on each lane ends: a label that would overlap it
    // is left out (its diamond stays; the event log has its words).
    let mut free_from = vec![f64::MIN; d.nodes as usize];
    // Each label on a halo of the stage's colour: on a phone the whole run
    // fits a few hundred pixels and the words sat on a mesh of arrows.
    ctx.set_stroke_style_str(&theme.stage);
    ctx.set_line_width(3.0);
    ctx.set_line_join("round");
    for note in &d.notes[notes] {
        let (x, y) = (g.x(note.at.time as f64), g.lane_y(note.node));
        ctx.set_global_alpha(if note.at.step > step { 0.3 } else { 1.0 });
        ctx.begin_path();
        ctx.move_to(x, y - 5.0);
        ctx.line_to(x + 4.0, y);
        ctx.line_to(x, y + 5.0);
        ctx.line_to(x - 4.0, y);
        ctx.fill();
        let lane = &mut free_from[note.node as usize];
        if labelled && x + 6.0 >= *lane {
            if let Some((text, width)) = fitted(ctx, &note.text, right - x - 6.0) {
                let label_y = y - lane_h.min(24.0) / 3.0;
                let _ = ctx.stroke_text(&text, x + 6.0, label_y);
                let _ = ctx.fill_text(&text, x + 6.0, label_y);
                *lane = x + 6.0 + width + 4.0;
            }
        }
    }
    ctx.set_global_alpha(1.0);

    // The time axis and the cursor at the step on screen.
    ctx.set_fill_style_str(&theme.muted);
    ctx.set_text_baseline("alphabetic");
    let axis_y = g.height - 5.0;
    for t in layout::ticks(g.t0, g.t1, g.width - GUTTER) {
        let x = g.x(t);
        // A tick near the right edge keeps its mark; its words are left
        // out rather than cut ("2000 m").
        let label = format!("{t} ms");
        if ctx.measure_text(&label).map_or(true, |m| x + 2.0 + m.width() <= g.width) {
            let _ = ctx.fill_text(&label, x + 2.0, axis_y);
        }
        ctx.fill_rect(x, g.height - AXIS, 1.0, 4.0);
    }
    let x = g.x(d.time_of(step) as f64);
    if (GUTTER..=right).contains(&x) {
        ctx.set_fill_style_str(&theme.accent);
        ctx.fill_rect(x - 1.0, TOP - 4.0, 2.0, g.height - AXIS - TOP + 4.0);
    }
}

/// An arrowhead at `b`, pointing away from `a`, added to the current path.
fn head(ctx: &Ctx, a: (f64, f64), b: (f64, f64)) {
    let angle = math::atan2(b.1 - a.1, b.0 - a.0);
    let (l, w) = (7.0, 0.45);
    ctx.move_to(b.0 - l * math::cos(angle - w), b.1 - l * math::sin(angle - w));
    ctx.line_to(b.0, b.1);
    ctx.line_to(b.0 - l * math::cos(angle + w), b.1 - l * math::sin(angle + w));
}

/// A cross where each message was lost, in one path.
fn crosses(ctx: &Ctx, at: &[(f64, f64)], colour: &str) {
    if at.is_empty() {
        return;
    }
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(2.0);
    ctx.begin_path();
    for &(x, y) in at {
        ctx.move_to(x - 4.0, y - 4.0);
        ctx.line_to(x + 4.0, y + 4.0);
        ctx.move_to(x + 4.0, y - 4.0);
        ctx.line_to(x - 4.0, y + 4.0);
    }
    ctx.stroke();
}
