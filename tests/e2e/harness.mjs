// Drives Debian's Chromium with the production build loaded unpacked; shared by the e2e suite and `npm start`.
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSandbox } from '../sandbox/index.mjs';

export const EXTENSION_DIR = process.env.TOKEN_RELAY_EXTENSION_DIR
  ? resolve(process.env.TOKEN_RELAY_EXTENSION_DIR)
  : resolve(fileURLToPath(new URL('../../.output/chrome-mv3', import.meta.url)));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium with the extension loaded and the real hostnames mapped to the sandbox.
 * @param {{ hostResolverRules: string, headless?: boolean, extraExtensions?: string[] }} options
 *   extraExtensions: more unpacked extensions to load beside it (a spy, in the security suite).
 */
export async function launchExtension({ hostResolverRules, headless = true, extraExtensions = [] }) {
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
      `--disable-extensions-except=${[EXTENSION_DIR, ...extraExtensions].join(',')}`,
      `--load-extension=${[EXTENSION_DIR, ...extraExtensions].join(',')}`,
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
    // Ours is WXT's background.js; an extra extension's worker has another name.
    const ours = (/** @type {{ url(): string }} */ w) => w.url().startsWith('chrome-extension://') && w.url().endsWith('/background.js');
    const existing = context.serviceWorkers().find(ours);
    return existing ?? context.waitForEvent('serviceworker', { predicate: ours, timeout: 30_000 });
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
    /**
     * The popup, opened as a tab, once its live view is in: a shell kept by an earlier opening (issue 23) shows the
     * same rows for some 50 ms first, and does not answer clicks.
     */
    openPopup: async () => {
      const popup = await openExtensionPage('popup.html');
      await popup.waitForFunction(() => !document.querySelector('#app[data-shell]'));
      return popup;
    },
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

/** @typedef {Awaited<ReturnType<typeof launchExtension>>} ExtensionSession */

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

/**
 * Gives the popup a token file through its own file input, as an admin with a saved file would.
 * @param {import('playwright-core').Page} popup
 * @param {string} fileName
 * @param {string} text
 */
export async function chooseTokenFile(popup, fileName, text) {
  await popup
    .getByLabel('Have a .vpptoken file already?')
    .setInputFiles({ name: fileName, mimeType: 'application/octet-stream', buffer: Buffer.from(text, 'utf8') });
}

/**
 * The value shown beside a label in a details list (`<dt>label</dt><dd>value</dd>`), within `scope`.
 * @param {import('playwright-core').Page | import('playwright-core').Locator} scope
 * @param {string} label
 */
export async function detailValue(scope, label) {
  return (await scope.locator(`dt:text-is(${JSON.stringify(label)}) + dd`).textContent())?.trim();
}

/**
 * The popup's card for the current renewal, found by its heading ("Confirm the renewal", "Renewed",
 * "Not renewed", …), so assertions are not confused by the token overview below it.
 * @param {import('playwright-core').Page} popup
 * @param {string | RegExp} heading
 */
export function renewalCard(popup, heading) {
  return popup.getByRole('region', { name: heading, exact: true });
}

/**
 * A new tab on the sandbox Apple Business Manager's (or, with site 'school', Apple School Manager's) Content Tokens page.
 * @param {{ context: import('playwright-core').BrowserContext }} session
 * @param {'business' | 'school'} [site]
 */
export async function openTokensPage(session, site = 'business') {
  const page = await session.context.newPage();
  await page.goto(`https://${site}.apple.com${TOKENS_ROUTE}`);
  return page;
}

/**
 * Clicks the Apple page's own Download button for a location and returns the file the browser saved.
 * @param {{ downloadsDir: string }} session
 * @param {import('playwright-core').Page} page  on the Content Tokens route
 * @param {string} locationName
 */
export async function downloadTokenOnPage(session, page, locationName) {
  const before = new Set(downloadedFiles(session.downloadsDir).keys());
  await page.getByRole('row', { name: new RegExp(locationName) }).getByRole('button', { name: 'Download' }).click();
  return eventually(() => {
    for (const [name, text] of downloadedFiles(session.downloadsDir)) {
      if (!before.has(name) && name.endsWith('.vpptoken') && text) return { name, text };
    }
    return undefined;
  });
}

/**
 * The tab Token Relay opened on Addigy's console (or its sign-in page), once it is there.
 * @param {{ context: import('playwright-core').BrowserContext }} session
 * @param {string} [origin]
 */
export async function addigyConsoleTab(session, origin = 'https://app.addigy.com') {
  return eventually(() => session.context.pages().find((page) => page.url().startsWith(origin)), 30_000);
}

/**
 * Stops the extension's service worker the way Chromium does when it idles, through CDP
 * (`ServiceWorker.stopWorker`); resolves once Chromium reports it stopped. Storage survives.
 * @param {{ context: import('playwright-core').BrowserContext, extensionId: string }} session
 * @param {import('playwright-core').Page} page  any open page, to host the CDP session
 */
export async function stopServiceWorker(session, page) {
  const cdp = await session.context.newCDPSession(page);
  /** @type {Map<string, { versionId: string, scriptURL: string, runningStatus: string }>} */
  const versions = new Map();
  cdp.on('ServiceWorker.workerVersionUpdated', (event) => {
    for (const version of event.versions) versions.set(version.versionId, version);
  });
  await cdp.send('ServiceWorker.enable');
  const ours = (/** @type {{ scriptURL: string }} */ v) => v.scriptURL.startsWith(`chrome-extension://${session.extensionId}/`);
  const running = await eventually(() => [...versions.values()].find((v) => ours(v) && v.runningStatus === 'running'));
  await cdp.send('ServiceWorker.stopWorker', { versionId: running.versionId });
  await eventually(() => versions.get(running.versionId)?.runningStatus === 'stopped');
  await cdp.send('ServiceWorker.disable').catch(() => undefined);
  await cdp.detach().catch(() => undefined);
}

/**
 * The renewal records the extension keeps in IndexedDB (newest first), read inside the worker.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 * @returns {Promise<Array<{ id: string, step: string, updatedAt: string, match?: { locationId: string }, failure?: { kind: string, step: string, retryable: boolean } }>>}
 */
export async function storedRenewals(session) {
  const worker = await session.worker();
  const records = await worker.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('token-relay');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('renewals').objectStore('renewals').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(all.result);
          };
        };
      }),
  );
  return /** @type {any[]} */ (records).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** Steps where a renewal waits for the user or has ended; nothing is under way. */
