// A slice of the UI monkey (tests/e2e/monkey.mjs; the long run is
// `cargo xtask monkey`): on every algorithm's page, one seeded sequence of
// up to 30 interactions, on a desktop, and for some on a phone, in the
// embedded view or beside a second world, each checked for an
// uncaught error or the error panel after every step, then the run saved
// and replayed by the CLI to the same trace. A failure prints the shrunk
// sequence, what each step did, and the seed and path that replay it:
//   MONKEY_SEED=S MONKEY_PATH=P node --test --test-name-pattern=ALGO tests/e2e/monkey.test.mjs
import { test } from 'node:test';
import fc from 'fast-check';
import fs from 'node:fs';
import { CLI, useApp } from './harness.mjs';
import { ALGOS, interactions, play } from './monkey.mjs';

const env = useApp();
const cli = CLI && fs.existsSync(CLI) ? CLI : '';
const seed = Number(process.env.MONKEY_SEED || 20261207);
const replay = process.env.MONKEY_PATH ? { path: process.env.MONKEY_PATH } : {};

ALGOS.forEach((algo, i) => {
  // Desktops get every algorithm; phones every third, the embedded view
  // every fourth, and every fifth a second world beside it.
  const pages = [['desktop', '']];
  if (i % 3 === 0) pages.push(['phone', '']);
  if (i % 4 === 1) pages.push(['embed', '']);
  if (i % 5 === 2) pages.push(['desktop', `&compare=${ALGOS[(i + 7) % ALGOS.length]}`]);
  for (const [view, more] of pages) {
    test(`a user trying everything on ${algo}${more} (${view}) meets no error, and the CLI replays the run`, async () => {
      await fc.assert(
        fc.asyncProperty(interactions(30), async (steps) => {
          await play(env.browser, `${env.server.url}?algo=${algo}${more}`, steps, { view, cli });
        }),
        { seed: seed + i, numRuns: 1, endOnFailure: !process.env.MONKEY_SHRINK, ...replay },
      );
    });
  }
});
