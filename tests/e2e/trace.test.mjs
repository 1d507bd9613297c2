// The app's trace equals the command line's, byte for byte, for the same
// seed, network and actions (the design's determinism promise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, CLI, useApp } from './harness.mjs';

const ACTIONS = [
  { step: 50, do: 'request', node: 0, cmd: 'x=1' },
  { step: 120, do: 'crash', node: 2 },
  { step: 260, do: 'request', node: 3, cmd: 'y=2' },
  { step: 300, do: 'restart', node: 2 },
  { step: 400, do: 'partition', groups: [[0, 1], [2, 3, 4]] },
  { step: 470, do: 'cut', from: 3, to: 4 },
  { step: 600, do: 'heal' },
];
const STEPS = 1500;

const cliMissing = !CLI
  ? 'CLUSTERSCOPE_CLI is not set (the path of the built `cli` binary)'
  : !fs.existsSync(CLI)
    ? `CLUSTERSCOPE_CLI=${CLI} does not exist`
    : false;

const env = useApp({ skip: cliMissing });

function cliTrace(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterscope-e2e-'));
  try {
    const actions = path.join(dir, 'actions.json');
    const out = path.join(dir, 'trace.json');
    fs.writeFileSync(actions, JSON.stringify(ACTIONS));
    execFileSync(CLI, ['run', '--algo', 'raft', '--nodes', '5', '--seed', '42', '--steps', String(STEPS),
      ...args, '--actions', actions, '--trace', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return fs.readFileSync(out, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The page's trace after ACTIONS applied live through the script API, to STEPS. */
function actedTrace(page) {
  return page.evaluate(({ actions, steps }) => {
    const cs = window.clusterscope;
    for (const { step, ...action } of actions) {
      cs.seek(step);
      cs.act(action);
    }
    cs.seek(steps);
    return cs.traceText();
  }, { actions: ACTIONS, steps: STEPS });
}

test('traceText() equals the CLI trace: actions from the link', { skip: cliMissing }, async () => {
  const expected = cliTrace([]);
  const params = new URLSearchParams({ algo: 'raft', nodes: '5', seed: '42', actions: JSON.stringify(ACTIONS) });
  const page = await openApp(env.browser, `${env.server.url}?${params}`);
  await page.evaluate((n) => window.clusterscope.seek(n), STEPS);
  const text = await page.evaluate(() => window.clusterscope.traceText());
  assert.equal(text.length, expected.length);
  assert.ok(text === expected, 'byte-identical trace');
  const trace = await page.evaluate(() => window.clusterscope.trace());
  assert.equal(trace.steps.length, STEPS);
  assert.deepEqual(trace, JSON.parse(expected));
  await page.context().close();
});

test('traceText() equals the CLI trace: actions applied live, with a lossy network', { skip: cliMissing }, async () => {
  const expected = cliTrace(['--drop', '0.05', '--dup', '0.02', '--latency', '5..60']);
  const page = await openApp(env.browser, `${env.server.url}?seed=42&drop=0.05&dup=0.02&latency=5..60`);
  const text = await actedTrace(page);
  assert.ok(text === expected, 'byte-identical trace');
  await page.context().close();
});

// The app reads a link's decimals through the JavaScript engine
// (lab::decimal), the CLI through Rust's parse: with 17 significant digits,
// where a parser that is not correctly rounded lands a bit off (and the
// trace's config would print another number), both read the same double.
test('a link with 17-digit probabilities configures the run the CLI does', { skip: cliMissing }, async () => {
  const [drop, dup] = ['0.12345678901234568', '0.012345678901234568'];
  const expected = cliTrace(['--drop', drop, '--dup', dup]);
  assert.ok(expected.includes(`"drop":${drop}`) && expected.includes(`"dup":${dup}`), 'the trace names both');
  const page = await openApp(env.browser, `${env.server.url}?seed=42&drop=${drop}&dup=${dup}`);
  const text = await actedTrace(page);
  assert.ok(text === expected, 'byte-identical trace');
  await page.context().close();
});

// Every other algorithm of the catalog, with a lossy network, a protocol
// option and its own faults: the browser's trace equals the CLI's.
const OTHERS = [
  { algo: 'paxos', nodes: 5, set: ['backoff=off'],
    actions: [{ step: 0, do: 'request', node: 0, cmd: 'a' }, { step: 0, do: 'request', node: 1, cmd: 'b' },
      { step: 30, do: 'crash', node: 4 }, { step: 90, do: 'restart', node: 4 }] },
  { algo: 'multipaxos', nodes: 5, set: ['heartbeat_ms=40'],
    actions: [{ step: 200, do: 'request', node: 0, cmd: 'a' }, { step: 300, do: 'crash', node: 1 },
      { step: 350, do: 'partition', groups: [[0, 2]] }, { step: 700, do: 'heal' }] },
  { algo: 'lock-fenced', nodes: 4, set: ['first_token=33'],
    actions: [{ step: 4, do: 'pause', node: 1, for: 1500 }, { step: 60, do: 'drift', node: 2, rate: 0.5 }] },
  { algo: 'redlock', nodes: 8, set: [], actions: [{ step: 0, do: 'drift', node: 5, rate: 0.5 }] },
  { algo: 'lock-zk', nodes: 5, set: [], actions: [{ step: 100, do: 'crash', node: 2 }, { step: 400, do: 'restart', node: 2 }] },
  { algo: 'ring', nodes: 5, set: ['vnodes=20'],
    actions: [{ step: 10, do: 'request', node: 4, cmd: 'join' }, { step: 300, do: 'request', node: 0, cmd: 'put k=v' }] },
  // Phi accrual computes exp and log10 in f64: the same bits in wasm as natively.
  { algo: 'primary-backup', nodes: 3, set: ['detector=phi', 'fencing=epoch'],
    actions: [{ step: 40, do: 'pause', node: 1, for: 600 }, { step: 400, do: 'partition', groups: [[0, 2]] }, { step: 600, do: 'heal' }] },
  { algo: 'balance', nodes: 5, set: ['strategy=two-choices', 'slow=2'],
    actions: [{ step: 200, do: 'crash', node: 3 }, { step: 500, do: 'restart', node: 3 }] },
  // The CAP stores: the clients' history and the picture's verdict ride along.
  { algo: 'kv-raft', nodes: 5, set: ['keys=3'],
    actions: [{ step: 100, do: 'partition', groups: [[0, 3]] }, { step: 400, do: 'heal' }, { step: 500, do: 'crash', node: 1 }] },
  { algo: 'kv-lww', nodes: 5, set: ['gossip_ms=80'],
    actions: [{ step: 100, do: 'partition', groups: [[0, 3]] }, { step: 300, do: 'drift', node: 1, rate: 1.5 }, { step: 600, do: 'heal' }] },
];

for (const { algo, nodes, set, actions } of OTHERS) {
  test(`traceText() equals the CLI trace for ${algo}`, { skip: cliMissing }, async () => {
    const steps = 1000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterscope-e2e-'));
    const file = path.join(dir, 'actions.json');
    const out = path.join(dir, 'trace.json');
    fs.writeFileSync(file, JSON.stringify(actions));
    try {
      execFileSync(CLI, ['run', '--algo', algo, '--nodes', String(nodes), '--seed', '7', '--steps', String(steps),
        '--drop', '0.05', '--dup', '0.02', ...set.flatMap((s) => ['--set', s]), '--actions', file, '--trace', out],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      // Exit 1 means a safety property broke (redlock under drift may): the trace is still written.
      if (e.status !== 1) throw e;
    }
    const expected = fs.readFileSync(out, 'utf8');
    fs.rmSync(dir, { recursive: true, force: true });
    const params = new URLSearchParams({ algo, nodes: String(nodes), seed: '7', drop: '0.05', dup: '0.02',
      actions: JSON.stringify(actions) });
    for (const s of set) {
      const [k, v] = s.split('=');
      params.set(k, v);
    }
    const page = await openApp(env.browser, `${env.server.url}?${params}`);
    const text = await page.evaluate((n) => { window.clusterscope.seek(n); return window.clusterscope.traceText(); }, steps);
    assert.ok(JSON.parse(expected).steps.length > 0);
    assert.ok(text === expected, `byte-identical ${algo} trace (${text.length} vs ${expected.length} bytes)`);
    await page.context().close();
  });
}
