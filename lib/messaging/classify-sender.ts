import { ADDIGY_CONSOLE_ORIGIN, ADDIGY_LOGIN_ORIGIN } from '../addigy-console/console-messages';
import { originOf } from '../http';

/** Who sent a runtime message. Decided from fields a web page cannot forge. */
export type SenderKind = 'extension-page' | 'apple-content-script' | 'addigy-console-script' | 'addigy-sign-in-script' | 'untrusted';

export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: unknown;
  frameId?: number;
}

export const APPLE_ORIGINS = ['https://business.apple.com', 'https://school.apple.com'] as const;

export function classifySender(sender: SenderInfo, ownId: string, ownOrigin: string): SenderKind {
  if (!sender.id || sender.id !== ownId) return 'untrusted';
  // Our own pages, whether shown as the toolbar popup or opened in a tab. `ownOrigin` ends with '/'.
  if (sender.url?.startsWith(ownOrigin)) return 'extension-page';
  const origin = sender.origin ?? originOf(sender.url);
  // Our content script, running in a frame of one of the two Apple hosts.
  if (sender.tab && origin && (APPLE_ORIGINS as readonly string[]).includes(origin)) return 'apple-content-script';
  // Our console script: the top frame of a tab on Addigy's console (which tab is checked per renewal).
  if (sender.tab && sender.frameId === 0 && origin === ADDIGY_CONSOLE_ORIGIN) return 'addigy-console-script';
  // Our script on Addigy's sign-in page: it may only ask whether its tab is one Token Relay opened.
  if (sender.tab && sender.frameId === 0 && origin === ADDIGY_LOGIN_ORIGIN) return 'addigy-sign-in-script';
  return 'untrusted';
}
