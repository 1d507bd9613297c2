// User flows in the app, in Debian's headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, roles, stepUntilLeader, clickNode, nextFrame, useApp } from './harness.mjs';

const env = useApp();

async function leaderInDom(page) {
  return page.evaluate(() => {
    const li = document.querySelector('#node-list li[data-role="leader"]:not([data-status="down"])');
    return li ? Number(li.dataset.node) : null;
  });
}

test('load, press Play: a leader is elected (state() and the DOM agree)', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=42');
  assert.equal(await page.locator('canvas#cluster').getAttribute('role'), 'img');
  assert.deepEqual(await roles(page), ['follower', 'follower', 'follower', 'follower', 'follower']);
  // Speed up a little from the keyboard, then play from the toolbar.
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.locator('#play').click();
  await page.waitForFunction(
    () => document.querySelector('#node-list li[data-role="leader"]') !== null,
    null,
    { timeout: 15000 },
  );
  await page.locator('#play').click(); // pause
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  const fromState = (await roles(page)).indexOf('leader');
  assert.notEqual(fromState, -1, 'state() shows a leader');
  assert.equal(await leaderInDom(page), fromState, 'the node list shows the same leader');
  const label = await page.locator('canvas#cluster').getAttribute('aria-label');
  assert.match(label, new RegExp(`node ${fromState} leader of term \\d+`));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('crash the leader by clicking it on the canvas: a new leader is elected', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=7');
  const leader = await stepUntilLeader(page);
  assert.notEqual(leader, null);
  const term = await page.evaluate((id) => window.clusterscope.state().nodes[id].term, leader);

  await clickNode(page, leader);
  await page.locator('#inspector').waitFor();
  assert.match(await page.locator('#insp-h').innerText(), new RegExp(`Node ${leader}`));
  await page.locator('#crash').click();
  const crashed = await page.evaluate((id) => window.clusterscope.state().nodes[id], leader);
  assert.equal(crashed.up, false, 'the clicked leader is down');
  await page.waitForFunction((id) => document.querySelector(`#node-list li[data-node="${id}"]`).dataset.status === 'down', leader);
  assert.match(await page.locator('#log').innerText(), new RegExp(`node ${leader} crashed`));

  const next = await stepUntilLeader(page, 5000, { exclude: leader, minTerm: term });
  assert.notEqual(next, null, 'a new leader after the crash');
  assert.notEqual(next, leader);
  await page.waitForFunction((id) => document.querySelector('#node-list li[data-role="leader"]')?.dataset.node === String(id), next);

  // Restart it from the inspector: it comes back as a follower.
  await page.locator('#restart').click();
  const back = await page.evaluate((id) => window.clusterscope.state().nodes[id], leader);
  assert.equal(back.up, true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('step back restores the earlier state, across an action', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=3');
  await page.evaluate(() => window.clusterscope.step(40));
  const before = await page.evaluate(() => window.clusterscope.state());
  // Forward with the keyboard and the Step button, act, then back with the Back button and the API.
  await page.locator('#cluster').focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.locator('#step').click();
  await page.evaluate(() => window.clusterscope.act({ do: 'crash', node: 1 }));
  await page.evaluate(() => window.clusterscope.step(20));
  assert.equal((await page.evaluate(() => window.clusterscope.state())).step, 66);
  await page.locator('#back').click();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('#stepcount').textContent === 'step 64');
  await page.evaluate(() => window.clusterscope.back(24));
  const after = await page.evaluate(() => window.clusterscope.state());
  assert.deepEqual(after, before);
  assert.equal(await page.locator('#stepcount').innerText(), 'step 40');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('reloading the URL reproduces the same state', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=11&nodes=7');
  await stepUntilLeader(page);
  await page.evaluate(() => {
    const cs = window.clusterscope;
    const leader = cs.state().nodes.find((n) => n.role === 'leader').id;
    cs.act({ do: 'request', node: leader, cmd: 'x=1' });
    cs.step(30);
    cs.act({ do: 'partition', groups: [[0, 1, 2]] });
    cs.step(200);
    cs.act({ do: 'crash', node: 5 });
    cs.step(17);
  });
  const before = await page.evaluate(() => window.clusterscope.state());
  await page.waitForFunction((step) => new URLSearchParams(location.search).get('step') === String(step), before.step);
  const url = page.url();
  assert.match(url, /actions=/);
  await page.reload();
  await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready);
  assert.equal(page.url(), url);
  const after = await page.evaluate(() => window.clusterscope.state());
  assert.deepEqual(after, before);
  // A fresh tab with the copied link shows the same too.
  const copy = await openApp(env.browser, url);
  assert.deepEqual(await copy.evaluate(() => window.clusterscope.state()), before);
  await copy.context().close();
  await page.context().close();
});

test('a bad query shows a message naming the parameter and opens the rest of the link', async () => {
  for (const [query, name] of [
    ['?nodes=1000', 'nodes'],
    ['?seed=abc', 'seed'],
    ['?algo=paxsos', 'algo'],
    ['?actions=%5B%7B%22step%22%3A1%2C%22do%22%3A%22crash%22%7D', 'actions'],
    ['?preset=no-such-scenario', 'preset'],
  ]) {
    const page = await openApp(env.browser, env.server.url + query);
    const alert = page.locator('.notice[role="alert"]');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, new RegExp(`“${name}”`), `${query}: ${text}`);
    assert.match(text, /Opened the rest of the link without it\./);
    const state = await page.evaluate(() => window.clusterscope.state());
    assert.equal(state.nodes.length, 5, query);
    assert.equal(state.algo, 'raft');
    assert.notEqual(await stepUntilLeader(page), null, `${query}: the default world runs`);
    // The message can be dismissed.
    await alert.locator('.dismiss').click();
    assert.equal(await page.locator('.notice[role="alert"]').count(), 0);
    await page.context().close();
  }
});

