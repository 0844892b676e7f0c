/**
 * The guide Token Relay shows in Addigy's tab while the admin does a step it could not: its own element in a closed
 * shadow root, in a fixed corner, outside Addigy's body. Nothing of Addigy's DOM changes; the page cannot read it
 * through the shadow root, and it holds only the guide's words (the location's name, never the token). Plain DOM.
 */
export interface GuideOverlay {
  /** `step`: which part of the renewal the words are about, shown above them. */
  show(say: string, step?: string): void;
  remove(): void;
}

const STYLE = `:host{all:initial}
div{position:fixed;right:16px;bottom:16px;z-index:2147483647;max-width:360px;box-sizing:border-box;padding:12px 14px;
border-radius:8px;border:1px solid #c7c7cc;background:#fff;color:#1c1c1e;font:14px/1.4 system-ui,sans-serif;
box-shadow:0 4px 16px rgba(0,0,0,.2)}
b{display:block;margin-bottom:4px;font-size:12px;letter-spacing:.02em}
@media (prefers-color-scheme:dark){div{background:#1c1c1e;color:#f2f2f7;border-color:#48484a}}`;

export function createGuideOverlay(doc: Document): GuideOverlay {
  const host = doc.createElement('token-relay-guide');
  const root = host.attachShadow({ mode: 'closed' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const panel = doc.createElement('div');
  // A polite live region: screen readers read each new instruction without interrupting.
  panel.setAttribute('role', 'status');
  panel.setAttribute('aria-live', 'polite');
  const title = doc.createElement('b');
  title.textContent = 'Token Relay';
  const words = doc.createElement('p');
  words.style.margin = '0';
  panel.append(title, words);
  root.append(style, panel);
  return {
    show(say, step) {
      if (step) title.textContent = `Token Relay · ${step}`;
      words.textContent = say;
      if (!host.isConnected) doc.documentElement.append(host);
    },
    remove() {
      host.remove();
    },
  };
}
