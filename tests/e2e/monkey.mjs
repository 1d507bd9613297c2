// A user who tries everything: seeded sequences of real interactions
// (shortcut keys, buttons, menus, taps on the canvas's nodes with and
// without modifiers, typing into fields, checkboxes, sliders, and time
// passing) generated and shrunk by fast-check's model-based testing.
// After every interaction the page must be whole: no uncaught error, no
// error panel. At the end, the run the page shows, saved as a run file and
// replayed by the CLI, must give the page's trace byte for byte.
//
// The page's clock is Playwright's: time passes only in `wait` commands,
// so playback advances by the same frames on every replay of a sequence.
// Used by monkey.test.mjs (a slice in the test run) and by
// `cargo xtask monkey` (tests/soak/monkey.mjs, longer and wider).

import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Every algorithm of the catalog, as `cli algos` lists them. */
export const ALGOS = ['raft', 'paxos', 'multipaxos', 'lock-lease', 'lock-fenced', 'redlock', 'lock-zk', 'ring',
  '2pc', '3pc', 'saga', 'outbox', 'abd', 'primary-backup', 'balance', 'kv-raft', 'kv-lww'];

/**
 * Where the monkey plays: the app on a desktop and on a phone, and the
 * embedded view (`embed=1`) in the README's 720×420 iframe.
 */
export const VIEWS = {
  desktop: { context: { viewport: { width: 1280, height: 800 } }, query: '' },
  phone: { context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, query: '' },
  embed: { context: { viewport: { width: 720, height: 420 } }, query: '&embed=1' },
};

/** The help overlay's keys, and the ones a keyboard user moves with. */
const KEYS = [' ', 'k', 'ArrowRight', '.', 'ArrowLeft', ',', '+', '=', '-', '_', 'r', 'h', 'c', 'x', 'p', 'd', 'u',
  'l', 'q', 'g', 'Enter', 's', 'o', 't', 'm', 'n', 'b', '?', 'Escape', 'Tab', 'Shift+Tab', 'ArrowUp', 'ArrowDown',
  'Home', 'End'];

/** What people type into fields: numbers in and out of range, ranges, words, nothing. */
const TYPED = ['0', '1', '3', '7', '-5', '0.5', '1e9', '99999999999', '', 'abc', '10..5', '150..300', 'x=1', '2,3'];

const EPOCH = Date.UTC(2026, 0, 1);

/** The item at fraction `at` (0 ≤ at < 1) of `list`, or undefined when it is empty. */
function pick(list, at) {
  return list[Math.min(list.length - 1, Math.floor(at * list.length))];
}

/** The `at`-th fraction of the visible elements `selector` matches, or null. */
async function nth(page, selector, at) {
  return pick(await page.locator(selector).filter({ visible: true }).all(), at) ?? null;
}

async function name(el) {
  const label = (await el.getAttribute('aria-label')) || (await el.getAttribute('id')) || (await el.innerText());
  return JSON.stringify(label.trim().replace(/\s+/g, ' ').slice(0, 40));
}

/** One interaction. `did` says what it did on its last run, for the counterexample. */
class Step {
  constructor(spec) {
    this.spec = spec;
    this.did = null;
  }
  check() {
    return true;
  }
  /** Act on `real.page`, then check that the page is whole. */
  async run(_, { page, errors }) {
    try {
      await this.act(page);
    } catch (e) {
      // An element that moved or closed between finding and acting: the
      // user's click missed. Anything else is the page's fault.
      if (!/Timeout|not attached|detached|not visible|outside of the viewport/i.test(String(e.message))) throw e;
    }
    await whole(page, errors, String(this));
  }
  toString() {
    return this.did ?? this.spec;
  }
}

class Key extends Step {
  constructor(key) {
    super(`key ${JSON.stringify(key)}`);
    this.key = key;
  }
  async act(page) {
    await page.keyboard.press(this.key);
  }
}

