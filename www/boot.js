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
})();
