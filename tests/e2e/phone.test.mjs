// A phone-sized viewport (390×844, touch): no sideways scrolling, the
// canvas in view and sized, the top bar's controls reachable, and a tap on
// a node opens its inspector as a sheet in view with the node still
// visible above it; Escape or the close button close it and focus returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, stepUntilLeader, nextFrame, useApp, bannerInk } from './harness.mjs';

const env = useApp();
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** Tap node `id` where the canvas draws it; returns its viewport position. */
async function tapNode(page, id) {
  await nextFrame(page);
  const { nodes } = await page.evaluate(() => window.clusterscope.layout());
  const n = nodes.find((p) => p.id === id);
  const box = await page.locator('#cluster').boundingBox();
  await page.touchscreen.tap(box.x + n.x, box.y + n.y);
}

/** Where node `id` is now, in viewport coordinates. */
async function nodeOnScreen(page, id) {
  return page.evaluate((id) => {
    const n = window.clusterscope.layout().nodes.find((p) => p.id === id);
    const r = document.querySelector('#cluster').getBoundingClientRect();
    return { x: r.left + n.x, y: r.top + n.y, r: n.r };
  }, id);
}

test('phone: no horizontal scroll, the canvas in view and sized, the top bar usable', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7', PHONE);
  const m = await page.evaluate(() => {
    const c = document.querySelector('#cluster').getBoundingClientRect();
    return { scrollW: document.documentElement.scrollWidth, w: innerWidth, h: innerHeight,
      canvas: { left: c.left, right: c.right, top: c.top, width: c.width, height: c.height } };
  });
  assert.ok(m.scrollW <= m.w, `no sideways scroll: ${m.scrollW} > ${m.w}`);
  assert.ok(m.canvas.left >= 0 && m.canvas.right <= m.w, JSON.stringify(m.canvas));
  assert.ok(m.canvas.width >= 340 && m.canvas.height >= 300, `canvas sized: ${JSON.stringify(m.canvas)}`);
  assert.ok(m.canvas.top < m.h / 2, `the canvas starts in the first half screen: ${m.canvas.top}`);
  // The legend's mouse-and-keyboard hint is left out on touch, where it
  // was a fourth line cut by the legend's three.
  assert.equal(await page.locator('.legend .hint').isVisible(), false);
  const legend = await page.locator('.legend').evaluate((l) => [l.scrollHeight, l.clientHeight]);
  assert.ok(legend[0] <= legend[1], `the legend's lines fit: ${legend}`);
  const drawn = await page.evaluate(() => document.querySelector('#cluster').width);
  assert.ok(drawn >= 340, 'the canvas is drawn at its size');
  // Every control of the top bar and the playback bar is on screen.
  for (const sel of ['#algo', '#nodes', '#seed', '#reset', '#copy-link', '#theme', '#help-button', '#play', '#step', '#partition-mode']) {
    const b = await page.locator(sel).boundingBox();
    assert.ok(b && b.x >= 0 && b.x + b.width <= m.w && b.height >= 24, `${sel}: ${JSON.stringify(b)}`);
  }
  await page.locator('#play').tap();
  await page.waitForFunction(() => window.clusterscope.state().step > 0);
  await page.locator('#play').tap();
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  // No algorithm widens the page (a long title once did), with its panels filled.
  const algos = await page.locator('#algo option').evaluateAll((os) => os.map((o) => o.value));
  for (const algo of algos) {
    await page.locator('#algo').selectOption(algo);
    await page.waitForFunction((a) => window.clusterscope.state().algo === a, algo);
    await page.evaluate(() => { window.clusterscope.act({ do: 'request', node: 0, cmd: 'x' }); window.clusterscope.step(150); });
    await nextFrame(page);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= m.w, `${algo}: no sideways scroll (${w} > ${m.w})`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: a column of five nodes grows the canvas until each is big enough to carry its text', async () => {
  // Redlock's five lock servers stand in one column: at 52% of the screen
  // they were 10.5 px dots without their role or badge (text goes under a
  // node of 12 px and more, crates/web/src/model/layout.rs).
  const page = await openApp(env.browser, env.server.url + '?algo=redlock', PHONE);
  await nextFrame(page);
  const m = await page.evaluate(() => ({
    wrap: document.querySelector('.canvas-wrap').clientHeight,
    screen: innerHeight,
    radii: window.clusterscope.layout().nodes.map((n) => n.r),
  }));
  assert.ok(m.wrap > 0.52 * m.screen, JSON.stringify(m));
  assert.ok(m.radii.every((r) => r >= 12), JSON.stringify(m));
  // A circle keeps the screen's share.
  const raft = await openApp(env.browser, env.server.url + '?nodes=9', PHONE);
  await nextFrame(raft);
  const h = await raft.evaluate(() => document.querySelector('.canvas-wrap').clientHeight);
  assert.ok(Math.abs(h - 0.52 * m.screen) <= 1, `${h}`);
  await page.context().close();
  await raft.context().close();
});

