import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findTokenEntries, findTokenSection, type TokenSection } from '../../../lib/abm';
import { checkApplePage } from '../../../lib/abm/page-check';
import { addAllPageLabels, noRightsHint, publishedLabels } from '../../../lib/abm/page-labels';
import { LABELS, LOCALIZED_LABELS } from '../../../lib/abm/page-knowledge';
import { pageReportFile } from '../../../lib/page-report';
import { hintFor, setRoleHints } from '../../../entrypoints/abm.content/no-rights-hint';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/abm');
const TOKEN_ROUTE = '/#/main/preferences/paymentsandbilling/appsandbooks';

function loadFixture(name: string, lang: string): void {
  document.documentElement.lang = lang;
  document.body.innerHTML = readFileSync(join(FIXTURES, name), 'utf8');
}

function mustFindSection(): TokenSection {
  const section = findTokenSection(document);
  if (!section) throw new Error('expected a token section');
  return section;
}

const controlTexts = (section: TokenSection) => findTokenEntries(section).map((entry) => entry.downloadControl?.textContent);

afterEach(() => {
  document.body.innerHTML = '';
  document.documentElement.lang = '';
  history.replaceState(null, '', '/');
});

// One file, one module registry: these run in order, English only first, then with every language added.
describe('Apple pages in other languages', () => {
  it('finds no German, French or Japanese section off the token route with English words only', () => {
    for (const [name, lang] of [['de', 'de-DE'], ['fr', 'fr-FR'], ['ja', 'ja-JP']]) {
      loadFixture(`abm-content-tokens-table-${name}.html`, lang!);
      expect(findTokenSection(document)).toBeNull();
    }
  });

  it('finds, on the token route, a table in a language with no words by its one control per entry', () => {
    history.replaceState(null, '', TOKEN_ROUTE);
    loadFixture('abm-content-tokens-table-unknown-language.html', 'ko');
    const section = mustFindSection();
    expect(section.byRoute).toBe(true);
    expect(section.heading.textContent).toBe('◆◆◆');
    expect(findTokenEntries(section).map((entry) => entry.locationName)).toEqual(['⌂ Alpha', '⌂ Beta', '⌂ Gamma']);
    expect(controlTexts(section)).toEqual(['⇩', '⇩', '⇩']);
  });

  it('finds nothing by structure off the token route', () => {
    loadFixture('abm-content-tokens-table-unknown-language.html', 'ko');
    expect(findTokenSection(document)).toBeNull();
  });

  it('still gives an unreadable page its report, saying the page was in Korean', () => {
    history.replaceState(null, '', TOKEN_ROUTE);
    loadFixture('abm-content-tokens-table-unknown-language.html', 'ko');
    for (const button of document.querySelectorAll('button')) button.setAttribute('disabled', '');
    const check = checkApplePage(document, location.href);
    expect(check).toMatchObject({ tokenRoute: true, readable: false });
    expect(check.outline?.lang).toBe('ko');
    expect(JSON.parse(pageReportFile(check.outline!, 'apple').json).pageLanguage).toBe('ko');
  });

  it('reads German: „Inhalts‑Token (3)“ with a non-breaking hyphen, and its Laden buttons', () => {
    addAllPageLabels();
    loadFixture('abm-content-tokens-table-de.html', 'de-DE');
    const section = mustFindSection();
    expect(section.byRoute).toBeUndefined();
    expect(findTokenEntries(section).map((entry) => entry.locationName)).toEqual(['Hauptsitz München', 'Campus Berlin', 'Außendienst']);
    expect(controlTexts(section)).toEqual(['Laden', 'Laden', 'Laden']);
  });

  it('reads French: « Jetons de contenu » in quotes with narrow no-break spaces, and its Télécharger buttons', () => {
    loadFixture('abm-content-tokens-table-fr.html', 'fr');
    const section = mustFindSection();
    expect(findTokenEntries(section).map((entry) => entry.locationName)).toEqual(['Siège de Paris', 'Campus de Lyon']);
    expect(controlTexts(section)).toEqual(['Télécharger', 'Télécharger']);
  });

  it('reads Japanese: サーバートークン（2）, and its ダウンロード buttons', () => {
    loadFixture('abm-content-tokens-table-ja.html', 'ja');
    const section = mustFindSection();
    expect(findTokenEntries(section).map((entry) => entry.locationName)).toEqual(['東京本社', '大阪オフィス']);
    expect(controlTexts(section)).toEqual(['ダウンロード', 'ダウンロード']);
  });

  it('lets the words pick the token section on the token route: not the page title, not by structure', () => {
    history.replaceState(null, '', TOKEN_ROUTE);
    loadFixture('abm-content-tokens-table-de.html', 'de');
    const section = mustFindSection();
    expect(section.byRoute).toBeUndefined();
    expect(section.heading.tagName).toBe('H2');
    loadFixture('abm-content-tokens-table.html', 'en');
    expect(mustFindSection().heading.textContent).toBe('Content Tokens');
  });
});

describe('the published labels', () => {
  it('cover the languages the issue asks for, with the words of the domain table', () => {
    for (const lang of ['de', 'fr', 'es', 'it', 'nl', 'ja', 'zh-Hans', 'zh-Hant', 'ko', 'pt-BR', 'sv', 'da']) {
      expect(Object.keys(LOCALIZED_LABELS)).toContain(lang);
    }
    const [headings, download] = publishedLabels();
    for (const word of ['inhaltstoken', 'inhalts-token', 'inhalts\u2010token', 'jetons de contenu', 'コンテンツトークン', 'サーバトークン', 'サーバートークン', 'アプリとブック', 'appとブック', 'app 和图书', 'app和图书', 'app 和書籍']) {
      expect(headings).toContain(word);
    }
    expect(download).toEqual(expect.arrayContaining(['download', 'laden', 'télécharger', 'ダウンロード']));
  });

  it("name the roles in the hint as Apple's page does, English where a guide names none", () => {
    expect(noRightsHint(LABELS.en.roles)).toBe(
      "Token Relay: your role can't download content tokens. Downloading needs Content Manager or higher (in Apple School Manager: Administrator, Site Manager or Content Manager).",
    );
    setRoleHints(publishedLabels());
    expect(hintFor('de-DE')).toContain('Downloading needs Inhaltsmanager:in or higher (in Apple School Manager: Administrator:in, Standortmanager:in or Inhaltsmanager:in)');
    expect(hintFor('ja')).toContain('コンテンツマネージャ');
    expect(hintFor('zh-TW')).toContain('內容經理');
    expect(hintFor('zh-CN')).toContain('内容经理');
    expect(hintFor('sv-SE')).toContain('Content Manager or higher (in Apple School Manager: Administratör, Site Manager or Content Manager)');
    expect(hintFor('xx')).toBe(noRightsHint(LABELS.en.roles));
    expect(hintFor('')).toBe(noRightsHint(LABELS.en.roles));
  });
});
