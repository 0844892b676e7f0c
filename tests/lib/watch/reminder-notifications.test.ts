import { describe, expect, it } from 'vitest';
import type { TokenHealth } from '../../../lib/health/health-state';
import { dueReminders, emptyReminderLedger } from '../../../lib/reminders/reminder-scheduler';
import { openReminderPage, reminderNotifier, type NotificationsApi } from '../../../lib/watch/reminder-notifications';
import { tokenSnapshotItem } from '../../../lib/watch/token-snapshot';

const north: TokenHealth = {
  locationId: 'loc-north',
  locationName: 'North High',
  orgName: 'Springfield Schools',
  websiteURL: 'https://school.apple.com',
  expiresAt: new Date(Date.now() + 6 * 86_400_000).toISOString(),
  expirySource: 'addigy',
  daysLeft: 6,
  state: 'expiring-soon',
  reason: 'The token expires in 6 days.',
};

function fakeNotifications() {
  const created: unknown[] = [];
  const cleared: string[] = [];
  const api: NotificationsApi = {
    create: async (id, options) => void created.push([id, options]),
    clear: async (id) => void cleared.push(id),
  };
  return { api, created, cleared };
}

const reminder = () => dueReminders({ health: [north], thresholds: [7], sent: emptyReminderLedger(), snoozedUntil: {}, now: new Date() }).reminders[0]!;

describe('reminder notifications', () => {
  it('shows a reminder as a basic notification with the extension’s icon, under the reminder’s id', async () => {
    const n = fakeNotifications();
    const r = reminder();
    await reminderNotifier(n.api, 'chrome-extension://id/icon/128.png')(r);
    expect(n.created).toEqual([[r.id, { type: 'basic', iconUrl: 'chrome-extension://id/icon/128.png', title: r.title, message: r.message }]]);
  });

  it('a click opens that token’s Apple page from the stored snapshot, and clears the notification', async () => {
    await tokenSnapshotItem.setValue({ health: [north] });
    const n = fakeNotifications();
    const opened: string[] = [];
    const r = reminder();
    await openReminderPage(r.id, { create: async ({ url }) => void opened.push(url) }, n.api);
    expect(opened).toEqual(['https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks']);
    expect(n.cleared).toEqual([r.id]);
  });

  it('a click on a reminder for a token no longer known opens nothing, but still clears it', async () => {
    const n = fakeNotifications();
    const opened: string[] = [];
    await openReminderPage(reminder().id, { create: async ({ url }) => void opened.push(url) }, n.api, async () => []);
    expect(opened).toEqual([]);
    expect(n.cleared).toHaveLength(1);
  });
});
