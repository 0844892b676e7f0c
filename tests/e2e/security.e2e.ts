import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { makeVppTokenText, startSandbox, type Sandbox } from '../sandbox/index.mjs';
import { sandboxCertificate } from '../sandbox/certificate.mjs';
import {
  downloadedFiles,
  eventually,
  everyTokenHealthy,
  launchExtension,
  renewalCard,
  saveApiKey,
  startCleanTest,
  storedRenewals,
  TOKENS_ROUTE,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

const SPY_DIR = resolve(fileURLToPath(new URL('./spy-extension', import.meta.url)));
/** A host nobody granted, planted from the content script's world; it answers CORS for anyone. */
const ATTACKER_HOST = 'attacker.example';
/** Where the extension's traffic may go: Apple's pages and API, Addigy's API, and Addigy's console (the renewal's tab). */
const EXPECTED_HOSTS = ['business.apple.com', 'school.apple.com', 'api.addigy.com', 'vpp.itunes.apple.com', 'app.addigy.com', 'login.addigy.com'];

type Seen = { event: string; field: string; url: string };

describe('security: no secret leaves its path, and no page can steer the extension', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  let attacker: Server;
  const attackerRequests: { method: string; path: string; headers: Record<string, unknown>; body: string }[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    const { key, cert } = await sandboxCertificate();
    attacker = createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        attackerRequests.push({ method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, {
          'access-control-allow-origin': '*',
          'access-control-allow-headers': '*',
          'access-control-allow-methods': '*',
          'content-type': 'application/json',
        });
        res.end('[]');
      });
    });
    await new Promise<void>((done) => attacker.listen(0, '127.0.0.1', done));
    sandbox = await startSandbox({ seed: everyTokenHealthy });
    const rules = `${sandbox.hostResolverRules}, MAP ${ATTACKER_HOST} 127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    session = await launchExtension({ hostResolverRules: rules, extraExtensions: [SPY_DIR] });
    await saveApiKey(session, sandbox.apiKey);
  });
  afterAll(async () => {
    unblockDownloads();
    await session?.close();
    await sandbox?.close();
    await new Promise((done) => attacker?.close(done));
  });
  /** The download folder cannot be written (a file stands where it was; chmod does not stop root). */
  const blockDownloads = () => {
    renameSync(session.downloadsDir, `${session.downloadsDir}.away`);
    writeFileSync(session.downloadsDir, 'not a folder');
  };
  const unblockDownloads = () => {
    if (existsSync(`${session.downloadsDir}.away`)) {
      rmSync(session.downloadsDir, { force: true });
      renameSync(`${session.downloadsDir}.away`, session.downloadsDir);
    }
  };

  beforeEach(async () => {
    unblockDownloads();
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
    attackerRequests.length = 0;
  });

  // ─── helpers ───

  async function spyWorker(): Promise<Worker> {
    const own = await session.worker();
    return eventually(() => session.context.serviceWorkers().find((w) => w.url().endsWith('/spy-worker.js') && w !== own));
  }

  /** Every download URL the spy was shown, and what downloads.search({}) finds now (seen from the spy). */
  async function whatTheSpySees(): Promise<{ seen: Seen[]; states: { id: number; state: string; error?: string }[]; history: { url: string; finalUrl: string; state: string }[] }> {
    const spy = await spyWorker();
    return spy.evaluate(async () => {
      // @ts-ignore chrome is the worker's global
      const { seen = [], states = [] } = await chrome.storage.local.get(['seen', 'states']);
      // @ts-ignore
      const items = await chrome.downloads.search({});
      return { seen, states, history: items.map((i: any) => ({ url: i.url, finalUrl: i.finalUrl, state: i.state })) };
    });
  }

  /** The token in any form a URL could carry it: as is, base64-wrapped (data: URLs), or URL-encoded. */
  function carriesToken(url: string, token: string): boolean {
    const t = token.trim();
    const forms = [t, Buffer.from(t).toString('base64'), encodeURIComponent(t)];
    return url.startsWith('data:') || forms.some((form) => url.includes(form));
  }

  async function openTokens(query: string): Promise<Page> {
    const page = await session.context.newPage();
    pages.push(page);
    await page.goto(`https://business.apple.com/?${query}${TOKENS_ROUTE.slice(1)}`);
    return page;
  }

  const row = (page: Page, location: string) => page.getByRole('row', { name: new RegExp(location) });

  async function awaitingRenewal() {
    return eventually(async () => {
      const all = await storedRenewals(session);
      return all.length > 0 && all.every((r) => r.step === 'awaiting-confirmation' || r.step === 'failed') ? all : undefined;
    }, 30_000);
  }

  /** Runs `expression` in Token Relay's content-script world of the page's top frame (a compromised renderer). */
  async function inContentScriptWorld(page: Page, expression: string): Promise<unknown> {
    const cdp = await session.context.newCDPSession(page);
    const contexts: { id: number; name: string; auxData?: { frameId?: string; type?: string } }[] = [];
    cdp.on('Runtime.executionContextCreated', (event) => contexts.push(event.context));
    await cdp.send('Runtime.enable');
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const world = await eventually(() =>
      contexts.find((c) => c.name === 'Token Relay' && c.auxData?.type === 'isolated' && c.auxData.frameId === frameTree.frame.id),
    );
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      expression,
      contextId: world.id,
      awaitPromise: true,
      returnByValue: true,
    });
    await cdp.detach();
    if (exceptionDetails) throw new Error(`content-script world: ${exceptionDetails.text}`);
    return result.value;
  }

  /** A well-formed token Apple never issued, named for a real location and padded, as in the review. */
  const forgedToken = (n: number) =>
    makeVppTokenText({ token: `FORGED-${n}-${'A'.repeat(2_000)}`, orgName: 'Acme Corp', expDate: '2030-11-08T22:33:22+0000' });

  async function pendingTokenKeys(): Promise<string[]> {
    const worker = await session.worker();
    // @ts-ignore chrome is the worker's global
    return worker.evaluate(async () => Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith('pending-token:')));
  }

  // ─── finding 1: the token in a download URL ───

  it('a taken-over https download: no download URL the spy sees holds the token, and the history holds none', async () => {
    const page = await openTokens('delivery=https');
    await row(page, 'Main Campus').getByRole('button', { name: 'Download' }).click();
    await awaitingRenewal();
    const [, saved] = await eventually(() => [...downloadedFiles(session.downloadsDir)].find(([name]) => name.endsWith('.vpptoken')));
    // The file is saved, and its history entry is gone (however the download ended).
    await eventually(async () => (await whatTheSpySees()).history.length === 0);
    const { seen, history } = await whatTheSpySees();
    expect(seen.length).toBeGreaterThan(0);
    for (const { url } of seen) expect(carriesToken(url, saved), `spy saw ${url.slice(0, 60)}…`).toBe(false);
    expect(seen.every(({ url }) => url.startsWith('blob:chrome-extension://'))).toBe(true);
    expect(history).toEqual([]);
    await page.close();
  });

  it('an interrupted save (no folder to write to) leaves no token in any URL or history entry', async () => {
    blockDownloads();
    const before = (await whatTheSpySees()).seen.length;
    const page = await openTokens('delivery=https');
    await row(page, 'Warehouse').getByRole('button', { name: 'Download' }).click();
    const [renewal] = await awaitingRenewal();
    const worker = await session.worker();
    // The relayed token, as it waits for the admin's confirmation.
    const token = (await worker.evaluate(
      // @ts-ignore chrome is the worker's global
      async (key) => (await chrome.storage.session.get(key))[key],
      `pending-token:${renewal!.id}`,
    )) as string;
    expect(token).toBeTruthy();
    // The save was attempted and was interrupted.
    await eventually(async () => (await whatTheSpySees()).seen.length > before);
    await eventually(async () => (await whatTheSpySees()).states.some((s) => s.state === 'interrupted'));
    await page.waitForTimeout(1_500);
    expect(statSync(session.downloadsDir).isFile()).toBe(true);
    unblockDownloads();
    expect(readdirSync(session.downloadsDir).filter((n) => n.endsWith('.vpptoken'))).toEqual([]);
    const { seen, history } = await eventually(async () => {
      const view = await whatTheSpySees();
      return view.history.length === 0 ? view : undefined;
    });
    expect(history).toEqual([]);
    for (const { url } of seen) expect(carriesToken(url, token), `spy saw ${url.slice(0, 60)}…`).toBe(false);
  });

  // ─── finding 4: a flood of proposals ───

  it('a flood of forged captures from the page leaves no trace; a real capture afterwards still works', async () => {
    const page = await openTokens('delivery=blob');
    await row(page, 'Main Campus').getByRole('button', { name: 'Send to Addigy' }).waitFor();
    // The badge before: the flood must not change it (whatever the token watch last saw).
    const badgeBefore = (await session.badge()).text;
    // The page world: 70 well-formed fakes as real blob: downloads the hook reads and forwards (they are
    // token-shaped), each started by a script click; and 70 more as the old window messages.
    await page.evaluate((texts) => {
      for (const text of texts) {
        const link = Object.assign(document.createElement('a'), {
          href: URL.createObjectURL(new Blob([text], { type: 'application/octet-stream' })),
          download: 'sToken_for_Main Campus.vpptoken',
        });
        document.body.append(link);
        link.click();
        link.remove();
        window.postMessage({ tag: 'token-relay:captured-download', via: 'blob', fileName: 'sToken_for_Main Campus.vpptoken', text }, location.origin);
      }
    }, Array.from({ length: 70 }, (_, i) => forgedToken(i)));
    await page.waitForTimeout(3_000);
    expect(await storedRenewals(session)).toEqual([]);
    expect(sandbox.appleRequests()).toHaveLength(0);
    expect((await session.badge()).text).toBe(badgeBefore);
    expect(await pendingTokenKeys()).toEqual([]);

    // The admin's real click still captures.
    await row(page, 'Main Campus').getByRole('button', { name: 'Send to Addigy' }).click();
    const [renewal] = await awaitingRenewal();
    expect(renewal!.step).toBe('awaiting-confirmation');
  });

  it('a flood straight from the content-script world (forging the click) is bounded per tab and in storage', async () => {
    const page = await openTokens('delivery=blob');
    await row(page, 'Main Campus').getByRole('button', { name: 'Send to Addigy' }).waitFor();
    const texts = Array.from({ length: 220 }, (_, i) => forgedToken(i));
    await inContentScriptWorld(
      page,
      `Promise.all(${JSON.stringify(texts)}.map((text) => chrome.runtime.sendMessage({ type: 'capture:file', via: 'blob', afterTrustedClick: true, fileName: 'sToken_for_Main Campus.vpptoken', text }).catch(() => undefined))).then(() => true)`,
    );
    await page.waitForTimeout(4_000);
    const records = await storedRenewals(session);
    expect(records.length).toBeLessThanOrEqual(1);
    expect(sandbox.appleRequests().length).toBeLessThanOrEqual(3);
    expect((await pendingTokenKeys()).length).toBeLessThanOrEqual(10);

    // Another tab's real capture is not held up.
    await forgetRenewalsOnly();
    const other = await openTokens('delivery=blob');
    await row(other, 'Warehouse').getByRole('button', { name: 'Send to Addigy' }).click();
    const waiting = await eventually(async () => (await storedRenewals(session)).find((r) => r.step === 'awaiting-confirmation'), 30_000);
    expect(waiting.match?.locationId).toBeTruthy();
  });

  async function forgetRenewalsOnly() {
    const worker = await session.worker();
    await worker.evaluate(
      () =>
        new Promise((done) => {
          const open = indexedDB.open('token-relay');
          open.onsuccess = () => {
            const tx = open.result.transaction('renewals', 'readwrite');
            tx.objectStore('renewals').clear();
            tx.oncomplete = () => (open.result.close(), done(undefined));
          };
        }),
    );
  }

  // ─── finding 3: a forged capture against a waiting renewal ───

  it('a forged, padded token named for a waiting location (from the content-script world) does not replace it; Renew still completes it', async () => {
    // The admin's real renewal of Warehouse: a trusted click, then Addigy's console shows its confirmation.
    const page = await openTokens('delivery=blob');
    await row(page, 'Warehouse').getByRole('button', { name: 'Send to Addigy' }).click();
    const popup = await session.openPopup();
    pages.push(popup);
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: 'Renew Warehouse in Addigy' });
    await renew.waitFor({ timeout: 30_000 });
    const [waiting] = await storedRenewals(session);
    expect(waiting).toMatchObject({ step: 'awaiting-confirmation', match: { locationId: 'loc-warehouse' } });
    const worker = await session.worker();
    const pendingToken = (key: string) =>
      // @ts-ignore chrome is the worker's global
      worker.evaluate(async (key) => (await chrome.storage.session.get(key))[key] as string | undefined, key);
    const realToken = await pendingToken(`pending-token:${waiting!.id}`);
    expect(realToken).toBeTruthy();

    // A well-formed token Apple never issued, named and labelled for Warehouse, padded past what the server takes
    // in a header (the sandbox's Node server answers HTTP 431, as the review saw Apple answer a 4xx), proposed as a clicked capture from another Apple tab's
    // compromised content-script world (its own tab, so the per-tab gate lets it through).
    const forged = makeVppTokenText({ token: `FORGED-${'A'.repeat(20_000)}`, orgName: 'Acme Corp', expDate: '2030-11-08T22:33:22+0000' });
    const other = await openTokens('delivery=blob');
    await row(other, 'Warehouse').getByRole('button', { name: 'Send to Addigy' }).waitFor();
    const answer = await inContentScriptWorld(
      other,
      `chrome.runtime.sendMessage({ type: 'capture:file', via: 'blob', afterTrustedClick: true, fileName: 'sToken_for_Warehouse.vpptoken', text: ${JSON.stringify(forged)} })`,
    );
    const forgedRecord = await eventually(async () => {
      const record = (await storedRenewals(session)).find((r) => r.id !== waiting!.id);
      return record && ['failed', 'awaiting-confirmation', 'discarded', 'done'].includes(record.step) ? record : undefined;
    }, 30_000).catch(() => undefined);
    await popup.waitForTimeout(1_000);

    // The waiting renewal survives, with its token, and the popup still offers its confirmation.
    const survivor = (await storedRenewals(session)).find((r) => r.id === waiting!.id);
    expect(survivor).toMatchObject({ step: 'awaiting-confirmation' });
    expect(await pendingToken(`pending-token:${waiting!.id}`)).toBe(realToken);
    if (forgedRecord) {
      // Apple refused it (a 4xx other than 429 is a refusal, and so is error 9622), so it was never matched by name.
      expect(forgedRecord).toMatchObject({ step: 'failed', failure: { kind: 'invalid', step: 'verified', retryable: false } });
      expect((forgedRecord as { failure?: { message?: string } }).failure?.message).toMatch(/HTTP 4\d\d|error 9622/);
      expect(await pendingToken(`pending-token:${forgedRecord.id}`)).toBeUndefined();
    } else {
      // Or the gate dropped it without a word.
      expect(answer).toBeUndefined();
    }
    await renew.waitFor();
    // Addigy's console was never handed the forged text.
    expect(sandbox.consoleUploads().some((u) => u.text.replace(/\s+/g, '') === forged)).toBe(false);

    // And Renew completes it with the real token.
    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    const uploads = sandbox.consoleUploads();
    expect(uploads.length).toBeGreaterThan(0);
    for (const upload of uploads) expect(upload.text.trim()).toBe(realToken!.trim());
    expect(uploads.filter((u) => u.stage === 'saved')).toHaveLength(1);
    for (const tab of session.context.pages()) if (/addigy\.com/.test(tab.url())) await tab.close().catch(() => undefined);
  });

  // ─── finding 2: settings that steer secrets ───

  it('an Addigy address planted in storage.local from the content-script world steers neither the key nor a token', async () => {
    const page = await openTokens('delivery=blob');
    await row(page, 'Main Campus').getByRole('button', { name: 'Send to Addigy' }).waitFor();
    await inContentScriptWorld(
      page,
      `chrome.storage.local.set({ settings: { addigyBaseUrl: 'https://${ATTACKER_HOST}/api/v2', appleVerification: true, reminderDays: [30, 14, 7, 1] } }).then(() => true)`,
    );
    try {
      // The key: a token watch from the popup. The token: a real capture, checked and matched.
      const popup = await session.openPopup();
      pages.push(popup);
      await popup.getByRole('button', { name: /Refresh|Check now/ }).first().click().catch(() => undefined);
      await row(page, 'Main Campus').getByRole('button', { name: 'Send to Addigy' }).click();
      await eventually(async () => {
        const all = await storedRenewals(session);
        return all.length > 0 && all.every((r) => ['awaiting-confirmation', 'failed'].includes(r.step));
      }, 30_000);
      await page.waitForTimeout(1_000);

      expect(attackerRequests.map((r) => `${r.method} ${r.path}`)).toEqual([]);
      const otherHosts = sandbox.requests.filter((r) => !EXPECTED_HOSTS.includes(r.host));
      expect(otherHosts.map((r) => r.host)).toEqual([]);
      // The key went only to Addigy's API.
      for (const r of sandbox.requests.filter((r) => r.headers['x-api-key'])) expect(r.host).toBe('api.addigy.com');
    } finally {
      await inContentScriptWorld(page, `chrome.storage.local.remove('settings').then(() => true)`);
    }
  });
});
