import { computeBadge, showBadge, type ActionApi, type TokenWatch } from '../badge';
import type { BatchRecord } from '../batch/batch-record';
import { isFinished, type RenewalRecord } from '../renewal/renewal-record';
import type { Reminder } from '../reminders/reminder-scheduler';
import { loadSnoozes } from '../reminders/reminder-store';
import { listConnectedConnections } from '../storage/connections';
import { loadNoticedDownloads } from '../storage/noticed-downloads';
import { idbRenewalStore } from '../storage/renewal-store';
import { currentTokenWatch, runTokenWatch } from '../watch/run-token-watch';
import { tokenSnapshotItem } from '../watch/token-snapshot';
import type { PopupState } from './messages';

/** The alarm that wakes a killed worker to resume whatever renewal was under way. */
export const RESUME_ALARM = 'resume-renewals';

/** Where the popup's state is read from; tests pass in-memory sources. */
export interface PopupStateSources {
  /** How many connections hold their secret (the Addigy section's key is one). */
  connectionCount(): Promise<number>;
  renewals(): Promise<RenewalRecord[]>;
  noticedDownloads(): Promise<PopupState['noticedDownloads']>;
  tokens(): Promise<PopupState['tokens']>;
  snoozedUntil(now: Date): Promise<PopupState['snoozedUntil']>;
  tokenWatch(): Promise<TokenWatch>;
  /** The newest batch (issue 22), if any; without this source there is none. */
  batch?(): Promise<BatchRecord | undefined>;
}

export const storedPopupStateSources: PopupStateSources = {
  connectionCount: async () => (await listConnectedConnections()).length,
  renewals: () => idbRenewalStore.list(),
  noticedDownloads: loadNoticedDownloads,
  tokens: () => tokenSnapshotItem.getValue(),
  snoozedUntil: loadSnoozes,
  tokenWatch: currentTokenWatch,
};

/** Where a change is published: the toolbar badge, the resume alarm, open extension pages. */
export interface PublishTargets {
  action: ActionApi;
  alarms: {
    create(name: string, info: { periodInMinutes: number }): Promise<unknown>;
    clear(name: string): Promise<unknown>;
  };
  sendMessage(message: { type: 'state:changed' }): Promise<unknown>;
  /** Show a token reminder (a browser notification). */
  notify(reminder: Reminder): Promise<void>;
}

/** The popup's state, and telling everyone it changed. */
export function createPopupState(targets: PublishTargets, sources: PopupStateSources = storedPopupStateSources) {
  async function getState(): Promise<PopupState> {
    const [connectionCount, renewals, noticedDownloads, tokens, snoozedUntil, batch] = await Promise.all([
      sources.connectionCount(),
      sources.renewals(),
      sources.noticedDownloads(),
      sources.tokens(),
      sources.snoozedUntil(new Date()),
      sources.batch?.(),
    ]);
    const readAt = Date.now();
    const state: PopupState = { configured: connectionCount > 0, renewals: renewals.slice(0, 20), noticedDownloads, tokens, snoozedUntil, readAt };
    // A batch whose summary the admin closed is history: the popup and the badge no longer show it.
    if (batch && !batch.dismissed) state.batch = batch;
    return state;
  }

  async function publish(): Promise<void> {
    const { renewals, batch } = await getState();
    await showBadge(targets.action, computeBadge(renewals, await sources.tokenWatch(), batch));
    // A killed worker is woken by this alarm and resumes whatever was under way; a running batch may be between
    // two locations, with no renewal under way and no download event coming to wake it.
    const underway = batch?.step === 'running' || renewals.some((r) => !isFinished(r) && r.step !== 'awaiting-confirmation');
    if (underway) await targets.alarms.create(RESUME_ALARM, { periodInMinutes: 0.5 });
    else await targets.alarms.clear(RESUME_ALARM);
    await targets.sendMessage({ type: 'state:changed' }).catch(() => undefined);
  }

  /** Look at every token now (the periodic watch, on demand), then publish. */
  async function refreshTokens(): Promise<void> {
    await runTokenWatch(targets.notify);
    await publish();
  }

  /** A renewal changed: publish; a finished one changes that token's health, so look again. */
  function renewalChanged(record: RenewalRecord): void {
    void publish();
    if (record.step === 'done') void refreshTokens();
  }

  return { getState, publish, refreshTokens, renewalChanged };
}
