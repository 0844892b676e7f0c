// The popup's first frame, drawn before its modules load: the overview as the popup last drew it today, kept as
// data (elements, attributes, text; never HTML) in the extension origin's localStorage by
// components/popup-shell.tsx. Only the extension's own pages can write there. A plain script at the end of <body>,
// no imports: one small file. The build names the popup's entry and chunks on this tag (wxt.config.ts). With a
// shell, they are fetched and run once its frame is on screen (fetched or run alongside, they held that frame back,
// docs/performance.md); without one, at once. main.tsx then replaces the shell with the live view.
(() => {
  const tag = document.currentScript;
  let loaded = false;
  function loadModules() {
    if (loaded || !tag.dataset.entry) return; // no entry: a dev server's page, which runs it itself
    loaded = true;
    // The live view's first read, the overview's last stored picture, started before the modules are fetched
    // (lib/messaging/stored-snapshot.ts parses what it gets: a content script can write storage.local).
    const storage = (globalThis.browser ?? globalThis.chrome)?.storage?.local;
    if (storage) globalThis.tokenRelayEarlySnapshot = storage.get('tokenSnapshot').then((stored) => stored.tokenSnapshot, () => undefined);
    // The entry's chunks fetched beside it, not once it is parsed.
    for (const href of (tag.dataset.preload ?? '').split(' ').filter(Boolean)) {
      document.head.append(Object.assign(document.createElement('link'), { rel: 'modulepreload', crossOrigin: '', href }));
    }
    document.body.append(Object.assign(document.createElement('script'), { type: 'module', src: tag.dataset.entry }));
  }
  /** An element from [tag, attributes, ...children], or text; never a script or a frame, never an on* handler. */
  function build(node) {
    if (typeof node === 'string') return document.createTextNode(node);
    const [name, attributes, ...children] = node;
    if (/^(script|iframe|frame|object|embed)$/i.test(name)) throw new Error('not in a shell');
    const element = document.createElement(name);
    for (const [key, value] of Object.entries(attributes)) if (!/^on/i.test(key)) element.setAttribute(key, String(value));
    element.append(...children.map(build));
    return element;
  }

  let drawn = false;
  try {
    const saved = JSON.parse(localStorage.getItem('tokenRelay.shell') || 'null');
    if (saved && saved.day === new Date().toDateString() && Array.isArray(saved.nodes)) {
      const frame = saved.nodes.map(build);
      const app = document.getElementById('app');
      app.append(...frame);
      app.dataset.shell = '';
      drawn = true;
    }
  } catch {
    // No shell: the popup draws its first frame from storage.local, a little later.
  }
  if (!drawn || typeof PerformanceObserver !== 'function') return loadModules();
  // After the shell's first paint is reported, or 200 ms at most (a page painted while hidden reports none).
  const timer = setTimeout(done, 200);
  const observer = new PerformanceObserver((list) => {
    if (list.getEntriesByName('first-contentful-paint').length > 0) done();
  });
  function done() {
    clearTimeout(timer);
    observer.disconnect();
    loadModules();
  }
  observer.observe({ type: 'paint', buffered: true });
})();
