import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET, JAMF_HOST, type Sandbox } from '../sandbox/index.mjs';
import { everyTokenHealthy } from '../e2e/harness.mjs';
import { TOKENS_HASH, button, closeFirefoxUnderTest, downloadedFiles, eventually, heading, openFirefoxUnderTest, pageText, waitFor } from './harness.mjs';
import type { FirefoxSession } from './harness.mjs';

// Issue 13 in Firefox: a Jamf Pro connection added in Options (its host asked for at run time), then one click on
// Apple's page and one confirmation reach Jamf's renew call.
describe('Firefox: a Jamf Pro connection, from Options to "Renewed"', () => {
  let sandbox: Sandbox;
  let session: FirefoxSession;
  const pages: Page[] = [];

  // Firefox's permission prompt is browser chrome that automation cannot click: it is accepted by preference.
  beforeAll(async () => ({ sandbox, session } = await openFirefoxUnderTest({ seed: everyTokenHealthy, autoAcceptPermissionRequests: true })));
  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => undefined);
    await closeFirefoxUnderTest({ sandbox, session });
  });
  const track = (page: Page) => (pages.push(page), page);

  it('adds the connection, and renews Design Studio in Jamf Pro with the exact file', async () => {
    const options = track(await session.openOptions());
    await (await waitFor(options, button('Add connection'))).click();
    await waitFor(options, '#connection-kind');
    await options.select('#connection-kind', 'jamf-pro');
    await options.type('#connection-name', 'Jamf Pro');
    await options.type('#connection-server', `https://${JAMF_HOST}`);
    await options.type('#connection-client-id', JAMF_CLIENT_ID);
    await options.type('#connection-client-secret', JAMF_CLIENT_SECRET);
    await (await waitFor(options, 'form[aria-label="Add connection"] button[type="submit"]')).click();
    await waitFor(options, '::-p-text(Saved Jamf Pro.)');

    const page = track(await session.browser.newPage());
    await page.goto(`https://business.apple.com/${TOKENS_HASH}`);
    // One Jamf Pro connection: the button names it.
    const send = await waitFor(page, 'token-relay-send >>> button[aria-label="Send to Jamf Pro: Design Studio"]');
    await send.click();
    const [, saved] = await eventually(
      () => [...downloadedFiles(session.downloadsDir)].find(([name, text]) => name.endsWith('.vpptoken') && text.trim()),
      15_000,
      'the token file saved',
    );

    const popup = track(await session.openPopup());
    const renew = await waitFor(popup, button('Renew Design Studio in Jamf Pro'), 30_000);
    expect(await pageText(popup)).toContain('apple-admin@acme.example');
    expect(sandbox.jamf.uploads).toHaveLength(0);
    await renew.click();
    await waitFor(popup, heading('Renewed'), 45_000);
    expect(await pageText(popup)).toMatch(/Design Studio is renewed in Jamf Pro/);
    expect(sandbox.jamf.uploads.map((u) => [u.tokenId, u.text])).toEqual([['1', saved.trim()]]);
    expect(sandbox.addigyRequests()).toHaveLength(0);
  });
});
