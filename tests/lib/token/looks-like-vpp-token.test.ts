import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBase64, hasTokenShape, isBase64Text, isVppTokenFileName, locationFromTokenFileName, looksLikeVppToken } from '../../../lib/token/looks-like-vpp-token';
import { MAX_VPP_TOKEN_BYTES } from '../../../lib/token';

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(join(HERE, '../../fixtures/token', name), 'utf8');
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

describe('looksLikeVppToken', () => {
  it('recognises real-shaped token files, wrapped, with a BOM, or URL-safe', () => {
    expect(looksLikeVppToken(fixture('token-valid.vpptoken'))).toBe(true);
    expect(looksLikeVppToken(fixture('token-line-wrapped-crlf.vpptoken'))).toBe(true);
    expect(looksLikeVppToken(fixture('token-with-bom.vpptoken'))).toBe(true);
    expect(looksLikeVppToken(fixture('token-unicode-org-extra-keys.vpptoken'))).toBe(true);
    const urlSafe = encode({ token: 't', orgName: 'Org ~~~>>>???' }).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(looksLikeVppToken(urlSafe)).toBe(true);
  });

  it('leaves expiry to the full parser: an expired token still looks like one', () => {
    expect(looksLikeVppToken(fixture('token-expired.vpptoken'))).toBe(true);
  });

  it.each([
    ['an HTML page', fixture('download-error-page.html')],
    ['a saved HTTP reply', fixture('http-response-saved-with-headers.txt')],
    ['a missing orgName', fixture('token-missing-org-name.vpptoken')],
    ['an empty token', encode({ token: '  ', orgName: 'Org', expDate: '2030-01-01T00:00:00Z' })],
    ['a non-text orgName', encode({ token: 't', orgName: 5 })],
    ['base64 of a string', encode('token')],
    ['base64 of null', encode(null)],
    ['plain words', 'hello world'],
    ['an empty string', ''],
    ['oversized input', 'A'.repeat(MAX_VPP_TOKEN_BYTES + 1)],
  ])('rejects %s', (_name, text) => {
    expect(looksLikeVppToken(text)).toBe(false);
  });

  it('rejects non-string input without throwing', () => {
    expect(looksLikeVppToken(undefined as unknown as string)).toBe(false);
    expect(looksLikeVppToken({} as unknown as string)).toBe(false);
  });

  it('stays free of zod, because it runs in the content script', () => {
    const source = readFileSync(join(HERE, '../../../lib/token/looks-like-vpp-token.ts'), 'utf8');
    const imports = source.match(/^import .*$/gm) ?? [];
    expect(imports).toEqual(["import { MAX_VPP_TOKEN_BYTES } from './types';"]);
    const types = readFileSync(join(HERE, '../../../lib/token/types.ts'), 'utf8');
    expect(types.match(/^import .*$/gm)).toEqual(["import type { Problem } from '../result';"]);
  });
});

describe('decodeBase64', () => {
  it('decodes standard and URL-safe base64, padded or not, ignoring whitespace', () => {
    const bytes = [0xfb, 0xff, 0xbf, 0x00, 0x3e];
    const standard = Buffer.from(bytes).toString('base64');
    expect(standard).toBe('+/+/AD4=');
    for (const text of [standard, '+/+/AD4', '-_-_AD4=', '-_-_AD4', ' +/+/\r\nAD4=\n']) {
      expect([...(decodeBase64(text) ?? [])]).toEqual(bytes);
    }
  });

  it.each(['', '====', 'a', 'abcde', 'ab=c', 'ab*d', 'abc==', 'é'])('refuses %j', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});

describe('isVppTokenFileName', () => {
  it.each([
    'sToken_for_Main Campus.vpptoken',
    'sToken_for_Main Campus (1).vpptoken',
    'sToken_for_Main Campus(2).vpptoken',
    'SToken_For_X.VPPTOKEN',
    'renamed.vpptoken',
    'C:\\Users\\me\\Downloads\\sToken_for_X.vpptoken',
    '/home/me/Downloads/sToken_for_X.vpptoken',
    '  sToken_for_X.vpptoken  ',
  ])('accepts %j', (name) => {
    expect(isVppTokenFileName(name)).toBe(true);
  });

  it.each([
    'sToken_for_Main Campus',
    'sToken_for_Main Campus.txt',
    'sToken_for_X.vpptoken.html',
    'vpptoken',
    '.vpptoken',
    'x.vpptoken/',
    'tokens.vpptokens',
    '',
  ])('refuses %j', (name) => {
    expect(isVppTokenFileName(name)).toBe(false);
  });
});

describe('locationFromTokenFileName', () => {
  it('reads the location out of Apple’s file name, ignoring browser suffixes', () => {
    expect(locationFromTokenFileName('sToken_for_Main Campus.vpptoken')).toBe('Main Campus');
    expect(locationFromTokenFileName('/home/a/Downloads/sToken_for_North High (2).vpptoken')).toBe('North High');
    expect(locationFromTokenFileName('renamed.vpptoken')).toBeUndefined();
    expect(locationFromTokenFileName(undefined)).toBeUndefined();
  });
});

describe('hasTokenShape (the isolated script\'s test)', () => {
  it('passes token files: plain, wrapped with CRLF, with a BOM, URL-safe', () => {
    for (const name of ['token-valid.vpptoken', 'token-line-wrapped-crlf.vpptoken', 'token-with-bom.vpptoken', 'token-unicode-org-extra-keys.vpptoken']) {
      expect([name, hasTokenShape(fixture(name))]).toEqual([name, true]);
    }
    const urlSafe = encode({ token: 't>>?', expDate: '2030-01-01' }).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(hasTokenShape(urlSafe)).toBe(true);
  });

  it.each([
    ['a CSV export', 'Location,Expires\nMain Office,2026-11-08\n'],
    ['an HTML page', fixture('download-error-page.html')],
    ['base64 of JSON without expDate', encode({ token: 't', orgName: 'Org' })],
    ['base64 of JSON with a numeric token', encode({ token: 5, expDate: '2030-01-01' })],
    ['base64 of null', encode(null)],
    ['an empty string', ''],
  ])('stops %s', (_name, text) => {
    expect(hasTokenShape(text)).toBe(false);
  });
});

describe('isBase64Text (the page-world hook\'s sieve)', () => {
  it('passes token files: plain, wrapped with CRLF, with a BOM, URL-safe', () => {
    for (const name of ['token-valid.vpptoken', 'token-line-wrapped-crlf.vpptoken', 'token-with-bom.vpptoken', 'token-unicode-org-extra-keys.vpptoken']) {
      expect([name, isBase64Text(fixture(name))]).toEqual([name, true]);
    }
    expect(isBase64Text(encode({ token: 't>>?', expDate: '2030-01-01' }).replace(/\+/g, '-').replace(/\//g, '_'))).toBe(true);
  });

  it.each([
    ['a CSV export', 'Location,Expires\nMain Office,2026-11-08\n'],
    ['an HTML page', fixture('download-error-page.html')],
    ['JSON', '{"token":"t","expDate":"2030-01-01"}'],
    ['a PDF', '%PDF-1.4\n%\u00e2\u00e3'],
    ['an empty string', ''],
  ])('keeps %s in the page', (_name, text) => {
    expect(isBase64Text(text)).toBe(false);
  });
});
