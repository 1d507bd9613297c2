// The first step of trunk's post-build hook (www/post-build.mjs): move the
// inline module script trunk writes into index.html (`import init ... await init(...)`, trunk issue
// #288) into a file of its own, named by its content's hash, so the app
// runs under a Content-Security-Policy with `script-src 'self'
// 'wasm-unsafe-eval'` and no 'unsafe-inline'. Node only, no packages.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Move the inline loader of `staging`/index.html into `loader-HASH.js`. */
export function moveInlineLoader(staging) {
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
    throw new Error(`module-loader: expected trunk's one inline module script in ${file}, found ${count}`);
  }
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(out)) {
    throw new Error(`module-loader: ${file} still has an inline script`);
  }
  fs.writeFileSync(file, out);
}
