/**
 * Everything Token Relay knows about Addigy's web console (https://app.addigy.com).
 * When Addigy changes its console, this file and the fixtures in tests/fixtures/addigy-console/ change; nothing else.
 *
 * Test URLs (sign in as an Addigy admin who may edit the policy):
 *   https://app.addigy.com/policies/<policyId>   → tab "Integrations & Settings" → "Apple Apps"   (the tokens, Renew, Scan Now)
 *   https://app.addigy.com/dashboard/events      (System Events; filter Receiver Type = vpp-token)
 *   https://login.addigy.com/                    (sign-in; a console visit without a session ends here)
 * Confirmed (domain.md [C]): the host, the login host, path routes, Bulma classes with `data-v-*` build hashes,
 * the labels "Integrations & Settings", "Apple Apps", "Renew", "Save", "Scan Now", the confirmation's
 * ID number / name / Apple ID / organization, and "Bad status response[400]: …" errors in a red box near Scan Now.
 * Assumed (domain.md [I]): the policy URL shape, the layout (table or cards), the hidden file input, the drop-zone
 * wording, how the windows are marked up, and the refusal's wording. The fixtures are hand-made from those
 * descriptions, not captured: replace them with real captures (a page report helps) when someone has access.
 * Class names and `data-v-*` attributes are never read: we key on roles, ARIA labels, label text and visible text.
 */
import { originOf } from '../http';
import { ADDIGY_CONSOLE_ORIGIN, ADDIGY_LOGIN_ORIGIN, type ConsoleConfirmation } from './console-messages';

// ── Routes ────────────────────────────────────────────────────────────────────

/** The policy's page, where Integrations & Settings → Apple Apps lives [I]. */
export function consolePolicyUrl(policyId: string): string {
  return `${ADDIGY_CONSOLE_ORIGIN}/policies/${encodeURIComponent(policyId)}`;
}

/** The policy id of a policy page's URL (consolePolicyUrl's shape), or undefined. */
export function policyIdOfUrl(url: string): string | undefined {
  if (originOf(url) !== ADDIGY_CONSOLE_ORIGIN) return undefined;
  const match = /^\/policies\/([^/]+)\/?$/.exec(new URL(url).pathname);
  try {
    return match ? decodeURIComponent(match[1]!) : undefined;
  } catch {
    return undefined;
  }
}

/** Any page of Addigy's console. */
export function isConsoleUrl(url: string): boolean {
  return originOf(url) === ADDIGY_CONSOLE_ORIGIN;
}

/** Console paths that are a sign-in form rather than the console [I]; the hosted sign-in is login.addigy.com [C]. */
export const CONSOLE_SIGN_IN_PATHS: readonly string[] = ['/login', '/signin', '/sign-in', '/auth/login'];

/** True on Addigy's hosted sign-in page, or on a sign-in route of the console itself. */
export function isConsoleSignInUrl(url: string): boolean {
  const origin = originOf(url);
  if (origin === ADDIGY_LOGIN_ORIGIN) return true;
  if (origin !== ADDIGY_CONSOLE_ORIGIN) return false;
  const path = new URL(url).pathname.replace(/\/+$/, '').toLowerCase();
  return CONSOLE_SIGN_IN_PATHS.includes(path);
}


// ── Labels ────────────────────────────────────────────────────────────────────

/** Texts the console shows, per language. Compared after `normaliseLabel`. */
export interface ConsoleLabels {
  readonly integrationsTab: readonly string[];
  /** Older names of that tab; common words, so they count only on a tab (see findIntegrationsTab). */
  readonly integrationsTabOlder: readonly string[];
  /** The section holding the tokens, with its older names. */
  readonly appleAppsSection: readonly string[];
  readonly renew: readonly string[];
  readonly save: readonly string[];
  readonly cancel: readonly string[];
  readonly scanNow: readonly string[];
  /** Column or field captions of a token's location. */
  readonly location: readonly string[];
  readonly idNumber: readonly string[];
  readonly name: readonly string[];
  readonly appleId: readonly string[];
  readonly organization: readonly string[];
  readonly signIn: readonly string[];
}

// English only so far; Addigy's console is not known to be localised.
export const LABELS = {
  en: {
    integrationsTab: ['Integrations & Settings', 'Integrations and Settings'],
    // Older versions of Addigy's article name the tab "Settings" or "Integrations" (issue 19).
    integrationsTabOlder: ['Settings', 'Integrations'],
    appleAppsSection: ['Apple Apps', 'Apps and Books', 'Apps & Books'],
    renew: ['Renew'],
    save: ['Save'],
    cancel: ['Cancel'],
    scanNow: ['Scan Now'],
    location: ['Location', 'Location Name', 'Name'],
    idNumber: ['ID number', 'ID Number', 'ID'],
    name: ['Name'],
    appleId: ['Apple ID'],
    organization: ['Organization', 'Organisation'],
    signIn: ['Sign in', 'Sign In', 'Log in', 'Login'],
  },
} as const satisfies Record<string, ConsoleLabels>;

/** The drop zone's wording, e.g. "Drop your .vpptoken file here or click to browse" [I]. */
export const DROP_ZONE_TEXT: readonly RegExp[] = [/\b(drop|drag)\b.*\b(click|browse|select|choose)\b/i, /\bdrag (and|&) drop\b/i];

