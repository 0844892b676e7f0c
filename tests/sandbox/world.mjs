// @ts-check
/**
 * The sandbox's world: Apple's locations and the tokens it has issued, Addigy's copies of them,
 * and Addigy's system events. One mutable object, shared by every server the sandbox plays.
 */
import { randomBytes } from 'node:crypto';

/**
 * @typedef {'business' | 'school'} Site
 * @typedef {{ id: string, name: string, metadata: string }} MdmInfo
 * @typedef {{
 *   uId: string, locationName: string, orgName: string, site: Site,
 *   countryISO2ACode: string, defaultPlatform: string,
 *   mdmInfo: MdmInfo | null,
 * }} AppleLocation
 * @typedef {{ token: string, uId: string, orgName: string, expDate: string, revoked: boolean, issuedAt: number }} AppleTokenRecord
 * @typedef {{
 *   uId: string, locationName: string, countryISO2ACode: string, defaultPlatform: string, websiteURL: string,
 *   mdmInfo?: MdmInfo, subscribedNotificationTypes: string[], tokenExpirationDate: string,
 * }} AddigyClientConfig
 * @typedef {{
 *   locationId: string, policyId: string, inheritedFrom: string | null, forceOnPolicyTree: boolean,
 *   active: boolean, orgName: string, lastSync: string, lastSyncingStatus: string, syncing: boolean,
 *   errMsg: string | null, version: string | number, clientConfig: AddigyClientConfig, expDate: string,
 *   appleId: string, idNumber: string, tokenText: string | null,
 * }} AddigyToken
 * @typedef {Record<string, unknown>} SystemEvent
 * @typedef {{
 *   locations: AppleLocation[],
 *   appleTokens: AppleTokenRecord[],
 *   addigyTokens: AddigyToken[],
 *   systemEvents: SystemEvent[],
 *   pendingScans: Record<string, { pollsLeft: number, requestedAt: number }>,
 *   policyNames?: Record<string, string>,
 *   scanPolls?: number,
 * }} SandboxState
 * `policyNames`: names the console shows for policies a seed adds; `scanPolls`: how many list polls a scan shows
 * `syncing` when no fault says otherwise (default 1).
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
export const YEAR_MS = 365 * DAY_MS;

/** Fields Addigy keeps to itself: its API never returns them, only its console's confirmation window shows two of them. */
export const ADDIGY_PRIVATE_FIELDS = /** @type {const} */ (['appleId', 'idNumber', 'tokenText']);

export const ADDIGY_MDM = { id: '5f1c7a0e-6d1b-4c3e-9a7f-addigy000001', name: 'Addigy', metadata: '' };
export const JAMF_MDM = { id: 'jamf-7c2e91', name: 'Jamf Pro', metadata: 'tenant-7' };

