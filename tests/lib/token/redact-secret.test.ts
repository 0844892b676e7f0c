import { describe, expect, it } from 'vitest';
import { redactSecret } from '../../../lib/token';

const SECRET = 'eyJ0b2tlbiI6ImFiYyIsIm9yZ05hbWUiOiJYIn0+/=';

describe('redactSecret', () => {
  it('replaces every copy of the secret', () => {
    expect(redactSecret(`a ${SECRET} b ${SECRET}`, SECRET)).toBe('a [token] b [token]');
  });

  it('replaces the secret as sent in a header and as URL-encoded', () => {
    const wrapped = `${SECRET.slice(0, 10)}\r\n${SECRET.slice(10)}`;
    expect(redactSecret(`Authorization: Bearer ${SECRET}`, wrapped)).toBe('Authorization: Bearer [token]');
    expect(redactSecret(`?t=${encodeURIComponent(SECRET)}`, SECRET)).toBe('?t=[token]');
  });

  it('replaces the inner token too when given', () => {
    expect(redactSecret(`${SECRET} / inner-abc-123`, SECRET, 'inner-abc-123')).toBe('[token] / [token]');
  });

  it('leaves text alone when there is nothing to redact', () => {
    expect(redactSecret('nothing here', SECRET)).toBe('nothing here');
    expect(redactSecret('nothing here', '', '')).toBe('nothing here');
  });
});
