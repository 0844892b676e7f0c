// Diagnostic for issue 12, not a test: what one MutationObserver costs a burst of unrelated mutations, by where it
// observes and from which world. One Chromium without the extension, the sandbox's Content Tokens page; the observer
// (callback empty) is set up from the page's world or from an isolated world made over CDP (as a content script's is),
// then the same burst as scripts/bench-content.mjs (scripts/mutation-burst.mjs) runs outside the token section. Conditions alternate round by round;
// a round's value is the quickest of 3 bursts; prints medians and the median difference from no observer.
// Run after nothing (no build needed): node scripts/bench-observers.mjs. R rounds (15), N mutations per burst (10000;
// 100000 gives a usable resolution on a busy 2-core machine), ONLY=none,mainMO,... picks conditions.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../tests/e2e/harness.mjs';
import { startSandbox } from '../tests/sandbox/index.mjs';
import { burst } from './mutation-burst.mjs';
const ROUNDS = Number(process.env.R ?? 15);
const sandbox = await startSandbox({});
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'mb-')), {
  executablePath: CHROMIUM_PATH, headless: false,
  args: ['--headless=new', `--host-resolver-rules=${sandbox.hostResolverRules}`, '--ignore-certificate-errors', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  viewport: { width: 1100, height: 760 } });
const page = await ctx.newPage();
await page.goto('https://business.apple.com/?delay=0#/main/preferences/paymentsandbilling/appsandbooks');
await page.getByRole('heading', { name: 'Content Tokens' }).waitFor();
await page.waitForTimeout(300);
const cdp = await ctx.newCDPSession(page);
await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
const { frameTree } = await cdp.send('Page.getFrameTree');
const { executionContextId: iso } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'mb' });
const SECTION = `document.querySelector('section[aria-labelledby]')`;
// The flag and the Send hosts, as set up by the conditions below (allDom uses both at once).
const FLAG_CODE = flag('calc(anchor-size(--token-relay-new width,-1px) + 1px)');
const HOSTS_CODE = `{ const hosts = [...document.querySelectorAll('section[aria-labelledby] button, section[aria-labelledby] a')].filter((c) => /Download/.test(c.textContent)).map((control) => {
    const host = document.createElement('token-relay-send'); const style = document.createElement('style');
    style.textContent = ':host{all:initial;font:12px/1.3 system-ui,sans-serif;display:inline-block;margin-inline-start:8px;vertical-align:middle} button{font:inherit;padding:2px 8px;border:1px solid #c7c7cc;border-radius:6px}';
    const button = document.createElement('button'); button.textContent = 'Send to Addigy';
    host.attachShadow({ mode: 'open' }).append(style, button); control.after(host); return host; });
    window.__o = { disconnect() { hosts.forEach((h) => h.remove()); } }; }`;
