import {
  findSectionHeadings,
  findTokenEntries,
  isSectionHeading,
  sectionFromHeading,
  type TokenEntry,
  type TokenSection,
} from './find-token-entries';
import { watchHeadings } from './heading-watch';
import { CELL_SELECTOR, CONTROL_SELECTOR, HEADING_SELECTOR } from './page-knowledge';
import { isOwnElement } from './own-elements';

export interface TokenEntryHandlers {
  /**
   * Once per entry element while it stays in the page; `signal` aborts when it leaves, the section goes, or the watch
   * ends. If the row's download control appears, goes or is replaced, the old signal aborts and the entry comes again.
   */
  onEntry(entry: TokenEntry, signal: AbortSignal): void;
  /**
   * Once per section (heading element), and again if its `canDownload` flips (rows can gain their controls late);
   * `signal` aborts when the section goes away, before that repeat call, or when the watch ends.
   */
  onSection?(section: TokenSection, signal: AbortSignal): void;
  /** Test hook: called after each MutationObserver callback. */
  onObserverWork?(): void;
  /** Test hook: called after each look at the page (at most one per frame). */
  onLookWork?(): void;
}

const SCOPE_OPTIONS: MutationObserverInit = { childList: true, characterData: true, subtree: true };

/**
 * Reports token entries as the single-page console renders, re-renders and routes away from them.
 * Nothing watches the whole document: headings are reported by the browser's style engine (heading-watch.ts),
 * a MutationObserver follows only the token section's subtree (a ResizeObserver sees the section leave) or, while a
 * section heading waits for its entries, the part of the page where they will appear. Idle pages cost nothing.
 * `doc` is a document with its window (the content script's, in any frame); without a window there is nothing to do.
 */
export function watchTokenEntries(doc: Document, handlers: TokenEntryHandlers, signal: AbortSignal): void {
  const win = doc.defaultView;
  if (!win || signal.aborted) return;
  // Entries reported and not yet aborted, by element, with the download control they were reported with.
  const live = new Map<HTMLElement, { controller: AbortController; control: HTMLElement | null }>();
  let current: { section: TokenSection; controller: AbortController } | null = null;
  // The animation frame a look is scheduled for, if any.
  let frame: number | undefined;

  // rAF callbacks run before the frame paints, so rows first appear with our controls in them, and a burst of
  // mutations costs one look. Hidden tabs get no frames: they catch up when shown.
  const schedule = (): void => {
    if (frame === undefined && !signal.aborted) frame = win.requestAnimationFrame(look);
  };

  const lookNow = (): void => {
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    look();
  };

  const look = (): void => {
    frame = undefined;
    if (signal.aborted) return;
    const previous = current?.section;
    // Re-reading from the known heading is cheaper than a scan and keeps the section's identity.
    const known = previous && previous.heading.isConnected && isSectionHeading(previous.heading) ? sectionFromHeading(previous.heading) : null;
    const { section, waiting } = known ? { section: known, waiting: [] } : findSectionHeadings(doc);
    if (!section || section.element !== previous?.element || section.heading !== previous.heading) {
      endSection();
    } else if (current && section.canDownload !== previous.canDownload) {
      // Same section, but its rows gained or lost their controls: report it again (its entries follow below).
      current.controller.abort();
      current = null;
    }
    if (current) {
      current.section = section!;
    } else if (section) {
      const controller = new AbortController();
      current = { section, controller };
      call(() => handlers.onSection?.(section, controller.signal));
    }
    syncEntries(section ? findTokenEntries(section) : []);
    observeScopes(section, waiting);
    handlers.onLookWork?.();
  };

  const syncEntries = (entries: TokenEntry[]): void => {
    const present = new Map(entries.map((entry) => [entry.element, entry.downloadControl]));
    for (const [element, reported] of live) {
      if (present.get(element) === reported.control && element.isConnected) continue;
      live.delete(element);
      reported.controller.abort();
    }
    for (const entry of entries) {
      if (live.has(entry.element)) continue;
      const controller = new AbortController();
      live.set(entry.element, { controller, control: entry.downloadControl });
      call(() => handlers.onEntry(entry, controller.signal));
    }
  };

  const endSection = (): void => {
    for (const { controller } of live.values()) controller.abort();
    live.clear();
    current?.controller.abort();
    current = null;
  };

  const scopeObserver = new win.MutationObserver((records) => {
    if (frame === undefined && records.some(recordMatters)) schedule();
    handlers.onObserverWork?.();
  });

  // Taken out of the page, the section shrinks to nothing, and a ResizeObserver says so before the next paint. (A
  // child-list observer on each of its ancestors did the same, but cost the page on every mutation elsewhere.)
  const sectionResize = new win.ResizeObserver(() => {
    if (current && !current.section.element.isConnected) schedule();
  });

  // The section's subtree for its rows, its box to see it leave. A heading that waits for its entries: the part of
  // the page its search looked in.
  const observeScopes = (section: TokenSection | null, waiting: HTMLElement[]): void => {
    scopeObserver.disconnect();
    sectionResize.disconnect();
    if (section) {
      scopeObserver.observe(section.element, SCOPE_OPTIONS);
      sectionResize.observe(section.element);
    }
    for (const scope of waiting) scopeObserver.observe(scope, SCOPE_OPTIONS);
  };

  watchHeadings(doc, { soon: schedule, now: lookNow }, signal);

  // A route change (hash, pushState, back and forward) is a Navigation API `navigate` event (Chrome 102, Firefox 147).
  (win as unknown as { navigation?: EventTarget }).navigation?.addEventListener('navigate', schedule, { signal });

  signal.addEventListener(
    'abort',
    () => {
      scopeObserver.disconnect();
      sectionResize.disconnect();
      if (frame !== undefined) win.cancelAnimationFrame(frame);
      endSection();
    },
  );

  schedule();
}

// Records come only from the section or a waiting heading's scope. Our own elements, and text that cannot rename
// anything, are not a reason to look again.
function recordMatters(record: MutationRecord): boolean {
  const target = record.target;
  if (isOwnElement(target)) return false;
  if (record.type === 'characterData') return textCanMatter(target.parentNode);
  let text = false;
  for (const node of [...record.addedNodes, ...record.removedNodes]) {
    if (node.nodeType === 3) text = true;
    else if (node.nodeType === 1 && !isOwnElement(node)) {
      // An element without children still counts when it is itself a heading, a control or a table cell.
      if ((node as Element).firstElementChild || (node as Element).matches(PAGE_ELEMENT)) return true;
      // Empty elements, like text, matter only where they can rename a heading or a download control.
      text = true;
    }
  }
  return text && textCanMatter(target);
}

const HEADING_OR_CONTROL = `${HEADING_SELECTOR},${CONTROL_SELECTOR}`;
const PAGE_ELEMENT = `${HEADING_OR_CONTROL},${CELL_SELECTOR}`;
// The heading or control itself, or an element right inside one.
const RENAMES = `${HEADING_OR_CONTROL},:is(${HEADING_OR_CONTROL})>*`;

function textCanMatter(target: Node | null): boolean {
  return target?.nodeType === 1 && (target as Element).matches(RENAMES);
}

// A handler's bug must not stop the other entries; it still surfaces as an uncaught error.
function call(handler: () => void): void {
  try {
    handler();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
