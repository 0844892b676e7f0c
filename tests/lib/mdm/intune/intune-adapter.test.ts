import { describe, expect, it, vi } from 'vitest';
import { IntuneAdapter, intuneTokenState, type IntuneSession, type IntuneSessionTokens } from '../../../../lib/mdm/intune';
import { signInWithMicrosoft } from '../../../../lib/mdm/intune/microsoft-sign-in';
import type { MdmToken } from '../../../../lib/mdm/mdm-adapter';
import { INTUNE_CLIENT_ID, INTUNE_TENANT_ID } from '../../../sandbox/microsoft.mjs';
import { issueToken } from '../../../sandbox/world.mjs';
import { sandboxMicrosoft } from './sandbox-fetch';

const NOW = Date.UTC(2026, 0, 1, 12);
const TOKEN_TEXT = btoa(JSON.stringify({ token: 'VGhpcyBpcyBhIHRlc3Qgb3JnYW5pc2F0aW9uYWwgdW5pdCBpZGVudGlmaWVy', expDate: '2027-01-01T00:00:00+0000', orgName: 'Acme Corp' }));
const GRAPH = 'https://graph.microsoft.com';

interface Seen { url: string; method: string; headers: Record<string, string>; body: string }
type Reply = Response | Error | 'hang' | ((request: Seen) => Response);

function scripted(...replies: Reply[]) {
  const requests: Seen[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const request = { url: String(input), method: init.method ?? 'GET', headers: { ...(init.headers as Record<string, string>) }, body: String(init.body ?? '') };
    requests.push(request);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    if (reply === 'hang') return new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(request);
    return reply.clone();
  });
  return { fetch: fetchImpl as unknown as typeof fetch, requests };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const graphError = (status: number, code: string, message: string, headers: Record<string, string> = {}) => json(status, { error: { code, message } }, headers);

function memorySession(initial: IntuneSessionTokens | undefined = { accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: NOW + 3600_000 }) {
  let stored = initial;
  const saves: IntuneSessionTokens[] = [];
  return { saves, session: { load: async () => stored, save: async (tokens: IntuneSessionTokens) => { stored = tokens; saves.push(tokens); } }, get: () => stored };
}

function makeAdapter(fetchImpl: typeof fetch, session: IntuneSession = memorySession().session, overrides: Partial<ConstructorParameters<typeof IntuneAdapter>[0]> = {}) {
  const sleeps: number[] = [];
  const adapter = new IntuneAdapter({
    tenantId: INTUNE_TENANT_ID,
    clientId: INTUNE_CLIENT_ID,
    session,
    fetch: fetchImpl,
    now: () => NOW,
    sleep: async (ms) => { sleeps.push(ms); },
    random: () => 0,
    ...overrides,
  });
  return { adapter, sleeps };
}

const graphToken = (fields: Record<string, unknown> = {}) => ({
  id: 'vpp-1',
  organizationName: 'Acme Corp',
  appleId: 'mdm@acme.example',
  locationName: 'Satellite Office',
  expirationDateTime: '2026-11-08T22:33:22Z',
  lastSyncDateTime: '2025-12-31T10:00:00Z',
  lastSyncStatus: 'completed',
  state: 'valid',
  token: null,
  ...fields,
});

