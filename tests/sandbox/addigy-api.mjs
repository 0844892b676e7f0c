// @ts-check
/**
 * The sandbox's Addigy API v2 (api.addigy.com/api/v2): the public calls in relay-contract.md (1: list tokens,
 * 5: system events). The contract's guessed calls 2-4 are recognised, so tests can see they were tried, and
 * answered 404 like Addigy's real API: renewing happens in the console stand-in (addigy-console.mjs).
 */
import { takeFault } from './faults.mjs';
import { publicAddigyToken, tokenStanding } from './world.mjs';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {import('./world.mjs').AddigyToken} AddigyToken */
/** @typedef {import('./faults.mjs').FaultState} FaultState */
/** @typedef {import('./faults.mjs').AddigyCall} AddigyCall */
/** @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply */

export const ADDIGY_PREFIX = '/api/v2';
export const REVOKED_SCAN_ERROR = '401 - error while retrieving token assets || 9625 - The server has revoked the sToken.';
export const EXPIRED_SCAN_ERROR = 'Bad status response[400]: "Error syncing token"';

const STATUS_MESSAGES = /** @type {Record<number, string>} */ ({
  400: 'bad request',
  401: 'invalid api key',
  403: 'forbidden',
  404: 'not found',
  409: 'conflict',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
});

/**
 * Which contract call a request is, and for which token.
 * @param {string} method
 * @param {string} pathname
 * @returns {{ call: AddigyCall, id?: string } | null}
 */
export function routeAddigy(method, pathname) {
  if (!pathname.startsWith(`${ADDIGY_PREFIX}/`)) return null;
  const rest = pathname.slice(ADDIGY_PREFIX.length);
  if (method === 'POST' && rest === '/oa/apps-and-books/tokens/policies/query') return { call: 'list-tokens' };
  if (method === 'POST' && rest === '/system-events/query') return { call: 'list-token-events' };
  const match = rest.match(/^\/oa\/apps-and-books\/tokens\/([^/]+)(\/renew\/preview|\/sync)?$/);
  if (!match) return null;
  let id;
  try {
    id = decodeURIComponent(match[1] ?? '');
  } catch {
    return null;
  }
  if (method === 'POST' && match[2] === '/renew/preview') return { call: 'preview-renewal', id };
  if (method === 'POST' && match[2] === '/sync') return { call: 'request-sync', id };
  if (method === 'PUT' && match[2] === undefined) return { call: 'renew', id };
  return null;
}

/**
 * @param {{ state: SandboxState, faults: FaultState, apiKey: string, orgKeys?: Record<string, string[]> | null }} context
 *   `orgKeys`: an MSP's organisations, each with its own key that sees only its organisations' tokens; unset, the one `apiKey` sees all.
 * @param {{ method: string, pathname: string, headers: Record<string, string | string[] | undefined>, body: string }} request
 * @returns {{ call: AddigyCall | null, reply: Reply | 'hang' }}
 */
export function handleAddigy({ state, faults, apiKey, orgKeys }, request) {
  const route = routeAddigy(request.method, request.pathname);
  const call = route?.call ?? null;
  if (route) {
    const fault = takeFault(faults.addigy, (candidate) => candidate.call === '*' || candidate.call === route.call);
    if (fault?.hang) return { call, reply: 'hang' };
    if (fault?.status) return { call, reply: faultReply(fault.status, fault.body, fault.retryAfter) };
  }
  const key = String(request.headers['x-api-key'] ?? '');
  const orgs = orgKeys ? orgKeys[key] : key === apiKey ? null : undefined;
  if (orgs === undefined) return { call, reply: problem(401, 'invalid api key') };
  if (!route) return { call, reply: problem(404, 'route not found') };

  /** @type {any} */
  let body = {};
  if (request.body.trim()) {
    try {
      body = JSON.parse(request.body);
    } catch {
      return { call, reply: problem(400, 'request body is not valid JSON') };
    }
  }
  const now = Date.now();
  switch (route.call) {
    case 'list-tokens':
      return { call, reply: listTokens(state, faults, body, now, orgs) };
    case 'list-token-events':
      return { call, reply: listEvents(state, body) };
    default:
      // Calls 2-4 are not in Addigy's published API.
      return { call, reply: problem(404, 'route not found') };
  }
}

/** @param {number} status @param {unknown} body @param {number | string | undefined} retryAfter @returns {Reply} */
function faultReply(status, body, retryAfter) {
  /** @type {Record<string, string>} */
  const headers = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  if (typeof body === 'string') return { status, headers: { ...headers, 'content-type': 'text/plain' }, body };
  const payload = body ?? { code: status, message: STATUS_MESSAGES[status] ?? `status ${status}` };
  return { status, headers: { ...headers, 'content-type': 'application/json' }, body: payload };
}

