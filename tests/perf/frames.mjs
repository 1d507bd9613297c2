// What a frame of the app costs on the browser's main thread, per scene:
// the built dist/ in headless Chromium (Debian's), each scene warmed up,
// then measured over a window of wall time with the DevTools protocol's
// Performance metrics (task, script, layout and style time, summed by the
// browser) divided by the animation frames the page saw in the window.
//
//   node tests/perf/frames.mjs [--seconds N] [--json] [--scene NAME]...
//   (or `cargo xtask frames`, which builds dist/ first)
//
// A frame budget at 60 fps is 16.7 ms; the numbers are per frame, so they
// compare across machines less well than across builds on one machine.
import { serve, launch } from '../e2e/harness.mjs';

const SCENES = [
  { name: 'raft, 5 nodes, playing', id: 'raft-5', query: '?nodes=5&seed=1', play: true },
  { name: 'raft, 9 nodes, playing', id: 'raft-9', query: '?nodes=9&seed=1', play: true },
  { name: 'multi-paxos, 5 nodes, playing', id: 'multipaxos-5', query: '?algo=multipaxos&seed=1', play: true },
  { name: 'lock with fencing, playing', id: 'lock-fenced', query: '?algo=lock-fenced&seed=1', play: true },
  { name: 'hash ring, playing', id: 'ring', query: '?algo=ring&seed=1', play: true },
  { name: 'kv-raft, 5 nodes, playing', id: 'kv-raft', query: '?algo=kv-raft&seed=1', play: true },
  { name: 'kv-lww, 5 nodes, playing', id: 'kv-lww', query: '?algo=kv-lww&seed=1', play: true },
  { name: 'abd, 6 nodes, playing', id: 'abd', query: '?algo=abd&seed=1', play: true },
  { name: 'load balancing, 5 nodes, playing', id: 'balance', query: '?algo=balance&seed=1', play: true },
  { name: 'render bench, 100 nodes × 5,000 messages', id: 'render-bench', query: '?render-bench=100x5000', play: false },
  { name: 'raft, 5 nodes, playing, space-time diagram', id: 'raft-5-spacetime', query: '?nodes=5&seed=1&view=spacetime', play: true },
  { name: 'raft beside multi-paxos, 5 nodes, playing', id: 'raft-5-compare', query: '?nodes=5&seed=1&compare=multipaxos', play: true },
  // 10,000 events recorded; every frame pans or zooms the diagram (keys
  // on its canvas, as a reader's would), so every frame redraws it.
  {
    name: 'space-time diagram, 10,000 events, pan+zoom',
    id: 'spacetime-10k',
    query: '?nodes=5&seed=1&view=spacetime&step=10000',
    play: false,
    drive: () => {
      const canvas = document.querySelector('#spacetime');
      const keys = ['ArrowLeft', 'ArrowLeft', 'ArrowLeft', '-', 'ArrowLeft', '+', 'ArrowRight', 'ArrowLeft'];
      let i = 0;
      const tick = () => {
        canvas.dispatchEvent(new KeyboardEvent('keydown', { key: keys[i++ % keys.length], bubbles: true }));
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
  },
];

function parseArgs(argv) {
  const opts = { seconds: 8, json: false, scenes: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') {
      opts.seconds = Number(argv[++i]);
      if (!(opts.seconds > 0 && opts.seconds <= 120)) throw new Error(`--seconds: expected 0 < N <= 120, got ${argv[i]}`);
    } else if (a === '--json') {
      opts.json = true;
    } else if (a === '--scene') {
      const id = argv[++i];
      if (!SCENES.some((s) => s.id === id)) {
        throw new Error(`--scene: unknown scene ${JSON.stringify(id)}; known: ${SCENES.map((s) => s.id).join(', ')}`);
      }
      opts.scenes.push(id);
    } else {
      throw new Error(`unexpected argument ${JSON.stringify(a)}; usage: frames.mjs [--seconds N] [--json] [--scene ID]...`);
    }
  }
  return opts;
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const out = {};
  for (const m of list) if (METRICS.includes(m.name)) out[m.name] = m.value;
  return out;
}

async function measure(browser, url, scene, seconds) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + scene.query);
  await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready === true, null, { timeout: 30000 });
  await page.evaluate(() => {
    window.__frames = 0;
    window.__worst = 0;
    let last = null;
    const tick = (ts) => {
      window.__frames += 1;
      if (last !== null) window.__worst = Math.max(window.__worst, ts - last);
      last = ts;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  if (scene.play) await page.evaluate(() => window.clusterscope.play());
  if (scene.drive) await page.evaluate(scene.drive);
  await page.waitForTimeout(1000); // warm up: tier-up, first layout, caches
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const f0 = await page.evaluate(() => { window.__worst = 0; return window.__frames; });
  const m0 = await metrics(cdp);
  const t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const m1 = await metrics(cdp);
  const [f1, worst] = await page.evaluate(() => [window.__frames, window.__worst]);
  const wall = (Date.now() - t0) / 1000;
  await context.close();
  if (errors.length) throw new Error(`${scene.id}: page errors: ${errors.join('; ')}`);
  const frames = Math.max(1, f1 - f0);
  const per = (name) => ((m1[name] - m0[name]) * 1000) / frames;
  return {
    scene: scene.id,
    name: scene.name,
    frames,
    fps: frames / wall,
    task_ms: per('TaskDuration'),
    script_ms: per('ScriptDuration'),
    layout_style_ms: per('LayoutDuration') + per('RecalcStyleDuration'),
    // The longest gap between two animation frames: a frame that took
    // longer than its 16.7 ms shows here.
    worst_frame_ms: worst,
  };
}

const opts = parseArgs(process.argv.slice(2));
const server = await serve();
const browser = await launch();
const results = [];
try {
  for (const scene of SCENES.filter((s) => !opts.scenes.length || opts.scenes.includes(s.id))) {
    results.push(await measure(browser, server.url, scene, opts.seconds));
    if (!opts.json) {
      const r = results.at(-1);
      console.log(`${r.name.padEnd(44)} ${r.task_ms.toFixed(2).padStart(6)} ms/frame main thread `
        + `(script ${r.script_ms.toFixed(2)}, layout+style ${r.layout_style_ms.toFixed(2)}), ${r.fps.toFixed(1)} fps, `
        + `worst frame ${r.worst_frame_ms.toFixed(1)} ms`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
if (opts.json) console.log(JSON.stringify({ seconds: opts.seconds, viewport: '1280x800', results }, null, 2));
