// @ts-check
/**
 * The sandbox's Fleet server (self-hosted, at fleet.acme-corp.net): the two documented calls of Fleet's REST API
 * that Token Relay uses, "List Volume Purchasing Program (VPP) tokens" (GET /api/v1/fleet/vpp_tokens) and
 * "Renew VPP token" (PATCH /api/v1/fleet/vpp_tokens/:id/renew, multipart, file field `token`), with Bearer auth,
 * Fleet's error body `{ message, errors: [{ name, reason }] }`, and Fleet Free's 402. See docs/mdm/fleet.md.
 */
import { takeFault } from './faults.mjs';
import { DAY_MS, decodeVppTokenText, latestToken, parseAppleDate, tokenStanding } from './world.mjs';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply */
/**
 * @typedef {'list-tokens' | 'renew'} FleetRoute
 * @typedef {{ status?: number, times: number, retryAfter?: number | string, hang?: boolean, route?: FleetRoute | '*', body?: unknown }} FleetFault
 * @typedef {{ team_id: number, name: string }} FleetTeam
 * @typedef {{
 *   id: number, org_name: string, location: string, renew_date: string, terms_expired: boolean, teams: FleetTeam[] | null,
 *   uId: string, updatedAt: string,
 * }} FleetToken
 *   `uId` (the Apple location it holds) and `updatedAt` (its last renewal) are Fleet's own: the API never returns them.
 * @typedef {{ tokenId: string, text: string, at: number, auth: string, fileName: string }} FleetUpload
 * @typedef {{ tokens: FleetToken[], uploads: FleetUpload[], premium: boolean, faults: FleetFault[] }} FleetState
 * @typedef {{ host?: string, method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string }} FleetRequest
 */

export const FLEET_HOST = 'fleet.acme-corp.net';
export const FLEET_API_TOKEN = 'sandbox-fleet-token-0001';
export const FLEET_PREFIX = '/api/v1/fleet/vpp_tokens';
export const FLEET_PREMIUM_REASON = 'Requires Fleet Premium license';
/** What the stand-in says when a file cannot be decoded as a token at all (Fleet's InvalidArgumentError on `token`, 422). */
export const FLEET_INVALID_TOKEN_REASON = 'Invalid token. Please provide a valid content token from Apple Business Manager.';
/**
 * What it says when Apple refuses the file (revoked, expired): Fleet's renew does not map Apple's 9621/9625, so the
 * error surfaces as a plain 500 (fleetdm/fleet server/service/vpp.go, UpdateVPPToken → ctxerr).
 */
export const FLEET_APPLE_FAILED_REASON = 'internal server error';

/** Fields Fleet keeps to itself. */
const PRIVATE_FIELDS = /** @type {const} */ (['uId', 'updatedAt']);

