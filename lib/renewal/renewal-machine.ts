import type { Result, Problem } from '../result';
import { locationFromTokenFileName, parseVppToken, redactBase64Runs, redactSecret } from '../token';
import type { AppleClientConfig } from '../apple/schemas';
import type { AppleProblem } from '../apple/apple-client';
import { isManagedByOtherMdm, otherMdmName } from '../apple/apple-client';
import type { AddigyToken } from '../mdm/addigy/schemas';
import type { AddigyApi, AddigyProblem } from '../mdm/addigy/addigy-client';
import { describeScanOutcome, NEW_TOKEN_STEP, tokenExpiry } from '../mdm/addigy/addigy-client';
import type { ConsoleJob, ConsoleReport, ConsoleStep } from '../addigy-console/console-messages';
import type { AddigyConsoleApi } from '../addigy-console/console-port';
import type { ConnectionHandle } from '../mdm/connection-handles';
import type { Settings } from '../storage/settings';
import { sameInstant } from '../dates/iso-instant';
import { type MdmAdapter, type MdmKind, type MdmProblem, type MdmToken, type RetryNotice } from '../mdm/mdm-adapter';
import { matchTokensByName } from './match-by-name';
import type { RenewalStore } from '../storage/renewal-store';
import type { TokenVault } from '../storage/token-vault';
import { backoffDelayMs, sleep as realSleep, type RetryPolicy } from '../http';
import { matchAddigyToken } from '../mdm/addigy/match-addigy-token';
import { findDiscrepancies } from './discrepancies';
import { downloadedTokenFileName, tokenUploadFileName } from '../token/token-file-name';
import {
  isFinished,
  locationLabel,
  mdmKindOf,
  connectionNameOf,
  type MatchCandidate,
  type CaptureSource,
  type RenewalFailure,
  type RenewalRecord,
  type RenewalStep,
} from './renewal-record';

/** The slice of AppleClient the machine uses. */
export interface AppleApi {
  getClientConfig(tokenText: string): Promise<Result<AppleClientConfig, AppleProblem>>;
}

// The types the adapters share live at the boundary; re-exported for the machine's callers.
export type { AddigyApi, AddigyConsoleApi, ConnectionHandle, RetryNotice };

/** The connection a renewal's token goes to, connected. */
type Target =
  | { kind: 'addigy'; connectionId: string; name: string; addigy: AddigyApi }
  | { kind: Exclude<MdmKind, 'addigy'>; connectionId: string; name: string; adapter: MdmAdapter };

export interface RenewalDeps {
  store: RenewalStore;
  vault: TokenVault;
  loadSettings(): Promise<Settings>;
  loadApiKey(): Promise<string | undefined>;
  createApple(onRetry: (notice: RetryNotice) => void): AppleApi;
  createAddigy(config: { baseUrl: string; apiKey: string }, onRetry: (notice: RetryNotice) => void): AddigyApi;
  console: AddigyConsoleApi;
  /** Connections besides the primary Addigy one: Addigy organisations with their own keys, Jamf Pro, Intune, Fleet. */
  listConnections?(): Promise<ConnectionHandle[]>;
  onChange?(record: RenewalRecord): void;
  now?(): Date;
  newId?(): string;
  sleep?(ms: number): Promise<void>;
  /** How long scanning may poll Addigy before it is reported as unfinished. */
  scanPolicy?: RetryPolicy;
  /** Bounds on the console steps (ms); tests shorten them. */
  consoleBounds?: Partial<ConsoleBounds>;
}

export interface ConsoleBounds {
  /** How long the console tab may stay silent during the Renew steps (its own steps are bounded too). */
  handOverMs: number;
  /** How long the admin has to sign in to Addigy in the tab Token Relay opened. */
  signInMs: number;
  /** How long Addigy may take to answer Save before Token Relay checks with the API. */
  saveMs: number;
}

export const CONSOLE_BOUNDS: ConsoleBounds = { handOverMs: 90_000, signInMs: 10 * 60_000, saveMs: 60_000 };

export interface CaptureInput {
  text: string;
  source: CaptureSource;
  fileName?: string;
}

export type IntentProblem = Problem<'unknown-renewal' | 'wrong-step' | 'needs-mdm-override' | 'console-closed' | 'unknown-candidate'>;

/** Apple's answer said nothing about the token itself: go on, with Addigy's confirmation window as the gate. */
function appleNotConsulted(problem: AppleProblem): boolean {
  if (problem.kind === 'unreachable' || problem.kind === 'rate-limited') return true;
  if (problem.kind === 'apple-error') return problem.transient === true;
  // A 200 in a shape we do not know; a 4xx is Apple refusing the token.
  return problem.kind === 'bad-response' && problem.status === 200;
}

const SCAN_POLICY: RetryPolicy = { maxAttempts: 30, baseDelayMs: 1_000, maxDelayMs: 10_000 };

/** Steps in which a renewal's token is with, or on its way to, Addigy's console tab. */
const CONSOLE_STEPS_OF_RENEWAL: readonly RenewalStep[] = ['handing-over', 'previewed', 'awaiting-confirmation', 'renewing'];

/** What each console step was looking for, for "Token Relay could not find … for <location>". */
const CONSOLE_STEP_WORDS: Record<ConsoleStep, string> = {
  'opening-apple-apps': 'Addigy’s Apple Apps section',
  'finding-token': 'the token in Addigy’s Apple Apps section',
  'opening-renew': 'Addigy’s Renew button',
  'handing-over-file': 'the file upload in Addigy’s Renew window',
  'waiting-for-confirmation': 'Addigy’s confirmation window',
  saving: 'Addigy’s answer to Save',
};

const DOWNLOAD_AGAIN =
  'Download a fresh token in Apple Business Manager (your name → Preferences → Payments and Billing → Content Tokens) and send it again.';

/**
 * captured → parsed → verified → matched → handing-over (Addigy's console tab does Renew, file, Save)
 * → previewed (Addigy's confirmation window read) → awaiting-confirmation → renewing (Save pressed)
 * → scanning (call 1 polled) → done | failed.
 * Each step is persisted before the next begins, so a restarted worker can resume or report it.
 */
export class RenewalMachine {
  private readonly running = new Set<string>();
  /** Renewals whose confirm is pressing Save in Addigy's window right now. */
  private readonly pressingSave = new Set<string>();
  private readonly flows = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly bounds: ConsoleBounds;
  /** Renewals this worker has handed to a console tab: after a restart the job is handed over again. */
  private readonly handedOverHere = new Set<string>();

  constructor(private readonly deps: RenewalDeps) {
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? ((ms) => realSleep(ms));
    this.bounds = { ...CONSOLE_BOUNDS, ...deps.consoleBounds };
  }

  /** A token file arrived. Returns the new renewal's record after its checks ran. */
  async capture(input: CaptureInput): Promise<RenewalRecord> {
    const at = this.now().toISOString();
    const record: RenewalRecord = {
      id: this.deps.newId?.() ?? crypto.randomUUID(),
      step: 'captured',
      createdAt: at,
      updatedAt: at,
      source: input.source,
      fileName: input.fileName,
      discrepancies: [],
    };
    const parsed = parseVppToken(input.text, { now: this.now() });
    if (!parsed.ok) {
      return this.fail(record, { ...parsed.error, step: 'parsed', retryable: false });
    }
    const token = parsed.value;
    await this.deps.vault.put(record.id, token.text);
    record.file = { orgName: token.orgName, expiresAt: token.expiresAt };
    await this.save(record, 'parsed');
    return this.runChecks(record.id);
  }

