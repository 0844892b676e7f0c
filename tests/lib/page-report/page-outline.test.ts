import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_KNOWN_LABELS } from '../../../lib/addigy-console/page-knowledge';
import { pageOutlineSchema } from '../../../lib/addigy-console/console-messages';
import { keepVocabulary, outlinePage, outlineRoute, pageReportFile } from '../../../lib/page-report';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/addigy-console');
const TOKEN_TEXT = btoa(JSON.stringify({ token: 'b3JnLXVuaXQtc2VjcmV0', expDate: '2027-11-30T10:00:00+0000', orgName: 'Northwind Traders' }));
const API_KEY = 'ak_live_7f3c9e2b4a1d';
const SECRETS = [TOKEN_TEXT, API_KEY, 'it-admin@acme.example', 'tech@northwind.example', 'Acme', 'Warehouse', 'Northwind', 'Traders', '4410022'];

afterEach(() => {
  document.body.innerHTML = '';
  history.replaceState(null, '', '/');
});

describe('outlinePage', () => {
  it('shows the page\'s structure and UI words, and none of its values', () => {
    document.body.innerHTML = readFileSync(join(FIXTURES, 'apple-apps-table.html'), 'utf8') + readFileSync(join(FIXTURES, 'confirmation-dialog.html'), 'utf8');
    document.body.insertAdjacentHTML(
      'beforeend',
      `<form aria-label="API key ${API_KEY}"><label for="k">API key</label><input id="k" type="text" value="${API_KEY}" placeholder="${API_KEY}">
       <textarea aria-label="Token">${TOKEN_TEXT}</textarea><p>Signed in as it-admin@acme.example</p>
       <input type="file" accept=".vpptoken" style="display:none"><div role="alert">Bad status response[400]: ${TOKEN_TEXT}</div></form>`,
    );
    history.replaceState(null, '', '/policies/8f1e2d3c-acme-warehouse?token=abc#section');
    const outline = outlinePage(document, CONSOLE_KNOWN_LABELS, new Date('2026-11-30T09:00:00Z'));
    expect(pageOutlineSchema.safeParse(outline).success).toBe(true);
    expect(outline.page).toBe('/policies/:id');
    expect(outline.takenAt).toBe('2026-11-30T09:00:00.000Z');
    const text = outline.nodes.join('\n');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('tablist');
    expect(text).toContain('tab "Integrations & Settings" [selected]');
    expect(text).toContain('heading 2 "Apple Apps"');
    expect(text).toContain('table columns [Location | Organization | Expiration Date | Last Successful Sync | …] rows 3');
    expect(text).toContain('button "Renew"');
    expect(text).toContain('button "Scan Now"');
    expect(text).toContain('(2 more rows like it)');
    expect(text).toContain('dialog "Confirm token" [modal]');
    expect(text).toContain('term "ID Number"');
    expect(text).toContain('definition "…"');
    expect(text).toContain('field file accept=".vpptoken" [hidden]');
    expect(text).toContain('alert "Bad status …"');
    expect(text).toContain('form "API key …"');
    // Depth shows as indentation.
    expect(outline.nodes.find((node) => node.includes('button "Renew"'))?.startsWith('    ')).toBe(true);
  });

  it('stays within 2000 nodes of 400 characters', () => {
    // Saves of 200 words, each kept: one line would be 1,000 characters without the cap.
    document.body.innerHTML = Array.from({ length: 2100 }, () => `<button aria-label="${'Save '.repeat(200)}">1</button>`).join('');
    const outline = outlinePage(document, []);
    expect(outline.nodes.length).toBeLessThanOrEqual(2000);
    expect(outline.nodes.at(-1)).toBe('(outline cut at 2000 nodes)');
    expect(Math.max(...outline.nodes.map((node) => node.length))).toBeLessThanOrEqual(400);
    expect(pageOutlineSchema.safeParse(outline).success).toBe(true);
  }, 20_000);
});

describe('keepVocabulary and outlineRoute', () => {
  it('keeps only vocabulary words, collapsing the rest', () => {
    const vocabulary = new Set(['renew', 'token', 'for']);
    expect(keepVocabulary('Renew token for Acme Warehouse (2)', vocabulary)).toBe('Renew token for …');
    expect(keepVocabulary('renew@x.example token42', vocabulary)).toBe('…');
  });

  it('turns ids and unknown segments into :id, keeps hash routes of known words', () => {
    const vocabulary = new Set(['policies', 'main', 'preferences']);
    expect(outlineRoute({ pathname: '/policies/pol-root', hash: '' }, vocabulary)).toBe('/policies/:id');
    expect(outlineRoute({ pathname: '/', hash: '#/main/preferences/acme?x=1' }, vocabulary)).toBe('/#/main/preferences/:id');
  });
});

describe('pageReportFile', () => {
  it('names the file by site and day and explains what it holds', () => {
    const file = pageReportFile({ page: '/policies/:id', takenAt: '2026-11-30T09:00:00.000Z', nodes: ['main'] }, 'addigy');
    expect(file.fileName).toBe('token-relay-page-report-addigy-2026-11-30.json');
    const json = JSON.parse(file.json);
    expect(json).toMatchObject({ site: 'addigy', page: '/policies/:id', nodes: ['main'] });
    expect(json.about).toContain('no');
    expect(pageReportFile({ page: '/', takenAt: '2026-01-02T00:00:00Z', nodes: [] }, 'apple').fileName).toBe('token-relay-page-report-apple-2026-01-02.json');
  });
});
