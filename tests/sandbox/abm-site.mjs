// @ts-check
/**
 * The sandbox's business.apple.com / school.apple.com: the console SPA (abm-app.js), its shell,
 * the page-internal endpoints its Download buttons use, and two decoy pages.
 */
import { readFileSync } from 'node:fs';
import { issueToken, latestToken } from './world.mjs';

/** @typedef {import('./world.mjs').SandboxState} SandboxState */
/** @typedef {import('./world.mjs').Site} Site */
/** @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} Reply */

const APP_SCRIPT = readFileSync(new URL('./abm-app.js', import.meta.url), 'utf8');
const APP_SCRIPT_PATH = '/static/js/main.7d3f0c1a.js';
const STYLESHEET_PATH = '/static/css/main.4be2a9f0.css';

const CLASS_KEYS = [
  'body', 'layout', 'sidebar', 'brand', 'brandMark', 'navList', 'navItem', 'navLink', 'navGroupLabel',
  'userCard', 'avatar', 'userName', 'subtle', 'main', 'pageHeader', 'breadcrumb', 'breadcrumbItem', 'title',
  'section', 'sectionHeader', 'sectionTitle', 'sectionText', 'buttonPrimary', 'buttonSecondary', 'table', 'th',
  'td', 'tdAction', 'cardList', 'card', 'cardTitle', 'loading', 'spinner', 'alert', 'notice', 'tiles', 'tile',
  'tileValue', 'definitionList', 'topbar', 'portal', 'article',
];

/** Generated-looking class names (`css-1pawoxc`), stable across runs so screenshots stay comparable. */
export const CLASSES = Object.fromEntries(CLASS_KEYS.map((key) => [key, `css-${hashName(key)}`]));

function hashName(/** @type {string} */ key) {
  let hash = 0x811c9dc5;
  for (const char of `abm:${key}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(36).padStart(7, '0').slice(0, 7);
}

const SITES = {
  business: { productName: 'Apple Business Manager', orgName: 'Acme Corp' },
  school: { productName: 'Apple School Manager', orgName: 'Springfield Schools' },
};

/** @param {string} host */
export function siteOfHost(host) {
  return host === 'business.apple.com' ? 'business' : host === 'school.apple.com' ? 'school' : null;
}

/**
 * @param {{ state: SandboxState, site: Site }} context
 * @param {{ method: string, url: URL }} request
 * @returns {Reply}
 */
export function handleAbm({ state, site }, { method, url }) {
  const path = url.pathname;
  if (path === STYLESHEET_PATH) return { status: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: stylesheet() };
  if (path === APP_SCRIPT_PATH) return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' }, body: APP_SCRIPT };
  if (path === '/favicon.ico') return { status: 204 };
  if (path === '/sandbox-api/locations') {
    const locations = state.locations
      .filter((location) => location.site === site)
      .map(({ uId, locationName, orgName }) => {
        const record = latestToken(state, uId);
        return { uId, locationName, orgName, expiresAt: record ? new Date(parseExpiry(record.expDate)).toISOString() : null };
      });
    return json(200, locations);
  }
  const tokenCall = path.match(/^\/sandbox-api\/tokens\/([^/]+)\/(mint|download)$/);
  if (tokenCall) return tokenDownload(state, site, method, decodeSegment(tokenCall[1] ?? ''), tokenCall[2] ?? '');
  const file = path.match(/^\/sandbox-api\/file\/([^/]+)$/);
  if (file) {
    const name = decodeSegment(file[1] ?? '') || 'report.pdf';
    return {
      status: 200,
      headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' },
      body: '%PDF-1.4\n% Sandbox report: not a token\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
    };
  }
  if (path.startsWith('/sandbox-api/') || path.startsWith('/static/')) return json(404, { error: 'not found' });
  if (method !== 'GET') return { status: 405, headers: { 'content-type': 'text/plain' }, body: 'Method Not Allowed' };
  if (path === '/unrelated') return html(unrelatedPage(site));
  if (path === '/other-download') return html(otherDownloadPage(site));
  // Any other path is the SPA (history routes reload to it), or its shell when the console lives in a frame.
  if (path !== '/portal' && url.searchParams.get('frame') === 'portal') return html(portalShell(site, url));
  return html(appPage(site));
}

/**
 * Every mint or download issues a new token and revokes the previous one, as Apple does.
 * @param {SandboxState} state @param {Site} site @param {string} method @param {string} uId @param {string} kind
 * @returns {Reply}
 */
function tokenDownload(state, site, method, uId, kind) {
  const location = state.locations.find((candidate) => candidate.uId === uId && candidate.site === site);
  if (!location) return json(404, { error: 'unknown location' });
  if (kind === 'mint' ? method !== 'POST' : method !== 'GET') return json(405, { error: 'method not allowed' });
  const text = issueToken(state, uId);
  const fileName = `sToken_for_${location.locationName}.vpptoken`;
  const headers = { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' };
  if (kind === 'download') {
    return {
      status: 200,
      headers: { ...headers, 'content-disposition': `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}` },
      body: text,
    };
  }
  return { status: 200, headers, body: text };
}

function decodeSegment(/** @type {string} */ segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function parseExpiry(/** @type {string} */ expDate) {
  return Date.parse(expDate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** @param {number} status @param {unknown} body @returns {Reply} */
function json(status, body) {
  return { status, headers: { 'content-type': 'application/json' }, body };
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

/** @param {Site} site @param {string} title @param {string} body @param {string} [head] */
function htmlDocument(site, title, body, head = '') {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
${head}</head>
<body class="${CLASSES.body}">
${body}
</body>
</html>
`;
}