/** A click on one of the visible, enabled elements of a kind: a button is pressed, a checkbox toggled. */
class Click extends Step {
  constructor(verb, selector, at) {
    super(`${verb} ${at.toFixed(3)}`);
    this.verb = verb;
    this.selector = selector;
    this.at = at;
  }
  async act(page) {
    const el = await nth(page, this.selector, this.at);
    if (!el) return;
    this.did = `${this.verb} ${await name(el)}`;
    await el.click({ timeout: 2000 });
  }
}

class Choose extends Step {
  constructor(at, option) {
    super(`choose ${at.toFixed(3)} ${option.toFixed(3)}`);
    this.at = at;
    this.option = option;
  }
  async act(page) {
    const select = await nth(page, 'select:not([disabled])', this.at);
    if (!select) return;
    const values = await select.locator('option:not([disabled])').evaluateAll((os) => os.map((o) => o.value));
    if (!values.length) return;
    const value = pick(values, this.option);
    this.did = `choose ${JSON.stringify(value)} in ${await name(select)}`;
    await select.selectOption(value, { timeout: 2000 });
  }
}

class Tap extends Step {
  constructor(at, modifier) {
    super(`tap node ${at.toFixed(3)} ${modifier}`);
    this.at = at;
    this.modifier = modifier;
  }
  async act(page) {
    // The canvas's scene is current after two frames (of the page's clock).
    await page.clock.runFor(40);
    const { nodes } = await page.evaluate(() => window.clusterscope.layout());
    if (!nodes.length) return;
    const n = pick(nodes, this.at);
    const canvas = page.locator('#cluster');
    if (!(await canvas.isVisible())) return;
    this.did = `${this.modifier ? this.modifier + '-' : ''}click node ${n.id}`;
    await canvas.click({ position: { x: n.x, y: n.y }, modifiers: this.modifier ? [this.modifier] : [], timeout: 2000 });
  }
}

class Type extends Step {
  constructor(at, text) {
    super(`type ${JSON.stringify(text)} in field ${at.toFixed(3)}`);
    this.at = at;
    this.text = text;
  }
  async act(page) {
    const field = await nth(page, 'input:not([disabled]):not([type=checkbox]):not([type=range]):not([type=file])', this.at);
    if (!field) return;
    this.did = `type ${JSON.stringify(this.text)} in ${await name(field)}, Enter`;
    // Typed key by key, as a person does: a number field keeps what it takes.
    await field.fill('', { timeout: 2000 });
    await field.pressSequentially(this.text);
    await field.press('Enter');
  }
}

class Slide extends Step {
  constructor(at, to) {
    super(`slide ${at.toFixed(3)} to ${to.toFixed(3)}`);
    this.at = at;
    this.to = to;
  }
  async act(page) {
    const range = await nth(page, 'input[type=range]:not([disabled])', this.at);
    if (!range) return;
    this.did = `slide ${await name(range)} to ${(this.to * 100).toFixed(0)}%`;
    await range.evaluate((el, to) => {
      const [lo, hi] = [Number(el.min || 0), Number(el.max || 100)];
      el.value = String(lo + (hi - lo) * to);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }, this.to);
  }
}

class Wait extends Step {
  constructor(ms) {
    super(`wait ${ms} ms`);
    this.ms = ms;
  }
  async act(page) {
    await page.clock.runFor(this.ms);
  }
}

// Which of the visible elements: uniform, not biased to the first ones.
/** Let the run play a while: Play if it is paused (as a person would), then time passes. */
class Run extends Step {
  constructor(ms) {
    super(`play ${ms} ms`);
    this.ms = ms;
  }
  async act(page) {
    const play = page.locator('#play');
    if ((await play.count()) && (await play.isVisible()) && (await play.getAttribute('aria-pressed')) === 'false') {
      await play.click({ timeout: 2000 });
    }
    await page.clock.runFor(this.ms);
  }
}

const frac = fc.noBias(fc.integer({ min: 0, max: 9999 })).map((n) => n / 10000);

/**
 * Sequences of `maxCommands / 2` to `maxCommands` interactions, weighted
 * toward what people do most: keys, buttons, taps and letting time pass.
 */
