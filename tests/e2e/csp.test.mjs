// The shipped app under a strict Content-Security-Policy: no inline script
// or style, no eval. Every violation the browser reports fails the test,
// and the app is driven while it runs: it must work, not merely load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, watchPolicy, clickNode, STRICT_CSP } from './harness.mjs';

const CSP = STRICT_CSP;
const env = useApp({ headers: { 'content-security-policy': CSP } });

async function open(query) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await watchPolicy(context);
  await page.goto(env.server.url + query);
  await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready === true, null, { timeout: 20000 });
  return page;
}

test('the app runs under a strict CSP: no violation while stepping, inspecting and drawing panels', async () => {
  const response = await fetch(env.server.url);
  assert.equal(response.headers.get('content-security-policy'), CSP, 'the header is served');
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');
  assert.doesNotMatch(html, /\sstyle=/, 'no inline style in index.html');

  for (const query of ['?seed=1', '?algo=ring&seed=1', '?preset=kleppmann-lease']) {
    const page = await open(query);
    await page.evaluate(() => window.clusterscope.step(200));
    await clickNode(page, 1);
    await page.locator('#inspector').waitFor();
    await page.evaluate(() => window.clusterscope.play());
    await page.waitForTimeout(500);
    await page.evaluate(() => window.clusterscope.pause());
    assert.ok(await page.evaluate(() => window.clusterscope.state().step) >= 200, query);
    assert.deepEqual(await page.evaluate(() => window.__violations), [], `${query}: no CSP violation`);
    assert.deepEqual(page.errors, [], `${query}: no error`);
    await page.context().close();
  }
});

test('the checker panel\'s prefetch of the checker\'s module breaks no policy', async () => {
  const page = await open('?algo=2pc&nodes=3');
  const fetched = [];
  page.on('requestfinished', (r) => fetched.push(new URL(r.url()).pathname.split('/').pop()));
  await page.keyboard.press('m');
  await page.waitForFunction(() => document.querySelectorAll('link[rel="prefetch"]').length === 3);
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /checker_bg\.wasm/.test(e.name)));
  assert.ok(fetched.includes('checker_bg.wasm'), `fetched: ${fetched.join(' ')}`);
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
