// Steps per second of the app stepping a run through its script API: the
// built dist/ in headless Chromium (Debian's), each algorithm opened with a
// lossy, duplicating network (drop 0.05, dup 0.01, seed 3) and stepped by
// window.clusterscope.step(2000) ten times per round, the page refreshing
// after each call as it does when a user fast-forwards. Prints the last six
// of twelve rounds (the first warm up the engine's compiler), for comparing
// two builds in one sitting; the page's refresh is part of every figure, so
// this is not the simulator's own rate (`?sim-bench=5` is, for Raft).
//
//   node tests/perf/step-rate.mjs ALGO...
//   (CLUSTERSCOPE_DIST: the built dist/, default <repo>/dist)
//
// Pick algorithms whose runs do not end (lock-lease, ring, balance, kv-lww,
// abd): a run with nothing left to do stops stepping.
import { serve, launch } from '../e2e/harness.mjs';

const ROUNDS = 12;
const KEPT = 6;

async function rate(browser, url, algo) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?algo=${encodeURIComponent(algo)}&drop=0.05&dup=0.01&seed=3`);
  await page.waitForFunction(() => window.clusterscope?.ready === true, null, { timeout: 20000 });
  const rates = await page.evaluate((rounds) => {
    const out = [];
    for (let round = 0; round < rounds; round++) {
      const from = window.clusterscope.state().step;
      const start = performance.now();
      for (let i = 0; i < 10; i++) window.clusterscope.step(2000);
      const ms = performance.now() - start;
      out.push(Math.round(((window.clusterscope.state().step - from) / ms) * 1000));
    }
    return out;
  }, ROUNDS);
  await context.close();
  if (errors.length) throw new Error(`${algo}: page errors: ${errors.join('; ')}`);
  return rates.slice(ROUNDS - KEPT);
}

async function main() {
  const algos = process.argv.slice(2);
  if (algos.length === 0) throw new Error('usage: step-rate.mjs ALGO...');
  const server = await serve();
  const browser = await launch();
  try {
    console.log(`steps per second through clusterscope.step(2000), the last ${KEPT} of ${ROUNDS} rounds`);
    for (const algo of algos) {
      const rates = await rate(browser, server.url, algo);
      const sorted = [...rates].sort((a, b) => a - b);
      const median = (sorted[KEPT / 2 - 1] + sorted[KEPT / 2]) / 2;
      console.log(`  ${algo.padEnd(14)} median ${Math.round(median).toString().padStart(9)}   ${rates.join(' ')}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(`step-rate: ${e.message}`);
  process.exit(1);
});
