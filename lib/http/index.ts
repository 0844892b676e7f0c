/** Shared transport rules for the Apple, Addigy and other MDM clients: timeouts, back-off, and what a bad answer may say. */

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/** Capped exponential back-off with full jitter; `attempt` counts from 1 (the attempt that just failed). */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `Retry-After` in seconds or as an HTTP date, capped so a hostile value cannot stall us for hours. */
export function retryAfterMs(header: string | null, now: number = Date.now(), capMs = 60_000): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, capMs);
}

export type FetchOutcome =
  | { kind: 'response'; response: Response }
  | { kind: 'timeout' }
  | { kind: 'network'; aborted: boolean };

/** fetch with a deadline; never throws. */
export async function fetchWithTimeout(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<FetchOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuterAbort = () => controller.abort();
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal });
    return { kind: 'response', response };
  } catch {
    if (timedOut) return { kind: 'timeout' };
    return { kind: 'network', aborted: signal?.aborted ?? false };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onOuterAbort);
  }
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

/** Reads a body as JSON when it is JSON; `undefined` otherwise. Never throws. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The origin of a URL, or undefined when there is none to read (no URL, or not a URL). */
export function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a body within `timeoutMs`; never throws. */
export async function readText(response: Response, timeoutMs: number): Promise<string | 'timeout' | 'network'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([response.text(), deadline]);
    if (result === 'timeout') response.body?.cancel().catch(() => undefined);
    return result;
  } catch {
    return 'network';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Where an answer did not fit its schema: the first three issues as "path: message", joined. Paths and messages
 * only: a schema's issues can carry input values, which may echo a secret.
 */
export function schemaMismatchPaths(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`)
    .join('; ');
}
