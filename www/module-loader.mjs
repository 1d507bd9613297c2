// Trunk's post-build hook (Trunk.toml): move the inline module script trunk
// writes into index.html (`import init ... await init(...)`, trunk issue
// #288) into a file of its own, named by its content's hash, so the app
// runs under a Content-Security-Policy with `script-src 'self'
// 'wasm-unsafe-eval'` and no 'unsafe-inline'. Node only, no packages.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('module-loader: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
  process.exit(1);
}
const file = path.join(staging, 'index.html');
const html = fs.readFileSync(file, 'utf8');
const inline = /<script type="module"( nonce="[^"]*")?>([\s\S]*?)<\/script>/g;
let count = 0;
const out = html.replace(inline, (_whole, _nonce, body) => {
  count += 1;
  const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 16);
  const name = `loader-${hash}.js`;
  fs.writeFileSync(path.join(staging, name), body.trim() + '\n');
  return `<script type="module" src="./${name}"></script>`;
});
if (count !== 1) {
  console.error(`module-loader: expected trunk's one inline module script in ${file}, found ${count}`);
  process.exit(1);
}
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(out)) {
  console.error(`module-loader: ${file} still has an inline script`);
  process.exit(1);
}
fs.writeFileSync(file, out);
