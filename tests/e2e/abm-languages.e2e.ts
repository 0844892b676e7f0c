import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import { closeBrowserUnderTest, eventually, everyTokenHealthy, openBrowserUnderTest, startCleanTest, storedRenewals } from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

// Issue 24: Apple's page in the admin's language. The sandbox renders its console with ?lang= (tests/sandbox/abm-app.js).
const TOKENS_HASH = '#/main/preferences/paymentsandbilling/appsandbooks';
const SEND = /^Send to Addigy/;
const BUSINESS_LOCATIONS = ['Main Campus', 'Warehouse', 'Satellite Office', 'Design Studio'];

describe("Apple's page in German, French, Japanese and a language with no words", () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
  });

  async function open(url: string): Promise<Page> {
    const page = await session.context.newPage();
    pages.push(page);
    await page.goto(url);
    return page;
  }

  const row = (page: Page, location: string): Locator => page.getByRole('row', { name: new RegExp(location) });

  /** One Send button beside each token's own control, and none anywhere else. */
  async function expectOneButtonPerToken(page: Page, download: string): Promise<void> {
    await row(page, BUSINESS_LOCATIONS[0]!).getByRole('button', { name: SEND }).waitFor();
    for (const location of BUSINESS_LOCATIONS) {
      const send = row(page, location).getByRole('button', { name: SEND });
      await expect(send.count()).resolves.toBe(1);
      await expect(row(page, location).getByRole('button', { name: download, exact: true }).count()).resolves.toBe(1);
    }
    await expect(page.getByRole('button', { name: SEND }).count()).resolves.toBe(BUSINESS_LOCATIONS.length);
  }

  /**
   * The tokens page by the newer console's path route (/preferences/payments), which looksLikeTokenRoute does not
   * know: only Apple's words in that language can find the section there.
   */
  async function openByWords(lang: string, payments: string): Promise<Page> {
    const page = await open(`https://business.apple.com/?lang=${lang}&start=home`);
    await page.getByRole('link', { name: payments }).click();
    await page.waitForURL(/\/preferences\/payments/);
    return page;
  }

  for (const [lang, payments, download] of [
    ['de', 'Zahlungen und Rechnungen', 'Laden'],
    ['fr', 'Paiements et facturation', 'Télécharger'],
    ['ja', 'お支払いと請求', 'ダウンロード'],
  ] as const) {
    it(`${lang}: one Send button beside each token, on the token route and found by its words off it`, async () => {
      const onRoute = await open(`https://business.apple.com/?lang=${lang}${TOKENS_HASH}`);
      await expectOneButtonPerToken(onRoute, download);
      expect(await onRoute.evaluate(() => document.documentElement.lang)).toBe(lang);
      await expectOneButtonPerToken(await openByWords(lang, payments), download);
    });
  }

  it('de: a capture from the German page reaches the confirmation in the popup', async () => {
    const page = await openByWords('de', 'Zahlungen und Rechnungen');
    await expectOneButtonPerToken(page, 'Laden');

    await row(page, 'Main Campus').getByRole('button', { name: SEND }).click();
    const waiting = await eventually(async () => {
      const all = (await storedRenewals(session)) as { step: string; source?: string }[];
      return all.some((r) => r.step === 'awaiting-confirmation') ? all : undefined;
    });
    expect(waiting.map((r) => [r.step, r.source])).toEqual([['awaiting-confirmation', 'button']]);
    expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
    const popup = await session.openPopup();
    pages.push(popup);
    await popup.getByRole('button', { name: 'Renew Main Campus in Addigy' }).waitFor();
  });

  it('a language with no words: on the token route, the buttons come all the same', async () => {
    const page = await open(`https://business.apple.com/?lang=ko${TOKENS_HASH}`);
    await expectOneButtonPerToken(page, '⇩');
  });

  it('a language with no words, off the token route: no buttons (the words are what is missing)', async () => {
    const page = await open('https://business.apple.com/?lang=ko&start=home');
    await page.getByRole('link', { name: '◇◇◇' }).click();
    await row(page, 'Main Campus').waitFor();
    await page.waitForTimeout(500);
    await expect(page.getByRole('button', { name: SEND }).count()).resolves.toBe(0);
  });
});
