import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEND_HOST_TAG, watchTokenEntries, type TokenEntry, type TokenSection } from '../../../lib/abm';
import { simulateHeadingFlag } from '../../support/heading-flag';

/** The section's heading as the page shows it. */
const headingText = (section: { heading: HTMLElement } | null | undefined) => section?.heading.textContent?.replace(/\s+/g, ' ').trim();

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/abm');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

interface Seen<T> {
  value: T;
  signal: AbortSignal;
}

/** Starts a watch on `doc` and records every call, like the content script would receive them. */
function startWatch(doc: Document = document, onEntry?: (entry: TokenEntry, signal: AbortSignal) => void) {
  const controller = new AbortController();
  simulateHeadingFlag(doc, controller.signal);
  const entries: Seen<TokenEntry>[] = [];
  const sections: Seen<TokenSection>[] = [];
  const stats = { looks: 0, observerCalls: 0 };
  watchTokenEntries(
    doc,
    {
      onEntry(entry, signal) {
        entries.push({ value: entry, signal });
        onEntry?.(entry, signal);
      },
      onSection(section, signal) {
        sections.push({ value: section, signal });
      },
      onObserverWork: () => stats.observerCalls++,
      onLookWork: () => stats.looks++,
    },
    controller.signal,
  );
  const live = () => entries.filter((seen) => !seen.signal.aborted);
  return { controller, entries, sections, stats, live, liveNames: () => live().map((seen) => seen.value.locationName) };
}

/** Lets the observer deliver its records, then lets the scheduled look (one animation frame) run. */
async function settle(win: { requestAnimationFrame(callback: () => void): unknown } = window): Promise<void> {
  for (let frame = 0; frame < 2; frame++) {
    await Promise.resolve();
    await new Promise<void>((resolve) => win.requestAnimationFrame(() => resolve()));
  }
}

let watch: ReturnType<typeof startWatch> | undefined;

beforeEach(() => {
  document.body.innerHTML = '';
});

afterEach(() => {
  watch?.controller.abort();
  watch = undefined;
  document.body.innerHTML = '';
  window.location.hash = '';
});

