import type { Reminder } from '../reminders/reminder-scheduler';
import type { TokenHealth } from '../health/health-state';
import { pageForReminder, tokenSnapshotItem } from './token-snapshot';

/** The slice of `browser.notifications` reminders use; tests pass a double. */
export interface NotificationsApi {
  create(id: string, options: { type: 'basic'; iconUrl: string; title: string; message: string }): Promise<unknown>;
  clear(id: string): Promise<unknown>;
}

/** The watch's reminders, shown as browser notifications with the extension's icon. */
export function reminderNotifier(notifications: NotificationsApi, iconUrl: string) {
  return async (reminder: Reminder): Promise<void> => {
    await notifications.create(reminder.id, { type: 'basic', iconUrl, title: reminder.title, message: reminder.message });
  };
}

/** A clicked reminder opens the Apple page where that token's fresh file is downloaded, and goes away. */
export async function openReminderPage(
  notificationId: string,
  tabs: { create(props: { url: string }): Promise<unknown> },
  notifications: Pick<NotificationsApi, 'clear'>,
  health: () => Promise<TokenHealth[]> = async () => (await tokenSnapshotItem.getValue()).health,
): Promise<void> {
  const url = pageForReminder(notificationId, await health());
  if (url) await tabs.create({ url });
  await notifications.clear(notificationId);
}
