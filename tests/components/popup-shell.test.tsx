import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { cutBelowFold, rememberFirstFrame, SHELL_FOLD_PX, SHELL_KEY, takeShell, type ShellNode } from '../../components/popup-shell';
import { PopupApp } from '../../components/PopupApp';
import { FIRST_FRAME_ROWS } from '../../components/TokenOverview';
import type { TokenHealth } from '../../lib/health/health-state';
import type { BackgroundClient } from '../../lib/messaging/extension-client';
import type { TokenSnapshot } from '../../lib/watch/token-snapshot';

const SHELL_SCRIPT = readFileSync('public/popup-shell.js', 'utf8');
const ENTRY = '/chunks/popup-abc.js';
const CHUNK = '/chunks/preact-def.js';

const row = (i: number): TokenHealth => ({
  locationId: `loc-${i}`,
  locationName: `Location ${String(i).padStart(3, '0')}`,
  orgName: 'Acme Corp',
  websiteURL: 'https://business.apple.com',
  expirySource: 'addigy',
  expiresAt: '2027-01-01T00:00:00.000Z',
  daysLeft: 20 + i,
  state: 'valid',
  reason: 'Valid.',
});
const tokens = (n: number): TokenSnapshot => ({ health: Array.from({ length: n }, (_, i) => row(i + 1)), fetchedAt: '2026-12-06T10:00:00.000Z' });

/** The paint observer public/popup-shell.js waits on, reported by the test. */
let reportPaint: (() => void) | undefined;
class FakePaintObserver {
  constructor(private readonly callback: (list: { getEntriesByName(name: string): unknown[] }) => void) {}
  observe() {
    reportPaint = () => this.callback({ getEntriesByName: (name) => (name === 'first-contentful-paint' ? [{}] : []) });
  }
  disconnect() {
    reportPaint = undefined;
  }
}

/** popup.html as built: #app, then the shell's tag naming the popup's entry module and its chunk (wxt.config.ts). */
function runShellScript() {
  document.head.innerHTML = '';
  document.body.innerHTML = '<div id="app"></div>';
  const tag = document.createElement('script');
  tag.dataset.entry = ENTRY;
  tag.dataset.preload = CHUNK;
  document.body.append(tag);
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  new Function(SHELL_SCRIPT)();
  return document.getElementById('app')!;
}
const entryLoaded = () => document.querySelector(`script[type="module"][src="${ENTRY}"]`) !== null;
const chunkFetched = () => document.querySelector(`link[rel="modulepreload"][href="${CHUNK}"]`) !== null;

// Replaced by hand: vi.unstubAllGlobals would also take away the i18n the test setup installs.
let realPaintObserver: typeof PerformanceObserver;
beforeEach(() => {
  localStorage.clear();
  // happy-dom reports that it loads no module files: the test checks the script element instead.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  realPaintObserver = globalThis.PerformanceObserver;
  globalThis.PerformanceObserver = FakePaintObserver as unknown as typeof PerformanceObserver;
});
afterEach(() => {
  globalThis.PerformanceObserver = realPaintObserver;
  vi.restoreAllMocks();
  vi.useRealTimers();
  reportPaint = undefined;
});

