import type { Problem, Result } from '../result';
import type { AppleClientConfig } from '../apple/schemas';
import type { AppleProblem } from '../apple/apple-client';
import type { MdmAdapter, MdmKind, MdmProblem, RenewalConnection, RetryNotice } from '../mdm/mdm-adapter';
import type { WriteIo, WriteJob } from '../mdm/renewal-writer';
import type { RenewalStore } from '../storage/renewal-store';
import type { TokenVault } from '../storage/token-vault';
import { redactSecret } from '../token';
import { downloadedTokenFileName, tokenUploadFileName } from '../token/token-file-name';
import { sleep as realSleep, type RetryPolicy } from '../http';
import { connectionNameOf, locationLabel, type RenewalFailure, type RenewalRecord, type RenewalStep } from './renewal-record';
import { t } from '../i18n/messages';

/** The slice of AppleClient the pipeline uses. */
export interface AppleApi {
  getClientConfig(tokenText: string): Promise<Result<AppleClientConfig, AppleProblem>>;
}

export interface RenewalDeps {
  store: RenewalStore;
  vault: TokenVault;
  loadSettings(): Promise<{ appleVerification: boolean }>;
  createApple(onRetry: (notice: RetryNotice) => void): AppleApi;
  /** Every connection of Options, each with its adapter and writer. */
  connections(): Promise<RenewalConnection[]>;
  onChange?(record: RenewalRecord): void;
  now?(): Date;
  newId?(): string;
  sleep?(ms: number): Promise<void>;
  /** How long following may poll the MDM before it is reported as unfinished. */
  scanPolicy?: RetryPolicy;
}

/** A connection, connected: what a renewal's token may go to. */
export interface Target {
  connectionId: string;
  name: string;
  kind: MdmKind;
  adapter: MdmAdapter;
}

/**
 * What every stage shares: the records, the vault, the connections, and the rules that hold at every step (each step
 * is persisted before the next begins; one flow per renewal at a time; a failure is never silent).
 */
