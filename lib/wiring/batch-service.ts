import { BatchRunner, type AppleBatchPort } from '../batch/batch-runner';
import type { BatchRecord } from '../batch/batch-record';
import { dueGroups } from '../batch/plan-batch';
import type { AppleSite, TokenHealth } from '../health/health-state';
import type { RenewalMachine } from '../renewal/renewal-machine';
import { idbBatchStore } from '../storage/batch-store';
import type { AppleBatchPage } from '../abm/apple-batch-page';
import type { BatchOffer } from '../abm/batch-commands';
import { connectedKinds } from '../mdm/connected-kinds';
import { sendButtonTarget } from '../mdm/send-button-target';
import type { Reminder } from '../reminders/reminder-scheduler';
import { runTokenWatch } from '../watch/run-token-watch';
import { tokenSnapshotItem } from '../watch/token-snapshot';

/**
 * Batch renewal as the background runs it: batches in IndexedDB, the renewal pipeline, Apple's page in the admin's tab.
 * `health` must read the connections afresh (the watch), never storage a content script can write.
 */
export function createBatchService(input: {
  machine: RenewalMachine;
  page: AppleBatchPage;
  notify: (reminder: Reminder) => Promise<void>;
  onChange(batch: BatchRecord): void;
}): BatchRunner {
  return new BatchRunner({
    store: idbBatchStore,
    renewals: input.machine,
    apple: appleBatchPort(input.page),
    // The watch reads every connection now: a batch is never planned from storage a content script can write.
    health: async () => (await runTokenWatch(input.notify)).health,
    onChange: input.onChange,
  });
}

/** The due locations of one Apple site, by name: what Send all on that site's page counts. No secrets. */
export function dueLocationsOn(site: AppleSite, health: readonly TokenHealth[]): string[] {
  return dueGroups(health)
    .filter((group) => group.site === site)
    .flatMap((group) => group.tokens.map((token) => token.locationName));
}

/** Apple's page as the runner uses it: the batch script is injected (once per document) before each command. */
export function appleBatchPort(page: AppleBatchPage): AppleBatchPort {
  return {
    findTab: (site) => page.findTab(site),
    openTokensPage: (site) => page.openTokensPage(site).then(() => undefined),
    listLocations: async (tabId) => ((await page.inject(tabId)) ? page.listLocations(tabId) : undefined),
    download: async (tabId, locationName) => {
      await page.inject(tabId);
      return page.download(tabId, locationName);
    },
  };
}

const APPLE_SITES: readonly AppleSite[] = ['https://business.apple.com', 'https://school.apple.com'];

/**
 * `tabs.onUpdated`, once per navigation: when a load completes, or when the URL moves in a page already complete.
 * Chromium reports Apple's in-page moves (hash and history routes) as a load too ({status: 'loading', url}, then
 * {status: 'complete'}); Firefox reports only the URL, on a tab that stays complete.
 */
export function navigationSettled(change: { url?: string; status?: string }, tab: { status?: string }): boolean {
  return change.status === 'complete' || (change.url !== undefined && tab.status === 'complete');
}

/**
 * An Apple tab loaded or moved: when tokens on its site are due, its token section offers "Send all N expiring". The
 * count is a label only (read from the last snapshot); a batch is always planned from a fresh read of the connections.
 */
export async function offerSendAll(page: AppleBatchPage, tabId: number, url: string | undefined): Promise<void> {
  const site = APPLE_SITES.find((origin) => url?.startsWith(`${origin}/`));
  if (!site) return;
  const due = dueLocationsOn(site, (await tokenSnapshotItem.getValue()).health);
  if (!due.length || !(await page.inject(tabId))) return;
  await page.offer(tabId, due, sendButtonTarget(await connectedKinds()) as BatchOffer['target']);
}
