import { describe, expect, it, vi } from 'vitest';
import {
  ADDIGY_PATHS,
  AddigyClient,
  DEFAULT_ADDIGY_BASE_URL,
  NEW_TOKEN_STEP,
  TOKEN_EVENTS_QUERY,
  type AddigyClientOptions,
  type AddigyProblem,
  type AddigyProblemKind,
} from '../../../../lib/mdm/addigy/addigy-client';
import * as addigyModule from '../../../../lib/mdm/addigy';
import type { Result } from '../../../../lib/result';
import errorBodyErrorField from '../../../fixtures/addigy/error-body-error-field.json';
import errorBodyPublished from '../../../fixtures/addigy/error-body-published.json';
import systemEventsTokenRevoked from '../../../fixtures/addigy/system-events-token-revoked.json';
import tokensList from '../../../fixtures/addigy/tokens-list.json';

const FIXTURES: Record<string, unknown> = {
  'tokens-list.json': tokensList,
  'system-events-token-revoked.json': systemEventsTokenRevoked,
  'error-body-published.json': errorBodyPublished,
  'error-body-error-field.json': errorBodyErrorField,
};
const fixture = (name: string): unknown => structuredClone(FIXTURES[name]);
const fixtureText = (name: string): string => JSON.stringify(FIXTURES[name]);

const API_KEY = 'ak_live_7f3c9e21d4b84a6f9c0e5d1b2a3f4e5d';
// A well-formed .vpptoken text (base64 of {token, expDate, orgName}): a secret Addigy might echo in an error.
const TOKEN_TEXT = btoa(
  JSON.stringify({
    token: 'VGhpcyBpcyBhIHRlc3Qgb3JnYW5pc2F0aW9uYWwgdW5pdCBpZGVudGlmaWVy',
    expDate: '2026-11-08T22:33:22+0000',
    orgName: 'Example School',
  }),
);
const LOCATION_ID = '6a1f0c2e-4b7d-4c55-9a3e-1d2f3a4b5c6d';

interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  init: RequestInit;
}

type Reply = Response | Error | ((request: RecordedRequest) => Response | Promise<Response>);

