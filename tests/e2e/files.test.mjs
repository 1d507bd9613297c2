// Run files, traces and links, as a person uses them: "Save run" and
// "Download trace" in the File menu write files that reopen the same run
// (through the file button, drag and drop, or a paste); a trace written by
// `cli run --trace` opens at its last step; a bad file is refused by name and
// the current run is kept; a long action list makes a short, versioned link
// that reopens the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, CLI, useApp, audit } from './harness.mjs';

const env = useApp();
const ACTIONS = [{ step: 30, do: 'crash', node: 1 }, { step: 90, do: 'restart', node: 1 }];
const START = `?seed=9&actions=${encodeURIComponent(JSON.stringify(ACTIONS))}&step=120`;

/** Click `selector` in the File menu and return the download's name and text. */
async function save(page, selector) {
  if (!(await page.locator('#files-menu').evaluate((d) => d.open))) await page.locator('#files-menu > summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  return { name: download.suggestedFilename(), text };
}

/** Open `text` through the File menu's file button, as a chosen file. */
async function chooseFile(page, name, text) {
  await page.locator('#open-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

const state = (page) => page.evaluate(() => JSON.stringify(window.clusterscope.state()));
const notices = (page) => page.locator('.notice').allTextContents();

test('"Save run" writes a run file that reopens the same run, chosen, dropped or pasted', async () => {
  const page = await openApp(env.browser, env.server.url + START);
  const original = await state(page);
  const { name, text } = await save(page, '#save-run');
  assert.equal(name, 'clusterscope-raft-seed9-step120.run.json');
  const file = JSON.parse(text);
  assert.deepEqual(
    [file.format, file.version, file.algo, file.seed, file.step, file.actions],
    ['clusterscope-run', 1, 'raft', 9, 120, ACTIONS],
  );
  assert.equal(text, (await page.evaluate(() => window.clusterscope.runFile())), 'the API writes the same file');

  for (const how of ['choose', 'drop', 'paste']) {
    const other = await openApp(env.browser, env.server.url);
    if (how === 'choose') {
      await chooseFile(other, name, text);
    } else if (how === 'drop') {
      await other.evaluate((text) => {
        const data = new DataTransfer();
        data.items.add(new File([text], 'run.json', { type: 'application/json' }));
        document.querySelector('#cluster').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }, text);
    } else {
      await other.evaluate((text) => {
        const data = new DataTransfer();
        data.setData('text', text);
        document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
      }, text);
    }
    await other.waitForFunction(() => window.clusterscope.state().step === 120);
    assert.equal(await state(other), original, `${how}: the same state`);
    assert.ok((await notices(other)).some((t) => t.includes('Opened a run file')), how);
    assert.deepEqual(other.errors, []);
    await other.context().close();
  }
  await page.context().close();
});

test('a downloaded trace, whole or a range, opens and replays at its last step', async () => {
  const page = await openApp(env.browser, env.server.url + START);
  const whole = await save(page, '#save-trace');
  assert.equal(whole.name, 'clusterscope-raft-seed9-step120.trace.json');
  assert.equal(whole.text, await page.evaluate(() => window.clusterscope.traceText()));

  await page.locator('#trace-from').fill('101');
  await page.locator('#trace-to').fill('110');
  const part = await save(page, '#save-trace');
  assert.equal(part.name, 'clusterscope-raft-seed9-step120-steps101-110.trace.json');
  assert.deepEqual(JSON.parse(part.text).steps.map((s) => s.step), [...Array(10).keys()].map((i) => 101 + i));

  const other = await openApp(env.browser, env.server.url + '?algo=paxos');
  await chooseFile(other, part.name, part.text);
  await other.waitForFunction(() => window.clusterscope.state().step === 110);
  const at110 = JSON.parse(await page.evaluate(() => { window.clusterscope.seek(110); return JSON.stringify(window.clusterscope.state()); }));
  assert.deepEqual(JSON.parse(await state(other)), at110);

  // A range that does not make sense is named, and nothing is written.
  await page.locator('#trace-from').fill('50');
  await page.locator('#trace-to').fill('40');
  await page.locator('#save-trace').click();
  await page.waitForFunction(() => [...document.querySelectorAll('.notice')].some((n) => n.textContent.includes('trace range')));
  await page.context().close();
  await other.context().close();
});

test('a large trace asks first, with its size', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=3');
  await page.evaluate(() => window.clusterscope.seek(80000));
  await page.locator('#files-menu > summary').click();
  await page.locator('#save-trace').click();
  const warning = page.locator('.files-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /Steps 1–80000 make a trace of about \d+\.\d MB/);
  assert.deepEqual(await audit(page), [], 'the open File menu, with its warning, passes axe-core');
  await page.locator('#trace-from').fill('79901');
  const { name } = await save(page, '#save-trace');
  assert.equal(name, 'clusterscope-raft-seed3-step80000-steps79901-80000.trace.json');
  assert.equal(await warning.count(), 0, 'the warning goes with a smaller range');
  await page.context().close();
});

test('a bad file is refused by the field at fault, and the current run stays', async () => {
  const page = await openApp(env.browser, env.server.url + START);
  const before = await state(page);
  const good = await page.evaluate(() => window.clusterscope.runFile());
  for (const [text, needle] of [
    [good.replace('"nodes":5', '"nodes":50'), 'config.nodes: must be between 1 and 9'],
    [good.replace('"version":1', '"version":7'), 'version: this run file was written by a newer Clusterscope'],
    ['{"format": "clusterscope-run", ', 'file: not JSON'],
    ['{"hello": "world"}', 'file: not a Clusterscope run file'],
  ]) {
    await chooseFile(page, 'bad.json', text);
    await page.waitForFunction((needle) => [...document.querySelectorAll('.notice')].some((n) => n.textContent.includes(needle)), needle);
    assert.equal(await state(page), before, needle);
    const thrown = await page.evaluate((text) => { try { window.clusterscope.open(text); return null; } catch (e) { return e.message; } }, text);
    assert.ok(thrown.startsWith('open: This file cannot be opened: ') && thrown.includes(needle), thrown);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

const cliMissing = !CLI || !fs.existsSync(CLI) ? 'CLUSTERSCOPE_CLI is not set to the built cli binary' : false;

test('a trace written by cli run --trace opens at the same step, and the app writes it back byte for byte', { skip: cliMissing }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterscope-files-'));
  try {
    const trace = path.join(dir, 'trace.json');
    execFileSync(CLI, ['run', '--algo', 'lock-fenced', '--seed', '4', '--steps', '400', '--drop', '0.05',
      '--set', 'ttl_ms=600', '--trace', trace], { stdio: 'ignore' });
    const text = fs.readFileSync(trace, 'utf8');
    const page = await openApp(env.browser, env.server.url);
    await page.locator('#open-file').setInputFiles(trace);
    await page.waitForFunction(() => window.clusterscope.state().step === 400 && window.clusterscope.state().algo === 'lock-fenced');
    assert.ok((await page.evaluate(() => window.clusterscope.traceText())) === text, 'the same trace');
    // And the run file it saves runs in the CLI to the same trace.
    const runFile = path.join(dir, 'run.json');
    fs.writeFileSync(runFile, await page.evaluate(() => window.clusterscope.runFile()));
    const again = path.join(dir, 'again.json');
    execFileSync(CLI, ['run', '--run-file', runFile, '--trace', again], { stdio: 'ignore' });
    assert.ok(fs.readFileSync(again, 'utf8') === text, 'cli run --run-file gives the same trace');
    await page.context().close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a long action list makes a short versioned link that reopens the same state', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=5');
  await page.evaluate(() => {
    const cs = window.clusterscope;
    for (let i = 0; i < 60; i++) {
      cs.step(7);
      cs.act({ do: i % 2 ? 'restart' : 'crash', node: (i >> 1) % 5 });
    }
    cs.step(5);
  });
  await page.waitForFunction(() => location.search.includes('actions-z='));
  const search = await page.evaluate(() => location.search);
  assert.match(search, /^\?v=1&algo=raft&nodes=5&seed=5&actions-z=[A-Za-z0-9_-]+&step=425$/);
  const actions = await page.evaluate(() => JSON.stringify(window.clusterscope.trace().actions));
  assert.ok(search.length * 4 < actions.length, `${search.length} characters of link for ${actions.length} of actions`);
  const before = await state(page);
  const again = await openApp(env.browser, env.server.url + search);
  assert.equal(await state(again), before);
  // A link from a later release says so instead of misreading it.
  const later = await openApp(env.browser, env.server.url + search.replace('v=1', 'v=2'));
  assert.ok((await notices(later)).some((t) => t.includes('“v” parameter is invalid (this link was written by a newer Clusterscope')));
  for (const p of [page, again, later]) await p.context().close();
});

test('the File menu exports the run for ShiViz, Perfetto and Jepsen, the bytes the CLI writes', { skip: cliMissing }, async () => {
  const page = await openApp(env.browser, env.server.url + START);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterscope-exports-'));
  try {
    const actions = path.join(dir, 'actions.json');
    fs.writeFileSync(actions, JSON.stringify(ACTIONS));
    for (const [button, flag, name] of [
      ['#export-shiviz', '--shiviz', 'clusterscope-raft-seed9-step120.shiviz.log'],
      ['#export-perfetto', '--perfetto', 'clusterscope-raft-seed9-step120.perfetto.json'],
      ['#export-edn', '--edn', 'clusterscope-raft-seed9-step120.jepsen.edn'],
    ]) {
      const file = await save(page, button);
      assert.equal(file.name, name);
      const out = path.join(dir, 'out');
      execFileSync(CLI, ['run', '--seed', '9', '--steps', '120', '--actions', actions, flag, out], { stdio: 'ignore' });
      assert.ok(file.text === fs.readFileSync(out, 'utf8'), `${flag}: the app's export is the CLI's`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // An algorithm whose clients report nothing offers no history.
  const paxos = await openApp(env.browser, env.server.url + '?algo=paxos');
  await paxos.locator('#files-menu > summary').click();
  assert.equal(await paxos.locator('#export-shiviz').count(), 1);
  assert.equal(await paxos.locator('#export-edn').count(), 0);
  await paxos.context().close();
  await page.context().close();
});