describe('IntuneAdapter.listTokens', () => {
  it('GETs the beta list with the bearer token and maps each token', async () => {
    const graph = scripted(json(200, { value: [graphToken()] }));
    const { adapter } = makeAdapter(graph.fetch);
    expect(adapter).toMatchObject({ kind: 'intune', writes: 'api', matchesBy: 'name' });
    const result = await adapter.listTokens();
    expect(result).toEqual({
      ok: true,
      value: [{
        id: 'vpp-1',
        locationName: 'Satellite Office',
        orgName: 'Acme Corp',
        appleId: 'mdm@acme.example',
        expiresAt: '2026-11-08T22:33:22.000Z',
        lastSync: '2025-12-31T10:00:00.000Z',
        state: 'ok',
        stateDetail: 'Intune: state “valid”, last sync “completed”',
      }],
    });
    expect(graph.requests).toEqual([{ url: `${GRAPH}/beta/deviceAppManagement/vppTokens`, method: 'GET', headers: { accept: 'application/json', authorization: 'Bearer at-1' }, body: '' }]);
  });

  it('maps every Graph state and sync status', () => {
    expect(intuneTokenState('valid', 'completed')).toBe('ok');
    expect(intuneTokenState('valid', 'none')).toBe('ok');
    expect(intuneTokenState('valid', 'failed')).toBe('sync-failed');
    expect(intuneTokenState('valid', 'inProgress')).toBe('syncing');
    expect(intuneTokenState('expired', 'completed')).toBe('expired');
    expect(intuneTokenState('invalid', 'failed')).toBe('invalid');
    expect(intuneTokenState('assignedToExternalMDM', 'completed')).toBe('other-server');
    expect(intuneTokenState('duplicateLocationId', 'none')).toBe('duplicate-location');
    expect(intuneTokenState('unknown', 'none')).toBe('unknown');
  });

  it('drops Graph’s 0001-01-01 “never” dates', async () => {
    const graph = scripted(json(200, { value: [graphToken({ lastSyncDateTime: '0001-01-01T00:00:00Z', lastSyncStatus: 'none' })] }));
    const result = await makeAdapter(graph.fetch).adapter.listTokens();
    expect(result.ok && result.value[0]!.lastSync).toBeUndefined();
  });

  it('follows @odata.nextLink on graph.microsoft.com, and refuses one elsewhere without sending the token there', async () => {
    const next = `${GRAPH}/beta/deviceAppManagement/vppTokens?$skiptoken=abc`;
    const paged = scripted(json(200, { value: [graphToken()], '@odata.nextLink': next }), json(200, { value: [graphToken({ id: 'vpp-2' })] }));
    const result = await makeAdapter(paged.fetch).adapter.listTokens();
    expect(result.ok && result.value.map((token) => token.id)).toEqual(['vpp-1', 'vpp-2']);
    expect(paged.requests.map((request) => request.url)).toEqual([`${GRAPH}/beta/deviceAppManagement/vppTokens`, next]);

    const hostile = scripted(json(200, { value: [], '@odata.nextLink': 'https://graph.microsoft.com.evil.example/steal' }));
    const refused = await makeAdapter(hostile.fetch).adapter.listTokens();
    expect(refused).toMatchObject({ ok: false, error: { kind: 'bad-response' } });
    expect(hostile.requests).toHaveLength(1);
  });

  it('rejects a list that is not Graph’s shape', async () => {
    const result = await makeAdapter(scripted(json(200, { items: [] })).fetch).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'bad-response' } });
  });
});

describe('IntuneAdapter: the Microsoft session', () => {
  it('refreshes within 60 s of expiry, saves the new pair, then calls Graph with the new token', async () => {
    const memory = memorySession({ accessToken: 'at-old', refreshToken: 'rt-old', expiresAt: NOW + 59_000 });
    const calls = scripted(json(200, { access_token: 'at-new', refresh_token: 'rt-new', expires_in: 3600 }), json(200, { value: [] }));
    const { adapter } = makeAdapter(calls.fetch, memory.session);
    expect((await adapter.listTokens()).ok).toBe(true);
    expect(calls.requests[0]!.url).toBe(`https://login.microsoftonline.com/${INTUNE_TENANT_ID}/oauth2/v2.0/token`);
    expect(new URLSearchParams(calls.requests[0]!.body).get('refresh_token')).toBe('rt-old');
    expect(memory.saves).toEqual([{ accessToken: 'at-new', refreshToken: 'rt-new', expiresAt: NOW + 3600_000 }]);
    expect(calls.requests[1]!.headers.authorization).toBe('Bearer at-new');
  });

  it('asks for a sign-in when there is no session, without any request', async () => {
    const calls = scripted(json(200, {}));
    const result = await makeAdapter(calls.fetch, { load: async () => undefined, save: async () => undefined }).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'needs-sign-in', nextStep: "Sign in with Microsoft again in Token Relay's Options." } });
    expect(calls.requests).toHaveLength(0);
  });

  it('asks for a sign-in when Microsoft refuses the refresh token (invalid_grant), and forgets the session', async () => {
    const memory = memorySession({ accessToken: 'at-old', refreshToken: 'rt-old', expiresAt: NOW - 1 });
    const calls = scripted(json(400, { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired due to inactivity.' }));
    const result = await makeAdapter(calls.fetch, memory.session).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'needs-sign-in', nextStep: "Sign in with Microsoft again in Token Relay's Options." } });
    expect(memory.get()).toEqual({});
    expect(calls.requests).toHaveLength(1);
  });

  it('on a 401 with the saved token, refreshes once and retries; a second 401 asks for a sign-in', async () => {
    const retried = scripted(
      graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
      json(200, { access_token: 'at-2', refresh_token: 'rt-2', expires_in: 3600 }),
      json(200, { value: [] }),
    );
    expect((await makeAdapter(retried.fetch).adapter.listTokens()).ok).toBe(true);
    expect(retried.requests.map((r) => r.headers.authorization ?? 'form')).toEqual(['Bearer at-1', 'form', 'Bearer at-2']);

    const twice = scripted(
      graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
      json(200, { access_token: 'at-2', refresh_token: 'rt-2', expires_in: 3600 }),
      graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
    );
    const result = await makeAdapter(twice.fetch).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'needs-sign-in', status: 401, detail: 'Access token has expired or is not yet valid.' } });
    expect(twice.requests).toHaveLength(3);
  });
});

