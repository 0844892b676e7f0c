import type * as z from 'zod/mini';
import { err, ok, type Result } from '../result';
import { redactBase64Runs, redactSecret } from '../token/redact-secret';
import { backoffDelayMs, DEFAULT_RETRY, fetchWithTimeout, readText, retryAfterMs, schemaMismatchPaths, sleep as sleepFor, type RetryPolicy } from '../http';
import type { MdmProblem, OnRetry } from './mdm-adapter';
import { normaliseServerAddress } from '../permissions/server-address';
import { t } from '../i18n/messages';

/**
 * The transport every API adapter (Jamf Pro, Intune, Fleet) shares: a deadline per request, back-off on
 * 429/5xx/network with `Retry-After` honoured, no redirects (a secret must not follow one to another host),
 * no cookies, and the vendor's words redacted of every secret before they reach a message.
 */

/** The transport knobs every adapter takes and hands to MdmHttp; unit tests inject them. */
export interface MdmTransportOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Back-off jitter. */
  random?: () => number;
  onRetry?: OnRetry;
  signal?: AbortSignal;
}

/** Just the transport knobs of an adapter's config. */
export function transportOf({ fetch, timeoutMs, retry, sleep, random, onRetry, signal }: MdmTransportOptions): MdmTransportOptions {
  return { fetch, timeoutMs, retry, sleep, random, onRetry, signal };
}

export interface MdmHttpOptions extends MdmTransportOptions {
  /** What people call the MDM, for messages ("Jamf Pro did not answer …"). */
  label: string;
  /** Secrets to redact from anything the MDM says back (credentials, the token text). */
  secrets?: () => ReadonlyArray<string | undefined>;
}

export interface MdmRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** What the call is doing, for messages: "… while <doing>". */
  doing: string;
  /** Extra secrets for this request only (the token text of a renew call). */
  secrets?: ReadonlyArray<string | undefined>;
  /** Resend on a transient failure (default true). */
  retry?: boolean;
  /**
   * Safe to send twice (default: GET only). A write that is not (a renew: Fleet overwrites the row, and a dead file
   * fails with a 5xx) is resent only after a 429, where the server says it did not act; a 5xx, a timeout or a lost
   * connection is returned at once, so the caller can ask Apple about the file before any retry.
   */
  idempotent?: boolean;
}

export interface MdmAnswer {
  status: number;
  text: string;
  headers: Headers;
}

/** Maps a non-2xx status to the vendor's own problem, or undefined for the generic one. */
export type StatusProblem = (status: number, detail: string | undefined, request: MdmRequest) => MdmProblem | undefined;

const DEFAULT_TIMEOUT_MS = 20_000;
const DETAIL_MAX_CHARS = 300;

