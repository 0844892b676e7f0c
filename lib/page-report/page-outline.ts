import type { PageOutline } from './outline-schema';

/**
 * An outline of what a page showed, for maintainers updating a page-knowledge module: roles, headings,
 * controls, fields, windows, tables and lists, indented by depth. It holds no values: a word is kept only
 * when it is UI vocabulary, everything else becomes "…". Safe to send with a failure report or to save.
 */

export const MAX_OUTLINE_NODES = 2000;
export const MAX_OUTLINE_NODE_CHARS = 400;

/** Words any console's chrome uses; never names, addresses or codes. */
const COMMON_UI_WORDS = [
  'save', 'cancel', 'renew', 'download', 'upload', 'settings', 'policy', 'policies', 'tokens', 'token', 'expiration',
  'expires', 'date', 'last', 'sync', 'successful', 'scan', 'now', 'name', 'organization', 'organisation', 'apple', 'id',
  'number', 'location', 'locations', 'apps', 'books', 'and', 'or', 'the', 'a', 'an', 'to', 'of', 'for', 'in', 'on', 'your',
  'here', 'file', 'files', 'drop', 'drag', 'click', 'browse', 'select', 'choose', 'close', 'ok', 'yes', 'no', 'confirm',
  'delete', 'remove', 'edit', 'add', 'new', 'create', 'back', 'next', 'done', 'status', 'error', 'bad', 'response',
  'success', 'failed', 'warning', 'loading', 'search', 'filter', 'menu', 'home', 'dashboard', 'events', 'devices',
  'integrations', 'account', 'profile', 'sign', 'log', 'in', 'out', 'email', 'password', 'username', 'login', 'help',
  'overview', 'details', 'enable', 'disable', 'inheritance', 'inherited', 'syncing', 'manager', 'business', 'school',
  'content', 'server', 'payments', 'billing', 'preferences', 'main', 'myprofile', 'paymentsandbilling', 'appsandbooks',
  'activity', 'instructions', 'vpptoken', 'vpp', 'mdm', 'never', 'pending', 'expired', 'revoked', 'valid', 'is',
  'not', 'with', 'this', 'that', 'from', 'by', 'more', 'actions', 'action', 'receiver', 'type', 'level', 'previous',
  'page', 'show', 'hide', 'view', 'all', 'none', 'api', 'key', 'signed', 'as', 'user', 'users', 'team', 'support',
];

/** Roles and tags that make a node worth a line; anything else is walked through without a line. */
const LANDMARK_ROLES: Record<string, string> = {
  HEADER: 'banner', NAV: 'navigation', MAIN: 'main', ASIDE: 'complementary', FOOTER: 'contentinfo', FORM: 'form',
  SECTION: 'region', DIALOG: 'dialog', TABLE: 'table', UL: 'list', OL: 'list', DL: 'definition-list',
};
const CONTROL_TAGS: Record<string, string> = { BUTTON: 'button', A: 'link', SELECT: 'select', TEXTAREA: 'textarea', LABEL: 'label' };
const TEXT_TAGS: Record<string, string> = { DT: 'term', DD: 'definition', TH: 'columnheader', LEGEND: 'legend' };
const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'SVG', 'svg', 'META', 'LINK', 'HEAD']);
const KEPT_ATTRIBUTE_ROLES = new Set([
  'banner', 'navigation', 'main', 'complementary', 'contentinfo', 'form', 'region', 'search', 'dialog', 'alertdialog',
  'alert', 'status', 'tablist', 'tab', 'tabpanel', 'table', 'grid', 'row', 'list', 'listitem', 'menu', 'menuitem',
  'button', 'link', 'heading', 'checkbox', 'switch', 'radio', 'textbox', 'combobox', 'option', 'tree', 'treeitem',
]);

/** Splits labels into lower-case words for the vocabulary. */
function vocabularyOf(knownLabels: readonly string[]): ReadonlySet<string> {
  const words = new Set(COMMON_UI_WORDS);
  for (const label of knownLabels) for (const word of wordsOf(label)) words.add(word.toLowerCase());
  return words;
}

