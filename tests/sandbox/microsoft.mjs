// @ts-check
/**
 * The sandbox's Microsoft: the Entra ID authority (login.microsoftonline.com: authorize and token endpoints with
 * PKCE checks) and Microsoft Graph's Intune Apple VPP token calls (graph.microsoft.com). The admin is "already
 * signed in": the authorize endpoint redirects with a code at once. Like Intune, an uploaded file changes the
 * token's expiry only when a sync applies it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { takeFault } from './faults.mjs';
import { decodeVppTokenText, latestToken, makeVppTokenText, parseAppleDate, tokenStanding, DAY_MS } from './world.mjs';

export const MS_LOGIN_HOST = 'login.microsoftonline.com';
export const MS_GRAPH_HOST = 'graph.microsoft.com';
export const INTUNE_TENANT_ID = 'acme-tenant-0001';
export const INTUNE_CLIENT_ID = '11111111-2222-3333-4444-555555555555';
export const INTUNE_SCOPE = 'https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All offline_access';
export const PKCE_MISMATCH =
  'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply */
/** @typedef {'authorize' | 'token' | 'list' | 'renew' | 'claim' | 'sync' | '*'} MicrosoftRoute */
/** @typedef {{ status?: number, times: number, retryAfter?: number | string, hang?: boolean, route?: MicrosoftRoute, body?: unknown }} MicrosoftFault */
/**
 * @typedef {{
 *   endpoint: 'authorize' | 'token', at: number, ok: boolean, error?: string,
 *   grantType?: string, redirectUri?: string, scope?: string, codeChallengeMethod?: string,
 *   pkceMatched?: boolean, origin?: string,
 * }} SignInRecord
 * @typedef {{
 *   id: string, organizationName: string, appleId: string, locationName: string,
 *   expirationDateTime: string, lastSyncDateTime: string,
 *   lastSyncStatus: 'none' | 'inProgress' | 'completed' | 'failed',
 *   state: 'valid' | 'expired' | 'invalid' | 'assignedToExternalMDM' | 'duplicateLocationId',
 *   uId: string, tokenText: string, pendingText: string | null,
 *   syncListsLeft: number, syncEnd: { status: 'completed' | 'failed' } | null,
 * }} IntuneVppToken
 * @typedef {{
 *   tenantId: string, clientId: string,
 *   faults: MicrosoftFault[],
 *   authorizeError?: { error: string, error_description: string } | boolean,
 *   accessTokenLifetimeSec: number,
 *   codes: Array<{ code: string, clientId: string, redirectUri: string, codeChallenge: string, scope: string, used: boolean, issuedAt: number }>,
 *   accessTokens: Array<{ token: string, expiresAt: number }>,
 *   refreshTokens: Array<{ token: string, revoked: boolean }>,
 *   redirectUris: string[],
 *   signIns: SignInRecord[],
 *   vppTokens: IntuneVppToken[],
 *   uploads: Array<{ tokenId: string, text: string, at: number, auth: string }>,
 *   claims: Array<{ tokenId: string, at: number, version: string }>,
 *   pageSize: number,
 *   syncingLists: number,
 *   renewNoContent: boolean,
 * }} MicrosoftState
 */

const GRAPH_TOKEN_FIELDS = /** @type {const} */ ([
  'id', 'organizationName', 'appleId', 'expirationDateTime', 'lastSyncDateTime', 'lastSyncStatus', 'state',
]);

