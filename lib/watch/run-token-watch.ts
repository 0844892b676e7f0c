import { addigyClientFor } from '../mdm/addigy/addigy-host';
import { toTokenWatch } from '../health/token-health';
import type { TokenWatch } from '../badge/compute-badge';
import type { Reminder } from '../reminders/reminder-scheduler';
import { loadReminderLedger, loadSnoozes, saveReminderLedger } from '../reminders/reminder-store';
import { loadApiKey } from '../storage/api-key';
import { idbRenewalStore } from '../storage/renewal-store';
import { loadSettings } from '../storage/settings';
import { tokenSnapshotItem, type TokenSnapshot } from './token-snapshot';
import { watchTokens } from './watch-tokens';
import { connectionHandles } from '../mdm/connection-handles';

/** The watch as the background worker runs it: real Addigy client, real storage. */
export function runTokenWatch(notify: (reminder: Reminder) => Promise<void>): Promise<TokenSnapshot> {
  return watchTokens({
    async addigy() {
      const [settings, apiKey] = await Promise.all([loadSettings(), loadApiKey()]);
      return apiKey ? addigyClientFor({ baseUrl: settings.addigyBaseUrl, apiKey }) : undefined;
    },
    async others() {
      const noRetry = () => undefined;
      return (await connectionHandles()).map((handle) => {
        if (handle.addigy) {
          const client = handle.addigy(noRetry) as ReturnType<typeof addigyClientFor>;
          return { connection: handle.connection, addigy: client };
        }
        const adapter = handle.adapter!(noRetry);
        return { connection: handle.connection, listTokens: () => adapter.listTokens() };
      });
    },
    loadSettings,
    listRenewals: () => idbRenewalStore.list(),
    loadSnapshot: () => tokenSnapshotItem.getValue(),
    saveSnapshot: (snapshot) => tokenSnapshotItem.setValue(snapshot),
    loadLedger: loadReminderLedger,
    saveLedger: saveReminderLedger,
    loadSnoozes,
    notify,
    now: () => new Date(),
  });
}

/** What the badge needs from the last look at the tokens. */
export async function currentTokenWatch(): Promise<TokenWatch> {
  const [snapshot, settings] = await Promise.all([tokenSnapshotItem.getValue(), loadSettings()]);
  return toTokenWatch(snapshot.health, Math.max(0, ...settings.reminderDays));
}
