// What the Apple-page content scripts cost the page, measured on the production build in headless Chromium.
// Run: npm run bench (builds first), or node scripts/bench-content.mjs after `npm run build`. Not a test.
// BENCH_ROUNDS (default 30), BENCH_BURSTS (20 per side and round), BENCH_QUANTILE (0.25), BENCH_LOADS (8),
// BENCH_MUTATIONS (10000 per burst; with more, every figure is scaled to 10,000 mutations).
// TOKEN_RELAY_EXTENSION_DIR measures another build (a variant with a part switched off, to find what costs).
// BENCH_PAGE ('Content Tokens' or 'Devices') measures one page only. BENCH_CONTROL=1 withholds the extension from both sides: its "overhead" is the noise floor of the machine at that moment.
//
// Side by side in one run and in one browser: each round opens the sandbox page twice, fresh, in the same Chromium:
// once with the extension allowed on the site and once with it withheld (chrome://extensions → Site access →
// "On click", which the browser applies to the next page load: no content script is injected). Same page, same
// burst, same browser process and profile; the order alternates every round. Reports medians over the rounds.
//  1. Overhead per 10,000 unrelated DOM mutations: the whole cost on the page's main thread (the burst's task, the
//     mutation observers of every world, style and layout, the next two frames), as CPU time of that thread
//     (CDP Performance.getMetrics ThreadTime) and as wall time. With minus without is the extension's share.
//  2. First painted frame: in each frame, a ResizeObserver armed from requestAnimationFrame runs after that frame's
//     rAF callbacks and before it paints. The first frame in which the token rows exist must already hold a
//     Send to Addigy button in every row.
import { launchExtension } from '../tests/e2e/harness.mjs';
import { startSandbox } from '../tests/sandbox/index.mjs';
import { burst } from './mutation-burst.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const BURSTS_PER_ROUND = Number(process.env.BENCH_BURSTS ?? 20);
const QUANTILE = Number(process.env.BENCH_QUANTILE ?? 0.25);
const LOADS = Number(process.env.BENCH_LOADS ?? 8);
const MUTATIONS = Number(process.env.BENCH_MUTATIONS ?? 10_000);
const PER_10K = 10_000 / MUTATIONS;
const CONTROL = Boolean(process.env.BENCH_CONTROL);
const SHARED_PROCESS = (process.env.BENCH_SHARED ?? '1') !== '0';
const TOKENS = '#/main/preferences/paymentsandbilling/appsandbooks';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
};
/**
 * A 95 % interval for the median of `values` (percentile bootstrap, fixed seed so a run's figures can be redone):
 * the goal counts as met when the interval's upper end is within it, not when the median happens to be.
 */
function medianInterval(values, resamples = 2000) {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const medians = Array.from({ length: resamples }, () => median(values.map(() => values[Math.floor(random() * values.length)])));
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}
const ms = (value) => `${value.toFixed(2)} ms`;

/**
 * The extension's site access as chrome://extensions sets it (Details → Site access): "On all sites" or "On click".
 * It applies to the next page load; with "On click" the browser injects none of its content scripts.
 */
async function siteAccessSwitch(session) {
  const settings = await session.context.newPage();
  await settings.goto('chrome://extensions');
  return (allowed) =>
    // @ts-ignore chrome.developerPrivate exists on chrome://extensions only
    settings.evaluate(([id, access]) => chrome.developerPrivate.updateExtensionConfiguration({ extensionId: id, hostAccess: access }), [
      session.extensionId,
      allowed ? 'ON_ALL_SITES' : 'ON_CLICK',
    ]);
}

/**
 * A fresh page of `url`: a new tab, or with `opener` a window that page opens, which puts both pages in one
 * renderer process (one main thread, one JavaScript heap), so the two sides of a round share that process's state.
 */