/** @param {number} status @param {string} message @returns {Reply} */
function problem(status, message) {
  return { status, headers: { 'content-type': 'application/json' }, body: { code: status, message } };
}

/** @param {unknown} body @returns {Reply} */
function okJson(body, status = 200) {
  return { status, headers: { 'content-type': 'application/json' }, body };
}

/**
 * Call 1. Also where a requested scan moves on: the extension learns a scan's outcome by polling here.
 * @param {SandboxState} state @param {FaultState} faults @param {any} body @param {number} now
 */
function listTokens(state, faults, body, now, /** @type {string[] | null} */ orgs = null) {
  finishDueScans(state, faults, now);
  const policyIds = Array.isArray(body?.policy_ids) ? body.policy_ids.filter((/** @type {unknown} */ id) => typeof id === 'string') : [];
  const tokens = state.addigyTokens
    .filter((token) => policyIds.length === 0 || policyIds.includes(token.policyId))
    .filter((token) => !orgs || orgs.includes(token.orgName))
    .map(publicAddigyToken);
  for (const scan of Object.values(state.pendingScans)) scan.pollsLeft -= 1;
  return okJson(tokens);
}

/**
 * A scan (after a console Save or Scan Now): the token shows `syncing` for the next list polls, then its outcome.
 * @param {SandboxState} state @param {FaultState} faults @param {string} locationId @param {number} now
 */
export function startScan(state, faults, locationId, now) {
  for (const token of state.addigyTokens) if (token.locationId === locationId) token.syncing = true;
  state.pendingScans[locationId] = { pollsLeft: faults.syncingPolls[locationId] ?? state.scanPolls ?? 1, requestedAt: now };
}

/** Scans with no polls left end now; the console's own list calls this without counting as a poll. */
export function finishDueScans(/** @type {SandboxState} */ state, /** @type {FaultState} */ faults, /** @type {number} */ now) {
  for (const [locationId, scan] of Object.entries(state.pendingScans)) {
    if (scan.pollsLeft <= 0) finishScan(state, faults, locationId, now);
  }
}

/**
 * A scan succeeds when Apple still honours the stored file, unless a test scheduled a scan error.
 * @param {SandboxState} state @param {FaultState} faults @param {string} locationId @param {number} now
 */
function finishScan(state, faults, locationId, now) {
  const scan = state.pendingScans[locationId];
  delete state.pendingScans[locationId];
  const copies = state.addigyTokens.filter((token) => token.locationId === locationId);
  const root = copies.find((token) => !token.inheritedFrom) ?? copies[0];
  if (!root || !scan) return;
  const standing = root.tokenText ? tokenStanding(state, root.tokenText, now) : { kind: 'unknown' };
  const error =
    faults.scanErrors[locationId] ??
    (standing.kind === 'valid' ? null : standing.kind === 'revoked' ? REVOKED_SCAN_ERROR : EXPIRED_SCAN_ERROR);
  // Strictly after the request, so "lastSync later than the Save" holds even within one millisecond.
  const finishedAt = new Date(Math.max(now, scan.requestedAt + 1)).toISOString();
  for (const token of copies) {
    token.syncing = false;
    token.lastSyncingStatus = error ? 'error' : 'success';
    token.errMsg = error;
    if (!error) token.lastSync = finishedAt;
  }
  if (error) {
    state.systemEvents.push({
      event_id: `evt-${String(state.systemEvents.length + 1).padStart(4, '0')}`,
      orgid: 'org-sandbox',
      level: 'error',
      date: finishedAt,
      action_receiver: { identifier: locationId, name: root.clientConfig.locationName },
      action_sender: { identifier: 'addigy-vpp-sync', name: 'Addigy' },
      action: { name: 'sync', details: 'Apps and Books token sync', entity: { identifier: locationId, name: root.clientConfig.locationName } },
      result: { status: 'error', details: error },
    });
  }
}

/** Call 5: every stored event is a `vpp-token` event, newest first unless asked otherwise. */
function listEvents(/** @type {SandboxState} */ state, /** @type {any} */ body) {
  const page = Number.isInteger(body?.page) && body.page > 0 ? body.page : 1;
  const perPage = Number.isInteger(body?.per_page) && body.per_page > 0 ? body.per_page : 50;
  const ascending = body?.sort_direction === 'asc';
  const sorted = [...state.systemEvents].sort((a, b) => {
    const order = Date.parse(String(a.date)) - Date.parse(String(b.date));
    return ascending ? order : -order;
  });
  return okJson({
    items: structuredClone(sorted.slice((page - 1) * perPage, page * perPage)),
    metadata: { page, per_page: perPage, page_count: Math.max(1, Math.ceil(sorted.length / perPage)), result_count: sorted.length },
  });
}
