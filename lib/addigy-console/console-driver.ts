import type { ConsoleJob, ConsoleStep } from './console-messages';
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
  findAnswerBoxes,
  findAppleAppsNavEntry,
  findAppleAppsPanel,
  findConfirmationWindow,
  findDialogs,
  findIntegrationsTab,
  findRenewWindow,
  findTokenEntriesFor,
  isSelected,
  isShown,
  isSignInPage,
  policyIdOfUrl,
  snapshotPage,
  visibleText,
  type AppleAppsPanel,
} from './page-knowledge';
import {
  awaitAdminSave,
  dialogOrNull,
  newErrorText,
  refused,
  beforeRenewSave,
  DEFAULT_SETTLE_MS,
  DEFAULT_STEP_TIMEOUT_MS,
  handOverFile,
  isEnabled,
  progress,
  report,
  reportMissing,
  snapshotErrors,
  waitFor,
  watchOutcome,
  type ConsoleIo,
  type ConsoleJobEnd,
  type JobContext,
} from './driver-core';

export { beforeRenewSave, redactErrorText, DEFAULT_SETTLE_MS, DEFAULT_STEP_TIMEOUT_MS, type ConsoleIo, type ConsoleJobEnd, type JobContext } from './driver-core';

/**
 * The seed's Renew steps in Addigy's console, done in the admin's signed-in tab. Plain DOM: runs in the
 * content script and in happy-dom. Every wait is bounded and stops on abort; a step that cannot be done is
 * reported with its name. The token text only ever becomes the uploaded File: never logged, reported or shown.
 */

export interface ConsoleDriverOptions extends GuidedOptions {
  signal: AbortSignal;
  /** Bound of each wait for a control, a window or Addigy's answer. */
  stepTimeoutMs?: number;
  /** How long after the confirmation window closes an error box may still appear. */
  settleMs?: number;
}


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
