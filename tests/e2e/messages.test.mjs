// The list of messages in flight: what it lists, keyboard selection shared
// with the canvas, and Drop / Duplicate / Delay from its buttons and from
// the keys, each checked against the world (state(), the trace, the log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, stepUntilLeader, nextFrame, useApp } from './harness.mjs';

const env = useApp();

const inFlight = (page) => page.evaluate(() => window.clusterscope.state().in_flight);
const actions = (page) => page.evaluate(() => window.clusterscope.trace().actions.map(({ step, ...a }) => a));
const listed = (page) => page.locator('#msg-list li[role="option"]').evaluateAll((lis) => lis.map((li) => ({
  id: Number(li.dataset.msg), selected: li.getAttribute('aria-selected') === 'true', text: li.textContent })));
const selectedId = async (page) => (await listed(page)).find((o) => o.selected)?.id ?? null;

/** Step one event at a time until at least `n` messages are in flight. */
async function untilInFlight(page, n) {
  const count = await page.evaluate((n) => {
    const cs = window.clusterscope;
    for (let i = 0; i < 500 && cs.state().in_flight.length < n; i++) cs.step(1);
    return cs.state().in_flight.length;
  }, n);
  assert.ok(count >= n, `${count} messages in flight`);
  await nextFrame(page);
}