describe('watchTokenEntries', () => {
  it('reports each row of a Content Tokens table already on the page, and the section once', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    watch = startWatch();
    await settle();

    expect(watch.liveNames()).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
    expect(watch.entries.every((seen) => seen.value.element.tagName === 'TR')).toBe(true);
    expect(watch.sections).toHaveLength(1);
    expect(headingText(watch.sections[0]?.value)).toBe('Content Tokens');
    expect(watch.sections[0]?.value.canDownload).toBe(true);
  });

  it('reports Server Tokens cards', async () => {
    document.body.innerHTML = fixture('abm-server-tokens-cards.html');
    watch = startWatch();
    await settle();

    expect(watch.liveNames()).toEqual(['Lincoln High School', 'District Office']);
    expect(headingText(watch.sections[0]?.value)).toBe('Server Tokens');
  });

  it('reports a section rendered after the watch started', async () => {
    watch = startWatch();
    await settle();
    expect(watch.entries).toHaveLength(0);

    const main = document.createElement('div');
    document.body.append(main);
    await settle();
    main.innerHTML = fixture('abm-apps-and-books-settings.html');
    await settle();

    expect(watch.liveNames()).toEqual(['Northwind Traders – Berlin', 'Northwind Traders – Paris']);
    expect(watch.sections.map((seen) => headingText(seen.value))).toEqual(['Apps & Books']);
  });

  it('on a re-render that replaces the rows, aborts the old entries and reports each new row once', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    watch = startWatch();
    await settle();
    const first = [...watch.entries];

    const tbody = document.querySelector('tbody');
    if (!tbody) throw new Error('fixture has a tbody');
    tbody.innerHTML = tbody.innerHTML; // same markup, new nodes: what a framework re-render does
    await settle();

    expect(first.every((seen) => seen.signal.aborted)).toBe(true);
    expect(watch.entries).toHaveLength(6);
    expect(watch.liveNames()).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
    expect(new Set(watch.live().map((seen) => seen.value.element)).size).toBe(3);
    expect(watch.live().every((seen) => seen.value.element.isConnected)).toBe(true);
    // Same heading, same section: its signal lives on and it is not reported again.
    expect(watch.sections).toHaveLength(1);
    expect(watch.sections[0]?.signal.aborted).toBe(false);
  });

  it('ignores unrelated mutations: no duplicate entries and no look at the page', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    const elsewhere = document.createElement('aside');
    document.body.append(elsewhere);
    watch = startWatch();
    await settle();
    const looksBefore = watch.stats.looks;

    for (let round = 0; round < 5; round++) {
      for (let index = 0; index < 50; index++) elsewhere.append(document.createElement('span'));
      elsewhere.firstElementChild?.remove();
      // Text swaps inside the section, in cells that are neither headings nor controls.
      for (const cell of document.querySelectorAll('tbody td:nth-child(2)')) cell.textContent = `Nov ${round + 1}, 2026`;
      await settle();
    }

    expect(watch.stats.observerCalls).toBeGreaterThan(0);
    expect(watch.stats.looks).toBe(looksBefore);
    expect(watch.entries).toHaveLength(3);
    expect(watch.entries.every((seen) => !seen.signal.aborted)).toBe(true);
  });

  it('on a page without a section, text and empty elements cause no look; a new subtree does', async () => {
    document.body.innerHTML = fixture('abm-unrelated-prose.html');
    const main = document.querySelector('main');
    if (!main) throw new Error('fixture has a main');
    watch = startWatch();
    await settle();
    const looksBefore = watch.stats.looks;

    for (let index = 0; index < 20; index++) main.append(document.createElement('span'));
    const plainTexts = [...main.querySelectorAll('p, li')].filter((element) => !element.firstElementChild);
    expect(plainTexts.length).toBeGreaterThan(3);
    for (const element of plainTexts) element.textContent = 'Updated help text.';
    await settle();
    expect(watch.stats.looks).toBe(looksBefore);

    main.insertAdjacentHTML('beforeend', '<div><span>Toast</span></div>');
    await settle();
    expect(watch.stats.looks).toBe(looksBefore + 1);
  });

  it('reports a list of names as a section without rights, and again once its download buttons arrive, even as empty elements', async () => {
    document.body.innerHTML = `
      <h2>Apps &amp; Books</h2>
      <ul><li><span>Main Office</span></li><li><span>Warehouse</span></li></ul>`;
    watch = startWatch();
    await settle();
    expect(watch.sections.map((seen) => seen.value.canDownload)).toEqual([false]);

    for (const item of document.querySelectorAll('li')) item.append(document.createElement('button'));
    await settle();
    // Empty buttons are not download controls yet.
    expect(watch.sections.map((seen) => seen.value.canDownload)).toEqual([false]);

    for (const button of document.querySelectorAll('button')) button.textContent = 'Download';
    await settle();
    expect(watch.sections.map((seen) => seen.value.canDownload)).toEqual([false, true]);
    expect(watch.liveNames()).toEqual(['Main Office', 'Warehouse']);
  });

  it('looks again when a heading or row inside the section changes', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    watch = startWatch();
    await settle();
    const looksBefore = watch.stats.looks;

    const heading = document.querySelector('h2');
    if (heading) heading.textContent = 'Content Tokens';
    await settle();

    expect(watch.stats.looks).toBe(looksBefore + 1);
    expect(watch.entries).toHaveLength(3);
    expect(watch.sections).toHaveLength(1);
  });

  it('on hash-routed navigation away aborts every signal; coming back reports the new rows', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    watch = startWatch();
    await settle();
    const before = [...watch.entries];

    window.location.hash = '#/main/preferences/myprofile';
    document.body.innerHTML = '<main><h1>My Profile</h1><p>Signed in as admin@example.com</p></main>';
    await settle();

    expect(before.every((seen) => seen.signal.aborted)).toBe(true);
    expect(watch.sections[0]?.signal.aborted).toBe(true);
    expect(watch.live()).toHaveLength(0);

    window.location.hash = '#/main/preferences/paymentsandbilling/appsandbooks';
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    await settle();

    expect(watch.liveNames()).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
    expect(watch.entries).toHaveLength(6);
    expect(watch.sections).toHaveLength(2);
    expect(watch.sections[1]?.signal.aborted).toBe(false);
  });

  it('reports a section without download controls as canDownload false', async () => {
    document.body.innerHTML = fixture('abm-no-download-controls.html');
    watch = startWatch();
    await settle();

    expect(watch.sections).toHaveLength(1);
    expect(watch.sections[0]?.value.canDownload).toBe(false);
    expect(watch.entries.map((seen) => seen.value.downloadControl)).toEqual([null, null]);
  });

  it('reports the section and its rows again, with new signals, when download controls arrive late', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    const buttons = [...document.querySelectorAll('tbody button')];
    for (const button of buttons) button.remove();
    watch = startWatch();
    await settle();
    expect(watch.sections.map((seen) => seen.value.canDownload)).toEqual([false]);

    const cells = document.querySelectorAll('tbody td:last-child');
    buttons.forEach((button, index) => cells[index]?.append(button));
    await settle();

    expect(watch.sections.map((seen) => seen.value.canDownload)).toEqual([false, true]);
    expect(watch.sections[0]?.signal.aborted).toBe(true);
    expect(watch.sections[1]?.signal.aborted).toBe(false);
    // Same rows, now with a control to click: the first reports are withdrawn and the rows come again.
    expect(watch.entries).toHaveLength(6);
    expect(watch.entries.slice(0, 3).every((seen) => seen.signal.aborted && seen.value.downloadControl === null)).toBe(true);
    expect(watch.live().map((seen) => seen.value.downloadControl)).toEqual(buttons);
    expect(watch.live().map((seen) => seen.value.element)).toEqual(watch.entries.slice(0, 3).map((seen) => seen.value.element));
  });

  it('reports nothing on a page that only talks about tokens', async () => {
    document.body.innerHTML = fixture('abm-unrelated-prose.html');
    watch = startWatch();
    await settle();

    expect(watch.entries).toHaveLength(0);
    expect(watch.sections).toHaveLength(0);
  });

  it('does not re-process entries when our token-relay-send host is injected into them', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    const hosts: HTMLElement[] = [];
    watch = startWatch(document, (entry) => {
      const host = document.createElement(SEND_HOST_TAG);
      host.attachShadow({ mode: 'open' }).innerHTML = '<button>Send to Addigy</button><slot></slot>';
      host.append(document.createElement('span')); // light-DOM content: the host is not an empty element
      entry.element.lastElementChild?.append(host);
      hosts.push(host);
    });
    await settle();
    // One look found the rows; our three injections did not cause a second one.
    expect(watch.stats.looks).toBe(1);

    // Our host re-rendering its own light DOM is not a page change either.
    for (const host of hosts) host.append(document.createElement('span'));
    await settle();

    expect(hosts).toHaveLength(3);
    expect(hosts.every((host) => host.isConnected)).toBe(true);
    expect(watch.stats.observerCalls).toBeGreaterThan(0);
    expect(watch.stats.looks).toBe(1);
    expect(watch.entries).toHaveLength(3);
  });

  it('stops everything when the outer signal aborts', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    watch = startWatch();
    await settle();
    const observerCalls = watch.stats.observerCalls;

    watch.controller.abort();
    expect(watch.entries.every((seen) => seen.signal.aborted)).toBe(true);
    expect(watch.sections.every((seen) => seen.signal.aborted)).toBe(true);

    document.body.innerHTML = fixture('abm-server-tokens-cards.html');
    await settle();

    expect(watch.entries).toHaveLength(3);
    expect(watch.sections).toHaveLength(1);
    expect(watch.stats.observerCalls).toBe(observerCalls);
  });

  it('does nothing when started with an aborted signal', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    const calls: string[] = [];
    watchTokenEntries(document, { onEntry: (entry) => calls.push(entry.locationName) }, AbortSignal.abort());
    await settle();
    expect(calls).toEqual([]);
  });

  it('catches a heading renamed in place ("Loading…" turning into "Content Tokens")', async () => {
    document.body.innerHTML = fixture('abm-content-tokens-table.html');
    const text = document.querySelector('h2')?.firstChild;
    if (!text) throw new Error('heading has text');
    text.nodeValue = 'Loading…';
    watch = startWatch();
    await settle();
    expect(watch.entries).toHaveLength(0);

    text.nodeValue = 'Content Tokens';
    await settle();

    expect(watch.liveNames()).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
  });

  it('looks again on a route change: hash, pushState, back and forward are all Navigation API navigate events', async () => {
    const navigation = new EventTarget();
    Object.defineProperty(window, 'navigation', { value: navigation, configurable: true });
    try {
      document.body.innerHTML = fixture('abm-content-tokens-table.html');
      watch = startWatch();
      await settle();
      const looks = watch.stats.looks;
      navigation.dispatchEvent(new Event('navigate'));
      await settle();
      expect(watch.stats.looks).toBe(looks + 1);
      watch.controller.abort();
      navigation.dispatchEvent(new Event('navigate'));
      await settle();
      expect(watch.stats.looks).toBe(looks + 1);
    } finally {
      delete (window as { navigation?: unknown }).navigation;
    }
  });

  it('works on another window\'s document, like the MainPortal iframe', async () => {
    const frame = new Window({ url: 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks' });
    try {
      frame.document.body.innerHTML = fixture('abm-apps-and-books-settings.html');
      watch = startWatch(frame.document as unknown as Document);
      await settle(frame as unknown as Window);
      expect(watch.liveNames()).toEqual(['Northwind Traders – Berlin', 'Northwind Traders – Paris']);

      frame.document.querySelector('[role="list"]')?.remove();
      await settle(frame as unknown as Window);
      expect(watch.live()).toHaveLength(0);
    } finally {
      watch?.controller.abort();
      await frame.happyDOM.close();
    }
  });

  it('reports a section without rights for a list or cards of names rendered late, never for help text', async () => {
    watch = startWatch();
    await settle();
    const main = document.createElement('main');
    document.body.append(main);
    main.innerHTML = fixture('abm-content-tokens-help-lists.html');
    await settle();
    expect(watch.sections).toHaveLength(0);

    main.innerHTML = fixture('abm-content-tokens-list-no-rights.html');
    await settle();
    main.innerHTML = fixture('abm-server-tokens-cards-no-rights.html');
    await settle();
    expect(watch.sections.map((seen) => [headingText(seen.value), seen.value.layout, seen.value.canDownload])).toEqual([
      ['Content Tokens', 'list', false],
      ['Server Tokens', 'cards', false],
    ]);
    expect(watch.sections[0]?.signal.aborted).toBe(true);
  });

  it('costs nothing on a page without section headings: no observer callback and no look for any subtree', async () => {
    document.body.innerHTML = '<main><h1>Devices</h1><div id="list"></div></main>';
    watch = startWatch();
    await settle();
    const before = { ...watch.stats };

    const list = document.getElementById('list')!;
    for (let index = 0; index < 200; index++) list.insertAdjacentHTML('beforeend', `<div><span>Device ${index}</span><button>Open</button></div>`);
    for (const span of list.querySelectorAll('span')) span.textContent = 'Updated';
    list.replaceChildren();
    await settle();

    expect(watch.stats).toEqual(before);
  });
});
