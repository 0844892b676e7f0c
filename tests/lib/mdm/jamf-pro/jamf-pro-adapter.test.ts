import { describe, expect, it, vi } from 'vitest';
import {
  JAMF_PAGE_SIZE,
  JamfProAdapter,
  OTHER_SERVER_DETAIL,
  RECLAIM_STEP,
  type JamfProConfig,
} from '../../../../lib/mdm/jamf-pro';
import * as jamfModule from '../../../../lib/mdm/jamf-pro';
import type { MdmAdapter, MdmProblem, MdmToken } from '../../../../lib/mdm/mdm-adapter';
import type { Result } from '../../../../lib/result';

const SERVER = 'https://acme.jamfcloud.com';
const CLIENT_ID = 'b5f2c1d0-7e3a-4c9b-8f21-0a1b2c3d4e5f';
const CLIENT_SECRET = 'Zq8-secret-sauce_0001-VERY-private';
const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.access-token-one';
const ACCESS_TOKEN_2 = 'eyJhbGciOiJIUzI1NiJ9.access-token-two';
const TOKEN_TEXT = btoa(
  JSON.stringify({
    token: 'VGhpcyBpcyBhIHRlc3Qgb3JnYW5pc2F0aW9uYWwgdW5pdCBpZGVudGlmaWVy',
    expDate: '2027-03-01T10:20:30+0000',
    orgName: 'Acme Corp',
  }),
);
const NOW = Date.parse('2026-01-15T12:00:00Z');

interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  init: RequestInit;
}
type Reply = Response | Error | 'hang' | ((request: RecordedRequest) => Response | Promise<Response>);

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const tokenReply = (accessToken = ACCESS_TOKEN, expiresIn = 1200) =>
  json(200, { access_token: accessToken, scope: 'api-role:1', token_type: 'Bearer', expires_in: expiresIn });

const LOCATION = {
  id: '1',
  name: 'Design Studio',
  appleId: 'apple-admin@acme.example',
  organizationName: 'Acme Corp',
  locationName: 'Design Studio',
  tokenExpiration: '2026-04-15T12:00:00.000+0000',
  clientContextMismatch: false,
  lastSyncTime: '2026-01-12T12:00:00.000+0000',
  countryCode: 'US',
  siteId: '-1',
};
const page = (results: unknown[], totalCount = results.length) => json(200, { totalCount, results });

/** A scripted Jamf Pro: each request takes the next reply; the last one repeats. */
function scriptedJamf(...replies: Reply[]) {
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
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) =>
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    }
    if (typeof reply === 'function') return reply(request);
    return reply!.clone();
  });
  return { fetch: fetchImpl as unknown as typeof fetch, requests };
}

function makeAdapter(fetchImpl: typeof fetch, overrides: Partial<JamfProConfig> = {}) {
  const sleeps: number[] = [];
  const retries: Array<{ attempt: number; delayMs: number; reason: string }> = [];
  const clock = { now: NOW };
  const adapter = new JamfProAdapter({
    serverUrl: SERVER,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    fetch: fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => clock.now,
    random: () => 0.5,
    onRetry: (notice) => retries.push(notice),
    ...overrides,
  });
  return { adapter, sleeps, retries, clock };
}

function problemOf(result: Result<unknown, MdmProblem>): MdmProblem {
  if (result.ok) throw new Error('expected a problem');
  return result.error;
}
function valueOf<T>(result: Result<T, MdmProblem>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}
/** Everything a problem says, for "never shows a secret" checks. */
const words = (problem: MdmProblem) => JSON.stringify(problem);

describe('JamfProAdapter: what it is', () => {
  it('is an API adapter matched by name, with no sync call', () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply()).fetch);
    expect(adapter.kind).toBe('jamf-pro');
    expect(adapter.writes).toBe('api');
    expect(adapter.matchesBy).toBe('name');
    expect((adapter as MdmAdapter).sync).toBeUndefined();
    expect(typeof adapter.renew).toBe('function');
    expect(jamfModule.JamfProAdapter).toBe(JamfProAdapter);
  });
});

