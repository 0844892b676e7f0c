// Benchmark of the page-detection part of the content script (lib/abm). Not a test.
// Run: node scripts/bench-content.mjs             (happy-dom)
//      node scripts/bench-content.mjs --chromium  (also in headless Chromium at /usr/bin/chromium or $CHROMIUM_PATH)
// Bundles lib/abm/index.ts with esbuild (minified, in memory) and drives it with the same suite in both places.
// happy-dom has no real frames: its requestAnimationFrame is a setImmediate, so there "one look per frame" means one
// look per macrotask turn and latencies leave out the wait for the next frame. Chromium's numbers include that wait.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { Window } from 'happy-dom';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SETTINGS = { runs: 200, burst: 10_000 };

async function bundle(format) {
  const result = await build({
    entryPoints: [`${ROOT}lib/abm/index.ts`],
    bundle: true,
    format,
    globalName: format === 'iife' ? 'TokenRelayAbm' : undefined,
    minify: true,
    write: false,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const fixture = (name) => readFileSync(`${ROOT}tests/fixtures/abm/${name}`, 'utf8');
const FIXTURES = {
  table: fixture('abm-content-tokens-table.html'),
  cards: fixture('abm-server-tokens-cards.html'),
};

/**
 * The measurements. Runs in Node against happy-dom and, serialised, inside a Chromium page:
 * it must not use anything from outside its own body.
 */
async function suite(abm, document, window, { runs, burst, fixtures }) {
  const now = () => window.performance.now();
  const ms = (value) => `${value.toFixed(3)} ms`;
  const percentile = (sorted, fraction) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
  const settle = async () => {
    for (let frame = 0; frame < 2; frame++) {
      await Promise.resolve();
      await new Promise((resolve) => window.requestAnimationFrame(resolve));
    }
  };

  // A console-sized page around the slot where the token section appears: ~2,400 elements, hash classes.
  const items = [];
  for (let index = 0; index < 400; index++) {
    items.push(
      `<div class="css-${index.toString(36)}x"><span class="css-a${index}">Item ${index}</span><a href="#/main/${index}">Open</a><p>Note</p><i></i></div>`,
    );
  }
  const backgroundPage = `<nav aria-label="Main"><ul>${'<li><a href="#">Link</a></li>'.repeat(40)}</ul></nav>
    <header><h1>Apple Business Manager</h1></header><div id="noise">${items.join('')}</div><div id="slot"></div>`;
  const tableOf = (locations) => {
    const rows = Array.from(
      { length: locations },
      (_, index) => `<tr><td>Location ${index}</td><td>Nov 8, 2026</td><td><button type="button">Download</button></td></tr>`,
    );
    return `<div><h2>Content Tokens</h2><table><thead><tr><th>Location</th><th>Expires</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  };

  // A fresh page with one watch on it; stats add up what the watch reports through its measurement hooks.
  const startPage = () => {
    document.body.innerHTML = backgroundPage;
    const controller = new AbortController();
    const stats = { observerMs: 0, observerCalls: 0, lookMs: 0, looks: 0, entries: 0 };
    const page = { stats, onEntry: () => {}, stop: () => controller.abort() };
    abm.watchTokenEntries(
      document,
      {
        onEntry: () => {
          stats.entries++;
          page.onEntry();
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
    return page;
  };

  // (1) Insert the section (parsed beforehand) and wait until onEntry ran for every entry.
  const measureDetection = async (label, html, expectedEntries) => {
    const page = startPage();
    await settle();
    const slot = document.getElementById('slot');
    const template = document.createElement('template');
    template.innerHTML = html;
    const latencies = [];
    for (let run = 0; run < runs; run++) {
      const fragment = template.content.cloneNode(true);
      let seen = 0;
      const done = new Promise((resolve) => {
        page.onEntry = () => {
          if (++seen === expectedEntries) resolve(now());
        };
      });
      const started = now();
      slot.append(fragment);
      latencies.push((await done) - started);
      slot.replaceChildren();
      await settle();
    }
    page.stop();
    latencies.sort((a, b) => a - b);
    return [`insert → onEntry for all, ${label}`, `p50 ${ms(percentile(latencies, 0.5))} · p95 ${ms(percentile(latencies, 0.95))}`];
  };

  // (2) `burst` mutations outside any token section. Leaves: appends and removals of empty elements plus text swaps
  // (spinners, counters, tooltips). Subtrees: small subtrees appended instead, the worst case while no section is
  // shown, since any new subtree may hold one.
  const measureBurst = async (label, { withSection, spreadOverTasks, subtrees }) => {
    const page = startPage();
    if (withSection) document.getElementById('slot').innerHTML = fixtures.table;
    await settle();
    const noise = document.getElementById('noise');
    const texts = [...noise.querySelectorAll('span')];
    const before = { ...page.stats };
    const chunk = spreadOverTasks ? 100 : burst;
    const addition = () => {
      if (!subtrees) return document.createElement('span');
      const toast = document.createElement('div');
      toast.append(document.createElement('span'));
      return toast;
    };
    for (let done = 0; done < burst; done += chunk) {
      for (let index = done; index < done + chunk; index++) {
        const kind = index % 3;
        if (kind === 0) noise.append(addition());
        else if (kind === 1) noise.lastElementChild?.remove();
        else texts[index % texts.length].textContent = `Item ${index}`;
      }
      if (spreadOverTasks) await new Promise((resolve) => window.setTimeout(resolve, 0));
    }
    await settle();
    page.stop();
    const after = page.stats;
    return [
      `${burst.toLocaleString('en')} unrelated mutations, ${label}`,
      `observer ${ms(after.observerMs - before.observerMs)} in ${after.observerCalls - before.observerCalls} callback(s)` +
        ` · ${after.looks - before.looks} look(s) ${ms(after.lookMs - before.lookMs)} · new onEntry ${after.entries - before.entries}`,
    ];
  };

  const rows = [];
  rows.push(await measureDetection('fixture table (3 rows)', fixtures.table, 3));
  rows.push(await measureDetection('table of 50 locations', tableOf(50), 50));
  rows.push(await measureDetection('cards fixture (2 cards)', fixtures.cards, 2));
  for (const withSection of [true, false]) {
    for (const [spreadOverTasks, subtrees] of [[false, false], [true, false], [false, true], [true, true]]) {
      const label = `${withSection ? 'section shown' : 'no section'}, ${spreadOverTasks ? '100 tasks' : '1 task'}, ${subtrees ? 'subtrees' : 'leaves'}`;
      rows.push(await measureBurst(label, { withSection, spreadOverTasks, subtrees }));
    }
  }
  return rows;
}

function printTable(title, rows) {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`);
}

async function inHappyDom(esm) {
  const abm = await import(`data:text/javascript;base64,${Buffer.from(esm).toString('base64')}`);
  const window = new Window({ url: 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks' });
  try {
    return await suite(abm, window.document, window, { ...SETTINGS, fixtures: FIXTURES });
  } finally {
    await window.happyDOM.close();
  }
}

async function inChromium(iife) {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return null;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><head></head><body></body></html>');
    await page.addScriptTag({ content: iife });
    return await page.evaluate(
      `(${suite.toString()})(window.TokenRelayAbm, document, window, ${JSON.stringify({ ...SETTINGS, fixtures: FIXTURES })})`,
    );
  } finally {
    await browser.close();
  }
}

const esm = await bundle('esm');
const happyDomVersion = JSON.parse(readFileSync(`${ROOT}node_modules/happy-dom/package.json`, 'utf8')).version;
console.log(`lib/abm content bench · Node ${process.versions.node} · ${SETTINGS.runs} runs per latency`);
console.log('The module looks at the page at most once per requestAnimationFrame (happy-dom: a setImmediate).');
printTable(`happy-dom ${happyDomVersion}`, await inHappyDom(esm));

if (process.argv.includes('--chromium')) {
  const rows = await inChromium(await bundle('iife'));
  if (rows) {
    printTable('headless Chromium (real frames)', rows);
    console.log('  Latency there is mostly the wait for the next frame, when the table first paints too (the look runs');
    console.log('  just before that paint). Chromium rounds performance.now() to 0.1 ms, so tiny sums read as 0.');
  }
  else console.log('\nChromium not found: set CHROMIUM_PATH to run the same suite in a real browser.');
}

const gzipped = gzipSync(esm, { level: 9 }).length;
printTable('size', [['lib/abm bundle (esbuild, minified ESM)', `${esm.length.toLocaleString('en')} B raw · ${gzipped.toLocaleString('en')} B gzip`]]);