export const RESTING_STEPS = ['awaiting-confirmation', 'done', 'failed', 'discarded'];

/**
 * Test isolation: forgets every renewal record (history included) and what storage.session holds
 * (pending tokens, noticed downloads), so a test's popup starts without earlier tests' renewals.
 * Call between tests, when nothing is under way.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 */
export async function forgetRenewals(session) {
  const worker = await session.worker();
  await worker.evaluate(async () => {
    await new Promise((resolve, reject) => {
      const open = indexedDB.open('token-relay');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('renewals', 'readwrite');
        tx.objectStore('renewals').clear();
        tx.oncomplete = () => {
          open.result.close();
          resolve(undefined);
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    // @ts-ignore chrome is the worker's global
    await chrome.storage.session.clear();
  });
}

/**
 * Deletes the saved Addigy API key, as if Options had never been filled in, so a test of the "not configured"
 * state does not depend on running before the tests that save the key.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 */
export async function forgetApiKey(session) {
  const worker = await session.worker();
  await worker.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('token-relay');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          // The key as Options saves it now (the connection `addigy`), and where an older version kept it.
          const tx = open.result.transaction(['secrets', 'connections'], 'readwrite');
          tx.objectStore('secrets').delete('addigyApiKey');
          tx.objectStore('connections').delete('addigy');
          tx.oncomplete = () => {
            open.result.close();
            resolve(undefined);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/**
 * A screenshot of the popup from its header down to the renewal card (the token overview below is
 * left out, so the picture shows the state it documents).
 * @param {import('playwright-core').Page} popup
 * @param {import('playwright-core').Locator} card
 * @param {string} path
 */
export async function screenshotRenewal(popup, card, path) {
  const main = await popup.locator('main').boundingBox();
  const box = await card.boundingBox();
  if (!main || !box) throw new Error('the popup or the renewal card is not visible');
  const bottom = box.y + box.height + 12;
  await popup.screenshot({ path, clip: { x: main.x, y: main.y, width: main.width, height: bottom - main.y } });
}

/**
 * A sandbox seed in which every Addigy token is healthy and far from expiry, so the badge speaks
 * only of the renewal under test (token health outranks "awaiting confirmation").
 * @param {import('../sandbox/index.mjs').SandboxState} state
 */
export function everyTokenHealthy(state) {
  const farAway = new Date(Date.now() + 300 * 86_400_000).toISOString();
  for (const t of state.addigyTokens) {
    t.expDate = farAway;
    t.clientConfig.tokenExpirationDate = farAway;
    if (t.clientConfig.mdmInfo) t.clientConfig.mdmInfo.name = 'Addigy';
    t.syncing = false;
    t.lastSyncingStatus = 'success';
    t.errMsg = null;
  }
  state.systemEvents.length = 0;
}

/**
 * One e2e file's world: the sandbox, and Chromium with the production build mapped onto it.
 * @param {{ seed?: (state: import('../sandbox/index.mjs').SandboxState) => void, saveKey?: boolean }} [options]
 */
export async function openBrowserUnderTest({ seed, saveKey = false } = {}) {
  mkdirSync('.output/e2e', { recursive: true });
  const sandbox = await startSandbox({ seed });
  const session = await launchExtension({ hostResolverRules: sandbox.hostResolverRules });
  if (saveKey) await saveApiKey(session, sandbox.apiKey);
  return { sandbox, session };
}

/** @param {{ sandbox?: { close(): Promise<void> }, session?: { close(): Promise<void> } }} world */
export async function closeBrowserUnderTest({ sandbox, session }) {
  await session?.close();
  await sandbox?.close();
}

/**
 * Before each test: close the pages the last one opened, forget its renewals, reset the sandbox, and with
 * `clearDownloads` empty the Downloads folder.
 * @param {{ sandbox: import('../sandbox/index.mjs').Sandbox, session: Awaited<ReturnType<typeof launchExtension>>, pages: import('playwright-core').Page[], saveKey?: boolean, clearDownloads?: boolean }} world
 */
export async function startCleanTest({ sandbox, session, pages, saveKey = false, clearDownloads = false }) {
  for (const page of pages.splice(0)) await page.close().catch(() => undefined);
  // The last test's Addigy tabs too: a console flow still under way would otherwise save its record again later.
  for (const page of session.context.pages()) {
    if (/^https:\/\/(app|login)\.addigy\.com\//.test(page.url())) await page.close().catch(() => undefined);
  }
  await eventually(async () => (await storedRenewals(session)).every((r) => RESTING_STEPS.includes(r.step)), 15_000).catch(() => undefined);
  await forgetRenewals(session);
  if (saveKey) await saveApiKey(session, sandbox.apiKey);
  sandbox.reset();
  if (clearDownloads) {
    for (const name of readdirSync(session.downloadsDir)) rmSync(join(session.downloadsDir, name), { force: true });
  }
}

/**
 * Allows Token Relay on a site in chrome://extensions (Details → Site access → add a site), as an admin can do
 * ahead of time, through the calls that page itself makes. A later `permissions.request` for that site then
 * resolves at once; the browser's own prompt is native UI that a headless browser cannot click.
 * @param {{ context: import('playwright-core').BrowserContext, extensionId: string }} session
 * @param {string[]} patterns  e.g. `https://acme.jamfcloud.com/*`
 */
export async function allowSitesInBrowserSettings(session, patterns) {
  const page = await session.context.newPage();
  await page.goto('chrome://extensions');
  await page.evaluate(
    async ([extensionId, hosts]) => {
      // @ts-ignore chrome.developerPrivate exists on chrome://extensions only
      const dp = chrome.developerPrivate;
      await dp.updateExtensionConfiguration({ extensionId, hostAccess: 'ON_SPECIFIC_SITES' });
      for (const host of /** @type {string[]} */ (hosts)) await dp.addHostPermission(extensionId, host);
      await dp.updateExtensionConfiguration({ extensionId, hostAccess: 'ON_ALL_SITES' });
    },
    /** @type {const} */ ([session.extensionId, patterns]),
  );
  await page.close();
}

/**
 * axe-core's serious and critical violations on the page as it is now, one line each (rule: targets).
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export async function axeViolations(page) {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // page.evaluate goes through the debugger, so the extension page's CSP does not block axe.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // @ts-ignore axe is defined by the script above
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((/** @type {{ impact: string }} */ v) => v.impact === 'serious' || v.impact === 'critical')
      .map((/** @type {{ id: string, nodes: { target: string[] }[] }} */ v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
/** @type {string | undefined} */
let axeSource;

/**
 * Test isolation for guided console renewals (issue 21): forgets the ways through Addigy's console that earlier
 * guided renewals kept (IndexedDB `consolePaths`), so the next renewal is guided afresh. Nothing if the store is absent.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 */
export async function forgetConsolePaths(session) {
  await clearDbStore(session, 'consolePaths');
}

/**
 * Empties one object store of the extension's IndexedDB from its worker; nothing if the store is absent.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 * @param {string} store
 */
async function clearDbStore(session, store) {
  const worker = await session.worker();
  await worker.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('token-relay');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains(name)) {
            db.close();
            resolve(undefined);
            return;
          }
          const tx = db.transaction(name, 'readwrite');
          tx.objectStore(name).clear();
          tx.oncomplete = () => {
            db.close();
            resolve(undefined);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    store,
  );
}

/**
 * The ways through web consoles kept by guided renewals that succeeded, by console origin.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 * @returns {Promise<Record<string, { route: string, controls: string[] }>>}
 */
export async function storedConsolePaths(session) {
  const worker = await session.worker();
  return worker.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('token-relay');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('consolePaths')) {
            db.close();
            resolve({});
            return;
          }
          const store = db.transaction('consolePaths').objectStore('consolePaths');
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => {
            db.close();
            resolve(Object.fromEntries(keys.result.map((key, i) => [String(key), values.result[i]])));
          };
          values.onerror = () => reject(values.error);
        };
      }),
  );
}

