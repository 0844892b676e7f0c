import { beforeAll, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ADDIGY_CONSOLE_ORIGIN, CONSOLE_STEPS, consoleFileReplySchema } from '../../../lib/addigy-console/console-messages';
import { originOf } from '../../../lib/http';
import { openBridgeInContentScript, openBridgeInPage } from '../../../lib/capture/bridge';
import { CaptureGate } from '../../../lib/capture/capture-gate';
import type { CapturedFile } from '../../../lib/capture/captured-file';
import { offscreenRequestSchema } from '../../../lib/capture/save-token-file';
import { createMessageHandler } from '../../../lib/messaging/handle-message';
import { contentRequestSchema, intentReplySchema, pageIntentSchema } from '../../../lib/messaging/messages';
import { renewalMachineFor, type RenewalHarness } from '../../support/renewal-harness';
import { renewalRecordSchema, type RenewalRecord } from '../../../lib/renewal/renewal-record';
import { openTokenRelayDb, resetTokenRelayDbForTests } from '../../../lib/storage/database';
import { idbRenewalStore, memoryRenewalStore } from '../../../lib/storage/renewal-store';
import { DEFAULT_SETTINGS, loadSettings } from '../../../lib/storage/settings';
import { memoryTokenVault, sessionTokenVault } from '../../../lib/storage/token-vault';
import { MAX_VPP_TOKEN_BYTES } from '../../../lib/token/types';
import { fakeAddigy, fakeApple, fakeConsole } from '../../support/fake-apis';
import { makeVppTokenText } from '../../support/vpp-token-factory';

/**
 * Hostile inputs, generated from a fixed seed, to every receiving end: runtime messages (every kind of
 * sender, Addigy's console and sign-in scripts included), capture proposals, the private bridge's node,
 * stored records read back. Each must end in a typed refusal or no answer, never a throw, and never in a
 * renewal that goes on.
 */

/** The private bridge's event types (lib/capture/bridge.ts). */
const BRIDGE_HELLO = 'token-relay:bridge';
const BRIDGE_FILE = 'token-relay:file';

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
  /** A renewal id: one of `known` (renewals under way), or junk. */
  renewalId(known: readonly string[]): string {
    return known.length && this.chance(0.7) ? this.pick(known) : this.string().slice(0, 120);
  }
  /** What the console script may report, bent or not. */
  report(): Record<string, unknown> {
    const step = () => (this.chance(0.8) ? this.pick(CONSOLE_STEPS) : this.string());
    const short = () => (this.chance(0.8) ? this.string().slice(0, 300) : this.string());
    switch (this.int(6)) {
      case 0: return { kind: 'progress', step: step() };
      case 1: return { kind: 'confirmation', details: { idNumber: short(), name: short(), appleId: short(), organization: short() } };
      case 2: return { kind: 'saved', by: this.pick(['token-relay', 'admin', this.string()]) };
      case 3: return { kind: 'refused', text: this.chance(0.5) ? `Error: ${makeVppTokenText()}`.slice(0, 300) : short() };
      case 4: {
        const outline = { page: short(), takenAt: short(), nodes: Array.from({ length: this.int(5) }, () => this.string().slice(0, 400)) };
        return { kind: 'step-missing', step: step(), what: short(), ...(this.chance(0.5) ? { outline } : {}) };
      }
      default: return { kind: this.string() };
    }
  }
  /** A valid message of some kind, then bent: a field dropped, swapped for junk, or added. */
  message(known: readonly string[] = []): unknown {
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
      () => ({ type: 'settings:test-connection', connectionId: this.string() }),
      () => ({ type: 'renewal:choose', id: this.renewalId(known), connectionId: this.string(), tokenId: this.string() }),
      () => ({ type: 'connections:changed' }),
      () => ({ type: 'tokens:refresh' }),
      () => ({ type: 'tokens:snooze', locationId: this.string(), days: this.number() }),
      () => ({ type: 'offscreen:create-blob-url', text: this.string() }),
      () => ({ type: 'state:changed' }),
      // The Addigy console and sign-in scripts' messages, weighted up: they name renewals under way.
      () => ({ type: 'console:need-file', renewalId: this.renewalId(known) }),
      () => ({ type: 'console:need-file', renewalId: this.renewalId(known) }),
      () => ({ type: 'console:need-file', renewalId: this.renewalId(known) }),
      () => ({ type: 'console:report', renewalId: this.renewalId(known), report: this.report() }),
      () => ({ type: 'console:report', renewalId: this.renewalId(known), report: this.report() }),
      () => ({ type: 'console:report', renewalId: this.renewalId(known), report: this.report() }),
      () => ({ type: 'console:sign-in-page' }),
      () => ({ type: 'console:sign-in-page', renewalId: this.renewalId(known) }),
      () => ({ type: 'console:upload', job: { renewalId: this.renewalId(known), locationName: this.string(), fileName: this.string() } }),
      () => ({ type: 'console:press-save', renewalId: this.renewalId(known) }),
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
  /** Only what the Addigy console and sign-in scripts send, bent less often. */
  consoleMessage(known: readonly string[]): unknown {
    const message: Record<string, unknown> = this.pick([
      () => ({ type: 'console:need-file', renewalId: this.renewalId(known) }),
      () => ({ type: 'console:report', renewalId: this.renewalId(known), report: this.report() }),
      () => ({ type: 'console:sign-in-page' }),
    ])();
    if (this.chance(0.3)) {
      const key = this.pick([...Object.keys(message), this.string().slice(0, 20)]);
      if (this.chance(0.3)) delete message[key];
      else message[key] = this.value(1);
    }
    return message;
  }
}

