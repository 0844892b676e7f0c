import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_VPP_TOKEN_BYTES, parseVppToken, type TokenProblem, type VppToken } from '../../../lib/token';

const NOW = new Date('2025-06-01T00:00:00Z');
const DOWNLOAD_AGAIN_STEP = /Download a fresh token from Apple Business Manager/;

// Paths, not URL objects: happy-dom replaces the global URL, which node:fs does not recognise.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/token');
const fixtureText = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** Encodes with Node's own base64, independent of the code under test. */
function encode(value: unknown, variant: { urlSafe?: boolean; padding?: boolean } = {}): string {
  const json = typeof value === 'string' ? value : JSON.stringify(value);
  let text = Buffer.from(json, 'utf8').toString('base64');
  if (variant.urlSafe) text = text.replace(/\+/g, '-').replace(/\//g, '_');
  if (variant.padding === false) text = text.replace(/=+$/, '');
  return text;
}

const sample = (fields: Record<string, unknown> = {}) => ({
  token: 'b3BhcXVlLW9yZ2FuaXNhdGlvbmFsLXVuaXQ=',
  expDate: '2030-11-08T22:33:22+0000',
  orgName: 'Example School District',
  ...fields,
});

function accepted(input: Parameters<typeof parseVppToken>[0], now = NOW): VppToken {
  const result = parseVppToken(input, { now });
  if (!result.ok) throw new Error(`expected a token, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

function rejected(input: Parameters<typeof parseVppToken>[0], now = NOW): TokenProblem {
  const result = parseVppToken(input, { now });
  if (result.ok) throw new Error('expected a problem, got a token');
  expect(result.error.message.length).toBeGreaterThan(10);
  expect(result.error.nextStep).toMatch(DOWNLOAD_AGAIN_STEP);
  return result.error;
}

describe('parseVppToken accepts', () => {
  it('a plain file with a trailing newline, keeping the trimmed text as the secret', () => {
    const file = fixtureText('token-valid.vpptoken');
    const token = accepted(file);
    expect(token).toEqual({
      text: file.trim(),
      token: 'bm90LWEtcmVhbC10b2tlbi1mb3ItdGVzdHMtb25seS0wMDE=',
      orgName: 'Example School District',
      expiresAt: '2030-11-08T22:33:22.000Z',
    });
  });

  it('surrounding whitespace and newlines', () => {
    const text = encode(sample());
    expect(accepted(`\n\n  \t${text}  \r\n\n`).text).toBe(text);
  });

  it('CRLF line-wrapped base64, keeping the internal line breaks in the text', () => {
    const file = fixtureText('token-line-wrapped-crlf.vpptoken');
    expect(file).toContain('\r\n');
    const token = accepted(file);
    expect(token.text).toBe(file.trim());
    expect(token.text).toContain('\r\n');
    expect(token.orgName).toBe('Example Clinic');
  });

  it('base64 wrapped with LF every 60 characters', () => {
    const text = encode(sample({ orgName: 'Wrapped Org' }));
    const wrapped = text.match(/.{1,60}/g)!.join('\n');
    expect(accepted(wrapped)).toMatchObject({ orgName: 'Wrapped Org', text: wrapped });
  });

  it('a UTF-8 byte order mark, as text and as bytes', () => {
    const file = fixtureText('token-with-bom.vpptoken');
    expect(file.charCodeAt(0)).toBe(0xfeff);
    expect(accepted(file).text).toBe(file.slice(1));
    const bytes = fixtureBytes('token-with-bom.vpptoken');
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const fromBytes = accepted(bytes);
    expect(fromBytes.text).toBe(file.slice(1));
    expect(fromBytes.expiresAt).toBe('2030-11-08T22:33:22.000Z');
  });

  it('Uint8Array and ArrayBuffer input', () => {
    const text = encode(sample());
    const bytes = new TextEncoder().encode(`${text}\n`);
    expect(accepted(bytes).text).toBe(text);
    expect(accepted(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).text).toBe(text);
  });

  it('any key order and extra keys, which stay out of the result', () => {
    const token = accepted(fixtureText('token-unicode-org-extra-keys.vpptoken'));
    expect(Object.keys(token).sort()).toEqual(['expiresAt', 'orgName', 'text', 'token']);
    expect(token.expiresAt).toBe('2031-01-15T07:00:00.000Z');
  });

  it('a non-ASCII organisation name, decoded as UTF-8', () => {
    expect(accepted(fixtureText('token-unicode-org-extra-keys.vpptoken')).orgName).toBe('Zürich Schulen – Ålesund 東京 🍎');
    expect(accepted(encode(sample({ orgName: 'École Saint-Éloi' }))).orgName).toBe('École Saint-Éloi');
  });

  it('trims the organisation name but keeps the inner token exactly', () => {
    const token = accepted(encode(sample({ orgName: '  Acme Ltd \n', token: ' spaced token ' })));
    expect(token.orgName).toBe('Acme Ltd');
    expect(token.token).toBe(' spaced token ');
  });

  it.each([
    ['2030-11-08T22:33:22+0000', '2030-11-08T22:33:22.000Z'],
    ['2030-11-08T22:33:22+00:00', '2030-11-08T22:33:22.000Z'],
    ['2030-11-08T22:33:22Z', '2030-11-08T22:33:22.000Z'],
    ['2030-12-31T13:57:19+02:00', '2030-12-31T11:57:19.000Z'],
    ['2030-12-31T13:57:19+0200', '2030-12-31T11:57:19.000Z'],
    ['2030-01-01T01:00:00-0530', '2030-01-01T06:30:00.000Z'],
    ['2030-11-08T22:33:22.5Z', '2030-11-08T22:33:22.500Z'],
    ['2030-11-08T22:33:22.123456+0000', '2030-11-08T22:33:22.123Z'],
    ['2030-11-08 22:33:22+0000', '2030-11-08T22:33:22.000Z'],
    ['2032-02-29T00:00:00Z', '2032-02-29T00:00:00.000Z'],
  ])('expDate %s', (expDate, expiresAt) => {
    expect(accepted(encode(sample({ expDate }))).expiresAt).toBe(expiresAt);
  });

  it('standard and URL-safe base64, with or without padding', () => {
    // Find an org name whose encoding needs both '+' or '/' and padding, so every variant differs.
    let orgName = 'Org ~~~>>>???';
    while (!/[+/]/.test(encode(sample({ orgName }))) || !encode(sample({ orgName })).endsWith('=')) orgName += '?';
    const value = sample({ orgName });
    const variants = [
      encode(value),
      encode(value, { padding: false }),
      encode(value, { urlSafe: true }),
      encode(value, { urlSafe: true, padding: false }),
    ];
    expect(new Set(variants).size).toBe(4);
    for (const text of variants) {
      expect(accepted(text)).toEqual({ text, token: value.token, orgName, expiresAt: '2030-11-08T22:33:22.000Z' });
    }
  });

  it('a token that expires one millisecond after now', () => {
    const expires = new Date('2030-11-08T22:33:22Z');
    expect(accepted(encode(sample()), new Date(expires.getTime() - 1)).expiresAt).toBe(expires.toISOString());
  });
});

describe('parseVppToken rejects', () => {
  it('input over 64 KiB before decoding, measured in UTF-8 bytes', () => {
    expect(rejected('A'.repeat(MAX_VPP_TOKEN_BYTES + 1)).kind).toBe('too-large');
    // 22,000 characters but 66,000 UTF-8 bytes.
    expect(rejected('€'.repeat(22_000)).kind).toBe('too-large');
    expect(rejected(new Uint8Array(MAX_VPP_TOKEN_BYTES + 1)).kind).toBe('too-large');
    expect(rejected(new ArrayBuffer(MAX_VPP_TOKEN_BYTES + 1)).kind).toBe('too-large');
    // A valid token padded past the limit with whitespace is still refused by size.
    expect(rejected(encode(sample()) + ' '.repeat(MAX_VPP_TOKEN_BYTES)).kind).toBe('too-large');
    // Just under the limit in bytes is decoded, and fails for its content instead.
    expect(rejected('€'.repeat(21_000)).kind).toBe('not-base64');
  });

  it('an HTML page, saying plainly that this is not a token file', () => {
    const problem = rejected(fixtureText('download-error-page.html'));
    expect(problem.kind).toBe('not-a-token-file');
    expect(problem.message).toContain('This is not a token file; download it again from Apple Business Manager');
    for (const html of ['<html><body>x</body></html>', '  <!doctype html><p>', '<?xml version="1.0"?>', '<']) {
      expect(rejected(html).kind).toBe('not-a-token-file');
    }
  });

  it('a saved HTTP reply with headers, even with a valid token as its body', () => {
    expect(rejected(fixtureText('http-response-saved-with-headers.txt')).kind).toBe('not-a-token-file');
    expect(rejected(`Content-Type: application/octet-stream\n\n${encode(sample())}`).kind).toBe('not-a-token-file');
    expect(rejected('HTTP/2 403\r\n').kind).toBe('not-a-token-file');
  });

  it('an empty or blank file', () => {
    for (const blank of ['', '   \n\r\n\t', '\uFEFF', new Uint8Array(0)]) {
      expect(rejected(blank).kind).toBe('not-a-token-file');
    }
  });

  it.each([
    ['words', 'hello world!'],
    ['decoded JSON pasted as is', JSON.stringify(sample())],
    ['a length no base64 can have', 'abcde'],
    ['padding in the middle', 'ab=c'],
    ['three padding characters', 'a==='],
    ['padding on an incomplete quad', 'abcdef='],
    ['non-ASCII', 'eyJ0b2tlbiI6ÿ'],
  ])('not base64: %s', (_name, input) => {
    const problem = rejected(input);
    expect(problem.kind).toBe('not-base64');
    expect(problem.message).toMatch(/not a token file/);
  });

  it('binary bytes that are not text', () => {
    expect(rejected(new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x9c])).kind).toBe('not-base64');
  });

  it.each([
    ['plain text', 'hello there'],
    ['an array', '[1,2,3]'],
    ['a string', '"token"'],
    ['null', 'null'],
    ['a number', '42'],
    ['truncated JSON', JSON.stringify(sample()).slice(0, -1)],
  ])('base64 of something that is not a JSON object: %s', (_name, json) => {
    expect(rejected(encode(json)).kind).toBe('not-json');
  });

  it('base64 of bytes that are not UTF-8', () => {
    expect(rejected(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64')).kind).toBe('not-json');
  });

  it.each(['token', 'orgName', 'expDate'] as const)('a missing, empty or non-text %s, naming the field', (field) => {
    const withField = (value: unknown) => {
      const fields: Record<string, unknown> = sample();
      if (value === undefined) delete fields[field];
      else fields[field] = value;
      return encode(fields);
    };
    for (const value of [undefined, '', '   ', null, 42, { nested: true }]) {
      const problem = rejected(withField(value));
      expect(problem.kind).toBe('missing-field');
      expect(problem.field).toBe(field);
      expect(problem.message).toContain(`(${field})`);
    }
  });

  it('names every missing field at once', () => {
    const problem = rejected(fixtureText('token-missing-org-name.vpptoken'));
    expect(problem).toMatchObject({ kind: 'missing-field', field: 'orgName' });
    const both = rejected(encode({ expDate: '2030-11-08T22:33:22Z' }));
    expect(both.field).toBe('token');
    expect(both.message).toContain('(token)');
    expect(both.message).toContain('(orgName)');
    expect(both.message).not.toContain('(expDate)');
  });

  it.each([
    'soon',
    '2030-11-08',
    '2030-13-01T00:00:00Z',
    '2030-02-30T00:00:00Z',
    '2031-02-29T00:00:00Z',
    '2030-11-08T24:00:00Z',
    '2030-11-08T22:60:00Z',
    '2030-11-08T22:33:22+2500',
    '08/11/2030 22:33',
    '1800000000',
    '0001-01-01T00:00:00Z',
  ])('an unreadable expDate: %s', (expDate) => {
    expect(rejected(encode(sample({ expDate }))).kind).toBe('bad-expiry');
  });

  it('an expired token, saying when it expired', () => {
    const problem = rejected(fixtureText('token-expired.vpptoken'));
    expect(problem.kind).toBe('expired');
    expect(problem.expiredAt).toBe('2020-12-31T11:57:19.000Z');
    expect(problem.message).toContain('31 December 2020');
    expect(problem.nextStep).toContain('Preferences → Payments and Billing → Content Tokens');
  });

  it('a token that expires exactly now', () => {
    const expires = new Date('2030-11-08T22:33:22Z');
    expect(rejected(encode(sample()), expires).kind).toBe('expired');
  });

  it('judges expiry against the real clock when no time is given', () => {
    const result = parseVppToken(fixtureText('token-expired.vpptoken'));
    expect(result.ok || result.error.kind).toBe('expired');
  });

  it('inputs that are not text or bytes at all, without throwing', () => {
    for (const input of [null, undefined, 42, {}, [], Symbol('x'), () => 'x']) {
      const result = parseVppToken(input as unknown as string, { now: NOW });
      expect(result.ok).toBe(false);
    }
  });

  it('never quotes the file or its inner token in a message', () => {
    const secretToken = 'SECRET-inner-token-value-1234567890';
    const inputs = [
      encode(sample({ token: secretToken }) ),
      encode(sample({ token: secretToken, expDate: 'not a date' })),
      encode(sample({ token: secretToken, orgName: '' })),
      `${encode(sample({ token: secretToken }))}!!`,
    ];
    for (const input of inputs) {
      const result = parseVppToken(input, { now: new Date('2040-01-01T00:00:00Z') });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      const words = `${result.error.message} ${result.error.nextStep}`;
      expect(words).not.toContain(input.slice(0, 24));
      expect(words).not.toContain(secretToken);
    }
  });
});
