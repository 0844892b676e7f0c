/**
 * Everything Token Relay knows about Apple Business Manager's and Apple School Manager's page.
 * When Apple changes the page, this file and the fixtures in tests/fixtures/abm/ change; nothing else.
 *
 * Test URLs (sign in with a role of Content Manager or higher; ASM: Administrator, Site Manager, Content Manager):
 *   https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks   (Content Tokens, older: Server Tokens)
 *   https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks
 *   https://business.apple.com/#/main/preferences/myprofile                         (no tokens: must find nothing)
 *   Newer Apple Business UI: Settings → Payments & Billing → Apps & Books (its path is not public; assumed to differ)
 * The fixtures are made by hand from these public descriptions, not captured from the live site: replace them with
 * real captures (class names may stay hashed) when someone with access saves the page.
 * The console renders inside the same-origin iframe named "MainPortal"; the sign-in form is the `aid-auth-widget` iframe.
 * Class names are generated hashes (`css-1pawoxc`) and texts are localised: we key on roles, structure and these labels.
 */

/** Texts the page shows, per language. Compared after `normaliseLabel`. */
export interface PageLabels {
  /** Heading of the block that lists one token per location. */
  readonly sectionHeadings: readonly string[];
  /** Accessible name of the per-location download control (exact, or with more words before or after it). */
  readonly download: readonly string[];
  /** Column or field caption of the location's name. */
  readonly locationName: readonly string[];
  /** Words of the way to the tokens (menus, breadcrumbs): kept in page reports. */
  readonly path: readonly string[];
  /** Apple's names of the roles that may download tokens, as the page shows them (first: the current form). */
  readonly roles: { readonly contentManager: readonly string[]; readonly administrator: readonly string[]; readonly siteManager: readonly string[] };
}

// English first, built into the Apple-page script. Every other language comes from Apple's localized user guides
// (support.apple.com/<locale>/guide/apple-business-manager/ and …/apple-school-manager/; sources per word in
// docs/abm-capture.md) or, where marked V, from a vendor's doc quoting Apple's UI. Never a translation of our own:
// a language Apple's guides do not name a word for leaves it out, and the token route (looksLikeTokenRoute) with the
// page's structure finds the section without it.
export const LABELS = {
  en: {
    sectionHeadings: ['Content Tokens', 'Server Tokens', 'Apps and Books', 'Apps & Books'],
    download: ['Download'],
    locationName: ['Location', 'Location Name', 'Name'],
    path: ['Preferences', 'Settings', 'Payments and Billing', 'Payments & Billing', 'Apps and Books', 'Apps & Books'],
    roles: { contentManager: ['Content Manager'], administrator: ['Administrator'], siteManager: ['Site Manager'] },
  },
} as const satisfies Record<string, PageLabels>;

