// Drives Debian's Chromium with the production build loaded unpacked; shared by the e2e suite and `npm start`.
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const EXTENSION_DIR = resolve(fileURLToPath(new URL('../../.output/chrome-mv3', import.meta.url)));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium with the extension loaded and the real hostnames mapped to the sandbox.
 * @param {{ hostResolverRules: string, headless?: boolean }} options
 */
export async function launchExtension({ hostResolverRules, headless = true }) {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No production build at ${EXTENSION_DIR}: run "npm run build" first.`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'token-relay-profile-'));
  const downloadsDir = join(userDataDir, 'Downloads');
  mkdirSync(join(userDataDir, 'Default'), { recursive: true });
  mkdirSync(downloadsDir);
  // Real downloads, saved without asking, so chrome.downloads sees the page's own file names.
  writeFileSync(
    join(userDataDir, 'Default', 'Preferences'),
    JSON.stringify({
      download: { default_directory: downloadsDir, prompt_for_download: false, directory_upgrade: true },
      profile: { default_content_setting_values: { automatic_downloads: 1 } },
    }),
  );
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: false,
    ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
    args: [
      ...(headless ? ['--headless=new'] : []),
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      `--host-resolver-rules=${hostResolverRules}`,
      '--ignore-certificate-errors',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1100, height: 760 },
  });
  const firstPage = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(firstPage);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });

  const worker = async () => {
    const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    return existing ?? context.waitForEvent('serviceworker', { timeout: 30_000 });
  };
  const extensionId = new URL((await worker()).url()).host;

  /** @param {string} path */
  const openExtensionPage = async (path) => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/${path}`);
    return page;
  };

  return {
    context,
    cdp,
    extensionId,
    downloadsDir,
    userDataDir,
    worker,
    openPopup: () => openExtensionPage('popup.html'),
    openOptions: () => openExtensionPage('options.html'),
    /** The toolbar badge and its tooltip, as the user sees them. */
    async badge() {
      const w = await worker();
      return w.evaluate(async () => ({
        // @ts-ignore chrome is the worker's global
        text: await chrome.action.getBadgeText({}),
        // @ts-ignore
        title: await chrome.action.getTitle({}),
      }));
    },
    close: () => context.close(),
  };
}

/**
 * Saves the API key through the Options page, as a user would.
 * @param {{ openOptions(): Promise<import('playwright-core').Page> }} session
 * @param {string} apiKey
 */
export async function saveApiKey(session, apiKey) {
  const options = await session.openOptions();
  await options.getByLabel('API key').fill(apiKey);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByText('Saved.').waitFor();
  await options.close();
}

/**
 * Files the browser finished saving, by name.
 * @param {string} dir
 */
export function downloadedFiles(dir) {
  /** @type {Map<string, string>} */
  const files = new Map();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.crdownload')) files.set(name, readFileSync(join(dir, name), 'utf8'));
  }
  return files;
}

/**
 * Polls until `check` returns a truthy value; for state outside a page (sandbox logs, files, badge).
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} [timeoutMs]
 * @returns {Promise<NonNullable<T>>}
 */
export async function eventually(check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const TOKENS_ROUTE = '/#/main/preferences/paymentsandbilling/appsandbooks';