/** Apple writes `expDate` with an offset that has no colon, e.g. `2030-11-08T22:33:22+0000`. */
export function formatAppleDate(/** @type {number} */ ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** @returns {number} milliseconds, NaN when unreadable */
export function parseAppleDate(/** @type {string} */ text) {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * A `.vpptoken` file's text: base64 of a JSON object, as Apple writes it.
 * @param {{ token: string, orgName: string, expDate: string } & Record<string, unknown>} fields
 */
export function makeVppTokenText({ token, orgName, expDate, ...extra }) {
  return Buffer.from(JSON.stringify({ token, expDate, orgName, ...extra }), 'utf8').toString('base64');
}

/**
 * @param {string} text
 * @returns {{ token: string, expDate: string, orgName: string } | null}
 */
export function decodeVppTokenText(text) {
  const compact = text.replace(/^\uFEFF/, '').replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  try {
    const json = JSON.parse(Buffer.from(compact, 'base64').toString('utf8'));
    if (typeof json?.token !== 'string' || typeof json.expDate !== 'string') return null;
    return { token: json.token, expDate: json.expDate, orgName: String(json.orgName ?? '') };
  } catch {
    return null;
  }
}

/**
 * Apple issues a token for a location. With `revokeOthers` (what a Download does) every earlier
 * token of the location stops working.
 * @param {SandboxState} state
 * @param {string} uId
 * @param {{ expiresAt?: number, revokeOthers?: boolean, orgName?: string, extraKeys?: Record<string, unknown>, now?: number }} [options]
 * @returns {string} the file text
 */
export function issueToken(state, uId, { expiresAt, revokeOthers = true, orgName, extraKeys = {}, now = Date.now() } = {}) {
  const location = findLocation(state, uId);
  if (!location) throw new Error(`sandbox: no Apple location ${uId}`);
  if (revokeOthers) {
    for (const record of state.appleTokens) if (record.uId === uId) record.revoked = true;
  }
  const token = randomBytes(96).toString('base64');
  const expDate = formatAppleDate(expiresAt ?? now + YEAR_MS);
  const fileOrgName = orgName ?? location.orgName;
  state.appleTokens.push({ token, uId, orgName: fileOrgName, expDate, revoked: false, issuedAt: now });
  return makeVppTokenText({ ...extraKeys, token, orgName: fileOrgName, expDate });
}

/**
 * What Apple thinks of a token file's text.
 * @param {SandboxState} state
 * @param {string} text
 * @returns {{ kind: 'unknown' } | { kind: 'revoked' | 'expired' | 'valid', record: AppleTokenRecord, location: AppleLocation, orgName: string }}
 */
export function tokenStanding(state, text, now = Date.now()) {
  const file = decodeVppTokenText(text);
  const record = file && state.appleTokens.find((candidate) => candidate.token === file.token);
  const location = record && findLocation(state, record.uId);
  if (!file || !record || !location) return { kind: 'unknown' };
  if (record.revoked) return { kind: 'revoked', record, location, orgName: file.orgName };
  if (!(parseAppleDate(record.expDate) > now)) return { kind: 'expired', record, location, orgName: file.orgName };
  return { kind: 'valid', record, location, orgName: file.orgName };
}

/** @param {SandboxState} state @param {string} uId */
export function findLocation(state, uId) {
  return state.locations.find((location) => location.uId === uId);
}

/** The newest token Apple issued for the location (what its page shows), revoked or not. */
export function latestToken(/** @type {SandboxState} */ state, /** @type {string} */ uId) {
  return state.appleTokens.filter((record) => record.uId === uId).at(-1);
}

/** @param {AddigyToken} token */
export function publicAddigyToken(token) {
  /** @type {Record<string, unknown>} */
  const copy = structuredClone(token);
  for (const field of ADDIGY_PRIVATE_FIELDS) delete copy[field];
  return copy;
}

/**
 * The default seed. Each Addigy token holds the file Apple issued for its location, so a scan's
 * outcome follows from Apple's view of that file (North High's was revoked by a newer download).
 * @returns {SandboxState}
 */
export function createSeedState(now = Date.now()) {
  /** @type {SandboxState} */
  const state = { locations: [], appleTokens: [], addigyTokens: [], systemEvents: [], pendingScans: {} };
  /** @param {string} uId @param {string} locationName @param {string} orgName @param {Site} site @param {MdmInfo | null} mdmInfo */
  const location = (uId, locationName, orgName, site, mdmInfo) =>
    state.locations.push({ uId, locationName, orgName, site, countryISO2ACode: 'US', defaultPlatform: 'volumestore', mdmInfo: mdmInfo && { ...mdmInfo } });
  location('LOC-1001', 'Main Campus', 'Acme Corp', 'business', ADDIGY_MDM);
  location('LOC-1002', 'Warehouse', 'Acme Corp', 'business', ADDIGY_MDM);
  location('LOC-2001', 'North High', 'Springfield Schools', 'school', ADDIGY_MDM);
  location('LOC-3001', 'Satellite Office', 'Acme Corp', 'business', null);
  location('LOC-1003', 'Design Studio', 'Acme Corp', 'business', JAMF_MDM);

  // A token issued `daysLeft` days before it expires, as if downloaded long ago.
  /** @param {string} uId @param {number} daysLeft */
  const issue = (uId, daysLeft) =>
    issueToken(state, uId, { expiresAt: now + daysLeft * DAY_MS, now: now + daysLeft * DAY_MS - YEAR_MS });
  const mainText = issue('LOC-1001', 20);
  const warehouseText = issue('LOC-1002', 200);
  const northRevokedText = issue('LOC-2001', 5);
  issue('LOC-2001', 355);
  issue('LOC-3001', 300);
  const designText = issue('LOC-1003', 90);

  /** @param {number} days */
  const ago = (days) => new Date(now - days * DAY_MS).toISOString();
  /** @param {number} days */
  const ahead = (days) => new Date(now + days * DAY_MS).toISOString();
  /**
   * @param {AppleLocation} apple
   * @param {Partial<AddigyToken> & Pick<AddigyToken, 'locationId' | 'policyId' | 'appleId' | 'idNumber' | 'tokenText' | 'lastSync'>} fields
   * @param {string} expires
   * @returns {AddigyToken}
   */
  const addigyToken = (apple, fields, expires) => ({
    inheritedFrom: null,
    forceOnPolicyTree: false,
    active: true,
    orgName: apple.orgName,
    lastSyncingStatus: 'success',
    syncing: false,
    errMsg: null,
    version: '3',
    ...fields,
    // The published spec's top-level expiry; older API copies lack it.
    expDate: expires,
    clientConfig: {
      uId: apple.uId,
      locationName: apple.locationName,
      countryISO2ACode: 'US',
      defaultPlatform: 'volumestore',
      websiteURL: `https://${apple.site}.apple.com`,
      // Addigy's copy mirrors Apple's client config, so Design Studio shows the other MDM.
      ...(apple.mdmInfo ? { mdmInfo: { ...apple.mdmInfo } } : {}),
      subscribedNotificationTypes: [],
      tokenExpirationDate: expires,
    },
  });
  const [main, warehouse, north, , design] = /** @type {[AppleLocation, AppleLocation, AppleLocation, AppleLocation, AppleLocation]} */ (state.locations);
  const mainFields = { locationId: 'loc-main', appleId: 'it-admin@acme.example', idNumber: '4410021', tokenText: mainText, lastSync: ago(2) };
  state.addigyTokens.push(
    addigyToken(main, { ...mainFields, policyId: 'pol-root', forceOnPolicyTree: true }, ahead(20)),
    addigyToken(main, { ...mainFields, policyId: 'pol-child', inheritedFrom: 'pol-root' }, ahead(20)),
    // A number, not a string: the extension must tolerate both.
    addigyToken(warehouse, { locationId: 'loc-warehouse', policyId: 'pol-root', appleId: 'it-admin@acme.example', idNumber: '4410022', tokenText: warehouseText, lastSync: ago(1), version: 3 }, ahead(200)),
    addigyToken(north, { locationId: 'loc-north', policyId: 'pol-schools', appleId: 'tech@springfield.example', idNumber: '5520031', tokenText: northRevokedText, lastSync: ago(6) }, ahead(5)),
    addigyToken(design, { locationId: 'loc-design', policyId: 'pol-root', appleId: 'it-admin@acme.example', idNumber: '4410023', tokenText: designText, lastSync: ago(3) }, ahead(90)),
  );

  state.systemEvents.push({
    event_id: 'evt-0001',
    orgid: 'org-sandbox',
    level: 'error',
    date: new Date(now - 2 * 60 * 60 * 1000).toISOString(),
    action_receiver: { identifier: 'loc-north', name: 'North High' },
    action_sender: { identifier: 'addigy-vpp-sync', name: 'Addigy' },
    action: { name: 'sync', details: 'Apps and Books token sync', entity: { identifier: 'loc-north', name: 'North High' } },
    result: { status: 'error', details: '401 - error while retrieving token assets || 9625 - The server has revoked the sToken.' },
  });
  return state;
}

/** School names for a district seed; a number is added beyond them. None is a prefix of another. */
const DISTRICT_SCHOOLS = [
  'Adams Elementary', 'Brookside Middle', 'Cedar Ridge High', 'Dunmore Academy', 'Evergreen Primary', 'Fairview Elementary',
  'Glenwood Middle', 'Harborview High', 'Ironwood Elementary', 'Jefferson Magnet', 'Kingsley Prep', 'Lakeshore Middle',
  'Maple Grove Elementary', 'Northgate High', 'Oak Hollow Primary', 'Pinecrest Middle', 'Quarry Lane Elementary',
  'Riverside High', 'Sycamore Academy', 'Thornton Elementary', 'Upland Middle', 'Valley View High', 'Willow Creek Primary',
  'Westfield Academy', 'Yarrow Elementary', 'Zephyr Middle', 'Ashford High', 'Bayside Elementary', 'Crestwood Prep',
  'Driftwood Middle',
];

/**
 * @typedef {{
 *   uId: string, locationName: string, locationId: string, policyId: string, daysLeft: number, due: boolean,
 * }} DistrictLocation
 */

/**
 * An organisation with many locations on one Apple site (issue 22's batch), added to a seed: `count` locations, each
 * an Addigy token holding the file Apple issued for it, `dueCount` of them expiring within 30 days (spread over 3..29
 * days, soonest first) and the rest in 200 days. Addigy's confirmation window shows ID number = the location's uId
 * (what a batch compares before it presses Save). The tokens are spread over `policies` policies.
 * @param {SandboxState} state
 * @param {{ count?: number, dueCount?: number, site?: Site, orgName?: string, policies?: number, scanPolls?: number, now?: number }} [options]
 *   `scanPolls`: list polls a scan shows `syncing` (default 1, as everywhere).
 * @returns {DistrictLocation[]}
 */
export function seedDistrict(state, { count = 12, dueCount = 11, site = 'school', orgName = 'Springfield District', policies = 1, scanPolls, now = Date.now() } = {}) {
  if (!(count >= 1) || !(dueCount >= 0) || dueCount > count) throw new Error(`sandbox: seedDistrict needs 0 <= dueCount <= count, not ${dueCount} of ${count}`);
  const slug = orgName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const policyIds = Array.from({ length: Math.max(1, policies) }, (_, i) => `pol-${slug}${i === 0 ? '' : `-${i + 1}`}`);
  state.policyNames = { ...state.policyNames };
  policyIds.forEach((id, i) => {
    /** @type {Record<string, string>} */ (state.policyNames)[id] = i === 0 ? `${orgName} Schools` : `${orgName} Schools ${i + 1}`;
  });
  if (scanPolls !== undefined) state.scanPolls = scanPolls;
  const base = 5000 + state.locations.filter((location) => /^LOC-5\d{3}$/.test(location.uId)).length;
  /** @type {DistrictLocation[]} */
  const seeded = [];
  for (let i = 0; i < count; i++) {
    const uId = `LOC-${base + i + 1}`;
    const locationName = DISTRICT_SCHOOLS[i] ?? `District School ${i + 1}`;
    const due = i < dueCount;
    const daysLeft = due ? (dueCount === 1 ? 3 : 3 + Math.round((i * 26) / (dueCount - 1))) : 200;
    const policyId = /** @type {string} */ (policyIds[i % policyIds.length]);
    const locationId = `loc-${uId.toLowerCase().replace(/^loc-/, '')}`;
    state.locations.push({ uId, locationName, orgName, site, countryISO2ACode: 'US', defaultPlatform: 'volumestore', mdmInfo: { ...ADDIGY_MDM } });
    // Downloaded a year before it expires.
    const tokenText = issueToken(state, uId, { expiresAt: now + daysLeft * DAY_MS, now: now + daysLeft * DAY_MS - YEAR_MS });
    const expires = new Date(now + daysLeft * DAY_MS).toISOString();
    state.addigyTokens.push({
      locationId,
      policyId,
      inheritedFrom: null,
      forceOnPolicyTree: false,
      active: true,
      orgName,
      lastSync: new Date(now - DAY_MS).toISOString(),
      lastSyncingStatus: 'success',
      syncing: false,
      errMsg: null,
      version: '1',
      expDate: expires,
      clientConfig: {
        uId,
        locationName,
        countryISO2ACode: 'US',
        defaultPlatform: 'volumestore',
        websiteURL: `https://${site}.apple.com`,
        mdmInfo: { ...ADDIGY_MDM },
        subscribedNotificationTypes: [],
        tokenExpirationDate: expires,
      },
      appleId: `tech@${slug}.example`,
      idNumber: uId,
      tokenText,
    });
    seeded.push({ uId, locationName, locationId, policyId, daysLeft, due });
  }
  return seeded;
}
