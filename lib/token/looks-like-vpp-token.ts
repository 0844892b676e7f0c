import { MAX_VPP_TOKEN_BYTES } from './types';

// This file runs in the content script: no zod, no other imports beyond the size cap.

const BASE64_BODY = /^[A-Za-z0-9+/_-]*$/;

/**
 * Decodes standard or URL-safe base64, with or without padding, ignoring whitespace
 * (line-wrapped files). `undefined` when the text is not base64. Never throws.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  const body = compact.replace(/={1,2}$/, '');
  const padding = compact.length - body.length;
  if (body.length === 0 || !BASE64_BODY.test(body) || body.length % 4 === 1) return undefined;
  if (padding > 0 && compact.length % 4 !== 0) return undefined;
  const standard = body.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Cheap shape check for captured bytes: base64 of JSON with non-empty `token` and `orgName`. */
export function looksLikeVppToken(text: string): boolean {
  if (typeof text !== 'string' || text.length > MAX_VPP_TOKEN_BYTES) return false;
  const bytes = decodeBase64(text.replace(/^\uFEFF/, ''));
  if (!bytes) return false;
  try {
    const decoded: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof decoded !== 'object' || decoded === null) return false;
    const { token, orgName } = decoded as Record<string, unknown>;
    return isFilledText(token) && isFilledText(orgName);
  } catch {
    return false;
  }
}

const isFilledText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;

/**
 * Whether a file name is a `.vpptoken` file, e.g. `sToken_for_Main (1).vpptoken`.
 * Only the extension counts: the `sToken_for_` prefix alone proves nothing.
 */
export function isVppTokenFileName(name: string): boolean {
  if (typeof name !== 'string') return false;
  const baseName = name.trim().split(/[\\/]/).pop() ?? '';
  return /.\.vpptoken$/i.test(baseName);
}

/**
 * The location a download names, `sToken_for_Main Campus (1).vpptoken` → `Main Campus`.
 * A hint only (the user may rename files): used when Apple cannot be asked.
 */
export function locationFromTokenFileName(name: string | undefined): string | undefined {
  const baseName = name?.trim().split(/[\\/]/).pop() ?? '';
  const match = /^sToken_for_(.+?)(?: \(\d+\))?\.vpptoken$/i.exec(baseName);
  return match?.[1]?.trim() || undefined;
}

/**
 * The smallest test that a download is a token, for the page-world hook that sees every small download:
 * base64 (standard or URL-safe) of JSON with a string `token` and `expDate`. The background parses strictly.
 */
export function hasTokenShape(text: string): boolean {
  try {
    const json = JSON.parse(atob(text.replace(/^\uFEFF|\s+/g, '').replace(/-/g, '+').replace(/_/g, '/')));
    return typeof json?.token === 'string' && typeof json.expDate === 'string';
  } catch {
    return false;
  }
}

/**
 * The page-world hook's sieve, smaller than `hasTokenShape` (the hook runs on every Apple page): text made only of
 * base64 characters, as every token file is. A CSV, a PDF or a page never is, so none leaves the page's world; the
 * isolated script then checks `hasTokenShape`, and the background parses strictly.
 */
export function isBase64Text(text: string): boolean {
  return /^\uFEFF?[\w+/=\s-]+$/.test(text);
}
