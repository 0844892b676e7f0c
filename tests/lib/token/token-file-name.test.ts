import { describe, expect, it } from 'vitest';
import { MAX_LOCATION_CHARS, downloadedTokenFileName, tokenUploadFileName } from '../../../lib/token/token-file-name';

describe('tokenUploadFileName: the name of the file uploaded to Addigy', () => {
  it.each([
    ['Main Campus', 'sToken_for_Main Campus.vpptoken'],
    ['  Main   Campus  ', 'sToken_for_Main Campus.vpptoken'],
    ['Design Studio (1)', 'sToken_for_Design Studio (1).vpptoken'],
    ['東京キャンパス', 'sToken_for_東京キャンパス.vpptoken'],
    ['Ecole Élémentaire', 'sToken_for_Ecole Élémentaire.vpptoken'],
    // Path separators, traversal, reserved characters, quotes.
    ['../../evil', 'sToken_for_evil.vpptoken'],
    ['a/b\\c', 'sToken_for_a b c.vpptoken'],
    ['C:\\Windows\\x', 'sToken_for_C Windows x.vpptoken'],
    ['Say "hi" <now>|*?', 'sToken_for_Say hi now.vpptoken'],
    ["O'Brien `x`", 'sToken_for_O Brien x.vpptoken'],
    // Control and format characters: newlines, NUL, bidi overrides (a name that reads as another extension), zero-width.
    ['Main\nCampus\r\t\u0000', 'sToken_for_Main Campus.vpptoken'],
    ['Main\u202Eexe.nekotpv\u202C', 'sToken_for_Main exe.nekotpv.vpptoken'],
    ['Ma\u200Bin', 'sToken_for_Ma in.vpptoken'],
    // Trailing dots (Windows drops them) and a location that is only dots.
    ['Main Campus...', 'sToken_for_Main Campus.vpptoken'],
    ['..', 'sToken_for_token.vpptoken'],
    // Nothing usable: a safe fallback.
    ['', 'sToken_for_token.vpptoken'],
    ['   ', 'sToken_for_token.vpptoken'],
    ['/\\:*?"<>|', 'sToken_for_token.vpptoken'],
    [undefined, 'sToken_for_token.vpptoken'],
  ])('%j → %j', (location, expected) => {
    expect(tokenUploadFileName(location)).toBe(expected);
  });

  it('bounds the length, without splitting a character', () => {
    const name = tokenUploadFileName('😀'.repeat(200));
    expect(name).toBe(`sToken_for_${'😀'.repeat(MAX_LOCATION_CHARS)}.vpptoken`);
    expect(tokenUploadFileName('x'.repeat(500)).length).toBe('sToken_for_'.length + MAX_LOCATION_CHARS + '.vpptoken'.length);
  });

  it('every name is one plain file name ending in .vpptoken', () => {
    for (const location of ['../../evil.html', 'a\u0000b', 'x.vpptoken.exe', '"', '\u2028\u2029', 'CON']) {
      const name = tokenUploadFileName(location);
      expect(name).toMatch(/^sToken_for_[^\\/"'`<>:*?|\p{Cc}\p{Cf}]+\.vpptoken$/u);
    }
  });
});

describe('downloadedTokenFileName: the file the manual steps tell the admin to pick', () => {
  it.each([
    ['sToken_for_Main Campus (1).vpptoken', 'sToken_for_Main Campus (1).vpptoken'],
    ['/home/admin/Downloads/sToken_for_Warehouse.vpptoken', 'sToken_for_Warehouse.vpptoken'],
    ['C:\\Users\\admin\\Downloads\\Site.VPPTOKEN', 'Site.VPPTOKEN'],
    ['sToken_for_\u202eevil.vpptoken', 'sToken_for_ evil.vpptoken'],
  ])('%s → %s', (name, shown) => {
    expect(downloadedTokenFileName(name)).toBe(shown);
  });

  it.each([undefined, '', 'report.pdf', 'sToken_for_X.vpptoken.exe', `${'a'.repeat(200)}.vpptoken`])('%s → none', (name) => {
    expect(downloadedTokenFileName(name)).toBeUndefined();
  });
});