describe('IntuneAdapter: errors', () => {
  it('403: names the Graph permission, the admin consent and the Intune role', async () => {
    const result = await makeAdapter(scripted(graphError(403, 'Forbidden', 'Application is not authorized to perform this operation.')).fetch).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden', status: 403, detail: 'Application is not authorized to perform this operation.' } });
    if (!result.ok) {
      expect(result.error.message).toContain('DeviceManagementServiceConfig.ReadWrite.All');
      expect(result.error.nextStep).toContain('Grant admin consent');
      expect(result.error.nextStep).toContain('Intune role');
    }
  });

  it('429 with Retry-After, then success', async () => {
    const graph = scripted(graphError(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': '3' }), json(200, { value: [] }));
    const onRetry = vi.fn();
    const { adapter, sleeps } = makeAdapter(graph.fetch, undefined, { onRetry });
    expect((await adapter.listTokens()).ok).toBe(true);
    expect(sleeps).toEqual([3000]);
    expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1, delayMs: 3000 }));
  });

  it('500 until the retries run out', async () => {
    const graph = scripted(graphError(500, 'InternalServerError', 'An internal server error occurred.'));
    const result = await makeAdapter(graph.fetch).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'server-error', transient: true, status: 500 } });
    expect(graph.requests).toHaveLength(4);
    if (!result.ok) expect(result.error.message).toContain('Microsoft Intune');
  });

  it('a hung answer times out', async () => {
    const graph = scripted('hang');
    const result = await makeAdapter(graph.fetch, undefined, { timeoutMs: 20, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', transient: true } });
  });

  it('a network failure is unreachable', async () => {
    const result = await makeAdapter(scripted(new TypeError('Failed to fetch')).fetch, undefined, { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }).adapter.listTokens();
    expect(result).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
  });
});