/** @param {Site} site */
function appPage(site) {
  const config = { site, ...SITES[site], classes: CLASSES };
  // `<` escaped so the JSON cannot close its script element.
  const configJson = JSON.stringify(config).replace(/</g, '\\u003c');
  return htmlDocument(
    site,
    SITES[site].productName,
    `<div id="root"></div>
<script id="__app_config__" type="application/json">${configJson}</script>
<script src="${APP_SCRIPT_PATH}"></script>`,
  );
}

/** @param {Site} site @param {URL} url */
function portalShell(site, url) {
  const frameQuery = new URLSearchParams(url.searchParams);
  frameQuery.delete('frame');
  const query = frameQuery.toString();
  const initialRoute = frameQuery.get('start') === 'home' ? '#/main/home' : '#/main/preferences/paymentsandbilling/appsandbooks';
  const src = `/portal${query ? `?${query}` : ''}${initialRoute}`;
  return htmlDocument(
    site,
    SITES[site].productName,
    `<div class="${CLASSES.topbar}"><span class="${CLASSES.brandMark}" aria-hidden="true"></span>${escapeHtml(SITES[site].productName)}</div>
<iframe name="MainPortal" title="${escapeHtml(SITES[site].productName)}" class="${CLASSES.portal}" src="${escapeHtml(src)}"></iframe>`,
  );
}

/** @param {Site} site */
function unrelatedPage(site) {
  return htmlDocument(
    site,
    `${SITES[site].productName} Help`,
    `<article class="${CLASSES.article}">
<h1 class="${CLASSES.title}">${escapeHtml(SITES[site].productName)} Help</h1>
<p class="${CLASSES.sectionText}">Your device management service needs a token for each location before it can assign apps and books.
Sign in with the Content Manager role, open your preferences, and look for Content Tokens (formerly Server Tokens).</p>
<p class="${CLASSES.sectionText}">Select Download next to the location you want. Each Download creates a new token and revokes the previous one,
so upload the new file to your device management service straight away.</p>
</article>`,
  );
}

/** @param {Site} site */
function otherDownloadPage(site) {
  const script = `document.getElementById('download-report').addEventListener('click', async () => {
  const response = await fetch('/sandbox-api/file/report.pdf');
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = 'report.pdf';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
});`;
  return htmlDocument(
    site,
    'Reports',
    `<main class="${CLASSES.main}">
<h1 class="${CLASSES.title}">Reports</h1>
<section class="${CLASSES.section}">
<h2 class="${CLASSES.sectionTitle}">Licence usage</h2>
<p class="${CLASSES.sectionText}">A summary of the licences assigned in each location.</p>
<button id="download-report" type="button" class="${CLASSES.buttonPrimary}">Download</button>
</section>
</main>
<script>${script}</script>`,
  );
}

