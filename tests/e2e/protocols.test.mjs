// Paxos, Multi-Paxos and the distributed locks in the app, in Debian's
// headless Chromium: the scenarios of issues 3 and 5, driven like a user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, useApp } from './harness.mjs';

const env = useApp();

/** Open the options panel and return it. */
async function openOptions(page) {
  const details = page.locator('details#options');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  return details;
}

test('dueling proposers livelock without back-off; turning it on in the options panel ends the duel', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=dueling-proposers');
  // Step until the duel is on: acceptors have promised round 4 or more and
  // no learner has chosen anything (Paxos Made Simple §2.4, progress).
  const duel = await page.evaluate(() => {
    const cs = window.clusterscope;
    for (let i = 0; i < 100; i++) {
      cs.step(5);
      const nodes = cs.state().nodes;
      const chosen = nodes.some((n) => n.chosen.length > 0);
      const round = Math.max(...nodes.map((n) => (n.promised ? n.promised[0] : 0)));
      if (chosen) return { chosen, round, step: cs.state().step };
      if (round > 3) return { chosen, round, step: cs.state().step };
    }
    return null;
  });
  assert.ok(duel, 'the run went somewhere');
  assert.equal(duel.chosen, false, `nothing chosen while the proposers duel (${JSON.stringify(duel)})`);
  assert.ok(duel.round > 3, `rounds past 3: ${duel.round}`);
  // The page says so too: no value chosen, proposers in rounds past 3.
  await page.waitForFunction(() => /No value chosen yet/.test(document.querySelector('#decision-note')?.textContent));
  const badges = await page.locator('#node-list li[data-role="proposer"] .badge').allInnerTexts();
  assert.ok(badges.some((b) => /(\d+)\.\d/.test(b) && Number(b.match(/(\d+)\.\d/)[1]) > 3), `proposer badges: ${badges}`);

  // Back-off on, as a user does it: the options panel's select.
  const options = await openOptions(page);
  assert.equal(await options.locator('#opt-backoff').inputValue(), 'off');
  await options.locator('#opt-backoff').selectOption('on');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('backoff'));
  // Run (fast) until a value is chosen.
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 12; i++) await page.keyboard.press('+');
  if (await page.locator('#play').isEnabled()) await page.locator('#play').click();
  await page.waitForFunction(() => /^chosen “/.test(document.querySelector('#decision-note')?.textContent || ''), null, { timeout: 10000 });
  await page.evaluate(() => window.clusterscope.pause());
  const text = await page.locator('#decision-note').innerText();
  const m = text.match(/chosen “(\w+)” — ballot (\d+)\.(\d+) by acceptors ([\d, ]+)/);
  assert.ok(m, text);
  const nodes = await page.evaluate(() => window.clusterscope.state().nodes);
  const learned = nodes.flatMap((n) => n.chosen.filter((c) => c.slot === 0).map((c) => c.value));
  assert.ok(learned.length > 0 && learned.every((v) => v === m[1]), `state() agrees: ${learned}`);
  const quorum = m[4].split(', ').map(Number);
  assert.ok(quorum.length >= 2, 'a majority of the 3 acceptors');
  for (const id of quorum) {
    const a = nodes[id].accepted.find((x) => x.slot === 0);
    assert.deepEqual([a.value, a.ballot], [m[1], [Number(m[2]), Number(m[3])]], `acceptor ${id}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a link\'s bug=NAME is shown: in the title, on the property it aims at, in the options, which switch it off', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=paxos&bug=accept-unproposed');
  assert.equal(await page.locator('#bug-tag').innerText(), 'bug=accept-unproposed');
  assert.match(await page.locator('.brand .sub').innerText(), /seed\u00a01 · bug=accept-unproposed$/);
  const validity = page.locator('#invariants li[data-property="Validity"]');
  assert.equal(await validity.locator('.bug-target').innerText(), 'bug=accept-unproposed aims at it');
  assert.equal(await page.locator('#invariants .bug-target').count(), 1, 'only the property it breaks');
  // One changed setting, on a badge: the top bar stays one row at 1280 px.
  assert.equal(await page.locator('#options summary .changed-count').textContent(), '1 changed');
  const rows = await page.evaluate(() => ['.group.world', '.group.misc'].map((s) => document.querySelector(s).getBoundingClientRect().top));
  assert.equal(rows[0], rows[1], `the world's settings and the run's commands on one row: ${rows}`);
  // On the canvas too, so a screenshot of it says so.
  assert.equal(await page.locator('.canvas-wrap .world-name.bug').innerText(), 'bug=accept-unproposed');
  const options = await openOptions(page);
  assert.match(await options.locator('#opt-bug').innerText(), /breaks Validity: A proposer with no reported value/);

  // The bug breaks Validity; switched off, the same run holds at the same step.
  await page.evaluate(() => { window.clusterscope.request(); window.clusterscope.step(30); });
  await page.waitForFunction(() => window.clusterscope.state().first_violation?.property === 'Validity');
  const step = await page.evaluate(() => window.clusterscope.state().step);
  await options.locator('#opt-bug-off').click();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('bug'));
  const after = await page.evaluate(() => window.clusterscope.state());
  assert.equal(after.step, step, 'the run replays to the step it showed');
  assert.equal(after.first_violation, null, 'the correct protocol keeps Validity');
  assert.equal(await page.locator('#bug-tag').count(), 0);
  assert.equal(await page.locator('#invariants .bug-target').count(), 0);
  assert.equal(await page.locator('#options summary .changed-count').count(), 0);
  assert.equal(await page.locator('.world-name').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // An embedded frame has no title bar: the canvas's corner names the bug.
  const embed = await openApp(env.browser, env.server.url + '?embed=1&algo=raft&bug=forget-vote', { viewport: { width: 720, height: 420 } });
  assert.equal(await embed.locator('.canvas-wrap .world-name.bug').innerText(), 'bug=forget-vote');
  assert.deepEqual(embed.errors, []);
  await embed.context().close();

  // A phone-sized frame: with no banner to keep room for, a long bug's
  // name is read whole (it was cut to "bug=co…"), clear of the badge.
  const phone = await openApp(env.browser, env.server.url + '?embed=1&algo=raft&bug=commit-previous-terms', {
    viewport: { width: 390, height: 700 }, hasTouch: true, isMobile: true,
  });
  const corner = await phone.evaluate(() => {
    const name = document.querySelector('.canvas-wrap .world-name.bug');
    const badge = document.querySelector('.canvas-wrap .network-badge');
    return { text: name.textContent, whole: name.scrollWidth <= name.clientWidth, right: name.getBoundingClientRect().right, badge: badge.getBoundingClientRect().left };
  });
  assert.equal(corner.text, 'bug=commit-previous-terms');
  assert.ok(corner.whole, 'the name is not cut');
  assert.ok(corner.right < corner.badge, `the name (to ${corner.right}) stays left of the badge (from ${corner.badge})`);
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test('Kleppmann under lock-lease: the storage property breaks at step 35', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kleppmann-lease');
  await page.evaluate(() => window.clusterscope.seek(34));
  await page.waitForFunction(() => document.querySelector('#stepcount').textContent === 'step 34');
  assert.equal(await page.locator('#invariants li.broken').count(), 0, 'holds at step 34');
  await page.evaluate(() => window.clusterscope.seek(35));
  const broken = page.locator('#invariants li.broken');
  await broken.waitFor();
  assert.match(await broken.innerText(), /broken at step 35/);
  const color = await broken.evaluate((li) => getComputedStyle(li).color);
  const [r, g, b] = color.match(/\d+/g).map(Number);
  assert.ok(r > g && r > b, `drawn red: ${color}`);
  // The stale write with token 33 was accepted after 34.
  const rows = await page.locator('#writes-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ token: tr.querySelector('td[data-col="token"]').textContent.replace('—', ''), accepted: tr.dataset.verdict })));
  assert.deepEqual(rows.slice(0, 2), [{ token: '33', accepted: 'true' }, { token: '34', accepted: 'true' }]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Kleppmann under lock-fenced: the storage rejects token 33 after accepting 34, nothing breaks', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kleppmann-fenced');
  await page.evaluate(() => window.clusterscope.seek(35));
  await page.waitForFunction(() => document.querySelector('#stepcount').textContent === 'step 35');
  assert.equal(await page.locator('#invariants li.broken').count(), 0);
  assert.equal(await page.locator('#invariants li.holds').count(), 1);
  const rows = await page.locator('#writes-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ token: tr.querySelector('td[data-col="token"]').textContent.replace('—', ''), accepted: tr.dataset.verdict, text: tr.innerText })));
  const late = rows.findIndex((r) => r.token === '33' && r.accepted === 'false');
  assert.notEqual(late, -1, `a rejected write with token 33: ${JSON.stringify(rows)}`);
  assert.match(rows[late].text, /✗ rejected/);
  assert.ok(rows.slice(late + 1).some((r) => r.token === '34' && r.accepted === 'true'), 'accepted 34 before it');
  assert.match(await page.locator('#writes-note').innerText(), /Highest token accepted: 34/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a bad option value shows a notice naming it and keeps the run', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=dueling-proposers');
  await page.evaluate(() => window.clusterscope.step(20));
  assert.equal(await page.evaluate(() => window.clusterscope.state().step), 20);
  const before = await page.evaluate(() => JSON.stringify(window.clusterscope.state()));
  const options = await openOptions(page);
  const field = options.locator('#opt-retry_ms');
  await field.fill('soon');
  await field.press('Enter');
  const notice = page.locator('.notice.error').last();
  await notice.waitFor();
  assert.match(await notice.innerText(), /retry_ms/);
  assert.equal(await page.evaluate(() => JSON.stringify(window.clusterscope.state())), before, 'the same run');
  assert.equal(await field.inputValue(), '200', 'the field shows the value in use');
  assert.ok(!page.url().includes('retry_ms'));
  // A good value is taken, replayed to the same step and written in the link.
  await field.fill('300');
  await field.press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('retry_ms') === '300');
  assert.equal(await page.evaluate(() => window.clusterscope.state().step), 20);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Multi-Paxos leader change: the slot grid shows the no-op in slot 1 and "c" in slot 2', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=leader-change-open-slot');
  const done = await page.evaluate(() => {
    const cs = window.clusterscope;
    for (let i = 0; i < 200; i++) {
      cs.step(10);
      const nodes = cs.state().nodes.filter((n) => n.up);
      const has = (slot, value) => nodes.some((n) => n.chosen.some((c) => c.slot === slot && c.value === value));
      if (has(1, 'no-op') && has(2, 'c')) return cs.state().step;
    }
    return null;
  });
  assert.ok(done, 'the new leader fills slot 1 with a no-op and keeps c in slot 2');
  // A chosen slot is drawn solid (`.strong`) in the generic grid.
  const cell = (slot) => `#slots-grid td[data-index="${slot}"].strong`;
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((e) => e.textContent === 'no-op'), cell(1));
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((e) => e.textContent === 'c'), cell(2));
  const legend = await page.locator('#slots-note').innerText();
  assert.match(legend, /accepted/);
  assert.match(legend, /chosen/);
  assert.match(legend, /applied/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a preset link with a step opens at that exact moment', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kleppmann-lease&step=35');
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.step, 35);
  assert.equal(state.first_violation?.step, 35);
  await page.context().close();
  const bad = await openApp(env.browser, env.server.url + '?preset=kleppmann-lease&step=soon');
  await bad.waitForSelector('[role="alert"]');
  assert.match(await bad.locator('[role="alert"]').first().innerText(), /step/);
  await bad.context().close();
});