function wordsOf(text: string): string[] {
  return text
    .normalize('NFKC')
    .split(/[\s/]+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}&]+|[^\p{L}\p{N}&]+$/gu, ''))
    .filter(Boolean);
}

/** Keeps vocabulary words (no digits, no "@"), replaces the rest by "…", runs collapsed. */
export function keepVocabulary(text: string, vocabulary: ReadonlySet<string>): string {
  const out: string[] = [];
  for (const raw of text.normalize('NFKC').split(/\s+/)) {
    if (!raw) continue;
    const core = raw.replace(/^[^\p{L}\p{N}&]+|[^\p{L}\p{N}&]+$/gu, '');
    const keep = core === '&' || (core !== '' && !/[\d@]/.test(core) && vocabulary.has(core.toLowerCase()));
    const word = keep ? core : '…';
    if (word === '…' && out.at(-1) === '…') continue;
    out.push(word);
  }
  return out.join(' ');
}

/** A path with each non-empty segment, decoded, replaced by `shape(decoded)`: how a route is kept without its values. */
export function mapPathSegments(path: string, shape: (decoded: string) => string): string {
  return path
    .split('/')
    .map((segment) => {
      if (!segment) return segment;
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // An undecodable segment is an id all the same.
      }
      return shape(decoded);
    })
    .join('/');
}

/** The route, with every segment that is not a vocabulary word (or holds a digit) as ":id"; no query. */
export function outlineRoute(location: { pathname: string; hash: string }, vocabulary: ReadonlySet<string>): string {
  const segments = (path: string): string =>
    mapPathSegments(path, (decoded) => (/\d/.test(decoded) || !vocabulary.has(decoded.toLowerCase()) ? ':id' : decoded.toLowerCase()));
  const hashPath = location.hash.startsWith('#/') ? location.hash.slice(1).split('?')[0] ?? '' : '';
  return `${segments(location.pathname)}${hashPath ? `#${segments(hashPath)}` : ''}`.slice(0, 300);
}

