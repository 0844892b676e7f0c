// Popup first meaningful paint with many tokens: time from navigation start until the overview lists
// all of them, over repeated opens of the production build in Chromium. Prints median and p95.
// Usage: npm run build && node scripts/bench-popup.mjs [runs] [tokens]   (defaults: 30 runs, 200 tokens)
import { startSandbox } from '../tests/sandbox/index.mjs';
import { launchExtension, saveApiKey } from '../tests/e2e/harness.mjs';

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
  await warm.close();

  const page = await session.context.newPage();
  await page.addInitScript((n) => {
    new MutationObserver((_, observer) => {
      if (document.querySelectorAll('li[data-state]').length >= n) {
        window.__paintedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, TOKENS);
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
    await page.waitForFunction(() => window.__paintedAt !== undefined);
    samples.push(await page.evaluate(() => window.__paintedAt));
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  console.log(`popup with ${TOKENS} tokens, ${RUNS} opens: first meaningful paint median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`);
} finally {
  await session.close();
  await sandbox.close();
}
