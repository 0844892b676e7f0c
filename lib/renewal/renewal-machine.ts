import type { Result, Problem } from '../result';
import { locationFromTokenFileName, parseVppToken, redactSecret } from '../token';
import type { AppleClientConfig } from '../apple/schemas';
import type { AppleProblem } from '../apple/apple-client';
import { isManagedByOtherMdm, otherMdmName } from '../apple/apple-client';
import type { AddigyToken, RenewalPreview } from '../addigy/schemas';
import type { AddigyProblem } from '../addigy/addigy-client';
import { describeScanOutcome, tokenExpiry } from '../addigy/addigy-client';
import type { Settings } from '../storage/settings';
import type { RenewalStore } from '../storage/renewal-store';
import type { TokenVault } from '../storage/token-vault';
import { backoffDelayMs, sleep as realSleep, type RetryPolicy } from '../http';
import { matchAddigyToken } from './match-addigy-token';
import { findDiscrepancies } from './discrepancies';
import {
  isFinished,
  type CaptureSource,
  type RenewalFailure,
  type RenewalRecord,
  type RenewalStep,
} from './renewal-record';

/** The slice of AppleClient the machine uses. */
export interface AppleApi {
  getClientConfig(tokenText: string): Promise<Result<AppleClientConfig, AppleProblem>>;
}

/** The slice of AddigyClient the machine uses. */
export interface AddigyApi {
  listTokens(): Promise<Result<AddigyToken[], AddigyProblem>>;
  previewRenewal(locationId: string, tokenText: string): Promise<Result<RenewalPreview, AddigyProblem>>;
  renew(locationId: string, tokenText: string, options?: { repeat?: boolean }): Promise<Result<AddigyToken, AddigyProblem>>;
  requestSync(locationId: string): Promise<Result<void, AddigyProblem>>;
}

export type RetryNotice = { attempt: number; delayMs: number; reason: string };

export interface RenewalDeps {
  store: RenewalStore;
  vault: TokenVault;
  loadSettings(): Promise<Settings>;
  loadApiKey(): Promise<string | undefined>;
  createApple(onRetry: (notice: RetryNotice) => void): AppleApi;
  createAddigy(config: { baseUrl: string; apiKey: string }, onRetry: (notice: RetryNotice) => void): AddigyApi;
  onChange?(record: RenewalRecord): void;
  now?(): Date;
  newId?(): string;
  sleep?(ms: number): Promise<void>;
  /** How long scanning may poll Addigy before it is reported as unfinished. */
  scanPolicy?: RetryPolicy;
}

export interface CaptureInput {
  text: string;
  source: CaptureSource;
  fileName?: string;
}

export type IntentProblem = Problem<'unknown-renewal' | 'wrong-step' | 'needs-mdm-override'>;

/** Apple's answer said nothing about the token itself: go on, with Addigy's preview as the gate. */
const APPLE_NOT_CONSULTED: readonly AppleProblem['kind'][] = ['unreachable', 'rate-limited', 'apple-error', 'bad-response'];

const SCAN_POLICY: RetryPolicy = { maxAttempts: 30, baseDelayMs: 1_000, maxDelayMs: 10_000 };

const DOWNLOAD_AGAIN =
  'Download a fresh token in Apple Business Manager (your name → Preferences → Payments and Billing → Content Tokens) and send it again.';

/**
 * captured → parsed → verified → matched → previewed → awaiting-confirmation → renewing → scanning → done | failed.
 * Each step is persisted before the next begins, so a restarted worker can resume or report it.
 */
