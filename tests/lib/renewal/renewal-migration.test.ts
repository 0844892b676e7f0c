import { beforeEach, describe, expect, it } from 'vitest';
import { renewalMachineFor, type RenewalTestDeps } from '../../support/renewal-harness';
import { idbRenewalStore } from '../../../lib/storage/renewal-store';
import { sessionTokenVault } from '../../../lib/storage/token-vault';
import { openTokenRelayDb, resetTokenRelayDbForTests } from '../../../lib/storage/database';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import { ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

// Records as the version before the one pipeline stored them: the Addigy key of Options' Addigy section was no
// connection, so a renewal through it named none (`match` without `connectionId`), and the console tab's session
// was the record's `console`. After the update they must read back, and a renewal under way must finish.

const FILE_EXPIRY = '2030-11-08T22:33:22+0000';
const OLD_EXPIRY = '2029-11-08T22:33:22+0000';
const TEXT = makeVppTokenText({ token: 'bWlncmF0aW9u', orgName: 'Acme Corp', expDate: FILE_EXPIRY });
const START = Date.parse('2026-11-30T12:00:00Z');
const TAB = 100;

/** A record exactly as the previous version wrote it to IndexedDB, at `step`. */
function legacyRecord(id: string, step: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    step,
    createdAt: new Date(START - 60_000).toISOString(),
    updatedAt: new Date(START - 1_000).toISOString(),
    source: 'blob',
    fileName: 'sToken_for_Main Campus.vpptoken',
    file: { orgName: 'Acme Corp', expiresAt: '2030-11-08T22:33:22.000Z' },
    apple: { status: 'verified', uId: 'LOC-1001', locationName: 'Main Campus', tokenExpirationDate: '2030-11-08T22:33:22+00:00' },
    // No connectionId, connectionName or kind: Options' Addigy section.
    match: { locationId: 'loc-main', policyId: 'pol-root', locationName: 'Main Campus', orgName: 'Acme Corp', strength: 'uid' },
    searched: ['Addigy'],
    discrepancies: [],
    ...extra,
  };
}

