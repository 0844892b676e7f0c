import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import { closeBrowserUnderTest, downloadedFiles, eventually, everyTokenHealthy, openBrowserUnderTest, startCleanTest, TOKENS_ROUTE } from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

// Issue 9: when Apple's token section cannot be read, the popup offers a page report, as for Addigy's console.
describe('a page report for an Apple page Token Relay cannot read', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
  });

  async function applePage(query: string): Promise<Page> {
    const page = await session.context.newPage();
    pages.push(page);
    await page.goto(`https://business.apple.com/${query}${TOKENS_ROUTE.replace(/^\//, '')}`);
    await page.getByText('Main Campus').first().waitFor();
    return page;
  }

  async function popup(): Promise<Page> {
    const popup = await session.openPopup();
    pages.push(popup);
    await popup.getByRole('heading', { name: 'Tokens' }).waitFor();
    return popup;
  }

  it('says nothing while the token section is read (the Send buttons are there)', async () => {
    const page = await applePage('');
    await page.getByRole('button', { name: /Send to Addigy/ }).first().waitFor();
    const shown = await popup();
    // The check has answered by the time a second look is asked for; the notice never came.
    await shown.waitForTimeout(1_500);
    expect(await shown.getByRole('region', { name: 'Token Relay cannot read Apple’s page' }).count()).toBe(0);
  });

  it('offers Save a page report when Apple’s page has changed, and the report holds no names', async () => {
    // Apple renamed the section and gave each row a second control: the tokens are on screen, but neither the words
    // nor the shape Token Relay knows (on the token route, one control per entry finds the section in any language).
    const page = await applePage('?heading=Token%20Library&row=menu');
    expect(await page.getByRole('button', { name: /Send to Addigy/ }).count()).toBe(0);
    const shown = await popup();
    const notice = shown.getByRole('region', { name: 'Token Relay cannot read Apple’s page' });
    await notice.waitFor({ timeout: 15_000 });
    await shown.screenshot({ path: '.output/e2e/popup-apple-page-unreadable.png' });

    await notice.getByRole('button', { name: 'Save a page report' }).click();
    const [name, report] = await eventually(() =>
      [...downloadedFiles(session.downloadsDir)].find(([file]) => file.startsWith('token-relay-page-report-apple')),
    );
    expect(name).toMatch(/\.json$/);
    const outline = JSON.parse(report) as { outline?: { nodes?: string[] } };
    expect(JSON.stringify(outline)).toMatch(/Download/);
    for (const value of ['Main Campus', 'Warehouse', 'Token Library', 'Acme', '@']) expect(report).not.toContain(value);
    // Nothing was captured or sent by looking.
    expect(sandbox.tokenDownloads()).toHaveLength(0);
  });
});
