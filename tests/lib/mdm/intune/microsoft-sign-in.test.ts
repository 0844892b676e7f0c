import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  INTUNE_SCOPE,
  createPkcePair,
  refreshMicrosoftTokens,
  signInWithMicrosoft,
} from '../../../../lib/mdm/intune/microsoft-sign-in';
import { INTUNE_CLIENT_ID, INTUNE_TENANT_ID } from '../../../sandbox/microsoft.mjs';
import { sandboxMicrosoft } from './sandbox-fetch';

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const NOW = Date.UTC(2026, 0, 1);
const noSleep = async () => undefined;

function options(ms: ReturnType<typeof sandboxMicrosoft>, overrides: Partial<Parameters<typeof signInWithMicrosoft>[0]> = {}) {
  return { tenantId: INTUNE_TENANT_ID, clientId: INTUNE_CLIENT_ID, redirectUri: REDIRECT, launchWebAuthFlow: ms.launchWebAuthFlow, fetch: ms.fetch, now: () => NOW, sleep: noSleep, ...overrides };
}

describe('createPkcePair', () => {
  it('makes an RFC 7636 verifier and its S256 challenge', async () => {
    const { verifier, challenge } = await createPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });
});

describe('signInWithMicrosoft', () => {
  it('opens the authorize URL with PKCE, then redeems the code with the verifier (sandbox checks PKCE)', async () => {
    const ms = sandboxMicrosoft();
    const result = await signInWithMicrosoft(options(ms));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.expiresAt).toBe(NOW + 3600_000);
    expect(ms.state.accessTokens.map((t) => t.token)).toContain(result.value.accessToken);
    expect(ms.state.refreshTokens.map((t) => t.token)).toContain(result.value.refreshToken);

    const url = new URL(ms.launched[0]!);
    expect(`${url.origin}${url.pathname}`).toBe(`https://login.microsoftonline.com/${INTUNE_TENANT_ID}/oauth2/v2.0/authorize`);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      client_id: INTUNE_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT,
      response_mode: 'query',
      scope: 'https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All offline_access',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      prompt: 'select_account',
    });

    expect(ms.requests).toHaveLength(1);
    const [token] = ms.requests;
    expect(token!.method).toBe('POST');
    expect(token!.url).toBe(`https://login.microsoftonline.com/${INTUNE_TENANT_ID}/oauth2/v2.0/token`);
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(token!.body);
    expect([...form.keys()]).toEqual(['client_id', 'grant_type', 'code', 'redirect_uri', 'code_verifier', 'scope']);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('scope')).toBe(INTUNE_SCOPE);
    expect(createHash('sha256').update(form.get('code_verifier')!).digest('base64url')).toBe(params.code_challenge);
    expect(ms.state.signIns.at(-1)).toMatchObject({ endpoint: 'token', ok: true, pkceMatched: true, redirectUri: REDIRECT });
  });

  it('says the sign-in needs doing again when the verifier does not match, without the code or verifier in words', async () => {
    const ms = sandboxMicrosoft();
    let sentBody = '';
    const tampering = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const form = new URLSearchParams(String(init.body));
      form.set('code_verifier', 'x'.repeat(60));
      sentBody = String(init.body);
      return ms.fetch(input, { ...init, body: form.toString() });
    }) as typeof fetch;
    const result = await signInWithMicrosoft(options(ms, { fetch: tampering }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('needs-sign-in');
    expect(result.error.detail).toContain('AADSTS501481');
    expect(ms.state.signIns.at(-1)).toMatchObject({ ok: false, pkceMatched: false });
    const words = JSON.stringify(result.error);
    const sent = new URLSearchParams(sentBody);
    expect(words).not.toContain(sent.get('code'));
    expect(words).not.toContain(sent.get('code_verifier'));
  });

  it('explains consent_required as a missing admin consent', async () => {
    const ms = sandboxMicrosoft();
    ms.state.authorizeError = true;
    const result = await signInWithMicrosoft(options(ms));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: 'forbidden', transient: false });
    expect(result.error.message).toContain('consent');
    expect(result.error.nextStep).toContain('Grant admin consent');
    expect(result.error.detail).toContain('AADSTS65001');
    expect(ms.requests).toHaveLength(0);
  });

  it('says so when the window was closed (launchWebAuthFlow rejects)', async () => {
    const ms = sandboxMicrosoft();
    const result = await signInWithMicrosoft(options(ms, { launchWebAuthFlow: () => Promise.reject(new Error('The user did not approve access.')) }));
    expect(result).toMatchObject({ ok: false, error: { kind: 'needs-sign-in' } });
    if (!result.ok) expect(result.error.nextStep).toContain('AADSTS50011');
    expect(ms.requests).toHaveLength(0);
  });

  it('ignores an answer with another state or at another address', async () => {
    const ms = sandboxMicrosoft();
    const wrongState = await signInWithMicrosoft(options(ms, { launchWebAuthFlow: async () => `${REDIRECT}?code=abc&state=forged` }));
    expect(wrongState).toMatchObject({ ok: false, error: { kind: 'bad-response' } });
    const elsewhere = await signInWithMicrosoft(options(ms, { launchWebAuthFlow: async () => 'https://evil.example/?code=abc' }));
    expect(elsewhere).toMatchObject({ ok: false, error: { kind: 'bad-response' } });
    expect(ms.requests).toHaveLength(0);
  });

  it('refuses settings that cannot be a tenant or client ID before opening anything', async () => {
    const ms = sandboxMicrosoft();
    const launch = vi.fn(ms.launchWebAuthFlow);
    expect(await signInWithMicrosoft(options(ms, { clientId: 'my app', launchWebAuthFlow: launch }))).toMatchObject({ ok: false, error: { kind: 'bad-settings' } });
    expect(await signInWithMicrosoft(options(ms, { tenantId: 'common', launchWebAuthFlow: launch }))).toMatchObject({ ok: false, error: { kind: 'bad-settings' } });
    expect(launch).not.toHaveBeenCalled();
  });

  it('maps a Web-platform registration (AADSTS9002326) to a settings problem', async () => {
    const ms = sandboxMicrosoft();
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ error: 'invalid_request', error_description: "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type." }), { status: 400 })) as typeof fetch;
    const result = await signInWithMicrosoft(options(ms, { fetch: fetchImpl }));
    expect(result).toMatchObject({ ok: false, error: { kind: 'bad-settings' } });
    if (!result.ok) expect(result.error.nextStep).toContain('Single-page application');
  });
});

