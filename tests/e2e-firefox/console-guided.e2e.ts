import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { decodeVppTokenText, type Sandbox } from '../sandbox/index.mjs';
import { everyTokenHealthy, userActions } from '../e2e/harness.mjs';
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
const link = (name: string) => `::-p-aria([name=${JSON.stringify(name)}][role="link"])`;
const CONSOLE_ORIGIN = 'https://app.addigy.com';

// Issue 21: the guided path on an Addigy console Token Relay has no model of (the sandbox's `unfamiliar` layout).
describe('Firefox: a guided renewal on an Addigy console Token Relay has no model of', () => {
  let sandbox: Sandbox;
  let session: FirefoxSession;
  const pages: Page[] = [];

  beforeAll(async () => {
    ({ sandbox, session } = await openFirefoxUnderTest({ seed: everyTokenHealthy }));
    await saveApiKey(session, sandbox.apiKey);
  });
  afterAll(() => closeFirefoxUnderTest({ sandbox, session }));
  beforeEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
    await forgetRenewals(session);
    sandbox.reset();
    sandbox.console.variant('unfamiliar');
  });

  const track = (page: Page) => (pages.push(page), page);
  /** The newest renewal's console session, as the background keeps it (IndexedDB, read from an extension page). */
  const consoleSession = () =>
    session.inExtension(
      () =>
        new Promise<{ guide?: { say: string } } | undefined>((resolve, reject) => {
          const open = indexedDB.open('token-relay');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('renewals').objectStore('renewals').getAll();
            all.onsuccess = () => {
              open.result.close();
              const [newest] = (all.result as Array<{ updatedAt: string; console?: { guide?: { say: string } } }>).sort((a, b) =>
                b.updatedAt.localeCompare(a.updatedAt),
              );
              resolve(newest?.console);
            };
          };
        }),
    );
  const consoleTab = () =>
    eventually(async () => (await session.browser.pages()).find((page) => page.url().startsWith(CONSOLE_ORIGIN)), 30_000, 'the Addigy tab');
  const expiryOf = (text: string) => new Date(Date.parse((decodeVppTokenText(text)?.expDate ?? '').replace('+0000', 'Z'))).toISOString();

  it('completes with the admin’s clicks, the file handed over by Token Relay, and “Renewed” from Addigy’s API', async () => {
    const actions = userActions();
    const popup = track(await session.openPopup());
    const apple = track(await session.browser.newPage());
    await apple.goto(`https://business.apple.com/${TOKENS_HASH}`);
    await actions.do('Send to Addigy beside Warehouse', async () => (await waitFor(apple, sendButton('Warehouse'))).click());
    const [, file] = await eventually(
      () => [...downloadedFiles(session.downloadsDir)].find(([name, text]) => name.endsWith('.vpptoken') && text.trim()),
      15_000,
      'the token file saved',
    );

    // Token Relay's model finds nothing it knows: it guides, in the tab and in the popup.
    const guide = await eventually(async () => (await consoleSession())?.guide, 45_000, 'the guide');
    expect(guide.say).toContain('Warehouse');
    await eventually(async () => (await pageText(popup)).includes(guide.say), 15_000, 'the guide in the popup');

    const tab = track(await consoleTab());
    await actions.do('open the configuration Acme Root Policy', async () => (await waitFor(tab, link('Acme Root Policy'))).click());
    await actions.do('open the Volume Purchase pane', async () => (await waitFor(tab, link('Volume Purchase'))).click());
    const upload = `::-p-xpath(//div[contains(concat(" ", @class, " "), " entry ")][.//strong[normalize-space()="Warehouse"]]//a[normalize-space()="Upload new token"])`;
    await actions.do('Upload new token beside Warehouse', async () => (await waitFor(tab, upload)).click());

    // Token Relay gave Addigy's own file input the file and pressed Upload; the admin confirms in Addigy's check.
    const confirm = await waitFor(tab, button('Confirm'), 30_000);
    expect(sandbox.consoleUploads()).toEqual([expect.objectContaining({ stage: 'preview', accepted: true, text: file.trim() })]);
    await actions.do('Confirm in Addigy’s check', () => confirm.click());

    await waitFor(popup, heading('Renewed'), 60_000);
    expect(await pageText(popup)).toMatch(/Warehouse is renewed in Addigy/);
    const saved = sandbox.consoleUploads().find((u) => u.stage === 'saved');
    expect(saved).toMatchObject({ accepted: true, locationId: 'loc-warehouse', fileName: 'sToken_for_Warehouse.vpptoken', text: file.trim() });
    const warehouse = sandbox.state.addigyTokens.find((t) => t.locationId === 'loc-warehouse' && !t.inheritedFrom)!;
    expect(warehouse).toMatchObject({ expDate: expiryOf(file), syncing: false, lastSyncingStatus: 'success' });
    expect(Date.parse(warehouse.lastSync)).toBeGreaterThan(saved!.at);
    expect(sandbox.addigyRequests((r) => r.body.includes(file.trim()))).toHaveLength(0);
    expect(actions.count).toBe(5);
  }, 180_000);
});
