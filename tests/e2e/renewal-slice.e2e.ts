import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import {
  closeBrowserUnderTest,
  downloadedFiles,
  eventually,
  everyTokenHealthy,
  openBrowserUnderTest,
  openTokensPage,
  saveApiKey,
  startCleanTest,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

/** Clicks the page's own Download control in a location's row, as the admin would. */
async function clickDownload(page: Page, locationName: string) {
  await page.getByRole('row', { name: new RegExp(locationName) }).getByRole('button', { name: 'Download' }).click();
}

/** Everything the extension persists outside the pending renewal: storage.local and IndexedDB. */
async function persistedState(session: ExtensionSession): Promise<string> {
  const worker = await session.worker();
  return worker.evaluate(async () => {
    // @ts-ignore chrome is the worker's global
    const local = await chrome.storage.local.get(null);
    const records = await new Promise<unknown[]>((resolve) => {
      const open = indexedDB.open('token-relay');
      open.onsuccess = () => {
        const db = open.result;
        const all = db.transaction('renewals').objectStore('renewals').getAll();
        all.onsuccess = () => resolve(all.result);
      };
    });
    return JSON.stringify({ local, records });
  });
}

describe('the first renewal, end to end', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy }));
    (await session.worker()).on('console', (message) => consoleLines.push(message.text()));
    session.context.on('page', (page) => page.on('console', (message) => consoleLines.push(message.text())));
    await saveApiKey(session, sandbox.apiKey);
  });
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  // No renewal, badge or download of an earlier test is left: each test passes alone (`-t`) or in any order.
  beforeEach(() => startCleanTest({ sandbox, session, pages: [], clearDownloads: true }));

  it('captures the page’s own download, asks for confirmation, and renews in Addigy’s console with the exact file', async () => {
    const page = await openTokensPage(session);
    await clickDownload(page, 'Main Campus');

    const saved = await eventually(() => downloadedFiles(session.downloadsDir).get('sToken_for_Main Campus.vpptoken'));
    await eventually(async () => (await session.badge()).text === '1');
    expect((await session.badge()).title).toMatch(/awaiting your confirmation/);

    const popup = await session.openPopup();
    const renew = popup.getByRole('button', { name: /^Renew/ });
    await renew.waitFor();
    const confirmation = popup.getByRole('region', { name: 'Confirm the renewal' });
    await expect(confirmation.locator('dt:text-is("Organization") + dd').textContent()).resolves.toBe('Acme Corp');
    await expect(confirmation.locator('dt:text-is("Expires") + dd').textContent()).resolves.toMatch(/\d{4}/);
    await popup.screenshot({ path: '.output/e2e/slice-confirmation.png' });

    // Until the user confirms, nothing is saved in Addigy.
    expect(sandbox.consoleUploads().filter((u) => u.stage === 'saved')).toHaveLength(0);
    await renew.click();
    await popup.getByRole('heading', { name: 'Renewed', exact: true }).waitFor({ timeout: 30_000 });
    await popup.screenshot({ path: '.output/e2e/slice-renewed.png' });

    const saves = sandbox.consoleUploads().filter((u) => u.stage === 'saved');
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ locationId: 'loc-main', fileName: 'sToken_for_Main Campus.vpptoken' });
    expect(saves[0]!.text.trim()).toBe(saved.trim());
    // Addigy's API was only read, with the key.
    expect(sandbox.addigyRequests().every((r) => r.method === 'POST' && r.headers['x-api-key'] === sandbox.apiKey)).toBe(true);
    expect(sandbox.addigyRequests((r) => r.body.includes(saved.trim()))).toHaveLength(0);
    // Matched by Apple's uId: the location's own token, not another of the same organisation.
    expect(sandbox.appleRequests()).toHaveLength(1);
    await eventually(async () => (await session.badge()).text === '');

    // The token went download → background → Apple and Addigy's console upload, and nowhere else.
    expect(await page.content()).not.toContain(saved.trim());
    expect(await persistedState(session)).not.toContain(saved.trim());
    expect(consoleLines.join('\n')).not.toContain(saved.trim());
    await page.close();
    await popup.close();
  });

  it('shows Addigy’s refusal in plain words and marks nothing renewed', async () => {
    sandbox.console.variant('refuse-identifier');
    const page = await openTokensPage(session);
    await clickDownload(page, 'Warehouse');

    const popup = await session.openPopup();
    await popup.getByRole('heading', { name: 'Not renewed' }).waitFor({ timeout: 30_000 });
    const alert = await popup.getByRole('alert').textContent();
    expect(alert).toContain('identifier does not match');
    expect(await popup.getByRole('heading', { name: 'Renewed', exact: true }).count()).toBe(0);
    expect(sandbox.consoleUploads().filter((u) => u.stage === 'saved')).toHaveLength(0);
    expect((await session.badge()).text).toBe('!');
    await page.close();
    await popup.close();
  });
});
