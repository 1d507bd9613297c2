// The built dist/ as trunk and the post-build hook (www/post-build.mjs)
// leave it: the shipped scripts and stylesheet minified, and every
// Subresource Integrity hash in index.html the hash of the file it names
// (the hook rewrites them after minifying; a stale one would stop the
// browser from loading the app). The hook's pieces are tested on inputs
// of their own too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DIST } from './harness.mjs';
import { integrity, minifyText, rewriteIntegrity } from '../../www/minify.mjs';

test('every integrity attribute in index.html is the hash of the file it names', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const tags = [...html.matchAll(/<(?:link|script)\b[^>]*\bintegrity="([^"]+)"[^>]*>/g)];
  assert.ok(tags.length >= 4, `icon, boot script, stylesheet, glue and wasm carry hashes: ${tags.length}`);
  for (const [tag, value] of tags) {
    const name = /(?:href|src)="\.\/([^"]+)"/.exec(tag)[1];
    assert.equal(value, integrity(fs.readFileSync(path.join(DIST, name))), name);
  }
});

test('the shipped glue, boot script and stylesheet are minified; docs/ is left to be read', () => {
  const top = fs.readdirSync(DIST);
  for (const pattern of [/^web-[0-9a-f]+\.js$/, /^boot-[0-9a-f]+\.js$/, /^style-[0-9a-f]+\.css$/, /^checker\.js$/]) {
    const name = top.find((f) => pattern.test(f));
    assert.ok(name, `${pattern} in dist/`);
    const text = fs.readFileSync(path.join(DIST, name), 'utf8');
    const lines = text.split('\n').length;
    assert.ok(lines <= 3, `${name} is minified: ${lines} lines`);
    assert.doesNotMatch(text, /\/\*|^\s*\/\//m, `${name} keeps no comments`);
  }
  const docs = fs.readFileSync(path.join(DIST, 'docs', 'docs.js'), 'utf8');
  assert.ok(docs.split('\n').length > 20, 'the example page\'s script is as written');
});

test('minifying keeps what the page depends on: exports, import.meta, custom properties, rule order', async () => {
  const glue = 'export function clusterscope_check_worker(request) { return request; }\n' +
    'export default async function init() { return new URL("checker_bg.wasm", import.meta.url); }\n';
  const small = await minifyText(glue, 'module', 'glue.js');
  assert.match(small, /export (function clusterscope_check_worker\b|\{[^}]*\bclusterscope_check_worker\b)/);
  assert.match(small, /import\.meta\.url/);
  const css = ':root { --node-follower: #4a78c2; }\n.a { color: red; }\n.b { color: blue; }\n.a { margin: 0; }\n';
  const minified = await minifyText(css, 'css', 'style.css');
  assert.match(minified, /--node-follower:#4a78c2/);
  assert.ok(minified.indexOf('.a{color:red}') < minified.indexOf('.b{') && minified.lastIndexOf('.a{margin:0}') > minified.indexOf('.b{'),
    `rules keep their order: ${minified}`);
  await assert.rejects(minifyText('function (', 'script', 'broken.js'));
});

test('the integrity rewrite touches only the element that names the file', () => {
  const html = '<link rel="stylesheet" href="./style-1.css" integrity="sha384-old"/>' +
    '<script src="./boot-1.js" integrity="sha384-keep"></script>' +
    '<link rel="modulepreload" href="./web-1.js" crossorigin="anonymous" integrity="sha384-old">';
  const out = rewriteIntegrity(html, 'web-1.js', 'sha384-new');
  assert.equal(out, html.replace('web-1.js" crossorigin="anonymous" integrity="sha384-old"',
    'web-1.js" crossorigin="anonymous" integrity="sha384-new"'));
  // FIPS 180-2's test vector for "abc", in base64.
  assert.equal(integrity(Buffer.from('abc')), 'sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn');
});