export class MdmHttp {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: MdmHttpOptions) {
    // Bound to globalThis: a bare `fetch` stored on an object throws "Illegal invocation" in browsers.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
  }

  /** One call, retried while the failure is transient; resolves to the 2xx answer. */
  async send(request: MdmRequest, statusProblem?: StatusProblem): Promise<Result<MdmAnswer, MdmProblem>> {
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
    };
    const maxAttempts = request.retry === false ? 1 : Math.max(1, this.retry.maxAttempts);
    const idempotent = request.idempotent ?? request.method === 'GET';
    for (let attempt = 1; ; attempt++) {
      if (this.options.signal?.aborted) return err(this.cancelled(request));
      const outcome = await this.attempt(request, init, statusProblem);
      if (outcome.ok) return outcome;
      const problem = outcome.error;
      if (!problem.transient || attempt >= maxAttempts || this.options.signal?.aborted) return outcome;
      if (!idempotent && problem.kind !== 'rate-limited') return outcome;
      const delayMs = Math.max(problem.retryAfterMs ?? 0, backoffDelayMs(attempt, this.retry, this.random));
      this.options.onRetry?.({ attempt, delayMs, reason: problem.message });
      await this.sleep(delayMs, this.options.signal);
    }
  }

  /** `send`, then the body as JSON. */
  async sendJson(request: MdmRequest, statusProblem?: StatusProblem): Promise<Result<{ status: number; body: unknown }, MdmProblem>> {
    const answer = await this.send(request, statusProblem);
    if (!answer.ok) return answer;
    if (!answer.value.text.trim()) return ok({ status: answer.value.status, body: undefined });
    try {
      return ok({ status: answer.value.status, body: JSON.parse(answer.value.text) as unknown });
    } catch {
      return err(this.badResponse(request, 'The answer is not JSON.', answer.value.status));
    }
  }

  /** The vendor's words, fit to show: secrets redacted, whitespace collapsed, ~300 characters at most. */
  showable(text: string | undefined, extra: ReadonlyArray<string | undefined> = []): string | undefined {
    if (!text) return undefined;
    let cleaned = text.replace(/<[^>]*>/g, ' ');
    for (const secret of [...(this.options.secrets?.() ?? []), ...extra]) if (secret) cleaned = redactSecret(cleaned, secret);
    cleaned = redactBase64Runs(cleaned).replace(/\s+/g, ' ').trim();
    if (!cleaned) return undefined;
    return cleaned.length > DETAIL_MAX_CHARS ? `${cleaned.slice(0, DETAIL_MAX_CHARS - 1)}…` : cleaned;
  }

  /** A 2xx answer's body, checked with the vendor's schema; a mismatch names paths only, never values. */
  parse<T>(request: MdmRequest, schema: z.ZodMiniType<T>, answer: { status: number; body: unknown }): Result<T, MdmProblem> {
    const parsed = schema.safeParse(answer.body);
    if (parsed.success) return ok(parsed.data);
    return err(this.badResponse(request, schemaMismatchPaths(parsed.error.issues), answer.status));
  }

  badResponse(request: MdmRequest, detail: string, status?: number): MdmProblem {
    return {
      kind: 'bad-response',
      message: t('problemAnsweredButNotWithTheData', this.options.label, request.doing),
      nextStep: t('problemCheckTheServerAddressOfThis', this.options.label),
      transient: false,
      status,
      detail: this.showable(detail),
    };
  }

  private async attempt(request: MdmRequest, init: RequestInit, statusProblem?: StatusProblem): Promise<Result<MdmAnswer, MdmProblem>> {
    const startedAt = Date.now();
    const outcome = await fetchWithTimeout(this.fetchImpl, request.url, init, this.timeoutMs, this.options.signal);
    if (outcome.kind === 'timeout') return err(this.timedOut(request));
    if (outcome.kind === 'network') return err(outcome.aborted ? this.cancelled(request) : this.unreachable(request));
    const { response } = outcome;
    const text = await readText(response, Math.max(0, this.timeoutMs - (Date.now() - startedAt)));
    if (text === 'timeout') return err(this.timedOut(request));
    if (text === 'network') return err(this.unreachable(request));
    if (response.status >= 200 && response.status < 300) return ok({ status: response.status, text, headers: response.headers });
    const detail = this.showable(errorWords(text), request.secrets);
    const retryAfter = retryAfterMs(response.headers.get('retry-after'));
    const own = statusProblem?.(response.status, detail, request);
    if (own) return err({ ...own, status: response.status, ...(detail && !own.detail ? { detail } : {}) });
    return err(this.problemForStatus(request, response.status, detail, retryAfter));
  }

  private problemForStatus(request: MdmRequest, status: number, detail: string | undefined, retryAfter: number | undefined): MdmProblem {
    const label = this.options.label;
    const base = { status, ...(detail ? { detail } : {}) };
    const said = detail ? t('problemSaid', label, detail) : '';
    const waitFor = retryAfter === undefined ? {} : { retryAfterMs: retryAfter };
    if (status === 401) {
      return {
        kind: 'unauthorized',
        message: t('problemDidNotAcceptThisConnectionsCredentials', label),
        nextStep: t('problemOpenTokenRelaysOptionsCheckThe'),
        transient: false,
        ...base,
      };
    }
    if (status === 403) {
      return {
        kind: 'forbidden',
        message: t('problemAcceptedTheCredentialsButTheyDo', label, request.doing),
        nextStep: t('problemGiveTheAPIClientOrToken', label),
        transient: false,
        ...base,
      };
    }
    if (status === 404) {
      return {
        kind: 'not-found',
        message: t('problemAnsweredNotFoundHTTP404While', label, request.doing),
        nextStep: t('problemCheckTheConnectionsServerAddressIn', label),
        transient: false,
        ...base,
      };
    }
    if (status === 429) {
      return {
        kind: 'rate-limited',
        message: t('problemIsReceivingTooManyRequestsAnd', label, request.doing),
        nextStep: t('problemWaitAMinuteThenTryAgain'),
        transient: true,
        ...base,
        ...waitFor,
      };
    }
    if (status >= 500 && status <= 599) {
      return {
        kind: 'server-error',
        message: t('problemHadAProblemOnItsSide', label, status, request.doing),
        nextStep: t('problemTryAgainInAFewMinutes3', label),
        transient: true,
        ...base,
        ...waitFor,
      };
    }
    if (status === 0 || (status >= 300 && status <= 399)) {
      return {
        kind: 'bad-response',
        message: t('problemAnsweredWithARedirectWhileSo', label, request.doing),
        nextStep: t('problemCheckTheConnectionsServerAddressIn2'),
        transient: false,
        ...base,
      };
    }
    return {
      kind: status === 400 || status === 422 ? 'refused' : 'bad-response',
      message: t('problemRefusedTheRequestHTTPWhile', label, status, request.doing, said),
      nextStep: t('problemReadItsWordsAboveIfThey'),
      transient: false,
      ...base,
    };
  }

  private unreachable(request: MdmRequest): MdmProblem {
    return {
      kind: 'unreachable',
      message: t('problemTokenRelayCouldNotReachWhile', this.options.label, hostOf(request.url), request.doing),
      nextStep: t('problemCheckYourInternetConnectionAndThe2'),
      transient: true,
    };
  }

  private timedOut(request: MdmRequest): MdmProblem {
    return {
      kind: 'timeout',
      message: t('problemDidNotAnswerWithinSecondsWhile', this.options.label, Math.max(1, Math.round(this.timeoutMs / 1000)), request.doing),
      nextStep: t('problemTryAgainInAFewMinutes2'),
      transient: true,
    };
  }

  private cancelled(request: MdmRequest): MdmProblem {
    return {
      kind: 'unreachable',
      message: t('problemTheRequestToWasCancelledWhile', this.options.label, request.doing),
      nextStep: t('problemTryAgain'),
      transient: true,
    };
  }
}

/** The words in an error body: a JSON `message`, `error_description`, `error`, Fleet's `errors[].reason`, or the text. */
function errorWords(text: string): string {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const errors = Array.isArray(json.errors) ? (json.errors as Array<Record<string, unknown>>) : [];
    const first = errors.find((e) => typeof e?.reason === 'string' || typeof e?.description === 'string');
    const parts = [
      json.message,
      json.error_description,
      typeof json.error === 'object' && json.error ? (json.error as Record<string, unknown>).message : json.error,
      first?.reason ?? first?.description,
    ].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
    if (parts.length) return [...new Set(parts)].join(' ');
  } catch {
    // not JSON: the text itself
  }
  return text;
}


export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return t('problemTheConfiguredAddress');
  }
}

/**
 * A server address the admin typed: https only, a plain DNS host name (no `*`, no IP address), an optional port, no
 * credentials, no query; the origin plus any path, no trailing slash. See lib/permissions/server-address.ts.
 */
export function normaliseServerUrl(input: string): string | undefined {
  return normaliseServerAddress(input, { schemeOptional: true });
}
