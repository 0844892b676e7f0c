import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/index.mjs';
import {
  TOKENS_HASH,
  button,
  closeFirefoxUnderTest,
  openFirefoxUnderTest,
  pageText,
  waitFor,
} from './harness.mjs';
import type { FirefoxSession } from './harness.mjs';

const NOTICE = '#site-access-heading';
const HOSTS = ['business.apple.com', 'school.apple.com', 'app.addigy.com', 'login.addigy.com', 'vpp.itunes.apple.com', 'api.addigy.com'];

/**
 * Firefox treats MV3 host permissions as optional: here they are not granted at install
 * (`extensions.originControls.grantByDefault` false), as for a user who never allowed them or revoked them.
 */
describe('Firefox without site access: the popup and Options say so and ask for it', () => {
  let sandbox: Sandbox;
  let session: FirefoxSession;

  // Firefox's own permission prompt is browser chrome, which WebDriver cannot click: the profile answers it
  // with Allow (`extensions.webextOptionalPermissionPrompts` false). The click still calls permissions.request.
  beforeAll(async () => {
    ({ sandbox, session } = await openFirefoxUnderTest({ grantHostPermissions: false, autoAcceptPermissionRequests: true }));
  });
  afterAll(() => closeFirefoxUnderTest({ sandbox, session }));

  const grantedOrigins = () =>
    // @ts-ignore browser is the extension page's global
    session.inExtension(async () => (await browser.permissions.getAll()).origins ?? []) as Promise<string[]>;

  it('without access Apple’s page gets no button; the popup and Options name each site and why; one click restores it', async () => {
    expect(await grantedOrigins()).toEqual([]);
    const apple = await session.browser.newPage();
    await apple.goto(`https://business.apple.com/${TOKENS_HASH}`);
    await waitFor(apple, '::-p-text(Main Campus)');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await apple.$$eval('token-relay-send', (hosts) => hosts.length)).toBe(0);

    const options = await session.openOptions();
    await waitFor(options, NOTICE);
    expect(await options.$eval(NOTICE, (h) => h.textContent)).toBe('Token Relay needs access to 6 sites');
    await options.close();

    const popup = await session.openPopup();
    await waitFor(popup, NOTICE);
    const text = await pageText(popup);
    for (const host of HOSTS) expect(text).toContain(`${host}:`);
    expect(text).toContain('Apple Business Manager: to put Send to Addigy beside each token');
    await popup.screenshot({ path: '.output/e2e-firefox/popup-site-access.png' });

    // The click calls permissions.request for the four origins; the profile answers Allow for the user.
    await (await waitFor(popup, button('Allow access to these sites'))).click();
    await popup.waitForSelector(NOTICE, { hidden: true, timeout: 10_000 });
    expect([...(await grantedOrigins())].sort()).toEqual(HOSTS.map((h) => `https://${h}/*`).sort());

    // Content scripts run again on Apple's page once it loads with access.
    await apple.reload();
    await waitFor(apple, 'token-relay-send >>> button[aria-label="Send to Addigy: Main Campus"]');
    await apple.close();
    await popup.close();
  });
});
