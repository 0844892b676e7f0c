import { HEALTH_PRIORITY, type TokenHealth } from '../health/health-state';
import type { TokenSnapshot } from '../watch/token-snapshot';

/**
 * The popup's first frame: the overview's last stored picture, read and checked without zod, so that frame
 * loads only Preact, the overview and this file. The check is as strict as messages.ts's `tokenSnapshotSchema`
 * (tests/lib/messaging/stored-snapshot.test.ts holds the two to the same verdicts) and keeps only the known
 * fields: storage.local can be written by a content script, and what it holds is only shown.
 */

const MDMS: ReadonlySet<unknown> = new Set(['addigy', 'jamf-pro', 'intune', 'fleet']);
const SITES: ReadonlySet<unknown> = new Set(['https://business.apple.com', 'https://school.apple.com']);
const EXPIRY_SOURCES: ReadonlySet<unknown> = new Set(['addigy', 'last-renewal', 'unknown']);
const STATES: ReadonlySet<unknown> = new Set(HEALTH_PRIORITY);

type Fields = Record<string, unknown>;
const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';
/** As zod's z.number(): finite numbers only. */
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const optional = (value: unknown, is: (value: unknown) => boolean) => value === undefined || is(value);

/** Only the named fields that hold a value: nothing else a writer put there comes through. */
function pick<T>(fields: Fields, names: readonly (keyof T & string)[]): T {
  const out: Fields = {};
  for (const name of names) if (fields[name] !== undefined) out[name] = fields[name];
  return out as T;
}

const HEALTH_FIELDS = [
  'locationId',
  'connectionName',
  'mdm',
  'locationName',
  'orgName',
  'websiteURL',
  'expiresAt',
  'expirySource',
  'daysLeft',
  'lastSync',
  'state',
  'reason',
  'nextStep',
] as const satisfies readonly (keyof TokenHealth)[];

function parseHealth(value: unknown): TokenHealth | undefined {
  if (!isFields(value)) return undefined;
  const h = value;
  const valid =
    isText(h.locationId) &&
    optional(h.connectionName, isText) &&
    optional(h.mdm, (v) => MDMS.has(v)) &&
    isText(h.locationName) &&
    isText(h.orgName) &&
    SITES.has(h.websiteURL) &&
    optional(h.expiresAt, isText) &&
    EXPIRY_SOURCES.has(h.expirySource) &&
    optional(h.daysLeft, isNumber) &&
    optional(h.lastSync, isText) &&
    STATES.has(h.state) &&
    isText(h.reason) &&
    optional(h.nextStep, isText);
  return valid ? pick<TokenHealth>(h, HEALTH_FIELDS) : undefined;
}

/** The stored picture, or undefined when any part of it is not what the background writes. */
export function parseTokenSnapshot(value: unknown): TokenSnapshot | undefined {
  if (!isFields(value) || !Array.isArray(value.health) || !optional(value.fetchedAt, isText)) return undefined;
  const problem = value.problem;
  if (problem !== undefined && !(isFields(problem) && isText(problem.kind) && isText(problem.message) && isText(problem.nextStep))) return undefined;
  const health: TokenHealth[] = [];
  for (const item of value.health) {
    const parsed = parseHealth(item);
    if (!parsed) return undefined;
    health.push(parsed);
  }
  return {
    health,
    ...(value.fetchedAt !== undefined && { fetchedAt: value.fetchedAt as string }),
    ...(isFields(problem) && { problem: pick<NonNullable<TokenSnapshot['problem']>>(problem, ['kind', 'message', 'nextStep']) }),
  };
}

/**
 * The last look at the tokens, read straight from storage, so the overview paints without waiting for the
 * background's reply (or for the code that talks to it).
 */
export async function readStoredSnapshot(): Promise<TokenSnapshot | undefined> {
  try {
    // public/popup-shell.js starts this read before the popup's modules load; otherwise read it now.
    const early = (globalThis as { tokenRelayEarlySnapshot?: Promise<unknown> }).tokenRelayEarlySnapshot;
    return parseTokenSnapshot(early ? await early : await readFromStorage());
  } catch {
    return undefined;
  }
}

/** wxt/browser is imported here only: it is not in the popup's first frame. */
async function readFromStorage(): Promise<unknown> {
  const { browser } = await import('wxt/browser');
  return (await browser.storage.local.get('tokenSnapshot')).tokenSnapshot;
}

/** Vite's preload helper would join the popup's first frame for the import above, which has nothing to preload. */
export const __vitePreload = <T,>(load: () => Promise<T>): Promise<T> => load();
