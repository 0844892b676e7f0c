import { beforeAll, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readCapturedFile } from '../../../lib/capture/bridge';
import { CaptureGate } from '../../../lib/capture/capture-gate';
import { offscreenRequestSchema } from '../../../lib/capture/save-token-file';
import { createMessageHandler } from '../../../lib/messaging/handle-message';
import { contentRequestSchema, intentReplySchema, pageIntentSchema } from '../../../lib/messaging/messages';
import { RenewalMachine } from '../../../lib/renewal/renewal-machine';
import { renewalRecordSchema } from '../../../lib/renewal/renewal-record';
import { openTokenRelayDb, resetTokenRelayDbForTests } from '../../../lib/storage/database';
import { idbRenewalStore, memoryRenewalStore } from '../../../lib/storage/renewal-store';
import { DEFAULT_SETTINGS, loadSettings } from '../../../lib/storage/settings';
import { memoryTokenVault, sessionTokenVault } from '../../../lib/storage/token-vault';
import { fakeAddigy, fakeApple } from '../../support/fake-apis';
import { makeVppTokenText } from '../../support/vpp-token-factory';

/**
 * Hostile inputs, generated from a fixed seed, to every receiving end: runtime messages (every kind of
 * sender), capture proposals, bridge messages, stored records read back. Each must end in a typed refusal
 * or no answer, never a throw, and never in a renewal that goes on.
 */

// ─── a small seeded generator (no fast-check in this project) ───

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Hostile {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = mulberry32(seed);
  }
  int(n: number) {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number) {
    return this.random() < p;
  }
  string(): string {
    switch (this.int(9)) {
      case 0: return '';
      case 1: return 'x'.repeat(this.pick([1, 259, 260, 261, 65_536, 131_073, 200_000]));
      case 2: return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'capture:file', 'state:get', 'renewal:confirm']);
      case 3: return String.fromCharCode(...Array.from({ length: this.int(40) }, () => this.int(0x10000)));
      case 4: return this.pick(['https://business.apple.com', 'https://evil.example', 'blob:https://business.apple.com/x', 'data:,x', 'javascript:alert(1)']);
      case 5: return makeVppTokenText({ orgName: this.string().slice(0, 50) });
      case 6: return `${makeVppTokenText()}${this.pick(['\n', '\u0000', ' ', '==', '%'])}`;
      case 7: return '../../'.repeat(this.int(5)) + this.pick(['sToken_for_Main Campus.vpptoken', '.bashrc', 'a.exe']);
      default: return this.random().toString(36).slice(2, 2 + this.int(30));
    }
  }
  number(): number {
    return this.pick([0, -0, -1, 1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), NaN, Infinity, -Infinity, 365, 366, this.random() * 1e6]);
  }
  value(depth = 0): unknown {
    const kinds = depth > 3 ? 6 : 9;
    switch (this.int(kinds)) {
      case 0: return undefined;
      case 1: return null;
      case 2: return this.chance(0.5);
      case 3: return this.number();
      case 4:
      case 5: return this.string();
      case 6: return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      case 7: {
        const object: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) object[this.string().slice(0, 20)] = this.value(depth + 1);
        return object;
      }
      // An own `__proto__` key, as JSON.parse makes one.
      default: return JSON.parse(`{"__proto__": {"type": "capture:file", "polluted": true}, "type": ${JSON.stringify(this.string().slice(0, 30))}}`);
    }
  }
  /** A valid message of some kind, then bent: a field dropped, swapped for junk, or added. */
  message(): unknown {
    const templates: Array<() => Record<string, unknown>> = [
      () => ({ type: 'capture:file', via: 'blob', fileName: 'sToken_for_Main Campus.vpptoken', text: makeVppTokenText() }),
      () => ({ type: 'capture:file', via: 'https', fromButton: true, afterTrustedClick: true, text: makeVppTokenText() }),
      () => ({ type: 'capture:file', via: 'button', afterTrustedClick: true, text: this.string() }),
      () => ({ type: 'state:get' }),
      () => ({ type: 'renewal:confirm', id: this.string(), acceptOtherMdm: true }),
      () => ({ type: 'renewal:retry', id: this.string() }),
      () => ({ type: 'renewal:discard', id: this.string() }),
      () => ({ type: 'renewal:import-file', fileName: this.string(), text: this.string() }),
      () => ({ type: 'settings:test-connection' }),
      () => ({ type: 'tokens:refresh' }),
      () => ({ type: 'tokens:snooze', locationId: this.string(), days: this.number() }),
      () => ({ type: 'offscreen:create-blob-url', text: this.string() }),
      () => ({ type: 'state:changed' }),
    ];
    const message = this.pick(templates)();
    for (let i = this.int(4); i > 0; i--) {
      const keys = Object.keys(message);
      const key = this.chance(0.7) && keys.length ? this.pick(keys) : this.string().slice(0, 20);
      if (this.chance(0.3)) delete message[key];
      else message[key] = this.value(1);
    }
    return this.chance(0.1) ? this.value() : message;
  }
}

