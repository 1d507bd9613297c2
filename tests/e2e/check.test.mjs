// The model checker in the browser (issue 14): it runs in a Web Worker on
// a wasm module of its own (crates/checker), fetched when a check starts, finds a broken variant at the step and with the state
// count `cli check --json` reports, loads the counterexample as the run (the
// safety panel shows the violation at that step), reports no violation for
// correct protocols with the CLI's unique state counts (with crashes inside
// a step too, and with symmetry reduction), cancels, stops at
// its memory cap, keeps the page responsive, names a bad budget, and works
// under a sub-path with the strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { openApp, useApp, serve, launch, watchPolicy, audit, STRICT_CSP, DIST, CLI } from './harness.mjs';

const env = useApp();
const cliMissing = !CLI || !fs.existsSync(CLI) ? 'CLUSTERSCOPE_CLI is not set to a built cli binary' : false;
const SHOTS = process.env.CLUSTERSCOPE_SHOTS ?? '/tmp';

/** `cli check --json` with these flags, parsed. */
function cliCheck(args) {
  const r = spawnSync(CLI, ['check', '--json', '--threads', '1', ...args], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `cli check ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const status = (page) => page.locator('#check-status').getAttribute('data-status');
const statusText = (page) => page.locator('#check-status').textContent();
const waitStatus = (page, want, timeout = 30000) =>
  page.waitForFunction((w) => document.querySelector('#check-status')?.dataset.status === w, want, { timeout });

/** Type budgets into the open panel. */
async function fill(page, budgets) {
  for (const [name, value] of Object.entries(budgets)) {
    const input = page.locator(`#check-${name.replace('_', '-')}`);
    if (name === 'strategy') await input.selectOption(value);
    else await input.fill(String(value));
  }
}

