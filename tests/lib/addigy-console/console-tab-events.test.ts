import { describe, expect, it } from 'vitest';
import {
  consoleRequests,
  consoleTabsAdapter,
  routeConsoleTabUpdate,
  showConsoleTab,
  type BrowserScriptingApi,
  type BrowserTabsApi,
  type ConsoleTabEvents,
} from '../../../lib/addigy-console/console-tabs';

const CONSOLE = 'https://app.addigy.com/policies/pol-1';
const SIGN_IN = 'https://login.addigy.com/u/login?state=abc';

function events(file?: { fileName: string; text: string }) {
  const calls: string[] = [];
  const e: ConsoleTabEvents = {
    consoleNeedsSignIn: async (tabId) => (calls.push(`sign-in ${tabId}`), true),
    consoleTabLoaded: async (tabId) => void calls.push(`loaded ${tabId}`),
    consoleTabClosed: async (tabId) => void calls.push(`closed ${tabId}`),
    fileForConsole: async (renewalId, tabId) => (calls.push(`file ${renewalId} ${tabId}`), file),
    consoleReport: async (renewalId, tabId, report) => void calls.push(`report ${renewalId} ${tabId} ${report.kind}`),
  };
  return { e, calls };
}

function tabs(urls: Record<number, string>) {
  const updates: Array<[number, unknown]> = [];
  const api: BrowserTabsApi = {
    create: async () => ({ id: 9 }),
    get: async (tabId) => {
      if (!(tabId in urls)) throw new Error(`No tab with id: ${tabId}`);
      return { id: tabId, url: urls[tabId], windowId: 3 };
    },
    update: async (tabId, props) => {
      updates.push([tabId, props]);
      if (!(tabId in urls)) throw new Error(`No tab with id: ${tabId}`);
      return { windowId: 3 };
    },
    sendMessage: async () => undefined,
  };
  return { api, updates };
}

describe('routeConsoleTabUpdate', () => {
  it('reports Addigy’s sign-in page as soon as the address changes to it, or when it finishes loading', () => {
    const { e, calls } = events();
    routeConsoleTabUpdate(1, { url: SIGN_IN }, { url: SIGN_IN }, e);
    routeConsoleTabUpdate(2, { status: 'complete' }, { url: SIGN_IN }, e);
    routeConsoleTabUpdate(3, { status: 'loading' }, { url: SIGN_IN }, e);
    expect(calls).toEqual(['sign-in 1', 'sign-in 2']);
  });

  it('reports a console page that finished loading (a new console script), and nothing else', () => {
    const { e, calls } = events();
    routeConsoleTabUpdate(1, { status: 'complete' }, { url: CONSOLE }, e);
    routeConsoleTabUpdate(2, { url: CONSOLE }, { url: CONSOLE }, e);
    routeConsoleTabUpdate(3, { status: 'complete' }, { url: 'https://example.com/' }, e);
    routeConsoleTabUpdate(4, { status: 'complete' }, {}, e);
    expect(calls).toEqual(['loaded 1']);
  });
});

describe('consoleRequests', () => {
  it('hands the file over only to a tab the browser says shows Addigy’s console', async () => {
    const file = { fileName: 'sToken.vpptoken', text: 'secret' };
    const { e, calls } = events(file);
    const requests = consoleRequests(tabs({ 1: CONSOLE, 2: 'https://evil.example/', 3: SIGN_IN }).api, e);
    expect(await requests.fileFor('r1', 1)).toEqual({ ok: true, ...file });
    expect(await requests.fileFor('r1', 2)).toEqual({ ok: false });
    expect(await requests.fileFor('r1', 3)).toEqual({ ok: false });
    expect(await requests.fileFor('r1', 4)).toEqual({ ok: false });
    expect(calls).toEqual(['file r1 1']);
  });

  it('answers no file when the renewal has none for that tab, and passes reports and sign-in pages on', async () => {
    const { e, calls } = events(undefined);
    const requests = consoleRequests(tabs({ 1: CONSOLE }).api, e);
    expect(await requests.fileFor('r1', 1)).toEqual({ ok: false });
    await requests.report('r1', 1, { kind: 'progress', step: 'opened' } as never);
    expect(await requests.signInPage(1)).toBe(true);
    expect(calls).toEqual(['file r1 1', 'report r1 1 progress', 'sign-in 1']);
  });
});

describe('showConsoleTab', () => {
  it('brings the tab and its window to the front, and does nothing without a tab or when it is gone', async () => {
    const { api, updates } = tabs({ 5: CONSOLE });
    const focused: unknown[] = [];
    const windows = { update: async (windowId: number, props: { focused: boolean }) => void focused.push([windowId, props]) };
    await showConsoleTab(5, api, windows);
    await showConsoleTab(undefined, api, windows);
    await showConsoleTab(6, api, windows);
    expect(updates).toEqual([
      [5, { active: true }],
      [6, { active: true }],
    ]);
    expect(focused).toEqual([[3, { focused: true }]]);
  });
});

/** `browser.scripting` as data: each injection is recorded; `refuse` makes it reject as the browser does. */
function scripting(refuse?: string) {
  const injections: unknown[] = [];
  const api: BrowserScriptingApi = {
    executeScript: async (injection) => {
      injections.push(injection);
      if (refuse) throw new Error(refuse);
      return [{ frameId: 0, result: undefined, documentId: 'd1' }];
    },
  };
  return { api, injections };
}

describe('consoleTabsAdapter', () => {
  it('reads a tab that is gone as undefined', async () => {
    const adapter = consoleTabsAdapter(tabs({ 1: CONSOLE }).api, scripting().api);
    expect(await adapter.get(1)).toMatchObject({ id: 1, url: CONSOLE });
    expect(await adapter.get(2)).toBeUndefined();
  });

  it('injects the console script (the unlisted /addigy-console-driver.js) into the tab’s top frame only', async () => {
    const { api, injections } = scripting();
    await consoleTabsAdapter(tabs({ 4: CONSOLE }).api, api).injectDriver(4);
    expect(injections).toEqual([{ target: { tabId: 4, frameIds: [0] }, files: ['/addigy-console-driver.js'] }]);
  });

  it('passes on the browser’s refusal, so no job is sent to a page without the script', async () => {
    const { api } = scripting('Cannot access contents of the page. Extension manifest must request permission to access the respective host.');
    await expect(consoleTabsAdapter(tabs({ 4: CONSOLE }).api, api).injectDriver(4)).rejects.toThrow(/Cannot access/);
  });
});
