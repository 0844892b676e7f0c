import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
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
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

// Issue 19, finding 1: markup alone on Addigy's policy page, posing as Addigy's Renew and confirmation windows.
describe('look-alike windows on Addigy’s console page, in Chromium', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];
  const elsewhere: string[] = [];
  const recordElsewhere = (request: Request): void => {
    if (new URL(request.url()).hostname === 'elsewhere.example') elsewhere.push(request.url());
  };

  beforeAll(async () => {
    ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true }));
    session.context.on('request', recordElsewhere);
    // Answered here, so a request that got out would be seen (the sandbox does not serve that host).
    await session.context.route('https://elsewhere.example/**', (route) => route.fulfill({ status: 204 }));
    // What a page hears of WXT's start-up signal (its content-script context posts it with window.postMessage).
    await session.context.addInitScript(() => {
      const heard: unknown[] = [];
      Object.defineProperty(window, '__heardStartUp', { value: heard });
      window.addEventListener('message', (event) => {
        if (String((event.data as { type?: unknown } | null)?.type).endsWith('wxt:content-script-started')) heard.push(event.data);
      });
    });
  });
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
    elsewhere.length = 0;
  });

  const saves = () => sandbox.consoleUploads().filter((u) => u.stage === 'saved');

  it('gives the file only to the window Renew opened: no look-alike or unseen window gets it, nothing goes elsewhere', async () => {
    sandbox.console.variant('hostile-markup');
    const page = await openTokensPage(session);
    pages.push(page);
    await page.getByRole('row', { name: /Warehouse/ }).getByRole('button', { name: /Send to Addigy/ }).click();
    const popup = await session.openPopup();
    pages.push(popup);
    const card = renewalCard(popup, 'Confirm the renewal');
    // Either Addigy's confirmation, or (the finding) the file posted to the other origin: whichever comes first.
    await Promise.race([
      card.getByRole('button', { name: 'Renew Warehouse in Addigy' }).waitFor({ timeout: 30_000 }),
      eventually(() => elsewhere.length > 0 || undefined, 30_000),
    ]).catch(() => undefined);
    expect(elsewhere).toEqual([]);

    const consoleTab = await addigyConsoleTab(session);
    const received = () =>
      consoleTab.evaluate(() => ({
        hostile: (document.getElementById('hostile-input') as HTMLInputElement).files?.length ?? -1,
        unseen: [...document.querySelectorAll<HTMLInputElement>('.unseen-input')].map((input) => input.files?.length ?? -1),
        form: document.getElementById('hostile-form') !== null,
      }));
    // The markup is there, shown, before the app's root, and the unseen windows opened with Renew's.
    expect(await received()).toEqual({ hostile: 0, unseen: [0, 0, 0], form: true });
    await card.getByRole('button', { name: 'Renew Warehouse in Addigy' }).waitFor({ timeout: 1_000 });
    // The confirmation shown is Addigy's, not the look-alike's.
    expect(await detailValue(card, 'ID number')).not.toBe('9999999');
    expect(await detailValue(card, 'Name')).toBe('Warehouse');

    await card.getByRole('button', { name: 'Renew Warehouse in Addigy' }).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });

    const [file] = [...downloadedFiles(session.downloadsDir)].filter(([name]) => name.endsWith('.vpptoken'));
    expect(saves()).toHaveLength(1);
    expect(saves()[0]!.text.trim()).toBe(file![1].trim());
    expect(elsewhere).toEqual([]);
    expect(sandbox.requests.filter((request) => request.host === 'elsewhere.example')).toEqual([]);
    // Still the same page (no form was submitted), and none of the look-alikes holds a file.
    expect(await received()).toEqual({ hostile: 0, unseen: [0, 0, 0], form: true });
  });

  // Issue 19, hardening: WXT's context aborted on a replay of its start-up signal, which carried our id to the page.
  it('goes on with a running job when the page replays WXT’s start-up signal, which it never hears', async () => {
    sandbox.console.variant('slow-confirmation', { delayMs: 4_000 });
    const page = await openTokensPage(session);
    pages.push(page);
    await page.getByRole('row', { name: /Warehouse/ }).getByRole('button', { name: /Send to Addigy/ }).click();
    const popup = await session.openPopup();
    pages.push(popup);
    // The job is running in the console tab: the file is in, Addigy's confirmation is on its way.
    await eventually(() => sandbox.consoleUploads().some((upload) => upload.stage === 'preview'), 30_000);
    const consoleTab = await addigyConsoleTab(session);
    const heard = await consoleTab.evaluate((extensionId) => {
      const recorded = (window as unknown as { __heardStartUp: Array<{ type: string }> }).__heardStartUp;
      // What a page would replay: the messages it heard, and the same built from the id.
      const replays = [...recorded, { type: `${extensionId}:addigy-console:wxt:content-script-started` }];
      for (const { type } of replays) {
        const detail = { contentScriptName: 'addigy-console', messageId: 'replayed' };
        document.dispatchEvent(new CustomEvent(type, { detail }));
        window.postMessage({ type, ...detail }, '*');
      }
      return recorded.length;
    }, session.extensionId);
    expect(heard).toBe(0);

    const card = renewalCard(popup, 'Confirm the renewal');
    await card.getByRole('button', { name: 'Renew Warehouse in Addigy' }).waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Renew Warehouse in Addigy' }).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(saves()).toHaveLength(1);
  });
});
