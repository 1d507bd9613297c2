// Deployment and failure: the built dist/ under a sub-path, and a panic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, stepUntilLeader, DIST } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('dist/ works when served under a sub-path', async () => {
  const server = await serve(DIST, '/docs/lab/');
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const failed = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(server.url + '?seed=42');
    await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready);
    assert.notEqual(await stepUntilLeader(page), null);
    // The stylesheet was applied (the grid layout comes from www/style.css).
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.app')).display), 'grid');
    // The URL the app writes keeps the sub-path.
    await page.waitForFunction(() => location.search.includes('step='));
    assert.ok(new URL(page.url()).pathname.startsWith('/docs/lab/'));
    assert.deepEqual(failed, []);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await server.close();
  }
});

test('a panic shows the error panel instead of a blank page', async () => {
  const server = await serve();
  try {
    const page = await openApp(browser, server.url);
    // Test hook (documented in crates/web/src/api.rs): panics inside the app.
    const thrown = await page.evaluate(() => {
      try { window.clusterscope.__panicForTest(); return null; } catch (e) { return String(e); }
    });
    assert.ok(thrown, 'the call fails');
    const panel = page.locator('#panic[role="alert"]');
    await panel.waitFor();
    const text = await panel.innerText();
    assert.match(text, /Clusterscope stopped/);
    assert.match(text, /test panic requested/);
    assert.ok(await panel.locator('a', { hasText: 'Reload' }).isVisible());
    // The rest of the page is still there to read.
    assert.ok(await page.locator('#log').isVisible());
    await page.context().close();
  } finally {
    await server.close();
  }
});
