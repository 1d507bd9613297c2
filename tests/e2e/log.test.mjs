// The event log folds runs of alike routine lines and can list only the
// notable ones, so a crash does not push the leader change out of view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, nextFrame, stepUntilLeader, useApp } from './harness.mjs';

const env = useApp();

test('event log: "receiver is down" lines fold with a count; notable only keeps the leader change', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=raft&nodes=5&seed=1');
  const leader = await stepUntilLeader(page);
  assert.notEqual(leader, null);
  const victim = (leader + 1) % 5;
  await page.evaluate((victim) => {
    window.clusterscope.act({ do: 'crash', node: victim });
    window.clusterscope.step(400);
  }, victim);
  await nextFrame(page);
  const lines = await page.locator('#log li').evaluateAll((lis) => lis.map((li) => ({
    count: Number(li.dataset.count), text: li.textContent, cls: li.className })));
  const folded = lines.filter((l) => l.count > 1 && /receiver is down/.test(l.text));
  assert.ok(folded.length > 0, 'the heartbeats to the crashed node fold');
  assert.match(folded[0].text, /×\d+/, 'a folded line shows its count');
  const shown = lines.reduce((n, l) => n + l.count, 0);
  assert.ok(lines.length < shown, `${lines.length} lines stand for ${shown}`);

  await page.locator('#log-notable').check();
  await nextFrame(page);
  const notable = await page.locator('#log li').evaluateAll((lis) => lis.map((li) => ({ text: li.textContent, cls: li.className })));
  assert.ok(notable.length > 0);
  assert.ok(notable.every((l) => /lvl-(notice|warn)/.test(l.cls)), 'only notable lines');
  assert.ok(notable.some((l) => new RegExp(`node ${leader} is leader of term`).test(l.text)), 'the leader change stays in view');
  assert.ok(notable.some((l) => new RegExp(`node ${victim} crashed`).test(l.text)));
  await page.locator('#log-notable').uncheck();
  await nextFrame(page);
  assert.ok(await page.locator('#log li.lvl-info').count() > 0, 'every line again');
  await page.context().close();
});

test('a violation cannot be missed: playback pauses at the first one and says which property broke', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kleppmann-lease');
  await page.evaluate(() => { window.clusterscope.play(); });
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false'
    && window.clusterscope.state().step > 0, null, { timeout: 60000 });
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.ok(state.first_violation, 'the preset breaks a property');
  assert.equal(state.step, state.first_violation.step, 'paused on the violating step');
  const notice = await page.locator('.notice.error').last().innerText();
  assert.match(notice, new RegExp(`Paused at step ${state.step}: ${state.first_violation.property} is violated: `));
  // The detail reads on from the colon, and the notice ends in a whole sentence.
  assert.ok(notice.includes(`is violated: ${state.first_violation.detail}. Play goes on;`), notice);
  assert.equal(await page.locator('#pause-on-violation').isChecked(), true, 'on by default');
  // The nodes the violation names carry a red ring on the canvas, and the legend says what it means.
  assert.deepEqual(state.violation.nodes, [1, 2, 3], 'the storage and both clients');
  await page.locator('#legend-blamed').waitFor();
  const ring = (id) => page.evaluate((id) => {
    const layout = window.clusterscope.layout();
    const node = layout.nodes.find((n) => n.id === id);
    const canvas = document.querySelector('#cluster');
    const scale = canvas.width / layout.width;
    const px = canvas.getContext('2d').getImageData(Math.round((node.x - node.r - 5) * scale), Math.round(node.y * scale), 1, 1).data;
    return [px[0], px[1], px[2]];
  }, id);
  const red = ([r, g, b]) => r > 180 && g < 90 && b < 90;
  assert.ok(red(await ring(1)), `node 1 is ringed in red: ${await ring(1)}`);
  assert.ok(!red(await ring(0)), `node 0 (the lock server) is not: ${await ring(0)}`);
  await page.context().close();
});

test('an empty event log says where its lines come from; with "notable only", what it hides', async () => {
  // The hash ring's default run gossips only: the panel was blank.
  const page = await openApp(env.browser, env.server.url + '?algo=ring&seed=1&step=200');
  assert.equal(await page.locator('#log li').count(), 0);
  assert.match(await page.locator('#log-empty').innerText(), /^Nothing logged yet\. .*a click on a line goes to its step\.$/);
  await page.evaluate(() => window.clusterscope.act({ do: 'crash', node: 1 }));
  await page.waitForFunction(() => document.querySelector('#log li') !== null);
  assert.equal(await page.locator('#log-empty').count(), 0, 'gone with the first line');
  await page.context().close();

  const raft = await openApp(env.browser, env.server.url + '?seed=1&step=3');
  await raft.locator('#log-notable').check();
  assert.match(await raft.locator('#log-empty').innerText(), /^No notable line yet.* Clear "notable only" for every line\.$/);
  assert.deepEqual(raft.errors, []);
  await raft.context().close();
});
