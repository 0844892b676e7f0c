import { outlinePage } from '../page-report/page-outline';
import type { ConsoleReport, ConsoleStep } from './console-messages';
import {
  CONSOLE_KNOWN_LABELS,
  CONTROL_SELECTOR,
  SAVE_LABELS,
  accessibleName,
  findConfirmationWindow,
  findDialogs,
  findErrorBoxes,
  isShown,
  nameMatches,
  visibleText,
  type ConfirmationWindow,
  type PageSnapshot,
  type RenewWindow,
} from './page-knowledge';

/**
 * What both drivers of Addigy's console share (console-driver.ts, the model's steps; guided-driver.ts, the admin's):
 * the job's context, the bounded waits, handing the file over, following Addigy's answer, and reporting.
 */

export interface ConsoleIo {
  /** Asked only once the Renew window's file input or drop zone is on screen. */
  requestFile(): Promise<{ fileName: string; text: string } | undefined>;
  report(report: ConsoleReport): void;
}

export const DEFAULT_STEP_TIMEOUT_MS = 15_000;
export const DEFAULT_SETTLE_MS = 1_500;

/** How a job ended: the last report's kind, or aborted (a newer job, or the script went away). */
export type ConsoleJobEnd = ConsoleReport['kind'] | 'aborted';

export interface JobContext {
  doc: Document;
  io: ConsoleIo;
  signal: AbortSignal;
  timeoutMs: number;
  settleMs: number;
}

/**
 * The page as it was just before Token Relay's last Save in a Renew window, per document: the confirmation window
 * Token Relay reads or presses must be newer. Kept by the content script, which lives as long as the page, so a
 * press after a worker restart still has it; a reloaded page has none, and presses nothing.
 */
export const beforeRenewSave = new WeakMap<Document, PageSnapshot>();

/** Gives the page the token as a File: to its file input, or dropped on its drop zone. False when neither works. */
export function handOverFile(doc: Document, target: Pick<RenewWindow, 'fileInput' | 'dropZone'>, file: { fileName: string; text: string }): boolean {
  const view = doc.defaultView;
  if (!view || typeof view.DataTransfer !== 'function' || typeof view.File !== 'function') return false;
  const transfer = new view.DataTransfer();
  transfer.items.add(new view.File([file.text], file.fileName, { type: 'application/octet-stream' }));
  if (target.fileInput) {
    target.fileInput.files = transfer.files;
    target.fileInput.dispatchEvent(new view.Event('input', { bubbles: true }));
    target.fileInput.dispatchEvent(new view.Event('change', { bubbles: true }));
    return true;
  }
  if (!target.dropZone) return false;
  for (const type of ['dragenter', 'dragover', 'drop']) target.dropZone.dispatchEvent(dragEvent(view, type, transfer));
  return true;
}

function dragEvent(view: Window & typeof globalThis, type: string, transfer: DataTransfer): Event {
  const init = { bubbles: true, cancelable: true, composed: true, dataTransfer: transfer };
  const event = typeof view.DragEvent === 'function' ? new view.DragEvent(type, init) : new view.Event(type, init);
  // Some DOMs ignore `dataTransfer` in the init dict; the page reads it from the event all the same.
  if ((event as DragEvent).dataTransfer !== transfer) Object.defineProperty(event, 'dataTransfer', { value: transfer });
  return event;
}

