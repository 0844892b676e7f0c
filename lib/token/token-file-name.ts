/**
 * The name of the file Token Relay uploads to Addigy: always `sToken_for_<location>.vpptoken`, built from the
 * location the MDM and Apple name, never from the name Apple's page gave its download (a page can name a download
 * anything: `../../evil.html`, `x.vpptoken.exe`, quotes, control characters). Addigy's window shows it, so it is
 * also what the admin recognises.
 */

/** Longest location part kept, in characters (code points): the whole name stays under 100. */
export const MAX_LOCATION_CHARS = 80;
/** Used when the location is unknown or nothing of it is left. */
const FALLBACK_LOCATION = 'token';

// Control and format characters (incl. bidi overrides and zero-width ones), line/paragraph separators, path
// separators, quotes, and the characters Windows and macOS reserve in file names.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\/"'`<>:*?|]+/gu;

export function tokenUploadFileName(location: string | undefined): string {
  const cleaned = (location ?? '')
    .normalize('NFC')
    .replace(UNSAFE, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const bounded = Array.from(cleaned).slice(0, MAX_LOCATION_CHARS).join('').replace(/[\s.]+$/, '');
  return `sToken_for_${bounded || FALLBACK_LOCATION}.vpptoken`;
}

/**
 * The name the captured file has in the admin's Downloads folder (the browser may have added " (1)"), for the
 * manual steps: its base name, cleaned for display like the upload's; undefined when it is not a .vpptoken file.
 */
export function downloadedTokenFileName(fileName: string | undefined): string | undefined {
  const base = (fileName ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (!/\.vpptoken$/i.test(cleaned) || cleaned.length > 160) return undefined;
  return cleaned;
}

/** `/home/a/Downloads/sToken_for_X (1).vpptoken` and `sToken_for_X.vpptoken` name the same download. */
export function downloadKey(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/ \(\d+\)(?=\.vpptoken$)/i, '').trim().toLowerCase();
}