  /**
   * The user said yes in extension-owned UI: to Addigy's confirmation (Token Relay presses Addigy's Save),
   * or, for a location another MDM holds, to handing the token to Addigy's console at all.
   */
  async confirm(id: string, options: { acceptOtherMdm?: boolean } = {}): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'awaiting-confirmation' || !record.match) return wrongStep(record);
    if (mdmKindOf(record) !== 'addigy') {
      if (record.otherMdm && !options.acceptOtherMdm) return needsOverride(record);
      record.otherMdmAccepted = record.otherMdm ? true : undefined;
      this.track(this.renewViaApi(record));
      return { ok: true, value: record };
    }
    if (!record.preview) {
      // The other-MDM gate comes before anything is handed to Addigy's console.
      if (record.otherMdm && !options.acceptOtherMdm) return needsOverride(record);
      record.otherMdmAccepted = true;
      this.track(this.handOver(record));
      return { ok: true, value: record };
    }
    const tabId = record.console?.tabId;
    if (tabId === undefined) return wrongStep(record);
    // Two confirmations at once both read awaiting-confirmation: only the first presses Save.
    if (this.pressingSave.has(record.id)) return { ok: true, value: record };
    this.pressingSave.add(record.id);
    try {
      record.failure = undefined;
      await this.enterConsoleStep(record, 'renewing', 'saving');
      const pressed = await this.deps.console.pressSave(tabId, record.id);
      if (!pressed.ok) {
        await this.fail(record, { ...pressed.error, step: 'awaiting-confirmation', retryable: true });
        return { ok: false, error: { kind: 'console-closed', message: pressed.error.message, nextStep: pressed.error.nextStep } };
      }
      return { ok: true, value: record };
    } finally {
      this.pressingSave.delete(record.id);
    }
  }

  /** Try a failed renewal again with the token it already has. */
  async retry(id: string): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'failed' || !record.failure?.retryable) return wrongStep(record);
    const failedAt = record.failure.step;
    const viaApi = record.match && mdmKindOf(record) !== 'addigy';
    // A renew that failed without a clear answer may have landed: Apple is asked about the file before it is resent.
    if (viaApi && failedAt === 'renewing') this.track(this.renewViaApi(record, { recheckApple: uncertainWrite(record.failure) }));
    else if (viaApi && failedAt === 'scanning') this.track(this.apiScan(record));
    else if (failedAt === 'renewing') this.track(this.checkSaved(record));
    else if (failedAt === 'scanning') this.track(this.scan(record));
    else if (CONSOLE_STEPS_OF_RENEWAL.includes(failedAt)) this.track(this.handOver(record));
    else this.track(this.runChecks(id));
    return { ok: true, value: record };
  }

  /**
   * The admin picked which connection's token the file renews, among the candidates the popup listed.
   * Nothing went to any MDM before this.
   */
  async choose(id: string, pick: { connectionId: string; tokenId: string }): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'awaiting-confirmation' || record.match || !record.candidates?.length) return wrongStep(record);
    const candidate = record.candidates.find((c) => c.connectionId === pick.connectionId && c.tokenId === pick.tokenId);
    if (!candidate) {
      return {
        ok: false,
        error: { kind: 'unknown-candidate', message: 'That token is not one of the choices for this file.', nextStep: 'Reopen the popup and pick again.' },
      };
    }
    this.track(this.exclusive(record, () => this.matched(record, candidate)));
    return { ok: true, value: record };
  }

  /** Resolves when every flow started by an intent has finished (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.flows.size) await Promise.allSettled([...this.flows]);
  }

  private track(flow: Promise<RenewalRecord>): void {
    this.flows.add(flow);
    void flow.finally(() => this.flows.delete(flow));
  }

  async discard(id: string): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step === 'renewing' || record.step === 'scanning' || record.step === 'done' || record.step === 'discarded') {
      return wrongStep(record);
    }
    await this.deps.vault.wipe(id);
    // A failure stays in history as what happened; it only stops asking for attention.
    if (record.step === 'failed') {
      record.dismissed = true;
      record.failure = record.failure && { ...record.failure, retryable: false };
      return { ok: true, value: await this.save(record, 'failed') };
    }
    return { ok: true, value: await this.save(record, 'discarded') };
  }

  /** After a worker restart, and on every resume alarm: pick unfinished renewals up again, or say why they stopped. */
  async resume(): Promise<void> {
    for (const record of await this.deps.store.list()) {
      if (this.running.has(record.id)) continue;
      const waitsForToken = record.step === 'failed' && record.failure?.retryable && record.failure.step !== 'scanning';
      if (isFinished(record) && !waitsForToken) continue;
      const token = await this.deps.vault.get(record.id);
      const tokenNeeded = record.step !== 'scanning' && record.step !== 'renewing';
      if (!token && tokenNeeded) {
        await this.fail(record, lostToken(record.step === 'failed' ? record.failure!.step : record.step));
        continue;
      }
      const viaApi = record.match && mdmKindOf(record) !== 'addigy';
      if (viaApi && record.step === 'renewing') {
        // The MDM's renew call may or may not have landed, and a renew is not idempotent: ask Apple about the file first.
        this.track(this.renewViaApi(record, { recheckApple: true }));
        continue;
      }
      if (viaApi && record.step === 'scanning') {
        this.track(this.apiScan(record));
        continue;
      }
      switch (record.step) {
        case 'failed':
        case 'awaiting-confirmation':
          break;
        case 'scanning':
          this.track(this.scan(record));
          break;
        case 'previewed':
          // Stopped between reading Addigy's window and saying so: the confirmation is there.
          if (record.preview) await this.save(record, 'awaiting-confirmation');
          else await this.checkHandOver(record);
          break;
        case 'handing-over':
          await this.checkHandOver(record);
          break;
        case 'renewing':
          await this.checkSaveAnswered(record);
          break;
        default:
          this.track(this.runChecks(record.id));
      }
    }
  }

  // ─── The console tab's side: it asks for the file and reports what Addigy's page showed. ───

  /**
   * The console script in `tabId` found the upload control and asks for the file. Only the renewal's own
   * tab gets it, and only while the Renew steps are under way. The caller has checked the tab is Addigy's.
   */
  async fileForConsole(id: string, tabId: number): Promise<{ fileName: string; text: string } | undefined> {
    const record = await this.deps.store.get(id);
    if (!record || record.step !== 'handing-over' || record.console?.tabId !== tabId) return undefined;
    const text = await this.deps.vault.get(id);
    if (!text) return undefined;
    // From now on Addigy's answers (its confirmation, its error box) can be about this file.
    record.console = { ...record.console, since: record.console.since, fileHandedAt: this.now().toISOString() };
    await this.save(record, 'handing-over');
    return { fileName: uploadFileName(record), text };
  }

  /** What the console script saw. A report about another tab, or at the wrong step, changes nothing. */
  async consoleReport(id: string, tabId: number, report: ConsoleReport): Promise<void> {
    const record = await this.deps.store.get(id);
    if (!record || record.console?.tabId !== tabId || !CONSOLE_STEPS_OF_RENEWAL.includes(record.step)) return;
    const location = locationLabel(record);
    switch (report.kind) {
      case 'progress':
        if (record.step !== 'handing-over') return;
        record.console = { ...record.console, phase: report.step, since: this.now().toISOString(), signInSince: undefined };
        await this.save(record, 'handing-over');
        return;
      case 'confirmation': {
        // A window shown before this renewal's file was handed over is about some other upload.
        if (record.step !== 'handing-over' || !record.console?.fileHandedAt) return;
        record.preview = { ...report.details };
        record.discrepancies = findDiscrepancies({ file: record.file!, apple: appleConfigOf(record), preview: report.details });
        record.console = { ...record.console, phase: 'waiting-for-confirmation', since: this.now().toISOString(), signInSince: undefined };
        await this.save(record, 'previewed');
        await this.save(record, 'awaiting-confirmation');
        return;
      }
      case 'saved':
        // The admin's own Save in Addigy's window counts as the confirmation, as the popup's Renew does.
        if (record.step !== 'renewing' && record.step !== 'awaiting-confirmation') return;
        record.savedBy = report.by;
        this.track(this.saved(record));
        return;
      case 'refused':
        if (!record.console?.fileHandedAt) return;
        await this.fail(record, refusal(report.text, location, record.step));
        return;
      case 'step-missing':
        record.pageReport = report.outline ? { site: 'addigy', outline: report.outline } : undefined;
        await this.fail(record, {
          kind: 'console-step-missing',
          message: `Token Relay could not find ${CONSOLE_STEP_WORDS[report.step]} for ${location}.`,
          nextStep: manualRenewal(record),
          step: record.step,
          retryable: true,
        });
        return;
    }
  }

  /** The console tab landed on Addigy's sign-in page: wait for the admin, within a bound. */
  async consoleNeedsSignIn(tabId: number): Promise<boolean> {
    const record = await this.recordOfTab(tabId);
    if (!record || record.step !== 'handing-over') return false;
    if (record.console?.signInSince) return true;
    record.console = { ...record.console!, signInSince: this.now().toISOString() };
    await this.save(record, 'handing-over');
    return true;
  }

  /** The console tab finished loading a page of Addigy's console: a new page has a new script, so hand it the job. */
  async consoleTabLoaded(tabId: number): Promise<void> {
    const record = await this.recordOfTab(tabId);
    if (record?.step !== 'handing-over' || !record.match?.policyId) return;
    // The script ignores a job it is already doing, so a same-page route change costs nothing.
    await this.deps.console.openForUpload({ tabId, policyId: record.match.policyId, job: jobOf(record) });
  }

  /** The admin closed the console tab before Addigy saved the token. */
  async consoleTabClosed(tabId: number): Promise<void> {
    const record = await this.recordOfTab(tabId);
    if (!record) return;
    if (record.step === 'renewing') {
      // Save was pressed: whether Addigy took it is for its API to say.
      this.track(this.checkSaved(record));
      return;
    }
    await this.fail(record, {
      kind: 'console-closed',
      message: `The Addigy tab Token Relay opened for ${locationLabel(record)} was closed before the token was saved.`,
      nextStep: 'Choose Retry to open it again. Nothing was saved in Addigy.',
      step: record.step,
      retryable: true,
    });
  }

  private async recordOfTab(tabId: number): Promise<RenewalRecord | undefined> {
    const records = await this.deps.store.list();
    return records.find((r) => r.console?.tabId === tabId && CONSOLE_STEPS_OF_RENEWAL.includes(r.step));
  }

  // ─── The flows. ───

  /** Parse-level checks passed; now ask Apple and Addigy. Ends handing over to the console, or failed. */
  private async runChecks(id: string): Promise<RenewalRecord> {
    const record = await this.deps.store.get(id);
    if (!record) throw new Error('renewal vanished');
    return this.exclusive(record, async () => {
      const text = await this.deps.vault.get(id);
      if (!text) return this.failTokenGone(record, 'parsed');
      record.failure = undefined;
      record.discrepancies = [];

      const settings = await this.deps.loadSettings();
      const targets = await this.connectAll(record);
      if (!targets.length) return this.failNoConnection(record);
      const onRetry = this.retryReporter(record);

      // 1. Apple: is the token alive, and which location is it?
      let apple: AppleClientConfig | undefined;
      if (settings.appleVerification) {
        const answer = await this.deps.createApple(onRetry).getClientConfig(text);
        record.retrying = undefined;
        if (answer.ok) {
          apple = answer.value;
          record.apple = {
            status: 'verified',
            uId: apple.uId,
            locationName: apple.locationName,
            tokenExpirationDate: apple.tokenExpirationDate,
            websiteURL: apple.websiteURL,
            otherMdm: isManagedByOtherMdm(apple) ? otherMdmName(apple) : undefined,
          };
        } else if (appleNotConsulted(answer.error)) {
          record.apple = { status: 'unreachable', note: answer.error.message };
        } else {
          return this.fail(record, { ...answer.error, step: 'verified', retryable: false });
        }
      } else {
        record.apple = { status: 'skipped' };
      }
      await this.save(record, 'verified');

      // 2. Every connection: which of its tokens is this file for?
      const file = { ...record.file!, locationName: locationFromTokenFileName(record.fileName) };
      const candidates: MatchCandidate[] = [];
      const unanswered: Array<{ target: Target; problem: AddigyProblem | MdmProblem }> = [];
      let addigyRefusal: Problem | undefined;
      for (const target of targets) {
        if (target.kind === 'addigy') {
          const list = await target.addigy.listTokens();
          record.retrying = undefined;
          if (!list.ok) {
            unanswered.push({ target, problem: list.error });
            continue;
          }
          const match = matchAddigyToken({ tokens: list.value, apple, file });
          if (!match.ok) {
            if (match.error.kind === 'ambiguous' || targets.length === 1) addigyRefusal = match.error;
            continue;
          }
          const token = match.value.token;
          candidates.push({
            connectionId: target.connectionId,
            connectionName: target.name,
            kind: 'addigy',
            tokenId: token.locationId,
            policyId: token.policyId ?? undefined,
            locationName: token.clientConfig?.locationName ?? undefined,
            orgName: token.orgName ?? undefined,
            expiresAt: tokenExpiry(token),
            strength: match.value.strength,
          });
        } else {
          const list = await target.adapter.listTokens();
          record.retrying = undefined;
          if (!list.ok) {
            unanswered.push({ target, problem: list.error });
            continue;
          }
          const matches = matchTokensByName(list.value, { locationName: apple?.locationName ?? file.locationName, orgName: file.orgName });
          for (const token of matches) candidates.push(candidateOf(target, token, target.adapter));
        }
      }
      record.searched = targets.map((t) => t.name);

      if (candidates.length === 0) {
        const [first] = unanswered;
        if (first && unanswered.length === targets.length) {
          // No connection could be asked: the first one's problem, as the single-Addigy flow always said it.
          return this.failService(record, first.problem, 'matched', text);
        }
        if (targets.length === 1 && addigyRefusal) return this.fail(record, { ...addigyRefusal, step: 'matched', retryable: false });
        return this.fail(record, noMatchAcross(targets, unanswered));
      }
      if (candidates.length > 1) {
        // Never a guess: the admin picks the token, in the popup, and nothing is sent before.
        record.candidates = candidates;
        return this.save(record, 'awaiting-confirmation');
      }
      return this.matched(record, candidates[0]!);
    });
  }

  /** One token was chosen (by the match, or by the admin): on to Addigy's console, or to the MDM's confirmation. */
  private async matched(record: RenewalRecord, candidate: MatchCandidate): Promise<RenewalRecord> {
    record.failure = undefined;
    record.match = {
      locationId: candidate.tokenId,
      policyId: candidate.policyId,
      locationName: candidate.locationName,
      orgName: candidate.orgName,
      strength: candidate.strength,
      ...(candidate.connectionId === PRIMARY_CONNECTION_ID
        ? {}
        : { connectionId: candidate.connectionId, connectionName: candidate.connectionName, kind: candidate.kind }),
      ...(candidate.reclaimable ? { reclaimable: true } : {}),
      ...(candidate.requiresAppleVerifiedLocation ? { requiresAppleVerifiedLocation: true } : {}),
    };
    // Apple names the MDM holding the location; the MDM's own list may say another server of its kind uses it.
    record.otherMdm = otherMdmFor(record.apple?.otherMdm, candidate.kind) ?? (candidate.otherServer ? ANOTHER_SERVER : undefined);
    const waiting = await this.takeOverWaiting(record);
    if (waiting === 'saving') {
      return this.fail(record, {
        kind: 'already-saving',
        message: `${connectionNameOf(record)} is saving another token for ${locationLabel(record)} right now, so this file was not handed over.`,
        nextStep: 'Wait until that renewal has finished. If it then still needs a new token, send this file again.',
        step: 'matched',
        retryable: false,
      });
    }
    if (waiting === 'blocked') {
      return this.fail(record, {
        kind: 'already-waiting',
        message: `A renewal of ${locationLabel(record)} is already waiting, and Apple could not confirm that this file is for the same location, so it was not allowed to replace it.`,
        nextStep: 'Finish or discard the waiting renewal first, then send this file again.',
        step: 'matched',
        retryable: false,
      });
    }
    await this.save(record, 'matched');
    if (candidate.kind !== 'addigy') {
      // The MDM's API lists what the admin confirms: its id, name, Apple ID and organisation.
      record.preview = {
        idNumber: candidate.tokenId,
        name: candidate.locationName ?? locationLabel(record),
        appleId: candidate.appleId ?? '',
        organization: candidate.orgName ?? '',
      };
      record.discrepancies = findDiscrepancies({ file: record.file!, apple: appleConfigOf(record), preview: record.preview });
      return this.save(record, 'awaiting-confirmation');
    }
    if (!record.match.policyId) {
      return this.fail(record, {
        kind: 'no-policy',
        message: `Addigy's API did not say which policy holds ${locationLabel(record)}, so Token Relay cannot open it in Addigy.`,
        nextStep: manualRenewal(record),
        step: 'matched',
        retryable: false,
      });
    }
    // Another MDM holds the location: an explicit yes comes before anything goes to Addigy's console.
    if (record.otherMdm && !record.otherMdmAccepted) return this.save(record, 'awaiting-confirmation');
    return this.handOverNow(record);
  }

  // ─── MDMs that renew through their own API (Jamf Pro, Intune, Fleet). ───

  /**
   * The admin confirmed: send the file to the MDM's renew call, then follow its outcome. A renew is not idempotent,
   * so a resend (`recheckApple`) first asks Apple whether the file still works.
   */
  private renewViaApi(record: RenewalRecord, options: { recheckApple?: boolean } = {}): Promise<RenewalRecord> {
    return this.exclusive(record, async () => {
      const text = await this.deps.vault.get(record.id);
      if (!text) return this.failTokenGone(record, 'renewing');
      const target = await this.targetOf(record);
      if (!target || target.kind === 'addigy') return this.failConnectionGone(record, 'renewing');
      const adapter = target.adapter;
      if (adapter.requiresAppleVerifiedLocation) {
        const unverified = unverifiedLocation(record, target.name);
        if (unverified) return this.fail(record, unverified);
      }
      if (options.recheckApple) {
        const dead = await this.appleRecheck(record, text, target.name, { blockWhenUnasked: true });
        if (dead) return this.fail(record, dead);
      }
      record.failure = undefined;
      await this.save(record, 'renewing');
      // The admin's extra yes covered taking the location over: the MDM's own API does it, before the renew.
      if (record.otherMdm && record.otherMdmAccepted && adapter.reclaim && !record.reclaimedAt) {
        const reclaimed = await adapter.reclaim(record.match!.locationId);
        record.retrying = undefined;
        if (!reclaimed.ok) return this.failService(record, reclaimed.error, 'renewing', text);
        record.reclaimedAt = this.now().toISOString();
        await this.save(record, 'renewing');
      }
      const renewed = await adapter.renew!(record.match!.locationId, text);
      record.retrying = undefined;
      if (!renewed.ok) {
        // A 5xx may be the MDM choking on a dead file (Fleet does not map Apple's 9621/9625): Apple says which.
        if (uncertainWrite(renewed.error)) {
          const dead = await this.appleRecheck(record, text, target.name, { blockWhenUnasked: false });
          if (dead) return this.fail(record, { ...dead, detail: renewed.error.detail });
        }
        return this.failService(record, renewed.error, 'renewing', text);
      }
      record.renewedAt = this.now().toISOString();
      // The MDM holds the token now: forget it before anything else can fail.
      await this.save(record, 'scanning');
      await this.deps.vault.wipe(record.id);
      if (target.adapter.sync) {
        const synced = await target.adapter.sync(record.match!.locationId);
        record.retrying = undefined;
        if (!synced.ok) return this.failService(record, synced.error, 'scanning');
      }
      return this.apiScanLoop(record, target.adapter, target.name);
    });
  }

  private apiScan(record: RenewalRecord): Promise<RenewalRecord> {
    return this.exclusive(record, async () => {
      const target = await this.targetOf(record);
      if (!target || target.kind === 'addigy') return this.failConnectionGone(record, 'scanning');
      record.failure = undefined;
      await this.save(record, 'scanning');
      await this.deps.vault.wipe(record.id);
      return this.apiScanLoop(record, target.adapter, target.name);
    });
  }

  /** Poll the MDM's list until it shows the file's expiry and a good state, or says what went wrong. */
  private async apiScanLoop(record: RenewalRecord, adapter: MdmAdapter, name: string): Promise<RenewalRecord> {
    const since = new Date(record.renewedAt ?? record.updatedAt);
    const policy = this.deps.scanPolicy ?? SCAN_POLICY;
    for (let poll = 1; poll <= policy.maxAttempts; poll++) {
      await this.sleep(backoffDelayMs(poll, policy));
      const list = await adapter.listTokens();
      record.retrying = undefined;
      if (!list.ok) return this.failService(record, list.error, 'scanning');
      const token = list.value.find((t) => t.id === record.match!.locationId);
      if (!token) {
        return this.fail(record, {
          kind: 'not-found',
          message: `The token was sent, but ${name} no longer lists ${locationLabel(record)}.`,
          nextStep: `Check the Apps and Books tokens in ${name}.`,
          step: 'scanning',
          retryable: false,
        });
      }
      const outcome = adapter.outcome(token, { expiresAt: record.file!.expiresAt, since });
      if (outcome.state === 'done') {
        record.lastSync = outcome.lastSync ?? token.lastSync;
        record.newExpiry = outcome.expiresAt ?? token.expiresAt ?? record.file?.expiresAt;
        return this.save(record, 'done');
      }
      if (outcome.state === 'failed') {
        return this.fail(record, { ...outcome.problem, detail: outcome.detail, step: 'scanning', retryable: true });
      }
    }
    return this.fail(record, {
      kind: 'scan-slow',
      message: `${name} accepted the token, but does not show the new expiry for ${locationLabel(record)} yet.`,
      nextStep: `Choose Retry to keep watching, or check the token in ${name} later.`,
      step: 'scanning',
      retryable: true,
    });
  }

  /**
   * Before (or instead of) resending a renew: is the file still alive for Apple? A failure to return when Apple
   * refuses it, in Apple's words; when Apple cannot be asked, a failure only if `blockWhenUnasked`.
   */
  private async appleRecheck(
    record: RenewalRecord,
    text: string,
    mdm: string,
    { blockWhenUnasked }: { blockWhenUnasked: boolean },
  ): Promise<RenewalFailure | undefined> {
    const answer = await this.deps.createApple(this.retryReporter(record)).getClientConfig(text);
    record.retrying = undefined;
    if (answer.ok) return undefined;
    if (appleNotConsulted(answer.error)) {
      if (!blockWhenUnasked) return undefined;
      return {
        kind: 'apple-unreachable',
        message: `The last try to send this token to ${mdm} got no clear answer, and Apple could not be asked whether the token still works (${answer.error.message}), so Token Relay did not send it again.`,
        nextStep: 'Choose Retry in a few minutes, when Apple can be reached. The token is kept until then.',
        step: 'renewing',
        retryable: true,
      };
    }
    return {
      kind: answer.error.kind,
      message: `${mdm} did not renew ${locationLabel(record)}. ${answer.error.message}`,
      nextStep: DOWNLOAD_AGAIN,
      step: 'renewing',
      retryable: false,
    };
  }

  /** Every connection, connected: the primary Addigy one (when it has a key) first. */
  private async connectAll(record: RenewalRecord): Promise<Target[]> {
    const onRetry = this.retryReporter(record);
    const targets: Target[] = [];
    const primary = await this.connectAddigy(record, PRIMARY_CONNECTION_ID);
    if (primary) targets.push({ kind: 'addigy', connectionId: PRIMARY_CONNECTION_ID, name: 'Addigy', addigy: primary });
    for (const handle of (await this.deps.listConnections?.()) ?? []) {
      const { id, kind, name } = handle.connection;
      if (kind === 'addigy' && handle.addigy) targets.push({ kind, connectionId: id, name, addigy: handle.addigy(onRetry) });
      else if (kind !== 'addigy' && handle.adapter) targets.push({ kind, connectionId: id, name, adapter: handle.adapter(onRetry) });
    }
    return targets;
  }

  /** The renewal's own connection, connected; undefined when it was removed since. */
  private async targetOf(record: RenewalRecord): Promise<Target | undefined> {
    const id = record.match?.connectionId ?? PRIMARY_CONNECTION_ID;
    return (await this.connectAll(record)).find((t) => t.connectionId === id);
  }

  private failConnectionGone(record: RenewalRecord, step: RenewalStep) {
    return this.fail(record, {
      kind: 'not-configured',
      message: `The connection “${connectionNameOf(record)}” is no longer set up in Token Relay.`,
      nextStep: 'Add it again in Options, then choose Retry. The token is kept until then.',
      step,
      retryable: true,
    });
  }

  private handOver(record: RenewalRecord): Promise<RenewalRecord> {
    return this.exclusive(record, () => this.handOverNow(record));
  }

  /** Open (or reuse) the console tab on the policy's page and give its script the Renew job. */
  private async handOverNow(record: RenewalRecord): Promise<RenewalRecord> {
    if (!(await this.deps.vault.get(record.id))) return this.failTokenGone(record, 'handing-over');
    record.failure = undefined;
    record.preview = undefined;
    record.pageReport = undefined;
    record.discrepancies = [];
    const previousTab = record.console?.tabId;
    this.handedOverHere.add(record.id);
    await this.enterConsoleStep(record, 'handing-over', undefined);
    const knowTab = async (tabId: number) => {
      if (record.console?.tabId === tabId) return;
      record.console = { ...record.console!, tabId };
      await this.save(record, 'handing-over');
    };
    const opened = await this.deps.console.openForUpload(
      { tabId: previousTab, policyId: record.match!.policyId!, job: jobOf(record), reload: previousTab !== undefined },
      knowTab,
    );
    if (!opened.ok) return this.fail(record, { ...opened.error, step: 'handing-over', retryable: true });
    // Read again: the tab may have reported while it was being opened.
    const latest = (await this.deps.store.get(record.id)) ?? record;
    if (latest.step !== 'handing-over' || latest.console?.tabId === opened.value.tabId) return latest;
    latest.console = { ...latest.console!, tabId: opened.value.tabId };
    return this.save(latest, 'handing-over');
  }

  /** A console step under way: remember since when, so it stays bounded. */
  private async enterConsoleStep(record: RenewalRecord, step: RenewalStep, phase: ConsoleStep | undefined) {
    record.console = { tabId: record.console?.tabId, phase, since: this.now().toISOString() };
    return this.save(record, step);
  }

  /** Bounded waits while handing over: the tab silent for too long, or the admin not signing in. */
  private async checkHandOver(record: RenewalRecord): Promise<void> {
    const now = this.now().getTime();
    const signInSince = record.console?.signInSince ? Date.parse(record.console.signInSince) : undefined;
    if (signInSince !== undefined) {
      if (now - signInSince < this.bounds.signInMs) return;
      await this.fail(record, {
        kind: 'sign-in-timeout',
        message: `Token Relay waited ${Math.round(this.bounds.signInMs / 60_000)} minutes for you to sign in to Addigy, and stopped.`,
        nextStep: 'Sign in to Addigy, then choose Retry. The token is kept until then.',
        step: 'handing-over',
        retryable: true,
      });
      return;
    }
    const since = Date.parse(record.console?.since ?? record.updatedAt);
    if (now - since < this.bounds.handOverMs) {
      // A restarted worker: hand the job over again; the console script starts it afresh.
      if (record.step === 'handing-over' && !this.handedOverHere.has(record.id)) this.track(this.handOver(record));
      return;
    }
    await this.fail(record, {
      kind: 'console-silent',
      message: `Addigy’s page in the tab Token Relay opened did not get as far as ${record.console?.phase ? CONSOLE_STEP_WORDS[record.console.phase] : 'the Apple Apps section'} for ${locationLabel(record)}.`,
      nextStep: `Choose Retry. ${manualRenewal(record)}`,
      step: record.step,
      retryable: true,
    });
  }

  /** Save was pressed; Addigy's page has not answered within the bound: ask Addigy's API instead. */
  private async checkSaveAnswered(record: RenewalRecord): Promise<void> {
    const since = Date.parse(record.console?.since ?? record.updatedAt);
    if (this.now().getTime() - since < this.bounds.saveMs) return;
    this.track(this.checkSaved(record));
  }

  /** Did Addigy save this file? Its API knows: the token's expiry is the file's. Else hand over again. */
  private async checkSaved(record: RenewalRecord): Promise<RenewalRecord> {
    return this.exclusive(record, async () => {
      const addigy = await this.connectAddigy(record);
      if (!addigy) return this.failNoApiKey(record, 'renewing');
      const list = await addigy.listTokens();
      record.retrying = undefined;
      if (!list.ok) return this.failService(record, list.error, 'renewing');
      const token = owningToken(list.value, record.match!.locationId);
      if (token && sameInstant(tokenExpiry(token), record.file?.expiresAt)) {
        record.renewedAt ??= record.console?.since ?? this.now().toISOString();
        return this.savedNow(record, addigy);
      }
      if (!(await this.deps.vault.get(record.id))) {
        return this.fail(record, lostToken('renewing'));
      }
      return this.fail(record, {
        kind: 'not-saved',
        message: `Addigy has not saved the new token for ${locationLabel(record)}: it still shows the old expiry.`,
        nextStep: 'Choose Retry to do the Renew steps in Addigy again.',
        step: 'handing-over',
        retryable: true,
      });
    });
  }

  private saved(record: RenewalRecord): Promise<RenewalRecord> {
    return this.exclusive(record, async () => {
      const addigy = await this.connectAddigy(record);
      if (!addigy) return this.failNoApiKey(record, 'scanning');
      record.renewedAt = this.now().toISOString();
      return this.savedNow(record, addigy);
    });
  }

  /** Addigy holds the token now: forget it, and follow Addigy's own rescan through its API. */
  private async savedNow(record: RenewalRecord, addigy: AddigyApi): Promise<RenewalRecord> {
    record.failure = undefined;
    // Saved as 'scanning' first, so a crash cannot lose the fact that Addigy has it.
    await this.save(record, 'scanning');
    await this.deps.vault.wipe(record.id);
    return this.scanLoop(record, addigy);
  }

  private async scan(record: RenewalRecord): Promise<RenewalRecord> {
    return this.exclusive(record, async () => {
      const addigy = await this.connectAddigy(record);
      if (!addigy) return this.failNoApiKey(record, 'scanning');
      record.failure = undefined;
      await this.save(record, 'scanning');
      await this.deps.vault.wipe(record.id);
      return this.scanLoop(record, addigy);
    });
  }

  /** Poll the list (call 1) until Addigy's rescan after the Save ends: success, or its error. */
  private async scanLoop(record: RenewalRecord, addigy: AddigyApi): Promise<RenewalRecord> {
    const locationId = record.match!.locationId;
    const since = new Date(record.renewedAt ?? record.updatedAt);
    const policy = this.deps.scanPolicy ?? SCAN_POLICY;
    let sawSyncing = false;
    let oldExpiry = false;
    for (let poll = 1; poll <= policy.maxAttempts; poll++) {
      await this.sleep(backoffDelayMs(poll, policy));
      const list = await addigy.listTokens();
      record.retrying = undefined;
      if (!list.ok) return this.failService(record, list.error, 'scanning');
      const token = owningToken(list.value, locationId);
      if (!token) {
        return this.fail(record, {
          kind: 'not-found',
          message: 'The token was saved, but Addigy no longer lists this location.',
          nextStep: 'Check Policy → Integrations & Settings → Apple Apps in Addigy.',
          step: 'scanning',
          retryable: false,
        });
      }
      const expiry = tokenExpiry(token);
      // Addigy's expiry must become the file's: until then the save has not shown up in its API.
      oldExpiry = Boolean(expiry) && !sameInstant(expiry, record.file?.expiresAt);
      const outcome = describeScanOutcome(token, since);
      sawSyncing ||= outcome.state === 'syncing';
      if (outcome.state === 'success' && !oldExpiry) {
        record.lastSync = outcome.lastSync;
        record.newExpiry = expiry ?? record.file?.expiresAt;
        return this.save(record, 'done');
      }
      // An error seen before Addigy ever reported syncing may be the previous scan's: look once more.
      if (outcome.state === 'error' && (sawSyncing || poll > 1)) {
        return this.fail(record, { ...outcome.problem, detail: outcome.detail, step: 'scanning', retryable: true });
      }
    }
    if (oldExpiry) {
      return this.fail(record, {
        kind: 'not-saved',
        message: `Addigy’s page accepted the Save, but Addigy still shows the old expiry for ${locationLabel(record)}.`,
        nextStep: 'Check the token in Addigy (Policy → Integrations & Settings → Apple Apps). If the expiry did not change, download a fresh token and send it again.',
        step: 'scanning',
        retryable: true,
      });
    }
    return this.fail(record, {
      kind: 'scan-slow',
      message: 'The token was saved in Addigy, but its scan has not finished yet.',
      nextStep: 'Choose Retry to keep watching, or check the last successful sync in Addigy later.',
      step: 'scanning',
      retryable: true,
    });
  }

  /** An Addigy client for the renewal's connection (the primary one: its saved key and address), or undefined without a key. */
  private async connectAddigy(
    record: RenewalRecord,
    connectionId = record.match?.connectionId ?? PRIMARY_CONNECTION_ID,
  ): Promise<AddigyApi | undefined> {
    if (connectionId !== PRIMARY_CONNECTION_ID) {
      const handle = ((await this.deps.listConnections?.()) ?? []).find((h) => h.connection.id === connectionId);
      return handle?.addigy?.(this.retryReporter(record));
    }
    const [settings, apiKey] = await Promise.all([this.deps.loadSettings(), this.deps.loadApiKey()]);
    if (!apiKey) return undefined;
    return this.deps.createAddigy({ baseUrl: settings.addigyBaseUrl, apiKey }, this.retryReporter(record));
  }

  private failNoConnection(record: RenewalRecord) {
    return this.fail(record, {
      kind: 'not-configured',
      message: 'Token Relay is not connected to an MDM yet: it has no Addigy API key and no other connection.',
      nextStep:
        'Open Options and paste your Addigy API key (V2), or add your Jamf Pro, Microsoft Intune or Fleet connection, then choose Retry. The token is kept until then.',
      step: 'parsed',
      retryable: true,
    });
  }

  private failNoApiKey(record: RenewalRecord, step: RenewalStep) {
    // Another Addigy organisation's connection, removed since: say that, not "no key".
    if (record.match?.connectionId) return this.failConnectionGone(record, step);
    return this.fail(record, {
      kind: 'not-configured',
      message: 'Token Relay does not have an Addigy API key.',
      nextStep: 'Open Options, paste your Addigy API key (V2) and save, then choose Retry. The token is kept until then.',
      step,
      retryable: true,
    });
  }

  /**
   * One renewal per location. A newer capture replaces one still waiting (its console tab is reused),
   * but only when Apple confirmed both are the same location by `uId`: a name match never replaces.
   * While one is being saved in Addigy, a newer capture waits its turn.
   */
  private async takeOverWaiting(record: RenewalRecord): Promise<'none' | 'replaced' | 'blocked' | 'saving'> {
    let outcome: 'none' | 'replaced' | 'blocked' = 'none';
    let saving = false;
    for (const other of await this.deps.store.list()) {
      if (other.id === record.id || other.match?.locationId !== record.match?.locationId) continue;
      if ((other.match?.connectionId ?? PRIMARY_CONNECTION_ID) !== (record.match?.connectionId ?? PRIMARY_CONNECTION_ID)) continue;
      const waiting =
        other.step === 'awaiting-confirmation' ||
        other.step === 'handing-over' ||
        other.step === 'previewed' ||
        (other.step === 'failed' && other.failure?.retryable && other.failure.step !== 'renewing' && other.failure.step !== 'scanning');
      if (other.step === 'renewing' || other.step === 'scanning') {
        saving = true;
        continue;
      }
      if (!waiting) continue;
      const sameByUid = record.match?.strength === 'uid' && Boolean(record.apple?.uId) && other.apple?.uId === record.apple?.uId;
      if (!sameByUid) {
        outcome = 'blocked';
        continue;
      }
      await this.deps.vault.wipe(other.id);
      other.failure = undefined;
      if (other.console?.tabId !== undefined) record.console = { tabId: other.console.tabId, since: this.now().toISOString() };
      await this.save(other, 'discarded');
      record.replacedPending = true;
      if (outcome === 'none') outcome = 'replaced';
    }
    return saving ? 'saving' : outcome;
  }

  /** Addigy's API or another MDM's refused or failed. */
  private async failService(record: RenewalRecord, problem: AddigyProblem | MdmProblem, step: RenewalStep, secret?: string) {
    // Only what a retry can fix keeps the token: a transient failure, or credentials and rights the admin can fix.
    const fixable = problem.transient || FIXABLE_IN_SETTINGS.includes(problem.kind);
    const detail = problem.detail && secret ? redactSecret(problem.detail, secret) : problem.detail;
    return this.fail(record, { kind: problem.kind, message: problem.message, nextStep: problem.nextStep, detail, step, retryable: fixable });
  }

  private failTokenGone(record: RenewalRecord, step: RenewalStep) {
    return this.fail(record, {
      kind: 'token-gone',
      message: 'Token Relay no longer holds this token (the browser was restarted or the renewal was replaced).',
      nextStep: DOWNLOAD_AGAIN,
      step,
      retryable: false,
    });
  }

  private async fail(record: RenewalRecord, failure: RenewalFailure): Promise<RenewalRecord> {
    record.failure = {
      kind: failure.kind,
      message: failure.message,
      nextStep: failure.nextStep,
      detail: failure.detail,
      step: failure.step,
      retryable: failure.retryable,
    };
    record.retrying = undefined;
    if (!failure.retryable) await this.deps.vault.wipe(record.id);
    return this.save(record, 'failed');
  }

  private async save(record: RenewalRecord, step: RenewalStep): Promise<RenewalRecord> {
    record.step = step;
    record.updatedAt = this.now().toISOString();
    await this.deps.store.put(record);
    this.deps.onChange?.(record);
    return record;
  }

  private retryReporter(record: RenewalRecord) {
    return (notice: RetryNotice) => {
      record.retrying = notice;
      void this.deps.store.put(record).then(() => this.deps.onChange?.(record));
    };
  }

  /** One flow per renewal at a time: a double click cannot send twice. */
  private async exclusive(record: RenewalRecord, flow: () => Promise<RenewalRecord>): Promise<RenewalRecord> {
    if (this.running.has(record.id)) return record;
    this.running.add(record.id);
    try {
      return await flow();
    } catch {
      // Never a silent limbo; the exception's text is not shown, as it could quote the token.
      return this.fail(record, {
        kind: 'internal',
        message: 'Token Relay hit an unexpected error while working on this renewal.',
        nextStep: 'Choose Retry. If it happens again, download a fresh token and send it again.',
        step: record.step === 'failed' ? (record.failure?.step ?? 'parsed') : record.step,
        retryable: true,
      });
    } finally {
      this.running.delete(record.id);
    }
  }

  /** Is any renewal being worked on right now (the worker should stay awake)? */
  get busy(): boolean {
    return this.running.size > 0;
  }
}

