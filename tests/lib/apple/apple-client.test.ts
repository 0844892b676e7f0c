import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import {
  AppleClient,
  APPLE_VPP_BASE_URL,
  isManagedByOtherMdm,
  otherMdmName,
  type AppleClientConfig,
  type AppleClientOptions,
  type AppleProblem,
} from '../../../lib/apple';
import { DEFAULT_RETRY } from '../../../lib/http';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/apple');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const config = (name: string): AppleClientConfig => JSON.parse(fixture(name)) as AppleClientConfig;

/** A fake token file text; only its secrecy matters here. */
const TOKEN = 'eyJ0b2tlbiI6IlNFQ1JFVC1pbm5lciIsIm9yZ05hbWUiOiJYIiwiZXhwRGF0ZSI6IjIwMzAifQ==';

type Reply = { status?: number; body?: string; headers?: Record<string, string> } | 'network-error';

/** A fetch that answers from a script, one reply per call; the last reply repeats. */
function scriptedFetch(...replies: Reply[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)]!;
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    return new Response(reply.body ?? '', { status: reply.status ?? 200, headers: reply.headers });
  });
  return { fetch: fetchImpl as unknown as typeof fetch, calls };
}

function clientWith(fetchImpl: typeof fetch, options: AppleClientOptions = {}) {
  const sleeps: number[] = [];
  const retries: { attempt: number; delayMs: number; reason: string }[] = [];
  const client = new AppleClient({
    fetch: fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRetry: (info) => retries.push(info),
    ...options,
  });
  return { client, sleeps, retries };
}

async function problemFrom(promise: Promise<Awaited<ReturnType<AppleClient['getClientConfig']>>>): Promise<AppleProblem> {
  const result = await promise;
  if (result.ok) throw new Error('expected a problem');
  expect(result.error.message).not.toBe('');
  expect(result.error.nextStep).not.toBe('');
  expect(JSON.stringify(result.error)).not.toContain(TOKEN);
  expect(JSON.stringify(result.error)).not.toContain('SECRET-inner');
  return result.error;
}

