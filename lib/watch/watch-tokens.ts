import type { AddigyProblem } from '../addigy/addigy-client';
import type { AddigyToken, SystemEvent } from '../addigy/schemas';
import { deriveTokenHealth } from '../health/token-health';
import { dueReminders, type Reminder, type ReminderLedger } from '../reminders/reminder-scheduler';
import type { RenewalRecord } from '../renewal/renewal-record';
import type { Result } from '../result';
import type { Settings } from '../storage/settings';
import type { TokenSnapshot } from './token-snapshot';

export interface WatchDeps {
  /** undefined when no API key is saved yet. */
  addigy(): Promise<
    | { listTokens(): Promise<Result<AddigyToken[], AddigyProblem>>; listTokenEvents(): Promise<Result<SystemEvent[], AddigyProblem>> }
    | undefined
  >;
  loadSettings(): Promise<Settings>;
  listRenewals(): Promise<RenewalRecord[]>;
  loadSnapshot(): Promise<TokenSnapshot>;
  saveSnapshot(snapshot: TokenSnapshot): Promise<void>;
  loadLedger(): Promise<ReminderLedger>;
  saveLedger(ledger: ReminderLedger): Promise<void>;
  loadSnoozes(now: Date): Promise<Record<string, string>>;
  notify(reminder: Reminder): Promise<void>;
  now(): Date;
}

/**
 * The periodic look at every token: Addigy's list (call 1) and its `vpp-token` events (call 5),
 * judged into health, saved for the popup and badge, and turned into due reminders.
 */
export async function watchTokens(deps: WatchDeps): Promise<TokenSnapshot> {
  const now = deps.now();
  const addigy = await deps.addigy();
  if (!addigy) return deps.loadSnapshot();
  const [tokens, events, settings, renewals] = await Promise.all([
    addigy.listTokens(),
    addigy.listTokenEvents(),
    deps.loadSettings(),
    deps.listRenewals(),
  ]);
  if (!tokens.ok) {
    const previous = await deps.loadSnapshot();
    const snapshot = { ...previous, problem: tokens.error };
    await deps.saveSnapshot(snapshot);
    return snapshot;
  }
  const reminderWindowDays = Math.max(0, ...settings.reminderDays);
  const lastRenewalExpiry: Record<string, string> = {};
  for (const r of [...renewals].reverse()) {
    if (r.step === 'done' && r.match && r.newExpiry) lastRenewalExpiry[r.match.locationId] = r.newExpiry;
  }
  const health = deriveTokenHealth({
    tokens: tokens.value,
    // Events only sharpen the picture; without them the list still tells most of it.
    events: events.ok ? events.value : [],
    lastRenewalExpiry,
    now,
    reminderWindowDays,
  });
  const snapshot: TokenSnapshot = { health, fetchedAt: now.toISOString() };
  await deps.saveSnapshot(snapshot);

  const { reminders, ledger } = dueReminders({
    health,
    thresholds: settings.reminderDays,
    sent: await deps.loadLedger(),
    snoozedUntil: await deps.loadSnoozes(now),
    now,
  });
  for (const reminder of reminders) await deps.notify(reminder);
  await deps.saveLedger(ledger);
  return snapshot;
}