/** Graph writes instants as ISO UTC without milliseconds. */
const graphDate = (/** @type {number} */ ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Intune's tokens, seeded from Apple's locations: Satellite Office (LOC-3001, no other MDM) and Main Campus (LOC-1001).
 * @param {SandboxState} world
 * @returns {MicrosoftState}
 */
export function createMicrosoftState(world, now = Date.now()) {
  /** @param {string} id @param {string} uId @param {number} syncedDaysAgo @returns {IntuneVppToken} */
  const seed = (id, uId, syncedDaysAgo) => {
    const location = world.locations.find((candidate) => candidate.uId === uId);
    const record = latestToken(world, uId);
    if (!location || !record) throw new Error(`sandbox: no Apple location or token for ${uId}`);
    return {
      id,
      organizationName: location.orgName,
      appleId: 'mdm@acme.example',
      locationName: location.locationName,
      expirationDateTime: graphDate(parseAppleDate(record.expDate)),
      lastSyncDateTime: graphDate(now - syncedDaysAgo * DAY_MS),
      lastSyncStatus: 'completed',
      state: 'valid',
      uId,
      // The file Intune holds: the one Apple issued last for the location.
      tokenText: makeVppTokenText({ token: record.token, orgName: record.orgName, expDate: record.expDate }),
      pendingText: null,
      syncListsLeft: 0,
      syncEnd: null,
    };
  };
  return {
    tenantId: INTUNE_TENANT_ID,
    clientId: INTUNE_CLIENT_ID,
    faults: [],
    accessTokenLifetimeSec: 3600,
    codes: [],
    accessTokens: [],
    refreshTokens: [],
    redirectUris: [],
    signIns: [],
    vppTokens: [seed('vpp-0001', 'LOC-3001', 1), seed('vpp-0002', 'LOC-1001', 2)],
    uploads: [],
    claims: [],
    pageSize: 100,
    syncingLists: 1,
    renewNoContent: false,
  };
}

/** The same, under the adapter kind's name. */
export const createIntuneState = createMicrosoftState;

/** Every issued token stops working, as after the admin's sessions were revoked. @param {MicrosoftState} state */
export function revokeMicrosoftSessions(state) {
  for (const token of state.refreshTokens) token.revoked = true;
  for (const token of state.accessTokens) token.expiresAt = 0;
}

/** Access tokens expire now (refresh tokens keep working). @param {MicrosoftState} state */
export function expireMicrosoftAccessTokens(state) {
  for (const token of state.accessTokens) token.expiresAt = 0;
}

/**
 * @param {{ world: SandboxState, state: MicrosoftState, faults?: unknown }} context
 * @param {{ host: string, method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string }} request
 * @returns {Reply | 'hang'}
 */
export function handleMicrosoft(context, request) {
  if (request.host === MS_LOGIN_HOST) return handleLogin(context, request);
  if (request.host === MS_GRAPH_HOST) return handleGraph(context, request);
  return { status: 421, headers: { 'content-type': 'text/plain' }, body: `The Microsoft stand-in does not serve ${request.host}.` };
}

/** The same, under the adapter kind's name. */
export const handleIntune = handleMicrosoft;

/** @param {Record<string, string | string[] | undefined>} headers @param {string} name */
function header(headers, name) {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Microsoft's endpoints answer cross-origin calls (SPA redemption, Graph from a browser). */
function cors(/** @type {Record<string, string | string[] | undefined>} */ headers) {
  return {
    'access-control-allow-origin': header(headers, 'origin') ?? '*',
    'access-control-allow-headers': 'authorization, content-type, accept',
    'access-control-allow-methods': 'GET, POST, PATCH, OPTIONS',
  };
}

/**
 * @param {MicrosoftState} state @param {MicrosoftRoute} route
 * @param {(status: number) => unknown} bodyFor
 * @param {Record<string, string | string[] | undefined>} headers
 * @returns {Reply | 'hang' | undefined}
 */
function faultFor(state, route, bodyFor, headers) {
  const fault = takeFault(state.faults, (candidate) => !candidate.route || candidate.route === '*' || candidate.route === route);
  if (!fault) return undefined;
  if (fault.hang) return 'hang';
  const status = fault.status ?? 500;
  return {
    status,
    headers: {
      ...cors(headers),
      'content-type': 'application/json',
      ...(fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) }),
    },
    body: fault.body ?? bodyFor(status),
  };
}

// ───────────────────────────── login.microsoftonline.com ─────────────────────────────

/** A redirect URI of the extension's kind: Chrome's chromiumapp.org or Firefox's extensions.allizom.org. */
function allowedRedirect(/** @type {string} */ uri) {
  try {
    const url = new URL(uri);
    return (
      url.protocol === 'https:' &&
      !url.search &&
      !url.hash &&
      (/^[a-z0-9-]+\.chromiumapp\.org$/.test(url.hostname) || /^[a-z0-9-]+\.extensions\.allizom\.org$/.test(url.hostname))
    );
  } catch {
    return false;
  }
}

