// `cli run --shiviz/--perfetto/--edn`: each export read back by a real
// parser of its format. The ShiViz log by the regular expression ShiViz
// parses it with (vector clocks that tick and merge as ShiViz requires), the
// trace-event JSON against a JSON Schema of the Trace Event Format (ajv), the
// Jepsen history by an EDN reader (edn-data), with Jepsen's process rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { parseEDNString } from 'edn-data';

const CLI = process.env.CLUSTERSCOPE_CLI || '';
const cliMissing = !CLI
  ? 'CLUSTERSCOPE_CLI is not set (the path of the built `cli` binary)'
  : !fs.existsSync(CLI)
    ? `CLUSTERSCOPE_CLI=${CLI} does not exist`
    : false;

const FAULTS = [
  { step: 120, do: 'crash', node: 2 },
  { step: 300, do: 'restart', node: 2 },
  { step: 400, do: 'partition', groups: [[0, 1], [2, 3, 4]] },
  { step: 600, do: 'heal' },
  { step: 700, do: 'pause', node: 1, for: 300 },
];

/** A request to every node in turn, every 37 steps, and to every node at
 * the last step (left open: closed with :info at the end), with the faults. */
function actions(cmd) {
  const requests = [];
  for (let step = 0; step < 1500; step += 37) {
    requests.push({ step, do: 'request', node: (step / 37) % 5, cmd: cmd(step) });
  }
  for (let node = 0; node < 5; node++) requests.push({ step: 1499, do: 'request', node, cmd: cmd(node) });
  return [...FAULTS, ...requests].sort((a, b) => a.step - b.step);
}

