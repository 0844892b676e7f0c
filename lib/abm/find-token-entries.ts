import {
  CELL_SELECTOR,
  CONTROL_SELECTOR,
  HEADING_SELECTOR,
  LIST_ITEM_SELECTOR,
  LIST_SELECTOR,
  LOCATION_LABELS,
  MAX_HEADING_CLIMB,
  MAX_NAME_LENGTH,
  MAX_NAME_WORDS,
  NOT_NAME_SELECTOR,
  PROSE_OR_MENU_SELECTOR,
  ROW_SELECTOR,
  SECTION_HEADINGS,
  TABLE_SELECTOR,
  isDownloadLabel,
  looksLikeTokenRoute,
  normaliseHeading,
  normaliseLabel,
} from './page-knowledge';
import { isOwnElement } from './own-elements';

// Plain DOM code: this runs in a content script on every Apple console page. No libraries.

/** One location's token: a table row, a list item or a card. */
export interface TokenEntry {
  element: HTMLElement;
  locationName: string;
  /** The button or link that downloads this location's token; null when the role may not download. */
  downloadControl: HTMLElement | null;
}

/** How the page lays out its entries. */
export type EntryLayout = 'table' | 'list' | 'cards';

/** A "Content Tokens" (or "Server Tokens", "Apps & Books") heading with the entries that follow it. */
export interface TokenSection {
  /** Smallest element that holds both the heading and the entries. */
  element: HTMLElement;
  heading: HTMLElement;
  /** The table or grid, the list, or the element whose children are the cards. */
  container: HTMLElement;
  layout: EntryLayout;
  /** At least one entry has a download control (false: the role lacks Content Manager rights). */
  canDownload: boolean;
  /**
   * Found by the token route and its structure, not by its words (a language Token Relay has no labels for): each
   * entry's one control is its download control.
   */
  byRoute?: boolean;
}

const TABLE_OR_LIST = `${TABLE_SELECTOR},${LIST_SELECTOR}`;

/** The first token section in `root`, or null. Structure decides: a heading alone is not a section. */
export function findTokenSection(root: ParentNode): TokenSection | null {
  return findSectionHeadings(root).section;
}

/**
 * The token section and the section headings still waiting for their entries, each with the element to watch
 * for them (where the search from that heading stopped).
 */
export function findSectionHeadings(root: ParentNode): { section: TokenSection | null; waiting: HTMLElement[] } {
  const waiting: HTMLElement[] = [];
  const headings = [...root.querySelectorAll<HTMLElement>(HEADING_SELECTOR)];
  // Words first: they tell the token section apart from the other sections of the page.
  for (const heading of headings) {
    if (!isSectionHeading(heading)) continue;
    const search = searchFromHeading(heading);
    if (search.section) return { section: search.section, waiting };
    waiting.push(search.scope);
  }
  // No heading in words we know (or still waiting for its entries): on the token route, whatever the language, the
  // nearest heading above a table or list of entries with one control each. From the last heading up, so that the
  // section's own heading wins over the page's title.
  if (waiting.length > 0 || !looksLikeTokenRoute((root.ownerDocument ?? (root as Document)).URL)) return { section: null, waiting };
  for (const heading of headings.reverse()) {
    const search = searchFromHeading(heading, true);
    if (search.section) return { section: search.section, waiting };
    waiting.push(search.scope);
  }
  return { section: null, waiting };
}

/** The entries of a section as the page shows them now, header rows left out. */
export function findTokenEntries(section: TokenSection): TokenEntry[] {
  return entriesOf(section.container, section.layout, section.heading, section.byRoute);
}

/** Whether this heading's text (or aria-label) is one of the section headings, in any known language. */
export function isSectionHeading(heading: Element): boolean {
  return [heading.textContent, heading.getAttribute('aria-label')].some((text) => text !== null && SECTION_HEADINGS.has(normaliseHeading(text)));
}

/** The section this heading opens, when a table, list or card group follows it before the next peer heading. */
export function sectionFromHeading(heading: HTMLElement): TokenSection | null {
  return searchFromHeading(heading).section;
}

/**
 * The section this heading opens, or null and the outermost element the search looked in. `byRoute`: the heading's
 * words are unknown, so only a table or list whose every entry has one control counts.
 */
function searchFromHeading(heading: HTMLElement, byRoute?: boolean): { section: TokenSection | null; scope: HTMLElement } {
  const level = headingLevel(heading);
  const top = heading.ownerDocument.body;
  let node: HTMLElement = heading;
  for (let climb = 0; climb < MAX_HEADING_CLIMB && node !== top; climb++) {
    const parent = node.parentElement;
    if (!parent) break;
    const { siblings, hitBoundary } = siblingsBeforeNextSection(node, level);
    const found = containerAmong(siblings, heading, parent, byRoute);
    if (found) {
      const entries = entriesOf(found.container, found.layout, heading, byRoute);
      const section: TokenSection = {
        element: parent,
        heading,
        container: found.container,
        layout: found.layout,
        canDownload: entries.some((entry) => entry.downloadControl !== null),
        byRoute,
      };
      return { section, scope: parent };
    }
    // The next peer heading ends our section: whatever follows belongs to someone else.
    if (hitBoundary) return { section: null, scope: parent };
    node = parent;
  }
  return { section: null, scope: node };
}

