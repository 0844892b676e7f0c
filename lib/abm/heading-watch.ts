import { HEADING_SELECTOR } from './page-knowledge';
import { OWN_TAG_PREFIX } from './own-elements';

/** Our keyframes: the browser's style engine starts it on every heading it renders, and tells us. */
export const HEADING_ANIMATION = `${OWN_TAG_PREFIX}heading-seen`;
const COUNTER = `${OWN_TAG_PREFIX}headings`;
const TALLY_TAG = `${OWN_TAG_PREFIX}tally`;

// Zero specificity (:where): any rule of the page that sets `animation` or `counter-increment` on a heading wins.
// The keyframes are empty and last 1 ms, so nothing moves. The tally shows one bar per heading above it in the
// document, so its width changes in the very frame a heading comes or goes; the counter and the tally are ours alone.
const CSS = `@keyframes ${HEADING_ANIMATION}{}
@counter-style ${COUNTER}{system:symbolic;symbols:"|"}
:where(:root){counter-reset:${COUNTER}}
:where(${HEADING_SELECTOR}){animation:1ms ${HEADING_ANIMATION};counter-increment:${COUNTER}}
${TALLY_TAG}{all:initial;position:fixed;top:0;left:0;visibility:hidden;pointer-events:none;white-space:pre;font:4px/1 monospace}
${TALLY_TAG}::before{content:counter(${COUNTER},${COUNTER})}`;

export interface HeadingWatchHandlers {
  /** A heading was rendered or its text changed: look at the page in the next frame. */
  soon(): void;
  /** Headings came or went in the frame being rendered: look now, before it paints. */
  now(): void;
  /** Measurement hook: milliseconds spent in the heading-text observer. */
  onObserverWork?(ms: number): void;
}

/**
 * Tells when headings appear, disappear or change their text, without watching the whole document:
 * - `animationstart` of our keyframes reports each heading the page renders (Refined GitHub's selector observer);
 * - a ResizeObserver on our hidden tally element fires before paint when the number of headings changes;
 * - one MutationObserver follows the text of the headings seen, and nothing else.
 * Where the browser renders no styles (tests), only what the caller observes itself is seen.
 */
export function watchHeadings(doc: Document, handlers: HeadingWatchHandlers, signal: AbortSignal): void {
  const win = doc.defaultView;
  const root = doc.documentElement;
  if (!win || !root || signal.aborted) return;

  const style = doc.createElement('style');
  style.textContent = CSS;
  const tally = doc.createElement(TALLY_TAG);
  root.prepend(style);
  root.append(tally);

  const textObserver = new win.MutationObserver(() => {
    const started = performance.now();
    handlers.soon();
    handlers.onObserverWork?.(performance.now() - started);
  });
  const onAnimation = (event: Event): void => {
    if ((event as AnimationEvent).animationName !== HEADING_ANIMATION) return;
    // The page never sees our animation's events (its own animationend handlers stay quiet).
    event.stopImmediatePropagation();
    if (event.type !== 'animationstart') return;
    textObserver.observe(event.target as Node, { childList: true, characterData: true, subtree: true, attributeFilter: ['aria-label'] });
    handlers.soon();
  };
  for (const type of ['animationstart', 'animationend', 'animationcancel']) {
    win.addEventListener(type, onAnimation, { capture: true, signal });
  }

  // The tally counts only the headings before it: it stays the document's last element.
  const keepLast = new win.MutationObserver(() => {
    if (root.lastElementChild !== tally) root.append(tally);
  });
  keepLast.observe(root, { childList: true });
  let sized = false;
  const tallyObserver = win.ResizeObserver
    ? new win.ResizeObserver(() => {
        // The first report is the tally's initial size, not a change.
        if (sized) handlers.now();
        sized = true;
      })
    : undefined;
  tallyObserver?.observe(tally);

  signal.addEventListener(
    'abort',
    () => {
      textObserver.disconnect();
      keepLast.disconnect();
      tallyObserver?.disconnect();
      style.remove();
      tally.remove();
    },
    { once: true },
  );
}
