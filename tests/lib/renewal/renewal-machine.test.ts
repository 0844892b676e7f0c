import { beforeEach, describe, expect, it } from 'vitest';
import { RenewalMachine, type RenewalDeps } from '../../../lib/renewal/renewal-machine';
import type { RenewalRecord } from '../../../lib/renewal/renewal-record';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS, type Settings } from '../../../lib/storage/settings';
import type { AddigyToken } from '../../../lib/addigy/schemas';
import { err, ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { addigyProblem, appleProblem, fakeAddigy, fakeApple } from '../../support/fake-apis';

const TEXT = makeVppTokenText({ orgName: 'Acme Corp', expDate: '2030-11-08T22:33:22+0000' });
const OTHER_TEXT = makeVppTokenText({ token: 'b3RoZXI=', orgName: 'Acme Corp', expDate: '2030-12-01T00:00:00Z' });
const APPLE_CONFIG = { uId: 'LOC-1001', locationName: 'Main Campus', tokenExpirationDate: '2030-11-08T22:33:22+00:00', mdmInfo: { name: 'Addigy' } };
const PREVIEW = { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp', expirationDate: '2030-11-08T22:33:22Z' };

function addigyTokens(): AddigyToken[] {
  return [
    { locationId: 'loc-main', policyId: 'pol-child', inheritedFrom: 'pol-root', orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
    { locationId: 'loc-main', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
    { locationId: 'loc-warehouse', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1002', locationName: 'Warehouse' }, syncing: false },
  ];
}

describe('RenewalMachine', () => {
  let store: RenewalStore;
  let vault: ReturnType<typeof memoryTokenVault>;
  let apple: ReturnType<typeof fakeApple>;
  let addigy: ReturnType<typeof fakeAddigy>;
  let settings: Settings;
  let apiKey: string | undefined;
  let changes: RenewalRecord['step'][];
  let ids: number;

  const deps = (): RenewalDeps => ({
    store,
    vault,
    loadSettings: async () => settings,
    loadApiKey: async () => apiKey,
    createApple: () => apple.api,
    createAddigy: () => addigy.api,
    onChange: (r) => changes.push(r.step),
    newId: () => `r${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const machine = () => new RenewalMachine(deps());

  beforeEach(() => {
    store = memoryRenewalStore();
    vault = memoryTokenVault();
    apple = fakeApple({ [TEXT]: ok(APPLE_CONFIG), [OTHER_TEXT]: ok(APPLE_CONFIG) });
    addigy = fakeAddigy(addigyTokens(), PREVIEW);
    settings = { ...DEFAULT_SETTINGS };
    apiKey = 'key-1';
    changes = [];
    ids = 0;
  });

  it('walks a capture through the checks to awaiting confirmation, keeping the token only in the vault', async () => {
    const record = await machine().capture({ text: `\n${TEXT}\r\n`, source: 'blob', fileName: 'sToken_for_Main Campus.vpptoken' });
    expect(record.step).toBe('awaiting-confirmation');
    expect(changes).toEqual(['parsed', 'verified', 'matched', 'previewed', 'awaiting-confirmation']);
    expect(record.match).toMatchObject({ locationId: 'loc-main', policyId: 'pol-root', strength: 'uid' });
    expect(record.preview).toEqual(PREVIEW);
    expect(record.apple).toMatchObject({ status: 'verified', uId: 'LOC-1001' });
    expect(await vault.get(record.id)).toBe(TEXT);
    expect(JSON.stringify(await store.list())).not.toContain(TEXT);
    expect(apple.calls).toEqual([TEXT]);
    expect(addigy.callsOf('previewRenewal')).toEqual([{ call: 'previewRenewal', locationId: 'loc-main', text: TEXT }]);
    expect(addigy.callsOf('renew')).toHaveLength(0);
  });

  it('renews after confirmation, scans, ends done with the last sync, and wipes the token', async () => {
    const m = machine();
    const { id } = await m.capture({ text: TEXT, source: 'blob' });
    addigy.setScan({ polls: 2 });
    expect((await m.confirm(id)).ok).toBe(true);
    await m.settled();
    const done = (await store.get(id))!;
    expect(done.step).toBe('done');
    expect(done.lastSync).toBeTruthy();
    expect(addigy.callsOf('renew')).toEqual([{ call: 'renew', locationId: 'loc-main', text: TEXT, repeat: false }]);
    expect(addigy.callsOf('requestSync')).toHaveLength(1);
    expect(vault.size()).toBe(0);
  });

  it('rejects a wrong file without storing anything secret', async () => {
    const record = await machine().capture({ text: '<!doctype html><p>Sign in</p>', source: 'blob' });
    expect(record.step).toBe('failed');
    expect(record.failure).toMatchObject({ kind: 'not-a-token-file', retryable: false });
    expect(vault.size()).toBe(0);
    expect(apple.calls).toHaveLength(0);
  });

  it.each(['revoked', 'expired', 'invalid'] as const)('stops a token Apple calls %s before Addigy is touched', async (kind) => {
    apple = fakeApple({ [TEXT]: err(appleProblem(kind)) });
    const record = await machine().capture({ text: TEXT, source: 'blob' });
    expect(record.step).toBe('failed');
    expect(record.failure?.kind).toBe(kind);
    expect(addigy.calls).toHaveLength(0);
    expect(vault.size()).toBe(0);
  });

  it('goes on with Addigy as the gate when Apple is unreachable, matching by the names, and says so', async () => {
    apple = fakeApple({ [TEXT]: err(appleProblem('unreachable')) });
    const record = await machine().capture({ text: TEXT, source: 'blob', fileName: 'sToken_for_Main Campus (1).vpptoken' });
    expect(record.step).toBe('awaiting-confirmation');
    expect(record.apple?.status).toBe('unreachable');
    expect(record.match).toMatchObject({ locationId: 'loc-main', strength: 'name' });
  });

  it('without Apple, will not guess between two locations of one organisation', async () => {
    apple = fakeApple({ [TEXT]: err(appleProblem('unreachable')) });
    const record = await machine().capture({ text: TEXT, source: 'file', fileName: 'renamed.vpptoken' });
    expect(record.step).toBe('failed');
    expect(record.failure?.kind).toBe('ambiguous');
    expect(addigy.callsOf('previewRenewal')).toHaveLength(0);
  });

  it('needs the extra yes when another MDM holds the location', async () => {
    apple = fakeApple({ [TEXT]: ok({ ...APPLE_CONFIG, mdmInfo: { name: 'Jamf Pro' } }) });
    const m = machine();
    const record = await m.capture({ text: TEXT, source: 'blob' });
    expect(record.otherMdm).toBe('Jamf Pro');
    const refused = await m.confirm(record.id);
    expect(refused.ok).toBe(false);
    expect(addigy.callsOf('renew')).toHaveLength(0);
    expect((await m.confirm(record.id, { acceptOtherMdm: true })).ok).toBe(true);
    await m.settled();
    expect(addigy.callsOf('renew')).toHaveLength(1);
  });

  it('keeps the token through a wrong API key, and Retry finishes the same renewal', async () => {
    addigy.overrides.listTokens = () => err(addigyProblem('unauthorized', false, 401));
    const m = machine();
    const record = await m.capture({ text: TEXT, source: 'blob' });
    expect(record.step).toBe('failed');
    expect(record.failure).toMatchObject({ kind: 'unauthorized', retryable: true, step: 'matched' });
    expect(await vault.get(record.id)).toBe(TEXT);

    delete addigy.overrides.listTokens;
    expect((await m.retry(record.id)).ok).toBe(true);
    await m.settled();
    expect((await store.get(record.id))!.step).toBe('awaiting-confirmation');
  });

  it('does not retry a failed first PUT on its own; the user Retry repeats it', async () => {
    const m = machine();
    const { id } = await m.capture({ text: TEXT, source: 'blob' });
    addigy.overrides.renew = () => err(addigyProblem('server-error', true, 500));
    await m.confirm(id);
    await m.settled();
    expect((await store.get(id))!.failure).toMatchObject({ step: 'renewing', retryable: true });
    expect(addigy.callsOf('renew')).toEqual([expect.objectContaining({ repeat: false })]);

    delete addigy.overrides.renew;
    await m.retry(id);
    await m.settled();
    expect(addigy.callsOf('renew')[1]).toMatchObject({ repeat: true });
    expect((await store.get(id))!.step).toBe('done');
  });

  it('reports a 400 on the PUT as not renewed and drops the token', async () => {
    const m = machine();
    const { id } = await m.capture({ text: TEXT, source: 'blob' });
    addigy.overrides.renew = () => err(addigyProblem('invalid-token', false, 400));
    await m.confirm(id);
    await m.settled();
    const record = (await store.get(id))!;
    expect(record.step).toBe('failed');
    expect(record.renewedAt).toBeUndefined();
    expect(record.failure?.retryable).toBe(false);
    expect(vault.size()).toBe(0);
  });

  it('shows Addigy’s scan error with guidance', async () => {
    const m = machine();
    const { id } = await m.capture({ text: TEXT, source: 'blob' });
    addigy.setScan({ polls: 1, error: 'Bad status response[400]: "Error syncing token"' });
    await m.confirm(id);
    await m.settled();
    const record = (await store.get(id))!;
    expect(record.step).toBe('failed');
    expect(record.failure?.step).toBe('scanning');
    expect(record.failure?.detail).toContain('Error syncing token');
  });

  it('replaces a pending renewal of the same location and says so', async () => {
    const m = machine();
    const first = await m.capture({ text: TEXT, source: 'blob' });
    const second = await m.capture({ text: OTHER_TEXT, source: 'blob' });
    expect(second.replacedPending).toBe(true);
    expect((await store.get(first.id))!.step).toBe('discarded');
    expect(await vault.get(first.id)).toBeUndefined();
    expect(await vault.get(second.id)).toBe(OTHER_TEXT);
  });

  it('discarding wipes the token', async () => {
    const m = machine();
    const { id } = await m.capture({ text: TEXT, source: 'blob' });
    await m.discard(id);
    expect((await store.get(id))!.step).toBe('discarded');
    expect(vault.size()).toBe(0);
  });

  describe('after a worker restart', () => {
    it('resumes polling a scan', async () => {
      const first = machine();
      const { id } = await first.capture({ text: TEXT, source: 'blob' });
      const record = (await store.get(id))!;
      record.step = 'scanning';
      record.renewedAt = new Date().toISOString();
      await store.put(record);
      addigy.setScan({ polls: 1 });
      await addigy.api.requestSync('loc-main');

      const restarted = machine();
      await restarted.resume();
      await restarted.settled();
      expect((await store.get(id))!.step).toBe('done');
    });

    it('re-runs checks that were cut short', async () => {
      const { id } = await machine().capture({ text: TEXT, source: 'blob' });
      const record = (await store.get(id))!;
      record.step = 'verified';
      await store.put(record);
      const restarted = machine();
      await restarted.resume();
      await restarted.settled();
      expect((await store.get(id))!.step).toBe('awaiting-confirmation');
    });

    it('offers Retry for an interrupted PUT instead of guessing', async () => {
      const { id } = await machine().capture({ text: TEXT, source: 'blob' });
      const record = (await store.get(id))!;
      record.step = 'renewing';
      await store.put(record);
      await machine().resume();
      expect((await store.get(id))!.failure).toMatchObject({ kind: 'interrupted', retryable: true, step: 'renewing' });
    });

    it('reports, not drops, a renewal whose token was lost with the browser session', async () => {
      const { id } = await machine().capture({ text: TEXT, source: 'blob' });
      await vault.wipe(id);
      await machine().resume();
      const record = (await store.get(id))!;
      expect(record.step).toBe('failed');
      expect(record.failure?.nextStep).toMatch(/drop it into the Token Relay popup/);
    });

    it('leaves a renewal awaiting confirmation as it is', async () => {
      const { id } = await machine().capture({ text: TEXT, source: 'blob' });
      await machine().resume();
      expect((await store.get(id))!.step).toBe('awaiting-confirmation');
    });
  });
});