test('phone: tapping a node opens its inspector in view, the node stays visible; Escape and ✕ close it', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7', PHONE);
  await stepUntilLeader(page);
  // A node in the lower half of the canvas, so the sheet would cover it.
  const { nodes } = await page.evaluate(() => window.clusterscope.layout());
  const low = [...nodes].sort((a, b) => b.y - a.y)[0].id;
  await tapNode(page, low);
  const sheet = page.locator('#inspector');
  await sheet.waitFor();
  assert.match(await page.locator('#insp-h').innerText(), new RegExp(`Node ${low}`));
  const view = await page.evaluate(() => ({ w: innerWidth, h: innerHeight }));
  const box = await sheet.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= view.h + 1 && box.x >= 0 && box.x + box.width <= view.w,
    `the inspector is on screen: ${JSON.stringify(box)}`);
  assert.ok(box.y < view.h * 0.7, 'not a sliver at the bottom');
  const node = await nodeOnScreen(page, low);
  assert.ok(node.y > 0 && node.y + node.r * 0.5 < box.y, `node ${low} visible above the sheet: ${node.y} vs ${box.y}`);
  assert.equal(await page.evaluate(() => document.activeElement.closest('#inspector') !== null), true, 'focus is in the sheet');
  // Its buttons work from there.
  await page.locator('#crash').tap();
  assert.equal((await page.evaluate((id) => window.clusterscope.state().nodes[id].up, low)), false);

  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cluster', 'focus back on the canvas');

  const other = (low + 1) % nodes.length;
  await tapNode(page, other);
  await sheet.waitFor();
  assert.match(await page.locator('#insp-h').innerText(), new RegExp(`Node ${other}`));
  await page.locator('#inspector .close').tap();
  await sheet.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cluster');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: a message tapped in the list opens its sheet with the row still in view, focus left in place', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7', PHONE);
  await stepUntilLeader(page);
  await page.evaluate(() => {
    const cs = window.clusterscope;
    for (let i = 0; i < 200 && cs.state().in_flight.length < 3; i++) cs.step(1);
  });
  await nextFrame(page);
  const row = page.locator('#msg-list li[role="option"]').last();
  await row.scrollIntoViewIfNeeded();
  // Put the row near the bottom of the screen, where the sheet will be.
  await page.evaluate(() => {
    const r = document.querySelector('#msg-list li[role="option"]:last-child').getBoundingClientRect();
    window.scrollBy(0, r.bottom - innerHeight + 20);
  });
  const id = Number(await row.getAttribute('data-msg'));
  await row.tap();
  const sheet = page.locator('#msg-inspector');
  await sheet.waitFor();
  assert.match(await page.locator('#msg-h').innerText(), new RegExp(`#${id}\\b`));
  const s = await sheet.boundingBox();
  const r = await page.locator(`#msg-opt-${id}`).boundingBox();
  const h = await page.evaluate(() => innerHeight);
  assert.ok(s.y >= 0 && s.y + s.height <= h + 1, `the sheet is on screen: ${JSON.stringify(s)}`);
  assert.ok(r.y >= 0 && r.y + r.height <= s.y, `the row stays visible above the sheet: ${JSON.stringify(r)} vs ${s.y}`);
  assert.equal(await page.locator(`#msg-opt-${id}`).getAttribute('aria-selected'), 'true');
  // The list's buttons act on it from there.
  await page.locator('#list-dup').tap();
  assert.deepEqual(await page.evaluate(() => window.clusterscope.trace().actions.map((a) => a.do)), ['duplicate']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: a protocol that waits for a client says how to start, in full; playing keeps the caption two lines', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=2pc', PHONE);
  const caption = page.locator('#caption');
  const seen = () => caption.evaluate((c) => ({
    idle: c.classList.contains('idle'), clipped: c.scrollHeight > c.clientHeight + 1,
    text: c.querySelector('span').textContent, offer: c.querySelector('#send-request')?.textContent,
  }));
  let c = await seen();
  assert.ok(c.idle && /It waits for a client: press Send \(q\), or select a node .* send it a client request, or choose a scenario\.$/.test(c.text), c.text);
  assert.equal(c.offer, 'Send t1 to node 0q', 'the caption offers the request, with its key');
  assert.ok(!c.clipped, `the whole hint and its button show on a phone: ${c.text}`);
  // A request schedules work: the caption is back to its fixed two lines.
  await page.evaluate(() => window.clusterscope.act({ do: 'request', node: 0, cmd: 'tx' }));
  await page.evaluate(() => window.clusterscope.step(1));
  await nextFrame(page);
  c = await seen();
  assert.ok(!c.idle, c.text);
  await page.context().close();
});

