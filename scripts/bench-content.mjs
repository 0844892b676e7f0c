// What the Apple-page content scripts cost the page, measured on the production build in headless Chromium.
// Run: npm run bench (builds first), or node scripts/bench-content.mjs after `npm run build`. Not a test.
// BENCH_ROUNDS (default 9), BENCH_BURSTS (3), BENCH_LOADS (8), BENCH_MUTATIONS (50000 per burst; every figure is
// scaled to 10,000 mutations: the larger burst shrinks the machine's noise per 10,000), BENCH_FRESH (1: fresh pages in
// both browsers for every round; 0: one page each for the whole run, which let renderer states decide the median).
// BENCH_CONTROL=1 puts a second Chromium without the
// extension in the extension's place: its "overhead" is the noise floor of the machine at that moment.
//
// Side by side in one run: the sandbox's Content Tokens page in a Chromium with the extension and in one without it,
// same page, same burst, rounds alternating between the two. Reports medians over the rounds.
//  1. Overhead per 10,000 unrelated DOM mutations: the whole cost on the page's main thread (the burst's task, the
//     mutation observers of every world, style and layout, the next two frames), as CPU time of that thread
//     (CDP Performance.getMetrics ThreadTime) and as wall time. With minus without is the extension's share.
//  2. First painted frame: in each frame, a ResizeObserver armed from requestAnimationFrame runs after that frame's
//     rAF callbacks and before it paints. The first frame in which the token rows exist must already hold a
//     Send to Addigy button in every row.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, launchExtension } from '../tests/e2e/harness.mjs';
import { startSandbox } from '../tests/sandbox/index.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const BURSTS_PER_ROUND = Number(process.env.BENCH_BURSTS ?? 3);
const LOADS = Number(process.env.BENCH_LOADS ?? 8);
const MUTATIONS = Number(process.env.BENCH_MUTATIONS ?? 50_000);
const PER_10K = 10_000 / MUTATIONS;
const FRESH = (process.env.BENCH_FRESH ?? '1') !== '0';
const TOKENS = '#/main/preferences/paymentsandbilling/appsandbooks';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(2)} ms`;

/** Chromium without the extension, with the same flags and host mapping as the harness uses. */
async function launchPlain(hostResolverRules) {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'token-relay-bench-')), {
    executablePath: CHROMIUM_PATH,
    headless: false,
    args: ['--headless=new', `--host-resolver-rules=${hostResolverRules}`, '--ignore-certificate-errors', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    viewport: { width: 1100, height: 760 },
  });
}

/** In the page: `count` mutations outside the token section: subtrees appended, removed, texts swapped. */
function burst(count) {
  return new Promise((resolve) => {
    let noise = document.getElementById('bench-noise');
    if (!noise) {
      noise = document.createElement('div');
      noise.id = 'bench-noise';
      for (let index = 0; index < 400; index++) noise.insertAdjacentHTML('beforeend', `<div><span>Item ${index}</span><a href="#">Open</a></div>`);
      document.body.append(noise);
    }
    const texts = [...noise.querySelectorAll('span')];
    requestAnimationFrame(() =>
      setTimeout(() => {
        const started = performance.now();
        for (let index = 0; index < count; index++) {
          const kind = index % 3;
          if (kind === 0) {
            const toast = document.createElement('div');
            toast.append(document.createElement('span'));
            noise.append(toast);
          } else if (kind === 1) noise.lastElementChild?.remove();
          else texts[index % texts.length].textContent = `Item ${index}`;
        }
        // Every world's mutation observers run in this task's microtask checkpoint; then style and layout.
        void document.body.offsetHeight;
        const done = performance.now() - started;
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(done)));
      }, 0),
    );
  });
}

async function openPage(context, url, ready) {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('heading', { name: ready }).waitFor();
  await page.waitForTimeout(200);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return { page, cdp };
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

async function overhead(withExtension, withoutExtension, url, ready) {
  const open = async () => ({ with: await openPage(withExtension, url, ready), without: await openPage(withoutExtension, url, ready) });
  let pages = await open();
  const METRICS = ['thread', 'wall', 'script', 'style', 'layout'];
  const rounds = Object.fromEntries(['with', 'without'].map((side) => [side, Object.fromEntries(METRICS.map((m) => [m, []]))]));
  let sendHosts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // A page's renderer can sit in a quick or a slow state for its whole life (~18 vs ~28 ms per 10,000 on this
    // machine, whichever browser): with BENCH_FRESH (default) each round gets fresh pages, so no state decides the median.
    if (FRESH && round > 0) {
      for (const { page } of Object.values(pages)) await page.close();
      pages = await open();
    }
    for (const side of round % 2 ? ['without', 'with'] : ['with', 'without']) {
      const samples = [];
      for (let index = 0; index < BURSTS_PER_ROUND; index++) samples.push(await measureBurst(pages[side]));
      // Other processes on the machine only ever add time: a round's value is its quickest burst.
      // (For the breakdown: the same quickest burst by CPU time.)
      const quickest = samples.reduce((best, s) => (s.thread < best.thread ? s : best));
      for (const metric of METRICS) rounds[side][metric].push(metric === 'wall' ? Math.min(...samples.map((s) => s.wall)) : quickest[metric]);
    }
    sendHosts = await pages.with.page.locator('token-relay-send').count();
  }
  for (const { page } of Object.values(pages)) await page.close();
  const row = (metric) => {
    const withMs = median(rounds.with[metric]);
    const withoutMs = median(rounds.without[metric]);
    const differences = rounds.with[metric].map((value, index) => value - rounds.without[metric][index]);
    return { withMs, withoutMs, overheadMs: median(differences) };
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
const plain = await launchPlain(sandbox.hostResolverRules);
const control = process.env.BENCH_CONTROL ? await launchPlain(sandbox.hostResolverRules) : undefined;
try {
  const origin = 'https://business.apple.com';
  console.log(`Apple-page content scripts · headless Chromium ${extension.context.browser()?.version() ?? ''} · Node ${process.versions.node}`);
  if (control) console.log('CONTROL RUN: both sides are Chromium without the extension (noise floor).');
  console.log(`${ROUNDS} rounds × ${BURSTS_PER_ROUND} bursts of ${MUTATIONS.toLocaleString('en')} unrelated mutations, with and without the extension, alternating; medians${MUTATIONS === 10_000 ? '' : ', scaled to 10,000 mutations'}.`);
  for (const [label, url, ready] of [
    ['Content Tokens page (token section shown)', `${origin}/?delay=0${TOKENS}`, 'Content Tokens'],
    ['Devices page (no token section)', `${origin}/?delay=0#/main/devices`, 'Devices'],
  ]) {
    const { thread, wall, script, style, layout, sendHosts } = await overhead(control ?? extension.context, plain, url, ready);
    console.log(`\n${label} · ${sendHosts} Send buttons on the page with the extension`);
    console.log(`  main-thread CPU time  with ${ms(thread.withMs)} · without ${ms(thread.withoutMs)} · overhead ${ms(thread.overheadMs)}`);
    console.log(`  burst task wall time  with ${ms(wall.withMs)} · without ${ms(wall.withoutMs)} · overhead ${ms(wall.overheadMs)}`);
    console.log(`  of which (overhead)   script ${ms(script.overheadMs)} · style ${ms(style.overheadMs)} · layout ${ms(layout.overheadMs)}`);
  }
  const loads = await firstFrames(extension.context, origin);
  const passed = loads.filter((load) => load.ok).length;
  console.log(`\nFirst painted frame with the token rows: Send to Addigy in every row in ${passed} of ${loads.length} loads (${Math.round((100 * passed) / loads.length)} %)`);
  for (const load of loads) console.log(`  ${load.layout.padEnd(5)} rows ${load.rows} · with a button ${load.withButton}`);
} finally {
  await extension.close();
  await plain.close();
  await control?.close();
  await sandbox.close();
}
