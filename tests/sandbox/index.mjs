// @ts-check
/**
 * The sandbox: one HTTPS server that plays Apple Business/School Manager, Apple's Apps and Books API,
 * Addigy's API and Addigy's web console with its sign-in, told apart by the Host header. Chromium reaches it through --host-resolver-rules.
 * Types: index.d.mts.
 */
import { createServer } from 'node:https';
import { handleAbm, siteOfHost } from './abm-site.mjs';
import { handleAddigy } from './addigy-api.mjs';
import { CONSOLE_HOST, CONSOLE_VARIANTS, IDENTIFIER_MISMATCH_ERROR, LOGIN_HOST, clearConsoleState, createConsoleState, handleAddigyConsole } from './addigy-console.mjs';
import { handleAppleVpp } from './apple-vpp-api.mjs';
import { JAMF_HOST, createJamfProState } from './jamf-pro.mjs';
import { handleJamfPro } from './jamf-pro.mjs';
import { FLEET_HOST, createFleetState, handleFleet } from './fleet.mjs';
import { MS_GRAPH_HOST, MS_LOGIN_HOST, createMicrosoftState, handleMicrosoft } from './microsoft.mjs';
import { SANDBOX_HOSTS, sandboxCertificate } from './certificate.mjs';
import { clearFaults, createFaultState } from './faults.mjs';
import { ADDIGY_MDM, DAY_MS, createSeedState, findLocation, issueToken, latestToken, makeVppTokenText } from './world.mjs';

export { makeVppTokenText, decodeVppTokenText, formatAppleDate, seedDistrict } from './world.mjs';
export { SANDBOX_HOSTS } from './certificate.mjs';
export { REVOKED_SCAN_ERROR, EXPIRED_SCAN_ERROR } from './addigy-api.mjs';
export { IDENTIFIER_MISMATCH_ERROR, SYNC_ERROR, SESSION_COOKIE, CONSOLE_VARIANTS } from './addigy-console.mjs';

export const DEFAULT_API_KEY = 'sandbox-api-key-0001';
export { JAMF_HOST, JAMF_CLIENT_ID, JAMF_CLIENT_SECRET } from './jamf-pro.mjs';
export { FLEET_HOST, FLEET_API_TOKEN } from './fleet.mjs';
export { MS_LOGIN_HOST, MS_GRAPH_HOST, INTUNE_TENANT_ID, INTUNE_CLIENT_ID } from './microsoft.mjs';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {import('./faults.mjs').AddigyCall} AddigyCall */
/**
 * @typedef {{
 *   host: string, method: string, path: string, headers: Record<string, string | string[] | undefined>,
 *   body: string, at: number, status?: number, call?: AddigyCall | null,
 * }} RecordedRequest
 * @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply
 */

/**
 * @param {{ port?: number, seed?: (state: SandboxState) => void, apiKey?: string }} [options]
 */
