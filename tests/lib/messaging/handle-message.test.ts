import { beforeEach, describe, expect, it } from 'vitest';
import { createMessageHandler, type MessageHandlerDeps } from '../../../lib/messaging/handle-message';
import { RenewalMachine } from '../../../lib/renewal/renewal-machine';
import { memoryRenewalStore, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault } from '../../../lib/storage/token-vault';
import { DEFAULT_SETTINGS } from '../../../lib/storage/settings';
import { ok } from '../../../lib/result';
import { makeVppTokenText } from '../../support/vpp-token-factory';
import { fakeAddigy, fakeApple } from '../../support/fake-apis';

const ID = 'ourextensionid';
const ORIGIN = `chrome-extension://${ID}/`;
const POPUP = { id: ID, url: `${ORIGIN}popup.html` };
const APPLE_TAB = { id: ID, url: 'https://business.apple.com/#/main', origin: 'https://business.apple.com', tab: { id: 1 } };
const TEXT = makeVppTokenText();

describe('createMessageHandler', () => {
  let store: RenewalStore;
  let machine: RenewalMachine;
  let handle: ReturnType<typeof createMessageHandler>;
  let popupOpened: number;

  beforeEach(() => {
    store = memoryRenewalStore();
    popupOpened = 0;
    const addigy = fakeAddigy(
      [{ locationId: 'loc-main', inheritedFrom: null, orgName: 'Acme Corp', clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus' } }],
      { idNumber: '1', name: 'Main Campus', appleId: 'a@b.c', organization: 'Acme Corp', expirationDate: '2030-11-08T22:33:22Z' },
    );
    machine = new RenewalMachine({
      store,
      vault: memoryTokenVault(),
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => fakeApple({ [TEXT]: ok({ uId: 'LOC-1001', locationName: 'Main Campus' }) }).api,
      createAddigy: () => addigy.api,
      sleep: async () => undefined,
    });
    handle = createMessageHandler(handlerDeps({ onButtonCapture: () => popupOpened++ }));
  });

  /** What the background wires in, with in-memory stand-ins. */
  const handlerDeps = (overrides: Partial<MessageHandlerDeps> = {}): MessageHandlerDeps => ({
    machine,
    ownId: ID,
    ownOrigin: ORIGIN,
    getState: async () => ({ configured: true, renewals: await store.list(), noticedDownloads: [], tokens: { health: [] }, snoozedUntil: {}, readAt: Date.now() }),
    refreshTokens: async () => undefined,
    snoozeReminders: async () => undefined,
    testConnection: async () => ({ ok: true, note: 'Connected.' }),
    ...overrides,
  });

  const settle = async () => {
    await new Promise((r) => setTimeout(r, 20));
    await machine.settled();
  };

  it('turns a capture from our Apple content script into a pending renewal', async () => {
    const reply = await handle({ type: 'capture:file', via: 'button', afterTrustedClick: true, fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT }, APPLE_TAB);
    expect(reply).toEqual({ ok: true });
    await settle();
    expect((await store.list())[0]?.step).toBe('awaiting-confirmation');
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

  it('never lets a content script give commands or read state', async () => {
    for (const message of [
      { type: 'renewal:confirm', id: 'x' },
      { type: 'state:get' },
      { type: 'renewal:import-file', text: TEXT },
      { type: 'settings:test-connection' },
    ]) {
      expect(handle(message, APPLE_TAB)).toBeUndefined();
    }
  });

  it('ignores forged senders and malformed messages', async () => {
    const capture = { type: 'capture:file', via: 'blob', afterTrustedClick: true, text: TEXT };
    expect(handle(capture, { ...APPLE_TAB, id: 'another-extension' })).toBeUndefined();
    expect(handle(capture, { ...APPLE_TAB, url: 'https://evil.example/', origin: 'https://evil.example' })).toBeUndefined();
    expect(handle({ type: 'capture:file', via: 'blob', text: 'x'.repeat(200_000) }, APPLE_TAB)).toBeUndefined();
    expect(handle({ type: 'capture:file', via: 'telepathy', text: TEXT }, APPLE_TAB)).toBeUndefined();
    expect(handle('capture', APPLE_TAB)).toBeUndefined();
    await settle();
    expect(await store.list()).toHaveLength(0);
  });

  it('drops a page proposal that did not follow a trusted click: no record, no Apple call, no answer', async () => {
    const apple = fakeApple({});
    const checked = new RenewalMachine({
      store,
      vault: memoryTokenVault(),
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => apple.api,
      createAddigy: () => fakeAddigy([], { idNumber: '1', name: 'x', appleId: 'a@b.c', organization: 'x', expirationDate: '2030-11-08T22:33:22Z' }).api,
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

  it('lets our pages read state and confirm', async () => {
    await handle({ type: 'renewal:import-file', fileName: 'a.vpptoken', text: TEXT }, POPUP);
    const state = await handle({ type: 'state:get' }, POPUP);
    expect(state?.ok && state.state?.renewals[0]?.step).toBe('awaiting-confirmation');
    const id = (await store.list())[0]!.id;
    const reply = await handle({ type: 'renewal:confirm', id }, POPUP);
    expect(reply?.ok).toBe(true);
    await settle();
    expect((await store.get(id))?.step).toBe('done');
  });

  it('answers an intent for an unknown renewal with a readable problem', async () => {
    const reply = await handle({ type: 'renewal:retry', id: 'nope' }, POPUP);
    expect(reply).toMatchObject({ ok: false, problem: { kind: 'unknown-renewal' } });
  });
});