describe('refreshMicrosoftTokens', () => {
  it('sends the refresh grant and keeps the old refresh token when none comes back', async () => {
    const requests: string[] = [];
    const fetchImpl = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
      requests.push(String(init.body));
      return new Response(JSON.stringify({ access_token: 'at-2', expires_in: '1800', token_type: 'Bearer' }), { status: 200 });
    }) as typeof fetch;
    const result = await refreshMicrosoftTokens({ tenantId: INTUNE_TENANT_ID, clientId: INTUNE_CLIENT_ID, refreshToken: 'rt-1', fetch: fetchImpl, now: () => NOW });
    expect(result).toEqual({ ok: true, value: { accessToken: 'at-2', refreshToken: 'rt-1', expiresAt: NOW + 1800_000 } });
    expect(Object.fromEntries(new URLSearchParams(requests[0]))).toEqual({ client_id: INTUNE_CLIENT_ID, grant_type: 'refresh_token', refresh_token: 'rt-1', scope: INTUNE_SCOPE });
  });

  it('turns invalid_grant into needs-sign-in, with the refresh token redacted', async () => {
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token rt-secret-1 has expired due to inactivity.' }), { status: 400 })) as typeof fetch;
    const result = await refreshMicrosoftTokens({ tenantId: INTUNE_TENANT_ID, clientId: INTUNE_CLIENT_ID, refreshToken: 'rt-secret-1', fetch: fetchImpl, sleep: noSleep });
    expect(result).toMatchObject({ ok: false, error: { kind: 'needs-sign-in', status: 400, nextStep: "Sign in with Microsoft again in Token Relay's Options." } });
    expect(JSON.stringify(result)).not.toContain('rt-secret-1');
  });
});