// ─── senders: every kind the background can meet ───

const ID = 'ourextensionid';
const ORIGIN = `chrome-extension://${ID}/`;

/** The background's own view of each tab (`tabs.get(tabId).url`); 103 is closed. */
const TAB_URLS: Record<number, string> = {
  100: 'https://app.addigy.com/policies/p-a/apple-apps',
  101: 'https://app.addigy.com/policies/p-b',
  // The renewal's tab, navigated away from Addigy since.
  102: 'https://evil.example/',
  104: 'https://app.addigy.com.evil.example/',
};
const CONSOLE_TABS = [100, 100, 100, 101, 102, 103, 104, 7, -1, 1.5, NaN] as const;

type SenderKind =
  | 'extension-page'
  | 'apple'
  | 'addigy-console'
  | 'addigy-sign-in'
  | 'stranger';

function sender(h: Hostile): { kind: SenderKind; from: Record<string, unknown> } {
  const consoleTab = () => ({ id: h.pick(CONSOLE_TABS) });
  switch (h.int(16)) {
    case 0: return { kind: 'extension-page', from: { id: ID, url: `${ORIGIN}popup.html` } };
    case 1: return { kind: 'extension-page', from: { id: ID, url: `${ORIGIN}options.html` } };
    case 2: return { kind: 'apple', from: { id: ID, url: 'https://business.apple.com/#/main', origin: 'https://business.apple.com', tab: { id: h.int(3) }, frameId: h.int(2) } };
    case 3: return { kind: 'apple', from: { id: ID, url: 'https://school.apple.com/', tab: { id: h.pick([-1, 1.5, NaN, 7]) } } };
    case 4: return { kind: 'stranger', from: { id: 'another-extension', url: `chrome-extension://another-extension/popup.html` } };
    case 5: return { kind: 'stranger', from: { id: ID, url: 'https://evil.example/', origin: 'https://evil.example', tab: { id: 1 } } };
    case 6: return { kind: 'stranger', from: { url: `${ORIGIN}popup.html` } };
    case 7: return { kind: 'stranger', from: { id: ID, url: `${ORIGIN.slice(0, -1)}.evil.example/popup.html`, tab: { id: 1 } } };
    // Our console script: top frame of a tab on Addigy's console.
    case 8:
    case 9:
    case 10: return { kind: 'addigy-console', from: { id: ID, url: `https://app.addigy.com/${h.pick(['policies/p-a', '', 'devices'])}`, tab: consoleTab(), frameId: 0 } };
    // The same, but from a subframe, a look-alike host, plain http, another extension or without a tab.
    case 11: return { kind: 'stranger', from: { id: ID, url: 'https://app.addigy.com/policies/p-a', tab: consoleTab(), frameId: h.pick([1, 2, undefined]) } };
    case 12: return { kind: 'stranger', from: { id: h.pick([ID, 'another-extension', undefined]) === ID ? ID : 'another-extension', url: h.pick(['https://app.addigy.com.evil.example/', 'http://app.addigy.com/', 'https://login.addigy.com.evil.example/']), tab: consoleTab(), frameId: 0 } };
    case 13: return { kind: 'stranger', from: { id: h.chance(0.5) ? 'another-extension' : undefined, url: 'https://app.addigy.com/', tab: consoleTab(), frameId: 0 } };
    // Our script on Addigy's sign-in page.
    case 14: return { kind: 'addigy-sign-in', from: { id: ID, url: `https://login.addigy.com/${h.pick(['', 'login?next=x'])}`, tab: consoleTab(), frameId: 0 } };
    default: return { kind: 'stranger', from: (h.value() ?? {}) as Record<string, unknown> };
  }
}

