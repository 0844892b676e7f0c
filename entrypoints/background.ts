import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { addigyClientFor, isAddigyBaseUrlAllowed } from '../lib/mdm/addigy/addigy-host';
import { computeBadge, showBadge } from '../lib/badge';
import { createMessageHandler } from '../lib/messaging/handle-message';
import type { IntentReply, PopupState } from '../lib/messaging/messages';
import { createRenewalMachine } from '../lib/renewal/create-renewal-machine';
import { isFinished } from '../lib/renewal/renewal-record';
import { loadApiKey } from '../lib/storage/api-key';
import { idbRenewalStore } from '../lib/storage/renewal-store';
import { loadSettings, migrateLocalSettings } from '../lib/storage/settings';
import { sessionTokenVault } from '../lib/storage/token-vault';
import { sweepOrphanTokens } from '../lib/storage/vault-bounds';
import { DownloadWatch } from '../lib/capture/download-watch';
import { saveTokenFile } from '../lib/capture/save-token-file';
import { backgroundBlobUrls, closeOffscreenBlobs } from '../lib/capture/offscreen-blob-urls';
import { eraseEndedOwnDownloads, ownDownloadsUnderway, trackOwnDownload } from '../lib/capture/own-downloads';
import { addNoticedDownload, forgetNoticedDownload, loadNoticedDownloads } from '../lib/storage/noticed-downloads';
import type { Reminder } from '../lib/reminders/reminder-scheduler';
import { loadSnoozes, snoozeToken } from '../lib/reminders/reminder-store';
import { currentTokenWatch, runTokenWatch } from '../lib/watch/run-token-watch';
import { pageForReminder, tokenSnapshotItem } from '../lib/watch/token-snapshot';
import { AddigyConsoleTabs } from '../lib/addigy-console/console-tabs';
import { originOf } from '../lib/http';
import type { ConsoleFileReply } from '../lib/addigy-console/console-messages';
import { consolePolicyUrl, isConsoleSignInUrl, isConsoleUrl } from '../lib/addigy-console/page-knowledge';
import { applePageCheckSchema, unreadableApplePage } from '../lib/abm/page-check';
import { browserSiteAccess } from '../lib/permissions/browser-site-access';
import { CONTENT_SCRIPT_ORIGINS } from '../lib/permissions/site-access';
import { connectionHandles } from '../lib/mdm/connection-handles';
import { MDM_LABELS } from '../lib/mdm/mdm-adapter';
import { listConnections } from '../lib/storage/connections';
import { publishSendButtonTarget } from '../lib/mdm/send-button-target';

const RESUME_ALARM = 'resume-renewals';
const WATCH_ALARM = 'watch-tokens';
const WATCH_EVERY_MINUTES = 6 * 60;
const KEEP_AWAKE_MS = 20_000;