async function openPage(context, url, ready, opener) {
  const page = opener
    ? (await Promise.all([context.waitForEvent('page'), opener.evaluate((href) => void window.open(href), url)]))[0]
    : await context.newPage();
  const cdp = await context.newCDPSession(page);
  // Which worlds the page has: the extension's content scripts run in a world of the extension's origin.
  const worlds = [];
  cdp.on('Runtime.executionContextCreated', ({ context: world }) => worlds.push(world.origin));
  await cdp.send('Runtime.enable');
  if (!opener) await page.goto(url);
  await page.bringToFront();
  await page.getByRole('heading', { name: ready }).waitFor();
  await page.waitForTimeout(200);
  await cdp.send('Runtime.disable');
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return { page, cdp, extensionWorld: worlds.some((origin) => origin.startsWith('chrome-extension://')) };
}

async function measureBurst({ page, cdp }) {
  await cdp.send('HeapProfiler.collectGarbage');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value * 1000]));
  const before = await metrics();
  const wall = (await page.evaluate(burst, MUTATIONS)) * PER_10K;
  const after = await metrics();
  const spent = (key) => (after[key] - before[key]) * PER_10K;
  return { thread: spent('ThreadTime'), wall, script: spent('ScriptDuration'), style: spent('RecalcStyleDuration'), layout: spent('LayoutDuration') };
}

async function overhead(session, allow, url, ready) {
  const METRICS = ['thread', 'wall', 'script', 'style', 'layout'];
  const rounds = Object.fromEntries(['with', 'without'].map((side) => [side, Object.fromEntries(METRICS.map((m) => [m, []]))]));
  let sendHosts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // A page's renderer can sit in a quick or a slow state for its whole life (~18 vs ~28 ms per 10,000 on this
    // machine): fresh pages every round, so no one state decides the median.
    const order = round % 2 ? ['without', 'with'] : ['with', 'without'];
    const pages = {};
    for (const side of order) {
      await allow(side === 'with' && !CONTROL);
      pages[side] = await openPage(session.context, url, ready, SHARED_PROCESS ? Object.values(pages)[0]?.page : undefined);
      if (pages[side].extensionWorld !== (side === 'with' && !CONTROL)) throw new Error(`The ${side} page ${pages[side].extensionWorld ? 'has' : 'lacks'} the extension's content scripts.`);
    }
    // Bursts interleaved, with and without, so a slow moment of the machine falls on both sides of a pair.
    const samples = { with: [], without: [] };
    for (let index = 0; index < BURSTS_PER_ROUND; index++) {
      for (const side of index % 2 ? [...order].reverse() : order) {
        // The measured page is the active tab, as the admin's page is.
        await pages[side].page.bringToFront();
        samples[side].push(await measureBurst(pages[side]));
      }
    }
    if (process.env.BENCH_VERBOSE) console.log(`  round ${round}: ${order.map((side) => `${side} ${samples[side].map((b) => b.thread.toFixed(1)).join(' ')}`).join(' | ')}`);
    for (const side of order) {
      // Other processes on the machine only ever add time (the same burst takes 18 or 30 ms of CPU here, by the
      // moment): a round's value for each metric is its lower quartile over the round's bursts.
      for (const metric of METRICS) rounds[side][metric].push(quantile(samples[side].map((b) => b[metric]), QUANTILE));
    }
    sendHosts = await pages.with.page.locator('token-relay-send').count();
    for (const { page } of Object.values(pages)) await page.close();
  }
  await allow(true);
  const row = (metric) => {
    const withMs = median(rounds.with[metric]);
    const withoutMs = median(rounds.without[metric]);
    const differences = rounds.with[metric].map((value, index) => value - rounds.without[metric][index]);
    return { withMs, withoutMs, overheadMs: median(differences), interval: medianInterval(differences), differences };
  };
  return { thread: row('thread'), wall: row('wall'), script: row('script'), style: row('style'), layout: row('layout'), sendHosts };
}

