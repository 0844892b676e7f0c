import { describe, expect, it } from 'vitest';
import { sameName } from '../../../lib/text/same-name';

describe('sameName: one rule for names wherever they are matched', () => {
  it('folds case, spacing and the two ways of writing an accented letter', () => {
    expect(sameName('  Cafe\u0301\u00a0de   PARIS\n')).toBe(sameName('Café de Paris'));
    expect(sameName('North  High')).toBe('north high');
  });

  it('keeps different names different, and reads a missing name as none', () => {
    expect(sameName('Main Office')).not.toBe(sameName('Main Offices'));
    expect(sameName('Main-Office')).not.toBe(sameName('Main Office'));
    expect(sameName(undefined)).toBe('');
    expect(sameName(null)).toBe('');
  });
});
