// Controls of the playback bar and the node inspector, each checked against
// the world: pause stops the clock, the cut select cuts exactly that link,
// the client-request form reaches the replicated log, a world that waits
// for a client offers the request its protocol takes, and a violated
// property's button jumps back to the step where it first broke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, stepUntilLeader, useApp } from './harness.mjs';

const env = useApp();

const state = (page) => page.evaluate(() => window.clusterscope.state());
const actions = (page) => page.evaluate(() => window.clusterscope.trace().actions.map(({ step, ...a }) => a));
const logHas = (page, text) => page.waitForFunction((t) => document.querySelector('#log').textContent.includes(t), text);

test('pause: Play runs the world, Pause stops it where it is, Space plays again', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=3');
  await page.locator('#play').click();
  await page.waitForFunction(() => window.clusterscope.state().step > 5);
  await page.locator('#play').click();
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  const paused = (await state(page)).step;
  await page.waitForTimeout(400);
  assert.equal((await state(page)).step, paused, 'nothing happens while paused');
  assert.equal(await page.locator('#stepcount').innerText(), `step ${paused}`);
  await page.keyboard.press(' ');
  await page.waitForFunction((s) => window.clusterscope.state().step > s, paused);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('cut a link from the inspector\'s select: that one way only, and messages on it are lost', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=9');
  const leader = await stepUntilLeader(page);
  const to = (leader + 1) % 5;
  await page.locator(`#node-list li[data-node="${leader}"] button`).click();
  await page.locator('#inspector').waitFor();
  await page.locator('#cut-to').selectOption(String(to));
  await page.locator('#cut').click();
  assert.deepEqual(await actions(page), [{ do: 'cut', from: leader, to }]);
  await logHas(page, `link ${leader}→${to} cut`);
  assert.match(await page.locator(`#cut-to option[value="${to}"]`).innerText(), /\(cut\)/);
  // The leader's heartbeats to that node are lost; replies the other way still arrive.
  const seen = await page.evaluate(({ leader, to }) => {
    const cs = window.clusterscope;
    const out = { lostOnCut: 0, deliveredBack: 0, deliveredOnCut: 0 };
    for (let i = 0; i < 600; i++) {
      cs.step(1);
      const e = cs.state().event;
      if (!e.msg) continue;
      if (e.msg.from === leader && e.msg.to === to) {
        if (e.type === 'lost') out.lostOnCut++; else if (e.type === 'deliver') out.deliveredOnCut++;
      }
      if (e.type === 'deliver' && e.msg.from === to && e.msg.to === leader) out.deliveredBack++;
    }
    return out;
  }, { leader, to });
  assert.equal(seen.deliveredOnCut, 0, JSON.stringify(seen));
  assert.ok(seen.lostOnCut > 0, JSON.stringify(seen));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('client request form: the command reaches the leader\'s log; an empty one is refused, naming the field', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=5');
  const leader = await stepUntilLeader(page);
  await page.locator(`#node-list li[data-node="${leader}"] button`).click();
  await page.locator('#request-cmd').fill('x=42');
  await page.locator('#request-cmd').press('Enter');
  assert.deepEqual(await actions(page), [{ do: 'request', node: leader, cmd: 'x=42' }]);
  await logHas(page, `client request "x=42" to node ${leader}`);
  assert.equal(await page.locator('#request-cmd').inputValue(), '', 'the field is ready for the next one');
  await page.evaluate(() => window.clusterscope.step(300));
  const nodes = (await state(page)).nodes;
  for (const n of nodes) {
    assert.ok(n.log.some((e) => e.cmd === 'x=42'), `node ${n.id} holds x=42`);
    assert.ok(n.commit_index >= n.log.findIndex((e) => e.cmd === 'x=42') + 1, `node ${n.id} committed it`);
  }
  // Empty: an error notice naming the request, nothing added.
  const step = (await state(page)).step;
  await page.locator('#inspector button[type="submit"]').click();
  const notice = page.locator('.notice.error').last();
  await notice.waitFor();
  assert.match(await notice.innerText(), /^request: type a command first/);
  assert.equal((await actions(page)).length, 1);
  assert.equal((await state(page)).step, step);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a world that waits for a client offers a request: the caption\'s button and q send it where the protocol takes it', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=2pc');
  const offer = page.locator('#send-request');
  assert.match(await offer.innerText(), /^Send t1 to node 0/);
  assert.match(await page.locator('#caption').innerText(), /It waits for a client: press Send \(q\), or select a node/);
  assert.ok(await page.locator('#play').isDisabled(), 'nothing to play yet');
  await offer.click();
  assert.deepEqual(await actions(page), [{ do: 'request', node: 0, cmd: 't1' }]);
  await logHas(page, 'client request "t1" to node 0');
  await page.locator('#play:not([disabled])').waitFor();
  assert.equal(await offer.count(), 0, 'the world moves: no offer');
  // Run to the end of the transaction: the coordinator takes the next one.
  await page.evaluate(() => window.clusterscope.step(2000));
  assert.match(await page.locator('#caption').innerText(), /Nothing is left to happen: press Send \(q\) for another client request/);
  assert.match(await offer.innerText(), /^Send t2 to node 0/);
  await page.keyboard.press('q');
  assert.deepEqual((await actions(page)).map((a) => a.cmd), ['t1', 't2']);
  // The inspector's example is the node's own; a participant takes none.
  await page.locator('#node-list li[data-node="1"] button').click();
  assert.equal(await page.locator('#request-cmd').getAttribute('placeholder'), 'x=1');
  assert.match(await page.locator('#request-note').innerText(), /^Node 1 takes no client request now/);
  await page.locator('#node-list li[data-node="0"] button').click();
  await page.evaluate(() => window.clusterscope.step(2000));
  assert.equal(await page.locator('#request-cmd').getAttribute('placeholder'), 't3');
  assert.equal(await page.locator('#request-note').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a world that polls while it waits for a client (the outbox) offers a request with Play on, until the service has a change', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=outbox');
  const offer = page.locator('#send-request');
  assert.match(await offer.innerText(), /^Send change 1 to node 0/);
  assert.match(await page.locator('#caption').innerText(), /Nothing changes until a client asks: press Send \(q\) to send a request\./);
  assert.ok(!(await page.locator('#play').isDisabled()), 'the relay polls: Play stays on');
  // Playing on shows the relay polling an empty outbox, and the offer stays.
  await page.evaluate(() => window.clusterscope.step(10));
  assert.match(await offer.innerText(), /^Send change 1 to node 0/);
  await offer.click();
  assert.deepEqual(await actions(page), [{ do: 'request', node: 0, cmd: 'change 1' }]);
  await page.evaluate(() => window.clusterscope.step(1));
  await page.locator('#send-request').waitFor({ state: 'detached' });
  assert.doesNotMatch(await page.locator('#caption').innerText(), /Nothing changes until a client asks/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('q with no node taking a request (Raft before its first leader): an error notice, and nothing is sent', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=5');
  await page.keyboard.press('q');
  const notice = page.locator('.notice.error').last();
  await notice.waitFor();
  assert.match(await notice.innerText(), /^request: no running node takes a client request now; play on until one does/);
  assert.deepEqual(await actions(page), []);
  // With a leader, q sends to it.
  const leader = await stepUntilLeader(page);
  await page.keyboard.press('q');
  assert.deepEqual(await actions(page), [{ do: 'request', node: leader, cmd: 'x=1' }]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the inspector opens under the list its selection is in: a node\'s under the nodes, in view; a message\'s under the messages', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=2pc&actions=' + encodeURIComponent('[{"step":0,"do":"request","node":0,"cmd":"t1"}]'));
  await page.locator('#node-list li[data-node="1"] button').click();
  const inspector = page.locator('#inspector');
  await inspector.waitFor();
  const after = (sel) => page.evaluate((s) => document.querySelector(s).closest('.side > *').nextElementSibling?.id, sel);
  assert.equal(await after('#node-list'), 'inspector', 'right under the nodes');
  const box = await inspector.boundingBox();
  assert.ok(box.y < 800 - 60, `its head is on screen: ${JSON.stringify(box)}`);
  // In the reading order too: the next thing Tab reaches after the node panel.
  const next = await page.evaluate(() => {
    const all = [...document.querySelectorAll('.side button, .side input, .side select')].filter((e) => !e.disabled);
    const last = all.filter((e) => e.closest('#node-list, .partition')).at(-1);
    return all[all.indexOf(last) + 1].closest('#inspector') !== null;
  });
  assert.equal(next, true, 'the inspector comes next after the node panel');
  await page.evaluate(() => window.clusterscope.step(1));
  await page.locator('#msg-list [role="option"]').first().click();
  await page.locator('#msg-inspector').waitFor();
  assert.equal(await after('#msg-list'), 'msg-inspector', 'a message\'s under the messages');
  assert.equal(await page.locator('#inspector').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('jump to the first violation: Play pauses there; later the property\'s button seeks back to it', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kleppmann-lease');
  await page.keyboard.press('+');
  await page.locator('#play').click();
  await page.waitForFunction(() => window.clusterscope.state().first_violation !== null
    && document.querySelector('#play').getAttribute('aria-pressed') === 'false', null, { timeout: 60000 });
  const first = (await state(page)).first_violation;
  assert.equal((await state(page)).step, first.step, 'paused on the violating step');
  // Go on past it, then jump back with the button.
  await page.evaluate(() => window.clusterscope.step(100));
  assert.equal((await state(page)).step, first.step + 100);
  const button = page.locator(`#invariants li.broken[data-property="${first.property}"] button`);
  assert.match(await button.innerText(), new RegExp(`broken at step ${first.step}`));
  await button.click();
  assert.equal((await state(page)).step, first.step);
  await page.waitForFunction((s) => document.querySelector('#stepcount').textContent === `step ${s}`, first.step);
  assert.equal((await state(page)).violation?.property, first.property, 'the broken state is on screen');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
