import type { TokenSection } from '../../lib/abm/find-token-entries';
import type { PublishedLabels } from '../../lib/abm/page-knowledge';
import { OWN_TAG_PREFIX } from '../../lib/abm/own-elements';
import { placeOwnHost } from '../../lib/abm/own-host';

const HINT_TAG = `${OWN_TAG_PREFIX}hint`;

/**
 * The hint by lower-case language tag, naming Apple's roles as the page does, "en" included: the background publishes
 * it with Apple's words (lib/abm/page-labels.ts, noRightsHint), so its sentences are no bytes on every Apple page.
 */
let hints: Record<string, string> | undefined;
/** Its look, published likewise (lib/abm/page-styles.ts). */
let css = '';

export function setRoleHints(published: unknown): void {
  hints = (published as PublishedLabels | undefined)?.[3];
  css = (published as PublishedLabels | undefined)?.[4]?.[1] ?? '';
}

/** The hint for the page's `<html lang>` ("zh-tw" whole, "de-DE" by "de"), English otherwise. */
export function hintFor(lang: string): string | undefined {
  lang = lang.toLowerCase();
  return hints?.[lang] ?? hints?.[lang.slice(0, 2)] ?? hints?.en;
}

/** One quiet note under the section heading, while the section shows no Download controls. */
export function showNoRightsHint(section: TokenSection, signal: AbortSignal): void {
  const { heading, element } = section;
  const doc = heading.ownerDocument;
  const text = hintFor(doc.documentElement.lang);
  // Nothing published (storage unreadable): no hint rather than an empty note.
  if (!text) return;
  // A heading that shares a row with other controls (a flex or grid header) keeps its row; the note goes below it.
  // (The section is in this frame's own document, so this window's getComputedStyle applies.)
  const parent = heading.parentElement;
  const inRow = parent !== null && parent !== element && /flex|grid/.test(getComputedStyle(parent).display);
  const note = doc.createElement('p');
  note.role = 'note';
  note.textContent = text;
  placeOwnHost(inRow ? parent : heading, HINT_TAG, css, note, signal);
}
