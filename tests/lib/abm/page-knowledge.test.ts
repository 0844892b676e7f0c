import { describe, expect, it } from 'vitest';
import {
  DOWNLOAD_LABELS,
  LABELS,
  SECTION_HEADINGS,
  isDownloadLabel,
  looksLikeTokenRoute,
  normaliseHeading,
  normaliseLabel,
} from '../../../lib/abm/page-knowledge';

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