/** Problem kinds the admin fixes in Options or in the MDM (a key, a client's rights, a sign-in): the token is kept. */
const FIXABLE_IN_SETTINGS: readonly string[] = ['unauthorized', 'forbidden', 'bad-settings', 'needs-sign-in'];

/** The primary Addigy connection: Options' Addigy section (lib/storage/connections PRIMARY_ADDIGY). */
const PRIMARY_CONNECTION_ID = 'addigy';

function candidateOf(target: Target, token: MdmToken, adapter: MdmAdapter): MatchCandidate {
  return {
    ...(token.state === 'other-server' ? { otherServer: true } : {}),
    ...(adapter.reclaim ? { reclaimable: true } : {}),
    ...(adapter.requiresAppleVerifiedLocation ? { requiresAppleVerifiedLocation: true } : {}),
    connectionId: target.connectionId,
    connectionName: target.name,
    kind: target.kind,
    tokenId: token.id,
    locationName: token.locationName,
    orgName: token.orgName,
    appleId: token.appleId,
    expiresAt: token.expiresAt,
    strength: 'name',
  };
}

/** What the popup calls the holder when only the MDM's list (not Apple) says another server uses the location. */
const ANOTHER_SERVER = 'another MDM server';

/** A renew that failed without a clear answer (a 5xx, a timeout, a lost connection): it may have landed. */
function uncertainWrite(problem: { kind: string } | undefined): boolean {
  return problem?.kind === 'server-error' || problem?.kind === 'timeout' || problem?.kind === 'unreachable';
}

