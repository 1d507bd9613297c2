// A documentation page on another origin embeds the app in an iframe and
// drives it over postMessage: it hears `ready` and the run's events, its
// calls are answered at its own origin, only allow-listed verbs and
// origins are served, and a long seek does not freeze the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { serve, launch } from './harness.mjs';

let app;
let host;
let browser;
let hostDir;

// The parent page: it records every message from the frame and can call a
// verb and wait for the reply with the same id.
const PARENT = `<!doctype html><meta charset="utf-8"><title>docs</title>
<iframe id="f" width="640" height="400"></iframe>
<script>
  window.got = [];
  window.addEventListener('message', (e) => {
    if (e.source === document.getElementById('f').contentWindow) window.got.push({ origin: e.origin, data: e.data });
  });
  let next = 0;
  window.call = (verb, args = [], timeout = 15000) => new Promise((resolve, reject) => {
    const id = ++next;
    const wait = setTimeout(() => reject(new Error('no reply to ' + verb)), timeout);
    window.addEventListener('message', function on(e) {
      if (e.data && e.data.clusterscope === 'reply' && e.data.id === id) {
        clearTimeout(wait);
        window.removeEventListener('message', on);
        resolve(e.data);
      }
    });
    document.getElementById('f').contentWindow.postMessage({ clusterscope: verb, args, id }, '*');
  });
  document.getElementById('f').src = decodeURIComponent(location.hash.slice(1));
</script>`;

before(async () => {
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-host-'));
  fs.writeFileSync(path.join(hostDir, 'index.html'), PARENT);
  app = await serve();
  host = await serve(hostDir); // another port: another origin
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await host?.close();
  fs.rmSync(hostDir, { recursive: true, force: true });
});

const hostOrigin = () => new URL(host.url).origin;

async function openParent(appQuery) {
  const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  await page.goto(host.url + '#' + encodeURIComponent(app.url + appQuery));
  return page;
}