describe('IntuneAdapter.renew and sync', () => {
  it('PATCHes v1.0 with the whole file text, trimmed, as {"token": …}', async () => {
    const graph = scripted(json(200, graphToken({ lastSyncStatus: 'none', locationName: undefined })));
    const result = await makeAdapter(graph.fetch).adapter.renew('vpp/1', `\n  ${TOKEN_TEXT}\n`);
    expect(result).toMatchObject({ ok: true, value: { id: 'vpp-1', state: 'ok' } });
    expect(graph.requests).toEqual([{
      url: `${GRAPH}/v1.0/deviceAppManagement/vppTokens/vpp%2F1`,
      method: 'PATCH',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer at-1' },
      body: JSON.stringify({ token: TOKEN_TEXT }),
    }]);
  });

  it('accepts 204 No Content', async () => {
    const graph = scripted(new Response(null, { status: 204 }));
    expect(await makeAdapter(graph.fetch).adapter.renew('vpp-1', TOKEN_TEXT)).toEqual({ ok: true, value: undefined });
  });

  it('a refused file is “refused”, with the token text redacted from Intune’s words', async () => {
    const graph = scripted(graphError(400, 'BadRequest', `The VPP token ${TOKEN_TEXT} is for another location.`));
    const result = await makeAdapter(graph.fetch).adapter.renew('vpp-1', TOKEN_TEXT);
    expect(result).toMatchObject({ ok: false, error: { kind: 'refused', status: 400 } });
    expect(JSON.stringify(result)).not.toContain(TOKEN_TEXT);
    expect(JSON.stringify(result)).not.toContain(TOKEN_TEXT.slice(10, 60));
    if (!result.ok) expect(result.error.detail).toContain('for another location');
  });

  it('404: the token is gone from Intune', async () => {
    const result = await makeAdapter(scripted(graphError(404, 'ResourceNotFound', 'Not found')).fetch).adapter.renew('vpp-9', TOKEN_TEXT);
    expect(result).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('never sends an empty file', async () => {
    const graph = scripted(json(200, {}));
    expect(await makeAdapter(graph.fetch).adapter.renew('vpp-1', '  \n')).toMatchObject({ ok: false, error: { kind: 'refused' } });
    expect(graph.requests).toHaveLength(0);
  });

  it('sync POSTs v1.0 syncLicenses with no body', async () => {
    const graph = scripted(json(200, graphToken({ lastSyncStatus: 'inProgress' })));
    expect(await makeAdapter(graph.fetch).adapter.sync('vpp-1')).toEqual({ ok: true, value: undefined });
    expect(graph.requests).toEqual([{ url: `${GRAPH}/v1.0/deviceAppManagement/vppTokens/vpp-1/syncLicenses`, method: 'POST', headers: { accept: 'application/json', authorization: 'Bearer at-1' }, body: '' }]);
  });
});

describe('IntuneAdapter.outcome', () => {
  const since = new Date(NOW);
  const expected = { expiresAt: '2027-01-01T00:00:00+0000', since };
  const after = new Date(NOW + 5000).toISOString();
  const before = new Date(NOW - 86_400_000).toISOString();
  const token = (fields: Partial<MdmToken>): MdmToken => ({ id: 'vpp-1', state: 'ok', expiresAt: '2026-02-01T00:00:00.000Z', lastSync: before, ...fields });
  const { adapter } = makeAdapter(scripted(json(200, {})).fetch);

  it('done when the expiry is the file’s and the state valid', () => {
    expect(adapter.outcome(token({ expiresAt: '2027-01-01T00:00:00.000Z', lastSync: after }), expected)).toEqual({ state: 'done', lastSync: after, expiresAt: '2027-01-01T00:00:00.000Z' });
  });

  it('pending while syncing, or while Intune has not synced since the upload', () => {
    expect(adapter.outcome(token({ state: 'syncing', lastSync: after }), expected)).toEqual({ state: 'pending' });
    expect(adapter.outcome(token({}), expected)).toEqual({ state: 'pending' });
    expect(adapter.outcome(token({ state: 'expired' }), expected)).toEqual({ state: 'pending' });
  });

  it('failed when the sync after the upload failed, or the state is bad after it', () => {
    for (const [state, words] of [['sync-failed', 'sync with Apple failed'], ['expired', 'expired'], ['invalid', 'invalid'], ['other-server', 'another MDM server'], ['duplicate-location', 'another token']] as const) {
      const outcome = adapter.outcome(token({ state, lastSync: after, stateDetail: 'Intune: state “x”' }), expected);
      expect(outcome.state).toBe('failed');
      if (outcome.state === 'failed') {
        expect(outcome.problem.message).toContain(words);
        expect(outcome.problem.nextStep.length).toBeGreaterThan(20);
        expect(outcome.detail).toBe('Intune: state “x”');
      }
    }
  });
});

describe('IntuneAdapter against the sandbox', () => {
  it('signs in, lists, renews, syncs, and reads the outcome as Intune shows it', async () => {
    const ms = sandboxMicrosoft();
    const signedIn = await signInWithMicrosoft({ tenantId: INTUNE_TENANT_ID, clientId: INTUNE_CLIENT_ID, redirectUri: 'https://abcdefghijklmnop.chromiumapp.org/', launchWebAuthFlow: ms.launchWebAuthFlow, fetch: ms.fetch });
    expect(signedIn.ok).toBe(true);
    if (!signedIn.ok) return;
    const memory = memorySession(signedIn.value);
    const adapter = new IntuneAdapter({ tenantId: INTUNE_TENANT_ID, clientId: INTUNE_CLIENT_ID, session: memory.session, fetch: ms.fetch, sleep: async () => undefined });

    const listed = await adapter.listTokens();
    expect(listed.ok && listed.value.map((t) => [t.id, t.locationName, t.orgName, t.state])).toEqual([
      ['vpp-0001', 'Satellite Office', 'Acme Corp', 'ok'],
      ['vpp-0002', 'Main Campus', 'Acme Corp', 'ok'],
    ]);
    const expiresAt = Date.UTC(2031, 5, 6, 7, 8, 9);
    const file = issueToken(ms.world, 'LOC-3001', { expiresAt });
    const since = new Date(Date.now() - 1000);
    const expected = { expiresAt: new Date(expiresAt).toISOString(), since };
    expect((await adapter.renew('vpp-0001', `${file}\n`)).ok).toBe(true);
    expect(ms.state.uploads.map((u) => [u.tokenId, u.text, u.auth.startsWith('Bearer ')])).toEqual([['vpp-0001', file, true]]);

    const read = async () => {
      const list = await adapter.listTokens();
      if (!list.ok) throw new Error(list.error.message);
      return adapter.outcome(list.value.find((t) => t.id === 'vpp-0001')!, expected);
    };
    expect(await read()).toEqual({ state: 'pending' });
    expect((await adapter.sync('vpp-0001')).ok).toBe(true);
    expect(await read()).toEqual({ state: 'pending' });
    expect(await read()).toMatchObject({ state: 'done', expiresAt: new Date(expiresAt).toISOString() });

    const wrong = await adapter.renew('vpp-0002', issueToken(ms.world, 'LOC-1002'));
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'refused' } });
  });
});
