import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import { closeBrowserUnderTest, openBrowserUnderTest } from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

type HostAccess = 'ON_CLICK' | 'ON_SPECIFIC_SITES' | 'ON_ALL_SITES';

/**
 * Sets the extension's Site access as a user does in chrome://extensions → Details → Site access, through
 * the call that page's own dropdown makes. (`chrome.permissions.remove` cannot take away required host
 * permissions: Chrome answers "You cannot remove required permissions".)
 */
async function setSiteAccess(session: ExtensionSession, hostAccess: HostAccess) {
  const page = await session.context.newPage();
  await page.goto('chrome://extensions');
  await page.evaluate(
    // @ts-ignore chrome.developerPrivate exists on chrome://extensions only
    ([extensionId, access]) => chrome.developerPrivate.updateExtensionConfiguration({ extensionId, hostAccess: access }),
    [session.extensionId, hostAccess] as const,
  );
  await page.close();
}

async function grantedOrigins(session: ExtensionSession): Promise<string[]> {
  const worker = await session.worker();
  // @ts-ignore chrome is the worker's global
  return worker.evaluate(async () => (await chrome.permissions.getAll()).origins ?? []);
}

const notice = (page: Page, sites: number) =>
  page.getByRole('region', { name: `Token Relay needs access to ${sites === 1 ? 'a site' : `${sites} sites`}` });

describe('Chromium with Site access set to "On click": the popup and Options say which sites and why', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));

  it('with every site allowed there is no notice', async () => {
    const popup = await session.openPopup();
    await popup.getByRole('heading', { name: 'Tokens' }).waitFor();
    expect(await popup.locator('#site-access-heading').count()).toBe(0);
    await popup.close();
  });

  it('"On click" takes the six sites away; the popup names each with its reason and offers one button to ask', async () => {
    await setSiteAccess(session, 'ON_CLICK');
    expect(await grantedOrigins(session)).toEqual([]);

    const popup = await session.openPopup();
    const card = notice(popup, 6);
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('business.apple.com: Apple Business Manager: to put Send to Addigy beside each token');
    expect(text).toContain('school.apple.com: Apple School Manager');
    expect(text).toContain("vpp.itunes.apple.com: Apple's Apps and Books service");
    expect(text).toContain("api.addigy.com: Addigy's API");
    expect(text).toContain("app.addigy.com: Addigy's console");
    expect(text).toContain("login.addigy.com: Addigy's sign-in page");
    await expect(card.getByRole('button').count()).resolves.toBe(1);
    await card.getByRole('button', { name: 'Allow access to these sites' }).waitFor();
    await popup.screenshot({ path: '.output/e2e/popup-site-access.png' });

    const options = await session.openOptions();
    await notice(options, 6).waitFor();
    // Test connection names the withheld site, instead of blaming the network.
    await options.getByRole('button', { name: 'Test connection' }).click();
    await options.getByText('Token Relay is not allowed to reach api.addigy.com, so it could not ask Addigy.').waitFor();
    await options.close();

    // Allowed again in the browser's settings: the open popup notices and the notice goes.
    await setSiteAccess(session, 'ON_ALL_SITES');
    await card.waitFor({ state: 'detached' });
    await popup.close();
  });
});
