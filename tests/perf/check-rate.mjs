// The model checker's rate in the browser: the built dist/ in headless
// Chromium (Debian's), each model checked by the app's Web Worker through
// window.clusterscope.check(), on the models of the native benchmark
// (`cargo xtask check-bench`): single-decree Paxos with 2 proposers and 3
// acceptors, and two-phase commit. Prints unique states, seconds (the
// worker's own time around the search, not the page load) and unique
// states per second per model.
//
//   node tests/perf/check-rate.mjs [--json] [--model ID]...
//   (CLUSTERSCOPE_DIST: the built dist/, default <repo>/dist)
//
// Each model is checked once in a fresh page after one warm-up check of a
// tiny model there (so the worker's wasm is compiled and cached).
import { serve, launch } from '../e2e/harness.mjs';

export const MODELS = [
  {
    id: 'paxos',
    name: 'paxos, 2 proposers, 3 acceptors, depth 9',
    cli: 'cli check --algo paxos --nodes 5 --set roles=split --set proposers=2 --set acceptors=3 --requests 2 --cmd A --cmd B --depth 9',
    query: '?algo=paxos&nodes=5&roles=split&proposers=2&acceptors=3',
    budgets: { depth: 9, requests: 2, commands: 'A,B', memory_mb: '' },
  },
  {
    id: '2pc',
    name: '2pc, 3 nodes, depth 8',
    cli: 'cli check --algo 2pc --nodes 3 --requests 1 --depth 8',
    query: '?algo=2pc&nodes=3',
    budgets: { depth: 8, requests: 1, memory_mb: '' },
  },
];

function parseArgs(argv) {
  const opts = { json: false, models: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      opts.json = true;
    } else if (a === '--model') {
      const id = argv[++i];
      if (!MODELS.some((m) => m.id === id)) {
        throw new Error(`--model: unknown model ${JSON.stringify(id)}; known: ${MODELS.map((m) => m.id).join(', ')}`);
      }
      opts.models.push(id);
    } else {
      throw new Error(`unexpected argument ${JSON.stringify(a)}; usage: check-rate.mjs [--json] [--model ID]...`);
    }
  }
  return opts;
}

async function measure(browser, url, model) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + model.query);
  await page.waitForFunction(() => window.clusterscope?.ready === true, null, { timeout: 20000 });
  await page.evaluate(() => window.clusterscope.check({ depth: 2 }));
  const outcome = await page.evaluate((b) => window.clusterscope.check(b), model.budgets);
  await context.close();
  if (errors.length) throw new Error(`${model.id}: page errors: ${errors.join('; ')}`);
  return {
    id: model.id,
    name: model.name,
    cli: model.cli,
    unique: outcome.unique,
    generated: outcome.generated,
    depth: outcome.depth,
    stop: outcome.stop.reason,
    seconds: outcome.seconds,
    unique_per_second: outcome.seconds > 0 ? outcome.unique / outcome.seconds : 0,
    memory_mb: outcome.memory_mb,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const models = MODELS.filter((m) => opts.models.length === 0 || opts.models.includes(m.id));
  const server = await serve();
  const browser = await launch();
  const results = [];
  try {
    for (const model of models) results.push(await measure(browser, server.url, model));
  } finally {
    await browser.close();
    await server.close();
  }
  if (opts.json) {
    console.log(JSON.stringify({ browser: 'chromium (headless)', models: results }));
    return;
  }
  console.log('model checking in the browser (Web Worker, one thread)');
  for (const r of results) {
    console.log(`  ${r.name.padEnd(42)} ${String(r.unique).padStart(9)} unique  ${r.seconds.toFixed(2).padStart(7)} s  `
      + `${Math.round(r.unique_per_second).toString().padStart(8)} unique/s  (${r.stop}, ${Math.round(r.memory_mb)} MB)`);
  }
}

main().catch((e) => {
  console.error(`check-rate: ${e.message}`);
  process.exit(1);
});
