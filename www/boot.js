// The stand-in for window.clusterscope until the app has loaded. A file,
// not an inline script, so the app runs under a Content-Security-Policy
// without 'unsafe-inline' (README, "Strict Content-Security-Policy").
// Until the app has loaded, window.clusterscope queues the calls that
// change the world and replays them once it is ready, so a script may
// call clusterscope.play() right after the page's load event. Reading
// calls throw until then: wait for clusterscope.ready === true or the
// "clusterscope:ready" event. (This stand-in is replaced by the real API, crates/web/src/host/api.rs.)
(function () {
  var queue = [];
  var standIn = { ready: false };
  ['step', 'back', 'seek', 'play', 'pause', 'act', 'cancelCheck'].forEach(function (name) {
    standIn[name] = function () { queue.push([name, Array.prototype.slice.call(arguments)]); };
  });
  ['state', 'trace', 'traceText', 'layout', 'check', 'checkStatus'].forEach(function (name) {
    standIn[name] = function () {
      throw new Error(name + ': Clusterscope is still loading; wait for window.clusterscope.ready or the clusterscope:ready event');
    };
  });
  window.clusterscope = standIn;
  addEventListener('clusterscope:ready', function () {
    var api = window.clusterscope;
    queue.splice(0).forEach(function (call) {
      try { api[call[0]].apply(api, call[1]); } catch (e) { console.error('clusterscope.' + call[0] + ': ' + e.message); }
    });
  }, { once: true });
  // If the module cannot start (a browser without WebAssembly's 128-bit
  // SIMD, which the app is compiled with, or a download cut short), say so
  // where "Loading the simulator…" stands instead of leaving it there.
  function failed(error) {
    if (window.clusterscope.ready) return;
    var loading = document.getElementById('loading');
    if (!loading || !error) return;
    var simd = typeof WebAssembly === 'object' && !WebAssembly.validate(new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
    loading.setAttribute('role', 'alert');
    loading.className = 'loading load-error';
    loading.textContent = 'Clusterscope could not start: ' + (error.message || String(error)) + (simd
      ? '. This browser lacks WebAssembly SIMD, which the simulator needs (Chrome or Edge 91, Firefox 89, Safari 16.4 or newer).'
      : '. Reload the page to try again.');
  }
  addEventListener('unhandledrejection', function (e) { failed(e.reason); });
  addEventListener('error', function (e) { failed(e.error || { message: e.message }); });
})();
