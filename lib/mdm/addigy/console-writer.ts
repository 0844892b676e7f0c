import { ADDIGY_CONSOLE_ORIGIN, type ConsoleJob, type ConsolePath, type ConsoleReport, type ConsoleStep } from '../../addigy-console/console-messages';
import type { AddigyConsoleApi } from '../../addigy-console/console-port';
import type { ConsoleTabEvents } from '../../addigy-console/console-tabs';
import { sameInstant } from '../../dates/iso-instant';
import { err, ok } from '../../result';
import { redactBase64Runs } from '../../token/redact-secret';
import type { RenewalWriter, WriteFailure, WriteHost, WriteJob, WriteStep } from '../renewal-writer';
import { NEW_TOKEN_STEP } from './addigy-client';
import { t } from '../../i18n/messages';

export interface ConsoleBounds {
  /** How long the console tab may stay silent during the Renew steps (its own steps are bounded too). */
  handOverMs: number;
  /** How long the admin has to sign in to Addigy in the tab Token Relay opened. */
  signInMs: number;
  /** How long Addigy may take to answer Save before Token Relay checks with the API. */
  saveMs: number;
  /** How long a guided renewal waits for the admin's next step, and for Addigy's API to show the file once handed over. */
  guidedMs: number;
}

export const CONSOLE_BOUNDS: ConsoleBounds = { handOverMs: 90_000, signInMs: 10 * 60_000, saveMs: 60_000, guidedMs: 10 * 60_000 };

/** Where the way through a console that worked is kept (lib/storage/console-paths.ts). */
export interface ConsolePathStore {
  load(origin: string): Promise<ConsolePath | undefined>;
  save(origin: string, path: ConsolePath): Promise<void>;
}

/** Addigy's words that say it did not take the file, in whatever markup they came. */
const REFUSAL_WORDS = /identifier|does not match|doesn't match|mismatch|error|expired|revoked|invalid|fail|could not|couldn't|unable|denied|not allowed|rejected/i;

/** What each console step was looking for, for "Token Relay could not find … for <location>". */
const CONSOLE_STEP_WORDS: Record<ConsoleStep, string> = {
  'opening-apple-apps': t('problemAddigysAppleAppsSection'),
  'finding-token': t('problemTheTokenInAddigysAppleApps'),
  'opening-renew': t('problemAddigysRenewButton'),
  'handing-over-file': t('problemTheFileUploadInAddigysRenew'),
  'waiting-for-confirmation': t('problemAddigysConfirmationWindow'),
  saving: t('problemAddigysAnswerToSave'),
};

/**
 * Addigy's writer: the seed's Renew steps in Addigy's web console, in a tab Token Relay opens (lib/addigy-console).
 * Preparing opens the policy's page and gives its console script the job; the script asks for the file once
 * Addigy's Renew window is open, and reports Addigy's confirmation window (the details the admin checks). Committing
 * presses Save there. Addigy's API, not the page, says whether the token was saved. It also takes the console tab's
 * events (ConsoleTabEvents) and turns them into the pipeline's words (WriteHost).
 */
export class AddigyConsoleWriter implements RenewalWriter, ConsoleTabEvents {
  readonly preparesWithFile = true;
  readonly commitAnswersAtOnce = true;
  private readonly bounds: ConsoleBounds;
  private readonly now: () => Date;
  /** Renewals this worker has handed to a console tab: after a restart the job is handed over again. */
  private readonly handedOverHere = new Set<string>();
  private host?: WriteHost;
  /**
   * The tab's events, one at a time: each reads the renewal, changes it and saves it, so two reports arriving at once
   * (the details to confirm, and the words around them) must not each save over the other.
   */
  private events: Promise<unknown> = Promise.resolve();

  /** The way through this console an earlier guided renewal took, loaded when a renewal starts. */
  private knownPath?: ConsolePath;
  private readonly paths?: ConsolePathStore;

  constructor(
    private readonly console: AddigyConsoleApi,
    options: { bounds?: Partial<ConsoleBounds>; now?: () => Date; paths?: ConsolePathStore } = {},
  ) {
    this.bounds = { ...CONSOLE_BOUNDS, ...options.bounds };
    this.now = options.now ?? (() => new Date());
    this.paths = options.paths;
  }

  /** The pipeline this writer reports to (set once, when both exist). */
  attach(host: WriteHost): void {
    this.host = host;
  }

  cannotWrite(job: WriteJob): WriteFailure | undefined {
    if (job.token.policyId) return undefined;
    return {
      kind: 'no-policy',
      message: t('problemAddigysAPIDidNotSayWhich', job.location),
      nextStep: manualRenewal(job),
      step: 'matched',
      retryable: false,
    };
  }

