// Guided tours (www/tours/*.json): a tour plays to its end caption by
// caption, a link opens any caption (?tour=ID&at=N), "take over" leaves the
// tour and drops its scripted actions still to come, n and b move through
// the captions, the menu lists the tours, the embed view shows the caption,
// and a tour that cannot be read is named in a notice while the app runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useApp, openApp, audit, serve, DIST } from './harness.mjs';

const env = useApp();

/** The shipped tour `id`, as the app fetches it. */
function tour(id) {
  return JSON.parse(fs.readFileSync(path.join(DIST, 'tours', `${id}.json`), 'utf8'));
}

const step = (page) => page.evaluate(() => window.clusterscope.state().step);

/** Open the app at `query` and wait for the tour's caption panel. */
async function openTour(query, options) {
  const page = await openApp(env.browser, env.server.url + query, options);
  await page.locator('#tour').waitFor();
  return page;
}

/** Wait until the panel shows caption `i` (0-based) of `t`, at its step. */
async function atCaption(page, t, i) {
  const stop = t.stops[i];
  await page.waitForFunction(
    ([want, at]) => document.querySelector('#tour-count')?.textContent === want && window.clusterscope.state().step === at,
    [`${i + 1} / ${t.stops.length}`, stop.step],
  );
  const caption = await page.locator('#tour-caption').innerText();
  assert.ok(caption.includes(stop.caption), `caption ${i + 1}: ${caption}`);
  if (stop.title) assert.ok(caption.includes(stop.title), `title ${i + 1}: ${caption}`);
  await page.waitForFunction((q) => location.search === q, `?tour=${t.id}&at=${i + 1}`);
}

/** Open tour `id` by a link at its caption `at` (1-based), and check it is there. */
async function openAtCaption(id, at) {
  const t = tour(id);
  const page = await openTour(`?tour=${id}&at=${at}`);
  await atCaption(page, t, at - 1);
  return { t, page };
}