describe('AppleClient.getClientConfig', () => {
  it('asks Apple for the client config with the token as bearer', async () => {
    const { fetch, calls } = scriptedFetch({ body: fixture('client-config-addigy.json') });
    const { client } = clientWith(fetch);
    const result = await client.getClientConfig(TOKEN);
    expect(result).toEqual({ ok: true, value: config('client-config-addigy.json') });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`${APPLE_VPP_BASE_URL}/client/config`);
    expect(APPLE_VPP_BASE_URL).toBe('https://vpp.itunes.apple.com/mdm/v2');
    expect(calls[0]!.init.method).toBe('GET');
    const headers = new Headers(calls[0]!.init.headers);
    expect(headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headers.get('accept')).toBe('application/json');
  });

  it('never lets the token follow a redirect, and sends no cookies with it', async () => {
    const { fetch, calls } = scriptedFetch({ body: fixture('client-config-addigy.json') });
    await clientWith(fetch).client.getClientConfig(TOKEN);
    expect(calls[0]!.init).toMatchObject({ redirect: 'error', credentials: 'omit', cache: 'no-store' });
  });

  it('treats a refused redirect like an unreachable Apple: no token in the problem', async () => {
    const { fetch } = scriptedFetch('network-error');
    const problem = await problemFrom(clientWith(fetch, { retry: { ...DEFAULT_RETRY, maxAttempts: 1 } }).client.getClientConfig(TOKEN));
    expect(problem.kind).toBe('unreachable');
  });

  it('uses a configured base URL and sends a line-wrapped token without its line breaks', async () => {
    const { fetch, calls } = scriptedFetch({ body: fixture('client-config-unclaimed.json') });
    const { client } = clientWith(fetch, { baseUrl: 'https://sandbox.example.test/mdm/v2/' });
    const wrapped = `${TOKEN.slice(0, 30)}\r\n${TOKEN.slice(30)}`;
    const result = await client.getClientConfig(wrapped);
    expect(result.ok).toBe(true);
    expect(calls[0]!.url).toBe('https://sandbox.example.test/mdm/v2/client/config');
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses to send an empty or non-ASCII token, without calling Apple', async () => {
    const { fetch, calls } = scriptedFetch({ body: fixture('client-config-addigy.json') });
    const { client } = clientWith(fetch);
    expect((await problemFrom(client.getClientConfig('  \n'))).kind).toBe('malformed-request');
    expect((await problemFrom(client.getClientConfig('abc€def'))).kind).toBe('malformed-request');
    expect(calls).toHaveLength(0);
  });

  describe.each([
    ['token-expired.json', 9621, 'expired', 401],
    ['token-invalid.json', 9622, 'invalid', 401],
    ['token-revoked.json', 9625, 'revoked', 401],
    ['malformed-authorization.json', 9722, 'malformed-request', 400],
    ['unknown-error.json', 9999, 'apple-error', 400],
  ] as const)('error body %s', (file, errorNumber, kind, errorStatus) => {
    it.each([200, errorStatus])('with HTTP %i: %s, without retrying', async (status) => {
      const { fetch, calls } = scriptedFetch({ status, body: fixture(file) });
      const { client, sleeps } = clientWith(fetch);
      const problem = await problemFrom(client.getClientConfig(TOKEN));
      expect(problem).toMatchObject({ kind, errorNumber, status });
      expect(problem.message).toContain(String(errorNumber));
      expect(calls).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });
  });

  it('explains a revoked token and what to do', async () => {
    const { fetch } = scriptedFetch({ body: fixture('token-revoked.json') });
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
    expect(problem.message).toMatch(/revoked/);
    expect(problem.message).toMatch(/newer token was downloaded for this location/);
    expect(problem.message).toMatch(/password/);
    expect(problem.nextStep).toMatch(/Download a fresh token/);
  });

  it('passes on the text of an unknown Apple error, with the token blanked out', async () => {
    const body = JSON.stringify({ errorNumber: 9700, errorMessage: `Bad token ${TOKEN} rejected` });
    const { fetch } = scriptedFetch({ status: 200, body });
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
    expect(problem.kind).toBe('apple-error');
    expect(problem.message).toContain('Bad token [token] rejected');
  });

  it.each([
    ['HTTP 429', { status: 429 }],
    ['HTTP 503', { status: 503, body: 'Service Unavailable' }],
    ['error 9646 with HTTP 200', { status: 200, body: fixture('too-many-requests.json') }],
    ['error 9646 with HTTP 429', { status: 429, body: fixture('too-many-requests.json') }],
  ])('backs off after %s and succeeds', async (_name, reply) => {
    const { fetch, calls } = scriptedFetch(reply, reply, { body: fixture('client-config-addigy.json') });
    const { client, sleeps, retries } = clientWith(fetch);
    const result = await client.getClientConfig(TOKEN);
    expect(result.ok).toBe(true);
    expect(calls).toHaveLength(3);
    // random() = 0.5: three quarters of the capped exponential ceiling.
    expect(sleeps).toEqual([375, 750]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries.every((r) => r.reason.length > 0 && !r.reason.includes(TOKEN))).toBe(true);
  });

  it.each([
    ['HTTP 429', { status: 429 }, undefined],
    ['HTTP 503', { status: 503 }, undefined],
    ['error 9646', { status: 200, body: fixture('too-many-requests.json') }, 9646],
  ])('gives up after the retry budget on %s: rate-limited', async (_name, reply, errorNumber) => {
    const { fetch, calls } = scriptedFetch(reply);
    const { client, sleeps } = clientWith(fetch, { random: Math.random });
    const problem = await problemFrom(client.getClientConfig(TOKEN));
    expect(problem.kind).toBe('rate-limited');
    expect(problem.errorNumber).toBe(errorNumber);
    expect(problem.status).toBe(reply.status);
    expect(calls).toHaveLength(DEFAULT_RETRY.maxAttempts);
    expect(sleeps).toHaveLength(DEFAULT_RETRY.maxAttempts - 1);
    for (const delay of sleeps) {
      expect(delay).toBeGreaterThanOrEqual(DEFAULT_RETRY.baseDelayMs / 2);
      expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY.maxDelayMs);
    }
  });

  it('follows a custom retry policy and keeps every delay under its cap', async () => {
    const { fetch, calls } = scriptedFetch({ status: 503 });
    const retry = { maxAttempts: 7, baseDelayMs: 100, maxDelayMs: 400 };
    const { client, sleeps } = clientWith(fetch, { retry, random: () => 0.999 });
    await problemFrom(client.getClientConfig(TOKEN));
    expect(calls).toHaveLength(7);
    expect(sleeps).toHaveLength(6);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(400);
    expect(sleeps.slice(-3)).toEqual([400, 400, 400]);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const later = new Date(Date.now() + 30_000).toUTCString();
    const { fetch } = scriptedFetch(
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 200, body: fixture('too-many-requests.json'), headers: { 'Retry-After': later } },
      { body: fixture('client-config-addigy.json') },
    );
    const { client, sleeps } = clientWith(fetch);
    expect((await client.getClientConfig(TOKEN)).ok).toBe(true);
    expect(sleeps[0]).toBe(7000);
    expect(sleeps[1]).toBeGreaterThan(25_000);
    expect(sleeps[1]).toBeLessThanOrEqual(30_000);
  });

  it('retries Apple internal error 9603, then reports it as temporary', async () => {
    const { fetch, calls } = scriptedFetch({ body: fixture('internal-error.json') });
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
    expect(problem).toMatchObject({ kind: 'apple-error', errorNumber: 9603, transient: true });
    expect(calls).toHaveLength(DEFAULT_RETRY.maxAttempts);
  });

  it('times out a request that never answers, retries, then reports Apple unreachable', async () => {
    let started = 0;
    const neverAnswers = ((_url: string, init?: RequestInit) => {
      started++;
      // Like the real fetch: silent until aborted.
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }) as unknown as typeof fetch;
    const { client, sleeps } = clientWith(neverAnswers, { timeoutMs: 10, retry: { ...DEFAULT_RETRY, maxAttempts: 2 } });
    const problem = await problemFrom(client.getClientConfig(TOKEN));
    expect(problem.kind).toBe('unreachable');
    expect(problem.message).toMatch(/did not answer in time/);
    expect(problem.message).toMatch(/not checked with Apple/);
    expect(problem.message).toMatch(/continue with Addigy's check/);
    expect(started).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  it('retries a network failure and succeeds', async () => {
    const { fetch, calls } = scriptedFetch('network-error', { body: fixture('client-config-addigy.json') });
    const { client, retries } = clientWith(fetch);
    expect((await client.getClientConfig(TOKEN)).ok).toBe(true);
    expect(calls).toHaveLength(2);
    expect(retries[0]!.reason).toMatch(/could not be reached/);
  });

  it('reports unreachable after repeated network failures and server errors', async () => {
    for (const reply of ['network-error', { status: 500 }, { status: 502, body: '<html>' }] as const) {
      const { fetch, calls } = scriptedFetch(reply);
      const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
      expect(problem.kind).toBe('unreachable');
      expect(problem.message).toMatch(/Apple could not be reached|server error/);
      expect(problem.message).toMatch(/renewal can continue with Addigy's check/);
      expect(calls).toHaveLength(DEFAULT_RETRY.maxAttempts);
    }
  });

  it('stops at once when the caller aborts', async () => {
    const { fetch, calls } = scriptedFetch({ status: 503 });
    const controller = new AbortController();
    controller.abort();
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN, controller.signal));
    expect(problem.kind).toBe('unreachable');
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['invalid JSON', '{"uId": '],
    ['an HTML page', '<html><body>Maintenance</body></html>'],
    ['an empty body', ''],
    ['a config without uId', JSON.stringify({ locationName: 'Main' })],
    ['a config with an empty uId', JSON.stringify({ uId: '' })],
    ['a list', '[]'],
  ])('calls HTTP 200 with %s a bad response', async (_name, body) => {
    const { fetch, calls } = scriptedFetch({ status: 200, body });
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
    expect(problem).toMatchObject({ kind: 'bad-response', status: 200 });
    expect(calls).toHaveLength(1);
  });

  it.each([400, 401, 403, 404, 405, 409, 410, 418, 422, 451, 499])(
    'calls HTTP %i without an error number Apple refusing the token (invalid), not retried',
    async (status) => {
      const { fetch, calls } = scriptedFetch({ status, body: 'nope' });
      const { client, sleeps } = clientWith(fetch);
      const problem = await problemFrom(client.getClientConfig(TOKEN));
      expect(problem).toMatchObject({ kind: 'invalid', status });
      expect(problem.transient).toBeFalsy();
      expect(problem.message).toBe(`Apple did not accept this token (HTTP ${status}). It may be damaged, expired or revoked.`);
      expect(problem.nextStep).toMatch(/Download a fresh token/);
      expect(calls).toHaveLength(1);
      expect(sleeps).toEqual([]);
    },
  );

  it.each([
    ['JSON of another shape', '{"detail":"gone"}'],
    ['an HTML page', '<html><body>Not Found</body></html>'],
    ['an empty body', ''],
  ])('calls a 4xx with %s a refusal too', async (_name, body) => {
    const { fetch } = scriptedFetch({ status: 404, body });
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
    expect(problem).toMatchObject({ kind: 'invalid', status: 404 });
  });

  it('still retries a bare HTTP 429, the one 4xx that is not a refusal', async () => {
    const { fetch, calls } = scriptedFetch({ status: 429 }, { body: fixture('client-config-addigy.json') });
    const { client } = clientWith(fetch);
    expect((await client.getClientConfig(TOKEN)).ok).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it.each([400, 404, 410])('keeps an unknown error number with HTTP %i as apple-error, not invalid', async (status) => {
    const { fetch, calls } = scriptedFetch({ status, body: JSON.stringify({ errorNumber: 9999, errorMessage: 'Something new' }) });
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
    expect(problem).toMatchObject({ kind: 'apple-error', errorNumber: 9999, status });
    expect(problem.transient).toBeUndefined();
    expect(problem.message).toContain('Something new');
    expect(calls).toHaveLength(1);
  });

  it.each([
    [302, 'a redirect'],
    [204, 'no content'],
  ])('maps HTTP %i (%s) without an error number to bad-response', async (status) => {
    const { fetch, calls } = scriptedFetch({ status, body: status === 204 ? undefined : 'nope' });
    const problem = await problemFrom(clientWith(fetch).client.getClientConfig(TOKEN));
    expect(problem).toMatchObject({ kind: 'bad-response', status });
    expect(calls).toHaveLength(1);
  });

  it('keeps extra fields Apple adds to the config', async () => {
    const body = JSON.stringify({ ...config('client-config-unclaimed.json'), newField: 1 });
    const { fetch } = scriptedFetch({ body });
    const result = await clientWith(fetch).client.getClientConfig(TOKEN);
    expect(result.ok && (result.value as Record<string, unknown>).newField).toBe(1);
  });
});

describe('other MDM detection', () => {
  it('sees another MDM by name', () => {
    const jamf = config('client-config-other-mdm.json');
    expect(isManagedByOtherMdm(jamf)).toBe(true);
    expect(otherMdmName(jamf)).toBe('Jamf Pro');
  });

  it('treats Addigy, a blank name or no MDM as not another MDM', () => {
    const addigy = config('client-config-addigy.json');
    for (const value of [
      addigy,
      { ...addigy, mdmInfo: { name: 'ADDIGY MDM (prod)' } },
      { ...addigy, mdmInfo: { name: '   ' } },
      { ...addigy, mdmInfo: { name: null } },
      { ...addigy, mdmInfo: null },
      config('client-config-unclaimed.json'),
    ]) {
      expect(isManagedByOtherMdm(value)).toBe(false);
      expect(otherMdmName(value)).toBeUndefined();
    }
  });
});