const setups = {
  none: [null, ''],
  mainMO: ['main', `window.__o = new MutationObserver(()=>{}); window.__o.observe(${SECTION}, {childList:true,characterData:true,subtree:true});`],
  isoMO: ['iso', `window.__o = new MutationObserver(()=>{}); window.__o.observe(${SECTION}, {childList:true,characterData:true,subtree:true});`],
  isoMOchild: ['iso', `window.__o = new MutationObserver(()=>{}); window.__o.observe(${SECTION}, {childList:true,subtree:true});`],
  isoMOh1: ['iso', `window.__o = new MutationObserver(()=>{}); window.__o.observe(document.querySelector('h1,h2'), {childList:true,characterData:true,subtree:true});`],
  isoH1Sec: ['iso', `window.__o = new MutationObserver(()=>{}); window.__o.observe(document.querySelector('h1,h2'), {childList:true,characterData:true,subtree:true,attributeFilter:['aria-label']}); window.__o.observe(${SECTION}, {childList:true,characterData:true,subtree:true});`],
  isoH1only: ['iso', `window.__o = new MutationObserver(()=>{}); window.__o.observe(document.querySelector('h1,h2'), {childList:true,characterData:true,subtree:true,attributeFilter:['aria-label']});`],
  isoRO: ['iso', `window.__o = new ResizeObserver(()=>{}); window.__o.observe(${SECTION});`],
  // The heading flag of lib/abm/heading-watch.ts (its CSS, as built), sized by anchor-size() or with a fixed width.
  flagAnchor: ['main', FLAG_CODE],
  flagFixed: ['main', flag('0px')],
  // As the content script places it: at document_start, before the parser adds <head> and <body>.
  flagBeforeHead: ['main', flag('calc(anchor-size(--token-relay-new width,-1px) + 1px)', '', 'beforeHead')],
  flagTopLeft: ['main', flag('calc(anchor-size(--token-relay-new width,-1px) + 1px)', 'top:0;left:0;')],
  noFlagStyle: ['main', `{ const s = document.createElement('style'); s.textContent = ':is(h1,h2,h3,h4,h5,h6,[role=heading]):not([data-token-relay-seen]){anchor-name:--token-relay-new}'; document.documentElement.prepend(s); window.__o = { disconnect() { s.remove(); } }; }`],
  // Send-button hosts as lib/abm/own-host.ts places them: after each Download control of the
  // section, an inline-block element with an open shadow root holding its <style> and a button.
  sendHosts: ['iso', HOSTS_CODE],
  // Everything the extension leaves in the Content Tokens page at once: the heading flag, the Send hosts, the heading's
  // text observer, the section's observer and its ResizeObserver.
  allDom: ['iso', `{ const parts = []; ${FLAG_CODE}; parts.push(window.__o); ${HOSTS_CODE}; parts.push(window.__o);
    const mo = new MutationObserver(()=>{}); mo.observe(document.querySelector('h1,h2'), {childList:true,characterData:true,subtree:true,attributeFilter:['aria-label']}); mo.observe(${SECTION}, {childList:true,characterData:true,subtree:true});
    const ro = new ResizeObserver(()=>{}); ro.observe(${SECTION});
    window.__o = { disconnect() { parts.forEach((p) => p.disconnect()); mo.disconnect(); ro.disconnect(); } }; }`],
  isoMObody: ['iso', `window.__o = new MutationObserver(()=>{}); window.__o.observe(document.body, {childList:true,subtree:true});`],
};
function flag(width, extra = '', place = 'append') {
  const unseen = ':is(h1,h2,h3,h4,h5,h6,[role="heading"]):not([data-token-relay-seen])';
  const css = `${unseen}{anchor-name:--token-relay-new}token-relay-flag{all:initial;position:absolute;${extra}width:${width};height:1px;visibility:hidden;pointer-events:none}`;
  return `{ const s = document.createElement('style'); s.textContent = ${JSON.stringify(css)}; document.documentElement.prepend(s);
    const f = document.createElement('token-relay-flag'); ${place === 'beforeHead' ? 'document.documentElement.insertBefore(f, document.head);' : 'document.documentElement.append(f);'}
    const ro = new ResizeObserver(() => {}); ro.observe(f);
    document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role="heading"]').forEach((h) => h.setAttribute('data-token-relay-seen', ''));
    window.__o = { disconnect() { ro.disconnect(); s.remove(); f.remove(); } }; }`;
}
const only = process.env.ONLY ? process.env.ONLY.split(',') : Object.keys(setups);
// A condition whose setup throws would measure nothing: stop instead.
const evalIn = async (world, expr) => {
  if (world !== 'iso') return page.evaluate(expr);
  const { exceptionDetails } = await cdp.send('Runtime.evaluate', { expression: expr, contextId: iso });
  if (exceptionDetails) throw new Error(`setup failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
};
const burstSize = Number(process.env.N ?? 10000);
const runBurst = () => page.evaluate(burst, burstSize);
const metric = async (name) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name).value * 1000;
const thread = () => metric('ThreadTime');
const layoutTime = () => metric('LayoutDuration');
const res = Object.fromEntries(only.map((k) => [k, { wall: [], cpu: [], layout: [] }]));
const med = (v) => { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; };
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? [...only].reverse() : only;
  for (const k of order) {
    const [world, code] = setups[k];
    if (world) await evalIn(world, code);
    const w = [], c = [];
    const l = [];
    for (let b = 0; b < 3; b++) { await cdp.send('HeapProfiler.collectGarbage'); const t0 = await thread(); const l0 = await layoutTime(); w.push(await runBurst()); c.push(await thread() - t0); l.push(await layoutTime() - l0); }
    if (world) await evalIn(world, 'window.__o.disconnect(); window.__o = null;');
    res[k].wall.push(Math.min(...w)); res[k].cpu.push(Math.min(...c)); res[k].layout.push(Math.min(...l));
  }
}
for (const k of only) console.log(k.padEnd(12), 'wall', med(res[k].wall).toFixed(2), 'cpu', med(res[k].cpu).toFixed(2), ' cpu-diff-vs-none', only.includes('none') ? med(res[k].cpu.map((v, i) => v - res.none.cpu[i])).toFixed(2) : '', 'wall-diff', only.includes('none') ? med(res[k].wall.map((v, i) => v - res.none.wall[i])).toFixed(2) : '', 'layout', med(res[k].layout).toFixed(2), 'layout-diff', only.includes('none') ? med(res[k].layout.map((v, i) => v - res.none.layout[i])).toFixed(2) : '');
await ctx.close(); await sandbox.close();
