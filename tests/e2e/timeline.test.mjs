// The timeline, forks and the browser's Back button, as a person uses them:
// the timeline slider seeks and is keyboard-operable; changing the past keeps
// the run that was left (the example: a crash at 100 and a restart at
// 150, watched to 200, then step back 150 and crash node 3), marks the fork,
// and "Back to the run before the fork" returns to it; Back and Forward walk
// through earlier states of the run without leaving the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, useApp } from './harness.mjs';

const env = useApp();
const ACTIONS = [{ step: 100, do: 'crash', node: 0 }, { step: 150, do: 'restart', node: 0 }];
const START = `?actions=${encodeURIComponent(JSON.stringify(ACTIONS))}&step=200`;
const step = (page) => page.evaluate(() => window.clusterscope.state().step);
const actions = (page) => page.evaluate(() => window.clusterscope.trace().actions);

test('the timeline seeks by drag and by keyboard, and marks the scheduled actions', async () => {
  const page = await openApp(env.browser, env.server.url + START);
  const slider = page.getByRole('slider', { name: 'Timeline' });
  assert.equal(await slider.getAttribute('max'), '200');
  assert.equal(await slider.inputValue(), '200');
  assert.equal(await page.locator('.timeline-marks .mark-action').count(), 2);
  const described = await page.locator('#timeline-marks').textContent();
  assert.match(described, /step 100: crash;.* step 150: restart/, described);
  // The protocol's notable events are marked too: the elections after the crash.
  assert.ok(await page.locator('.timeline-marks .mark-notable').count() > 0);
  assert.match(described, /step \d+: node \d is leader of term \d+/, described);
  await slider.fill('120');
  await page.waitForFunction(() => window.clusterscope.state().step === 120);
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await step(page), 121, 'an arrow key moves one step (the shortcut stays out of the way)');
  await page.keyboard.press('Home');
  assert.equal(await step(page), 0);
  await page.keyboard.press('End');
  assert.equal(await step(page), 200);
  assert.equal(await slider.getAttribute('aria-valuetext'), 'step 200 of 200 seen');
  await page.context().close();
});

test('changing the past forks the run; the branch left can be restored; Back walks through the states', async () => {
  const page = await openApp(env.browser, env.server.url + START);
  const atStart = await page.evaluate(() => JSON.stringify(window.clusterscope.state()));
  await page.evaluate(() => { window.clusterscope.back(150); window.clusterscope.act({ do: 'crash', node: 3 }); });
  assert.deepEqual(await actions(page), [{ step: 50, do: 'crash', node: 3 }]);
  await page.waitForFunction(() => [...document.querySelectorAll('.notice')].some((n) => n.textContent.startsWith('Forked at step 50')));
  assert.equal(await page.locator('.timeline-marks .mark-fork').count(), 1);
  const restore = page.locator('#restore-branch');
  assert.match(await restore.getAttribute('title'), /before the fork at step 50 \(to step 200, 2 actions after it\)/);
  await page.waitForFunction(() => location.search.includes('step=50') && location.search.includes('crash'));
  const forked = await page.evaluate(() => location.search);

  await restore.click();
  await page.waitForFunction(() => window.clusterscope.state().step === 200);
  assert.equal(await page.evaluate(() => JSON.stringify(window.clusterscope.state())), atStart, 'the run left, as it was');
  assert.deepEqual(await actions(page), ACTIONS);

  // Back: the forked run; Back again: the first one; the app never left.
  await page.goBack();
  await page.waitForFunction((f) => location.search === f, forked);
  await page.waitForFunction(() => window.clusterscope.state().step === 50);
  assert.deepEqual(await actions(page), [{ step: 50, do: 'crash', node: 3 }]);
  await page.goBack();
  await page.waitForFunction(() => window.clusterscope.state().step === 200);
  assert.deepEqual(await actions(page), ACTIONS);
  await page.goForward();
  await page.waitForFunction(() => window.clusterscope.state().step === 50);
  assert.ok(page.url().startsWith(env.server.url), 'still the app');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