/** Unicode-normalised and trimmed, case kept: stricter than matchTokensByName, as it guards what Fleet overwrites. */
const exactlySameName = (a: string | undefined, b: string | undefined) =>
  Boolean(a?.trim()) && a!.normalize('NFC').trim() === b?.normalize('NFC').trim();

/**
 * For an MDM that stores any file it gets (adapter.requiresAppleVerifiedLocation): Apple must have confirmed the
 * file's location name, equal to the token's, and the file's organisation must equal the token's.
 */
function unverifiedLocation(record: RenewalRecord, mdm: string): RenewalFailure | undefined {
  const apple = record.apple;
  const location = locationLabel(record);
  if (apple?.status !== 'verified' || !apple.locationName) {
    const skipped = apple?.status === 'skipped';
    return {
      kind: 'apple-not-verified',
      message: `${mdm} stores any token file it is given without checking which location it is for, so Token Relay sends one only after Apple has confirmed the file is for ${location}. ${skipped ? 'Checking with Apple is turned off in Options' : 'Apple could not be asked'}, so nothing was sent.`,
      nextStep: skipped
        ? 'Turn on “Check each token with Apple before sending it” in Options, then choose Retry.'
        : 'Choose Retry in a few minutes, when Apple can be reached. The token is kept until then.',
      step: 'verified',
      retryable: true,
    };
  }
  const match = record.match;
  if (!exactlySameName(apple.locationName, match?.locationName) || !exactlySameName(record.file?.orgName, match?.orgName)) {
    return {
      kind: 'location-mismatch',
      message: `Apple says this file is for “${apple.locationName}” of “${record.file?.orgName ?? '?'}”, but the ${mdm} token is for “${match?.locationName ?? '?'}” of “${match?.orgName ?? '?'}”. ${mdm} would overwrite its token with the file’s location, so nothing was sent.`,
      nextStep: `In Apple Business Manager (or Apple School Manager), download the token of the location ${mdm} holds, and send that one.`,
      step: 'matched',
      retryable: false,
    };
  }
  return undefined;
}