/** Before any page script: in every frame, a ResizeObserver armed in rAF checks the token rows before paint. */
function watchFirstFrame() {
  const frames = [];
  window.__firstFrame = frames;
  const check = () => {
    const rows = [...document.querySelectorAll('tbody tr, [role="list"] > li')].filter((row) => /Download/.test(row.textContent ?? ''));
    if (rows.length === 0) return;
    frames.push({ rows: rows.length, withButton: rows.filter((row) => row.querySelector('token-relay-send')).length });
  };
  const tick = () => {
    const observer = new ResizeObserver(() => {
      observer.disconnect();
      check();
    });
    observer.observe(document.documentElement);
    if (frames.length < 3) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function firstFrames(withExtension, origin) {
  const results = [];
  for (let load = 0; load < LOADS; load++) {
    const layout = load % 2 ? 'cards' : 'table';
    const page = await withExtension.newPage();
    await page.addInitScript(watchFirstFrame);
    await page.goto(`${origin}/?layout=${layout}&delay=${50 + 40 * load}${TOKENS}`);
    await page.waitForFunction(() => window.__firstFrame.length >= 3);
    const [first] = await page.evaluate(() => window.__firstFrame);
    results.push({ layout, ...first, ok: first.rows > 0 && first.withButton === first.rows });
    await page.close();
  }
  return results;
}

const sandbox = await startSandbox({});
const extension = await launchExtension({ hostResolverRules: sandbox.hostResolverRules });
try {
  const allow = await siteAccessSwitch(extension);
  const origin = 'https://business.apple.com';
  console.log(`Apple-page content scripts · headless Chromium ${extension.context.browser()?.version() ?? ''} · Node ${process.versions.node}`);
  if (CONTROL) console.log('CONTROL RUN: the extension is withheld on both sides (noise floor).');
  console.log(`${ROUNDS} rounds × ${BURSTS_PER_ROUND} bursts of ${MUTATIONS.toLocaleString('en')} unrelated mutations, one browser, fresh pages with and without the extension each round, order alternating; medians${MUTATIONS === 10_000 ? '' : ', scaled to 10,000 mutations'}.`);
  for (const [label, url, ready] of [
    ['Content Tokens page (token section shown)', `${origin}/?delay=0${TOKENS}`, 'Content Tokens'],
    ['Devices page (no token section)', `${origin}/?delay=0#/main/devices`, 'Devices'],
  ].filter(([, , ready]) => !process.env.BENCH_PAGE || ready === process.env.BENCH_PAGE)) {
    const { thread, wall, script, style, layout, sendHosts } = await overhead(extension, allow, url, ready);
    const spread = (values) => `${ms(Math.min(...values))} to ${ms(Math.max(...values))}`;
    console.log(`\n${label} · ${sendHosts} Send buttons on the page with the extension`);
    console.log(`  main-thread CPU time  with ${ms(thread.withMs)} · without ${ms(thread.withoutMs)} · overhead ${ms(thread.overheadMs)}, 95 % interval ${spread(thread.interval)} (rounds: ${spread(thread.differences)})`);
    console.log(`  burst task wall time  with ${ms(wall.withMs)} · without ${ms(wall.withoutMs)} · overhead ${ms(wall.overheadMs)}`);
    console.log(`  of which (overhead)   script ${ms(script.overheadMs)} · style ${ms(style.overheadMs)} · layout ${ms(layout.overheadMs)}`);
  }
  const loads = await firstFrames(extension.context, origin);
  const passed = loads.filter((load) => load.ok).length;
  console.log(`\nFirst painted frame with the token rows: Send to Addigy in every row in ${passed} of ${loads.length} loads (${Math.round((100 * passed) / loads.length)} %)`);
  for (const load of loads) console.log(`  ${load.layout.padEnd(5)} rows ${load.rows} · with a button ${load.withButton}`);
} finally {
  await extension.close();
  await sandbox.close();
}
