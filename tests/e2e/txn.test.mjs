// The transaction protocols, drawn through the presentation contract alone
// (no web code knows them): 2PC blocks while its coordinator is down, 3PC
// splits under a partition (Atomicity turns red), a saga unwinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, nextFrame, useApp } from './harness.mjs';

const env = useApp();

const participantRows = (page) => page.locator('#txn-participants-table tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));

test('2PC preset: the coordinator crashes after prepare; participants are blocked until it restarts', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=2pc-coordinator-crash');
  await page.evaluate(() => window.clusterscope.step(25));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.nodes[0].up, false, 'the coordinator is down');
  const participants = state.nodes.filter((n) => n.kind === 'participant');
  assert.ok(participants.length >= 2);
  assert.ok(participants.every((n) => n.state === 'prepared' && n.blocked_since !== null), JSON.stringify(participants));
  const rows = await participantRows(page);
  assert.equal(rows.length, participants.length, 'a row per participant');
  assert.ok(rows.every((cells) => cells.includes('prepared')), JSON.stringify(rows));
  assert.match(await page.locator('#cluster').getAttribute('aria-label'), /./);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/2pc-blocked.png` });

  await page.evaluate(() => window.clusterscope.step(2000));
  const after = await page.evaluate(() => window.clusterscope.state());
  assert.ok(after.nodes.filter((n) => n.kind === 'participant').every((n) => n.state === 'committed'),
    'the restarted coordinator re-sends its logged decision');
  assert.ok(await page.locator('#invariants li.holds').count() >= 2, 'safe throughout');
  await page.context().close();
});

test('3PC preset: a partition during pre-commit splits the decision and Atomicity turns red', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=3pc-partition');
  await page.evaluate(() => window.clusterscope.play());
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false'
    && window.clusterscope.state().step > 0, null, { timeout: 60000 });
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.first_violation?.property, 'Atomicity', 'paused at the split');
  await page.locator('#invariants li.broken[data-property="Atomicity"]').waitFor();
  const rows = await participantRows(page);
  const states = rows.map((cells) => cells[2]);
  assert.ok(states.includes('committed') && states.includes('aborted'), JSON.stringify(rows));
  await page.context().close();
});

test('saga preset: step 3 fails and the strip unwinds into compensations, last first', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=saga-step-3-fails');
  await page.evaluate(() => window.clusterscope.step(3000));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  const orchestrator = state.nodes.find((n) => n.kind === 'orchestrator');
  assert.equal(orchestrator.state, 'compensated');
  const cells = await page.locator('#saga-steps-grid td[data-index]').evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
  assert.ok(cells.some((t) => t.startsWith('C')), `compensations in the strip: ${cells}`);
  const log = await page.locator('#log').innerText();
  assert.match(log, /T3 failed: saga \d+ compensates T2\.\.T1 in reverse/, 'the log says why and in which order');
  assert.match(log, /exposes an intermediate state/, 'the isolation a saga gives up, as an observation');
  assert.ok(await page.locator('#invariants li.broken').count() === 0, 'a compensated saga is safe');
  await page.context().close();
});