/** How Addigy's errors read (Scan Now: `Bad status response[400]: "Error syncing token"` [C]). */
export const ERROR_TEXT: readonly RegExp[] = [/bad status response/i, /^\s*error\b/i, /\berror:/i];

/** Lower case, single spaces, no trailing colon or count, compatibility forms folded. */
export function normaliseLabel(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*:$/, '')
    .replace(/\s*\(\d+\)$/, '')
    .toLowerCase();
}

function labelSet(pick: (labels: ConsoleLabels) => readonly string[]): ReadonlySet<string> {
  return new Set(Object.values(LABELS as Record<string, ConsoleLabels>).flatMap(pick).map(normaliseLabel));
}

export const INTEGRATIONS_TAB_LABELS = labelSet((labels) => labels.integrationsTab);
export const INTEGRATIONS_TAB_OLDER_LABELS = labelSet((labels) => labels.integrationsTabOlder);
export const APPLE_APPS_LABELS = labelSet((labels) => labels.appleAppsSection);
export const RENEW_LABELS = labelSet((labels) => labels.renew);
export const SAVE_LABELS = labelSet((labels) => labels.save);
export const CANCEL_LABELS = labelSet((labels) => labels.cancel);
export const SCAN_NOW_LABELS = labelSet((labels) => labels.scanNow);
export const LOCATION_LABELS = labelSet((labels) => labels.location);
export const SIGN_IN_LABELS = labelSet((labels) => labels.signIn);
export const CONFIRMATION_LABELS: Readonly<Record<keyof ConsoleConfirmation, ReadonlySet<string>>> = {
  idNumber: labelSet((labels) => labels.idNumber),
  name: labelSet((labels) => labels.name),
  appleId: labelSet((labels) => labels.appleId),
  organization: labelSet((labels) => labels.organization),
};

/** Every label above, for the page report's vocabulary. */
export const CONSOLE_KNOWN_LABELS: readonly string[] = Object.values(LABELS as Record<string, ConsoleLabels>).flatMap(
  (labels) => Object.values(labels).flat() as string[],
);

// ── Structure ─────────────────────────────────────────────────────────────────

// Roles first; tags only where they carry the same meaning. Vue apps often put click handlers on bare <a>.
export const CONTROL_SELECTOR =
  'button,a,input[type="button"],input[type="submit"],[role="button"],[role="link"],[role="tab"],[role="menuitem"],[role="treeitem"],[role="option"]';
export const HEADING_SELECTOR = 'h1,h2,h3,h4,h5,h6,[role="heading"],legend';
export const DIALOG_SELECTOR = '[role="dialog"],[role="alertdialog"],[aria-modal="true"],dialog[open]';
export const PANEL_SELECTOR = '[role="tabpanel"],[role="region"],section,article,form,[role="main"],main';
export const ROW_SELECTOR = 'tr,[role="row"]';
export const CELL_SELECTOR = 'td,th,[role="cell"],[role="gridcell"],[role="rowheader"],[role="columnheader"]';
export const ERROR_BOX_SELECTOR = '[role="alert"],[role="alertdialog"],[aria-live="assertive"]';
const NOT_TEXT_SELECTOR = 'button,[role="button"],script,style,template,svg,[aria-hidden="true"],input,select,textarea';

/** How far up from a heading or a control we look for the element that holds it with its neighbours. */
export const MAX_CLIMB = 8;

/** Not hidden by attribute or style: display, visibility, opacity 0, a clip or clip-path. No layout is read. */
export function isShown(element: Element): boolean {
  const view = element.ownerDocument.defaultView;
  for (let node: Element | null = element; node; node = node.parentElement) {
    if (node.hasAttribute('hidden') || node.getAttribute('aria-hidden') === 'true') return false;
    if (node.tagName === 'DIALOG' && !node.hasAttribute('open')) return false;
    const style = view?.getComputedStyle(node);
    if (!style) continue;
    if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse') return false;
    if (style.opacity !== '' && Number(style.opacity) === 0) return false;
    if (isClippedAway(style)) return false;
  }
  return true;
}

/**
 * Shown, and where the page has layout, a rendered box of at least 2×2 px that no `overflow` ancestor clips away, not
 * placed out of reach (left of or above the page), and for a fixed box on the screen. For what receives the token or
 * a click: windows, their Save, drop zones; and for Addigy's error boxes. happy-dom has no layout: there the box is
 * not judged (see hasLayout).
 */
export function isOnScreen(element: Element): boolean {
  const view = element.ownerDocument.defaultView;
  return isShown(element) && (!view || !hasLayout(element.ownerDocument) || boxIsShown(element, view));
}

// Hiding, not decoration: `clip` is only ever used to hide (sr-only), and a clip-path's shape cannot be judged here.
function isClippedAway(style: CSSStyleDeclaration): boolean {
  const clip = style.clip;
  const clipPath = style.clipPath;
  return (clip !== '' && clip !== 'auto') || (clipPath !== '' && clipPath !== 'none');
}