// ─── senders: every kind the background can meet ───

const ID = 'ourextensionid';
const ORIGIN = `chrome-extension://${ID}/`;

function sender(h: Hostile): Record<string, unknown> {
  switch (h.int(9)) {
    case 0: return { id: ID, url: `${ORIGIN}popup.html` };
    case 1: return { id: ID, url: `${ORIGIN}options.html` };
    case 2: return { id: ID, url: 'https://business.apple.com/#/main', origin: 'https://business.apple.com', tab: { id: h.int(3) }, frameId: h.int(2) };
    case 3: return { id: ID, url: 'https://school.apple.com/', tab: { id: h.pick([-1, 1.5, NaN, 7]) } };
    case 4: return { id: 'another-extension', url: `chrome-extension://another-extension/popup.html` };
    case 5: return { id: ID, url: 'https://evil.example/', origin: 'https://evil.example', tab: { id: 1 } };
    case 6: return { url: `${ORIGIN}popup.html` };
    case 7: return { id: ID, url: `${ORIGIN.slice(0, -1)}.evil.example/popup.html`, tab: { id: 1 } };
    default: return (h.value() ?? {}) as Record<string, unknown>;
  }
}

const APPLE_SENDER = (s: Record<string, unknown>) => typeof s.url === 'string' && /^https:\/\/(business|school)\.apple\.com/.test(s.url) && s.id === ID;