test('message list: every message in flight, soonest due first; arrow keys select it on the canvas too', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7');
  await stepUntilLeader(page);
  await untilInFlight(page, 3);
  const msgs = await inFlight(page);
  const due = [...msgs].sort((a, b) => a.deliver_at - b.deliver_at || a.id - b.id);
  const options = await listed(page);
  assert.deepEqual(options.map((o) => o.id), due.map((m) => m.id), 'the list is the world\'s messages, in due order');
  for (const [i, o] of options.entries()) {
    const m = due[i];
    assert.ok(o.text.includes(`${m.type} #${m.id}`), o.text);
    assert.ok(o.text.includes(`${m.from}→${m.to}`), o.text);
    assert.ok(o.text.includes(`due ${m.deliver_at} ms`), o.text);
  }
  // Each label is shown whole: at 1280 px the side column squeezed
  // "ok 0" beside "AppendEntriesReply #38" to a sliver of its "o".
  const cut = await page.locator('#msg-list .label').evaluateAll((ls) =>
    ls.filter((l) => l.textContent && l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent));
  assert.deepEqual(cut, [], 'labels cut short');
  assert.equal(await page.locator('#msg-count').innerText(), `(${msgs.length})`);
  assert.equal(await page.locator('#msg-list').getAttribute('role'), 'listbox');
  assert.equal(await page.locator('#list-drop').isDisabled(), true, 'nothing to act on yet');

  // Keyboard: focus the list, walk it with the arrows, Home and End.
  const step = (await page.evaluate(() => window.clusterscope.state())).step;
  await page.locator('#msg-list').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await selectedId(page), due[0].id);
  assert.equal(await page.locator('#msg-list').getAttribute('aria-activedescendant'), `msg-opt-${due[0].id}`);
  // The canvas's selection is the same message: its inspector shows it.
  assert.match(await page.locator('#msg-inspector pre').innerText(), new RegExp(`"id": ${due[0].id}\\b`));
  await page.keyboard.press('ArrowDown');
  assert.equal(await selectedId(page), due[1].id);
  await page.keyboard.press('End');
  assert.equal(await selectedId(page), due.at(-1).id);
  await page.keyboard.press('Home');
  assert.equal(await selectedId(page), due[0].id);
  assert.equal((await page.evaluate(() => window.clusterscope.state())).step, step, 'selecting changes nothing in the world');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'msg-list', 'focus stays in the list');

  // And the other way: click a message on the canvas, the list selects it.
  await page.keyboard.press('Escape');
  assert.equal(await selectedId(page), null);
  await nextFrame(page);
  const dots = (await page.evaluate(() => window.clusterscope.layout())).messages;
  const target = dots.find((d) => d.id === due[1].id) ?? dots[0];
  await page.locator('#cluster').click({ position: { x: target.x, y: target.y } });
  await page.locator('#msg-inspector').waitFor();
  const picked = Number((await page.locator('#msg-h').innerText()).match(/#(\d+)/)[1]);
  assert.equal(await selectedId(page), picked, 'the list follows the canvas');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('message list buttons: Duplicate adds a copy, Delay moves its delivery 50 ms later, Drop loses it', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7');
  await stepUntilLeader(page);
  await untilInFlight(page, 2);
  const [first] = [...await inFlight(page)].sort((a, b) => a.deliver_at - b.deliver_at || a.id - b.id);
  await page.locator(`#msg-opt-${first.id}`).click();
  assert.equal(await selectedId(page), first.id);

  const before = await inFlight(page);
  await page.locator('#list-dup').click();
  const afterDup = await inFlight(page);
  assert.equal(afterDup.length, before.length + 1, 'one more message in flight');
  const copy = afterDup.find((m) => !before.some((b) => b.id === m.id));
  assert.equal(copy.type, first.type);
  assert.deepEqual([copy.from, copy.to], [first.from, first.to]);
  assert.deepEqual((await actions(page)).at(-1), { do: 'duplicate', msg: first.id });
  await page.waitForFunction((t) => document.querySelector('#log').textContent.includes(t), `${first.type} ${first.id} duplicated as ${copy.id}`);
  await page.waitForFunction((id) => document.querySelector(`#msg-opt-${id}`) !== null, copy.id);

  await page.locator('#list-delay').click();
  const delayed = (await inFlight(page)).find((m) => m.id === first.id);
  assert.equal(delayed.deliver_at, first.deliver_at + 50, 'delivered 50 ms later');
  assert.deepEqual((await actions(page)).at(-1), { do: 'delay', msg: first.id, by: 50 });
  await page.waitForFunction((t) => document.querySelector('#log').textContent.includes(t), `${first.type} ${first.id} delayed by 50 ms`);
  // Now due later, it moved down the list and stays selected.
  assert.equal(await selectedId(page), first.id);
  assert.ok((await listed(page)).findIndex((o) => o.id === first.id) > 0);

  await page.locator('#list-drop').click();
  assert.ok(!(await inFlight(page)).some((m) => m.id === first.id), 'the dropped message is gone');
  assert.deepEqual((await actions(page)).at(-1), { do: 'drop', msg: first.id });
  await page.waitForFunction((id) => document.querySelector(`#msg-opt-${id}`) === null, first.id);
  assert.equal(await page.locator('#list-drop').isDisabled(), true, 'the selection went with it');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('message keys: select in the list, then u duplicates, l delays by 50 ms, d drops', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=11');
  await stepUntilLeader(page);
  await untilInFlight(page, 2);
  await page.locator('#msg-list').focus();
  await page.keyboard.press('ArrowDown');
  const id = await selectedId(page);
  const msg = (await inFlight(page)).find((m) => m.id === id);
  const count = (await inFlight(page)).length;

  await page.keyboard.press('u');
  assert.equal((await inFlight(page)).length, count + 1);
  assert.deepEqual((await actions(page)).at(-1), { do: 'duplicate', msg: id });
  await page.keyboard.press('l');
  assert.equal((await inFlight(page)).find((m) => m.id === id).deliver_at, msg.deliver_at + 50);
  assert.deepEqual((await actions(page)).at(-1), { do: 'delay', msg: id, by: 50 });
  await page.keyboard.press('d');
  assert.ok(!(await inFlight(page)).some((m) => m.id === id));
  assert.equal((await inFlight(page)).length, count, 'one copy added, one dropped');
  assert.deepEqual((await actions(page)).map((a) => a.do), ['duplicate', 'delay', 'drop']);
  const log = await page.locator('#log').innerText();
  assert.match(log, new RegExp(`${msg.type} ${id} duplicated as \\d+`));
  assert.match(log, new RegExp(`${msg.type} ${id} delayed by 50 ms`));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('message list is capped at 50, with "and N more"; an empty world says so', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7');
  await stepUntilLeader(page);
  await untilInFlight(page, 1);
  // Sixty copies of one message: more than the list shows.
  const total = await page.evaluate(() => {
    const cs = window.clusterscope;
    const id = cs.state().in_flight[0].id;
    for (let i = 0; i < 60; i++) cs.act({ do: 'duplicate', msg: id });
    return cs.state().in_flight.length;
  });
  assert.ok(total > 60);
  await nextFrame(page);
  assert.equal((await listed(page)).length, 50);
  assert.equal(await page.locator('#msg-more').innerText(), `and ${total - 50} more`);
  assert.equal(await page.locator('#msg-count').innerText(), `(${total})`);
  await page.context().close();

  // Single-decree Paxos waits for a request: nothing in flight.
  const idle = await openApp(env.browser, env.server.url + '?algo=paxos');
  assert.equal(await idle.locator('#msg-empty').innerText(), 'No message in flight.');
  assert.equal(await idle.locator('#msg-list').count(), 0);
  await idle.context().close();
});
