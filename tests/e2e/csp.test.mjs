// The shipped app under a strict Content-Security-Policy: no inline script
// or style, no eval. Every violation the browser reports fails the test,
// and the app is driven while it runs: it must work, not merely load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, clickNode } from './harness.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
let server;
let browser;

before(async () => {
  server = await serve(undefined, '/', { 'content-security-policy': CSP });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.goto(server.url + query);
  await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready === true, null, { timeout: 20000 });
  return page;
}

test('the app runs under a strict CSP: no violation while stepping, inspecting and drawing panels', async () => {
  const response = await fetch(server.url);
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