/**
 * A DOM with layout gives the scrolling element (the root) the viewport's width as `clientWidth`, whatever the page's
 * styles say (CSSOM View), unless the root is not rendered, and then nothing is shown anyway. Layout-less DOMs
 * (happy-dom) give 0.
 */
export function hasLayout(doc: Document): boolean {
  return (doc.scrollingElement ?? doc.documentElement).clientWidth > 0;
}

const MIN_SHOWN_PX = 2;

function boxIsShown(element: Element, view: Window): boolean {
  const ownStyle = view.getComputedStyle(element);
  if (ownStyle.display === 'contents') return true;
  const own = element.getBoundingClientRect();
  let { left, top, right, bottom } = own;
  // Out of reach: wholly left of or above the page's start, where no scrolling brings it.
  if (right + view.scrollX <= 0 || bottom + view.scrollY <= 0) return false;
  let fixed = ownStyle.position === 'fixed';
  if (fixed) {
    left = Math.max(left, 0);
    top = Math.max(top, 0);
    right = Math.min(right, view.innerWidth);
    bottom = Math.min(bottom, view.innerHeight);
  }
  for (let node = element.parentElement; node; node = node.parentElement) {
    const style = view.getComputedStyle(node);
    // A fixed box escapes its ancestors' overflow, up to one that contains it (a transform, filter or paint containment).
    if (fixed && style.transform === 'none' && style.filter === 'none' && !/paint|strict|content/.test(style.contain)) continue;
    fixed = style.position === 'fixed';
    if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
      const clip = node.getBoundingClientRect();
      left = Math.max(left, clip.left);
      top = Math.max(top, clip.top);
      right = Math.min(right, clip.right);
      bottom = Math.min(bottom, clip.bottom);
    }
  }
  return right - left >= MIN_SHOWN_PX && bottom - top >= MIN_SHOWN_PX;
}

function isEnabled(control: Element): boolean {
  return !control.hasAttribute('disabled') && control.getAttribute('aria-disabled') !== 'true';
}

/** Text a person sees in the element, whitespace collapsed. */
export function visibleText(element: Element): string {
  return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
}

// The parts of the accessible-name computation the console needs: labelledby, aria-label, content, value, title.
export function accessibleName(element: Element): string {
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy) {
    const text = labelledBy
      .split(/\s+/)
      .map((id) => element.ownerDocument.getElementById(id)?.textContent ?? '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text) return text;
  }
  const label = element.getAttribute('aria-label')?.trim();
  if (label) return label;
  const content = visibleText(element);
  if (content) return content;
  if (element instanceof element.ownerDocument.defaultView!.HTMLInputElement) return element.value || element.title;
  return element.getAttribute('title') ?? '';
}

/** "Renew" or "Renew token for Main Campus"; not "Renewal". */
export function nameMatches(name: string, labels: ReadonlySet<string>): boolean {
  const normal = normaliseLabel(name);
  for (const label of labels) if (normal === label || normal.startsWith(`${label} `)) return true;
  return false;
}

/**
 * Visible controls in `root` whose name is one of `labels`; `enabledOnly` drops disabled ones. Never a submit button
 * whose form posts to another origin: pressing it would send the form there.
 */
export function findControls(root: ParentNode, labels: ReadonlySet<string>, enabledOnly = false): HTMLElement[] {
  return namedControls(root, labels).filter((control) => (!enabledOnly || isEnabled(control)) && !submitsElsewhere(control));
}

/** Visible controls named one of `labels`, to read the page by, not to press. */
function namedControls(root: ParentNode, labels: ReadonlySet<string>): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(CONTROL_SELECTOR)].filter(
    (control) => nameMatches(accessibleName(control), labels) && isShown(control),
  );
}

function submitsElsewhere(control: Element): boolean {
  const submitter = submitterOf(control);
  return submitter !== null && postsElsewhere(submitter.form, submitter);
}

// ── Policy page: tab, sub-navigation and the Apple Apps panel ───────────────────

/**
 * The policy's "Integrations & Settings" tab (a role=tab, or a link or button in a tab strip). Its older names,
 * "Settings" and "Integrations", are everyday words (an account's Settings link, a menu's Integrations page): they
 * count only on a tab (role=tab, or inside a role=tablist), by exact name, and only when the current name is absent.
 */
export function findIntegrationsTab(doc: Document): HTMLElement | null {
  const exactly = (labels: ReadonlySet<string>): HTMLElement[] =>
    findControls(doc, labels).filter((control) => labels.has(normaliseLabel(accessibleName(control))));
  const current = exactly(INTEGRATIONS_TAB_LABELS);
  if (current.length > 0) return current.find(isTab) ?? current[0] ?? null;
  return exactly(INTEGRATIONS_TAB_OLDER_LABELS).find(isTab) ?? null;
}

function isTab(control: Element): boolean {
  return control.getAttribute('role') === 'tab' || control.closest('[role="tablist"]') !== null;
}

/** Selected tabs and current navigation entries say so with ARIA. */
export function isSelected(control: Element): boolean {
  const current = control.getAttribute('aria-current');
  return control.getAttribute('aria-selected') === 'true' || (current !== null && current !== 'false');
}