export function interactions(maxCommands) {
  const one = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...KEYS).map((k) => new Key(k)) },
    // Play / pause, step and a client request, more often than the other
    // keys: runs get somewhere, those that wait for a client too.
    { weight: 2, arbitrary: fc.constantFrom(' ', 'ArrowRight', 'q').map((k) => new Key(k)) },
    { weight: 3, arbitrary: frac.map((at) => new Click('press', 'button:not([disabled])', at)) },
    { weight: 1, arbitrary: fc.tuple(frac, frac).map(([at, o]) => new Choose(at, o)) },
    { weight: 3, arbitrary: fc.tuple(frac, fc.constantFrom('', '', 'Shift', 'Alt')).map(([at, m]) => new Tap(at, m)) },
    { weight: 1, arbitrary: fc.tuple(frac, fc.constantFrom(...TYPED)).map(([at, t]) => new Type(at, t)) },
    { weight: 1, arbitrary: frac.map((at) => new Click('toggle', 'input[type=checkbox]:not([disabled])', at)) },
    { weight: 1, arbitrary: fc.tuple(frac, frac).map(([at, to]) => new Slide(at, to)) },
    { weight: 3, arbitrary: fc.constantFrom(50, 200, 1000, 3000).map((ms) => new Wait(ms)) },
    // Runs get somewhere: play for a few seconds, at whatever speed is set.
    { weight: 2, arbitrary: fc.constantFrom(2000, 5000).map((ms) => new Run(ms)) },
  );
  return fc.array(one, { minLength: Math.ceil(maxCommands / 2), maxLength: maxCommands });
}

/** Throw if the page is not whole: an uncaught error, or the error panel. */
async function whole(page, errors, after) {
  const panel = await page.locator('#panic').count();
  if (errors.length || panel) {
    const text = panel ? await page.locator('#panic').innerText() : '';
    throw new Error(`after ${after}: ${[...errors, text].filter(Boolean).join(' | ')}`);
  }
  await page.evaluate(() => window.clusterscope.state().step);
}

/**
 * The CLI's trace of the run file `run`, or an explanation. Exit 1 (a
 * violation) and 3 (an action that failed) still write the trace.
 */
function cliTrace(cli, run) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterscope-monkey-'));
  const file = path.join(dir, 'run.json');
  const out = path.join(dir, 'trace.json');
  fs.writeFileSync(file, run);
  try {
    execFileSync(cli, ['run', '--run-file', file, '--trace', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    if (e.status !== 1 && e.status !== 3) throw new Error(`cli run --run-file failed (exit ${e.status}): ${e.stderr}\nrun file: ${run}`);
  }
  const text = fs.readFileSync(out, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return text;
}

/**
 * Open `url` (a query, to which `view` may add) in a fresh context with
 * `view`'s settings, run `steps` on it
 * and check the page after each; then, with `cli`, that the CLI replays
 * the run the page shows to the same trace. Resolves to the number of
 * steps the run reached.
 */
export async function play(browser, url, steps, { view = 'desktop', cli = '' } = {}) {
  const context = await browser.newContext(VIEWS[view].context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => d.dismiss());
  try {
    await page.clock.install({ time: EPOCH });
    await page.goto(url + VIEWS[view].query);
    await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready === true, null, { timeout: 20000 });
    await page.clock.pauseAt(EPOCH + 600_000);
    await fc.asyncModelRun(() => ({ model: {}, real: { page, errors } }), steps);
    const [run, trace, step] = await page.evaluate(() => {
      const cs = window.clusterscope;
      cs.pause();
      return [cs.runFile(), cs.traceText(), cs.state().step];
    });
    if (cli) {
      const expected = cliTrace(cli, run);
      if (expected !== trace) {
        throw new Error(`the CLI replays this run to another trace (${expected.length} bytes, the page's ${trace.length})\nrun file: ${run}`);
      }
    }
    return step;
  } finally {
    await context.close();
  }
}
