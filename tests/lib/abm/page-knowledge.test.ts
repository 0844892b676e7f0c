import { describe, expect, it } from 'vitest';
import {
  DOWNLOAD_LABELS,
  LABELS,
  SECTION_HEADINGS,
  isDownloadLabel,
  looksLikeTokenRoute,
  normaliseHeading,
  normaliseLabel,
  addPageLabels,
} from '../../../lib/abm/page-knowledge';
import { labelForms, publishedLabels } from '../../../lib/abm/page-labels';

describe('page knowledge', () => {
  it('knows both section names and both spellings of Apps and Books, English first', () => {
    expect(Object.keys(LABELS)[0]).toBe('en');
    for (const heading of ['Content Tokens', 'Server Tokens', 'Apps and Books', 'Apps & Books']) {
      expect(SECTION_HEADINGS.has(normaliseLabel(heading))).toBe(true);
    }
  });

  it('normalises case, spacing, non-breaking spaces, full-width letters and a trailing colon', () => {
    expect(normaliseLabel('  Content\u00a0\n Tokens : ')).toBe('content tokens');
    expect(normaliseLabel('Ｄｏｗｎｌｏａｄ')).toBe('download');
  });

  it("ignores quotes around a label, as Apple's guides and pages write them", () => {
    for (const quoted of ['„Inhaltstoken“', '«\u202fJetons de contenu\u202f»', '“Content Tokens”', '「コンテンツトークン」', '"Content Tokens":', '『サーバトークン』']) {
      expect(normaliseLabel(quoted)).not.toMatch(/["„“”«»「」『』:\s]$|^["„“”«»「」『』\s]/);
    }
    expect(normaliseLabel('„Inhaltstoken“')).toBe('inhaltstoken');
    expect(normaliseLabel('«\u202fJetons de contenu\u202f»')).toBe('jetons de contenu');
    expect(normaliseLabel('「コンテンツトークン」')).toBe('コンテンツトークン');
  });

  it('composes as NFC and folds narrow no-break spaces, and makes U+2011 the hyphen its published forms carry', () => {
    expect(normaliseLabel('Te\u0301le\u0301charger')).toBe('télécharger');
    expect(normaliseLabel('Jetons\u202fde\u00a0contenu')).toBe('jetons de contenu');
    expect(labelForms('Inhalts-Token')).toContain(normaliseLabel('Inhalts\u2011Token'));
    expect(labelForms('Inhalts-Token')).toContain('inhalts-token');
  });

  it('publishes Chinese labels with and without the space between "App" and the characters', () => {
    expect(labelForms('App 和图书')).toEqual(['app 和图书', 'app和图书']);
    expect(labelForms('Content Tokens')).toEqual(['content tokens']);
  });

  it('matches download words of scripts without spaces at the start or end, with no word boundaries', () => {
    addPageLabels(publishedLabels());
    expect(isDownloadLabel('ダウンロード')).toBe(true);
    expect(isDownloadLabel('東京本社のトークンをダウンロード')).toBe(true);
    expect(isDownloadLabel('ダウンロード：東京本社')).toBe(true);
    expect(isDownloadLabel('Laden')).toBe(true);
    expect(isDownloadLabel('Inhaltstoken laden')).toBe(true);
    expect(isDownloadLabel('Entladen')).toBe(false);
    expect(isDownloadLabel('Télécharger')).toBe(true);
    expect(isDownloadLabel('Downloads')).toBe(false);
    for (const heading of ['Inhalts\u2011Token', 'サーバートークン', 'サーバトークン', 'Appとブック', 'アプリとブック', 'App和图书']) {
      expect(SECTION_HEADINGS.has(normaliseHeading(heading))).toBe(true);
    }
  });

  it('reads a heading with a count as the section name', () => {
    expect(SECTION_HEADINGS.has(normaliseHeading('Content Tokens (12)'))).toBe(true);
    expect(SECTION_HEADINGS.has(normaliseHeading('Content Tokens 2025'))).toBe(false);
  });

  it('recognises download names with or without the location, and nothing longer', () => {
    expect(DOWNLOAD_LABELS.has('download')).toBe(true);
    expect(isDownloadLabel('Download')).toBe(true);
    expect(isDownloadLabel(' download ')).toBe(true);
    expect(isDownloadLabel('Download token for Main Office')).toBe(true);
    expect(isDownloadLabel('Downloads')).toBe(false);
    expect(isDownloadLabel('Redownload')).toBe(false);
    expect(isDownloadLabel('Send to Addigy')).toBe(false);
  });

  it('recognises the token routes (a hint, not a gate)', () => {
    expect(looksLikeTokenRoute('https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks')).toBe(true);
    expect(looksLikeTokenRoute('https://school.apple.com/#/main/preferences/paymentsAndBilling')).toBe(true);
    expect(looksLikeTokenRoute('https://business.apple.com/#/main/preferences/myprofile')).toBe(false);
  });
});
