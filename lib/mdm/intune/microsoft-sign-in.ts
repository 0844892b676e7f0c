import { err, ok, type Result } from '../../result';
import type { RetryPolicy } from '../../http';
import type { MdmProblem, OnRetry } from '../mdm-adapter';
import { MdmHttp, type MdmRequest, type StatusProblem } from '../mdm-http';
import { microsoftTokenAnswerSchema } from './schemas';
import { t } from '../../i18n/messages';

/**
 * Signing in to Microsoft Entra ID for Intune: the OAuth 2.0 authorization code flow with PKCE (RFC 7636), as a
 * single-page-app redirect (`https://<extension-id>.chromiumapp.org/`) opened with `identity.launchWebAuthFlow`.
 * The admin's own app registration holds the redirect URI and the delegated Graph permission
 * (docs/intune-app-registration.md). No client secret exists: the PKCE verifier proves the code is ours.
 */

export const MICROSOFT_LOGIN_ORIGIN = 'https://login.microsoftonline.com';
/** The delegated Graph permission that covers listing, renewing and syncing Apple VPP tokens. */
export const INTUNE_GRAPH_PERMISSION = 'DeviceManagementServiceConfig.ReadWrite.All';
/** What Token Relay asks for: the Graph permission, and a refresh token (`offline_access`). */
export const INTUNE_SCOPE = `https://graph.microsoft.com/${INTUNE_GRAPH_PERMISSION} offline_access`;

export const SIGN_IN_AGAIN_STEP = t('problemSignInWithMicrosoftAgainIn');
const SETTINGS_STEP =
  t('problemCheckTheTenantIDAndClient');
const CONSENT_STEP = t('problemInTheMicrosoftEntraAdminCenter2', INTUNE_GRAPH_PERMISSION);
const SPA_STEP =
  t('problemInTheMicrosoftEntraAdminCenter3');

/** The tokens a sign-in or a refresh gives; `expiresAt` is the access token's expiry in epoch milliseconds. */
export interface MicrosoftTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
}

/** `browser.identity.launchWebAuthFlow`: resolves to the URL the flow ended at, rejects when cancelled or failed. */
export type LaunchWebAuthFlow = (details: { url: string; interactive: boolean }) => Promise<string | undefined>;

