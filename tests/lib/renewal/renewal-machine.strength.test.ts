import { beforeEach, describe, expect, it } from 'vitest';
import { renewalMachineFor, type RenewalHarness, type ConnectionHandle, type RenewalTestDeps } from '../../support/renewal-harness';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import type { ConsoleConfirmation } from '../../../lib/addigy-console/console-messages';
import { IntuneAdapter } from '../../../lib/mdm/intune/intune-adapter';
import { sameInstant, type MdmAdapter, type MdmKind, type MdmToken, type RenewOutcome } from '../../../lib/mdm/mdm-adapter';
import { ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

// Tests that kill mutants a manual mutation audit found surviving (issue 19, "Test strength" 1–3).

const FILE_EXPIRY = '2030-11-08T22:33:22+0000';
const FILE_EXPIRY_ISO = '2030-11-08T22:33:22.000Z';
const OLD_EXPIRY = '2029-11-08T22:33:22Z';
const START = Date.parse('2026-11-30T12:00:00Z');
/** Two downloads for one location: Apple names the same uId for both. */
const FIRST = makeVppTokenText({ token: 'Zmlyc3Q=', orgName: 'Acme Corp', expDate: FILE_EXPIRY });
const SECOND = makeVppTokenText({ token: 'c2Vjb25k', orgName: 'Acme Corp', expDate: FILE_EXPIRY });
const MDM_NAMES: Record<Exclude<MdmKind, 'addigy'>, string> = { 'jamf-pro': 'Jamf Pro', intune: 'Microsoft Intune', fleet: 'Fleet' };
const appleConfig = (mdmName: string) => ({ uId: 'LOC-1003', locationName: 'Design Studio', tokenExpirationDate: FILE_EXPIRY, mdmInfo: { name: mdmName } });
const CONFIRMATION: ConsoleConfirmation = { idNumber: '4410021', name: 'Design Studio', appleId: 'it-admin@acme.example', organization: 'Acme Corp' };

/**
 * An MDM that renews through its API, matched by name as Jamf Pro, Intune and Fleet are. `outcome` defaults to
 * "the file's expiry is listed"; `list` lets a test script what each poll of the list shows.
 */
function fakeMdm(kind: Exclude<MdmKind, 'addigy'>, tokens: MdmToken[], outcome?: MdmAdapter['outcome']) {
  const renewCalls: Array<{ tokenId: string; text: string }> = [];
  const hooks: { beforeList?: (poll: number) => void } = {};
  let lists = 0;
  const adapter: MdmAdapter = {
    kind,
    writes: 'api',
    matchesBy: 'name',
    async listTokens() {
      hooks.beforeList?.(++lists);
      return ok(structuredClone(tokens));
    },
    async renew(tokenId, text) {
      renewCalls.push({ tokenId, text });
      // As Jamf Pro does: the renew call itself lists the file's expiry.
      const token = tokens.find((t) => t.id === tokenId)!;
      token.expiresAt = FILE_EXPIRY_ISO;
      return ok(structuredClone(token));
    },
    outcome:
      outcome ??
      ((token, expected): RenewOutcome =>
        sameInstant(token.expiresAt, expected.expiresAt) ? { state: 'done', expiresAt: token.expiresAt } : { state: 'pending' }),
  };
  return { adapter, renewCalls, hooks, tokens, lists: () => lists };
}

const designIn = (id = '1'): MdmToken => ({
  id, locationName: 'Design Studio', orgName: 'Acme Corp', appleId: 'apple-admin@acme.example', expiresAt: OLD_EXPIRY, state: 'ok',
});

const designInAddigy = (): AddigyToken => ({
  locationId: 'loc-design', policyId: 'pol-acme', inheritedFrom: null, orgName: 'Acme Corp', expDate: OLD_EXPIRY,
  clientConfig: { uId: 'LOC-1003', locationName: 'Design Studio' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z',
});

describe('RenewalMachine: what the mutation audit showed the suite let through', () => {
  let store: RenewalStore;
  let vault: ReturnType<typeof memoryTokenVault>;
  let consoleTabs: ReturnType<typeof fakeConsole>;
  let apple: ReturnType<typeof fakeApple>;
  let addigy: ReturnType<typeof fakeAddigy>;
  let apiKey: string | undefined;
  let handles: ConnectionHandle[];
  let clock: number;
  let ids: number;

  const deps = (): RenewalTestDeps => ({
    store,
    vault,
    loadSettings: async () => ({ ...DEFAULT_SETTINGS }),
    loadApiKey: async () => apiKey,
    createApple: () => apple.api,
    createAddigy: () => addigy.api,
    console: consoleTabs.api,
    listConnections: async () => handles,
    now: () => new Date(clock),
    newId: () => `r${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const machine = () => renewalMachineFor(deps());
  const stored = async (id: string) => (await store.get(id))!;
  const mdmHandle = (mdm: ReturnType<typeof fakeMdm>): ConnectionHandle => ({
    connection: { id: `${mdm.adapter.kind}-1`, kind: mdm.adapter.kind, name: MDM_NAMES[mdm.adapter.kind as keyof typeof MDM_NAMES] },
    adapter: () => mdm.adapter,
  });

  beforeEach(() => {
    store = memoryRenewalStore();
    vault = memoryTokenVault();
    consoleTabs = fakeConsole();
    apple = fakeApple({});
    addigy = fakeAddigy([], { now: () => new Date(clock) });
    apiKey = undefined;
    handles = [];
    clock = START;
    ids = 0;
  });

  describe('1. a renewal matched by name never replaces one already waiting, even when Apple names the same uId', () => {
    it.each(Object.entries(MDM_NAMES) as Array<[Exclude<MdmKind, 'addigy'>, string]>)(
      '%s: a second download for the same location fails already-waiting, and the waiting renewal keeps its token',
      async (kind, mdmName) => {
        apple = fakeApple({ [FIRST]: ok(appleConfig(mdmName)), [SECOND]: ok(appleConfig(mdmName)) });
        const mdm = fakeMdm(kind, [designIn()]);
        handles = [mdmHandle(mdm)];
        const m = machine();
        const first = await m.capture({ text: FIRST, source: 'blob' });
        expect(first.step).toBe('awaiting-confirmation');
        expect(first.match).toMatchObject({ locationId: '1', kind, strength: 'name' });

        clock += 1_000;
        const second = await m.capture({ text: SECOND, source: 'blob' });
        // Apple did confirm one location for both: only the match to the MDM's token is by name.
        expect(second.apple).toMatchObject({ status: 'verified', uId: 'LOC-1003' });
        expect(second.apple?.uId).toBe(first.apple?.uId);
        expect(second.match?.strength).toBe('name');
        expect(second.replacedPending).toBeUndefined();
        expect(second.failure).toMatchObject({ kind: 'already-waiting', step: 'matched', retryable: false });
        expect(await vault.get(second.id)).toBeUndefined();
        const waiting = await stored(first.id);
        expect(waiting.step).toBe('awaiting-confirmation');
        expect(await vault.get(first.id)).toBe(FIRST);

        // The waiting renewal still renews, with its own file.
        expect((await m.confirm(first.id)).ok).toBe(true);
        await m.settled();
        expect(mdm.renewCalls).toEqual([{ tokenId: '1', text: FIRST }]);
      },
    );
  });

  describe('2. the scan waits for a sync after the Save, not after the capture', () => {
    it('Addigy: a successful lastSync between capture and Save, with the file’s expiry already listed, is not done', async () => {
      apiKey = 'key-1';
      apple = fakeApple({ [FIRST]: ok(appleConfig('Addigy')) });
      addigy = fakeAddigy([designInAddigy()], { now: () => new Date(clock) });
      const m = machine();
      const { id, console: tab } = await m.capture({ text: FIRST, source: 'blob' });
      const tabId = tab!.tabId!;
      clock += 2_000;
      await m.fileForConsole(id, tabId);
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      // Addigy synced (successfully) after the capture but before the Save; its list already shows the file's expiry.
      const betweenCaptureAndSave = new Date(START + 5_000).toISOString();
      const token = addigy.owning('loc-design')!;
      token.expDate = FILE_EXPIRY;
      token.lastSync = betweenCaptureAndSave;
      clock = START + 10_000;
      await m.confirm(id);
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'token-relay' });
      await m.settled();

      const record = await stored(id);
      expect(record.renewedAt).toBe(new Date(START + 10_000).toISOString());
      expect(record.lastSync).toBeUndefined();
      expect(record.step).toBe('failed');
      expect(record.failure).toMatchObject({ kind: 'scan-slow', step: 'scanning', retryable: true });
    });

    it('Addigy: keeps polling until a sync later than the Save, and reports that one', async () => {
      apiKey = 'key-1';
      apple = fakeApple({ [FIRST]: ok(appleConfig('Addigy')) });
      addigy = fakeAddigy([designInAddigy()], { now: () => new Date(clock) });
      const m = machine();
      const { id, console: tab } = await m.capture({ text: FIRST, source: 'blob' });
      const tabId = tab!.tabId!;
      await m.fileForConsole(id, tabId);
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      const token = addigy.owning('loc-design')!;
      token.expDate = FILE_EXPIRY;
      token.lastSync = new Date(START + 5_000).toISOString();
      clock = START + 10_000;
      await m.confirm(id);
      const list = addigy.api.listTokens;
      // The third poll after the Save sees Addigy's own rescan end.
      const afterSave = new Date(START + 70_000).toISOString();
      addigy.api.listTokens = async () => {
        if (addigy.calls.length === 3) token.lastSync = afterSave;
        return list();
      };
      await m.consoleReport(id, tabId, { kind: 'saved', by: 'token-relay' });
      await m.settled();

      const done = await stored(id);
      expect(done.step).toBe('done');
      expect(done.lastSync).toBe(afterSave);
      expect(addigy.calls).toHaveLength(1 + 3);
    });

    it('Intune (API path): a failed sync from between capture and Save is the old token’s, so the scan keeps watching', async () => {
      apple = fakeApple({ [FIRST]: ok(appleConfig('Microsoft Intune')) });
      // Intune's real judgement of its list, which reads `since`.
      const intune = fakeMdm('intune', [designIn()], IntuneAdapter.prototype.outcome);
      handles = [mdmHandle(intune)];
      const m = machine();
      const record = await m.capture({ text: FIRST, source: 'blob' });
      expect(record.step).toBe('awaiting-confirmation');
      // Intune's last sync, after the capture and before the Save, failed (the old token's last word).
      Object.assign(intune.tokens[0]!, { state: 'sync-failed', lastSync: new Date(START + 5_000).toISOString(), stateDetail: 'old token' });
      clock = START + 10_000;
      // The third poll after the Save sees Intune's sync with the new file.
      intune.hooks.beforeList = (poll) => {
        if (poll === 1 + 3) Object.assign(intune.tokens[0]!, { state: 'ok', expiresAt: FILE_EXPIRY_ISO, lastSync: new Date(START + 70_000).toISOString() });
      };
      expect((await m.confirm(record.id)).ok).toBe(true);
      await m.settled();

      const done = await stored(record.id);
      expect(done.renewedAt).toBe(new Date(START + 10_000).toISOString());
      expect(done.failure).toBeUndefined();
      expect(done.step).toBe('done');
      expect(done.newExpiry).toBe(FILE_EXPIRY_ISO);
      expect(intune.lists()).toBe(1 + 3);
    });
  });

  describe('3. one flow per renewal: two confirmations at the same moment send once', () => {
    it('API path (Jamf Pro): exactly one renew call', async () => {
      apple = fakeApple({ [FIRST]: ok(appleConfig('Jamf Pro')) });
      const jamf = fakeMdm('jamf-pro', [designIn()]);
      handles = [mdmHandle(jamf)];
      const m = machine();
      const { id } = await m.capture({ text: FIRST, source: 'blob' });
      const replies = await Promise.all([m.confirm(id), m.confirm(id)]);
      await m.settled();
      expect(replies.filter((r) => r.ok)).not.toHaveLength(0);
      expect(jamf.renewCalls).toEqual([{ tokenId: '1', text: FIRST }]);
      expect((await stored(id)).step).toBe('done');
    });

    it('console path, another MDM’s location accepted: exactly one hand-over to Addigy’s console', async () => {
      apiKey = 'key-1';
      apple = fakeApple({ [FIRST]: ok(appleConfig('Jamf Pro')) });
      addigy = fakeAddigy([designInAddigy()], { now: () => new Date(clock) });
      const m = machine();
      const { id } = await m.capture({ text: FIRST, source: 'blob' });
      expect((await stored(id)).step).toBe('awaiting-confirmation');
      await Promise.all([m.confirm(id, { acceptOtherMdm: true }), m.confirm(id, { acceptOtherMdm: true })]);
      await m.settled();
      expect(consoleTabs.opened).toHaveLength(1);
      expect(consoleTabs.created).toHaveLength(1);
      expect((await stored(id)).step).toBe('handing-over');
    });

    it('console path, Addigy’s confirmation window open: Save is pressed once', async () => {
      apiKey = 'key-1';
      apple = fakeApple({ [FIRST]: ok(appleConfig('Addigy')) });
      addigy = fakeAddigy([designInAddigy()], { now: () => new Date(clock) });
      const m = machine();
      const { id, console: tab } = await m.capture({ text: FIRST, source: 'blob' });
      const tabId = tab!.tabId!;
      await m.fileForConsole(id, tabId);
      await m.consoleReport(id, tabId, { kind: 'confirmation', details: CONFIRMATION });
      const replies = await Promise.all([m.confirm(id), m.confirm(id)]);
      await m.settled();
      expect(replies.filter((r) => r.ok)).not.toHaveLength(0);
      expect(consoleTabs.saves).toEqual([{ tabId, renewalId: id }]);
      expect((await stored(id)).step).toBe('renewing');
    });
  });
});
