import type * as z from 'zod/mini';
import {
  backoffDelayMs,
  DEFAULT_RETRY,
  fetchWithTimeout,
  readText,
  retryAfterMs,
  schemaMismatchPaths,
  sleep as sleepFor,
  type RetryPolicy,
} from '../../http';
import { err, ok, type Problem, type Result } from '../../result';
import { isoInstant } from '../../dates/iso-instant';
import { redactBase64Runs, redactSecret } from '../../token/redact-secret';
import {
  addigyErrorBodySchema,
  addigyTokenListSchema,
  addigyTokenSchema,
  systemEventPageSchema,
  type AddigyToken,
  type SystemEvent,
} from './schemas';
import { DEFAULT_ADDIGY_BASE_URL } from '../mdm-kinds';
import { t } from '../../i18n/messages';

export { DEFAULT_ADDIGY_BASE_URL };

/** The slice of AddigyClient a renewal uses: Addigy's API only reads. */
export interface AddigyApi {
  listTokens(): Promise<Result<AddigyToken[], AddigyProblem>>;
}

export type AddigyCall = 'list-tokens' | 'list-token-events';

// ─────────────────────────────────────────────────────────────────────────────
// Addigy's published API v2 is read-only for Apps and Books tokens: list them (call 1) and read
// the system events about them (call 5). A renewal is done in Addigy's web console instead
// (lib/addigy-console). See docs/management-api.md.
// ─────────────────────────────────────────────────────────────────────────────
export const ADDIGY_PATHS = {
  /** Call 1: every token (or those of the given policies). */
  'list-tokens': { method: 'POST', path: '/oa/apps-and-books/tokens/policies/query' },
  /** Call 5: Addigy's own record of disabled and revoked tokens. */
  'list-token-events': { method: 'POST', path: '/system-events/query' },
} as const satisfies Record<AddigyCall, { method: string; path: string }>;

/** Call 5's body: the newest 50 events whose receiver is a VPP token. */
export const TOKEN_EVENTS_QUERY = {
  query: [{ field: 'action_receiver.type', operator: 'contains', value: 'vpp-token' }],
  page: 1,
  per_page: 50,
  sort_direction: 'desc',
} as const;

export type AddigyProblemKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'unreachable'
  | 'timeout'
  | 'bad-response'
  | 'bad-settings';

export interface AddigyProblem extends Problem<AddigyProblemKind> {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** Addigy's own words, secrets redacted, at most ~300 characters. */
  detail?: string;
  /** Worth trying again later (5xx, 429, network, timeout). */
  transient: boolean;
  call: AddigyCall;
  /** How long Addigy asked us to wait (`Retry-After`), when it said. */
  retryAfterMs?: number;
}

export interface AddigyClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  /** Per request, body included. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Called before each wait, so the UI can say "retrying". `attempt` is the one that just failed (from 1). */
  onRetry?: (info: { call: AddigyCall; attempt: number; delayMs: number; problem: AddigyProblem }) => void;
  signal?: AbortSignal;
  /** Checked before anything is sent: may the key go to this base URL (see addigy-host.ts)? */
  hostAllowed?: (baseUrl: string) => Promise<boolean>;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DETAIL_MAX_CHARS = 300;

const API_KEY_STEP =
  t('problemOpenTokenRelaysOptionsAndPaste');
/** What to do when Addigy cannot renew with this file: its identifier belongs to another token. */
export const NEW_TOKEN_STEP =
  t('problemCreateANewTokenInAddigy');
const BASE_URL_STEP =
  t('problemCheckTheAddigyAPIAddressIn');
const REPORT_STEP = t('problemIfItIsRightAddigyMay');

/** What each call was doing, for messages: "… while <doing>." */
const CALL_WORDS: Record<AddigyCall, string> = {
  'list-tokens': t('problemListingTheAppleAppsTokens'),
  'list-token-events': t('problemReadingTheTokenEvents'),
};

/** A 2xx answer, its body parsed as JSON (call 4: not parsed). */
type Answer = { status: number; body: unknown };

type Attempt = { kind: 'body'; status: number; text: string } | { kind: 'problem'; problem: AddigyProblem };

/**
 * Addigy's API v2, as far as Apple Apps and Books tokens go (see docs/management-api.md).
 * Runs in the background worker, which holds the API key and the token text.
 */