test('a bad parameter is left out and the rest of the link opens: the algorithm, seed and step it names', async () => {
  // `?algo=abd&nodes=1000` opened Raft, the default world.
  const page = await openApp(env.browser, `${env.server.url}?algo=abd&nodes=1000&seed=7&step=30`);
  const alert = page.locator('.notice[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /“nodes” parameter is invalid .*Opened the rest of the link without it\./s);
  const state = await page.evaluate(() => window.clusterscope.state());
  assert.equal(state.algo, 'abd');
  assert.equal(state.step, 30);
  assert.equal(await page.evaluate(() => window.clusterscope.trace().seed), 7);
  await page.context().close();
});

test('a slip in a parameter\'s name is named with the one meant; the rest of the link opens', async () => {
  const page = await openApp(env.browser, `${env.server.url}?algo=paxos&nodse=3&seed=7&utm_source=docs`);
  const alert = page.locator('.notice[role="alert"]');
  await alert.waitFor();
  assert.equal(await alert.count(), 1, 'one notice: the embedding page\'s own parameter is left alone');
  const text = await alert.innerText();
  assert.match(text, /“nodse” parameter is not one the app reads/);
  assert.match(text, /did you mean “nodes”\?/);
  assert.equal((await page.evaluate(() => window.clusterscope.state())).algo, 'paxos');
  assert.equal(await page.evaluate(() => window.clusterscope.trace().seed), 7);
  await page.context().close();
});

test('a link to a step the run never reaches says so and shows the last step', async () => {
  // Two-phase commit waits for a client: with no request, nothing happens after step 0.
  const page = await openApp(env.browser, env.server.url + '?algo=2pc&nodes=3&step=300');
  const alert = page.locator('.notice[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /“step” is 300, but the run has nothing left to happen after step 0; showing step 0/);
  assert.match(await page.locator('#caption').innerText(), /^Step 0 /);
  await page.context().close();
  // A step the run reaches opens with no notice.
  const reached = await openApp(env.browser, env.server.url + '?step=300');
  assert.match(await reached.locator('#caption').innerText(), /^Step 300 /);
  assert.equal(await reached.locator('.notice').count(), 0);
  await reached.context().close();
});

test('keyboard: ? opens the help overlay, Escape closes it; shortcuts drive the world', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=5');
  const passive = [];
  page.on('console', (m) => { if (/preventDefault/.test(m.text())) passive.push(m.text()); });
  await page.keyboard.press('Shift+Slash');
  const help = page.locator('#help');
  await help.waitFor();
  const text = await help.innerText();
  for (const s of ['Space', 'Step forward', 'Step back', 'Heal', 'Crash the selected node', 'Esc',
    'Space or k', '+ or =', '− or _', 'Duplicate the selected message', 'Delay the selected message']) {
    assert.ok(text.includes(s), `help lists ${s}`);
  }
  assert.equal(await help.getAttribute('role'), 'dialog');
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await page.keyboard.press('.');
  await page.keyboard.press('.');
  assert.equal((await page.evaluate(() => window.clusterscope.state())).step, 2);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  assert.deepEqual(passive, [], 'shortcuts can prevent the default (the listener is not passive)');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('partition by shift-clicking nodes, cut a link one way, heal; inspect and drop a message', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=9');
  await stepUntilLeader(page);
  await clickNode(page, 0, ['Shift']);
  await clickNode(page, 1, ['Shift']);
  await page.waitForFunction(() => document.querySelector('#picked').textContent.includes('{0,1}'));
  await page.locator('#partition').click();
  await page.waitForFunction(() => document.querySelector('#log').textContent.includes('partition {0,1} | {2,3,4}'));
  const actions = () => page.evaluate(() => window.clusterscope.trace().actions.map((a) => a.do));
  assert.deepEqual(await actions(), ['partition']);
  await page.locator('#heal').click();
  // Select node 2, alt-click node 3: the link 2→3 is cut.
  await clickNode(page, 2);
  await clickNode(page, 3, ['Alt']);
  await page.waitForFunction(() => document.querySelector('#log').textContent.includes('link 2→3 cut'));
  assert.deepEqual(await actions(), ['partition', 'heal', 'cut']);

  // Click a message in flight: the message inspector opens; drop it.
  await page.keyboard.press('Escape');
  let msgs = [];
  for (let i = 0; i < 50 && msgs.length === 0; i++) {
    await page.evaluate(() => window.clusterscope.step(1));
    await nextFrame(page);
    msgs = (await page.evaluate(() => window.clusterscope.layout())).messages;
  }
  assert.ok(msgs.length > 0, 'some message in flight');
  const m = msgs[0];
  await page.locator('#cluster').click({ position: { x: m.x, y: m.y } });
  await page.locator('#msg-inspector').waitFor();
  assert.match(await page.locator('#msg-inspector pre').innerText(), new RegExp(`"id": ${m.id}`));
  await page.locator('#drop-msg').click();
  const inFlight = await page.evaluate(() => window.clusterscope.state().in_flight.map((x) => x.id));
  assert.ok(!inFlight.includes(m.id), 'the dropped message is gone');
  assert.deepEqual((await actions()).at(-1), 'drop');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('window.clusterscope throws clear errors for bad arguments', async () => {
  const page = await openApp(env.browser, env.server.url);
  const error = (js) => page.evaluate((js) => {
    try { eval(js); return null; } catch (e) { return e instanceof Error ? e.message : String(e); }
  }, js);
  assert.equal(await error('window.clusterscope.act({do:"crash",node:9})'), 'act: crash: node 9 does not exist (nodes are 0..4)');
  assert.equal(await error('window.clusterscope.step(-1)'), 'step: n must be a non-negative integer, got -1');
  assert.equal(await error('window.clusterscope.step(1.5)'), 'step: n must be a non-negative integer, got 1.5');
  assert.equal(await error('window.clusterscope.seek()'), 'seek: step must be a non-negative integer, got undefined');
  assert.equal(await error('window.clusterscope.act({do:"restart",node:1})'), 'act: restart: node 1 is not down');
  assert.match(await error('window.clusterscope.act("{")'), /^act: action: /);
  assert.match(await error('window.clusterscope.act(42)'), /^act: expected an action object or JSON string/);
  assert.equal(await error('window.clusterscope.act(\'{"do":"crash","node":2}\')'), null, 'a JSON string works too');
  assert.equal(await page.evaluate(() => window.clusterscope.state().nodes[2].up), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('calls made before the app is ready are queued, then run (play right after load)', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url + '?seed=2', { waitUntil: 'commit' });
  await page.waitForFunction(() => window.clusterscope !== undefined);
  const early = await page.evaluate(() => {
    const cs = window.clusterscope;
    const wasReady = cs.ready;
    cs.step(3);
    let readError = null;
    if (!wasReady) {
      try { cs.state(); } catch (e) { readError = e.message; }
    }
    return { wasReady, readError };
  });
  if (!early.wasReady) assert.match(early.readError, /still loading/);
  await page.waitForFunction(() => window.clusterscope.ready === true);
  assert.equal(await page.evaluate(() => window.clusterscope.state().step), 3);
  await context.close();
});

test('a module that cannot start says so where "Loading the simulator" stood', async () => {
  for (const simd of [true, false]) {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    // A download cut short: the wasm is not a valid module.
    await page.route(/_bg\.wasm$/, (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: Buffer.from([0, 97, 115, 109, 1, 0, 0, 0, 1]) }));
    // A browser without WebAssembly SIMD rejects the probe module boot.js validates.
    if (!simd) await page.addInitScript(() => { WebAssembly.validate = () => false; });
    await page.goto(env.server.url + '?seed=1');
    const loading = page.locator('#loading[role="alert"]');
    await loading.waitFor({ timeout: 15000 });
    const text = await loading.innerText();
    assert.match(text, /^Clusterscope could not start: /);
    if (simd) assert.match(text, /Reload the page/);
    else assert.match(text, /lacks WebAssembly SIMD.*Safari 16\.4/);
    assert.equal(await page.evaluate(() => window.clusterscope.ready), false);
    await context.close();
  }
});

test('scheduled actions that fail when their step comes are listed', async () => {
  const actions = JSON.stringify([{ step: 5, do: 'restart', node: 1 }, { step: 8, do: 'crash', node: 2 }]);
  const page = await openApp(env.browser, `${env.server.url}?seed=4&actions=${encodeURIComponent(actions)}`);
  assert.equal(await page.locator('#action-errors').count(), 0);
  await page.evaluate(() => window.clusterscope.step(10));
  const panel = page.locator('#action-errors');
  await panel.waitFor();
  const text = await panel.innerText();
  assert.match(text, /actions\[0\] at step 5: restart: node 1 is not down/);
  assert.ok(!text.includes('actions[1]'), 'the crash at step 8 worked');
  assert.equal(await page.evaluate(() => window.clusterscope.state().nodes[2].up), false);
  await page.context().close();
});

test('an embedding page drives the app in an iframe through postMessage', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  // The parent needs an origin of its own: the app answers only real
  // origins (an about:blank page's is opaque, and a reply to it would have
  // to go to '*'). Any page of the server will do.
  await page.goto(env.server.url + 'parent-page');
  await page.evaluate((url) => {
    document.body.innerHTML = `<iframe id="lab" src="${url}?seed=42" width="1000" height="700"></iframe>`;
  }, env.server.url);
  const result = await page.evaluate(async () => {
    const frame = document.getElementById('lab').contentWindow;
    let next = 0;
    const call = (verb, ...args) => new Promise((resolve) => {
      const id = ++next;
      const onMessage = (e) => {
        if (e.data && e.data.clusterscope === 'reply' && e.data.id === id) {
          removeEventListener('message', onMessage);
          resolve(e.data);
        }
      };
      addEventListener('message', onMessage);
      frame.postMessage({ clusterscope: verb, args, id }, '*');
      setTimeout(() => resolve(null), 500);
    });
    let ready = null;
    for (let i = 0; i < 100 && !(ready && ready.ok); i++) ready = await call('state');
    const stepped = await call('step', 25);
    const state = await call('state');
    const bad = await call('act', { do: 'crash', node: 9 });
    return { stepped, step: state.result.step, bad };
  });
  assert.equal(result.stepped.ok, true);
  assert.equal(result.stepped.result, 25);
  assert.equal(result.step, 25);
  assert.equal(result.bad.ok, false);
  assert.equal(result.bad.error, 'act: crash: node 9 does not exist (nodes are 0..4)');
  await context.close();
});

test('Copy link copies a link that reproduces the view', async () => {
  const context = await env.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(env.server.url + '?seed=8');
  await page.waitForFunction(() => window.clusterscope.ready === true);
  await page.evaluate(() => { window.clusterscope.step(60); window.clusterscope.act({ do: 'crash', node: 0 }); window.clusterscope.step(5); });
  const state = await page.evaluate(() => window.clusterscope.state());
  await page.locator('#copy-link').click();
  await page.locator('.notice', { hasText: /Link copied|Copy this link/ }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?v=1&algo=raft&nodes=5&seed=8&actions=.*&step=65$/);
  const other = await openApp(env.browser, link);
  assert.deepEqual(await other.evaluate(() => window.clusterscope.state()), state);
  await other.context().close();
  await context.close();
});

test('top bar: algorithm, nodes, seed (a bad one quoted as typed), scenario menu, reset and speed', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=3');
  const state = () => page.evaluate(() => window.clusterscope.state());
  await page.locator('#algo').selectOption('paxos');
  await page.waitForFunction(() => window.clusterscope.state().algo === 'paxos');
  await page.locator('#nodes').selectOption('7');
  await page.waitForFunction(() => window.clusterscope.state().nodes.length === 7);
  assert.equal((await state()).algo, 'paxos', 'the size changes, the algorithm stays');

  await page.locator('#seed').fill('-5');
  await page.locator('#seed').press('Enter');
  const notice = page.locator('.notice.error').last();
  await notice.waitFor();
  assert.match(await notice.innerText(), /seed: expected a whole number .* got "-5"/, 'the value typed, not the old one');
  assert.equal(await page.locator('#seed').inputValue(), '3', 'the field is put back');
  assert.equal((await state()).nodes.length, 7, 'the world is kept');
  await page.locator('#seed').fill('42');
  await page.locator('#seed').press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('seed') === '42');

  await page.evaluate(() => { window.clusterscope.act({ do: 'request', node: 0, cmd: 'v' }); window.clusterscope.step(5); });
  assert.equal((await state()).step, 5);
  await page.locator('#reset').click();
  await page.waitForFunction(() => window.clusterscope.state().step === 0);

  const before = await page.locator('#speed').inputValue();
  await page.locator('#speed').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await page.locator('#speed').inputValue(), before, 'the speed slider moves');

  // The scenarios start with Raft's, the first algorithm's; dueling
  // proposers is Paxos, 5 nodes, seed 2960.
  assert.equal(await page.locator('#preset option').nth(1).getAttribute('value'), 'raft-leader-crash');
  await page.locator('#preset').selectOption('dueling-proposers');
  // While the run is the scenario, the address names it (and reopens it).
  await page.waitForFunction(() => new URL(location.href).searchParams.get('preset') === 'dueling-proposers');
  const loaded = await state();
  assert.equal(await page.evaluate(() => window.clusterscope.trace().seed), 2960);
  assert.equal(loaded.algo, 'paxos');
  assert.equal(loaded.nodes.length, 5);
  assert.equal(await page.locator('#preset').inputValue(), '', 'the menu is ready for the next choice');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('theme: the dark choice survives a reload, and the canvas is drawn in the dark palette', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=1', { colorScheme: 'light' });
  const followerPixel = () => page.evaluate(() => {
    const layout = window.clusterscope.layout();
    const node = layout.nodes[0];
    const canvas = document.querySelector('#cluster');
    const scale = canvas.width / layout.width;
    const px = canvas.getContext('2d').getImageData(Math.round(node.x * scale), Math.round((node.y - node.r * 0.6) * scale), 1, 1).data;
    return [px[0], px[1], px[2]];
  });
  const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 24);
  await nextFrame(page);
  assert.ok(near(await followerPixel(), [0x1d, 0x4e, 0xd8]), 'a follower is drawn in the light blue first');
  // The toggle goes system → dark.
  await page.locator('#theme').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await page.reload();
  await page.waitForFunction(() => window.clusterscope && window.clusterscope.ready);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'kept across the reload');
  assert.match(await page.locator('#theme').getAttribute('title'), /^Theme: dark/);
  await nextFrame(page);
  await nextFrame(page);
  const pixel = await followerPixel();
  assert.ok(near(pixel, [0x60, 0xa5, 0xfa]), `the canvas uses the dark palette: ${pixel}`);
  await page.context().close();
});

