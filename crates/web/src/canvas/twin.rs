//! Drawing the other world of the side-by-side view on its own canvas,
//! with the same renderer as the run's: the same scene rules, colours and
//! layout, so the two pictures read alike. It is a picture only (the run
//! on screen is the one to click on); while playing, its messages glide
//! through the same fraction of its next interval as the run's do.

use super::render::{Marks, Options, Renderer};
use super::theme::Theme;
use crate::model::compare::world_name;
use crate::model::core::Core;
use crate::model::layout::{banner, Layout};
use crate::model::scene::Scene;
use web_sys::CanvasRenderingContext2d as Ctx;
use yew::NodeRef;

/// What the other world's canvas keeps between frames.
#[derive(Default)]
pub struct Pane {
    pub canvas: NodeRef,
    scene: Scene,
    renderer: Option<Renderer>,
    ctx: Option<Ctx>,
    /// The run's generation the scene was built at.
    scene_gen: Option<u64>,
    /// The run's generation, the time, size and scheme last drawn; an
    /// identical frame is skipped.
    drawn: Option<(u64, u64, (u32, u32), bool)>,
}

impl Pane {
    /// Draw the other world if the view shows one (the animation loop
    /// calls this every frame).
    pub fn frame(&mut self, core: &mut Core, theme: &Theme, dark: bool, dpr: f64, opts: Options) {
        let (t, generation) = (core.draw_time(), core.generation);
        let (run_now, run_next) = (core.session.now() as f64, core.session.next_event_time());
        let Some(twin) = core.compare.as_mut() else {
            self.ctx = None;
            self.drawn = None;
            self.scene_gen = None;
            return;
        };
        let Some((_, ctx, (w, h), (pw, ph), resized)) = super::fit(&self.canvas, &mut self.ctx, dpr) else {
            return;
        };
        if resized {
            self.drawn = None;
        }
        // The same share of the way to the next event as the run on screen.
        let share = match run_next {
            Some(next) if next as f64 > run_now => ((t - run_now) / (next as f64 - run_now)).clamp(0.0, 1.0),
            _ => 0.0,
        };
        let session = twin.session();
        let now = session.now() as f64;
        let t = session.next_event_time().map_or(now, |next| now + share * (next as f64 - now));
        let key = (generation, t.to_bits(), (pw, ph), dark);
        if !opts.playing && self.drawn == Some(key) {
            return;
        }
        if self.scene_gen != Some(generation) {
            let picture = twin.picture();
            self.scene.rebuild(twin.session(), &picture);
            // Its name in the left corner; the badge is the run's alone.
            self.scene.corners.left = Some(world_name(twin.against.algo, &twin.against.options));
            self.scene_gen = Some(generation);
        }
        let session = twin.session();
        let band = if self.scene.banner.is_some() { banner::band(&self.scene.corners, w) } else { 0.0 };
        let layout = Layout::below(w, h, session.node_count(), band).arranged(self.scene.arrangement);
        let renderer = self.renderer.get_or_insert_with(Renderer::new);
        renderer.draw(ctx, &self.scene, None, &layout, t, theme, &Marks::default(), opts, (w, h, dpr));
        self.drawn = Some(key);
    }
}
