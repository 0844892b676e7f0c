import { SEEN_ATTRIBUTE } from '../../lib/abm/heading-watch';
import { HEADING_SELECTOR } from '../../lib/abm/page-knowledge';

type FlagCallback = (entries: Array<{ contentRect: { width: number } }>) => void;

/**
 * happy-dom renders nothing, so neither the anchor rule nor ResizeObserver ever fire. This stands in for the
 * browser: the window gets a ResizeObserver that reports the flag 1 px wide whenever, after a batch of DOM
 * changes, the document holds a heading without our seen-attribute (Chromium reports it before that frame paints).
 * Call before the watch starts; stops when `signal` aborts.
 */
export function simulateHeadingFlag(doc: Document, signal: AbortSignal): void {
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (!win) throw new Error('the document needs a window');
  const callbacks = new Set<FlagCallback>();
  class FlagResizeObserver {
    constructor(private readonly callback: FlagCallback) {}
    observe(): void {
      callbacks.add(this.callback);
      queueMicrotask(report);
    }
    unobserve(): void {}
    disconnect(): void {
      callbacks.delete(this.callback);
    }
  }
  const unseen = HEADING_SELECTOR.split(',').map((selector) => `${selector}:not([${SEEN_ATTRIBUTE}])`).join(',');
  const report = (): void => {
    if (signal.aborted || !doc.querySelector(unseen)) return;
    for (const callback of callbacks) callback([{ contentRect: { width: 1 } }]);
  };
  Object.defineProperty(win, 'ResizeObserver', { value: FlagResizeObserver, configurable: true, writable: true });
  const observer = new win.MutationObserver(report);
  observer.observe(doc, { childList: true, subtree: true });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
}