/** Apple's words in other languages, by BCP 47 language (with script for Chinese). Not in the Apple-page script. */
export const LOCALIZED_LABELS = {
  de: {
    // "Meine Server-Tokens" and "Laden": V. The guides write "Inhaltstoken", older ones "Inhalts-Token".
    sectionHeadings: ['Inhaltstoken', 'Inhalts-Token', 'Meine Server-Tokens', 'Server-Tokens', 'Apps und Bücher'],
    download: ['Laden'],
    locationName: [],
    path: ['Einstellungen', 'Zahlungen und Rechnungen', 'Apps und Bücher'],
    roles: { contentManager: ['Inhaltsmanager:in', 'Inhaltsmanager'], administrator: ['Administrator:in', 'Administrator'], siteManager: ['Standortmanager:in'] },
  },
  fr: {
    sectionHeadings: ['Jetons de contenu'],
    download: ['Télécharger'],
    locationName: [],
    path: ['Préférences', 'Paiements et facturation'],
    roles: { contentManager: ['Gestionnaire de contenu'], administrator: ['administrateur'], siteManager: ['Gestionnaire de site'] },
  },
  es: {
    sectionHeadings: ['identificadores de contenido', 'Apps y libros'],
    download: [],
    locationName: [],
    path: ['Preferencias', 'Apps y libros'],
    roles: { contentManager: ['gestor de contenido', 'Coordinador de contenido'], administrator: ['administrador'], siteManager: ['gestor de sede'] },
  },
  it: {
    sectionHeadings: ['token di contenuto', 'App e libri'],
    download: [],
    locationName: [],
    path: ['App e libri'],
    roles: { contentManager: ['Responsabile contenuti'], administrator: ['Amministratore'], siteManager: [] },
  },
  nl: {
    sectionHeadings: ['Apps en boeken'],
    download: [],
    locationName: [],
    path: ['Apps en boeken'],
    roles: { contentManager: ['materiaalmanager'], administrator: ['beheerder'], siteManager: [] },
  },
  ja: {
    // Long-vowel variants side by side (サーバトークン is the guides', サーバートークン V); アプリとブック in ASM's
    // guide, Appとブック in ABM's.
    sectionHeadings: ['コンテンツトークン', 'サーバトークン', 'サーバートークン', 'アプリとブック', 'Appとブック'],
    download: ['ダウンロード'],
    // V: BizMobile Go!'s manual quoting ABM's 「場所」 and 場所名 (support-go.bizmo.in/…/VPP_location.htm).
    locationName: ['場所', '場所名'],
    path: ['環境設定', 'お支払いと請求', 'アプリとブック', 'Appとブック'],
    roles: { contentManager: ['コンテンツマネージャ', 'コンテンツマネージャー'], administrator: ['管理者'], siteManager: ['サイトマネージャ', 'サイトマネージャー'] },
  },
  'zh-Hans': {
    sectionHeadings: ['App 和图书'],
    download: [],
    locationName: [],
    path: ['App 和图书'],
    roles: { contentManager: ['内容经理'], administrator: ['管理员'], siteManager: ['机构经理'] },
  },
  'zh-Hant': {
    // 服務代號: the older name of Server Tokens. 付款與帳單資料 and 偏好設定 from zh-HK's guide.
    sectionHeadings: ['App 和書籍', '服務代號'],
    download: [],
    locationName: [],
    path: ['付款與帳單資料', '偏好設定', '設定', 'App 和書籍'],
    roles: { contentManager: ['內容經理'], administrator: ['管理員'], siteManager: ['機構經理'] },
  },
  ko: {
    sectionHeadings: [],
    download: [],
    locationName: [],
    path: ['환경설정'],
    roles: { contentManager: [], administrator: ['관리자'], siteManager: [] },
  },
  'pt-BR': {
    sectionHeadings: ['Apps e Livros'],
    download: [],
    locationName: [],
    path: ['Preferências', 'Apps e Livros'],
    roles: { contentManager: ['Gerente de conteúdo'], administrator: ['Administrador'], siteManager: ['Gerente de site'] },
  },
  sv: {
    sectionHeadings: [],
    download: [],
    locationName: [],
    path: ['Inställningar'],
    roles: { contentManager: [], administrator: ['Administratör'], siteManager: [] },
  },
  da: {
    sectionHeadings: ['Apps og bøger'],
    download: [],
    locationName: [],
    path: ['Betalinger og fakturering', 'Indstillinger', 'Apps og bøger'],
    roles: { contentManager: ['Indholdsansvarlig'], administrator: ['Administrator'], siteManager: [] },
  },
  fi: {
    sectionHeadings: ['Apit ja kirjat'],
    download: [],
    locationName: [],
    path: ['Apit ja kirjat'],
    roles: { contentManager: [], administrator: ['Organisaation ylläpitäjä'], siteManager: [] },
  },
} as const satisfies Record<string, PageLabels>;

/** Hash-route fragments of the tokens page (lower case). The same in every language. */
export const ROUTE_FRAGMENTS = {
  preferences: 'preferences',
  paymentsAndBilling: 'paymentsandbilling',
  appsAndBooks: 'appsandbooks',
} as const;

/** True when the URL (hash routes included) points at Payments and Billing, where tokens live. */
export function looksLikeTokenRoute(url: string): boolean {
  const lower = url.toLowerCase();
  return lower.includes(ROUTE_FRAGMENTS.paymentsAndBilling) || lower.includes(ROUTE_FRAGMENTS.appsAndBooks);
}