const tokenOf = (id: string) => makeVppTokenText({ token: `TOKEN-OF-${id}`, orgName: 'Acme Corp' });

/**
 * Renewals already under way, put there by the real flow (not by hostile input): the one whose tab (100) is at
 * its upload step, one waiting for the admin (tab 101), one whose tab was navigated away (102), a failed one (103)
 * and a finished one (104). Hostile messages name their ids and tabs.
 */
function seededRecords(): RenewalRecord[] {
  const since = new Date().toISOString();
  const base = (id: string, step: RenewalRecord['step'], tabId: number, extra: Partial<RenewalRecord> = {}): RenewalRecord => ({
    id,
    step,
    createdAt: since,
    updatedAt: since,
    source: 'button',
    fileName: `sToken_for_${id}.vpptoken`,
    file: { orgName: 'Acme Corp', expiresAt: '2030-01-01T00:00:00Z' },
    apple: { status: 'verified', uId: `uid-${id}`, locationName: id },
    match: { locationId: `loc-${id}`, policyId: `p-${id}`, locationName: id, strength: 'uid' },
    console: { tabId, since },
    discrepancies: [],
    ...extra,
  });
  return [
    base('seed-handing-over', 'handing-over', 100),
    base('seed-awaiting', 'awaiting-confirmation', 101, { preview: { idNumber: '1', name: 'seed-awaiting', appleId: 'a@b.c', organization: 'Acme Corp' } }),
    base('seed-navigated', 'handing-over', 102),
    base('seed-failed', 'failed', 103, { failure: { kind: 'console-closed', message: 'm', nextStep: 'n', step: 'handing-over', retryable: true } }),
    base('seed-done', 'done', 104),
  ];
}
const SEED_IDS = seededRecords().map((r) => r.id);

const APPLE_SENDER = (s: Record<string, unknown>) => typeof s.url === 'string' && /^https:\/\/(business|school)\.apple\.com/.test(s.url) && s.id === ID;

/** Steps a renewal reaches only once it goes on to Addigy's console. */
const GOING_ON: readonly RenewalRecord['step'][] = ['handing-over', 'previewed', 'awaiting-confirmation', 'renewing', 'scanning', 'done'];

