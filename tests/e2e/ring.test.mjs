// The hash ring (algo=ring): add a node from the panel, let the join
// complete, and check the figures the page shows against `cli ring` for the
// same settings and seed; look a key up and see its preference list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openApp, nextFrame, clickNode, CLI, useApp } from './harness.mjs';

const env = useApp();

/** The what-if block's settings and figures: { config, stats: { name: { value, text } } }. */
async function whatIf(page) {
  return page.evaluate(() => {
    const table = document.querySelector('table#ring-whatif');
    if (!table) return null;
    const config = {};
    for (const k of ['nodes', 'vnodes', 'replicas', 'keys', 'seed']) config[k] = Number(table.dataset[k]);
    const stats = {};
    for (const tr of table.querySelectorAll('tr[data-stat]')) {
      const td = tr.querySelector('td');
      stats[tr.dataset.stat] = { value: Number(td.dataset.value), text: td.textContent.trim() };
    }
    return { config, stats };
  });
}

/** What `cli ring ... --add 1 --json` prints for `config`. */
function cliReport({ nodes, vnodes, replicas, keys, seed }) {
  const args = ['ring', '--nodes', nodes, '--vnodes', vnodes, '--replicas', replicas, '--keys', keys, '--seed', seed, '--add', '1', '--json'];
  return JSON.parse(execFileSync(CLI, args.map(String), { encoding: 'utf8' }));
}

/** The page's figures against the CLI's: the exact values and the 4-decimal text. */
function assertMatchesCli(shown, report, when) {
  const expect = {
    moved_fraction: report.moved_fraction,
    expected_moved_fraction: report.expected_moved_fraction,
    modulo_moved_fraction: report.modulo_moved_fraction,
    rendezvous_moved_fraction: report.rendezvous_moved_fraction,
    load_stddev_before: report.load_stddev.before,
    load_stddev_after: report.load_stddev.after,
    max_over_mean_before: report.max_over_mean.before,
    max_over_mean_after: report.max_over_mean.after,
  };
  for (const [name, value] of Object.entries(expect)) {
    assert.ok(shown.stats[name], `${when}: the page shows ${name}`);
    assert.equal(shown.stats[name].value, value, `${when}: ${name} equals the CLI's`);
    assert.equal(shown.stats[name].text, value.toFixed(4), `${when}: ${name} is shown to 4 decimals`);
  }
}