test('a parent on another origin hears ready and events, and its calls are answered at its origin', async () => {
  const page = await openParent(`?seed=1&parent=${encodeURIComponent(hostOrigin())}`);
  await page.waitForFunction(() => window.got.some((m) => m.data.clusterscope === 'ready'), null, { timeout: 20000 });
  const ready = await page.evaluate(() => window.got.find((m) => m.data.clusterscope === 'ready'));
  assert.equal(ready.origin, new URL(app.url).origin);
  assert.deepEqual({ ...ready.data }, { clusterscope: 'ready', version: 1, algo: 'raft', step: 0 });

  const pong = await page.evaluate(() => window.call('ping'));
  assert.equal(pong.ok, true);
  assert.equal(pong.result.clusterscope, 'ready', 'a ping is answered like ready, at any time');

  const stepped = await page.evaluate(() => window.call('step', [300]));
  assert.deepEqual({ ok: stepped.ok, result: stepped.result }, { ok: true, result: 300 });
  // Events follow: the step, and the election's role changes.
  await page.waitForFunction(() => window.got.some((m) => m.data.type === 'step' && m.data.step === 300), null, { timeout: 10000 });
  const events = await page.evaluate(() => window.got.filter((m) => m.data.clusterscope === 'event').map((m) => m.data));
  const roles = events.filter((e) => e.type === 'roles').at(-1);
  assert.ok(roles.nodes.some((n) => n.role === 'leader'), `a leader after 300 steps: ${JSON.stringify(roles)}`);
  assert.ok(events.some((e) => e.type === 'caption' && /^Step 300/.test(e.text)), 'the caption shown');

  // Errors are replies too, and only listed verbs exist.
  for (const verb of ['constructor', 'toString', '__panicForTest', 'nope']) {
    const r = await page.evaluate((v) => window.call(v), verb);
    assert.equal(r.ok, false, verb);
    assert.equal(r.error, `unknown verb "${verb}"`);
  }
  const bad = await page.evaluate(() => window.call('step', ['x']));
  assert.equal(bad.ok, false);
  assert.match(bad.error, /^step: /);
  // A number JSON cannot write is quoted as it was sent, not as null.
  const nan = await page.evaluate(() => window.call('step', [NaN]));
  assert.equal(nan.error, 'step: n must be a non-negative integer, got NaN');
  const inf = await page.evaluate(() => window.call('seek', [-Infinity]));
  assert.equal(inf.error, 'seek: step must be a non-negative integer, got -Infinity');
  // Arguments not in an array are refused, not dropped: step(5) is not step().
  const loose = await page.evaluate(() => window.call('step', 5));
  assert.equal(loose.error, 'step: args must be an array (or left out), got 5');
  assert.equal((await page.evaluate(() => window.call('state'))).result.step, 300, 'the run did not move');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a long seek runs in slices: the app keeps answering and painting, then replies once', async () => {
  const page = await openParent(`?seed=2&parent=${encodeURIComponent(hostOrigin())}`);
  await page.waitForFunction(() => window.got.some((m) => m.data.clusterscope === 'ready'), null, { timeout: 20000 });
  const frame = page.frames().find((f) => f.url().startsWith(app.url));
  // Count the frame's animation frames while the seek runs.
  await frame.evaluate(() => {
    window.frames_seen = 0;
    const tick = () => { window.frames_seen += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const [reply, ping] = await page.evaluate(async () => {
    const seek = window.call('seek', [200000], 60000);
    const ping = window.call('ping');
    return [await seek, await ping];
  });
  assert.deepEqual({ ok: reply.ok, result: reply.result }, { ok: true, result: 200000 });
  assert.equal(ping.ok, true, 'the ping queued behind the seek is answered after it');
  assert.ok(await frame.evaluate(() => window.frames_seen) > 2, 'the page painted between slices');
  assert.equal(await frame.evaluate(() => window.clusterscope.state().step), 200000);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an origin outside the allow-list is ignored: no ready, no reply, the run untouched', async () => {
  const page = await openParent('?seed=1&parent=https%3A%2F%2Fdocs.example.org');
  const frame = await (async () => {
    for (let i = 0; i < 200; i++) {
      const f = page.frames().find((x) => x.url().startsWith(app.url));
      if (f) return f;
      await page.waitForTimeout(50);
    }
    throw new Error('no frame');
  })();
  await frame.waitForFunction(() => window.clusterscope && window.clusterscope.ready === true, null, { timeout: 20000 });
  const outcome = await page.evaluate(() => window.call('step', [50], 1500).then(() => 'answered', (e) => e.message));
  assert.equal(outcome, 'no reply to step');
  assert.equal(await frame.evaluate(() => window.clusterscope.state().step), 0, 'the call did nothing');
  assert.equal(await page.evaluate(() => window.got.length), 0, 'nothing was posted to this origin');
  await page.context().close();
});

// What a parent page may send, well-formed or not: every verb and some
// that are not, with arguments of every JSON shape and a few numbers JSON
// has no word for. Each call gets exactly its reply, an error names the
// verb, and the app in the frame stays whole.
const VERBS = ['ping', 'state', 'step', 'back', 'seek', 'play', 'pause', 'act', 'request', 'trace', 'traceText', 'layout'];
const number = fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constantFrom(NaN, Infinity, -Infinity, 1.5, -0));
const value = fc.oneof(number, fc.string({ maxLength: 12 }), fc.boolean(), fc.constant(null),
  fc.constantFrom({ do: 'crash', node: 1 }, { do: 'heal' }, { do: 'crash', node: 99 }, { do: 'nope' }, { step: 'x' }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));
const message = fc.record({
  verb: fc.constantFrom(...VERBS, ...VERBS, 'constructor', '__proto__', 'open', 'check', ''),
  args: fc.oneof(fc.array(value, { maxLength: 3 }), value, fc.constant(undefined)),
});

test('any call a parent sends is answered once, an error names its verb, and the app stays whole', async () => {
  const page = await openParent('?seed=1&algo=lock-fenced');
  await page.waitForFunction(() => window.got.some((m) => m.data.clusterscope === 'ready'), null, { timeout: 20000 });
  const frame = page.frames().find((f) => f !== page.mainFrame());
  await fc.assert(
    fc.asyncProperty(fc.array(message, { minLength: 10, maxLength: 30 }), async (messages) => {
      for (const { verb, args } of messages) {
        const reply = await page.evaluate(({ verb, args }) => window.call(verb, args).catch((e) => ({ lost: String(e) })),
          { verb, args });
        const what = `${verb}(${JSON.stringify(args)}) -> ${JSON.stringify(reply).slice(0, 200)}`;
        assert.ok(!reply.lost, `no reply: ${what}`);
        assert.equal(typeof reply.ok, 'boolean', what);
        if (!reply.ok) {
          const named = VERBS.includes(verb) ? reply.error.startsWith(`${verb}: `) : reply.error === `unknown verb "${verb}"`;
          assert.ok(named, `the error names the verb: ${what}`);
        }
        assert.equal(await frame.locator('#panic').count(), 0, `no error panel after ${what}`);
      }
      await page.evaluate(() => window.call('pause'));
      assert.deepEqual(page.errors, []);
    }),
    { seed: 7, numRuns: 4, endOnFailure: true },
  );
  await page.context().close();
});

test('a documentation page sends the request a waiting world offers: request() and request(node) answer with the action, or name the node that takes none', async () => {
  const page = await openParent(`?algo=2pc&parent=${encodeURIComponent(hostOrigin())}`);
  await page.waitForFunction(() => window.got.some((m) => m.data.clusterscope === 'ready'), null, { timeout: 20000 });
  const first = await page.evaluate(() => window.call('request'));
  assert.deepEqual({ ok: first.ok, result: first.result }, { ok: true, result: { step: 0, do: 'request', node: 0, cmd: 't1' } });
  const busy = await page.evaluate(() => window.call('request', [0]));
  assert.deepEqual({ ok: busy.ok, error: busy.error },
    { ok: false, error: 'request: node 0 takes no client request now (it would refuse or ignore one)' });
  const participant = await page.evaluate(() => window.call('request', [2]));
  assert.equal(participant.error, 'request: node 2 takes no client request now (it would refuse or ignore one)');
  const far = await page.evaluate(() => window.call('request', [1e12]));
  assert.equal(far.error, 'request: node must be below 4, got 1000000000000');
  const neg = await page.evaluate(() => window.call('request', [-1]));
  assert.equal(neg.error, 'request: node must be a non-negative integer, got -1');
  // The transaction over, the coordinator takes the next one.
  await page.evaluate(() => window.call('step', [2000]));
  const second = await page.evaluate(() => window.call('request', [0]));
  assert.equal(second.result.cmd, 't2');
  const trace = await page.evaluate(() => window.call('trace'));
  assert.deepEqual(trace.result.actions.map((a) => a.cmd), ['t1', 't2']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});


test('a banner that reports a fault is announced as an alarm: the split brain turns it on, the world at step 0 has it off', async () => {
  const page = await openParent(`?preset=pb-split-brain&parent=${encodeURIComponent(hostOrigin())}`);
  await page.waitForFunction(() => window.got.some((m) => m.data.clusterscope === 'ready'), null, { timeout: 20000 });
  const banners = () => page.evaluate(() => window.got.filter((m) => m.data.type === 'banner').map((m) => m.data));
  await page.waitForFunction(() => window.got.some((m) => m.data.type === 'banner'), null, { timeout: 10000 });
  const [start] = await banners();
  assert.deepEqual({ text: start.text, alarm: start.alarm }, { text: 'primary: replica 1 (epoch 1)', alarm: false });
  await page.evaluate(() => window.call('step', [2000]));
  await page.waitForFunction(() => window.got.some((m) => m.data.type === 'banner' && m.data.alarm), null, { timeout: 10000 });
  const alarm = (await banners()).find((b) => b.alarm);
  assert.match(alarm.text, /^two primaries in epoch 1: replicas \d and \d$/, JSON.stringify(alarm));
  assert.ok((await banners()).every((b) => b.alarm === /two primaries|two replicas/.test(b.text ?? '')), JSON.stringify(await banners()));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
