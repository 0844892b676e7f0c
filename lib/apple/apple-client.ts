import {
  backoffDelayMs,
  DEFAULT_RETRY,
  fetchWithTimeout,
  readJson,
  retryAfterMs,
  sleep as sleepFor,
  type RetryPolicy,
} from '../http';
import { err, ok, type Problem, type Result } from '../result';
import { redactSecret } from '../token/redact-secret';
import { appleClientConfigSchema, appleErrorBodySchema, type AppleClientConfig } from './schemas';
import { t } from '../i18n/messages';

export const APPLE_VPP_BASE_URL = 'https://vpp.itunes.apple.com/mdm/v2';

export type AppleProblemKind =
  | 'expired'
  | 'invalid'
  | 'revoked'
  | 'malformed-request'
  | 'rate-limited'
  | 'apple-error'
  | 'unreachable'
  | 'bad-response';

export interface AppleProblem extends Problem<AppleProblemKind> {
  /** Apple's `errorNumber`, when Apple sent one. */
  errorNumber?: number;
  /** The HTTP status of the last answer, when there was one. */
  status?: number;
  /** True when trying again later may succeed (busy, unreachable, Apple's internal error). */
  transient?: boolean;
}

export interface AppleClientOptions {
  fetch?: typeof fetch;
  baseUrl?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

const DOWNLOAD_FRESH =
  t('problemDownloadAFreshTokenFromApple2');

/** What one answer from Apple means: done, or worth another try (and what to say if tries run out). */
type Verdict =
  | { kind: 'done'; result: Result<AppleClientConfig, AppleProblem> }
  | { kind: 'retry'; reason: string; problem: AppleProblem; retryAfterMs?: number };

/** Apple's Apps and Books API (v2). Runs in the background worker: Apple sends no CORS headers. */
export class AppleClient {
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep?: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onRetry?: AppleClientOptions['onRetry'];

  constructor(options: AppleClientOptions = {}) {
    // Bound to globalThis: a bare `fetch` stored on an object throws "Illegal invocation" in browsers.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.baseUrl = (options.baseUrl ?? APPLE_VPP_BASE_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
  }

  /** `GET /client/config`: who the token belongs to, or why Apple refuses it. */
  async getClientConfig(tokenText: string, signal?: AbortSignal): Promise<Result<AppleClientConfig, AppleProblem>> {
    // Base64 ignores whitespace, and a header value cannot carry line breaks.
    const bearer = String(tokenText ?? '').replace(/\s+/g, '');
    if (!bearer || !/^[\x21-\x7e]+$/.test(bearer)) {
      return err({
        kind: 'malformed-request',
        message: t('problemTheTokenTextCannotBeSent'),
        nextStep: DOWNLOAD_FRESH,
      });
    }

    const url = `${this.baseUrl}/client/config`;
    const init: RequestInit = {
      method: 'GET',
      headers: { Authorization: `Bearer ${bearer}`, accept: 'application/json' },
      // The token is a bearer credential: it must never follow a redirect to another address.
      redirect: 'error',
      credentials: 'omit',
      cache: 'no-store',
    };
    const maxAttempts = Math.max(1, this.retry.maxAttempts);

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return err(cancelled());
      const outcome = await fetchWithTimeout(this.fetchImpl, url, init, this.timeoutMs, signal);
      let verdict: Verdict;
      if (outcome.kind === 'response') {
        verdict = await judgeResponse(outcome.response, (text) => redactSecret(text, tokenText, bearer));
      } else if (outcome.kind === 'network' && outcome.aborted) {
        return err(cancelled());
      } else {
        const reason = outcome.kind === 'timeout' ? t('problemAppleDidNotAnswerInTime') : t('problemAppleCouldNotBeReached');
        verdict = { kind: 'retry', reason, problem: unreachable(reason) };
      }

      if (verdict.kind === 'done') return verdict.result;
      if (attempt >= maxAttempts) return err(verdict.problem);
      const delayMs = verdict.retryAfterMs ?? backoffDelayMs(attempt, this.retry, this.random);
      this.onRetry?.({ attempt, delayMs, reason: verdict.reason });
      await (this.sleep ? this.sleep(delayMs) : sleepFor(delayMs, signal));
    }
  }
}

