// axe-core on the interaction UI of issue 9, in states the page-wide audit
// (a11y.test.mjs) does not reach: a message selected in the list (listbox
// with an active descendant), partition mode with nodes picked, and the
// inspector as a sheet on a phone. WCAG 2.1 A and AA; no violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, stepUntilLeader, clickNode, nextFrame, useApp, audit } from './harness.mjs';

const env = useApp();

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core: message list, partition mode and the phone sheet (${colorScheme})`, async () => {
    const found = [];
    const page = await openApp(env.browser, env.server.url + '?seed=7', { colorScheme });
    await stepUntilLeader(page);
    await page.evaluate(() => window.clusterscope.step(2));
    await page.locator('#msg-list').focus();
    await page.keyboard.press('ArrowDown');
    await page.locator('#msg-inspector').waitFor();
    for (const v of await audit(page)) found.push(`message selected: ${v}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await clickNode(page, 1);
    await page.locator('#partition-apply:not([disabled])').waitFor();
    for (const v of await audit(page)) found.push(`partition mode: ${v}`);
    await page.context().close();

    const phone = await openApp(env.browser, env.server.url + '?seed=7',
      { colorScheme, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await nextFrame(phone);
    const { nodes } = await phone.evaluate(() => window.clusterscope.layout());
    const box = await phone.locator('#cluster').boundingBox();
    await phone.touchscreen.tap(box.x + nodes[2].x, box.y + nodes[2].y);
    await phone.locator('#inspector').waitFor();
    for (const v of await audit(phone)) found.push(`phone sheet: ${v}`);
    await phone.context().close();
    assert.deepEqual(found, []);
  });
}
