import type { AppleApi } from '../../lib/renewal/renewal-machine';
import type { AddigyApi } from '../../lib/mdm/addigy/addigy-client';
import type { AddigyConsoleApi } from '../../lib/addigy-console/console-port';
import type { AddigyToken } from '../../lib/mdm/addigy/schemas';
import type { AddigyProblem } from '../../lib/mdm/addigy/addigy-client';
import type { AppleClientConfig } from '../../lib/apple/schemas';
import type { AppleProblem } from '../../lib/apple/apple-client';
import { err, ok, type Problem, type Result } from '../../lib/result';

type Answer<T, E> = Result<T, E> | (() => Result<T, E>);
const resolve = <T, E>(a: Answer<T, E>) => (typeof a === 'function' ? a() : a);

/** An Apple double that answers per token text. */
export function fakeApple(answers: Record<string, Answer<AppleClientConfig, AppleProblem>>) {
  const calls: string[] = [];
  const api: AppleApi = {
    async getClientConfig(text) {
      calls.push(text);
      const answer = answers[text];
      return answer ? resolve(answer) : err(appleProblem('invalid'));
    },
  };
  return { api, calls };
}

export function appleProblem(kind: AppleProblem['kind'], extra: Partial<AppleProblem> = {}): AppleProblem {
  return { kind, message: `Apple says ${kind}.`, nextStep: 'Do something.', ...extra };
}

export function addigyProblem(kind: AddigyProblem['kind'], transient = false, status?: number): AddigyProblem {
  return { kind, message: `Addigy says ${kind}.`, nextStep: 'Do something.', transient, status, call: 'list-tokens' };
}

/** How Addigy's own rescan after a Save ends. */
export interface RescanOptions {
  /** How many polls of call 1 still see `syncing: true` before the scan ends (default 1). */
  syncingPolls?: number;
  /** Addigy's errMsg when the scan fails; omitted: the scan succeeds. */
  error?: string;
}

/**
 * Addigy's read-only API (call 1) over an in-memory token list, with a call log.
 * `markSaved` plays what Addigy does when its console saves a renewal: the owning token takes the
 * file's expiry, then Addigy rescans (syncing for a few polls, then a later lastSync and its status).
 */
export function fakeAddigy(tokens: AddigyToken[], options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const calls: { call: 'listTokens' }[] = [];
  const overrides: { listTokens?: () => Result<AddigyToken[], AddigyProblem> } = {};
  const scans = new Map<string, { polls: number; error?: string }>();

  const copiesOf = (locationId: string) => tokens.filter((t) => t.locationId === locationId);
  const owning = (locationId: string) => {
    const copies = copiesOf(locationId);
    return copies.find((t) => !t.inheritedFrom) ?? copies[0];
  };

  const api: AddigyApi = {
    async listTokens() {
      calls.push({ call: 'listTokens' });
      if (overrides.listTokens) return overrides.listTokens();
      for (const [locationId, scan] of scans) {
        const token = owning(locationId)!;
        if (scan.polls > 0) {
          scan.polls--;
          token.syncing = true;
          continue;
        }
        scans.delete(locationId);
        token.syncing = false;
        token.lastSyncingStatus = scan.error ? 'error' : 'success';
        token.errMsg = scan.error ?? null;
        if (!scan.error) token.lastSync = new Date(now().getTime() + 60_000).toISOString();
      }
      return ok(structuredClone(tokens));
    },
  };

  /** Addigy rescans `locationId` without its expiry changing. */
  const rescan = (locationId: string, { syncingPolls = 1, error }: RescanOptions = {}) => {
    scans.set(locationId, { polls: syncingPolls, error });
  };
  /** Addigy saved a renewal of `locationId`: its owning token now expires at `expDate`, and a rescan starts. */
  const markSaved = (locationId: string, expDate: string, options: RescanOptions = {}) => {
    owning(locationId)!.expDate = expDate;
    rescan(locationId, options);
  };

  return { api, calls, overrides, tokens, owning, markSaved, rescan };
}

/** The problem AddigyConsoleTabs gives for a tab that is gone. */
export const CONSOLE_CLOSED: Problem = {
  kind: 'console-closed',
  message: 'The Addigy tab Token Relay opened is no longer open.',
  nextStep: 'Choose Retry to open it again.',
};

/**
 * A double of AddigyConsoleApi: tabs are numbers, "open" until `close(tabId)`. openForUpload reuses
 * the given tab while it is open, else opens a new one; pressSave on a closed tab is `console-closed`.
 */
export function fakeConsole(firstTabId = 100) {
  let nextTabId = firstTabId;
  const openTabs = new Set<number>();
  const opened: Parameters<AddigyConsoleApi['openForUpload']>[0][] = [];
  const created: number[] = [];
  const saves: { tabId: number; renewalId: string }[] = [];
  const results: {
    openForUpload?: () => Result<{ tabId: number }, Problem>;
    pressSave?: () => Result<void, Problem>;
  } = {};

  const api: AddigyConsoleApi = {
    async openForUpload(input) {
      opened.push(structuredClone(input));
      if (results.openForUpload) return results.openForUpload();
      if (input.tabId !== undefined && openTabs.has(input.tabId)) return ok({ tabId: input.tabId });
      const tabId = nextTabId++;
      openTabs.add(tabId);
      created.push(tabId);
      return ok({ tabId });
    },
    async pressSave(tabId, renewalId) {
      saves.push({ tabId, renewalId });
      if (results.pressSave) return results.pressSave();
      return openTabs.has(tabId) ? ok(undefined) : err(CONSOLE_CLOSED);
    },
  };

  return {
    api,
    /** Every openForUpload call, as made. */
    opened,
    /** Tabs the double had to create. */
    created,
    /** Every pressSave call. */
    saves,
    /** Override an answer: `results.openForUpload = () => err(...)`. */
    results,
    isOpen: (tabId: number) => openTabs.has(tabId),
    close(tabId: number) {
      openTabs.delete(tabId);
    },
  };
}
