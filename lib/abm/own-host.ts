// Our UI on Apple's page (the content script's buttons and hint, the batch script's Send all): a custom-element host
// with an open shadow root, so page CSS cannot reach in and tests (and assistive tech) still can.
// No customElements.define: content scripts have no registry.

/** System font (Chrome and Firefox know system-ui), small, neutral; follows the system's light or dark appearance. */
export const BASE_CSS = `:host{all:initial;color-scheme:light dark;font:12px/1.3 system-ui,sans-serif;color:light-dark(#1d1d1f,#f5f5f7);--line:light-dark(#c7c7cc,#545458);--bg:light-dark(#fff,#1c1c1e);--hover:light-dark(#f2f2f7,#2c2c2e);--muted:light-dark(#6e6e73,#aeaeb2)}`;

/**
 * Puts a `token-relay-*` element right after `anchor`, its shadow root holding `content` styled by `css` (BASE_CSS and
 * the element's own: the Apple-page script's come published with Apple's words, lib/abm/page-labels.ts), until
 * `signal` aborts (the entry or section left the page, or the script was unloaded). A host of the same tag already
 * there, left by an earlier copy of this script (the extension was reloaded), goes first: it would double ours.
 */
export function placeOwnHost(anchor: Element, tag: string, css: string, content: Node, signal: AbortSignal): void {
  const doc = anchor.ownerDocument;
  const next = anchor.nextElementSibling;
  if (next?.localName === tag) next.remove();
  const host = doc.createElement(tag);
  const style = doc.createElement('style');
  style.textContent = css;
  host.attachShadow({ mode: 'open' }).append(style, content);
  anchor.after(host);
  if (signal.aborted) host.remove();
  else signal.addEventListener('abort', () => host.remove());
}
