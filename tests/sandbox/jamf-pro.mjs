// @ts-check
/**
 * The sandbox's Jamf Pro (acme.jamfcloud.com): the API client token (`POST /api/oauth/token`), volume purchasing
 * locations listed by page (`GET /api/v1/volume-purchasing-locations`), read one by one, and renewed by
 * `PATCH …/{id}` with `application/merge-patch+json` `{ serviceToken }`, and taken over from another MDM server by
 * `POST …/{id}/reclaim` (202, no body). See docs/mdm/jamf-pro.md.
 */
import { randomBytes } from 'node:crypto';
import { takeFault } from './faults.mjs';
import { DAY_MS, latestToken, parseAppleDate, tokenStanding } from './world.mjs';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply */
/** @typedef {'token' | 'list' | 'get' | 'renew' | 'reclaim'} JamfRoute */
/**
 * @typedef {{ route?: JamfRoute | '*', status?: number, times: number, retryAfter?: number | string, hang?: boolean, body?: unknown }} JamfFault
 * @typedef {{
 *   id: string, name: string, appleId: string, organizationName: string, locationName: string,
 *   tokenExpiration: string, clientContextMismatch: boolean, lastSyncTime: string, countryCode: string, siteId: string,
 *   automaticallyPopulatePurchasedContent: boolean, sendNotificationWhenNoLongerAssigned: boolean, autoRegisterManagedUsers: boolean,
 *   totalPurchasedLicenses: number, totalUsedLicenses: number,
 *   uId: string | null,
 * }} JamfLocation `uId` is the sandbox's own link to Apple's location (null: not in Apple's world); Jamf never shows it.
 * @typedef {{ tokenId: string, text: string, at: number, auth: string }} JamfUpload
 * @typedef {{
 *   locations: JamfLocation[],
 *   accessTokens: Record<string, { expiresAt: number }>,
 *   accessTokenSeconds: number,
 *   faults: JamfFault[],
 *   uploads: JamfUpload[],
 *   reclaims: Array<{ id: string, at: number }>,
 * }} JamfProState
 * @typedef {{ host?: string, method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string }} JamfRequest
 */

export const JAMF_HOST = 'acme.jamfcloud.com';
export const JAMF_CLIENT_ID = 'token-relay-sandbox';
export const JAMF_CLIENT_SECRET = 'sandbox-jamf-secret-0001';
export const JAMF_ACCESS_TOKEN_SECONDS = 1200;
export const JAMF_LOCATIONS_PATH = '/api/v1/volume-purchasing-locations';
/** Jamf Pro's largest page. */
export const JAMF_MAX_PAGE_SIZE = 2000;

// Jamf Pro's refusals of a service token: the wording is assumed (Jamf does not document it); the shape is its ApiError.
export const JAMF_REFUSALS = {
  unknown: 'Invalid service token',
  revoked: 'The service token has been revoked',
  expired: 'The service token has expired',
  otherLocation: 'The service token is for a different location than this volume purchasing location',
};

const PRIVATE_FIELDS = /** @type {const} */ (['uId']);

/**
 * Two locations: Apple's LOC-1003 "Design Studio" (Apple says Jamf Pro holds it), and "Lakeside Clinic" of an
 * organisation Apple's world does not know, so a list holds more than the one token a renewal is about.
 * @param {SandboxState} world
 * @returns {JamfProState}
 */
export function createJamfProState(world, now = Date.now()) {
  /** @type {JamfProState} */
  const state = { locations: [], accessTokens: {}, accessTokenSeconds: JAMF_ACCESS_TOKEN_SECONDS, faults: [], uploads: [], reclaims: [] };
  const design = latestToken(world, 'LOC-1003');
  const designExpiry = design ? parseAppleDate(design.expDate) : now + 90 * DAY_MS;
  addJamfLocation(state, {
    id: '1',
    name: 'Design Studio',
    appleId: 'apple-admin@acme.example',
    organizationName: 'Acme Corp',
    locationName: 'Design Studio',
    tokenExpiration: jamfDate(Number.isFinite(designExpiry) ? designExpiry : now + 90 * DAY_MS),
    lastSyncTime: jamfDate(now - 3 * DAY_MS),
    uId: 'LOC-1003',
  });
  addJamfLocation(state, {
    id: '2',
    name: 'Lakeside Clinic',
    appleId: 'mdm@lakeside-health.example',
    organizationName: 'Lakeside Health',
    locationName: 'Lakeside Clinic',
    tokenExpiration: jamfDate(now + 240 * DAY_MS),
    lastSyncTime: jamfDate(now - 1 * DAY_MS),
    uId: null,
  });
  return state;
}

/**
 * Adds a location (tests: many tokens, paging, a mismatch); the id is the next number unless given.
 * @param {JamfProState} state
 * @param {Partial<JamfLocation>} fields
 * @returns {JamfLocation}
 */
