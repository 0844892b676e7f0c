import { storage } from 'wxt/utils/storage';
import type { TokenHealth } from '../health/health-state';
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
