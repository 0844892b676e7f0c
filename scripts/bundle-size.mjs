// Gzipped size of what each extension context loads: the popup (HTML's scripts, their imports, CSS),
// the content scripts injected on every Apple Business Manager page and on every page of Addigy's console,
// and the scripts the background injects on demand (the Apple batch script, the Addigy console script). Run after a build.
// --check: exit 1 when the Apple-page scripts are over issue 12's budget, the batch script over its own, the popup's
// first paint over issue 23's, or what the manifest puts on Addigy's console pages over issue 23's (npm test runs it
// after the build).
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
  // The modules popup-shell.js loads itself (wxt.config.ts): after the shell's frame, or for the first frame when
  // there is no shell, so they count.
  for (const [, refs] of text.matchAll(/data-(?:entry|preload)="([^"]*)"/g)) {
    for (const ref of refs.split(' ').filter(Boolean)) closure(ref.replace(/^\//, ''), files);
  }
  return [...files];
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const report = (label, files) => {
  const total = files.reduce((sum, f) => sum + gz(f), 0);
  console.log(`${label.padEnd(34)} ${kb(total).padStart(9)} gzip  (${files.length} files)`);
  return total;
};

/** The chunks a set of files imports with import(), and their own imports and CSS: loaded later, on demand. */
function lazyFiles(files) {
  const later = new Set();
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(dist, file), 'utf8');
    // Vite names a dynamic chunk's files in __vite__mapDeps, or the import() names the chunk itself.
    for (const [, ref] of source.matchAll(/["'](?:\.\/|\/)?((?:chunks|assets)\/[^"']+\.(?:js|css))["']/g)) later.add(ref);
    for (const [, spec] of source.matchAll(/import\(\s*["']([^"']+\.js)["']\s*\)/g)) {
      later.add(spec.startsWith('/') ? spec.slice(1) : normalize(join(dirname(file), spec)));
    }
  }
  const all = new Set();
  for (const file of later) (file.endsWith('.js') ? closure(file, all) : all.add(file));
  return [...all].filter((f) => !files.includes(f) && existsSync(join(dist, f)));
}

const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
// Issue 23's budget (25 KB): every script and stylesheet the popup loads for its first frame, modulepreloads and
// imported chunks included, and popup.html itself, which holds the popup's stylesheet inline. What it imports after that frame (the renewal view, history, the file picker, the
// notices, the message schemas, BatchView) is reported beside it.
const POPUP_BUDGET = 25 * 1024;
const popupFirst = ['popup.html', ...pageFiles('popup.html')];
const popup = report('popup first paint (issue 23: <= 25 KB)', popupFirst);
console.log(`${''.padEnd(34)} ${popup.toLocaleString('en')} B gzip: ${popup <= POPUP_BUDGET ? 'within' : 'OVER'} the budget of ${POPUP_BUDGET.toLocaleString('en')} B`);
if (check && popup > POPUP_BUDGET) process.exitCode = 1;
for (const file of popupFirst) report(`  ${file}`, [file]);
report('popup after its first paint', lazyFiles(popupFirst));
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
// Issue 22's batch script: not in the manifest, injected on demand into an Apple tab (a token is due, or a batch runs).
const BATCH_SCRIPT = 'abm-batch.js';
const BATCH_SCRIPT_BUDGET = 8 * 1024;
if (contentFiles.includes(BATCH_SCRIPT)) {
  console.error(`${BATCH_SCRIPT} is listed in the manifest's content_scripts: it must load on demand only.`);
  if (check) process.exitCode = 1;
}
if (existsSync(join(dist, BATCH_SCRIPT))) {
  const batchScript = report('Apple batch script, on demand', [...closure(BATCH_SCRIPT)]);
  const batchVerdict = batchScript <= BATCH_SCRIPT_BUDGET ? 'within' : 'OVER';
  console.log(`${''.padEnd(34)} ${batchScript.toLocaleString('en')} B gzip: ${batchVerdict} the budget of ${BATCH_SCRIPT_BUDGET.toLocaleString('en')} B`);
  if (check && batchScript > BATCH_SCRIPT_BUDGET) process.exitCode = 1;
} else {
  console.error(`No ${BATCH_SCRIPT} in ${dist}.`);
  if (check) process.exitCode = 1;
}

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
