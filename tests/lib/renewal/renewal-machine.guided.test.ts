import { beforeEach, describe, expect, it } from 'vitest';
import { renewalMachineFor, type RenewalHarness, type RenewalTestDeps } from '../../support/renewal-harness';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import type { ConsolePath } from '../../../lib/addigy-console/console-messages';
import { ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

// Guided mode, as the background sees it: Addigy's page did not match the model, so the console script guides the
// admin and reports; Addigy's API alone decides success; the way the admin took is kept once it worked.

const FILE_EXPIRY = '2030-11-08T22:33:22+0000';
const OLD_EXPIRY = '2029-11-08T22:33:22+0000';
const TEXT = makeVppTokenText({ token: 'Z3VpZGVk', orgName: 'Acme Corp', expDate: FILE_EXPIRY });
const START = Date.parse('2026-11-30T12:00:00Z');
const SAY = 'Open the policy that holds Main Campus, then its Apple Apps settings, and choose Renew beside Main Campus. Token Relay will give Addigy the file.';
const OUTLINE = { page: 'https://app.addigy.com/org/1/configs/pol-root', takenAt: '2026-11-30T12:00:00.000Z', nodes: ['main'] };
const PATH: ConsolePath = { route: '/org/*/configs/{policy}', controls: ['Volume Purchase', 'Replace token'] };

function addigyTokens(): AddigyToken[] {
  return [
    { locationId: 'loc-main', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', expDate: OLD_EXPIRY, clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' }, syncing: false, lastSyncingStatus: 'success', lastSync: '2026-01-01T00:00:00Z' },
  ];
}

