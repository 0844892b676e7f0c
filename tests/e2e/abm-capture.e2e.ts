import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import {
  chooseTokenFile,
  closeBrowserUnderTest,
  downloadedFiles,
  eventually,
  everyTokenHealthy,
  forgetRenewals,
  openBrowserUnderTest,
  startCleanTest,
  storedRenewals,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

type Scope = Page | FrameLocator;
type StoredRenewal = { id: string; step: string; source?: string; fileName?: string; failure?: { kind: string; step: string } };

const TOKENS_HASH = '#/main/preferences/paymentsandbilling/appsandbooks';
const SEND = /Send to Addigy/;
const HINT =
  "Token Relay: your role can't download content tokens. Downloading needs Content Manager or higher " +
  '(in Apple School Manager: Administrator, Site Manager or Content Manager).';
const BUSINESS_LOCATIONS = ['Main Campus', 'Warehouse', 'Satellite Office', 'Design Studio'];

describe('Apple Business Manager and School Manager: Send to Addigy and every capture path', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
  });

  /** The tokens page of a site, with the sandbox's page variant in the query string. */
  async function openTokens(site: 'business' | 'school', query = ''): Promise<Page> {
    const page = await session.context.newPage();
    pages.push(page);
    await page.goto(`https://${site}.apple.com/${query ? `?${query}` : ''}${TOKENS_HASH}`);
    return page;
  }

  const row = (scope: Scope, location: string): Locator => scope.getByRole('row', { name: new RegExp(location) });
  const sendButton = (scope: Scope, location: string): Locator => row(scope, location).getByRole('button', { name: SEND });

  async function renewals(): Promise<StoredRenewal[]> {
    return (await storedRenewals(session)) as StoredRenewal[];
  }

  /** The one renewal the capture created, once it waits for the user. */
  async function awaitingRenewal(): Promise<StoredRenewal> {
    const waiting = await eventually(async () => {
      const all = await renewals();
      return all.length > 0 && all.every((r) => r.step === 'awaiting-confirmation' || r.step === 'failed') ? all : undefined;
    });
    expect(waiting.map((r) => r.step)).toEqual(['awaiting-confirmation']);
    return waiting[0]!;
  }

  /** The popup (opened as a tab) shows the confirmation for this location. */
  async function confirmationFor(location: string): Promise<Page> {
    const popup = await session.openPopup();
    pages.push(popup);
    await popup.getByRole('button', { name: `Renew ${location} in Addigy` }).waitFor();
    return popup;
  }

  /** Renews in the popup and returns the token Addigy was sent. */
  async function renewIn(popup: Page, location: string): Promise<string> {
    await popup.getByRole('button', { name: `Renew ${location} in Addigy` }).click();
    await popup.getByRole('heading', { name: 'Renewed', exact: true }).waitFor({ timeout: 30_000 });
    const saves = sandbox.consoleUploads().filter((u) => u.stage === 'saved');
    expect(saves).toHaveLength(1);
    return saves[0]!.text;
  }

  const vpptokenFiles = () => [...downloadedFiles(session.downloadsDir)].filter(([name]) => name.endsWith('.vpptoken'));
  /** The first `.vpptoken` saved in this test, once there is one: [name, text]. */
  const firstTokenFile = () => eventually(() => vpptokenFiles()[0]);

  describe('one click on Send to Addigy', () => {
    it('on business.apple.com downloads once, captures, and waits for confirmation in the popup', async () => {
      const page = await openTokens('business');
      await sendButton(page, 'Main Campus').waitFor();
      for (const location of BUSINESS_LOCATIONS) await expect(sendButton(page, location).count()).resolves.toBe(1);
      // Named for the location, so a screen reader tells the rows apart.
      await expect(sendButton(page, 'Main Campus').getAttribute('aria-label')).resolves.toBe('Send to Addigy: Main Campus');

      await sendButton(page, 'Main Campus').click();
      const renewal = await awaitingRenewal();
      expect(renewal.source).toBe('button');
      expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
      await eventually(async () => (await session.badge()).text === '1');
      expect((await session.badge()).title).toMatch(/awaiting your confirmation/);

      const popup = await confirmationFor('Main Campus');
      await popup.screenshot({ path: '.output/e2e/abm-one-click-confirmation.png' });
      expect(sandbox.consoleUploads().filter((u) => u.stage === 'saved')).toHaveLength(0);
      // The token went to the background only: never into the page.
      const [, saved] = await firstTokenFile();
      expect(await page.content()).not.toContain(saved.trim());
      await page.screenshot({ path: '.output/e2e/abm-send-buttons.png' });
    });

    it('on school.apple.com renews the location with the very file the page delivered', async () => {
      const page = await openTokens('school');
      await sendButton(page, 'North High').click();
      expect((await awaitingRenewal()).source).toBe('button');
      const popup = await confirmationFor('North High');
      const sent = await renewIn(popup, 'North High');
      const files = vpptokenFiles();
      expect(files.map(([name]) => name)).toEqual(['sToken_for_North High.vpptoken']);
      expect(sent).toBe(files[0]![1].trim());
      expect(sandbox.tokenDownloads('LOC-2001')).toHaveLength(1);
    });
  });

  describe('capture of the page’s own Download', () => {
    it('a: a blob: link revoked right after the click', async () => {
      const page = await openTokens('business', 'delivery=blob');
      await row(page, 'Warehouse').getByRole('button', { name: 'Download' }).click();
      expect((await awaitingRenewal()).source).toBe('blob');
      await confirmationFor('Warehouse');
    });

    it('b: a data: URL link', async () => {
      const page = await openTokens('business', 'delivery=data');
      await row(page, 'Warehouse').getByRole('button', { name: 'Download' }).click();
      expect((await awaitingRenewal()).source).toBe('data');
      await confirmationFor('Warehouse');
    });

    it('c: a navigation to an https attachment is taken over: one mint, the user keeps exactly the relayed token', async () => {
      const page = await openTokens('business', 'delivery=https');
      await row(page, 'Main Campus').getByRole('button', { name: 'Download' }).click();
      expect((await awaitingRenewal()).source).toBe('https');
      // The page stayed where it was: the navigation was cancelled before it left.
      expect(page.url()).toContain(TOKENS_HASH);
      const popup = await confirmationFor('Main Campus');
      const sent = await renewIn(popup, 'Main Campus');

      expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
      const files = await eventually(() => (vpptokenFiles().length ? vpptokenFiles() : undefined));
      // No revoked first copy on disk: the one file is the one token Addigy got.
      expect(files.map(([name]) => name)).toEqual(['sToken_for_Main Campus.vpptoken']);
      expect(files[0]![1]).toBe(sent);
    });

    it('c: the same take-over from Send to Addigy, and from an <a href> Download link', async () => {
      const scriptNavigation = await openTokens('business', 'delivery=https');
      await sendButton(scriptNavigation, 'Warehouse').click();
      expect((await awaitingRenewal()).source).toBe('button');
      await eventually(() => vpptokenFiles().length === 1);
      expect(vpptokenFiles()[0]![0]).toBe('sToken_for_Warehouse.vpptoken');
      expect(sandbox.tokenDownloads('LOC-1002')).toHaveLength(1);

      await forgetRenewals(session);
      const link = await openTokens('business', 'delivery=link');
      await row(link, 'Main Campus').getByRole('link', { name: 'Download' }).click();
      expect((await awaitingRenewal()).source).toBe('https');
      expect(link.url()).toContain(TOKENS_HASH);
      await eventually(() => vpptokenFiles().some(([name]) => name === 'sToken_for_Main Campus.vpptoken'));
      expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
    });

    it('c: what a taken-over Download answers that is not a token goes back to the browser: a file is saved, a page opens', async () => {
      const page = await openTokens('business', 'delivery=link');
      const download = row(page, 'Main Campus').getByRole('link', { name: 'Download' });
      // Apple answering something else: another file, then a page.
      await download.evaluate((link) => link.setAttribute('href', '/sandbox-api/file/report.pdf'));
      await download.click();
      const report = await eventually(() => downloadedFiles(session.downloadsDir).get('report.pdf'));
      expect(report).toContain('%PDF-1.4');
      expect(page.url()).toContain(TOKENS_HASH);
      // Taken over (the extension's one fetch), then handed back (the browser's own navigation, which saved it).
      const asked = (path: string) => sandbox.requestsTo('business.apple.com').filter((r) => r.path === path).map((r) => r.headers['sec-fetch-mode']);
      expect(asked('/sandbox-api/file/report.pdf')).toEqual(['cors', 'navigate']);

      await row(page, 'Warehouse').getByRole('link', { name: 'Download' }).evaluate((link) => link.setAttribute('href', '/unrelated'));
      await row(page, 'Warehouse').getByRole('link', { name: 'Download' }).click();
      await page.waitForURL('https://business.apple.com/unrelated');
      expect(asked('/unrelated')).toEqual(['cors', 'navigate']);
      expect(await renewals()).toEqual([]);
      expect(vpptokenFiles()).toEqual([]);
    });

    it('d: a .vpptoken the user already has, chosen in the popup', async () => {
      const popup = await session.openPopup();
      pages.push(popup);
      await chooseTokenFile(popup, 'sToken_for_Warehouse.vpptoken', sandbox.tokenFor('LOC-1002'));
      await popup.getByRole('button', { name: 'Renew Warehouse in Addigy' }).waitFor();
      expect((await awaitingRenewal()).source).toBe('file');
    });

    it('e: a download the page hooks cannot read is noticed, and the popup offers the file picker', async () => {
      // A location no earlier test captured: the worker pairs captures and downloads of one name for a while.
      const page = await openTokens('business', 'delivery=dispatch');
      await row(page, 'Design Studio').getByRole('button', { name: 'Download' }).click();
      const [name, text] = await firstTokenFile();
      expect(name).toBe('sToken_for_Design Studio.vpptoken');

      const popup = await session.openPopup();
      pages.push(popup);
      const notice = popup.getByText('Token Relay saw sToken_for_Design Studio.vpptoken downloaded but could not read it');
      await notice.waitFor();
      expect(await renewals()).toHaveLength(0);

      await chooseTokenFile(popup, name, text);
      // Design Studio is held by another MDM: its extra question comes first.
      await popup.getByRole('button', { name: 'Continue in Addigy' }).waitFor({ timeout: 30_000 });
      await notice.waitFor({ state: 'detached' });
      expect(sandbox.tokenDownloads('LOC-1003')).toHaveLength(1);
    });

    it('never takes a file that is not a token', async () => {
      const page = await session.context.newPage();
      pages.push(page);
      await page.goto('https://business.apple.com/other-download');
      await page.getByRole('button', { name: 'Download' }).click();
      await eventually(() => downloadedFiles(session.downloadsDir).has('report.pdf'));
      await page.waitForTimeout(1_000);
      expect(await renewals()).toHaveLength(0);
      expect(await page.locator('token-relay-send').count()).toBe(0);
      const popup = await session.openPopup();
      pages.push(popup);
      await popup.getByLabel('Have a .vpptoken file already?').waitFor();
      expect(await popup.getByText('downloaded but could not read').count()).toBe(0);
    });
  });

  describe('a single-page console that renders late, routes and re-renders', () => {
    it('finds the section rendered late after pushState navigation', async () => {
      const page = await session.context.newPage();
      pages.push(page);
      await page.goto('https://business.apple.com/?start=home&delay=800');
      await page.getByRole('heading', { name: 'Welcome back, Alex' }).waitFor();
      expect(await page.locator('token-relay-send').count()).toBe(0);
      await page.getByRole('link', { name: 'Payments and Billing' }).click();
      expect(new URL(page.url()).pathname).toBe('/preferences/payments');
      await sendButton(page, 'Main Campus').click();
      expect((await awaitingRenewal()).source).toBe('button');
    });

    it('works inside the MainPortal iframe and follows its hash routes', async () => {
      const page = await session.context.newPage();
      pages.push(page);
      await page.goto('https://business.apple.com/?frame=portal');
      const portal = page.frameLocator('iframe[name="MainPortal"]');
      await sendButton(portal, 'Warehouse').waitFor();
      expect(await page.locator('token-relay-send').count()).toBe(0);

      const frame = page.frame({ name: 'MainPortal' })!;
      await frame.evaluate(() => (location.hash = '#/main/home'));
      await portal.getByRole('heading', { name: 'Welcome back, Alex' }).waitFor();
      expect(await portal.locator('token-relay-send').count()).toBe(0);
      await frame.evaluate((hash) => (location.hash = hash), TOKENS_HASH);
      await sendButton(portal, 'Warehouse').waitFor();
      await expect(portal.locator('token-relay-send').count()).resolves.toBe(BUSINESS_LOCATIONS.length);

      await sendButton(portal, 'Warehouse').click();
      expect((await awaitingRenewal()).source).toBe('button');
      await confirmationFor('Warehouse');
    });

    it('keeps exactly one button per row when the page replaces its rows', async () => {
      const page = await openTokens('business');
      await sendButton(page, 'Main Campus').waitFor();
      const firstRow = await row(page, 'Main Campus').elementHandle();
      for (let refresh = 0; refresh < 3; refresh++) {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(300);
      }
      expect(await firstRow!.evaluate((element) => element.isConnected)).toBe(false);
      for (const location of BUSINESS_LOCATIONS) await expect(sendButton(page, location).count()).resolves.toBe(1);
      await expect(page.locator('token-relay-send').count()).resolves.toBe(BUSINESS_LOCATIONS.length);
      await sendButton(page, 'Design Studio').waitFor();
    });

    it('tells a role without download rights why there is no button', async () => {
      const page = await openTokens('business', 'role=viewer');
      const hint = page.getByRole('note');
      await hint.waitFor();
      expect(await hint.textContent()).toBe(HINT);
      expect(await page.locator('token-relay-hint').count()).toBe(1);
      expect(await page.locator('token-relay-send').count()).toBe(0);
      await page.screenshot({ path: '.output/e2e/abm-no-rights-hint.png' });
    });

    it('finds a "Server Tokens" section laid out as cards', async () => {
      const page = await openTokens('business', 'heading=Server%20Tokens&layout=cards');
      const card = page.getByRole('listitem').filter({ hasText: 'Design Studio' });
      await card.getByRole('button', { name: SEND }).waitFor();
      await expect(page.locator('token-relay-send').count()).resolves.toBe(BUSINESS_LOCATIONS.length);
      await page.screenshot({ path: '.output/e2e/abm-cards.png' });
      await page.getByRole('listitem').filter({ hasText: 'Main Campus' }).getByRole('button', { name: SEND }).click();
      expect((await awaitingRenewal()).source).toBe('button');
    });
  });

  it('a hostile page script cannot propose a capture, nor reach the extension or Addigy', async () => {
    const page = await openTokens('business');
    await sendButton(page, 'Main Campus').waitFor();
    const forged = Buffer.from(
      JSON.stringify({ token: 'Zm9yZ2VkLXRva2Vu', orgName: 'Acme Corp', expDate: '2031-01-01T00:00:00+0000' }),
    ).toString('base64');
    const attempts = await page.evaluate(
      ({ forged, extensionId }) => {
        const tag = 'token-relay:captured-download';
        const fileName = 'sToken_for_Main Campus.vpptoken';
        window.postMessage('garbage', '*');
        window.postMessage({ tag, via: 'blob', fileName, text: 42 }, '*');
        window.postMessage({ tag, via: 'blob', fileName, text: 'A'.repeat(5_000_000) }, '*');
        window.postMessage({ tag, via: 'button', fileName, text: forged }, '*');
        window.postMessage({ tag, via: 'https', fileName, text: forged }, '*');
        window.postMessage({ tag, via: 'blob', fileName, text: forged, fromButton: true }, '*');
        document.dispatchEvent(new CustomEvent(tag, { detail: { via: 'blob', fileName, text: forged } }));
        // The bridge's own event names: its handshake is over before any page script runs, and its element is detached.
        const mine = document.createElement('span');
        document.dispatchEvent(new MouseEvent('token-relay:bridge', { cancelable: true, relatedTarget: mine }));
        document.dispatchEvent(new CustomEvent('token-relay:file', { detail: `blob\n${fileName}\n${forged}` }));
        mine.dispatchEvent(new CustomEvent('token-relay:file', { detail: `blob\n${fileName}\n${forged}` }));
        const chromeApi = (window as unknown as { chrome?: { runtime?: { sendMessage?: (...args: unknown[]) => unknown } } }).chrome;
        let direct = 'no chrome.runtime.sendMessage in the page';
        try {
          if (chromeApi?.runtime?.sendMessage) {
            chromeApi.runtime.sendMessage(extensionId, { type: 'capture:file', via: 'button', fileName, text: forged });
            chromeApi.runtime.sendMessage(extensionId, { type: 'renewal:import-file', fileName, text: forged });
            direct = 'sent';
          }
        } catch (error) {
          direct = `threw: ${String(error)}`;
        }
        return direct;
      },
      { forged, extensionId: session.extensionId },
    );
    expect(attempts).not.toBe('sent');

    // No window message and no event the page can reach carries a capture: nothing is even proposed.
    await page.waitForTimeout(2_000);
    expect(await renewals()).toEqual([]);
    expect(sandbox.consoleUploads()).toHaveLength(0);
    expect(sandbox.tokenDownloads()).toHaveLength(0);
  });
});
