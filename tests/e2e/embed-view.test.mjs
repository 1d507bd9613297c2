// The app inside a documentation page's iframe (?embed=1): the canvas
// fills the frame from 320×240 up, a compact bar plays, steps and scrubs,
// "open in Clusterscope" links to the same moment, controls=0 leaves the
// canvas alone, autoplay=1 plays unless the reader asked for less motion,
// and a tap opens the inspector as a sheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp } from './harness.mjs';

const env = useApp();

test('at 400×300: the canvas and a compact bar that plays, steps, scrubs and links out', async () => {
  const page = await openApp(env.browser, env.server.url + '?embed=1&seed=1', { viewport: { width: 400, height: 300 } });
  assert.equal(await page.locator('#algo').count(), 0, 'no top bar');
  assert.equal(await page.locator('#log').count(), 0, 'no event log');
  const box = await page.locator('#cluster').boundingBox();
  assert.ok(box.width >= 398 && box.height >= 240, `the canvas fills the frame: ${JSON.stringify(box)}`);
  const bar = await page.locator('.embed-bar').boundingBox();
  assert.ok(bar.y + bar.height <= 300.5, 'the bar is inside the frame');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 400, 'no sideways scroll');

  await page.locator('#step').click();
  await page.locator('#step').click();
  assert.equal(await page.evaluate(() => window.clusterscope.state().step), 2);
  await page.evaluate(() => window.clusterscope.step(198));
  await page.locator('#scrub').fill('50');
  await page.waitForFunction(() => window.clusterscope.state().step === 50);
  assert.equal(await page.locator('#scrub').getAttribute('max'), '200', 'the scrubber spans the steps seen');
  const href = await page.locator('#open-full').getAttribute('href');
  const url = new URL(href);
  assert.equal(url.searchParams.get('seed'), '1');
  assert.equal(url.searchParams.get('step'), '50', 'the same moment');
  assert.equal(url.searchParams.get('embed'), null, 'the full app');
  await page.locator('#play').click();
  await page.waitForFunction(() => window.clusterscope.state().step > 50);
  await page.locator('#play').click();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('at 320×240 with controls=0: the canvas alone fills the frame; a tap opens the inspector sheet', async () => {
  const page = await openApp(env.browser, env.server.url + '?embed=1&controls=0&seed=1', {
    viewport: { width: 320, height: 240 }, hasTouch: true, isMobile: true,
  });
  assert.equal(await page.locator('.embed-bar').count(), 0);
  const box = await page.locator('#cluster').boundingBox();
  assert.ok(box.width >= 318 && box.height >= 236, `the canvas fills the frame: ${JSON.stringify(box)}`);
  const node = await page.evaluate(() => window.clusterscope.layout().nodes[1]);
  await page.touchscreen.tap(box.x + node.x, box.y + node.y);
  await page.locator('.embed-sheet #inspector').waitFor();
  assert.match(await page.locator('.embed-sheet #inspector').innerText(), /Node 1/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('autoplay=1 plays at once, but not for a reader who asked for reduced motion; a bad flag is named', async () => {
  const page = await openApp(env.browser, env.server.url + '?embed=1&autoplay=1&seed=1', { viewport: { width: 400, height: 300 } });
  await page.waitForFunction(() => window.clusterscope.state().step > 5, null, { timeout: 10000 });
  await page.context().close();

  const still = await openApp(env.browser, env.server.url + '?embed=1&autoplay=1&seed=1', {
    viewport: { width: 400, height: 300 }, reducedMotion: 'reduce',
  });
  await still.waitForTimeout(800);
  assert.equal(await still.evaluate(() => window.clusterscope.state().step), 0, 'reduced motion: no autoplay');
  await still.context().close();

  const bad = await openApp(env.browser, env.server.url + '?embed=1&autoplay=yes', { viewport: { width: 400, height: 300 } });
  await bad.locator('.notice.error').waitFor();
  assert.match(await bad.locator('.notice.error').innerText(), /autoplay: expected 0 or 1, got "yes"/);
  await bad.context().close();
});

test('at 720×420 (the README\'s iframe): the caption has a row of two lines, and the canvas keeps its size', async () => {
  const page = await openApp(env.browser, env.server.url + '?embed=1&algo=abd&seed=1', { viewport: { width: 720, height: 420 } });
  const measure = () => page.evaluate(() => {
    const caption = document.querySelector('.embed-caption');
    const c = caption.getBoundingClientRect();
    const play = document.querySelector('.embed-bar button').getBoundingClientRect();
    const canvas = document.querySelector('#cluster').getBoundingClientRect();
    return { text: caption.textContent, clipped: caption.scrollHeight > caption.clientHeight + 1,
      captionWidth: c.width, above: c.bottom <= play.top + 1, canvas: [canvas.width, canvas.height] };
  });
  const first = await measure();
  assert.ok(first.captionWidth >= 700 && first.above, `a row of its own, above the buttons: ${JSON.stringify(first)}`);
  await page.evaluate(() => window.clusterscope.step(120));
  const later = await measure();
  // "Step 120 at 500 ms: node 1 received Query #109 from node 5." read whole, not "node 1 re…".
  assert.ok(later.text.length > 50 && !later.clipped, JSON.stringify(later));
  assert.deepEqual(later.canvas, first.canvas, 'the canvas does not resize as captions change');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a world that waits for a client, embedded: the bar offers its request, in the frame at 720×420 and 400×300', async () => {
  for (const viewport of [{ width: 720, height: 420 }, { width: 400, height: 300 }]) {
    const page = await openApp(env.browser, env.server.url + '?embed=1&algo=paxos', { viewport });
    const offer = page.locator('#send-request');
    assert.equal(await offer.innerText(), 'Send x=1');
    const box = await offer.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 0.5 && box.y + box.height <= viewport.height + 0.5,
      `the button is inside the frame: ${JSON.stringify(box)}`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), viewport.width, 'no sideways scroll');
    assert.ok(await page.locator('#play').isDisabled());
    await offer.click();
    await page.locator('#play:not([disabled])').waitFor();
    assert.deepEqual(await page.evaluate(() => window.clusterscope.trace().actions), [{ step: 0, do: 'request', node: 0, cmd: 'x=1' }]);
    assert.equal(await offer.count(), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('at 400×300, text beside a node stays inside the canvas (the saga\'s "orchestrator" lost the left of its "o")', async () => {
  const page = await openApp(env.browser, env.server.url + '?embed=1&algo=saga', { viewport: { width: 400, height: 300 } });
  await page.waitForFunction(() => window.clusterscope.layout().nodes.length === 5);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const ink = await page.evaluate(() => {
    const canvas = document.querySelector('#cluster');
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let edge = 0;
    let text = 0;
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < Math.round(2 * scale); x++) if (data[(y * canvas.width + x) * 4 + 3] > 200) edge++;
      for (let x = Math.round(2 * scale); x < Math.round(40 * scale); x++) if (data[(y * canvas.width + x) * 4 + 3] > 200) text++;
    }
    return { edge, text };
  });
  assert.ok(ink.text > 20, `the orchestrator's text is drawn near the edge: ${JSON.stringify(ink)}`);
  assert.equal(ink.edge, 0, `nothing drawn in the canvas's first 2 px: ${JSON.stringify(ink)}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
