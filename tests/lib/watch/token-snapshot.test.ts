import { describe, expect, it } from 'vitest';
import { pageForReminder } from '../../../lib/watch/token-snapshot';
import { dueReminders, emptyReminderLedger } from '../../../lib/reminders/reminder-scheduler';
import type { TokenHealth } from '../../../lib/health/health-state';

const north: TokenHealth = {
  locationId: 'loc/north 1',
  locationName: 'North High',
  orgName: 'Springfield Schools',
  websiteURL: 'https://school.apple.com',
  expiresAt: new Date(Date.now() + 6 * 86_400_000).toISOString(),
  expirySource: 'addigy',
  daysLeft: 6,
  state: 'expiring-soon',
  reason: 'The token expires in 6 days.',
};

describe('pageForReminder', () => {
  it('opens the Apple School Manager page of the token a reminder was about', () => {
    const { reminders } = dueReminders({ health: [north], thresholds: [30, 14, 7, 1], sent: emptyReminderLedger(), snoozedUntil: {}, now: new Date() });
    expect(reminders).toHaveLength(1);
    expect(pageForReminder(reminders[0]!.id, [north])).toBe('https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks');
  });

  it('opens nothing for a notification that is not ours or a token no longer listed', () => {
    expect(pageForReminder('someone-else:1', [north])).toBeUndefined();
    const { reminders } = dueReminders({ health: [north], thresholds: [7], sent: emptyReminderLedger(), snoozedUntil: {}, now: new Date() });
    expect(pageForReminder(reminders[0]!.id, [])).toBeUndefined();
  });

  it('opens nothing but Apple’s own sites, whatever a tampered snapshot in storage.local says', () => {
    const { reminders } = dueReminders({ health: [north], thresholds: [7], sent: emptyReminderLedger(), snoozedUntil: {}, now: new Date() });
    const planted = { ...north, websiteURL: 'https://evil.example' as typeof north.websiteURL };
    expect(pageForReminder(reminders[0]!.id, [planted])).toBeUndefined();
  });
});
