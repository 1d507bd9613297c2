// Partition mode: no shift-click needed. The toolbar toggle (or g) starts
// it, a click or tap on a node puts it on the picked side, Apply (or Enter)
// cuts the cluster in two, Escape (or Cancel) leaves without cutting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, clickNode, nextFrame, useApp } from './harness.mjs';

const env = useApp();

const actions = (page) => page.evaluate(() => window.clusterscope.trace().actions.map(({ step, ...a }) => a));
const barText = (page) => page.locator('#partition-text').innerText();

test('partition mode: toggle, click nodes on the canvas and in the list, Enter applies; the help lists it', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=9');
  await page.evaluate(() => window.clusterscope.step(20));
  await page.locator('#partition-mode').click();
  assert.equal(await page.locator('#partition-mode').getAttribute('aria-pressed'), 'true');
  await page.locator('#partition-bar').waitFor();
  assert.equal(await page.locator('#partition-apply').isDisabled(), true, 'nothing picked yet');

  // Plain clicks pick: on the canvas, and in the node list.
  await clickNode(page, 0);
  await page.locator('#node-list li[data-node="3"] button').click();
  await page.waitForFunction(() => document.querySelector('#partition-text').textContent === 'Partition {0,3} | {1,2,4}');
  assert.equal(await page.locator('#inspector').count(), 0, 'a click in partition mode picks, it does not inspect');
  // A second click puts a node back.
  await clickNode(page, 1);
  await clickNode(page, 1);
  assert.equal(await barText(page), 'Partition {0,3} | {1,2,4}');
  assert.deepEqual(await actions(page), [], 'nothing is cut before Apply');

  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#log').textContent.includes('partition {0,3} | {1,2,4}'));
  assert.deepEqual(await actions(page), [{ do: 'partition', groups: [[0, 3]] }]);
  assert.equal(await page.locator('#partition-bar').count(), 0, 'the mode ends');
  assert.equal(await page.locator('#partition-mode').getAttribute('aria-pressed'), 'false');
  // The cut is real: a message from node 0 to node 1 is lost on the link.
  const lost = await page.evaluate(() => {
    const cs = window.clusterscope;
    for (let i = 0; i < 3000; i++) {
      cs.step(1);
      const e = cs.state().event;
      if (e.type === 'lost' && e.reason === 'link is cut') return e.msg;
    }
    return null;
  });
  assert.ok(lost, 'a message was lost on a cut link');
  assert.notEqual([0, 3].includes(lost.from), [0, 3].includes(lost.to), 'across the partition');

  // The keys: g starts it, Escape cancels without cutting anything.
  await page.keyboard.press('g');
  await page.locator('#partition-bar').waitFor();
  await clickNode(page, 2);
  await page.waitForFunction(() => document.querySelector('#partition-text').textContent.startsWith('Partition {2}'));
  await page.keyboard.press('Escape');
  await page.locator('#partition-bar').waitFor({ state: 'detached' });
  assert.deepEqual((await actions(page)).map((a) => a.do), ['partition']);
  assert.equal(await page.locator('#picked').innerText(), 'Shift-click nodes, or use partition mode (g), to pick a group');

  // Enter with nothing picked: a clear error naming the action, world kept.
  await page.keyboard.press('g');
  await page.locator('#partition-bar').waitFor();
  await page.keyboard.press('Enter');
  const notice = page.locator('.notice.error').last();
  await notice.waitFor();
  assert.match(await notice.innerText(), /^partition: pick some nodes, but not all of them/);
  assert.deepEqual((await actions(page)).map((a) => a.do), ['partition']);
  await page.locator('#partition-cancel').click();
  await page.locator('#partition-bar').waitFor({ state: 'detached' });

  await page.keyboard.press('Shift+Slash');
  const help = await page.locator('#help').innerText();
  assert.ok(help.includes('Partition mode: click or tap nodes'), 'g is in the help');
  assert.ok(help.includes('Apply the partition'), 'Enter is in the help');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('partition mode by touch on a phone: tap the toggle, tap nodes, tap Apply', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=4&nodes=5',
    { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await page.locator('#partition-mode').tap();
  await page.locator('#partition-bar').waitFor();
  await nextFrame(page);
  const { nodes } = await page.evaluate(() => window.clusterscope.layout());
  for (const id of [1, 2]) {
    const n = nodes.find((p) => p.id === id);
    const box = await page.locator('#cluster').boundingBox();
    await page.touchscreen.tap(box.x + n.x, box.y + n.y);
  }
  await page.waitForFunction(() => document.querySelector('#partition-text').textContent === 'Partition {1,2} | {0,3,4}');
  await page.locator('#partition-apply').tap();
  await page.waitForFunction(() => document.querySelector('#log').textContent.includes('partition {1,2} | {0,3,4}'));
  assert.deepEqual(await actions(page), [{ do: 'partition', groups: [[1, 2]] }]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