export function outlinePage(doc: Document, knownLabels: readonly string[], now: Date = new Date()): PageOutline {
  const vocabulary = vocabularyOf(knownLabels);
  const nodes: string[] = [];
  const view = doc.defaultView;
  const words = (text: string | null | undefined): string => keepVocabulary(text ?? '', vocabulary);
  const quoted = (text: string): string => (text ? ` "${text}"` : '');
  let truncated = false;

  const push = (depth: number, line: string): boolean => {
    if (nodes.length >= MAX_OUTLINE_NODES - 1) {
      truncated = true;
      return false;
    }
    nodes.push(`${'  '.repeat(Math.min(depth, 40))}${line}`.slice(0, MAX_OUTLINE_NODE_CHARS));
    return true;
  };

  const isHidden = (element: Element): boolean => {
    if (element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return true;
    const style = view?.getComputedStyle(element);
    return style?.display === 'none' || style?.visibility === 'hidden';
  };

  const labelOf = (element: Element): string => {
    const ids = element.getAttribute('aria-labelledby');
    if (ids) return ids.split(/\s+/).map((id) => doc.getElementById(id)?.textContent ?? '').join(' ');
    const aria = element.getAttribute('aria-label');
    if (aria) return aria;
    if (element.id) {
      const label = doc.querySelector(`label[for="${CSS.escape(element.id)}"]`);
      if (label) return label.textContent ?? '';
    }
    const wrapping = element.closest('label');
    if (wrapping) return wrapping.textContent ?? '';
    return element.getAttribute('placeholder') ?? element.getAttribute('title') ?? '';
  };

  const describe = (element: Element): { line: string; countOnly?: string } | null => {
    const tag = element.tagName.toUpperCase();
    const explicitRole = element.getAttribute('role') ?? '';
    const role = KEPT_ATTRIBUTE_ROLES.has(explicitRole) ? explicitRole : '';
    // Computed style is costly: asked only for elements that get a line.
    const flagged = (): string => {
      const flags: string[] = [];
      if (element.getAttribute('aria-modal') === 'true') flags.push('modal');
      if (element.getAttribute('aria-selected') === 'true') flags.push('selected');
      const current = element.getAttribute('aria-current');
      if (current && current !== 'false') flags.push('current');
      if (element.hasAttribute('disabled') || element.getAttribute('aria-disabled') === 'true') flags.push('disabled');
      if (isHidden(element)) flags.push('hidden');
      return flags.length ? ` [${flags.join(', ')}]` : '';
    };

    if (/^H[1-6]$/.test(tag) || role === 'heading') {
      return { line: `heading ${tag.startsWith('H') ? tag.slice(1) : element.getAttribute('aria-level') ?? ''}${quoted(words(element.textContent))}${flagged()}` };
    }
    if (tag === 'INPUT') {
      const type = (element.getAttribute('type') ?? 'text').toLowerCase();
      const accept = type === 'file' ? element.getAttribute('accept') ?? '' : '';
      const safeAccept = /^[\w.,/*+\s-]{1,60}$/.test(accept) ? ` accept="${accept}"` : '';
      if (type === 'button' || type === 'submit') return { line: `button${quoted(words(element.getAttribute('value')))}${flagged()}` };
      return { line: `field ${type}${quoted(words(labelOf(element)))}${safeAccept}${flagged()}` };
    }
    const controlRole = role || CONTROL_TAGS[tag];
    if (controlRole === 'button' || controlRole === 'link' || controlRole === 'tab' || controlRole === 'menuitem' || controlRole === 'option' || controlRole === 'treeitem' || controlRole === 'checkbox' || controlRole === 'switch' || controlRole === 'radio') {
      const name = element.getAttribute('aria-label') ?? element.textContent;
      return { line: `${controlRole}${quoted(words(name))}${flagged()}` };
    }
    if (tag === 'SELECT' || tag === 'TEXTAREA' || role === 'textbox' || role === 'combobox') {
      return { line: `field ${role || tag.toLowerCase()}${quoted(words(labelOf(element)))}${flagged()}` };
    }
    if (tag === 'LABEL') return { line: `label${quoted(words(element.textContent))}${flagged()}` };
    if (tag === 'TABLE' || role === 'table' || role === 'grid') {
      const headers = [...element.querySelectorAll('th,[role="columnheader"]')].map((cell) => words(cell.textContent) || '…');
      const rows = [...element.querySelectorAll('tr,[role="row"]')].filter((row) => !row.closest('thead') && !row.querySelector('th,[role="columnheader"]')).length;
      return { line: `table columns [${headers.join(' | ')}] rows ${rows}${flagged()}`, countOnly: 'row' };
    }
    if (tag === 'UL' || tag === 'OL' || role === 'list' || role === 'menu' || role === 'tablist') {
      const items = [...element.children].length;
      const label = words(labelOf(element));
      return { line: `${role || 'list'}${quoted(label)} items ${items}${flagged()}`, countOnly: role === 'tablist' ? undefined : 'item' };
    }
    if (role === 'dialog' || role === 'alertdialog' || tag === 'DIALOG' || element.getAttribute('aria-modal') === 'true') {
      return { line: `${role || 'dialog'}${quoted(words(labelOf(element)))}${flagged()}` };
    }
    if (role === 'alert' || role === 'status' || role === 'tabpanel' || role === 'region' || role === 'search' || role === 'form') {
      return { line: `${role}${quoted(words(labelOf(element) || (role === 'alert' || role === 'status' ? element.textContent : '')))}${flagged()}` };
    }
    const landmark = role || LANDMARK_ROLES[tag];
    if (landmark) return { line: `${landmark}${quoted(words(labelOf(element)))}${flagged()}` };
    if (TEXT_TAGS[tag]) return { line: `${TEXT_TAGS[tag]}${quoted(words(element.textContent))}${flagged()}` };
    // A container hidden by attribute or inline style, e.g. a closed window: cheap to tell, useful to see.
    if (element.hasAttribute('hidden') || (element as HTMLElement).style?.display === 'none') return { line: `${tag.toLowerCase()} [hidden]` };
    return null;
  };

  // Words in loose text, e.g. a drop zone's "Drop your .vpptoken file here or click to browse".
  const ownText = (element: Element): string =>
    [...element.childNodes]
      .filter((child) => child.nodeType === 3)
      .map((child) => child.nodeValue ?? '')
      .join(' ')
      .trim();

  const walk = (element: Element, depth: number): void => {
    if (truncated || SKIP_TAGS.has(element.tagName)) return;
    const described = describe(element);
    let childDepth = depth;
    if (described) {
      if (!push(depth, described.line)) return;
      childDepth = depth + 1;
      // Tables and lists: the first entry's structure, then a count, so a page of 500 rows stays short.
      if (described.countOnly) {
        const entries = described.countOnly === 'row'
          ? [...element.querySelectorAll('tr,[role="row"]')]
          : [...element.children];
        const [first, second] = entries.filter((entry) => !entry.closest('thead'));
        const header = element.querySelector('thead');
        if (header) walk(header, childDepth);
        if (first) walk(first, childDepth);
        if (second) push(childDepth, `(${entries.length - 1 - (header ? header.querySelectorAll('tr').length : 0)} more ${described.countOnly}s like it)`);
        return;
      }
    } else {
      const text = ownText(element);
      const kept = text ? words(text) : '';
      if (kept && kept !== '…' && !push(depth, `text "${kept}"`)) return;
    }
    for (const child of element.children) walk(child, childDepth);
  };

  if (doc.body) walk(doc.body, 0);
  if (truncated) nodes.push(`(outline cut at ${MAX_OUTLINE_NODES} nodes)`);
  const lang = pageLanguage(doc);
  return {
    page: outlineRoute(view?.location ?? { pathname: '/', hash: '' }, vocabulary),
    takenAt: now.toISOString(),
    ...(lang ? { lang } : {}),
    nodes,
  };
}

/** The page's `<html lang>` when it is a language tag ("de", "zh-Hant-TW"); anything else is no value to keep. */
export function pageLanguage(doc: Document): string | undefined {
  const lang = doc.documentElement?.lang.trim() ?? '';
  return /^[a-z]{2,3}(-[a-z\d]{1,8}){0,4}$/i.test(lang) ? lang : undefined;
}

/** A downloadable JSON of the outline, named like `token-relay-page-report-addigy-2026-11-30.json`. */
export function pageReportFile(
  outline: PageOutline,
  site: 'addigy' | 'apple',
  /** The way the admin took in a guided renewal that worked: the route's shape and the controls' names, no values. */
  path?: { route: string; controls: string[] },
): { fileName: string; json: string } {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(outline.takenAt)?.[0] ?? new Date().toISOString().slice(0, 10);
  const report = {
    about:
      `Token Relay page report (${site === 'addigy' ? "Addigy's console" : "Apple's Business/School Manager"}): ` +
      'an outline of the page at the step Token Relay could not find. It lists roles, headings, controls, fields, ' +
      'windows, tables and lists with their UI words only; every other word, number, name or value is "…". ' +
      'Send it to Token Relay\'s maintainers so they can update the page knowledge.',
    site,
    page: outline.page,
    ...(outline.lang ? { pageLanguage: outline.lang } : {}),
    takenAt: outline.takenAt,
    nodes: outline.nodes,
    ...(path ? { pathThatWorked: path } : {}),
  };
  return { fileName: `token-relay-page-report-${site}-${day}.json`, json: `${JSON.stringify(report, null, 2)}\n` };
}