/** Resolves with the error snapshot at the moment the admin really clicks Save in the confirmation window. */
export function awaitAdminSave(ctx: JobContext, beforeSave: PageSnapshot): Promise<ErrorSnapshot | null> {
  const { doc, signal } = ctx;
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(null);
    const onClick = (event: Event): void => {
      if (!event.isTrusted) return;
      const target = event.target as Element | null;
      const control = typeof target?.closest === 'function' ? target.closest(CONTROL_SELECTOR) : null;
      if (!control || !nameMatches(accessibleName(control), SAVE_LABELS)) return;
      const confirmation: ConfirmationWindow | null = findConfirmationWindow(doc, beforeSave);
      if (!confirmation?.element.contains(control)) return;
      // Capture phase: the page has not reacted yet, so the snapshot holds only older errors.
      done(snapshotErrors(doc));
    };
    const done = (value: ErrorSnapshot | null): void => {
      doc.removeEventListener('click', onClick, true);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => done(null);
    doc.addEventListener('click', onClick, true);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** After a Save: an error box → refused; the window closes and no error follows → saved; nothing → step-missing. */
export async function watchOutcome(
  ctx: JobContext,
  errorsBefore: ErrorSnapshot,
  beforeSave: PageSnapshot,
  by: 'token-relay' | 'admin',
): Promise<ConsoleJobEnd> {
  const { doc } = ctx;
  const answer = await waitFor(ctx, () => {
    const refusal = newErrorText(doc, errorsBefore, dialogOrNull(doc, beforeSave));
    if (refusal !== null) return { kind: 'refusal' as const, refusal };
    return findConfirmationWindow(doc, beforeSave) ? null : { kind: 'closed' as const };
  });
  if (ctx.signal.aborted) return 'aborted';
  if (!answer) return reportMissing(ctx, 'saving', "Addigy's answer to Save");
  if (answer.kind === 'refusal') return refused(ctx, answer.refusal);
  const late = await waitFor({ ...ctx, timeoutMs: ctx.settleMs }, () => newErrorText(doc, errorsBefore, null));
  if (ctx.signal.aborted) return 'aborted';
  if (late !== null) return refused(ctx, late);
  report(ctx, { kind: 'saved', by });
  return 'saved';
}

// ── Errors ────────────────────────────────────────────────────────────────────

export interface ErrorSnapshot {
  elements: ReadonlySet<Element>;
  texts: ReadonlySet<string>;
}

export function snapshotErrors(doc: Document): ErrorSnapshot {
  const boxes = findErrorBoxes(doc);
  return { elements: new Set(boxes), texts: new Set(boxes.map(visibleText)) };
}

/** A box whose words were not on screen before; inside `within` (our window) any new box counts. */
export function newErrorText(doc: Document, before: ErrorSnapshot, within: Element | null): string | null {
  for (const box of findErrorBoxes(doc)) {
    const text = visibleText(box);
    const fresh = !before.texts.has(text) || (!before.elements.has(box) && within?.contains(box) === true);
    if (fresh) return text;
  }
  return null;
}

/** The window Addigy opened since `before`, if any: a new error box inside it counts even with older words. */
export function dialogOrNull(doc: Document, before: PageSnapshot): Element | null {
  return findConfirmationWindow(doc, before)?.element ?? findDialogs(doc).find((dialog) => !before.has(dialog)) ?? null;
}

/** Addigy's words, safe to report: whitespace collapsed, long base64 runs (a token) replaced, at most 300 chars. */
export function redactErrorText(text: string): string {
  const redacted = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[A-Za-z0-9+/_-]{40,}={0,2}/g, '[redacted]');
  return redacted.length > 300 ? `${redacted.slice(0, 299)}…` : redacted;
}

// ── Waiting and reporting ─────────────────────────────────────────────────────

// Attributes that show or hide windows and panels in Vue/Bulma pages.
const WATCHED_ATTRIBUTES = ['class', 'style', 'hidden', 'open', 'aria-hidden', 'aria-selected', 'aria-modal', 'disabled', 'aria-disabled', 'role'];

/**
 * The first non-null `find()`, checked now and after each batch of page changes, or null after the bound or on abort.
 * Observes the body only while waiting: nothing watches the page between jobs.
 */
export function waitFor<T>(ctx: Pick<JobContext, 'doc' | 'signal' | 'timeoutMs'>, find: () => T | null): Promise<T | null> {
  const { doc, signal, timeoutMs } = ctx;
  if (signal.aborted) return Promise.resolve(null);
  const now = find();
  if (now !== null) return Promise.resolve(now);
  const View = doc.defaultView;
  return new Promise((resolve) => {
    const observer = new (View?.MutationObserver ?? MutationObserver)(() => {
      const found = find();
      if (found !== null) finish(found);
    });
    const timer = setTimeout(() => finish(null), timeoutMs);
    const onAbort = (): void => finish(null);
    function finish(value: T | null): void {
      observer.disconnect();
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    observer.observe(doc.body ?? doc.documentElement, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: WATCHED_ATTRIBUTES,
    });
  });
}

export function isEnabled(control: Element): boolean {
  return isShown(control) && !control.hasAttribute('disabled') && control.getAttribute('aria-disabled') !== 'true';
}

export function report(ctx: JobContext, message: ConsoleReport): void {
  try {
    ctx.io.report(message);
  } catch {
    // A lost report must not leave the job half done; the background bounds its own wait.
  }
}

export function progress(ctx: JobContext, step: ConsoleStep): void {
  report(ctx, { kind: 'progress', step });
}

export function reportMissing(ctx: JobContext, step: ConsoleStep, what: string): ConsoleJobEnd {
  report(ctx, { kind: 'step-missing', step, what: what.slice(0, 300), outline: outlinePage(ctx.doc, CONSOLE_KNOWN_LABELS) });
  return 'step-missing';
}

export function refused(ctx: JobContext, text: string): ConsoleJobEnd {
  report(ctx, { kind: 'refused', text: redactErrorText(text) || "Addigy showed an error without words" });
  return 'refused';
}
