import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXPIRED_SCAN_ERROR, type RecordedRequest, type Sandbox } from '../sandbox/index.mjs';
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
  screenshotRenewal,
  startCleanTest,
  stopServiceWorker,
  storedRenewals,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

const WAREHOUSE_FILE = 'sToken_for_Warehouse.vpptoken';
const WAREHOUSE_PATH = '/api/v2/oa/apps-and-books/tokens/loc-warehouse';

// Issue 4: the relay speaks Addigy's contract and stays honest when Addigy, the key or the worker fail.
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
  const bodyToken = (request: RecordedRequest) => (JSON.parse(request.body) as { token: string }).token;

  /** Gives the popup a fresh Warehouse token and waits for the confirmation. */
  async function confirmationFor(popup: Page) {
    const text = sandbox.tokenFor('LOC-1002');
    await chooseTokenFile(popup, WAREHOUSE_FILE, text);
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: /^Renew Warehouse in Addigy/ });
    await renew.waitFor({ timeout: 30_000 });
    return { text, renew };
  }

  it('renews, asks Addigy to scan, and shows the last successful sync', async () => {
    const popup = await openPopup();
    const { text, renew } = await confirmationFor(popup);
    expect(sandbox.addigyRequests('preview-renewal')).toHaveLength(1);
    expect(sandbox.addigyRequests('renew')).toHaveLength(0);

    await renew.click();
    // While Addigy scans, the popup says so.
    await renewalCard(popup, 'Renewing Warehouse…')
      .locator('li[data-state="current"]', { hasText: 'Addigy is scanning the licences' })
      .waitFor();
    const done = renewalCard(popup, 'Renewed');
    await done.waitFor({ timeout: 30_000 });
    await screenshotRenewal(popup, done, '.output/e2e/popup-renewed.png');

    const [put] = sandbox.addigyRequests('renew');
    expect(sandbox.addigyRequests('renew')).toHaveLength(1);
    expect(put).toMatchObject({ method: 'PUT', path: WAREHOUSE_PATH, status: 200 });
    expect(put!.headers['x-api-key']).toBe(sandbox.apiKey);
    expect(put!.headers['content-type']).toMatch(/application\/json/);
    expect(bodyToken(put!)).toBe(text.trim());
    const syncs = sandbox.addigyRequests('request-sync');
    expect(syncs).toHaveLength(1);
    expect(syncs[0]).toMatchObject({ method: 'POST', path: `${WAREHOUSE_PATH}/sync`, status: 202 });
    // Scan Now after the Save, then list polls until `syncing` turned false (the sandbox's default: one syncing poll).
    const afterSync = sandbox.addigyRequests((r) => r.at >= syncs[0]!.at && r.call === 'list-tokens');
    expect(afterSync.length).toBeGreaterThanOrEqual(2);
    expect(put!.at).toBeLessThanOrEqual(syncs[0]!.at);
    expect(sandbox.addigyRequests('preview-renewal')[0]!.at).toBeLessThanOrEqual(put!.at);

    // The popup shows the sync Addigy reports, and it is later than the PUT.
    const lastSync = warehouse().lastSync;
    expect(Date.parse(lastSync)).toBeGreaterThan(put!.at);
    const expected = await popup.evaluate(
      (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
      lastSync,
    );
    expect(await detailValue(done, 'Last successful sync')).toBe(expected);
    expect(await done.getByRole('status').textContent()).toMatch(/Warehouse is renewed in Addigy, valid until/);
    expect(warehouse().tokenText).toBe(text.trim());
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
    expect(sandbox.addigyRequests('preview-renewal')).toHaveLength(0);
    expect(sandbox.addigyRequests('renew')).toHaveLength(0);

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
    const puts = sandbox.addigyRequests('renew');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.headers['x-api-key']).toBe(sandbox.apiKey);
    expect(bodyToken(puts[0]!)).toBe(download.text.trim());
    const records = await storedRenewals(session);
    expect(records.map((r) => r.step)).toEqual(['done']);
  });

  it('retries a retryable call through two HTTP 500s and succeeds', async () => {
    sandbox.faults.addigy('preview-renewal', { status: 500, times: 2 });
    const popup = await openPopup();
    const text = sandbox.tokenFor('LOC-1002');
    await chooseTokenFile(popup, WAREHOUSE_FILE, text);
    // The user sees that the extension is retrying, not a failure.
    await renewalCard(popup, 'Checking the token…').getByText(/Retrying/).waitFor({ timeout: 15_000 });
    const card = renewalCard(popup, 'Confirm the renewal');
    await card.getByRole('button', { name: /^Renew Warehouse in Addigy/ }).waitFor({ timeout: 30_000 });

    const previews = sandbox.addigyRequests('preview-renewal');
    expect(previews.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(previews.map(bodyToken))).toEqual(new Set([text.trim()]));
    expect(await detailValue(card, 'ID number')).toBe(warehouse().idNumber);
    expect(sandbox.addigyRequests('renew')).toHaveLength(0);
  });

  it('never repeats a first PUT on its own after a 500, and offers Retry, which sends the same token', async () => {
    const popup = await openPopup();
    const { text, renew } = await confirmationFor(popup);
    sandbox.faults.addigy('renew', { status: 500 });
    await renew.click();

    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    // The failure is only shown once the client gave up, so this count is final for the first attempt.
    expect(sandbox.addigyRequests('renew').map((r) => r.status)).toEqual([500]);
    expect(sandbox.addigyRequests('request-sync')).toHaveLength(0);
    const alert = await failed.getByRole('alert').textContent();
    expect(alert).toContain('HTTP 500');
    expect(alert).toMatch(/sending the same token again is safe/);

    await failed.getByRole('button', { name: 'Retry' }).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 30_000 });
    const puts = sandbox.addigyRequests('renew');
    expect(puts.map((r) => r.status)).toEqual([500, 200]);
    expect(puts.map(bodyToken)).toEqual([text.trim(), text.trim()]);
    expect(sandbox.addigyRequests('request-sync')).toHaveLength(1);
  });

  it('does not retry a 409 and explains that the identifier does not match', async () => {
    const popup = await openPopup();
    const { renew } = await confirmationFor(popup);
    sandbox.faults.addigy('renew', {
      status: 409,
      body: { code: 409, message: 'Token identifier does not match this location' },
    });
    await renew.click();

    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.getByRole('alert').textContent()).toContain('does not match');
    expect(await failed.textContent()).toMatch(/What to do:.*Create a new token in Addigy.*transfer the licences/);
    expect(await failed.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(sandbox.addigyRequests('renew').map((r) => r.status)).toEqual([409]);
    expect(sandbox.addigyRequests('request-sync')).toHaveLength(0);
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

    expect(sandbox.addigyRequests('renew').map((r) => r.status)).toEqual([200]);
    expect(sandbox.addigyRequests('request-sync').map((r) => r.status)).toEqual([202]);
    expect(warehouse()).toMatchObject({ lastSyncingStatus: 'error', errMsg: EXPIRED_SCAN_ERROR });
  });

  it('survives the service worker being stopped while Addigy scans, and finishes the renewal', async () => {
    // Addigy keeps scanning until the test lets it finish.
    sandbox.faults.syncingPolls('loc-warehouse', 50);
    const popup = await openPopup();
    const { renew } = await confirmationFor(popup);
    await renew.click();
    await renewalCard(popup, 'Renewing Warehouse…')
      .locator('li[data-state="current"]', { hasText: 'Addigy is scanning the licences' })
      .waitFor({ timeout: 30_000 });
    const firstSync = await eventually(() => sandbox.addigyRequests('request-sync')[0]);
    await eventually(() => sandbox.addigyRequests((r) => r.call === 'list-tokens' && r.at > firstSync.at).length > 0);

    const before = await session.worker();
    await before.evaluate(() => ((globalThis as { testMarker?: string }).testMarker = 'before-stop'));
    await stopServiceWorker(session, popup);
    const stoppedAt = Date.now();
    // From now on a requested scan ends at the next poll.
    sandbox.faults.syncingPolls('loc-warehouse', 0);

    // Opening the popup wakes the worker; it picks the scan up again from IndexedDB.
    const reopened = await openPopup();
    const done = renewalCard(reopened, 'Renewed');
    await done.waitFor({ timeout: 60_000 });
    expect(await detailValue(done, 'Last successful sync')).toMatch(/\d/);

    // A new worker instance did it: the old one's globals are gone.
    expect(await (await session.worker()).evaluate(() => (globalThis as { testMarker?: string }).testMarker)).toBeUndefined();
    // The Save is not repeated; the scan is requested again by the restarted worker.
    expect(sandbox.addigyRequests('renew')).toHaveLength(1);
    const syncs = sandbox.addigyRequests('request-sync');
    expect(syncs).toHaveLength(2);
    expect(syncs[1]!.at).toBeGreaterThanOrEqual(stoppedAt);
    expect(warehouse()).toMatchObject({ syncing: false, lastSyncingStatus: 'success' });
    expect((await storedRenewals(session)).map((r) => r.step)).toEqual(['done']);
  });
});