function stylesheet() {
  const c = CLASSES;
  return `
*,*::before,*::after{box-sizing:border-box}
.${c.body}{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,"SF Pro Text","Helvetica Neue",Helvetica,Arial,sans-serif;color:#1d1d1f;background:#fff;-webkit-font-smoothing:antialiased}
.${c.layout}{display:flex;min-height:100vh}
.${c.sidebar}{width:248px;flex:none;background:#f5f5f7;border-right:1px solid #d2d2d7;display:flex;flex-direction:column;padding:18px 12px}
.${c.brand},.${c.topbar}{display:flex;align-items:center;gap:8px;font-weight:600;font-size:15px;padding:4px 8px 18px}
.${c.topbar}{padding:12px 20px;border-bottom:1px solid #d2d2d7;background:#f5f5f7}
.${c.brandMark}{width:18px;height:18px;border-radius:5px;background:linear-gradient(135deg,#1d1d1f,#6e6e73)}
.${c.navList}{list-style:none;margin:0 0 12px;padding:0}
.${c.navItem}{margin:1px 0}
.${c.navLink}{display:block;padding:6px 10px;border-radius:7px;color:#1d1d1f;text-decoration:none}
.${c.navLink}:hover{background:#e8e8ed}
.${c.navLink}[aria-current=page]{background:#0071e3;color:#fff}
.${c.navGroupLabel}{font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:#6e6e73;padding:10px 10px 4px}
.${c.userCard}{margin-top:auto;display:flex;align-items:center;gap:10px;padding:10px;border-top:1px solid #d2d2d7}
.${c.avatar}{width:32px;height:32px;border-radius:50%;background:#6e6e73;color:#fff;display:grid;place-items:center;font-size:12px;font-weight:600}
.${c.userName}{font-weight:600}
.${c.subtle}{color:#6e6e73;font-size:12px}
.${c.main}{flex:1;padding:28px 40px;max-width:980px}
.${c.pageHeader}{margin-bottom:20px}
.${c.breadcrumb}{list-style:none;display:flex;gap:6px;margin:0 0 6px;padding:0;color:#6e6e73;font-size:12px}
.${c.breadcrumbItem}+.${c.breadcrumbItem}::before{content:"›";margin-right:6px}
.${c.title}{font-size:28px;font-weight:600;margin:0;letter-spacing:-.01em}
.${c.section}{border:1px solid #d2d2d7;border-radius:12px;padding:20px 24px;margin-bottom:20px}
.${c.sectionHeader}{display:flex;align-items:center;justify-content:space-between;gap:12px}
.${c.sectionTitle}{font-size:19px;font-weight:600;margin:0}
.${c.sectionText}{color:#424245;margin:8px 0 16px;max-width:640px}
.${c.buttonPrimary},.${c.buttonSecondary}{font:inherit;border-radius:980px;padding:5px 14px;cursor:pointer;border:1px solid transparent}
.${c.buttonPrimary}{background:#0071e3;color:#fff}
.${c.buttonPrimary}:hover{background:#0077ed}
.${c.buttonSecondary}{background:#fff;color:#0071e3;border-color:#0071e3}
.${c.table}{width:100%;border-collapse:collapse}
.${c.th}{text-align:left;font-size:12px;font-weight:600;color:#6e6e73;padding:8px;border-bottom:1px solid #d2d2d7}
.${c.td}{padding:10px 8px;border-bottom:1px solid #e8e8ed;vertical-align:middle}
.${c.tdAction}{text-align:right}
.${c.cardList}{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.${c.card}{border:1px solid #d2d2d7;border-radius:10px;padding:14px 16px;display:flex;align-items:center;justify-content:space-between;gap:12px}
.${c.cardTitle}{font-weight:600}
.${c.loading}{display:flex;align-items:center;gap:10px;color:#6e6e73;padding:40px 0}
.${c.spinner}{width:16px;height:16px;border:2px solid #d2d2d7;border-top-color:#6e6e73;border-radius:50%;animation:${c.spinner} .8s linear infinite}
@keyframes ${c.spinner}{to{transform:rotate(360deg)}}
.${c.alert}{background:#fff2f2;border:1px solid #f5c2c0;color:#a1150c;border-radius:8px;padding:10px 14px;margin-top:12px}
.${c.tiles}{display:grid;grid-template-columns:repeat(3,1fr);gap:16px}
.${c.tile}{border:1px solid #d2d2d7;border-radius:12px;padding:18px}
.${c.tileValue}{font-size:26px;font-weight:600}
.${c.definitionList}{display:grid;grid-template-columns:200px 1fr;gap:8px 16px;margin:0}
.${c.definitionList} dt{color:#6e6e73}
.${c.definitionList} dd{margin:0}
.${c.portal}{display:block;width:100%;height:calc(100vh - 46px);border:0}
.${c.article}{max-width:720px;margin:40px auto;padding:0 24px}
`;
}
