import type { BatchDownloadReply } from './batch-commands';
import { findTokenEntries, findTokenSection, type TokenEntry, type TokenSection } from './find-token-entries';
import { OWN_TAG_PREFIX } from './own-elements';
import { BASE_CSS, placeOwnHost } from './own-host';
import { watchTokenEntries } from './watch-token-entries';
import { sameName } from '../text/same-name';

// What the batch script (entrypoints/abm-batch.ts) does on Apple's page: plain DOM, in one frame's isolated world.

/** Tag of the host of the "Send all … expiring to …" control in the token section. */
export const SEND_ALL_TAG = `${OWN_TAG_PREFIX}send-all`;

// The background's limits for the names of a Send-all request (lib/messaging/messages.ts) and a list reply.
const MAX_NAME_CHARS = 200;
const MAX_NAMES = 500;

/** Long enough to swallow a double click: one click proposes one batch. */
export const SEND_ALL_BUSY_MS = 4_000;

/** The names of the entries in `doc`'s token section, each once, as the page shows them; undefined: no section here. */
export function listLocationNames(doc: Document): string[] | undefined {
  const section = findTokenSection(doc);
  return section ? entryNames(findTokenEntries(section)) : undefined;
}

function entryNames(entries: readonly TokenEntry[]): string[] {
  const names = new Set<string>();
  // An entry without a name is nothing a batch can ask for; a 200-character "name" is not a location's.
  for (const { locationName } of entries) if (locationName && locationName.length <= MAX_NAME_CHARS) names.add(locationName);
  return [...names].slice(0, MAX_NAMES);
}

export type EntryMatch = { entry: TokenEntry } | { reason: 'not-found' | 'ambiguous' };

/** The ONE entry whose normalised name equals `locationName`; two or more of that name are 'ambiguous'. */
export function findEntryByName(entries: readonly TokenEntry[], locationName: string): EntryMatch {
  const wanted = sameName(locationName);
  const matches = wanted ? entries.filter((entry) => sameName(entry.locationName) === wanted) : [];
  if (matches.length > 1) return { reason: 'ambiguous' };
  return matches[0] ? { entry: matches[0] } : { reason: 'not-found' };
}

/**
 * Clicks the Download control of the one entry named `locationName` in `doc`'s token section, and nothing else.
 * `beforeClick` runs right before the click (it marks the navigation that may follow as the batch's download).
 * Undefined when `doc` shows no token section: another frame of the tab answers.
 */
export function clickDownload(doc: Document, locationName: string, beforeClick?: () => void): BatchDownloadReply | undefined {
  const section = findTokenSection(doc);
  if (!section) return undefined;
  const match = findEntryByName(findTokenEntries(section), locationName);
  if ('reason' in match) return { clicked: false, reason: match.reason };
  const control = match.entry.downloadControl;
  if (!control) return { clicked: false, reason: 'no-control' };
  beforeClick?.();
  control.click();
  return { clicked: true };
}

/** Distinct location names on the page that are in `dueLocations` (compared normalised). */
export function countDueEntries(entries: readonly TokenEntry[], dueLocations: readonly string[]): number {
  const due = new Set(dueLocations.map(sameName));
  return new Set(entries.map((entry) => sameName(entry.locationName)).filter((name) => name && due.has(name))).size;
}

export const sendAllLabel = (count: number, target: string) => `Send all ${count} expiring to ${target}`;

const CSS = `:host{display:block;margin:8px 0}
button{font:inherit;font-weight:600;color:#fff;background:#0071e3;border:0;border-radius:99px;padding:5px 14px;cursor:pointer}
button:hover{background:#0077ed}
button:focus-visible{outline:2px solid #0071e3;outline-offset:2px}
button:disabled{opacity:.6;cursor:default}`;