  /** Open (or reuse) the console tab on the policy's page and give its script the Renew job. */
  async prepare(job: WriteJob, io: Parameters<RenewalWriter['prepare']>[1]) {
    const previousTab = job.session?.tabId;
    this.handedOverHere.add(job.renewalId);
    this.knownPath = await this.paths?.load(ADDIGY_CONSOLE_ORIGIN).catch(() => undefined);
    await io.saveSession({ tabId: previousTab, since: this.now().toISOString() });
    const knowTab = async (tabId: number) => {
      if (io.session?.tabId === tabId) return;
      await io.saveSession({ ...io.session!, tabId });
    };
    const opened = await this.console.openForUpload(
      { tabId: previousTab, policyId: job.token.policyId!, job: this.consoleJobOf(job), reload: previousTab !== undefined },
      knowTab,
    );
    if (!opened.ok) return err({ ...opened.error, step: 'handing-over' as const, retryable: true });
    return ok({ started: { tabId: opened.value.tabId } });
  }

  /** The admin confirmed: the console script presses Save in Addigy's window; Addigy's answer comes as a report. */
  async commit(...[job, , io]: Parameters<RenewalWriter['commit']>) {
    const tabId = job.session?.tabId;
    await io.saveSession({ tabId, phase: 'saving', since: this.now().toISOString() });
    const pressed =
      tabId === undefined ? err({ kind: 'console-closed', message: t('problemAddigysTabIsNoLongerOpen'), nextStep: t('problemChooseRetry') }) : await this.console.pressSave(tabId, job.renewalId);
    if (!pressed.ok) return err({ ...pressed.error, step: 'awaiting-confirmation' as const, retryable: true });
    return ok({ landed: false as const });
  }

  /** Did Addigy save this file? Its API knows: the token's expiry is the file's. Else do the Renew steps again. */
  async recover(...[job, { resumed, adapter }]: Parameters<RenewalWriter['recover']>) {
    // A restarted worker gives Addigy's page its bound to answer Save before asking the API.
    if (resumed && this.now().getTime() - Date.parse(job.session?.since ?? job.updatedAt) < this.bounds.saveMs) return { kind: 'wait' as const };
    const list = await adapter.listTokens();
    if (!list.ok) return { kind: 'unknown' as const, problem: list.error };
    const token = list.value.find((t) => t.id === job.token.id);
    if (token && sameInstant(token.expiresAt, job.file.expiresAt)) return { kind: 'landed' as const, renewedAt: job.session?.since };
    return {
      kind: 'not-landed' as const,
      failure: {
        kind: 'not-saved',
        message: t('problemAddigyHasNotSavedTheNew', job.location),
        nextStep: t('problemChooseRetryToDoTheRenew'),
        step: 'handing-over' as const,
        retryable: true,
      },
    };
  }

  /** Bounded waits while handing over: the tab silent for too long, or the admin not signing in. */
  async resumePrepare(job: WriteJob, step?: WriteStep) {
    const now = this.now().getTime();
    const guide = job.session?.guide;
    if (guide) {
      // The admin is doing the steps: a bound of their own, and after the hand-over Addigy's API is followed.
      if (job.session?.fileHandedAt) this.followLanding(job);
      if (now - Date.parse(guide.since) < this.bounds.guidedMs) return 'wait' as const;
      return {
        kind: 'guide-timeout',
        message: t('problemTokenRelayWaitedMinutesForThe', Math.round(this.bounds.guidedMs / 60_000), job.location),
        nextStep: t('problemChooseRetryToBeGuidedThrough'),
        retryable: true,
      };
    }
    const signInSince = job.session?.signInSince ? Date.parse(job.session.signInSince) : undefined;
    if (signInSince !== undefined) {
      if (now - signInSince < this.bounds.signInMs) return 'wait' as const;
      return {
        kind: 'sign-in-timeout',
        message: t('problemTokenRelayWaitedMinutesForYou', Math.round(this.bounds.signInMs / 60_000)),
        nextStep: t('problemSignInToAddigyThenChoose'),
        step: 'handing-over' as const,
        retryable: true,
      };
    }
    const since = Date.parse(job.session?.since ?? job.updatedAt);
    if (now - since < this.bounds.handOverMs) {
      // A restarted worker: hand the job over again; the console script starts it afresh.
      return step === 'handing-over' && !this.handedOverHere.has(job.renewalId) ? ('restart' as const) : ('wait' as const);
    }
    const phase = job.session?.phase as ConsoleStep | undefined;
    return {
      kind: 'console-silent',
      message: t('problemAddigysPageInTheTabToken', phase && CONSOLE_STEP_WORDS[phase] ? CONSOLE_STEP_WORDS[phase] : t('problemTheAppleAppsSection'), job.location),
      nextStep: t('problemChooseRetry2', manualRenewal(job)),
      retryable: true,
    };
  }