export async function startSandbox({ port = 0, seed, apiKey = DEFAULT_API_KEY } = {}) {
  const { key, cert } = await sandboxCertificate();
  const state = /** @type {SandboxState} */ ({});
  const faultState = createFaultState();
  /** @type {Record<string, string[]> | null} */
  let orgKeys = null;
  const consoleState = createConsoleState();
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {Set<import('node:http').ServerResponse>} */
  const hung = new Set();

  const seedWorld = () => {
    // In place: tests keep references to `sandbox.state`.
    const fresh = createSeedState();
    for (const field of Object.keys(state)) delete /** @type {Record<string, unknown>} */ (state)[field];
    Object.assign(state, fresh);
    seed?.(state);
  };
  seedWorld();
  // Other MDMs' stand-ins: each seeds its tokens from Apple's locations, and is re-seeded in place on reset().
  const jamf = createJamfProState(state);
  const fleet = createFleetState(state);
  const microsoft = createMicrosoftState(state);
  const reseedMdms = () => {
    for (const [target, fresh] of /** @type {Array<[Record<string, unknown>, Record<string, unknown>]>} */ ([
      [jamf, createJamfProState(state)],
      [fleet, createFleetState(state)],
      [microsoft, createMicrosoftState(state)],
    ])) {
      for (const field of Object.keys(target)) delete target[field];
      Object.assign(target, fresh);
    }
  };

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  const handle = async (req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    /** @type {RecordedRequest} */
    const record = { host, method, path: req.url ?? '/', headers: { ...req.headers }, body, at: Date.now() };
    requests.push(record);

    /** @type {Reply | 'hang'} */
    let reply;
    try {
      if (host === 'api.addigy.com') {
        const handled = handleAddigy({ state, faults: faultState, apiKey, orgKeys }, { method, pathname: url.pathname, headers: req.headers, body });
        record.call = handled.call;
        reply = handled.reply;
      } else if (host === CONSOLE_HOST || host === LOGIN_HOST) {
        reply = handleAddigyConsole({ state, faults: faultState, console: consoleState }, { host, method, url, headers: req.headers, body });
      } else if (host === JAMF_HOST) {
        reply = handleJamfPro({ world: state, state: jamf }, { host, method, url, headers: req.headers, body });
      } else if (host === FLEET_HOST) {
        reply = handleFleet({ world: state, state: fleet }, { host, method, url, headers: req.headers, body });
      } else if (host === MS_LOGIN_HOST || host === MS_GRAPH_HOST) {
        reply = handleMicrosoft({ world: state, state: microsoft }, { host, method, url, headers: req.headers, body });
      } else if (host === 'vpp.itunes.apple.com') {
        reply = handleAppleVpp({ state, faults: faultState }, { method, pathname: url.pathname, headers: req.headers });
      } else {
        const site = siteOfHost(host);
        reply = site
          ? handleAbm({ state, site }, { method, url })
          : { status: 421, headers: { 'content-type': 'text/plain' }, body: `The sandbox does not serve ${host || 'this host'}.` };
      }
    } catch (error) {
      reply = { status: 500, headers: { 'content-type': 'text/plain' }, body: `sandbox error: ${String(error)}` };
    }
    if (reply === 'hang') {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    record.status = reply.status;
    const payload =
      reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(payload);
  };

  const server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  /** @param {string} uId */
  const locationOrThrow = (uId) => {
    const location = findLocation(state, uId);
    if (!location) throw new Error(`sandbox: no Apple location ${uId}`);
    return location;
  };
  let closed = false;

  return {
    port: boundPort,
    /** @param {string} host */
    origin: (host) => `https://${host}`,
    hostResolverRules: SANDBOX_HOSTS.map((host) => `MAP ${host} 127.0.0.1:${boundPort}`).join(', '),
    apiKey,
    state,
    requests,
    /** @param {AddigyCall | ((request: RecordedRequest) => boolean)} [filter] */
    addigyRequests(filter) {
      const addigy = requests.filter((request) => request.host === 'api.addigy.com');
      if (filter === undefined) return addigy;
      return addigy.filter(typeof filter === 'function' ? filter : (request) => request.call === filter);
    },
    appleRequests() {
      return requests.filter((request) => request.host === 'vpp.itunes.apple.com');
    },
    /** Successful token mints and downloads on the Apple pages, optionally for one location. @param {string} [uId] */
    tokenDownloads(uId) {
      return requests.filter((request) => {
        const match = request.path.match(/^\/sandbox-api\/tokens\/([^/?]+)\/(?:mint|download)(?:\?|$)/);
        return match && request.status === 200 && (uId === undefined || decodeURIComponent(match[1] ?? '') === uId);
      });
    },
    /**
     * The newest file Apple issued for the location, exactly as its Download handed it over (undefined if none).
     * @param {string} uId
     */
    appleFile(uId) {
      const record = latestToken(state, uId);
      return record && makeVppTokenText({ token: record.token, orgName: record.orgName, expDate: record.expDate });
    },
    /** What a Download click produces: a new token that revokes the location's earlier ones. @param {string} uId */
    mintToken(uId) {
      locationOrThrow(uId);
      return issueToken(state, uId);
    },
    /**
     * A valid (or expired) token file that revokes nothing.
     * @param {string} uId
     * @param {{ expired?: boolean, orgName?: string, extraKeys?: Record<string, unknown> }} [options]
     */
    tokenFor(uId, { expired = false, orgName, extraKeys } = {}) {
      locationOrThrow(uId);
      return issueToken(state, uId, { revokeOthers: false, expiresAt: expired ? Date.now() - DAY_MS : undefined, orgName, extraKeys });
    },
    /** Every token of the location stops working, as after a password change. @param {string} uId */
    revoke(uId) {
      locationOrThrow(uId);
      for (const record of state.appleTokens) if (record.uId === uId) record.revoked = true;
    },
    /**
     * Apple reports another MDM as the location's manager; null hands it back (to Addigy when Addigy knows it).
     * @param {string} uId @param {string | null} name
     */
    setOtherMdm(uId, name) {
      const location = locationOrThrow(uId);
      const addigyKnows = state.addigyTokens.some((token) => token.clientConfig.uId === uId);
      location.mdmInfo = name
        ? { id: `mdm-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name, metadata: '' }
        : addigyKnows ? { ...ADDIGY_MDM } : null;
    },
    /**
     * An MSP's Addigy organisations: each key sees only its organisations' tokens (until reset, when the one
     * default key sees every token again). @param {Record<string, string[]>} keys
     */
    addigyOrgs(keys) {
      orgKeys = { ...keys };
    },
    /** Jamf Pro at acme.jamfcloud.com: its locations, uploads (renew calls) and faults. */
    jamf,
    /** Fleet at fleet.acme-corp.net: its tokens, uploads, `premium` flag and faults. */
    fleet,
    /** Intune: Microsoft's sign-in (signIns, redirectUris) and Graph (tokens, uploads, faults). */
    microsoft,
    /** Requests to one of the other MDMs' hosts. @param {string} host */
    requestsTo(host) {
      return requests.filter((request) => request.host === host);
    },
    /** Every token file given to the console stand-in (preview and Save), oldest first. */
    consoleUploads() {
      return consoleState.uploads.map((upload) => ({ ...upload }));
    },
    /**
     * The renewals Addigy's console saved (the confirmation's Save, accepted), oldest first, optionally for one Apple
     * location; each with the location's uId and the exact file text. @param {string} [uId]
     */
    consoleSaves(uId) {
      const uIdOf = (/** @type {string} */ locationId) => state.addigyTokens.find((token) => token.locationId === locationId)?.clientConfig.uId ?? '';
      return consoleState.uploads
        .filter((upload) => upload.stage === 'saved' && upload.accepted)
        .map((upload) => ({ ...upload, uId: uIdOf(upload.locationId) }))
        .filter((upload) => uId === undefined || upload.uId === uId);
    },
    console: {
      /** From now on app.addigy.com needs a session from login.addigy.com's form; reset() signs back in. */
      signOut() {
        consoleState.signedOut = true;
        consoleState.sessions.clear();
      },
      /** Back to the default: every console request counts as the signed-in admin's. */
      signIn() {
        consoleState.signedOut = false;
      },
      /**
       * Switches a console variant on until reset(); `delayMs` sets the slow confirmation's delay, and the
       * late input's fallback delay (it appears 300 ms after another element is added to the page, or after this).
       * @param {import('./addigy-console.mjs').ConsoleVariant} name @param {{ delayMs?: number }} [options]
       */
      variant(name, { delayMs } = {}) {
        if (!CONSOLE_VARIANTS.includes(name)) throw new Error(`sandbox: no console variant ${name}`);
        consoleState.variants.add(name);
        if (name === 'slow-confirmation' && delayMs !== undefined) consoleState.confirmationDelayMs = delayMs;
        if (name === 'late-input' && delayMs !== undefined) consoleState.lateInputDelayMs = delayMs;
      },
      /** Addigy's page is back to normal, the rest of the world as it is. */
      clearVariants() {
        consoleState.variants.clear();
      },
      /**
       * Until reset (or `accept`), the console refuses every file for one token (by Addigy locationId or Apple uId)
       * with this red-box error, the identifier mismatch by default; the other tokens renew as usual.
       * @param {string} key @param {string} [error]
       */
      refuse(key, error = IDENTIFIER_MISMATCH_ERROR) {
        consoleState.refusals.set(key, error);
      },
      /** The console takes that token's files again. @param {string} key */
      accept(key) {
        consoleState.refusals.delete(key);
      },
    },
    faults: {
      /**
       * @param {AddigyCall | '*'} call
       * @param {{ status?: number, times?: number, retryAfter?: number | string, body?: unknown, hang?: boolean }} fault
       */
      addigy(call, { status, times = 1, retryAfter, body, hang } = {}) {
        faultState.addigy.push({ call, status, times, retryAfter, body, hang });
      },
      /** @param {{ status?: number, errorNumber?: number, times?: number, retryAfter?: number | string, hang?: boolean }} fault */
      apple({ status, errorNumber, times = 1, retryAfter, hang } = {}) {
        faultState.apple.push({ status, errorNumber, times, retryAfter, hang });
      },
      /** Scans of this token end in this error until reset; null clears it. @param {string} locationId @param {string | null} errMsg */
      scanError(locationId, errMsg) {
        if (errMsg === null) delete faultState.scanErrors[locationId];
        else faultState.scanErrors[locationId] = errMsg;
      },
      /** How many list polls still show `syncing: true` after a scan request (default 1). @param {string} locationId @param {number} n */
      syncingPolls(locationId, n) {
        faultState.syncingPolls[locationId] = n;
      },
    },
    reset() {
      seedWorld();
      reseedMdms();
      orgKeys = null;
      requests.length = 0;
      clearFaults(faultState);
      clearConsoleState(consoleState);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const res of hung) res.socket?.destroy();
      hung.clear();
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
    },
  };
}