describe('the popup shell', () => {
  it('draws, before any module, exactly what the popup draws first from the same tokens', () => {
    rememberFirstFrame(tokens(3));
    const app = runShellScript();
    expect(app.dataset.shell).toBe('');
    const live = document.createElement('div');
    const idle: BackgroundClient = { send: () => new Promise(() => undefined), onStateChanged: () => () => undefined };
    render(<PopupApp client={idle} openOptions={() => undefined} snapshot={tokens(3)} />, live);
    expect(app.innerHTML).toBe(live.innerHTML);
    expect(app.textContent).toContain('Location 003');
    render(null, live);
  });

  it('keeps the first frame only: the rows of the first frame, not all 200', () => {
    document.body.innerHTML = '';
    rememberFirstFrame(tokens(200));
    // Drawn aside and taken away again.
    expect(document.body.childNodes).toHaveLength(0);
    const app = runShellScript();
    expect(app.querySelectorAll('li[data-state]')).toHaveLength(FIRST_FRAME_ROWS);
  });

  it('fetches and runs the popup’s modules only once the shell’s frame is reported painted', () => {
    rememberFirstFrame(tokens(3));
    runShellScript();
    expect(entryLoaded()).toBe(false);
    expect(chunkFetched()).toBe(false);
    reportPaint!();
    expect(entryLoaded()).toBe(true);
    // The entry's chunk fetched beside it, not after it.
    expect(chunkFetched()).toBe(true);
  });

  it('runs them after 200 ms when no paint is reported (a popup painted while hidden)', () => {
    vi.useFakeTimers();
    rememberFirstFrame(tokens(3));
    runShellScript();
    vi.advanceTimersByTime(199);
    expect(entryLoaded()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(entryLoaded()).toBe(true);
  });

  it('keeps what starts above the fold, with its ancestors, and drops the rest (a popup is 600 px at most)', () => {
    const frame = document.createElement('div');
    frame.innerHTML =
      '<main><header data-top="0">Token Relay</header><section data-top="40"><ul data-top="80">' +
      '<li data-top="80" data-state="expired"><p data-top="100">details</p><p data-top="700">more details</p></li>' +
      '<li data-top="600" data-state="valid">in the margin</li><li data-top="640" data-state="valid">below</li></ul></section>' +
      '<section data-top="900">history</section></main>';
    document.body.append(frame);
    // happy-dom lays nothing out: each element reports the top it names, the frame and <main> the top.
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
      return { top: Number(this.getAttribute('data-top') ?? 0) } as DOMRect;
    });
    cutBelowFold(frame);
    expect(SHELL_FOLD_PX).toBeGreaterThanOrEqual(600);
    expect([...frame.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['details', 'in the margin']);
    expect(frame.textContent).not.toContain('history');
    // Rows are laid out in full to be measured, and kept as they were.
    expect(frame.querySelector('li[style]')).toBeNull();
    frame.remove();
  });

  it('shows no shell kept on another day, and runs the modules at once', () => {
    rememberFirstFrame(tokens(3), new Date(Date.now() - 86_400_000));
    const app = runShellScript();
    expect(app.childNodes).toHaveLength(0);
    expect('shell' in app.dataset).toBe(false);
    expect(entryLoaded()).toBe(true);
    expect(chunkFetched()).toBe(true);
  });

  it('keeps no shell without an overview (no MDM connected, no tokens)', () => {
    rememberFirstFrame(tokens(3));
    rememberFirstFrame(undefined);
    expect(localStorage.getItem(SHELL_KEY)).toBeNull();
    rememberFirstFrame(tokens(3));
    rememberFirstFrame(tokens(0));
    expect(localStorage.getItem(SHELL_KEY)).toBeNull();
  });

  it('builds elements and text only: no script or frame, no on* handler, nothing from a broken shell', () => {
    const keep = (nodes: ShellNode[]) => localStorage.setItem(SHELL_KEY, JSON.stringify({ day: new Date().toDateString(), nodes }));
    keep([['p', { onclick: 'alert(1)', class: 'muted' }, '<img src=x onerror=alert(1)>']]);
    let app = runShellScript();
    expect(app.querySelector('p')?.getAttribute('onclick')).toBeNull();
    expect(app.querySelector('p')?.className).toBe('muted');
    expect(app.querySelector('img')).toBeNull();
    expect(app.textContent).toBe('<img src=x onerror=alert(1)>');

    for (const tag of ['script', 'iframe', 'object', 'embed']) {
      keep([['main', {}, ['p', {}, 'before'], [tag, { src: 'https://evil.example/' }]]]);
      app = runShellScript();
      expect(app.childNodes).toHaveLength(0); // not even the part before it
      expect(entryLoaded()).toBe(true);
    }
    localStorage.setItem(SHELL_KEY, '{not json');
    app = runShellScript();
    expect(app.childNodes).toHaveLength(0);
    expect(entryLoaded()).toBe(true);
  });

  it('takeShell empties a root holding the shell, and leaves any other alone', () => {
    rememberFirstFrame(tokens(3));
    const app = runShellScript();
    expect(takeShell(app)).toBe(true);
    expect(app.childNodes).toHaveLength(0);
    expect('shell' in app.dataset).toBe(false);
    app.append(document.createElement('p'));
    expect(takeShell(app)).toBe(false);
    expect(app.childNodes).toHaveLength(1);
  });
});