/** Fleet writes times as RFC 3339 in UTC, without milliseconds. */
const fleetDate = (/** @type {number} */ ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Fleet's state, seeded from the world: one token, for Apple's LOC-3001 "Satellite Office" (id 7).
 * @param {SandboxState} world
 * @returns {FleetState}
 */
export function createFleetState(world, now = Date.now()) {
  const apple = world.locations.find((location) => location.uId === 'LOC-3001');
  const issued = latestToken(world, 'LOC-3001');
  const expiry = issued ? parseAppleDate(issued.expDate) : Number.NaN;
  return {
    tokens: [
      {
        id: 7,
        org_name: apple?.orgName ?? 'Acme Corp',
        location: apple?.locationName ?? 'Satellite Office',
        renew_date: fleetDate(Number.isFinite(expiry) ? expiry : now + 300 * DAY_MS),
        terms_expired: false,
        teams: [{ team_id: 1, name: 'Workstations' }],
        uId: 'LOC-3001',
        updatedAt: fleetDate(now - 65 * DAY_MS),
      },
    ],
    uploads: [],
    premium: true,
    faults: [],
  };
}

/** Back to the seed, in place: tests keep references to the state and its lists. */
export function resetFleetState(/** @type {FleetState} */ state, /** @type {SandboxState} */ world) {
  const fresh = createFleetState(world);
  state.tokens.length = 0;
  state.tokens.push(...fresh.tokens);
  state.uploads.length = 0;
  state.faults.length = 0;
  state.premium = true;
}

/** The token as Fleet's API shows it. @param {FleetToken} token */
export function publicFleetToken(token) {
  /** @type {Record<string, unknown>} */
  const copy = structuredClone(token);
  for (const field of PRIVATE_FIELDS) delete copy[field];
  return copy;
}

/**
 * Which call a request is.
 * @param {string} method @param {string} pathname
 * @returns {{ route: FleetRoute, id?: string } | { route: null, known: boolean }}
 */
export function routeFleet(method, pathname) {
  if (pathname === FLEET_PREFIX) return method === 'GET' ? { route: 'list-tokens' } : { route: null, known: true };
  const renew = pathname.match(/^\/api\/v1\/fleet\/vpp_tokens\/([^/]+)\/renew$/);
  if (renew) return method === 'PATCH' ? { route: 'renew', id: renew[1] } : { route: null, known: true };
  return { route: null, known: pathname.startsWith(`${FLEET_PREFIX}/`) };
}

/**
 * @param {{ world: SandboxState, state: FleetState, faults?: FleetFault[] }} context
 * @param {FleetRequest} request
 * @returns {Reply | 'hang'}
 */
export function handleFleet({ world, state, faults = state.faults }, request) {
  const routed = routeFleet(request.method, request.url.pathname);
  const fault = takeFault(faults, (candidate) => !candidate.route || candidate.route === '*' || candidate.route === routed.route);
  if (fault?.hang) return 'hang';
  if (fault?.status) return faultReply(fault.status, fault.body, fault.retryAfter);

  const auth = headerOf(request.headers, 'authorization');
  if (auth !== `Bearer ${FLEET_API_TOKEN}`) return fleetError(401, 'Authentication required', 'Authentication required');
  if (routed.route === null) {
    return routed.known ? fleetError(405, 'Method Not Allowed', 'method not allowed') : fleetError(404, 'Resource Not Found', 'route not found');
  }
  // Fleet Free: every VPP token call is a Premium feature.
  if (!state.premium) return fleetError(402, FLEET_PREMIUM_REASON, FLEET_PREMIUM_REASON);
  if (routed.route === 'list-tokens') return okJson({ vpp_tokens: state.tokens.map(publicFleetToken) });
  return renew(world, state, routed.id ?? '', request, auth);
}

/**
 * @param {SandboxState} world @param {FleetState} state @param {string} rawId @param {FleetRequest} request @param {string} auth
 * @returns {Reply}
 */
function renew(world, state, rawId, request, auth) {
  const contentType = headerOf(request.headers, 'content-type') ?? '';
  const form = parseMultipart(contentType, request.body);
  // Go's words when the body is not a multipart form.
  if (form === 'not-multipart') return fleetError(400, 'Bad request', "request Content-Type isn't multipart/form-data");
  if (form === 'malformed') return fleetError(400, 'Bad request', 'failed to parse multipart form');
  // Fleet reads the file headers of `token`: a plain field of that name is not a file.
  const part = form.find((candidate) => candidate.name === 'token' && candidate.fileName !== undefined);
  if (!part) return fleetError(400, 'Bad request', 'no file headers for token');

  const token = /^\d+$/.test(rawId) ? state.tokens.find((candidate) => String(candidate.id) === rawId) : undefined;
  if (!token) return fleetError(404, 'Resource Not Found', `vpp_token ${rawId} was not found in the datastore`);

  // Like Fleet: a file that does not decode is a 422; Apple refusing a decodable file is a 500, because Fleet does
  // not map Apple's errors on renew. Fleet never compares the file's location with the row's: it overwrites it.
  const standing = tokenStanding(world, part.content);
  if (standing.kind === 'unknown' && !decodeVppTokenText(part.content)) return fleetError(422, 'Validation Failed', FLEET_INVALID_TOKEN_REASON, 'token');
  if (standing.kind !== 'valid') return fleetError(500, FLEET_APPLE_FAILED_REASON, FLEET_APPLE_FAILED_REASON);

  const now = Date.now();
  const file = decodeVppTokenText(part.content);
  token.renew_date = fleetDate(parseAppleDate(standing.record.expDate));
  token.org_name = file?.orgName || standing.location.orgName;
  token.location = standing.location.locationName;
  token.uId = standing.location.uId;
  token.updatedAt = fleetDate(now);
  state.uploads.push({ tokenId: rawId, text: part.content, at: now, auth, fileName: part.fileName ?? '' });
  // Fleet's server answers 202 with `token` (server/service/vpp.go, patchVPPTokenRenewResponse), not its docs' 200 `vpp_token`.
  return { status: 202, headers: { 'content-type': 'application/json' }, body: { token: publicFleetToken(token) } };
}

/**
 * The parts of a multipart/form-data body, their content exactly as sent (the CRLF before each boundary is the
 * delimiter's, not the content's).
 * @param {string} contentType @param {string} body
 * @returns {Array<{ name: string, fileName?: string, content: string }> | 'not-multipart' | 'malformed'}
 */
export function parseMultipart(contentType, body) {
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType.trim())) return 'not-multipart';
  const boundary = contentType.match(/;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return 'malformed';
  const delimiter = `--${marker}`;
  const start = body.indexOf(delimiter);
  if (start === -1 || !body.includes(`\r\n${delimiter}--`)) return 'malformed';
  const chunks = body.slice(start + delimiter.length).split(`\r\n${delimiter}`);
  /** @type {Array<{ name: string, fileName?: string, content: string }>} */
  const parts = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break;
    if (!chunk.startsWith('\r\n')) return 'malformed';
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd === -1) return 'malformed';
    const headers = chunk.slice(2, headerEnd).split('\r\n');
    const disposition = headers.find((line) => /^content-disposition\s*:/i.test(line));
    const name = disposition?.match(/;\s*name="([^"]*)"/i)?.[1];
    if (!disposition || name === undefined) return 'malformed';
    const fileName = disposition.match(/;\s*filename="([^"]*)"/i)?.[1];
    parts.push({ name, ...(fileName === undefined ? {} : { fileName }), content: chunk.slice(headerEnd + 4) });
  }
  return parts;
}

/** @param {Record<string, string | string[] | undefined>} headers @param {string} name */
function headerOf(headers, name) {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/** Fleet's error body. @param {number} status @param {string} message @param {string} reason @param {string} [field] @returns {Reply} */
function fleetError(status, message, reason, field = 'base') {
  return { status, headers: { 'content-type': 'application/json' }, body: { message, errors: [{ name: field, reason }] } };
}

/** @param {number} status @param {unknown} body @param {number | string | undefined} retryAfter @returns {Reply} */
function faultReply(status, body, retryAfter) {
  /** @type {Record<string, string>} */
  const headers = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  if (typeof body === 'string') return { status, headers: { ...headers, 'content-type': 'text/plain' }, body };
  const words = FAULT_WORDS[status] ?? `status ${status}`;
  const payload = body ?? { message: words, errors: [{ name: 'base', reason: words }] };
  return { status, headers: { ...headers, 'content-type': 'application/json' }, body: payload };
}

const FAULT_WORDS = /** @type {Record<number, string>} */ ({
  401: 'Authentication required',
  402: FLEET_PREMIUM_REASON,
  403: 'forbidden',
  404: 'Resource Not Found',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
});

/** @param {unknown} body @returns {Reply} */
function okJson(body) {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}
