import { describe, expect, it } from 'vitest';
import { looksLikeVppToken, parseVppToken, type TokenProblemKind } from '../../../lib/token';

/** Tiny seeded PRNG, so a failure reproduces from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOW = new Date('2025-06-01T00:00:00Z');
const KNOWN_KINDS: TokenProblemKind[] = [
  'too-large',
  'not-a-token-file',
  'not-base64',
  'not-json',
  'missing-field',
  'bad-expiry',
  'expired',
];

type Random = ReturnType<typeof mulberry32>;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, 0, items.length - 1)]!;
const shuffle = <T>(random: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = int(random, 0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

const NAME_PIECES = [
  'Acme', 'School', 'District', 'Clinic', 'Zürich', 'Ålesund', 'École', 'Łódź', 'İstanbul', '東京', '北京大学',
  'Москва', 'Αθήνα', 'שלום', 'مدرسة', '🍎', '👩‍💻', '&', '"quoted"', "O'Brien", '\\back', '/slash', '<tag>', '–', '·', '42',
];
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_.:';

function randomOrgName(random: Random): string {
  const words = Array.from({ length: int(random, 1, 5) }, () => pick(random, NAME_PIECES));
  return words.join(pick(random, [' ', ' ', '-', ', ', ' & ']));
}

function randomTokenValue(random: Random): string {
  return Array.from({ length: int(random, 1, 160) }, () => pick(random, [...TOKEN_ALPHABET])).join('');
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** An expiry written the ways Apple (and ISO-8601) allow, and the instant it means. */
function randomExpiry(random: Random): { expDate: string; expiresAt: string } {
  const withMillis = random() < 0.2;
  let ms = NOW.getTime() + int(random, 1, 3 * 365 * 24 * 3600) * 1000;
  if (withMillis) ms += int(random, 0, 999);
  const offsetMinutes = pick(random, [0, 0, 60, 120, -300, -480, 330, 345, 540, 600, -210, 840, -720]);
  const local = new Date(ms + offsetMinutes * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const fraction = withMillis ? `.${pad(local.getUTCMilliseconds(), 3)}` : '';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = pad(Math.trunc(Math.abs(offsetMinutes) / 60));
  const minutes = pad(Math.abs(offsetMinutes) % 60);
  const offset =
    offsetMinutes === 0 && random() < 0.4
      ? 'Z'
      : random() < 0.5
        ? `${sign}${hours}${minutes}`
        : `${sign}${hours}:${minutes}`;
  return { expDate: `${date}T${time}${fraction}${offset}`, expiresAt: new Date(ms).toISOString() };
}

function randomExtraValue(random: Random): unknown {
  return pick(random, [null, true, 0, 12.5, 'extra', [1, 'two'], { nested: { deep: 'value' } }, '']);
}

function toBase64(random: Random, json: string): string {
  let text = Buffer.from(json, 'utf8').toString('base64');
  if (random() < 0.5) text = text.replace(/\+/g, '-').replace(/\//g, '_');
  if (random() < 0.5) text = text.replace(/=+$/, '');
  return text;
}

function randomValidFile(random: Random) {
  const orgName = randomOrgName(random);
  const token = randomTokenValue(random);
  const { expDate, expiresAt } = randomExpiry(random);
  const entries: [string, unknown][] = [
    ['token', token],
    ['orgName', orgName],
    ['expDate', expDate],
  ];
  for (let i = int(random, 0, 3); i > 0; i--) entries.push([`extra${i}_${int(random, 0, 999)}`, randomExtraValue(random)]);
  const json = JSON.stringify(Object.fromEntries(shuffle(random, entries)), null, pick(random, [0, 0, 2, '\t']));

  let text = toBase64(random, json);
  if (random() < 0.3) {
    const width = int(random, 20, 100);
    text = text.match(new RegExp(`.{1,${width}}`, 'g'))!.join(pick(random, ['\n', '\r\n']));
  }
  const surrounding = () => pick(random, ['', '', ' ', '\n', '\r\n', '\t \n', '\n\n']);
  const file = `${random() < 0.15 ? '\uFEFF' : ''}${surrounding()}${text}${surrounding()}`;
  const form = pick(random, ['string', 'string', 'bytes', 'buffer'] as const);
  const bytes = new TextEncoder().encode(file);
  const input = form === 'string' ? file : form === 'bytes' ? bytes : bytes.buffer.slice(0);
  return { input, expected: { text, token, orgName, expiresAt } };
}

/** Inputs that are never a usable token: each kind of damage is built so that it cannot accidentally be valid. */
function randomGarbage(random: Random): string | Uint8Array {
  const valid = randomValidFile(random).expected;
  const compact = valid.text.replace(/\s+/g, '');
  const body = compact.replace(/=+$/, '');
  switch (int(random, 0, 9)) {
    case 0:
      return Uint8Array.from({ length: int(random, 0, 300) }, () => int(random, 0, 255));
    case 1:
      // Cut before the last quad, so the closing brace of the JSON is gone.
      return body.slice(0, int(random, 0, Math.max(0, body.length - 4)));
    case 2: {
      // Flip one bit of one character until it leaves the base64 alphabet.
      const chars = [...compact];
      const at = int(random, 0, chars.length - 1);
      let flipped = chars[at]!;
      while (/[A-Za-z0-9+/_\-=\s]/.test(flipped)) flipped = String.fromCharCode(chars[at]!.charCodeAt(0) ^ (1 << int(random, 0, 7)));
      chars[at] = flipped;
      return chars.join('');
    }
    case 3: {
      // Flip one bit of the decoded JSON's opening brace: never an object any more.
      const bytes = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      bytes[0] = bytes[0]! ^ (1 << int(random, 0, 7));
      return bytes.toString(random() < 0.5 ? 'base64' : 'base64url');
    }
    case 4:
      return Array.from({ length: int(random, 1, 200) }, () => String.fromCharCode(int(random, 32, 126))).join('');
    case 5:
      return pick(random, ['<!DOCTYPE html>', '<html>', '<?xml version="1.0"?>', '<div>', '<!-- x -->']) + compact;
    case 6:
      return `${pick(random, ['HTTP/1.1 200 OK', 'Content-Type: application/octet-stream', 'HTTP/2 302'])}\r\n\r\n${valid.text}`;
    case 7: {
      // Valid JSON, but one required field is gone, empty or not text.
      const fields: Record<string, unknown> = { token: valid.token, orgName: valid.orgName, expDate: '2030-01-01T00:00:00Z' };
      const field = pick(random, ['token', 'orgName', 'expDate']);
      const damage = pick(random, ['delete', '', '  ', null, 7, []] as const);
      if (damage === 'delete') delete fields[field];
      else fields[field] = damage;
      return toBase64(random, JSON.stringify(fields));
    }
    case 8: {
      const expDate = pick(random, ['tomorrow', '2030-02-30T00:00:00Z', '2019-01-01T00:00:00Z', '2024-12-31T23:59:59+0000', '99']);
      return toBase64(random, JSON.stringify({ token: valid.token, orgName: valid.orgName, expDate }));
    }
    default:
      return toBase64(random, JSON.stringify(pick(random, [[valid], valid.orgName, 17, null, false, 'x'])));
  }
}

describe('parseVppToken, generated inputs', () => {
  it('round-trips 4000 generated valid token files', () => {
    const random = mulberry32(0x5eed_0001);
    for (let i = 0; i < 4000; i++) {
      const { input, expected } = randomValidFile(random);
      const result = parseVppToken(input, { now: NOW });
      if (!result.ok) throw new Error(`case ${i}: ${result.error.kind}: ${result.error.message}`);
      expect(result.value).toEqual(expected);
      if (typeof input === 'string') expect(looksLikeVppToken(input)).toBe(true);
    }
  }, 30_000);

  it('refuses 4000 damaged or unrelated inputs with a known reason, never throwing or quoting them', () => {
    const random = mulberry32(0x5eed_0002);
    const kindsSeen = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const input = randomGarbage(random);
      let result: ReturnType<typeof parseVppToken>;
      try {
        result = parseVppToken(input, { now: NOW });
      } catch (error) {
        throw new Error(`case ${i} threw: ${String(error)}`);
      }
      if (result.ok) throw new Error(`case ${i} was accepted`);
      expect(KNOWN_KINDS).toContain(result.error.kind);
      expect(result.error.message).not.toBe('');
      expect(result.error.nextStep).not.toBe('');
      kindsSeen.add(result.error.kind);
      const text = typeof input === 'string' ? input.trim() : '';
      if (text.length >= 12) {
        expect(result.error.message).not.toContain(text);
        expect(result.error.nextStep).not.toContain(text);
      }
    }
    expect([...kindsSeen].sort()).toEqual(KNOWN_KINDS.filter((kind) => kind !== 'too-large').sort());
  }, 30_000);

  it('refuses oversized inputs of every form', () => {
    const random = mulberry32(0x5eed_0003);
    for (let i = 0; i < 20; i++) {
      const size = 64 * 1024 + int(random, 1, 4096);
      const input = pick(random, [
        'A'.repeat(size),
        new Uint8Array(size),
        ' '.repeat(size),
        '<'.repeat(size),
      ]);
      const result = parseVppToken(input, { now: NOW });
      expect(result.ok || result.error.kind).toBe('too-large');
    }
  });

  it('never throws and only accepts complete tokens, whatever single bit is flipped', () => {
    const random = mulberry32(0x5eed_0004);
    for (let i = 0; i < 1000; i++) {
      const { expected } = randomValidFile(random);
      const bytes = new TextEncoder().encode(expected.text);
      const at = int(random, 0, bytes.length - 1);
      bytes[at] = bytes[at]! ^ (1 << int(random, 0, 7));
      const result = parseVppToken(bytes, { now: NOW });
      if (result.ok) {
        expect(result.value.token.trim()).not.toBe('');
        expect(result.value.orgName).not.toBe('');
        expect(Date.parse(result.value.expiresAt)).toBeGreaterThan(NOW.getTime());
      } else {
        expect(KNOWN_KINDS).toContain(result.error.kind);
      }
    }
  });
});