test('a role named by a key with an underscore reads as words; the key stays in data', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=lock-zk&seed=1');
  const row = page.locator('#node-list li[data-node="0"]');
  assert.equal(await row.getAttribute('data-role'), 'lock_server', 'the key, as postMessage and the trace name it');
  assert.equal(await row.locator('.role').innerText(), 'lock server');
  const key = page.locator('.legend .key[data-role="lock_server"]');
  assert.match(await key.innerText(), /^\s*lock server\s*$/);
  await row.locator('button').click();
  assert.match(await page.locator('#insp-h .chip').innerText(), /^lock server$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the options panel shows what each option does, and a screen reader hears it with the field', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=multipaxos&seed=1', { hasTouch: true });
  await page.locator('details#options summary').click();
  const field = page.locator('#opt-leader_timeout_ms');
  const help = page.locator(`#${await field.getAttribute('aria-describedby')}`);
  assert.ok(await help.isVisible(), 'on screen, not only as a title');
  assert.match(await help.innerText(), /^silence from the leader after which a proposer runs phase 1 .*\(default 200\.\.400\)$/);
  const described = await page.locator('#opt-roles').getAttribute('aria-describedby');
  assert.match(await page.locator(`#${described}`).innerText(), /every node plays every role/);
  // The panel stays inside the window.
  const box = await page.locator('details#options .options-body').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 1280, JSON.stringify(box));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