export class AddigyClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly settingsProblem?: (call: AddigyCall) => AddigyProblem;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly onRetry?: AddigyClientOptions['onRetry'];
  private readonly signal?: AbortSignal;
  private readonly hostAllowed?: (baseUrl: string) => Promise<boolean>;

  constructor(options: AddigyClientOptions) {
    this.baseUrl = String(options.baseUrl ?? '').trim().replace(/\/+$/, '');
    this.apiKey = String(options.apiKey ?? '').trim();
    this.settingsProblem = checkSettings(this.baseUrl, this.apiKey);
    // Bound to globalThis: a bare `fetch` stored on an object throws "Illegal invocation" in browsers.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
    this.signal = options.signal;
    this.hostAllowed = options.hostAllowed;
  }

  /** Call 1: the tokens of the given policies; none given = every token. */
  async listTokens(policyIds: string[] = []): Promise<Result<AddigyToken[], AddigyProblem>> {
    const answer = await this.send('list-tokens', { policy_ids: [...policyIds] });
    return answer.ok ? validate('list-tokens', addigyTokenListSchema, answer.value) : answer;
  }

  /** Call 5: the newest events about VPP tokens (revocations, failed syncs). */
  async listTokenEvents(): Promise<Result<SystemEvent[], AddigyProblem>> {
    const answer = await this.send('list-token-events', TOKEN_EVENTS_QUERY);
    if (!answer.ok) return answer;
    const page = validate('list-token-events', systemEventPageSchema, answer.value);
    return page.ok ? ok(page.value.items) : page;
  }

  /** One call, retried while the failure is transient and `retryable` allows; resolves to the parsed 2xx answer. */
  private async send(call: AddigyCall, body: unknown): Promise<Result<Answer, AddigyProblem>> {
    if (this.settingsProblem) return err(this.settingsProblem(call));
    if (this.hostAllowed && !(await this.hostAllowed(this.baseUrl))) return err(hostNotGranted(call, hostOf(this.baseUrl)));
    const route = ADDIGY_PATHS[call];
    const url = `${this.baseUrl}${route.path}`;
    const init: RequestInit = {
      method: route.method,
      headers: { 'x-api-key': this.apiKey, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // The key must not follow a redirect to another host, and Addigy's cookies are not ours to send.
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
    };
    const secrets = [this.apiKey];
    const maxAttempts = Math.max(1, this.retry.maxAttempts);

    for (let attempt = 1; ; attempt++) {
      if (this.signal?.aborted) return err(cancelled(call));
      const outcome = await this.attempt(call, url, init, secrets);
      if (outcome.kind === 'body') {
        try {
          return ok({ status: outcome.status, body: JSON.parse(outcome.text) as unknown });
        } catch {
          return err(badResponse(call, 'The answer is not JSON.', outcome.status));
        }
      }
      const { problem } = outcome;
      if (!problem.transient || attempt >= maxAttempts || this.signal?.aborted) return err(problem);
      const delayMs = Math.max(problem.retryAfterMs ?? 0, backoffDelayMs(attempt, this.retry, this.random));
      this.onRetry?.({ call, attempt, delayMs, problem });
      await this.sleep(delayMs, this.signal);
    }
  }

  private async attempt(
    call: AddigyCall,
    url: string,
    init: RequestInit,
    secrets: ReadonlyArray<string | undefined>,
  ): Promise<Attempt> {
    const startedAt = Date.now();
    const outcome = await fetchWithTimeout(this.fetchImpl, url, init, this.timeoutMs, this.signal);
    if (outcome.kind === 'timeout') return { kind: 'problem', problem: timedOut(call, this.timeoutMs) };
    if (outcome.kind === 'network') {
      return { kind: 'problem', problem: outcome.aborted ? cancelled(call) : unreachable(call, hostOf(url)) };
    }

    const { response } = outcome;
    // fetchWithTimeout's deadline ends with the headers; the body gets what is left of it.
    const read = await readText(response, Math.max(0, this.timeoutMs - (Date.now() - startedAt)));
    if (read === 'timeout') return { kind: 'problem', problem: timedOut(call, this.timeoutMs) };
    if (read === 'network') return { kind: 'problem', problem: unreachable(call, hostOf(url)) };
    if (response.status >= 200 && response.status < 300) return { kind: 'body', status: response.status, text: read };
    const retryAfter = retryAfterMs(response.headers.get('retry-after'));
    return { kind: 'problem', problem: problemForStatus(call, response.status, addigyErrorText(read, secrets), retryAfter) };
  }
}