function headingLevel(heading: Element): number {
  const tag = /^H([1-6])$/.exec(heading.tagName);
  if (tag?.[1]) return Number(tag[1]);
  const aria = Number(heading.getAttribute('aria-level'));
  return Number.isInteger(aria) && aria > 0 ? aria : 2;
}

function siblingsBeforeNextSection(node: Element, level: number): { siblings: HTMLElement[]; hitBoundary: boolean } {
  const siblings: HTMLElement[] = [];
  for (let sibling = node.nextElementSibling; sibling; sibling = sibling.nextElementSibling) {
    if (opensPeerSection(sibling, level)) return { siblings, hitBoundary: true };
    siblings.push(sibling as HTMLElement);
  }
  return { siblings, hitBoundary: false };
}

function opensPeerSection(element: Element, level: number): boolean {
  const headings = element.matches(HEADING_SELECTOR) ? [element] : element.querySelectorAll(HEADING_SELECTOR);
  for (const heading of headings) {
    if (headingLevel(heading) <= level) return true;
  }
  return false;
}

function containerAmong(
  siblings: HTMLElement[],
  heading: HTMLElement,
  parent: HTMLElement,
  byRoute?: boolean,
): { container: HTMLElement; layout: EntryLayout } | null {
  for (const sibling of siblings) {
    const candidates: HTMLElement[] = sibling.matches(TABLE_OR_LIST) ? [sibling] : [];
    candidates.push(...sibling.querySelectorAll<HTMLElement>(TABLE_OR_LIST));
    for (const container of candidates) {
      if (isLayoutOnly(container)) continue;
      const layout: EntryLayout = container.matches(TABLE_SELECTOR) ? 'table' : 'list';
      const entries = entriesOf(container, layout, heading, byRoute);
      // A table of locations counts even without download rights; a list needs controls or items that read like names.
      // By the route alone: every entry has its one control.
      if (
        byRoute
          ? entries.length > 0 && entries.every((entry) => entry.downloadControl)
          : layout === 'table'
            ? entries.length > 0
            : entries.some((entry) => entry.downloadControl) || isListOfNames(container, entries)
      ) {
        return { container, layout };
      }
    }
  }
  return byRoute ? null : cardGroupAmong(siblings, parent, heading);
}

// Without download rights a list of locations is only names; bullet points of help text are sentences.
function isListOfNames(container: HTMLElement, entries: TokenEntry[]): boolean {
  return entries.length > 0 && !container.closest(PROSE_OR_MENU_SELECTOR) && entries.every((entry) => readsLikeName(entry.element, entry.locationName));
}

/** A short name, not a sentence, a paragraph or a lone link. */
function readsLikeName(item: Element, name: string): boolean {
  if (!name || name.length > MAX_NAME_LENGTH || /[.!?:;]$/.test(name) || name.split(' ').length > MAX_NAME_WORDS) return false;
  const link = item.querySelector('a[href]');
  return !item.querySelector('p') && !(link && link.textContent?.trim() === item.textContent?.trim());
}

/** A card of a location without download rights: a lower heading that reads like a name. */
function isNamedCard(element: Element, level: number): boolean {
  const title = element.querySelector(HEADING_SELECTOR);
  return title !== null && headingLevel(title) > level && readsLikeName(element, readableText(title));
}

function isLayoutOnly(element: Element): boolean {
  const role = element.getAttribute('role');
  return role === 'presentation' || role === 'none';
}

// Cards without list roles are recognised by their download controls, or (no rights) by their named sub-headings.
function cardGroupAmong(
  siblings: HTMLElement[],
  parent: HTMLElement,
  heading: HTMLElement,
): { container: HTMLElement; layout: EntryLayout } | null {
  const holders = siblings.filter((sibling) => downloadControlsIn(sibling).length > 0);
  const [first] = holders;
  if (first) {
    // Several controls inside one sibling: that sibling wraps the cards. Otherwise the siblings are the cards.
    const controls = holders.length === 1 ? downloadControlsIn(first) : [];
    return { container: controls.length > 1 ? commonAncestor(controls, first) : parent, layout: 'cards' };
  }
  const level = headingLevel(heading);
  if (siblings.filter((sibling) => isNamedCard(sibling, level)).length > 1) return { container: parent, layout: 'cards' };
  const wrapper = siblings.find((sibling) => [...sibling.children].some((child) => isNamedCard(child, level)));
  return wrapper ? { container: wrapper, layout: 'cards' } : null;
}

function commonAncestor(elements: HTMLElement[], within: HTMLElement): HTMLElement {
  let ancestor: HTMLElement | null = elements[0]?.parentElement ?? within;
  while (ancestor && ancestor !== within && !elements.every((element) => ancestor?.contains(element))) {
    ancestor = ancestor.parentElement;
  }
  return ancestor ?? within;
}

