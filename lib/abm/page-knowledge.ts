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
  /** Accessible name of the per-location download control (exact, or followed by more words). */
  readonly download: readonly string[];
  /** Column or field caption of the location's name. */
  readonly locationName: readonly string[];
}

// English first. Adding a language is one line: `de: { sectionHeadings: [...], download: [...], locationName: [...] }`.
export const LABELS = {
  en: {
    sectionHeadings: ['Content Tokens', 'Server Tokens', 'Apps and Books', 'Apps & Books'],
    download: ['Download'],
    locationName: ['Location', 'Location Name', 'Name'],
  },
} as const satisfies Record<string, PageLabels>;

/** Hash-route fragments of the tokens page (lower case). Apple moves paths: a hint only, never a gate. */
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

/** Lower case, single spaces, no trailing colon, compatibility forms folded (full-width letters, nbsp). */
export function normaliseLabel(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().replace(/\s*:$/, '').toLowerCase();
}

function labelSet(pick: (labels: PageLabels) => readonly string[]): ReadonlySet<string> {
  const all = Object.values(LABELS as Record<string, PageLabels>).flatMap(pick);
  return new Set(all.map(normaliseLabel));
}

// Every language at once: the page's language need not match the browser's or the `lang` attribute.
export const SECTION_HEADINGS = labelSet((labels) => labels.sectionHeadings);
export const DOWNLOAD_LABELS = labelSet((labels) => labels.download);
export const LOCATION_LABELS = labelSet((labels) => labels.locationName);

/** A heading's text as a section name: "Content Tokens (3)" counts as "content tokens". */
export function normaliseHeading(text: string): string {
  return normaliseLabel(text).replace(/\s*\(\d+\)$/, '');
}

/** "Download" or "Download token for Main Office" (controls only); not "Downloads". */
export function isDownloadLabel(name: string): boolean {
  const normal = normaliseLabel(name);
  for (const label of DOWNLOAD_LABELS) {
    if (normal === label || normal.startsWith(`${label} `)) return true;
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