describe('fuzzing every receiving end with hostile input', () => {
  beforeAll(async () => {
    await resetTokenRelayDbForTests();
  });

  it('runtime messages and capture proposals: 5,000 from every kind of sender, no throw, no renewal that goes on', async () => {
    const h = new Hostile(0x5ec0_0001);
    const store = memoryRenewalStore();
    const vault = memoryTokenVault();
    const apple = fakeApple({});
    const addigy = fakeAddigy([], { idNumber: '1', name: 'x', appleId: 'a@b.c', organization: 'x', expirationDate: '2030-01-01T00:00:00Z' });
    const machine = new RenewalMachine({
      store,
      vault,
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => apple.api,
      createAddigy: () => addigy.api,
      sleep: async () => undefined,
    });
    const handle = createMessageHandler({
      machine,
      ownId: ID,
      ownOrigin: ORIGIN,
      // A frozen clock: each tab gets at most one proposal through, however many arrive.
      captureGate: new CaptureGate(undefined, () => 0),
      getState: async () => ({ configured: true, renewals: await store.list(), noticedDownloads: [], tokens: { health: [] }, snoozedUntil: {}, readAt: 0 }),
      testConnection: async () => ({ ok: false, problem: { kind: 'x', message: 'm', nextStep: 'n' } }),
      refreshTokens: async () => undefined,
      snoozeReminders: async () => undefined,
    });

    let answered = 0;
    let fromOutside = 0;
    const problems: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const from = sender(h);
      const message = h.message();
      let reply: ReturnType<typeof handle>;
      try {
        reply = handle(message, from as never);
      } catch (error) {
        problems.push(`#${i} threw ${String(error)}`);
        continue;
      }
      if (!reply) continue;
      const settled = await reply.catch((error: unknown) => problems.push(`#${i} rejected ${String(error)}`));
      if (!intentReplySchema.safeParse(settled).success) problems.push(`#${i} answered outside the reply schema`);
      answered++;
      // Content scripts and strangers never get state or a command through.
      if (!String(from.url ?? '').startsWith(ORIGIN)) {
        fromOutside++;
        if (!APPLE_SENDER(from) || JSON.stringify(settled) !== '{"ok":true}') problems.push(`#${i} answered a stranger`);
      }
    }
    expect(problems).toEqual([]);
    // The gate let at most one proposal per tab through (tab ids 0, 1, 2 and 7).
    expect(fromOutside).toBeLessThanOrEqual(4);
    await machine.settled();
    const records = await store.list();
    // Whatever got in was refused with a typed reason: none waits for confirmation or goes further.
    for (const record of records) {
      expect(record.step).toBe('failed');
      expect(record.failure).toMatchObject({ kind: expect.any(String), message: expect.any(String), nextStep: expect.any(String) });
    }
    expect(addigy.calls.filter((c) => c.call === 'renew')).toHaveLength(0);
    expect(answered).toBeGreaterThan(0);
  });

  it('bridge messages: 3,000 hostile window messages read as a typed file or nothing', () => {
    const h = new Hostile(0x5ec0_0002);
    const win = { location: { origin: 'https://business.apple.com' } } as unknown as Window;
    let accepted = 0;
    const problems: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const data = h.chance(0.5)
        ? { tag: h.chance(0.7) ? 'token-relay:captured-download' : h.string(), via: h.pick(['blob', 'data', 'https', h.string()]), fileName: h.chance(0.5) ? h.string() : h.value(), text: h.chance(0.6) ? h.string() : h.value() }
        : h.value();
      // What postMessage delivers is a structured clone.
      let cloned: unknown;
      try {
        cloned = structuredClone(data);
      } catch {
        continue;
      }
      const event = { source: h.chance(0.8) ? win : {}, origin: h.pick(['https://business.apple.com', 'https://evil.example', 'null', h.string()]), data: cloned } as unknown as MessageEvent;
      let file: ReturnType<typeof readCapturedFile>;
      try {
        file = readCapturedFile(event, win);
      } catch (error) {
        problems.push(`#${i} threw ${String(error)}`);
        continue;
      }
      if (!file) continue;
      accepted++;
      const typed =
        (file.via === 'blob' || file.via === 'data') &&
        typeof file.text === 'string' &&
        file.text.length > 0 &&
        (file.fileName === undefined || typeof file.fileName === 'string');
      if (!typed) problems.push(`#${i} read as an untyped file`);
      // What the content script relays from it still fits the background's schema, or is refused there.
      contentRequestSchema.safeParse({ type: 'capture:file', via: file.via, fileName: file.fileName, text: file.text });
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
  });

  it('wire schemas: 2,000 hostile values, each through every schema, parse to a typed refusal, never a throw', () => {
    const h = new Hostile(0x5ec0_0003);
    const problems: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const value = h.chance(0.5) ? h.message() : h.value();
      for (const schema of [contentRequestSchema, pageIntentSchema, intentReplySchema, renewalRecordSchema, offscreenRequestSchema]) {
        try {
          if (typeof schema.safeParse(value).success !== 'boolean') problems.push(`#${i} untyped`);
        } catch (error) {
          problems.push(`#${i} threw ${String(error)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('stored records read back: junk in IndexedDB, storage.session and storage.local is left out, never acted on', async () => {
    const h = new Hostile(0x5ec0_0004);
    const db = await openTokenRelayDb();
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const junk = h.value();
      const record = { ...(typeof junk === 'object' && junk && !Array.isArray(junk) ? junk : { junk }), id: `junk-${i}` };
      if (h.chance(0.5)) Object.assign(record, { step: h.pick(['awaiting-confirmation', 'scanning', 'renewing', h.string()]), updatedAt: h.chance(0.5) ? h.string() : h.value() });
      try {
        await db.put('renewals', structuredClone(record) as never);
        ids.push(record.id);
      } catch {
        // IndexedDB itself refused it (for example an updatedAt it cannot index): nothing stored.
      }
      await fakeBrowser.storage.session.set({ [`pending-token:junk-${i}`]: h.value() });
    }
    expect(ids.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const id of ids) {
      const record = await idbRenewalStore.get(id);
      if (record !== undefined && !renewalRecordSchema.safeParse(record).success) problems.push(`${id} read back untyped`);
      const token = await sessionTokenVault.get(id);
      if (token !== undefined && typeof token !== 'string') problems.push(`${id} token not text`);
    }
    expect(problems).toEqual([]);
    const listed = await idbRenewalStore.list();
    for (const record of listed) expect(renewalRecordSchema.safeParse(record).success).toBe(true);

    // A worker that resumes over this junk neither throws nor sends anything anywhere.
    const apple = fakeApple({});
    const addigy = fakeAddigy([], { idNumber: '1', name: 'x', appleId: 'a@b.c', organization: 'x', expirationDate: '2030-01-01T00:00:00Z' });
    const machine = new RenewalMachine({
      store: idbRenewalStore,
      vault: sessionTokenVault,
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => apple.api,
      createAddigy: () => addigy.api,
      sleep: async () => undefined,
    });
    await expect(machine.resume()).resolves.toBeUndefined();
    await machine.settled();
    expect(addigy.calls.filter((c) => c.call === 'renew')).toHaveLength(0);

    for (let i = 0; i < 300; i++) {
      await fakeBrowser.storage.local.set({ settings: h.value() });
      const settings = await loadSettings();
      if (settings.addigyBaseUrl !== DEFAULT_SETTINGS.addigyBaseUrl || typeof settings.appleVerification !== 'boolean') problems.push(`settings #${i}`);
    }
    expect(problems).toEqual([]);
  });
});
