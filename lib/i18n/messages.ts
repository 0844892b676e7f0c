/**
 * The extension's own words, from `public/_locales/<lang>/messages.json` through the browser's i18n API: the
 * browser picks the admin's language, English (`default_locale`) otherwise. No imports at run time: the popup's first
 * frame and the Apple-page script take this without `wxt/browser` (docs/performance.md). The JSON is imported for
 * its key names only (a type), never bundled.
 */
import type englishMessages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof englishMessages;
/** Keys with plural forms: `<base>_one`, `<base>_other`, … (CLDR categories), chosen by `plural`. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}_other` ? Base : never) : never;

interface I18nApi {
  getMessage(key: string, substitutions?: string | string[]): string;
  getUILanguage(): string;
}
type WithI18n = { i18n: I18nApi };

const api = (): I18nApi => {
  const scope = globalThis as { browser?: WithI18n; chrome?: WithI18n };
  return (scope.browser ?? scope.chrome)!.i18n;
};

/**
 * The message `key` with its `$1`..`$9` (or named placeholders) filled in. A key the browser does not know gives
 * the key itself, never an empty label (the unit tests' i18n throws instead, tests/setup.ts).
 */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  return api().getMessage(key, substitutions.map(String)) || key;
}

/**
 * The plural form of `base` for `count` in the admin's language (`<base>_one`, `<base>_few`, … as the language has
 * them, `<base>_other` otherwise); `$1` is the count, written as the language writes numbers, then `substitutions`.
 */
export function plural(base: PluralKey, count: number, ...substitutions: (string | number)[]): string {
  const subs = [formatNumber(count), ...substitutions.map(String)];
  const text = api().getMessage(`${base}_${(pluralRules ??= new Intl.PluralRules(uiLanguage())).select(count)}`, subs);
  return text || t(`${base}_other` as MessageKey, ...subs);
}

let pluralRules: Intl.PluralRules | undefined;
let numberFormat: Intl.NumberFormat | undefined;
let dateFormat: Intl.DateTimeFormat | undefined;
let dateTimeFormat: Intl.DateTimeFormat | undefined;
let relativeDays: [always: Intl.RelativeTimeFormat, auto: Intl.RelativeTimeFormat] | undefined;

/** The browser's UI language: the one the messages come in, so dates and numbers match the words around them. */
export const uiLanguage = (): string => api().getUILanguage();

export const formatNumber = (n: number): string => (numberFormat ??= new Intl.NumberFormat(uiLanguage())).format(n);

/** A date as people read it ("Dec 6, 2026" in English); "unknown" for none or a bad one. */
export function formatDate(iso?: string | null): string {
  const date = readDate(iso);
  return date ? (dateFormat ??= new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium' })).format(date) : t('unknown');
}

/** A date and time ("Dec 6, 2026, 10:00 AM" in English); "unknown" for none or a bad one. */
export function formatDateTime(iso?: string | null): string {
  const date = readDate(iso);
  return date
    ? (dateTimeFormat ??= new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'short' })).format(date)
    : t('unknown');
}

/** "in 12 days", "today", "3 days ago" (Intl: "in 1 day", not "tomorrow", except for today itself). */
export function formatRelativeDays(days: number): string {
  const lang = uiLanguage();
  const [always, auto] = (relativeDays ??= [
    new Intl.RelativeTimeFormat(lang, { numeric: 'always' }),
    new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }),
  ]);
  return (days === 0 ? auto : always).format(days, 'day');
}

function readDate(iso?: string | null): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}


let listFormat: Intl.ListFormat | undefined;
/** Names as a list ("a.vpptoken, b.vpptoken" in English). */
export const formatList = (items: readonly string[]): string =>
  (listFormat ??= new Intl.ListFormat(uiLanguage(), { type: 'unit', style: 'short' })).format(items);

// Private-use marks around a substitution's index: never in a message or a name Token Relay shows.
const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * A message whose substitutions may be elements (`<strong>`, `<time>`, a button): the translator still places them
 * anywhere in the sentence, and no sentence is glued together from pieces. Strings and numbers are substituted as
 * `t` does; anything else comes back as a part of its own, between the message's text.
 */
export function tParts<Part>(key: MessageKey, ...substitutions: (string | number | Part)[]): (string | Part)[] {
  const marked = substitutions.map((part, i) => (typeof part === 'string' || typeof part === 'number' ? part : OPEN + i + CLOSE));
  return t(key, ...marked)
    .split(new RegExp(`${OPEN}(\\d)${CLOSE}`))
    .map((piece, i) => (i % 2 === 1 ? (substitutions[Number(piece)] as Part) : piece));
}
