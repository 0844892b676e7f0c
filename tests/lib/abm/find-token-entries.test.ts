import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findTokenEntries, findTokenSection, SEND_HOST_TAG, type TokenSection } from '../../../lib/abm';

/** The section's heading as the page shows it. */
const headingText = (section: { heading: HTMLElement } | null | undefined) => section?.heading.textContent?.replace(/\s+/g, ' ').trim();

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/abm');

function loadFixture(name: string): void {
  document.body.innerHTML = readFileSync(join(FIXTURES, name), 'utf8');
}

function mustFindSection(): TokenSection {
  const section = findTokenSection(document);
  if (!section) throw new Error('expected a token section');
  return section;
}

function names(section: TokenSection): string[] {
  return findTokenEntries(section).map((entry) => entry.locationName);
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('findTokenSection and findTokenEntries', () => {
  it('reads a "Content Tokens" table, skipping its header row and the next section', () => {
    loadFixture('abm-content-tokens-table.html');
    const section = mustFindSection();

    expect(headingText(section)).toBe('Content Tokens');
    expect(section.heading.tagName).toBe('H2');
    expect(section.layout).toBe('table');
    expect(section.container.tagName).toBe('TABLE');
    expect(section.element.contains(section.heading) && section.element.contains(section.container)).toBe(true);
    expect(section.canDownload).toBe(true);

    const entries = findTokenEntries(section);
    expect(entries.map((entry) => entry.locationName)).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
    for (const entry of entries) {
      expect(entry.element.tagName).toBe('TR');
      expect(entry.downloadControl?.tagName).toBe('BUTTON');
      expect(entry.element.contains(entry.downloadControl)).toBe(true);
    }
    // The "Payment Methods" table below has a "Download invoice" link: not ours.
    expect(entries.some((entry) => entry.element.textContent?.includes('Visa'))).toBe(false);
  });

  it('reads "Server Tokens" cards that have no list roles', () => {
    loadFixture('abm-server-tokens-cards.html');
    const section = mustFindSection();

    expect(headingText(section)).toBe('Server Tokens');
    expect(section.layout).toBe('cards');
    expect(section.canDownload).toBe(true);
    const entries = findTokenEntries(section);
    expect(entries.map((entry) => entry.locationName)).toEqual(['Lincoln High School', 'District Office']);
    for (const entry of entries) {
      expect(entry.element.querySelector('h3')?.textContent).toBe(entry.locationName);
      expect(entry.downloadControl?.getAttribute('role')).toBe('button');
    }
  });

  it('reads the newer "Apps & Books" list with icon buttons named by aria-label', () => {
    loadFixture('abm-apps-and-books-settings.html');
    const section = mustFindSection();

    expect(headingText(section)).toBe('Apps & Books');
    expect(section.heading.getAttribute('role')).toBe('heading');
    expect(section.layout).toBe('list');
    expect(names(section)).toEqual(['Northwind Traders – Berlin', 'Northwind Traders – Paris']);
    expect(findTokenEntries(section).map((entry) => entry.downloadControl?.getAttribute('aria-label'))).toEqual([
      'Download token for Northwind Traders – Berlin',
      'Download token for Northwind Traders – Paris',
    ]);
  });

  it('finds the section without download controls for a role lacking Content Manager rights', () => {
    loadFixture('abm-no-download-controls.html');
    const section = mustFindSection();

    expect(section.canDownload).toBe(false);
    const entries = findTokenEntries(section);
    expect(entries.map((entry) => [entry.locationName, entry.downloadControl])).toEqual([
      ['Main Office', null],
      ['Warehouse', null],
    ]);
  });

  it('finds nothing on a page that only talks about Content Tokens and Download', () => {
    loadFixture('abm-unrelated-prose.html');
    expect(document.body.textContent).toContain('Content Tokens');
    expect(findTokenSection(document)).toBeNull();
  });

  it('does not depend on class names', () => {
    for (const fixture of ['abm-content-tokens-table.html', 'abm-server-tokens-cards.html', 'abm-apps-and-books-settings.html']) {
      loadFixture(fixture);
      const before = names(mustFindSection());
      for (const element of document.body.querySelectorAll('[class]')) element.setAttribute('class', 'css-zz9zz9');
      expect(names(mustFindSection())).toEqual(before);
    }
  });

  it('treats a disabled Download button as no download control', () => {
    loadFixture('abm-content-tokens-table.html');
    for (const button of document.querySelectorAll('tbody button')) button.setAttribute('disabled', '');
    const section = mustFindSection();
    expect(section.canDownload).toBe(false);
    expect(findTokenEntries(section).every((entry) => entry.downloadControl === null)).toBe(true);
  });

  it('ignores our injected host in names and entries', () => {
    loadFixture('abm-content-tokens-table.html');
    for (const entry of findTokenEntries(mustFindSection())) {
      const host = document.createElement(SEND_HOST_TAG);
      host.textContent = 'Send to Addigy';
      host.attachShadow({ mode: 'open' }).innerHTML = '<button>Download</button>';
      entry.element.querySelector('td')?.prepend(host);
    }

    const entries = findTokenEntries(mustFindSection());
    expect(entries.map((entry) => entry.locationName)).toEqual(['Main Office', 'Cupertino Campus', 'Remote Staff']);
    expect(entries.every((entry) => entry.downloadControl?.textContent === 'Download')).toBe(true);
  });

  it('stops at the next peer heading: a table under another heading is not ours', () => {
    document.body.innerHTML = `
      <div>
        <main>
          <section><h2>Content Tokens</h2><p>Loading…</p></section>
          <section><h2>Invoices</h2><p>None yet.</p></section>
        </main>
        <div><table><tr><td>March</td><td><button>Download</button></td></tr></table></div>
      </div>`;
    expect(findTokenSection(document)).toBeNull();
  });

  it('matches headings by normalised text, not by substring', () => {
    document.body.innerHTML = `
      <h2> <span>content&nbsp;tokens</span>: </h2>
      <table><tr><td>Main Office</td><td><button>Download</button></td></tr></table>`;
    expect(headingText(findTokenSection(document))).toBe('content tokens:');

    document.body.innerHTML = `
      <h2>Content Tokens Help</h2>
      <table><tr><td>Main Office</td><td><button>Download</button></td></tr></table>`;
    expect(findTokenSection(document)).toBeNull();
  });

  it('needs entries after the heading: a heading followed by a bullet list is not a section', () => {
    document.body.innerHTML = `
      <h2>Content Tokens</h2>
      <ul><li>Open Preferences.</li><li>Click Download.</li></ul>`;
    expect(findTokenSection(document)).toBeNull();
  });

  it('takes the location name from the column captioned Location, not the first column', () => {
    document.body.innerHTML = `
      <h3>Content Tokens</h3>
      <table>
        <tr><th>Expires</th><th>Location</th><th></th></tr>
        <tr><td>Nov 8, 2026</td><td>Main Office</td><td><a href="#" aria-label="Download">⤓</a></td></tr>
      </table>`;
    expect(names(mustFindSection())).toEqual(['Main Office']);
  });

  it('reads cards that sit right after the heading', () => {
    document.body.innerHTML = `
      <section>
        <h2>Server Tokens</h2>
        <div><h3>North Campus</h3><button>Download</button></div>
        <div><h3>South Campus</h3><button>Download</button></div>
      </section>`;
    const section = mustFindSection();
    expect(section.layout).toBe('cards');
    expect(section.element.tagName).toBe('SECTION');
    expect(names(section)).toEqual(['North Campus', 'South Campus']);
  });

  it('looks through a layout-only table to the list inside it', () => {
    document.body.innerHTML = `
      <h2>Content Tokens</h2>
      <table role="presentation"><tr><td>
        <ul><li>Main Office <button>Download</button></li><li>Warehouse <button>Download</button></li></ul>
      </td></tr></table>`;
    const entries = findTokenEntries(mustFindSection());
    expect(entries.map((entry) => [entry.element.tagName, entry.locationName])).toEqual([
      ['LI', 'Main Office'],
      ['LI', 'Warehouse'],
    ]);
  });

  it('keeps a table nested in a row out of that row and out of the entries', () => {
    document.body.innerHTML = `
      <h2>Content Tokens</h2>
      <table>
        <tr><th>Details</th><th>Location</th><th></th></tr>
        <tr>
          <td><table><tr><th>Expires</th><td>Nov 8, 2026</td></tr></table></td>
          <td>Main Office</td>
          <td><button>Download</button></td>
        </tr>
      </table>`;
    expect(names(mustFindSection())).toEqual(['Main Office']);
  });

  it('keeps a list nested in an item inside that item', () => {
    document.body.innerHTML = `
      <h2>Apps and Books</h2>
      <ul><li><span>Main Office</span><ul><li>Expires Nov 8, 2026</li></ul><button>Download</button></li></ul>`;
    expect(names(mustFindSection())).toEqual(['Main Office']);
  });

  describe('a role without download rights: the section is still found, whatever the layout', () => {
    it('reads a list of location names with no Download controls', () => {
      loadFixture('abm-content-tokens-list-no-rights.html');
      const section = mustFindSection();
      expect([headingText(section), section.layout, section.canDownload]).toEqual(['Content Tokens', 'list', false]);
      expect(findTokenEntries(section).map((entry) => [entry.locationName, entry.downloadControl])).toEqual([
        ['Main Office', null],
        ['Warehouse', null],
        ['Northwind Traders – Berlin', null],
      ]);
    });

    it('reads cards named by their sub-headings with no Download controls', () => {
      loadFixture('abm-server-tokens-cards-no-rights.html');
      const section = mustFindSection();
      expect([headingText(section), section.layout, section.canDownload]).toEqual(['Server Tokens', 'cards', false]);
      expect(names(section)).toEqual(['Lincoln High School', 'District Office']);
    });

    it('reads a role=list of names, and cards that sit right after the heading', () => {
      document.body.innerHTML = `
        <div role="heading" aria-level="2">Apps &amp; Books</div>
        <div role="list"><div role="listitem"><div>North Campus</div><div>Expires 12/05/2026</div></div></div>`;
      expect([mustFindSection().layout, names(mustFindSection())]).toEqual(['list', ['North Campus']]);

      document.body.innerHTML = `
        <section><h2>Server Tokens</h2><div><h3>North Campus</h3></div><div><h3>South Campus</h3></div></section>`;
      expect([mustFindSection().layout, mustFindSection().canDownload, names(mustFindSection())]).toEqual([
        'cards',
        false,
        ['North Campus', 'South Campus'],
      ]);
    });

    it('does not take help text for locations: bullet sentences, link lists and question cards', () => {
      loadFixture('abm-content-tokens-help-lists.html');
      expect(findTokenSection(document)).toBeNull();
    });

    it('does not take a menu or a list under another heading for locations', () => {
      document.body.innerHTML = `
        <h2>Content Tokens</h2>
        <nav><ul><li>Main Office</li><li>Warehouse</li></ul></nav>
        <h2>Locations</h2>
        <ul><li>Main Office</li><li>Warehouse</li></ul>`;
      expect(findTokenSection(document)).toBeNull();
    });
  });
});