/**
 * Records, inside the extension's worker, what the Addigy console script tells the background, in order: each
 * report's kind (with a guide's step and words) and each request for the file ('need-file'). Only kinds and the
 * guide's words are kept, never a file. Lost if the worker stops, so `list()` then throws rather than report nothing.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 */
export async function watchConsoleMessages(session) {
  const worker = await session.worker();
  await worker.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    if (g.__tokenRelayConsoleMessages) {
      g.__tokenRelayConsoleMessages.length = 0;
      return;
    }
    g.__tokenRelayConsoleMessages = [];
    // @ts-ignore chrome is the worker's global
    chrome.runtime.onMessage.addListener((/** @type {any} */ message) => {
      if (message?.type === 'console:need-file') g.__tokenRelayConsoleMessages.push({ kind: 'need-file' });
      else if (message?.type === 'console:report' && message.report) {
        const { kind, step, say } = message.report;
        g.__tokenRelayConsoleMessages.push({ kind, step, say });
      }
      // No answer: the extension's own listener answers.
      return undefined;
    });
  });
  return {
    /** @returns {Promise<Array<{ kind: string, step?: string, say?: string }>>} */
    async list() {
      const current = await session.worker();
      const messages = await current.evaluate(() => /** @type {any} */ (globalThis).__tokenRelayConsoleMessages);
      if (!Array.isArray(messages)) throw new Error('the worker restarted: the console messages were not watched');
      return messages;
    },
  };
}

