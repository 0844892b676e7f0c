import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import {
  chooseTokenFile,
  closeBrowserUnderTest,
  openBrowserUnderTest,
  startCleanTest,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

const DEFAULT_BASE_URL = 'https://api.addigy.com/api/v2';

describe('the Options page, in Chromium against the sandbox', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest()));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(() => startCleanTest({ sandbox, session, pages, saveKey: true }));

  const openOptions = async () => {
    const options = await session.openOptions();
    pages.push(options);
    // Loaded once the stored key is in the field.
    await options.waitForFunction(() => (document.getElementById('api-key') as HTMLInputElement | null)?.value);
    return options;
  };
  const status = (options: Page) => options.getByRole('status', { name: 'Addigy' });
  const openAdvanced = (options: Page) => options.locator('summary', { hasText: 'Advanced' }).click();

  it('Test connection reports how many tokens Addigy lists', async () => {
    const options = await openOptions();
    await options.getByRole('button', { name: 'Test connection' }).click();
    const n = sandbox.state.addigyTokens.length;
    expect(n).toBe(5);
    await status(options).getByText(`Addigy lists ${n} Apple Apps tokens`).waitFor();

    // Call 1 with the stored key (the token watch may list too; every such request looks the same).
    const listed = sandbox.addigyRequests('list-tokens');
    expect(listed.length).toBeGreaterThan(0);
    for (const request of listed) {
      expect(request).toMatchObject({ method: 'POST', path: '/api/v2/oa/apps-and-books/tokens/policies/query', status: 200 });
      expect(request.headers['x-api-key']).toBe(sandbox.apiKey);
      expect(JSON.parse(request.body)).toEqual({ policy_ids: [] });
    }
  });

  it('Test connection gives the precise error for a wrong key, as typed', async () => {
    const options = await openOptions();
    await options.getByLabel('API key').fill('not-the-key-0000');
    await options.getByRole('button', { name: 'Test connection' }).click();
    await status(options).getByText('Addigy did not accept the API key.').waitFor();
    expect(await status(options).textContent()).toMatch(/paste a valid V2 API key from Addigy: Account → Integrations → API & Webhooks/);

    // The key as typed was the one sent, and Addigy refused it.
    const withTypedKey = sandbox.addigyRequests((r) => r.headers['x-api-key'] === 'not-the-key-0000');
    expect(withTypedKey.map((r) => [r.call, r.status])).toContainEqual(['list-tokens', 401]);
    expect(withTypedKey.every((r) => r.status === 401)).toBe(true);
  });

  it('masks the API key unless the user asks to see it', async () => {
    const options = await openOptions();
    const key = options.getByLabel('API key');
    expect(await key.getAttribute('type')).toBe('password');
    await options.getByLabel('Show the key').check();
    expect(await key.getAttribute('type')).toBe('text');
    expect(await key.inputValue()).toBe(sandbox.apiKey);
    await options.getByLabel('Show the key').uncheck();
    expect(await key.getAttribute('type')).toBe('password');
  });

  it('refuses an Addigy address that is not https, and keeps the stored one', async () => {
    const options = await openOptions();
    await openAdvanced(options);
    await options.getByLabel('Addigy API address').fill('http://api.addigy.com/api/v2');
    await options.getByRole('button', { name: 'Save' }).click();
    await status(options).getByText(/It must start with https:\/\/\. Nothing was saved\./).waitFor();

    // Reloaded, the page shows what is stored: the default address, untouched.
    await options.reload();
    await options.waitForFunction(() => (document.getElementById('api-key') as HTMLInputElement | null)?.value);
    await openAdvanced(options);
    expect(await options.getByLabel('Addigy API address').inputValue()).toBe(DEFAULT_BASE_URL);
    await options.getByRole('button', { name: 'Test connection' }).click();
    await status(options).getByText(/Addigy lists \d+ Apple Apps tokens/).waitFor();
  });

  it('refuses wildcard server addresses in plain words, and never opens the browser’s permission prompt', async () => {
    /** Options, with every permissions.request it makes counted (a real one would open the browser's prompt). */
    const openCountingRequests = async () => {
      const options = await openOptions();
      await options.evaluate(() => {
        const w = window as unknown as { permissionRequests: unknown[]; chrome: { permissions: { request: (r: unknown) => Promise<boolean> } } };
        w.permissionRequests = [];
        const real = w.chrome.permissions.request.bind(w.chrome.permissions);
        w.chrome.permissions.request = (request: unknown) => (w.permissionRequests.push(request), real(request));
      });
      return options;
    };
    const requests = (options: Page) => options.evaluate(() => (window as unknown as { permissionRequests: unknown[] }).permissionRequests);
    const wildcard = /Wildcards \(\*\) are not allowed/;

    // A fresh page per address: each refusal is this address's, not the one before.
    for (const address of ['https://*.addigy.com/api/v2', 'https://*/api/v2', 'https://%2A.addigy.com/api/v2']) {
      const options = await openCountingRequests();
      await openAdvanced(options);
      await options.getByLabel('Addigy API address').fill(address);
      await options.getByRole('button', { name: 'Save' }).click();
      await status(options).getByText(wildcard).waitFor();
      expect(await status(options).textContent()).toMatch(/^Addigy API address: Enter the server’s address, like https:\/\/api\.addigy\.com\/api\/v2\. .*Nothing was saved\.$/);
      expect(await requests(options)).toEqual([]);
    }

    // A Fleet connection on a wildcard server: the same words, no prompt, nothing saved.
    for (const address of ['https://*', '*.example.com']) {
      const options = await openCountingRequests();
      await options.getByRole('button', { name: 'Add connection' }).click();
      const form = options.getByRole('form', { name: 'Add connection' });
      await form.getByLabel('MDM').selectOption('fleet');
      await form.getByLabel('Name', { exact: true }).fill('Wild Fleet');
      await form.getByLabel('API token').fill('fleet-token-0000');
      await form.getByLabel('Server URL').fill(address);
      await form.getByRole('button', { name: 'Save' }).click();
      await options.getByRole('status', { name: 'Connections' }).getByText(wildcard).waitFor();
      expect(await requests(options)).toEqual([]);
      expect(await options.getByRole('region', { name: 'Wild Fleet' }).count()).toBe(0);
    }

    // Nothing was granted, and the stored address is still the default.
    const options = await openOptions();
    const granted = await options.evaluate(async () => (await (window as unknown as { chrome: { permissions: { getAll(): Promise<{ origins?: string[] }> } } }).chrome.permissions.getAll()).origins ?? []);
    expect(granted.filter((origin) => /^[^:]+:\/\/[^/]*(\*|%2A)/i.test(origin))).toEqual([]);
    await openAdvanced(options);
    expect(await options.getByLabel('Addigy API address').inputValue()).toBe(DEFAULT_BASE_URL);
  });

  it('turning Apple verification off takes effect: the token is not sent to Apple, and the popup says so', async () => {
    const options = await openOptions();
    await openAdvanced(options);
    await options.getByLabel('Check each token with Apple before sending it').uncheck();
    await options.getByRole('button', { name: 'Save' }).click();
    await status(options).getByText('Saved.').waitFor();

    try {
      const popup = await session.openPopup();
      pages.push(popup);
      await chooseTokenFile(popup, 'sToken_for_Warehouse.vpptoken', sandbox.tokenFor('LOC-1002'));
      await popup.getByRole('button', { name: /^Renew Warehouse in Addigy/ }).waitFor({ timeout: 30_000 });
      await popup.getByText('Checking with Apple is turned off in Options.').waitFor();
      expect(sandbox.appleRequests()).toHaveLength(0);
      expect(sandbox.consoleUploads().map((u) => u.stage)).toEqual(['preview']);
      await popup.getByRole('button', { name: 'Cancel' }).click();
    } finally {
      await options.getByLabel('Check each token with Apple before sending it').check();
      await options.getByRole('button', { name: 'Save' }).click();
      await status(options).getByText('Saved.').waitFor();
    }
  });
});
