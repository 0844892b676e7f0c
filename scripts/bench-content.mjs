// Benchmark of the page-detection part of the content script (lib/abm). Not a test.
// Run: node scripts/bench-content.mjs
// Bundles lib/abm/index.ts with esbuild (minified ESM, in memory), imports it, and drives it with happy-dom.
// happy-dom has no real frames: its requestAnimationFrame is a setImmediate, so "one look per frame" here
// means one look per macrotask turn, and latencies exclude the up-to-16 ms a browser waits for the next frame.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { Window } from 'happy-dom';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 200;
const BURST = 10_000;

const bundle = await build({
  entryPoints: [`${ROOT}lib/abm/index.ts`],
  bundle: true,
  format: 'esm',
  minify: true,
  write: false,
  platform: 'browser',
  target: 'es2022',
  logLevel: 'silent',
});
const code = bundle.outputFiles[0].text;
const abm = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const fixture = (name) => readFileSync(`${ROOT}tests/fixtures/abm/${name}`, 'utf8');

/** A console-sized page around the slot where the token section appears: ~2,000 elements, hash classes. */
function backgroundPage() {
  const items = [];
  for (let index = 0; index < 400; index++) {
    items.push(
      `<div class="css-${index.toString(36)}x"><span class="css-a${index}">Item ${index}</span><a href="#/main/${index}">Open</a><p>Note</p><i></i></div>`,
    );
  }
  return `<nav aria-label="Main"><ul>${'<li><a href="#">Link</a></li>'.repeat(40)}</ul></nav>
    <header><h1>Apple Business Manager</h1></header><div id="noise">${items.join('')}</div><div id="slot"></div>`;
}

function tableOf(locations) {
  const rows = Array.from(
    { length: locations },
    (_, index) => `<tr><td>Location ${index}</td><td>Nov 8, 2026</td><td><button type="button">Download</button></td></tr>`,
  );
  return `<div><h2>Content Tokens</h2><table><thead><tr><th>Location</th><th>Expires</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

const ms = (value) => `${value.toFixed(3)} ms`;

/** A fresh page with one watch on it; stats add up what the watch reports through its measurement hooks. */
function startPage() {
  const window = new Window({ url: 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks' });
  const document = window.document;
  document.body.innerHTML = backgroundPage();
  const controller = new AbortController();
  const stats = { observerMs: 0, observerCalls: 0, lookMs: 0, looks: 0, entries: 0 };
  let onEntry = () => {};
  abm.watchTokenEntries(
    document,
    {
      onEntry: () => {
        stats.entries++;
        onEntry();
      },
      onObserverWork: (spent) => {
        stats.observerMs += spent;
        stats.observerCalls++;
      },
      onLookWork: (spent) => {
        stats.lookMs += spent;
        stats.looks++;
      },
    },
    controller.signal,
  );
  const settle = async () => {
    for (let frame = 0; frame < 2; frame++) {
      await Promise.resolve();
      await new Promise((resolve) => window.requestAnimationFrame(resolve));
    }
  };
  const close = async () => {
    controller.abort();
    await window.happyDOM.close();
  };
  return { window, document, stats, settle, close, setOnEntry: (callback) => (onEntry = callback) };
}

/** (1) Insert the section, wait until onEntry ran for every entry; the section's markup is parsed beforehand. */
async function measureDetection(label, html, expectedEntries) {
  const page = startPage();
  await page.settle();
  const slot = page.document.getElementById('slot');
  const template = page.document.createElement('template');
  template.innerHTML = html;
  const latencies = [];
  for (let run = 0; run < RUNS; run++) {
    const fragment = template.content.cloneNode(true);
    let seen = 0;
    const done = new Promise((resolve) => {
      page.setOnEntry(() => {
        if (++seen === expectedEntries) resolve(performance.now());
      });
    });
    const started = performance.now();
    slot.append(fragment);
    latencies.push((await done) - started);
    slot.replaceChildren();
    await page.settle();
  }
  await page.close();
  latencies.sort((a, b) => a - b);
  return [`insert → onEntry for all, ${label}`, `p50 ${ms(percentile(latencies, 0.5))} · p95 ${ms(percentile(latencies, 0.95))}`];
}

/**
 * (2) 10,000 mutations outside any token section. Leaves: appends and removals of empty elements plus text swaps
 * (spinners, counters, tooltips). Subtrees: appends of small subtrees instead, the worst case, since any new
 * subtree may hold a section while none is shown.
 */
async function measureBurst(label, { withSection, spreadOverTasks, subtrees }) {
  const page = startPage();
  if (withSection) page.document.getElementById('slot').innerHTML = fixture('abm-content-tokens-table.html');
  await page.settle();
  const noise = page.document.getElementById('noise');
  const texts = [...noise.querySelectorAll('span')];
  const before = { ...page.stats };
  const chunk = spreadOverTasks ? 100 : BURST;
  const addition = () => {
    if (!subtrees) return page.document.createElement('span');
    const toast = page.document.createElement('div');
    toast.append(page.document.createElement('span'));
    return toast;
  };
  for (let done = 0; done < BURST; done += chunk) {
    for (let index = done; index < done + chunk; index++) {
      const kind = index % 3;
      if (kind === 0) noise.append(addition());
      else if (kind === 1) noise.lastElementChild?.remove();
      else texts[index % texts.length].textContent = `Item ${index}`;
    }
    if (spreadOverTasks) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await page.settle();
  const observerMs = page.stats.observerMs - before.observerMs;
  const calls = page.stats.observerCalls - before.observerCalls;
  const looks = page.stats.looks - before.looks;
  const lookMs = page.stats.lookMs - before.lookMs;
  const duplicates = page.stats.entries - before.entries;
  await page.close();
  return [
    `${BURST.toLocaleString('en')} unrelated mutations, ${label}`,
    `observer ${ms(observerMs)} in ${calls} callback(s) · ${looks} look(s) ${ms(lookMs)} · new onEntry ${duplicates}`,
  ];
}

const rows = [];
rows.push(await measureDetection('fixture table (3 rows)', fixture('abm-content-tokens-table.html'), 3));
rows.push(await measureDetection('table of 50 locations', tableOf(50), 50));
rows.push(await measureDetection('cards fixture (2 cards)', fixture('abm-server-tokens-cards.html'), 2));
for (const withSection of [true, false]) {
  for (const [spreadOverTasks, subtrees] of [[false, false], [true, false], [false, true], [true, true]]) {
    const label = `${withSection ? 'section shown' : 'no section'}, ${spreadOverTasks ? '100 tasks' : '1 task'}, ${subtrees ? 'subtrees' : 'leaves'}`;
    rows.push(await measureBurst(label, { withSection, spreadOverTasks, subtrees }));
  }
}
const gzipped = gzipSync(code, { level: 9 }).length;
rows.push(['lib/abm bundle (esbuild, minified ESM)', `${code.length.toLocaleString('en')} B raw · ${gzipped.toLocaleString('en')} B gzip`]);

const happyDomVersion = JSON.parse(readFileSync(`${ROOT}node_modules/happy-dom/package.json`, 'utf8')).version;
console.log(`lib/abm content bench · Node ${process.versions.node} · happy-dom ${happyDomVersion} · ${RUNS} runs`);
console.log('Scheduling: the module looks once per requestAnimationFrame; happy-dom runs that as setImmediate.\n');
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
