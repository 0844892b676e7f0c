import { addigyClientFor } from '../mdm/addigy/addigy-host';
import { toTokenWatch } from '../health/token-health';
import type { TokenWatch } from '../badge/compute-badge';
import type { Reminder } from '../reminders/reminder-scheduler';
import { loadReminderLedger, loadSnoozes, saveReminderLedger } from '../reminders/reminder-store';
import { listConnectedConnections, PRIMARY_ADDIGY } from '../storage/connections';
import { idbRenewalStore } from '../storage/renewal-store';
import { loadSettings } from '../storage/settings';
import { tokenSnapshotItem, type TokenSnapshot } from './token-snapshot';
import { watchTokens } from './watch-tokens';
import { connectionHandles, type ConnectionHandle } from '../mdm/connection-handles';

/**
 * The watch as the background worker runs it: every connection that holds its secret, through its handle. The
 * Addigy section's connection keeps its health under the bare location id (what stored snoozes, reminders and
 * renewals name it by); every other one is keyed and named by its connection.
 */
export function runTokenWatch(notify: (reminder: Reminder) => Promise<void>): Promise<TokenSnapshot> {
  let asking: Promise<ConnectionHandle[]> | undefined;
  const connected = () => (asking ??= connectedHandles());
  const noRetry = () => undefined;
  return watchTokens({
    async addigy() {
      const section = (await connected()).find((handle) => handle.connection.id === PRIMARY_ADDIGY.id);
      return section?.addigy?.(noRetry) as ReturnType<typeof addigyClientFor> | undefined;
    },
    async others() {
      return (await connected())
        .filter((handle) => handle.connection.id !== PRIMARY_ADDIGY.id)
        .map((handle) => {
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

async function connectedHandles(): Promise<ConnectionHandle[]> {
  const [handles, connected] = await Promise.all([connectionHandles(), listConnectedConnections()]);
  const ids = new Set(connected.map((connection) => connection.id));
  return handles.filter((handle) => ids.has(handle.connection.id));
}

/** What the badge needs from the last look at the tokens. */
export async function currentTokenWatch(): Promise<TokenWatch> {
  const [snapshot, settings] = await Promise.all([tokenSnapshotItem.getValue(), loadSettings()]);
  return toTokenWatch(snapshot.health, Math.max(0, ...settings.reminderDays));
}
