import * as z from 'zod/mini';
import { err, ok, type Result } from '../result';
import { decodeBase64 } from './looks-like-vpp-token';
import { MAX_VPP_TOKEN_BYTES, type TokenProblem, type VppToken } from './types';
import { t } from '../i18n/messages';

const DOWNLOAD_AGAIN =
  t('problemDownloadAFreshTokenFromApple3');
const NOT_A_TOKEN_FILE = t('problemThisIsNotATokenFile');

const filledText = z.string().check(z.refine((value) => value.trim().length > 0));

/** The decoded JSON of a `.vpptoken` file (Apple's "sToken"). Extra keys are dropped. */
const vppTokenFileSchema = z.object({ token: filledText, orgName: filledText, expDate: filledText });

type VppTokenField = keyof z.infer<typeof vppTokenFileSchema>;
const FIELD_LABELS: Record<VppTokenField, string> = {
  token: t('problemTokenIdentifierToken'),
  orgName: t('problemOrganisationNameOrgName'),
  expDate: t('problemExpiryDateExpDate'),
};

export interface ParseVppTokenOptions {
  /** The moment to judge expiry against; defaults to the current time. */
  now?: Date;
}

/** Reads a `.vpptoken` file and checks it locally. Never throws; problems never quote the input. */
export function parseVppToken(
  input: string | Uint8Array | ArrayBuffer,
  options: ParseVppTokenOptions = {},
): Result<VppToken, TokenProblem> {
  try {
    return parse(input, options.now ?? new Date());
  } catch {
    // Defensive: every path above returns a value, but a parser of untrusted input must not throw.
    return err(problem('not-a-token-file', NOT_A_TOKEN_FILE));
  }
}

function parse(input: unknown, now: Date): Result<VppToken, TokenProblem> {
  const raw = readText(input);
  if (raw === 'too-large') {
    return err(problem('too-large', t('problemThisFileIsTooLargeTo')));
  }
  if (raw === undefined) return err(problem('not-a-token-file', NOT_A_TOKEN_FILE));

  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text.length === 0) return err(problem('not-a-token-file', t('problemTheFileIsEmpty', NOT_A_TOKEN_FILE)));
  if (looksLikeWebPage(text)) {
    return err(problem('not-a-token-file', t('problemItContainsAWebPageOr', NOT_A_TOKEN_FILE)));
  }

  const bytes = decodeBase64(text);
  if (!bytes) {
    return err(
      problem('not-base64', t('problemThisFileIsNotAToken')),
    );
  }

  let decoded: unknown;
  try {
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    decoded = undefined;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    return err(
      problem('not-json', t('problemThisFileIsNotAToken2')),
    );
  }

  const fields = vppTokenFileSchema.safeParse(decoded);
  if (!fields.success) {
    const missing = missingFields(fields.error.issues);
    const names = missing.map((field) => FIELD_LABELS[field]);
    return err({
      ...problem('missing-field', t('problemTheTokenFileIsMissingIts', joinWords(names))),
      field: missing[0] ?? 'token',
    });
  }

  const expiresMs = parseExpiry(fields.data.expDate);
  if (expiresMs === undefined) {
    return err(problem('bad-expiry', t('problemTheExpiryDateInTheToken')));
  }
  const expiresAt = new Date(expiresMs).toISOString();
  if (expiresMs <= now.getTime()) {
    return err({
      ...problem('expired', t('problemThisTokenExpiredOnAppleTokens', readableUtc(expiresMs))),
      expiredAt: expiresAt,
    });
  }

  return ok({ text, token: fields.data.token, orgName: fields.data.orgName.trim(), expiresAt });
}

function problem(kind: TokenProblem['kind'], message: string): TokenProblem {
  return { kind, message, nextStep: DOWNLOAD_AGAIN };
}

/** The input as text, 'too-large' before any decoding, or undefined for inputs that are not bytes or text. */
function readText(input: unknown): string | 'too-large' | undefined {
  if (typeof input === 'string') return exceedsUtf8Bytes(input, MAX_VPP_TOKEN_BYTES) ? 'too-large' : input;
  const isBytes = ArrayBuffer.isView(input) || Object.prototype.toString.call(input) === '[object ArrayBuffer]';
  if (!isBytes) return undefined;
  if ((input as ArrayBufferView | ArrayBuffer).byteLength > MAX_VPP_TOKEN_BYTES) return 'too-large';
  // Non-fatal: stray bytes become U+FFFD, which then fails the base64 check with a clear reason.
  return new TextDecoder('utf-8').decode(input as ArrayBufferView | ArrayBuffer);
}

/** UTF-8 length check without encoding the string; a UTF-16 unit takes 1 to 3 bytes. */
function exceedsUtf8Bytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 per half.
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
    if (bytes > limit) return true;
  }
  return false;
}

const HTTP_STATUS_LINE = /^HTTP\/\d(?:\.\d)?\s/i;
const HTTP_HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*:[ \t]/m;

/** HTML, or a saved HTTP reply with headers: what a browser saves when the download went wrong. */
function looksLikeWebPage(text: string): boolean {
  return text.startsWith('<') || /<!doctype|<html/i.test(text) || HTTP_STATUS_LINE.test(text) || HTTP_HEADER_LINE.test(text);
}

function missingFields(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }>): VppTokenField[] {
  const found = new Set<VppTokenField>();
  for (const issue of issues) {
    const key = issue.path[0];
    if (key === 'token' || key === 'orgName' || key === 'expDate') found.add(key);
  }
  return (['token', 'orgName', 'expDate'] as const).filter((field) => found.has(field));
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return t('tokenFieldsJoined', words.slice(0, -1).join(', '), words[words.length - 1]!);
}

// ISO-8601 date-time. Apple writes the offset as `+0000`; `+00:00` and `Z` are accepted too.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Epoch milliseconds, or undefined when the text is not a real date-time. */
export function parseExpiry(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, , sign, offsetHours, offsetMinutes] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  const offH = Number(offsetHours ?? 0);
  const offM = Number(offsetMinutes ?? 0);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) return undefined;
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  // No offset at all: Apple always sends one, so read a bare time as UTC rather than the machine's zone.
  const offsetMs = (sign === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMs;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

/** "8 November 2030 at 22:33 UTC": fixed English, so messages do not depend on the machine's locale. */
export function readableUtc(ms: number): string {
  const date = new Date(ms);
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} at ${hh}:${mm} UTC`;
}