describe('JamfProAdapter: the access token', () => {
  it('asks for a token with the client credentials form, then lists with Bearer', async () => {
    const jamf = scriptedJamf(tokenReply(), page([LOCATION]));
    const { adapter } = makeAdapter(jamf.fetch);
    valueOf(await adapter.listTokens());
    expect(jamf.requests).toHaveLength(2);
    const [token, list] = jamf.requests;
    expect(token!.method).toBe('POST');
    expect(token!.url).toBe('https://acme.jamfcloud.com/api/oauth/token');
    expect(token!.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(token!.headers.Authorization).toBeUndefined();
    expect(token!.body).toBe(
      `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=${encodeURIComponent(CLIENT_SECRET)}`,
    );
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(list!.method).toBe('GET');
    expect(list!.headers.Authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(list!.body).toBe('');
    // No redirects (a secret must not follow one), no cookies.
    for (const request of jamf.requests) {
      expect(request.init.redirect).toBe('manual');
      expect(request.init.credentials).toBe('omit');
      expect(new URL(request.url).host).toBe('acme.jamfcloud.com');
    }
  });

  it('reuses the token until 30 s before it expires, then asks for a new one', async () => {
    const jamf = scriptedJamf(tokenReply(ACCESS_TOKEN, 1200), page([LOCATION]), page([LOCATION]), tokenReply(ACCESS_TOKEN_2), page([LOCATION]));
    const { adapter, clock } = makeAdapter(jamf.fetch);
    valueOf(await adapter.listTokens());
    clock.now = NOW + (1200 - 31) * 1000;
    valueOf(await adapter.listTokens());
    clock.now = NOW + (1200 - 30) * 1000;
    valueOf(await adapter.listTokens());
    expect(jamf.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /api/oauth/token',
      'GET /api/v1/volume-purchasing-locations',
      'GET /api/v1/volume-purchasing-locations',
      'POST /api/oauth/token',
      'GET /api/v1/volume-purchasing-locations',
    ]);
    expect(jamf.requests[2]!.headers.Authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(jamf.requests[4]!.headers.Authorization).toBe(`Bearer ${ACCESS_TOKEN_2}`);
  });

  it('calls made together share one token request', async () => {
    const jamf = scriptedJamf((request) =>
      request.url.endsWith('/api/oauth/token') ? tokenReply() : page([LOCATION]),
    );
    const { adapter } = makeAdapter(jamf.fetch);
    await Promise.all([adapter.listTokens(), adapter.listTokens(), adapter.listTokens()]);
    expect(jamf.requests.filter((r) => r.url.endsWith('/api/oauth/token'))).toHaveLength(1);
  });

  it('a 401 with a cached token gets a fresh token and retries that call once', async () => {
    const jamf = scriptedJamf(
      tokenReply(ACCESS_TOKEN),
      page([LOCATION]),
      json(401, { httpStatus: 401, errors: [] }),
      tokenReply(ACCESS_TOKEN_2),
      page([LOCATION]),
    );
    const { adapter } = makeAdapter(jamf.fetch);
    valueOf(await adapter.listTokens());
    const tokens = valueOf(await adapter.listTokens());
    expect(tokens).toHaveLength(1);
    expect(jamf.requests.map((r) => r.headers.Authorization ?? 'token call')).toEqual([
      'token call',
      `Bearer ${ACCESS_TOKEN}`,
      `Bearer ${ACCESS_TOKEN}`,
      'token call',
      `Bearer ${ACCESS_TOKEN_2}`,
    ]);
  });

  it('a second 401 after the fresh token is a problem naming the API client, with no third try', async () => {
    const jamf = scriptedJamf(
      tokenReply(ACCESS_TOKEN),
      page([LOCATION]),
      json(401, { httpStatus: 401, errors: [] }),
      tokenReply(ACCESS_TOKEN_2),
      json(401, { httpStatus: 401, errors: [] }),
    );
    const { adapter } = makeAdapter(jamf.fetch);
    valueOf(await adapter.listTokens());
    const problem = problemOf(await adapter.listTokens());
    expect(jamf.requests).toHaveLength(5);
    expect(problem).toMatchObject({ kind: 'unauthorized', status: 401, transient: false });
    expect(problem.message).toContain('Jamf Pro');
    expect(problem.nextStep).toContain('Settings → System → API roles and clients');
  });

  it('a 401 with a token just issued is not retried', async () => {
    const jamf = scriptedJamf(tokenReply(), json(401, { httpStatus: 401, errors: [] }));
    const { adapter } = makeAdapter(jamf.fetch);
    expect(problemOf(await adapter.listTokens())).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(jamf.requests).toHaveLength(2);
  });

  it.each([
    ['401', json(401, { error: 'invalid_client' })],
    ['400 invalid_client', json(400, { error: 'invalid_client', error_description: 'Client authentication failed' })],
  ])('a %s on the token call: "did not accept the API client ID and secret", with where to fix it', async (_name, reply) => {
    const jamf = scriptedJamf(reply);
    const { adapter } = makeAdapter(jamf.fetch);
    const problem = problemOf(await adapter.listTokens());
    expect(problem.kind).toBe('unauthorized');
    expect(problem.message).toBe('Jamf Pro did not accept the API client ID and secret.');
    expect(problem.nextStep).toContain('Jamf Pro');
    expect(problem.nextStep).toContain('Settings → System → API roles and clients');
    expect(problem.nextStep).toContain('Read Volume Purchasing Locations');
    expect(problem.nextStep).toContain('Update Volume Purchasing Locations');
    expect(problem.transient).toBe(false);
    expect(jamf.requests).toHaveLength(1);
  });

  it('a token answer without access_token is a bad response', async () => {
    const { adapter } = makeAdapter(scriptedJamf(json(200, { token_type: 'Bearer', expires_in: 60 })).fetch);
    expect(problemOf(await adapter.listTokens())).toMatchObject({ kind: 'bad-response' });
  });

  it('a token of another type than Bearer is a bad response', async () => {
    const { adapter } = makeAdapter(scriptedJamf(json(200, { access_token: 'x', token_type: 'MAC', expires_in: 60 })).fetch);
    expect(problemOf(await adapter.listTokens())).toMatchObject({ kind: 'bad-response' });
  });
});

describe('JamfProAdapter: settings', () => {
  it.each([
    ['http://acme.jamfcloud.com'],
    ['https://user:pw@acme.jamfcloud.com'],
    [''],
  ])('refuses the server address %j before sending anything', async (serverUrl) => {
    const jamf = scriptedJamf(tokenReply());
    const { adapter } = makeAdapter(jamf.fetch, { serverUrl });
    const problem = problemOf(await adapter.listTokens());
    expect(problem.kind).toBe('bad-settings');
    expect(problem.nextStep).toContain('https://acme.jamfcloud.com');
    expect(problemOf(await adapter.renew('1', TOKEN_TEXT)).kind).toBe('bad-settings');
    expect(jamf.requests).toHaveLength(0);
  });

  it('refuses an empty client ID or secret before sending anything', async () => {
    const jamf = scriptedJamf(tokenReply());
    for (const overrides of [{ clientId: ' ' }, { clientSecret: '' }]) {
      const { adapter } = makeAdapter(jamf.fetch, overrides);
      expect(problemOf(await adapter.listTokens()).kind).toBe('bad-settings');
    }
    expect(jamf.requests).toHaveLength(0);
  });

  it('a self-hosted address keeps its path; a trailing slash is dropped', async () => {
    const jamf = scriptedJamf(tokenReply(), page([]));
    const { adapter } = makeAdapter(jamf.fetch, { serverUrl: 'jamf.example.edu:8443/jss/' });
    valueOf(await adapter.listTokens());
    expect(jamf.requests.map((r) => r.url)).toEqual([
      'https://jamf.example.edu:8443/jss/api/oauth/token',
      'https://jamf.example.edu:8443/jss/api/v1/volume-purchasing-locations?page=0&page-size=100',
    ]);
  });
});

describe('JamfProAdapter: listTokens', () => {
  it('maps a location to an MdmToken', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), page([LOCATION])).fetch);
    expect(valueOf(await adapter.listTokens())).toEqual<MdmToken[]>([
      {
        id: '1',
        locationName: 'Design Studio',
        orgName: 'Acme Corp',
        appleId: 'apple-admin@acme.example',
        expiresAt: '2026-04-15T12:00:00.000Z',
        lastSync: '2026-01-12T12:00:00.000Z',
        state: 'ok',
      },
    ]);
  });

  it('falls back to the name without a locationName, tolerates a numeric id and missing fields', async () => {
    const { adapter } = makeAdapter(
      scriptedJamf(tokenReply(), page([{ id: 7, name: 'Front Desk', locationName: null, tokenExpiration: null }])).fetch,
    );
    expect(valueOf(await adapter.listTokens())).toEqual([{ id: '7', locationName: 'Front Desk', state: 'ok' }]);
  });

  it('clientContextMismatch is "in use by another server", with the reclaim step', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), page([{ ...LOCATION, clientContextMismatch: true }])).fetch);
    const [token] = valueOf(await adapter.listTokens());
    expect(token).toMatchObject({ state: 'other-server', stateDetail: OTHER_SERVER_DETAIL });
    expect(token!.stateDetail).toContain('In use by another server');
    expect(RECLAIM_STEP).toContain('reclaim');
  });

  it('a token past its expiry (by the injected clock) is expired', async () => {
    const { adapter } = makeAdapter(
      scriptedJamf(tokenReply(), page([{ ...LOCATION, tokenExpiration: '2026-01-15T11:59:59.000+0000' }])).fetch,
    );
    expect(valueOf(await adapter.listTokens())[0]!.state).toBe('expired');
  });

  it('reads every page until totalCount is reached', async () => {
    const all = Array.from({ length: 230 }, (_, i) => ({ ...LOCATION, id: String(i + 1), name: `Loc ${i + 1}` }));
    const jamf = scriptedJamf((request) => {
      if (request.url.endsWith('/api/oauth/token')) return tokenReply();
      const url = new URL(request.url);
      const index = Number(url.searchParams.get('page'));
      const size = Number(url.searchParams.get('page-size'));
      return page(all.slice(index * size, (index + 1) * size), all.length);
    });
    const { adapter } = makeAdapter(jamf.fetch);
    const tokens = valueOf(await adapter.listTokens());
    expect(tokens.map((t) => t.id)).toEqual(all.map((l) => l.id));
    expect(jamf.requests.slice(1).map((r) => new URL(r.url).search)).toEqual([
      `?page=0&page-size=${JAMF_PAGE_SIZE}`,
      `?page=1&page-size=${JAMF_PAGE_SIZE}`,
      `?page=2&page-size=${JAMF_PAGE_SIZE}`,
    ]);
    // One token for all the pages.
    expect(jamf.requests.filter((r) => r.url.endsWith('/api/oauth/token'))).toHaveLength(1);
  });

  it('stops on an empty page even if totalCount says more', async () => {
    const jamf = scriptedJamf(tokenReply(), page([LOCATION], 5), page([], 5));
    const { adapter } = makeAdapter(jamf.fetch);
    expect(valueOf(await adapter.listTokens())).toHaveLength(1);
    expect(jamf.requests).toHaveLength(3);
  });

  it('an answer without results is a bad response', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), json(200, { totalCount: 1 })).fetch);
    const problem = problemOf(await adapter.listTokens());
    expect(problem.kind).toBe('bad-response');
    expect(problem.message).toContain('Jamf Pro');
  });

  it('an answer that is not JSON is a bad response', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), new Response('<html>login</html>', { status: 200 })).fetch);
    expect(problemOf(await adapter.listTokens()).kind).toBe('bad-response');
  });
});