interface TransportOptions {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: OnRetry;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export interface MicrosoftSignInOptions extends TransportOptions {
  tenantId: string;
  clientId: string;
  /** `browser.identity.getRedirectURL()`: `https://<extension-id>.chromiumapp.org/` (Firefox: an extensions.allizom.org URL). */
  redirectUri: string;
  launchWebAuthFlow: LaunchWebAuthFlow;
  /** Fills the array with random bytes (default `crypto.getRandomValues`). */
  random?: (bytes: Uint8Array) => Uint8Array;
}

export interface MicrosoftRefreshOptions extends TransportOptions {
  tenantId: string;
  clientId: string;
  refreshToken: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A directory (tenant) ID is a GUID; a verified domain (contoso.onmicrosoft.com) names the same tenant.
const TENANT = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?$/;

/** A problem with the Tenant ID or Client ID as typed, before anything is sent. */
export function checkIntuneSettings(tenantId: string, clientId: string): MdmProblem | undefined {
  const problem = (message: string): MdmProblem => ({ kind: 'bad-settings', message, nextStep: SETTINGS_STEP, transient: false });
  if (!tenantId.trim()) return problem(t('problemNoMicrosoftEntraTenantIDIs'));
  if (!TENANT.test(tenantId.trim()) || ['common', 'organizations', 'consumers'].includes(tenantId.trim().toLowerCase())) {
    return problem(t('problemTheTenantIDOfThisIntune'));
  }
  if (!clientId.trim()) return problem(t('problemNoClientIDApplicationIDIs'));
  if (!GUID.test(clientId.trim())) {
    return problem(t('problemTheClientIDOfThisIntune'));
  }
  return undefined;
}

export const authorizeEndpoint = (tenantId: string) => `${MICROSOFT_LOGIN_ORIGIN}/${encodeURIComponent(tenantId.trim())}/oauth2/v2.0/authorize`;
export const tokenEndpoint = (tenantId: string) => `${MICROSOFT_LOGIN_ORIGIN}/${encodeURIComponent(tenantId.trim())}/oauth2/v2.0/token`;

/** base64url without padding (RFC 7636 appendix A). */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A code_verifier (86 unreserved characters from 64 random bytes) and its S256 code_challenge. */
export async function createPkcePair(random: (bytes: Uint8Array) => Uint8Array = defaultRandom): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64Url(random(new Uint8Array(64)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64Url(new Uint8Array(digest)) };
}

const defaultRandom = (bytes: Uint8Array) => crypto.getRandomValues(bytes);

/** The authorize URL the sign-in window opens. */
export function buildAuthorizeUrl(options: { tenantId: string; clientId: string; redirectUri: string; state: string; codeChallenge: string }): string {
  const params = new URLSearchParams({
    client_id: options.clientId.trim(),
    response_type: 'code',
    redirect_uri: options.redirectUri,
    response_mode: 'query',
    scope: INTUNE_SCOPE,
    state: options.state,
    code_challenge: options.codeChallenge,
    code_challenge_method: 'S256',
    prompt: 'select_account',
  });
  return `${authorizeEndpoint(options.tenantId)}?${params.toString()}`;
}

/**
 * Signs the admin in through the browser's sign-in window and redeems the code. Never throws; no message
 * ever holds the code, a token or the verifier.
 */
export async function signInWithMicrosoft(options: MicrosoftSignInOptions): Promise<Result<MicrosoftTokens, MdmProblem>> {
  const settings = checkIntuneSettings(options.tenantId, options.clientId);
  if (settings) return err(settings);
  if (!/^https:\/\/[^/?#]+\/?/.test(options.redirectUri)) {
    return err({
      kind: 'bad-settings',
      message: t('problemTheBrowserDidNotGiveToken'),
      nextStep: t('problemUseACurrentChromeEdgeOr'),
      transient: false,
    });
  }
  const random = options.random ?? defaultRandom;
  let pkce: { verifier: string; challenge: string };
  try {
    pkce = await createPkcePair(random);
  } catch {
    return err({
      kind: 'bad-settings',
      message: t('problemThisBrowserCannotComputeTheSign'),
      nextStep: t('problemUseACurrentChromeEdgeOr'),
      transient: false,
    });
  }
  const state = base64Url(random(new Uint8Array(24)));
  const url = buildAuthorizeUrl({ ...options, state, codeChallenge: pkce.challenge });

  let finalUrl: string | undefined;
  try {
    finalUrl = await options.launchWebAuthFlow({ url, interactive: true });
  } catch {
    return err({
      kind: 'needs-sign-in',
      message: t('problemSigningInWithMicrosoftDidNot'),
      nextStep: t('problemChooseSignInWithMicrosoftAgain', SETTINGS_STEP),
      transient: false,
    });
  }

  const http = transport(options, () => [pkce.verifier]);
  const answer = readRedirect(finalUrl, options.redirectUri, state, http);
  if (!answer.ok) return answer;
  const code = answer.value;
  return redeem(
    http,
    options,
    options.tenantId,
    new URLSearchParams({
      client_id: options.clientId.trim(),
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri,
      code_verifier: pkce.verifier,
      scope: INTUNE_SCOPE,
    }),
    { doing: t('problemSigningInWithMicrosoft'), secrets: [code, pkce.verifier], grant: 'authorization_code' },
  );
}

/** A new access token (and usually a new refresh token) for the saved refresh token. */
export async function refreshMicrosoftTokens(options: MicrosoftRefreshOptions): Promise<Result<MicrosoftTokens, MdmProblem>> {
  const settings = checkIntuneSettings(options.tenantId, options.clientId);
  if (settings) return err(settings);
  if (!options.refreshToken) return err(needsSignIn(t('problemTokenRelayHasNoMicrosoftSign')));
  const http = transport(options, () => [options.refreshToken]);
  const tokens = await redeem(
    http,
    options,
    options.tenantId,
    new URLSearchParams({
      client_id: options.clientId.trim(),
      grant_type: 'refresh_token',
      refresh_token: options.refreshToken,
      scope: INTUNE_SCOPE,
    }),
    { doing: t('problemRenewingTheMicrosoftSignIn'), secrets: [options.refreshToken], grant: 'refresh_token' },
  );
  // Microsoft normally sends a new refresh token; keep the old one when it does not.
  return tokens.ok ? ok({ ...tokens.value, refreshToken: tokens.value.refreshToken ?? options.refreshToken }) : tokens;
}

export function needsSignIn(message: string, detail?: string, status?: number): MdmProblem {
  return { kind: 'needs-sign-in', message, nextStep: SIGN_IN_AGAIN_STEP, transient: false, ...(detail ? { detail } : {}), ...(status ? { status } : {}) };
}

function transport(options: TransportOptions, secrets: () => ReadonlyArray<string | undefined>): MdmHttp {
  return new MdmHttp({
    label: 'Microsoft sign-in',
    secrets,
    fetch: options.fetch,
    sleep: options.sleep,
    onRetry: options.onRetry,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
  });
}

/** The code from the URL the sign-in window ended at, or what Microsoft said instead. */
function readRedirect(finalUrl: string | undefined, redirectUri: string, state: string, http: MdmHttp): Result<string, MdmProblem> {
  let url: URL | undefined;
  try {
    url = finalUrl && finalUrl.startsWith(redirectUri) ? new URL(finalUrl) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) {
    return err({
      kind: 'bad-response',
      message: t('problemTheMicrosoftSignInWindowEnded'),
      nextStep: t('problemSignInWithMicrosoftAgainIf'),
      transient: false,
    });
  }
  const params = url.searchParams;
  if (params.get('state') !== state) {
    return err({
      kind: 'bad-response',
      message: t('problemTheAnswerFromTheMicrosoftSign'),
      nextStep: t('problemSignInWithMicrosoftAgain'),
      transient: false,
    });
  }
  const error = params.get('error');
  if (error) return err(authorizeProblem(error, http.showable(params.get('error_description') ?? undefined)));
  const code = params.get('code');
  if (!code) {
    return err({
      kind: 'bad-response',
      message: t('problemMicrosoftEndedTheSignInWithout'),
      nextStep: t('problemSignInWithMicrosoftAgain'),
      transient: false,
    });
  }
  return ok(code);
}

/** The authorize endpoint's `error` (RFC 6749 §4.1.2.1 and Microsoft's additions), in plain words. */
function authorizeProblem(error: string, detail: string | undefined): MdmProblem {
  const base = { transient: false, ...(detail ? { detail } : {}) };
  const said = detail ? t('problemMicrosoftSaid', detail) : '';
  if (error === 'consent_required' || error === 'access_denied') {
    return {
      kind: 'forbidden',
      message: t('problemMicrosoftDidNotGiveTokenRelay', INTUNE_GRAPH_PERMISSION, said),
      nextStep: CONSENT_STEP,
      ...base,
    };
  }
  if (error === 'interaction_required' || error === 'login_required') {
    return { kind: 'needs-sign-in', message: t('problemMicrosoftNeedsYouToSignIn', said), nextStep: SIGN_IN_AGAIN_STEP, ...base };
  }
  if (['invalid_request', 'unauthorized_client', 'invalid_client', 'invalid_resource', 'unsupported_response_type', 'invalid_scope'].includes(error)) {
    return {
      kind: 'bad-settings',
      message: t('problemMicrosoftRefusedTheSignInRequest', error, said),
      nextStep: t('problemTheRedirectURIMustBeRegistered', SETTINGS_STEP),
      ...base,
    };
  }
  if (error === 'server_error' || error === 'temporarily_unavailable') {
    return { kind: 'server-error', message: t('problemMicrosoftsSignInHadAProblem', error, said), nextStep: t('problemTrySigningInAgainInA'), ...base, transient: true };
  }
  return { kind: 'refused', message: t('problemMicrosoftRefusedTheSignIn', error, said), nextStep: t('problemSignInWithMicrosoftAgainIf2', SETTINGS_STEP), ...base };
}

async function redeem(
  http: MdmHttp,
  options: TransportOptions,
  tenantId: string,
  form: URLSearchParams,
  what: { doing: string; secrets: string[]; grant: 'authorization_code' | 'refresh_token' },
): Promise<Result<MicrosoftTokens, MdmProblem>> {
  const request: MdmRequest = {
    method: 'POST',
    url: tokenEndpoint(tenantId),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
    doing: what.doing,
    secrets: what.secrets,
    // A code is redeemed once: resending it after a lost answer only earns invalid_grant.
    retry: what.grant === 'refresh_token',
    idempotent: what.grant === 'refresh_token',
  };
  const answer = await http.sendJson(request, tokenEndpointProblem(what.grant));
  if (!answer.ok) return answer;
  const parsed = microsoftTokenAnswerSchema.safeParse(answer.value.body);
  if (!parsed.success || !Number.isFinite(parsed.data.expires_in)) {
    return err(http.badResponse(request, 'The token answer has no access_token or expires_in.', answer.value.status));
  }
  const now = (options.now ?? Date.now)();
  return ok({
    accessToken: parsed.data.access_token,
    ...(parsed.data.refresh_token ? { refreshToken: parsed.data.refresh_token } : {}),
    expiresAt: now + parsed.data.expires_in * 1000,
  });
}

/** The token endpoint's OAuth errors (`{ error, error_description }`), in plain words. */
function tokenEndpointProblem(grant: 'authorization_code' | 'refresh_token'): StatusProblem {
  return (status, detail) => {
    const base = { transient: false, status, ...(detail ? { detail } : {}) };
    const words = detail ?? '';
    if (/AADSTS9002326|AADSTS7000218|AADSTS9002327/.test(words)) {
      return {
        kind: 'bad-settings',
        message: t('problemMicrosoftWillNotHandTokensTo'),
        nextStep: SPA_STEP,
        ...base,
      };
    }
    if (/\binvalid_client\b|\bunauthorized_client\b|AADSTS700016|AADSTS90002\b/.test(words)) {
      return { kind: 'bad-settings', message: t('problemMicrosoftDoesNotKnowThisApp'), nextStep: SETTINGS_STEP, ...base };
    }
    if (/AADSTS65001|consent_required/.test(words)) {
      return {
        kind: 'forbidden',
        message: t('problemMicrosoftDidNotGiveTokenRelay2', INTUNE_GRAPH_PERMISSION),
        nextStep: CONSENT_STEP,
        ...base,
      };
    }
    if (/\binvalid_grant\b|\binteraction_required\b/.test(words) || status === 400 || status === 401) {
      return grant === 'refresh_token'
        ? needsSignIn(t('problemMicrosoftNoLongerAcceptsTokenRelays'), detail, status)
        : needsSignIn(t('problemMicrosoftDidNotAcceptTheSign'), detail, status);
    }
    return undefined;
  };
}
