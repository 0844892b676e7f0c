import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { RenewalMachine, type RenewalDeps } from '../../../lib/renewal/renewal-machine';
import type { RenewalRecord, RenewalStep } from '../../../lib/renewal/renewal-record';
import { idbRenewalStore } from '../../../lib/storage/renewal-store';
import { sessionTokenVault } from '../../../lib/storage/token-vault';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import type { AddigyToken } from '../../../lib/addigy/schemas';
import { err, ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { addigyProblem, appleProblem, fakeAddigy, fakeApple } from '../../support/fake-apis';

// Real IndexedDB store (fake-indexeddb) and real storage.session vault (WXT's fake browser):
// a "restart" is a new RenewalMachine over the same persisted state.

const SECRET = 'VkxPQy0xMDAxLXNlY3JldA==';
const TEXT = makeVppTokenText({ token: SECRET, orgName: 'Acme Corp', expDate: '2030-11-08T22:33:22+0000' });
const APPLE_CONFIG = { uId: 'LOC-1001', locationName: 'Main Campus', tokenExpirationDate: '2030-11-08T22:33:22+00:00', mdmInfo: { name: 'Addigy' } };
const PREVIEW = { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp', expirationDate: '2030-11-08T22:33:22Z' };
const DROP_INTO_POPUP = /drop (it|the \.vpptoken file from your Downloads folder) into the Token Relay popup/;

const PRE_CONFIRMATION: RenewalStep[] = ['captured', 'parsed', 'verified', 'matched', 'previewed'];
const UNFINISHED_NEEDING_TOKEN: RenewalStep[] = [...PRE_CONFIRMATION, 'awaiting-confirmation', 'renewing'];

function addigyTokens(): AddigyToken[] {
  return [
    { locationId: 'loc-main', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
    { locationId: 'loc-warehouse', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1002', locationName: 'Warehouse' }, syncing: false },
  ];
}

describe('RenewalMachine after a restart (IndexedDB + storage.session)', () => {
  let apple: ReturnType<typeof fakeApple>;
  let addigy: ReturnType<typeof fakeAddigy>;
  let ids: number;

  const deps = (): RenewalDeps => ({
    store: idbRenewalStore,
    vault: sessionTokenVault,
    loadSettings: async () => ({ ...DEFAULT_SETTINGS }),
    loadApiKey: async () => 'key-1',
    createApple: () => apple.api,
    createAddigy: () => addigy.api,
    newId: () => `r${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  /** Each call is a fresh worker: nothing carried over but IndexedDB and storage.session. */
  const newWorker = () => new RenewalMachine(deps());

  const stored = async (id: string) => (await idbRenewalStore.get(id))!;
  const sessionContents = async () => fakeBrowser.storage.session.get(null);
  /** The browser was closed and reopened: storage.session is gone, IndexedDB is not. */
  const restartBrowser = async () => fakeBrowser.storage.session.clear();

  async function expectNoTokenInIndexedDb() {
    const all = JSON.stringify(await idbRenewalStore.list());
    expect(all).not.toContain(TEXT);
    expect(all).not.toContain(SECRET);
  }

  /** A real capture, then the record rewritten to `step` as a worker killed there would leave it. */
  async function killedAt(step: RenewalStep): Promise<string> {
    const worker = newWorker();
    const { id } = await worker.capture({ text: TEXT, source: 'blob', fileName: 'sToken_for_Main Campus.vpptoken' });
    await worker.settled();
    const record = await stored(id);
    expect(record.step).toBe('awaiting-confirmation');
    record.step = step;
    if (step === 'scanning') {
      // The machine wipes its copy once the PUT succeeded, before it records scanning.
      record.renewedAt = new Date().toISOString();
      await sessionTokenVault.wipe(id);
    }
    await idbRenewalStore.put(record);
    apple.calls.length = 0;
    addigy.calls.length = 0;
    return id;
  }

  async function resumeInNewWorker(): Promise<RenewalMachine> {
    const worker = newWorker();
    await worker.resume();
    await worker.settled();
    return worker;
  }

  beforeEach(async () => {
    await resetTokenRelayDbForTests();
    apple = fakeApple({ [TEXT]: ok(APPLE_CONFIG) });
    addigy = fakeAddigy(addigyTokens(), PREVIEW);
    ids = 0;
  });

  it('keeps the token in storage.session and only the record in IndexedDB while awaiting confirmation', async () => {
    const { id } = await newWorker().capture({ text: TEXT, source: 'blob' });
    expect(await sessionTokenVault.get(id)).toBe(TEXT);
    expect(await sessionContents()).toEqual({ [`pending-token:${id}`]: TEXT });
    await expectNoTokenInIndexedDb();
  });

  describe('worker restarted, token still in storage.session', () => {
    it.each(PRE_CONFIRMATION)('re-runs the checks for a renewal cut short at %s, up to awaiting confirmation', async (step) => {
      const id = await killedAt(step);
      await resumeInNewWorker();

      const record = await stored(id);
      expect(record.step).toBe('awaiting-confirmation');
      expect(record.failure).toBeUndefined();
      expect(record.match).toMatchObject({ locationId: 'loc-main', strength: 'uid' });
      expect(record.preview).toEqual(PREVIEW);
      expect(apple.calls).toEqual([TEXT]);
      expect(addigy.callsOf('previewRenewal')).toEqual([{ call: 'previewRenewal', locationId: 'loc-main', text: TEXT }]);
      expect(addigy.callsOf('renew')).toHaveLength(0);
      expect(await sessionTokenVault.get(id)).toBe(TEXT);
      await expectNoTokenInIndexedDb();
    });

    it('leaves a renewal awaiting confirmation as it is, and the new worker can still renew it', async () => {
      const id = await killedAt('awaiting-confirmation');
      const before = await stored(id);
      const worker = await resumeInNewWorker();

      expect(await stored(id)).toEqual(before);
      expect(apple.calls).toHaveLength(0);
      expect(addigy.calls).toHaveLength(0);

      expect((await worker.confirm(id)).ok).toBe(true);
      await worker.settled();
      expect((await stored(id)).step).toBe('done');
      expect(addigy.callsOf('renew')).toEqual([{ call: 'renew', locationId: 'loc-main', text: TEXT, repeat: false }]);
      expect(await sessionContents()).toEqual({});
      await expectNoTokenInIndexedDb();
    });

    it('reports an interrupted PUT as retryable at renewing, and Retry repeats it and completes', async () => {
      const id = await killedAt('renewing');
      const worker = await resumeInNewWorker();

      const interrupted = await stored(id);
      expect(interrupted.step).toBe('failed');
      expect(interrupted.failure).toMatchObject({ kind: 'interrupted', step: 'renewing', retryable: true });
      expect(addigy.callsOf('renew')).toHaveLength(0);
      // Retry needs the token, so it is still held.
      expect(await sessionTokenVault.get(id)).toBe(TEXT);

      expect((await worker.retry(id)).ok).toBe(true);
      await worker.settled();
      expect(addigy.callsOf('renew')).toEqual([{ call: 'renew', locationId: 'loc-main', text: TEXT, repeat: true }]);
      const done = await stored(id);
      expect(done.step).toBe('done');
      expect(done.failure).toBeUndefined();
      expect(done.lastSync).toBeTruthy();
      expect(await sessionContents()).toEqual({});
      await expectNoTokenInIndexedDb();
    });

    it('resumes polling a scan until done, without sending the token again', async () => {
      const id = await killedAt('scanning');
      await resumeInNewWorker();

      const record = await stored(id);
      expect(record.step).toBe('done');
      expect(record.lastSync).toBeTruthy();
      expect(addigy.callsOf('requestSync')).toEqual([{ call: 'requestSync', locationId: 'loc-main' }]);
      expect(addigy.callsOf('listTokens').length).toBeGreaterThan(0);
      expect(addigy.callsOf('renew')).toHaveLength(0);
      expect(addigy.callsOf('previewRenewal')).toHaveLength(0);
      expect(await sessionContents()).toEqual({});
    });

    it('wipes storage.session when re-run checks end in a non-retryable failure', async () => {
      const id = await killedAt('verified');
      apple = fakeApple({ [TEXT]: err(appleProblem('revoked')) });
      await resumeInNewWorker();

      expect((await stored(id)).failure).toMatchObject({ kind: 'revoked', retryable: false });
      expect(await sessionContents()).toEqual({});
      await expectNoTokenInIndexedDb();
    });

    it('wipes storage.session when the user discards a resumed renewal', async () => {
      const id = await killedAt('awaiting-confirmation');
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
      const { id } = await worker.capture({ text: TEXT, source: 'blob' });
      if (kind === 'done') {
        await worker.confirm(id);
        await worker.settled();
      }
      if (kind === 'discarded') await worker.discard(id);
      delete addigy.overrides.listTokens;
      apple.calls.length = 0;
      addigy.calls.length = 0;
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

      await resumeInNewWorker();
      expect(await stored(id)).toEqual(before);
      expect(apple.calls).toHaveLength(0);
      expect(addigy.calls).toHaveLength(0);
      // Only a retryable failure keeps the token, for its Retry; done, final and discarded wipe it.
      expect(await sessionTokenVault.get(id)).toBe(keepsToken ? TEXT : undefined);
      if (!keepsToken) expect(await sessionContents()).toEqual({});
      await expectNoTokenInIndexedDb();
    });
  });

  describe('browser restarted: storage.session is empty', () => {
    it('turns a retryable failure whose token is gone into clear advice, not a Retry that cannot work', async () => {
      addigy.overrides.listTokens = () => err(addigyProblem('unauthorized', false, 401));
      const record = await newWorker().capture({ text: TEXT, source: "blob" });
      expect(record.failure?.retryable).toBe(true);
      await restartBrowser();
      await resumeInNewWorker();
      const after = await stored(record.id);
      expect(after.failure).toMatchObject({ kind: 'interrupted', retryable: false });
      expect(after.failure?.nextStep).toMatch(DROP_INTO_POPUP);
    });

    it.each(UNFINISHED_NEEDING_TOKEN)('reports, never drops, a renewal left at %s, and tells the user to drop the file into the popup', async (step) => {
      const id = await killedAt(step);
      await restartBrowser();
      await resumeInNewWorker();

      const record = await stored(id);
      expect(record.step).toBe('failed');
      expect(record.failure).toMatchObject({ kind: 'interrupted', step, retryable: false });
      expect(record.failure?.message).toBeTruthy();
      expect(record.failure?.nextStep).toMatch(DROP_INTO_POPUP);
      // Cut off mid-save, Addigy may have the token: the user is told to check rather than told "nothing was sent".
      expect(record.failure?.message).toMatch(step === 'renewing' ? /Addigy may already have it/ : /Nothing was sent to Addigy/);
      expect(apple.calls).toHaveLength(0);
      expect(addigy.calls).toHaveLength(0);
      expect((await idbRenewalStore.list()).map((r) => r.id)).toEqual([id]);
      expect(await sessionContents()).toEqual({});
    });

    it('still finishes a scan, which needs no token', async () => {
      const id = await killedAt('scanning');
      await restartBrowser();
      await resumeInNewWorker();
      expect((await stored(id)).step).toBe('done');
      expect(addigy.callsOf('renew')).toHaveLength(0);
    });

    it('reports every unfinished renewal at once, each with its own step', async () => {
      const steps: RenewalStep[] = ['parsed', 'awaiting-confirmation', 'renewing'];
      const byStep = new Map<RenewalStep, string>();
      // Different locations, so a later capture does not replace an earlier pending one.
      for (const [n, step] of steps.entries()) {
        const text = makeVppTokenText({ token: Buffer.from(`secret-${n}`).toString('base64'), orgName: 'Acme Corp' });
        apple = fakeApple({ [text]: ok({ ...APPLE_CONFIG, uId: n === 1 ? 'LOC-1002' : 'LOC-1001', locationName: n === 1 ? 'Warehouse' : 'Main Campus' }) });
        const worker = newWorker();
        const record: RenewalRecord = await worker.capture({ text, source: 'blob' });
        expect(record.step).toBe('awaiting-confirmation');
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
