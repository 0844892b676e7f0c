import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clickDownload,
  countDueEntries,
  createSendAll,
  findEntryByName,
  listLocationNames,
  SEND_ALL_BUSY_MS,
  SEND_ALL_TAG,
  type SendAllControl,
} from '../../../lib/abm/batch-page';
import { findTokenEntries, findTokenSection } from '../../../lib/abm/find-token-entries';
import { simulateHeadingFlag } from '../../support/heading-flag';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/abm');
const loadFixture = (name: string) => {
  document.body.innerHTML = readFileSync(join(FIXTURES, name), 'utf8');
};

/** Every click that reaches the document, by its target: what the page would see. */
function recordClicks(): EventTarget[] {
  const clicked: EventTarget[] = [];
  document.addEventListener('click', (event) => clicked.push(event.target!), { capture: true });
  return clicked;
}

/** The Download control of the table row whose first cell reads `name`. */
const rowDownload = (name: string) =>
  [...document.querySelectorAll('tbody tr')].find((row) => row.querySelector('td')?.textContent === name)!.querySelector('button')!;

/** A click as the user makes it. happy-dom cannot make a trusted event, so the flag is set on this one. */
function userClick(target: HTMLElement): void {
  const event = new MouseEvent('click', { bubbles: true, composed: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  target.dispatchEvent(event);
}

const sendAllHosts = () => [...document.querySelectorAll(SEND_ALL_TAG)];
const sendAllButton = () => sendAllHosts()[0]?.shadowRoot?.querySelector('button') ?? null;

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('names on Apple’s page', () => {
  it('lists every entry’s location name of a Content Tokens table and of Server Tokens cards', () => {
    loadFixture('abm-content-tokens-table.html');
    expect(listLocationNames(document)).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
    loadFixture('abm-server-tokens-cards.html');
    expect(listLocationNames(document)).toEqual(['Lincoln High School', 'District Office']);
  });

  it('a frame without a token section lists nothing (undefined), so another frame answers', () => {
    loadFixture('abm-unrelated-prose.html');
    expect(listLocationNames(document)).toBeUndefined();
  });

  it('finds the one entry by its normalised name; two entries of one name are ambiguous', () => {
    loadFixture('abm-content-tokens-table.html');
    const entries = findTokenEntries(findTokenSection(document)!);
    const match = findEntryByName(entries, '  remote\tSTAFF ');
    expect('entry' in match && match.entry.locationName).toBe('Remote Staff');
    expect(findEntryByName(entries, 'Remote')).toEqual({ reason: 'not-found' });
    expect(findEntryByName(entries, '   ')).toEqual({ reason: 'not-found' });
    const twice = [...entries, { ...entries[0]!, element: document.createElement('tr') }];
    expect(findEntryByName(twice, 'main office')).toEqual({ reason: 'ambiguous' });
  });

  it('counts the distinct due names the page lists', () => {
    loadFixture('abm-content-tokens-table.html');
    const entries = findTokenEntries(findTokenSection(document)!);
    expect(countDueEntries(entries, ['MAIN OFFICE', 'main  office', 'Remote Staff', 'Elsewhere'])).toBe(2);
    expect(countDueEntries(entries, [])).toBe(0);
  });
});

describe('clickDownload', () => {
  it('clicks exactly the named entry’s Download control and nothing else, after beforeClick', () => {
    loadFixture('abm-content-tokens-table.html');
    const clicked = recordClicks();
    const order: string[] = [];
    rowDownload('Remote Staff').addEventListener('click', () => order.push('click'));

    expect(clickDownload(document, 'remote   staff', () => order.push('mark'))).toEqual({ clicked: true });
    expect(clicked).toEqual([rowDownload('Remote Staff')]);
    expect(order).toEqual(['mark', 'click']);
  });

  it('two entries of the same name: clicks none of them ("ambiguous")', () => {
    loadFixture('abm-content-tokens-table.html');
    document.querySelectorAll('tbody td span')[1]!.textContent = 'main office';
    const clicked = recordClicks();
    const beforeClick = vi.fn();
    expect(clickDownload(document, 'Main Office', beforeClick)).toEqual({ clicked: false, reason: 'ambiguous' });
    expect(clicked).toEqual([]);
    expect(beforeClick).not.toHaveBeenCalled();
  });

  it('a name the page does not list: "not-found", nothing clicked', () => {
    loadFixture('abm-content-tokens-table.html');
    const clicked = recordClicks();
    expect(clickDownload(document, 'Main')).toEqual({ clicked: false, reason: 'not-found' });
    expect(clickDownload(document, 'Visa ending 4242')).toEqual({ clicked: false, reason: 'not-found' });
    expect(clicked).toEqual([]);
  });

  it('an entry without a Download control (no rights): "no-control", nothing clicked', () => {
    loadFixture('abm-content-tokens-list-no-rights.html');
    const clicked = recordClicks();
    expect(clickDownload(document, 'Warehouse')).toEqual({ clicked: false, reason: 'no-control' });
    expect(clicked).toEqual([]);
  });

  it('a frame without a token section does not answer (undefined) and clicks nothing', () => {
    loadFixture('abm-unrelated-prose.html');
    const clicked = recordClicks();
    expect(clickDownload(document, 'Main Office')).toBeUndefined();
    expect(clicked).toEqual([]);
  });

  it('clicks a card’s Download (Server Tokens cards)', () => {
    loadFixture('abm-server-tokens-cards.html');
    const clicked = recordClicks();
    expect(clickDownload(document, 'District Office')).toEqual({ clicked: true });
    expect(clicked).toHaveLength(1);
    expect((clicked[0] as HTMLElement).closest('.css-c4rd01')?.querySelector('h3')?.textContent).toBe('District Office');
  });
});

describe('Send all on Apple’s page', () => {
  let control: SendAllControl | undefined;
  let watchStop: AbortController | undefined;
  const sent: string[][] = [];
  const start = (alive = () => true) => {
    watchStop = new AbortController();
    simulateHeadingFlag(document, watchStop.signal);
    control = createSendAll(document, { onSend: (names) => sent.push(names), alive });
    return control;
  };

  afterEach(() => {
    control?.stop();
    watchStop?.abort();
    control = undefined;
    sent.length = 0;
    vi.useRealTimers();
  });

  it('shows "Send all <n> expiring to <target>" in the token section, n = due entries on the page', () => {
    loadFixture('abm-content-tokens-table.html');
    expect(start().offer({ dueLocations: ['Main Office', 'remote staff', 'Elsewhere'], target: 'Addigy' })).toBe(2);

    const hosts = sendAllHosts();
    expect(hosts).toHaveLength(1);
    expect(findTokenSection(document)!.element.contains(hosts[0]!)).toBe(true);
    expect(sendAllButton()!.textContent).toBe('Send all 2 expiring to Addigy');
    expect(sendAllButton()!.type).toBe('button');
    // Not an entry, and not a name: the page reads as before.
    expect(listLocationNames(document)).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
  });

  it('a trusted click sends every entry name on the page once, then the button rests for a few seconds', () => {
    vi.useFakeTimers();
    loadFixture('abm-content-tokens-table.html');
    start().offer({ dueLocations: ['Main Office'], target: 'Jamf Pro' });
    const button = sendAllButton()!;
    expect(button.textContent).toBe('Send all 1 expiring to Jamf Pro');

    userClick(button);
    userClick(button);
    expect(sent).toEqual([['Main Office', 'Cupertino Campus', 'Remote Staff']]);
    expect(button.disabled).toBe(true);
    vi.advanceTimersByTime(SEND_ALL_BUSY_MS);
    expect(button.disabled).toBe(false);
    userClick(button);
    expect(sent).toHaveLength(2);
  });

  it('a page script’s click (isTrusted false) does nothing', () => {
    loadFixture('abm-content-tokens-table.html');
    start().offer({ dueLocations: ['Main Office'], target: 'Addigy' });
    sendAllButton()!.click();
    sendAllButton()!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(sent).toEqual([]);
    expect(sendAllButton()!.disabled).toBe(false);
  });

  it('no due entry on the page: hidden (0); an empty offer takes a shown control away', () => {
    loadFixture('abm-content-tokens-table.html');
    const sendAll = start();
    expect(sendAll.offer({ dueLocations: ['Elsewhere'], target: 'Addigy' })).toBe(0);
    expect(sendAllHosts()).toHaveLength(0);
    expect(sendAll.offer({ dueLocations: ['Cupertino Campus'], target: 'Addigy' })).toBe(1);
    expect(sendAllHosts()).toHaveLength(1);
    expect(sendAll.offer({ dueLocations: [], target: 'Addigy' })).toBe(0);
    expect(sendAllHosts()).toHaveLength(0);
  });

  it('a second offer relabels the one control; a control left by an earlier copy of the script goes', () => {
    loadFixture('abm-content-tokens-table.html');
    // Not right after the heading: the page has put its own element in between since.
    const stale = document.createElement(SEND_ALL_TAG);
    document.querySelector('h2')!.parentElement!.append(stale);
    const sendAll = start();
    sendAll.offer({ dueLocations: ['Main Office'], target: 'Addigy' });
    sendAll.offer({ dueLocations: ['Main Office', 'Remote Staff'], target: 'MDM' });
    expect(stale.isConnected).toBe(false);
    expect(sendAllHosts()).toHaveLength(1);
    expect(sendAllButton()!.textContent).toBe('Send all 2 expiring to MDM');
  });

  it('without download rights, or in a frame without the section, shows nothing', () => {
    loadFixture('abm-content-tokens-list-no-rights.html');
    expect(start().offer({ dueLocations: ['Warehouse'], target: 'Addigy' })).toBe(0);
    expect(sendAllHosts()).toHaveLength(0);
    control!.stop();
    loadFixture('abm-unrelated-prose.html');
    expect(start().offer({ dueLocations: ['Warehouse'], target: 'Addigy' })).toBeUndefined();
    expect(sendAllHosts()).toHaveLength(0);
  });

  it('a copy of the script whose extension was reloaded shows nothing', () => {
    loadFixture('abm-content-tokens-table.html');
    let alive = true;
    const sendAll = start(() => alive);
    expect(sendAll.offer({ dueLocations: ['Main Office'], target: 'Addigy' })).toBe(1);
    alive = false;
    expect(sendAll.offer({ dueLocations: ['Main Office'], target: 'Addigy' })).toBeUndefined();
    expect(sendAllHosts()).toHaveLength(0);
  });

  it('follows the page: a due row that goes lowers the count; a re-rendered header gets the control back', async () => {
    loadFixture('abm-content-tokens-table.html');
    start().offer({ dueLocations: ['Main Office', 'Remote Staff'], target: 'Addigy' });
    const settle = async () => {
      for (let frame = 0; frame < 3; frame++) {
        await Promise.resolve();
        await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      }
    };
    await settle();
    rowDownload('Remote Staff').closest('tr')!.remove();
    await settle();
    expect(sendAllButton()!.textContent).toBe('Send all 1 expiring to Addigy');

    // The page re-renders the section's header (the heading and what follows it), dropping our control.
    const header = document.querySelector('h2')!.parentElement!;
    header.innerHTML = header.innerHTML.replace(/<token-relay-send-all[^>]*><\/token-relay-send-all>/, '');
    await settle();
    expect(sendAllHosts()).toHaveLength(1);
    expect(sendAllButton()!.textContent).toBe('Send all 1 expiring to Addigy');
  });
});
