// Two worlds side by side (issue 12): a link opens another algorithm beside
// the run on the same seed, network and actions; they step, seek and take
// actions together; the counters equal what the CLI says of the same two
// runs (messages sent in its summary, operations in its traces' history);
// the toolbar and the script API open and close it; a bad link says why and
// keeps the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, nextFrame, useApp, CLI, bannerInk } from './harness.mjs';

const env = useApp();
const cliMissing = !CLI || !fs.existsSync(CLI) ? 'CLUSTERSCOPE_CLI is not set to a built cli binary' : false;

const RAFT_ACTIONS = [
  { step: 40, do: 'request', node: 0, cmd: 'x=1' },
  { step: 150, do: 'crash', node: 1 },
  { step: 200, do: 'partition', groups: [[3, 4]] },
  { step: 320, do: 'heal' },
  { step: 400, do: 'restart', node: 1 },
];
const link = (actions, rest) => `?seed=5&actions=${encodeURIComponent(JSON.stringify(actions))}&${rest}`;
const comparison = (page) => page.evaluate(() => window.clusterscope.comparison());
const cell = (page, counter, world) =>
  page.locator(`#compare-counters tr[data-counter="${counter}"] td[data-world="${world}"]`).getAttribute('data-value');

/** What the CLI says of a run: messages sent (its summary), and the
 * operations of its trace's history, counted as the app counts them. */
