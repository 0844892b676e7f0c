import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  INTUNE_CLIENT_ID,
  INTUNE_TENANT_ID,
  MS_GRAPH_HOST,
  MS_LOGIN_HOST,
  PKCE_MISMATCH,
  createIntuneState,
  handleIntune,
} from '../../../sandbox/microsoft.mjs';
import { createSeedState, issueToken } from '../../../sandbox/world.mjs';

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const VERIFIER = 'v'.repeat(20) + '-._~' + 'A1'.repeat(20);
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

function setup() {
  const world = createSeedState();
  const state = createIntuneState(world);
  const context = { world, state };
  const send = (host: string, method: string, url: string, { headers = {}, body = '' }: { headers?: Record<string, string>; body?: string } = {}) =>
    handleIntune(context, { host, method, url: new URL(url), headers, body }) as Reply | 'hang';
  const authorize = (overrides: Record<string, string> = {}) => {
    const params = new URLSearchParams({
      client_id: INTUNE_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT,
      response_mode: 'query',
      scope: 'https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All offline_access',
      state: 'st-1',
      code_challenge: challengeOf(VERIFIER),
      code_challenge_method: 'S256',
      ...overrides,
    });
    return send(MS_LOGIN_HOST, 'GET', `https://${MS_LOGIN_HOST}/${INTUNE_TENANT_ID}/oauth2/v2.0/authorize?${params}`) as Reply;
  };
  const tokenCall = (fields: Record<string, string>) =>
    send(MS_LOGIN_HOST, 'POST', `https://${MS_LOGIN_HOST}/${INTUNE_TENANT_ID}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'chrome-extension://abc' },
      body: new URLSearchParams({ client_id: INTUNE_CLIENT_ID, ...fields }).toString(),
    }) as Reply;
  const signIn = () => {
    const code = new URL(authorize().headers!.location!).searchParams.get('code')!;
    const reply = tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER });
    return reply.body as { access_token: string; refresh_token: string; expires_in: number };
  };
  const graph = (method: string, path: string, accessToken: string, body?: unknown) =>
    send(MS_GRAPH_HOST, method, `https://${MS_GRAPH_HOST}${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? '' : JSON.stringify(body),
    }) as Reply;
  return { world, state, send, authorize, tokenCall, signIn, graph };
}

