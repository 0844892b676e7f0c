import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import {
  closeBrowserUnderTest,
  downloadedFiles,
  eventually,
  everyTokenHealthy,
  openBrowserUnderTest,
  startCleanTest,
  storedRenewals,
  TOKENS_ROUTE,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

// Issue 10, findings 6 and 7: what a script on Apple's page can make the content scripts do, and see.
describe('a hostile script on Apple’s page', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
  });

  async function openTokens(query = '', beforeLoad?: () => void): Promise<Page> {
    const page = await session.context.newPage();
    pages.push(page);
    if (beforeLoad) await page.addInitScript(beforeLoad);
    await page.goto(`https://business.apple.com/${query ? `?${query}` : ''}${TOKENS_ROUTE.slice(1)}`);
    await page.getByRole('button', { name: /Send to Addigy/ }).first().waitFor();
    return page;
  }

  /** Downloads the extension itself started (downloads.download), as the worker sees them. */
  async function extensionDownloads(): Promise<string[]> {
    const worker = await session.worker();
    return worker.evaluate(async () => {
      // @ts-ignore chrome is the worker's global
      const items: Array<{ byExtensionId?: string; filename: string }> = await chrome.downloads.search({});
      // @ts-ignore
      return items.filter((item) => item.byExtensionId === chrome.runtime.id).map((item) => item.filename);
    });
  }

  /**
   * A synthetic click on Apple's own Download control (Apple's handler is kept from running, so nothing is minted),
   * then an `<a download="x.vpptoken">` to a same-origin path: what used to make the extension take a file over.
   */
  async function clickDownloadThenLink(page: Page, href: string): Promise<void> {
    await page.evaluate((href) => {
      const control = [...document.querySelectorAll('tr')]
        .find((row) => row.textContent?.includes('Main Campus'))
        ?.querySelector<HTMLButtonElement>('button');
      if (!control) throw new Error('no Download control');
      control.addEventListener('click', (event) => event.stopImmediatePropagation(), { capture: true });
      control.click();
      const link = document.createElement('a');
      link.href = href;
      link.download = 'x.vpptoken';
      document.body.append(link);
      link.click();
    }, href);
  }

  describe('cannot make the extension take over or save a file (finding 6)', () => {
    it('a synthetic Download click and a link to a same-origin attachment named .vpptoken: no capture, nothing saved by the extension', async () => {
      const page = await openTokens();
      await clickDownloadThenLink(page, '/sandbox-api/file/x.vpptoken');
      // The browser may save the page's own download; the extension must neither fetch it nor relay it.
      await page.waitForTimeout(2_000);
      expect(await storedRenewals(session)).toEqual([]);
      expect(await extensionDownloads()).toEqual([]);
      expect(sandbox.tokenDownloads()).toHaveLength(0);
    });

    it('a synthetic Download click and a link to a missing same-origin path: no file saved at all', async () => {
      const page = await openTokens();
      await clickDownloadThenLink(page, '/sandbox-api/nothing-here');
      await page.waitForTimeout(2_000);
      expect([...downloadedFiles(session.downloadsDir).keys()]).toEqual([]);
      expect(await extensionDownloads()).toEqual([]);
      expect(await storedRenewals(session)).toEqual([]);
    });

    it('a script click on Send to Addigy does nothing; the user’s click still works', async () => {
      const page = await openTokens('delivery=https');
      await page.evaluate(() => {
        const host = [...document.querySelectorAll('token-relay-send')][0];
        host?.shadowRoot?.querySelector('button')?.click();
      });
      await page.waitForTimeout(1_500);
      expect(sandbox.tokenDownloads()).toHaveLength(0);
      expect(await storedRenewals(session)).toEqual([]);

      await page.getByRole('button', { name: 'Send to Addigy: Main Campus' }).click();
      await eventually(async () => (await storedRenewals(session)).length === 1);
      expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(1);
    });
  });

  describe('never sees captured bytes (finding 7)', () => {
    it('a message listener installed before the page loads, and a patched dispatchEvent, get nothing from a CSV or a token download', async () => {
      const page = await openTokens('delivery=blob', () => {
        const seen: string[] = [];
        (window as unknown as { seen: string[] }).seen = seen;
        const note = (event: Event) => {
          const data: unknown = (event as MessageEvent).data;
          seen.push(typeof data === 'string' ? data : (JSON.stringify(data) ?? ''));
        };
        window.addEventListener('message', note, true);
        document.addEventListener('message', note, true);
      });
      // A page script that runs later wraps the DOM's event entry points, hoping to find the bridge.
      await page.evaluate(() => {
        const seen = (window as unknown as { seen: string[] }).seen;
        const dispatch = EventTarget.prototype.dispatchEvent;
        EventTarget.prototype.dispatchEvent = function (event: Event) {
          seen.push(`${event.type} ${JSON.stringify((event as CustomEvent).detail ?? null)}`);
          return dispatch.call(this, event);
        };
        const NativeCustomEvent = window.CustomEvent;
        window.CustomEvent = class extends NativeCustomEvent<unknown> {
          constructor(type: string, init?: CustomEventInit) {
            super(type, init);
            seen.push(`new CustomEvent ${type} ${JSON.stringify(init?.detail ?? null)}`);
          }
        } as typeof CustomEvent;
      });

      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = await eventually(() => downloadedFiles(session.downloadsDir).get('content-tokens.csv'));
      expect(csv).toContain('Main Campus');

      const clickedAt = new Date().toISOString();
      await page.getByRole('row', { name: /Main Campus/ }).getByRole('button', { name: 'Download' }).click();
      const token = await eventually(() => [...downloadedFiles(session.downloadsDir)].find(([name]) => name.endsWith('.vpptoken'))?.[1]);
      // The token still reached the extension, through the private bridge. (Only this click's renewal: an earlier
      // test's console flow may still be saving its own.)
      const [renewal] = await eventually(async () => {
        const all = (await storedRenewals(session)).filter((r) => (r as { createdAt?: string }).createdAt! >= clickedAt);
        return all.length ? all : undefined;
      });
      expect((renewal as { source?: string }).source).toBe('blob');

      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      const everything = seen.join('\n');
      expect(everything).not.toContain('Location,Expires');
      expect(everything).not.toContain('Main Campus');
      expect(everything).not.toContain(token.trim().slice(0, 40));
    });
  });
});
