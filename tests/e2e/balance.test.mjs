// Load balancing, drawn through the presentation contract alone: its charts
// are the generic Series panel (inline SVG polylines, no style attributes,
// a caption and an accessible name with the latest values). With a slow
// server, round robin fills its queue; least-outstanding routes around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, nextFrame, useApp } from './harness.mjs';

const env = useApp();

async function run(preset, steps) {
  const page = await openApp(env.browser, `${env.server.url}?preset=${preset}`);
  await page.evaluate((n) => window.clusterscope.step(n), steps);
  await nextFrame(page);
  return page;
}

test('round robin with a slow server: the charts draw, the slow queue fills and p99 climbs', async () => {
  const page = await run('balance-slow-server-round-robin', 4000);
  const state = await page.evaluate(() => window.clusterscope.state());
  const balancer = state.nodes[0];
  assert.equal(balancer.kind, 'balancer');
  assert.equal(balancer.strategy, 'round-robin');
  assert.ok(balancer.rejected > 0, JSON.stringify(balancer));
  assert.equal(state.nodes[2].slow, true);
  const chart = page.locator('#balance-queues-chart');
  assert.equal(await chart.locator('polyline').count(), 4, 'a line per server');
  const points = await chart.locator('polyline').first().getAttribute('points');
  assert.ok(points.split(' ').length > 10, points);
  assert.equal(await chart.locator('[style]').count(), 0, 'no inline style under the strict CSP');
  const label = await page.locator('#balance-latency-chart svg').getAttribute('aria-label');
  assert.match(label, /^p50 \d+ ms, p99 \d+ ms; scale 0 to \d+ ms; \d+ samples/);
  assert.equal(await page.locator('#balance-latency-chart [data-line="p99"]').getAttribute('data-latest'), String(balancer.p99_ms));
  assert.match(await page.locator('#log').innerText(), /server 2's queue is full \(32\): it refuses r\d+/);
  assert.equal(await page.locator('#balance-load .bars li').count(), 4);
  assert.ok(await page.locator('#invariants li.holds').count() === 2, 'nothing lost, queues bounded');
  await page.locator('#balance-queues').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/balance-round-robin.png`, fullPage: true });
  await page.context().close();
});

test('least outstanding on the same seed and stream: nothing refused, p99 below round robin', async () => {
  const page = await run('balance-slow-server-least-outstanding', 4000);
  const balancer = (await page.evaluate(() => window.clusterscope.state())).nodes[0];
  assert.equal(balancer.strategy, 'least-outstanding');
  assert.equal(balancer.rejected, 0);
  const rr = await run('balance-slow-server-round-robin', 4000);
  const rrP99 = (await rr.evaluate(() => window.clusterscope.state())).nodes[0].p99_ms;
  await rr.context().close();
  assert.ok(balancer.p99_ms < rrP99, `least-outstanding p99 ${balancer.p99_ms} < round-robin ${rrP99}`);
  await page.locator('#balance-latency').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/balance-least-outstanding.png`, fullPage: true });
  await page.context().close();
});

test('the strategy is a menu of its four words; choosing one replays the run under it', async () => {
  // It was a text field, its words only in its description.
  const page = await openApp(env.browser, `${env.server.url}?algo=balance&seed=1`);
  await page.locator('details#options summary').click();
  const menu = page.locator('select#opt-strategy');
  assert.deepEqual(await menu.locator('option').evaluateAll((os) => os.map((o) => o.value)),
    ['round-robin', 'least-outstanding', 'ring', 'two-choices']);
  await menu.selectOption('two-choices');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('strategy') === 'two-choices');
  assert.match(await page.locator('#node-list li[data-node="0"] .badge').innerText(), /two-choices/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
