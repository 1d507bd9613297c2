// The model checker's Web Worker (started by crates/web/src/host/check.rs
// as a module worker). It runs the app's own wasm, not a second binary: the
// page sends the URL of the wasm-bindgen glue (its import.meta.url) and the
// request, and the URL of the .wasm (trunk renames it: the glue's default
// name is not the shipped one); the same .wasm is in the HTTP cache by then, the
// app's main sees no window and mounts nothing, and the exported
// clusterscope_check_worker explores and posts progress and the outcome.
// A file, not a Blob URL, so it runs under the strict CSP (worker-src falls
// back to script-src 'self').
self.onmessage = async (event) => {
  const { glue, wasm, request } = event.data;
  try {
    const app = await import(glue);
    await app.default({ module_or_path: wasm });
    app.clusterscope_check_worker(request);
  } catch (e) {
    self.postMessage(JSON.stringify({ kind: 'error', message: String((e && e.message) || e) }));
  }
};
