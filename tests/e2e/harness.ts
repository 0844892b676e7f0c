import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/chrome-mv3');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ExtensionSession {
  context: BrowserContext;
  extensionId: string;
  downloadsDir: string;
  userDataDir: string;
  worker(): Promise<Worker>;
  openPopup(): Promise<Page>;
  openOptions(): Promise<Page>;
  badge(): Promise<{ text: string; title: string }>;
  close(): Promise<void>;
}

/** Chromium with the production build loaded unpacked and the real hostnames mapped to the sandbox. */
export async function launchExtension(hostResolverRules: string): Promise<ExtensionSession> {
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
      '--headless=new',
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
  const session = await context.newCDPSession(context.pages()[0] ?? (await context.newPage()));
  await session.send('Browser.setDownloadBehavior', { behavior: 'default' });

  const worker = async () => {
    const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    return existing ?? context.waitForEvent('serviceworker', { timeout: 30_000 });
  };
  const extensionId = new URL((await worker()).url()).host;

  const openExtensionPage = async (path: string) => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/${path}`);
    return page;
  };

  return {
    context,
    extensionId,
    downloadsDir,
    userDataDir,
    worker,
    openPopup: () => openExtensionPage('popup.html'),
    openOptions: () => openExtensionPage('options.html'),
    async badge() {
      const w = await worker();
      return w.evaluate(async () => ({
        text: await chrome.action.getBadgeText({}),
        title: await chrome.action.getTitle({}),
      }));
    },
    close: () => context.close(),
  };
}

/** Saves the API key through the Options page, as a user would. */
export async function saveApiKey(session: ExtensionSession, apiKey: string): Promise<void> {
  const options = await session.openOptions();
  await options.getByLabel('API key').fill(apiKey);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByText('Saved.').waitFor();
  await options.close();
}

/** Files the browser finished saving, by name. */
export function downloadedFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.crdownload')) files.set(name, readFileSync(join(dir, name), 'utf8'));
  }
  return files;
}

/** Polls until `check` returns a value; for state outside the page (sandbox logs, files). */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
