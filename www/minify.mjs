// The second step of trunk's post-build hook (www/post-build.mjs), in
// release builds: minify the shipped JavaScript and CSS, then write their
// new Subresource Integrity hashes into index.html (trunk computed them for
// the files as they were). terser for the scripts (wasm-bindgen's glue of
// the page and of the checker's worker, www/boot.js), csso for the
// stylesheet, without restructuring (rules keep their order and grouping,
// so the cascade is the one www/style.css says). Left as written: the
// loader (a few lines), check-worker.js, and docs/, whose example page's
// script is there to be read.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { minify as minifyJs } from 'terser';
import { minify as minifyCss } from 'csso';

/** Which top-level files of dist/ are minified, and how. */
const RULES = [
  { test: /^web-[0-9a-f]+\.js$/, kind: 'module' },
  { test: /^checker\.js$/, kind: 'module' },
  { test: /^boot-[0-9a-f]+\.js$/, kind: 'script' },
  { test: /^style-[0-9a-f]+\.css$/, kind: 'css' },
];

/** The SRI value of `bytes`, as trunk writes it. */
export function integrity(bytes) {
  return 'sha384-' + crypto.createHash('sha384').update(bytes).digest('base64');
}

/** Minify one file's text; throws with the file's name when a tool fails. */
export async function minifyText(text, kind, name) {
  if (kind === 'css') {
    return minifyCss(text, { restructure: false, comments: false }).css;
  }
  const out = await minifyJs(text, { module: kind === 'module', compress: true, mangle: true, format: { comments: false } });
  if (typeof out.code !== 'string') throw new Error(`minify: terser gave nothing for ${name}`);
  return out.code;
}

/** Point every `integrity` attribute on an element naming `name` at `value`. */
export function rewriteIntegrity(html, name, value) {
  const element = /<(link|script)\b[^>]*>/g;
  return html.replace(element, (tag) => {
    if (!new RegExp(`(href|src)="\\./${name.replace(/[.]/g, '\\.')}"`).test(tag)) return tag;
    return tag.replace(/integrity="[^"]*"/, `integrity="${value}"`);
  });
}

/** Minify `staging`'s files and update index.html; returns what changed. */
export async function minifyDist(staging) {
  const file = path.join(staging, 'index.html');
  let html = fs.readFileSync(file, 'utf8');
  const done = [];
  for (const name of fs.readdirSync(staging).sort()) {
    const rule = RULES.find((r) => r.test.test(name));
    if (!rule) continue;
    const full = path.join(staging, name);
    const before = fs.readFileSync(full, 'utf8');
    const after = await minifyText(before, rule.kind, name);
    fs.writeFileSync(full, after);
    html = rewriteIntegrity(html, name, integrity(Buffer.from(after)));
    done.push(`${name} ${before.length} -> ${after.length} bytes`);
  }
  fs.writeFileSync(file, html);
  return done;
}
