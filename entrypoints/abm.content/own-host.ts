// Our UI on Apple's page: a custom-element host with an open shadow root, so page CSS cannot reach in
// and tests (and assistive tech) still can. No customElements.define: content scripts have no registry.

/** System font, small, neutral; follows the system's light or dark appearance. */
const BASE_CSS = `:host{all:initial;font:12px/1.3 system-ui,-apple-system,sans-serif;color:#1d1d1f;--line:#c7c7cc;--bg:#fff;--hover:#f2f2f7;--muted:#6e6e73}
@media (prefers-color-scheme:dark){:host{color:#f5f5f7;--line:#545458;--bg:#1c1c1e;--hover:#2c2c2e;--muted:#aeaeb2}}`;

/** A `token-relay-*` element whose shadow root holds `content`, styled by `css`. */
export function createOwnHost(doc: Document, tag: string, css: string, content: Node): HTMLElement {
  const host = doc.createElement(tag);
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = `${BASE_CSS}\n${css}`;
  root.append(style, content);
  return host;
}

/** Removes `host` when `signal` aborts (the entry or section left the page, or the script was unloaded). */
export function removeOnAbort(host: Element, signal: AbortSignal): void {
  if (signal.aborted) host.remove();
  else signal.addEventListener('abort', () => host.remove(), { once: true });
}
