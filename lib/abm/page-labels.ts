import { HINT_CSS, SEND_BUTTON_CSS } from './page-styles';
import { t } from '../i18n/messages';
import { LABELS, LOCALIZED_LABELS, addPageLabels, normaliseLabel, type PageLabels, type PublishedLabels } from './page-knowledge';

/** storage.local key of Apple's words in other languages, published by the background for the Apple-page script. */
export const PAGE_LABELS_KEY = 'applePageLabels';

const ALL: Record<string, PageLabels> = { ...LABELS, ...LOCALIZED_LABELS };

/**
 * A label's forms as pages write it: with and without the space between Latin and CJK script ("App 和图书"), and
 * with a hyphen as U+2010 (what NFKC makes of the non-breaking hyphen U+2011: "Inhalts‑Token").
 */
export function labelForms(label: string): string[] {
  const normal = normaliseLabel(label);
  const joined = normal.replace(/(?<=[a-z]) (?=[\u3040-\u9fff])|(?<=[\u3040-\u9fff]) (?=[a-z])/g, '');
  return [...new Set([normal, joined, normal.replaceAll('-', '\u2010')])];
}

const forms = (pick: (labels: PageLabels) => readonly string[]): string[] => [
  ...new Set(Object.values(ALL).flatMap((labels) => pick(labels).flatMap(labelForms))),
];

type Roles = PageLabels['roles'];

/**
 * The no-rights hint in the browser's language (public/_locales), naming the roles as Apple's page does (English words
 * where a language's guide names none).
 */
export function noRightsHint(roles: Roles): string {
  const en = LABELS.en.roles;
  const name = (role: keyof Roles) => roles[role][0] ?? en[role][0];
  return t('noRightsHint', name('contentManager'), name('administrator'), name('siteManager'));
}

/**
 * Language tags (lower case) of each language's hint. The Apple-page script looks up the page's whole tag, then its
 * first two letters: so Chinese and Brazilian Portuguese are listed whole.
 */
const HINT_TAGS: Record<string, readonly string[]> = {
  'zh-Hans': ['zh-hans', 'zh-cn', 'zh-sg', 'zh-hans-cn', 'zh-hans-sg'],
  'zh-Hant': ['zh-hant', 'zh-tw', 'zh-hk', 'zh-mo', 'zh-hant-tw', 'zh-hant-hk', 'zh-hant-mo'],
  'pt-BR': ['pt-br'],
};

/** Every other language's words, merged (the page's `lang` does not pick them: see page-knowledge), and the hints. */
export function publishedLabels(): PublishedLabels {
  const hints: Record<string, string> = { en: noRightsHint(LABELS.en.roles) };
  for (const [lang, labels] of Object.entries(LOCALIZED_LABELS)) {
    for (const tag of HINT_TAGS[lang] ?? [lang.toLowerCase()]) hints[tag] = noRightsHint(labels.roles);
  }
  return [
    forms((labels) => labels.sectionHeadings),
    forms((labels) => labels.download),
    forms((labels) => labels.locationName),
    hints,
    [SEND_BUTTON_CSS, HINT_CSS],
  ];
}

/** For the on-demand scripts (page check, batch): every language, built in. */
export function addAllPageLabels(): void {
  addPageLabels(publishedLabels());
}

/** Every word Token Relay knows of Apple's page in any language, for a page report's vocabulary. */
export function allKnownWords(): string[] {
  return Object.values(ALL).flatMap((l) => [
    ...l.sectionHeadings,
    ...l.download,
    ...l.locationName,
    ...l.path,
    ...Object.values(l.roles).flat(),
  ]);
}

/** The background, at every start: the Apple-page script reads this with the send button's target. */
export async function publishPageLabels(storage: { set(items: Record<string, unknown>): Promise<void> }): Promise<void> {
  await storage.set({ [PAGE_LABELS_KEY]: publishedLabels() });
}