test('phone: the banner keeps clear of the network badge and inside the canvas', async () => {
  // The outbox's banner at the start is a whole instruction, wider than a
  // phone: it used to run off both edges of the canvas and under the badge.
  const page = await openApp(env.browser, env.server.url + '?algo=outbox', PHONE);
  await nextFrame(page);
  const ink = await bannerInk(page, '#cluster');
  assert.ok(ink.between > 1000, `the banner is drawn: ${JSON.stringify(ink)}`);
  assert.equal(ink.underBadge, 0, `nothing of it under the badge: ${JSON.stringify(ink)}`);
  assert.equal(ink.edges, 0, `it stops short of the canvas's sides: ${JSON.stringify(ink)}`);
  const label = await page.locator('#cluster').getAttribute('aria-label');
  assert.match(label, /no change yet: send the service \(node 0\) a client request \(Send, or q\)/, label);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: beside a bug\'s name, the banner takes a row of its own and the name reads whole', async () => {
  // It was a sliver between "bug=clo…" (80 px) and the badge: two lines of
  // 10 px text.
  const page = await openApp(env.browser, env.server.url + '?embed=1&algo=kv-lww&bug=clock-only-timestamps', PHONE);
  await nextFrame(page);
  const name = await page.evaluate(() => {
    const e = document.querySelector('.canvas-wrap .world-name.bug');
    return { text: e.textContent, whole: e.scrollWidth <= e.clientWidth, bottom: e.getBoundingClientRect().bottom - document.querySelector('#cluster').getBoundingClientRect().top };
  });
  assert.deepEqual([name.text, name.whole], ['bug=clock-only-timestamps', true]);
  const first = await bannerInk(page, '#cluster');
  const second = await bannerInk(page, '#cluster', 28);
  assert.equal(first.between, 0, `nothing drawn between the labels: ${JSON.stringify(first)}`);
  assert.ok(second.between + second.underName + second.underBadge > 1000, `the banner in the row below: ${JSON.stringify(second)}`);
  assert.equal(second.edges, 0, `inside the canvas: ${JSON.stringify(second)}`);
  assert.ok(name.bottom <= 28 + 4, `the row starts below the name (its foot at ${name.bottom})`);
  // The nodes start below the taller band.
  const { nodes } = await page.evaluate(() => window.clusterscope.layout());
  assert.ok(Math.min(...nodes.map((n) => n.y - n.r)) >= 60, JSON.stringify(nodes));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: a caption three lines long shows two whole lines, not the top of a third', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=kv-raft&step=200', PHONE);
  const cut = await page.locator('#caption').evaluate((p) => {
    const span = p.firstElementChild;
    const style = getComputedStyle(p);
    return {
      cut: span.scrollHeight > span.clientHeight + 1,
      lines: span.clientHeight / parseFloat(style.lineHeight),
      bottom: span.getBoundingClientRect().bottom,
      inside: p.getBoundingClientRect().bottom - parseFloat(style.borderBottomWidth),
      title: p.title,
    };
  });
  assert.ok(cut.cut, `this caption is longer than two lines on a phone: ${JSON.stringify(cut)}`);
  assert.ok(cut.lines < 2.05, `two lines show: ${JSON.stringify(cut)}`);
  assert.ok(cut.bottom <= cut.inside, `both inside the caption: ${JSON.stringify(cut)}`);
  assert.match(cut.title, /^Step 200 at \d+ ms: /);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: the help overlay gives each description room, every key still listed', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=1', PHONE);
  await page.locator('#help-button').tap();
  await page.waitForSelector('#help');
  const cells = await page.locator('#help .shortcuts tr').evaluateAll((rows) => rows.map((r) => ({
    key: r.querySelector('th').textContent, keyW: r.querySelector('th').getBoundingClientRect().width,
    w: r.querySelector('td').getBoundingClientRect().width })));
  assert.ok(cells.some((c) => c.key === 'space-time diagram: click'), 'the longest key is listed');
  // The longest key kept on one line left the descriptions about 75 px.
  for (const c of cells) assert.ok(c.w >= 150, `${c.key}: description ${c.w} px wide (key ${c.keyW})`);
  const scrollW = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollW <= 390, `no sideways scroll: ${scrollW}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: the network, options and file menus open inside the screen', async () => {
  // Anchored to their buttons, the file menu and the options ran off the left edge.
  const page = await openApp(env.browser, env.server.url + '?algo=multipaxos&seed=1', PHONE);
  for (const [menu, body] of [['network', '.network-body'], ['options', '.options-body'], ['files', '.files-body']]) {
    const details = page.locator(`details.${menu}`);
    await details.locator('summary').tap();
    const box = await details.locator(body).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.width >= 300, `${menu}: ${JSON.stringify(box)}`);
    await details.locator('summary').tap();
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('phone: a tour\'s caption is a sheet at the foot, and the canvas it narrates stays in view above it', async () => {
  const page = await openApp(env.browser, env.server.url + '?tour=raft-basics', PHONE);
  await page.waitForSelector('#tour');
  await page.locator('#tour-next').tap();
  await page.locator('#tour-next').tap();
  await nextFrame(page);
  const m = await page.evaluate(() => {
    const sheet = document.querySelector('#tour').getBoundingClientRect();
    const canvas = document.querySelector('#cluster').getBoundingClientRect();
    const ys = window.clusterscope.layout().nodes.map((n) => canvas.top + n.y + n.r);
    return { sheetTop: sheet.top, sheetBottom: sheet.bottom, h: innerHeight, canvasTop: canvas.top, lowest: Math.max(...ys) };
  });
  assert.ok(m.sheetBottom <= m.h && m.sheetBottom > m.h - 20, `the sheet sits at the foot: ${JSON.stringify(m)}`);
  assert.ok(m.canvasTop > -40 && m.lowest < m.sheetTop, `every node above the sheet: ${JSON.stringify(m)}`);
  assert.match(await page.locator('#tour-count').innerText(), /^3 \/ \d+$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
