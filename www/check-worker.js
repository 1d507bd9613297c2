// The model checker's Web Worker (started by crates/web/src/host/check.rs
// as a module worker). It runs the checker's own wasm module, built by
// trunk from crates/checker (`checker.js`, its wasm-bindgen glue, and
// `checker_bg.wasm`, next to this file): the simulator and the model
// checker without the page, fetched the first time a check starts, so the
// page's own module carries no checker. The page names its build in this
// script's query (`?v=web-HASH`), passed on to both fetches, so a cached
// checker of another build is never run with this page.
// A file, not a Blob URL, so it runs under the strict CSP (worker-src falls
// back to script-src 'self').
const version = self.location.search;
self.onmessage = async (event) => {
  try {
    const checker = await import(`./checker.js${version}`);
    await checker.default({ module_or_path: new URL(`./checker_bg.wasm${version}`, import.meta.url) });
    checker.clusterscope_check_worker(event.data.request);
  } catch (e) {
    self.postMessage(JSON.stringify({ kind: 'error', message: String((e && e.message) || e) }));
  }
};