export interface SendAllOptions {
  /** The user's own click on Send all: the names of every entry the page shows now. */
  onSend(locations: string[]): void;
  /** False once this copy of the script can send nothing (the extension was reloaded or updated): it then shows nothing. */
  alive(): boolean;
}

export interface SendAllOffer {
  dueLocations: readonly string[];
  target: string;
}

export interface SendAllControl {
  /**
   * Shows (or relabels) Send all in the token section and keeps it there while the page re-renders; no due entry on
   * the page hides it. Returns the count it shows in this frame now, or undefined when this frame shows no section.
   */
  offer(offer: SendAllOffer): number | undefined;
  /** Takes the control away and stops watching the page. */
  stop(): void;
}

/** The "Send all <n> expiring to <target>" control of one frame's token section. */
export function createSendAll(doc: Document, options: SendAllOptions): SendAllControl {
  let current: SendAllOffer | undefined;
  let watch: AbortController | undefined;
  let shown: { button: HTMLButtonElement; section: HTMLElement; controller: AbortController } | undefined;
  let queued = false;

  const hide = (): void => {
    shown?.controller.abort();
    shown = undefined;
  };

  const stop = (): void => {
    current = undefined;
    watch?.abort();
    watch = undefined;
    hide();
  };

  const render = (section: TokenSection | null): number | undefined => {
    if (!options.alive()) {
      stop();
      return undefined;
    }
    if (!section) {
      hide();
      return undefined;
    }
    const count = current && section.canDownload ? countDueEntries(findTokenEntries(section), current.dueLocations) : 0;
    if (!current || count === 0) {
      hide();
      return 0;
    }
    if (!shown || shown.section !== section.element || !shown.button.isConnected) {
      hide();
      shown = place(section);
    }
    shown.button.textContent = sendAllLabel(count, current.target);
    return count;
  };

  // A burst of rows (the page renders its table) costs one look.
  const renderSoon = (): void => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      if (watch) render(findTokenSection(doc));
    });
  };

  const place = (section: TokenSection): { button: HTMLButtonElement; section: HTMLElement; controller: AbortController } => {
    // A control left by an earlier copy of this script (the extension was reloaded) can send nothing: it goes.
    for (const old of section.element.querySelectorAll(SEND_ALL_TAG)) old.remove();
    const button = doc.createElement('button');
    button.type = 'button';
    button.addEventListener('click', (event) => {
      // The page's own handlers have no business with our click.
      event.stopPropagation();
      // Only the user: a page script can click our (open shadow root) button too.
      if (!event.isTrusted || button.disabled) return;
      button.disabled = true;
      setTimeout(() => (button.disabled = false), SEND_ALL_BUSY_MS);
      const names = listLocationNames(doc);
      if (names?.length) options.onSend(names);
    });
    // Right under the heading; a heading that shares a flex or grid row with other controls keeps its row.
    const { heading, element } = section;
    const parent = heading.parentElement;
    const view = doc.defaultView;
    const inRow = parent !== null && parent !== element && view !== null && /flex|grid/.test(view.getComputedStyle(parent).display);
    const controller = new AbortController();
    placeOwnHost(inRow ? parent : heading, SEND_ALL_TAG, BASE_CSS + CSS, button, controller.signal);
    return { button, section: element, controller };
  };

  return {
    offer(offer) {
      current = { dueLocations: [...offer.dueLocations], target: offer.target };
      if (!watch && current.dueLocations.length > 0) {
        watch = new AbortController();
        watchTokenEntries(
          doc,
          {
            onSection: (_section, signal) => {
              renderSoon();
              signal.addEventListener('abort', renderSoon, { once: true });
            },
            onEntry: (_entry, signal) => {
              renderSoon();
              signal.addEventListener('abort', renderSoon, { once: true });
            },
          },
          watch.signal,
        );
      }
      const count = render(findTokenSection(doc));
      // Nothing due any more: nothing to keep on the page.
      if (current?.dueLocations.length === 0) stop();
      return count;
    },
    stop,
  };
}
