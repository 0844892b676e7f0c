// Popup first meaningful paint with many tokens, over repeated opens of the production build in Chromium.
// First meaningful paint: from navigation start to the paint of the first frame that shows the overview's rows
// (the popup's first contentful paint, checked to hold the rows: the whole popup comes in one render). Also
// reported: when every row is built (the overview builds the rows of its first frame, then the rest).
// Prints medians and p95.
// Usage: npm run build && node scripts/bench-popup.mjs [runs] [tokens]   (defaults: 30 runs, 200 tokens)
// BENCH_FLOOR=1 also times, interleaved with the popup, what this machine allows at best: two pages added to a copy
// of the build (never to the build itself), static HTML with one list item, and one tiny module script that builds
// 24 list items.
// BENCH_BEFORE=<another build's directory> also times that build's popup, interleaved in the same run: its popup page
// and scripts are added to the copy under /before/, with its own shell key, and talk to this build's worker. For a
// before-and-after figure from one run, e.g. a build of an older commit: `git worktree add /tmp/old <commit>`, build
// it there, then `BENCH_FLOOR=1 BENCH_BEFORE=/tmp/old/.output/chrome-mv3 node scripts/bench-popup.mjs`.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSandbox } from '../tests/sandbox/index.mjs';

const FLOOR = Boolean(process.env.BENCH_FLOOR);
const BEFORE = process.env.BENCH_BEFORE;
const BEFORE_SHELL_KEY = 'tokenRelay.shellBefore';
let beforeHasShell = false;
if (FLOOR || BEFORE) {
  const copy = mkdtempSync(join(tmpdir(), 'token-relay-floor-'));
  cpSync(process.env.TOKEN_RELAY_EXTENSION_DIR ?? '.output/chrome-mv3', copy, { recursive: true });
  const page = (head, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>Token Relay</title>${head}</head><body>${body}</body></html>`;
  writeFileSync(join(copy, 'floor-static.html'), page('', '<ul><li data-state="valid">Location 001</li></ul>'));
  writeFileSync(join(copy, 'floor-script.html'), page('<script type="module" src="/floor-script.js"></script>', ''));
  writeFileSync(
    join(copy, 'floor-script.js'),
    `const list = document.createElement('ul');
for (let i = 1; i <= 24; i++) { const item = document.createElement('li'); item.dataset.state = 'valid'; item.textContent = 'Location ' + i; list.append(item); }
document.body.append(list);`,
  );
  if (BEFORE) {
    if (!existsSync(join(BEFORE, 'popup.html'))) throw new Error(`BENCH_BEFORE: no popup.html in ${BEFORE}`);
    // Its pages' scripts, chunks and stylesheets (not its worker), paths moved under /before/, its shell key its own.
    const moved = (text) =>
      text.replace(/(["'\s])\/(chunks\/|assets\/|[\w-]+\.(?:js|css)["'\s])/g, '$1/before/$2').replace(/(["'])tokenRelay\.shell\1/g, `$1${BEFORE_SHELL_KEY}$1`);
    const takeFile = (path) => {
      const text = moved(readFileSync(join(BEFORE, path), 'utf8'));
      beforeHasShell ||= text.includes(BEFORE_SHELL_KEY);
      mkdirSync(dirname(join(copy, 'before', path)), { recursive: true });
      writeFileSync(join(copy, 'before', path), text);
    };
    const takeDir = (dir) => {
      for (const entry of readdirSync(join(BEFORE, dir), { withFileTypes: true })) {
        if (entry.isDirectory()) takeDir(join(dir, entry.name));
        else if (/\.(js|css)$/.test(entry.name)) takeFile(join(dir, entry.name));
      }
    };
    for (const dir of ['chunks', 'assets']) if (existsSync(join(BEFORE, dir))) takeDir(dir);
    for (const name of readdirSync(BEFORE)) if (/^(popup\.html|[\w-]+\.js)$/.test(name) && name !== 'background.js') takeFile(name);
  }
  process.env.TOKEN_RELAY_EXTENSION_DIR = copy;
}
const { launchExtension, saveApiKey } = await import('../tests/e2e/harness.mjs');

const RUNS = Number(process.argv[2] ?? 30);
const TOKENS = Number(process.argv[3] ?? 200);
const ORGS = ['Acme Corp', 'Springfield Schools', 'Globex', 'Initech', 'Umbrella Health'];

/**
 * TOKENS Addigy tokens, cloned from the seed's Warehouse with their own ids and names, spread over five
 * organisations (so the overview groups them) and over the next forty days (one in forty expired, most
 * expiring soon); one in twenty-five failed its last sync.
 */
function manyTokens(state) {
  const template = state.addigyTokens.find((t) => t.locationId === 'loc-warehouse');
  state.addigyTokens = Array.from({ length: TOKENS }, (_, i) => {
    const expires = new Date(Date.now() + (i % 40) * 86_400_000).toISOString();
    return {
      ...structuredClone(template),
      locationId: `loc-${i}`,
      idNumber: String(5000 + i),
      orgName: ORGS[i % ORGS.length],
      ...(i % 25 === 7 ? { lastSyncingStatus: 'error', errMsg: 'Scan timed out after 300 s' } : {}),
      // Addigy's top-level copy of the expiry wins over the client config's: both move.
      expDate: expires,
      clientConfig: {
        ...structuredClone(template.clientConfig),
        uId: `LOC-B${i}`,
        locationName: `Location ${String(i + 1).padStart(3, '0')}`,
        tokenExpirationDate: expires,
      },
    };
  });
  state.systemEvents = [];
}

const sandbox = await startSandbox({ seed: manyTokens });
const session = await launchExtension({ hostResolverRules: sandbox.hostResolverRules });
try {
  await saveApiKey(session, sandbox.apiKey);
  // One open to fetch the tokens; the timed opens then paint from the saved picture.
  const warm = await session.openPopup();
  await warm.waitForFunction((n) => document.querySelectorAll('li[data-state]').length >= n, TOKENS);
  // As an admin's look at the popup does, it draws the next opening's shell (components/popup-shell.ts) once the
  // background has answered; BENCH_NO_SHELL=1 times the first opening of a day instead, which has none.
  if (process.env.BENCH_NO_SHELL) {
    await session.context.addInitScript((keys) => keys.forEach((key) => localStorage.removeItem(key)), ['tokenRelay.shell', BEFORE_SHELL_KEY]);
  } else await warm.waitForFunction(() => localStorage.getItem('tokenRelay.shell') !== null);
  await warm.close();
  if (BEFORE) {
    // The other build's popup, opened once too: its shell, if it keeps one, under its own key.
    const before = await session.context.newPage();
    await before.goto(`chrome-extension://${session.extensionId}/before/popup.html`);
    await before.waitForFunction(() => document.querySelectorAll('li[data-state]').length > 0);
    if (beforeHasShell && !process.env.BENCH_NO_SHELL) await before.waitForFunction((key) => localStorage.getItem(key) !== null, BEFORE_SHELL_KEY);
    await before.close();
  }

  await session.context.addInitScript((n) => {
    const marks = (window.__popupMarks = {});
    new MutationObserver((_, observer) => {
      const rows = document.querySelectorAll('li[data-state]').length;
      if (rows > 0) marks.firstRows ??= performance.now();
      // The live view: rows drawn by Preact, not the shell public/popup-shell.js drew.
      if (rows > 0 && !document.querySelector('#app[data-shell]')) marks.liveRows ??= performance.now();
      if (rows >= n) {
        marks.allRows = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name === 'first-contentful-paint') marks.firstPaint = entry.startTime;
    }).observe({ type: 'paint' });
  }, TOKENS);
  const PAGES = ['popup.html', ...(BEFORE ? ['before/popup.html'] : []), ...(FLOOR ? ['floor-static.html', 'floor-script.html'] : [])];
  const samples = Object.fromEntries(PAGES.map((name) => [name, { meaningful: [], liveRows: [], allRows: [] }]));
  // One tab, as the popup's own view: the previous page is torn down on about:blank first, outside the timing.
  const page = await session.context.newPage();
  for (let i = 0; i < RUNS; i++) {
    for (const name of PAGES) {
      await page.goto('about:blank');
      await page.goto(`chrome-extension://${session.extensionId}/${name}`);
      const popup = name.endsWith('popup.html');
      await page.waitForFunction(
        (all) => window.__popupMarks.firstPaint !== undefined && (all ? window.__popupMarks.allRows : window.__popupMarks.firstRows) !== undefined,
        popup,
      );
      const { firstRows, liveRows, allRows, firstPaint } = await page.evaluate(() => window.__popupMarks);
      // A first paint without the rows (a "Loading…" frame) is not meaningful.
      if (firstRows > firstPaint) throw new Error(`${name} painted at ${firstPaint.toFixed(1)} ms before its rows existed (${firstRows.toFixed(1)} ms).`);
      samples[name].meaningful.push(firstPaint);
      if (popup) {
        samples[name].liveRows.push(liveRows);
        samples[name].allRows.push(allRows);
      }
    }
  }
  const at = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
  const figures = (values) => `median ${at(values, 0.5).toFixed(1)} ms, p95 ${at(values, 0.95).toFixed(1)} ms`;
  console.log(`popup with ${TOKENS} tokens, ${RUNS} opens:`);
  console.log(`  first meaningful paint (the overview's rows painted)  ${figures(samples['popup.html'].meaningful)}`);
  console.log(`  the live view's rows (Preact's, replacing the shell)  ${figures(samples['popup.html'].liveRows)}`);
  console.log(`  every row built                                      ${figures(samples['popup.html'].allRows)}`);
  if (BEFORE) {
    console.log(`the popup of ${BEFORE}, interleaved with those opens:`);
    console.log(`  first meaningful paint (the overview's rows painted)  ${figures(samples['before/popup.html'].meaningful)}`);
    console.log(`  the live view's rows (Preact's, replacing the shell)  ${figures(samples['before/popup.html'].liveRows)}`);
  }
  if (FLOOR) {
    console.log(`the floor here, interleaved with those opens:`);
    console.log(`  static page, one list item, first paint              ${figures(samples['floor-static.html'].meaningful)}`);
    console.log(`  one tiny module script building 24 items, first paint ${figures(samples['floor-script.html'].meaningful)}`);
  }
} finally {
  await session.close();
  await sandbox.close();
}