describe('JamfProAdapter: errors', () => {
  it('403: the API role lacks the privileges', async () => {
    const { adapter } = makeAdapter(
      scriptedJamf(tokenReply(), json(403, { httpStatus: 403, errors: [{ code: 'INVALID_PRIVILEGE', description: 'Forbidden' }] })).fetch,
    );
    const problem = problemOf(await adapter.listTokens());
    expect(problem).toMatchObject({ kind: 'forbidden', status: 403, transient: false, detail: 'Forbidden' });
    expect(problem.nextStep).toContain('Read Volume Purchasing Locations');
  });

  it('404 on the list: not found, check the address', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), json(404, { httpStatus: 404, errors: [] })).fetch);
    const problem = problemOf(await adapter.listTokens());
    expect(problem).toMatchObject({ kind: 'not-found', status: 404 });
    expect(problem.nextStep).toContain('server address');
  });

  it('429 with Retry-After: waits as asked, tells onRetry, then succeeds', async () => {
    const jamf = scriptedJamf(tokenReply(), json(429, { httpStatus: 429, errors: [] }, { 'retry-after': '7' }), page([LOCATION]));
    const { adapter, sleeps, retries } = makeAdapter(jamf.fetch);
    expect(valueOf(await adapter.listTokens())).toHaveLength(1);
    expect(sleeps).toEqual([7000]);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 7000 });
    expect(jamf.requests[1]!.headers.Authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(jamf.requests[2]!.headers.Authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('500 that persists: a transient server error after the retries', async () => {
    const jamf = scriptedJamf(tokenReply(), json(500, { httpStatus: 500, errors: [{ description: 'boom' }] }));
    const { adapter, sleeps } = makeAdapter(jamf.fetch);
    const problem = problemOf(await adapter.listTokens());
    expect(problem).toMatchObject({ kind: 'server-error', status: 500, transient: true });
    expect(problem.message).toContain('Jamf Pro');
    expect(sleeps).toHaveLength(3);
    expect(jamf.requests).toHaveLength(5);
  });

  it('a network failure is unreachable, naming the host', async () => {
    const { adapter } = makeAdapter(scriptedJamf(new TypeError('Failed to fetch')).fetch, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const problem = problemOf(await adapter.listTokens());
    expect(problem).toMatchObject({ kind: 'unreachable', transient: true });
    expect(problem.message).toContain('acme.jamfcloud.com');
  });

  it('a hang is a timeout', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), 'hang').fetch, {
      timeoutMs: 20,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const problem = problemOf(await adapter.listTokens());
    expect(problem).toMatchObject({ kind: 'timeout', transient: true });
    expect(problem.message).toContain('Jamf Pro did not answer');
  });

  it('a redirect is not followed', async () => {
    const { adapter } = makeAdapter(
      scriptedJamf(new Response(null, { status: 302, headers: { location: 'https://evil.example/' } })).fetch,
    );
    expect(problemOf(await adapter.listTokens())).toMatchObject({ kind: 'bad-response', status: 302 });
  });
});

