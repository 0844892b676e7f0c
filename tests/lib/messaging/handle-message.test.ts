import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMessageHandler, type MessageHandlerDeps } from '../../../lib/messaging/handle-message';
import { renewalMachineFor, type RenewalHarness } from '../../support/renewal-harness';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import type { ConsoleFileReply, ConsoleReport } from '../../../lib/addigy-console/console-messages';
import { ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';

const ID = 'ourextensionid';
const ORIGIN = `chrome-extension://${ID}/`;
const POPUP = { id: ID, url: `${ORIGIN}popup.html` };
const APPLE_TAB = { id: ID, url: 'https://business.apple.com/#/main', origin: 'https://business.apple.com', tab: { id: 1 } };
/** Our console script: the top frame of the Addigy tab Token Relay opened (tab 100, the fake console's first). */
const CONSOLE_TAB = { id: ID, url: 'https://app.addigy.com/policies/pol-root', origin: 'https://app.addigy.com', tab: { id: 100 }, frameId: 0 };
/** Our script on Addigy's sign-in page, in the top frame of a tab. */
const SIGN_IN_TAB = { id: ID, url: 'https://login.addigy.com/u/login?state=abc', origin: 'https://login.addigy.com', tab: { id: 100 }, frameId: 0 };
const TEXT = makeVppTokenText();
const CONFIRMATION = { idNumber: '1', name: 'Main Campus', appleId: 'a@b.c', organization: 'Acme Corp' };

describe('createMessageHandler', () => {
  let store: RenewalStore;
  let machine: RenewalHarness;
  let consoleTabs: ReturnType<typeof fakeConsole>;
  let handle: ReturnType<typeof createMessageHandler>;
  let popupOpened: number;

  beforeEach(() => {
    store = memoryRenewalStore();
    popupOpened = 0;
    consoleTabs = fakeConsole(100);
    const addigy = fakeAddigy([
      { locationId: 'loc-main', policyId: 'pol-root', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' } },
    ]);
    machine = renewalMachineFor({
      store,
      vault: memoryTokenVault(),
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => fakeApple({ [TEXT]: ok({ uId: 'LOC-1001', locationName: 'Main Campus' }) }).api,
      createAddigy: () => addigy.api,
      console: consoleTabs.api,
      sleep: async () => undefined,
    });
    handle = createMessageHandler(handlerDeps({ onButtonCapture: () => popupOpened++ }));
  });

  /** What the background wires in, with in-memory stand-ins; the console routes go to the machine as background.ts does. */
  const handlerDeps = (overrides: Partial<MessageHandlerDeps> = {}): MessageHandlerDeps => ({
    machine,
    ownId: ID,
    ownOrigin: ORIGIN,
    getState: async () => ({ configured: true, renewals: await store.list(), noticedDownloads: [], tokens: { health: [] }, snoozedUntil: {}, readAt: Date.now() }),
    refreshTokens: async () => undefined,
    snoozeReminders: async () => undefined,
    testConnection: async () => ({ ok: true, note: 'Connected.' }),
    console: {
      fileFor: async (renewalId, tabId) => {
        const file = await machine.fileForConsole(renewalId, tabId);
        return file ? { ok: true, ...file } : { ok: false };
      },
      report: (renewalId, tabId, report) => machine.consoleReport(renewalId, tabId, report),
      signInPage: (tabId) => machine.consoleNeedsSignIn(tabId),
    },
    ...overrides,
  });

  const settle = async () => {
    await new Promise((r) => setTimeout(r, 20));
    await machine.settled();
  };

  it('turns a capture from our Apple content script into a renewal handed to Addigy’s console', async () => {
    const reply = await handle({ type: 'capture:file', via: 'button', afterTrustedClick: true, fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT }, APPLE_TAB);
    expect(reply).toEqual({ ok: true });
    await settle();
    expect((await store.list())[0]?.step).toBe('handing-over');
    expect(consoleTabs.opened).toHaveLength(1);
    expect(popupOpened).toBe(1);
  });

  it('keeps the delivery route of a button capture (an https take-over is still saved) and records the button', async () => {
    const arrived: string[] = [];
    let opened = 0;
    const withButton = createMessageHandler(
      handlerDeps({ onFileArrived: (file) => arrived.push(file.via), onButtonCapture: () => opened++ }),
    );
    const capture = { type: 'capture:file', via: 'https', fromButton: true, afterTrustedClick: true, fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT };
    expect(await withButton(capture, APPLE_TAB)).toEqual({ ok: true });
    await settle();
    expect(arrived).toEqual(['https']);
    expect(opened).toBe(1);
    expect((await store.list())[0]?.source).toBe('button');
    expect(withButton({ ...capture, fromButton: 'yes' }, APPLE_TAB)).toBeUndefined();
  });

  it('names a taken-over file from the Content-Disposition it was sent with, before the link\'s download attribute', async () => {
    const names: (string | undefined)[] = [];
    // A handler each: one tab's proposals are rate-limited.
    const named = () => createMessageHandler(handlerDeps({ onFileArrived: (file) => names.push(file.fileName) }));
    const capture = { type: 'capture:file', via: 'https', afterTrustedClick: true, text: TEXT };
    const header = "attachment; filename=\"x.vpptoken\"; filename*=UTF-8''sToken_for_M%C3%BCnchen.vpptoken";
    expect(await named()({ ...capture, disposition: header, fileName: 'link.vpptoken' }, APPLE_TAB)).toEqual({ ok: true });
    expect(await named()({ ...capture, disposition: 'attachment', fileName: 'link.vpptoken' }, APPLE_TAB)).toEqual({ ok: true });
    expect(await named()({ ...capture, disposition: 'attachment; filename="../../x/sToken_for_Y.vpptoken"' }, APPLE_TAB)).toEqual({ ok: true });
    expect(names).toEqual(['sToken_for_München.vpptoken', 'link.vpptoken', 'sToken_for_Y.vpptoken']);
    expect(named()({ ...capture, disposition: 'x'.repeat(2000) }, APPLE_TAB)).toBeUndefined();
  });

  it('never lets a content script give commands or read state', async () => {
    for (const message of [
      { type: 'renewal:confirm', id: 'x' },
      { type: 'renewal:show-console', id: 'x' },
      { type: 'state:get' },
      { type: 'renewal:import-file', text: TEXT },
      { type: 'settings:test-connection' },
    ]) {
      expect(handle(message, APPLE_TAB)).toBeUndefined();
      expect(handle(message, CONSOLE_TAB)).toBeUndefined();
    }
  });

  it('ignores forged senders and malformed messages', async () => {
    const capture = { type: 'capture:file', via: 'blob', afterTrustedClick: true, text: TEXT };
    expect(handle(capture, { ...APPLE_TAB, id: 'another-extension' })).toBeUndefined();
    expect(handle(capture, { ...APPLE_TAB, url: 'https://evil.example/', origin: 'https://evil.example' })).toBeUndefined();
    expect(handle({ type: 'capture:file', via: 'blob', text: 'x'.repeat(200_000) }, APPLE_TAB)).toBeUndefined();
    expect(handle({ type: 'capture:file', via: 'telepathy', text: TEXT }, APPLE_TAB)).toBeUndefined();
    expect(handle('capture', APPLE_TAB)).toBeUndefined();
    // The console script cannot capture: a token only comes from Apple's pages or the popup.
    expect(handle(capture, CONSOLE_TAB)).toBeUndefined();
    await settle();
    expect(await store.list()).toHaveLength(0);
  });

  it('drops a page proposal that did not follow a trusted click: no record, no Apple call, no answer', async () => {
    const apple = fakeApple({});
    const checked = renewalMachineFor({
      store,
      vault: memoryTokenVault(),
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => apple.api,
      createAddigy: () => fakeAddigy([]).api,
      console: fakeConsole(200).api,
      sleep: async () => undefined,
    });
    const gated = createMessageHandler(handlerDeps({ machine: checked }));
    for (const afterTrustedClick of [undefined, false]) {
      expect(gated({ type: 'capture:file', via: 'blob', afterTrustedClick, text: TEXT }, APPLE_TAB)).toBeUndefined();
    }
    // Without a tab to count against, nothing goes either.
    expect(gated({ type: 'capture:file', via: 'blob', afterTrustedClick: true, text: TEXT }, { ...APPLE_TAB, tab: {} })).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    await checked.settled();
    expect(await store.list()).toHaveLength(0);
    expect(apple.calls).toHaveLength(0);
  });

  it('bounds a flood of proposals from one tab: at most one goes on, and another tab is not held up', async () => {
    const arrived: string[] = [];
    const flooded = createMessageHandler(handlerDeps({ onFileArrived: (file) => arrived.push(file.via) }));
    const capture = { type: 'capture:file', via: 'blob', afterTrustedClick: true, fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT };
    const replies = Array.from({ length: 70 }, () => flooded(capture, APPLE_TAB));
    expect(replies.filter(Boolean)).toHaveLength(1);
    expect(await flooded(capture, { ...APPLE_TAB, tab: { id: 2 } })).toEqual({ ok: true });
    await settle();
    expect(arrived).toHaveLength(2);
  });

  it('never gates what the user does in the popup', async () => {
    for (let i = 0; i < 5; i++) expect((await handle({ type: 'renewal:import-file', fileName: 'a.vpptoken', text: TEXT }, POPUP))?.ok).toBe(true);
  });

  it('lets our pages read state and confirm; the console tab’s confirmation comes first, and confirm presses Save there', async () => {
    await handle({ type: 'renewal:import-file', fileName: 'a.vpptoken', text: TEXT }, POPUP);
    const state = await handle({ type: 'state:get' }, POPUP);
    expect(state && 'state' in state && state.state?.renewals[0]?.step).toBe('handing-over');
    const id = (await store.list())[0]!.id;

    expect(await handle({ type: 'renewal:confirm', id }, POPUP)).toMatchObject({ ok: false, problem: { kind: 'wrong-step' } });
    expect(await handle({ type: 'console:need-file', renewalId: id }, CONSOLE_TAB)).toMatchObject({ ok: true });
    expect(await handle({ type: 'console:report', renewalId: id, report: { kind: 'confirmation', details: CONFIRMATION } }, CONSOLE_TAB)).toEqual({ ok: true });
    await settle();
    expect((await store.get(id))?.step).toBe('awaiting-confirmation');

    const reply = await handle({ type: 'renewal:confirm', id }, POPUP);
    expect(reply?.ok).toBe(true);
    expect((await store.get(id))?.step).toBe('renewing');
    expect(consoleTabs.saves).toEqual([{ tabId: 100, renewalId: id }]);
  });

  it('gives the file to the renewal’s console tab, and to no other Addigy tab', async () => {
    await handle({ type: 'renewal:import-file', fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT }, POPUP);
    const id = (await store.list())[0]!.id;
    expect(await handle({ type: 'console:need-file', renewalId: id }, CONSOLE_TAB)).toEqual({
      ok: true,
      fileName: 'sToken_for_Main Campus.vpptoken',
      text: TEXT,
    });
    expect(await handle({ type: 'console:need-file', renewalId: id }, { ...CONSOLE_TAB, tab: { id: 7 } })).toEqual({ ok: false });
    expect(await handle({ type: 'console:need-file', renewalId: 'nope' }, CONSOLE_TAB)).toEqual({ ok: false });
  });

  it('answers an intent for an unknown renewal with a readable problem', async () => {
    const reply = await handle({ type: 'renewal:retry', id: 'nope' }, POPUP);
    expect(reply).toMatchObject({ ok: false, problem: { kind: 'unknown-renewal' } });
  });

  it('brings the renewal’s Addigy tab to the front on renewal:show-console', async () => {
    const showConsoleTab = vi.fn(async () => undefined);
    const withShow = createMessageHandler(handlerDeps({ showConsoleTab }));
    expect(await withShow({ type: 'renewal:show-console', id: 'r1' }, POPUP)).toEqual({ ok: true });
    expect(showConsoleTab).toHaveBeenCalledWith('r1');
    expect(withShow({ type: 'renewal:show-console' }, POPUP)).toBeUndefined();
    expect(showConsoleTab).toHaveBeenCalledTimes(1);
  });

  describe('the Addigy console script’s routes', () => {
    const FILE_REPLY: ConsoleFileReply = { ok: true, fileName: 'sToken_for_Main Campus.vpptoken', text: 'the token text' };
    let fileFor: ReturnType<typeof vi.fn<(renewalId: string, tabId: number) => Promise<ConsoleFileReply>>>;
    let report: ReturnType<typeof vi.fn<(renewalId: string, tabId: number, report: ConsoleReport) => Promise<void>>>;
    let routed: ReturnType<typeof createMessageHandler>;

    beforeEach(() => {
      fileFor = vi.fn(async () => FILE_REPLY);
      report = vi.fn(async () => undefined);
      routed = createMessageHandler(handlerDeps({ console: { fileFor, report } }));
    });

    it('console:need-file answers with deps.console.fileFor’s reply, for the sender’s own tab', async () => {
      expect(await routed({ type: 'console:need-file', renewalId: 'r1' }, CONSOLE_TAB)).toBe(FILE_REPLY);
      expect(fileFor).toHaveBeenCalledWith('r1', 100);
      expect(report).not.toHaveBeenCalled();
    });

    it('console:need-file passes on a refusal as it is', async () => {
      fileFor.mockResolvedValueOnce({ ok: false });
      expect(await routed({ type: 'console:need-file', renewalId: 'r1' }, { ...CONSOLE_TAB, tab: { id: 55 } })).toEqual({ ok: false });
      expect(fileFor).toHaveBeenCalledWith('r1', 55);
    });

    it.each<ConsoleReport>([
      { kind: 'progress', step: 'finding-token' },
      { kind: 'confirmation', details: CONFIRMATION },
      { kind: 'saved', by: 'admin' },
      { kind: 'refused', text: 'The identifier does not match.' },
      { kind: 'step-missing', step: 'opening-renew', what: 'Addigy’s Renew button', outline: { page: '/policies', takenAt: 'now', nodes: ['main'] } },
    ])('console:report $kind goes to deps.console.report with the sender’s tab', async (body) => {
      expect(await routed({ type: 'console:report', renewalId: 'r1', report: body }, CONSOLE_TAB)).toEqual({ ok: true });
      expect(report).toHaveBeenCalledWith('r1', 100, body);
      expect(fileFor).not.toHaveBeenCalled();
    });

    it('ignores console messages from an Apple content script, our own pages, or a forged console sender', () => {
      const messages = [
        { type: 'console:need-file', renewalId: 'r1' },
        { type: 'console:report', renewalId: 'r1', report: { kind: 'saved', by: 'admin' } },
      ];
      for (const message of messages) {
        expect(routed(message, APPLE_TAB)).toBeUndefined();
        expect(routed(message, POPUP)).toBeUndefined();
        expect(routed(message, { ...CONSOLE_TAB, frameId: 2 })).toBeUndefined();
        expect(routed(message, { ...CONSOLE_TAB, id: 'another-extension' })).toBeUndefined();
        expect(routed(message, { ...CONSOLE_TAB, url: 'http://app.addigy.com/', origin: 'http://app.addigy.com' })).toBeUndefined();
      }
      expect(fileFor).not.toHaveBeenCalled();
      expect(report).not.toHaveBeenCalled();
    });

    it.each([
      ['a string', 'console:need-file'],
      ['an unknown type', { type: 'console:give-me-everything', renewalId: 'r1' }],
      ['need-file without a renewal id', { type: 'console:need-file' }],
      ['a report without a report', { type: 'console:report', renewalId: 'r1' }],
      ['an unknown report kind', { type: 'console:report', renewalId: 'r1', report: { kind: 'done' } }],
      ['an unknown step', { type: 'console:report', renewalId: 'r1', report: { kind: 'progress', step: 'hacking' } }],
      ['saved by someone else', { type: 'console:report', renewalId: 'r1', report: { kind: 'saved', by: 'attacker' } }],
      ['a confirmation missing a value', { type: 'console:report', renewalId: 'r1', report: { kind: 'confirmation', details: { name: 'x' } } }],
      ['an over-long refusal text', { type: 'console:report', renewalId: 'r1', report: { kind: 'refused', text: 'x'.repeat(301) } }],
    ])('gives no answer to a malformed console message: %s', (_name, message) => {
      expect(routed(message, CONSOLE_TAB)).toBeUndefined();
      expect(fileFor).not.toHaveBeenCalled();
      expect(report).not.toHaveBeenCalled();
    });

    it('gives no answer when the sender has no numeric tab id, or no console route is wired', () => {
      const message = { type: 'console:need-file', renewalId: 'r1' };
      expect(routed(message, { ...CONSOLE_TAB, tab: { id: '100' } })).toBeUndefined();
      expect(routed(message, { ...CONSOLE_TAB, tab: {} })).toBeUndefined();
      expect(createMessageHandler(handlerDeps({ console: undefined }))(message, CONSOLE_TAB)).toBeUndefined();
      expect(fileFor).not.toHaveBeenCalled();
    });
  });

  describe('our script on Addigy’s sign-in page', () => {
    it('learns whether its tab is one Token Relay opened, and the renewal notes the wait for sign-in', async () => {
      await handle({ type: 'renewal:import-file', fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT }, POPUP);
      const id = (await store.list())[0]!.id;
      expect(await handle({ type: 'console:sign-in-page' }, SIGN_IN_TAB)).toEqual({ ok: true, ours: true });
      expect((await store.get(id))?.console?.signInSince).toBeTruthy();
      expect(await handle({ type: 'console:sign-in-page' }, { ...SIGN_IN_TAB, tab: { id: 7 } })).toEqual({ ok: true, ours: false });
    });

    it('may ask nothing else: no file, no reports, no capture, no state', () => {
      const signInPage = vi.fn(async () => true);
      const fileFor = vi.fn(async (): Promise<ConsoleFileReply> => ({ ok: false }));
      const report = vi.fn(async () => undefined);
      const routed = createMessageHandler(handlerDeps({ console: { fileFor, report, signInPage } }));
      for (const message of [
        { type: 'console:need-file', renewalId: 'r1' },
        { type: 'console:report', renewalId: 'r1', report: { kind: 'saved', by: 'admin' } },
        { type: 'capture:file', via: 'blob', text: TEXT },
        { type: 'state:get' },
        { type: 'renewal:confirm', id: 'r1' },
        'console:sign-in-page',
        null,
      ]) {
        expect(routed(message, SIGN_IN_TAB)).toBeUndefined();
      }
      expect(fileFor).not.toHaveBeenCalled();
      expect(report).not.toHaveBeenCalled();
      expect(signInPage).not.toHaveBeenCalled();
    });

    it('the sign-in question is answered only for the sign-in script’s top frame', () => {
      const signInPage = vi.fn(async () => true);
      const routed = createMessageHandler(handlerDeps({ console: { fileFor: async () => ({ ok: false }), report: async () => undefined, signInPage } }));
      const question = { type: 'console:sign-in-page' };
      expect(routed(question, CONSOLE_TAB)).toBeUndefined();
      expect(routed(question, APPLE_TAB)).toBeUndefined();
      expect(routed(question, POPUP)).toBeUndefined();
      expect(routed(question, { ...SIGN_IN_TAB, frameId: 1 })).toBeUndefined();
      expect(routed(question, { ...SIGN_IN_TAB, tab: {} })).toBeUndefined();
      expect(signInPage).not.toHaveBeenCalled();
      expect(createMessageHandler(handlerDeps({ console: undefined }))(question, SIGN_IN_TAB)).toBeUndefined();
    });
  });

  describe('batch renewal', () => {
    const batchDouble = () => ({
      propose: vi.fn(async () => ({ ok: true as const, value: { openedApplePage: true as const } })),
      confirm: vi.fn(async () => ({ ok: true as const, value: {} as never })),
      cancel: vi.fn(async () => ({ ok: true as const, value: {} as never })),
      retryItem: vi.fn(async () => ({ ok: true as const, value: {} as never })),
      dismiss: vi.fn(async () => ({ ok: true as const, value: {} as never })),
      takeCapture: vi.fn(async () => false),
    });

    it('a capture without the user’s click goes to a running batch, which alone decides; nothing else starts', async () => {
      const batch = batchDouble();
      batch.takeCapture.mockResolvedValueOnce(true);
      const routed = createMessageHandler(handlerDeps({ batch }));
      await routed({ type: 'capture:file', via: 'blob', fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT }, APPLE_TAB);
      expect(batch.takeCapture).toHaveBeenCalledWith(1, { via: 'blob', fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
      // Not the batch's: dropped without a record.
      await routed({ type: 'capture:file', via: 'blob', text: TEXT }, APPLE_TAB);
      await machine.settled();
      expect(await store.list()).toEqual([]);
    });

    it('a capture after the user’s own click still renews on its own when no batch takes it', async () => {
      const batch = batchDouble();
      const routed = createMessageHandler(handlerDeps({ batch }));
      await routed({ type: 'capture:file', via: 'blob', afterTrustedClick: true, text: TEXT }, APPLE_TAB);
      await machine.settled();
      expect(await store.list()).toHaveLength(1);
    });

    it('Send all on Apple’s page only proposes, and only after the user’s own click', async () => {
      const batch = batchDouble();
      const routed = createMessageHandler(handlerDeps({ batch, siteOfTab: async () => 'https://school.apple.com/#/main', onButtonCapture: () => popupOpened++ }));
      expect(routed({ type: 'capture:send-all', locations: ['North High'] }, APPLE_TAB)).toBeUndefined();
      expect(batch.propose).not.toHaveBeenCalled();
      await routed({ type: 'capture:send-all', afterTrustedClick: true, locations: ['North High'] }, APPLE_TAB);
      expect(batch.propose).toHaveBeenCalledWith({ site: 'https://school.apple.com', tabId: 1, pageLocations: ['North High'] });
      expect(batch.confirm).not.toHaveBeenCalled();
      expect(popupOpened).toBe(1);
    });

    it('the batch intents come from extension pages only', async () => {
      const batch = batchDouble();
      const routed = createMessageHandler(handlerDeps({ batch }));
      for (const intent of [{ type: 'batch:confirm', id: 'b' }, { type: 'batch:retry', id: 'b', key: 'k' }, { type: 'batch:cancel', id: 'b' }]) {
        expect(routed(intent, APPLE_TAB)).toBeUndefined();
        expect(routed(intent, CONSOLE_TAB)).toBeUndefined();
      }
      expect(batch.confirm).not.toHaveBeenCalled();
      expect(await routed({ type: 'batch:confirm', id: 'b' }, POPUP)).toMatchObject({ ok: true });
      expect(batch.confirm).toHaveBeenCalledWith('b');
      expect(await routed({ type: 'batch:retry', id: 'b', key: 'k' }, POPUP)).toMatchObject({ ok: true });
      expect(batch.retryItem).toHaveBeenCalledWith('b', 'k');
      expect(await routed({ type: 'batch:propose', site: 'https://business.apple.com' }, POPUP)).toEqual({ ok: true, note: 'opened-apple-page' });
    });
  });
});