/** The error page Microsoft shows instead of redirecting (an unknown tenant, client or redirect URI). */
function errorPage(/** @type {string} */ words) {
  return { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><title>Sign in to your account</title><h1>Sorry, but we’re having trouble signing you in.</h1><p>${words}</p>` };
}

const base64Url = (/** @type {Buffer} */ bytes) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomToken = (/** @type {string} */ prefix) => `${prefix}${base64Url(randomBytes(32))}`;

/**
 * @param {{ world: SandboxState, state: MicrosoftState }} context
 * @param {{ method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string }} request
 * @returns {Reply | 'hang'}
 */
function handleLogin({ state }, request) {
  const match = request.url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/);
  if (request.method === 'OPTIONS') return { status: 204, headers: cors(request.headers) };
  if (!match) return errorPage('AADSTS900561: The endpoint only accepts GET and POST requests.');
  const [, tenant, endpoint] = match;
  if (endpoint === 'authorize' && request.method === 'GET') {
    const fault = faultFor(state, 'authorize', (status) => `status ${status}`, request.headers);
    if (fault) return fault;
    return authorize(state, tenant ?? '', request.url.searchParams);
  }
  if (endpoint === 'token' && request.method === 'POST') {
    const fault = faultFor(state, 'token', (status) => ({ error: status === 429 ? 'temporarily_unavailable' : 'server_error', error_description: `AADSTS90033: A transient error has occurred (HTTP ${status}).` }), request.headers);
    if (fault) return fault;
    return token(state, tenant ?? '', request);
  }
  return errorPage('AADSTS900561: The endpoint only accepts GET (authorize) and POST (token) requests.');
}

/** @param {MicrosoftState} state @param {string} tenant @param {URLSearchParams} params @returns {Reply} */
function authorize(state, tenant, params) {
  const at = Date.now();
  const redirectUri = params.get('redirect_uri') ?? '';
  /** @param {string} error */
  const refuse = (error) => {
    state.signIns.push({ endpoint: 'authorize', at, ok: false, error, redirectUri });
    return errorPage(error);
  };
  if (tenant !== state.tenantId) return refuse(`AADSTS90002: Tenant '${tenant}' not found.`);
  if (params.get('client_id') !== state.clientId) {
    return refuse(`AADSTS700016: Application with identifier '${params.get('client_id') ?? ''}' was not found in the directory '${tenant}'.`);
  }
  if (!allowedRedirect(redirectUri)) {
    return refuse(`AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${state.clientId}'.`);
  }
  if (!state.redirectUris.includes(redirectUri)) state.redirectUris.push(redirectUri);
  const stateParam = params.get('state');
  /** @param {Record<string, string>} fields */
  const redirect = (fields) => {
    const target = new URL(redirectUri);
    for (const [key, value] of Object.entries(fields)) target.searchParams.set(key, value);
    if (stateParam !== null) target.searchParams.set('state', stateParam);
    return { status: 302, headers: { location: target.toString(), 'cache-control': 'no-store' } };
  };
  const base = { endpoint: /** @type {const} */ ('authorize'), at, redirectUri, scope: params.get('scope') ?? '', codeChallengeMethod: params.get('code_challenge_method') ?? '' };
  if (params.get('response_type') !== 'code') {
    state.signIns.push({ ...base, ok: false, error: 'unsupported_response_type' });
    return redirect({ error: 'unsupported_response_type', error_description: 'AADSTS70005: The provided value for the input parameter response_type is not allowed for this request.' });
  }
  const challenge = params.get('code_challenge') ?? '';
  if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    state.signIns.push({ ...base, ok: false, error: 'invalid_request' });
    return redirect({ error: 'invalid_request', error_description: 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.' });
  }
  if (state.authorizeError) {
    const failure = typeof state.authorizeError === 'object'
      ? state.authorizeError
      : { error: 'consent_required', error_description: `AADSTS65001: The user or administrator has not consented to use the application with ID '${state.clientId}'. Send an interactive authorization request for this user and resource.` };
    state.signIns.push({ ...base, ok: false, error: failure.error });
    return redirect(failure);
  }
  const code = randomToken('code-');
  state.codes.push({ code, clientId: state.clientId, redirectUri, codeChallenge: challenge, scope: params.get('scope') ?? '', used: false, issuedAt: at });
  state.signIns.push({ ...base, ok: true });
  return redirect({ code });
}

/**
 * @param {MicrosoftState} state @param {string} tenant
 * @param {{ headers: Record<string, string | string[] | undefined>, body: string }} request
 * @returns {Reply}
 */
function token(state, tenant, request) {
  const at = Date.now();
  const form = new URLSearchParams(request.body);
  const grantType = form.get('grant_type') ?? '';
  const origin = header(request.headers, 'origin');
  const headers = { ...cors(request.headers), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  /** @param {number} status @param {string} error @param {string} description @param {Partial<SignInRecord>} [extra] @returns {Reply} */
  const refuse = (status, error, description, extra = {}) => {
    state.signIns.push({ endpoint: 'token', at, ok: false, grantType, error, ...(origin ? { origin } : {}), ...extra });
    return { status, headers, body: { error, error_description: `${description}\r\nTrace ID: 0000\r\nCorrelation ID: 0000\r\nTimestamp: ${new Date(at).toISOString()}`, error_codes: [Number(description.match(/AADSTS(\d+)/)?.[1] ?? 0)] } };
  };
  if (tenant !== state.tenantId) return refuse(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
  if (!String(header(request.headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    return refuse(400, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'grant_type'.");
  }
  if (form.get('client_id') !== state.clientId) {
    return refuse(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenant}'.`);
  }

  if (grantType === 'authorization_code') {
    const redirectUri = form.get('redirect_uri') ?? '';
    const entry = state.codes.find((candidate) => candidate.code === form.get('code'));
    if (!entry) return refuse(400, 'invalid_grant', 'AADSTS70000: The provided authorization code is invalid or has expired.', { redirectUri });
    if (entry.used) return refuse(400, 'invalid_grant', 'AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.', { redirectUri });
    entry.used = true;
    if (redirectUri !== entry.redirectUri) {
      return refuse(400, 'invalid_grant', "AADSTS50148: The redirect_uri specified in the token request does not match the redirect_uri of the authorization request.", { redirectUri });
    }
    const verifier = form.get('code_verifier') ?? '';
    const pkceMatched = /^[A-Za-z0-9._~-]{43,128}$/.test(verifier) && base64Url(createHash('sha256').update(verifier).digest()) === entry.codeChallenge;
    if (!pkceMatched) return refuse(400, 'invalid_grant', PKCE_MISMATCH, { redirectUri, pkceMatched: false });
    state.signIns.push({ endpoint: 'token', at, ok: true, grantType, redirectUri, scope: form.get('scope') ?? '', pkceMatched: true, ...(origin ? { origin } : {}) });
    return { status: 200, headers, body: issueTokens(state, at) };
  }

  if (grantType === 'refresh_token') {
    const entry = state.refreshTokens.find((candidate) => candidate.token === form.get('refresh_token'));
    if (!entry || entry.revoked) {
      return refuse(400, 'invalid_grant', 'AADSTS700082: The refresh token has expired due to inactivity.');
    }
    state.signIns.push({ endpoint: 'token', at, ok: true, grantType, scope: form.get('scope') ?? '', ...(origin ? { origin } : {}) });
    return { status: 200, headers, body: issueTokens(state, at) };
  }
  return refuse(400, 'unsupported_grant_type', `AADSTS70003: The app requested an unsupported grant type '${grantType}'.`);
}

/** @param {MicrosoftState} state @param {number} now */
function issueTokens(state, now) {
  const accessToken = randomToken('eyJ0eXAiOiJKV1QiLCJzYW5kYm94Ijp0cnVlfQ.');
  const refreshToken = randomToken('0.ARoA-sandbox-');
  state.accessTokens.push({ token: accessToken, expiresAt: now + state.accessTokenLifetimeSec * 1000 });
  state.refreshTokens.push({ token: refreshToken, revoked: false });
  return {
    token_type: 'Bearer',
    scope: 'https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All',
    expires_in: state.accessTokenLifetimeSec,
    ext_expires_in: state.accessTokenLifetimeSec,
    access_token: accessToken,
    refresh_token: refreshToken,
  };
}

// ───────────────────────────── graph.microsoft.com ─────────────────────────────

/** @param {number} status @param {string} code @param {string} message @param {Record<string, string | string[] | undefined>} requestHeaders @returns {Reply} */
function graphError(status, code, message, requestHeaders) {
  return {
    status,
    headers: { ...cors(requestHeaders), 'content-type': 'application/json' },
    body: { error: { code, message, innerError: { date: graphDate(Date.now()), 'request-id': 'sandbox-request', 'client-request-id': 'sandbox-client' } } },
  };
}

/** @param {unknown} body @param {Record<string, string | string[] | undefined>} requestHeaders @returns {Reply} */
function graphOk(body, requestHeaders, status = 200) {
  return { status, headers: { ...cors(requestHeaders), 'content-type': 'application/json' }, body };
}

/**
 * @param {{ world: SandboxState, state: MicrosoftState }} context
 * @param {{ method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string }} request
 * @returns {Reply | 'hang'}
 */
function handleGraph({ world, state }, request) {
  const { method, url, headers } = request;
  if (method === 'OPTIONS') return { status: 204, headers: cors(headers) };
  const path = url.pathname;
  /** @type {{ route: MicrosoftRoute, version: string, id?: string } | null} */
  let route = null;
  const list = path.match(/^\/(beta|v1\.0)\/deviceAppManagement\/vppTokens$/);
  const one = path.match(/^\/(beta|v1\.0)\/deviceAppManagement\/vppTokens\/([^/]+)(\/syncLicenses)?$/);
  if (list && method === 'GET') route = { route: 'list', version: list[1] ?? '' };
  // A PATCH carrying `claimTokenManagementFromExternalMdm` (a beta property of vppToken) is the take-over.
  else if (one && method === 'PATCH' && !one[3]) {
    const claim = /"claimTokenManagementFromExternalMdm"\s*:/.test(request.body);
    route = { route: claim ? 'claim' : 'renew', version: one[1] ?? '', id: decodeURIComponent(one[2] ?? '') };
  }
  else if (one && method === 'POST' && one[3]) route = { route: 'sync', version: one[1] ?? '', id: decodeURIComponent(one[2] ?? '') };

  if (route) {
    const fault = faultFor(state, route.route, (status) => ({ error: { code: status === 429 ? 'TooManyRequests' : status === 401 ? 'InvalidAuthenticationToken' : status === 403 ? 'Forbidden' : 'InternalServerError', message: `Sandbox fault (HTTP ${status}).` } }), headers);
    if (fault) return fault;
  }
  const auth = String(header(headers, 'authorization') ?? '');
  const bearer = auth.match(/^Bearer (\S+)$/)?.[1];
  const issued = bearer && state.accessTokens.find((candidate) => candidate.token === bearer);
  if (!issued || !(issued.expiresAt > Date.now())) {
    return graphError(401, 'InvalidAuthenticationToken', bearer ? 'Access token has expired or is not yet valid.' : 'Access token is empty.', headers);
  }
  if (!route) return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').at(-1) ?? ''}'.`, headers);
  const now = Date.now();

  if (route.route === 'list') {
    advanceSyncs(world, state, now);
    const all = state.vppTokens.map((vppToken) => publicVppToken(vppToken, route.version));
    const skip = Math.max(0, Number(url.searchParams.get('$skiptoken') ?? 0) || 0);
    const pageSize = Math.max(1, state.pageSize);
    const page = all.slice(skip, skip + pageSize);
    for (const vppToken of state.vppTokens) if (vppToken.lastSyncStatus === 'inProgress') vppToken.syncListsLeft -= 1;
    /** @type {Record<string, unknown>} */
    const body = { '@odata.context': `https://${MS_GRAPH_HOST}/${route.version}/$metadata#deviceAppManagement/vppTokens`, value: page };
    if (skip + pageSize < all.length) body['@odata.nextLink'] = `https://${MS_GRAPH_HOST}/${route.version}/deviceAppManagement/vppTokens?$skiptoken=${skip + pageSize}`;
    return graphOk(body, headers);
  }

  const vppToken = state.vppTokens.find((candidate) => candidate.id === route.id);
  if (!vppToken) return graphError(404, 'ResourceNotFound', `The vppToken '${route.id}' was not found.`, headers);

  if (route.route === 'claim') {
    /** @type {any} */
    let body;
    try {
      body = JSON.parse(request.body);
    } catch {
      return graphError(400, 'BadRequest', 'The request body is not valid JSON.', headers);
    }
    // v1.0's vppToken has no such property.
    if (route.version !== 'beta') {
      return graphError(400, 'BadRequest', "The property 'claimTokenManagementFromExternalMdm' does not exist on type 'microsoft.graph.vppToken'.", headers);
    }
    if (body?.claimTokenManagementFromExternalMdm === true && vppToken.state === 'assignedToExternalMDM') vppToken.state = 'valid';
    state.claims.push({ tokenId: vppToken.id, at: now, version: route.version });
    return { status: 204, headers: cors(headers) };
  }

  if (route.route === 'renew') {
    if (!String(header(headers, 'content-type') ?? '').startsWith('application/json')) {
      return graphError(415, 'UnsupportedMediaType', 'The request content type is not supported: use application/json.', headers);
    }
    /** @type {any} */
    let body;
    try {
      body = JSON.parse(request.body);
    } catch {
      return graphError(400, 'BadRequest', 'The request body is not valid JSON.', headers);
    }
    const text = typeof body?.token === 'string' ? body.token : '';
    // Intune's wording for a refused file is not documented: these messages are assumed.
    const standing = tokenStanding(world, text, now);
    if (standing.kind === 'unknown') return graphError(400, 'BadRequest', 'The VPP token is not valid. Upload the token file downloaded from Apple Business Manager.', headers);
    if (standing.kind === 'revoked') return graphError(400, 'BadRequest', 'Apple reports that this VPP token has been revoked. Download a new token.', headers);
    if (standing.kind === 'expired') return graphError(400, 'BadRequest', 'The VPP token has expired. Download a new token.', headers);
    if (standing.location.uId !== vppToken.uId) {
      return graphError(400, 'BadRequest', `The uploaded VPP token belongs to a different location than the token being renewed ('${vppToken.locationName}').`, headers);
    }
    vppToken.pendingText = text;
    vppToken.lastSyncStatus = 'none';
    state.uploads.push({ tokenId: vppToken.id, text, at: now, auth });
    return state.renewNoContent ? { status: 204, headers: cors(headers) } : graphOk(publicVppToken(vppToken, route.version), headers);
  }

  // syncLicenses: applies the uploaded file (or re-checks the current one) with Apple.
  const text = vppToken.pendingText ?? vppToken.tokenText ?? '';
  const file = decodeVppTokenText(text);
  const standing = tokenStanding(world, text, now);
  if (vppToken.pendingText && standing.kind === 'valid' && file) {
    vppToken.tokenText = vppToken.pendingText;
    vppToken.expirationDateTime = graphDate(parseAppleDate(file.expDate));
    vppToken.state = 'valid';
  }
  vppToken.pendingText = null;
  vppToken.syncEnd = { status: standing.kind === 'valid' ? 'completed' : 'failed' };
  if (standing.kind === 'revoked' || standing.kind === 'unknown') vppToken.state = 'invalid';
  if (standing.kind === 'expired') vppToken.state = 'expired';
  vppToken.lastSyncDateTime = graphDate(now);
  vppToken.lastSyncStatus = 'inProgress';
  vppToken.syncListsLeft = state.syncingLists;
  return graphOk(publicVppToken(vppToken, route.version), headers);
}

/** A sync ends once it has been seen `syncingLists` times. @param {SandboxState} _world @param {MicrosoftState} state @param {number} _now */
function advanceSyncs(_world, state, _now) {
  for (const vppToken of state.vppTokens) {
    if (vppToken.lastSyncStatus === 'inProgress' && vppToken.syncListsLeft <= 0) {
      vppToken.lastSyncStatus = vppToken.syncEnd?.status ?? 'completed';
      vppToken.syncEnd = null;
    }
  }
}

/** What Graph shows of a token: v1.0 has no `locationName`; neither shows the token text. @param {IntuneVppToken} vppToken @param {string} version */
function publicVppToken(vppToken, version) {
  /** @type {Record<string, unknown>} */
  const copy = { '@odata.type': '#microsoft.graph.vppToken' };
  for (const field of GRAPH_TOKEN_FIELDS) copy[field] = vppToken[field];
  if (version === 'beta') {
    copy.locationName = vppToken.locationName;
    copy.tokenActionResults = [];
  }
  copy.vppTokenAccountType = 'business';
  copy.countryOrRegion = 'us';
  copy.automaticallyUpdateApps = true;
  copy.token = null;
  return copy;
}
