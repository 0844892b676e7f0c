import { HEADING_ANIMATION } from '../../lib/abm/heading-watch';
import { HEADING_SELECTOR } from '../../lib/abm/page-knowledge';

/**
 * happy-dom renders no styles, so it never starts CSS animations. This stands in for the browser: every heading
 * that is in the document or gets added starts our heading animation once, as Chromium does (it reports one frame
 * later; here, in a microtask). Stops when `signal` aborts.
 */
export function simulateHeadingAnimations(doc: Document, signal: AbortSignal): void {
  const win = doc.defaultView;
  if (!win) throw new Error('the document needs a window');
  const start = (heading: Element): void => {
    heading.dispatchEvent(new win.AnimationEvent('animationstart', { animationName: HEADING_ANIMATION, bubbles: true }));
  };
  const startWithin = (node: Node): void => {
    if (node.nodeType !== 1) return;
    const element = node as Element;
    if (element.matches(HEADING_SELECTOR)) start(element);
    element.querySelectorAll(HEADING_SELECTOR).forEach(start);
  };
  const observer = new win.MutationObserver((records) => {
    for (const record of records) record.addedNodes.forEach(startWithin);
  });
  observer.observe(doc, { childList: true, subtree: true });
  queueMicrotask(() => startWithin(doc.documentElement));
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
}
