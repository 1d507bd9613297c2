// Accessibility measured by a real engine: axe-core (npm) run on every
// algorithm's page, in the light and the dark theme, after some steps so
// panels, the inspector-free side column and the log are filled. WCAG 2.1
// A and AA rules; no violation may be reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, nextFrame, useApp, audit } from './harness.mjs';

const env = useApp();

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core: no WCAG 2.1 A/AA violation on any algorithm's page (${colorScheme})`, async () => {
    const first = await openApp(env.browser, env.server.url, { colorScheme });
    const algos = await first.locator('#algo option').evaluateAll((os) => os.map((o) => o.value));
    await first.context().close();
    assert.ok(algos.length >= 8, algos.join(','));
    const found = [];
    for (const algo of algos) {
      const page = await openApp(env.browser, `${env.server.url}?algo=${algo}`, { colorScheme });
      await page.evaluate(() => {
        const cs = window.clusterscope;
        cs.act({ do: 'request', node: 0, cmd: 'x' });
        cs.step(150);
      });
      await nextFrame(page);
      for (const v of await audit(page)) found.push(`${algo}: ${v}`);
      // The inspector of the first node, and the help overlay, audited too.
      await page.locator('#node-list button').first().click();
      await page.locator('#inspector').waitFor();
      for (const v of await audit(page)) found.push(`${algo}, inspector: ${v}`);
      if (algo === algos[0]) {
        await page.keyboard.press('Shift+Slash');
        await page.locator('#help').waitFor();
        for (const v of await audit(page)) found.push(`${algo}, help: ${v}`);
      }
      await page.context().close();
    }
    assert.deepEqual(found, []);
  });
}

test('axe-core: the embedded view (?embed=1) has no WCAG 2.1 A/AA violation, light and dark', async () => {
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    const page = await openApp(env.browser, `${env.server.url}?embed=1&seed=1`, { colorScheme, viewport: { width: 480, height: 320 } });
    await page.evaluate(() => window.clusterscope.step(80));
    await nextFrame(page);
    for (const v of await audit(page)) found.push(`${colorScheme}: ${v}`);
    await page.context().close();
  }
  assert.deepEqual(found, []);
});
