import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { Sandbox } from '../sandbox/index.mjs';
import { everyTokenHealthy } from '../e2e/harness.mjs';
import { button, closeFirefoxUnderTest, eventually, forgetRenewals, openFirefoxUnderTest, saveApiKey, waitFor } from './harness.mjs';
import type { FirefoxSession } from './harness.mjs';

const sendButton = (location: string) => `token-relay-send >>> button[aria-label="Send to Addigy: ${location}"]`;
const pageDownload = (location: string) => `::-p-xpath(//tr[contains(., ${JSON.stringify(location)})]//button[normalize-space()="Laden"])`;

describe("Firefox: Apple's page in German (issue 24)", () => {
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
  });

  it('found by its German words (on the path route the token-route check does not know): one button per token, a capture reaches the confirmation', async () => {
    const page = await session.browser.newPage();
    pages.push(page);
    await page.goto('https://business.apple.com/?lang=de&start=home');
    await (await waitFor(page, '::-p-aria([name="Zahlungen und Rechnungen"][role="link"])')).click();
    await waitFor(page, sendButton('Main Campus'));
    expect(page.url()).toContain('/preferences/payments');
    expect(await page.$$eval('token-relay-send', (hosts) => hosts.length)).toBe(4);
    for (const location of ['Main Campus', 'Warehouse', 'Satellite Office', 'Design Studio']) await waitFor(page, pageDownload(location));

    await (await waitFor(page, sendButton('Main Campus'))).click();
    await eventually(async () => (await session.badge()).text === '1', 15_000, 'badge 1');
    const popup = await session.openPopup();
    pages.push(popup);
    await waitFor(popup, button('Renew Main Campus in Addigy'), 30_000);
    expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
  });
});
