import { beforeEach, describe, expect, it } from 'vitest';
import { renewalMachineFor, type RenewalHarness, type ConnectionHandle, type RenewalTestDeps } from '../../support/renewal-harness';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import type { MdmAdapter, MdmKind, MdmProblem, MdmToken, RenewOutcome } from '../../../lib/mdm/mdm-adapter';
import { sameInstant } from '../../../lib/mdm/mdm-adapter';
import { err, ok, type Result } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { appleProblem, fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

const FILE_EXPIRY = '2030-11-08T22:33:22+0000';
const OLD_EXPIRY = '2029-11-08T22:33:22Z';
const DESIGN = makeVppTokenText({ token: 'ZGVzaWdu', orgName: 'Acme Corp', expDate: FILE_EXPIRY });
const NORTH = makeVppTokenText({ token: 'bm9ydGg=', orgName: 'Springfield Schools', expDate: FILE_EXPIRY });
const DESIGN_CONFIG = { uId: 'LOC-1003', locationName: 'Design Studio', mdmInfo: { name: 'Jamf Pro' } };
const NORTH_CONFIG = { uId: 'LOC-2001', locationName: 'North High', mdmInfo: { name: 'Addigy' } };

/** An MDM that renews through its API, in memory: the renew call sets the file's expiry, as Jamf Pro does. */
function fakeMdm(kind: MdmKind, tokens: MdmToken[]) {
  const renewCalls: Array<{ tokenId: string; text: string }> = [];
  const listCalls: number[] = [];
  const next: { renew?: Result<MdmToken | undefined, MdmProblem>; list?: Result<MdmToken[], MdmProblem> } = {};
  const adapter: MdmAdapter = {
    kind,
    writes: 'api',
    matchesBy: 'name',
    async listTokens() {
      listCalls.push(1);
      const answer = next.list;
      next.list = undefined;
      return answer ?? ok(structuredClone(tokens));
    },
    async renew(tokenId, text) {
      renewCalls.push({ tokenId, text });
      const answer = next.renew;
      next.renew = undefined;
      if (answer) return answer;
      const token = tokens.find((t) => t.id === tokenId)!;
      token.expiresAt = new Date(Date.parse(FILE_EXPIRY.replace('+0000', 'Z'))).toISOString();
      return ok(token);
    },
    outcome(token, expected): RenewOutcome {
      return sameInstant(token.expiresAt, expected.expiresAt) ? { state: 'done', expiresAt: token.expiresAt } : { state: 'pending' };
    },
  };
  return { adapter, renewCalls, listCalls, next };
}

const problem = (kind: MdmProblem['kind'], transient = false): MdmProblem => ({ kind, message: `It says ${kind}.`, nextStep: 'Do it.', transient });

const designInJamf = (): MdmToken => ({
  id: '1', locationName: 'Design Studio', orgName: 'Acme Corp', appleId: 'apple-admin@acme.example', expiresAt: OLD_EXPIRY, state: 'ok',
});

const addigyToken = (locationId: string, uId: string, locationName: string, orgName: string, policyId: string): AddigyToken => ({
  locationId, policyId, inheritedFrom: null, orgName, expDate: OLD_EXPIRY, clientConfig: { uId, locationName }, syncing: false, lastSyncingStatus: 'success',
});

describe('RenewalMachine across connections', () => {
  let store: RenewalStore;
  let vault: ReturnType<typeof memoryTokenVault>;
  let consoleTabs: ReturnType<typeof fakeConsole>;
  let primaryKey: string | undefined;
  let primary: ReturnType<typeof fakeAddigy>;
  let handles: ConnectionHandle[];
  let ids: number;

  const apple = fakeApple({ [DESIGN]: ok(DESIGN_CONFIG), [NORTH]: ok(NORTH_CONFIG) });
  const deps = (): RenewalTestDeps => ({
    store,
    vault,
    loadSettings: async () => ({ ...DEFAULT_SETTINGS }),
    loadApiKey: async () => primaryKey,
    createApple: () => apple.api,
    createAddigy: () => primary.api,
    console: consoleTabs.api,
    listConnections: async () => handles,
    newId: () => `r${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const machine = () => renewalMachineFor(deps());
  const mdmHandle = (id: string, name: string, mdm: ReturnType<typeof fakeMdm>): ConnectionHandle => ({
    connection: { id, kind: mdm.adapter.kind, name },
    adapter: () => mdm.adapter,
  });

  beforeEach(() => {
    store = memoryRenewalStore();
    vault = memoryTokenVault();
    consoleTabs = fakeConsole();
    primaryKey = undefined;
    primary = fakeAddigy([]);
    handles = [];
    ids = 0;
  });

  it('Jamf Pro alone: shows Jamf’s own details, renews with the exact file text once confirmed, and forgets the token', async () => {
    const jamf = fakeMdm('jamf-pro', [designInJamf()]);
    handles = [mdmHandle('jamf-1', 'Jamf Pro (Acme)', jamf)];
    const m = machine();
    const record = await m.capture({ text: DESIGN, source: 'blob', fileName: 'sToken_for_Design Studio.vpptoken' });
    expect(record.step).toBe('awaiting-confirmation');
    expect(record.match).toMatchObject({ locationId: '1', connectionId: 'jamf-1', connectionName: 'Jamf Pro (Acme)', kind: 'jamf-pro', strength: 'name' });
    expect(record.preview).toEqual({ idNumber: '1', name: 'Design Studio', appleId: 'apple-admin@acme.example', organization: 'Acme Corp' });
    // Apple says Jamf Pro holds the location, and Jamf Pro is where it goes: no other-MDM warning.
    expect(record.otherMdm).toBeUndefined();
    expect(jamf.renewCalls).toEqual([]);
    expect(consoleTabs.opened).toEqual([]);

    expect((await m.confirm(record.id)).ok).toBe(true);
    await m.settled();
    expect(jamf.renewCalls).toEqual([{ tokenId: '1', text: DESIGN }]);
    const done = (await store.get(record.id))!;
    expect(done.step).toBe('done');
    expect(done.newExpiry).toBe('2030-11-08T22:33:22.000Z');
    expect(await vault.get(record.id)).toBeUndefined();
  });

  it('renewing in an MDM Apple does not name asks for the explicit yes first', async () => {
    const fleet = fakeMdm('fleet', [{ ...designInJamf(), id: '7' }]);
    handles = [mdmHandle('fleet-1', 'Fleet', fleet)];
    const m = machine();
    const record = await m.capture({ text: DESIGN, source: 'blob' });
    expect(record.otherMdm).toBe('Jamf Pro');
    const refused = await m.confirm(record.id);
    expect(refused).toMatchObject({ ok: false, error: { kind: 'needs-mdm-override' } });
    expect(fleet.renewCalls).toEqual([]);
    expect((await m.confirm(record.id, { acceptOtherMdm: true })).ok).toBe(true);
    await m.settled();
    expect(fleet.renewCalls).toHaveLength(1);
  });

  it('MSP: a token of the second Addigy organisation goes to the second connection, with its policy', async () => {
    primaryKey = 'key-first';
    primary = fakeAddigy([addigyToken('loc-main', 'LOC-1001', 'Main Campus', 'Acme Corp', 'pol-acme')]);
    const second = fakeAddigy([addigyToken('loc-north', 'LOC-2001', 'North High', 'Springfield Schools', 'pol-springfield')]);
    handles = [{ connection: { id: 'addigy-2', kind: 'addigy', name: 'Springfield' }, addigy: () => second.api }];
    const record = await machine().capture({ text: NORTH, source: 'blob' });
    expect(record.step).toBe('handing-over');
    expect(record.match).toMatchObject({ locationId: 'loc-north', policyId: 'pol-springfield', connectionId: 'addigy-2', kind: 'addigy' });
    expect(consoleTabs.opened[0]).toMatchObject({ policyId: 'pol-springfield' });
    expect(primary.calls.length).toBeGreaterThan(0);
    expect(second.calls.length).toBeGreaterThan(0);
  });

  it('several candidates: asks the admin to pick, sends nothing before, then goes on with the pick', async () => {
    primaryKey = 'key-first';
    primary = fakeAddigy([addigyToken('loc-design', 'LOC-1003', 'Design Studio', 'Acme Corp', 'pol-acme')]);
    const jamf = fakeMdm('jamf-pro', [designInJamf()]);
    handles = [mdmHandle('jamf-1', 'Jamf Pro', jamf)];
    const m = machine();
    const record = await m.capture({ text: DESIGN, source: 'blob' });
    expect(record.step).toBe('awaiting-confirmation');
    expect(record.match).toBeUndefined();
    expect(record.candidates?.map((c) => [c.connectionName, c.tokenId, c.strength])).toEqual([
      ['Addigy', 'loc-design', 'uid'],
      ['Jamf Pro', '1', 'name'],
    ]);
    expect(consoleTabs.opened).toEqual([]);
    expect(jamf.renewCalls).toEqual([]);
    // Confirming without a pick does nothing.
    expect(await m.confirm(record.id)).toMatchObject({ ok: false, error: { kind: 'wrong-step' } });
    expect(await m.choose(record.id, { connectionId: 'jamf-1', tokenId: 'nope' })).toMatchObject({ ok: false, error: { kind: 'unknown-candidate' } });

    expect((await m.choose(record.id, { connectionId: 'jamf-1', tokenId: '1' })).ok).toBe(true);
    await m.settled();
    const chosen = (await store.get(record.id))!;
    expect(chosen.step).toBe('awaiting-confirmation');
    expect(chosen.match).toMatchObject({ connectionId: 'jamf-1', locationId: '1' });
    expect(jamf.renewCalls).toEqual([]);
    await m.confirm(record.id);
    await m.settled();
    expect(jamf.renewCalls).toEqual([{ tokenId: '1', text: DESIGN }]);
    expect(consoleTabs.opened).toEqual([]);
  });

  it('no candidate anywhere: nothing is sent, and the failure names every connection searched', async () => {
    primaryKey = 'key-first';
    const fleet = fakeMdm('fleet', []);
    const intune = fakeMdm('intune', [{ id: 'x', locationName: 'Elsewhere', state: 'ok' }]);
    handles = [mdmHandle('fleet-1', 'Fleet HQ', fleet), mdmHandle('intune-1', 'Intune', intune)];
    const record = await machine().capture({ text: DESIGN, source: 'blob' });
    expect(record.step).toBe('failed');
    expect(record.failure).toMatchObject({ kind: 'no-match', retryable: false });
    expect(record.failure!.message).toContain('Searched: Addigy, Fleet HQ, Intune.');
    expect(record.failure!.message).toContain('Nothing was sent.');
    expect(record.searched).toEqual(['Addigy', 'Fleet HQ', 'Intune']);
    expect(fleet.renewCalls).toEqual([]);
    expect(await vault.get(record.id)).toBeUndefined();
  });

  it('a connection that cannot be asked does not stop a clear match elsewhere; when nothing matches it is named and Retry is offered', async () => {
    const jamf = fakeMdm('jamf-pro', [designInJamf()]);
    const fleet = fakeMdm('fleet', []);
    fleet.next.list = err(problem('server-error', true));
    handles = [mdmHandle('fleet-1', 'Fleet', fleet), mdmHandle('jamf-1', 'Jamf Pro', jamf)];
    const found = await machine().capture({ text: DESIGN, source: 'blob' });
    expect(found.step).toBe('awaiting-confirmation');

    handles = [mdmHandle('fleet-1', 'Fleet', fleet)];
    fleet.next.list = err(problem('server-error', true));
    handles.push(mdmHandle('intune-1', 'Intune', fakeMdm('intune', [])));
    const lost = await machine().capture({ text: DESIGN, source: 'blob' });
    expect(lost.failure).toMatchObject({ kind: 'no-match', retryable: true });
    expect(lost.failure!.message).toContain('Could not ask: Fleet (It says server-error.)');
    expect(await vault.get(lost.id)).toBe(DESIGN);
  });

  it('a refused renew keeps the token for Retry when the admin can fix it, and Retry sends the same file again', async () => {
    const jamf = fakeMdm('jamf-pro', [designInJamf()]);
    handles = [mdmHandle('jamf-1', 'Jamf Pro', jamf)];
    const m = machine();
    const record = await m.capture({ text: DESIGN, source: 'blob' });
    jamf.next.renew = err(problem('unauthorized'));
    await m.confirm(record.id);
    await m.settled();
    const failed = (await store.get(record.id))!;
    expect(failed.failure).toMatchObject({ kind: 'unauthorized', step: 'renewing', retryable: true, message: 'It says unauthorized.' });
    expect(await vault.get(record.id)).toBe(DESIGN);
    await m.retry(record.id);
    await m.settled();
    expect(jamf.renewCalls.map((c) => c.text)).toEqual([DESIGN, DESIGN]);
    expect((await store.get(record.id))!.step).toBe('done');
  });

  it('a worker stopped during the renew call sends the same file again on resume', async () => {
    const jamf = fakeMdm('jamf-pro', [designInJamf()]);
    handles = [mdmHandle('jamf-1', 'Jamf Pro', jamf)];
    const record = await machine().capture({ text: DESIGN, source: 'blob' });
    const stuck = (await store.get(record.id))!;
    await store.put({ ...stuck, step: 'renewing' });
    const restarted = machine();
    await restarted.resume();
    await restarted.settled();
    expect(jamf.renewCalls).toEqual([{ tokenId: '1', text: DESIGN }]);
    expect((await store.get(record.id))!.step).toBe('done');
  });

  it('a removed connection is reported, and the token is kept for when it is back', async () => {
    const jamf = fakeMdm('jamf-pro', [designInJamf()]);
    handles = [mdmHandle('jamf-1', 'Jamf Pro', jamf)];
    const m = machine();
    const record = await m.capture({ text: DESIGN, source: 'blob' });
    handles = [];
    await m.confirm(record.id);
    await m.settled();
    expect((await store.get(record.id))!.failure).toMatchObject({ kind: 'not-configured', retryable: true });
    expect(await vault.get(record.id)).toBe(DESIGN);
  });

  it('Apple unreachable: names still match, and the match says so', async () => {
    const jamf = fakeMdm('jamf-pro', [designInJamf()]);
    handles = [mdmHandle('jamf-1', 'Jamf Pro', jamf)];
    const offline = fakeApple({ [DESIGN]: err(appleProblem('unreachable')) });
    const m = renewalMachineFor({ ...deps(), createApple: () => offline.api });
    const record = await m.capture({ text: DESIGN, source: 'blob', fileName: 'sToken_for_Design Studio (1).vpptoken' });
    expect(record.step).toBe('awaiting-confirmation');
    expect(record.match).toMatchObject({ strength: 'name', locationId: '1' });
  });
});
