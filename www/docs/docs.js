// The documentation pages' one script (a file, so the pages run under the
// same strict Content-Security-Policy as the app):
// - a "Copy" button on every snippet;
// - each live embed's status line follows the events the embedded app posts
//   (ready, roles, banner, violation), the way a host page would use them.
(function () {
  for (const block of document.querySelectorAll('.snippet')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy this snippet');
    button.addEventListener('click', async () => {
      const text = block.querySelector('code').textContent;
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = 'Copied';
      } catch (e) {
        button.textContent = 'Select and copy';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    });
    block.append(button);
  }

  const figures = [...document.querySelectorAll('figure[data-embed]')];
  const say = (figure, text) => { figure.querySelector('.status').textContent = text; };
  window.addEventListener('message', (e) => {
    if (e.origin !== location.origin || !e.data || typeof e.data.clusterscope !== 'string') return;
    const figure = figures.find((f) => f.querySelector('iframe').contentWindow === e.source);
    if (!figure) return;
    const m = e.data;
    if (m.clusterscope === 'ready') {
      figure.dataset.ready = 'true';
      say(figure, `live: ${m.algo} at step ${m.step}`);
    } else if (m.clusterscope === 'event' && m.type === 'violation') {
      say(figure, `step ${m.step}: ${m.property} broken (${m.detail})`);
    } else if (m.clusterscope === 'event' && m.type === 'banner' && m.text) {
      say(figure, m.text);
    } else if (m.clusterscope === 'event' && m.type === 'roles') {
      const leader = m.nodes.find((n) => n.role === 'leader');
      if (leader) say(figure, `node ${leader.node} leads`);
    }
  });
})();
