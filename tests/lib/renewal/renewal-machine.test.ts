import { beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_BOUNDS, renewalMachineFor, type RenewalHarness, type RenewalTestDeps } from '../../support/renewal-harness';
import type { RenewalRecord } from '../../../lib/renewal/renewal-record';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS, type Settings } from '../../../lib/storage/settings';
import { NEW_TOKEN_STEP } from '../../../lib/mdm/addigy/addigy-client';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import type { ConsoleConfirmation, ConsoleReport, PageOutline } from '../../../lib/addigy-console/console-messages';
import { err, ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { addigyProblem, appleProblem, fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

/** The file's expiry, as the download says it and as Addigy shows it once the renewal is saved. */
const FILE_EXPIRY = '2030-11-08T22:33:22+0000';
/** What Addigy shows for the location before the renewal. */
const OLD_EXPIRY = '2029-11-08T22:33:22+0000';
const TEXT = makeVppTokenText({ orgName: 'Acme Corp', expDate: FILE_EXPIRY });
/** A newer download for the same location. */
const NEWER_TEXT = makeVppTokenText({ token: 'bmV3ZXI=', orgName: 'Acme Corp', expDate: '2030-12-01T00:00:00Z' });
const APPLE_CONFIG = { uId: 'LOC-1001', locationName: 'Main Campus', tokenExpirationDate: '2030-11-08T22:33:22+00:00', mdmInfo: { name: 'Addigy' } };
/** What Addigy's confirmation window shows for the matching token. */
const CONFIRMATION: ConsoleConfirmation = { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp' };
const OUTLINE: PageOutline = { page: 'https://app.addigy.com/policies/pol-root', takenAt: '2026-11-30T12:00:00.000Z', nodes: ['main', 'main > table', 'main > table > row'] };
const START = Date.parse('2026-11-30T12:00:00Z');

/** Addigy's list: the location inherited into a child policy (listed first), its owning copy, and another location. */
function addigyTokens(): AddigyToken[] {
  return [
    { locationId: 'loc-main', policyId: 'pol-child', inheritedFrom: 'pol-root', orgName: 'Acme Corp', expDate: OLD_EXPIRY, clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
    { locationId: 'loc-main', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', expDate: OLD_EXPIRY, clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
    { locationId: 'loc-warehouse', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1002', locationName: 'Warehouse' }, syncing: false },
  ];
}

describe('RenewalMachine (Addigy console flow)', () => {
  let store: RenewalStore;
  let vault: ReturnType<typeof memoryTokenVault>;
  let apple: ReturnType<typeof fakeApple>;
  let addigy: ReturnType<typeof fakeAddigy>;
  let consoleTabs: ReturnType<typeof fakeConsole>;
  let settings: Settings;
  let apiKey: string | undefined;
  let changes: RenewalRecord['step'][];
  let ids: number;
  let clock: number;

  const deps = (): RenewalTestDeps => ({
    store,
    vault,
    loadSettings: async () => settings,
    loadApiKey: async () => apiKey,
    createApple: () => apple.api,
    createAddigy: () => addigy.api,
    console: consoleTabs.api,
    onChange: (r) => changes.push(r.step),
    now: () => new Date(clock),
    newId: () => `r${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const machine = () => renewalMachineFor(deps());
  const stored = async (id: string) => (await store.get(id))!;
  const advance = (ms: number) => {
    clock += ms;
  };

  /** A capture handed over to Addigy's console tab. */
  async function handedOver(m: RenewalHarness, text = TEXT, fileName = 'sToken_for_Main Campus.vpptoken') {
    const record = await m.capture({ text, source: 'blob', fileName });
    expect(record.step).toBe('handing-over');
    return { id: record.id, tabId: record.console!.tabId! };
  }

  /** …and its console script has asked for the file, as it does once Addigy's Renew window is open. */
  async function fileGiven(m: RenewalHarness, text = TEXT, fileName = 'sToken_for_Main Campus.vpptoken') {
    const { id, tabId } = await handedOver(m, text, fileName);
    expect(await m.fileForConsole(id, tabId)).toMatchObject({ text });
    return { id, tabId };
  }

  /** …and Addigy's confirmation window is open in that tab. */
  async function awaitingConfirmation(m: RenewalHarness, confirmation = CONFIRMATION) {
    const { id, tabId } = await fileGiven(m);
    await m.consoleReport(id, tabId, { kind: 'confirmation', details: confirmation });
    expect((await stored(id)).step).toBe('awaiting-confirmation');
    return { id, tabId };
  }

  beforeEach(() => {
    store = memoryRenewalStore();
    vault = memoryTokenVault();
    clock = START;
    apple = fakeApple({ [TEXT]: ok(APPLE_CONFIG), [NEWER_TEXT]: ok(APPLE_CONFIG) });
    addigy = fakeAddigy(addigyTokens(), { now: () => new Date(clock) });
    consoleTabs = fakeConsole();
    settings = { ...DEFAULT_SETTINGS };
    apiKey = 'key-1';
    changes = [];
    ids = 0;
  });

  describe('capture → handing over to the console tab', () => {
    it('checks with Apple and Addigy, then opens one tab on the owning policy with the job, keeping the token only in the vault', async () => {
      const record = await machine().capture({ text: `\n${TEXT}\r\n`, source: 'blob', fileName: 'sToken_for_Main Campus.vpptoken' });
      expect(record.step).toBe('handing-over');
      expect(changes.slice(0, 4)).toEqual(['parsed', 'verified', 'matched', 'handing-over']);
      expect(changes.at(-1)).toBe('handing-over');
      expect(record.match).toMatchObject({ locationId: 'loc-main', policyId: 'pol-root', locationName: 'Main Campus', strength: 'uid' });
      expect(record.apple).toMatchObject({ status: 'verified', uId: 'LOC-1001' });
      expect(consoleTabs.opened).toEqual([
        {
          tabId: undefined,
          policyId: 'pol-root',
          job: { renewalId: record.id, locationName: 'Main Campus', fileName: 'sToken_for_Main Campus.vpptoken', policyId: 'pol-root' },
          reload: false,
        },
      ]);
      expect(record.console).toMatchObject({ tabId: consoleTabs.created[0], since: new Date(START).toISOString() });
      expect(record.preview).toBeUndefined();
      expect(await vault.get(record.id)).toBe(TEXT);
      expect(JSON.stringify(await store.list())).not.toContain(TEXT);
      expect(apple.calls).toEqual([TEXT]);
      expect(addigy.calls).toEqual([{ call: 'listTokens' }]);
      expect(consoleTabs.saves).toEqual([]);
    });

    it.each([
      ['no file name', undefined, 'sToken_for_Main Campus.vpptoken'],
      ['a renamed download that is not a .vpptoken', 'download.bin', 'sToken_for_Main Campus.vpptoken'],
      ['the browser’s duplicate name', 'sToken_for_Main Campus (1).vpptoken', 'sToken_for_Main Campus.vpptoken'],
      ['a path', 'C:\\Users\\it\\Downloads\\sToken_for_Main Campus.vpptoken', 'sToken_for_Main Campus.vpptoken'],
      // Hostile names Apple's page could give the download: the upload is named from the location alone.
      ['a traversal', '../../evil.html', 'sToken_for_Main Campus.vpptoken'],
      ['a traversal ending in .vpptoken', '../../evil.vpptoken', 'sToken_for_Main Campus.vpptoken'],
      ['a double extension', 'sToken_for_X.vpptoken.exe', 'sToken_for_Main Campus.vpptoken'],
      ['another location’s name', 'sToken_for_Warehouse.vpptoken', 'sToken_for_Main Campus.vpptoken'],
      ['a quote', 'sToken_for_Main"Campus.vpptoken', 'sToken_for_Main Campus.vpptoken'],
    ])('names the upload sToken_for_<location>.vpptoken, never as the page named it, with %s', async (_name, fileName, expected) => {
      const record = await machine().capture({ text: TEXT, source: 'blob', fileName });
      expect(consoleTabs.opened[0]!.job.fileName).toBe(expected);
      expect(await machine().fileForConsole(record.id, record.console!.tabId!)).toEqual({ fileName: expected, text: TEXT });
    });

    it('fails at matched, without opening a tab, when Addigy’s API names no policy for the token', async () => {
      for (const t of addigy.tokens) if (t.locationId === 'loc-main') t.policyId = null;
      const record = await machine().capture({ text: TEXT, source: 'blob' });
      expect(record.failure).toMatchObject({ kind: 'no-policy', step: 'matched', retryable: false });
      expect(record.failure?.nextStep).toMatch(/press Renew beside Main Campus/);
      expect(consoleTabs.opened).toEqual([]);
      expect(vault.size()).toBe(0);
    });

    it('a tab that cannot be opened is a retryable failure at handing-over, and Retry opens it', async () => {
      consoleTabs.results.openForUpload = () => err({ kind: 'console-unavailable', message: 'Token Relay could not open a tab for Addigy.', nextStep: 'Choose Retry.' });
      const m = machine();
      const record = await m.capture({ text: TEXT, source: 'blob' });
      expect(record.failure).toMatchObject({ kind: 'console-unavailable', step: 'handing-over', retryable: true });
      expect(await vault.get(record.id)).toBe(TEXT);

      delete consoleTabs.results.openForUpload;
      expect((await m.retry(record.id)).ok).toBe(true);
      await m.settled();
      expect((await stored(record.id)).step).toBe('handing-over');
      expect(consoleTabs.opened).toHaveLength(2);
    });
  });

  describe('the file goes only to the renewal’s own tab, only while handing over', () => {
    it('gives the file to its own tab during handing-over', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      expect(await m.fileForConsole(id, tabId)).toEqual({ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    });

    it('refuses another tab, and an unknown renewal', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      expect(await m.fileForConsole(id, tabId + 1)).toBeUndefined();
      expect(await m.fileForConsole('nope', tabId)).toBeUndefined();
    });

    it('refuses once the confirmation window is shown (wrong step)', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      expect(await m.fileForConsole(id, tabId)).toBeUndefined();
    });

    it('refuses once the token is wiped, or the renewal discarded', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      await vault.wipe(id);
      expect(await m.fileForConsole(id, tabId)).toBeUndefined();

      const other = await handedOver(m);
      expect((await m.discard(other.id)).ok).toBe(true);
      expect(await m.fileForConsole(other.id, other.tabId)).toBeUndefined();
    });
  });

  describe('reports from the console tab', () => {
    it('progress updates the phase and when it began', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      advance(5_000);
      await m.consoleReport(id, tabId, { kind: 'progress', step: 'finding-token' });
      const record = await stored(id);
      expect(record.step).toBe('handing-over');
      expect(record.console).toMatchObject({ tabId, phase: 'finding-token', since: new Date(START + 5_000).toISOString() });
    });

    it('a confirmation → previewed → awaiting-confirmation, with Addigy’s values and no discrepancy when all agree', async () => {
      const m = machine();
      const { id, tabId } = await fileGiven(m);
      changes.length = 0;
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      const record = await stored(id);
      expect(changes).toEqual(['previewed', 'awaiting-confirmation']);
      expect(record.preview).toEqual(CONFIRMATION);
      expect(record.discrepancies).toEqual([]);
      expect(record.console?.phase).toBe('waiting-for-confirmation');
      expect(consoleTabs.saves).toEqual([]);
      expect(await vault.get(id)).toBe(TEXT);
    });

    it('a confirmation that disagrees with the file and Apple lists each disagreement', async () => {
      const m = machine();
      const { id } = await awaitingConfirmation(m, { ...CONFIRMATION, name: 'Warehouse', organization: 'Globex Inc' });
      const { discrepancies } = await stored(id);
      expect(discrepancies).toHaveLength(2);
      expect(discrepancies.join(' ')).toContain('"Globex Inc"');
      expect(discrepancies.join(' ')).toContain('"Warehouse"');
    });

    it('reports from another tab, for an unknown renewal, or at the wrong step change nothing', async () => {
      const m = machine();
      const { id, tabId } = await fileGiven(m);
      const before = await stored(id);
      const reports: ConsoleReport[] = [
        { kind: 'progress', step: 'opening-renew' },
        { kind: 'confirmation', details: CONFIRMATION },
        { kind: 'saved', by: 'admin' },
        { kind: 'refused', text: 'The identifier does not match' },
        { kind: 'step-missing', step: 'opening-renew', what: 'Addigy’s Renew button' },
      ];
      for (const report of reports) await m.consoleReport(id, tabId + 1, report);
      await m.consoleReport('nope', tabId, { kind: 'refused', text: 'x' });
      // `saved` while the file is still being handed over is not a save Token Relay can count.
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'admin' });
      await m.settled();
      expect(await stored(id)).toEqual(before);

      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      const waiting = await stored(id);
      await m.consoleReport(id, tabId, { kind: 'progress', step: 'finding-token' });
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: { ...CONFIRMATION, name: 'Warehouse' } });
      expect(await stored(id)).toEqual(waiting);
    });

    it('a finished renewal ignores its tab', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      await m.discard(id);
      const before = await stored(id);
      await m.consoleReport(id, tabId, { kind: 'step-missing', step: 'finding-token', what: 'x', outline: OUTLINE });
      await m.consoleTabClosed(tabId);
      expect(await m.consoleNeedsSignIn(tabId)).toBe(false);
      expect(await stored(id)).toEqual(before);
    });
  });

  describe('confirm, Save and Addigy’s rescan', () => {
    it('confirm → renewing, and Token Relay asks the tab to press Save', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      advance(1_000);
      const reply = await m.confirm(id);
      expect(reply.ok).toBe(true);
      const record = await stored(id);
      expect(record.step).toBe('renewing');
      expect(record.console).toMatchObject({ tabId, phase: 'saving', since: new Date(START + 1_000).toISOString() });
      expect(consoleTabs.saves).toEqual([{ tabId, renewalId: id }]);
      // A second click cannot press Save twice.
      expect(await m.confirm(id)).toMatchObject({ ok: false, error: { kind: 'wrong-step' } });
      expect(consoleTabs.saves).toHaveLength(1);
    });

    it('saved by Token Relay → scanning, token wiped, polls until Addigy shows the file’s expiry and a later successful sync → done', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.confirm(id);
      advance(2_000);
      addigy.markSaved('loc-main', FILE_EXPIRY, { syncingPolls: 2 });
      changes.length = 0;
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'token-relay' });
      await m.settled();

      const done = await stored(id);
      expect(changes[0]).toBe('scanning');
      expect(done.step).toBe('done');
      expect(done.savedBy).toBe('token-relay');
      expect(done.renewedAt).toBe(new Date(START + 2_000).toISOString());
      expect(done.lastSync).toBe(new Date(START + 2_000 + 60_000).toISOString());
      expect(done.newExpiry).toBe('2030-11-08T22:33:22.000Z');
      expect(done.failure).toBeUndefined();
      // Two polls saw the rescan running, the third its end.
      expect(addigy.calls).toHaveLength(1 + 3);
      expect(vault.size()).toBe(0);
    });

    it('keeps polling while Addigy reports a successful sync but still the old expiry', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.confirm(id);
      addigy.rescan('loc-main', { syncingPolls: 0 });
      const list = addigy.api.listTokens;
      // Addigy's list catches up with the saved expiry on the third poll.
      addigy.api.listTokens = async () => {
        if (addigy.calls.length === 3) addigy.owning('loc-main')!.expDate = FILE_EXPIRY;
        return list();
      };
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'token-relay' });
      await m.settled();
      expect((await stored(id)).step).toBe('done');
      expect(addigy.calls).toHaveLength(1 + 3);
    });

    it('saved by the admin in Addigy’s own window, straight from awaiting-confirmation, counts as the confirmation', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      addigy.markSaved('loc-main', FILE_EXPIRY);
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'admin' });
      await m.settled();
      const done = await stored(id);
      expect(done.step).toBe('done');
      expect(done.savedBy).toBe('admin');
      expect(consoleTabs.saves).toEqual([]);
      expect(vault.size()).toBe(0);
    });

    it('ends not-saved when Addigy’s rescan succeeds but it keeps the old expiry', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.confirm(id);
      addigy.rescan('loc-main');
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'token-relay' });
      await m.settled();
      const record = await stored(id);
      expect(record.step).toBe('failed');
      expect(record.failure).toMatchObject({ kind: 'not-saved', step: 'scanning', retryable: true });
      expect(record.failure?.message).toBe('Addigy’s page accepted the Save, but Addigy still shows the old expiry for Main Campus.');
      expect(record.lastSync).toBeUndefined();
      expect(addigy.calls).toHaveLength(1 + 5);
    });

    it('shows Addigy’s scan error with guidance', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.confirm(id);
      addigy.markSaved('loc-main', FILE_EXPIRY, { syncingPolls: 1, error: 'Bad status response[400]: "Error syncing token"' });
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'token-relay' });
      await m.settled();
      const record = await stored(id);
      expect(record.failure).toMatchObject({ kind: 'scan-failed', step: 'scanning', retryable: true });
      expect(record.failure?.detail).toContain('Error syncing token');
      expect(record.renewedAt).toBeTruthy();
    });

    it('a Save that cannot reach the tab answers console-closed and leaves a retryable failure', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      consoleTabs.close(tabId);
      const reply = await m.confirm(id);
      expect(reply).toMatchObject({ ok: false, error: { kind: 'console-closed' } });
      expect((await stored(id)).failure).toMatchObject({ kind: 'console-closed', retryable: true });
      expect(await vault.get(id)).toBe(TEXT);
    });
  });

  describe('Addigy’s page refuses, or a step is missing', () => {
    it('an identifier mismatch is final: token wiped, and the next step is a new token in Addigy', async () => {
      const m = machine();
      const { id, tabId } = await fileGiven(m);
      await m.consoleReport(id, tabId, { kind: 'refused', text: 'The identifier of the uploaded token does not match this token.' });
      const record = await stored(id);
      expect(record.step).toBe('failed');
      expect(record.failure).toMatchObject({ kind: 'identifier-mismatch', step: 'handing-over', retryable: false, nextStep: NEW_TOKEN_STEP });
      expect(record.failure?.message).toContain('Main Campus');
      expect(record.failure?.detail).toBe('The identifier of the uploaded token does not match this token.');
      expect(vault.size()).toBe(0);
      expect(await m.retry(id)).toMatchObject({ ok: false, error: { kind: 'wrong-step' } });
    });

    it('an expired or revoked token in Addigy’s words is final too, with a fresh download as the next step', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.consoleReport(id, tabId, { kind: 'refused', text: 'Error syncing token: 9625 revoked' });
      expect((await stored(id)).failure).toMatchObject({ kind: 'console-refused-token', retryable: false, step: 'awaiting-confirmation' });
      expect(vault.size()).toBe(0);
    });

    it('any other error box is retryable, keeps the token, and Addigy’s words lose any token text', async () => {
      const m = machine();
      const { id, tabId } = await fileGiven(m);
      await m.consoleReport(id, tabId, { kind: 'refused', text: `Something went wrong ${'QUJD'.repeat(15)}` });
      const record = await stored(id);
      expect(record.failure).toMatchObject({ kind: 'console-refused', retryable: true, step: 'handing-over' });
      expect(record.failure?.detail).toBe('Something went wrong [redacted]');
      expect(await vault.get(id)).toBe(TEXT);
    });

    it('the manual steps name the file as it is in Downloads, while Addigy gets the location-built name', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m, TEXT, 'sToken_for_Main Campus (1).vpptoken');
      expect(await m.fileForConsole(id, tabId)).toEqual({ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
      await m.consoleReport(id, tabId, { kind: 'step-missing', step: 'opening-renew', what: 'Addigy’s Renew button', outline: OUTLINE });
      expect((await stored(id)).failure?.nextStep).toContain('drop sToken_for_Main Campus (1).vpptoken from your Downloads folder');
    });

    it('a missing step fails with the manual steps and the page report, and Retry hands over again in the same tab', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      await m.consoleReport(id, tabId, { kind: 'step-missing', step: 'opening-renew', what: 'Addigy’s Renew button', outline: OUTLINE });
      const failed = await stored(id);
      expect(failed.step).toBe('failed');
      expect(failed.failure).toMatchObject({ kind: 'console-step-missing', step: 'handing-over', retryable: true });
      expect(failed.failure?.message).toBe('Token Relay could not find Addigy’s Renew button for Main Campus.');
      expect(failed.failure?.nextStep).toContain(
        'press Renew beside Main Campus, drop sToken_for_Main Campus.vpptoken from your Downloads folder into the window',
      );
      expect(failed.failure?.nextStep).toMatch(/Or choose Retry\.$/);
      expect(failed.pageReport).toEqual({ site: 'addigy', outline: OUTLINE });
      expect(await vault.get(id)).toBe(TEXT);

      expect((await m.retry(id)).ok).toBe(true);
      await m.settled();
      const again = await stored(id);
      expect(again.step).toBe('handing-over');
      expect(again.failure).toBeUndefined();
      expect(again.pageReport).toBeUndefined();
      expect(again.console?.tabId).toBe(tabId);
      expect(consoleTabs.opened.map((o) => o.tabId)).toEqual([undefined, tabId]);
      // What the failed attempt left on screen is not trusted: the page is loaded afresh.
      expect(consoleTabs.opened.map((o) => o.reload)).toEqual([false, true]);
      expect(consoleTabs.created).toEqual([tabId]);
      expect(await m.fileForConsole(id, tabId)).toEqual({ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    });

    it.each([
      ['finding-token', 'Token Relay could not find the token in Addigy’s Apple Apps section for Main Campus.'],
      ['waiting-for-confirmation', 'Token Relay could not find Addigy’s confirmation window for Main Campus.'],
    ] as const)('names the missing step %s', async (step, message) => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      await m.consoleReport(id, tabId, { kind: 'step-missing', step, what: 'x' });
      const record = await stored(id);
      expect(record.failure?.message).toBe(message);
      expect(record.pageReport).toBeUndefined();
    });
  });

  describe('the console tab closed', () => {
    it('during handing-over: failed console-closed, retryable; Retry opens a new tab as the old one is gone', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      consoleTabs.close(tabId);
      await m.consoleTabClosed(tabId);
      const failed = await stored(id);
      expect(failed.failure).toMatchObject({ kind: 'console-closed', step: 'handing-over', retryable: true });
      expect(failed.failure?.message).toContain('Main Campus');
      expect(await vault.get(id)).toBe(TEXT);

      expect((await m.retry(id)).ok).toBe(true);
      await m.settled();
      const reopened = await stored(id);
      expect(consoleTabs.opened[1]).toMatchObject({ tabId, policyId: 'pol-root', reload: true });
      expect(consoleTabs.created).toHaveLength(2);
      const newTab = consoleTabs.created[1]!;
      expect(newTab).not.toBe(tabId);
      expect(reopened).toMatchObject({ step: 'handing-over', console: { tabId: newTab } });
      expect(await m.fileForConsole(id, tabId)).toBeUndefined();
      expect(await m.fileForConsole(id, newTab)).toEqual({ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    });

    it('during renewing, after Addigy saved: its API says so → scanning → done', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.confirm(id);
      addigy.markSaved('loc-main', FILE_EXPIRY);
      const callsBefore = addigy.calls.length;
      await m.consoleTabClosed(tabId);
      await m.settled();
      const done = await stored(id);
      expect(done.step).toBe('done');
      expect(done.renewedAt).toBeTruthy();
      expect(addigy.calls.length).toBeGreaterThan(callsBefore + 1);
      expect(vault.size()).toBe(0);
    });

    it('during renewing, not saved: failed not-saved, retryable, token kept; Retry hands over again', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.confirm(id);
      consoleTabs.close(tabId);
      await m.consoleTabClosed(tabId);
      await m.settled();
      const failed = await stored(id);
      expect(failed.failure).toMatchObject({ kind: 'not-saved', retryable: true });
      expect(failed.failure?.message).toContain('Main Campus');
      expect(await vault.get(id)).toBe(TEXT);

      await m.retry(id);
      await m.settled();
      expect((await stored(id)).step).toBe('handing-over');
      expect(consoleTabs.created).toHaveLength(2);
    });
  });

  describe('sign-in and bounds', () => {
    it('marks the wait for sign-in; a later progress clears it', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      advance(1_000);
      expect(await m.consoleNeedsSignIn(tabId)).toBe(true);
      expect((await stored(id)).console?.signInSince).toBe(new Date(START + 1_000).toISOString());
      // The mark is kept, not moved, while the tab stays on the sign-in page.
      advance(1_000);
      expect(await m.consoleNeedsSignIn(tabId)).toBe(true);
      expect((await stored(id)).console?.signInSince).toBe(new Date(START + 1_000).toISOString());

      await m.consoleReport(id, tabId, { kind: 'progress', step: 'opening-apple-apps' });
      expect((await stored(id)).console?.signInSince).toBeUndefined();
      expect(await m.consoleNeedsSignIn(tabId + 1)).toBe(false);
    });

    it('a confirmation or an error box shown before the file was handed over is about another upload: ignored', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      await m.consoleReport(id, tabId, { kind: 'refused', text: 'Bad status response[400]: "Error syncing token"' });
      let record = await stored(id);
      expect(record.step).toBe('handing-over');
      expect(record.preview).toBeUndefined();
      expect(await vault.get(id)).toBe(TEXT);
      // Once this renewal's file is given, Addigy's window is about it.
      await m.fileForConsole(id, tabId);
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      record = await stored(id);
      expect(record.step).toBe('awaiting-confirmation');
      expect(record.console?.fileHandedAt).toBeTruthy();
    });

    it('a confirmation straight after sign-in clears the wait too, so no stale mark can time the renewal out', async () => {
      const m = machine();
      const { id, tabId } = await fileGiven(m);
      await m.consoleNeedsSignIn(tabId);
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      const record = await stored(id);
      expect(record.step).toBe('awaiting-confirmation');
      expect(record.console?.signInSince).toBeUndefined();
    });

    it('gives the admin signInMs to sign in, then fails sign-in-timeout, retryable, keeping the token', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      await m.consoleNeedsSignIn(tabId);
      advance(CONSOLE_BOUNDS.signInMs - 1);
      await m.resume();
      expect((await stored(id)).step).toBe('handing-over');

      advance(2);
      await m.resume();
      const failed = await stored(id);
      expect(failed.failure).toMatchObject({ kind: 'sign-in-timeout', step: 'handing-over', retryable: true });
      expect(failed.failure?.message).toMatch(/10 minutes/);
      expect(await vault.get(id)).toBe(TEXT);
    });

    it('a tab silent beyond handOverMs fails console-silent, retryable', async () => {
      const m = machine();
      const { id, tabId } = await handedOver(m);
      await m.consoleReport(id, tabId, { kind: 'progress', step: 'opening-apple-apps' });
      advance(CONSOLE_BOUNDS.handOverMs - 1);
      await m.resume();
      expect((await stored(id)).step).toBe('handing-over');
      expect(consoleTabs.opened).toHaveLength(1);

      advance(2);
      await m.resume();
      const failed = await stored(id);
      expect(failed.failure).toMatchObject({ kind: 'console-silent', step: 'handing-over', retryable: true });
      expect(failed.failure?.message).toContain('Main Campus');
      expect(failed.failure?.nextStep).toMatch(/^Choose Retry\. To renew by hand/);
      expect(await vault.get(id)).toBe(TEXT);
    });

    it('honours shorter bounds given by the caller', async () => {
      const m = renewalMachineFor({ ...deps(), consoleBounds: { handOverMs: 1_000 } });
      const { id } = await handedOver(m);
      advance(1_001);
      await m.resume();
      expect((await stored(id)).failure?.kind).toBe('console-silent');
    });

    it('a confirmation window waits for the admin without a bound', async () => {
      const m = machine();
      const { id } = await awaitingConfirmation(m);
      advance(24 * 60 * 60_000);
      await m.resume();
      expect((await stored(id)).step).toBe('awaiting-confirmation');
    });
  });

  describe('another MDM holds the location', () => {
    beforeEach(() => {
      apple = fakeApple({ [TEXT]: ok({ ...APPLE_CONFIG, mdmInfo: { name: 'Jamf Pro' } }) });
    });

    it('waits at awaiting-confirmation without a preview, and nothing is handed to Addigy', async () => {
      const record = await machine().capture({ text: TEXT, source: 'blob' });
      expect(record.step).toBe('awaiting-confirmation');
      expect(record.otherMdm).toBe('Jamf Pro');
      expect(record.preview).toBeUndefined();
      expect(consoleTabs.opened).toEqual([]);
    });

    it('confirm without the extra yes → needs-mdm-override and nothing opened; with it → handed over', async () => {
      const m = machine();
      const { id } = await m.capture({ text: TEXT, source: 'blob' });
      expect(await m.confirm(id)).toMatchObject({ ok: false, error: { kind: 'needs-mdm-override' } });
      await m.settled();
      expect(consoleTabs.opened).toEqual([]);
      expect((await stored(id)).step).toBe('awaiting-confirmation');

      expect((await m.confirm(id, { acceptOtherMdm: true })).ok).toBe(true);
      await m.settled();
      const handed = await stored(id);
      expect(handed.step).toBe('handing-over');
      expect(handed.otherMdmAccepted).toBe(true);
      expect(consoleTabs.opened).toHaveLength(1);
      expect(consoleTabs.saves).toEqual([]);

      // Once Addigy's window is shown, the ordinary confirm presses Save.
      const tabId = handed.console!.tabId!;
      await m.fileForConsole(id, tabId);
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      expect((await m.confirm(id)).ok).toBe(true);
      expect(consoleTabs.saves).toEqual([{ tabId, renewalId: id }]);
    });
  });

  describe('one renewal per location', () => {
    it('a newer capture of the same location (same uId) replaces a waiting one and reuses its tab', async () => {
      const m = machine();
      const first = await handedOver(m);
      const second = await m.capture({ text: NEWER_TEXT, source: 'blob', fileName: 'sToken_for_Main Campus (1).vpptoken' });
      expect(second.replacedPending).toBe(true);
      expect(second.step).toBe('handing-over');
      expect((await stored(first.id)).step).toBe('discarded');
      expect(await vault.get(first.id)).toBeUndefined();
      expect(await vault.get(second.id)).toBe(NEWER_TEXT);
      expect(consoleTabs.opened[1]).toMatchObject({ tabId: first.tabId, job: { renewalId: second.id }, reload: true });
      expect(consoleTabs.created).toEqual([first.tabId]);
      expect(second.console?.tabId).toBe(first.tabId);
      expect(await m.fileForConsole(first.id, first.tabId)).toBeUndefined();
      expect(await m.fileForConsole(second.id, first.tabId)).toMatchObject({ text: NEWER_TEXT });
    });

    it('a newer capture also replaces one awaiting confirmation', async () => {
      const m = machine();
      const first = await awaitingConfirmation(m);
      const second = await m.capture({ text: NEWER_TEXT, source: 'blob' });
      expect(second.replacedPending).toBe(true);
      expect((await stored(first.id)).step).toBe('discarded');
      expect(second.console?.tabId).toBe(first.tabId);
    });

    it('a newer capture while Addigy is saving the same location waits its turn: already-saving, nothing handed over', async () => {
      const m = machine();
      const first = await awaitingConfirmation(m);
      await m.confirm(first.id);
      expect((await stored(first.id)).step).toBe('renewing');
      const opened = consoleTabs.opened.length;
      const second = await m.capture({ text: NEWER_TEXT, source: 'blob' });
      expect(second.failure).toMatchObject({ kind: 'already-saving', step: 'matched', retryable: false });
      expect(consoleTabs.opened).toHaveLength(opened);
      expect((await stored(first.id)).step).toBe('renewing');
      expect(await vault.get(second.id)).toBeUndefined();
    });

    it('a name-only match (Apple unreachable) never replaces a waiting renewal: already-waiting', async () => {
      const m = machine();
      const first = await handedOver(m);
      apple = fakeApple({ [NEWER_TEXT]: err(appleProblem('unreachable', { transient: true })) });
      const second = await m.capture({ text: NEWER_TEXT, source: 'blob', fileName: 'sToken_for_Main Campus (1).vpptoken' });
      expect(second.match?.strength).toBe('name');
      expect(second.failure).toMatchObject({ kind: 'already-waiting', step: 'matched', retryable: false });
      expect(await vault.get(second.id)).toBeUndefined();
      expect((await stored(first.id)).step).toBe('handing-over');
      expect(await vault.get(first.id)).toBe(TEXT);
      expect(consoleTabs.opened).toHaveLength(1);
    });

    it('another location is not touched', async () => {
      const m = machine();
      const first = await handedOver(m);
      const warehouseText = makeVppTokenText({ token: 'd2FyZWhvdXNl', orgName: 'Acme Corp' });
      apple = fakeApple({ [warehouseText]: ok({ ...APPLE_CONFIG, uId: 'LOC-1002', locationName: 'Warehouse' }) });
      const second = await m.capture({ text: warehouseText, source: 'blob' });
      expect(second.step).toBe('handing-over');
      expect(second.replacedPending).toBeUndefined();
      expect((await stored(first.id)).step).toBe('handing-over');
      expect(consoleTabs.created).toHaveLength(2);
    });
  });

  describe('checks before the hand-over', () => {
    it('rejects a wrong file without storing anything secret', async () => {
      const record = await machine().capture({ text: '<!doctype html><p>Sign in</p>', source: 'blob' });
      expect(record.failure).toMatchObject({ kind: 'not-a-token-file', retryable: false });
      expect(vault.size()).toBe(0);
      expect(apple.calls).toHaveLength(0);
      expect(consoleTabs.opened).toHaveLength(0);
    });

    it.each([
      ['revoked', appleProblem('revoked', { errorNumber: 9625, status: 401 })],
      ['invalid (HTTP 404)', appleProblem('invalid', { status: 404 })],
      ['invalid (HTTP 410)', appleProblem('invalid', { status: 410 })],
      ['apple-error with an unknown number', appleProblem('apple-error', { errorNumber: 9999, status: 400 })],
      ['bad-response with a 4xx', appleProblem('bad-response', { status: 404 })],
    ])('Apple refusing the token (%s) fails at verified before Addigy is touched', async (_name, problem) => {
      apple = fakeApple({ [TEXT]: err(problem) });
      const record = await machine().capture({ text: TEXT, source: 'blob' });
      expect(record.failure).toMatchObject({ kind: problem.kind, step: 'verified', retryable: false });
      expect(addigy.calls).toHaveLength(0);
      expect(consoleTabs.opened).toHaveLength(0);
      expect(vault.size()).toBe(0);
    });

    it.each([
      ['unreachable', appleProblem('unreachable', { transient: true })],
      ['rate-limited', appleProblem('rate-limited', { transient: true, status: 429 })],
      ['a temporary Apple error', appleProblem('apple-error', { errorNumber: 9603, transient: true })],
      ['a 200 in an unknown shape', appleProblem('bad-response', { status: 200 })],
    ])('Apple not consulted (%s): goes on by names, with Addigy’s window as the gate', async (_name, problem) => {
      apple = fakeApple({ [TEXT]: err(problem) });
      const record = await machine().capture({ text: TEXT, source: 'blob', fileName: 'sToken_for_Main Campus (1).vpptoken' });
      expect(record.step).toBe('handing-over');
      expect(record.apple).toMatchObject({ status: 'unreachable', note: problem.message });
      expect(record.match).toMatchObject({ locationId: 'loc-main', strength: 'name' });
    });

    it('without Apple, will not guess between two locations of one organisation', async () => {
      apple = fakeApple({ [TEXT]: err(appleProblem('unreachable', { transient: true })) });
      const record = await machine().capture({ text: TEXT, source: 'file', fileName: 'renamed.vpptoken' });
      expect(record.failure?.kind).toBe('ambiguous');
      expect(consoleTabs.opened).toHaveLength(0);
    });

    it('keeps the token through a wrong API key, and Retry goes on to the hand-over', async () => {
      addigy.overrides.listTokens = () => err(addigyProblem('unauthorized', false, 401));
      const m = machine();
      const record = await m.capture({ text: TEXT, source: 'blob' });
      expect(record.failure).toMatchObject({ kind: 'unauthorized', retryable: true, step: 'matched' });
      expect(await vault.get(record.id)).toBe(TEXT);

      delete addigy.overrides.listTokens;
      expect((await m.retry(record.id)).ok).toBe(true);
      await m.settled();
      expect((await stored(record.id)).step).toBe('handing-over');
    });

    it('without an API key: not-configured, retryable, token kept', async () => {
      apiKey = undefined;
      const record = await machine().capture({ text: TEXT, source: 'blob' });
      expect(record.failure).toMatchObject({ kind: 'not-configured', retryable: true });
      expect(await vault.get(record.id)).toBe(TEXT);
    });

    it('discarding wipes the token; a renewal being saved cannot be discarded', async () => {
      const m = machine();
      const { id } = await handedOver(m);
      await m.discard(id);
      expect((await stored(id)).step).toBe('discarded');
      expect(vault.size()).toBe(0);

      const other = await awaitingConfirmation(m);
      await m.confirm(other.id);
      expect(await m.discard(other.id)).toMatchObject({ ok: false, error: { kind: 'wrong-step' } });
    });
  });

  describe('after a worker restart (a new machine over the same store and vault)', () => {
    it('hands the job over again, once, to a tab that was handing over', async () => {
      const { id, tabId } = await handedOver(machine());
      const restarted = machine();
      await restarted.resume();
      await restarted.settled();
      await restarted.resume();
      await restarted.settled();
      expect(consoleTabs.opened).toHaveLength(2);
      expect(consoleTabs.opened[1]).toMatchObject({ tabId, policyId: 'pol-root', job: { renewalId: id }, reload: true });
      expect((await stored(id)).step).toBe('handing-over');
    });

    it('resumes polling a scan', async () => {
      const m = machine();
      const { id, tabId } = await awaitingConfirmation(m);
      await m.confirm(id);
      // The worker stopped right after recording scanning.
      const record = await stored(id);
      record.step = 'scanning';
      record.renewedAt = new Date(clock).toISOString();
      await store.put(record);
      await vault.wipe(id);
      addigy.markSaved('loc-main', FILE_EXPIRY);

      const restarted = machine();
      await restarted.resume();
      await restarted.settled();
      expect((await stored(id)).step).toBe('done');
      expect(consoleTabs.saves).toEqual([{ tabId, renewalId: id }]);
    });

    it('checks the API for a Save unanswered past saveMs, and not before', async () => {
      const m = machine();
      const { id } = await awaitingConfirmation(m);
      await m.confirm(id);
      addigy.markSaved('loc-main', FILE_EXPIRY);
      const callsBefore = addigy.calls.length;

      advance(CONSOLE_BOUNDS.saveMs - 1);
      const restarted = machine();
      await restarted.resume();
      await restarted.settled();
      expect((await stored(id)).step).toBe('renewing');
      expect(addigy.calls).toHaveLength(callsBefore);

      advance(2);
      await restarted.resume();
      await restarted.settled();
      expect((await stored(id)).step).toBe('done');
    });

    it.each([
      ['handing-over', /Nothing was saved in Addigy/],
      ['awaiting-confirmation', /Nothing was saved in Addigy/],
    ] as const)('a lost token at %s is reported as interrupted, with the file to drop into the popup', async (step, message) => {
      const m = machine();
      const { id } = step === 'handing-over' ? await handedOver(m) : await awaitingConfirmation(m);
      await vault.wipe(id);
      await machine().resume();
      const record = await stored(id);
      expect(record.failure).toMatchObject({ kind: 'interrupted', step, retryable: false });
      expect(record.failure?.message).toMatch(message);
      expect(record.failure?.nextStep).toMatch(/drop it into the Token Relay popup/);
    });

    it('a lost token while saving: Addigy may already have it, so check first', async () => {
      const m = machine();
      const { id } = await awaitingConfirmation(m);
      await m.confirm(id);
      await vault.wipe(id);
      advance(CONSOLE_BOUNDS.saveMs + 1);
      const restarted = machine();
      await restarted.resume();
      await restarted.settled();
      const record = await stored(id);
      expect(record.failure).toMatchObject({ kind: 'interrupted', step: 'renewing', retryable: false });
      expect(record.failure?.message).toMatch(/Addigy may already have it/);
      expect(record.failure?.nextStep).toMatch(/Check the token’s last successful sync in Addigy/);
    });
  });
});
