// @ts-check
/** The sandbox's Apple Apps and Books API (vpp.itunes.apple.com/mdm/v2): only GET /client/config. */
import { takeFault } from './faults.mjs';
import { tokenStanding } from './world.mjs';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {import('./faults.mjs').FaultState} FaultState */
/** @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply */

const ERROR_MESSAGES = /** @type {Record<number, string>} */ ({
  9603: 'Internal error',
  9621: 'Apple token has expired.',
  9622: 'Invalid authentication token',
  9625: 'The server has revoked the sToken.',
  9646: 'Too many requests',
  9722: 'Malformed Authorization header',
});

/** @param {number} errorNumber @returns {Reply} Apple answers most errors with HTTP 200. */
function appleError(errorNumber, status = 200) {
  return { status, headers: { 'content-type': 'application/json' }, body: { errorNumber, errorMessage: ERROR_MESSAGES[errorNumber] ?? 'Unknown error' } };
}

/**
 * @param {{ state: SandboxState, faults: FaultState }} context
 * @param {{ method: string, pathname: string, headers: Record<string, string | string[] | undefined> }} request
 * @returns {Reply | 'hang'}
 */
export function handleAppleVpp({ state, faults }, { method, pathname, headers }) {
  if (method !== 'GET' || pathname !== '/mdm/v2/client/config') {
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
  }
  const fault = takeFault(faults.apple);
  if (fault?.hang) return 'hang';
  if (fault) {
    /** @type {Record<string, string>} */
    const retry = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
    const status = fault.status ?? 200;
    if (fault.errorNumber === undefined && status >= 400) {
      return { status, headers: { ...retry, 'content-type': 'text/plain' }, body: 'Service Unavailable' };
    }
    const reply = appleError(fault.errorNumber ?? 9603, status);
    return { ...reply, headers: { ...reply.headers, ...retry } };
  }

  const authorization = headers.authorization;
  const bearer = typeof authorization === 'string' ? authorization.match(/^Bearer (\S+)$/) : null;
  if (!bearer) return appleError(9722);
  const standing = tokenStanding(state, bearer[1] ?? '');
  if (standing.kind === 'unknown') return appleError(9622);
  if (standing.kind === 'revoked') return appleError(9625);
  if (standing.kind === 'expired') return appleError(9621);

  const { location, record } = standing;
  const claimedByAddigy = location.mdmInfo?.name === 'Addigy';
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: {
      uId: location.uId,
      locationName: location.locationName,
      countryISO2ACode: location.countryISO2ACode,
      defaultPlatform: location.defaultPlatform,
      tokenExpirationDate: record.expDate,
      ...(location.mdmInfo ? { mdmInfo: { ...location.mdmInfo } } : {}),
      websiteURL: `https://${location.site}.apple.com`,
      notificationUrl: claimedByAddigy ? 'https://api.addigy.com/vpp/notifications' : '',
      subscribedNotificationTypes: [],
    },
  };
}
