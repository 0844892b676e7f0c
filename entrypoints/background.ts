import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { checkApplePages } from '../lib/abm/check-apple-pages';
import { AddigyConsoleTabs, consoleRequests, consoleTabsAdapter, routeConsoleTabUpdate, showConsoleTab } from '../lib/addigy-console/console-tabs';
import { consolePolicyUrl, isConsoleSignInUrl } from '../lib/addigy-console/page-knowledge';
import { createDownloadEvents } from '../lib/capture/download-events';
import { DownloadWatch } from '../lib/capture/download-watch';
import { backgroundBlobUrls, closeOffscreenBlobs } from '../lib/capture/offscreen-blob-urls';
import { publishButtonTarget } from '../lib/mdm/connected-kinds';
import { browserConnectionTestDeps, testConnection } from '../lib/mdm/test-connection';
import { createMessageHandler } from '../lib/messaging/handle-message';
import { createPopupState, storedPopupStateSources } from '../lib/messaging/popup-state';
import { snoozeToken } from '../lib/reminders/reminder-store';
import { addNoticedDownload, forgetNoticedDownload } from '../lib/storage/noticed-downloads';
import { idbRenewalStore } from '../lib/storage/renewal-store';
import { createRenewalService } from '../lib/wiring/renewal-service';
import { createBatchService, navigationSettled, offerSendAll } from '../lib/wiring/batch-service';
import { AppleBatchPage } from '../lib/abm/apple-batch-page';
import { publishPageLabels } from '../lib/abm/page-labels';
import { idbBatchStore } from '../lib/storage/batch-store';
import type { BatchRunner } from '../lib/batch/batch-runner';
import { openReminderPage, reminderNotifier } from '../lib/watch/reminder-notifications';
import { ensureWatchAlarm, KEEP_AWAKE_MS, migrateStorage, routeAlarm, startUp } from '../lib/worker-lifecycle/worker-lifecycle';

/** The composition root: browser events wired to lib/, which decides. */
export default defineBackground({
  main() {
    const ownId = browser.runtime.id;
    const ownOrigin = browser.runtime.getURL('/');

    const notify = reminderNotifier(browser.notifications, browser.runtime.getURL('/icon/128.png'));
    const popupState = createPopupState(
      { action: browser.action, alarms: browser.alarms, sendMessage: (message) => browser.runtime.sendMessage(message), notify },
      { ...storedPopupStateSources, batch: async () => (await idbBatchStore.list())[0] },
    );
    const { getState, publish, refreshTokens } = popupState;

    const consoleTabs = new AddigyConsoleTabs(
      consoleTabsAdapter(browser.tabs, browser.scripting),
      { policyUrl: consolePolicyUrl, isSignInUrl: isConsoleSignInUrl },
      (tabId) => showConsoleTab(tabId, browser.tabs, browser.windows),
    );
    // The batch follows its locations' renewals; it is created right after the pipeline it drives.
    let batch: BatchRunner | undefined;
    const { machine, consoleEvents } = createRenewalService(consoleTabs, (record) => {
      popupState.renewalChanged(record);
      void batch?.renewalChanged(record.id);
    });
    const applePage = new AppleBatchPage({ tabs: browser.tabs, scripting: browser.scripting });
    batch = createBatchService({ machine, page: applePage, notify, onChange: () => void publish() });
    const batchRunner = batch;

    const downloads = createDownloadEvents({
      downloads: browser.downloads,
      ownId,
      ownOrigin,
      blobUrls: backgroundBlobUrls(),
      closeOffscreen: closeOffscreenBlobs,
      watch: new DownloadWatch(),
      noticed: { add: addNoticedDownload, forget: forgetNoticedDownload },
      publish,
    });

    const handle = createMessageHandler({
      machine,
      ownId,
      ownOrigin,
      getState,
      testConnection: (connectionId) => testConnection(connectionId, browserConnectionTestDeps),
      refreshTokens,
      // Options changed the connections: the in-page button names where tokens go, and the watch looks again.
      connectionsChanged: () => publishButtonTarget().then(refreshTokens),
      checkApplePages: () => checkApplePages(browser.tabs, browser.scripting),
      showConsoleTab: async (renewalId) =>
        showConsoleTab((await idbRenewalStore.get(renewalId))?.console?.tabId, browser.tabs, browser.windows),
      snoozeReminders: (locationId, days) => snoozeToken(locationId, days, new Date()).then(() => undefined),
      onButtonCapture: () => void browser.action.openPopup?.().catch(() => undefined),
      console: consoleRequests(browser.tabs, consoleEvents),
      onFileArrived: downloads.fileArrived,
      batch: batchRunner,
      siteOfTab: async (tabId) => (await browser.tabs.get(tabId).catch(() => undefined))?.url,
    });
    // Chrome keeps the channel open only for `return true`; a returned promise is not an answer there.
    browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
      const reply = handle(message, sender);
      if (!reply) return false;
      void reply.then(sendResponse);
      return true;
    });

    browser.downloads.onChanged.addListener((delta) => downloads.changed(delta));
    browser.tabs.onUpdated.addListener((tabId, change, tab) => {
      routeConsoleTabUpdate(tabId, change, tab, consoleEvents);
      // Apple's page loaded or moved: its token section offers Send all when tokens there are due.
      if (navigationSettled(change, tab)) void offerSendAll(applePage, tabId, tab.url);
    });
    browser.tabs.onRemoved.addListener((tabId) => void consoleEvents.consoleTabClosed(tabId));
    browser.notifications.onClicked.addListener((id) => openReminderPage(id, browser.tabs, browser.notifications));

    browser.alarms.onAlarm.addListener((alarm) => routeAlarm(alarm.name, { resumeRenewals: () => machine.resume().then(() => batchRunner.resume()), refreshTokens }));
    void ensureWatchAlarm(browser.alarms);
    browser.runtime.onStartup.addListener(() => void refreshTokens());
    browser.runtime.onInstalled.addListener(() => void migrateStorage().catch(() => undefined).then(refreshTokens));

    // Extension API calls keep an MV3 worker alive while a renewal is being worked on.
    setInterval(() => {
      if (machine.busy || batchRunner.busy) void browser.runtime.getPlatformInfo();
    }, KEEP_AWAKE_MS);

    // Apple's words in other languages, the role hint and the in-page look, for the Apple-page script.
    void publishPageLabels(browser.storage.local).catch(() => undefined);
    void startUp({
      settleOwnDownloads: downloads.settle,
      resumeRenewals: () => machine.resume().then(() => batchRunner.resume()),
      publish,
      publishButtonTarget: () => publishButtonTarget(),
    });
  },
});