/**
 * Lower case, single spaces, no quotes around it, no trailing colon. NFKC (which composes as NFC does, and folds
 * full-width letters and parentheses, and makes the non-breaking hyphen U+2011 a U+2010, which labelForms publishes
 * beside "-"); non-breaking and narrow spaces count as spaces (`\s`).
 */
export function normaliseLabel(text: string): string {
  // Quotes Apple's guides and pages put around a label: "…", „…“, «…», ‹…›, 「…」, 『…』, '…'; at the end, a colon too.
  return text
    .normalize('NFKC')
    .replace(/^[\s"'„“”‚‘’«»‹›「」『』]+|[\s"'„“”‚‘’«»‹›「」『』:]+$/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function labelSet(pick: (labels: PageLabels) => readonly string[]): Set<string> {
  return new Set(pick(LABELS.en).map(normaliseLabel));
}

// English now; other languages join through addPageLabels (the content script: as published to storage.local by the
// background; the on-demand scripts: all of them). Every language at once, whatever the page's `lang` says: Apple's
// `lang` may be set late, or differ from the words the page shows.
export const SECTION_HEADINGS = labelSet((labels) => labels.sectionHeadings);
export const DOWNLOAD_LABELS = labelSet((labels) => labels.download);
export const LOCATION_LABELS = labelSet((labels) => labels.locationName);

/**
 * The other languages' words as the Apple-page script takes them, in `normaliseLabel` form and merged: section
 * headings, download controls, location captions, the no-rights hint by lower-case language tag ("de", "zh-tw"), and
 * the look of the script's button and hint. A tuple: its field names would be bytes on every Apple page.
 */
export type PublishedLabels = [
  headings: string[],
  download: string[],
  location: string[],
  hints: Record<string, string>,
  styles: [button: string, hint: string],
];

/** Adds published words to the label sets (our own background wrote them; a wrong shape throws, and adds nothing more). */
export function addPageLabels(published: unknown): void {
  [SECTION_HEADINGS, DOWNLOAD_LABELS, LOCATION_LABELS].forEach((set, index) => (published as string[][] | undefined)?.[index]?.forEach((word) => set.add(word)));
}

/** A heading's text as a section name: "Content Tokens (3)" counts as "content tokens". */
export function normaliseHeading(text: string): string {
  return normaliseLabel(text).replace(/\s*\(\d+\)$/, '');
}

/**
 * "Download", "Download token for Main Office", "Inhaltstoken laden" (controls only); not "Downloads". Words of a
 * script written without spaces (Japanese, Chinese) match at the start or end without a space: no word boundaries.
 */
export function isDownloadLabel(name: string): boolean {
  const normal = normaliseLabel(name);
  for (const label of DOWNLOAD_LABELS) {
    const gap = /[\u3040-\u9fff]/.test(label) ? '' : ' ';
    if (normal === label || normal.startsWith(label + gap) || normal.endsWith(gap + label)) return true;
  }
  return false;
}

// Structure the page uses. Roles first; tags only where they carry the same meaning.
export const HEADING_SELECTOR = 'h1,h2,h3,h4,h5,h6,[role="heading"]';
export const CONTROL_SELECTOR = 'button,a[href],a[download],[role="button"],[role="link"],[role="menuitem"]';
export const TABLE_SELECTOR = 'table,[role="table"],[role="grid"],[role="treegrid"]';
export const LIST_SELECTOR = 'ul,ol,[role="list"]';
export const ROW_SELECTOR = 'tr,[role="row"]';
export const CELL_SELECTOR = 'td,th,[role="cell"],[role="gridcell"],[role="rowheader"],[role="columnheader"]';
export const LIST_ITEM_SELECTOR = 'li,[role="listitem"]';
// "Download the guide" in a paragraph or a menu is not a location's download control.
export const PROSE_OR_MENU_SELECTOR = 'p,nav,[role="navigation"]';
// Text inside these is never part of a location's name.
export const NOT_NAME_SELECTOR = 'button,[role="button"],script,style,template,svg,[aria-hidden="true"]';

/** How far up from the heading we look for the list of entries that follows it. */
export const MAX_HEADING_CLIMB = 6;

/** A location's name, as told apart from a sentence of help text (lists and cards without Download controls). */
export const MAX_NAME_LENGTH = 80;
export const MAX_NAME_WORDS = 10;
