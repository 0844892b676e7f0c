import { originOf } from '../http';
import { err, ok, type Problem, type Result } from '../result';
import type { AddigyConsoleApi } from './console-port';
import {
  ADDIGY_CONSOLE_ORIGIN,
  CONSOLE_DRIVER_FILE,
  type BackgroundToConsole,
  type ConsoleFileReply,
  type ConsoleJob,
  type ConsoleReport,
} from './console-messages';
import { isConsoleSignInUrl, isConsoleUrl } from './page-knowledge';
import { t } from '../i18n/messages';

/** The slice of `browser.tabs` and `browser.scripting` the console needs; tests hand in a double. */
export interface ConsoleTabsAdapter {
  create(props: { url: string; active: boolean }): Promise<{ id?: number }>;
  /** Undefined when the tab no longer exists. */
  get(tabId: number): Promise<{ id?: number; url?: string; status?: string } | undefined>;
  update(tabId: number, props: { url: string }): Promise<unknown>;
  /** Puts the console script into the tab's top frame (a no-op where it already runs); rejects where it cannot. */
  injectDriver(tabId: number): Promise<unknown>;
  sendMessage(tabId: number, message: BackgroundToConsole, options: { frameId: number }): Promise<unknown>;
}

export interface ConsoleRoutes {
  /** The policy's page in Addigy's console (lib/addigy-console/page-knowledge). */
  policyUrl(policyId: string): string;
  isSignInUrl(url: string): boolean;
}

const CLOSED: Problem = {
  kind: 'console-closed',
  message: t('problemTheAddigyTabTokenRelayOpened2'),
  nextStep: t('problemChooseRetryToOpenItAgain2'),
};

/**
 * The Addigy console tabs Token Relay opens for renewals. Jobs go only to the top frame of a tab
 * that shows https://app.addigy.com; the token itself is handed over later, on the script's request.
 * The console script is not in the manifest: it is injected here, into these tabs only, before each message.
 */
export class AddigyConsoleTabs implements AddigyConsoleApi {
  /** Tabs sent to the policy page once: if Addigy routes elsewhere, the job goes to the page it shows. */
  private readonly navigated = new Set<number>();

  constructor(
    private readonly tabs: ConsoleTabsAdapter,
    private readonly routes: ConsoleRoutes,
    /** Brings a tab and its window to the front (showConsoleTab). */
    private readonly bringToFront?: (tabId: number) => Promise<void>,
  ) {}

  async show(tabId: number): Promise<void> {
    await this.bringToFront?.(tabId).catch(() => undefined);
  }

  async openForUpload(input: {
    tabId?: number;
    policyId: string;
    job: ConsoleJob;
    /** Load the policy page afresh (a retry): what the last attempt left on screen is not trusted. */
    reload?: boolean;
  }, onTab?: (tabId: number) => Promise<void>): Promise<Result<{ tabId: number }, Problem>> {
    const url = this.routes.policyUrl(input.policyId);
    const existing = input.tabId === undefined ? undefined : await this.tabs.get(input.tabId).catch(() => undefined);
    if (existing?.id === undefined) {
      // In the background, so the popup with the renewal stays open; the tab's load delivers the job. (Chrome
      // leaves a blank background tab unloaded, so it opens on Addigy at once: `create` resolves long before
      // the page could report, and the renewal learns its tab right then.)
      const created = await this.tabs.create({ url, active: false }).catch(() => undefined);
      if (created?.id === undefined) {
        return err({ kind: 'console-unavailable', message: t('problemTokenRelayCouldNotOpenA'), nextStep: t('problemChooseRetry') });
      }
      this.navigated.add(created.id);
      await onTab?.(created.id);
      return ok({ tabId: created.id });
    }
    const tabId = existing.id;
    await onTab?.(tabId);
    const current = existing.url ?? '';
    // Waiting on Addigy's sign-in page: going back to the policy would only lead there again.
    if (this.routes.isSignInUrl(current)) return ok({ tabId });
    if (input.reload || (!samePage(current, url) && !this.navigated.has(tabId))) {
      this.navigated.add(tabId);
      await this.tabs.update(tabId, { url }).catch(() => undefined);
      return ok({ tabId });
    }
    // Not ready yet: the 'complete' event hands the job over again.
    if (existing.status === 'complete') await this.send(tabId, { type: 'console:upload', job: input.job });
    return ok({ tabId });
  }

  async pressSave(tabId: number, renewalId: string): Promise<Result<void, Problem>> {
    const sent = await this.send(tabId, { type: 'console:press-save', renewalId });
    return sent ? ok(undefined) : err(CLOSED);
  }

