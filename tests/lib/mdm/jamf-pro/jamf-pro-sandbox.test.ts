// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest';
import { JamfProAdapter } from '../../../../lib/mdm/jamf-pro';
import {
  JAMF_CLIENT_ID,
  JAMF_CLIENT_SECRET,
  JAMF_HOST,
  JAMF_REFUSALS,
  addJamfLocation,
  createJamfProState,
  handleJamfPro,
  type JamfProState,
} from '../../../sandbox/jamf-pro.mjs';
import { DAY_MS, createSeedState, issueToken, latestToken, parseAppleDate, type SandboxState } from '../../../sandbox/world.mjs';

type Reply = Exclude<ReturnType<typeof handleJamfPro>, 'hang'>;

let world: SandboxState;
let state: JamfProState;

beforeEach(() => {
  world = createSeedState();
  state = createJamfProState(world);
});

function call(method: string, path: string, { headers = {}, body = '' }: { headers?: Record<string, string>; body?: string } = {}) {
  return handleJamfPro(
    { world, state },
    { host: JAMF_HOST, method, url: new URL(`https://${JAMF_HOST}${path}`), headers, body },
  );
}
function reply(answer: ReturnType<typeof handleJamfPro>): Reply {
  if (answer === 'hang') throw new Error('unexpected hang');
  return answer;
}
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const credentials = (id = JAMF_CLIENT_ID, secret = JAMF_CLIENT_SECRET) =>
  new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }).toString();

function accessToken(): string {
  const answer = reply(call('POST', '/api/oauth/token', { headers: FORM, body: credentials() }));
  expect(answer.status).toBe(200);
  return (answer.body as { access_token: string }).access_token;
}
const bearer = () => ({ authorization: `Bearer ${accessToken()}` });
const patch = (id: string, text: string, headers: Record<string, string> = { ...bearer(), 'content-type': 'application/merge-patch+json' }) =>
  reply(call('PATCH', `/api/v1/volume-purchasing-locations/${id}`, { headers, body: JSON.stringify({ serviceToken: text }) }));

describe('Jamf Pro stand-in: seed', () => {
  it('holds Design Studio (Apple LOC-1003) with the expiry of Apple’s token, and Lakeside Clinic', () => {
    const [design, lakeside] = state.locations;
    const appleExpiry = parseAppleDate(latestToken(world, 'LOC-1003')!.expDate);
    expect(design).toMatchObject({
      id: '1',
      name: 'Design Studio',
      locationName: 'Design Studio',
      appleId: 'apple-admin@acme.example',
      organizationName: 'Acme Corp',
      clientContextMismatch: false,
      uId: 'LOC-1003',
    });
    expect(Date.parse(design!.tokenExpiration.replace(/\+0000$/, 'Z'))).toBe(appleExpiry);
    expect(Math.round((Date.now() - Date.parse(design!.lastSyncTime.replace(/\+0000$/, 'Z'))) / DAY_MS)).toBe(3);
    expect(lakeside).toMatchObject({ id: '2', name: 'Lakeside Clinic', organizationName: 'Lakeside Health', uId: null });
    expect(JAMF_HOST).toBe('acme.jamfcloud.com');
  });
});