/** Apple names the MDM that holds the location: "another MDM" only when it is not the one we renew in. */
function otherMdmFor(appleSays: string | undefined, kind: MdmKind): string | undefined {
  if (!appleSays) return undefined;
  const words: Record<MdmKind, RegExp> = { addigy: /addigy/i, 'jamf-pro': /jamf/i, intune: /intune|microsoft/i, fleet: /fleet/i };
  return words[kind].test(appleSays) ? undefined : appleSays;
}

/** Not one connection lists a token for this file: say which were searched, and which could not be asked. */
function noMatchAcross(targets: Target[], unanswered: Array<{ target: Target; problem: Problem }>): RenewalFailure {
  const asked = targets.filter((t) => !unanswered.some((u) => u.target === t)).map((t) => t.name);
  const notAsked = unanswered.map((u) => `${u.target.name} (${u.problem.message})`);
  return {
    kind: 'no-match',
    message: `No connection has a token for this file. Searched: ${asked.join(', ') || 'none'}.${notAsked.length ? ` Could not ask: ${notAsked.join('; ')}` : ''} Nothing was sent.`,
    nextStep: notAsked.length
      ? 'Choose Retry when every connection can be reached. If the location is new to your MDM, add it there with this file first.'
      : 'If this location is new to your MDM, add the token there with this file (in Addigy: Policy → Integrations & Settings → Apple Apps → Add), or add the connection that holds it in Token Relay’s Options.',
    step: 'matched',
    retryable: notAsked.length > 0,
  };
}

