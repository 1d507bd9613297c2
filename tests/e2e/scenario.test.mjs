// A catalog scenario explains itself wherever it opens (the menu or a
// ?preset= link), offers to jump to the step where it happens, and links
// name the scenario while the run still is it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp } from './harness.mjs';

const env = useApp();

test('a ?preset= link shows its card; "jump" goes to its moment; the address names the scenario', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=kleppmann-lease');
  const card = page.locator('#scenario');
  await card.waitFor();
  assert.match(await card.innerText(), /Kleppmann/i);
  const jump = page.locator('#scenario-jump');
  assert.equal(await jump.innerText(), 'Jump to step 35: the storage accepts the stale write');
  await jump.click();
  await page.waitForFunction(() => window.clusterscope.state().step === 35);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.first_violation.step, 35, 'the moment is where the property breaks');
  assert.equal(await jump.isDisabled(), true, 'already there');
  // At the moment, with the violation spelled out in the safety panel at
  // the column's foot, the button is in view and nothing covers it (below
  // the description, that panel covered its lower half).
  const covered = await jump.evaluate((b) => {
    const r = b.getBoundingClientRect();
    return [0.25, 0.5, 0.85].map((f) => {
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height * f);
      return hit && b.contains(hit) ? null : `${f}: ${hit ? hit.closest('section')?.id || hit.tagName : 'nothing'}`;
    }).filter(Boolean);
  });
  assert.deepEqual(covered, [], 'the jump button is uncovered at 1280×800');
  // However long the side column, the safety panel is in view, not under the fold.
  const inView = await page.evaluate(() => {
    const r = document.querySelector('#safety').getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 30));
    return r.top >= 0 && r.top < innerHeight - 40 && document.querySelector('#safety').contains(hit);
  });
  assert.ok(inView, 'the safety panel is visible at 1280×800 with the scenario card open');
  await page.waitForFunction(() => location.search === '?v=1&preset=kleppmann-lease&step=35');

  // Another action makes it another run: the card goes, the address spells the run out.
  await page.evaluate(() => window.clusterscope.act({ do: 'crash', node: 2 }));
  await page.waitForFunction(() => !document.querySelector('#scenario'));
  await page.waitForFunction(() => new URLSearchParams(location.search).get('algo') === 'lock-lease');
  assert.match(await page.evaluate(() => new URLSearchParams(location.search).get('actions')), /"crash"/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the scenario menu opens the same card, and it can be put away', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=1');
  assert.equal(await page.locator('#scenario').count(), 0, 'no scenario yet');
  await page.locator('#preset').selectOption('2pc-coordinator-crash');
  await page.locator('#scenario').waitFor();
  assert.equal(await page.locator('#scenario-jump').innerText(), 'Jump to step 11: every participant is in doubt and blocked');
  await page.locator('#scenario-jump').click();
  await page.waitForFunction(() => window.clusterscope.state().step === 11);
  assert.match(await page.locator('#caption').innerText(), /^Step 11/);
  await page.locator('#scenario-close').click();
  await page.waitForFunction(() => !document.querySelector('#scenario'));
  assert.equal(await page.evaluate(() => location.search), '?v=1&preset=2pc-coordinator-crash&step=11', 'still the scenario');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
