// The ABD quorum register, drawn through the presentation contract alone
// (no web code knows it): without the write-back a later read returns the
// older value and Linearizability turns red naming the three clients; with
// it the same cut links leave the history linearizable. The trace's
// history validates against its schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Ajv from 'ajv';
import { openApp, nextFrame, useApp } from './harness.mjs';

const env = useApp();

const historyRows = (page) => page.locator('#abd-history-table tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));

test('ABD without write-back: the new-old inversion is caught with its three operations', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=abd-new-old-inversion');
  await page.evaluate(() => window.clusterscope.step(23));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.first_violation?.property, 'Linearizability');
  assert.equal(state.first_violation?.step, 23);
  await page.locator('#invariants li.broken[data-property="Linearizability"]').waitFor();
  const detail = state.first_violation.detail;
  assert.match(detail, /client 4 read 1/);
  assert.match(detail, /client 5 read nil/);
  const servers = state.nodes.filter((n) => n.kind === 'server');
  assert.deepEqual(servers.map((s) => s.registers.length), [1, 0, 0], 'only server 0 holds the write');
  const rows = await historyRows(page);
  const reads = rows.filter((cells) => cells[1] === 'read').map((cells) => [cells[0], cells[3]]);
  assert.deepEqual(reads, [['4', '1'], ['5', 'nil']], JSON.stringify(rows));
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/abd-inversion.png` });

  const trace = JSON.parse(await page.evaluate(() => window.clusterscope.traceText()));
  const schema = JSON.parse(fs.readFileSync(new URL('./schemas/history.schema.json', import.meta.url), 'utf8'));
  const validate = new Ajv({ allErrors: true }).compile(schema);
  assert.ok(validate(trace.history), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  assert.deepEqual(trace.history[0], { process: 0, type: 'invoke', f: 'write', key: 'x', value: 1, time: 0, step: 0 });
  // The schema can fail: an operation without its type is refused.
  const broken = structuredClone(trace.history);
  delete broken[0].type;
  assert.equal(validate(broken), false);
  await page.context().close();
});

test('ABD as published: the write-back keeps the later read current', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=abd-write-back');
  await page.evaluate(() => window.clusterscope.step(60));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.first_violation ?? null, null);
  const rows = await historyRows(page);
  const reads = rows.filter((cells) => cells[1] === 'read').map((cells) => [cells[0], cells[3]]);
  assert.deepEqual(reads, [['4', '1'], ['5', '1']], JSON.stringify(rows));
  assert.ok(await page.locator('#invariants li.holds').count() >= 2, 'safe throughout');
  await page.context().close();
});

test('a link names its network mode and the trace records it; drop is refused on a reliable network', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=raft&seed=3&network=reliable&drop=0.3');
  await page.evaluate(() => window.clusterscope.step(300));
  const trace = JSON.parse(await page.evaluate(() => window.clusterscope.traceText()));
  assert.equal(trace.config.network, 'reliable');
  const lost = trace.steps.filter((s) => s.event?.type === 'lost');
  assert.equal(lost.length, 0, 'nothing lost on a reliable network despite drop=0.3');
  const plain = await openApp(env.browser, env.server.url + '?algo=raft&seed=3');
  await plain.evaluate(() => window.clusterscope.step(10));
  const lossy = JSON.parse(await plain.evaluate(() => window.clusterscope.traceText()));
  assert.equal('network' in lossy.config, false, 'the default is left out');
  // The canvas shows the mode, and the Network menu changes it.
  assert.equal(await page.locator('#network-mode').innerText(), 'reliable network');
  assert.equal(await plain.locator('#network-mode').innerText(), 'lossy network');
  await plain.locator('details.network summary').click();
  await plain.locator('#net-mode').selectOption('at-least-once');
  await plain.locator('#network-mode', { hasText: 'at-least-once network' }).waitFor();
  assert.match(plain.url(), /network=at-least-once/);
  await page.context().close();
  await plain.context().close();
});
