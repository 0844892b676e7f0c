// @ts-check
/**
 * Drives Debian's Firefox ESR over WebDriver BiDi (puppeteer-core) with the production Firefox build
 * installed as a temporary add-on, and the real hostnames sent to the sandbox through a PAC script
 * and a local CONNECT proxy (Firefox has no --host-resolver-rules).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { SANDBOX_HOSTS, startSandbox } from '../sandbox/index.mjs';
import { startConnectProxy } from './connect-proxy.mjs';

export const FIREFOX_EXTENSION_DIR = process.env.TOKEN_RELAY_FIREFOX_EXTENSION_DIR
  ? resolve(process.env.TOKEN_RELAY_FIREFOX_EXTENSION_DIR)
  : resolve(fileURLToPath(new URL('../../.output/firefox-mv3', import.meta.url)));
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const TOKENS_HASH = '#/main/preferences/paymentsandbilling/appsandbooks';

/** @typedef {import('puppeteer-core').Page} Page */
/** @typedef {import('puppeteer-core').Browser} Browser */

/**
 * Polls until `check` returns a truthy value.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} [timeoutMs]
 * @param {string} [what]  named in the error, so a timeout says which step never happened
 * @returns {Promise<NonNullable<T>>}
 */
export async function eventually(check, timeoutMs = 15_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Firefox with the add-on installed and the sandbox hosts mapped.
 * @param {{ sandboxPort: number, grantHostPermissions?: boolean, autoAcceptPermissionRequests?: boolean, headless?: boolean }} options
 *   grantHostPermissions: Firefox treats MV3 host permissions as optional; true grants them at install
 *   (`extensions.originControls.grantByDefault`), as after the user allowed them; false leaves them off.
 *   autoAcceptPermissionRequests: `permissions.request` resolves as if the user clicked Allow in Firefox's
 *   prompt (`extensions.webextOptionalPermissionPrompts` false); automation cannot click browser chrome.
 */
export async function launchFirefox({ sandboxPort, grantHostPermissions = true, autoAcceptPermissionRequests = false, headless = true }) {
  const manifestPath = join(FIREFOX_EXTENSION_DIR, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`No production Firefox build at ${FIREFOX_EXTENSION_DIR}: run "npm run build:firefox" first.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const geckoId = manifest.browser_specific_settings?.gecko?.id;
  if (!geckoId) throw new Error('The Firefox manifest has no browser_specific_settings.gecko.id.');
  const uuid = randomUUID();
  const profileDir = mkdtempSync(join(tmpdir(), 'token-relay-firefox-'));
  const downloadsDir = join(profileDir, 'Downloads');
  mkdirSync(downloadsDir);
  // Read at run time: the sandbox's host list grows (app.addigy.com, login.addigy.com).
  const proxy = await startConnectProxy({ hosts: SANDBOX_HOSTS, targetPort: sandboxPort });

  /** @type {Browser} */
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless,
      userDataDir: join(profileDir, 'profile'),
      // BiDi refuses moz-extension:// pages without it.
      args: ['--remote-allow-system-access'],
      acceptInsecureCerts: true,
      defaultViewport: { width: 1100, height: 760 },
      extraPrefsFirefox: {
        // moz-extension://<uuid>/ known before the add-on is installed.
        'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: uuid }),
        'extensions.originControls.grantByDefault': grantHostPermissions,
        'extensions.webextOptionalPermissionPrompts': !autoAcceptPermissionRequests,
        'network.proxy.type': 2,
        'network.proxy.autoconfig_url': proxy.pacUrl,
        'network.proxy.allow_hijacking_localhost': false,
        'network.dns.disableIPv6': true,
        // Real downloads, saved without asking, so the downloads API sees the page's own file names.
        'browser.download.dir': downloadsDir,
        'browser.download.folderList': 2,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        'browser.download.start_downloads_in_tmp_dir': false,
        'browser.download.alwaysOpenPanel': false,
        'browser.download.panel.shown': true,
        'browser.helperApps.neverAsk.saveToDisk': 'application/octet-stream,text/plain,application/x-vpptoken',
        'browser.download.manager.addToRecentDocs': false,
        'dom.disable_open_during_load': false,
        'browser.tabs.warnOnClose': false,
      },
    });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  const extensionId = await browser.installExtension(FIREFOX_EXTENSION_DIR);
  const origin = `moz-extension://${uuid}`;

  /**
   * Opens an extension page in a new tab. `page.goto` on moz-extension:// never settles in
   * Firefox over BiDi, so the tab navigates and we poll its location until the document is there.
   * @param {string} path
   */
  const openExtensionPage = async (path) => {
    const page = await browser.newPage();
    const url = `${origin}/${path}`;
    void page.goto(url, { timeout: 0 }).catch(() => undefined);
    await eventually(
      async () =>
        page
          .evaluate(() => document.readyState === 'complete' && location.href)
          .then((href) => href === url)
          .catch(() => false),
      15_000,
      `open ${url}`,
    );
    return page;
  };

  /** @type {Page | undefined} */
  let helper;
  /**
   * Runs a function in an extension page (same origin as the background: same IndexedDB and storage).
   * @template T
   * @param {() => T | Promise<T>} fn
   * @returns {Promise<T>}
   */
  const inExtension = async (fn) => {
    if (!helper || helper.isClosed()) helper = await openExtensionPage('options.html');
    return /** @type {Promise<T>} */ (helper.evaluate(fn));
  };

  return {
    browser,
    extensionId,
    uuid,
    origin,
    downloadsDir,
    openExtensionPage,
    /**
     * The popup, opened as a tab (Firefox has no API to open the action popup from automation), once its live view
     * is in: a shell kept by an earlier opening (issue 23) shows the same rows for some 50 ms first, inert.
     */
    openPopup: async () => {
      const popup = await openExtensionPage('popup.html');
      await eventually(() => popup.evaluate(() => !document.querySelector('#app[data-shell]')).catch(() => false), 15_000, 'the popup’s live view');
      return popup;
    },
    openOptions: () => openExtensionPage('options.html'),
    inExtension,
    /** The toolbar badge and its tooltip. */
    badge: () =>
      inExtension(async () => ({
        // @ts-ignore browser is the extension page's global
        text: await browser.action.getBadgeText({}),
        // @ts-ignore
        title: await browser.action.getTitle({}),
      })),
    async close() {
      await browser.close().catch(() => undefined);
      await proxy.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof launchFirefox>>} FirefoxSession */

/**
 * One e2e file's world: the sandbox, and Firefox with the production build mapped onto it.
 * @param {{ seed?: (state: import('../sandbox/index.mjs').SandboxState) => void, grantHostPermissions?: boolean, autoAcceptPermissionRequests?: boolean }} [options]
 */
export async function openFirefoxUnderTest({ seed, grantHostPermissions = true, autoAcceptPermissionRequests = false } = {}) {
  mkdirSync('.output/e2e-firefox', { recursive: true });
  const sandbox = await startSandbox({ seed });
  try {
    const session = await launchFirefox({ sandboxPort: sandbox.port, grantHostPermissions, autoAcceptPermissionRequests });
    return { sandbox, session };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** @param {{ sandbox?: { close(): Promise<void> }, session?: { close(): Promise<void> } }} world */
export async function closeFirefoxUnderTest({ sandbox, session }) {
  await session?.close();
  await sandbox?.close();
}

/**
 * Test isolation: forgets every renewal record and what storage.session holds.
 * @param {FirefoxSession} session
 */
export async function forgetRenewals(session) {
  await session.inExtension(async () => {
    await new Promise((resolve, reject) => {
      const open = indexedDB.open('token-relay');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('renewals')) {
          db.close();
          resolve(undefined);
          return;
        }
        const tx = db.transaction('renewals', 'readwrite');
        tx.objectStore('renewals').clear();
        tx.oncomplete = () => {
          db.close();
          resolve(undefined);
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    // @ts-ignore browser is the extension page's global
    await browser.storage.session.clear();
  });
}

/**
 * Files Firefox finished saving, by name (its partial downloads end in .part).
 * @param {string} dir
 */
export function downloadedFiles(dir) {
  /** @type {Map<string, string>} */
  const files = new Map();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.part')) files.set(name, readFileSync(join(dir, name), 'utf8'));
  }
  return files;
}

/**
 * Waits for an element matching a puppeteer selector (CSS, `::-p-aria(...)`, `::-p-text(...)`).
 * @param {Page} page
 * @param {string} selector
 * @param {number} [timeout]
 */
export async function waitFor(page, selector, timeout = 15_000) {
  const handle = await page.waitForSelector(selector, { timeout, visible: true });
  if (!handle) throw new Error(`${selector} not found`);
  return handle;
}

/**
 * The button whose accessible name is exactly `name`.
 * @param {string} name
 */
export const button = (name) => `::-p-aria([name=${JSON.stringify(name)}][role="button"])`;

/**
 * A heading whose accessible name is exactly `name`.
 * @param {string} name
 */
export const heading = (name) => `::-p-aria([name=${JSON.stringify(name)}][role="heading"])`;

/**
 * Visible text of the page (for assertions on what the user reads).
 * @param {Page} page
 */
export const pageText = (page) => page.evaluate(() => document.body.innerText);

/**
 * Saves the API key through the Options page, as a user would.
 * @param {FirefoxSession} session
 * @param {string} apiKey
 */
export async function saveApiKey(session, apiKey) {
  const options = await session.openOptions();
  const field = await waitFor(options, '#api-key');
  await field.click({ count: 3 });
  await field.type(apiKey);
  await (await waitFor(options, button('Save'))).click();
  await waitFor(options, '::-p-text(Saved.)');
  await options.close();
}
