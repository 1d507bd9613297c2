// Panels drawn from the protocols' presentation: Raft's every-server log
// grid (RaftScope's `render.logs`), and the Paxos decision agreeing with
// the event log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, nextFrame, stepUntilLeader, useApp, clickNode } from './harness.mjs';

const env = useApp();

test('Raft log grid: a row per server, cells coloured by term, commit marks, the newest entries in view', async () => {
  const page = await openApp(env.browser, env.server.url + '?algo=raft&nodes=9&seed=3');
  const leader = await stepUntilLeader(page);
  assert.notEqual(leader, null);
  // Enough requests that the grid must scroll, then let them commit.
  await page.evaluate((node) => {
    const cs = window.clusterscope;
    for (let i = 0; i < 60; i++) cs.act({ do: 'request', node, cmd: `x=${i}` });
    cs.step(1500);
  }, leader);
  await nextFrame(page);
  const state = await page.evaluate(() => window.clusterscope.state());
  const grid = page.locator('#raft-logs-grid');
  await grid.waitFor();
  const rows = await grid.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    node: Number(tr.dataset.node),
    mark: tr.dataset.mark,
    cells: [...tr.querySelectorAll('td[data-index]')].map((td) => ({
      index: Number(td.dataset.index), text: td.textContent, cls: td.className, title: td.title })),
  })));
  assert.deepEqual(rows.map((r) => r.node), state.nodes.map((n) => n.id), 'one row per server, in id order');
  const lead = state.nodes[leader];
  assert.ok(lead.log.length >= 60, `the leader's log holds the requests (${lead.log.length})`);

  // Every shown cell is the server's entry: its term as text, the term's colour.
  const colourOfTerm = new Map();
  for (const r of rows) {
    const log = state.nodes[r.node].log;
    for (const c of r.cells) {
      const entry = log[c.index - 1];
      if (!entry) {
        assert.match(c.cls, /\bempty\b/, `node ${r.node} has nothing at ${c.index}`);
        continue;
      }
      assert.equal(c.text, String(entry.term), `node ${r.node} index ${c.index}`);
      const colour = c.cls.match(/\bc(\d)\b/)[1];
      if (colourOfTerm.has(entry.term)) assert.equal(colour, colourOfTerm.get(entry.term), `term ${entry.term} has one colour`);
      colourOfTerm.set(entry.term, colour);
      assert.equal(/\bstrong\b/.test(c.cls), c.index <= state.nodes[r.node].commit_index, 'solid = committed');
    }
    // The commit mark sits on the commit index.
    const commit = state.nodes[r.node].commit_index;
    assert.equal(r.mark, commit > 0 ? String(commit) : '', `node ${r.node} commit mark`);
    const marked = r.cells.filter((c) => /\bmark\b/.test(c.cls)).map((c) => c.index);
    assert.deepEqual(marked, r.cells.some((c) => c.index === commit) ? [commit] : []);
  }
  const terms = [...colourOfTerm.keys()];
  for (let i = 1; i < terms.length; i++) {
    if (Math.abs(terms[i] - terms[i - 1]) === 1) assert.notEqual(colourOfTerm.get(terms[i]), colourOfTerm.get(terms[i - 1]));
  }

  // The newest entries are in view: the grid scrolled to its end, and the
  // last column (the longest log's last index) is inside the visible box.
  const view = await page.evaluate(() => {
    const scroll = document.querySelector('#raft-logs .grid-scroll');
    const heads = scroll.querySelectorAll('thead th');
    const last = heads[heads.length - 2].getBoundingClientRect();
    const box = scroll.getBoundingClientRect();
    return { scrolls: scroll.scrollWidth > scroll.clientWidth, atEnd: scroll.scrollLeft + scroll.clientWidth >= scroll.scrollWidth - 2,
      lastIndex: Number(heads[heads.length - 2].textContent), lastVisible: last.right <= box.right + 1 && last.left >= box.left - 1 };
  });
  assert.ok(view.scrolls, 'a long log scrolls');
  assert.ok(view.atEnd && view.lastVisible, JSON.stringify(view));
  assert.equal(view.lastIndex, Math.max(...state.nodes.map((n) => n.log.length)));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('dueling proposers: the decision names the ballot the event log says the value was chosen in', async () => {
  const page = await openApp(env.browser, env.server.url + '?preset=dueling-proposers');
  // Step one event at a time until a learner learns the value, so the
  // log line is the newest one.
  const first = await page.evaluate(() => {
    const cs = window.clusterscope;
    for (let i = 0; i < 20000; i++) {
      if (cs.state().nodes.some((n) => n.chosen.length > 0)) return cs.state().step;
      cs.step(1);
    }
    return null;
  });
  assert.ok(first, 'a value is chosen in the end');
  await nextFrame(page);
  const logText = await page.locator('#log').innerText();
  const said = [...logText.matchAll(/learns (.+?) is chosen \(ballot (\d+\.\d+)\)/g)].map((m) => m[2]);
  assert.ok(said.length > 0, logText.slice(-500));
  const ballot = () => page.locator('#decision dd[data-fact="Ballot"]').innerText();
  assert.equal(await ballot(), said[0], 'the decision agrees with the log');
  assert.equal(said[0], '11.1', 'the ballot the protocol tests pin');
  assert.match(await page.locator('#decision-note').innerText(), /ballot 11\.1 by acceptors/);
  // A later proposer re-proposing the chosen value does not change the decision.
  await page.evaluate(() => window.clusterscope.step(500));
  await nextFrame(page);
  assert.equal(await ballot(), '11.1');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a click on a node on the canvas brings its inspector into view in the side column', async () => {
  // ABD at 1280x800: the client history filled the column, and the inspector
  // opened below it, under the safety panel, out of sight. It opens under the
  // node list now; with sixteen nodes that is below the fold too.
  const page = await openApp(env.browser, env.server.url + '?algo=abd&nodes=16&seed=1&step=300');
  await clickNode(page, 12);
  await page.waitForSelector('#inspector');
  await nextFrame(page);
  const seen = await page.evaluate(() => {
    const column = document.querySelector('.side').getBoundingClientRect();
    const head = document.querySelector('#insp-h').getBoundingClientRect();
    const foot = document.querySelector('.side > .safety').getBoundingClientRect().top;
    return { top: column.top, head: head.top, bottom: head.bottom, foot, scrolled: document.querySelector('.side').scrollTop };
  });
  assert.ok(seen.head >= seen.top && seen.bottom <= seen.foot, `the inspector's head is in view: ${JSON.stringify(seen)}`);
  assert.ok(seen.scrolled > 0, 'the column scrolled to it');
  // From the node list the column stays where the reader is.
  await page.evaluate(() => { document.querySelector('.side').scrollTop = 0; });
  await page.locator('#node-list li[data-node="4"] button').click();
  await page.waitForFunction(() => /Node 4/.test(document.querySelector('#insp-h')?.textContent));
  assert.equal(await page.evaluate(() => document.querySelector('.side').scrollTop), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