describe('Microsoft sandbox: sign-in', () => {
  it('redirects with a code and the state, and redeems it once with the right PKCE verifier', () => {
    const { state, authorize, tokenCall } = setup();
    const reply = authorize();
    expect(reply.status).toBe(302);
    const location = new URL(reply.headers!.location!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-1');
    const code = location.searchParams.get('code')!;
    expect(state.redirectUris).toEqual([REDIRECT]);

    const tokens = tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(state.signIns.at(-1)).toMatchObject({ endpoint: 'token', ok: true, pkceMatched: true, origin: 'chrome-extension://abc' });

    const again = tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a verifier that does not match the challenge', () => {
    const { state, authorize, tokenCall } = setup();
    const code = new URL(authorize().headers!.location!).searchParams.get('code')!;
    const reply = tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: 'w'.repeat(43) });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'invalid_grant' });
    expect(String((reply.body as { error_description: string }).error_description)).toContain(PKCE_MISMATCH);
    expect(state.signIns.at(-1)).toMatchObject({ ok: false, pkceMatched: false });
  });

  it('refuses unknown tenants, clients and redirect URIs with an error page, and a missing PKCE challenge by redirect', () => {
    const { send, authorize } = setup();
    expect(send(MS_LOGIN_HOST, 'GET', `https://${MS_LOGIN_HOST}/other-tenant/oauth2/v2.0/authorize?client_id=${INTUNE_CLIENT_ID}`)).toMatchObject({ status: 400 });
    expect(authorize({ client_id: '99999999-2222-3333-4444-555555555555' }).status).toBe(400);
    expect(authorize({ redirect_uri: 'https://evil.example/' }).status).toBe(400);
    expect(authorize({ redirect_uri: 'https://0123abcd.extensions.allizom.org/' }).status).toBe(302);
    const plain = authorize({ code_challenge_method: 'plain' });
    expect(new URL(plain.headers!.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('answers consent_required when told to', () => {
    const { state, authorize } = setup();
    state.authorizeError = true;
    const location = new URL(authorize().headers!.location!);
    expect(location.searchParams.get('error')).toBe('consent_required');
    expect(location.searchParams.get('error_description')).toContain('AADSTS65001');
    expect(location.searchParams.get('state')).toBe('st-1');
  });

  it('refreshes with a known refresh token only', () => {
    const { state, tokenCall, signIn } = setup();
    const first = signIn();
    const refreshed = tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    state.refreshTokens.forEach((token) => (token.revoked = true));
    expect(tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token }).body).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('Microsoft sandbox: Graph', () => {
  it('lists the seeded tokens (beta has locationName) to an issued access token only', () => {
    const { graph, signIn } = setup();
    expect(graph('GET', '/beta/deviceAppManagement/vppTokens', 'nope')).toMatchObject({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } },
    });
    const { access_token } = signIn();
    const reply = graph('GET', '/beta/deviceAppManagement/vppTokens', access_token);
    expect(reply.status).toBe(200);
    const value = (reply.body as { value: Array<Record<string, unknown>> }).value;
    expect(value.map((token) => [token.id, token.locationName, token.organizationName, token.appleId, token.state])).toEqual([
      ['vpp-0001', 'Satellite Office', 'Acme Corp', 'mdm@acme.example', 'valid'],
      ['vpp-0002', 'Main Campus', 'Acme Corp', 'mdm@acme.example', 'valid'],
    ]);
    expect(value[0]).not.toHaveProperty('uId');
    expect(value[0]!.token).toBeNull();
    const v1 = graph('GET', '/v1.0/deviceAppManagement/vppTokens', access_token).body as { value: Array<Record<string, unknown>> };
    expect(v1.value[0]).not.toHaveProperty('locationName');
  });

  it('pages with @odata.nextLink on graph.microsoft.com', () => {
    const { state, graph, signIn } = setup();
    state.pageSize = 1;
    const { access_token } = signIn();
    const first = graph('GET', '/beta/deviceAppManagement/vppTokens', access_token).body as { value: unknown[]; '@odata.nextLink': string };
    expect(first.value).toHaveLength(1);
    const next = new URL(first['@odata.nextLink']);
    expect(next.host).toBe(MS_GRAPH_HOST);
    const second = graph('GET', `${next.pathname}${next.search}`, access_token).body as Record<string, unknown>;
    expect(second.value).toHaveLength(1);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('keeps the uploaded file pending until a sync applies its expiry; the sync shows inProgress once, then completed', () => {
    const { world, state, graph, signIn } = setup();
    const { access_token } = signIn();
    const expiresAt = Date.UTC(2031, 0, 2, 3, 4, 5);
    const file = issueToken(world, 'LOC-3001', { expiresAt });
    const before = state.vppTokens[0]!.expirationDateTime;
    const patched = graph('PATCH', '/v1.0/deviceAppManagement/vppTokens/vpp-0001', access_token, { token: file });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: 'vpp-0001', lastSyncStatus: 'none', expirationDateTime: before });
    expect(state.uploads).toEqual([{ tokenId: 'vpp-0001', text: file, at: expect.any(Number), auth: `Bearer ${access_token}` }]);

    expect(graph('POST', '/v1.0/deviceAppManagement/vppTokens/vpp-0001/syncLicenses', access_token).status).toBe(200);
    const list = () => (graph('GET', '/beta/deviceAppManagement/vppTokens', access_token).body as { value: Array<Record<string, unknown>> }).value[0]!;
    expect(list()).toMatchObject({ lastSyncStatus: 'inProgress', expirationDateTime: '2031-01-02T03:04:05Z' });
    expect(list()).toMatchObject({ lastSyncStatus: 'completed', state: 'valid' });
  });

  it('refuses files Apple does not honour, or for another location (wording assumed)', () => {
    const { world, state, graph, signIn } = setup();
    const { access_token } = signIn();
    const other = issueToken(world, 'LOC-1002');
    const revoked = issueToken(world, 'LOC-3001');
    issueToken(world, 'LOC-3001');
    const expired = issueToken(world, 'LOC-1001', { expiresAt: Date.now() - 1000, revokeOthers: false });
    for (const [id, text, words] of [
      ['vpp-0001', other, 'different location'],
      ['vpp-0001', revoked, 'revoked'],
      ['vpp-0002', expired, 'expired'],
      ['vpp-0001', 'not a token', 'not valid'],
    ] as const) {
      const reply = graph('PATCH', `/v1.0/deviceAppManagement/vppTokens/${id}`, access_token, { token: text });
      expect(reply.status).toBe(400);
      expect((reply.body as { error: { message: string } }).error.message).toContain(words);
    }
    expect(state.uploads).toEqual([]);
    expect(graph('PATCH', '/v1.0/deviceAppManagement/vppTokens/vpp-9999', access_token, { token: other }).status).toBe(404);
  });

  it('plays scheduled faults: 429 with Retry-After, 500, 403, hang', () => {
    const { state, graph, signIn } = setup();
    const { access_token } = signIn();
    state.faults.push({ route: 'list', status: 429, retryAfter: 2, times: 1 }, { route: 'list', status: 500, times: 1 }, { route: 'sync', status: 403, times: 1 }, { route: 'renew', hang: true, times: 1 });
    expect(graph('GET', '/beta/deviceAppManagement/vppTokens', access_token)).toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
    expect(graph('GET', '/beta/deviceAppManagement/vppTokens', access_token)).toMatchObject({ status: 500 });
    expect(graph('GET', '/beta/deviceAppManagement/vppTokens', access_token)).toMatchObject({ status: 200 });
    expect(graph('POST', '/v1.0/deviceAppManagement/vppTokens/vpp-0001/syncLicenses', access_token)).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
    expect(graph('PATCH', '/v1.0/deviceAppManagement/vppTokens/vpp-0001', access_token, { token: 'x' })).toBe('hang');
  });
});
