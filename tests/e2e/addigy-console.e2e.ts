import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import {
  addigyConsoleTab,
  closeBrowserUnderTest,
  detailValue,
  downloadedFiles,
  eventually,
  everyTokenHealthy,
  openBrowserUnderTest,
  openTokensPage,
  renewalCard,
  startCleanTest,
  stopServiceWorker,
  storedRenewals,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

const WAREHOUSE_UID = 'LOC-1002';
const SEND = /Send to Addigy/;

// Issue 9: the renewal is done in the admin's own Addigy console tab; Addigy's API only reads.
describe('renewing in Addigy’s console, in Chromium against the sandbox', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
  });

  const warehouse = () => sandbox.state.addigyTokens.find((t) => t.locationId === 'loc-warehouse' && !t.inheritedFrom)!;
  const saves = () => sandbox.consoleUploads().filter((u) => u.stage === 'saved');
  /** Requests to the write calls Addigy's API does not have (the old guesses): there must be none. */
  const guessedWrites = () =>
    sandbox.addigyRequests((r) => r.method === 'PUT' || /\/renew|\/sync$/.test(r.path.split('?')[0] ?? ''));

  /** Click 1: Send to Addigy beside Warehouse on Apple's page. */
  async function sendWarehouse(): Promise<Page> {
    const page = await openTokensPage(session);
    pages.push(page);
    await page.getByRole('row', { name: /Warehouse/ }).getByRole('button', { name: SEND }).click();
    return page;
  }

  /** The popup, as the toolbar button opens it (here in a tab). */
  async function popupPage(): Promise<Page> {
    const popup = await session.openPopup();
    pages.push(popup);
    return popup;
  }

  const renewButton = (popup: Page) =>
    renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: 'Renew Warehouse in Addigy' });

  it('takes two clicks: Send to Addigy, then Renew; the console gets the exact file once, and the popup shows the sync', async () => {
    let userActions = 0;
    await sendWarehouse();
    userActions++;
    const popup = await popupPage();
    await renewButton(popup).waitFor({ timeout: 30_000 });

    // Addigy's own confirmation window, read from the console tab.
    const card = renewalCard(popup, 'Confirm the renewal');
    expect(await detailValue(card, 'ID number')).toBe(warehouse().idNumber);
    expect(await detailValue(card, 'Name')).toBe('Warehouse');
    expect(await detailValue(card, 'Apple ID')).toBe(warehouse().appleId);
    expect(await detailValue(card, 'Organization')).toBe(warehouse().orgName);
    expect(saves()).toHaveLength(0);
    const consoleTab = await addigyConsoleTab(session);
    await consoleTab.screenshot({ path: '.output/e2e/addigy-console-confirmation.png' });
    await popup.screenshot({ path: '.output/e2e/popup-console-confirmation.png' });

    await renewButton(popup).click();
    userActions++;
    const done = renewalCard(popup, 'Renewed');
    await done.waitFor({ timeout: 60_000 });
    await popup.screenshot({ path: '.output/e2e/popup-renewed.png' });
    expect(await detailValue(done, 'Last successful sync')).toMatch(/\d/);

    const [file] = [...downloadedFiles(session.downloadsDir)].filter(([name]) => name.endsWith('.vpptoken'));
    expect(file?.[0]).toBe('sToken_for_Warehouse.vpptoken');
    expect(saves()).toHaveLength(1);
    expect(saves()[0]).toMatchObject({ locationId: 'loc-warehouse', fileName: 'sToken_for_Warehouse.vpptoken' });
    expect(saves()[0]!.text.trim()).toBe(file![1].trim());
    expect(sandbox.tokenDownloads(WAREHOUSE_UID)).toHaveLength(1);
    expect(guessedWrites()).toHaveLength(0);
    expect(userActions).toBe(2);
  });

  it('puts its console script only into the tab it opened: an Addigy tab the admin opened gets none of it, and the renewal still completes', async () => {
    // The admin's own Addigy tab, on the very policy page the renewal uses.
    const ownTab = await session.context.newPage();
    pages.push(ownTab);
    await ownTab.goto(`https://app.addigy.com/policies/${warehouse().policyId}`);
    await ownTab.waitForLoadState('load');
    await sendWarehouse();
    const popup = await popupPage();
    await renewButton(popup).waitFor({ timeout: 30_000 });
    const [record] = (await storedRenewals(session)) as unknown as Array<{ console: { tabId: number } }>;
    const renewalTab = record!.console.tabId;

    // Asked in the extension's own world of each Addigy tab (where the script would live: the page cannot see it),
    // and with a Save job no renewal has, which only a console script would answer.
    const worker = await session.worker();
    const seen = await worker.evaluate(async (guard: string) => {
      // @ts-ignore chrome is the worker's global
      const tabs: Array<{ id: number }> = await chrome.tabs.query({ url: 'https://app.addigy.com/*' });
      return Promise.all(
        tabs.map(async (tab) => {
          // @ts-ignore
          const [frame] = await chrome.scripting.executeScript({
            target: { tabId: tab.id, frameIds: [0] },
            func: (mark: string) => typeof (globalThis as Record<string, unknown>)[mark],
            args: [guard],
          });
          return { tabId: tab.id, script: frame?.result as string };
        }),
      );
    }, '__tokenRelayAddigyConsoleDriver');
    expect(seen).toHaveLength(2);
    expect(seen.find((tab) => tab.tabId === renewalTab)?.script).toBe('function');
    const other = seen.find((tab) => tab.tabId !== renewalTab)!;
    expect(other.script).toBe('undefined');
    const answer = await worker.evaluate(
      (tabId: number) =>
        // @ts-ignore chrome is the worker's global
        chrome.tabs.sendMessage(tabId, { type: 'console:press-save', renewalId: 'no-such-renewal' }, { frameId: 0 }).then(
          () => 'answered',
          (error: Error) => error.message,
        ),
      other.tabId,
    );
    expect(answer).toMatch(/Receiving end does not exist/);

    await renewButton(popup).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(saves()).toHaveLength(1);
  });

  it('asks the admin to sign in to Addigy, then finishes on its own', async () => {
    sandbox.console.signOut();
    await sendWarehouse();
    const popup = await popupPage();
    await popup.getByText('Sign in to Addigy in the tab Token Relay opened.').waitFor({ timeout: 30_000 });

    const signIn = await addigyConsoleTab(session, 'https://login.addigy.com');
    await signIn.getByText('Token Relay: sign in to Addigy here.', { exact: false }).waitFor();
    await signIn.screenshot({ path: '.output/e2e/addigy-sign-in.png' });
    await signIn.getByLabel('Email').fill('admin@acme.example');
    await signIn.getByLabel('Password').fill('correct horse');
    await signIn.getByRole('button', { name: 'Sign in' }).click();

    await renewButton(popup).waitFor({ timeout: 30_000 });
    await renewButton(popup).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(saves()).toHaveLength(1);
  });

  it('explains an identifier Addigy refuses, with the new-token guidance, and marks nothing renewed', async () => {
    sandbox.console.variant('refuse-identifier');
    await sendWarehouse();
    const popup = await popupPage();
    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    await expect(failed.getByRole('alert').textContent()).resolves.toMatch(/identifier does not match/);
    await expect(failed.textContent()).resolves.toMatch(/Create a new token in Addigy .* transfer the licences/);
    await popup.screenshot({ path: '.output/e2e/popup-identifier-refused.png' });
    expect(saves()).toHaveLength(0);
    expect(await renewalCard(popup, 'Renewed').count()).toBe(0);
    const [record] = await storedRenewals(session);
    expect(record).toMatchObject({ step: 'failed', failure: { kind: 'identifier-mismatch', retryable: false } });
  });

  it('does not dead-end when Addigy’s page has changed: guides the admin there, keeps a page report, and Retry after the tab is closed', async () => {
    sandbox.console.variant('no-renew');
    await sendWarehouse();
    const popup = await popupPage();
    // The Renew button is missing: instead of “could not find…”, the admin is guided in the Addigy tab and the popup.
    const guided = renewalCard(popup, /^Preparing Warehouse in Addigy/);
    await guided.getByText('Addigy needs your clicks in the tab Token Relay opened.').waitFor({ timeout: 60_000 });
    await expect(guided.getByRole('alert').textContent()).resolves.toMatch(/Renew beside Warehouse/);
    expect(await popup.getByText('Token Relay could not find').count()).toBe(0);
    // The badge asks for the admin, never "in progress".
    await eventually(async () => (await session.badge()).text === '1');

    await guided.getByRole('button', { name: 'Save a page report' }).click();
    const [, report] = await eventually(() =>
      [...downloadedFiles(session.downloadsDir)].find(([name]) => name.startsWith('token-relay-page-report-addigy')),
    );
    const token = [...downloadedFiles(session.downloadsDir)].find(([name]) => name.endsWith('.vpptoken'))![1].trim();
    expect(report).toMatch(/Scan Now/);
    expect(report).not.toContain(token);
    expect(report).not.toContain('Warehouse');
    expect(report).not.toContain(sandbox.apiKey);

    // The admin gives up in that tab and closes it: Retry, with the same token.
    const tab = await addigyConsoleTab(session);
    await tab.close();
    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    // Addigy's page is back to normal: Retry finishes with the same token, without a new download.
    sandbox.console.clearVariants();
    await failed.getByRole('button', { name: 'Retry' }).click();
    await renewButton(popup).waitFor({ timeout: 30_000 });
    await renewButton(popup).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(sandbox.tokenDownloads(WAREHOUSE_UID)).toHaveLength(1);
  });

  it('finishes the renewal after the worker is stopped while Addigy scans, woken by the resume alarm alone', async () => {
    sandbox.faults.syncingPolls('loc-warehouse', 4);
    await sendWarehouse();
    const popup = await popupPage();
    await renewButton(popup).waitFor({ timeout: 30_000 });
    await renewButton(popup).click();
    await eventually(() => saves().length === 1 && sandbox.addigyRequests('list-tokens').some((r) => r.at > saves()[0]!.at));
    const worker = await session.worker();
    // The six-hourly watch alarm would wake the worker too; without it only the resume alarm can.
    // @ts-ignore chrome is the worker's global
    await worker.evaluate(() => chrome.alarms.clear('watch-tokens'));
    // @ts-ignore
    expect(await worker.evaluate(() => chrome.alarms.get('resume-renewals'))).toBeTruthy();

    // No extension page stays open that could wake the worker.
    for (const page of pages.splice(0)) await page.close();
    const host = await session.context.newPage();
    pages.push(host);
    await host.goto('https://business.apple.com/');
    await stopServiceWorker(session, host);
    const stoppedAt = Date.now();

    // Nothing but the alarm runs the worker now; the scan's polls resume and end with Addigy's success.
    await eventually(() => {
      const polls = sandbox.addigyRequests('list-tokens').filter((r) => r.at > stoppedAt);
      return polls.length > 0 && !warehouse().syncing && warehouse().lastSyncingStatus === 'success' ? polls : undefined;
    }, 75_000);
    const finished = await eventually(async () => {
      const [record] = await storedRenewals(session);
      return record?.step === 'done' ? record : undefined;
    }, 30_000);
    expect(Date.parse(finished.updatedAt)).toBeLessThan(Date.now());
    const again = await popupPage();
    await renewalCard(again, 'Renewed').waitFor();
  });

  it('says so when the admin closes the Addigy tab mid-way, and Retry opens it again and completes', async () => {
    sandbox.console.variant('slow-confirmation');
    await sendWarehouse();
    const popup = await popupPage();
    await renewalCard(popup, 'Preparing Warehouse in Addigy…').waitFor({ timeout: 30_000 });
    const consoleTab = await addigyConsoleTab(session);
    await consoleTab.close();

    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    await expect(failed.getByRole('alert').textContent()).resolves.toMatch(/Addigy tab Token Relay opened for Warehouse was closed/);
    await eventually(async () => (await session.badge()).text !== '…');

    sandbox.console.clearVariants();
    await failed.getByRole('button', { name: 'Retry' }).click();
    await renewButton(popup).waitFor({ timeout: 30_000 });
    await renewButton(popup).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(saves()).toHaveLength(1);
    expect(sandbox.tokenDownloads(WAREHOUSE_UID)).toHaveLength(1);
  });
});