/** A scripted Addigy: each request takes the next reply; the last one repeats. */
function scriptedAddigy(...replies: Reply[]) {
  const requests: RecordedRequest[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const request: RecordedRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: String(init.body ?? ''),
      init,
    };
    requests.push(request);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(request);
    return reply!.clone();
  });
  return { fetch: fetchImpl as unknown as typeof fetch, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain', ...headers } });

function makeClient(fetchImpl: typeof fetch, overrides: Partial<AddigyClientOptions> = {}) {
  const sleeps: number[] = [];
  const retries: Array<{ call: string; attempt: number; delayMs: number; problem: AddigyProblem }> = [];
  const client = new AddigyClient({
    baseUrl: DEFAULT_ADDIGY_BASE_URL,
    apiKey: API_KEY,
    fetch: fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRetry: (info) => retries.push(info),
    ...overrides,
  });
  return { client, sleeps, retries };
}

function problemOf(result: Result<unknown, AddigyProblem>): AddigyProblem {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a problem');
  return result.error;
}

function valueOf<T>(result: Result<T, AddigyProblem>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

/** Both published calls, made once, so mapping and retry rules can be checked for each. */
const CALLS = {
  'list-tokens': (client: AddigyClient) => client.listTokens(),
  'list-token-events': (client: AddigyClient) => client.listTokenEvents(),
} satisfies Record<string, (client: AddigyClient) => Promise<Result<unknown, AddigyProblem>>>;
/** A successful answer for each call. */
const SUCCESS = {
  'list-tokens': () => json(200, fixture('tokens-list.json')),
  'list-token-events': () => json(200, fixture('system-events-token-revoked.json')),
};
const CALL_NAMES = Object.keys(CALLS) as Array<keyof typeof CALLS>;

describe('AddigyClient: only the two published read calls', () => {
  it('ADDIGY_PATHS holds call 1 and call 5 and nothing else', () => {
    expect(ADDIGY_PATHS).toEqual({
      'list-tokens': { method: 'POST', path: '/oa/apps-and-books/tokens/policies/query' },
      'list-token-events': { method: 'POST', path: '/system-events/query' },
    });
  });

  it('has no write methods: no preview, no renew, no sync request', () => {
    const { client } = makeClient(scriptedAddigy(json(200, [])).fetch);
    for (const name of ['previewRenewal', 'renew', 'requestSync']) expect(name in client).toBe(false);
  });

  it('the module no longer exports the preview schema', () => {
    expect('renewalPreviewSchema' in addigyModule).toBe(false);
  });

  it('exports the step for a file Addigy cannot renew with: a new token, then move the licences', () => {
    expect(NEW_TOKEN_STEP).toMatch(/Create a new token in Addigy/);
    expect(NEW_TOKEN_STEP).toMatch(/transfer the licences/);
  });

  it.each(CALL_NAMES)('%s is a POST to its published path, never a PUT', async (call) => {
    const addigy = scriptedAddigy(SUCCESS[call]());
    const { client } = makeClient(addigy.fetch);
    valueOf<unknown>(await CALLS[call](client));
    expect(addigy.requests.map((r) => r.method)).toEqual(['POST']);
    expect(addigy.requests[0]!.url).toBe(`${DEFAULT_ADDIGY_BASE_URL}${ADDIGY_PATHS[call].path}`);
  });
});

describe('AddigyClient: requests', () => {
  const base = 'https://api.addigy.com/api/v2';

  it.each([
    {
      name: 'list-tokens (all policies)',
      run: (c: AddigyClient) => c.listTokens(),
      reply: json(200, []),
      method: 'POST',
      url: `${base}/oa/apps-and-books/tokens/policies/query`,
      body: '{"policy_ids":[]}',
    },
    {
      name: 'list-tokens (some policies)',
      run: (c: AddigyClient) => c.listTokens(['policy-a', 'policy-b']),
      reply: json(200, []),
      method: 'POST',
      url: `${base}/oa/apps-and-books/tokens/policies/query`,
      body: '{"policy_ids":["policy-a","policy-b"]}',
    },
    {
      name: 'list-token-events',
      run: (c: AddigyClient) => c.listTokenEvents(),
      reply: json(200, fixture('system-events-token-revoked.json')),
      method: 'POST',
      url: `${base}/system-events/query`,
      body:
        '{"query":[{"field":"action_receiver.type","operator":"contains","value":"vpp-token"}],"page":1,"per_page":50,"sort_direction":"desc"}',
    },
  ])('$name: method, URL, headers and exact body', async ({ run, reply, method, url, body }) => {
    const addigy = scriptedAddigy(reply);
    const { client } = makeClient(addigy.fetch);
    valueOf<unknown>(await run(client));
    expect(addigy.requests).toHaveLength(1);
    const [request] = addigy.requests;
    expect(request!.method).toBe(method);
    expect(request!.url).toBe(url);
    expect(request!.headers).toEqual({
      'x-api-key': API_KEY,
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(request!.body).toBe(body);
    // Addigy's cookies are not sent, and the key never follows a redirect.
    expect(request!.init.credentials).toBe('omit');
    expect(request!.init.redirect).toBe('manual');
  });

  it('asks call 5 for the newest 50 VPP-token events', () => {
    expect(TOKEN_EVENTS_QUERY).toEqual({
      query: [{ field: 'action_receiver.type', operator: 'contains', value: 'vpp-token' }],
      page: 1,
      per_page: 50,
      sort_direction: 'desc',
    });
  });

  it('joins a base URL with trailing slashes and a custom host without doubling slashes', async () => {
    const addigy = scriptedAddigy(json(200, []));
    const { client } = makeClient(addigy.fetch, { baseUrl: 'https://api.eu.addigy.example/api/v2//' });
    await client.listTokens();
    expect(addigy.requests[0]!.url).toBe('https://api.eu.addigy.example/api/v2/oa/apps-and-books/tokens/policies/query');
  });

  it('trims the API key before sending it', async () => {
    const addigy = scriptedAddigy(json(200, []));
    const { client } = makeClient(addigy.fetch, { apiKey: `  ${API_KEY}\n` });
    await client.listTokens();
    expect(addigy.requests[0]!.headers['x-api-key']).toBe(API_KEY);
  });
});

describe('AddigyClient: settings it refuses', () => {
  it.each([
    ['plain http', { baseUrl: 'http://api.addigy.com/api/v2' }],
    ['not a URL', { baseUrl: 'api.addigy.com/api/v2' }],
    ['empty base URL', { baseUrl: '' }],
    ['credentials in the URL', { baseUrl: 'https://user:pass@api.addigy.com/api/v2' }],
    ['a query string', { baseUrl: 'https://api.addigy.com/api/v2?x=1' }],
    ['an empty key', { apiKey: '' }],
    ['a blank key', { apiKey: '   ' }],
    ['a key with a line break', { apiKey: 'abc\ndef' }],
  ])('%s: bad-settings, and no request is made', async (_name, overrides) => {
    const addigy = scriptedAddigy(json(200, []));
    const { client } = makeClient(addigy.fetch, overrides);
    for (const [call, run] of Object.entries(CALLS)) {
      const problem = problemOf(await run(client));
      expect(problem.kind).toBe('bad-settings');
      expect(problem.transient).toBe(false);
      expect(problem.call).toBe(call);
      expect(problem.message).not.toBe('');
      expect(problem.nextStep).toMatch(/Options/);
    }
    expect(addigy.requests).toHaveLength(0);
  });

  it('names the missing key and where to get one', async () => {
    const { client } = makeClient(scriptedAddigy(json(200, [])).fetch, { apiKey: '' });
    const problem = problemOf(await client.listTokens());
    expect(problem.message).toMatch(/API key/);
    expect(problem.nextStep).toContain('Account → Integrations → API & Webhooks');
  });
});

describe('AddigyClient: successful answers', () => {
  it('lists tokens tolerantly: version number becomes a string, unknown fields are ignored', async () => {
    const { client } = makeClient(scriptedAddigy(json(200, fixture('tokens-list.json'))).fetch);
    const tokens = valueOf(await client.listTokens());
    expect(tokens).toHaveLength(2);
    expect(tokens[0]!.version).toBe('3');
    expect(tokens[1]!.version).toBe('3');
    expect(tokens[0]!.clientConfig?.uId).toBe('2049025000431439');
    expect(tokens[0]!.inheritedFrom).toBe('');
    expect(tokens[1]!.inheritedFrom).toBe('policy-root');
    expect(tokens[1]!.clientConfig?.mdmInfo).toBeNull();
  });

  it('keeps the top-level expDate of a token, which tokenExpiry prefers', async () => {
    const withExpDate = [{ ...(fixture('tokens-list.json') as object[])[0], expDate: '2026-11-08T22:33:22+0000' }];
    const { client } = makeClient(scriptedAddigy(json(200, withExpDate)).fetch);
    const [token] = valueOf(await client.listTokens());
    expect(token!.expDate).toBe('2026-11-08T22:33:22+0000');
    expect(addigyModule.tokenExpiry(token!)).toBe('2026-11-08T22:33:22.000Z');
  });

  it('returns the token events', async () => {
    const { client } = makeClient(scriptedAddigy(json(200, fixture('system-events-token-revoked.json'))).fetch);
    const events = valueOf(await client.listTokenEvents());
    expect(events).toHaveLength(1);
    expect(events[0]!.result?.details).toContain('9625');
    expect(events[0]!.action_receiver?.identifier).toBe(LOCATION_ID);
  });

  it.each([
    ['a token without locationId', 'list-tokens', json(200, [{ syncing: false }])],
    ['an object instead of a list', 'list-tokens', json(200, { tokens: [] })],
    ['a non-JSON 200', 'list-tokens', text(200, '<html>Welcome</html>')],
    ['an empty 200', 'list-tokens', new Response('', { status: 200 })],
    ['an expDate that is not text', 'list-tokens', json(200, [{ locationId: 'a', expDate: 20261108 }])],
    ['events without items', 'list-token-events', json(200, { metadata: {} })],
  ] as const)('%s: bad-response, not retried', async (_name, call, reply) => {
    const addigy = scriptedAddigy(reply);
    const { client, sleeps } = makeClient(addigy.fetch);
    const problem = problemOf(await CALLS[call](client));
    expect(problem).toMatchObject({ kind: 'bad-response', call, transient: false, status: 200 });
    expect(problem.detail).toBeTruthy();
    expect(problem.nextStep).toMatch(/API address/);
    expect(addigy.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('says where a list failed its schema', async () => {
    const { client } = makeClient(scriptedAddigy(json(200, [{ locationId: 'a' }, { syncing: 'no' }])).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.detail).toContain('1.locationId');
  });
});

describe('AddigyClient: error answers', () => {
  const published = fixtureText('error-body-published.json');
  const errorField = fixtureText('error-body-error-field.json');

  describe.each(CALL_NAMES)('%s', (call) => {
    it.each<[number, AddigyProblemKind, boolean]>([
      [400, 'bad-response', false],
      [401, 'unauthorized', false],
      [403, 'forbidden', false],
      [404, 'not-found', false],
      [409, 'bad-response', false],
      [410, 'bad-response', false],
      [422, 'bad-response', false],
      [429, 'rate-limited', true],
      [500, 'server-error', true],
      [502, 'server-error', true],
      [503, 'server-error', true],
      [504, 'server-error', true],
    ])('HTTP %i → %s (transient: %s)', async (status, kind, transient) => {
      const { client } = makeClient(scriptedAddigy(json(status, { code: status, message: 'addigy words', error_chain: [] })).fetch, {
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      });
      const problem = problemOf(await CALLS[call](client));
      expect(problem).toMatchObject({ kind, status, transient, call, detail: 'addigy words' });
      expect(problem.message.length).toBeGreaterThan(10);
      expect(problem.nextStep.length).toBeGreaterThan(10);
    });
  });

  it.each([
    ['the published {code, message, error_chain}', published, 'token is expired'],
    ['{error}', errorField, 'invalid api key'],
    ['{code: "string", message}', '{"code":"E_QUERY","message":"query is malformed"}', 'query is malformed'],
    ['plain text', 'rejected by upstream', 'rejected by upstream'],
    ['an HTML page', '<html><body><h1>Bad Request</h1><p>query rejected</p></body></html>', 'Bad Request query rejected'],
    ['JSON of another shape', '{"detail":"nope"}', '{"detail":"nope"}'],
  ])('reads Addigy’s words from %s', async (_name, body, words) => {
    const { client } = makeClient(scriptedAddigy(text(400, body)).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.detail).toBe(words);
  });

  it('leaves detail out when the error body is empty', async () => {
    const { client } = makeClient(scriptedAddigy(new Response('', { status: 401 })).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.kind).toBe('unauthorized');
    expect(problem.detail).toBeUndefined();
  });

  it('400: a refused request, with Addigy’s words, that never blames the token', async () => {
    const { client } = makeClient(scriptedAddigy(text(400, published)).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.kind).toBe('bad-response');
    expect(problem.message).toBe(
      'Addigy refused the request while listing the Apple Apps tokens (HTTP 400). Addigy said: “token is expired”',
    );
    expect(problem.nextStep).toMatch(/^Try again\./);
    expect(problem.nextStep).toMatch(/report it/);
    expect(problem.nextStep).not.toMatch(/fresh token|download/i);
  });

  it('400 on call 5 names what it was doing', async () => {
    const { client } = makeClient(scriptedAddigy(text(400, 'bad query')).fetch);
    const problem = problemOf(await client.listTokenEvents());
    expect(problem.message).toBe('Addigy refused the request while reading the token events (HTTP 400). Addigy said: “bad query”');
  });

  it('401: the API key, and where to paste a valid one', async () => {
    const { client } = makeClient(scriptedAddigy(text(401, errorField)).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.message).toBe('Addigy did not accept the API key.');
    expect(problem.nextStep).toBe(
      "Open Token Relay's Options and paste a valid V2 API key from Addigy: Account → Integrations → API & Webhooks.",
    );
  });

  it('403: the key lacks permission for Apple Apps tokens', async () => {
    const { client } = makeClient(scriptedAddigy(json(403, { error: 'forbidden' })).fetch);
    const problem = problemOf(await client.listTokenEvents());
    expect(problem.message).toMatch(/permission/);
    expect(problem.message).toMatch(/Apple Apps tokens/);
  });

  it.each([
    ['list-tokens', 'listing the Apple Apps tokens'],
    ['list-token-events', 'reading the token events'],
  ] as const)('404 on %s: Addigy’s API is not at this address', async (call, doing) => {
    const { client } = makeClient(scriptedAddigy(text(404, 'Not Found')).fetch);
    const problem = problemOf(await CALLS[call](client));
    expect(problem.kind).toBe('not-found');
    expect(problem.message).toBe(`Addigy's API was not found at this address while ${doing} (HTTP 404).`);
    expect(problem.message).not.toMatch(/token location/);
    expect(problem.nextStep).toMatch(/API address/);
  });

  it('409 is no longer an identifier mismatch: an unexpected answer that names it', async () => {
    const { client } = makeClient(scriptedAddigy(text(409, 'conflict')).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem).toMatchObject({ kind: 'bad-response', status: 409, detail: 'conflict' });
    expect(problem.message).toContain('HTTP 409');
    expect(problem.nextStep).not.toBe(NEW_TOKEN_STEP);
  });

  it('an unexpected status is a bad-response that names it', async () => {
    const { client } = makeClient(scriptedAddigy(text(418, 'teapot')).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem).toMatchObject({ kind: 'bad-response', status: 418, transient: false, detail: 'teapot' });
    expect(problem.message).toContain('HTTP 418');
  });

  it('a redirect is not followed and not retried', async () => {
    const addigy = scriptedAddigy(new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }));
    const { client } = makeClient(addigy.fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem).toMatchObject({ kind: 'bad-response', status: 302, transient: false });
    expect(problem.message).toMatch(/redirect/);
    expect(addigy.requests).toHaveLength(1);
  });

  it('caps Addigy’s words at about 300 characters', async () => {
    const { client } = makeClient(scriptedAddigy(json(400, { message: 'word '.repeat(200) })).fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.detail!.length).toBeLessThanOrEqual(300);
    expect(problem.detail).toMatch(/…$/);
  });

  it('a network failure is unreachable and transient', async () => {
    const { client } = makeClient(scriptedAddigy(new TypeError('Failed to fetch')).fetch, {
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const problem = problemOf(await client.listTokens());
    expect(problem).toMatchObject({ kind: 'unreachable', transient: true, call: 'list-tokens' });
    expect(problem.message).toContain('api.addigy.com');
  });

  it('no problem speaks of a token that may already be saved: the API saves nothing', async () => {
    for (const call of CALL_NAMES) {
      const { client } = makeClient(scriptedAddigy(json(503, { message: 'down' })).fetch);
      const problem = problemOf(await CALLS[call](client));
      expect(problem.message).not.toMatch(/may already have saved/);
    }
  });
});

describe('AddigyClient: timeouts', () => {
  /** A server that never answers, but lets go when the request is aborted. */
  const silentServer = () =>
    scriptedAddigy(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );

  it('maps a request with no answer to timeout (transient)', async () => {
    const addigy = silentServer();
    const { client } = makeClient(addigy.fetch, { timeoutMs: 20, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const problem = problemOf(await client.listTokens());
    expect(problem).toMatchObject({ kind: 'timeout', transient: true, call: 'list-tokens' });
    expect(problem.message).toMatch(/did not answer/);
  });

  it('retries a timed-out listing, then gives up', async () => {
    const addigy = silentServer();
    const { client, sleeps } = makeClient(addigy.fetch, { timeoutMs: 10 });
    expect(problemOf(await client.listTokens()).kind).toBe('timeout');
    expect(addigy.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it('also times out a body that never finishes', async () => {
    const stalled = () => new Response(new ReadableStream({ start() {} }), { status: 200 });
    const { client } = makeClient(scriptedAddigy(stalled).fetch, {
      timeoutMs: 30,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(problemOf(await client.listTokens()).kind).toBe('timeout');
  });
});

describe('AddigyClient: retries', () => {
  it('retries a 5xx listing with capped exponential back-off, a bounded number of times', async () => {
    const addigy = scriptedAddigy(json(503, { message: 'maintenance' }));
    const { client, sleeps, retries } = makeClient(addigy.fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.kind).toBe('server-error');
    // DEFAULT_RETRY: 4 attempts, 500 ms base; random 0.5 puts each delay at 3/4 of its ceiling.
    expect(addigy.requests).toHaveLength(4);
    expect(sleeps).toEqual([375, 750, 1500]);
    expect(retries.map(({ call, attempt, delayMs, problem }) => [call, attempt, delayMs, problem.kind])).toEqual([
      ['list-tokens', 1, 375, 'server-error'],
      ['list-tokens', 2, 750, 'server-error'],
      ['list-tokens', 3, 1500, 'server-error'],
    ]);
  });

  it('keeps every delay within the policy’s ceiling', async () => {
    const addigy = scriptedAddigy(new TypeError('offline'));
    const retry = { maxAttempts: 7, baseDelayMs: 100, maxDelayMs: 400 };
    const { client, sleeps } = makeClient(addigy.fetch, { retry, random: () => 1 });
    await client.listTokenEvents();
    expect(addigy.requests).toHaveLength(7);
    expect(sleeps).toEqual([100, 200, 400, 400, 400, 400]);
  });

  it('calls onRetry before each wait', async () => {
    const order: string[] = [];
    const addigy = scriptedAddigy(json(500, {}), json(200, []));
    const client = new AddigyClient({
      baseUrl: DEFAULT_ADDIGY_BASE_URL,
      apiKey: API_KEY,
      fetch: addigy.fetch,
      random: () => 0,
      onRetry: () => order.push('onRetry'),
      sleep: async () => {
        order.push('sleep');
      },
    });
    valueOf(await client.listTokens());
    expect(order).toEqual(['onRetry', 'sleep']);
  });

  it('succeeds when a later attempt does', async () => {
    const addigy = scriptedAddigy(json(502, {}), new TypeError('reset'), json(200, fixture('tokens-list.json')));
    const { client, sleeps } = makeClient(addigy.fetch);
    expect(valueOf(await client.listTokens())).toHaveLength(2);
    expect(addigy.requests).toHaveLength(3);
    expect(sleeps).toEqual([375, 750]);
  });

  it('honours Retry-After on 429 when it is longer than the back-off', async () => {
    const addigy = scriptedAddigy(json(429, { message: 'slow down' }, { 'retry-after': '3' }), json(200, []));
    const { client, sleeps, retries } = makeClient(addigy.fetch);
    valueOf(await client.listTokens());
    expect(sleeps).toEqual([3000]);
    expect(retries[0]!.problem).toMatchObject({ kind: 'rate-limited', retryAfterMs: 3000 });
  });

  it('keeps the back-off when Retry-After is shorter', async () => {
    const addigy = scriptedAddigy(json(429, {}, { 'retry-after': '0' }), json(200, []));
    const { client, sleeps } = makeClient(addigy.fetch);
    valueOf(await client.listTokens());
    expect(sleeps).toEqual([375]);
  });

  it('reports Retry-After on the final rate-limited problem', async () => {
    const addigy = scriptedAddigy(json(429, {}, { 'retry-after': '12' }));
    const { client, sleeps } = makeClient(addigy.fetch);
    const problem = problemOf(await client.listTokenEvents());
    expect(problem).toMatchObject({ kind: 'rate-limited', transient: true, retryAfterMs: 12_000 });
    expect(sleeps).toEqual([12_000, 12_000, 12_000]);
  });

  it.each(CALL_NAMES)('%s is retried on transient failures (5xx, then a network failure)', async (call) => {
    const addigy = scriptedAddigy(json(503, {}), new TypeError('offline'), SUCCESS[call]());
    const { client, sleeps, retries } = makeClient(addigy.fetch);
    expect((await CALLS[call](client)).ok).toBe(true);
    expect(addigy.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(retries.map((r) => r.call)).toEqual([call, call]);
  });

  it.each([400, 401, 403, 404, 409, 410])('HTTP %i is never retried, on any call', async (status) => {
    for (const [, run] of Object.entries(CALLS)) {
      const addigy = scriptedAddigy(json(status, { message: 'no' }), json(200, []));
      const { client, sleeps } = makeClient(addigy.fetch);
      const problem = problemOf(await run(client));
      expect(problem.status).toBe(status);
      expect(problem.transient).toBe(false);
      expect(addigy.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    }
  });

  it('stops retrying once the signal is aborted', async () => {
    const controller = new AbortController();
    const addigy = scriptedAddigy(json(503, {}));
    const { client } = makeClient(addigy.fetch, {
      signal: controller.signal,
      sleep: async () => controller.abort(),
    });
    const problem = problemOf(await client.listTokens());
    expect(problem.kind).toBe('unreachable');
    expect(problem.message).toMatch(/cancelled/);
    expect(addigy.requests).toHaveLength(1);
  });

  it('makes no request when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const addigy = scriptedAddigy(json(200, []));
    const { client } = makeClient(addigy.fetch, { signal: controller.signal });
    const problem = problemOf(await client.listTokens());
    expect(problem.kind).toBe('unreachable');
    expect(problem.message).toMatch(/cancelled/);
    expect(addigy.requests).toHaveLength(0);
  });
});

describe('AddigyClient: secrets stay out of problems', () => {
  /** A careless server that repeats the request's key, and a token text it holds, in its error text. */
  const echoingServer = (status: number, shape: 'json' | 'text') =>
    scriptedAddigy((request) => {
      const words = `could not use ${TOKEN_TEXT} sent with key ${request.headers['x-api-key']}`;
      return shape === 'json' ? json(status, { code: status, message: words, error_chain: [words] }) : text(status, words);
    });

  const leaks = (value: unknown) => {
    const serialised = JSON.stringify(value);
    return [TOKEN_TEXT, TOKEN_TEXT.slice(0, 40), TOKEN_TEXT.slice(-40), API_KEY].filter((secret) => serialised.includes(secret));
  };

  it.each([
    [400, 'json'],
    [409, 'json'],
    [500, 'text'],
    [418, 'text'],
    [403, 'json'],
    [429, 'text'],
  ] as const)('HTTP %i with a %s echo: no token text and no API key anywhere', async (status, shape) => {
    const { client, retries } = makeClient(echoingServer(status, shape).fetch);
    for (const call of CALL_NAMES) {
      const problem = problemOf(await CALLS[call](client));
      expect(problem.detail).toMatch(/could not use \[redacted\] sent with key \[(token|redacted)\]/);
      expect(leaks(problem)).toEqual([]);
    }
    expect(leaks(retries)).toEqual([]);
  });

  it('redacts a truncated echo of a token text', async () => {
    const addigy = scriptedAddigy(text(400, `bad token ${TOKEN_TEXT.slice(0, 64)}...`));
    const { client } = makeClient(addigy.fetch);
    const problem = problemOf(await client.listTokens());
    expect(leaks(problem)).toEqual([]);
    expect(problem.detail).toContain('[redacted]');
  });

  it('a 2xx that echoes secrets and fails the schema does not leak them', async () => {
    const addigy = scriptedAddigy((request) => json(200, [{ token: TOKEN_TEXT, key: request.headers['x-api-key'] }]));
    const { client } = makeClient(addigy.fetch);
    const problem = problemOf(await client.listTokens());
    expect(problem.kind).toBe('bad-response');
    expect(problem.detail).toContain('0.locationId');
    expect(leaks(problem)).toEqual([]);
  });
});
