import { beforeEach, describe, expect, it } from 'vitest';
import { renewalMachineFor, type RenewalHarness, type ConnectionHandle, type RenewalTestDeps } from '../../support/renewal-harness';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS, type Settings } from '../../../lib/storage/settings';
import type { AppleClientConfig } from '../../../lib/apple/schemas';
import type { AppleProblem } from '../../../lib/apple/apple-client';
import type { MdmAdapter, MdmKind, MdmProblem, MdmToken, RenewOutcome } from '../../../lib/mdm/mdm-adapter';
import { sameInstant } from '../../../lib/mdm/mdm-adapter';
import { err, ok, type Result } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { appleProblem, fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

// What the vendors really answer (issue 19): Fleet stores any file, a dead file makes an MDM answer 5xx, and
// Jamf Pro / Intune can take a location over from another MDM through their APIs.

const FILE_EXPIRY = '2030-11-08T22:33:22+0000';
const OLD_EXPIRY = '2029-11-08T22:33:22Z';
const SATELLITE = makeVppTokenText({ token: 'c2F0ZWxsaXRl', orgName: 'Acme Corp', expDate: FILE_EXPIRY });
const SATELLITE_CONFIG: AppleClientConfig = { uId: 'LOC-3001', locationName: 'Satellite Office' };

type Call = { call: 'renew' | 'reclaim'; tokenId: string };

function fakeMdm(kind: MdmKind, tokens: MdmToken[], extra: { requiresAppleVerifiedLocation?: boolean; reclaim?: boolean } = {}) {
  const calls: Call[] = [];
  const next: { renew: Array<Result<MdmToken | undefined, MdmProblem>>; reclaim: Array<Result<void, MdmProblem>> } = { renew: [], reclaim: [] };
  const adapter: MdmAdapter = {
    kind,
    writes: 'api',
    matchesBy: 'name',
    ...(extra.requiresAppleVerifiedLocation ? { requiresAppleVerifiedLocation: true } : {}),
    async listTokens() {
      return ok(structuredClone(tokens));
    },
    async renew(tokenId) {
      calls.push({ call: 'renew', tokenId });
      const answer = next.renew.shift();
      if (answer) return answer;
      const token = tokens.find((t) => t.id === tokenId)!;
      token.expiresAt = new Date(Date.parse(FILE_EXPIRY.replace('+0000', 'Z'))).toISOString();
      token.state = 'ok';
      return ok(token);
    },
    ...(extra.reclaim
      ? {
          async reclaim(tokenId: string) {
            calls.push({ call: 'reclaim', tokenId });
            return next.reclaim.shift() ?? ok(undefined);
          },
        }
      : {}),
    outcome(token, expected): RenewOutcome {
      return sameInstant(token.expiresAt, expected.expiresAt) ? { state: 'done', expiresAt: token.expiresAt } : { state: 'pending' };
    },
  };
  return { adapter, calls, next };
}

const satellite = (over: Partial<MdmToken> = {}): MdmToken => ({
  id: '7', locationName: 'Satellite Office', orgName: 'Acme Corp', expiresAt: OLD_EXPIRY, state: 'ok', ...over,
});
const serverError = (status = 500): MdmProblem => ({
  kind: 'server-error', message: `Fleet had a problem on its side (HTTP ${status}).`, nextStep: 'Try again later.', transient: true, status,
});
const revoked = (): AppleProblem =>
  appleProblem('revoked', { message: 'Apple says this token was revoked (error 9625).', errorNumber: 9625 });
const unreachable = (): AppleProblem => appleProblem('unreachable', { transient: true });

describe('RenewalMachine: what the vendors really answer', () => {
  let store: RenewalStore;
  let vault: ReturnType<typeof memoryTokenVault>;
  let handles: ConnectionHandle[];
  let settings: Settings;
  let apple: ReturnType<typeof fakeApple>;
  let answers: Record<string, Result<AppleClientConfig, AppleProblem>>;
  let ids: number;

  const deps = (): RenewalTestDeps => ({
    store,
    vault,
    loadSettings: async () => settings,
    loadApiKey: async () => undefined,
    createApple: () => apple.api,
    createAddigy: () => fakeAddigy([]).api,
    console: fakeConsole().api,
    listConnections: async () => handles,
    newId: () => `r${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const handle = (name: string, mdm: ReturnType<typeof fakeMdm>): ConnectionHandle => ({
    connection: { id: `${mdm.adapter.kind}-1`, kind: mdm.adapter.kind, name },
    adapter: () => mdm.adapter,
  });

  beforeEach(() => {
    store = memoryRenewalStore();
    vault = memoryTokenVault();
    handles = [];
    settings = { ...DEFAULT_SETTINGS, appleVerification: true };
    answers = { [SATELLITE]: ok(SATELLITE_CONFIG) };
    apple = fakeApple(answers);
    ids = 0;
  });

  describe('an MDM that stores any file (Fleet: requiresAppleVerifiedLocation)', () => {
    it('sends when Apple confirmed the location and the organisation equals the token’s', async () => {
      const fleet = fakeMdm('fleet', [satellite()], { requiresAppleVerifiedLocation: true });
      handles = [handle('Fleet HQ', fleet)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      // The confirmation says why only Apple's check lets the file go: read from the adapter, not from the MDM's name.
      expect(record.match).toMatchObject({ requiresAppleVerifiedLocation: true });
      expect((await m.confirm(record.id)).ok).toBe(true);
      await m.settled();
      expect(fleet.calls).toEqual([{ call: 'renew', tokenId: '7' }]);
      expect((await store.get(record.id))!.step).toBe('done');
    });

    it('never sends when Apple could not be asked: a clear refusal, and the token is kept for Retry', async () => {
      answers[SATELLITE] = err(unreachable());
      const fleet = fakeMdm('fleet', [satellite()], { requiresAppleVerifiedLocation: true });
      handles = [handle('Fleet HQ', fleet)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob', fileName: 'sToken_for_Satellite Office.vpptoken' });
      expect(record.step).toBe('awaiting-confirmation');
      await m.confirm(record.id);
      await m.settled();
      const failed = (await store.get(record.id))!;
      expect(fleet.calls).toEqual([]);
      expect(failed.failure).toMatchObject({ kind: 'apple-not-verified', retryable: true });
      expect(failed.failure!.message).toMatch(/Fleet HQ stores any token file.*Apple could not be asked, so nothing was sent/);
      expect(await vault.get(record.id)).toBe(SATELLITE);
    });

    it('never sends when checking with Apple is turned off, and says where to turn it on', async () => {
      settings.appleVerification = false;
      const fleet = fakeMdm('fleet', [satellite()], { requiresAppleVerifiedLocation: true });
      handles = [handle('Fleet HQ', fleet)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob', fileName: 'sToken_for_Satellite Office.vpptoken' });
      await m.confirm(record.id);
      await m.settled();
      expect(fleet.calls).toEqual([]);
      expect((await store.get(record.id))!.failure!.nextStep).toMatch(/Check each token with Apple before sending it/);
    });

    it('never sends when the token’s organisation is not the file’s (Fleet would overwrite it)', async () => {
      // Fleet lists no organisation for this row: the name match lets it through, Fleet would take any file.
      const fleet = fakeMdm('fleet', [satellite({ orgName: undefined })], { requiresAppleVerifiedLocation: true });
      handles = [handle('Fleet HQ', fleet)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      await m.confirm(record.id);
      await m.settled();
      expect(fleet.calls).toEqual([]);
      expect((await store.get(record.id))!.failure).toMatchObject({ kind: 'location-mismatch', retryable: false });
    });

    it('never sends when Apple’s location name is not the token’s (only a loose name match)', async () => {
      const fleet = fakeMdm('fleet', [satellite({ locationName: 'satellite  office' })], { requiresAppleVerifiedLocation: true });
      handles = [handle('Fleet HQ', fleet)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      expect(record.step).toBe('awaiting-confirmation');
      await m.confirm(record.id);
      await m.settled();
      expect(fleet.calls).toEqual([]);
      expect((await store.get(record.id))!.failure!.kind).toBe('location-mismatch');
    });
  });

  describe('a renew that failed with a 5xx is never resent blindly', () => {
    it('asks Apple at once: a dead file is said in plain words, with what to do, and not retried', async () => {
      const fleet = fakeMdm('fleet', [satellite()], { requiresAppleVerifiedLocation: true });
      fleet.next.renew.push(err(serverError()));
      handles = [handle('Fleet HQ', fleet)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      // Apple said yes at capture; the file was revoked since (a newer download).
      answers[SATELLITE] = err(revoked());
      await m.confirm(record.id);
      await m.settled();
      const failed = (await store.get(record.id))!;
      expect(fleet.calls).toHaveLength(1);
      expect(failed.failure).toMatchObject({ kind: 'revoked', step: 'renewing', retryable: false });
      expect(failed.failure!.message).toContain('Apple says this token was revoked');
      expect(failed.failure!.nextStep).toMatch(/Download a fresh token/);
      expect(await vault.get(record.id)).toBeUndefined();
    });

    it('Retry asks Apple first: alive, the file is sent again; dead, it is not', async () => {
      const jamf = fakeMdm('jamf-pro', [satellite()]);
      jamf.next.renew.push(err(serverError(503)), err(serverError(503)));
      handles = [handle('Jamf Pro', jamf)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      await m.confirm(record.id);
      await m.settled();
      expect((await store.get(record.id))!.failure).toMatchObject({ kind: 'server-error', retryable: true });
      const appleCallsBefore = apple.calls.length;

      // Apple still honours the file: Retry sends it again (after asking).
      expect((await m.retry(record.id)).ok).toBe(true);
      await m.settled();
      expect(apple.calls.length).toBeGreaterThan(appleCallsBefore);
      expect(jamf.calls).toHaveLength(2);

      // Now Apple says revoked: Retry sends nothing.
      answers[SATELLITE] = err(revoked());
      const callsBefore = jamf.calls.length;
      expect((await m.retry(record.id)).ok).toBe(true);
      await m.settled();
      expect(jamf.calls).toHaveLength(callsBefore);
      expect((await store.get(record.id))!.failure).toMatchObject({ kind: 'revoked', retryable: false });
    });

    it('Retry with Apple out of reach sends nothing, and keeps the token', async () => {
      const jamf = fakeMdm('jamf-pro', [satellite()]);
      jamf.next.renew.push(err(serverError(502)));
      handles = [handle('Jamf Pro', jamf)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      await m.confirm(record.id);
      await m.settled();
      answers[SATELLITE] = err(unreachable());
      await m.retry(record.id);
      await m.settled();
      expect(jamf.calls).toHaveLength(1);
      expect((await store.get(record.id))!.failure).toMatchObject({ kind: 'apple-unreachable', retryable: true });
      expect(await vault.get(record.id)).toBe(SATELLITE);
    });

    it('a worker that stopped mid-renew asks Apple before sending again', async () => {
      const jamf = fakeMdm('jamf-pro', [satellite()]);
      handles = [handle('Jamf Pro', jamf)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      const stopped = { ...(await store.get(record.id))!, step: 'renewing' as const };
      await store.put(stopped);
      answers[SATELLITE] = err(revoked());
      await renewalMachineFor(deps()).resume();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(jamf.calls).toEqual([]);
      expect((await store.get(record.id))!.failure).toMatchObject({ kind: 'revoked' });
    });
  });

  describe('taking a location over from another MDM through the API (adapter.reclaim)', () => {
    it('with the extra yes: reclaim once, then renew, then done', async () => {
      const jamf = fakeMdm('jamf-pro', [satellite({ state: 'other-server' })], { reclaim: true });
      handles = [handle('Jamf Pro', jamf)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      expect(record.otherMdm).toBe('another MDM server');
      expect(record.match).toMatchObject({ reclaimable: true });
      expect(await m.confirm(record.id)).toMatchObject({ ok: false, error: { kind: 'needs-mdm-override' } });
      expect(jamf.calls).toEqual([]);
      expect((await m.confirm(record.id, { acceptOtherMdm: true })).ok).toBe(true);
      await m.settled();
      expect(jamf.calls).toEqual([
        { call: 'reclaim', tokenId: '7' },
        { call: 'renew', tokenId: '7' },
      ]);
      const done = (await store.get(record.id))!;
      expect(done.step).toBe('done');
      expect(done.reclaimedAt).toBeTruthy();
    });

    it('a refused reclaim sends no file', async () => {
      const jamf = fakeMdm('jamf-pro', [satellite({ state: 'other-server' })], { reclaim: true });
      jamf.next.reclaim.push(err({ kind: 'forbidden', message: 'No.', nextStep: 'Fix the role.', transient: false }));
      handles = [handle('Jamf Pro', jamf)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      await m.confirm(record.id, { acceptOtherMdm: true });
      await m.settled();
      expect(jamf.calls).toEqual([{ call: 'reclaim', tokenId: '7' }]);
      expect((await store.get(record.id))!.failure).toMatchObject({ kind: 'forbidden', retryable: true });
    });

    it('an MDM without reclaim is not offered it, and nothing is reclaimed', async () => {
      const fleet = fakeMdm('fleet', [satellite({ state: 'other-server' })]);
      handles = [handle('Fleet', fleet)];
      const m = renewalMachineFor(deps());
      const record = await m.capture({ text: SATELLITE, source: 'blob' });
      expect(record.match?.reclaimable).toBeUndefined();
      expect(record.match?.requiresAppleVerifiedLocation).toBeUndefined();
      await m.confirm(record.id, { acceptOtherMdm: true });
      await m.settled();
      expect(fleet.calls).toEqual([{ call: 'renew', tokenId: '7' }]);
    });
  });
});
