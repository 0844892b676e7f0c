import { render } from 'preact';
import type { BackgroundClient } from '../lib/messaging/extension-client';
import type { TokenSnapshot } from '../lib/watch/token-snapshot';
import { PopupApp } from './PopupApp';

/**
 * The popup's shell: its first frame (the header and the overview's first rows), kept after each look at the
 * tokens, so the next opening paints it from one small plain script (public/popup-shell.js) while Preact and the
 * popup's modules load, and then replaces it with the live view (issue 23, docs/performance.md).
 *
 * It keeps what a popup shows before scrolling, not all of the first frame's rows: the live view adds the rest below.
 *
 * Where: localStorage of the extension's origin, which no content script or web page can write (storage.local
 * can be written by a content script). What: the elements as data, not HTML, rebuilt with createElement and
 * textContent; the same words the overview shows, and no secret is ever in the popup. Only a shell kept the same
 * day is shown: its "5 days left" would be wrong tomorrow.
 */

/** The key public/popup-shell.js reads: the two must agree (tests/components/popup-shell.test.tsx). */
export const SHELL_KEY = 'tokenRelay.shell';

/** A node of the shell: text, or an element as [tag, attributes, ...children]. */
export type ShellNode = string | [tag: string, attributes: Record<string, string>, ...children: ShellNode[]];

interface SavedShell {
  /** `Date.toDateString()` in the admin's time zone: the day the frame was drawn. */
  day: string;
  nodes: ShellNode[];
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Elements and text as data; comments and the like are left out. */
function toShellNodes(nodes: NodeListOf<ChildNode>): ShellNode[] {
  const out: ShellNode[] = [];
  for (const node of nodes) {
    if (node.nodeType === TEXT_NODE) out.push(node.textContent ?? '');
    else if (node.nodeType === ELEMENT_NODE) {
      const element = node as Element;
      const attributes = Object.fromEntries([...element.attributes].map((attribute) => [attribute.name, attribute.value]));
      out.push([element.localName, attributes, ...toShellNodes(element.childNodes)]);
    }
  }
  return out;
}

/** Keeps `frame`'s contents as the next opening's first frame; no shell at all without a frame. */
export function saveShell(frame: Element | undefined, now = new Date()): void {
  try {
    if (!frame) localStorage.removeItem(SHELL_KEY);
    else {
      const saved: SavedShell = { day: now.toDateString(), nodes: toShellNodes(frame.childNodes) };
      localStorage.setItem(SHELL_KEY, JSON.stringify(saved));
    }
  } catch {
    // Storage full or turned off: the next opening draws its first frame from storage.local, a little later.
  }
}

/** Empties `root` if it holds the shell, so the live view starts from nothing; true if it did. */
export function takeShell(root: HTMLElement): boolean {
  if (!('shell' in root.dataset)) return false;
  root.replaceChildren();
  delete root.dataset.shell;
  return true;
}

/** A client that never answers: PopupApp as it draws before the background's first reply. */
const unanswered: BackgroundClient = { send: () => new Promise(() => undefined), onStateChanged: () => () => undefined };

/**
 * How much of the frame the shell keeps, from its top: a popup is at most 600 px tall in Chrome and Firefox, and
 * the margin keeps the shell at least as tall, so the popup's window does not grow when the live view comes.
 */
export const SHELL_FOLD_PX = 640;

/**
 * Drops what starts below the fold from a laid-out frame (its ancestors stay): rows nobody sees before the live
 * view replaces the shell cost the shell's first paint (docs/performance.md). Rows are laid out in full for this
 * (content-visibility would size unpainted ones at 34 px).
 */
export function cutBelowFold(frame: HTMLElement, fold = SHELL_FOLD_PX): void {
  const rows = [...frame.querySelectorAll<HTMLElement>('li')].filter((row) => !row.hasAttribute('style'));
  for (const row of rows) row.style.contentVisibility = 'visible';
  const top = frame.getBoundingClientRect().top;
  // Measured first, removed after: each removal would lay the frame out again.
  const cut: Element[] = [];
  const walk = (element: Element) => {
    for (const child of element.children) (child.getBoundingClientRect().top - top >= fold ? cut.push(child) : walk(child));
  };
  walk(frame);
  for (const element of cut) element.remove();
  for (const row of rows) row.removeAttribute('style');
}

/**
 * Keeps the next opening's first frame: what PopupApp draws from these tokens before the background answers (the
 * header and the overview's first rows, down to the fold), drawn aside, hidden; no shell when there is no overview.
 */
export function rememberFirstFrame(tokens: TokenSnapshot | undefined, now = new Date()): void {
  if (!tokens?.health.length) return saveShell(undefined, now);
  // Laid out as wide as #app, unseen, so the fold can be found; drawn, measured and taken away in one task. Fixed,
  // with no height of its own: it adds nothing to the page's size, which sizes the popup's window.
  const frame = document.createElement('div');
  frame.style.cssText = 'position:fixed;inset:0 auto auto 0;width:100%;height:0;overflow:hidden;visibility:hidden;pointer-events:none';
  frame.setAttribute('aria-hidden', 'true');
  document.body.append(frame);
  try {
    render(<PopupApp client={unanswered} openOptions={() => undefined} snapshot={tokens} />, frame);
    cutBelowFold(frame);
    saveShell(frame, now);
  } finally {
    render(null, frame);
    frame.remove();
  }
}
