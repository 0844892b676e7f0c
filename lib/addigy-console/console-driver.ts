import { outlinePage } from '../page-report/page-outline';
import type { ConsoleJob, ConsoleReport, ConsoleStep } from './console-messages';
import {
  followHandOver,
  followKnownPath,
  guidedConfirmControl,
  guidedConfirmation,
  forgetGuided,
  guidedEarlier,
  guidedRunOf,
  runGuided,
  type GuidedOptions,
  type GuidedRun,
} from './guided-driver';
import {
  CONSOLE_KNOWN_LABELS,
  CONTROL_SELECTOR,
  SAVE_LABELS,
  accessibleName,
  findAppleAppsNavEntry,
  findAppleAppsPanel,
  findConfirmationWindow,
  findDialogs,
  findAnswerBoxes,
  findErrorBoxes,
  findIntegrationsTab,
  findRenewWindow,
  findTokenEntriesFor,
  isSelected,
  isShown,
  isSignInPage,
  nameMatches,
  policyIdOfUrl,
  snapshotPage,
  visibleText,
  type AppleAppsPanel,
  type ConfirmationWindow,
  type PageSnapshot,
  type RenewWindow,
} from './page-knowledge';

/**
 * The seed's Renew steps in Addigy's console, done in the admin's signed-in tab. Plain DOM: runs in the
 * content script and in happy-dom. Every wait is bounded and stops on abort; a step that cannot be done is
 * reported with its name. The token text only ever becomes the uploaded File: never logged, reported or shown.
 */

export interface ConsoleIo {
  /** Asked only once the Renew window's file input or drop zone is on screen. */
  requestFile(): Promise<{ fileName: string; text: string } | undefined>;
  report(report: ConsoleReport): void;
}