/** The "Apple Apps" entry of Integrations & Settings' sub-navigation (not the panel's own heading). */
export function findAppleAppsNavEntry(doc: Document): HTMLElement | null {
  const entries = findControls(doc, APPLE_APPS_LABELS).filter(
    (control) => APPLE_APPS_LABELS.has(normaliseLabel(accessibleName(control))) && !control.closest(HEADING_SELECTOR),
  );
  return entries.find((control) => control.closest('nav,[role="navigation"],[role="tablist"],[role="menu"],ul,ol')) ?? entries[0] ?? null;
}

/** The Apple Apps panel on screen: it is titled Apple Apps and holds the tokens' Renew or Scan Now controls. */
export interface AppleAppsPanel {
  element: HTMLElement;
  heading: HTMLElement | null;
}

export function findAppleAppsPanel(doc: Document): AppleAppsPanel | null {
  // A panel labelled by ARIA first, then a visible heading whose container holds the token controls.
  for (const panel of doc.querySelectorAll<HTMLElement>(PANEL_SELECTOR)) {
    const label = panel.getAttribute('aria-label') ?? labelledByText(panel);
    if (label && APPLE_APPS_LABELS.has(normaliseLabel(label)) && isShown(panel) && holdsTokenControls(panel)) {
      return { element: panel, heading: null };
    }
  }
  for (const heading of doc.querySelectorAll<HTMLElement>(HEADING_SELECTOR)) {
    if (!APPLE_APPS_LABELS.has(normaliseLabel(visibleText(heading))) || !isShown(heading)) continue;
    let node: HTMLElement | null = heading.parentElement;
    for (let climb = 0; node && node !== doc.body && climb < MAX_CLIMB; climb++, node = node.parentElement) {
      if (holdsTokenControls(node)) return { element: node, heading };
    }
  }
  return null;
}

function labelledByText(element: Element): string | null {
  const ids = element.getAttribute('aria-labelledby');
  if (!ids) return null;
  return ids
    .split(/\s+/)
    .map((id) => element.ownerDocument.getElementById(id)?.textContent ?? '')
    .join(' ');
}

function holdsTokenControls(element: Element): boolean {
  return tokenAnchors(element).length > 0;
}

// Each token shows Renew and Scan Now [C]: either marks a token's row or card.
function tokenAnchors(root: Element): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(CONTROL_SELECTOR)].filter((control) => {
    const name = accessibleName(control);
    return (nameMatches(name, RENEW_LABELS) || nameMatches(name, SCAN_NOW_LABELS)) && isShown(control);
  });
}

// ── Tokens in the panel ───────────────────────────────────────────────────────

/** One token as the panel lists it: a table row or a card. */
export interface ConsoleTokenEntry {
  element: HTMLElement;
  /** The location as shown (the location column's cell, or the card's title); '' when unreadable. */
  locationName: string;
  renewControl: HTMLElement | null;
  scanNowControl: HTMLElement | null;
}

export function findTokenEntries(panel: AppleAppsPanel): ConsoleTokenEntry[] {
  const root = panel.element;
  const elements: HTMLElement[] = [];
  for (const anchor of tokenAnchors(root)) {
    const entry = entryOf(anchor, root);
    if (!elements.includes(entry)) elements.push(entry);
  }
  return elements.map((element) => ({
    element,
    locationName: locationNameOf(element),
    renewControl: findControls(element, RENEW_LABELS)[0] ?? null,
    scanNowControl: findControls(element, SCAN_NOW_LABELS)[0] ?? null,
  }));
}

/** The entries whose location is `locationName` (exact, case-insensitive, trimmed). */
export function findTokenEntriesFor(panel: AppleAppsPanel, locationName: string): ConsoleTokenEntry[] {
  const wanted = normaliseLabel(locationName);
  return findTokenEntries(panel).filter((entry) => entryNames(entry.element).has(wanted));
}

// A row when there is one; otherwise the largest ancestor that holds one token's controls only.
function entryOf(anchor: HTMLElement, root: HTMLElement): HTMLElement {
  const row = anchor.closest<HTMLElement>(ROW_SELECTOR);
  if (row && root.contains(row)) return row;
  let entry = anchor;
  for (let parent = anchor.parentElement; parent && parent !== root; parent = parent.parentElement) {
    const anchors = tokenAnchors(parent);
    const renews = anchors.filter((control) => nameMatches(accessibleName(control), RENEW_LABELS)).length;
    if (renews > 1 || anchors.length - renews > 1) break;
    if (parent.querySelector(`${HEADING_SELECTOR},[role="tablist"]`) && headingIsSection(parent)) break;
    entry = parent;
  }
  return entry;
}

function headingIsSection(element: Element): boolean {
  return [...element.querySelectorAll(HEADING_SELECTOR)].some((heading) =>
    APPLE_APPS_LABELS.has(normaliseLabel(visibleText(heading))),
  );
}

function locationNameOf(entry: HTMLElement): string {
  if (entry.matches(ROW_SELECTOR)) {
    const cells = cellsOf(entry);
    const column = locationColumn(entry);
    const cell = column >= 0 ? cells[column] : cells.find((candidate) => readableText(candidate));
    return cell ? readableText(cell) : '';
  }
  const heading = entry.querySelector(HEADING_SELECTOR);
  if (heading) return readableText(heading);
  const labelled = labelledValue(entry, LOCATION_LABELS);
  if (labelled) return labelled;
  return textChunks(entry)[0] ?? '';
}