function jobOf(record: RenewalRecord): ConsoleJob {
  return { renewalId: record.id, locationName: locationLabel(record), fileName: uploadFileName(record) };
}

/** Always `sToken_for_<location>.vpptoken`, sanitised; never the name Apple's page gave the download. */
function uploadFileName(record: RenewalRecord): string {
  return tokenUploadFileName(record.match?.locationName ?? record.apple?.locationName ?? record.preview?.name);
}

/** The seed's steps, for when Token Relay cannot do them. */
function manualRenewal(record: RenewalRecord): string {
  // The file as it is on disk: the browser may have named it apart from the upload's name.
  const file = downloadedTokenFileName(record.fileName) ?? 'the .vpptoken file';
  return `To renew by hand: in Addigy open the policy → Integrations & Settings → Apple Apps, press Renew beside ${locationLabel(record)}, drop ${file} from your Downloads folder into the window (or click to choose it), press Save, check the ID number, name, Apple ID and organization, and press Save again. Or choose Retry.`;
}

/** Addigy's red error box, in plain words with what to do. */
function refusal(text: string, location: string, step: RenewalStep): RenewalFailure {
  const detail = redactBase64Runs(text).slice(0, 300);
  if (/identifier|does not match|doesn't match|mismatch/i.test(text)) {
    return {
      kind: 'identifier-mismatch',
      message: `Addigy refused the file: its identifier does not match the token it has for ${location}, so Addigy cannot renew that token with it.`,
      nextStep: NEW_TOKEN_STEP,
      detail,
      step,
      retryable: false,
    };
  }
  if (/error syncing token|expired|revoked|9625|9621|invalid/i.test(text)) {
    return {
      kind: 'console-refused-token',
      message: `Addigy refused the file for ${location}: Apple no longer accepts this token (it is expired, revoked or invalid).`,
      nextStep: DOWNLOAD_AGAIN,
      detail,
      step,
      retryable: false,
    };
  }
  return {
    kind: 'console-refused',
    message: `Addigy showed an error and did not renew ${location}.`,
    nextStep: 'Read Addigy’s words below. Choose Retry to try again, or renew by hand in Addigy (Policy → Integrations & Settings → Apple Apps → Renew).',
    detail,
    step,
    retryable: true,
  };
}

