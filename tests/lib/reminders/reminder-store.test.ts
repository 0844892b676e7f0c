import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { dueReminders, emptyReminderLedger } from '../../../lib/reminders/reminder-scheduler';
import {
  loadReminderLedger,
  loadSnoozes,
  saveReminderLedger,
  snoozeToken,
} from '../../../lib/reminders/reminder-store';
import type { TokenHealth } from '../../../lib/health/health-state';

const NOW = new Date('2026-05-01T10:00:00Z');
const DAY = 86_400_000;

const expiring: TokenHealth = {
  locationId: 'loc-main',
  locationName: 'Main Campus',
  orgName: 'Acme Corp',
  websiteURL: 'https://business.apple.com',
  expiresAt: new Date(NOW.getTime() + 6 * DAY).toISOString(),
  expirySource: 'addigy',
  daysLeft: 6,
  state: 'expiring-soon',
  reason: 'The token expires in 6 days.',
};

describe('reminder store', () => {
  it('starts with an empty ledger', async () => {
    expect(await loadReminderLedger()).toEqual(emptyReminderLedger());
  });

  it('keeps the ledger in storage.local, so a restarted worker sends nothing twice', async () => {
    const first = dueReminders({ health: [expiring], thresholds: [30, 14, 7, 1], sent: await loadReminderLedger(), snoozedUntil: {}, now: NOW });
    expect(first.reminders).toHaveLength(1);
    await saveReminderLedger(first.ledger);
    expect(await fakeBrowser.storage.local.get('reminderLedger')).toEqual({ reminderLedger: first.ledger });

    const afterRestart = dueReminders({ health: [expiring], thresholds: [30, 14, 7, 1], sent: await loadReminderLedger(), snoozedUntil: {}, now: NOW });
    expect(afterRestart.reminders).toEqual([]);
  });

  it('starts over from a damaged ledger rather than failing', async () => {
    await fakeBrowser.storage.local.set({ reminderLedger: { tokens: { 'loc-main': { sent: 'seven' } } } });
    expect(await loadReminderLedger()).toEqual(emptyReminderLedger());
  });

  it('snoozes a token for some days, and forgets ended snoozes', async () => {
    const until = await snoozeToken('loc-main', 7, NOW);
    expect(until).toBe('2026-05-08T10:00:00.000Z');
    expect(await loadSnoozes(NOW)).toEqual({ 'loc-main': until });
    expect(await fakeBrowser.storage.local.get('snoozes')).toEqual({ snoozes: { 'loc-main': until } });

    const later = new Date(NOW.getTime() + 8 * DAY);
    expect(await loadSnoozes(later)).toEqual({});
    expect(await fakeBrowser.storage.local.get('snoozes')).toEqual({ snoozes: {} });
  });

  it('ends a snooze on 0 days and caps a huge one at a year', async () => {
    await snoozeToken('loc-main', 7, NOW);
    expect(await snoozeToken('loc-main', 0, NOW)).toBeUndefined();
    expect(await loadSnoozes(NOW)).toEqual({});
    expect(await snoozeToken('loc-main', Number.POSITIVE_INFINITY, NOW)).toBe('2027-05-01T10:00:00.000Z');
  });

  it('ignores damaged snoozes', async () => {
    await fakeBrowser.storage.local.set({ snoozes: ['loc-main'] });
    expect(await loadSnoozes(NOW)).toEqual({});
  });
});
