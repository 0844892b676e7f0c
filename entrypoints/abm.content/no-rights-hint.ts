import type { TokenSection } from '../../lib/abm/find-token-entries';
import { OWN_TAG_PREFIX } from '../../lib/abm/own-elements';
import { placeOwnHost } from '../../lib/abm/own-host';

const HINT_TAG = `${OWN_TAG_PREFIX}hint`;

export const NO_RIGHTS_HINT =
  "Token Relay: your role can't download content tokens. Downloading needs Content Manager or higher " +
  '(in Apple School Manager: Administrator, Site Manager or Content Manager).';

const CSS =
  ':host{display:block;margin:8px 0;max-width:640px}' +
  'p{margin:0;padding:6px 10px;border:1px solid var(--line);border-radius:8px;color:var(--muted);background:var(--bg)}';

/** One quiet note under the section heading, while the section shows no Download controls. */
export function showNoRightsHint(section: TokenSection, signal: AbortSignal): void {
  const { heading, element } = section;
  const doc = heading.ownerDocument;
  // A heading that shares a row with other controls (a flex or grid header) keeps its row; the note goes below it.
  // (The section is in this frame's own document, so this window's getComputedStyle applies.)
  const parent = heading.parentElement;
  const inRow = parent !== null && parent !== element && /flex|grid/.test(getComputedStyle(parent).display);
  const note = doc.createElement('p');
  note.setAttribute('role', 'note');
  note.textContent = NO_RIGHTS_HINT;
  placeOwnHost(inRow ? parent : heading, HINT_TAG, CSS, note, signal);
}
