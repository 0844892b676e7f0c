// Gzipped size of what each extension context loads: the popup (HTML's scripts, their imports, CSS),
// the content scripts injected on every Apple Business Manager page and on every page of Addigy's console,
// and the console script the background injects into its own Addigy tabs only. Run after a build.
// --check: exit 1 when the Apple-page scripts are over issue 12's budget, or what the manifest puts on Addigy's
// console pages is over issue 23's (npm test runs it after the build).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname, normalize } from 'node:path';

const args = process.argv.slice(2);
const check = args.includes('--check');
const dist = args.find((arg) => !arg.startsWith('--')) ?? '.output/chrome-mv3';
if (!existsSync(join(dist, 'manifest.json'))) {
  console.error(`No build in ${dist}: run "npm run build" first.`);
  process.exit(1);
}
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

/** A JS file and every chunk it imports statically. */
function closure(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = readFileSync(join(dist, entry), 'utf8');
  for (const [, spec] of source.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g)) {
    const target = spec.startsWith('/') ? spec.slice(1) : normalize(join(dirname(entry), spec));
    closure(target, seen);
  }
  return seen;
}

function pageFiles(html) {
  const text = readFileSync(join(dist, html), 'utf8');
  const files = new Set();
  for (const [, ref] of text.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)) {
    if (ref.endsWith('.js')) closure(ref, files);
    else files.add(ref);
  }
  return [...files];
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const report = (label, files) => {
  const total = files.reduce((sum, f) => sum + gz(f), 0);
  console.log(`${label.padEnd(34)} ${kb(total).padStart(9)} gzip  (${files.length} files)`);
  return total;
};

const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
report('popup (JS + CSS)', pageFiles('popup.html'));
report('options (JS + CSS)', pageFiles('options.html'));
const contentFiles = manifest.content_scripts.flatMap((cs) => [...(cs.js ?? []), ...(cs.css ?? [])]);
report('content scripts at page load', contentFiles);
for (const file of contentFiles) report(`  ${file}`, [file]);
// Issue 12's budget (6 KB): everything the manifest injects on an Apple Business/School Manager page, JS and CSS.
const onApplePages = manifest.content_scripts
  .filter((cs) => cs.matches.some((pattern) => /^https:\/\/(business|school)\.apple\.com\//.test(pattern)))
  .flatMap((cs) => [...(cs.js ?? []), ...(cs.css ?? [])]);
const APPLE_PAGES_BUDGET = 6 * 1024;
const applePages = report('Apple pages (issue 12: <= 6 KB)', onApplePages);
const verdict = applePages <= APPLE_PAGES_BUDGET ? 'within' : 'OVER';
console.log(`${''.padEnd(34)} ${applePages.toLocaleString('en')} B gzip: ${verdict} the budget of ${APPLE_PAGES_BUDGET.toLocaleString('en')} B`);
if (check && applePages > APPLE_PAGES_BUDGET) process.exitCode = 1;

/** Does a manifest match pattern cover this URL? (`<all_urls>`, `*` and `*.` hosts, path globs.) */
function patternMatches(pattern, url) {
  if (pattern === '<all_urls>') return true;
  const [, scheme, host, path] = /^(\*|https?):\/\/([^/]+)(\/.*)$/.exec(pattern) ?? [];
  if (!scheme) return false;
  const target = new URL(url);
  const hostOk = host === '*' || (host.startsWith('*.') ? target.hostname === host.slice(2) || target.hostname.endsWith(host.slice(1)) : target.hostname === host);
  const pathOk = new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(target.pathname);
  return (scheme === '*' || `${scheme}:` === target.protocol) && hostOk && pathOk;
}
// Issue 23's budget (8 KB): everything the manifest injects on a page of Addigy's console, JS and CSS. The console
// script itself is not listed: the background injects it into the tabs it opened for a renewal only.
const onAddigyConsole = manifest.content_scripts
  .filter((cs) => cs.matches.some((pattern) => patternMatches(pattern, 'https://app.addigy.com/policies')))
  .flatMap((cs) => [...(cs.js ?? []), ...(cs.css ?? [])]);
const ADDIGY_CONSOLE_BUDGET = 8 * 1024;
const addigyConsole = report('Addigy console pages (<= 8 KB)', onAddigyConsole);
console.log(
  `${''.padEnd(34)} ${addigyConsole.toLocaleString('en')} B gzip: ${addigyConsole <= ADDIGY_CONSOLE_BUDGET ? 'within' : 'OVER'} the budget of ${ADDIGY_CONSOLE_BUDGET.toLocaleString('en')} B`,
);
if (check && addigyConsole > ADDIGY_CONSOLE_BUDGET) process.exitCode = 1;
const CONSOLE_DRIVER = 'addigy-console-driver.js';
if (existsSync(join(dist, CONSOLE_DRIVER))) report("  injected in Token Relay's tabs", [CONSOLE_DRIVER]);
else {
  console.error(`No ${CONSOLE_DRIVER} in ${dist}: the console script the background injects is missing.`);
  if (check) process.exitCode = 1;
}
report('background worker', closure(manifest.background.service_worker ?? 'background.js') ? [...closure('background.js')] : []);