test('network panel: probabilities as in links and the CLI; a bad value names its field and keeps the world', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=4');
  await page.locator('details.network summary').click();
  await page.locator('#drop').fill('0.1');
  await page.locator('#drop').press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('drop') === '0.1');
  await page.locator('#dup').fill('0.02');
  await page.locator('#dup').press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('dup') === '0.02');
  await page.locator('#latency').fill('5..15');
  await page.locator('#latency').press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('latency') === '5..15');
  await page.evaluate(() => window.clusterscope.step(10));
  await page.locator('#drop').fill('2');
  await page.locator('#drop').press('Enter');
  const notice = page.locator('.notice.error').last();
  await notice.waitFor();
  assert.match(await notice.innerText(), /drop: expected a probability in \[0, 1\], got "2"/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('drop'), '0.1', 'the world is kept');
  assert.equal((await page.evaluate(() => window.clusterscope.state())).step, 10);
  await page.context().close();
});

test('a tablet (800x1000): the top bar flows its controls in three rows, in their order', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=kv-raft', { viewport: { width: 800, height: 1000 } });
  const m = await page.evaluate(() => {
    const ids = ['algo', 'nodes', 'seed', 'reset', 'check-button', 'copy-link', 'theme'];
    const rects = ids.map((id) => document.getElementById(id).getBoundingClientRect());
    const bar = document.querySelector('.topbar').getBoundingClientRect();
    const rows = new Set(rects.map((r) => Math.round(r.top / 20))).size;
    // In DOM order, each control after the one before: right of it, or on a lower row.
    const ordered = rects.every((r, i) => i === 0 || r.top > rects[i - 1].top + 10 || r.left > rects[i - 1].left);
    return { barHeight: bar.height, rows, ordered, pageWidth: document.documentElement.scrollWidth };
  });
  assert.ok(m.barHeight < 135, `three rows, not four: ${JSON.stringify(m)}`);
  assert.ok(m.rows <= 3 && m.ordered, JSON.stringify(m));
  assert.ok(m.pageWidth <= 800, `nothing scrolls sideways: ${JSON.stringify(m)}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a short window (1000x660): two rows of top bar, the stage keeps its legend in view, the event log takes less', async () => {
  const page = await openApp(env.browser, env.server.url + '?seed=1', { viewport: { width: 1000, height: 660 } });
  await page.evaluate(() => window.clusterscope.step(100));
  const m = await page.evaluate(() => {
    const stage = document.querySelector('.stage').getBoundingClientRect();
    const legend = document.querySelector('.stage .legend').getBoundingClientRect();
    const log = document.querySelector('.log-panel').getBoundingClientRect();
    const top = (sel) => document.querySelector(sel).getBoundingClientRect().top;
    return { stageBottom: stage.bottom, legendTop: legend.top, legendBottom: legend.bottom, logHeight: log.height,
      brand: top('.brand h1'), check: top('#check-button'), algo: top('#algo'), reset: top('#reset') };
  });
  // The legend shows whole above the stage's foot: the top bar takes two
  // rows, the run's commands up beside the brand and the settings below.
  assert.ok(m.legendBottom <= m.stageBottom, JSON.stringify(m));
  assert.ok(Math.abs(m.check - m.brand) < 12, `Check beside the brand: ${JSON.stringify(m)}`);
  assert.ok(m.algo > m.check + 20 && Math.abs(m.reset - m.algo) < 12, `the settings on the row below: ${JSON.stringify(m)}`);
  assert.ok(m.logHeight >= 96, `the event log keeps a few lines: ${JSON.stringify(m)}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
