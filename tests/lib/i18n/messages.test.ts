import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { formatDate, formatDateTime, formatList, formatRelativeDays, plural, t } from '../../../lib/i18n/messages';
import { getMessage } from '../../support/i18n';

describe('lib/i18n: the extension’s words from public/_locales', () => {
  it('fills named placeholders from the substitutions, in the message’s order', () => {
    expect(t('send', 'Jamf Pro')).toBe('Send to Jamf Pro');
    expect(t('sendAt', 'Addigy', 'North High')).toBe('Send to Addigy: North High');
    // Placeholders in another order than their $n: the sentence puts them where the language wants them.
    expect(t('nextStepOtherMdm', 'Mosyle', 'Lab', 'Apple School Manager')).toBe(
      'Decide which MDM manages this location. To move it from Mosyle to Addigy, download a fresh token for Lab in Apple School Manager (Payments and Billing → Content Tokens) and send it to Addigy; otherwise remove the token from Addigy.',
    );
  });

  it('passes a substitution through as it is, "$" and all', () => {
    expect(t('connSaved', 'Acme $1 $$')).toBe('Saved Acme $1 $$.');
  });

  it('chooses the plural form by the language’s rules, and writes the count as the language does', () => {
    expect(plural('daysLeft', 1)).toBe('1 day left');
    expect(plural('daysLeft', 0.5)).toBe('0.5 days left');
    expect(plural('daysLeft', 12)).toBe('12 days left');
    expect(plural('tokenCount', 1200)).toBe('1,200 tokens');
    expect(plural('expiresWhen', 1)).toBe('within a day');
  });

  it('falls back to the _other form for a category the language’s messages do not have', () => {
    // Polish has "few" (2–4) and "many": English messages have neither, as the browser would answer for a locale
    // whose messages.json left them out.
    const getMessageSpy = vi.spyOn(fakeBrowser.i18n, 'getMessage');
    const rules = vi.spyOn(Intl.PluralRules.prototype, 'select').mockReturnValue('few');
    expect(plural('tokenCount', 3)).toBe('3 tokens');
    expect(getMessageSpy.mock.calls.map(([key]) => key)).toEqual(['tokenCount_few', 'tokenCount_other']);
    rules.mockRestore();
  });

  it('a key the messages lack throws in tests, and is never an empty label in the product', () => {
    expect(() => t('noSuchMessage' as never)).toThrow(/No message "noSuchMessage"/);
    // The browsers answer '' for an unknown key: the key itself shows, not nothing.
    vi.spyOn(fakeBrowser.i18n, 'getMessage').mockReturnValue('');
    expect(t('noSuchMessage' as never)).toBe('noSuchMessage');
  });

  it('dates, relative days and lists through Intl in the browser’s UI language', () => {
    expect(formatDate('2026-12-06T10:00:00Z')).toBe(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(new Date('2026-12-06T10:00:00Z')));
    expect(formatDate('2026-12-06T10:00:00Z')).toMatch(/^Dec \d, 2026$/);
    expect(formatDateTime(undefined)).toBe('unknown');
    expect(formatDate('not a date')).toBe('unknown');
    expect([formatRelativeDays(12), formatRelativeDays(1), formatRelativeDays(0), formatRelativeDays(-3)]).toEqual([
      'in 12 days',
      'in 1 day',
      'today',
      '3 days ago',
    ]);
    expect(formatList(['a.vpptoken', 'b.vpptoken'])).toBe('a.vpptoken, b.vpptoken');
  });

  it('the tests’ i18n reads messages as the browsers do: placeholders, then $1..$9, then $$', () => {
    const messages = {
      hello: { message: 'Hello $USER$, $$5 from $1 ($SITE$)', placeholders: { user: { content: '$2' }, site: { content: 'example.org' } } },
    };
    expect(getMessage('hello', ['Ann', 'Bo'], messages)).toBe('Hello Bo, $5 from Ann (example.org)');
  });
});
