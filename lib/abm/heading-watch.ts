import { HEADING_SELECTOR } from './page-knowledge';
import { OWN_TAG_PREFIX } from './own-elements';

/** Set on each heading once reported, so only new headings raise the flag below. */
export const SEEN_ATTRIBUTE = `data-${OWN_TAG_PREFIX}seen`;
/** Our hidden element: 1 px wide while the document holds a heading not reported yet, 0 otherwise. */
export const FLAG_TAG = `${OWN_TAG_PREFIX}flag`;

// The browser's style engine does the watching, and a ResizeObserver on our flag reports it after layout and before
// paint of the very frame that renders a new heading: each unreported heading is a CSS anchor, and the flag's width is
// the anchor's width plus 1 px, or 0 when there is none, so inserting any other element costs nothing. (A :root:has()
// rule cost Chromium ~10 ms per 10,000 unrelated mutations, since every insertion invalidates up to the root; a
// CSS-counter tally ~35 ms; animationstart reports one frame late.) Anchor positioning: Chrome 125, Firefox 147.
// Absolute rather than fixed: the layout cost per burst measured +0.2–0.3 ms against +0.4–0.5 (README, Performance).
const UNSEEN = `:is(${HEADING_SELECTOR}):not([${SEEN_ATTRIBUTE}])`;
const CSS = `${UNSEEN}{anchor-name:--token-relay-new}${FLAG_TAG}{all:initial;position:absolute;width:calc(anchor-size(--token-relay-new width,-1px) + 1px);height:1px;visibility:hidden;pointer-events:none}`;

export interface HeadingWatchHandlers {
  /** A heading's text changed: look at the page in the next frame. */
  soon(): void;
  /** New headings are being rendered in this frame: look now, before it paints. */
  now(): void;
}

/**
 * Tells when new headings appear and when a heading's text changes, without watching the whole document:
 * a CSS flag plus a ResizeObserver for new headings, and one MutationObserver on the headings themselves.
 */
export function watchHeadings(doc: Document, handlers: HeadingWatchHandlers, signal: AbortSignal): void {
  const win = doc.defaultView;
  const root = doc.documentElement;
  if (!win?.ResizeObserver || !root || signal.aborted) return;

  const style = doc.createElement('style');
  style.textContent = CSS;
  const flag = doc.createElement(FLAG_TAG);
  root.prepend(style);
  root.append(flag);

  const textObserver = new win.MutationObserver(handlers.soon);
  const flagObserver = new win.ResizeObserver(([entry]) => {
    // Taken out of the page, the flag (always 1 px high) shrinks to nothing: put it back.
    if (flag.parentNode !== root) root.append(flag);
    if (!entry?.contentRect.width) return;
    for (const heading of doc.querySelectorAll(UNSEEN)) {
      heading.setAttribute(SEEN_ATTRIBUTE, '');
      textObserver.observe(heading, { childList: true, characterData: true, subtree: true, attributeFilter: ['aria-label'] });
    }
    handlers.now();
  });
  flagObserver.observe(flag);

  signal.addEventListener(
    'abort',
    () => {
      textObserver.disconnect();
      flagObserver.disconnect();
      style.remove();
      flag.remove();
    },
  );
}
