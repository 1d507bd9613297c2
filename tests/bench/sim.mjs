// The simulator benchmark in the browser, beside the native one.
//
// Serves dist/, opens `?sim-bench=N` in Debian's headless Chromium (the
// release build of the app runs the benchmark scenario of lab::scenario in
// wasm instead of the app), and, when CLUSTERSCOPE_CLI names the `cli`
// binary, runs `cli bench` with the same scenario natively, then prints both
// and their ratio. Run by `cargo xtask bench`; usage:
//
//   node tests/bench/sim.mjs [--nodes 5,9] [--steps 1000000] [--rounds 3]
//
// With --rounds N (default 3) it runs the browser page and the native
// benchmark N times for each node count, one after the other, and prints
// each round's figures, then the median browser/native ratio of the rounds
// and their range: the machine's speed drifts from minute to minute, and a
// ratio of two runs a minute apart moves with it.
//
// A measurement, not a test: it prints numbers and fails only if the page
// cannot run.

import { execFileSync } from 'node:child_process';
import { serve, launch, DIST, CLI } from '../e2e/harness.mjs';

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const nodesList = flag('--nodes', '5,9').split(',').map(Number);
const steps = Number(flag('--steps', '1000000'));
const rounds = Number(flag('--rounds', '3'));
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
  throw new Error(`--rounds: expected 1 to 100, got ${flag('--rounds', '')}`);
}
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function nativeBench(nodes) {
  if (!CLI) return null;
  const out = execFileSync(CLI, ['bench', '--nodes', String(nodes), '--steps', String(steps)], { encoding: 'utf8' });
  const m = out.match(/= ([\d,]+) events\/s/);
  return m ? { line: out.split('\n').slice(1, 3).join('\n'), rate: Number(m[1].replace(/,/g, '')) } : null;
}

const server = await serve(DIST);
const browser = await launch();
const ratios = new Map(nodesList.map((n) => [n, []]));
const rates = new Map(nodesList.map((n) => [n, []]));
try {
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    for (const nodes of nodesList) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      await page.goto(`${server.url}?sim-bench=${nodes}&steps=${steps}`);
      await page.waitForSelector('#sim-bench-result', { timeout: 15 * 60 * 1000 });
      const result = JSON.parse(await page.textContent('#sim-bench-result'));
      await page.close();
      if (result.error) throw new Error(`sim-bench: ${result.error}`);
      const mem = result.memory_mb.map(([s, mb]) => `${fmt(s / 1000)}k:${mb.toFixed(1)}`).join(' ');
      // Memory per 1,000 log entries: flat when memory follows the state it
      // holds (the logs), not the number of steps.
      const perEntry = result.memory_mb.filter(([, , log]) => log > 0)
        .map(([s, mb, log]) => `${fmt(s / 1000)}k:${((mb - result.memory_mb[0][1]) / log * 1000).toFixed(2)}`).join(' ');
      console.log(`browser raft ${nodes} nodes: ${fmt(result.steps)} events in one warm run, ${result.seconds.toFixed(2)} s = ${fmt(result.events_per_second)} events/s`);
      console.log(`  first ${fmt(result.first_window)} events/s, last ${fmt(result.last_window)} events/s (last/first ${(result.last_window / result.first_window).toFixed(2)}); longest log ${fmt(result.longest_log)} entries`);
      const cold = result.cold;
      console.log(`  (the page's first, cold run of the same events: ${cold.seconds.toFixed(2)} s = ${fmt(cold.events_per_second)} events/s, first ${fmt(cold.first_window)}, last ${fmt(cold.last_window)})`);
      console.log(`  wasm memory (MB) by step, cold run: ${mem}`);
      console.log(`  memory added per 1,000 entries of the longest log (MB): ${perEntry}`);
      const s = result.seek;
      console.log(`  seek in a ${fmt(s.run_steps)}-step run, ${s.targets} targets: median ${s.median_ms.toFixed(2)} ms, mean ${s.mean_ms.toFixed(2)} ms, max ${s.max_ms.toFixed(2)} ms`);
      rates.get(nodes).push(result.events_per_second);
      const native = nativeBench(nodes);
      if (native) {
        console.log(`native ${native.line.trim()}`);
        const ratio = result.events_per_second / native.rate;
        ratios.get(nodes).push(ratio);
        console.log(`  browser/native: ${ratio.toFixed(2)}`);
      }
    }
  }
  if (rounds > 1) {
    for (const nodes of nodesList) {
      const r = rates.get(nodes);
      console.log(`browser raft ${nodes} nodes over ${rounds} rounds: median ${fmt(median(r))} events/s (${fmt(Math.min(...r))} to ${fmt(Math.max(...r))})`);
      const q = ratios.get(nodes);
      if (q.length) {
        console.log(`  browser/native, median of the rounds: ${median(q).toFixed(2)} (${Math.min(...q).toFixed(2)} to ${Math.max(...q).toFixed(2)})`);
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
