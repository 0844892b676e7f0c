import { SEND_HOST_TAG } from '../../lib/abm/own-elements';
import type { TokenEntry } from '../../lib/abm/find-token-entries';
import { placeOwnHost } from '../../lib/abm/own-host';
import type { PublishedLabels } from '../../lib/abm/page-knowledge';
import { SEND_TARGETS } from '../../lib/mdm/send-target-key';
import { browser } from 'wxt/browser';
import type { MessageKey } from '../../lib/i18n/messages';

/**
 * Where the button says the token goes: "Addigy" (only Addigy connected), the MDM's name (one other connection), or
 * "MDM" (several). The background keeps it in storage.local; a value outside this list is ignored.
 */
let target = 'Addigy';
/** The button's look, published with Apple's words (lib/abm/page-styles.ts). */
let css = '';

export function setButtonStyle(published: unknown): void {
  css = (published as PublishedLabels | undefined)?.[4]?.[0] ?? '';
}
const live = new Map<HTMLButtonElement, string | undefined>();

const label = (button: HTMLButtonElement, locationName: string | undefined) => {
  // The extension's words in the admin's language (public/_locales). Not lib/i18n's `t`: this script has `browser`
  // already, and a 6 KB budget.
  button.textContent = browser.i18n.getMessage('send' satisfies MessageKey, [target]);
  if (locationName) button.setAttribute('aria-label', browser.i18n.getMessage('sendAt' satisfies MessageKey, [target, locationName]));
};

/** The connections changed (or were read at start): relabel every button on the page. */
export function setSendTarget(value: unknown): void {
  // Not one of the names (a non-string included): ignored. The same name again relabels to the same words.
  if (!(SEND_TARGETS as readonly unknown[]).includes(value)) return;
  target = value as string;
  for (const [button, locationName] of live) label(button, locationName);
}

/** Long enough to swallow a double click: each Download mints a new token and revokes the last one. */
const BUSY_MS = 4_000;

/**
 * Puts a "Send to Addigy" (or the connected MDM) button right after the entry's own Download control, until `signal` aborts.
 * A user's click calls `onSend` (which arms the capture and clicks Download); confirmation happens in the popup.
 */
export function addSendButton(entry: TokenEntry, control: HTMLElement, signal: AbortSignal, onSend: () => void): void {
  const button = control.ownerDocument.createElement('button');
  button.type = 'button';
  label(button, entry.locationName);
  live.set(button, entry.locationName);
  signal.addEventListener('abort', () => live.delete(button));
  button.addEventListener('click', (event) => {
    // The page's own row handlers have no business with our click.
    event.stopPropagation();
    // Only the user: a page script can click our (open shadow root) button too.
    if (!event.isTrusted || button.disabled) return;
    button.disabled = true;
    setTimeout(() => (button.disabled = false), BUSY_MS);
    onSend();
  });

  placeOwnHost(control, SEND_HOST_TAG, css, button, signal);
}