export function addJamfLocation(state, fields = {}) {
  const nextId = String(state.locations.reduce((max, location) => Math.max(max, Number(location.id) || 0), 0) + 1);
  const name = fields.name ?? `Location ${nextId}`;
  const now = Date.now();
  /** @type {JamfLocation} */
  const location = {
    id: nextId,
    name,
    appleId: 'apple-admin@acme.example',
    organizationName: 'Acme Corp',
    locationName: name,
    tokenExpiration: jamfDate(now + 180 * DAY_MS),
    clientContextMismatch: false,
    lastSyncTime: jamfDate(now - DAY_MS),
    countryCode: 'US',
    siteId: '-1',
    automaticallyPopulatePurchasedContent: true,
    sendNotificationWhenNoLongerAssigned: false,
    autoRegisterManagedUsers: false,
    totalPurchasedLicenses: 25,
    totalUsedLicenses: 12,
    uId: null,
    ...fields,
  };
  state.locations.push(location);
  return location;
}

/** Jamf Pro writes its dates with milliseconds and a colon-less offset, e.g. `2030-11-08T22:33:22.000+0000` (assumed). */
export function jamfDate(/** @type {number} */ ms) {
  return new Date(ms).toISOString().replace(/Z$/, '+0000');
}

/** @param {JamfLocation} location */
export function publicJamfLocation(location) {
  /** @type {Record<string, unknown>} */
  const copy = structuredClone(location);
  for (const field of PRIVATE_FIELDS) delete copy[field];
  return copy;
}

/**
 * Which call a request is, and for which location.
 * @param {string} method @param {string} pathname
 * @returns {{ route: JamfRoute, id?: string } | null}
 */
export function routeJamfPro(method, pathname) {
  if (method === 'POST' && pathname === '/api/oauth/token') return { route: 'token' };
  if (method === 'GET' && pathname === JAMF_LOCATIONS_PATH) return { route: 'list' };
  const reclaim = pathname.match(/^\/api\/v1\/volume-purchasing-locations\/([^/]+)\/reclaim$/);
  if (reclaim && method === 'POST') {
    try {
      return { route: 'reclaim', id: decodeURIComponent(reclaim[1] ?? '') };
    } catch {
      return null;
    }
  }
  const match = pathname.match(/^\/api\/v1\/volume-purchasing-locations\/([^/]+)$/);
  if (!match) return null;
  let id;
  try {
    id = decodeURIComponent(match[1] ?? '');
  } catch {
    return null;
  }
  if (method === 'GET') return { route: 'get', id };
  if (method === 'PATCH') return { route: 'renew', id };
  return null;
}

/**
 * @param {{ world: SandboxState, state: JamfProState, faults?: unknown }} context
 * @param {JamfRequest} request
 * @returns {Reply | 'hang'}
 */
export function handleJamfPro({ world, state }, request) {
  const now = Date.now();
  const route = routeJamfPro(request.method, request.url.pathname);
  if (route) {
    const fault = takeFault(state.faults, (candidate) => !candidate.route || candidate.route === '*' || candidate.route === route.route);
    if (fault?.hang) return 'hang';
    if (fault?.status) return faultReply(route.route, fault.status, fault.body, fault.retryAfter);
  }
  if (route?.route === 'token') return issueAccessToken(state, request, now);

  // Every other path needs a valid access token, as Jamf Pro's API does.
  const auth = header(request.headers, 'authorization') ?? '';
  const bearer = auth.match(/^Bearer (\S+)$/)?.[1];
  const issued = bearer ? state.accessTokens[bearer] : undefined;
  if (!issued || issued.expiresAt <= now) return apiError(401);
  if (!route) return apiError(404, 'NOT_FOUND', 'Resource not found');

  switch (route.route) {
    case 'list':
      return listLocations(state, request.url);
    case 'get': {
      const location = state.locations.find((candidate) => candidate.id === route.id);
      return location ? okJson(publicJamfLocation(location)) : notFound(route.id ?? '');
    }
    case 'renew':
      return renewLocation(world, state, request, route.id ?? '', auth, now);
    case 'reclaim': {
      // Jamf Pro takes the location's service token for this server: Apple no longer reports another server.
      const location = state.locations.find((candidate) => candidate.id === route.id);
      if (!location) return notFound(route.id ?? '');
      location.clientContextMismatch = false;
      state.reclaims.push({ id: location.id, at: now });
      return { status: 202, headers: {} };
    }
    default:
      return apiError(404, 'NOT_FOUND', 'Resource not found');
  }
}

