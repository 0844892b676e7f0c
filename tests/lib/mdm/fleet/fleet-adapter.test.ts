import { describe, expect, it, vi } from 'vitest';
import {
  FLEET_PREMIUM_MESSAGE,
  FLEET_TOKEN_FILE_NAME,
  FleetAdapter,
  type FleetAdapterConfig,
} from '../../../../lib/mdm/fleet';
import * as fleetModule from '../../../../lib/mdm/fleet';
import type { MdmProblem, MdmToken } from '../../../../lib/mdm/mdm-adapter';
import type { Result } from '../../../../lib/result';

const SERVER = 'https://fleet.acme-corp.net';
const API_TOKEN = 'fleet-api-token-Zq81mXr7Pw02LkT5Vb9n';
const NOW = Date.parse('2026-03-01T12:00:00Z');
// A well-formed .vpptoken text (base64 of {token, expDate, orgName}).
const TOKEN_TEXT = btoa(
  JSON.stringify({
    token: 'VGhpcyBpcyBhIHRlc3Qgb3JnYW5pc2F0aW9uYWwgdW5pdCBpZGVudGlmaWVy',
    expDate: '2027-02-28T09:15:00+0000',
    orgName: 'Acme Corp',
  }),
);

interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: BodyInit | null | undefined;
  init: RequestInit;
}

type Reply = Response | Error | ((request: RecordedRequest) => Response | Promise<Response>);