export class RenewalMachine {
  private readonly running = new Set<string>();
  private readonly flows = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: RenewalDeps) {
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? ((ms) => realSleep(ms));
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

  /** The user said yes in extension-owned UI. */
  async confirm(id: string, options: { acceptOtherMdm?: boolean } = {}): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'awaiting-confirmation') return wrongStep(record);
    if (record.otherMdm && !options.acceptOtherMdm) {
      return {
        ok: false,
        error: {
          kind: 'needs-mdm-override',
          message: `This location is in use by another MDM (${record.otherMdm}).`,
          nextStep: 'Confirm that Addigy should take it over, or cancel.',
        },
      };
    }
    this.track(this.renew(record, false));
    return { ok: true, value: record };
  }

  /** Try a failed renewal again with the token it already has. */
  async retry(id: string): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'failed' || !record.failure?.retryable) return wrongStep(record);
    const failedAt = record.failure.step;
    if (failedAt === 'renewing') this.track(this.renew(record, true));
    else if (failedAt === 'scanning') this.track(this.scan(record));
    else this.track(this.runChecks(id));
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

  /** After a worker restart: pick every unfinished renewal up again, or say why it stopped. */
  async resume(): Promise<void> {
    for (const record of await this.deps.store.list()) {
      if (this.running.has(record.id)) continue;
      const waitsForToken = record.step === 'failed' && record.failure?.retryable && record.failure.step !== 'scanning';
      if (isFinished(record) && !waitsForToken) continue;
      const token = await this.deps.vault.get(record.id);
      if (!token && record.step !== 'scanning') {
        await this.fail(record, lostToken(record.step === 'failed' ? record.failure!.step : record.step));
        continue;
      }
      if (record.step === 'failed') continue;
      switch (record.step) {
        case 'awaiting-confirmation':
          break;
        case 'scanning':
          this.track(this.scan(record));
          break;
        case 'renewing':
          // Unknown whether Addigy saw the PUT: let the user decide, Retry repeats it safely.
          await this.fail(record, {
            kind: 'interrupted',
            message: 'Token Relay was stopped while it was saving the token in Addigy, so it does not know whether Addigy received it.',
            nextStep: 'Choose Retry: sending the same token again is safe.',
            step: 'renewing',
            retryable: true,
          });
          break;
        default:
          this.track(this.runChecks(record.id));
      }
    }
  }

  /** Parse-level checks passed; now ask Apple and Addigy. Ends at awaiting-confirmation or failed. */
  private async runChecks(id: string): Promise<RenewalRecord> {
    const record = await this.deps.store.get(id);
    if (!record) throw new Error('renewal vanished');
    return this.exclusive(record, async () => {
      const text = await this.deps.vault.get(id);
      if (!text) return this.failTokenGone(record, 'parsed');
      record.failure = undefined;
      record.discrepancies = [];

      const settings = await this.deps.loadSettings();
      const addigy = await this.connectAddigy(record);
      if (!addigy) return this.failNoApiKey(record, 'parsed');
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
        } else if (APPLE_NOT_CONSULTED.includes(answer.error.kind)) {
          record.apple = { status: 'unreachable', note: answer.error.message };
        } else {
          return this.fail(record, { ...answer.error, step: 'verified', retryable: false });
        }
      } else {
        record.apple = { status: 'skipped' };
      }
      await this.save(record, 'verified');

      // 2. Addigy: which of its tokens is this?
      const list = await addigy.listTokens();
      record.retrying = undefined;
      if (!list.ok) return this.failAddigy(record, list.error, 'matched', text);
      const file = { ...record.file!, locationName: locationFromTokenFileName(record.fileName) };
      const match = matchAddigyToken({ tokens: list.value, apple, file });
      if (!match.ok) return this.fail(record, { ...match.error, step: 'matched', retryable: false });
      const target = match.value.token;
      record.match = {
        locationId: target.locationId,
        policyId: target.policyId ?? undefined,
        locationName: target.clientConfig?.locationName ?? undefined,
        orgName: target.orgName ?? undefined,
        strength: match.value.strength,
      };
      record.otherMdm = record.apple?.otherMdm;
      await this.replaceOtherPending(record);
      await this.save(record, 'matched');

      // 3. Addigy's own check: what its Renew dialog would show.
      const preview = await addigy.previewRenewal(target.locationId, text);
      record.retrying = undefined;
      if (!preview.ok) return this.failAddigy(record, preview.error, 'previewed', text);
      record.preview = { ...preview.value };
      record.discrepancies = findDiscrepancies({ file: record.file!, apple, preview: preview.value });
      await this.save(record, 'previewed');
      return this.save(record, 'awaiting-confirmation');
    });
  }

  private async renew(record: RenewalRecord, repeat: boolean): Promise<RenewalRecord> {
    return this.exclusive(record, async () => {
      const text = await this.deps.vault.get(record.id);
      if (!text) return this.failTokenGone(record, 'renewing');
      const addigy = await this.connectAddigy(record);
      if (!addigy || !record.match) return this.failNoApiKey(record, 'renewing');
      record.failure = undefined;
      await this.save(record, 'renewing');
      const renewed = await addigy.renew(record.match.locationId, text, { repeat });
      record.retrying = undefined;
      if (!renewed.ok) return this.failAddigy(record, renewed.error, 'renewing', text);
      record.renewedAt = this.now().toISOString();
      record.newExpiry = tokenExpiry(renewed.value) ?? record.file?.expiresAt;
      await this.save(record, 'scanning');
      return this.scanLoop(record, addigy);
    });
  }

  private async scan(record: RenewalRecord): Promise<RenewalRecord> {
    return this.exclusive(record, async () => {
      const addigy = await this.connectAddigy(record);
      if (!addigy) return this.failNoApiKey(record, 'scanning');
      record.failure = undefined;
      await this.save(record, 'scanning');
      return this.scanLoop(record, addigy);
    });
  }

  /** Scan Now (call 4), then poll the list (call 1) until Addigy says how the scan went. */
  private async scanLoop(record: RenewalRecord, addigy: AddigyApi): Promise<RenewalRecord> {
    // Addigy holds the token now (saved as 'scanning' first, so a crash cannot lose that fact).
    await this.deps.vault.wipe(record.id);
    const locationId = record.match!.locationId;
    const since = new Date(record.renewedAt ?? record.updatedAt);
    const sync = await addigy.requestSync(locationId);
    record.retrying = undefined;
    if (!sync.ok) return this.failAddigy(record, sync.error, 'scanning');
    const policy = this.deps.scanPolicy ?? SCAN_POLICY;
    let sawSyncing = false;
    for (let poll = 1; poll <= policy.maxAttempts; poll++) {
      await this.sleep(backoffDelayMs(poll, policy));
      const list = await addigy.listTokens();
      record.retrying = undefined;
      if (!list.ok) return this.failAddigy(record, list.error, 'scanning');
      const tokens = list.value.filter((t) => t.locationId === locationId);
      const token = tokens.find((t) => !t.inheritedFrom) ?? tokens[0];
      if (!token) {
        return this.fail(record, {
          kind: 'not-found',
          message: 'The token was saved, but Addigy no longer lists this location.',
          nextStep: 'Check Policy → Integrations & Settings → Apple Apps in Addigy.',
          step: 'scanning',
          retryable: false,
        });
      }
      const outcome = describeScanOutcome(token, since);
      sawSyncing ||= outcome.state === 'syncing';
      if (outcome.state === 'success') {
        record.lastSync = outcome.lastSync;
        record.newExpiry = tokenExpiry(token) ?? record.newExpiry;
        return this.save(record, 'done');
      }
      // An error seen before Addigy ever reported syncing may be the previous scan's: look once more.
      if (outcome.state === 'error' && (sawSyncing || poll > 1)) {
        return this.fail(record, { ...outcome.problem, detail: outcome.detail, step: 'scanning', retryable: true });
      }
    }
    return this.fail(record, {
      kind: 'scan-slow',
      message: 'The token was saved in Addigy, but its scan has not finished yet.',
      nextStep: 'Choose Retry to keep watching, or check the last successful sync in Addigy later.',
      step: 'scanning',
      retryable: true,
    });
  }

  /** An Addigy client with the saved key and address, or undefined when no key is saved. */
  private async connectAddigy(record: RenewalRecord): Promise<AddigyApi | undefined> {
    const [settings, apiKey] = await Promise.all([this.deps.loadSettings(), this.deps.loadApiKey()]);
    if (!apiKey) return undefined;
    return this.deps.createAddigy({ baseUrl: settings.addigyBaseUrl, apiKey }, this.retryReporter(record));
  }

  private failNoApiKey(record: RenewalRecord, step: RenewalStep) {
    return this.fail(record, {
      kind: 'not-configured',
      message: 'Token Relay does not have an Addigy API key.',
      nextStep: 'Open Options, paste your Addigy API key (V2) and save, then choose Retry. The token is kept until then.',
      step,
      retryable: true,
    });
  }

  /** One renewal per location: a newer capture replaces the pending one. */
  private async replaceOtherPending(record: RenewalRecord): Promise<void> {
    for (const other of await this.deps.store.list()) {
      if (other.id === record.id || other.match?.locationId !== record.match?.locationId) continue;
      const pending = other.step === 'awaiting-confirmation' || (other.step === 'failed' && other.failure?.retryable && other.failure.step !== 'renewing' && other.failure.step !== 'scanning');
      if (!pending) continue;
      await this.deps.vault.wipe(other.id);
      other.failure = undefined;
      await this.save(other, 'discarded');
      record.replacedPending = true;
    }
  }

  private async failAddigy(record: RenewalRecord, problem: AddigyProblem, step: RenewalStep, secret?: string) {
    // Only what a retry can fix keeps the token: a transient failure, or a key/permission problem.
    const fixable = problem.transient || problem.kind === 'unauthorized' || problem.kind === 'forbidden' || problem.kind === 'bad-settings';
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

/** After a browser restart the token held in memory is gone; say what that means for this step. */
function lostToken(step: RenewalStep): RenewalFailure {
  const saving = step === 'renewing';
  return {
    kind: 'interrupted',
    message: saving
      ? 'The browser was closed while Token Relay was saving this token in Addigy, and the token is no longer held in memory. Addigy may already have it.'
      : 'The browser was closed before this renewal finished, and the token is no longer held in memory. Nothing was sent to Addigy.',
    nextStep: saving
      ? 'Check the token’s last successful sync in Addigy. If it was not renewed, drop the .vpptoken file from your Downloads folder into the Token Relay popup.'
      : 'The .vpptoken file is still in your Downloads folder: drop it into the Token Relay popup to continue.',
    step,
    retryable: false,
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
