// The CAP stores, drawn through the presentation contract alone (no web
// code knows them): the same partition preset against kv-raft (CP) and
// kv-lww (AP). The CP store's minority client gives up and every read sees
// 103: the verdict panel says linearizable. The AP store accepts both
// writes, a read returns the overwritten value, and on heal one
// acknowledged update is lost: the panel says why and counts it. Both
// traces carry the clients' history, valid against its schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Ajv from 'ajv';
import { openApp, nextFrame, useApp } from './harness.mjs';

const env = useApp();
const shots = process.env.CLUSTERSCOPE_SHOTS ?? '/tmp';

const historyRows = (page) => page.locator('#kv-history-table tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
const verdict = (page) => page.locator('#kv-verdict dd[data-fact="Verdict"]').innerText();

function validHistory(trace) {
  const schema = JSON.parse(fs.readFileSync(new URL('./schemas/history.schema.json', import.meta.url), 'utf8'));
  const validate = new Ajv({ allErrors: true }).compile(schema);
  assert.ok(validate(trace.history), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
}

test('kv-raft under the partition: the minority gives up, the verdict is linearizable', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kv-raft-partition');
  await page.evaluate(() => window.clusterscope.step(200));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.first_violation ?? null, null);
  assert.equal(await verdict(page), 'Linearizable: yes (4 operations checked)');
  const rows = await historyRows(page);
  const write4 = rows.find((r) => r[0] === '4' && r[1] === 'write');
  assert.ok(['info', 'fail'].includes(write4[4]), JSON.stringify(rows));
  assert.deepEqual(rows.filter((r) => r[1] === 'read').map((r) => r[3]), ['103', '103']);
  const servers = state.nodes.filter((n) => n.kind === 'server');
  assert.deepEqual(servers.map((s) => s.store.x), [103, 103, 103], 'after the heal every server applied 103');
  await page.locator('#invariants li.holds[data-property="Linearizability"]').waitFor();
  await page.screenshot({ path: `${shots}/kv-raft-partition.png` });
  await page.locator('#kv-verdict').scrollIntoViewIfNeeded();
  await page.locator('#kv-verdict').screenshot({ path: `${shots}/kv-raft-verdict.png` });
  validHistory(JSON.parse(await page.evaluate(() => window.clusterscope.traceText())));
  await page.context().close();
});

test('kv-lww under the same partition: not linearizable, and one update lost on heal', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kv-lww-partition');
  await page.evaluate(() => window.clusterscope.step(59));
  await nextFrame(page);
  assert.match(await verdict(page), /^Linearizable: no — client 3 read x=103 at \d+ ms after client 4's write x=104 had completed/);
  await page.evaluate(() => window.clusterscope.step(141));
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.first_violation ?? null, null, 'a correct AP store: its own properties hold');
  assert.equal(await page.locator('#kv-verdict dd[data-fact="Lost updates"]').innerText(), '1');
  assert.match(await page.locator('#kv-verdict dd[data-fact="Lost"]').first().innerText(), /^x=103 @\d+\.0 \(replica 0\) lost to x=104/);
  const replicas = state.nodes.filter((n) => n.kind === 'replica');
  assert.deepEqual(replicas.map((r) => r.store.x.value), [104, 104, 104], 'converged on the later timestamp');
  assert.deepEqual(replicas.map((r) => r.lost), [1, 0, 0]);
  const rows = await historyRows(page);
  assert.ok(rows.every((r) => r[4] === 'ok'), 'available on both sides');
  await page.screenshot({ path: `${shots}/kv-lww-partition.png` });
  await page.locator('#kv-verdict').scrollIntoViewIfNeeded();
  await page.locator('#kv-verdict').screenshot({ path: `${shots}/kv-lww-verdict.png` });
  validHistory(JSON.parse(await page.evaluate(() => window.clusterscope.traceText())));
  await page.context().close();
});
