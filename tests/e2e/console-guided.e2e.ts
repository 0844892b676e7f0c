import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { decodeVppTokenText, type Sandbox } from '../sandbox/index.mjs';
import {
  closeBrowserUnderTest,
  detailValue,
  downloadedFiles,
  eventually,
  everyTokenHealthy,
  forgetConsolePaths,
  openBrowserUnderTest,
  openTokensPage,
  renewalCard,
  startCleanTest,
  storedConsolePaths,
  storedRenewals,
  userActions,
  watchConsoleMessages,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

const WAREHOUSE_UID = 'LOC-1002';
const SEND = /Send to Addigy/;
const CONSOLE_ORIGIN = 'https://app.addigy.com';
/** Token Relay's model waits this long for a step before it guides (DEFAULT_STEP_TIMEOUT_MS), plus the page's load. */
const GUIDE_WITHIN_MS = 45_000;

type Actions = ReturnType<typeof userActions>;
/** A renewal record as stored, with the console session the writer keeps (lib/mdm/renewal-writer.ts writeSessionSchema). */
type StoredRenewal = Awaited<ReturnType<typeof storedRenewals>>[number] & {
  console?: { guide?: { say: string; since: string }; fileHandedAt?: string; learnedPath?: { route: string; controls: string[] } };
};

// Issue 21: a renewal on an Addigy console that does not look like Token Relay's model (the sandbox's `unfamiliar`
// layout) goes on with the admin's help instead of dead-ending, and the second one on it needs no help.
describe('a guided renewal on an Addigy console Token Relay has no model of, in Chromium against the sandbox', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
    // A way kept by another test's guided renewal would make this one unguided.
    await forgetConsolePaths(session);
    sandbox.console.variant('unfamiliar');
  });

  const warehouse = () => sandbox.state.addigyTokens.find((t) => t.locationId === 'loc-warehouse' && !t.inheritedFrom)!;
  const uploads = () => sandbox.consoleUploads();
  const saves = () => uploads().filter((u) => u.stage === 'saved');
  const expiryOf = (text: string) => new Date(Date.parse((decodeVppTokenText(text)?.expDate ?? '').replace('+0000', 'Z'))).toISOString();
  const latestRecord = async () => (await storedRenewals(session))[0] as StoredRenewal | undefined;
  const vpptokens = () => [...downloadedFiles(session.downloadsDir)].filter(([name]) => name.endsWith('.vpptoken'));

  /** The admin: Send to Addigy beside Warehouse on Apple's page. Returns the file the browser saved. */
  async function sendWarehouse(actions: Actions): Promise<string> {
    const before = new Set(vpptokens().map(([name]) => name));
    const page = await openTokensPage(session);
    pages.push(page);
    await actions.do('Send to Addigy beside Warehouse', () => page.getByRole('row', { name: /Warehouse/ }).getByRole('button', { name: SEND }).click());
    const [, text] = await eventually(() => vpptokens().find(([name, content]) => !before.has(name) && content.trim()));
    return text.trim();
  }

  /** The popup, as the toolbar button opens it (here in a tab); opening it is not counted, as in the two-click tests. */
  async function popupPage(): Promise<Page> {
    const popup = await session.openPopup();
    pages.push(popup);
    return popup;
  }

  /** The Addigy tab that shows `locator` (Token Relay may have opened more than one over a test). */
  async function consoleTabShowing(find: (tab: Page) => Locator, timeoutMs = 30_000): Promise<Page> {
    return eventually(async () => {
      for (const tab of session.context.pages().filter((p) => p.url().startsWith(CONSOLE_ORIGIN)).reverse()) {
        if (await find(tab).isVisible().catch(() => false)) return tab;
      }
      return undefined;
    }, timeoutMs);
  }

  /** Waits until the renewal is guided (by a guide that started after `after`); the guide's words, as the console script reported them. */
  async function guideShown(after = 0): Promise<string> {
    const guide = await eventually(async () => {
      const shown = (await latestRecord())?.console?.guide;
      return shown && Date.parse(shown.since) >= after ? shown : undefined;
    }, GUIDE_WITHIN_MS);
    return guide.say;
  }

  const warehouseEntry = (tab: Page) => tab.locator('.entry').filter({ has: tab.getByText('Warehouse', { exact: true }) });
  const confirmButton = (tab: Page) => tab.getByRole('button', { name: 'Confirm', exact: true });

  /** The admin, as the guide asks: the configuration, its Volume Purchase pane, Upload new token beside Warehouse. */
  async function walkToUpload(actions: Actions, tab: Page) {
    await actions.do('open the configuration Acme Root Policy', () => tab.getByRole('link', { name: 'Acme Root Policy' }).click());
    await actions.do('open the Volume Purchase pane', () => tab.getByRole('link', { name: 'Volume Purchase' }).click());
    await actions.do('Upload new token beside Warehouse', () => warehouseEntry(tab).getByRole('link', { name: 'Upload new token' }).click());
  }

  /**
   * A whole first renewal on the unfamiliar console, guided: Send, the guide, the admin's way to the upload (Token Relay
   * hands the file over and presses Upload), the admin's Confirm in Addigy's check, "Renewed" from Addigy's API.
   */
  async function guidedRenewal(actions: Actions, popup: Page, beforeConfirm?: () => Promise<void>) {
    const file = await sendWarehouse(actions);
    const say = await guideShown();
    // The popup says what the guide in the tab says.
    await popup.getByText(say).first().waitFor({ timeout: 15_000 });
    const tab = await consoleTabShowing((t) => t.getByRole('link', { name: 'Acme Root Policy' }));
    expect(uploads()).toHaveLength(0);
    await walkToUpload(actions, tab);
    // Token Relay gave Addigy's file input the file and pressed Upload: Addigy shows its check.
    await confirmButton(tab).waitFor({ timeout: 30_000 });
    expect(uploads()).toEqual([expect.objectContaining({ stage: 'preview', accepted: true, locationId: 'loc-warehouse', text: file })]);
    await beforeConfirm?.();
    await actions.do('Confirm in Addigy’s check', () => confirmButton(tab).click());
    const done = renewalCard(popup, 'Renewed');
    await done.waitFor({ timeout: 60_000 });
    return { file, say, tab, done };
  }

  /** Addigy's API shows the file: its expiry, and a successful sync after the Save. */
  function expectRenewedInAddigy(file: string) {
    const saved = saves().find((u) => u.text === file);
    expect(saved).toMatchObject({ accepted: true, locationId: 'loc-warehouse', fileName: 'sToken_for_Warehouse.vpptoken' });
    expect(warehouse()).toMatchObject({ expDate: expiryOf(file), syncing: false, lastSyncingStatus: 'success' });
    expect(Date.parse(warehouse().lastSync)).toBeGreaterThan(saved!.at);
  }

  it('(a) completes with the admin’s clicks, the file handed over by Token Relay, and “Renewed” with the sync from Addigy’s API', async () => {
    const actions = userActions();
    const popup = await popupPage();
    const before = warehouse().expDate;
    const { file, say, tab, done } = await guidedRenewal(actions, popup, async () => {
      // Before the admin confirms, the popup says to confirm in Addigy's window, with what it could read there:
      // the uId-like identifier and the company (the layout's "Site" is no caption Token Relay knows).
      const card = renewalCard(popup, /^Preparing Warehouse in Addigy/);
      await card.getByText('Check the details in Addigy’s window and confirm there.').first().waitFor({ timeout: 30_000 });
      await eventually(async () => (await detailValue(card, 'ID number')) === warehouse().idNumber);
      expect(await detailValue(card, 'Organization')).toBe('Acme Corp');
      await popup.screenshot({ path: '.output/e2e/popup-console-guided-confirm-in-page.png' });
    });

    expect(say).toContain('Warehouse');
    expect(say).not.toContain(file);
    expect(warehouse().expDate).not.toBe(before);
    expectRenewedInAddigy(file);
    expect(await detailValue(done, 'Last successful sync')).toMatch(/\d/);
    // The file went in through Addigy's own form, once; nothing else on the page got it, and the API only read.
    expect(uploads().map((u) => [u.stage, u.accepted, u.via])).toEqual([['preview', true, undefined], ['saved', true, undefined]]);
    expect(sandbox.addigyRequests((r) => r.body.includes(file))).toHaveLength(0);
    expect(sandbox.tokenDownloads(WAREHOUSE_UID)).toHaveLength(1);
    // The way the admin took is kept, with no values: the route's shape and the UI words of what was pressed.
    const kept = (await storedConsolePaths(session))[CONSOLE_ORIGIN];
    // The configuration's name is a value, so only the pane and the row action are kept (the pane is in the query).
    expect(kept).toMatchObject({ route: '/configs/{policy}', controls: ['Volume Purchase', 'Upload new token'] });
    expect(JSON.stringify(kept)).not.toMatch(/Warehouse|Acme|pol-root|loc-warehouse/);
    await tab.screenshot({ path: '.output/e2e/console-guided-unfamiliar.png' });
    await popup.screenshot({ path: '.output/e2e/popup-console-guided-renewed.png' });

    // Send, three steps to the upload, Confirm in Addigy's check; the admin never picked a file.
    expect(actions.list).toEqual([
      'Send to Addigy beside Warehouse',
      'open the configuration Acme Root Policy',
      'open the Volume Purchase pane',
      'Upload new token beside Warehouse',
      'Confirm in Addigy’s check',
    ]);
    expect(actions.count).toBe(5);
  }, 180_000);

  it('(b) the second renewal on the same console needs no guidance: Send, then Confirm in Addigy’s check', async () => {
    const popup = await popupPage();
    await guidedRenewal(userActions(), popup);
    const messages = await watchConsoleMessages(session);

    const second = userActions();
    const file = await sendWarehouse(second);
    // Token Relay takes the kept way to the upload by itself, hands the file over and presses Upload.
    const tab = await consoleTabShowing((t) => confirmButton(t), 60_000);
    expect(uploads().filter((u) => u.text === file)).toEqual([expect.objectContaining({ stage: 'preview', accepted: true })]);
    await second.do('Confirm in Addigy’s check', () => confirmButton(tab).click());
    await eventually(async () => (await storedRenewals(session)).filter((r) => r.step === 'done').length === 2, 60_000);
    expectRenewedInAddigy(file);
    await renewalCard(popup, 'Renewed').waitFor();

    // No guide at all: the admin was never asked the way, nor told to press anything but Confirm.
    const seen = await messages.list();
    expect(seen.map((m) => m.kind)).toContain('need-file');
    expect(seen.filter((m) => m.kind === 'guide' || m.kind === 'step-missing')).toEqual([]);
    expect(second.list).toEqual(['Send to Addigy beside Warehouse', 'Confirm in Addigy’s check']);
    expect(second.count).toBe(2);
  }, 240_000);

  it('(c) reports Addigy’s refusal shown in its own markup, at once, and renews nothing', async () => {
    sandbox.console.variant('refuse-identifier');
    const actions = userActions();
    const popup = await popupPage();
    const before = { ...warehouse() };
    await sendWarehouse(actions);
    await guideShown();
    const tab = await consoleTabShowing((t) => t.getByRole('link', { name: 'Acme Root Policy' }));
    await walkToUpload(actions, tab);

    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    const refusedAt = uploads()[0]!.at;
    // Addigy's red box (no role, no model words) was read as its answer: no bound was waited out.
    expect(Date.now() - refusedAt).toBeLessThan(20_000);
    await expect(failed.getByRole('alert').textContent()).resolves.toMatch(/identifier does not match/);
    await expect(tab.locator('.notification.is-danger').textContent()).resolves.toMatch(/identifier of this token does not match/);
    const record = await latestRecord();
    expect(record).toMatchObject({ step: 'failed', failure: { kind: 'identifier-mismatch' } });
    expect(uploads().map((u) => [u.stage, u.accepted])).toEqual([['preview', false]]);
    expect(warehouse()).toMatchObject({ expDate: before.expDate, lastSync: before.lastSync, tokenText: before.tokenText });
    await popup.screenshot({ path: '.output/e2e/popup-console-guided-refused.png' });
    // Send and the three steps to the upload.
    expect(actions.count).toBe(4);
  }, 150_000);

  it('(d) the admin closing the Addigy tab midway gets Retry, which guides again and completes with the same token', async () => {
    const actions = userActions();
    const popup = await popupPage();
    const file = await sendWarehouse(actions);
    await guideShown();
    const tab = await consoleTabShowing((t) => t.getByRole('link', { name: 'Acme Root Policy' }));
    await actions.do('open the configuration Acme Root Policy', () => tab.getByRole('link', { name: 'Acme Root Policy' }).click());
    await actions.do('close the Addigy tab', () => tab.close());

    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    await expect(failed.getByRole('alert').textContent()).resolves.toMatch(/closed/);
    expect(await latestRecord()).toMatchObject({ step: 'failed', failure: { retryable: true } });
    expect(uploads()).toHaveLength(0);

    const retriedAt = Date.now();
    await actions.do('Retry in the popup', () => failed.getByRole('button', { name: 'Retry' }).click());
    await guideShown(retriedAt);
    const again = await consoleTabShowing((t) => t.getByRole('link', { name: 'Acme Root Policy' }));
    await walkToUpload(actions, again);
    await confirmButton(again).waitFor({ timeout: 30_000 });
    await actions.do('Confirm in Addigy’s check', () => confirmButton(again).click());
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expectRenewedInAddigy(file);
    // The same token: Apple was not asked for another.
    expect(sandbox.tokenDownloads(WAREHOUSE_UID)).toHaveLength(1);
    // Send, one step, closing the tab, Retry, three steps to the upload, Confirm.
    expect(actions.count).toBe(8);
  }, 240_000);

  it('(e) a file input a page script adds without the admin’s click gets no file; the one the admin’s click opens does', async () => {
    // The stray input appears 300 ms after Token Relay's guide joins the page (or 25 s after load, whichever first).
    sandbox.console.variant('late-input', { delayMs: 25_000 });
    const actions = userActions();
    const popup = await popupPage();
    const messages = await watchConsoleMessages(session);
    const file = await sendWarehouse(actions);
    await guideShown();
    const tab = await consoleTabShowing((t) => t.locator('#late-upload input[type="file"]'), 45_000);
    const lateFiles = () => tab.locator('#late-upload input[type="file"]').evaluate((input) => (input as HTMLInputElement).files?.length ?? 0);

    // Shown, on app.addigy.com, in the renewal's tab, while the renewal waits: but no trusted click opened it.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await lateFiles()).toBe(0);
    expect(uploads()).toHaveLength(0);
    expect((await messages.list()).filter((m) => m.kind === 'need-file' || m.kind === 'path')).toEqual([]);
    expect((await latestRecord())?.console?.fileHandedAt).toBeUndefined();

    await walkToUpload(actions, tab);
    await confirmButton(tab).waitFor({ timeout: 30_000 });
    await actions.do('Confirm in Addigy’s check', () => confirmButton(tab).click());
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expectRenewedInAddigy(file);
    expect(await lateFiles()).toBe(0);
    expect(uploads().filter((u) => u.via === 'late-input')).toEqual([]);
    expect(actions.count).toBe(5);
  }, 180_000);
});