/** `POST /api/oauth/token`: the client credentials grant, form-encoded. @param {JamfProState} state @param {JamfRequest} request @param {number} now */
function issueAccessToken(state, request, now) {
  const type = (header(request.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return oauthError(400, 'invalid_request');
  const form = new URLSearchParams(request.body);
  if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
  if (form.get('client_id') !== JAMF_CLIENT_ID || form.get('client_secret') !== JAMF_CLIENT_SECRET) return oauthError(401, 'invalid_client');
  const accessToken = randomBytes(32).toString('base64url');
  const seconds = state.accessTokenSeconds;
  state.accessTokens[accessToken] = { expiresAt: now + seconds * 1000 };
  return okJson({ access_token: accessToken, scope: 'api-role:1', token_type: 'Bearer', expires_in: seconds });
}

/** `GET …?page=&page-size=`: sorted by id, as Jamf's default `sort=id:asc`. @param {JamfProState} state @param {URL} url */
function listLocations(state, url) {
  const page = intParam(url, 'page', 0);
  const pageSize = intParam(url, 'page-size', 100);
  if (page === null || page < 0 || pageSize === null || pageSize < 1 || pageSize > JAMF_MAX_PAGE_SIZE) {
    return apiError(400, 'INVALID_FIELD', 'Invalid page or page-size');
  }
  const sorted = [...state.locations].sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  return okJson({ totalCount: sorted.length, results: sorted.slice(page * pageSize, (page + 1) * pageSize).map(publicJamfLocation) });
}

/**
 * `PATCH …/{id}`: a merge patch. A `serviceToken` must be a file Apple honours for this location's Apple location.
 * @param {SandboxState} world @param {JamfProState} state @param {JamfRequest} request @param {string} id @param {string} auth @param {number} now
 */
function renewLocation(world, state, request, id, auth, now) {
  const type = (header(request.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/merge-patch+json') {
    return apiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content type '${type || 'none'}' not supported`);
  }
  const location = state.locations.find((candidate) => candidate.id === id);
  if (!location) return notFound(id);
  /** @type {any} */
  let patch;
  try {
    patch = JSON.parse(request.body);
  } catch {
    return apiError(400, 'INVALID_JSON', 'Request body is not valid JSON');
  }
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return apiError(400, 'INVALID_JSON', 'Request body must be an object');
  if ('serviceToken' in patch) {
    const text = patch.serviceToken;
    if (typeof text !== 'string' || !text.trim()) return refuse(JAMF_REFUSALS.unknown);
    const standing = tokenStanding(world, text, now);
    if (standing.kind === 'unknown') return refuse(JAMF_REFUSALS.unknown);
    if (standing.kind === 'revoked') return refuse(JAMF_REFUSALS.revoked);
    if (standing.kind === 'expired') return refuse(JAMF_REFUSALS.expired);
    if (standing.location.uId !== location.uId) return refuse(JAMF_REFUSALS.otherLocation);
    location.tokenExpiration = jamfDate(parseAppleDate(standing.record.expDate));
    location.lastSyncTime = jamfDate(now);
    state.uploads.push({ tokenId: id, text, at: now, auth });
  }
  for (const field of /** @type {const} */ (['name', 'automaticallyPopulatePurchasedContent', 'sendNotificationWhenNoLongerAssigned', 'autoRegisterManagedUsers'])) {
    if (field in patch && typeof patch[field] === typeof location[field]) /** @type {any} */ (location)[field] = patch[field];
  }
  return okJson(publicJamfLocation(location));
}

/** @param {string} description */
function refuse(description) {
  return apiError(400, 'INVALID_FIELD', description, 'serviceToken');
}

/** @param {string} id */
function notFound(id) {
  return apiError(404, 'NOT_FOUND', `Volume purchasing location with id ${id} not found`);
}

/**
 * Jamf Pro's ApiError: `{ httpStatus, errors: [{ code, field, description, id }] }`.
 * @param {number} status @param {string} [code] @param {string} [description] @param {string | null} [field]
 * @returns {Reply}
 */
function apiError(status, code, description, field = null) {
  const errors = code ? [{ code, field, description, id: '0' }] : [];
  return { status, headers: { 'content-type': 'application/json' }, body: { httpStatus: status, errors } };
}

/** @param {number} status @param {string} error @returns {Reply} */
function oauthError(status, error) {
  return { status, headers: { 'content-type': 'application/json' }, body: { error } };
}

/** @param {JamfRoute} route @param {number} status @param {unknown} body @param {number | string | undefined} retryAfter @returns {Reply} */
function faultReply(route, status, body, retryAfter) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json', ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) };
  if (typeof body === 'string') return { status, headers: { ...headers, 'content-type': 'text/plain' }, body };
  if (body !== undefined) return { status, headers, body };
  if (route === 'token' && (status === 401 || status === 400)) return { status, headers, body: { error: 'invalid_client' } };
  return { status, headers, body: apiError(status).body };
}

/** @param {unknown} body @returns {Reply} */
function okJson(body, status = 200) {
  return { status, headers: { 'content-type': 'application/json' }, body };
}

/** @param {URL} url @param {string} name @param {number} fallback @returns {number | null} */
function intParam(url, name, fallback) {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

/** @param {JamfRequest['headers']} headers @param {string} name */
function header(headers, name) {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}
