// The UI monkey's long run (`cargo xtask monkey`): for each algorithm and
// view (desktop, phone, the embedded view), RUNS seeded sequences of up to ACTIONS interactions through the
// real page (tests/e2e/monkey.mjs), each checked after every step and then
// replayed by the CLI to the same trace. A failure is shrunk to a short
// sequence and printed with the seed and path that replay it; the command
// goes on with the next algorithm and exits 1 at the end.
//
// usage: node tests/soak/monkey.mjs [--runs N] [--actions N] [--seed S]
//        [--algo A]... [--view desktop|phone|embed|all]
// Environment: CLUSTERSCOPE_DIST (the built app), CLUSTERSCOPE_CLI (the
// CLI; without it the replay check is left out, and said so).

import fc from 'fast-check';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { serve, launch, DIST, CLI } from '../e2e/harness.mjs';
import { ALGOS, VIEWS, interactions, play } from '../e2e/monkey.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    actions: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    algo: { type: 'string', multiple: true, default: [] },
    view: { type: 'string', default: 'all' },
  },
});
const number = (flag, text, min) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`monkey: --${flag} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
};
const runs = number('runs', values.runs, 1);
const actions = number('actions', values.actions, 1);
const seed = number('seed', values.seed, 0);
const algos = values.algo.length ? values.algo : ALGOS;
for (const algo of algos) {
  if (!ALGOS.includes(algo)) {
    console.error(`monkey: --algo must be one of ${ALGOS.join(', ')}, got ${JSON.stringify(algo)}`);
    process.exit(2);
  }
}
const views = values.view === 'all' ? Object.keys(VIEWS) : [values.view];
if (!views.every((v) => v in VIEWS)) {
  console.error(`monkey: --view must be desktop, phone, embed or all, got ${JSON.stringify(values.view)}`);
  process.exit(2);
}
const cli = CLI && fs.existsSync(CLI) ? CLI : '';
if (!cli) console.log('monkey: CLUSTERSCOPE_CLI is not set: the CLI replay check is left out');

const server = await serve(DIST);
const browser = await launch();
// A browser that goes away (killed, or crashed) fails every run after it:
// say so once and stop, rather than shrink a sequence against no browser.
let closing = false;
browser.on('disconnected', () => {
  if (closing) return;
  console.log('monkey: the browser went away (killed or crashed); stopping');
  process.exit(1);
});
let failed = 0;
const started = Date.now();
for (const algo of algos) {
  for (const view of views) {
    const at = Date.now();
    // Each algorithm its own seed, the same whichever --algo are chosen.
    const runSeed = seed + ALGOS.indexOf(algo);
    let steps = 0;
    try {
      await fc.assert(
        fc.asyncProperty(interactions(actions), async (sequence) => {
          steps = Math.max(steps, await play(browser, `${server.url}?algo=${algo}`, sequence, { view, cli }));
        }),
        { seed: runSeed, numRuns: runs },
      );
      console.log(`ok     ${algo} (${view}): ${runs} runs of up to ${actions} interactions, seed ${runSeed}, `
        + `furthest step ${steps}, ${((Date.now() - at) / 1000).toFixed(0)} s`);
    } catch (e) {
      failed++;
      console.log(`FAILED ${algo} (${view}), seed ${runSeed}:\n${e.message}\n${e.cause ? String(e.cause.stack || e.cause) : ''}`);
      console.log(`again: node tests/soak/monkey.mjs --algo ${algo} --view ${view} `
        + `--runs ${runs} --actions ${actions} --seed ${seed}`);
    }
  }
}
closing = true;
await browser.close();
await server.close();
console.log(`monkey: ${failed ? `${failed} failed` : 'no failure'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
