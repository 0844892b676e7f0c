import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { Sandbox } from '../sandbox/index.mjs';
import { everyTokenHealthy } from '../e2e/harness.mjs';
import {
  TOKENS_HASH,
  button,
  closeFirefoxUnderTest,
  downloadedFiles,
  eventually,
  forgetRenewals,
  heading,
  openFirefoxUnderTest,
  pageText,
  saveApiKey,
  waitFor,
} from './harness.mjs';
import type { FirefoxSession } from './harness.mjs';

/** The Send to Addigy button the content script put beside a location's Download (in an open shadow root). */
const sendButton = (location: string) => `token-relay-send >>> button[aria-label="Send to Addigy: ${location}"]`;
/** The Apple page's own Download button in a location's row. */
const pageDownload = (location: string) =>
  `::-p-xpath(//tr[contains(., ${JSON.stringify(location)})]//button[normalize-space()="Download"])`;

describe('Firefox: the production Firefox build, from Options to "Renewed"', () => {
  let sandbox: Sandbox;
  let session: FirefoxSession;
  const pages: Page[] = [];

  beforeAll(async () => {
    ({ sandbox, session } = await openFirefoxUnderTest({ seed: everyTokenHealthy }));
    // Every test needs the key, so none depends on the Options test running first (each passes alone).
    await saveApiKey(session, sandbox.apiKey);
  });
  afterAll(() => closeFirefoxUnderTest({ sandbox, session }));
  beforeEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
    await forgetRenewals(session);
    sandbox.reset();
    for (const name of readdirSync(session.downloadsDir)) rmSync(join(session.downloadsDir, name), { force: true });
  });

  const track = (page: Page) => (pages.push(page), page);
  const openTokensPage = async (query = '') => {
    const page = track(await session.browser.newPage());
    await page.goto(`https://business.apple.com/${query ? `?${query}` : ''}${TOKENS_HASH}`);
    return page;
  };
  const vpptokenFiles = () => [...downloadedFiles(session.downloadsDir)].filter(([name]) => name.endsWith('.vpptoken'));

  it('Options saves the API key, and Test connection reports how many tokens Addigy lists', async () => {
    await saveApiKey(session, sandbox.apiKey);
    const options = track(await session.openOptions());
    // Loaded once the stored key is in the field.
    await options.waitForFunction(() => (document.getElementById('api-key') as HTMLInputElement | null)?.value);
    expect(await options.$eval('#api-key', (input) => (input as HTMLInputElement).type)).toBe('password');
    await (await waitFor(options, button('Test connection'))).click();
    await waitFor(options, `::-p-text(Addigy lists ${sandbox.state.addigyTokens.length} Apple Apps tokens)`);
    const listed = sandbox.addigyRequests('list-tokens');
    expect(listed.length).toBeGreaterThan(0);
    for (const request of listed) expect(request.headers['x-api-key']).toBe(sandbox.apiKey);
  });

  it('Send to Addigy on Apple’s page: one download, captured, confirmed in the popup, renewed', async () => {
    const page = await openTokensPage();
    await waitFor(page, sendButton('Main Campus'));
    // Exactly one button per location.
    expect(await page.$$eval('token-relay-send', (hosts) => hosts.length)).toBe(4);
    await page.screenshot({ path: '.output/e2e-firefox/abm-send-buttons.png' });

    await (await waitFor(page, sendButton('Main Campus'))).click();
    const [name, saved] = await eventually(() => vpptokenFiles().find(([, text]) => text.trim()), 15_000, 'the token file saved');
    expect(name).toBe('sToken_for_Main Campus.vpptoken');
    expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
    await eventually(async () => (await session.badge()).text === '1', 15_000, 'badge 1');
    expect((await session.badge()).title).toMatch(/awaiting your confirmation/);

    const popup = track(await session.openPopup());
    const renew = await waitFor(popup, button('Renew Main Campus in Addigy'), 30_000);
    await waitFor(popup, heading('Confirm the renewal'));
    expect(await pageText(popup)).toContain('Acme Corp');
    await popup.screenshot({ path: '.output/e2e-firefox/popup-confirmation.png' });
    // The token went to the background only: never into the page.
    expect(await page.content()).not.toContain(saved.trim());

    // Addigy's console, in the tab Token Relay opened, has shown its confirmation; nothing saved yet.
    expect(sandbox.consoleUploads().map((u) => u.stage)).toEqual(['preview']);
    await renew.click();
    await waitFor(popup, heading('Renewed'), 45_000);
    expect(await pageText(popup)).toMatch(/Main Campus is renewed in Addigy/);
    // Saved through the console with the very file downloaded; Addigy's API only read.
    const saves = sandbox.consoleUploads().filter((u) => u.stage === 'saved');
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ locationId: 'loc-main', fileName: 'sToken_for_Main Campus.vpptoken' });
    expect(saves[0]!.text.trim()).toBe(saved.trim());
    expect(sandbox.addigyRequests((r) => r.body.includes(saved.trim()))).toHaveLength(0);
    await popup.screenshot({ path: '.output/e2e-firefox/popup-renewed.png' });
    await eventually(async () => (await session.badge()).text === '', 15_000, 'badge cleared');
  });

  it('the page’s own Download (a blob: link) is captured too, and the popup asks for confirmation', async () => {
    const page = await openTokensPage();
    await waitFor(page, sendButton('Warehouse'));
    await (await waitFor(page, pageDownload('Warehouse'))).click();
    await eventually(() => vpptokenFiles().find(([, text]) => text.trim()), 15_000, 'the token file saved');
    expect(vpptokenFiles().map(([name]) => name)).toEqual(['sToken_for_Warehouse.vpptoken']);

    const popup = track(await session.openPopup());
    await waitFor(popup, button('Renew Warehouse in Addigy'), 30_000);
    expect(sandbox.tokenDownloads('LOC-1002')).toHaveLength(1);
  });

  it('the page’s own Download by an https navigation is taken over: Apple mints once, and the file saved is the one relayed', async () => {
    const page = await openTokensPage('delivery=https');
    await waitFor(page, sendButton('Main Campus'));
    await (await waitFor(page, pageDownload('Main Campus'))).click();
    const [name, saved] = await eventually(() => vpptokenFiles().find(([, text]) => text.trim()), 15_000, 'the token file saved');
    // Named from Apple's Content-Disposition, which the background read.
    expect(name).toBe('sToken_for_Main Campus.vpptoken');
    // The navigation was cancelled before it left: the page stayed.
    expect(page.url()).toContain(TOKENS_HASH);
    const popup = track(await session.openPopup());
    await waitFor(popup, button('Renew Main Campus in Addigy'), 30_000);
    expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
    expect(vpptokenFiles().map(([, text]) => text.trim())).toEqual([saved.trim()]);
  });
});
