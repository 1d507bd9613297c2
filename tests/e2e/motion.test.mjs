// Reduced motion (prefers-reduced-motion: reduce): messages are drawn where
// they are at the world's clock, so between two events nothing moves; with
// motion they glide every frame. The world plays either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, stepUntilLeader, useApp } from './harness.mjs';

const env = useApp();

/**
 * Play for `frames` animation frames and count the frame pairs in which a
 * message moved although no event happened, and the events seen.
 */
function sample(page, frames) {
  return page.evaluate((frames) => new Promise((done) => {
    const cs = window.clusterscope;
    let prev = null;
    let glides = 0;
    let still = 0;
    const first = cs.state().step;
    let n = 0;
    const tick = () => {
      const now = { step: cs.state().step, msgs: new Map(cs.layout().messages.map((m) => [m.id, m])) };
      if (prev && prev.step === now.step) {
        let moved = false;
        for (const [id, m] of now.msgs) {
          const p = prev.msgs.get(id);
          if (p && Math.hypot(p.x - m.x, p.y - m.y) > 0.5) moved = true;
        }
        if (moved) glides++; else if (now.msgs.size > 0) still++;
      }
      prev = now;
      if (++n < frames) requestAnimationFrame(tick);
      else done({ glides, still, events: cs.state().step - first });
    };
    cs.play();
    requestAnimationFrame(tick);
  }), frames);
}

test('reduced motion: messages jump from event to event instead of gliding; playback still runs', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7');
  await stepUntilLeader(page);
  const moving = await sample(page, 90);
  await page.evaluate(() => window.clusterscope.pause());
  assert.ok(moving.glides > 5, `with motion, messages glide between events: ${JSON.stringify(moving)}`);

  // The system setting changes while the app is open: the app follows it.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const calm = await sample(page, 90);
  await page.evaluate(() => window.clusterscope.pause());
  assert.equal(calm.glides, 0, `reduced: nothing moves between events: ${JSON.stringify(calm)}`);
  assert.ok(calm.still > 5, `messages were on screen to watch: ${JSON.stringify(calm)}`);
  assert.ok(calm.events > 0, 'the world played');

  // A page opened with the setting on behaves the same from its first frame.
  const fresh = await openApp(env.browser, env.server.url + '?seed=7', { reducedMotion: 'reduce' });
  await stepUntilLeader(fresh);
  const freshCalm = await sample(fresh, 60);
  assert.equal(freshCalm.glides, 0, JSON.stringify(freshCalm));
  assert.ok(freshCalm.events > 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  await fresh.context().close();
});