  // ─── The console tab's side: it asks for the file and reports what Addigy's page showed. ───

  /**
   * The console script in `tabId` found the upload control and asks for the file. Only the renewal's own tab gets
   * it, and only while the Renew steps are under way. The caller has checked the tab is Addigy's.
   */
  fileForConsole(renewalId: string, tabId: number): Promise<{ fileName: string; text: string } | undefined> {
    return this.oneAtATime(() => this.giveFile(renewalId, tabId));
  }

  private async giveFile(renewalId: string, tabId: number): Promise<{ fileName: string; text: string } | undefined> {
    const view = await this.host?.writeOf(renewalId);
    const session = view?.job.session;
    if (!view || view.step !== 'handing-over' || !session || session.tabId !== tabId) return undefined;
    const handedAt = this.now().toISOString();
    const text = await this.host!.handFile(renewalId, { ...session, fileHandedAt: handedAt });
    if (!text) return undefined;
    // Guided, Addigy's page may never say it is done in words Token Relay knows: its API will.
    if (session.guide) this.followLanding({ ...view.job, session: { ...session, fileHandedAt: handedAt } });
    return { fileName: view.job.uploadFileName, text };
  }

  /** What the console script saw. A report about another tab, or at the wrong step, changes nothing. */
  consoleReport(renewalId: string, tabId: number, report: ConsoleReport): Promise<void> {
    return this.oneAtATime(() => this.takeReport(renewalId, tabId, report));
  }

  private async takeReport(renewalId: string, tabId: number, report: ConsoleReport): Promise<void> {
    const host = this.host;
    const view = await host?.writeOf(renewalId);
    const session = view?.job.session;
    if (!host || !view || !session || session.tabId !== tabId) return;
    const now = this.now().toISOString();
    switch (report.kind) {
      case 'progress':
        if (view.step !== 'handing-over') return;
        await host.progressed(renewalId, { ...session, phase: report.step, since: now, signInSince: undefined });
        return;
      case 'confirmation':
        // A window shown before this renewal's file was handed over is about some other upload.
        if (view.step !== 'handing-over' || !session.fileHandedAt) return;
        await host.shown(renewalId, report.details, { ...session, phase: 'waiting-for-confirmation', since: now, signInSince: undefined });
        return;
      case 'saved':
        await host.committed(renewalId, report.by);
        return;
      case 'refused':
        if (!session.fileHandedAt) return;
        await host.failed(renewalId, refusal(report.text, view.job.location));
        return;
      case 'guide': {
        if (view.step !== 'handing-over') return;
        const first = !session.guide;
        await host.progressed(
          renewalId,
          { ...session, phase: report.step, since: now, signInSince: undefined, guide: { say: report.say, since: now } },
          report.outline ? { pageReport: { site: 'addigy', outline: report.outline } } : undefined,
        );
        // The admin is needed in that tab now.
        if (first && session.tabId !== undefined) await this.console.show?.(session.tabId);
        if (session.fileHandedAt) this.followLanding(view.job);
        return;
      }
      case 'path': {
        if (view.step !== 'handing-over') return;
        const controls = [...(session.pathBase ?? []), ...report.path.controls].slice(-12);
        await host.progressed(renewalId, { ...session, learnedPath: { route: report.path.route, controls } });
        return;
      }
      case 'answer': {
        if (!session.fileHandedAt) return;
        const words = redactBase64Runs(report.text).slice(0, 300);
        if (REFUSAL_WORDS.test(words)) {
          await host.failed(renewalId, refusal(words, view.job.location));
          return;
        }
        if (view.step === 'handing-over') await host.progressed(renewalId, { ...session, answer: words });
        return;
      }
      case 'confirm-in-page':
        if (view.step !== 'handing-over' || !session.fileHandedAt) return;
        await host.progressed(renewalId, { ...session, phase: 'waiting-for-confirmation', confirmInPage: true, details: report.details });
        this.followLanding(view.job);
        return;
      case 'step-missing':
        await host.failed(
          renewalId,
          {
            kind: 'console-step-missing',
            message: t('problemTokenRelayCouldNotFindFor', CONSOLE_STEP_WORDS[report.step], view.job.location),
            nextStep: manualRenewal(view.job),
            retryable: true,
          },
          { pageReport: report.outline ? { site: 'addigy', outline: report.outline } : undefined },
        );
        return;
    }
  }

  /** The console tab landed on Addigy's sign-in page: wait for the admin, within a bound. */
  consoleNeedsSignIn(tabId: number): Promise<boolean> {
    return this.oneAtATime(() => this.waitForSignIn(tabId));
  }