/** A scripted Fleet: each request takes the next reply; the last one repeats. */
function scriptedFleet(...replies: Reply[]) {
  const requests: RecordedRequest[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const request: RecordedRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body,
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
const fleetError = (status: number, reason: string, message = reason) => json(status, { message, errors: [{ name: 'base', reason }] });

const WIRE_TOKEN = {
  id: 7,
  org_name: 'Acme Corp',
  location: 'Satellite Office',
  renew_date: '2026-12-27T09:15:00Z',
  terms_expired: false,
  teams: [{ team_id: 1, name: 'Workstations' }],
};

function makeAdapter(fetchImpl: typeof fetch, overrides: Partial<FleetAdapterConfig> = {}) {
  const sleeps: number[] = [];
  const retries: Array<{ attempt: number; delayMs: number; reason: string }> = [];
  const adapter = new FleetAdapter({
    serverUrl: SERVER,
    apiToken: API_TOKEN,
    fetch: fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => NOW,
    onRetry: (notice) => retries.push(notice),
    ...overrides,
  });
  return { adapter, sleeps, retries };
}

function problemOf(result: Result<unknown, MdmProblem>): MdmProblem {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a problem');
  return result.error;
}

function valueOf<T>(result: Result<T, MdmProblem>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

/** Both calls, so mapping rules can be checked for each. */
const CALLS: Record<'list' | 'renew', (adapter: FleetAdapter) => Promise<Result<unknown, MdmProblem>>> = {
  list: (adapter) => adapter.listTokens(),
  renew: (adapter) => adapter.renew('7', TOKEN_TEXT),
};
const SUCCESS = {
  list: () => json(200, { vpp_tokens: [WIRE_TOKEN] }),
  renew: () => json(200, { vpp_token: WIRE_TOKEN }),
};
const CALL_NAMES = Object.keys(CALLS) as Array<keyof typeof CALLS>;

describe('FleetAdapter: what it is', () => {
  it('writes through the API, matches by name, and offers no sync', () => {
    const { adapter } = makeAdapter(scriptedFleet(json(200, {})).fetch);
    expect(adapter.kind).toBe('fleet');
    expect(adapter.writes).toBe('api');
    expect(adapter.matchesBy).toBe('name');
    expect('sync' in adapter).toBe(false);
    expect(fleetModule.FleetAdapter).toBe(FleetAdapter);
  });
});

describe('FleetAdapter.listTokens: request shaping', () => {
  it('GETs /api/v1/fleet/vpp_tokens with the API token as Bearer, no body, no redirects, no cookies', async () => {
    const { fetch, requests } = scriptedFleet(SUCCESS.list());
    const { adapter } = makeAdapter(fetch);
    valueOf(await adapter.listTokens());
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe('https://fleet.acme-corp.net/api/v1/fleet/vpp_tokens');
    expect(request!.headers).toEqual({ Authorization: `Bearer ${API_TOKEN}`, Accept: 'application/json' });
    expect(request!.body).toBeUndefined();
    expect(request!.init.redirect).toBe('manual');
    expect(request!.init.credentials).toBe('omit');
  });

  it('keeps a path prefix and drops a trailing slash of the server address; a bare host name gets https', async () => {
    for (const [serverUrl, expected] of [
      ['https://mdm.example.org/fleet/', 'https://mdm.example.org/fleet/api/v1/fleet/vpp_tokens'],
      ['fleet.acme-corp.net', 'https://fleet.acme-corp.net/api/v1/fleet/vpp_tokens'],
    ] as const) {
      const { fetch, requests } = scriptedFleet(SUCCESS.list());
      const { adapter } = makeAdapter(fetch, { serverUrl });
      valueOf(await adapter.listTokens());
      expect(requests[0]!.url).toBe(expected);
    }
  });

  it('sends nothing when the server address is not https or the API token is empty', async () => {
    for (const overrides of [{ serverUrl: 'http://fleet.acme-corp.net' }, { serverUrl: 'https://user:pw@fleet.acme-corp.net' }, { apiToken: '  ' }]) {
      const { fetch, requests } = scriptedFleet(SUCCESS.list());
      const { adapter } = makeAdapter(fetch, overrides);
      const problem = problemOf(await adapter.listTokens());
      expect(problem.kind).toBe('bad-settings');
      expect(problem.message).toContain('Fleet');
      expect(problem.nextStep).toContain('Options');
      expect(requests).toHaveLength(0);
    }
  });
});

describe('FleetAdapter.listTokens: mapping', () => {
  it('maps id, location, org name and renew date (the expiry); no Apple ID, no last sync', async () => {
    const { adapter } = makeAdapter(scriptedFleet(SUCCESS.list()).fetch);
    expect(valueOf(await adapter.listTokens())).toEqual<MdmToken[]>([
      { id: '7', locationName: 'Satellite Office', orgName: 'Acme Corp', expiresAt: '2026-12-27T09:15:00.000Z', state: 'ok' },
    ]);
  });

  it('judges by date: past the renew date is expired; no readable date is unknown', async () => {
    const tokens = [
      { ...WIRE_TOKEN, id: 1, renew_date: '2026-02-28T12:00:00Z' },
      { ...WIRE_TOKEN, id: 2, renew_date: '2026-03-01T12:00:00Z' },
      { ...WIRE_TOKEN, id: 3, renew_date: '2026-03-01T12:00:01Z' },
      { ...WIRE_TOKEN, id: 4, renew_date: null },
      { ...WIRE_TOKEN, id: 5, renew_date: 'next year' },
    ];
    const { adapter } = makeAdapter(scriptedFleet(json(200, { vpp_tokens: tokens })).fetch);
    expect(valueOf(await adapter.listTokens()).map((token) => [token.id, token.state])).toEqual([
      ['1', 'expired'],
      ['2', 'expired'],
      ['3', 'ok'],
      ['4', 'unknown'],
      ['5', 'unknown'],
    ]);
  });

  it("tolerates a bare array, vpp_tokens: null, string ids, the docs' other team shapes and unknown fields", async () => {
    const bare = makeAdapter(scriptedFleet(json(200, [{ ...WIRE_TOKEN, id: '12', teams: [1, 2], extra: { x: 1 } }])).fetch);
    expect(valueOf(await bare.adapter.listTokens()).map((token) => token.id)).toEqual(['12']);
    const none = makeAdapter(scriptedFleet(json(200, { vpp_tokens: null })).fetch);
    expect(valueOf(await none.adapter.listTokens())).toEqual([]);
    const empty = makeAdapter(scriptedFleet(json(200, { vpp_tokens: [] })).fetch);
    expect(valueOf(await empty.adapter.listTokens())).toEqual([]);
    const minimal = makeAdapter(scriptedFleet(json(200, { vpp_tokens: [{ id: 3, teams: null }] })).fetch);
    expect(valueOf(await minimal.adapter.listTokens())).toEqual([{ id: '3', state: 'unknown' }]);
  });

  it("says when Fleet reports Apple's terms as expired", async () => {
    const { adapter } = makeAdapter(scriptedFleet(json(200, { vpp_tokens: [{ ...WIRE_TOKEN, terms_expired: true }] })).fetch);
    const [token] = valueOf(await adapter.listTokens());
    expect(token!.stateDetail).toMatch(/terms and conditions/);
  });

  it('answers bad-response for a shape Fleet does not document, or a body that is not JSON', async () => {
    for (const reply of [
      json(200, { vpp_tokens: [{ org_name: 'no id' }] }),
      json(200, { tokens: [] }),
      json(200, { vpp_tokens: [{ ...WIRE_TOKEN, id: -1 }] }),
      new Response('<html>login</html>', { status: 200 }),
    ]) {
      const { adapter } = makeAdapter(scriptedFleet(reply).fetch);
      const problem = problemOf(await adapter.listTokens());
      expect(problem.kind).toBe('bad-response');
      expect(problem.message).toContain('Fleet');
      expect(problem.transient).toBe(false);
    }
  });

  it('needs no paging: Fleet lists every token in one answer', async () => {
    const tokens = Array.from({ length: 150 }, (_, index) => ({ ...WIRE_TOKEN, id: index + 1 }));
    const { fetch, requests } = scriptedFleet(json(200, { vpp_tokens: tokens }));
    const { adapter } = makeAdapter(fetch);
    expect(valueOf(await adapter.listTokens())).toHaveLength(150);
    expect(requests).toHaveLength(1);
  });
});

describe('FleetAdapter.renew: request shaping', () => {
  it('PATCHes /vpp_tokens/{id}/renew as multipart/form-data with one file field "token" holding the trimmed file text', async () => {
    const { fetch, requests } = scriptedFleet(SUCCESS.renew());
    const { adapter } = makeAdapter(fetch);
    valueOf(await adapter.renew('7', `\n  ${TOKEN_TEXT}\r\n`));
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.method).toBe('PATCH');
    expect(request!.url).toBe('https://fleet.acme-corp.net/api/v1/fleet/vpp_tokens/7/renew');
    // No Content-Type of our own: fetch writes multipart/form-data with its boundary.
    expect(request!.headers).toEqual({ Authorization: `Bearer ${API_TOKEN}`, Accept: 'application/json' });
    expect(request!.body).toBeInstanceOf(FormData);
    const form = request!.body as FormData;
    expect([...form.keys()]).toEqual(['token']);
    const file = form.get('token') as File;
    expect(file).toBeInstanceOf(Blob);
    expect(file.name).toBe(FLEET_TOKEN_FILE_NAME);
    expect(file.type).toBe('application/octet-stream');
    expect(await file.text()).toBe(TOKEN_TEXT);
  });

  it('is multipart on the wire: the part is named "token", carries a file name, and holds the text exactly', async () => {
    const { fetch, requests } = scriptedFleet(SUCCESS.renew());
    const { adapter } = makeAdapter(fetch);
    valueOf(await adapter.renew('7', TOKEN_TEXT));
    const wire = new Request(requests[0]!.url, { method: 'PATCH', body: requests[0]!.body as FormData });
    const contentType = wire.headers.get('content-type') ?? '';
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const boundary = contentType.split('boundary=')[1]!;
    const body = await wire.text();
    expect(body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="token"; filename="${FLEET_TOKEN_FILE_NAME}"\r\nContent-Type: application/octet-stream\r\n\r\n${TOKEN_TEXT}\r\n--${boundary}--`);
  });

  it('returns the token Fleet answers with, mapped; a 200 it cannot read still counts as sent', async () => {
    const renewed = { ...WIRE_TOKEN, renew_date: '2027-02-28T09:15:00Z' };
    const { adapter } = makeAdapter(scriptedFleet(json(200, { vpp_token: renewed })).fetch);
    expect(valueOf(await adapter.renew('7', TOKEN_TEXT))).toEqual<MdmToken>({
      id: '7',
      locationName: 'Satellite Office',
      orgName: 'Acme Corp',
      expiresAt: '2027-02-28T09:15:00.000Z',
      state: 'ok',
    });
    const bare = makeAdapter(scriptedFleet(json(200, renewed)).fetch);
    expect(valueOf(await bare.adapter.renew('7', TOKEN_TEXT))?.expiresAt).toBe('2027-02-28T09:15:00.000Z');
    for (const reply of [new Response('', { status: 200 }), json(200, { ok: true })]) {
      const odd = makeAdapter(scriptedFleet(reply).fetch);
      expect(valueOf(await odd.adapter.renew('7', TOKEN_TEXT))).toBeUndefined();
    }
  });

  it('sends nothing for an id Fleet cannot have or an empty file', async () => {
    for (const [id, text, kind] of [
      ['7/../../users', TOKEN_TEXT, 'not-found'],
      ['', TOKEN_TEXT, 'not-found'],
      ['abc', TOKEN_TEXT, 'not-found'],
      ['7', ' \n ', 'refused'],
    ] as const) {
      const { fetch, requests } = scriptedFleet(SUCCESS.renew());
      const { adapter } = makeAdapter(fetch);
      const problem = problemOf(await adapter.renew(id, text));
      expect(problem.kind).toBe(kind);
      expect(problem.message).toContain('Fleet');
      expect(requests).toHaveLength(0);
    }
  });

  it('maps a refused file (400, 409, 422) to refused, with Fleet\'s words and what to do', async () => {
    for (const status of [400, 409, 422]) {
      const { adapter } = makeAdapter(
        scriptedFleet(fleetError(status, 'Invalid token. Please provide a valid content token from Apple Business Manager.', 'Validation Failed')).fetch,
      );
      const problem = problemOf(await adapter.renew('7', TOKEN_TEXT));
      expect(problem).toMatchObject({ kind: 'refused', status, transient: false });
      expect(problem.message).toContain(`Fleet refused the token file (HTTP ${status}).`);
      expect(problem.message).toContain('Please provide a valid content token');
      expect(problem.detail).toContain('Validation Failed');
      expect(problem.nextStep).toMatch(/newest one Apple Business Manager/);
    }
  });
});

describe('FleetAdapter: error mapping, for both calls', () => {
  for (const call of CALL_NAMES) {
    describe(call, () => {
      it('402: Fleet Free, in plain words, not retried', async () => {
        const { fetch, requests } = scriptedFleet(fleetError(402, 'Requires Fleet Premium license'));
        const { adapter, sleeps } = makeAdapter(fetch);
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem).toMatchObject({ kind: 'needs-premium', status: 402, transient: false, message: FLEET_PREMIUM_MESSAGE });
        expect(problem.detail).toBe('Requires Fleet Premium license');
        expect(problem.nextStep).toMatch(/Fleet Premium/);
        expect(problem.nextStep).toMatch(/remove this connection/);
        expect(requests).toHaveLength(1);
        expect(sleeps).toEqual([]);
      });

      it('401: the API token, with how to get one that lasts', async () => {
        const { fetch, requests } = scriptedFleet(fleetError(401, 'Authentication required'));
        const { adapter } = makeAdapter(fetch);
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem).toMatchObject({ kind: 'unauthorized', status: 401, transient: false, detail: 'Authentication required' });
        expect(problem.message).toMatch(/^Fleet did not accept this connection's API token while /);
        expect(problem.nextStep).toMatch(/API-only user/);
        expect(requests).toHaveLength(1);
      });

      it("403: the user's role", async () => {
        const { adapter } = makeAdapter(scriptedFleet(fleetError(403, 'forbidden', 'Permission Denied')).fetch);
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem).toMatchObject({ kind: 'forbidden', status: 403, transient: false });
        expect(problem.message).toContain('Fleet accepted the API token');
        expect(problem.nextStep).toMatch(/global Admin role/);
      });

      it('404: not found', async () => {
        const { adapter } = makeAdapter(scriptedFleet(fleetError(404, 'vpp_token 7 was not found in the datastore', 'Resource Not Found')).fetch);
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem).toMatchObject({ kind: 'not-found', status: 404, transient: false });
        expect(problem.detail).toContain('Resource Not Found');
      });

      it('429 with Retry-After: waits as asked, then succeeds', async () => {
        const { fetch, requests } = scriptedFleet(json(429, { message: 'too many requests' }, { 'retry-after': '3' }), SUCCESS[call]());
        const { adapter, sleeps, retries } = makeAdapter(fetch);
        valueOf(await CALLS[call](adapter));
        expect(requests).toHaveLength(2);
        expect(sleeps).toEqual([3000]);
        expect(retries).toHaveLength(1);
        expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 3000 });
        expect(retries[0]!.reason).toMatch(/too many requests/);
        // Each attempt sends the whole request again, auth and file included.
        expect(requests[1]!.headers.Authorization).toBe(`Bearer ${API_TOKEN}`);
        if (call === 'renew') expect(await ((requests[1]!.body as FormData).get('token') as File).text()).toBe(TOKEN_TEXT);
      }, 10_000);

      it('500: a server error that names Fleet; the list is retried, the renew never resent blindly', async () => {
        const { fetch, requests } = scriptedFleet(fleetError(500, 'internal error'));
        const { adapter, sleeps } = makeAdapter(fetch);
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem).toMatchObject({ kind: 'server-error', status: 500, transient: true });
        expect(problem.message).toContain('Fleet had a problem on its side (HTTP 500)');
        expect(requests).toHaveLength(call === 'renew' ? 1 : 4);
        expect(sleeps).toHaveLength(call === 'renew' ? 0 : 3);
      });

      it('a hang: times out, retried, then timeout', async () => {
        const hang = (request: RecordedRequest) =>
          new Promise<Response>((_, reject) => {
            request.init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          });
        const { fetch, requests } = scriptedFleet(hang);
        const { adapter } = makeAdapter(fetch, { timeoutMs: 20, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem).toMatchObject({ kind: 'timeout', transient: true });
        expect(problem.message).toMatch(/^Fleet did not answer within/);
        // A renew that got no answer may have landed: it is not resent.
        expect(requests).toHaveLength(call === 'renew' ? 1 : 2);
      });

      it('a network failure: unreachable, naming the host', async () => {
        const { adapter } = makeAdapter(scriptedFleet(new TypeError('fetch failed')).fetch, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem).toMatchObject({ kind: 'unreachable', transient: true });
        expect(problem.message).toContain('fleet.acme-corp.net');
      });

      it('a redirect: stops rather than send the API token elsewhere', async () => {
        const { fetch, requests } = scriptedFleet(new Response(null, { status: 302, headers: { location: 'https://evil.example/' } }));
        const { adapter } = makeAdapter(fetch);
        const problem = problemOf(await CALLS[call](adapter));
        expect(problem.kind).toBe('bad-response');
        expect(requests).toHaveLength(1);
        expect(requests.every((request) => request.url.startsWith(`${SERVER}/`))).toBe(true);
      });
    });
  }
});

describe('FleetAdapter: secrets stay out of messages, details and URLs', () => {
  it("redacts the file text and the API token from Fleet's echoed words", async () => {
    const echo = fleetError(422, `Invalid token ${TOKEN_TEXT} sent with ${API_TOKEN}`, `bad ${API_TOKEN}`);
    const { fetch, requests } = scriptedFleet(echo);
    const { adapter } = makeAdapter(fetch);
    const problem = problemOf(await adapter.renew('7', `  ${TOKEN_TEXT}\n`));
    const shown = JSON.stringify(problem);
    expect(shown).not.toContain(TOKEN_TEXT);
    expect(shown).not.toContain(TOKEN_TEXT.slice(0, 40));
    expect(shown).not.toContain(API_TOKEN);
    expect(problem.message).toContain('Invalid token');
    expect(requests[0]!.url).not.toContain(TOKEN_TEXT.slice(0, 20));
    expect(requests[0]!.url).not.toContain(API_TOKEN);
  });

  it('redacts the API token from a list error and from retry notices', async () => {
    const { fetch } = scriptedFleet(fleetError(503, `upstream refused ${API_TOKEN}`));
    const { adapter, retries } = makeAdapter(fetch);
    const problem = problemOf(await adapter.listTokens());
    expect(JSON.stringify(problem)).not.toContain(API_TOKEN);
    expect(JSON.stringify(retries)).not.toContain(API_TOKEN);
    expect(retries.length).toBeGreaterThan(0);
  });

  it('never puts a secret in a mapped token', async () => {
    const { adapter } = makeAdapter(scriptedFleet(json(200, { vpp_tokens: [{ ...WIRE_TOKEN, location: `Satellite ${TOKEN_TEXT}` }] })).fetch);
    const [token] = valueOf(await adapter.listTokens());
    // The location is Fleet's own text; the adapter never adds the token or the credential to it.
    expect(JSON.stringify(token)).not.toContain(API_TOKEN);
  });
});

describe('FleetAdapter.outcome', () => {
  const token = (expiresAt?: string): MdmToken => ({ id: '7', state: 'ok', ...(expiresAt ? { expiresAt } : {}) });
  const since = new Date(NOW);
  const { adapter } = makeAdapter(scriptedFleet(json(200, {})).fetch);

  it("done when the renew date is the file's expiry, to the second or to the day", () => {
    expect(adapter.outcome(token('2027-02-28T09:15:00.000Z'), { expiresAt: '2027-02-28T09:15:00+0000', since })).toEqual({
      state: 'done',
      expiresAt: '2027-02-28T09:15:00.000Z',
    });
    expect(adapter.outcome(token('2027-02-28T00:00:00.000Z'), { expiresAt: '2027-02-28T09:15:00+0000', since }).state).toBe('done');
  });

  it('pending while the list still shows another date, or none', () => {
    expect(adapter.outcome(token('2026-12-27T09:15:00.000Z'), { expiresAt: '2027-02-28T09:15:00+0000', since })).toEqual({ state: 'pending' });
    expect(adapter.outcome(token(), { expiresAt: '2027-02-28T09:15:00+0000', since })).toEqual({ state: 'pending' });
  });
});