/**
 * Counts what the admin does by hand in a test (clicks, keys, closing a tab), so a test can assert how many user
 * actions a renewal took. Each action is named, for the failure message.
 */
export function userActions() {
  /** @type {string[]} */
  const done = [];
  return {
    /** @param {string} what @param {() => Promise<unknown>} act */
    async do(what, act) {
      await act();
      done.push(what);
    },
    get count() {
      return done.length;
    },
    get list() {
      return [...done];
    },
  };
}

/**
 * Issue 22: the batch records the extension keeps in IndexedDB store `batches` (none if the store is absent).
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 * @returns {Promise<Array<{ id: string, step: string, items: Array<{ key: string, locationName: string, state: string }> } & Record<string, unknown>>>}
 */
export async function storedBatches(session) {
  const worker = await session.worker();
  return worker.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('token-relay');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('batches')) {
            db.close();
            resolve([]);
            return;
          }
          const all = db.transaction('batches').objectStore('batches').getAll();
          all.onsuccess = () => {
            db.close();
            resolve(all.result);
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/**
 * Test isolation for batch renewal (issue 22): forgets every batch record (IndexedDB `batches`). Call when no batch
 * runs (finished, cancelled or never confirmed); nothing if the store is absent.
 * @param {{ worker(): Promise<import('playwright-core').Worker> }} session
 */
export async function forgetBatches(session) {
  await clearDbStore(session, 'batches');
}

/**
 * What the popup's batch progress bar says ("<k> of <n> renewed"): the `<progress>` named "Batch progress", its words
 * in its text, its aria-valuetext or the element that describes it. Undefined when the popup shows none.
 * @param {import('playwright-core').Page} popup
 */
export async function batchProgress(popup) {
  const bar = popup.getByRole('progressbar', { name: 'Batch progress' });
  if ((await bar.count()) === 0) return undefined;
  return bar.first().evaluate((element) => {
    const described = (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => (id ? element.ownerDocument.getElementById(id)?.textContent ?? '' : ''))
      .join(' ');
    const said = [element.textContent, element.getAttribute('aria-valuetext'), described].map((text) => (text ?? '').trim()).find(Boolean);
    return said || undefined;
  });
}

/**
 * The popup's batch view: the region named by its heading ("Renew 11 tokens", "Renewing 11 tokens", "Batch finished").
 * @param {import('playwright-core').Page} popup
 */
export function batchView(popup) {
  return popup.getByRole('region', { name: /^(Renew \d+ tokens?|Renewing \d+ tokens?|Batch finished)$/ });
}

/**
 * The batch view's row for a location: its list item whose heading is the location's name.
 * @param {import('playwright-core').Page} popup
 * @param {string} locationName
 */
export function batchRow(popup, locationName) {
  return batchView(popup)
    .getByRole('listitem')
    .filter({ has: popup.getByRole('heading', { name: locationName, exact: true }) });
}

/** A batch row's state words, as the popup shows them (issue 22's plan). */
export const BATCH_ROW_STATES = ['Waiting', 'Downloading', 'Sending', 'Renewed', 'Needs you', 'Failed', 'Cancelled'];

/**
 * The state word a batch row shows (one of BATCH_ROW_STATES), or undefined (no such row, or no state shown yet:
 * a proposed batch's rows show none).
 * @param {import('playwright-core').Page} popup
 * @param {string} locationName
 */
export async function batchRowState(popup, locationName) {
  const row = batchRow(popup, locationName).first();
  if ((await row.count()) === 0) return undefined;
  const text = (await row.textContent({ timeout: 5_000 }).catch(() => null)) ?? '';
  const rest = text.replace(locationName, '');
  // The first state word in the row (an explanation after it may use another).
  return BATCH_ROW_STATES.filter((word) => rest.includes(word)).sort((a, b) => rest.indexOf(a) - rest.indexOf(b))[0];
}

/**
 * Has the background look at every token now (the intent `tokens:refresh`, sent from an extension page as the popup's
 * Refresh does), so a test that reset the sandbox does not see the health of the last test's world. Not a user action.
 * @param {{ openOptions(): Promise<import('playwright-core').Page> }} session
 */
export async function refreshTokenHealth(session) {
  const page = await session.openOptions();
  try {
    // @ts-ignore chrome is the extension page's global
    await page.evaluate(() => chrome.runtime.sendMessage({ type: 'tokens:refresh' }));
  } finally {
    await page.close();
  }
}