test('a broken Paxos is found, its counterexample loads at the CLI\'s step and the safety panel shows it', { skip: cliMissing }, async () => {
  const cli = cliCheck(['--algo', 'paxos', '--nodes', '3', '--set', 'bug=accept-unproposed', '--depth', '10',
    '--requests', '1', '--cmd', 'x']);
  assert.equal(cli.violation.property, 'Validity');
  const page = await openApp(env.browser, env.server.url + '?algo=paxos&nodes=3&bug=accept-unproposed&drop=0.1');
  await page.click('#check-button');
  await fill(page, { depth: 10, requests: 1, commands: 'x' });
  await page.click('#check-start');
  await waitStatus(page, 'done');
  const text = await statusText(page);
  assert.equal(text, `Validity violated at step ${cli.violation.step}: ${cli.violation.detail}`);
  assert.match(await page.locator('#check-note').textContent(), /not the run's lossy network with 10% chance drops:/);
  await page.screenshot({ path: `${SHOTS}/check-violation.png` });

  await page.click('#check-load');
  await page.waitForFunction((s) => document.querySelector('#cluster').dataset.step === String(s), cli.violation.step);
  const broken = page.locator('#invariants li.broken[data-property="Validity"]');
  assert.match(await broken.textContent(), new RegExp(`broken at step ${cli.violation.step}`));
  const trace = await page.evaluate(() => window.clusterscope.trace());
  assert.deepEqual(trace.actions, cli.violation.actions, 'the loaded run is the counterexample\'s actions');
  // The link shares it: the address bar holds the actions.
  await page.waitForFunction(() => /[?&]actions(-z)?=/.test(location.search));
  await page.screenshot({ path: `${SHOTS}/check-counterexample.png` });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a run\'s bug: the panel offers the check that finds it (the CLI\'s, from cli algos) and one press sets it up', { skip: cliMissing }, async () => {
  // The command `cli algos` prints for the bug, run as printed.
  const algos = spawnSync(CLI, ['algos'], { encoding: 'utf8' }).stdout;
  const line = algos.split('\n').map((l) => l.trim()).find((l) => l.startsWith('found by: cli check --algo paxos') && l.includes('bug=forget-promise'));
  const args = line.replace('found by: cli check ', '').split(' ');
  const cli = cliCheck(args);
  assert.equal(cli.violation.property, 'Promise Integrity');

  // Five nodes and no crash allowed: the default check would find nothing.
  const page = await openApp(env.browser, env.server.url + '?algo=paxos&bug=forget-promise&seed=4');
  await page.click('#check-button');
  assert.equal(await page.locator('#check-bug').textContent(),
    'bug=forget-promise is found from the start by a check of 3 nodes (roles=all), depth 10, 1 crash, 2 client requests (x, y).Set up this check');
  assert.equal(await page.locator('#check-recipe').getAttribute('title'), line.replace('found by: ', ''));
  await page.click('#check-recipe');
  await page.waitForFunction(() => document.querySelector('#cluster').dataset.nodes === '3');
  const url = new URL(page.url());
  assert.deepEqual(['nodes', 'roles', 'bug', 'seed'].map((k) => url.searchParams.get(k)), ['3', 'all', 'forget-promise', '4']);
  assert.deepEqual(await page.evaluate(() => ['depth', 'crashes', 'requests', 'commands'].map((f) => document.querySelector(`#check-${f}`).value)),
    ['10', '1', '2', 'x,y']);
  assert.match(await page.locator('#check-note').textContent(), /^Budgets set to find bug=forget-promise from step 0: 3 nodes/);
  await page.click('#check-start');
  await waitStatus(page, 'done');
  assert.equal(await statusText(page), `Promise Integrity violated at step ${cli.violation.step}: ${cli.violation.detail}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // A bug found only from a run that went somewhere says so, with no button.
  const kv = await openApp(env.browser, env.server.url + '?algo=kv-raft&bug=stale-read');
  await kv.click('#check-button');
  assert.match(await kv.locator('#check-bug').textContent(), /^No check from a world's start is known to find bug=stale-read/);
  assert.equal(await kv.locator('#check-recipe').count(), 0);
  assert.deepEqual(kv.errors, []);
  await kv.context().close();
});

test('correct protocols: no violation, and the unique state counts are the CLI\'s', { skip: cliMissing }, async () => {
  const models = [
    { query: '?algo=2pc&nodes=3', budgets: { depth: 8, requests: 1 }, args: ['--algo', '2pc', '--nodes', '3', '--depth', '8', '--requests', '1'] },
    { query: '?algo=paxos&nodes=3', budgets: { depth: 8, requests: 1, commands: 'x' }, args: ['--algo', 'paxos', '--nodes', '3', '--depth', '8', '--requests', '1', '--cmd', 'x'] },
    { query: '?algo=lock-fenced&nodes=3', budgets: { depth: 7 }, args: ['--algo', 'lock-fenced', '--nodes', '3', '--depth', '7'] },
  ];
  for (const m of models) {
    const cli = cliCheck(m.args);
    const page = await openApp(env.browser, env.server.url + m.query);
    const outcome = await page.evaluate((b) => window.clusterscope.check(b), m.budgets);
    assert.equal(outcome.violation, null, m.query);
    assert.equal(outcome.unique, cli.unique, `${m.query}: unique states`);
    assert.equal(outcome.generated, cli.generated, `${m.query}: generated states`);
    assert.equal(outcome.depth, cli.depth, m.query);
    assert.deepEqual(outcome.stop, cli.stop, m.query);
    assert.equal(await statusText(page),
      `No violation within budgets (${cli.unique.toLocaleString('en-US')} unique states, depth ${cli.depth}, ${cli.stop.reason === 'exhausted' ? 'finished' : 'depth bound'})`);
    await page.context().close();
  }
});

test('a world that waits for a client: with no request allowed, the result says what the check could not do, as the CLI does', { skip: cliMissing }, async () => {
  const cli = cliCheck(['--algo', '2pc', '--nodes', '3']);
  assert.equal(cli.waits_for_client, true);
  const page = await openApp(env.browser, env.server.url + '?algo=2pc&nodes=3');
  await page.click('#check-button');
  // Opened where nothing is scheduled, the panel allows one request and says why.
  assert.equal(await page.locator('#check-requests').inputValue(), '1');
  assert.match(await page.locator('#check-note').innerText(), /nothing is scheduled at step 0, the protocol waits for a client/);
  await fill(page, { requests: 0 });
  await page.click('#check-start');
  await waitStatus(page, 'done');
  const text = await statusText(page);
  assert.ok(text.startsWith(`No violation within budgets (${cli.unique.toLocaleString('en-US')} unique state${cli.unique === 1 ? '' : 's'},`), text);
  assert.match(text, /Nothing is scheduled at step 0: the protocol waits for a client, .* Allow one or more client requests per path\.$/);
  const outcome = await page.evaluate(() => window.clusterscope.check({ requests: 1, depth: 4 }));
  assert.equal(outcome.idle_root, true, 'the world at the root is the same');
  assert.doesNotMatch(await statusText(page), /Nothing is scheduled/, 'with a request allowed, nothing to add');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('crashes inside a step: the checkbox finds the outbox bug the CLI finds with --crash-mid-step, with its counts', { skip: cliMissing }, async () => {
  const args = ['--algo', 'outbox', '--nodes', '4', '--depth', '12', '--crashes', '1', '--requests', '1', '--crash-mid-step'];
  const cli = cliCheck([...args, '--set', 'bug=publish-before-commit']);
  assert.equal(cli.violation.property, 'No Message Without Commit');
  const page = await openApp(env.browser, env.server.url + '?algo=outbox&nodes=4&bug=publish-before-commit');
  await page.click('#check-button');
  const box = page.getByLabel('Crashes may also cut a step short');
  assert.equal(await box.isChecked(), false, 'off by default');
  await fill(page, { depth: 12, crashes: 1, requests: 1 });
  await box.check();
  await page.click('#check-start');
  await waitStatus(page, 'done');
  assert.equal(await statusText(page), `No Message Without Commit violated at step ${cli.violation.step}: ${cli.violation.detail}`);
  await page.screenshot({ path: `${SHOTS}/check-mid-step.png` });
  await page.click('#check-load');
  await page.waitForFunction((s) => document.querySelector('#cluster').dataset.step === String(s), cli.violation.step);
  const trace = await page.evaluate(() => window.clusterscope.trace());
  assert.deepEqual(trace.actions, cli.violation.actions, 'the crash-mid-step action and the step it cuts short');
  assert.ok(trace.actions.some((a) => a.do === 'crash-mid-step'));
  await page.context().close();
  // The correct protocol, from a script: the CLI's counts with the option on.
  const correct = cliCheck(args);
  const clean = await openApp(env.browser, env.server.url + '?algo=outbox&nodes=4');
  const outcome = await clean.evaluate(() => window.clusterscope.check({ depth: 12, crashes: 1, requests: 1, crash_mid_step: true }));
  assert.equal(outcome.violation, null);
  assert.deepEqual([outcome.unique, outcome.generated, outcome.depth], [correct.unique, correct.generated, correct.depth]);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(clean.errors, []);
  await clean.context().close();
});

test('symmetry: the checkbox merges renamed participants, with the CLI\'s --symmetry counts, and says so; raft is refused by name', { skip: cliMissing }, async () => {
  const args = ['--algo', '2pc', '--nodes', '3', '--depth', '10', '--crashes', '1', '--requests', '1', '--symmetry'];
  const cli = cliCheck([...args, '--set', 'bug=abort-after-yes']);
  assert.equal(cli.violation.property, 'Atomicity');
  const page = await openApp(env.browser, env.server.url + '?algo=2pc&nodes=3&bug=abort-after-yes');
  await page.click('#check-button');
  const box = page.getByLabel('Merge states that differ by renaming interchangeable nodes');
  assert.equal(await box.isChecked(), false, 'off by default');
  await fill(page, { depth: 10, crashes: 1, requests: 1 });
  await box.check();
  await page.click('#check-start');
  await waitStatus(page, 'done');
  assert.equal(await statusText(page), `Atomicity violated at step ${cli.violation.step}: ${cli.violation.detail}`);
  const timing = await page.locator('#check-timing').textContent();
  assert.match(timing, /Symmetry: states equal up to renaming \{node 1, node 2\} merged\./);
  // A violation's summary has no count of its own: the timing line says
  // how many distinct states the search met before it, as the CLI does.
  const counts = `${cli.generated.toLocaleString('en-US')} states generated, ${cli.unique.toLocaleString('en-US')} unique, in `;
  assert.ok(timing.startsWith(counts), `${timing} starts with ${counts}`);
  await page.screenshot({ path: `${SHOTS}/check-symmetry.png` });
  await page.click('#check-load');
  await page.waitForFunction((s) => document.querySelector('#cluster').dataset.step === String(s), cli.violation.step);
  assert.deepEqual((await page.evaluate(() => window.clusterscope.trace())).actions, cli.violation.actions);
  await page.context().close();
  // The correct protocol from a script, a little shallower (depth 10 is
  // 463,181 states): the CLI's counts and groups.
  const correct = cliCheck(args.map((a, i) => (args[i - 1] === '--depth' ? '8' : a)));
  const clean = await openApp(env.browser, env.server.url + '?algo=2pc&nodes=3');
  const outcome = await clean.evaluate(() => window.clusterscope.check({ depth: 8, crashes: 1, requests: 1, symmetry: true }));
  assert.equal(outcome.violation, null);
  assert.deepEqual([outcome.unique, outcome.generated, outcome.depth], [correct.unique, correct.generated, correct.depth]);
  assert.deepEqual(outcome.symmetry_groups, correct.symmetry_groups);
  // Raft names its nodes in its state: the panel says why, the page lives on.
  const raft = await openApp(env.browser, env.server.url + '?algo=raft&nodes=3');
  await raft.click('#check-button');
  await fill(raft, { depth: 3 });
  await raft.getByLabel('Merge states that differ by renaming interchangeable nodes').check();
  await raft.click('#check-start');
  await waitStatus(raft, 'failed');
  assert.match(await statusText(raft), /raft.*symmetry/i);
  assert.deepEqual(clean.errors, []);
  assert.deepEqual(raft.errors, []);
  await clean.context().close();
  await raft.context().close();
});

test('opening the panel prefetches the checker\'s module, and the check then runs on it', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=2pc&nodes=3');
  const fetched = [];
  page.context().on('request', (r) => fetched.push(new URL(r.url()).pathname.split('/').pop()));
  await page.waitForTimeout(300);
  assert.deepEqual(fetched.filter((f) => f.startsWith('check')), [], 'nothing of the checker before the panel opens');
  await page.click('#check-button');
  await page.waitForFunction(() => document.querySelectorAll('link[rel="prefetch"]').length === 3);
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('link[rel="prefetch"]')].map((l) => l.getAttribute('href')));
  assert.deepEqual(hrefs.map((h) => h.split('?')[0]), ['check-worker.js', 'checker.js', 'checker_bg.wasm']);
  assert.ok(hrefs.every((h) => /\?v=web-[0-9a-f]+$/.test(h)), hrefs.join(' '));
  await page.click('#check-button');
  await page.click('#check-button');
  assert.equal(await page.locator('link[rel="prefetch"]').count(), 3, 'prefetched once, however often the panel opens');
  await fill(page, { depth: 6, requests: 1 });
  await page.click('#check-start');
  await waitStatus(page, 'done');
  assert.match(await statusText(page), /^No violation within budgets/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

const LONG = '?algo=raft&nodes=5';
const LONG_BUDGETS = { depth: 40, crashes: 1, drops: 1, max_states: 50000000, memory_mb: '' };

test('cancel stops a long check, the page stays responsive meanwhile, and a new check runs', async () => {
  const page = await openApp(env.browser, env.server.url + LONG);
  await page.keyboard.press('m');
  assert.ok(await page.locator('#check-panel').isVisible(), 'm opens the panel');
  await fill(page, LONG_BUDGETS);
  await page.click('#check-start');
  await page.waitForFunction(() => /Checking: [\d,]+ states generated, [1-9][\d,]* unique/.test(document.querySelector('#check-status').textContent));
  assert.equal(await page.locator('#check-status').getAttribute('aria-live'), 'polite');
  // The main thread is free: animation frames keep coming and the app steps.
  const frames = await page.evaluate(() => new Promise((done) => {
    let n = 0;
    const tick = () => { n++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    setTimeout(() => done(n), 1000);
  }));
  assert.ok(frames >= 20, `${frames} frames in a second during the check`);
  const stepped = await page.evaluate(() => window.clusterscope.step(10));
  assert.equal(stepped, 10);
  const before = await page.evaluate(() => document.querySelector('#check-status').textContent);
  await page.waitForFunction((t) => document.querySelector('#check-status').textContent !== t, before);
  await page.screenshot({ path: `${SHOTS}/check-running.png` });

  await page.click('#check-cancel');
  assert.equal(await status(page), 'cancelled');
  const stopped = await statusText(page);
  assert.match(stopped, /^Cancelled after [\d,]+ states generated/);
  await page.waitForTimeout(600);
  assert.equal(await statusText(page), stopped, 'no progress after cancel');
  assert.equal(await page.locator('#check-start').isEnabled(), true);
  assert.equal(await page.evaluate(() => window.clusterscope.checkStatus()), 'cancelled');

  await fill(page, { depth: 4, crashes: 0, drops: 0 });
  await page.click('#check-start');
  await waitStatus(page, 'done');
  assert.match(await statusText(page), /^No violation within budgets/);
  // A script's check is cancelled the same way, and its promise says so.
  const cancelled = await page.evaluate(async (b) => {
    const p = window.clusterscope.check(b);
    await new Promise((r) => setTimeout(r, 300));
    window.clusterscope.cancelCheck();
    return p.then(() => 'resolved', (e) => e.message);
  }, LONG_BUDGETS);
  assert.equal(cancelled, 'check: cancelled');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the memory cap stops a check cleanly and says so', async () => {
  const page = await openApp(env.browser, env.server.url + LONG);
  const outcome = await page.evaluate((b) => window.clusterscope.check(b), { ...LONG_BUDGETS, memory_mb: 64 });
  assert.equal(outcome.stop.reason, 'memory-cap');
  assert.ok(outcome.stop.used_mb > 64, JSON.stringify(outcome.stop));
  assert.equal(outcome.violation, null);
  assert.match(await statusText(page), /^No violation within budgets \([\d,]+ unique states, depth \d+, memory cap of 64 MB reached \(\d+ MB used\)\)$/);
  await page.context().close();
});

test('a bad budget is named, the typed text is kept, and nothing starts', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=2pc&nodes=3', { viewport: { width: 390, height: 844 } });
  await page.click('#check-button');
  await page.fill('#check-depth', 'ten');
  await page.press('#check-depth', 'Enter');
  assert.match(await page.locator('#check-error').textContent(), /^depth: expected a whole number from 1 to 10000, got "ten"$/);
  assert.equal(await page.locator('#check-depth').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#check-depth').inputValue(), 'ten');
  assert.equal(await status(page), 'idle');
  await page.screenshot({ path: `${SHOTS}/check-bad-field-phone.png` });
  // A script's bad budget throws at once, naming it (the panel's depth
  // is still "ten": the script's fields replace the panel's first).
  const thrown = await page.evaluate(() => { try { window.clusterscope.check({ depth: 5, crashes: -1 }); return 'no error'; } catch (e) { return e.message; } });
  assert.match(thrown, /^check: crashes: expected a whole number from 0 to 100/);
  const unknown = await page.evaluate(() => { try { window.clusterscope.check({ width: 3 }); return 'no error'; } catch (e) { return e.message; } });
  assert.match(unknown, /unknown check field "width"/);
  // Escape closes the panel; the help lists its key.
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#check-panel').count(), 0);
  await page.keyboard.press('?');
  assert.match(await page.locator('#help').textContent(), /Open \/ close the model checker/);
  await page.context().close();
});

test('a panic in the worker shows in the checker panel, and the page lives on', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=2pc&nodes=3');
  const error = await page.evaluate(() => window.clusterscope.__checkPanicForTest().then(() => 'resolved', (e) => e.message));
  assert.match(error, /^check: the checker stopped: .*test panic requested/s);
  assert.equal(await status(page), 'failed');
  assert.match(await statusText(page), /^The check failed: the checker stopped: .*test panic requested/s);
  assert.equal(await page.locator('#panic').count(), 0, 'no error panel: the page is fine');
  const outcome = await page.evaluate(() => window.clusterscope.check({ depth: 3 }));
  assert.equal(outcome.violation, null);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('axe-core: the panel with a violation found and with a bad field, light and dark', async () => {
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    const page = await openApp(env.browser, env.server.url + '?algo=paxos&nodes=3&bug=accept-unproposed', { colorScheme });
    await page.keyboard.press('m');
    await page.evaluate(() => window.clusterscope.check({ depth: 10, requests: 1, commands: 'x' }));
    await page.locator('#check-load').waitFor();
    for (const v of await audit(page)) found.push(`${colorScheme}, violation: ${v}`);
    await page.fill('#check-depth', '0');
    await page.click('#check-start');
    await page.locator('#check-error').waitFor();
    for (const v of await audit(page)) found.push(`${colorScheme}, bad field: ${v}`);
    await page.context().close();
  }
  assert.deepEqual(found, []);
});

test('under a sub-path and the strict CSP, in the dark theme, the worker loads the checker\'s module when a check starts', async () => {
  const server = await serve(DIST, '/lab/', { 'content-security-policy': STRICT_CSP });
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await watchPolicy(context);
    const fetched = [];
    context.on('request', (r) => fetched.push(new URL(r.url()).pathname.split('/').pop() + new URL(r.url()).search));
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e));
    await page.goto(server.url + '?algo=2pc&nodes=3');
    await page.waitForFunction(() => window.clusterscope?.ready === true);
    await page.evaluate(() => window.clusterscope.step(20));
    const checkerFiles = () => fetched.filter((f) => /^check(er|-worker)/.test(f));
    assert.deepEqual(checkerFiles(), [], 'the page loads no part of the checker until a check starts');
    const outcome = await page.evaluate(() => window.clusterscope.check({ depth: 6, requests: 1 }));
    assert.ok(outcome.unique > 1 && outcome.violation === null, JSON.stringify(outcome));
    // The worker, its glue and its module, each named with the page's build.
    const app = fetched.find((f) => /^web-[0-9a-f]+_bg\.wasm$/.test(f)).replace('_bg.wasm', '');
    assert.deepEqual(checkerFiles().sort(), ['check-worker.js', 'checker.js', 'checker_bg.wasm'].map((f) => `${f}?v=${app}`));
    await page.screenshot({ path: `${SHOTS}/check-dark.png` });
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
