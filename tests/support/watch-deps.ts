import type { WatchDeps } from '../../lib/watch/watch-tokens';
import type { TokenSnapshot } from '../../lib/watch/token-snapshot';
import { emptyReminderLedger, type Reminder, type ReminderLedger } from '../../lib/reminders/reminder-scheduler';
import { DEFAULT_SETTINGS } from '../../lib/storage/settings';
import type { AddigyToken } from '../../lib/mdm/addigy/schemas';
import { ok } from '../../lib/result';

/**
 * The watch's dependencies kept in memory: Addigy's tokens (none: no Addigy key), default settings, no renewals
 * or snoozes; the snapshot, the reminder ledger and the notifications sent are kept for the test to read.
 */
export function memoryWatchDeps(now: Date, addigyTokens: AddigyToken[] | undefined, overrides: Partial<WatchDeps> = {}) {
  let snapshot: TokenSnapshot = { health: [] };
  let ledger: ReminderLedger = emptyReminderLedger();
  const notified: Reminder[] = [];
  const deps: WatchDeps = {
    addigy: async () => (addigyTokens ? { listTokens: async () => ok(addigyTokens), listTokenEvents: async () => ok([]) } : undefined),
    loadSettings: async () => DEFAULT_SETTINGS,
    listRenewals: async () => [],
    loadSnapshot: async () => snapshot,
    saveSnapshot: async (s) => void (snapshot = s),
    loadLedger: async () => structuredClone(ledger),
    saveLedger: async (l) => void (ledger = JSON.parse(JSON.stringify(l))),
    loadSnoozes: async () => ({}),
    notify: async (r) => void notified.push(r),
    now: () => now,
    ...overrides,
  };
  return { deps, notified, snapshot: () => snapshot };
}