/** Every text the entry shows that could be its location: the location cell, the title, each text chunk. */
function entryNames(entry: HTMLElement): Set<string> {
  const names = new Set<string>();
  const shown = locationNameOf(entry);
  if (shown) names.add(normaliseLabel(shown));
  // With a known location column, only that column counts: another column may hold an organisation's name.
  if (entry.matches(ROW_SELECTOR) && locationColumn(entry) >= 0) return names;
  for (const chunk of textChunks(entry)) names.add(normaliseLabel(chunk.replace(/^[^:]{1,40}:\s*/, (prefix) => (LOCATION_LABELS.has(normaliseLabel(prefix)) ? '' : prefix))));
  return names;
}

function cellsOf(row: HTMLElement): HTMLElement[] {
  return [...row.querySelectorAll<HTMLElement>(CELL_SELECTOR)].filter((cell) => cell.closest(ROW_SELECTOR) === row);
}

function locationColumn(row: HTMLElement): number {
  const table = row.parentElement?.closest<HTMLElement>('table,[role="table"],[role="grid"]');
  if (!table) return -1;
  for (const headerRow of table.querySelectorAll<HTMLElement>(ROW_SELECTOR)) {
    const cells = cellsOf(headerRow);
    const isHeader = headerRow.closest('thead') !== null || cells.every((cell) => cell.tagName === 'TH' || cell.getAttribute('role') === 'columnheader');
    if (!isHeader || cells.length === 0) continue;
    return cells.findIndex((cell) => LOCATION_LABELS.has(normaliseLabel(visibleText(cell))));
  }
  return -1;
}

/** Visible text without controls. */
function readableText(element: Element): string {
  return textChunks(element).join(' ').replace(/\s+/g, ' ').trim();
}

function textChunks(element: Element): string[] {
  const chunks: string[] = [];
  const walk = (node: Node): void => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) {
        const text = (child.nodeValue ?? '').replace(/\s+/g, ' ').trim();
        if (text) chunks.push(text);
      } else if (child.nodeType === 1 && !(child as Element).matches(NOT_TEXT_SELECTOR) && isShown(child as Element)) {
        walk(child);
      }
    }
  };
  walk(element);
  return chunks;
}

// ── Windows: Renew and the confirmation ─────────────────────────────────────────
//
// Any markup on the page may look like Addigy's windows: a dialog placed before the app's root, inside a form that
// posts elsewhere, needs no script. So a window counts only if it was not in the document before Token Relay's own
// click that should open it (its element, and the file input, drop zone and Save it uses, all inside it). Only the
// page's own script can add elements after that click; markup that was already there, shown or hidden, never counts.

/** The elements in the document at one moment: a window Token Relay may use was not among them. */
export type PageSnapshot = WeakSet<Element>;

export function snapshotPage(doc: Document): PageSnapshot {
  return new WeakSet(doc.querySelectorAll('*'));
}

/** Addigy's Renew window: where the token file goes. */
export interface RenewWindow {
  element: HTMLElement;
  /** May be hidden (`display:none`); absent when the window only takes drops. */
  fileInput: HTMLInputElement | null;
  dropZone: HTMLElement | null;
  saveControl: HTMLElement | null;
}

/** Open modal windows marked up as such (role=dialog, aria-modal, an open <dialog>), on screen. */
export function findDialogs(doc: Document): HTMLElement[] {
  return [...doc.querySelectorAll<HTMLElement>(DIALOG_SELECTOR)].filter(
    (dialog) => !dialog.parentElement?.closest(DIALOG_SELECTOR) && isOnScreen(dialog),
  );
}

/** The Renew window that appeared since `before` (taken just before the click on Renew). */
export function findRenewWindow(doc: Document, before: PageSnapshot): RenewWindow | null {
  const isNew = (element: Element): boolean => !before.has(element);
  const windowOf = (element: HTMLElement): RenewWindow | null => {
    const fileInput = fileInputIn(element, isNew);
    const dropZone = findDropZones(element).find(isNew) ?? null;
    return fileInput || dropZone ? { element, fileInput, dropZone, saveControl: saveControlIn(element, isNew) } : null;
  };
  for (const dialog of findDialogs(doc)) {
    const found = isNew(dialog) ? windowOf(dialog) : null;
    if (found) return found;
  }
  // A new modal without a role: the smallest new element around a new file input or drop zone with Save and Cancel.
  const starts = [...findDropZones(doc.body), ...doc.querySelectorAll<HTMLElement>('input[type="file"]')].filter(isNew);
  for (const start of starts) {
    const element = windowAround(start);
    const found = element && isNew(element) ? windowOf(element) : null;
    if (found) return found;
  }
  return null;
}

function windowAround(start: HTMLElement): HTMLElement | null {
  let node: HTMLElement | null = start.parentElement;
  for (let climb = 0; node && node !== start.ownerDocument.body && climb < MAX_CLIMB; climb++, node = node.parentElement) {
    if (findControls(node, SAVE_LABELS).length > 0 && findControls(node, CANCEL_LABELS).length > 0) {
      return isOnScreen(node) ? node : null;
    }
  }
  return null;
}