describe('fuzzing every receiving end with hostile input', () => {
  beforeAll(async () => {
    await resetTokenRelayDbForTests();
  });

  it('runtime messages and capture proposals: 6,000 from every kind of sender, incl. Addigy’s console and sign-in scripts; no throw, no file to a wrong tab, no renewal that goes on', async () => {
    const h = new Hostile(0x5ec0_0001);
    const store = memoryRenewalStore();
    const vault = memoryTokenVault();
    const apple = fakeApple({});
    const addigy = fakeAddigy([]);
    const consoleTabs = fakeConsole();
    const reached = new Map<string, Set<RenewalRecord['step']>>();
    const machine = renewalMachineFor({
      store,
      vault,
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => apple.api,
      createAddigy: () => addigy.api,
      console: consoleTabs.api,
      sleep: async () => undefined,
      onChange: (record) => {
        const steps = reached.get(record.id) ?? new Set();
        steps.add(record.step);
        reached.set(record.id, steps);
      },
    });
    const reseed = async () => {
      for (const record of seededRecords()) {
        await store.put(record);
        if (record.step === 'done') await vault.wipe(record.id);
        else await vault.put(record.id, tokenOf(record.id));
      }
    };
    await reseed();
    const reports: Promise<void>[] = [];
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
      // As entrypoints/background.ts wires it: the browser's own view of the tab, then the machine.
      console: {
        async fileFor(renewalId, tabId) {
          const url = TAB_URLS[tabId];
          if (originOf(url) !== ADDIGY_CONSOLE_ORIGIN) return { ok: false };
          const file = await machine.fileForConsole(renewalId, tabId);
          return file ? { ok: true, ...file } : { ok: false };
        },
        report: (renewalId, tabId, report) => {
          const done = machine.consoleReport(renewalId, tabId, report);
          reports.push(done);
          return done;
        },
        signInPage: (tabId) => machine.consoleNeedsSignIn(tabId),
      },
    });

    let answered = 0;
    let appleAnswered = 0;
    let filesHanded = 0;
    let consoleAnswered = 0;
    let signInAnswered = 0;
    const problems: string[] = [];
    for (let i = 0; i < 6_000; i++) {
      // The seeded renewals are put back now and then: hostile reports from their own tab may move them on.
      if (i % 40 === 0) await reseed();
      const { kind, from } = sender(h);
      const message = kind.startsWith('addigy') && h.chance(0.7) ? h.consoleMessage(SEED_IDS) : h.message(SEED_IDS);
      const tabId = (from.tab as { id?: unknown } | undefined)?.id;
      const asked = (message as { type?: unknown; renewalId?: unknown } | null) ?? {};
      const before = typeof asked.renewalId === 'string' ? await store.get(asked.renewalId) : undefined;
      const handingOverInTab = (await store.list()).some((r) => r.step === 'handing-over' && r.console?.tabId === tabId);
      let reply: ReturnType<typeof handle>;
      try {
        reply = handle(message, from as never);
      } catch (error) {
        problems.push(`#${i} threw ${String(error)}`);
        continue;
      }
      if (reply) {
        const settled: unknown = await reply.catch((error: unknown) => problems.push(`#${i} rejected ${String(error)}`));
        answered++;
        const text = JSON.stringify(settled);
        switch (kind) {
          case 'extension-page':
            if (!intentReplySchema.safeParse(settled).success) problems.push(`#${i} answered a page outside the reply schema`);
            break;
          case 'apple':
            appleAnswered++;
            if (!APPLE_SENDER(from) || text !== '{"ok":true}') problems.push(`#${i} answered Apple's page with ${text.slice(0, 80)}`);
            break;
          case 'addigy-console': {
            consoleAnswered++;
            if (asked.type === 'console:report') {
              if (text !== '{"ok":true}') problems.push(`#${i} answered a report with ${text.slice(0, 80)}`);
              break;
            }
            const file = consoleFileReplySchema.safeParse(settled);
            if (asked.type !== 'console:need-file' || !file.success) {
              problems.push(`#${i} answered the console script outside its schema: ${text.slice(0, 80)}`);
              break;
            }
            if (!file.data.ok) {
              if (!SEED_IDS.includes(String(asked.renewalId)) && text !== '{"ok":false}') problems.push(`#${i} unknown renewal answered ${text.slice(0, 80)}`);
              break;
            }
            filesHanded++;
            // A file only for the renewal at its upload step, only to its own tab, only while that tab shows Addigy.
            const rightful =
              before?.step === 'handing-over' &&
              before.console?.tabId === tabId &&
              originOf(TAB_URLS[tabId as number]) === ADDIGY_CONSOLE_ORIGIN &&
              file.data.text === tokenOf(before.id);
            if (!rightful) problems.push(`#${i} handed ${String(asked.renewalId)}'s file to tab ${String(tabId)} at ${before?.step}`);
            break;
          }
          case 'addigy-sign-in': {
            signInAnswered++;
            const ours = (settled as { ours?: unknown } | undefined)?.ours;
            if (asked.type !== 'console:sign-in-page' || typeof ours !== 'boolean' || text !== JSON.stringify({ ok: true, ours })) {
              problems.push(`#${i} answered the sign-in script with ${text.slice(0, 80)}`);
            } else if (ours && !handingOverInTab) problems.push(`#${i} told tab ${String(tabId)} it is ours`);
            break;
          }
          default:
            problems.push(`#${i} answered a stranger (${text.slice(0, 80)})`);
        }
      }
      await Promise.all(reports.splice(0));
      await machine.settled();
    }
    console.info(`fuzz: ${answered} answered, ${appleAnswered} Apple, ${consoleAnswered} console, ${filesHanded} files, ${signInAnswered} sign-in`);
    expect(problems).toEqual([]);
    // The gate let at most one proposal per tab through (tab ids 0, 1, 2 and 7).
    expect(appleAnswered).toBeLessThanOrEqual(4);
    expect(answered).toBeGreaterThan(0);
    // The hostile traffic did reach the console paths: files for the rightful tab, refusals, sign-in answers.
    expect(filesHanded).toBeGreaterThan(0);
    expect(consoleAnswered).toBeGreaterThan(filesHanded);
    expect(signInAnswered).toBeGreaterThan(0);

    await machine.settled();
    // Whatever hostile input created was refused with a typed reason, and never went on towards Addigy.
    const created = (await store.list()).filter((r) => !SEED_IDS.includes(r.id));
    expect(created.length).toBeGreaterThan(0);
    for (const record of created) {
      expect(record.step).toBe('failed');
      expect(record.failure).toMatchObject({ kind: expect.any(String), message: expect.any(String), nextStep: expect.any(String) });
      expect([...(reached.get(record.id) ?? [])].filter((step) => GOING_ON.includes(step))).toEqual([]);
    }
    // No seeded renewal was declared done on a page's word: Addigy's API (which lists nothing here) decides.
    for (const id of SEED_IDS.filter((id) => id !== 'seed-done')) expect(reached.get(id)?.has('done') ?? false).toBe(false);
    // Nothing opened a console tab or pressed Save.
    expect(consoleTabs.opened).toEqual([]);
    expect(consoleTabs.saves).toEqual([]);
  });

  it('bridge: 3,600 hostile events on the handed-over node and the document read as a typed file or nothing', () => {
    const h = new Hostile(0x5ec0_0002);
    const doc = document.implementation.createHTMLDocument('Apple Business Manager');
    // The worst case: the page holds the node too (say it listened for the handshake before our MAIN-world script).
    let hub: EventTarget | null = null;
    doc.addEventListener(BRIDGE_HELLO, (event) => (hub = (event as MouseEvent).relatedTarget), { capture: true, once: true });
    const sendFromHook = openBridgeInPage(doc);
    const files: CapturedFile[] = [];
    expect(openBridgeInContentScript(doc, (file) => files.push(file))).toBe(true);
    expect(hub).not.toBeNull();
    const real = { via: 'blob' as const, fileName: 'sToken_for_Main Campus.vpptoken', text: makeVppTokenText() };
    sendFromHook(real);
    expect(files).toEqual([real]);
    files.length = 0;

    const detail = (): unknown => {
      switch (h.int(5)) {
        case 0: return h.value();
        case 1: return `${h.pick(['blob', 'data', 'https', 'button', '', 'BLOB', h.string()])}\n${h.string()}\n${h.string()}`;
        case 2: return `${h.pick(['blob', 'data'])}\n${h.chance(0.5) ? '' : h.string()}\n${h.pick(['', makeVppTokenText(), `${makeVppTokenText()}\n\n`, 'x'.repeat(MAX_VPP_TOKEN_BYTES + 300 - 6), 'x'.repeat(MAX_VPP_TOKEN_BYTES + 300 - 5)])}`;
        case 3: return h.pick(['blob', 'data', 'blob\n', 'data\n\n', '\n\n\n', 'blob\nname']);
        default: return h.string();
      }
    };
    const event = (): Event => {
      const type = h.chance(0.8) ? BRIDGE_FILE : h.pick([BRIDGE_HELLO, 'message', 'click', h.string().slice(0, 30) || 'x']);
      switch (h.int(5)) {
        case 0: return new Event(type, { bubbles: h.chance(0.5), cancelable: true });
        case 1: return new MouseEvent(type, { cancelable: true, relatedTarget: h.pick([hub, doc.createElement('span'), doc.body, null]) });
        case 2: return new MessageEvent(type, { data: detail() });
        default: return new CustomEvent(type, { detail: detail(), bubbles: h.chance(0.5), cancelable: h.chance(0.5) });
      }
    };

    const problems: string[] = [];
    let fromHub = 0;
    for (let i = 0; i < 3_600; i++) {
      // Mostly the node itself; else the document and its body, where a second handshake would have to happen.
      const onHub = h.chance(0.7);
      const target = onHub ? hub! : h.chance(0.5) ? doc : doc.body;
      const before = files.length;
      let hostile: Event;
      try {
        hostile = event();
      } catch {
        continue;
      }
      try {
        target.dispatchEvent(hostile);
      } catch (error) {
        problems.push(`#${i} threw ${String(error)}`);
        continue;
      }
      const arrived = files.slice(before);
      if (!onHub && arrived.length) problems.push(`#${i} an event on the document reached the content script`);
      if (arrived.length > 1) problems.push(`#${i} one event, ${arrived.length} files`);
      for (const file of arrived) {
        fromHub++;
        const typed =
          (file.via === 'blob' || file.via === 'data') &&
          typeof file.text === 'string' &&
          file.text.length > 0 &&
          file.text.length <= MAX_VPP_TOKEN_BYTES + 300 &&
          (file.fileName === undefined || (typeof file.fileName === 'string' && file.fileName.length > 0 && !file.fileName.includes('\n'))) &&
          Object.keys(file).every((key) => ['via', 'fileName', 'text'].includes(key));
        if (!typed) problems.push(`#${i} read as an untyped file`);
        // What the content script relays from it fits the background's schema, or is refused there; never a throw.
        contentRequestSchema.safeParse({ type: 'capture:file', via: file.via, fileName: file.fileName, text: file.text });
      }
    }
    expect(problems).toEqual([]);
    expect(fromHub).toBeGreaterThan(0);
    // No second handshake took the bridge: the hook's files still arrive, and only once.
    files.length = 0;
    sendFromHook(real);
    expect(files).toEqual([real]);
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
    const addigy = fakeAddigy([]);
    const consoleTabs = fakeConsole();
    const machine = renewalMachineFor({
      store: idbRenewalStore,
      vault: sessionTokenVault,
      loadSettings: async () => DEFAULT_SETTINGS,
      loadApiKey: async () => 'key',
      createApple: () => apple.api,
      createAddigy: () => addigy.api,
      console: consoleTabs.api,
      sleep: async () => undefined,
    });
    await expect(machine.resume()).resolves.toBeUndefined();
    await machine.settled();
    expect(apple.calls).toEqual([]);
    expect(consoleTabs.opened).toEqual([]);
    expect(consoleTabs.saves).toEqual([]);

    for (let i = 0; i < 300; i++) {
      await fakeBrowser.storage.local.set({ settings: h.value() });
      const settings = await loadSettings();
      if (settings.addigyBaseUrl !== DEFAULT_SETTINGS.addigyBaseUrl || typeof settings.appleVerification !== 'boolean') problems.push(`settings #${i}`);
    }
    expect(problems).toEqual([]);
  });
});