function hostNotGranted(call: AddigyCall, host: string): AddigyProblem {
  return {
    kind: 'bad-settings',
    message: t('problemTokenRelayDidNotContactYou', host),
    nextStep: t('problemOpenTokenRelaysOptionsAndSave2', DEFAULT_ADDIGY_BASE_URL),
    transient: false,
    call,
  };
}

function checkSettings(baseUrl: string, apiKey: string): ((call: AddigyCall) => AddigyProblem) | undefined {
  const problem = (message: string, nextStep: string) => (call: AddigyCall): AddigyProblem => ({
    kind: 'bad-settings',
    message,
    nextStep,
    transient: false,
    call,
  });
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    return problem(
      t('problemTheAddigyAPIAddressIsNot'),
      BASE_URL_STEP,
    );
  }
  if (!apiKey) return problem(t('problemNoAddigyAPIKeyIsSet'), API_KEY_STEP);
  // A header cannot carry other characters; fetch would fail with a misleading network error.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    return problem(t('problemTheAddigyAPIKeyContainsCharacters'), API_KEY_STEP);
  }
  return undefined;
}

function validate<T>(call: AddigyCall, schema: z.ZodMiniType<T>, answer: Answer): Result<T, AddigyProblem> {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return ok(parsed.data);
  return err(badResponse(call, redactSecrets(schemaMismatchPaths(parsed.error.issues), []), answer.status));
}

/** Addigy's own words from an error body: `{code, message, error_chain}`, `{error}`, or plain text. */
function addigyErrorText(text: string, secrets: ReadonlyArray<string | undefined>): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = addigyErrorBodySchema.safeParse(json);
  const words = parsed.success
    ? typeof parsed.data.message === 'string'
      ? parsed.data.message
      : String(parsed.data.error)
    : text.replace(/<[^>]*>/g, ' '); // Gateways answer with HTML pages; keep their words only.
  return showableWords(words, secrets) || undefined;
}

/** Addigy's own words, fit to show: secrets redacted, whitespace collapsed, ~300 characters at most. */
function showableWords(text: string, secrets: ReadonlyArray<string | undefined>): string {
  const cleaned = redactSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return cleaned.length > DETAIL_MAX_CHARS ? `${cleaned.slice(0, DETAIL_MAX_CHARS - 1)}…` : cleaned;
}

/**
 * Removes the API key and the token text from `text`, then any long base64 run (a partial or
 * re-encoded copy of a token).
 */
function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let redacted = text;
  for (const secret of secrets) if (secret) redacted = redactSecret(redacted, secret);
  return redactBase64Runs(redacted);
}

function problemForStatus(
  call: AddigyCall,
  status: number,
  detail: string | undefined,
  retryAfter: number | undefined,
): AddigyProblem {
  const base = { status, call, ...(detail ? { detail } : {}) };
  const said = detail ? t('problemAddigySaid', detail) : '';
  if (status === 400) {
    return {
      kind: 'bad-response',
      message: t('problemAddigyRefusedTheRequestWhileHTTP', CALL_WORDS[call], said),
      nextStep: t('problemTryAgainIfItKeepsHappening'),
      transient: false,
      ...base,
    };
  }
  if (status === 401) {
    return { kind: 'unauthorized', message: t('problemAddigyDidNotAcceptTheAPI'), nextStep: API_KEY_STEP, transient: false, ...base };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      message: t('problemTheAddigyAPIKeyDoesNot'),
      nextStep:
        t('problemInAddigyAccountIntegrationsAPIWebhooks'),
      transient: false,
      ...base,
    };
  }
  if (status === 404) {
    return {
      kind: 'not-found',
      message: t('problemAddigysAPIWasNotFoundAt', CALL_WORDS[call]),
      nextStep: BASE_URL_STEP,
      transient: false,
      ...base,
    };
  }
  const waitFor = retryAfter === undefined ? {} : { retryAfterMs: retryAfter };
  if (status === 429) {
    return {
      kind: 'rate-limited',
      message: t('problemAddigyIsReceivingTooManyRequests', CALL_WORDS[call]),
      nextStep: t('problemWaitAMinuteThenTryAgain'),
      transient: true,
      ...base,
      ...waitFor,
    };
  }
  if (status >= 500 && status <= 599) {
    return {
      kind: 'server-error',
      message: t('problemAddigyHadAProblemOnIts', status, CALL_WORDS[call]),
      nextStep: t('problemTryAgainInAFewMinutes'),
      transient: true,
      ...base,
      ...waitFor,
    };
  }
  if (status === 0 || (status >= 300 && status <= 399)) {
    return {
      kind: 'bad-response',
      message: t('problemTheAddigyAPIAddressAnsweredWith', CALL_WORDS[call]),
      nextStep: BASE_URL_STEP,
      transient: false,
      ...base,
    };
  }
  return {
    kind: 'bad-response',
    message: t('problemAddigyGaveAnUnexpectedAnswerHTTP', status, CALL_WORDS[call], said),
    nextStep: `${BASE_URL_STEP} ${REPORT_STEP}`,
    transient: false,
    ...base,
  };
}