test('a tour plays to the end: Next goes from caption to caption, each at its step', async () => {
  const t = tour('raft-basics');
  const page = await openTour('?tour=raft-basics');
  assert.equal(await page.locator('#tour-h').innerText(), t.title);
  assert.equal(await page.locator('#tour-caption').getAttribute('aria-live'), 'polite', 'a screen reader reads each caption');
  for (let i = 0; i < t.stops.length; i++) {
    await atCaption(page, t, i);
    assert.equal(await page.locator('#tour-back').isDisabled(), i === 0);
    assert.equal(await page.locator('#tour-next').isDisabled(), i === t.stops.length - 1);
    if (i < t.stops.length - 1) await page.locator('#tour-next').click();
  }
  await page.locator('#tour-back').click();
  await atCaption(page, t, t.stops.length - 2);
  assert.deepEqual(await audit(page), [], 'the caption panel passes axe-core');
  // The run is the tour's: its scripted actions, the CLI's run.
  const actions = await page.evaluate(() => JSON.parse(window.clusterscope.traceText()).actions);
  assert.deepEqual(actions, t.setup.actions);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('?tour=raft-basics&at=3 opens at the third caption; the address says so; play stops at the next', async () => {
  const { t, page } = await openAtCaption('raft-basics', 3);
  assert.equal(await step(page), t.stops[2].step);
  // Stepping on shows the same caption until the next stop's step.
  await page.locator('#step').click();
  await page.waitForFunction((s) => window.clusterscope.state().step === s, t.stops[2].step + 1);
  assert.equal(await page.locator('#tour-count').innerText(), `3 / ${t.stops.length}`);
  // Play stops at the next caption, for it to be read.
  await page.locator('#play').click();
  await atCaption(page, t, 3);
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  assert.equal(await step(page), t.stops[3].step);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('take over: the tour ends at this step, its scripted actions to come are dropped, play is free', async () => {
  const { t, page } = await openAtCaption('raft-replication', 3);
  const at = t.stops[2].step;
  const later = t.setup.actions.filter((a) => a.step > at);
  assert.ok(later.some((a) => a.do === 'crash' && a.node === 4), 'the tour crashes node 4 later');
  await page.locator('#tour-take-over').click();
  await page.waitForFunction(() => !document.querySelector('#tour'));
  assert.equal(await step(page), at, 'still at the same step');
  const state = await page.evaluate(() => JSON.parse(window.clusterscope.traceText()));
  assert.deepEqual(state.actions, t.setup.actions.filter((a) => a.step <= at));
  // Past the step the tour crashed node 4 at, it runs on; the user's own actions come next.
  await page.evaluate(() => window.clusterscope.step(80));
  assert.equal(await page.evaluate(() => window.clusterscope.state().nodes[4].up), true);
  await page.evaluate(() => window.clusterscope.act({ do: 'crash', node: 0 }));
  await page.waitForFunction(() => new URLSearchParams(location.search).get('algo') === 'raft');
  assert.equal(await page.evaluate(() => new URLSearchParams(location.search).get('tour')), null);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('n and b move through the captions, and the help lists them', async () => {
  const { t, page } = await openAtCaption('paxos-duel', 1);
  await page.keyboard.press('n');
  await atCaption(page, t, 1);
  await page.keyboard.press('n');
  await atCaption(page, t, 2);
  await page.keyboard.press('b');
  await atCaption(page, t, 1);
  await page.keyboard.press('?');
  const help = await page.locator('#help').innerText();
  assert.match(help, /n\s+Next caption/);
  assert.match(help, /b\s+Previous caption/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the menu lists the shipped tours and opens one', async () => {
  const index = JSON.parse(fs.readFileSync(path.join(DIST, 'tours', 'index.json'), 'utf8'));
  const page = await openApp(env.browser, env.server.url + '?seed=2');
  await page.locator('#tours summary').click();
  const buttons = page.locator('#tours button[data-tour]');
  await buttons.first().waitFor();
  assert.deepEqual(await buttons.allInnerTexts(), index.tours.map((e) => e.title));
  assert.deepEqual(await audit(page), [], 'the open menu passes axe-core');
  await page.locator('#tours button[data-tour="lock-fencing"]').click();
  await atCaption(page, tour('lock-fencing'), 0);
  assert.equal(await page.locator('#tours').count(), 0, 'the panel takes the menu\'s place');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a tour that cannot be read is named in a notice, and the app keeps its run', async () => {
  // No such tour: the server answers 404.
  let page = await openApp(env.browser, env.server.url + '?seed=9&tour=nope');
  let notice = page.locator('.notice.error', { hasText: 'nope' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /The tour “nope” cannot be opened \(tours\/nope\.json: 404/);
  assert.equal(await page.evaluate(() => window.clusterscope.state().step), 0);
  await page.locator('#step').click();
  assert.equal(await step(page), 1, 'the app runs on');
  assert.equal(await page.evaluate(() => JSON.parse(window.clusterscope.traceText()).seed), 9, 'the run is kept');
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // A file with a bad field, and one that is not JSON: each named.
  for (const [body, want] of [
    [JSON.stringify({ ...tour('raft-basics'), id: 'broken', stops: [{ step: 'x', caption: 'c' }] }), 'stops[0].step: expected a whole number, got "x"'],
    ['{"format": "clusterscope-tour",', 'not JSON'],
  ]) {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e));
    await page.route('**/tours/broken.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
    await page.goto(env.server.url + '?seed=9&tour=broken');
    notice = page.locator('.notice.error', { hasText: 'broken' });
    await notice.waitFor();
    const text = await notice.innerText();
    assert.ok(text.includes(`tours/broken.json: ${want}`), text);
    assert.equal(await page.evaluate(() => JSON.parse(window.clusterscope.traceText()).seed), 9);
    assert.equal(await page.locator('#tour').count(), 0);
    assert.deepEqual(page.errors, []);
    await context.close();
  }

  // A bad id in the link is named before anything is fetched.
  page = await openApp(env.browser, env.server.url + '?tour=../index');
  await page.locator('.notice.error', { hasText: 'tour: expected a tour id' }).waitFor();
  await page.context().close();
});

test('embedded: the caption and its arrows in a strip above the bar', async () => {
  const t = tour('raft-basics');
  const page = await openTour('?embed=1&tour=raft-basics&at=2', { viewport: { width: 400, height: 300 } });
  await page.waitForFunction((s) => window.clusterscope.state().step === s, t.stops[1].step);
  assert.ok((await page.locator('#tour-caption').innerText()).includes(t.stops[1].caption));
  await page.locator('#tour-next').click();
  await page.waitForFunction((s) => window.clusterscope.state().step === s, t.stops[2].step);
  assert.equal(await page.locator('#tour-count').innerText(), `3 / ${t.stops.length}`);
  const bar = await page.locator('.embed-bar').boundingBox();
  assert.ok(bar.y + bar.height <= 300.5, 'the bar is inside the frame');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 400, 'no sideways scroll');
  const href = await page.locator('#open-full').getAttribute('href');
  assert.equal(new URL(href).search, '?tour=raft-basics&at=3', 'the full app at the same caption');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('postMessage: an embedding page hears the caption shown, with the tour and its place', async () => {
  const t = tour('raft-basics');
  // The parent page, on another origin (another port): it records what the frame posts.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-tour-host-'));
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>docs</title>
    <iframe id="f" width="640" height="400"></iframe>
    <script src="parent.js"></script>`);
  fs.writeFileSync(path.join(dir, 'parent.js'), `window.got = [];
    addEventListener('message', (e) => window.got.push(e.data));
    document.getElementById('f').src = decodeURIComponent(location.hash.slice(1));`);
  const host = await serve(dir);
  const docs = new URL(host.url).origin;
  const context = await env.browser.newContext({ viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  await page.goto(host.url + '#' + encodeURIComponent(`${env.server.url}?embed=1&tour=raft-basics&at=2&parent=${encodeURIComponent(docs)}`));
  const caption = (at) => page.waitForFunction(
    (at) => window.got.find((m) => m.type === 'caption' && m.tour === 'raft-basics' && m.at === at),
    at, { timeout: 20000 },
  ).then((h) => h.jsonValue());
  let event = await caption(2);
  assert.equal(event.of, t.stops.length);
  assert.ok(event.text.includes(t.stops[1].caption), event.text);
  await page.evaluate((step) => document.getElementById('f').contentWindow.postMessage({ clusterscope: 'seek', args: [step], id: 1 }, '*'), t.stops[2].step);
  event = await caption(3);
  assert.ok(event.text.includes(t.stops[2].caption), event.text);
  await context.close();
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
