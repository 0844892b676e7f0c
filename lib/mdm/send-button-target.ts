import { browser } from 'wxt/browser';
import { MDM_LABELS, type MdmKind } from './mdm-adapter';
import { SEND_TARGET_KEY } from './send-target-key';

/**
 * What the in-page button says the token goes to: "Addigy" while only Addigy is connected (or nothing yet),
 * the MDM's name with one other connection, "MDM" with several. A label, never a routing decision: the
 * background matches every capture against every connection itself.
 */
export function sendButtonTarget(kinds: MdmKind[]): string {
  if (kinds.every((kind) => kind === 'addigy')) return 'Addigy';
  if (kinds.length === 1) return MDM_LABELS[kinds[0]!];
  return 'MDM';
}

export async function publishSendButtonTarget(kinds: MdmKind[]): Promise<void> {
  await browser.storage.local.set({ [SEND_TARGET_KEY]: sendButtonTarget(kinds) });
}