function badResponse(call: AddigyCall, detail: string, status: number): AddigyProblem {
  return {
    kind: 'bad-response',
    message: t('problemAddigyAnsweredButNotWithThe', CALL_WORDS[call]),
    nextStep: `${BASE_URL_STEP} ${REPORT_STEP}`,
    transient: false,
    status,
    detail,
    call,
  };
}

function unreachable(call: AddigyCall, host: string): AddigyProblem {
  return {
    kind: 'unreachable',
    message: t('problemTokenRelayCouldNotReachAddigy', host, CALL_WORDS[call]),
    nextStep: t('problemCheckYourInternetConnectionAndThe'),
    transient: true,
    call,
  };
}

function timedOut(call: AddigyCall, timeoutMs: number): AddigyProblem {
  return {
    kind: 'timeout',
    message: t('problemAddigyDidNotAnswerWithinSeconds', Math.max(1, Math.round(timeoutMs / 1000)), CALL_WORDS[call]),
    nextStep: t('problemTryAgainInAFewMinutes2'),
    transient: true,
    call,
  };
}

function cancelled(call: AddigyCall): AddigyProblem {
  return {
    kind: 'unreachable',
    message: t('problemTheRequestToAddigyWasCancelled', CALL_WORDS[call]),
    nextStep: t('problemTryAgain'),
    transient: true,
    call,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return t('problemTheConfiguredAddress');
  }
}

// ─── Reading call 1's answer after a renewal: relay-contract.md, "Renewing in the console" step 5, and "Expiry". ───

export type ScanOutcome =
  | { state: 'syncing' }
  | { state: 'success'; lastSync: string }
  | { state: 'error'; problem: Problem<'scan-failed'>; detail: string }
  | { state: 'unknown' };

/**
 * What a token from call 1 says about the scan Addigy runs after a renewal saved at `since`. `unknown` means: not finished yet, keep polling.
 * `secrets` (the token text, the API key) are redacted from Addigy's text should it echo them.
 */
export function describeScanOutcome(
  token: AddigyToken,
  since: Date,
  secrets: ReadonlyArray<string | undefined> = [],
): ScanOutcome {
  if (token.syncing === true) return { state: 'syncing' };
  const status = token.lastSyncingStatus?.trim().toLowerCase();

  if (status === 'success') {
    const lastSync = isoInstant(token.lastSync);
    return lastSync && Date.parse(lastSync) > since.getTime() ? { state: 'success', lastSync } : { state: 'unknown' };
  }
  if (status === 'error') {
    const errMsg = token.errMsg ?? '';
    return { state: 'error', problem: scanFailure(errMsg), detail: showableWords(errMsg, secrets) };
  }
  return { state: 'unknown' };
}

function scanFailure(errMsg: string): Problem<'scan-failed'> {
  // Revocation first: its text is the more specific of the two when both appear.
  if (/\b9625\b|revoked/i.test(errMsg)) {
    return {
      kind: 'scan-failed',
      message:
        t('problemAppleHasRevokedThisTokenSo'),
      nextStep:
        t('problemDownloadAFreshTokenFromApple'),
    };
  }
  if (/error syncing token/i.test(errMsg)) {
    return {
      kind: 'scan-failed',
      message: t('problemAddigyCouldNotSyncWithThis'),
      nextStep: t('problemDownloadAFreshTokenAndSend'),
    };
  }
  return {
    kind: 'scan-failed',
    message: t('problemAddigyCouldNotSyncWithThis2'),
    nextStep:
      t('problemOpenTheTokenInAddigyPolicy'),
  };
}

/** The token's expiry as ISO-8601 UTC: the top-level `expDate`, else `clientConfig.tokenExpirationDate`; undefined unless valid. */
export function tokenExpiry(token: AddigyToken): string | undefined {
  return isoInstant(token.expDate) ?? isoInstant(token.clientConfig?.tokenExpirationDate);
}

