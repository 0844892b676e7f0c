/**
 * `browser.i18n` for unit tests, reading the shipped English messages (public/_locales/en/messages.json) the way
 * Chrome and Firefox do: named placeholders, then `$1`..`$9`, then `$$` as `$`. A key that is not there throws, so
 * a missing message fails the test instead of showing an empty label; plural forms English has no key for (`_few`,
 * `_many`, …) answer '' as the browsers do, and lib/i18n falls back to `_other`.
 */
import shipped from '../../public/_locales/en/messages.json';

interface Message {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

export const englishMessages: Record<string, Message> = shipped;

const PLURAL_FORM = /_(zero|one|two|few|many)$/;

export function getMessage(key: string, substitutions?: string | string[], messages = englishMessages): string {
  const entry = messages[key];
  if (!entry) {
    if (PLURAL_FORM.test(key) && messages[key.replace(PLURAL_FORM, '_other')]) return '';
    throw new Error(`No message "${key}" in public/_locales/en/messages.json`);
  }
  const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
  const placeholders = Object.fromEntries(Object.entries(entry.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]));
  return entry.message
    .replace(/\$([a-z0-9_@]+)\$/gi, (whole, name: string) => placeholders[name.toLowerCase()] ?? whole)
    .replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (subs[Number(which) - 1] ?? '')));
}

/** Installs the English i18n on the fake browser (both `browser` and `chrome` in tests). */
export function installI18n(target: { i18n: object }): void {
  Object.assign(target.i18n, { getMessage: (key: string, subs?: string | string[]) => getMessage(key, subs), getUILanguage: () => 'en-US' });
}