const CONFIRMATION = { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp' };

function addigyTokens(): AddigyToken[] {
  return [
    { locationId: 'loc-main', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', expDate: OLD_EXPIRY, clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
  ];
}

describe('renewals stored before the one pipeline, after the update', () => {
  let addigy: ReturnType<typeof fakeAddigy>;
  let consoleTabs: ReturnType<typeof fakeConsole>;
  let clock: number;

  const deps = (): RenewalTestDeps => ({
    store: idbRenewalStore,
    vault: sessionTokenVault,
    loadSettings: async () => ({ ...DEFAULT_SETTINGS }),
    loadApiKey: async () => 'key-1',
    createApple: () => fakeApple({ [TEXT]: ok({ uId: 'LOC-1001', locationName: 'Main Campus' }) }).api,
    createAddigy: () => addigy.api,
    console: consoleTabs.api,
    now: () => new Date(clock),
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  /** The updated worker, over what the old version left in IndexedDB and storage.session. */
  const updatedWorker = () => renewalMachineFor(deps());
  const store = async (record: object) => (await openTokenRelayDb()).put('renewals', record as never);
  const stored = async (id: string) => (await idbRenewalStore.get(id))!;

  beforeEach(async () => {
    await resetTokenRelayDbForTests();
    clock = START;
    addigy = fakeAddigy(addigyTokens(), { now: () => new Date(clock) });
    consoleTabs = fakeConsole(TAB);
  });

  it('reads a finished record back, naming the Addigy connection its token went to', async () => {
    await store(legacyRecord('old-done', 'done', { renewedAt: new Date(START - 500).toISOString(), lastSync: '2026-11-30T11:59:59Z', newExpiry: FILE_EXPIRY }));
    const record = await stored('old-done');
    expect(record.step).toBe('done');
    expect(record.lastSync).toBe('2026-11-30T11:59:59Z');
    expect(record.match).toMatchObject({ locationId: 'loc-main', connectionId: 'addigy', connectionName: 'Addigy', kind: 'addigy' });
    expect((await idbRenewalStore.list()).map((r) => r.id)).toEqual(['old-done']);
  });

  it('a renewal left handing over in the console tab is handed to that tab again and finishes', async () => {
    await store(legacyRecord('old-1', 'handing-over', { console: { tabId: TAB, phase: 'finding-token', since: new Date(START - 1_000).toISOString() } }));
    await sessionTokenVault.put('old-1', TEXT);
    consoleTabs.api.openForUpload({ policyId: 'pol-root', job: { renewalId: 'x', locationName: 'x', fileName: 'x.vpptoken' } }); // the tab the old version opened
    consoleTabs.opened.length = 0;

    const worker = updatedWorker();
    await worker.resume();
    await worker.settled();
    expect(consoleTabs.opened).toEqual([
      { tabId: TAB, policyId: 'pol-root', job: { renewalId: 'old-1', locationName: 'Main Campus', fileName: 'sToken_for_Main Campus.vpptoken', policyId: 'pol-root' }, reload: true },
    ]);
    expect(await worker.fileForConsole('old-1', TAB)).toEqual({ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    await worker.consoleReport('old-1', TAB, { kind: 'confirmation', details: CONFIRMATION });
    expect((await stored('old-1')).step).toBe('awaiting-confirmation');

    expect((await worker.confirm('old-1')).ok).toBe(true);
    expect(consoleTabs.saves).toEqual([{ tabId: TAB, renewalId: 'old-1' }]);
    addigy.markSaved('loc-main', FILE_EXPIRY);
    clock += 2_000;
    await worker.consoleReport('old-1', TAB, { kind: 'saved', by: 'token-relay' });
    await worker.settled();
    const done = await stored('old-1');
    expect(done.step).toBe('done');
    expect(done.lastSync).toBeTruthy();
    expect(await sessionTokenVault.get('old-1')).toBeUndefined();
  });

  it('a renewal left awaiting the confirmation is saved by the popup’s Renew', async () => {
    await store(legacyRecord('old-2', 'awaiting-confirmation', { preview: CONFIRMATION, console: { tabId: TAB, phase: 'waiting-for-confirmation', since: new Date(START - 1_000).toISOString(), fileHandedAt: new Date(START - 2_000).toISOString() } }));
    await sessionTokenVault.put('old-2', TEXT);
    consoleTabs.api.openForUpload({ policyId: 'pol-root', job: { renewalId: 'x', locationName: 'x', fileName: 'x.vpptoken' } });

    const worker = updatedWorker();
    await worker.resume();
    expect((await worker.confirm('old-2')).ok).toBe(true);
    expect(consoleTabs.saves).toEqual([{ tabId: TAB, renewalId: 'old-2' }]);
    addigy.markSaved('loc-main', FILE_EXPIRY);
    clock += 2_000;
    await worker.consoleReport('old-2', TAB, { kind: 'saved', by: 'token-relay' });
    await worker.settled();
    expect((await stored('old-2')).step).toBe('done');
  });

  it('a renewal left following Addigy’s scan is followed to done', async () => {
    addigy.markSaved('loc-main', FILE_EXPIRY);
    await store(legacyRecord('old-3', 'scanning', { renewedAt: new Date(START - 1_000).toISOString(), console: { tabId: TAB, phase: 'saving', since: new Date(START - 1_000).toISOString() } }));
    const worker = updatedWorker();
    await worker.resume();
    await worker.settled();
    const done = await stored('old-3');
    expect(done.step).toBe('done');
    expect(done.newExpiry).toBeTruthy();
    expect(done.match?.connectionId).toBe('addigy');
  });

  it('a renewal left saving, with Addigy showing the file’s expiry after the bound, is found saved', async () => {
    addigy.markSaved('loc-main', FILE_EXPIRY);
    await store(legacyRecord('old-4', 'renewing', { preview: CONFIRMATION, console: { tabId: TAB, phase: 'saving', since: new Date(START - 120_000).toISOString() } }));
    const worker = updatedWorker();
    await worker.resume();
    await worker.settled();
    expect((await stored('old-4')).step).toBe('done');
  });

  it('a legacy failure at the Save is retried through the same connection', async () => {
    await store(
      legacyRecord('old-5', 'failed', {
        preview: CONFIRMATION,
        console: { tabId: TAB, since: new Date(START - 1_000).toISOString() },
        failure: { kind: 'console-closed', message: 'closed', nextStep: 'Retry', step: 'awaiting-confirmation', retryable: true },
      }),
    );
    await sessionTokenVault.put('old-5', TEXT);
    const worker = updatedWorker();
    expect((await worker.retry('old-5')).ok).toBe(true);
    await worker.settled();
    const again = await stored('old-5');
    expect(again.step).toBe('handing-over');
    expect(consoleTabs.opened.at(-1)).toMatchObject({ policyId: 'pol-root', job: { renewalId: 'old-5' } });
  });
});
