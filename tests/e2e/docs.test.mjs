// The documentation shipped in dist/docs/: the embedding guide and the
// example page with four live embedded scenarios. Served under the app's
// strict Content-Security-Policy, every embed must come alive (post its
// `ready` to the page), a host page must hear its events, the snippets must
// copy, and both pages must pass axe-core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, watchPolicy, audit, STRICT_CSP } from './harness.mjs';

const CSP = STRICT_CSP;
const env = useApp({ headers: { 'content-security-policy': CSP } });

async function open(path, { bypassCSP = false } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 }, bypassCSP });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url.replace(/\/$/, '') });
  const page = await watchPolicy(context);
  await page.goto(env.server.url + path);
  return page;
}

/** No snippet's text runs under its Copy button, on a wide screen or a phone. */
async function assertSnippetsClear(page) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 800 });
    const hidden = await page.locator('.snippet').evaluateAll((snippets) => snippets.flatMap((s) => {
      const button = s.querySelector('button').getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(s.querySelector('code'));
      const under = [...range.getClientRects()].some((r) => r.width > 0
        && r.right > button.left && r.left < button.right && r.bottom > button.top && r.top < button.bottom);
      return under ? [s.querySelector('code').textContent.slice(0, 40)] : [];
    }));
    assert.deepEqual(hidden, [], `text under a Copy button at ${width} px`);
  }
}

test('the example page: four live embeds, each with a caption, a snippet and events from the app', async () => {
  const page = await open('docs/examples.html');
  const figures = page.locator('figure[data-embed]');
  assert.equal(await figures.count(), 4);
  const ids = await figures.evaluateAll((fs) => fs.map((f) => f.dataset.embed));
  assert.deepEqual(ids, ['raft-election', 'paxos-duel', 'fencing', 'ring-join']);
  // The embeds load lazily: bring each into view, then wait for its ready.
  for (let i = 0; i < 4; i++) {
    const figure = figures.nth(i);
    await figure.scrollIntoViewIfNeeded();
    await page.waitForFunction((i) => document.querySelectorAll('figure[data-embed]')[i].dataset.ready === 'true', i, { timeout: 30000 });
    assert.match(await figure.locator('.status').textContent(), /^live: /);
    assert.ok((await figure.locator('figcaption').textContent()).length > 80, 'a caption that explains');
    const id = ids[i];
    assert.match(await page.locator(`#${id} .snippet code`).textContent(), /^<iframe src="https:\/\/YOUR-HOST\/clusterscope\/\?embed=1&/);
  }
  // Each embed shows its scenario in the embedded view.
  for (const [i, algo] of [[0, 'raft'], [1, 'paxos'], [2, 'lock-fenced'], [3, 'ring']]) {
    const frame = page.frames().find((f) => f.url().includes(['algo=raft', 'dueling-proposers', 'kleppmann-fenced', 'algo=ring'][i]));
    assert.ok(frame, `frame ${i}`);
    assert.equal(await frame.evaluate(() => window.clusterscope.state().algo), algo);
    assert.equal(await frame.locator('.embed-bar').count(), 1, `${algo}: the compact bar`);
  }
  // The page hears the Raft embed's events, as a host page would.
  const raft = page.frames().find((f) => f.url().includes('algo=raft'));
  await raft.evaluate(() => window.clusterscope.step(600));
  await page.waitForFunction(() => /node \d leads/.test(document.querySelector('#raft-election .status').textContent));

  // A snippet copies exactly its text.
  const snippet = page.locator('#paxos-duel .snippet');
  await snippet.locator('button').click();
  await page.waitForFunction(() => document.querySelector('#paxos-duel .snippet button').textContent === 'Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await snippet.locator('code').textContent());
  await assertSnippetsClear(page);
  assert.match(copied, /^<iframe src="https:\/\/YOUR-HOST\/clusterscope\/\?embed=1&preset=dueling-proposers"/);

  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  for (const frame of page.frames()) assert.deepEqual(await frame.evaluate(() => window.__violations || []), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('both pages pass axe-core, in light and dark', async () => {
  for (const path of ['docs/examples.html', 'docs/embedding.html']) {
    for (const colorScheme of ['light', 'dark']) {
      const page = await open(path, { bypassCSP: true });
      await page.emulateMedia({ colorScheme });
      assert.deepEqual(await audit(page), [], `${path} (${colorScheme})`);
      await page.context().close();
    }
  }
});

test('the embedding guide: every section, a Markdown snippet, and no error', async () => {
  const page = await open('docs/embedding.html');
  const sections = await page.locator('h2').allTextContents();
  for (const title of ['Quick start', 'Parameters', 'Linking to an exact moment', 'In mdBook or MkDocs', 'Driving it from your page: postMessage', 'Security headers']) {
    assert.ok(sections.includes(title), `${title} in ${sections}`);
  }
  assert.match(await page.locator('#markdown ~ .snippet code').first().textContent(), /<iframe src="https:\/\/YOUR-HOST\/clusterscope\/\?embed=1/);
  assert.match(await page.locator('main').textContent(), /frame-ancestors 'self' https:\/\/docs\.example\.org/);
  await assertSnippetsClear(page);
  // Its links lead somewhere.
  for (const href of await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href))) {
    const response = await fetch(href.split('#')[0]);
    assert.equal(response.status, 200, href);
  }
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