/** Apple's answer as the discrepancy check wants it, from what the record kept. */
function appleConfigOf(record: RenewalRecord): AppleClientConfig | undefined {
  const a = record.apple;
  if (a?.status !== 'verified' || !a.uId) return undefined;
  return { uId: a.uId, locationName: a.locationName ?? '', tokenExpirationDate: a.tokenExpirationDate } as AppleClientConfig;
}

/** The copy of a location's token that owns it (inherited copies name their source). */
function owningToken(tokens: AddigyToken[], locationId: string): AddigyToken | undefined {
  const copies = tokens.filter((t) => t.locationId === locationId);
  return copies.find((t) => !t.inheritedFrom) ?? copies[0];
}


/** After a browser restart the token held in memory is gone; say what that means for this step. */
function lostToken(step: RenewalStep): RenewalFailure {
  const saving = step === 'renewing';
  return {
    kind: 'interrupted',
    message: saving
      ? 'The browser was closed while Token Relay was saving this token in Addigy, and the token is no longer held in memory. Addigy may already have it.'
      : 'The browser was closed before this renewal finished, and the token is no longer held in memory. Nothing was saved in Addigy.',
    nextStep: saving
      ? 'Check the token’s last successful sync in Addigy. If it was not renewed, drop the .vpptoken file from your Downloads folder into the Token Relay popup.'
      : 'The .vpptoken file is still in your Downloads folder: drop it into the Token Relay popup to continue.',
    step,
    retryable: false,
  };
}

function needsOverride(record: RenewalRecord): { ok: false; error: IntentProblem } {
  return {
    ok: false,
    error: {
      kind: 'needs-mdm-override',
      message: `This location is in use by another MDM (${record.otherMdm}).`,
      nextStep: 'Confirm that Addigy should take it over, or cancel.',
    },
  };
}

function unknownRenewal(): { ok: false; error: IntentProblem } {
  return {
    ok: false,
    error: { kind: 'unknown-renewal', message: 'That renewal no longer exists.', nextStep: 'Reopen the popup.' },
  };
}

function wrongStep(record: RenewalRecord): { ok: false; error: IntentProblem } {
  return {
    ok: false,
    error: {
      kind: 'wrong-step',
      message: `That action does not apply: the renewal is ${record.step.replace(/-/g, ' ')}.`,
      nextStep: 'Reopen the popup to see its current state.',
    },
  };
}