  /**
   * To the top frame only, and only while the tab shows Addigy's console. The console script goes in first: a new
   * page has none, and the script itself keeps to one copy per page (and to app.addigy.com, should the tab have
   * moved on since it was looked at).
   */
  private async send(tabId: number, message: BackgroundToConsole): Promise<boolean> {
    const tab = await this.tabs.get(tabId).catch(() => undefined);
    if (!tab?.url || originOf(tab.url) !== ADDIGY_CONSOLE_ORIGIN) return false;
    try {
      await this.tabs.injectDriver(tabId);
      await this.tabs.sendMessage(tabId, message, { frameId: 0 });
      return true;
    } catch {
      return false;
    }
  }
}

function samePage(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

/** The slice of `browser.tabs` the console tabs and their events use. */
export interface BrowserTabsApi {
  create(props: { url: string; active: boolean }): Promise<{ id?: number }>;
  get(tabId: number): Promise<{ id?: number; url?: string; status?: string; windowId?: number }>;
  update(tabId: number, props: { url?: string; active?: boolean }): Promise<{ windowId?: number } | undefined>;
  sendMessage(tabId: number, message: BackgroundToConsole, options: { frameId: number }): Promise<unknown>;
}

/** The slice of `browser.scripting` that injects the console script. */
export interface BrowserScriptingApi {
  executeScript(injection: { target: { tabId: number; frameIds: number[] }; files: Array<typeof CONSOLE_DRIVER_FILE> }): Promise<unknown>;
}

/** `browser.tabs` and `browser.scripting` as the console tabs need them: a tab that is gone reads as undefined. */
export function consoleTabsAdapter(tabs: BrowserTabsApi, scripting: BrowserScriptingApi): ConsoleTabsAdapter {
  return {
    create: (props) => tabs.create(props),
    get: (tabId) => tabs.get(tabId).catch(() => undefined),
    update: (tabId, props) => tabs.update(tabId, props),
    // Top frame only: Addigy's frames never get the script, as they never got the jobs.
    injectDriver: (tabId) => scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [CONSOLE_DRIVER_FILE] }),
    sendMessage: (tabId, message, options) => tabs.sendMessage(tabId, message, options),
  };
}

/** What the renewal workflow does when a console tab changes or asks for something. */
export interface ConsoleTabEvents {
  consoleNeedsSignIn(tabId: number): Promise<boolean>;
  consoleTabLoaded(tabId: number): Promise<void>;
  consoleTabClosed(tabId: number): Promise<void>;
  fileForConsole(renewalId: string, tabId: number): Promise<{ fileName: string; text: string } | undefined>;
  consoleReport(renewalId: string, tabId: number, report: ConsoleReport): Promise<void>;
}

/** `tabs.onUpdated`: Addigy's sign-in page, a new page load (which needs the console script again), or nothing for us. */
export function routeConsoleTabUpdate(
  tabId: number,
  change: { url?: string; status?: string },
  tab: { url?: string },
  events: Pick<ConsoleTabEvents, 'consoleNeedsSignIn' | 'consoleTabLoaded'>,
): void {
  const url = change.url ?? tab.url ?? '';
  if (isConsoleSignInUrl(url) && (change.url || change.status === 'complete')) {
    void events.consoleNeedsSignIn(tabId);
  } else if (change.status === 'complete' && isConsoleUrl(url)) {
    void events.consoleTabLoaded(tabId);
  }
}

/** The console script's requests, as the message handler takes them. */
export function consoleRequests(tabs: Pick<BrowserTabsApi, 'get'>, events: ConsoleTabEvents) {
  return {
    async fileFor(renewalId: string, tabId: number): Promise<ConsoleFileReply> {
      // The browser's own view of the tab: the token goes only to Addigy's console, top frame (checked by the sender class).
      const tab = await tabs.get(tabId).catch(() => undefined);
      if (!isConsoleUrl(tab?.url ?? '')) return { ok: false };
      const file = await events.fileForConsole(renewalId, tabId);
      return file ? { ok: true, ...file } : { ok: false };
    },
    report: (renewalId: string, tabId: number, report: ConsoleReport) => events.consoleReport(renewalId, tabId, report),
    signInPage: (tabId: number) => events.consoleNeedsSignIn(tabId),
  };
}

/** Brings a renewal's console tab (if it has one) and its window to the front. */
export async function showConsoleTab(
  tabId: number | undefined,
  tabs: Pick<BrowserTabsApi, 'update'>,
  windows: { update(windowId: number, props: { focused: boolean }): Promise<unknown> },
): Promise<void> {
  if (tabId === undefined) return;
  const tab = await tabs.update(tabId, { active: true }).catch(() => undefined);
  if (tab?.windowId !== undefined) await windows.update(tab.windowId, { focused: true }).catch(() => undefined);
}