export interface ConsoleDriverOptions extends GuidedOptions {
  signal: AbortSignal;
  /** Bound of each wait for a control, a window or Addigy's answer. */
  stepTimeoutMs?: number;
  /** How long after the confirmation window closes an error box may still appear. */
  settleMs?: number;
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

/**
 * Opens Apple Apps, presses Renew on the job's token, hands over the file, saves, and reports the confirmation. A
 * remembered way (job.knownPath) is tried first; where the model's next step does not come, guided mode takes over
 * (guided-driver.ts). Only "not signed in" and "no file" still end in step-missing: there the admin cannot go on either.
 */
export async function runUploadJob(
  doc: Document,
  job: ConsoleJob,
  io: ConsoleIo,
  options: ConsoleDriverOptions,
): Promise<ConsoleJobEnd> {
  // The job, its guide and every listener end with the page too (a navigation away), not only on abort.
  const stop = new AbortController();
  const view = doc.defaultView;
  const onAbort = (): void => stop.abort();
  let pageWent = false;
  const onPageHide = (): void => {
    pageWent = true;
    stop.abort();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  view?.addEventListener('pagehide', onPageHide, { once: true });
  if (options.signal.aborted) stop.abort();
  // The tab opens on the policy's page: its id names the `{policy}` of a route the admin takes from there.
  const policyId = job.policyId ?? policyIdOfUrl(doc.location?.href ?? '');
  const run = guidedRunOf(contextOf(doc, io, { ...options, signal: stop.signal }), { ...job, policyId }, options);
  try {
    // The admin followed a link while guided (the background says so with job.guided, this tab with its session
    // storage): this page goes on guiding, without the model's wait first.
    const earlier = guidedEarlier(doc, job.renewalId);
    const alreadyGuided = 'guided' in job && job.guided === true;
    if ((earlier || alreadyGuided) && !isSignInPage(doc)) return await runGuided(run, earlier?.step ?? 'opening-apple-apps');
    if (job.knownPath) {
      const end = await followKnownPath(run);
      if (end !== 'failed') return end;
    }
    return await runModel(run);
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    view?.removeEventListener('pagehide', onPageHide);
    stop.abort();
    run.guide.end();
    if (!pageWent) forgetGuided(doc);
  }
}

async function runModel(ctx: GuidedRun): Promise<ConsoleJobEnd> {
  const { doc, job, io } = ctx;
  const location = job.locationName.trim();
  // The admin can do this step: guide them through it, and watch for the upload.
  const guided = (step: ConsoleStep): Promise<ConsoleJobEnd> => runGuided(ctx, step);

  progress(ctx, 'opening-apple-apps');
  if (isSignInPage(doc)) return reportMissing(ctx, 'opening-apple-apps', 'a signed-in Addigy console');
  const opened = await openAppleApps(ctx);
  if (ctx.signal.aborted) return 'aborted';
  if (opened.kind === 'missing') return guided('opening-apple-apps');

  progress(ctx, 'finding-token');
  const entries = await waitFor(ctx, () => {
    const panel = findAppleAppsPanel(doc);
    const found = panel ? findTokenEntriesFor(panel, location) : [];
    return found.length > 0 ? found : null;
  });
  if (ctx.signal.aborted) return 'aborted';
  // None, or several: the admin knows which one.
  if (!entries || entries.length > 1) return guided('finding-token');

  progress(ctx, 'opening-renew');
  // Looked up again on each change: the console may re-render the row.
  const renewControl = await waitFor(ctx, () => {
    const panel = findAppleAppsPanel(doc);
    const [entry] = panel ? findTokenEntriesFor(panel, location) : [];
    return entry?.renewControl ?? null;
  });
  if (ctx.signal.aborted) return 'aborted';
  if (!renewControl) return guided('opening-renew');
  // Only a window that Renew opened counts: nothing that was on the page before this click (see page-knowledge).
  const beforeRenew = snapshotPage(doc);
  renewControl.click();
  const renewWindow = await waitFor(ctx, () => findRenewWindow(doc, beforeRenew));
  if (ctx.signal.aborted) return 'aborted';
  if (!renewWindow) {
    const opened = findDialogs(doc).some((dialog) => !beforeRenew.has(dialog));
    return guided(opened ? 'handing-over-file' : 'opening-renew');
  }

  progress(ctx, 'handing-over-file');
  const file = await io.requestFile();
  if (ctx.signal.aborted) return 'aborted';
  if (!file) return reportMissing(ctx, 'handing-over-file', 'the token file');
  // The page may have re-rendered while the file was on its way: the window found again is new since Renew too.
  const target = findRenewWindow(doc, beforeRenew) ?? (renewWindow.element.isConnected ? renewWindow : null);
  if (!target) return guided('handing-over-file');
  const errorsBefore = snapshotErrors(doc);
  const beforeHandOver = snapshotPage(doc);
  const handed = handOverFile(doc, target, file);
  if (!handed) return guided('handing-over-file');

  const renewSave = await waitFor(ctx, () => {
    const refusal = newErrorText(doc, errorsBefore, target.element);
    if (refusal !== null) return { kind: 'refusal' as const, refusal };
    const current = findRenewWindow(doc, beforeRenew) ?? (target.element.isConnected ? target : null);
    const save = current?.saveControl;
    return save && isEnabled(save) ? { kind: 'save' as const, save } : null;
  });
  if (ctx.signal.aborted) return 'aborted';
  // No Save Token Relay may press: the admin presses Addigy's own button; Addigy's answer is read in any markup.
  if (!renewSave) return followHandOver(ctx, target.element, beforeHandOver, new Set(), { press: true, step: 'handing-over-file' });
  if (renewSave.kind === 'refusal') return refused(ctx, renewSave.refusal);
  const beforeSave = snapshotPage(doc);
  beforeRenewSave.set(doc, beforeSave);
  renewSave.save.click();

  progress(ctx, 'waiting-for-confirmation');
  const answer = await waitFor(ctx, () => {
    const refusal = newErrorText(doc, errorsBefore, dialogOrNull(doc, beforeRenew));
    if (refusal !== null) return { kind: 'refusal' as const, refusal };
    const confirmation = findConfirmationWindow(doc, beforeSave);
    return confirmation ? { kind: 'confirmation' as const, confirmation } : null;
  });
  if (ctx.signal.aborted) return 'aborted';
  // No window Token Relay knows: the admin confirms in Addigy's own.
  if (!answer) return followHandOver(ctx, target.element, beforeHandOver, new Set(), { press: false, step: 'waiting-for-confirmation', beforePress: beforeSave, confirmNow: true });
  if (answer.kind === 'refusal') return refused(ctx, answer.refusal);
  report(ctx, { kind: 'confirmation', details: answer.confirmation.details });

  // The admin may confirm in Addigy's own window instead of the popup: only a real click counts.
  const adminSave = await awaitAdminSave(ctx, beforeSave);
  if (!adminSave) return 'aborted';
  progress(ctx, 'saving');
  return watchOutcome(ctx, adminSave, beforeSave, 'admin');
}

/** The popup's Renew: presses Save in Addigy's confirmation window and follows Addigy's answer. */
export async function pressConfirmationSave(
  doc: Document,
  _renewalId: string,
  io: ConsoleIo,
  options: ConsoleDriverOptions,
): Promise<ConsoleJobEnd> {
  const ctx = contextOf(doc, io, options);
  progress(ctx, 'saving');
  const guidedConfirm = guidedConfirmControl(doc);
  if (guidedConfirm) return pressGuidedConfirm(ctx, guidedConfirm);
  const beforeSave = beforeRenewSave.get(doc);
  if (!beforeSave) return reportMissing(ctx, 'saving', "Addigy's confirmation window");
  const confirmation = await waitFor(ctx, () => findConfirmationWindow(doc, beforeSave));
  if (ctx.signal.aborted) return 'aborted';
  if (!confirmation) return reportMissing(ctx, 'saving', "Addigy's confirmation window");
  const save = confirmation.saveControl;
  if (!save || !isEnabled(save)) return reportMissing(ctx, 'saving', "Addigy's Save button in the confirmation window");
  const errorsBefore = snapshotErrors(doc);
  save.click();
  return watchOutcome(ctx, errorsBefore, beforeSave, 'token-relay');
}

/** The popup's Renew after confirm-in-page: presses the block's confirm button; the block closing is Addigy's yes. */
async function pressGuidedConfirm(ctx: JobContext, control: HTMLElement): Promise<ConsoleJobEnd> {
  const { doc } = ctx;
  const block = guidedConfirmation.get(doc)!.block;
  const errorsBefore = snapshotErrors(doc);
  const boxesBefore = new Set(findAnswerBoxes(doc));
  control.click();
  const answer = await waitFor(ctx, () => {
    const box = findAnswerBoxes(doc).find((candidate) => !boxesBefore.has(candidate));
    if (box) return { kind: 'refusal' as const, refusal: visibleText(box) };
    return block.isConnected && isShown(block) ? null : { kind: 'closed' as const };
  });
  if (ctx.signal.aborted) return 'aborted';
  if (!answer) return reportMissing(ctx, 'saving', "Addigy's answer to Save");
  if (answer.kind === 'refusal') return refused(ctx, answer.refusal);
  const late = await waitFor({ ...ctx, timeoutMs: ctx.settleMs }, () => newErrorText(doc, errorsBefore, null));
  if (ctx.signal.aborted) return 'aborted';
  if (late !== null) return refused(ctx, late);
  report(ctx, { kind: 'saved', by: 'token-relay' });
  return 'saved';
}

function contextOf(doc: Document, io: ConsoleIo, options: ConsoleDriverOptions): JobContext {
  return {
    doc,
    io,
    signal: options.signal,
    timeoutMs: options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
  };
}

// ── Steps ─────────────────────────────────────────────────────────────────────

type Opened = { kind: 'panel'; panel: AppleAppsPanel } | { kind: 'missing'; what: string };

/** Integrations & Settings → Apple Apps, pressing each at most once; the panel may already be on screen. */
async function openAppleApps(ctx: JobContext): Promise<Opened> {
  const { doc } = ctx;
  let tabPressed = false;
  let navPressed = false;
  for (;;) {
    const seen = await waitFor(ctx, () => {
      const panel = findAppleAppsPanel(doc);
      if (panel) return { kind: 'panel' as const, panel };
      const nav = navPressed ? null : findAppleAppsNavEntry(doc);
      if (nav) return { kind: 'nav' as const, control: nav };
      const tab = tabPressed ? null : findIntegrationsTab(doc);
      return tab ? { kind: 'tab' as const, control: tab } : null;
    });
    if (!seen) {
      const what = tabPressed || navPressed ? 'the Apple Apps section' : "Addigy's Integrations & Settings tab";
      return { kind: 'missing', what };
    }
    if (seen.kind === 'panel') return seen;
    if (seen.kind === 'nav') {
      navPressed = true;
      seen.control.click();
    } else {
      tabPressed = true;
      if (!isSelected(seen.control)) seen.control.click();
    }
  }
}

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
function newErrorText(doc: Document, before: ErrorSnapshot, within: Element | null): string | null {
  for (const box of findErrorBoxes(doc)) {
    const text = visibleText(box);
    const fresh = !before.texts.has(text) || (!before.elements.has(box) && within?.contains(box) === true);
    if (fresh) return text;
  }
  return null;
}

/** The window Addigy opened since `before`, if any: a new error box inside it counts even with older words. */
function dialogOrNull(doc: Document, before: PageSnapshot): Element | null {
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

function refused(ctx: JobContext, text: string): ConsoleJobEnd {
  report(ctx, { kind: 'refused', text: redactErrorText(text) || "Addigy showed an error without words" });
  return 'refused';
}
