// The space-time diagram (issue 12), driven like a user: opened from a link
// and from its key, pointed at, clicked to seek and to select a message,
// panned and zoomed from the keyboard without touching the page's shortcuts,
// cut where the run forks, and placed beside the canvas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, nextFrame, useApp } from './harness.mjs';

const env = useApp();

// Node 0 crashes and is later restarted; nodes 1 and 2 are cut off a while.
const ACTIONS = [
  { step: 100, do: 'crash', node: 0 },
  { step: 200, do: 'partition', groups: [[1, 2]] },
  { step: 300, do: 'heal' },
];
const LINK = `?view=spacetime&step=400&actions=${encodeURIComponent(JSON.stringify(ACTIONS))}`;

const diagram = (page) => page.locator('canvas[aria-label="Space-time diagram"]');
const status = (page) => page.locator('#spacetime-status').innerText();
const state = (page) => page.evaluate(() => window.clusterscope.state());

/** Move the pointer across the diagram, right to left and top to bottom,
 * until the status line describes an arrow matching `pattern`. */
async function findArrow(page, pattern) {
  const box = await diagram(page).boundingBox();
  for (let row = 0.1; row < 0.9; row += 0.04) {
    for (let x = box.width - 12; x > 40; x -= 5) {
      await page.mouse.move(box.x + x, box.y + box.height * row);
      const text = await status(page);
      if (pattern.test(text)) return { x: box.x + x, y: box.y + box.height * row, text };
    }
  }
  return null;
}

