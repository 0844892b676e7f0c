import { storage } from 'wxt/utils/storage';
import { contentTokensPage, type TokenHealth } from '../health/health-state';
import { parseReminderId } from '../reminders/reminder-scheduler';
import type { Problem } from '../result';

/** The last look at every Addigy token: what the popup's overview and the badge show. No secrets. */
export interface TokenSnapshot {
  health: TokenHealth[];
  /** When Addigy last answered. */
  fetchedAt?: string;
  /** Why the last refresh failed, if it did (the health above is then the previous one). */
  problem?: Problem;
}

export const tokenSnapshotItem = storage.defineItem<TokenSnapshot>('local:tokenSnapshot', {
  fallback: { health: [] },
  version: 1,
});

/** The Apple page a clicked reminder should open: where that token's fresh file is downloaded. */
export function pageForReminder(notificationId: string, health: TokenHealth[]): string | undefined {
  const locationId = parseReminderId(notificationId)?.locationId;
  const token = health.find((h) => h.locationId === locationId);
  // The snapshot sits in storage.local, which a content script can write: open only Apple's two sites.
  const site = token?.websiteURL;
  return site === 'https://business.apple.com' || site === 'https://school.apple.com' ? contentTokensPage(site) : undefined;
}