/** Run the CLI with `args` and the exports asked for; their texts. */
function exportsOf(args, acts, formats) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterscope-export-'));
  try {
    const file = path.join(dir, 'actions.json');
    fs.writeFileSync(file, JSON.stringify(acts));
    const outs = formats.flatMap((f) => [`--${f}`, path.join(dir, f)]);
    execFileSync(CLI, ['run', ...args, '--actions', file, ...outs], { stdio: ['ignore', 'ignore', 'pipe'] });
    return Object.fromEntries(formats.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const RAFT = ['--algo', 'raft', '--nodes', '5', '--seed', '42', '--steps', '1500', '--drop', '0.05', '--dup', '0.02'];

test('the ShiViz log parses with its regex; clocks tick, merge and never go back', { skip: cliMissing }, () => {
  const { shiviz } = exportsOf(RAFT, actions((s) => `x${s % 3}=${s}`), ['shiviz']);
  const [source, delimiter, ...rest] = shiviz.split('\n');
  assert.equal(source, String.raw`(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`, 'the first line is the regex');
  assert.equal(delimiter, '', 'the second line is the (empty) delimiter');
  const body = rest.join('\n');
  const regex = new RegExp(source, 'g');
  const events = [...body.matchAll(regex)].map((m) => ({ ...m.groups, index: m.index, length: m[0].length }));
  // Every event matched, back to back: nothing in the log escapes the regex.
  let at = 0;
  for (const e of events) {
    assert.equal(e.index, at, `an event starts where the previous ended: ${body.slice(at, at + 80)}`);
    at = e.index + e.length + 1;
  }
  assert.equal(at, body.length, 'the whole log is events');
  assert.ok(events.length > 2000, `${events.length} events`);

  const last = new Map();
  const sends = new Map();
  let receives = 0;
  for (const e of events) {
    const clock = JSON.parse(e.clock);
    assert.match(e.host, /^n[0-4]$/);
    const keys = Object.keys(clock);
    assert.deepEqual(keys, [...keys].sort((a, b) => a.slice(1) - b.slice(1)), 'keys in node order');
    const before = last.get(e.host) ?? {};
    assert.equal(clock[e.host], (before[e.host] ?? 0) + 1, `${e.host} ticks by one: ${e.event}`);
    for (const [h, c] of Object.entries(before)) assert.ok(clock[h] >= c, `${e.host}'s clock never goes back`);
    last.set(e.host, clock);
    const send = /^send (\w+) #(\d+) to /.exec(e.event);
    if (send) sends.set(send[2], clock);
    const receive = /^receive (\w+) #(\d+) from /.exec(e.event);
    if (receive) {
      const sent = sends.get(receive[2]);
      assert.ok(sent, `message ${receive[2]} was sent before it was received`);
      for (const [h, c] of Object.entries(sent)) assert.ok(clock[h] >= c, `receive ≥ send for #${receive[2]}`);
      receives += 1;
    }
  }
  assert.ok(receives > 1000 && sends.size > receives, `${receives} receives of ${sends.size} sends (some are lost)`);
  assert.ok(events.some((e) => e.event.startsWith('crash ')) && events.some((e) => e.event.startsWith('restart ')));
});

test('the trace-event JSON validates against the Trace Event Format schema', { skip: cliMissing }, () => {
  const { perfetto } = exportsOf(RAFT, actions((s) => `x=${s}`), ['perfetto']);
  const doc = JSON.parse(perfetto);
  const schema = JSON.parse(fs.readFileSync(new URL('./schemas/trace-event.schema.json', import.meta.url), 'utf8'));
  const validate = new Ajv({ allErrors: true }).compile(schema);
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  // The schema can fail: a slice without its duration is refused.
  const broken = structuredClone(doc);
  delete broken.traceEvents.find((e) => e.ph === 'X').dur;
  assert.equal(validate(broken), false);

  assert.equal(doc.displayTimeUnit, 'ms');
  const threads = doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
  assert.deepEqual(threads, ['node 0', 'node 1', 'node 2', 'node 3', 'node 4']);
  const slices = doc.traceEvents.filter((e) => e.ph === 'X');
  for (let i = 1; i < slices.length; i++) {
    assert.ok(slices[i - 1].ts + slices[i - 1].dur <= slices[i].ts, 'slices never overlap');
  }
  const starts = new Map(doc.traceEvents.filter((e) => e.ph === 's').map((e) => [e.id, e]));
  const finishes = doc.traceEvents.filter((e) => e.ph === 'f');
  assert.ok(finishes.length > 1000);
  for (const f of finishes) {
    const s = starts.get(f.id);
    assert.ok(s && s.ts < f.ts && s.name === f.name, `arrow ${f.id} starts before it ends`);
  }
  const lost = doc.traceEvents.filter((e) => e.ph === 'i' && e.name.startsWith('lost '));
  assert.ok(lost.length > 0 && lost.every((e) => !finishes.some((f) => f.id === e.args.msg)), 'a lost message has no arrow end');
});

/** Check a Jepsen history: keys, types, and each process's operations in order. */
function checkHistory(ops) {
  const open = new Map();
  const retired = new Set();
  ops.forEach((op, i) => {
    for (const key of ['type', 'f', 'value', 'process', 'time', 'index']) {
      assert.ok(key in op, `op ${i} has :${key}: ${JSON.stringify(op)}`);
    }
    assert.ok(['invoke', 'ok', 'fail', 'info'].includes(op.type));
    assert.equal(op.index, i);
    assert.ok(Number.isInteger(op.process) && Number.isInteger(op.time));
    assert.ok(!retired.has(op.process), `process ${op.process} is not reused after :info`);
    if (op.type === 'invoke') {
      assert.ok(!open.has(op.process), `process ${op.process} runs one operation at a time`);
      open.set(op.process, op);
    } else {
      const invoke = open.get(op.process);
      assert.ok(invoke, `a completion of an invocation of process ${op.process}`);
      assert.equal(op.f, invoke.f);
      assert.ok(op.time >= invoke.time);
      open.delete(op.process);
      if (op.type === 'info') retired.add(op.process);
    }
  });
  assert.equal(open.size, 0, 'every operation is completed or closed with :info at the end');
}

function parseHistory(edn) {
  assert.ok(edn.endsWith('\n') && edn.split('\n').slice(0, -1).every((l) => l.startsWith('{:type :')), 'one map per line');
  return parseEDNString(`[${edn}]`, { mapAs: 'object', keywordAs: 'string', listAs: 'array' });
}

test('the Jepsen history parses as EDN and follows the process rules: raft', { skip: cliMissing }, () => {
  const { edn } = exportsOf(RAFT, actions((s) => `x${s % 3}=${s}`), ['edn']);
  const ops = parseHistory(edn);
  checkHistory(ops);
  const types = new Set(ops.map((op) => op.type));
  assert.deepEqual([...types].sort(), ['fail', 'info', 'invoke', 'ok']);
  assert.ok(ops.every((op) => op.f === 'write' && Array.isArray(op.value) && op.value.length === 2));
});

test('the Jepsen history follows the process rules: the ring store and a fenced lock', { skip: cliMissing }, () => {
  const ring = ['--algo', 'ring', '--seed', '7', '--steps', '1500', '--drop', '0.05'];
  const kv = actions((s) => (s % 2 ? `get k${s % 7}` : `put k${s % 7}=${s}`));
  const ringOps = parseHistory(exportsOf(ring, kv, ['edn']).edn);
  checkHistory(ringOps);
  assert.ok(ringOps.some((op) => op.f === 'read' && op.type === 'ok'));
  assert.ok(ringOps.some((op) => op.f === 'write' && op.type === 'ok'));

  const lock = ['--algo', 'lock-fenced', '--nodes', '5', '--seed', '3', '--steps', '1500', '--drop', '0.05'];
  const lockOps = parseHistory(exportsOf(lock, FAULTS, ['edn']).edn);
  checkHistory(lockOps);
  for (const f of ['acquire', 'release', 'write']) {
    assert.ok(lockOps.some((op) => op.f === f && op.type === 'ok'), `some :${f} succeeds`);
  }
});

test('an algorithm without clients has no EDN history, and says so', { skip: cliMissing }, () => {
  assert.throws(
    () => execFileSync(CLI, ['run', '--algo', 'paxos', '--edn', '-'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    (e) => e.status === 2 && /invalid value for '--edn': paxos has no clients/.test(e.stderr.toString()),
  );
});
