// Primary-backup behind a failure detector, drawn through the presentation
// contract alone (no web code knows it): a paused primary is suspected
// falsely; with epoch fencing its stale writes are refused, without fencing
// two primaries accept writes and the property turns red.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, nextFrame, useApp, clickNode } from './harness.mjs';

const env = useApp();
const PROPERTY = 'At most one primary per epoch accepts writes';

// Opaque pixels of the canvas's banner band that are clearly red or green:
// the banner's ink and pill.
const bannerHues = (page) => page.evaluate(() => {
  const canvas = document.querySelector('#cluster');
  const rows = Math.round(32 * canvas.width / canvas.getBoundingClientRect().width);
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, rows).data;
  let red = 0, green = 0;
  for (let i = 0; i < d.length; i += 4) {
    const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
    if (a < 200) continue;
    if (r > g + 60 && r > b + 60) red++;
    else if (g > r + 40 && g > b + 20) green++;
  }
  return { red, green };
});

const logRows = (page) => page.locator('#pb-logs-grid tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.querySelectorAll('td[data-index]')].map((td) => td.textContent.trim()).filter(Boolean)));

test('fenced preset: the paused primary wakes, its stale epoch is refused, it steps down', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=pb-false-suspicion-fenced');
  await page.evaluate(() => window.clusterscope.step(300));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  const [client, one, two] = state.nodes;
  assert.equal(client.kind, 'client');
  assert.deepEqual([one.role, one.epoch, two.role, two.epoch], ['backup', 2, 'primary', 2], JSON.stringify(state.nodes));
  assert.equal(state.first_violation ?? null, null);
  assert.ok(await page.locator(`#invariants li.holds[data-property="${PROPERTY}"]`).count() === 1, 'safe throughout');
  const log = await page.locator('#log').innerText();
  assert.match(log, /replica 2 suspects primary 1 \(silent \d+ ms > 200 ms\): promotes itself, epoch 1 → 2/);
  assert.match(log, /replica 2 refuses w\d+ of stale epoch 1: epoch 2 is current/);
  const rows = await logRows(page);
  assert.equal(rows.length, 2, 'a log row per replica');
  assert.ok(rows.every((cells) => cells.length > 0 && cells.every((c) => /^w\d+$/.test(c))), JSON.stringify(rows));
  assert.deepEqual(rows[0].slice(-3), rows[1].slice(-3), 'the rejoined backup follows the primary');
  assert.equal(await page.locator('#pb-suspicion .bars li').count(), 2, 'a suspicion bar per replica');
  const healthy = await bannerHues(page);
  assert.ok(healthy.green > 100 && healthy.red * 4 < healthy.green, `one primary: a green banner ${JSON.stringify(healthy)}`);
  // Each bar is its share of the threshold, drawn to that scale: a full bar
  // is a suspicion, not merely the larger of the two.
  const bars = await page.locator('#pb-suspicion .bars li').evaluateAll((lis) => lis.map((li) => ({
    value: Number(li.dataset.value), width: Number(li.querySelector('rect.fill').getAttribute('width')) })));
  assert.ok(bars.every((b) => Math.abs(b.width - Math.min(b.value, 100)) < 0.01), JSON.stringify(bars));
  assert.ok(bars.some((b) => b.value < 100), `a replica below its threshold: ${JSON.stringify(bars)}`);
  await clickNode(page, 2);
  const fact = await page.locator('#inspector [data-fact="Suspicion of replica"]').innerText();
  assert.match(fact, /^1: silent \d+ ms of 200/);
  assert.match(await page.locator('#cluster').getAttribute('aria-label'), /./);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/pb-fenced.png` });
  await page.context().close();
});

test('split-brain preset: without fencing two primaries accept writes and the property turns red', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=pb-split-brain');
  await page.evaluate(() => window.clusterscope.play());
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false'
    && window.clusterscope.state().step > 0, null, { timeout: 60000 });
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.first_violation?.property, PROPERTY, 'paused at the split brain');
  await page.locator(`#invariants li.broken[data-property="${PROPERTY}"]`).waitFor();
  const roles = state.nodes.filter((n) => n.kind === 'replica').map((n) => n.role);
  assert.deepEqual(roles, ['primary', 'primary'], 'both believe they are primary');
  const log = await page.locator('#log').innerText();
  assert.match(log, /promotes itself, no fencing: same epoch/);
  await nextFrame(page);
  const alarm = await bannerHues(page);
  assert.ok(alarm.red > 100 && alarm.green * 4 < alarm.red, `two primaries: a red banner ${JSON.stringify(alarm)}`);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/pb-split-brain.png` });
  await page.context().close();
});

test('the phi detector is an option of the link, and its level is a fact', async () => {
  const actions = encodeURIComponent(JSON.stringify([{ step: 40, do: 'crash', node: 1 }]));
  const page = await openApp(env.browser, `${env.server.url}?algo=primary-backup&nodes=3&seed=1&detector=phi&actions=${actions}`);
  await page.evaluate(() => window.clusterscope.step(120));
  await nextFrame(page);
  const log = await page.locator('#log').innerText();
  assert.match(log, /replica 2 suspects primary 1 \(phi \d+\.\d\d > 8\.0\): promotes itself, epoch 1 → 2/);
  await clickNode(page, 2);
  assert.match(await page.locator('#inspector [data-fact="Suspicion of replica"]').innerText(), /^1: φ \d+\.\d\d of 8\.0/);
  assert.match(await page.locator('#inspector [data-fact="Inter-arrival mean ± std"]').innerText(), /ms$/);
  await page.context().close();
});

test('chain preset: the head and then the next crash, the tail heads what is left', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=pb-chain-failover');
  await page.evaluate(() => window.clusterscope.step(400));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  const tail = state.nodes[3];
  assert.deepEqual([tail.role, tail.epoch, tail.view], ['primary', 3, [3]], JSON.stringify(tail));
  assert.equal((await logRows(page)).length, 3, 'a log row per replica of the chain');
  const log = await page.locator('#log').innerText();
  assert.match(log, /replica 3 suspects primary 2 .*epoch 2 → 3/, 'it waited for 2, not for 1');
  assert.equal(state.nodes[2].up, false);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/pb-chain.png` });
  await page.context().close();
});