async function judgeResponse(response: Response, redact: (text: string) => string): Promise<Verdict> {
  const status = response.status;
  const body = await readJson(response);
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));

  // Apple may report an error with HTTP 200, so the error body is checked first, whatever the status.
  const errorBody = appleErrorBodySchema.safeParse(body);
  if (errorBody.success) {
    const { errorNumber, errorMessage } = errorBody.data;
    // A 5xx is Apple's own trouble, whatever number its body carries: never a verdict on the token.
    if (status >= 500) {
      const reason = t('problemAppleHadATemporaryProblemHTTP', status, errorNumber);
      return {
        kind: 'retry',
        reason,
        problem: { ...unreachable(reason, status), errorNumber },
        retryAfterMs: retryAfter,
      };
    }
    const known = appleErrorVerdict(errorNumber, status, retryAfter);
    if (known) return known;
    const detail = errorMessage ? ` (“${redact(errorMessage).slice(0, 200)}”)` : '';
    return done(
      err({
        kind: 'apple-error',
        message: t('problemAppleRefusedToCheckTheToken', errorNumber, detail),
        nextStep: t('problemTryAgainInAFewMinutes4'),
        errorNumber,
        status,
      }),
    );
  }

  if (status === 429 || status === 503) {
    return { kind: 'retry', reason: t('problemAppleIsBusyHTTP', status), problem: rateLimited(status), retryAfterMs: retryAfter };
  }
  if (status >= 500) {
    return { kind: 'retry', reason: t('problemAppleAnsweredWithAServerError', status), problem: unreachable(t('problemAppleAnsweredWithAServerError', status), status) };
  }
  // Any other 4xx is Apple refusing this token, never "Apple could not be asked".
  if (status >= 400 && status <= 499) {
    return done(
      err({
        kind: 'invalid',
        message: t('problemAppleDidNotAcceptThisToken', status),
        nextStep: DOWNLOAD_FRESH,
        status,
      }),
    );
  }
  if (status === 200) {
    const config = appleClientConfigSchema.safeParse(body);
    if (config.success) return done(ok(config.data));
    return done(err(badResponse(t('problemAppleAnsweredButNotWithThe'), status)));
  }
  return done(err(badResponse(t('problemAppleGaveAnUnexpectedAnswerHTTP', status), status)));
}

const done = (result: Result<AppleClientConfig, AppleProblem>): Verdict => ({ kind: 'done', result });

function appleErrorVerdict(errorNumber: number, status: number, retryAfter: number | undefined): Verdict | undefined {
  const base = { errorNumber, status };
  const refuse = (problem: AppleProblem): Verdict => done(err(problem));
  switch (errorNumber) {
    case 9601:
      // "Login required" (HTTP 401): Apple did not accept the token as a credential at all.
      return refuse({
        kind: 'invalid',
        message: t('problemAppleDidNotAcceptThisToken2'),
        nextStep: DOWNLOAD_FRESH,
        ...base,
      });
    case 9621:
      return refuse({
        kind: 'expired',
        message: t('problemAppleSaysThisTokenHasExpired'),
        nextStep: DOWNLOAD_FRESH,
        ...base,
      });
    case 9622:
      return refuse({
        kind: 'invalid',
        message: t('problemAppleSaysThisTokenIsNot'),
        nextStep: DOWNLOAD_FRESH,
        ...base,
      });
    case 9625:
      return refuse({
        kind: 'revoked',
        message:
          t('problemAppleSaysThisTokenWasRevoked'),
        nextStep: DOWNLOAD_FRESH,
        ...base,
      });
    case 9722:
      return refuse({
        kind: 'malformed-request',
        message: t('problemAppleCouldNotReadTheToken'),
        nextStep: DOWNLOAD_FRESH,
        ...base,
      });
    case 9646:
      return {
        kind: 'retry',
        reason: t('problemAppleAskedToSlowDownError'),
        problem: rateLimited(status, errorNumber),
        retryAfterMs: retryAfter,
      };
    case 9603:
      return {
        kind: 'retry',
        reason: t('problemAppleHadAnInternalErrorError'),
        problem: {
          kind: 'apple-error',
          message: t('problemAppleHadATemporaryInternalProblem'),
          nextStep: t('problemTryAgainInAFewMinutes2'),
          transient: true,
          ...base,
        },
        retryAfterMs: retryAfter,
      };
    default:
      return undefined;
  }
}

function rateLimited(status: number, errorNumber?: number): AppleProblem {
  return {
    kind: 'rate-limited',
    message: t('problemAppleIsReceivingTooManyRequests'),
    nextStep: t('problemWaitAFewMinutesThenTry'),
    transient: true,
    status,
    ...(errorNumber === undefined ? {} : { errorNumber }),
  };
}

function unreachable(what: string, status?: number): AppleProblem {
  return {
    kind: 'unreachable',
    message: t('problemSoTheTokenWasNotChecked', what),
    nextStep: t('problemContinueTheRenewalAndAddigyWill'),
    transient: true,
    ...(status === undefined ? {} : { status }),
  };
}

function cancelled(): AppleProblem {
  return {
    kind: 'unreachable',
    message: t('problemTheCheckWithAppleWasCancelled'),
    nextStep: t('problemStartTheCheckAgainOrContinue'),
    transient: true,
  };
}

function badResponse(message: string, status: number): AppleProblem {
  return {
    kind: 'bad-response',
    message,
    nextStep: t('problemTryAgainInAFewMinutes5'),
    status,
  };
}

/** True when another MDM (not Addigy) has claimed this location in Apple's records. */
export function isManagedByOtherMdm(config: AppleClientConfig): boolean {
  return otherMdmName(config) !== undefined;
}

/** The other MDM's name, when one that is not Addigy has claimed this location. */
export function otherMdmName(config: AppleClientConfig): string | undefined {
  const name = config.mdmInfo?.name?.trim();
  return name && !/addigy/i.test(name) ? name : undefined;
}