describe('JamfProAdapter: renew', () => {
  it('PATCHes the whole file text, trimmed, as merge-patch JSON, and maps the answer', async () => {
    const renewed = { ...LOCATION, tokenExpiration: '2027-03-01T10:20:30.000+0000', lastSyncTime: '2026-01-15T12:00:01.000+0000' };
    const jamf = scriptedJamf(tokenReply(), json(200, renewed));
    const { adapter } = makeAdapter(jamf.fetch);
    const token = valueOf(await adapter.renew('1', `\n  ${TOKEN_TEXT}\r\n`));
    const patch = jamf.requests[1]!;
    expect(patch.method).toBe('PATCH');
    expect(patch.url).toBe('https://acme.jamfcloud.com/api/v1/volume-purchasing-locations/1');
    expect(patch.headers['Content-Type']).toBe('application/merge-patch+json');
    expect(patch.headers.Authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(patch.body).toBe(JSON.stringify({ serviceToken: TOKEN_TEXT }));
    expect(JSON.parse(patch.body)).toEqual({ serviceToken: TOKEN_TEXT });
    expect(patch.url).not.toContain(TOKEN_TEXT);
    expect(token).toMatchObject({ id: '1', expiresAt: '2027-03-01T10:20:30.000Z', state: 'ok' });
  });

  it('keeps inner whitespace and line breaks of the file exactly', async () => {
    const wrapped = `${TOKEN_TEXT.slice(0, 40)}\n${TOKEN_TEXT.slice(40)}`;
    const jamf = scriptedJamf(tokenReply(), json(200, LOCATION));
    const { adapter } = makeAdapter(jamf.fetch);
    valueOf(await adapter.renew('1', `${wrapped}\n`));
    expect(JSON.parse(jamf.requests[1]!.body)).toEqual({ serviceToken: wrapped });
  });

  it('encodes the id in the path', async () => {
    const jamf = scriptedJamf(tokenReply(), json(200, LOCATION));
    const { adapter } = makeAdapter(jamf.fetch);
    valueOf(await adapter.renew('a/b?c', TOKEN_TEXT));
    expect(jamf.requests[1]!.url).toBe('https://acme.jamfcloud.com/api/v1/volume-purchasing-locations/a%2Fb%3Fc');
  });

  it('a 200 with no body or an unreadable one is still a success', async () => {
    for (const reply of [new Response('', { status: 200 }), new Response('ok', { status: 200 }), json(200, { unexpected: true })]) {
      const { adapter } = makeAdapter(scriptedJamf(tokenReply(), reply).fetch);
      expect(valueOf(await adapter.renew('1', TOKEN_TEXT))).toBeUndefined();
    }
  });

  it('an empty file is refused before anything is sent', async () => {
    const jamf = scriptedJamf(tokenReply());
    const { adapter } = makeAdapter(jamf.fetch);
    expect(problemOf(await adapter.renew('1', ' \n '))).toMatchObject({ kind: 'refused' });
    expect(jamf.requests).toHaveLength(0);
  });

  it('400 from Jamf Pro: the file is refused, in its words, with the token text redacted', async () => {
    const jamf = scriptedJamf(
      tokenReply(),
      json(400, {
        httpStatus: 400,
        errors: [{ code: 'INVALID_FIELD', field: 'serviceToken', description: `Invalid service token ${TOKEN_TEXT}`, id: '0' }],
      }),
    );
    const { adapter } = makeAdapter(jamf.fetch);
    const problem = problemOf(await adapter.renew('1', TOKEN_TEXT));
    expect(problem).toMatchObject({ kind: 'refused', status: 400, transient: false });
    expect(problem.message).toContain('Jamf Pro refused the token file');
    expect(problem.message).toContain('Invalid service token');
    expect(problem.nextStep).toContain('newest download');
    expect(words(problem)).not.toContain(TOKEN_TEXT);
    expect(words(problem)).not.toContain(TOKEN_TEXT.slice(0, 40));
    // One try only: a refusal is not transient.
    expect(jamf.requests).toHaveLength(2);
  });

  it('404: the location is gone', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), json(404, { httpStatus: 404, errors: [] })).fetch);
    const problem = problemOf(await adapter.renew('9', TOKEN_TEXT));
    expect(problem).toMatchObject({ kind: 'not-found', status: 404 });
    expect(problem.message).toContain('Jamf Pro');
  });

  it('403: the role lacks Update Volume Purchasing Locations', async () => {
    const { adapter } = makeAdapter(scriptedJamf(tokenReply(), json(403, { httpStatus: 403, errors: [] })).fetch);
    const problem = problemOf(await adapter.renew('1', TOKEN_TEXT));
    expect(problem).toMatchObject({ kind: 'forbidden' });
    expect(problem.nextStep).toContain('Update Volume Purchasing Locations');
  });

  it('a 401 with a cached token retries the PATCH once with a fresh token and the same body', async () => {
    const jamf = scriptedJamf(
      tokenReply(ACCESS_TOKEN),
      page([LOCATION]),
      json(401, { httpStatus: 401, errors: [] }),
      tokenReply(ACCESS_TOKEN_2),
      json(200, LOCATION),
    );
    const { adapter } = makeAdapter(jamf.fetch);
    valueOf(await adapter.listTokens());
    valueOf(await adapter.renew('1', TOKEN_TEXT));
    expect(jamf.requests[2]!.body).toBe(jamf.requests[4]!.body);
    expect(jamf.requests[4]!.headers.Authorization).toBe(`Bearer ${ACCESS_TOKEN_2}`);
  });

  it('a 5xx on the PATCH is never resent blindly: the renewal machine asks Apple about the file first', async () => {
    const jamf = scriptedJamf(tokenReply(), json(503, { httpStatus: 503, errors: [] }), json(200, LOCATION));
    const { adapter } = makeAdapter(jamf.fetch);
    const answer = await adapter.renew('1', TOKEN_TEXT);
    expect(!answer.ok && answer.error).toMatchObject({ kind: 'server-error', status: 503, transient: true });
    expect(jamf.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('a 429 on the PATCH is resent: Jamf Pro says it did not act', async () => {
    const jamf = scriptedJamf(tokenReply(), json(429, { httpStatus: 429, errors: [] }), json(200, LOCATION));
    const { adapter } = makeAdapter(jamf.fetch);
    expect(valueOf(await adapter.renew('1', TOKEN_TEXT))).toMatchObject({ id: '1' });
    expect(jamf.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });
});

describe('JamfProAdapter: redaction', () => {
  it('never shows the client secret, client ID, access token or file text the server echoes', async () => {
    const echo = `bad ${CLIENT_SECRET} for ${CLIENT_ID} with ${ACCESS_TOKEN} and ${TOKEN_TEXT}`;
    const cases: Array<[Reply[], (adapter: JamfProAdapter) => Promise<Result<unknown, MdmProblem>>]> = [
      // The token call, after a first token (which lasts less than the 30 s margin) was issued.
      [
        [tokenReply(ACCESS_TOKEN, 10), page([LOCATION]), json(400, { error: 'invalid_request', error_description: echo })],
        async (a) => (valueOf(await a.listTokens()), a.listTokens()),
      ],
      [[tokenReply(), json(418, { httpStatus: 418, errors: [{ description: echo }] })], (a) => a.listTokens()],
      [[tokenReply(), json(422, { httpStatus: 422, errors: [{ description: echo }] })], (a) => a.renew('1', TOKEN_TEXT)],
      [[tokenReply(), new Response(echo, { status: 409 })], (a) => a.renew('1', TOKEN_TEXT)],
    ];
    for (const [replies, call] of cases) {
      const { adapter } = makeAdapter(scriptedJamf(...replies).fetch);
      const problem = problemOf(await call(adapter));
      const said = words(problem);
      expect(problem.detail ?? problem.message).toContain('bad');
      for (const secret of [CLIENT_SECRET, CLIENT_ID, ACCESS_TOKEN, TOKEN_TEXT]) expect(said).not.toContain(secret);
    }
  });

  it('the secret goes only in the token call body, never in a URL', async () => {
    const jamf = scriptedJamf(tokenReply(), page([LOCATION]), json(200, LOCATION));
    const { adapter } = makeAdapter(jamf.fetch);
    valueOf(await adapter.listTokens());
    valueOf(await adapter.renew('1', TOKEN_TEXT));
    for (const request of jamf.requests) {
      expect(request.url).not.toContain(CLIENT_SECRET);
      expect(request.url).not.toContain(TOKEN_TEXT.slice(0, 20));
    }
    expect(jamf.requests.filter((r) => r.body.includes(encodeURIComponent(CLIENT_SECRET)))).toHaveLength(1);
  });
});

describe('JamfProAdapter: outcome', () => {
  const { adapter } = makeAdapter(scriptedJamf(tokenReply()).fetch);
  const since = new Date(NOW);
  const expected = { expiresAt: '2027-03-01T10:20:30+0000', since };
  const listed: MdmToken = { id: '1', locationName: 'Design Studio', state: 'ok', lastSync: '2026-01-15T12:00:01.000Z' };

  it('done when the listed expiry is the file’s (same second, any offset style)', () => {
    expect(adapter.outcome({ ...listed, expiresAt: '2027-03-01T10:20:30.000Z' }, expected)).toEqual({
      state: 'done',
      lastSync: '2026-01-15T12:00:01.000Z',
      expiresAt: '2027-03-01T10:20:30.000Z',
    });
  });

  it('done when Jamf Pro reports only the date of the expiry', () => {
    expect(adapter.outcome({ ...listed, expiresAt: '2027-03-01T00:00:00.000Z' }, expected).state).toBe('done');
  });

  it('pending while the old expiry is listed, or none', () => {
    expect(adapter.outcome({ ...listed, expiresAt: '2026-04-15T12:00:00.000Z' }, expected)).toEqual({ state: 'pending' });
    expect(adapter.outcome({ ...listed, expiresAt: '2027-03-01T10:20:00.000Z' }, expected)).toEqual({ state: 'pending' });
    expect(adapter.outcome(listed, expected)).toEqual({ state: 'pending' });
  });

  it('failed, in plain words with the reclaim step, when another server uses the location', () => {
    const outcome = adapter.outcome(
      { ...listed, expiresAt: '2027-03-01T10:20:30.000Z', state: 'other-server', stateDetail: OTHER_SERVER_DETAIL },
      expected,
    );
    expect(outcome.state).toBe('failed');
    if (outcome.state !== 'failed') return;
    expect(outcome.problem.message).toContain('in use by another server');
    expect(outcome.problem.message).toContain('Design Studio');
    expect(outcome.problem.nextStep).toBe(RECLAIM_STEP);
    expect(outcome.detail).toBe(OTHER_SERVER_DETAIL);
  });
});