  private async waitForSignIn(tabId: number): Promise<boolean> {
    const view = await this.writeInTab(tabId);
    const session = view?.job.session;
    if (!view || view.step !== 'handing-over' || !session) return false;
    if (session.signInSince) return true;
    await this.host!.progressed(view.renewalId, { ...session, signInSince: this.now().toISOString() });
    return true;
  }

  /** The console tab finished loading a page of Addigy's console: a new page has a new script, so hand it the job. */
  consoleTabLoaded(tabId: number): Promise<void> {
    return this.oneAtATime(() => this.pageLoaded(tabId));
  }

  private async pageLoaded(tabId: number): Promise<void> {
    const view = await this.writeInTab(tabId);
    const session = view?.job.session;
    if (view?.step !== 'handing-over' || !view.job.token.policyId) return;
    // A new page while guided: what the admin pressed on the pages before is the start of the way.
    if (session?.guide && session.learnedPath) {
      await this.host!.progressed(view.renewalId, { ...session, pathBase: session.learnedPath.controls });
    }
    // The script ignores a job it is already doing, so a same-page route change costs nothing.
    await this.console.openForUpload({ tabId, policyId: view.job.token.policyId, job: this.consoleJobOf(view.job) });
  }

  /** The admin closed the console tab before Addigy saved the token. */
  consoleTabClosed(tabId: number): Promise<void> {
    return this.oneAtATime(() => this.tabClosed(tabId));
  }

  private async tabClosed(tabId: number): Promise<void> {
    const view = await this.writeInTab(tabId);
    if (!view) return;
    // Save was pressed: whether Addigy took it is for its API to say.
    if (view.step === 'renewing') return this.host!.recover(view.renewalId);
    await this.host!.failed(view.renewalId, {
      kind: 'console-closed',
      message: t('problemTheAddigyTabTokenRelayOpened', view.job.location),
      nextStep: t('problemChooseRetryToOpenItAgain'),
      retryable: true,
    });
  }

  /** The renewal succeeded: the way the admin was guided through this console is kept for the next one. */
  async finished(job: WriteJob): Promise<void> {
    const path = job.session?.learnedPath;
    if (!path || !job.session?.guide || !this.paths) return;
    await this.paths.save(ADDIGY_CONSOLE_ORIGIN, path);
    this.knownPath = path;
  }

  /** Addigy's API, not the page, says whether the handed-over file was taken. */
  private followLanding(job: WriteJob): void {
    this.host?.followFromHandOver(job.renewalId, this.bounds.guidedMs, {
      kind: 'not-taken',
      message: t('problemAddigyDidNotTakeTheFile', job.location, Math.round(this.bounds.guidedMs / 60_000)),
      nextStep: t('problemChooseRetryToDoTheRenew2'),
      retryable: true,
    });
  }

  private consoleJobOf(job: WriteJob): ConsoleJob {
    return {
      renewalId: job.renewalId,
      locationName: job.location,
      fileName: job.uploadFileName,
      // For a route's `{policy}`: the one the admin takes is kept without the id, the one remembered is filled in.
      policyId: job.token.policyId,
      ...(this.knownPath ? { knownPath: this.knownPath } : {}),
      ...(job.session?.guide ? { guided: true } : {}),
    };
  }

  private oneAtATime<T>(event: () => Promise<T>): Promise<T> {
    const next = this.events.then(event, event);
    this.events = next.catch(() => undefined);
    return next;
  }

  private writeInTab(tabId: number) {
    return this.host?.findWrite((view) => view.job.session?.tabId === tabId);
  }
}

/** The seed's steps, for when Token Relay cannot do them. */
function manualRenewal(job: WriteJob): string {
  // The file as it is on disk: the browser may have named it apart from the upload's name.
  const file = job.downloadedFileName ?? t('problemTheVpptokenFile');
  return t('problemToRenewByHandInAddigy', job.location, file);
}

/** Addigy's red error box, in plain words with what to do. */
function refusal(text: string, location: string): WriteFailure {
  const detail = redactBase64Runs(text).slice(0, 300);
  if (/identifier|does not match|doesn't match|mismatch/i.test(text)) {
    return {
      kind: 'identifier-mismatch',
      message: t('problemAddigyRefusedTheFileItsIdentifier', location),
      nextStep: NEW_TOKEN_STEP,
      detail,
      retryable: false,
    };
  }
  if (/error syncing token|expired|revoked|9625|9621|invalid/i.test(text)) {
    return {
      kind: 'console-refused-token',
      message: t('problemAddigyRefusedTheFileForApple', location),
      nextStep:
        t('problemDownloadAFreshTokenInApple'),
      detail,
      retryable: false,
    };
  }
  return {
    kind: 'console-refused',
    message: t('problemAddigyShowedAnErrorAndDid', location),
    nextStep: t('problemReadAddigysWordsBelowChooseRetry'),
    detail,
    retryable: true,
  };
}