function fileInputIn(root: Element, isNew: (element: Element) => boolean): HTMLInputElement | null {
  // Hidden inputs count: drop-zone widgets hide theirs and open it on click. One whose form posts elsewhere never.
  return (
    [...root.querySelectorAll<HTMLInputElement>('input[type="file"]')].find(
      (input) => isNew(input) && !postsElsewhere(input.form, null),
    ) ?? null
  );
}

/**
 * True when submitting `form` (by `submitter`, whose `formaction`/`formmethod` win) would send it to another origin
 * than Addigy's console. A form without an action posts to the page itself; `method=dialog` posts nowhere.
 */
export function postsElsewhere(form: HTMLFormElement | null, submitter: HTMLButtonElement | HTMLInputElement | null): boolean {
  if (!form) return false;
  const method = (submitter?.getAttribute('formmethod') ?? form.getAttribute('method') ?? '').trim().toLowerCase();
  if (method === 'dialog') return false;
  let target: string | null = null;
  if (submitter?.hasAttribute('formaction')) target = submitter.formAction;
  else if (form.hasAttribute('action')) target = form.action;
  if (target === null) return false;
  return originOf(target) !== ADDIGY_CONSOLE_ORIGIN;
}

/** A submit button: pressing it submits its form (its `form` owner, which the `form` attribute may name). */
function submitterOf(control: Element): HTMLButtonElement | HTMLInputElement | null {
  const view = control.ownerDocument.defaultView!;
  if (control instanceof view.HTMLButtonElement && control.type === 'submit') return control;
  if (control instanceof view.HTMLInputElement && (control.type === 'submit' || control.type === 'image')) return control;
  return null;
}

/** The deepest visible elements whose text invites a drop ("Drop … or click …"), or their focusable holders. */
export function findDropZones(root: Element): HTMLElement[] {
  const zones: HTMLElement[] = [];
  // From text nodes up, not over every element: this runs on each page change while a job waits.
  for (const text of textNodesMatching(root, /\b(drop|drag)\b/i)) {
    let element = text.parentElement;
    for (let climb = 0; element && climb < 3 && root.contains(element); climb++, element = element.parentElement) {
      if (element.matches(NOT_TEXT_SELECTOR)) break;
      const shown = visibleText(element);
      if (shown.length > 200) break;
      if (DROP_ZONE_TEXT.some((pattern) => pattern.test(shown)) && isOnScreen(element)) {
        const zone = element.closest<HTMLElement>('[role="button"],[tabindex],label') ?? element;
        if (!zones.includes(zone)) zones.push(zone);
        break;
      }
    }
  }
  return zones;
}

export function findDropZone(root: Element): HTMLElement | null {
  return findDropZones(root)[0] ?? null;
}

function textNodesMatching(root: Node, pattern: RegExp): Text[] {
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 4);
  const found: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (pattern.test(node.nodeValue ?? '')) found.push(node as Text);
  }
  return found;
}

/** The window's Save: on screen, new, never one that submits a form to another origin; a plain button first. */
function saveControlIn(root: Element, isNew: (element: Element) => boolean): HTMLElement | null {
  const saves = findControls(root, SAVE_LABELS).filter(
    (control) => SAVE_LABELS.has(normaliseLabel(accessibleName(control))) && isNew(control) && isOnScreen(control),
  );
  return saves.find((control) => !submitterOf(control)) ?? saves[0] ?? null;
}

/** Addigy's confirmation window and what it shows. */
export interface ConfirmationWindow {
  element: HTMLElement;
  details: ConsoleConfirmation;
  saveControl: HTMLElement | null;
}

/** At least this many of the four fields must show for a window to count as the confirmation. */
const MIN_CONFIRMATION_FIELDS = 3;

/** The confirmation window that appeared since `before` (taken just before Token Relay's Save in the Renew window). */
export function findConfirmationWindow(doc: Document, before: PageSnapshot): ConfirmationWindow | null {
  const isNew = (element: Element): boolean => !before.has(element);
  const windowOf = (element: HTMLElement): ConfirmationWindow | null => {
    const read = readConfirmationDetails(element);
    return read.found >= MIN_CONFIRMATION_FIELDS ? { element, details: read.details, saveControl: saveControlIn(element, isNew) } : null;
  };
  for (const dialog of findDialogs(doc)) {
    const found = isNew(dialog) ? windowOf(dialog) : null;
    if (found) return found;
  }
  // Without a role: climb from a new "Apple ID" caption to the smallest new element with the fields and Save and Cancel.
  for (const caption of captionsIn(doc.body, CONFIRMATION_LABELS.appleId)) {
    if (!isNew(caption)) continue;
    const element = windowAround(caption);
    const found = element && isNew(element) ? windowOf(element) : null;
    if (found) return found;
  }
  return null;
}

/** The four values by their captions: `dt/dd`, table rows, `label` + field, or "Caption: value" lines. */
export function readConfirmationDetails(root: Element): { details: ConsoleConfirmation; found: number } {
  const details: ConsoleConfirmation = { idNumber: '', name: '', appleId: '', organization: '' };
  let found = 0;
  for (const key of Object.keys(CONFIRMATION_LABELS) as (keyof ConsoleConfirmation)[]) {
    const value = labelledValue(root, CONFIRMATION_LABELS[key]);
    if (value) {
      details[key] = value.slice(0, 300);
      found += 1;
    }
  }
  return { details, found };
}