describe('RenewalMachine: a guided renewal in an Addigy console Token Relay does not know', () => {
  let store: RenewalStore;
  let vault: ReturnType<typeof memoryTokenVault>;
  let addigy: ReturnType<typeof fakeAddigy>;
  let consoleTabs: ReturnType<typeof fakeConsole>;
  let shown: number[];
  let kept: Map<string, ConsolePath>;
  let clock: number;
  let ids: number;

  const deps = (): RenewalTestDeps => ({
    store,
    vault,
    loadSettings: async () => ({ ...DEFAULT_SETTINGS }),
    loadApiKey: async () => 'key-1',
    createApple: () => fakeApple({ [TEXT]: ok({ uId: 'LOC-1001', locationName: 'Main Campus' }) }).api,
    createAddigy: () => addigy.api,
    console: { ...consoleTabs.api, show: async (tabId: number) => void shown.push(tabId) },
    consolePaths: { load: async (origin) => kept.get(origin), save: async (origin, path) => void kept.set(origin, path) },
    consoleBounds: { guidedMs: 60_000 },
    now: () => new Date(clock),
    newId: () => `g${++ids}`,
    sleep: async () => undefined,
    scanPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const stored = async (id: string) => (await store.get(id))!;

  async function guided(m: RenewalHarness) {
    const record = await m.capture({ text: TEXT, source: 'blob', fileName: 'sToken_for_Main Campus.vpptoken' });
    const tabId = record.console!.tabId!;
    await m.consoleReport(record.id, tabId, { kind: 'guide', step: 'opening-apple-apps', say: SAY, outline: OUTLINE });
    return { id: record.id, tabId };
  }

  beforeEach(() => {
    store = memoryRenewalStore();
    vault = memoryTokenVault();
    addigy = fakeAddigy(addigyTokens(), { now: () => new Date(clock) });
    consoleTabs = fakeConsole();
    shown = [];
    kept = new Map();
    clock = START;
    ids = 0;
  });

  it('keeps the guide’s words for the popup, brings the tab to the front once, and keeps the page report', async () => {
    const m = renewalMachineFor(deps());
    const { id, tabId } = await guided(m);
    await m.consoleReport(id, tabId, { kind: 'guide', step: 'opening-renew', say: 'Choose Renew beside Main Campus.' });
    const record = await stored(id);
    expect(record.step).toBe('handing-over');
    expect(record.console?.guide?.say).toBe('Choose Renew beside Main Campus.');
    expect(record.pageReport).toEqual({ site: 'addigy', outline: OUTLINE });
    expect(shown).toEqual([tabId]);
    expect(record.failure).toBeUndefined();
  });

  it('a new page while guided gets the job marked guided, so it guides at once', async () => {
    const m = renewalMachineFor(deps());
    const { tabId } = await guided(m);
    await m.consoleTabLoaded(tabId);
    expect(consoleTabs.opened.at(-1)?.job).toMatchObject({ guided: true });
  });

  it('hands the file over, then Addigy’s API alone says it is renewed: done, saved by the admin, the way kept', async () => {
    const m = renewalMachineFor(deps());
    const { id, tabId } = await guided(m);
    await m.consoleReport(id, tabId, { kind: 'path', path: { route: '/org/*/configs/{policy}', controls: ['Volume Purchase'] } });
    await m.consoleTabLoaded(tabId);
    await m.consoleReport(id, tabId, { kind: 'path', path: { route: '/org/*/configs/{policy}', controls: ['Replace token'] } });
    clock += 1_000;
    expect(await m.fileForConsole(id, tabId)).toEqual({ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    await m.consoleReport(id, tabId, { kind: 'confirm-in-page', details: { idNumber: '', name: 'Main Campus', appleId: '', organization: 'Acme Corp' } });
    expect((await stored(id)).console).toMatchObject({ confirmInPage: true, details: { name: 'Main Campus' } });
    addigy.markSaved('loc-main', FILE_EXPIRY, { syncingPolls: 1 });
    await m.settled();

    const done = await stored(id);
    expect(done.step).toBe('done');
    expect(done.savedBy).toBe('admin');
    expect(done.lastSync).toBeTruthy();
    expect(await vault.get(id)).toBeUndefined();
    expect(kept.get('https://app.addigy.com')).toEqual(PATH);
  });

  it('the next renewal on that console gets the remembered way with its policy', async () => {
    kept.set('https://app.addigy.com', PATH);
    const m = renewalMachineFor(deps());
    await m.capture({ text: TEXT, source: 'blob', fileName: 'sToken_for_Main Campus.vpptoken' });
    expect(consoleTabs.opened[0]?.job).toMatchObject({ knownPath: PATH, policyId: 'pol-root' });
    expect(consoleTabs.opened[0]?.job).not.toHaveProperty('guided');
  });

  it('Addigy’s API not moving within the bound: “Addigy did not take the file”, Retry, the token kept', async () => {
    const m = renewalMachineFor(deps());
    const { id, tabId } = await guided(m);
    await m.fileForConsole(id, tabId);
    await m.settled();
    const record = await stored(id);
    expect(record.failure).toMatchObject({ kind: 'not-taken', retryable: true });
    expect(record.failure?.message).toMatch(/^Addigy did not take the file for Main Campus/);
    expect(await vault.get(id)).toBe(TEXT);
    expect(kept.size).toBe(0);
  });

  it('Addigy’s words in any markup: a refusal it recognises fails at once; other words are shown and it waits on', async () => {
    const m = renewalMachineFor(deps());
    const { id, tabId } = await guided(m);
    await m.consoleReport(id, tabId, { kind: 'answer', text: 'Uploading…' });
    expect((await stored(id)).console?.answer).toBeUndefined();
    await m.fileForConsole(id, tabId);
    await m.consoleReport(id, tabId, { kind: 'answer', text: 'Token uploaded, waiting for confirmation' });
    expect((await stored(id)).console?.answer).toBe('Token uploaded, waiting for confirmation');
    await m.consoleReport(id, tabId, { kind: 'answer', text: 'The identifier of this token does not match the token you are renewing' });
    const failed = await stored(id);
    expect(failed.failure).toMatchObject({ kind: 'identifier-mismatch', retryable: false });
    await m.settled();
    expect((await stored(id)).failure?.kind).toBe('identifier-mismatch');
  });

  it('two reports at once both count: the details to confirm and Addigy’s words around them', async () => {
    const m = renewalMachineFor(deps());
    const { id, tabId } = await guided(m);
    await m.fileForConsole(id, tabId);
    await Promise.all([
      m.consoleReport(id, tabId, { kind: 'confirm-in-page', details: { idNumber: '', name: 'Main Campus', appleId: '', organization: 'Acme Corp' } }),
      m.consoleReport(id, tabId, { kind: 'answer', text: 'Token uploaded' }),
    ]);
    expect((await stored(id)).console).toMatchObject({ confirmInPage: true, details: { name: 'Main Campus' }, answer: 'Token uploaded' });
  });

  it('a guide left unanswered past its bound after a restart: guide-timeout, Retry, nothing saved', async () => {
    const m = renewalMachineFor(deps());
    const { id } = await guided(m);
    clock += 61_000;
    await renewalMachineFor(deps()).resume();
    const record = await stored(id);
    expect(record.failure).toMatchObject({ kind: 'guide-timeout', retryable: true, step: 'handing-over' });
  });

  it('the admin closing the tab midway leads to Retry', async () => {
    const m = renewalMachineFor(deps());
    const { id, tabId } = await guided(m);
    await m.consoleTabClosed(tabId);
    expect((await stored(id)).failure).toMatchObject({ kind: 'console-closed', retryable: true });
    expect((await m.retry(id)).ok).toBe(true);
  });
});