describe('Jamf Pro stand-in: auth', () => {
  it('issues a Bearer token for the right client credentials, lasting accessTokenSeconds', () => {
    const answer = reply(call('POST', '/api/oauth/token', { headers: FORM, body: credentials() }));
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 1200 });
    state.accessTokenSeconds = 40;
    expect(reply(call('POST', '/api/oauth/token', { headers: FORM, body: credentials() })).body).toMatchObject({ expires_in: 40 });
  });

  it('refuses a wrong secret with 401 invalid_client, and a JSON body with 400', () => {
    expect(reply(call('POST', '/api/oauth/token', { headers: FORM, body: credentials(JAMF_CLIENT_ID, 'nope') }))).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(
      reply(call('POST', '/api/oauth/token', { headers: { 'content-type': 'application/json' }, body: '{}' })).status,
    ).toBe(400);
  });

  it('refuses a missing, unknown or expired bearer token with 401', () => {
    expect(reply(call('GET', '/api/v1/volume-purchasing-locations')).status).toBe(401);
    expect(reply(call('GET', '/api/v1/volume-purchasing-locations', { headers: { authorization: 'Bearer made-up' } })).status).toBe(401);
    const token = accessToken();
    state.accessTokens[token]!.expiresAt = Date.now() - 1;
    expect(reply(call('GET', '/api/v1/volume-purchasing-locations', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});

describe('Jamf Pro stand-in: list', () => {
  it('lists by page with totalCount, without the sandbox’s private link to Apple', () => {
    for (let i = 0; i < 3; i++) addJamfLocation(state);
    const headers = bearer();
    const first = reply(call('GET', '/api/v1/volume-purchasing-locations?page=0&page-size=2', { headers }));
    const third = reply(call('GET', '/api/v1/volume-purchasing-locations?page=2&page-size=2', { headers }));
    expect(first.body).toMatchObject({ totalCount: 5, results: [{ id: '1' }, { id: '2' }] });
    expect(third.body).toMatchObject({ totalCount: 5, results: [{ id: '5' }] });
    expect((first.body as { results: object[] }).results[0]).not.toHaveProperty('uId');
    expect(reply(call('GET', '/api/v1/volume-purchasing-locations?page-size=0', { headers })).status).toBe(400);
  });
});

describe('Jamf Pro stand-in: renew', () => {
  it('a valid file for the location: new expiry and last sync, upload recorded with its auth', () => {
    const text = issueToken(world, 'LOC-1003');
    const headers = { ...bearer(), 'content-type': 'application/merge-patch+json' };
    const answer = patch('1', text, headers);
    expect(answer.status).toBe(200);
    const expDate = latestToken(world, 'LOC-1003')!.expDate;
    expect(Date.parse((answer.body as { tokenExpiration: string }).tokenExpiration.replace(/\+0000$/, 'Z'))).toBe(parseAppleDate(expDate));
    expect(answer.body).not.toHaveProperty('uId');
    expect(state.uploads).toEqual([{ tokenId: '1', text, at: expect.any(Number), auth: headers.authorization }]);
  });

  it('requires application/merge-patch+json (415 otherwise)', () => {
    const text = issueToken(world, 'LOC-1003');
    expect(patch('1', text, { ...bearer(), 'content-type': 'application/json' }).status).toBe(415);
    expect(state.uploads).toHaveLength(0);
  });

  it.each([
    ['an unknown file', () => btoa(JSON.stringify({ token: 'nope', expDate: '2030-01-01T00:00:00+0000', orgName: 'X' })), JAMF_REFUSALS.unknown],
    ['a revoked file', () => { const old = issueToken(world, 'LOC-1003'); issueToken(world, 'LOC-1003'); return old; }, JAMF_REFUSALS.revoked],
    ['an expired file', () => issueToken(world, 'LOC-1003', { expiresAt: Date.now() - DAY_MS }), JAMF_REFUSALS.expired],
    ['a file for another Apple location', () => issueToken(world, 'LOC-1001'), JAMF_REFUSALS.otherLocation],
  ])('refuses %s with 400 and records nothing', (_name, file, words) => {
    const before = state.locations[0]!.tokenExpiration;
    const answer = patch('1', file());
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ httpStatus: 400, errors: [{ field: 'serviceToken', description: words }] });
    expect(state.locations[0]!.tokenExpiration).toBe(before);
    expect(state.uploads).toHaveLength(0);
  });

  it('an unknown id is 404', () => {
    expect(patch('99', issueToken(world, 'LOC-1003')).status).toBe(404);
  });
});

describe('Jamf Pro stand-in: faults', () => {
  it('answers a scheduled fault before checking auth, per route, then recovers', () => {
    state.faults.push({ route: 'list', status: 429, times: 1, retryAfter: 3 }, { route: 'renew', hang: true, times: 1 });
    const headers = bearer();
    expect(reply(call('GET', '/api/v1/volume-purchasing-locations'))).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
    expect(reply(call('GET', '/api/v1/volume-purchasing-locations', { headers })).status).toBe(200);
    expect(call('PATCH', '/api/v1/volume-purchasing-locations/1', { headers, body: '{}' })).toBe('hang');
    state.faults.push({ route: 'token', status: 401, times: 1 });
    expect(reply(call('POST', '/api/oauth/token', { headers: FORM, body: credentials() }))).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
  });
});

describe('JamfProAdapter against the stand-in', () => {
  /** fetch, answered by handleJamfPro; only acme.jamfcloud.com is served. */
  function sandboxFetch(requests: Array<{ url: string; method: string }>): typeof fetch {
    return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(String(input));
      requests.push({ url: url.href, method: init.method ?? 'GET' });
      if (url.host !== JAMF_HOST) return new Response('wrong host', { status: 421 });
      const answer = handleJamfPro(
        { world, state },
        { host: url.host, method: init.method ?? 'GET', url, headers: { ...(init.headers as Record<string, string>) }, body: String(init.body ?? '') },
      );
      if (answer === 'hang') return new Promise<Response>(() => undefined);
      const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      return new Response(body, { status: answer.status, headers: answer.headers });
    }) as typeof fetch;
  }
  const adapterFor = (requests: Array<{ url: string; method: string }>, overrides = {}) =>
    new JamfProAdapter({
      serverUrl: `https://${JAMF_HOST}`,
      clientId: JAMF_CLIENT_ID,
      clientSecret: JAMF_CLIENT_SECRET,
      fetch: sandboxFetch(requests),
      sleep: async () => undefined,
      ...overrides,
    });

  it('lists, renews Design Studio with a fresh file, and reads the outcome as done', async () => {
    const requests: Array<{ url: string; method: string }> = [];
    const adapter = adapterFor(requests);
    const listed = await adapter.listTokens();
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.map((t) => [t.id, t.locationName, t.orgName, t.state])).toEqual([
      ['1', 'Design Studio', 'Acme Corp', 'ok'],
      ['2', 'Lakeside Clinic', 'Lakeside Health', 'ok'],
    ]);
    const text = issueToken(world, 'LOC-1003');
    const renewed = await adapter.renew('1', `${text}\n`);
    if (!renewed.ok) throw new Error(renewed.error.message);
    expect(state.uploads.map((u) => u.text)).toEqual([text]);
    const after = await adapter.listTokens();
    if (!after.ok) throw new Error(after.error.message);
    const design = after.value.find((t) => t.id === '1')!;
    expect(adapter.outcome(design, { expiresAt: latestToken(world, 'LOC-1003')!.expDate, since: new Date() })).toMatchObject({ state: 'done' });
    // One token for all of it.
    expect(requests.filter((r) => r.url.endsWith('/api/oauth/token'))).toHaveLength(1);
  });

  it('reads many locations across pages', async () => {
    for (let i = 0; i < 150; i++) addJamfLocation(state);
    const listed = await adapterFor([]).listTokens();
    expect(listed.ok && listed.value.length).toBe(152);
  });

  it('refreshes an access token that expires within 30 s, and survives a dropped token', async () => {
    state.accessTokenSeconds = 20;
    const requests: Array<{ url: string; method: string }> = [];
    const adapter = adapterFor(requests);
    await adapter.listTokens();
    await adapter.listTokens();
    expect(requests.filter((r) => r.url.endsWith('/api/oauth/token'))).toHaveLength(2);
    state.accessTokenSeconds = 1200;
    await adapter.listTokens();
    for (const key of Object.keys(state.accessTokens)) delete state.accessTokens[key];
    const listed = await adapter.listTokens();
    expect(listed.ok).toBe(true);
    expect(requests.filter((r) => r.url.endsWith('/api/oauth/token'))).toHaveLength(4);
  });

  it('a refused file is a refused problem in Jamf Pro’s words, without the file text', async () => {
    const text = issueToken(world, 'LOC-1001');
    const renewed = await adapterFor([]).renew('1', text);
    expect(renewed.ok).toBe(false);
    if (renewed.ok) return;
    expect(renewed.error.kind).toBe('refused');
    expect(renewed.error.message).toContain(JAMF_REFUSALS.otherLocation);
    expect(JSON.stringify(renewed.error)).not.toContain(text);
  });

  it('a wrong secret: "did not accept the API client ID and secret"', async () => {
    const listed = await adapterFor([], { clientSecret: 'wrong' }).listTokens();
    expect(!listed.ok && listed.error.message).toBe('Jamf Pro did not accept the API client ID and secret.');
  });

  it('clientContextMismatch: other-server, and the outcome fails', async () => {
    state.locations[0]!.clientContextMismatch = true;
    const adapter = adapterFor([]);
    const listed = await adapter.listTokens();
    if (!listed.ok) throw new Error(listed.error.message);
    const design = listed.value[0]!;
    expect(design.state).toBe('other-server');
    expect(adapter.outcome(design, { expiresAt: design.expiresAt!, since: new Date() }).state).toBe('failed');
  });

  it('reclaim: POSTs …/{id}/reclaim (Jamf answers 202, no body); the location is this server\'s again', async () => {
    state.locations[0]!.clientContextMismatch = true;
    const requests: Array<{ url: string; method: string }> = [];
    const adapter = adapterFor(requests);
    const reclaimed = await adapter.reclaim('1');
    expect(reclaimed.ok).toBe(true);
    expect(requests.filter((r) => r.method === 'POST' && r.url.endsWith('/reclaim')).map((r) => r.url)).toEqual([
      `https://${JAMF_HOST}/api/v1/volume-purchasing-locations/1/reclaim`,
    ]);
    expect(state.reclaims.map((r) => r.id)).toEqual(['1']);
    const listed = await adapter.listTokens();
    expect(listed.ok && listed.value[0]!.state).not.toBe('other-server');
  });
});