export default defineBackground({
  type: 'module',
  main() {
    const consoleTabs = new AddigyConsoleTabs(
      {
        create: (props) => browser.tabs.create(props),
        get: (tabId) => browser.tabs.get(tabId).catch(() => undefined),
        update: (tabId, props) => browser.tabs.update(tabId, props),
        sendMessage: (tabId, message, options) => browser.tabs.sendMessage(tabId, message, options),
      },
      { policyUrl: consolePolicyUrl, isSignInUrl: isConsoleSignInUrl },
    );
    const machine = createRenewalMachine(consoleTabs, (record) => {
      void publish();
      // A finished renewal changes that token's health: look again.
      if (record.step === 'done') void refreshTokens();
    });

    const downloadWatch = new DownloadWatch();
    const blobUrls = backgroundBlobUrls();

    /** Own token saves that ended (complete, interrupted, cancelled): erase their history entries, revoke their URLs. */
    async function settleOwnDownloads() {
      const ended = await eraseEndedOwnDownloads(browser.downloads, browser.runtime.id, browser.runtime.getURL('/'));
      for (const url of ended) await blobUrls.revoke(url);
      if (!(await ownDownloadsUnderway())) await closeOffscreenBlobs();
    }

    async function getState(): Promise<PopupState> {
      const [apiKey, connections, renewals, noticedDownloads, tokens, snoozedUntil] = await Promise.all([
        loadApiKey(),
        listConnections(),
        idbRenewalStore.list(),
        loadNoticedDownloads(),
        tokenSnapshotItem.getValue(),
        loadSnoozes(new Date()),
      ]);
      const readAt = Date.now();
      return { configured: Boolean(apiKey) || connections.length > 0, renewals: renewals.slice(0, 20), noticedDownloads, tokens, snoozedUntil, readAt };
    }

    async function publish() {
      const { renewals } = await getState();
      await showBadge(browser.action, computeBadge(renewals, await currentTokenWatch()));
      // A killed worker is woken by this alarm and resumes whatever was under way.
      const underway = renewals.some((r) => !isFinished(r) && r.step !== 'awaiting-confirmation');
      if (underway) await browser.alarms.create(RESUME_ALARM, { periodInMinutes: 0.5 });
      else await browser.alarms.clear(RESUME_ALARM);
      await browser.runtime.sendMessage({ type: 'state:changed' }).catch(() => undefined);
    }

    /** Lists a connection's tokens: the quickest proof that its address, secret and rights are right. */
    async function testConnection(connectionId?: string): Promise<IntentReply> {
      if (connectionId) return testOtherConnection(connectionId);
      const [settings, apiKey] = await Promise.all([loadSettings(), loadApiKey()]);
      const list = await addigyClientFor({ baseUrl: settings.addigyBaseUrl, apiKey: apiKey ?? '' }).listTokens();
      if (!list.ok) {
        // "Could not reach" is the browser withholding site access more often than the network failing.
        const origin = originOf(settings.addigyBaseUrl);
        if (list.error.kind === 'unreachable' && origin && !(await browserSiteAccess.contains([`${origin}/*`]).catch(() => true))) {
          return {
            ok: false,
            problem: {
              kind: 'no-site-access',
              message: `Token Relay is not allowed to reach ${new URL(origin).host}, so it could not ask Addigy.`,
              nextStep: 'Choose “Allow access to these sites” on this page, or allow Token Relay on that site in the browser’s extension settings.',
            },
          };
        }
        return { ok: false, problem: list.error };
      }
      const n = list.value.length;
      return { ok: true, note: `Connected. Addigy lists ${n} Apple Apps token${n === 1 ? '' : 's'}.` };
    }

    async function testOtherConnection(connectionId: string): Promise<IntentReply> {
      const handle = (await connectionHandles()).find((h) => h.connection.id === connectionId);
      if (!handle) {
        return { ok: false, problem: { kind: 'unknown-connection', message: 'That connection no longer exists.', nextStep: 'Reload Options.' } };
      }
      const noRetry = () => undefined;
      const list = handle.addigy ? await handle.addigy(noRetry).listTokens() : await handle.adapter!(noRetry).listTokens();
      if (!list.ok) return { ok: false, problem: list.error };
      const n = list.value.length;
      const label = MDM_LABELS[handle.connection.kind];
      return { ok: true, note: `Connected. ${label} lists ${n} Apps and Books token${n === 1 ? '' : 's'}.` };
    }

    /** Options changed the connections: the in-page button names where tokens go, and the watch looks again. */
    async function connectionsChanged() {
      await publishButtonTarget();
      await refreshTokens();
    }

    /** The kinds of every connection, the Addigy section's key included: what the in-page button names. */
    async function publishButtonTarget() {
      const [apiKey, connections] = await Promise.all([loadApiKey(), listConnections()]);
      await publishSendButtonTarget([...(apiKey ? (['addigy'] as const) : []), ...connections.map((c) => c.kind)]);
    }

    async function notify(reminder: Reminder) {
      await browser.notifications.create(reminder.id, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title: reminder.title,
        message: reminder.message,
      });
    }

    async function refreshTokens() {
      await runTokenWatch(notify);
      await publish();
    }

    const handle = createMessageHandler({
      machine,
      ownId: browser.runtime.id,
      ownOrigin: browser.runtime.getURL('/'),
      getState,
      testConnection,
      refreshTokens,
      connectionsChanged,
      async checkApplePages() {
        const tabs = await browser.tabs.query({ url: CONTENT_SCRIPT_ORIGINS });
        // The tab in front first; a few at most, as this runs each time the popup opens.
        tabs.sort((a, b) => Number(b.active) - Number(a.active) || (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
        for (const tab of tabs.slice(0, 3)) {
          if (tab.id === undefined) continue;
          const results = await browser.scripting
            .executeScript({ target: { tabId: tab.id, allFrames: true }, files: ['/apple-page-check.js'] })
            .catch(() => []);
          const frames = results.map((r) => applePageCheckSchema.safeParse(r.result)).flatMap((r) => (r.success ? [r.data] : []));
          const outline = unreadableApplePage(frames);
          if (outline) return outline;
        }
        return undefined;
      },
      async showConsoleTab(renewalId) {
        const tabId = (await idbRenewalStore.get(renewalId))?.console?.tabId;
        if (tabId === undefined) return;
        const tab = await browser.tabs.update(tabId, { active: true }).catch(() => undefined);
        if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
      },
      async snoozeReminders(locationId, days) {
        await snoozeToken(locationId, days, new Date());
      },
      onButtonCapture: () => void browser.action.openPopup?.().catch(() => undefined),
      console: {
        async fileFor(renewalId, tabId): Promise<ConsoleFileReply> {
          // The browser's own view of the tab: the token goes only to Addigy's console, top frame (checked by the sender class).
          const tab = await browser.tabs.get(tabId).catch(() => undefined);
          if (!isConsoleUrl(tab?.url ?? '')) return { ok: false };
          const file = await machine.fileForConsole(renewalId, tabId);
          return file ? { ok: true, ...file } : { ok: false };
        },
        report: (renewalId, tabId, report) => machine.consoleReport(renewalId, tabId, report),
        signInPage: (tabId) => machine.consoleNeedsSignIn(tabId),
      },
      onFileArrived(file) {
        downloadWatch.noteCapture(file.fileName);
        void forgetNoticedDownload(file.fileName);
        // A download taken over before it left the page: give the user the very bytes we relay.
        if (file.via === 'https') {
          void saveTokenFile(browser.downloads, blobUrls, file).then(
            async ({ id, url }) => {
              downloadWatch.noteOwnDownload(id);
              await trackOwnDownload(id, url);
              // It may have ended already, before it was tracked.
              await settleOwnDownloads();
            },
            () => undefined,
          );
        }
      },
    });
    // Chrome keeps the channel open only for `return true`; a returned promise is not an answer there.
    browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
      const reply = handle(message, sender);
      if (!reply) return false;
      void reply.then(sendResponse);
      return true;
    });

    browser.downloads.onChanged.addListener(async (delta) => {
      const state = delta.state?.current;
      if (state !== 'complete' && state !== 'interrupted') return;
      // Our own save of a taken-over token, however it ended: the file stays, the history entry goes.
      await settleOwnDownloads();
      if (state !== 'complete') return;
      const [item] = await browser.downloads.search({ id: delta.id });
      if (!item || item.byExtensionId === browser.runtime.id) return;
      if (downloadWatch.isUncapturedToken(item)) {
        await addNoticedDownload(item.filename);
        await publish();
      }
    });

    // The console tab: Addigy's sign-in page, a new page load (a new console script), or closed.
    browser.tabs.onUpdated.addListener((tabId, change, tab) => {
      const url = change.url ?? tab.url ?? '';
      if (isConsoleSignInUrl(url) && (change.url || change.status === 'complete')) {
        void machine.consoleNeedsSignIn(tabId);
      } else if (change.status === 'complete' && isConsoleUrl(url)) {
        void machine.consoleTabLoaded(tabId);
      }
    });
    browser.tabs.onRemoved.addListener((tabId) => void machine.consoleTabClosed(tabId));

    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === RESUME_ALARM) void machine.resume();
      if (alarm.name === WATCH_ALARM) void refreshTokens();
    });
    void browser.alarms.get(WATCH_ALARM).then((existing) => {
      if (!existing) void browser.alarms.create(WATCH_ALARM, { periodInMinutes: WATCH_EVERY_MINUTES, delayInMinutes: 1 });
    });
    browser.runtime.onStartup.addListener(() => void refreshTokens());
    browser.runtime.onInstalled.addListener(() => void refreshTokens());

    // A reminder opens the Apple page where that token's fresh file is downloaded.
    browser.notifications.onClicked.addListener(async (notificationId) => {
      const url = pageForReminder(notificationId, (await tokenSnapshotItem.getValue()).health);
      if (url) await browser.tabs.create({ url });
      await browser.notifications.clear(notificationId);
    });

    // Extension API calls keep an MV3 worker alive while a renewal is being worked on.
    setInterval(() => {
      if (machine.busy) void browser.runtime.getPlatformInfo();
    }, KEEP_AWAKE_MS);

    // Before anything runs: an Addigy address older versions kept in storage.local moves to IndexedDB once.
    // No token outlives its record: tokens left by pruned, finished or lost renewals are wiped at start.
    void migrateLocalSettings((url) => isAddigyBaseUrlAllowed(url))
      .catch(() => undefined)
      .then(() => sweepOrphanTokens(sessionTokenVault, idbRenewalStore))
      .then(() => settleOwnDownloads())
      .catch(() => undefined)
      .then(() => machine.resume())
      .then(publish)
      .then(publishButtonTarget)
      .catch(() => undefined);
  },
});