function entriesOf(container: HTMLElement, layout: EntryLayout, heading: HTMLElement, byRoute?: boolean): TokenEntry[] {
  if (layout === 'table') return tableEntries(container, byRoute);
  const items =
    layout === 'list'
      ? ownItems(container, LIST_ITEM_SELECTOR, LIST_SELECTOR)
      : [...container.children].filter(
          (child): child is HTMLElement =>
            !isOwnElement(child) &&
            !child.contains(heading) &&
            (downloadControlsIn(child as HTMLElement).length > 0 || isNamedCard(child, headingLevel(heading))),
        );
  return items.map((element) => ({
    element,
    locationName: itemName(element),
    downloadControl: downloadControlIn(element, byRoute),
  }));
}

function tableEntries(table: HTMLElement, byRoute?: boolean): TokenEntry[] {
  const rows = ownItems(table, ROW_SELECTOR, TABLE_SELECTOR);
  const entries: TokenEntry[] = [];
  let locationColumn = -1;
  for (const row of rows) {
    const cells = ownItems(row, CELL_SELECTOR, ROW_SELECTOR);
    if (cells.length === 0) continue;
    if (isHeaderRow(row, cells)) {
      locationColumn = cells.findIndex((cell) => LOCATION_LABELS.has(normaliseLabel(readableText(cell))));
      continue;
    }
    entries.push({ element: row, locationName: rowName(cells, locationColumn), downloadControl: downloadControlIn(row, byRoute) });
  }
  return entries;
}

/** The items (`item`) of this container, not those of a container of the same kind nested in it. */
function ownItems(container: HTMLElement, item: string, kind: string): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(item)].filter((element) => element.parentElement?.closest(kind) === container);
}

function isColumnHeader(cell: Element): boolean {
  const role = cell.getAttribute('role');
  if (role) return role === 'columnheader';
  return cell.tagName === 'TH' && cell.getAttribute('scope') !== 'row';
}

function isHeaderRow(row: HTMLElement, cells: HTMLElement[]): boolean {
  return cells.every(isColumnHeader) || row.parentElement?.closest('thead') != null;
}

function rowName(cells: HTMLElement[], locationColumn: number): string {
  const byColumn = cells[locationColumn]; // undefined when no column is captioned Location (-1)
  const rowHeader = cells.find((cell) => cell.getAttribute('role') === 'rowheader' || cell.tagName === 'TH');
  for (const cell of [byColumn, rowHeader, ...cells]) {
    const text = cell ? readableText(cell) : '';
    if (text) return text;
  }
  return '';
}

function itemName(item: HTMLElement): string {
  const heading = item.querySelector(HEADING_SELECTOR);
  const fromHeading = heading ? readableText(heading) : '';
  return fromHeading || readableText(item, true);
}

/** Visible text without buttons or our own host: the location name, not "Download". */
function readableText(element: Element, firstChunkOnly = false): string {
  const chunks: string[] = [];
  collectText(element, chunks, firstChunkOnly);
  return chunks.join(' ').replace(/\s+/g, ' ').trim();
}

function collectText(node: Node, chunks: string[], firstChunkOnly: boolean): boolean {
  for (const child of node.childNodes) {
    if (child.nodeType === 3) {
      const text = (child.nodeValue ?? '').trim();
      if (!text) continue;
      chunks.push(text);
      if (firstChunkOnly) return true;
    } else if (child.nodeType === 1 && !isOwnElement(child) && !(child as Element).matches(NOT_NAME_SELECTOR)) {
      if (collectText(child, chunks, firstChunkOnly)) return true;
    }
  }
  return false;
}

/** The entry's download control; `byRoute`: its only control, whatever its name. */
function downloadControlIn(entry: HTMLElement, byRoute?: boolean): HTMLElement | null {
  const controls = entry.querySelectorAll<HTMLElement>(CONTROL_SELECTOR);
  const [only] = controls;
  // A link to another route of the console is navigation, not a download.
  return byRoute ? (controls.length === 1 && isUsable(only!) && !only!.matches('a[href^="#"]') ? only! : null) : (downloadControlsIn(entry)[0] ?? null);
}

function downloadControlsIn(scope: HTMLElement): HTMLElement[] {
  return [...scope.querySelectorAll<HTMLElement>(CONTROL_SELECTOR)].filter(isDownloadControl);
}

/** Enabled, outside prose and menus. */
function isUsable(control: HTMLElement): boolean {
  return !control.matches('[disabled],[aria-disabled="true"]') && !control.closest(PROSE_OR_MENU_SELECTOR);
}

/** Usable, and either a link with `download` or named like a download in a known language. */
export function isDownloadControl(control: HTMLElement): boolean {
  return isUsable(control) && ((control.tagName === 'A' && control.hasAttribute('download')) || isDownloadLabel(accessibleName(control)));
}

// The parts of the accessible-name computation the console uses: labelledby, aria-label, content, title.
function accessibleName(element: HTMLElement): string {
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy) {
    const text = labelledBy
      .split(/\s+/)
      .map((id) => element.ownerDocument.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim();
    if (text) return text;
  }
  const label = element.getAttribute('aria-label')?.trim();
  if (label) return label;
  const content = (element.textContent ?? '').trim();
  return content || element.getAttribute('title') || '';
}
