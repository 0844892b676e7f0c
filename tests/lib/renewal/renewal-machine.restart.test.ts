import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CONSOLE_BOUNDS, renewalMachineFor, type RenewalHarness, type RenewalTestDeps } from '../../support/renewal-harness';
import type { RenewalRecord, RenewalStep } from '../../../lib/renewal/renewal-record';
import { idbRenewalStore } from '../../../lib/storage/renewal-store';
import { sessionTokenVault } from '../../../lib/storage/token-vault';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import type { ConsoleConfirmation } from '../../../lib/addigy-console/console-messages';
import { err, ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { addigyProblem, appleProblem, fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

// Real IndexedDB store (fake-indexeddb) and real storage.session vault (WXT's fake browser):
// a "restart" is a new RenewalMachine over the same persisted state. The console tab is a double
// that outlives the worker, as a browser tab does.

const SECRET = 'VkxPQy0xMDAxLXNlY3JldA==';
const FILE_EXPIRY = '2030-11-08T22:33:22+0000';
const OLD_EXPIRY = '2029-11-08T22:33:22+0000';
const TEXT = makeVppTokenText({ token: SECRET, orgName: 'Acme Corp', expDate: FILE_EXPIRY });
const APPLE_CONFIG = { uId: 'LOC-1001', locationName: 'Main Campus', tokenExpirationDate: '2030-11-08T22:33:22+00:00', mdmInfo: { name: 'Addigy' } };
const CONFIRMATION: ConsoleConfirmation = { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp' };
const DROP_INTO_POPUP = /drop (it|the \.vpptoken file from your Downloads folder) into the Token Relay popup/;
const START = Date.parse('2026-11-30T12:00:00Z');

/** Steps before anything went to Addigy's console. */
const BEFORE_HAND_OVER: RenewalStep[] = ['captured', 'parsed', 'verified', 'matched'];
/** Steps whose renewal needs the token still held, and where nothing was saved in Addigy yet. */
const NEEDING_TOKEN_NOTHING_SAVED: RenewalStep[] = [...BEFORE_HAND_OVER, 'handing-over', 'previewed', 'awaiting-confirmation'];

function addigyTokens(): AddigyToken[] {
  return [
    { locationId: 'loc-main', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', expDate: OLD_EXPIRY, clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
    { locationId: 'loc-warehouse', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1002', locationName: 'Warehouse' }, syncing: false },
  ];
}

describe('RenewalMachine after a restart (IndexedDB + storage.session)', () => {
  let apple: ReturnType<typeof fakeApple>;
  let addigy: ReturnType<typeof fakeAddigy>;
  let consoleTabs: ReturnType<typeof fakeConsole>;
  let ids: number;
  let clock: number;

  const deps = (): RenewalTestDeps => ({
    store: idbRenewalStore,
    vault: sessionTokenVault,
    loadSettings: async () => ({ ...DEFAULT_SETTINGS }),
    loadApiKey: async () => 'key-1',
    createApple: () => apple.api,
    createAddigy: () => addigy.api,
    console: consoleTabs.api,
    now: () => new Date(clock),
    newId: () => `r${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  /** Each call is a fresh worker: nothing carried over but IndexedDB, storage.session and the browser's tabs. */
  const newWorker = () => renewalMachineFor(deps());

  const stored = async (id: string) => (await idbRenewalStore.get(id))!;
  const sessionContents = async () => fakeBrowser.storage.session.get(null);
  /** The browser was closed and reopened: storage.session is gone, IndexedDB is not. */
  const restartBrowser = async () => fakeBrowser.storage.session.clear();
  const forgetCalls = () => {
    apple.calls.length = 0;
    addigy.calls.length = 0;
    consoleTabs.opened.length = 0;
    consoleTabs.saves.length = 0;
  };

  async function expectNoTokenInIndexedDb() {
    const all = JSON.stringify(await idbRenewalStore.list());
    expect(all).not.toContain(TEXT);
    expect(all).not.toContain(SECRET);
  }

  /** A real capture, taken as far as `step` really goes, then the worker is gone. */
  async function killedAt(step: RenewalStep): Promise<{ id: string; tabId?: number }> {
    const worker = newWorker();
    const { id } = await worker.capture({ text: TEXT, source: 'blob', fileName: 'sToken_for_Main Campus.vpptoken' });
    await worker.settled();
    let record = await stored(id);
    expect(record.step).toBe('handing-over');
    const tabId = record.console?.tabId;
    if (BEFORE_HAND_OVER.includes(step)) {
      // Killed before the hand-over: no tab yet.
      record.step = step;
      record.console = undefined;
      await idbRenewalStore.put(record);
    } else if (step !== 'handing-over') {
      await worker.fileForConsole(id, tabId!);
      await worker.consoleReport(id, tabId!, { kind: 'confirmation', details: CONFIRMATION });
      if (step === 'previewed') {
        record = await stored(id);
        record.step = 'previewed';
        await idbRenewalStore.put(record);
      }
      if (step === 'renewing' || step === 'scanning') await worker.confirm(id);
      if (step === 'scanning') {
        // The machine records scanning, then wipes its copy: Addigy holds the token.
        record = await stored(id);
        record.step = 'scanning';
        record.renewedAt = new Date(clock).toISOString();
        await idbRenewalStore.put(record);
        await sessionTokenVault.wipe(id);
      }
    }
    expect((await stored(id)).step).toBe(step);
    forgetCalls();
    return { id, tabId };
  }

  async function resumeInNewWorker(): Promise<RenewalHarness> {
    const worker = newWorker();
    await worker.resume();
    await worker.settled();
    return worker;
  }

  beforeEach(async () => {
    await resetTokenRelayDbForTests();
    clock = START;
    apple = fakeApple({ [TEXT]: ok(APPLE_CONFIG) });
    addigy = fakeAddigy(addigyTokens(), { now: () => new Date(clock) });
    consoleTabs = fakeConsole();
    ids = 0;
  });

  it('keeps the token in storage.session and only the record in IndexedDB while handing over', async () => {
    const { id } = await newWorker().capture({ text: TEXT, source: 'blob' });
    expect(await sessionTokenVault.get(id)).toBe(TEXT);
    expect(await sessionContents()).toEqual({ [`pending-token:${id}`]: TEXT });
    await expectNoTokenInIndexedDb();
  });

  describe('worker restarted, token still in storage.session', () => {
    it.each(BEFORE_HAND_OVER)('re-runs the checks for a renewal cut short at %s, up to the hand-over', async (step) => {
      const { id } = await killedAt(step);
      await resumeInNewWorker();

      const record = await stored(id);
      expect(record.step).toBe('handing-over');
      expect(record.failure).toBeUndefined();
      expect(record.match).toMatchObject({ locationId: 'loc-main', policyId: 'pol-root', strength: 'uid' });
      expect(apple.calls).toEqual([TEXT]);
      expect(consoleTabs.opened).toEqual([
        { tabId: undefined, policyId: 'pol-root', job: { renewalId: id, locationName: 'Main Campus', fileName: 'sToken_for_Main Campus.vpptoken', policyId: 'pol-root' }, reload: false },
      ]);
      expect(await sessionTokenVault.get(id)).toBe(TEXT);
      await expectNoTokenInIndexedDb();
    });

    it('hands the job over again, once, to the tab that was handing over', async () => {
      const { id, tabId } = await killedAt('handing-over');
      const worker = await resumeInNewWorker();
      await worker.resume();
      await worker.settled();

      expect(consoleTabs.opened).toEqual([
        { tabId, policyId: 'pol-root', job: { renewalId: id, locationName: 'Main Campus', fileName: 'sToken_for_Main Campus.vpptoken', policyId: 'pol-root' }, reload: true },
      ]);
      expect(consoleTabs.created).toEqual([tabId]);
      expect(apple.calls).toHaveLength(0);
      const record = await stored(id);
      expect(record).toMatchObject({ step: 'handing-over', console: { tabId } });
      // The tab can still fetch the file from the new worker.
      expect(await worker.fileForConsole(id, tabId!)).toEqual({ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    });

    it('leaves a renewal awaiting confirmation as it is, and the new worker can press Save and finish it', async () => {
      const { id, tabId } = await killedAt('awaiting-confirmation');
      const before = await stored(id);
      const worker = await resumeInNewWorker();

      expect(await stored(id)).toEqual(before);
      expect(apple.calls).toHaveLength(0);
      expect(addigy.calls).toHaveLength(0);
      expect(consoleTabs.opened).toHaveLength(0);

      expect((await worker.confirm(id)).ok).toBe(true);
      expect(consoleTabs.saves).toEqual([{ tabId, renewalId: id }]);
      addigy.markSaved('loc-main', FILE_EXPIRY);
      await worker.consoleReport(id, tabId!, { kind: 'saved', by: 'token-relay' });
      await worker.settled();
      expect((await stored(id)).step).toBe('done');
      expect(await sessionContents()).toEqual({});
      await expectNoTokenInIndexedDb();
    });

    it('a renewal killed between previewed and awaiting-confirmation goes on to the confirmation it had read', async () => {
      const { id } = await killedAt('previewed');
      await resumeInNewWorker();
      const record = await stored(id);
      expect(record.step).toBe('awaiting-confirmation');
      expect(record.preview).toBeTruthy();
      expect(consoleTabs.opened).toHaveLength(0);
    });

    it('waits for a Save within saveMs, then asks Addigy’s API: saved → scanning → done', async () => {
      const { id } = await killedAt('renewing');
      addigy.markSaved('loc-main', FILE_EXPIRY);
      await resumeInNewWorker();
      expect((await stored(id)).step).toBe('renewing');
      expect(addigy.calls).toHaveLength(0);

      clock += CONSOLE_BOUNDS.saveMs + 1;
      await resumeInNewWorker();
      const done = await stored(id);
      expect(done.step).toBe('done');
      expect(done.lastSync).toBeTruthy();
      expect(consoleTabs.saves).toHaveLength(0);
      expect(await sessionContents()).toEqual({});
      await expectNoTokenInIndexedDb();
    });

    it('a Save Addigy did not take (old expiry) is not-saved and retryable, with the token kept; Retry hands over again', async () => {
      const { id } = await killedAt('renewing');
      clock += CONSOLE_BOUNDS.saveMs + 1;
      const worker = await resumeInNewWorker();
      const failed = await stored(id);
      expect(failed.failure).toMatchObject({ kind: 'not-saved', retryable: true });
      expect(await sessionTokenVault.get(id)).toBe(TEXT);

      expect((await worker.retry(id)).ok).toBe(true);
      await worker.settled();
      expect((await stored(id)).step).toBe('handing-over');
      expect(consoleTabs.opened).toHaveLength(1);
    });

    it('resumes polling a scan until done, without handing anything to the console', async () => {
      const { id } = await killedAt('scanning');
      addigy.markSaved('loc-main', FILE_EXPIRY, { syncingPolls: 2 });
      await resumeInNewWorker();

      const record = await stored(id);
      expect(record.step).toBe('done');
      expect(record.lastSync).toBe(new Date(START + 60_000).toISOString());
      expect(addigy.calls).toHaveLength(3);
      expect(consoleTabs.opened).toHaveLength(0);
      expect(consoleTabs.saves).toHaveLength(0);
      expect(await sessionContents()).toEqual({});
    });

    it('wipes storage.session when re-run checks end in a non-retryable failure', async () => {
      const { id } = await killedAt('verified');
      apple = fakeApple({ [TEXT]: err(appleProblem('revoked')) });
      await resumeInNewWorker();

      expect((await stored(id)).failure).toMatchObject({ kind: 'revoked', retryable: false });
      expect(await sessionContents()).toEqual({});
      expect(consoleTabs.opened).toHaveLength(0);
      await expectNoTokenInIndexedDb();
    });

    it('wipes storage.session when the user discards a resumed renewal', async () => {
      const { id } = await killedAt('awaiting-confirmation');
      const worker = await resumeInNewWorker();
      expect((await worker.discard(id)).ok).toBe(true);
      expect((await stored(id)).step).toBe('discarded');
      expect(await sessionContents()).toEqual({});
    });
  });

  describe('finished renewals are left untouched by a restart', () => {
    async function finished(kind: 'done' | 'failed-retryable' | 'failed-final' | 'discarded'): Promise<string> {
      const worker = newWorker();
      if (kind === 'failed-final') apple = fakeApple({ [TEXT]: err(appleProblem('revoked')) });
      if (kind === 'failed-retryable') addigy.overrides.listTokens = () => err(addigyProblem('unauthorized', false, 401));
      const { id, console: tab } = await worker.capture({ text: TEXT, source: 'blob' });
      if (kind === 'done') {
        await worker.fileForConsole(id, tab!.tabId!);
        await worker.consoleReport(id, tab!.tabId!, { kind: 'confirmation', details: CONFIRMATION });
        await worker.confirm(id);
        addigy.markSaved('loc-main', FILE_EXPIRY);
        await worker.consoleReport(id, tab!.tabId!, { kind: 'saved', by: 'token-relay' });
        await worker.settled();
      }
      if (kind === 'discarded') await worker.discard(id);
      delete addigy.overrides.listTokens;
      forgetCalls();
      return id;
    }

    it.each([
      ['done', 'done', false],
      ['failed-retryable', 'failed', true],
      ['failed-final', 'failed', false],
      ['discarded', 'discarded', false],
    ] as const)('%s', async (kind, step, keepsToken) => {
      const id = await finished(kind);
      const before = await stored(id);
      expect(before.step).toBe(step);
      if (kind.startsWith('failed')) expect(before.failure?.retryable).toBe(keepsToken);

      clock += CONSOLE_BOUNDS.signInMs + CONSOLE_BOUNDS.handOverMs;
      await resumeInNewWorker();
      expect(await stored(id)).toEqual(before);
      expect(apple.calls).toHaveLength(0);
      expect(addigy.calls).toHaveLength(0);
      expect(consoleTabs.opened).toHaveLength(0);
      // Only a retryable failure keeps the token, for its Retry; done, final and discarded wipe it.
      expect(await sessionTokenVault.get(id)).toBe(keepsToken ? TEXT : undefined);
      if (!keepsToken) expect(await sessionContents()).toEqual({});
      await expectNoTokenInIndexedDb();
    });
  });

  describe('browser restarted: storage.session is empty', () => {
    it('turns a retryable failure whose token is gone into clear advice, not a Retry that cannot work', async () => {
      addigy.overrides.listTokens = () => err(addigyProblem('unauthorized', false, 401));
      const record = await newWorker().capture({ text: TEXT, source: 'blob' });
      expect(record.failure?.retryable).toBe(true);
      await restartBrowser();
      await resumeInNewWorker();
      const after = await stored(record.id);
      expect(after.failure).toMatchObject({ kind: 'interrupted', step: 'matched', retryable: false });
      expect(after.failure?.nextStep).toMatch(DROP_INTO_POPUP);
    });

    it.each(NEEDING_TOKEN_NOTHING_SAVED)('reports, never drops, a renewal left at %s: nothing was saved, drop the file into the popup', async (step) => {
      const { id } = await killedAt(step);
      await restartBrowser();
      await resumeInNewWorker();

      const record = await stored(id);
      expect(record.step).toBe('failed');
      expect(record.failure).toMatchObject({ kind: 'interrupted', step, retryable: false });
      expect(record.failure?.message).toMatch(/Nothing was saved in Addigy/);
      expect(record.failure?.nextStep).toMatch(DROP_INTO_POPUP);
      expect(apple.calls).toHaveLength(0);
      expect(addigy.calls).toHaveLength(0);
      expect(consoleTabs.opened).toHaveLength(0);
      expect((await idbRenewalStore.list()).map((r) => r.id)).toEqual([id]);
      expect(await sessionContents()).toEqual({});
    });

    it('cut off mid-save with Addigy not showing the file: Addigy may already have it, check first', async () => {
      const { id } = await killedAt('renewing');
      await restartBrowser();
      clock += CONSOLE_BOUNDS.saveMs + 1;
      await resumeInNewWorker();
      const record = await stored(id);
      expect(record.failure).toMatchObject({ kind: 'interrupted', step: 'renewing', retryable: false });
      expect(record.failure?.message).toMatch(/Addigy may already have it/);
      expect(record.failure?.nextStep).toMatch(DROP_INTO_POPUP);
      expect(consoleTabs.opened).toHaveLength(0);
    });

    it('cut off mid-save after Addigy saved: finishes without the token', async () => {
      const { id } = await killedAt('renewing');
      await restartBrowser();
      addigy.markSaved('loc-main', FILE_EXPIRY);
      clock += CONSOLE_BOUNDS.saveMs + 1;
      await resumeInNewWorker();
      expect((await stored(id)).step).toBe('done');
    });

    it('still finishes a scan, which needs no token', async () => {
      const { id } = await killedAt('scanning');
      await restartBrowser();
      addigy.markSaved('loc-main', FILE_EXPIRY);
      await resumeInNewWorker();
      expect((await stored(id)).step).toBe('done');
      expect(consoleTabs.opened).toHaveLength(0);
    });

    it('reports every unfinished renewal at once, each with its own step', async () => {
      const steps: RenewalStep[] = ['parsed', 'handing-over', 'awaiting-confirmation'];
      const byStep = new Map<RenewalStep, string>();
      // Different locations, so a later capture does not replace an earlier waiting one.
      const locations = [
        { uId: 'LOC-1001', locationName: 'Main Campus' },
        { uId: 'LOC-1002', locationName: 'Warehouse' },
        { uId: 'LOC-1003', locationName: 'North High' },
      ];
      addigy.tokens.push({ locationId: 'loc-north', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1003', locationName: 'North High' } });
      for (const [n, step] of steps.entries()) {
        const text = makeVppTokenText({ token: Buffer.from(`secret-${n}`).toString('base64'), orgName: 'Acme Corp' });
        apple = fakeApple({ [text]: ok({ ...APPLE_CONFIG, ...locations[n] }) });
        const record: RenewalRecord = await newWorker().capture({ text, source: 'blob' });
        expect(record.step).toBe('handing-over');
        record.step = step;
        await idbRenewalStore.put(record);
        byStep.set(step, record.id);
      }
      await restartBrowser();
      await resumeInNewWorker();

      expect(await idbRenewalStore.list()).toHaveLength(steps.length);
      for (const step of steps) {
        const record = await stored(byStep.get(step)!);
        expect(record.step, step).toBe('failed');
        expect(record.failure).toMatchObject({ kind: 'interrupted', step });
        expect(record.failure?.nextStep).toMatch(DROP_INTO_POPUP);
      }
    });
  });
});
