import { before, after } from 'node:test';
// Test harness for the end-to-end tests: a static file server for dist/ and
// a headless Debian Chromium driven by playwright-core (never a downloaded
// browser).
//
// Environment:
//   CLUSTERSCOPE_DIST  absolute path of the built dist/ (default <repo>/dist)
//   CLUSTERSCOPE_CLI   absolute path of the built `cli` binary (optional)
//   CHROMIUM           browser binary (default /usr/bin/chromium)

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.CLUSTERSCOPE_DIST || path.join(ROOT, 'dist');
export const CLI = process.env.CLUSTERSCOPE_CLI || '';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve `dir` on 127.0.0.1 (a free port), optionally under `prefix`
 * (like "/sub/") and with extra response `headers`. Resolves to
 * { url, close }, where url ends with "/".
 */
export function serve(dir = DIST, prefix = '/', headers = {}) {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`no built app in ${dir}: run \`trunk build --release\` first (or set CLUSTERSCOPE_DIST)`);
  }
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(prefix)) {
      res.writeHead(404).end('not under ' + prefix);
      return;
    }
    rel = rel.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}${prefix}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launch Debian's Chromium (never a downloaded one). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/**
 * Open `url` in a fresh page and wait for `window.clusterscope.ready`.
 * Other options go to the browser context (`hasTouch`, `isMobile`, `reducedMotion`).
 * Page errors are collected in `page.errors` so tests can assert none happened.
 */
export async function openApp(browser, url, { viewport = { width: 1280, height: 800 }, colorScheme, ...options } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  await page.goto(url);
  await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready === true, null, { timeout: 20000 });
  return page;
}

/** The role of each node, from state(). */
export async function roles(page) {
  return page.evaluate(() => window.clusterscope.state().nodes.map((n) => n.role));
}

/**
 * Step until some node is leader (up to `limit` steps), returning its id.
 * Steps in small batches so the UI path is exercised as it would be.
 */
export async function stepUntilLeader(page, limit = 3000, { exclude = null, minTerm = 0 } = {}) {
  return page.evaluate(({ limit, exclude, minTerm }) => {
    const cs = window.clusterscope;
    for (let i = 0; i < limit; i += 10) {
      const s = cs.state();
      const leader = s.nodes.find((n) => n.up && n.role === 'leader' && n.id !== exclude && n.term > minTerm);
      if (leader) return leader.id;
      cs.step(10);
    }
    return null;
  }, { limit, exclude, minTerm });
}

/** Resolve after the page has drawn one more animation frame (the canvas's scene is current). */
export function nextFrame(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Click node `id` on the canvas at the position the app reports, with optional modifiers. */
/**
 * Where the canvas `selector` draws its banner's opaque pill in its top
 * band: pixels under the labels the page puts over the canvas's corners
 * (`.world-name`, `.network-badge`), between them, and within 3 px of its
 * sides. The canvas is clear elsewhere in the band but for thin links.
 * `top`: how far down the row looked at starts (28 for the second row, where
 * a phone's canvas puts the banner beside a corner label).
 */
export function bannerInk(page, selector, top = 0) {
  return page.evaluate(([selector, top]) => {
    const canvas = document.querySelector(selector);
    const c = canvas.getBoundingClientRect();
    const scale = canvas.width / c.width;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, Math.round((top + 32) * scale)).data;
    const count = (x0, x1) => {
      let n = 0;
      for (let y = Math.round((top + 4) * scale); y < Math.round((top + 30) * scale); y++) {
        for (let x = Math.max(0, Math.round(x0 * scale)); x < Math.min(canvas.width, Math.round(x1 * scale)); x++) {
          if (data[(y * canvas.width + x) * 4 + 3] > 200) n++;
        }
      }
      return n;
    };
    const span = (sel) => {
      const label = canvas.parentElement.querySelector(sel);
      if (!label) return null;
      const r = label.getBoundingClientRect();
      return [r.left - c.left, r.right - c.left];
    };
    const name = span('.world-name');
    const badge = span('.network-badge');
    const [left, right] = [name ? name[1] : 3, badge ? badge[0] : c.width - 3];
    return {
      between: count(left, right),
      underName: name ? count(...name) : 0,
      underBadge: badge ? count(...badge) : 0,
      edges: count(0, 3) + count(c.width - 3, c.width),
    };
  }, [selector, top]);
}

export async function clickNode(page, id, modifiers = []) {
  await nextFrame(page);
  const { nodes } = await page.evaluate(() => window.clusterscope.layout());
  const n = nodes.find((p) => p.id === id);
  if (!n) throw new Error(`node ${id} is not on the canvas`);
  await page.locator('#cluster').click({ position: { x: n.x, y: n.y }, modifiers });
}

/**
 * Serve dist/ and launch Chromium once for a test file. `env.server` and
 * `env.browser` are set before the file's tests run and closed after them;
 * with `skip`, nothing starts (for files whose tests all skip).
 */
export function useApp({ skip = false, headers = {} } = {}) {
  const env = { server: null, browser: null };
  before(async () => {
    if (skip) return;
    env.server = await serve(DIST, '/', headers);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** The Content-Security-Policy the shipped app and its docs must run under. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/**
 * Record every CSP violation a page of `context` reports in
 * `window.__violations`, and the page's errors in `page.errors`.
 */
export async function watchPolicy(context) {
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
  return page;
}

/**
 * axe-core (npm) on the page as it is now: every WCAG 2.1 A and AA
 * violation, one line each (rule, impact, help, the first few elements).
 */
export async function audit(page) {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
}