test('a link opens the diagram: a lane per node, its summary in words, and the link keeps it', async () => {
  const page = await openApp(env.browser, env.server.url + LINK);
  await diagram(page).waitFor();
  await nextFrame(page);
  const summary = await page.locator('#spacetime-summary').textContent();
  const nodes = (await state(page)).nodes.length;
  assert.match(summary, new RegExp(`^${nodes} lanes, one per node; \\d+ messages up to step 400`), summary);
  assert.match(summary, /[1-9]\d* of them lost/, 'messages to the crashed node are lost');
  assert.match(summary, /1 crashes or pauses; 1 partitions/, summary);
  assert.match(page.url(), /view=spacetime/);
  // Drawn: the canvas is not blank.
  const inked = await diagram(page).evaluate((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
  assert.ok(inked > 2000, `pixels drawn: ${inked}`);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/spacetime-below.png` });
  // t hides it (and the link forgets it), t shows it again.
  await page.locator('body').press('t');
  await diagram(page).waitFor({ state: 'detached' });
  await page.waitForFunction(() => !/view=spacetime/.test(location.search));
  await page.locator('body').press('t');
  await diagram(page).waitFor();
  await page.context().close();
});

test('pointing at an arrow names the message and marks its lines in the log; clicking it selects the message there', async () => {
  const page = await openApp(env.browser, env.server.url + LINK);
  await diagram(page).waitFor();
  await nextFrame(page);
  // A message that found node 0 down: its loss has a line in the log.
  const hit = await findArrow(page, /→n0: sent at step \d+ .*lost at step (\d+)/);
  assert.ok(hit, 'an arrow to the crashed node is found under the pointer');
  const [, sent, lost] = hit.text.match(/sent at step (\d+) .*lost at step (\d+)/).map(Number);
  await page.locator(`#log li.marked[data-step="${lost}"]`).first().waitFor();
  await page.mouse.click(hit.x, hit.y);
  await page.waitForFunction((s) => window.clusterscope.state().step === s, sent);
  const id = Number(hit.text.match(/^\S+ (\d+) /)[1]);
  const selected = await page.locator('#msg-list li[aria-selected="true"]').getAttribute('data-msg');
  assert.equal(Number(selected), id, 'the message is selected in the list and on the canvas');
  // The other way: a click on a log line goes to its step.
  const line = page.locator('#log li[data-step]').first();
  const lineStep = Number(await line.getAttribute('data-step'));
  assert.ok(lineStep < sent, `an earlier line: ${lineStep}`);
  await line.click();
  await page.waitForFunction((s) => window.clusterscope.state().step === s, lineStep);
  await page.context().close();
});

test('clicking a moment seeks there; the diagram keeps its keys from the page shortcuts', async () => {
  const page = await openApp(env.browser, env.server.url + LINK);
  await diagram(page).waitFor();
  await nextFrame(page);
  // Keys in the diagram pan and zoom it; the page's ← (step back) and +
  // (faster) do not fire.
  const before = await state(page);
  const speed = await page.locator('#speed').inputValue();
  await diagram(page).focus();
  const shown = async () => (await diagram(page).getAttribute('data-window')).split(' ').map(Number);
  const [a0, a1] = await shown();
  await page.keyboard.press('ArrowLeft');
  await nextFrame(page);
  const [b0, b1] = await shown();
  assert.ok(b0 < a0 && Math.abs((b1 - b0) - (a1 - a0)) <= 1, `panned back in time: ${a0}..${a1} → ${b0}..${b1}`);
  await page.keyboard.press('+');
  await nextFrame(page);
  const [c0, c1] = await shown();
  assert.ok(c1 - c0 < b1 - b0, `zoomed in: ${c1 - c0} ms shown`);
  await page.keyboard.press('Home');
  await nextFrame(page);
  assert.equal((await shown())[0], 0, 'Home shows the start');
  await page.keyboard.press('End');
  // Sent to the diagram itself, as a script or assistive technology may.
  await diagram(page).dispatchEvent('keydown', { key: 'ArrowLeft', bubbles: true });
  assert.equal((await state(page)).step, before.step, 'ArrowLeft did not step the world back');
  assert.equal(await page.locator('#speed').inputValue(), speed, '+ did not change the speed');
  await page.keyboard.press('End');
  await nextFrame(page);
  const box = await diagram(page).boundingBox();
  // Over the last lane, near the left: no arrow there, or one: either way a
  // point with a time and a step is named.
  let target = null;
  for (let x = 60; x < box.width / 2 && !target; x += 7) {
    await page.mouse.move(box.x + x, box.y + box.height - 24);
    const m = (await status(page)).match(/^n\d at (\d+) ms \(step (\d+)\)$/);
    if (m) target = { x: box.x + x, y: box.y + box.height - 24, step: Number(m[2]) };
  }
  assert.ok(target, 'a point on a lane is named');
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((s) => window.clusterscope.state().step === s, target.step);
  assert.ok(target.step < 400);

  await page.context().close();
});

/** The stage's rows as laid out: each one's top and bottom, and the stage's
 * visible box and scroll height. */
const stageRows = (page) => page.evaluate(() => {
  const stage = document.querySelector('.stage');
  const box = stage.getBoundingClientRect();
  const rows = [...stage.children].map((c) => {
    const r = c.getBoundingClientRect();
    return { name: c.className.split(' ')[0] || c.tagName, top: r.top, bottom: r.bottom };
  });
  return { top: box.top, bottom: box.bottom, scroll: stage.scrollHeight, client: stage.clientHeight, overflow: getComputedStyle(stage).overflowY, rows };
});

test('below the canvas, the diagram leaves the timeline and legend in view; a short window scrolls the stage', async () => {
  // At 1280×800 the canvas and diagram took so much that the timeline and
  // the legend fell below the stage's edge, cut off and out of reach.
  const page = await openApp(env.browser, env.server.url + LINK);
  await diagram(page).waitFor();
  let stage = await stageRows(page);
  for (const row of stage.rows) {
    assert.ok(row.bottom <= stage.bottom + 1, `${row.name} ends at ${row.bottom}, the stage at ${stage.bottom}`);
  }
  assert.ok(stage.rows.some((r) => r.name === 'timeline') && stage.rows.some((r) => r.name === 'legend'));
  // Rows follow one another: none covers the next.
  for (let i = 1; i < stage.rows.length; i++) {
    assert.ok(stage.rows[i].top >= stage.rows[i - 1].bottom - 1, `${stage.rows[i - 1].name} covers ${stage.rows[i].name}`);
  }
  // Too short a window for every row: the stage scrolls to the last one.
  await page.setViewportSize({ width: 1280, height: 560 });
  await nextFrame(page);
  stage = await stageRows(page);
  assert.equal(stage.overflow, 'auto');
  assert.ok(stage.scroll > stage.client, `the stage scrolls (${stage.scroll} of ${stage.client} px)`);
  await page.locator('.stage .legend').scrollIntoViewIfNeeded();
  assert.ok(await page.locator('.stage .legend').isVisible());
  // On a phone the page scrolls, not the stage: the legend keeps its lines,
  // and the diagram starts where the canvas ends (it started 87 px inside
  // it), on a phone and on a tablet.
  for (const [width, height] of [[800, 1000], [390, 844]]) {
    await page.setViewportSize({ width, height });
    await nextFrame(page);
    stage = await stageRows(page);
    for (let i = 1; i < stage.rows.length; i++) {
      const [above, below] = [stage.rows[i - 1], stage.rows[i]];
      assert.ok(below.top >= above.bottom - 1, `${width}×${height}: ${above.name} (to ${above.bottom}) covers ${below.name} (from ${below.top})`);
    }
  }
  const legend = await page.locator('.stage .legend').boundingBox();
  assert.ok(legend.height > 60, `the legend is ${legend.height} px tall on a phone`);
  await page.context().close();
});

test('at 1280×720 the canvas ends where the timeline begins', async () => {
  const page = await openApp(env.browser, env.server.url + '?step=200', { viewport: { width: 1280, height: 720 } });
  const stage = await stageRows(page);
  for (let i = 1; i < stage.rows.length; i++) {
    assert.ok(stage.rows[i].top >= stage.rows[i - 1].bottom - 1, `${stage.rows[i - 1].name} covers ${stage.rows[i].name}`);
  }
  assert.ok(stage.rows.at(-1).bottom <= stage.bottom + 1, 'every row in view');
  await page.context().close();
});

test('acting in the past redraws the diagram from the fork; beside the canvas, the choice is remembered', async () => {
  const page = await openApp(env.browser, env.server.url + LINK);
  await diagram(page).waitFor();
  const gaps = async () => Number((await page.locator('#spacetime-summary').textContent()).match(/(\d+) crashes or pauses/)[1]);
  assert.equal(await gaps(), 1);
  await page.evaluate(() => {
    window.clusterscope.seek(150);
    window.clusterscope.act({ do: 'crash', node: 3 });
    window.clusterscope.step(100);
  });
  await page.waitForFunction(() => /up to step 250/.test(document.querySelector('#spacetime-summary').textContent));
  assert.equal(await gaps(), 2, 'the new crash is drawn, the old future is gone');

  await page.locator('#spacetime-place').click();
  await page.locator('.stage.diagram-beside').waitFor();
  const [canvas, diag] = await Promise.all([page.locator('#cluster').boundingBox(), diagram(page).boundingBox()]);
  assert.ok(diag.x >= canvas.x + canvas.width - 2, 'the diagram is to the right of the canvas');
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/spacetime-beside.png` });
  await page.reload();
  await page.locator('.stage.diagram-beside').waitFor();
  await page.context().close();
});

test('at a broken step the panel names the nodes and values, and the diagram marks their lanes', async () => {
  // The first scenario whose run breaks a property, at the step it breaks.
  const page = await openApp(env.browser, env.server.url + '?preset=kleppmann-lease&view=spacetime');
  await page.evaluate(() => window.clusterscope.seek(35));
  const v = (await state(page)).violation;
  assert.ok(v && v.nodes.length > 0, JSON.stringify(v));
  const why = await page.locator(`#invariants li.broken[data-property="${v.property}"] .why`).innerText();
  assert.ok(why.startsWith(`nodes ${v.nodes.join(', ')}: `) && why.includes(v.detail), why);
  await nextFrame(page);
  // The lane of a violating node is drawn in the cut colour: its label's
  // pixels are red.
  const lanes = (await state(page)).nodes.length;
  const red = await diagram(page).evaluate((c, [node, lanes]) => {
    const ctx = c.getContext('2d');
    const h = c.clientHeight, laneH = (h - 8 - 18) / lanes;
    const y = Math.round((8 + (node + 0.5) * laneH) * devicePixelRatio);
    const data = ctx.getImageData(0, y - 6, Math.round(30 * devicePixelRatio), 12).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] > 150 && data[i] > data[i + 1] + 60) n++;
    return n;
  }, [v.nodes[0], lanes]);
  assert.ok(red > 5, `red pixels in lane ${v.nodes[0]}'s label: ${red}`);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/spacetime-violation.png` });
  await page.context().close();
});

test('view=spacetime works in embed mode: the diagram sits under the canvas in the frame', async () => {
  const page = await openApp(env.browser, env.server.url + '?embed=1&view=spacetime&step=300',
    { viewport: { width: 720, height: 480 } });
  await diagram(page).waitFor();
  await nextFrame(page);
  const [canvas, diag] = await Promise.all([page.locator('#cluster').boundingBox(), diagram(page).boundingBox()]);
  const bar = await page.locator('.embed-bar').boundingBox();
  assert.ok(diag.y >= canvas.y + canvas.height - 2 && diag.height > 60, JSON.stringify({ canvas, diag }));
  assert.ok(diag.y + diag.height <= bar.y + 1, `the diagram ends above the bar: ${JSON.stringify({ diag, bar })}`);
  assert.match(await page.locator('#spacetime-summary').textContent(), /messages up to step 300/);
  assert.equal(await page.locator('#spacetime-place').isVisible(), false, 'a frame has no room to put it beside');
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/spacetime-embed.png` });
  await page.context().close();
});