/** Elements whose own text is one of the captions ("Apple ID" or "Apple ID:"), deepest first. */
function captionsIn(root: Element, labels: ReadonlySet<string>): HTMLElement[] {
  const first = [...labels].flatMap((label) => label.split(' ').slice(0, 1));
  const startsLikeCaption = new RegExp(`^\\s*(${first.map(escapeRegExp).join('|')})`, 'i');
  const captions: HTMLElement[] = [];
  // A caption's own text node starts with the caption's first word; its element holds the caption (and maybe the value).
  for (const text of textNodesMatching(root, startsLikeCaption)) {
    const element = text.parentElement;
    if (!element || captions.includes(element) || element.matches(NOT_TEXT_SELECTOR)) continue;
    const shown = visibleText(element);
    if (shown.length > 400 || !(labels.has(normaliseLabel(shown)) || captionLine(shown, labels) !== null)) continue;
    if (isShown(element)) captions.push(element);
  }
  // The deepest only: "<p>Apple ID: x</p>" inside a body that also starts with a caption is the p.
  return captions.filter((caption) => !captions.some((other) => other !== caption && caption.contains(other)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function captionLine(text: string, labels: ReadonlySet<string>): string | null {
  const match = /^([^:]{1,40}):\s*(.+)$/.exec(text);
  return match && labels.has(normaliseLabel(match[1] ?? '')) ? (match[2] ?? '').trim() : null;
}

function labelledValue(root: Element, labels: ReadonlySet<string>): string {
  for (const caption of captionsIn(root, labels)) {
    const own = visibleText(caption);
    const inline = captionLine(own, labels);
    if (inline) return inline;
    const value = valueBesideCaption(caption);
    if (value) return value;
  }
  return '';
}

function valueBesideCaption(caption: HTMLElement): string {
  const view = caption.ownerDocument.defaultView!;
  if (caption.tagName === 'LABEL') {
    const control = (caption as HTMLLabelElement).control ?? caption.parentElement?.querySelector('input,textarea,select');
    if (control instanceof view.HTMLInputElement || control instanceof view.HTMLTextAreaElement) return control.value.trim();
  }
  const cell = caption.closest<HTMLElement>(CELL_SELECTOR);
  if (cell) {
    const next = cell.nextElementSibling;
    return next ? readableText(next) : '';
  }
  // dt → dd, or a caption element followed by its value element.
  for (let sibling = caption.nextElementSibling; sibling; sibling = sibling.nextElementSibling) {
    const text = readableText(sibling);
    if (text) return text;
  }
  // "<strong>Apple ID:</strong> admin@example.com": the parent's text after the caption.
  const parent = caption.parentElement;
  if (parent && parent.children.length <= 3) {
    const rest = readableText(parent).slice(visibleText(caption).length).replace(/^\s*:?\s*/, '');
    if (rest) return rest;
  }
  return '';
}

// ── Errors and sign-in ──────────────────────────────────────────────────────────

/** Addigy's red error boxes on screen: role=alert (or assertive live regions) with text, or "Bad status response…" text. */
export function findErrorBoxes(doc: Document): HTMLElement[] {
  const boxes = [...doc.querySelectorAll<HTMLElement>(ERROR_BOX_SELECTOR)].filter(
    (box) => visibleText(box) !== '' && isOnScreen(box),
  );
  // Text nodes, not elements: cheap enough to run on every mutation batch of a job.
  const walker = doc.createTreeWalker(doc.body, 4);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue ?? '';
    if (!ERROR_TEXT.some((pattern) => pattern.test(text))) continue;
    const element = node.parentElement;
    if (!element || element.closest(NOT_TEXT_SELECTOR) || boxes.some((box) => box.contains(element))) continue;
    if (!isOnScreen(element)) continue;
    for (let index = boxes.length - 1; index >= 0; index--) if (element.contains(boxes[index]!)) boxes.splice(index, 1);
    boxes.push(element);
  }
  return boxes;
}

/** A sign-in form: a visible password field and a "Sign in" control. */
export function isSignInPage(doc: Document): boolean {
  const password = [...doc.querySelectorAll('input[type="password"]')].some(isShown);
  return password && namedControls(doc, SIGN_IN_LABELS).length > 0;
}

// ── Generic recognisers (guided mode) ───────────────────────────────────────────
//
// Guided mode (lib/addigy-console/guided-driver.ts) knows almost nothing of Addigy's page: that it shows, at some
// point, a file upload, an answer, and maybe labelled values to confirm. What follows recognises those in any
// console's markup; none of it is a guess about Addigy's own words, routes or layout.

/** The controls that send a chosen file on: Save (the model's word) and Upload. */
export const UPLOAD_PRESS_LABELS: ReadonlySet<string> = new Set([...SAVE_LABELS, 'upload', 'upload file', 'upload token']);

/** Elements an admin presses that are not marked up as controls (a `<span tabindex=0>`, a `<div onclick>`). */
export const PRESSABLE_SELECTOR = `${CONTROL_SELECTOR},[tabindex],[onclick],summary,label`;

/** Text inviting a drop: the model's wording, or "drop"/"drag" beside a file-ish word. */
const FILE_DROP_TEXT: readonly RegExp[] = [
  ...DROP_ZONE_TEXT,
  /\b(drop|drag)\b.{0,60}\b(files?|tokens?|vpptoken|upload|here)\b/i,
  /\b(files?|tokens?|vpptoken|upload)\b.{0,60}\b(drop|drag)\b/i,
];

/**
 * Upload controls on screen: file inputs (by the element itself, whatever its label) and drop zones (by their drop
 * handling, an `ondrop` attribute or property, or by their words). A hidden input counts only through a shown label
 * or a shown drop zone around it. No form that posts off Addigy's console.
 */
export interface UploadControl {
  /** The input or the drop zone. */
  element: HTMLElement;
  fileInput: HTMLInputElement | null;
  dropZone: HTMLElement | null;
}

export function findUploadControls(doc: Document): UploadControl[] {
  const found: UploadControl[] = [];
  const zones = findFileDropZones(doc);
  for (const zone of zones) {
    if (formPostsElsewhere(zone)) continue;
    const input = [...zone.querySelectorAll<HTMLInputElement>('input[type="file"]')].find((candidate) => !postsElsewhere(candidate.form, null)) ?? null;
    found.push({ element: zone, fileInput: input, dropZone: zone });
  }
  for (const input of doc.querySelectorAll<HTMLInputElement>('input[type="file"]')) {
    if (found.some((control) => control.fileInput === input) || postsElsewhere(input.form, null)) continue;
    const shown = isOnScreen(input) || [...(input.labels ?? [])].some((label) => isOnScreen(label));
    if (shown) found.push({ element: input, fileInput: input, dropZone: null });
  }
  return found;
}

function findFileDropZones(doc: Document): HTMLElement[] {
  const zones: HTMLElement[] = [];
  for (const element of doc.querySelectorAll<HTMLElement>('[ondrop]')) if (isOnScreen(element)) zones.push(element);
  for (const element of doc.body.querySelectorAll<HTMLElement>('div,section,label,form,[role="button"],[tabindex]')) {
    if ((element as HTMLElement & { ondrop: unknown }).ondrop && isOnScreen(element) && !zones.includes(element)) zones.push(element);
  }
  for (const text of textNodesMatching(doc.body, /\b(drop|drag)\b/i)) {
    let element = text.parentElement;
    for (let climb = 0; element && climb < 3; climb++, element = element.parentElement) {
      if (element.matches(NOT_TEXT_SELECTOR)) break;
      const shown = visibleText(element);
      if (shown.length > 200) break;
      if (FILE_DROP_TEXT.some((pattern) => pattern.test(shown)) && isOnScreen(element)) {
        const zone = element.closest<HTMLElement>('[role="button"],[tabindex],label') ?? element;
        if (!zones.some((other) => other === zone || other.contains(zone))) zones.push(zone);
        break;
      }
    }
  }
  return zones;
}

/** Inside a form that would send its contents off Addigy's console. */
export function formPostsElsewhere(element: Element): boolean {
  return postsElsewhere(element.closest('form'), null);
}

/** Visible text without controls (buttons, inputs) and without hidden parts. */
export function readableTextOf(element: Element): string {
  return readableText(element);
}

/** Error boxes in any markup: the model's (role=alert, "Bad status response…") and Bulma's red boxes, which have no role. */
export const DANGER_BOX_SELECTOR = '.notification.is-danger,.message.is-danger,.help.is-danger,.is-danger';

export function findAnswerBoxes(doc: Document): HTMLElement[] {
  const boxes = findErrorBoxes(doc);
  for (const box of doc.querySelectorAll<HTMLElement>(DANGER_BOX_SELECTOR)) {
    if (box.closest(NOT_TEXT_SELECTOR) || box.matches(CONTROL_SELECTOR) || boxes.some((other) => other.contains(box) || box.contains(other))) continue;
    if (readableText(box) !== '' && isOnScreen(box)) boxes.push(box);
  }
  return boxes;
}

/** Captions of the values an admin checks before confirming, in any console's words. */
export const GENERIC_DETAIL_LABELS: Readonly<Record<keyof ConsoleConfirmation, ReadonlySet<string>>> = {
  idNumber: new Set([...CONFIRMATION_LABELS.idNumber, 'uid', 'token id', 'identifier', 'token identifier'].map(normaliseLabel)),
  name: new Set([...CONFIRMATION_LABELS.name, ...LOCATION_LABELS, 'site', 'location name'].map(normaliseLabel)),
  appleId: new Set([...CONFIRMATION_LABELS.appleId, 'apple account', 'managed apple id', 'account'].map(normaliseLabel)),
  organization: new Set([...CONFIRMATION_LABELS.organization, 'org', 'company', 'organization name', 'organisation name'].map(normaliseLabel)),
};

/** The value captioned by one of `labels` in `root` (`dt/dd`, table rows, `label` + field, "Caption: value"), or ''. */
export function readLabelledValue(root: Element, labels: ReadonlySet<string>): string {
  return labelledValue(root, labels);
}
