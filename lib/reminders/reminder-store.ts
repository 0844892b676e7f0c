import { storage } from 'wxt/utils/storage';
import * as z from 'zod/mini';
import { emptyReminderLedger, reminderLedgerSchema, type ReminderLedger } from './reminder-scheduler';

/** End of each snoozed token's quiet time (ISO-8601), by locationId. */
export const snoozesSchema = z.record(z.string(), z.string());
export type Snoozes = z.infer<typeof snoozesSchema>;

// storage.local: the ledger must outlive the service worker and the browser session.
export const reminderLedgerItem = storage.defineItem<ReminderLedger>('local:reminderLedger', {
  fallback: emptyReminderLedger(),
  version: 1,
});
export const snoozesItem = storage.defineItem<Snoozes>('local:snoozes', { fallback: {}, version: 1 });

const DAY_MS = 86_400_000;
/** A cap, so a wrong value cannot silence a token for good. */
const MAX_SNOOZE_DAYS = 365;

/** A damaged ledger starts over rather than breaking the watch (at worst, a reminder repeats). */
export async function loadReminderLedger(): Promise<ReminderLedger> {
  const parsed = reminderLedgerSchema.safeParse(await reminderLedgerItem.getValue());
  return parsed.success ? parsed.data : emptyReminderLedger();
}

export async function saveReminderLedger(ledger: ReminderLedger): Promise<void> {
  await reminderLedgerItem.setValue(ledger);
}

/** Snoozes still running at `now`; ended ones are dropped from storage. */
export async function loadSnoozes(now: Date): Promise<Snoozes> {
  const parsed = snoozesSchema.safeParse(await snoozesItem.getValue());
  const all = parsed.success ? parsed.data : {};
  const running = Object.fromEntries(Object.entries(all).filter(([, until]) => Date.parse(until) > now.getTime()));
  if (Object.keys(running).length !== Object.keys(all).length || !parsed.success) await snoozesItem.setValue(running);
  return running;
}

/** Silences a token's expiry reminders for `days` from `now` (0 or less: ends the snooze); returns the end. */
export async function snoozeToken(locationId: string, days: number, now: Date): Promise<string | undefined> {
  const snoozes = await loadSnoozes(now);
  if (!(days > 0)) {
    delete snoozes[locationId];
    await snoozesItem.setValue(snoozes);
    return undefined;
  }
  const until = new Date(now.getTime() + Math.min(days, MAX_SNOOZE_DAYS) * DAY_MS).toISOString();
  snoozes[locationId] = until;
  await snoozesItem.setValue(snoozes);
  return until;
}
