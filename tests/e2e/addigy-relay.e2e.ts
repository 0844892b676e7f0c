import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXPIRED_SCAN_ERROR, type Sandbox } from '../sandbox/index.mjs';
import {
  chooseTokenFile,
  closeBrowserUnderTest,
  detailValue,
  downloadTokenOnPage,
  eventually,
  openBrowserUnderTest,
  openTokensPage,
  renewalCard,
  saveApiKey,
  startCleanTest,
  storedRenewals,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

const WAREHOUSE_FILE = 'sToken_for_Warehouse.vpptoken';

// Issue 4, with issue 9's write path: Addigy's API reads, its console saves; honest when the key or Addigy fail.
describe('the Addigy relay, in Chromium against the sandbox', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest()));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  // Some tests save a wrong key: every test starts from the right one.
  beforeEach(() => startCleanTest({ sandbox, session, pages, saveKey: true }));

  const openPopup = async () => {
    const popup = await session.openPopup();
    pages.push(popup);
    await popup.getByLabel('Have a .vpptoken file already?').waitFor();
    return popup;
  };
  const warehouse = () => sandbox.state.addigyTokens.find((t) => t.locationId === 'loc-warehouse')!;
  const saves = () => sandbox.consoleUploads().filter((u) => u.stage === 'saved');

  /** Gives the popup a fresh Warehouse token and waits for the confirmation. */
  async function confirmationFor(popup: Page) {
    const text = sandbox.tokenFor('LOC-1002');
    await chooseTokenFile(popup, WAREHOUSE_FILE, text);
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: /^Renew Warehouse in Addigy/ });
    await renew.waitFor({ timeout: 30_000 });
    return { text, renew };
  }

  it('renews a file chosen in the popup and follows Addigy’s rescan to the last successful sync', async () => {
    sandbox.faults.syncingPolls('loc-warehouse', 2);
    const popup = await openPopup();
    const { text, renew } = await confirmationFor(popup);
    expect(saves()).toHaveLength(0);
    await renew.click();
    // While Addigy scans, the popup says so.
    await renewalCard(popup, 'Renewing Warehouse…')
      .locator('li[data-state="current"]', { hasText: 'Addigy is scanning the licences' })
      .waitFor({ timeout: 30_000 });
    const done = renewalCard(popup, 'Renewed');
    await done.waitFor({ timeout: 30_000 });
    expect(await detailValue(done, 'Last successful sync')).toMatch(/\d/);

    expect(saves()).toHaveLength(1);
    expect(saves()[0]!.text.trim()).toBe(text.trim());
    // Polled with call 1 after the Save until `syncing` turned false with a success.
    const polls = sandbox.addigyRequests((r) => r.call === 'list-tokens' && r.at >= saves()[0]!.at);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(warehouse()).toMatchObject({ syncing: false, lastSyncingStatus: 'success' });
    // Addigy's API only ever read; no request carried the token.
    expect(sandbox.addigyRequests((r) => r.body.includes(text.trim()))).toHaveLength(0);
  });

  it('points to Options on a wrong API key, and Retry then finishes the same renewal without a new download', async () => {
    await saveApiKey(session, 'wrong-key-9999');
    const page = await openTokensPage(session);
    pages.push(page);
    const download = await downloadTokenOnPage(session, page, 'Warehouse');
    expect(sandbox.tokenDownloads('LOC-1002')).toHaveLength(1);

    const popup = await openPopup();
    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.getByRole('alert').textContent()).toContain('Addigy did not accept the API key.');
    expect(await failed.textContent()).toMatch(/What to do:.*Options/);
    const withWrongKey = sandbox.addigyRequests((r) => r.headers['x-api-key'] === 'wrong-key-9999');
    expect(withWrongKey.filter((r) => r.call === 'list-tokens').length).toBeGreaterThan(0);
    expect(withWrongKey.every((r) => r.status === 401)).toBe(true);
    expect(sandbox.consoleUploads()).toHaveLength(0);

    // The popup's own button leads to Options, where the admin fixes the key.
    const [options] = await Promise.all([
      session.context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/options.html') }),
      failed.getByRole('button', { name: 'Open Options' }).click(),
    ]);
    pages.push(options);
    const keyInput = options.getByLabel('API key');
    await eventually(async () => (await keyInput.inputValue()) === 'wrong-key-9999');
    await keyInput.fill(sandbox.apiKey);
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByText('Saved.').waitFor();

    await popup.bringToFront();
    await failed.getByRole('button', { name: 'Retry' }).click();
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: /^Renew Warehouse in Addigy/ });
    await renew.waitFor({ timeout: 30_000 });
    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 30_000 });

    // The file downloaded once is the one Addigy saved: no new download, no new renewal.
    expect(sandbox.tokenDownloads('LOC-1002')).toHaveLength(1);
    expect(saves()).toHaveLength(1);
    expect(saves()[0]!.text.trim()).toBe(download.text.trim());
    const records = await storedRenewals(session);
    expect(records.map((r) => r.step)).toEqual(['done']);
  });

  it('retries a read through two HTTP 500s and goes on', async () => {
    sandbox.faults.addigy('list-tokens', { status: 500, times: 2 });
    const popup = await openPopup();
    const text = sandbox.tokenFor('LOC-1002');
    await chooseTokenFile(popup, WAREHOUSE_FILE, text);
    // The user sees that the extension is retrying, not a failure.
    await renewalCard(popup, 'Checking the token…').getByText(/Retrying/).waitFor({ timeout: 15_000 });
    const card = renewalCard(popup, 'Confirm the renewal');
    await card.getByRole('button', { name: /^Renew Warehouse in Addigy/ }).waitFor({ timeout: 30_000 });
    expect(sandbox.addigyRequests('list-tokens').slice(0, 3).map((r) => r.status)).toEqual([500, 500, 200]);
    expect(await detailValue(card, 'ID number')).toBe(warehouse().idNumber);
    expect(saves()).toHaveLength(0);
  });

  it('reports a failed scan with Addigy’s own text', async () => {
    sandbox.faults.scanError('loc-warehouse', EXPIRED_SCAN_ERROR);
    const popup = await openPopup();
    const { renew } = await confirmationFor(popup);
    await renew.click();

    const failed = renewalCard(popup, 'Renewed, but the scan failed');
    await failed.waitFor({ timeout: 30_000 });
    expect(await renewalCard(popup, 'Renewed').count()).toBe(0);
    const alert = await failed.getByRole('alert').textContent();
    expect(alert).toContain(EXPIRED_SCAN_ERROR);
    expect(alert).toMatch(/still not valid/);
    expect(await failed.textContent()).toMatch(/What to do:.*Download a fresh token/);
    expect(await failed.getByRole('button', { name: 'Retry' }).count()).toBe(1);

    expect(saves()).toHaveLength(1);
    expect(warehouse()).toMatchObject({ lastSyncingStatus: 'error', errMsg: EXPIRED_SCAN_ERROR });
  });
});