test('add a node from the panel: the join completes and the figures match the CLI', async (t) => {
  const page = await openApp(env.browser, env.server.url + '?algo=ring&seed=1');
  const statuses = () => page.evaluate(() => window.clusterscope.state().nodes.map((n) => n.status));
  // Four members to start, and two nodes standing by to add one after the other.
  assert.deepEqual(await statuses(), ['member', 'member', 'member', 'member', 'standby', 'standby']);
  await page.locator('#ring-panel').waitFor();
  const beforeJoin = await whatIf(page);
  assert.deepEqual(beforeJoin.config, { nodes: 4, vnodes: 100, replicas: 2, keys: 100000, seed: 1 });

  // The panel adds the lowest standby node: node 4.
  const add = page.locator('#ring-add');
  assert.equal(await add.isDisabled(), false);
  await add.click();
  const joinOf = (id) => page.evaluate((id) => {
    const cs = window.clusterscope;
    for (let i = 0; i < 20000; i += 20) {
      if (cs.state().nodes[id].status === 'member') return cs.state().nodes.map((n) => n.status);
      cs.step(20);
    }
    return null;
  }, id);
  const joined = await joinOf(4);
  assert.deepEqual(joined, ['member', 'member', 'member', 'member', 'member', 'standby'], 'the join completed');
  await nextFrame(page);
  await page.waitForFunction(() => document.querySelector('#ring-change dd[data-fact="Moved fraction"]') !== null);

  // The change as the store saw it: 1 of 4 → 5 nodes, ideal 1/5, and the
  // moved keys are a plausible share of the 200 (Karger et al.: about K/N).
  assert.match(await page.locator('#ring-change').innerText(), /node 4 joined \(4 → 5 nodes\)/);
  const expected = Number(await page.locator('#ring-stats tr[data-stat="expected"] td').getAttribute('data-value'));
  assert.equal(expected, 0.2);
  const moved = Number(await page.locator('#ring-stats tr[data-stat="moved"] td').getAttribute('data-value'));
  assert.ok(moved > 0 && moved < 100, `moved ${moved} of 200 keys`);
  // One moved fraction for the run: the protocol's, the share of the ring
  // whose owner changed; the run's 200 keys sample it.
  const movedFraction = Number(await page.locator('#ring-change dd[data-fact="Moved fraction"]').innerText());
  assert.ok(Math.abs(movedFraction - moved / 200) < 0.1, `ring share ${movedFraction} vs keys ${moved}/200`);
  assert.equal(await page.locator('#ring-stats tr[data-stat="moved_fraction"]').count(), 0, 'no second moved fraction for the run');
  assert.match(await page.locator('#whatif-note').innerText(), /different ring from the run's/);
  // Node 5 still stands by: Add stays available for a second join.
  assert.equal(await add.isDisabled(), false);
  assert.match(await add.getAttribute('title'), /Node 5/);

  // "Compare with hash mod N" adds the same change under mod N: most keys move.
  await page.locator('#ring-compare').check();
  const modulo = Number(await page.locator('#ring-stats tr[data-stat="modulo_moved_fraction"] td').getAttribute('data-value'));
  assert.ok(modulo > 0.5 && modulo > movedFraction, `mod N moved ${modulo}`);

  const afterJoin = await whatIf(page);
  assert.deepEqual(afterJoin.config, { nodes: 5, vnodes: 100, replicas: 2, keys: 100000, seed: 1 });
  if (!CLI) {
    t.diagnostic('CLUSTERSCOPE_CLI is not set: the comparison with `cli ring` is skipped');
  } else {
    assertMatchesCli(beforeJoin, cliReport(beforeJoin.config), 'before the join (4 nodes, add 1)');
    assertMatchesCli(afterJoin, cliReport(afterJoin.config), 'after the join (5 nodes, add 1)');
    // Another key count is measured the same way.
    await page.locator('#whatif-keys').fill('5000');
    await page.locator('#whatif-keys').press('Enter');
    await page.waitForFunction(() => document.querySelector('table#ring-whatif')?.dataset.keys === '5000');
    const small = await whatIf(page);
    assertMatchesCli(small, cliReport(small.config), '5000 keys');
  }

  // The second join: node 5, then no node is left to add, and Add says why.
  await add.click();
  assert.deepEqual(await joinOf(5), Array(6).fill('member'), 'the second join completed');
  await page.waitForFunction(() => /node 5 joined \(5 → 6 nodes\)/.test(document.querySelector('#ring-change')?.textContent || ''));
  await page.waitForFunction(() => document.querySelector('#ring-add').disabled);
  assert.match(await add.getAttribute('title'), /no standby node/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('look a key up: its owner and replicas are listed and marked', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=ring&seed=1');
  await page.locator('#ring-lookup').fill('user:42');
  await page.locator('#ring-lookup').press('Enter');
  const result = page.locator('#ring-lookup-result[data-key="user:42"]');
  await result.waitFor();
  const owner = Number(await result.getAttribute('data-owner'));
  const replicas = (await result.getAttribute('data-replicas')).split(',').map(Number);
  assert.equal(replicas.length, 2, 'R = 2 nodes');
  assert.equal(new Set(replicas).size, 2, 'distinct nodes');
  assert.equal(replicas[0], owner, 'the owner comes first');
  const members = await page.evaluate(() => window.clusterscope.state().nodes.filter((n) => n.status === 'member').map((n) => n.id));
  assert.ok(replicas.every((r) => members.includes(r)), 'only members hold keys');
  assert.match(await result.innerText(), new RegExp(`Owner: node ${owner}\\. Preference list \\(2 of 2\\): node ${replicas[0]}, node ${replicas[1]}`));

  // The store agrees: a put of that key lands on exactly those nodes.
  const keysBefore = await page.evaluate(() => window.clusterscope.state().nodes.map((n) => n.keys));
  await page.evaluate((node) => window.clusterscope.act({ do: 'request', node, cmd: 'put user:42=hello' }), owner);
  const grew = await page.evaluate((before) => {
    const cs = window.clusterscope;
    for (let i = 0; i < 2000; i += 10) {
      const grown = cs.state().nodes.filter((n) => n.keys === before[n.id] + 1).map((n) => n.id);
      if (grown.length >= 2) return grown;
      cs.step(10);
    }
    return null;
  }, keysBefore);
  assert.deepEqual(grew, [...replicas].sort((a, b) => a - b), 'the put is stored on the preference list');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('remove a selected node: exactly the keys it owned move, against 1/N', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=ring&seed=1');
  const remove = page.locator('#ring-remove');
  assert.equal(await remove.isDisabled(), true, 'nothing selected yet');
  const owned = Number(await page.locator('#ring-load li[data-index="2"]').getAttribute('data-part'));
  await clickNode(page, 2);
  await page.waitForFunction(() => !document.querySelector('#ring-remove').disabled);
  assert.match(await remove.innerText(), /Remove node 2/);
  await remove.click();
  const left = await page.evaluate(() => {
    const cs = window.clusterscope;
    for (let i = 0; i < 20000; i += 20) {
      if (cs.state().nodes[2].status === 'standby') return true;
      cs.step(20);
    }
    return false;
  });
  assert.ok(left, 'node 2 finished leaving');
  await page.waitForFunction(() => /node 2 left/.test(document.querySelector('#ring-change')?.textContent || ''));
  assert.match(await page.locator('#ring-change').innerText(), /node 2 left \(4 → 3 nodes\)/);
  const moved = Number(await page.locator('#ring-stats tr[data-stat="moved"] td').getAttribute('data-value'));
  assert.equal(moved, owned, 'the keys node 2 owned, and no others, changed owner');
  const expected = Number(await page.locator('#ring-stats tr[data-stat="expected"] td').getAttribute('data-value'));
  assert.equal(expected, 0.25);
  await page.waitForFunction(() => document.querySelector('#ring-load li[data-index="2"]')?.dataset.value === '0');
  assert.equal(await page.locator('#ring-load li[data-index="2"]').getAttribute('data-part'), '0', 'node 2 stores nothing');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the virtual-nodes slider replays the run with the new option; the what-if follows', async (t) => {
  const page = await openApp(env.browser, env.server.url + '?algo=ring&seed=1');
  await page.locator('#ring-vnodes').fill('50');
  await page.waitForFunction(() => document.querySelector('table#ring-whatif')?.dataset.vnodes === '50');
  const vnodes = await page.evaluate(() => window.clusterscope.state().nodes.map((n) => n.vnodes));
  assert.deepEqual(vnodes, Array(6).fill(50), "every node, the standby ones too");
  await page.waitForFunction(() => new URL(location.href).searchParams.get('vnodes') === '50');
  const shown = await whatIf(page);
  assert.deepEqual(shown.config, { nodes: 4, vnodes: 50, replicas: 2, keys: 100000, seed: 1 });
  if (!CLI) {
    t.diagnostic('CLUSTERSCOPE_CLI is not set: the comparison with `cli ring` is skipped');
  } else {
    assertMatchesCli(shown, cliReport(shown.config), '50 virtual nodes');
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
