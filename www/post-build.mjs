// Trunk's post-build hook (Trunk.toml), one script because trunk starts the
// hooks of a stage all at once and both steps rewrite index.html:
// 1. www/module-loader.mjs moves trunk's inline loader into a file (the
//    strict Content-Security-Policy allows no inline script);
// 2. in release builds, www/minify.mjs minifies the shipped JavaScript and
//    CSS and writes their new integrity hashes.
// Node only, with the repository's npm packages (terser, csso).
import { moveInlineLoader } from './module-loader.mjs';
import { minifyDist } from './minify.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('post-build: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
  process.exit(1);
}
try {
  moveInlineLoader(staging);
  if (process.env.TRUNK_PROFILE === 'release') {
    for (const line of await minifyDist(staging)) console.log(`post-build: minified ${line}`);
  }
} catch (e) {
  console.error(String((e && e.message) || e));
  process.exit(1);
}