function cliCounters(algo, setArgs, actions, steps, seed) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterscope-compare-'));
  try {
    const file = path.join(dir, 'actions.json');
    const out = path.join(dir, 'trace.json');
    // Actions past the last step do not change the steps before it (the CLI
    // refuses a file whose actions the run does not reach).
    fs.writeFileSync(file, JSON.stringify(actions.filter((a) => a.step <= steps)));
    const args = ['run', '--algo', algo, '--seed', String(seed), '--steps', String(steps), ...setArgs,
      '--actions', file, '--trace', out];
    const r = spawnSync(CLI, args, { encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 1, `cli ${args.join(' ')}: ${r.stderr}`);
    const sent = Number(/messages\s+(\d+) sent/.exec(r.stdout)[1]);
    const trace = JSON.parse(fs.readFileSync(out, 'utf8'));
    const end = trace.steps.at(-1).time;
    const open = new Map();
    const c = { sent, invoked: 0, ok: 0, okTotal: 0, fail: 0, unknown: 0, intervals: [] };
    for (const op of trace.history ?? []) {
      if (op.type === 'invoke') {
        c.invoked++;
        open.set(op.process, op.time);
        continue;
      }
      const since = open.get(op.process);
      open.delete(op.process);
      c.intervals.push([since, op.time]);
      if (op.type === 'ok') { c.ok++; c.okTotal += op.time - since; }
      else if (op.type === 'fail') c.fail++;
      else c.unknown++; // :info, or still open when the trace ends
    }
    c.intervals.sort((a, b) => a[0] - b[0]);
    let reach = 0;
    c.blocked = 0;
    for (const [a, b] of c.intervals) {
      if (b > reach) { c.blocked += b - Math.max(a, reach); reach = b; }
    }
    return { ...c, end };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function assertMatchesCli(world, cli) {
  assert.equal(world.sent, cli.sent, `${world.algo}: messages sent`);
  assert.equal(world.time, cli.end, `${world.algo}: model time`);
  assert.equal(world.invoked, cli.invoked, `${world.algo}: operations invoked`);
  assert.equal(world.ok.count, cli.ok, `${world.algo}: ok`);
  assert.equal(world.ok.total_ms, cli.okTotal, `${world.algo}: latency to ok`);
  assert.equal(world.fail.count, cli.fail, `${world.algo}: fail`);
  assert.equal(world.info + world.waiting, cli.unknown, `${world.algo}: unknown or waiting`);
  assert.equal(world.blocked_ms, cli.blocked, `${world.algo}: time blocked`);
}

test('a link opens Raft beside Multi-Paxos at the same step, and the counters are the CLI\'s', { skip: cliMissing }, async () => {
  const page = await openApp(env.browser, env.server.url + link(RAFT_ACTIONS, 'algo=raft&compare=multipaxos&step=600'));
  await page.locator('#compare-counters').waitFor();
  await nextFrame(page);
  const c = await comparison(page);
  assert.deepEqual(c.worlds.map((w) => [w.algo, w.step]), [['raft', 600], ['multipaxos', 600]]);
  assert.equal(await page.locator('#twin').getAttribute('data-step'), '600');
  assert.match(await page.locator('#twin').getAttribute('aria-label'), /^multipaxos, beside the run: /);
  for (const w of c.worlds) assertMatchesCli(w, cliCounters(w.algo, [], RAFT_ACTIONS, 600, 5));
  // The table shows the same numbers.
  assert.equal(Number(await cell(page, 'sent', 'run')), c.worlds[0].sent);
  assert.equal(Number(await cell(page, 'sent', 'other')), c.worlds[1].sent);
  // Node 1 is down in both worlds at step 300 (crashed at 150, back at 400).
  await page.evaluate(() => window.clusterscope.seek(300));
  await nextFrame(page);
  const at300 = await comparison(page);
  assert.deepEqual(at300.worlds.map((w) => w.step), [300, 300]);
  assert.equal(await page.locator('#twin').getAttribute('data-step'), '300');
  const drawn = await page.locator('#twin').evaluate((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
  assert.ok(drawn > 2000, `the other world is drawn (${drawn} pixels)`);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/compare-raft-multipaxos.png` });
  // The link keeps the comparison.
  assert.match(page.url(), /compare=multipaxos/);
});

test('stepping, going back and acting move both worlds together', async () => {
  const page = await openApp(env.browser, env.server.url + link(RAFT_ACTIONS, 'algo=raft&compare=multipaxos&step=100'));
  await page.locator('#compare-counters').waitFor();
  await page.locator('body').press('ArrowRight');
  await page.locator('body').press('ArrowRight');
  let c = await comparison(page);
  assert.deepEqual(c.worlds.map((w) => w.step), [102, 102]);
  await page.locator('body').press('ArrowLeft');
  c = await comparison(page);
  assert.deepEqual(c.worlds.map((w) => w.step), [101, 101]);
  // A crash now happens in both worlds, at this step.
  await page.evaluate(() => window.clusterscope.act({ do: 'crash', node: 2 }));
  await page.evaluate(() => window.clusterscope.step(5));
  c = await comparison(page);
  assert.deepEqual(c.worlds.map((w) => w.step), [106, 106]);
  const trace = await page.evaluate(() => window.clusterscope.trace());
  assert.ok(trace.actions.some((a) => a.step === 101 && a.do === 'crash' && a.node === 2));
  const label = await page.locator('#twin').getAttribute('aria-label');
  assert.match(label, /down: 2\b/, label);
});

test('two lock services side by side: the clients\' latencies and time blocked are the CLI\'s', { skip: cliMissing }, async () => {
  const actions = [{ step: 30, do: 'pause', node: 0, for: 400 }, { step: 500, do: 'crash', node: 3 }];
  const page = await openApp(env.browser, env.server.url + link(actions, 'algo=lock-lease&compare=lock-fenced&step=900'));
  await page.locator('#compare-counters').waitFor();
  const c = await comparison(page);
  assert.deepEqual(c.worlds.map((w) => [w.algo, w.step]), [['lock-lease', 900], ['lock-fenced', 900]]);
  assert.ok(c.worlds.every((w) => w.invoked > 0), 'both worlds\' clients asked for the lock');
  for (const w of c.worlds) assertMatchesCli(w, cliCounters(w.algo, [], actions, 900, 5));
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/compare-locks.png` });
});

test('two-phase commit beside a saga: each transaction\'s outcome and latency are the CLI\'s', { skip: cliMissing }, async () => {
  const actions = [
    { step: 2, do: 'request', node: 0, cmd: 't1' },
    { step: 120, do: 'request', node: 0, cmd: 't2' },
    { step: 124, do: 'crash', node: 0 },
    { step: 400, do: 'restart', node: 0 },
    { step: 450, do: 'request', node: 0, cmd: 't3' },
  ];
  const page = await openApp(env.browser, env.server.url + link(actions, 'algo=2pc&nodes=4&compare=saga&step=440'));
  await page.locator('#compare-counters').waitFor();
  const c = await comparison(page);
  assert.deepEqual(c.worlds.map((w) => [w.algo, w.step]), [['2pc', 440], ['saga', 440]]);
  for (const w of c.worlds) {
    assert.ok(w.invoked >= 2 && w.ok.count + w.fail.count >= 1, `${w.algo}: transactions ran: ${JSON.stringify(w)}`);
    assertMatchesCli(w, cliCounters(w.algo, ['--nodes', '4'], actions, 440, 5));
  }
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/compare-2pc-saga.png` });
  // Past the last action both runs end, each at its own last step; the
  // table says where the other world stopped.
  await page.evaluate(() => window.clusterscope.seek(2000));
  const ended = await comparison(page);
  const [a, b] = ended.worlds.map((w) => w.step);
  assert.ok(a < 2000 && b <= a, `${a} ${b}`);
  const caption = await page.locator('#compare-counters caption').innerText();
  assert.ok(a === b ? caption.includes(`both at step ${a}`) : caption.includes(`saga ended at step ${b}`), caption);
});

test('side by side, each banner keeps clear of its world\'s name and of the network badge', async () => {
  // Half a desktop's stage each: the AP store's banner, two clauses long,
  // used to run under the name in the other world's corner.
  // The CAP preset's names carry their settings and fill most of a corner.
  for (const query of ['?algo=kv-raft&compare=kv-lww', '?algo=kv-lww&compare=kv-raft&network=at-least-once',
    '?preset=kv-raft-partition&compare=kv-lww&step=200']) {
    const page = await openApp(env.browser, env.server.url + query);
    await page.waitForSelector('canvas#twin');
    await nextFrame(page);
    await nextFrame(page);
    for (const canvas of ['#cluster', '#twin']) {
      const ink = await bannerInk(page, canvas);
      const seen = `${query} ${canvas}: ${JSON.stringify(ink)}`;
      assert.ok(ink.between > 1000, `the banner is drawn: ${seen}`);
      assert.deepEqual([ink.underName, ink.underBadge, ink.edges], [0, 0, 0], `clear of the labels and the sides: ${seen}`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('side by side, the legend explains both worlds: the other\'s roles and message kinds, every line in view', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=kv-lww&seed=1&compare=kv-raft');
  await page.locator('#compare-counters').waitFor();
  await page.evaluate(() => window.clusterscope.step(300));
  const legend = page.locator('.stage .legend');
  const keys = async () => legend.evaluate((l) => ({
    roles: [...l.querySelectorAll('[data-role]')].map((k) => k.dataset.role),
    kinds: [...l.querySelectorAll('[data-kind]')].map((k) => k.dataset.kind),
  }));
  const both = await keys();
  for (const role of ['replica', 'client', 'leader', 'follower']) {
    assert.ok(both.roles.some((r) => r.split(':')[0] === role), `${role} in ${both.roles}`);
  }
  for (const kind of ['Gossip', 'AppendEntries']) assert.ok(both.kinds.includes(kind), `${kind} in ${both.kinds}`);
  assert.deepEqual(both.kinds, [...both.kinds].sort(), 'sorted');
  // Taller rather than scrolled: the hint under the keys is whole.
  const hint = await page.locator('.stage .legend .hint').boundingBox();
  const box = await legend.boundingBox();
  assert.ok(hint.y + hint.height <= box.y + box.height + 0.5, `the hint in view: ${JSON.stringify({ hint, box })}`);
  // The run alone again: its own keys only, the kinds it has flown kept.
  await page.evaluate(() => window.clusterscope.compare(null));
  await page.locator('#compare').waitFor({ state: 'detached' });
  const own = await keys();
  assert.ok(!own.roles.includes('leader') && !own.kinds.includes('AppendEntries'), JSON.stringify(own));
  assert.ok(own.kinds.includes('Gossip'), JSON.stringify(own));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the toolbar and the script API open and close it; settings go with compare_set', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=balance&seed=3&step=200');
  await page.locator('#compare-with').selectOption('balance');
  await page.locator('#compare-counters').waitFor();
  assert.match(page.url(), /compare=balance/);
  await page.evaluate(() => window.clusterscope.compare({ algo: 'balance', set: 'strategy=least-outstanding' }));
  await page.waitForFunction(() => /compare_set=strategy%3Dleast-outstanding/.test(location.search));
  const c = await comparison(page);
  assert.deepEqual(c.worlds[1].options, { strategy: 'least-outstanding' });
  assert.equal(await page.locator('#compare-counters thead th[data-world="other"]').innerText(),
    'balance (strategy=least-outstanding)');
  const err = await page.evaluate(() => {
    try { window.clusterscope.compare({ algo: 'balance', set: 'speed=9' }); return null; } catch (e) { return e.message; }
  });
  assert.match(err, /^compare: compare_set: balance has no setting "speed"/);
  assert.deepEqual((await comparison(page)).worlds[1].options, { strategy: 'least-outstanding' }, 'kept as it was');
  await page.locator('#compare .close').click();
  await page.locator('#compare').waitFor({ state: 'detached' });
  assert.equal(await comparison(page), null);
  await page.waitForFunction(() => !/compare=/.test(location.search));
  assert.equal(await page.locator('#twin').count(), 0);
});

test('a scenario link with a comparison: least-outstanding answers the round-robin stream sooner', async () => {
  const page = await openApp(env.browser, env.server.url
    + '?preset=balance-slow-server-round-robin&compare=balance&compare_set=strategy=least-outstanding,slow=2&step=3000');
  await page.locator('#compare-counters').waitFor();
  const [rr, lo] = (await comparison(page)).worlds;
  assert.deepEqual([rr.options.strategy, lo.options], ['round-robin', { slow: '2', strategy: 'least-outstanding' }]);
  assert.ok(rr.invoked > 100 && lo.invoked > 100, 'every request is a client operation');
  assert.ok(lo.ok.mean_ms < rr.ok.mean_ms, `mean latency: least-outstanding ${lo.ok.mean_ms}, round-robin ${rr.ok.mean_ms}`);
  assert.equal(Number(await cell(page, 'ok-latency', 'other')), lo.ok.mean_ms);
});

test('an embedded run shows the other world beside it, each named', async () => {
  const page = await openApp(env.browser, env.server.url + '?embed=1&algo=lock-lease&compare=lock-fenced&step=300',
    { viewport: { width: 900, height: 420 } });
  await page.locator('#twin').waitFor();
  await nextFrame(page);
  const [run, other] = await Promise.all([page.locator('#cluster').boundingBox(), page.locator('#twin').boundingBox()]);
  assert.ok(Math.abs(run.width - other.width) < 4 && run.x + run.width <= other.x + 1, `${JSON.stringify([run, other])}`);
  assert.deepEqual(await page.locator('.world-name').allInnerTexts(), ['lock-lease', 'lock-fenced']);
  assert.equal(await page.locator('#twin').getAttribute('data-step'), '300');
  assert.match(await page.locator('#open-full').getAttribute('href'), /compare=lock-fenced/);
  await page.screenshot({ path: `${process.env.CLUSTERSCOPE_SHOTS ?? '/tmp'}/compare-embed.png` });

  // On a phone, worlds without a banner have their names whole ("multipa…"
  // before: each name was held to its share of a banner that was not there).
  const phone = await openApp(env.browser, env.server.url + '?algo=paxos&compare=multipaxos',
    { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await phone.locator('#twin').waitFor();
  await nextFrame(phone);
  const names = await phone.evaluate(() => [...document.querySelectorAll('.world-name')]
    .map((e) => [e.textContent, e.scrollWidth <= e.clientWidth]));
  assert.deepEqual(names, [['paxos', true], ['multipaxos', true]]);
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test('a bad comparison in a link is named, and the run opens without it', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=raft&seed=8&step=50&compare=nope');
  const notice = page.locator('.notice.error').first();
  await notice.waitFor();
  assert.match(await notice.innerText(), /compare/);
  assert.equal(await comparison(page), null);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.step, 50);
});

test('the counters\' head keeps an algorithm\'s name whole ("multipaxos" broke into "multipaxo / s" at 1280×800)', async () => {
  const page = await openApp(env.browser, env.server.url + '?nodes=9&compare=multipaxos&step=400');
  await page.locator('#compare-counters').waitFor();
  const lines = await page.locator('#compare-counters thead th[data-world] .algo')
    .evaluateAll((spans) => spans.map((s) => [s.textContent, s.getClientRects().length]));
  assert.deepEqual(lines, [['raft', 1], ['multipaxos', 1]]);
  const table = await page.locator('#compare-counters').boundingBox();
  const panel = await page.locator('#compare').boundingBox();
  assert.ok(table.x + table.width <= panel.x + panel.width + 0.5, 'the table stays in its panel');
  assert.deepEqual(page.errors, []);
});

test('nine nodes beside another world on a 1000×660 window: no two nodes\' rings touch, and each names its node', async () => {
  const page = await openApp(env.browser, env.server.url + '?nodes=9&compare=paxos&step=400', { viewport: { width: 1000, height: 660 } });
  await page.locator('#twin').waitFor();
  await nextFrame(page);
  const l = await page.evaluate(() => window.clusterscope.layout());
  assert.ok(l.width < 400 && l.height <= 240, `a small canvas: ${l.width}×${l.height}`);
  for (const a of l.nodes) {
    assert.ok(a.r >= 7, `node ${a.id} is big enough to read: r ${a.r}`);
    for (const b of l.nodes.filter((b) => b.id > a.id)) {
      const apart = Math.hypot(a.x - b.x, a.y - b.y);
      assert.ok(apart >= 2 * (a.r + 7), `nodes ${a.id} and ${b.id}: ${apart.toFixed(1)} px apart, r ${a.r.toFixed(1)}`);
    }
  }
  assert.deepEqual(page.errors, []);
});