export class RenewalRuntime {
  private readonly running = new Set<string>();
  private readonly flows = new Set<Promise<unknown>>();
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly deps: RenewalDeps) {
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? ((ms) => realSleep(ms));
  }

  async save(record: RenewalRecord, step: RenewalStep): Promise<RenewalRecord> {
    record.step = step;
    record.updatedAt = this.now().toISOString();
    await this.deps.store.put(record);
    this.deps.onChange?.(record);
    return record;
  }

  async fail(record: RenewalRecord, failure: RenewalFailure): Promise<RenewalRecord> {
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

  /** An MDM's API refused or failed. */
  failService(record: RenewalRecord, problem: MdmProblem, step: RenewalStep, secret?: string) {
    // Only what a retry can fix keeps the token: a transient failure, or credentials and rights the admin can fix.
    const fixable = problem.transient || FIXABLE_IN_SETTINGS.includes(problem.kind);
    const detail = problem.detail && secret ? redactSecret(problem.detail, secret) : problem.detail;
    return this.fail(record, { kind: problem.kind, message: problem.message, nextStep: problem.nextStep, detail, step, retryable: fixable });
  }

  failTokenGone(record: RenewalRecord, step: RenewalStep) {
    return this.fail(record, {
      kind: 'token-gone',
      message: t('problemTokenRelayNoLongerHoldsThis'),
      nextStep: DOWNLOAD_AGAIN,
      step,
      retryable: false,
    });
  }

  failConnectionGone(record: RenewalRecord, step: RenewalStep) {
    return this.fail(record, {
      kind: 'not-configured',
      message: t('problemTheConnectionIsNoLongerSet', connectionNameOf(record)),
      nextStep: t('problemAddItAgainInOptionsThen'),
      step,
      retryable: true,
    });
  }

  retryReporter(record: RenewalRecord) {
    return (notice: RetryNotice) => {
      record.retrying = notice;
      void this.deps.store.put(record).then(() => this.deps.onChange?.(record));
    };
  }

  /** One flow per renewal at a time: a double click cannot send twice. */
  async exclusive(record: RenewalRecord, flow: () => Promise<RenewalRecord>): Promise<RenewalRecord> {
    if (this.running.has(record.id)) return record;
    this.running.add(record.id);
    try {
      return await flow();
    } catch {
      // Never a silent limbo; the exception's text is not shown, as it could quote the token.
      return this.fail(record, {
        kind: 'internal',
        message: t('problemTokenRelayHitAnUnexpectedError'),
        nextStep: t('problemChooseRetryIfItHappensAgain'),
        step: record.step === 'failed' ? (record.failure?.step ?? 'parsed') : record.step,
        retryable: true,
      });
    } finally {
      this.running.delete(record.id);
    }
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  track(flow: Promise<unknown>): void {
    this.flows.add(flow);
    void flow.finally(() => this.flows.delete(flow));
  }

  async settled(): Promise<void> {
    while (this.flows.size) await Promise.allSettled([...this.flows]);
  }

  /** Every connection, connected, in Options' order. */
  async connectAll(record: RenewalRecord): Promise<Target[]> {
    const onRetry = this.retryReporter(record);
    return (await this.deps.connections()).map(({ connection, adapter }) => ({
      connectionId: connection.id,
      name: connection.name,
      kind: connection.kind,
      adapter: adapter(onRetry),
    }));
  }

  /** The renewal's own connection, connected; undefined when it was removed since. */
  async targetOf(record: RenewalRecord): Promise<Target | undefined> {
    const id = record.match?.connectionId;
    if (!id) return undefined;
    return (await this.connectAll(record)).find((t) => t.connectionId === id);
  }

  /** The facts a writer gets about this renewal. */
  jobOf(record: RenewalRecord): WriteJob {
    const match = record.match!;
    return {
      renewalId: record.id,
      token: { id: match.locationId, policyId: match.policyId, locationName: match.locationName, orgName: match.orgName, appleId: match.appleId },
      location: locationLabel(record),
      uploadFileName: tokenUploadFileName(match.locationName ?? record.apple?.locationName ?? record.preview?.name),
      downloadedFileName: downloadedTokenFileName(record.fileName),
      file: { expiresAt: record.file!.expiresAt },
      connectionName: connectionNameOf(record),
      session: record.console && { ...record.console },
      updatedAt: record.updatedAt,
    };
  }

  /** The writer keeps its session in the record, saved at `step`. */
  ioOf(record: RenewalRecord, step: RenewalStep): WriteIo {
    return {
      get session() {
        return record.console;
      },
      saveSession: async (session) => {
        record.console = session;
        await this.save(record, step);
      },
    };
  }
}

/** Problem kinds the admin fixes in Options or in the MDM (a key, a client's rights, a sign-in): the token is kept. */
const FIXABLE_IN_SETTINGS: readonly string[] = ['unauthorized', 'forbidden', 'bad-settings', 'needs-sign-in'];

export const DOWNLOAD_AGAIN =
  t('problemDownloadAFreshTokenInApple');

/** Apple's answer said nothing about the token itself: go on, with the MDM's confirmation as the gate. */
export function appleNotConsulted(problem: AppleProblem): boolean {
  if (problem.kind === 'unreachable' || problem.kind === 'rate-limited') return true;
  if (problem.kind === 'apple-error') return problem.transient === true;
  // A 200 in a shape we do not know; a 4xx is Apple refusing the token.
  return problem.kind === 'bad-response' && problem.status === 200;
}

/** Apple's answer as the discrepancy check wants it, from what the record kept. */
export function appleConfigOf(record: RenewalRecord): AppleClientConfig | undefined {
  const a = record.apple;
  if (a?.status !== 'verified' || !a.uId) return undefined;
  return { uId: a.uId, locationName: a.locationName ?? '', tokenExpirationDate: a.tokenExpirationDate } as AppleClientConfig;
}

export type { Problem };
